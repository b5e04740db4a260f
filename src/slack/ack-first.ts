/**
 * Slack waits 3 s for an acknowledgement; the work behind it can wait a little. Node runs the
 * code after ack() at once, up to its first network wait, so in a burst each request's work
 * (building and signing its Slack and AWS calls) runs before the next request is even read, and
 * the last acknowledgement waits for all of it.
 *
 * Here the code after ack() takes a turn instead: one piece of work starts per turn of the event
 * loop, and between turns Node reads what has arrived and acknowledges it. Nothing is dropped
 * or reordered within a request; with one request in flight, the wait is a single turn.
 */
export class AckFirst {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves when it is this work's turn to start. */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.waiting.shift()?.();
      if (this.waiting.length > 0) this.schedule();
    });
  }
}
