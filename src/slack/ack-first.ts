/**
 * Slack waits 3 s for an acknowledgement; the work behind it can wait a little. Node runs the
 * code after ack() at once, up to its first network wait, so in a burst each request's work
 * (building and signing its Slack and AWS calls, then handling their answers) runs between the
 * reads of the requests still arriving, and the last acknowledgement waits for all of it.
 *
 * Here the work after ack() waits its turn instead. A turn comes once per turn of the event loop
 * in which no new request arrived: while a burst is still coming in, Node only reads and
 * acknowledges; when it stops, the work starts, one piece per turn, in order. Requests that keep
 * arriving hold the work back at most `maxWaitMs`, so a modal still opens well inside the 3 s
 * its trigger_id lives. With one request in flight, the wait is two turns of the loop.
 */
export class AckFirst {
  private readonly waiting: { start: () => void; since: number }[] = [];
  private scheduled = false;
  private arrivals = 0;
  private arrivalsSeen = 0;

  constructor(
    private readonly maxWaitMs = 250,
    private readonly now: () => number = () => performance.now(),
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

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const quiet = this.arrivals === this.arrivalsSeen;
      this.arrivalsSeen = this.arrivals;
      const next = this.waiting[0];
      if (next && (quiet || this.now() - next.since >= this.maxWaitMs)) {
        this.waiting.shift();
        next.start();
      }
      if (this.waiting.length > 0) this.schedule();
    });
  }
}
