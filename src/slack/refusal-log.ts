import type { Logger } from '../flows/ports';

/** How long the refusals of one reason after its first are folded into one line. */
export const REFUSAL_WINDOW_MS = 10_000;

/** One reason a request can be refused before its signature is accepted: its status, and the reason its summary line gives. */
export interface RefusalKind {
  readonly status: number;
  readonly reason: string;
}

/**
 * The log lines of requests refused on arrival, which anyone on the internet can send as fast as
 * they like: 3,000 forged requests were 3,000 lines (log ingestion is billed, and real lines are
 * buried), each serialised on the thread that acknowledges Slack's commands within 3 s.
 *
 * The first refusal of each kind is logged in full, as before (`request refused`, its status and
 * reason: one wrong SLACK_SIGNING_SECRET still shows at once). The rest of that kind are counted,
 * and written as one `requests refused` line when the window ends, or at shutdown (flush). One
 * window serves every kind: it opens with the first refusal of any kind and lasts REFUSAL_WINDOW_MS,
 * so a kind first seen late in it is counted for less. Its line's `windowSeconds` is that limit,
 * not how long the window lasted, as docs/deploy.md says. Info, never `alert: true`: an outsider must
 * never page anyone (signature-watch.ts's warning is what tells an operator Slack's own requests
 * keep failing).
 *
 * A refusal costs a property read and an addition; the kinds are fixed when it is built, so a
 * sender choosing its content types cannot grow it. No timer runs while nothing is refused, and
 * the one that closes a window is unref'd: it never holds the process up.
 */
export class RefusalLog<K extends string> {
  private readonly slots: Record<K, { readonly kind: RefusalKind; logged: boolean; folded: number }>;
  private timer: NodeJS.Timeout | undefined;
  private readonly windowEnded = () => {
    this.timer = undefined;
    this.flush();
  };

  constructor(
    private readonly logger: Logger,
    kinds: Record<K, RefusalKind>,
    private readonly windowMs = REFUSAL_WINDOW_MS,
  ) {
    const slots = {} as Record<K, { readonly kind: RefusalKind; logged: boolean; folded: number }>;
    for (const key of Object.keys(kinds) as K[]) slots[key] = { kind: kinds[key], logged: false, folded: 0 };
    this.slots = slots;
  }

  /** A request refused for `kind`; `reason` is what its full line says (a 415's names the content type sent). */
  refused(kind: K, reason: string = this.slots[kind].kind.reason): void {
    const slot = this.slots[kind];
    if (slot.logged) {
      slot.folded += 1;
      return;
    }
    slot.logged = true;
    this.logger.info({ status: slot.kind.status, reason }, 'request refused');
    this.timer ??= setTimeout(this.windowEnded, this.windowMs).unref();
  }

  /** Ends the window now: one line for each kind with refusals not yet written (at shutdown, and when the window ends). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const key in this.slots) {
      const slot = this.slots[key];
      if (slot.folded > 0) {
        this.logger.info({ status: slot.kind.status, reason: slot.kind.reason, refused: slot.folded, windowSeconds: this.windowMs / 1000 }, 'requests refused');
      }
      slot.logged = false;
      slot.folded = 0;
    }
  }
}
