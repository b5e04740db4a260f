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
  /**
   * Not checked (–): a part that cannot be proved from where the check runs (the signing secret,
   * outside a request Slack signed). Neither passed nor failed: it is not counted as either, and its
   * detail says where it is proved.
   */
  readonly unchecked?: boolean;
  /**
   * Not checked (–) because a check it depends on failed above (Okta Verify on Okta's org and
   * token: Okta): counted apart from the parts that cannot be checked from here.
   */
  readonly waitsOn?: string;
  /**
   * The host DNS could not find, when that is why the check failed (unresolved-host.ts): the
   * doctor says it again naming the setting that holds it, which only it knows.
   */
  readonly unresolved?: { readonly host: string; readonly code: string };
  /**
   * Failed for want of an answer (none in time, throttled, a 5xx: unansweredBy), not for a setting
   * or permission: a moment's failure, which the same check may pass a minute later. The start's
   * check says it as such (directories-at-start.ts), never "until it is fixed".
   */
  readonly unanswered?: true;
  /**
   * What failed it, when other checks may fail by the same (no AWS credentials, no AWS region, AWS
   * not answering: src/aws/shared-causes.ts): the doctor says a cause two checks or more share on
   * one line of its own, with what it affects, instead of on each (sayCausesOnce).
   */
  readonly cause?: { readonly name: string; readonly detail: string };
  /**
   * How many checks this one line stands for, when it says a cause they share (sayCausesOnce): it
   * is one problem, and counted as that many checks.
   */
  readonly affects?: number;
}

/** Whether a failure is the service not answering (UNAVAILABLE, THROTTLED) rather than refusing: SetupCheck.unanswered. */
export const unansweredBy = (code: string): boolean => code === 'DIRECTORY_UNAVAILABLE' || code === 'DIRECTORY_THROTTLED' || code === 'VERIFY_UNAVAILABLE';
/** A failed line, marked unanswered when the failure that made it was the service not answering. */
export const failedBy = (name: string, detail: string, code: string): SetupCheck => ({ ...failed(name, detail), ...(unansweredBy(code) && { unanswered: true as const }) });
export const passed = (name: string, detail: string): SetupCheck => ({ name, ok: true, detail });
export const failed = (name: string, detail: string): SetupCheck => ({ name, ok: false, detail });
export const warned = (name: string, detail: string): SetupCheck => ({ name, ok: true, detail, warning: true });
export const unchecked = (name: string, detail: string): SetupCheck => ({ name, ok: true, detail, unchecked: true });
/** Not checked because `on`, a check above that it depends on, failed. */
export const waiting = (name: string, on: string, detail: string): SetupCheck => ({ name, ok: true, detail, unchecked: true, waitsOn: on });

/** A line's mark: ✓ passed, ✗ failed (its detail says what to do), ⚠ passed but worth a read, – not checked from here. */
export const markOf = (c: SetupCheck): string => (!c.ok ? '✗' : c.warning ? '⚠' : c.unchecked ? '–' : '✓');

/**
 * How many lines were checked (every line but the unchecked ones), how many could not be from here
 * (–), and how many were not because a check they depend on failed (–, waiting).
 */
export function checkedCount(checks: readonly SetupCheck[]): { checked: number; notChecked: number; waiting: number } {
  const unsaid = checks.filter((c) => c.ok && c.unchecked);
  const waiting = unsaid.filter((c) => c.waitsOn !== undefined).length;
  return { checked: countOf(checks.filter((c) => !(c.ok && c.unchecked))), notChecked: unsaid.length - waiting, waiting };
}

/** The checks these lines stand for: one a line, but as many as it affects for a line saying a shared cause. */
const countOf = (lines: readonly SetupCheck[]): number => lines.reduce((n, c) => n + (c.affects ?? 1), 0);

/**
 * "2 of 14 checks failed", or, when a line says a cause several checks share, "1 problem, affecting
 * 5 of 14 checks": the count is never read as one broken thing when five checks failed of it.
 */
export function failedPhrase(checks: readonly SetupCheck[]): string {
  const failing = checks.filter((c) => !c.ok);
  const [affected, { checked }] = [countOf(failing), checkedCount(checks)];
  if (affected === failing.length) return `${failing.length} of ${checked} checks failed`;
  return `${failing.length} ${failing.length === 1 ? 'problem' : 'problems'}, affecting ${affected} of ${checked} checks`;
}

