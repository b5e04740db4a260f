import type { Logger } from './ports';

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
 * different people refused alike (by credential and reason), in this process, and logs one alert
 * (`alert: true`) with the credential's words of what to check when WIDESPREAD_AFTER of them came
 * within WIDESPREAD_WITHIN_MS; then none for that long. A change of that credential that succeeds
 * shows its setup works: the count starts again.
 *
 * Per process: a Lambda's concurrent instances each count their own, which only delays the alert.
 * Memory: the people refused within the window, pruned on each refusal.
 */
export class WidespreadRefusals {
  private readonly watched = new Map<string, Map<string, Watched>>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** `person`: the directory user refused; `ours`: the credential's words for an operator, naming what to check. */
  refused(refusal: { readonly kind: string; readonly reason: string; readonly person: string; readonly ours: string }): void {
    const now = this.now();
    let byReason = this.watched.get(refusal.kind);
    if (!byReason) this.watched.set(refusal.kind, (byReason = new Map()));
    let watched = byReason.get(refusal.reason);
    if (!watched) byReason.set(refusal.reason, (watched = { refusedAt: new Map(), alertedAt: Number.NEGATIVE_INFINITY }));
    for (const [person, at] of watched.refusedAt) if (now - at >= WIDESPREAD_WITHIN_MS) watched.refusedAt.delete(person);
    watched.refusedAt.set(refusal.person, now);
    if (watched.refusedAt.size < WIDESPREAD_AFTER || now - watched.alertedAt < WIDESPREAD_WITHIN_MS) return;
    watched.alertedAt = now;
    this.logger.error(
      { kind: refusal.kind, reason: refusal.reason, people: watched.refusedAt.size, withinMinutes: WIDESPREAD_WITHIN_MS / 60_000, alert: true },
      `the same refusal for several different people, and no success between: likely our setup, not their accounts. ${refusal.ours} Said at most once every ${WIDESPREAD_WITHIN_MS / 60_000} minutes`,
    );
  }

  /** A change of `kind` made: its setup works, and the people refused before it are theirs. */
  succeeded(kind: string): void {
    const byReason = this.watched.get(kind);
    for (const watched of byReason?.values() ?? []) watched.refusedAt.clear();
  }
}
