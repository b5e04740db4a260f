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
 * `maxArrivalsUnderWay` of one command (or one button) are under way at once, and the rest wait for
 * one of them to finish, holding nothing but their request. A command's work is a few Slack and AWS
 * calls, and past 100 under way they would only wait for one of the 100 connections each host gets
 * (http/fetch.ts) while holding everything they had built: at 400 at once with 50 ms added to every
 * call, that was a whole-run peak of 103–107 MB against 90–92 MB bounded (docs/performance.md,
 * issue 28's fourth pass). The bound is each command's own, so that a slow directory, holding its
 * command's places for as long as its calls take, never holds up another credential's command or a
 * Finish click. The loading modals are not bounded (their trigger is on a clock), and neither is
 * other work (a submission, a close): it is started first, so that a person who has clicked does
 * not wait behind a burst of others' commands.
 *
 * With one request in flight, the wait is a turn or two of the loop.
 */
/** Urgent pieces started in one turn: enough to drain a burst's opens quickly, few enough that a request arriving meanwhile is read soon. */
const URGENT_PER_TURN = 10;

/** Work of one command (or one button acknowledged on arrival) under way at once: the Slack client's connections per host. */
export const MAX_ARRIVALS_UNDER_WAY = 100;

/** The work of one command or button: what waits for a place, and how many are under way. */
interface ArrivalLane {
  readonly waiting: { start: (release: Release) => void; since: number }[];
  underWay: number;
}

/** Ends a piece of bounded work, so the next may start; ending it again does nothing. */
export type Release = () => void;

export class AckFirst {
  private readonly urgentWaiting: { start: () => void; since: number }[] = [];
  private readonly waiting: { start: () => void; since: number }[] = [];
  private readonly arrivalLanes = new Map<string, ArrivalLane>();
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
   * Resolves when it is the turn of the work of a request acknowledged on arrival (`key`: its
   * command or button) to start, with what ends it: at most `maxArrivalsUnderWay` of one key are
   * under way, so the caller must release it when the work is done, however it ends.
   */
  arrivalTurn(key: string): Promise<Release> {
    return new Promise((start) => this.whenArrivalTurn(key, start));
  }

  /**
   * arrivalTurn, for a caller that holds nothing else while it waits: `start` is called in its
   * turn. No promise or suspended call is kept per request, which matters for a burst's requests
   * that wait together (GuardedApp.answerOnArrival). `start` must not throw.
   */
  whenArrivalTurn(key: string, start: (release: Release) => void): void {
    let lane = this.arrivalLanes.get(key);
    if (!lane) this.arrivalLanes.set(key, (lane = { waiting: [], underWay: 0 }));
    lane.waiting.push({ start, since: this.now() });
    this.schedule();
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
    setImmediate(this.onTurn);
  }

  /** One turn of the loop: made once, not a closure per turn (a burst's every arrival is a turn). */
  private readonly onTurn = (): void => {
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
      const lane = this.nextArrivalLane();
      const nextArrival = lane?.waiting[0];
      if (next && (quiet || this.now() - next.since >= this.maxWaitMs)) {
        this.waiting.shift();
        next.start();
      } else if (lane && nextArrival && (quiet || this.now() - nextArrival.since >= this.maxWaitMs)) {
        lane.waiting.shift();
        nextArrival.start(this.underWay(lane));
      }
    }
    if (this.waiting.length > 0 || this.urgentWaiting.length > 0 || this.nextArrivalLane()) this.schedule();
  };

  /** Of the keys with work waiting and a place free, the one whose work has waited longest. */
  private nextArrivalLane(): ArrivalLane | undefined {
    let oldest: ArrivalLane | undefined;
    for (const lane of this.arrivalLanes.values()) {
      if (lane.underWay >= this.maxArrivalsUnderWay || lane.waiting.length === 0) continue;
      if (!oldest || lane.waiting[0]!.since < oldest.waiting[0]!.since) oldest = lane;
    }
    return oldest;
  }

  private underWay(lane: ArrivalLane): Release {
    lane.underWay += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      lane.underWay -= 1;
      if (lane.waiting.length > 0) this.schedule();
    };
  }
}
