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
 * With one request in flight, the wait is a turn or two of the loop.
 */
/** Urgent pieces started in one turn: enough to drain a burst's opens quickly, few enough that a request arriving meanwhile is read soon. */
const URGENT_PER_TURN = 10;

export class AckFirst {
  private readonly urgentWaiting: { start: () => void; since: number }[] = [];
  private readonly waiting: { start: () => void; since: number }[] = [];
  private scheduled = false;
  private arrivals = 0;
  private arrivalsSeen = 0;

  constructor(
    private readonly maxWaitMs = 250,
    private readonly now: () => number = () => performance.now(),
    private readonly maxUrgentWaitMs = 250,
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
        if (next && (quiet || this.now() - next.since >= this.maxWaitMs)) {
          this.waiting.shift();
          next.start();
        }
      }
      if (this.waiting.length > 0 || this.urgentWaiting.length > 0) this.schedule();
    });
  }
}
