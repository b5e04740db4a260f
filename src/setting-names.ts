/**
 * Names given that look like settings but are none: a misspelled setting is otherwise ignored
 * without a word (CHIME_ACOUNT_ID leaves Amazon Chime off; SLACK_BOT_TOKN is heard only as
 * "SLACK_BOT_TOKEN is required"). Used for the environment (config.ts) and the CDK context
 * (infra/lib/settings.ts), each with its own list of known names.
 */
export interface LookalikeName {
  readonly name: string;
  /** The known name it is most likely a slip of, if one is close enough. */
  readonly suggestion?: string;
}

/**
 * Each given name that is not a known one but is close to one (a letter or two off, in any case),
 * or, with `families`, shares a known name's family prefix (`CHIME_` for `CHIME_REGION`).
 */
export function lookalikeNames(given: Iterable<string>, known: readonly string[], families: ReadonlySet<string> = new Set()): LookalikeName[] {
  const exact = new Set(known);
  const found: LookalikeName[] = [];
  for (const name of given) {
    if (exact.has(name)) continue;
    const suggestion = closestName(name, known);
    if (suggestion !== undefined) found.push({ name, suggestion });
    else if (families.has(familyOf(name.toUpperCase()))) found.push({ name });
  }
  return found;
}

/** A name's family: what comes before its first underscore (`SLACK` for `SLACK_BOT_TOKEN`), or '' when it has none. */
export function familyOf(name: string): string {
  const at = name.indexOf('_');
  return at > 0 ? name.slice(0, at) : '';
}

/** The known name closest to `name` ignoring case, within 1 edit (2 for names of 10 or more characters), or undefined. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const limit = name.length >= 10 ? 2 : 1;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const distance = editDistance(lower, candidate.toLowerCase(), limit);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/**
 * Edits (a letter added, dropped, changed, or two neighbours swapped) between two strings: optimal
 * string alignment, three rows. Past `max` it stops early and answers max + 1: most names differ
 * within a few letters, so checking a whole environment stays well under a millisecond.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    // Each row's least only grows (a swap reaches back a row, so two rows past max).
    if (rowMin > max && i > 1 && Math.min(...previous) > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}
