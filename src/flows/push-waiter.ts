import { LatchkeyFailure } from './failure';
import type { Clock } from './ports';
import type { PushResult, PushWaiter } from './verification';

interface Waiting {
  readonly check: () => Promise<'waiting' | PushResult | 'cancelled'>;
  /** Times on the app's clock; moved back with it when it is set back (catchUp). */
  deadline: number;
  dueAt: number;
  busy: boolean;
  /** Past its deadline: the check now running or due is its last. */
  final: boolean;
  failures: number;
  readonly settle: (result: PushResult | 'expired' | 'cancelled' | Error) => void;
}

/**
 * How often the timer looks for checks due. An approval is seen at most one interval after the last
 * check began, plus up to this: at 250 ms the bench saw approved → secret reach 3.36 s with checks
 * every 3 s. The timer runs only while someone waits, and a tick over 200 waiting pushes is a loop.
 */
const TICK_MS = 50;

/** Consecutive failed checks after which the wait ends with the last error. */
const MAX_FAILED_CHECKS = 3;

/**
 * A check that failed with the verifier's own answer about this push, in the policy's words (a
 * VERIFY_* failure: Duo letting a user in bypass through unasked is VERIFY_NO_FACTOR), ends the wait
 * at once with it: asked again, the verifier answers the same, and seen on the last check it must not
 * become "not answered in time". Any other failure (a service that did not answer, a read of our own
 * store) may go through at the next check.
 */
function definite(err: unknown): boolean {
  return err instanceof LatchkeyFailure && err.code.startsWith('VERIFY_') && err.code !== 'VERIFY_UNAVAILABLE';
}

/**
 * A last check that failed on Latchkey's own store (whether the person closed the waiting window
 * could not be read, maybe right after their approval came): it ends the wait with that failure.
 * "Not answered in time" could be untrue: the person may have approved, and only we could not check.
 */
function ours(err: unknown): boolean {
  return err instanceof LatchkeyFailure && err.code === 'STORE_UNAVAILABLE';
}

/**
 * Every push the process waits on, checked from one timer: one small record per push, no timer
 * or closure of its own, so 200 people waiting on their phones cost a few kilobytes, not 200
 * timers. The timer runs only while someone waits (and never holds the process open).
 *
 * Checks are spread by a budget (`perSecond`, a token bucket): the verifier's rate limit is the
 * org's, shared with everything else that calls it, and a crowd of waiting pushes must not use it
 * up. When more are due than the budget allows, the longest-due go first and the rest wait a tick.
 *
 * A push is checked once more at its deadline before it is given up: in a crowd its checks come
 * far apart (200 waiting at 5 a second: one every 40 s), and an approval made since the last one
 * must not be turned away as unanswered. Final checks go first, within the same budget.
 */
export class TimerWheelWaiter implements PushWaiter {
  private readonly waiting = new Set<Waiting>();
  private timer: NodeJS.Timeout | undefined;
  private tokens: number;
  private lastTick: number;

  /** `clock`: the app's, as every flow's: a push's deadline and next check are times on it; the timer only wakes the wheel. */
  constructor(
    private readonly options: { intervalMs: number; perSecond: number; clock: Clock; tickMs?: number },
  ) {
    this.tokens = options.perSecond;
    this.lastTick = this.now();
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }

  get size(): number {
    return this.waiting.size;
  }

  wait(check: () => Promise<'waiting' | PushResult | 'cancelled'>, timeoutMs: number, stop?: AbortSignal): Promise<PushResult | 'expired' | 'cancelled'> {
    if (stop?.aborted) return Promise.resolve('cancelled');
    return new Promise((resolve, reject) => {
      const now = this.now();
      this.catchUp(now);
      let settled = false;
      const cancelled = () => entry.settle('cancelled');
      const entry: Waiting = {
        check,
        deadline: now + timeoutMs,
        // The person needs a moment to reach their phone: the first check is one interval away.
        dueAt: now + this.options.intervalMs,
        busy: false,
        final: false,
        failures: 0,
        // Once: a check still under way when the wait was cancelled settles nothing when it answers.
        settle: (result) => {
          if (settled) return;
          settled = true;
          stop?.removeEventListener('abort', cancelled);
          this.waiting.delete(entry);
          if (this.waiting.size === 0) this.stop();
          if (result instanceof Error) reject(result);
          else resolve(result);
        },
      };
      stop?.addEventListener('abort', cancelled, { once: true });
      this.waiting.add(entry);
      this.timer ??= setInterval(() => this.tick(), this.options.tickMs ?? Math.min(TICK_MS, this.options.intervalMs)).unref();
    });
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Brings the wheel to `now`: before every tick, and before a push joins (whose times are on the
   * clock as it is now, never to be moved by a jump made before it came).
   */
  private catchUp(now: number): void {
    const { perSecond } = this.options;
    // A clock set back earns no tokens, and takes none: the budget is never owed for time gone back.
    this.tokens = Math.min(perSecond, this.tokens + (Math.max(0, now - this.lastTick) / 1000) * perSecond);
    // ...and the pushes waiting keep their place: their next check and deadline move back with it,
    // or an hour back would mean an hour with no check and no deadline.
    if (now < this.lastTick) {
      const back = this.lastTick - now;
      for (const entry of this.waiting) {
        entry.dueAt -= back;
        entry.deadline -= back;
      }
    }
    this.lastTick = now;
  }

  private tick(): void {
    const now = this.now();
    const { intervalMs } = this.options;
    this.catchUp(now);
    const due: Waiting[] = [];
    for (const entry of this.waiting) {
      if (entry.busy) continue;
      if (now >= entry.deadline) entry.final = true;
      if (entry.final || now >= entry.dueAt) due.push(entry);
    }
    due.sort((a, b) => Number(b.final) - Number(a.final) || a.dueAt - b.dueAt);
    for (const entry of due) {
      if (this.tokens < 1) break;
      this.tokens -= 1;
      entry.busy = true;
      // The next check is due an interval after this one began, not after its answer: one per interval.
      const began = this.now();
      entry.check().then(
        (state) => {
          entry.busy = false;
          entry.failures = 0;
          if (state !== 'waiting') entry.settle(state);
          else if (entry.final) entry.settle('expired');
          else entry.dueAt = began + intervalMs;
        },
        (err: unknown) => {
          entry.busy = false;
          entry.failures += 1;
          if (definite(err) || entry.failures >= MAX_FAILED_CHECKS) entry.settle(err instanceof Error ? err : new Error(String(err)));
          // Nobody could confirm an approval: given up, as with no answer (nothing changes), unless
          // what failed was our own read, which the person is told as that.
          else if (entry.final) entry.settle(ours(err) ? (err as Error) : 'expired');
          else entry.dueAt = this.now() + intervalMs;
        },
      );
    }
  }
}