/**
 * "1 more was not checked because Okta failed (–)": the lines left unchecked because one they
 * depend on failed, counted by what each waits on ("3 more were not checked: 2 because Okta
 * failed, 1 because AWS credentials failed"), never put on every failure above.
 */
export function waitingPhrase(checks: readonly SetupCheck[]): string {
  const by = new Map<string, number>();
  for (const c of checks) if (c.ok && c.unchecked && c.waitsOn !== undefined) by.set(c.waitsOn, (by.get(c.waitsOn) ?? 0) + 1);
  const total = [...by.values()].reduce((a, b) => a + b, 0);
  const more = `${total} more ${total === 1 ? 'was' : 'were'} not checked`;
  if (by.size === 1) return `${more} because ${[...by.keys()][0]} failed (–)`;
  return `${more}: ${[...by].map(([on, n]) => `${n} because ${on} failed`).join(', ')} (–)`;
}

/** One line per check, ✓, ✗ or ⚠, for a terminal. */
export function renderChecks(checks: readonly SetupCheck[]): string {
  return checks.map((c) => `${markOf(c)} ${c.name}: ${c.detail}`).join('\n');
}

/** The line below the checks: how many failed, and how many passed with a warning (⚠) to read. */
export function checksSummary(checks: readonly SetupCheck[]): string {
  const failing = checks.filter((c) => !c.ok).length;
  const warnings = checks.filter((c) => c.ok && c.warning).length;
  const read = warnings === 0 ? '' : ` (${warnings} with a warning, ⚠: read ${warnings === 1 ? 'it' : 'them'})`;
  const { checked, notChecked, waiting } = checkedCount(checks);
  const unsaid = notChecked === 0 ? '' : ` ${notChecked} could not be checked from here (–): read ${notChecked === 1 ? 'it' : 'them'}.`;
  const after = waiting === 0 ? '' : `, and ${waitingPhrase(checks)}`;
  return `${failing === 0 ? `All ${checked} checks passed` : failedPhrase(checks)}${read}${after}.${unsaid}`;
}

/**
 * The checks, with each cause that failed two or more of them said once, where the first of them
 * was: "✗ AWS credentials: no AWS credentials found: … Affected: Table AUDIT_TABLE_NAME, Amazon
 * Chime". Each affected check is named by what it checks (a plug-in's lines by the plug-in's name).
 */
export function sayCausesOnce(checks: readonly SetupCheck[]): SetupCheck[] {
  const shared = sharedCause(checks);
  return checks.flatMap((c) => {
    const group = shared(c);
    if (!group) return [c];
    if (group[0] !== c) return [];
    const affected = [...new Set(group.map(partOf))];
    return [{ ...failed(c.cause!.name, `${c.cause!.detail}. Affected: ${affected.join(', ')}`), affects: countOf(group) }];
  });
}

/**
 * The name of the line above that says why a part failed, once sayCausesOnce has said a shared
 * cause on a line of its own: "AWS credentials" for Amazon Chime with no AWS credentials, the part's
 * own name otherwise ("Okta"), so a line that waits on it names a line the reader can find.
 */
export function failedAs(checks: readonly SetupCheck[], part: string): string {
  const shared = sharedCause(checks);
  const names = checks.filter((c) => !c.ok && partOf(c) === part).map((c) => (shared(c) ? c.cause!.name : part));
  return names.length === 0 ? part : [...new Set(names)].join(' and ');
}

/** What a line is named after: the plug-in's name for a plug-in's lines ("Amazon Chime: credentials and permissions"). */
const partOf = (c: SetupCheck): string => c.name.split(': ')[0]!;

/** For a failed line whose cause it shares with another, every line failed by that cause, in order. */
function sharedCause(checks: readonly SetupCheck[]): (c: SetupCheck) => readonly SetupCheck[] | undefined {
  const keyOf = (c: SetupCheck) => (!c.ok && c.cause ? `${c.cause.name}\n${c.cause.detail}` : undefined);
  const groups = new Map<string, SetupCheck[]>();
  for (const c of checks) {
    const key = keyOf(c);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return (c) => {
    const key = keyOf(c);
    const group = key === undefined ? undefined : groups.get(key);
    return group && group.length > 1 ? group : undefined;
  };
}
