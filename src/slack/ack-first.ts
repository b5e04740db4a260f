/**
 * Slack gives a slash command two deadlines that start together: the acknowledgement within 3 s,
 * and views.open with its trigger_id within 3 s. This decides what runs when, in a burst.
 *
 * Node runs the code after ack() at once, up to its first network wait, so in a burst each
 * request's work (building and signing its Slack and AWS calls, then handling their answers) runs
 * between the reads of the requests still arriving, and the last acknowledgement waits for all
 * of it. Here the work after ack() waits its turn instead, in two lanes:
 *
 * - urgent (views.open of the loading modal, which needs nothing but the trigger): every urgent
 *   piece waiting is started together, ahead of any work, in the first turn of the event loop in
 *   which no new request arrived (or once the oldest has waited `maxUrgentWaitMs`), so that the
 *   opens do not delay the acknowledgements of the requests still being read;
 * - work (everything else): one piece per turn, only in a turn in which no new request arrived
 *   and no urgent piece was waiting, and at most `maxWaitMs` late, so a burst is acknowledged and
 *   its modals opened before the lookups that fill them in start.
 *
 * The work of a command (or a Home tab click) acknowledged on arrival is bounded too: at most
 * `maxArrivalsUnderWay` of them are under way at once, and the rest wait for one to finish, holding
 * nothing but their request. A command's work is a few Slack and AWS calls, and past 100 under way
 * they would only wait for one of the 100 connections each host gets (http/fetch.ts) while holding
 * everything they had built: at 400 at once with 50 ms added to every call, that was a whole-run
 * peak of 103–105 MB against 90–92 MB bounded (docs/performance.md, issue 28's fourth pass). The
 * loading modals are not bounded (their trigger is on a clock), and neither is the other work
 * (a submission, a close): it is started first, so that a person who has clicked does not wait
 * behind a burst of others' commands.
 *
 * With one request in flight, the wait is a turn or two of the loop.
 */
/** Urgent pieces started in one turn: enough to drain a burst's opens quickly, few enough that a request arriving meanwhile is read soon. */
const URGENT_PER_TURN = 10;

/** Work of commands and clicks acknowledged on arrival under way at once: the Slack client's connections per host. */
export const MAX_ARRIVALS_UNDER_WAY = 100;

/** Ends a piece of bounded work, so the next may start; ending it again does nothing. */
export type Release = () => void;

export class AckFirst {
  private readonly urgentWaiting: { start: () => void; since: number }[] = [];
  private readonly waiting: { start: () => void; since: number }[] = [];
  private readonly arrivalsWaiting: { start: (release: Release) => void; since: number }[] = [];
  private arrivalsUnderWay = 0;
  private scheduled = false;
  private arrivals = 0;
  private arrivalsSeen = 0;

  constructor(
    private readonly maxWaitMs = 250,
    private readonly now: () => number = () => performance.now(),
    private readonly maxUrgentWaitMs = 250,
    private readonly maxArrivalsUnderWay = MAX_ARRIVALS_UNDER_WAY,
  ) {}

  /** A request has arrived: work not yet started waits a turn more. */
  arrived(): void {
    this.arrivals += 1;
  }

  /** Resolves when it is this work's turn to start. */
  turn(): Promise<void> {
    return new Promise((start) => {
      this.waiting.push({ start, since: this.now() });
      this.schedule();
    });
  }

  /**
   * Resolves when it is the work of a request acknowledged on arrival's turn to start, with what
   * ends it: at most `maxArrivalsUnderWay` are under way, so the caller must release it when the
   * work is done, however it ends.
   */
  arrivalTurn(): Promise<Release> {
    return new Promise((start) => {
      this.arrivalsWaiting.push({ start, since: this.now() });
      this.schedule();
    });
  }

  /** Resolves before any work, as soon as requests stop arriving: for what a deadline depends on. */
  urgent(): Promise<void> {
    return new Promise((start) => {
      this.urgentWaiting.push({ start, since: this.now() });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const quiet = this.arrivals === this.arrivalsSeen;
      this.arrivalsSeen = this.arrivals;
      const oldestUrgent = this.urgentWaiting[0];
      if (oldestUrgent) {
        if (quiet || this.now() - oldestUrgent.since >= this.maxUrgentWaitMs) {
          for (const { start } of this.urgentWaiting.splice(0, URGENT_PER_TURN)) start();
        }
      } else {
        const next = this.waiting[0];
        const nextArrival = this.arrivalsUnderWay < this.maxArrivalsUnderWay ? this.arrivalsWaiting[0] : undefined;
        if (next && (quiet || this.now() - next.since >= this.maxWaitMs)) {
          this.waiting.shift();
          next.start();
        } else if (nextArrival && (quiet || this.now() - nextArrival.since >= this.maxWaitMs)) {
          this.arrivalsWaiting.shift();
          nextArrival.start(this.underWay());
        }
      }
      if (this.waiting.length > 0 || this.urgentWaiting.length > 0 || this.arrivalStartable()) this.schedule();
    });
  }

  private arrivalStartable(): boolean {
    return this.arrivalsWaiting.length > 0 && this.arrivalsUnderWay < this.maxArrivalsUnderWay;
  }

  private underWay(): Release {
    this.arrivalsUnderWay += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.arrivalsUnderWay -= 1;
      if (this.arrivalStartable()) this.schedule();
    };
  }
}
