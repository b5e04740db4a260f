import { describeError } from './failure';
import type { Logger, RateLimiter } from './ports';

/**
 * Different people refused alike, with no success of that credential between, before the refusal
 * is taken for our own setup. A refusal a directory cannot tell from its app's missing permission
 * (LatchkeyFailure's `oursIfWidespread`) is, for one person, most likely their account: the few
 * accounts a directory protects (its admins, in effect) are rarely reset through Latchkey at all,
 * and two of them within an hour is already unusual. An app that lost its permission refuses
 * everyone, so in any deployment in use a third different person follows soon. Distinct people only:
 * one person retrying (at most RESET_MAX_PER_HOUR times) counts once, so nobody pages anyone alone;
 * it takes three people each refused in the directory.
 */
export const WIDESPREAD_AFTER = 3;
/**
 * How far back refusals count, and how long after an alert the next may come: an hour, as the
 * per-person limit counts, so that a broken setup is paged at most once an hour however many people
 * are refused, and a quiet one's few protected accounts, spread over a day, never add up to it.
 */
export const WIDESPREAD_WITHIN_MS = 60 * 60_000;

interface Watched {
  /** Directory user → when last refused so. */
  readonly refusedAt: Map<string, number>;
  alertedAt: number;
}

/**
 * A refusal that is one person's when one person gets it, and ours when many do: counts the
 * different people refused alike (by credential and reason) and logs one alert (`alert: true`) with
 * the credential's words of what to check when WIDESPREAD_AFTER of them came within
 * WIDESPREAD_WITHIN_MS; then none for that long. A change of that credential that succeeds shows its
 * setup works: the count starts again.
 *
 * Counted twice. In this process, over the last WIDESPREAD_WITHIN_MS (a server's whole count). And,
 * given the app's shared counter (`shared`), across every instance: a Lambda's short-lived,
 * concurrent instances each see a few of the people, and an app that lost its role might otherwise
 * page no one. The shared count is the RateLimiter's fixed windows of WIDESPREAD_WITHIN_MS, in three
 * kinds of key: one per person (taken once: the first take is a person new to the window), one
 * counting the new people (refused at WIDESPREAD_AFTER - 1: that take and any after it are the
 * threshold reached), and one alert per window (taken once: of the instances that reach the
 * threshold, only the one whose take it gets pages). A success clears this process's count only
 * (succeeded): the shared count is of refusals alone, so a success on another instance does not
 * keep three people refused within the window from paging.
 * The shared count failing is a warn line, never the person's request failing: this process's count
 * decides alone then.
 *
 * Memory: the people refused within the window, pruned on each refusal.
 */
export class WidespreadRefusals {
  private readonly watched = new Map<string, Map<string, Watched>>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly shared?: RateLimiter,
  ) {}

  /**
   * `person`: the directory user refused; `ours`: the credential's words for an operator, naming what
   * to check. Whether this refusal is now taken for ours (WIDESPREAD_AFTER different people within the
   * window, in this process or, as far as the shared count tells, across instances): the person is then
   * told it is likely Latchkey's setup, not their account. Never throws.
   */
  async refused(refusal: { readonly kind: string; readonly reason: string; readonly person: string; readonly ours: string }): Promise<boolean> {
    const now = this.now();
    let byReason = this.watched.get(refusal.kind);
    if (!byReason) this.watched.set(refusal.kind, (byReason = new Map()));
    let watched = byReason.get(refusal.reason);
    if (!watched) byReason.set(refusal.reason, (watched = { refusedAt: new Map(), alertedAt: Number.NEGATIVE_INFINITY }));
    for (const [person, at] of watched.refusedAt) if (now - at >= WIDESPREAD_WITHIN_MS) watched.refusedAt.delete(person);
    watched.refusedAt.set(refusal.person, now);
    const seenHere = watched.refusedAt.size >= WIDESPREAD_AFTER;
    const here = seenHere && now - watched.alertedAt >= WIDESPREAD_WITHIN_MS;
    let people = watched.refusedAt.size;
    if (this.shared) {
      try {
        const everywhere = await this.reachedEverywhere(this.shared, refusal, new Date(now));
        if (!here && !everywhere) return seenHere;
        if (everywhere) people = Math.max(people, WIDESPREAD_AFTER);
        if (!(await this.shared.take(`${sharedKey(refusal)}:alerted`, 1, WIDESPREAD_WITHIN_MS, new Date(now))).ok) {
          // Another instance paged for this window: this one's count is said with it.
          if (here) watched.alertedAt = now;
          return true;
        }
      } catch (err) {
        this.logger.warn({ kind: refusal.kind, reason: refusal.reason, err: describeError(err) }, 'widespread refusals: the shared count is unavailable; this instance counts alone');
        if (!here) return seenHere;
      }
    } else if (!here) return seenHere;
    watched.alertedAt = now;
    this.logger.error(
      { kind: refusal.kind, reason: refusal.reason, people, withinMinutes: WIDESPREAD_WITHIN_MS / 60_000, alert: true },
      `the same refusal for several different people, and no success between: likely our setup, not their accounts. ${refusal.ours} Said at most once every ${WIDESPREAD_WITHIN_MS / 60_000} minutes`,
    );
    return true;
  }

  /**
   * A change of `kind` made: its setup works, and the people this process saw refused before it are
   * theirs. In this process only: marking it on the shared count would be one more DynamoDB write
   * after every reset of every credential (left running, too, when a Lambda freezes), for a page that
   * the alert's own words already qualify ("if both are present, those accounts are simply protected").
   */
  succeeded(kind: string): void {
    const byReason = this.watched.get(kind);
    for (const watched of byReason?.values() ?? []) watched.refusedAt.clear();
  }

  /** Whether this refusal's person, new to the shared window, is the WIDESPREAD_AFTER-th or later there. */
  private async reachedEverywhere(shared: RateLimiter, refusal: { readonly kind: string; readonly reason: string; readonly person: string }, at: Date): Promise<boolean> {
    const key = sharedKey(refusal);
    if (!(await shared.take(`${key}:person=${refusal.person}`, 1, WIDESPREAD_WITHIN_MS, at)).ok) return false;
    return !(await shared.take(`${key}:people`, WIDESPREAD_AFTER - 1, WIDESPREAD_WITHIN_MS, at)).ok;
  }
}

function sharedKey(refusal: { readonly kind: string; readonly reason: string }): string {
  return `widespread:${refusal.kind}:${refusal.reason}`;
}
