/**
 * One line of a setup check (`npm run doctor`, the Home tab's Setup check): what was checked, and
 * whether it passed. A failed line's detail says what to do next. No line ever holds a secret.
 */
export interface SetupCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /**
   * Passed, but worth a read (⚠): something that is likely fine, such as a variable that only
   * shares a family prefix with Latchkey's settings. It never fails the check.
   */
  readonly warning?: boolean;
}

export const passed = (name: string, detail: string): SetupCheck => ({ name, ok: true, detail });
export const failed = (name: string, detail: string): SetupCheck => ({ name, ok: false, detail });
export const warned = (name: string, detail: string): SetupCheck => ({ name, ok: true, detail, warning: true });

/** A line's mark: ✓ passed, ✗ failed (its detail says what to do), ⚠ passed but worth a read. */
export const markOf = (c: SetupCheck): string => (!c.ok ? '✗' : c.warning ? '⚠' : '✓');

/** One line per check, ✓, ✗ or ⚠, for a terminal. */
export function renderChecks(checks: readonly SetupCheck[]): string {
  return checks.map((c) => `${markOf(c)} ${c.name}: ${c.detail}`).join('\n');
}

/** The line below the checks: how many failed, and how many passed with a warning (⚠) to read. */
export function checksSummary(checks: readonly SetupCheck[]): string {
  const failing = checks.filter((c) => !c.ok).length;
  const warnings = checks.filter((c) => c.ok && c.warning).length;
  const read = warnings === 0 ? '' : ` (${warnings} with a warning, ⚠: read ${warnings === 1 ? 'it' : 'them'})`;
  return `${failing === 0 ? `All ${checks.length} checks passed` : `${failing} of ${checks.length} checks failed`}${read}.`;
}
