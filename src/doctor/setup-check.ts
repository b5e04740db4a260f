/**
 * One line of a setup check (`npm run doctor`, the Home tab's Setup check): what was checked, and
 * whether it passed. A failed line's detail says what to do next. No line ever holds a secret.
 */
export interface SetupCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export const passed = (name: string, detail: string): SetupCheck => ({ name, ok: true, detail });
export const failed = (name: string, detail: string): SetupCheck => ({ name, ok: false, detail });

/** One line per check, ✓ or ✗, for a terminal. */
export function renderChecks(checks: readonly SetupCheck[]): string {
  return checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`).join('\n');
}
