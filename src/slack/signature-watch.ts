import type { Logger } from '../flows/ports';
import { SIGNATURE_MAX_AGE_S, type SignatureProblem } from './slack-signature';

/** Refused requests carrying Slack's headers, in a row with none passing, before the operator is told. */
export const SIGNATURE_WARN_AFTER = 3;
/** At most one such warning in this long, however many requests keep failing. */
export const SIGNATURE_WARN_EVERY_MS = 10 * 60_000;

/** Where an operator looks when Slack's own requests are refused: said by the warning and by the doctor. */
export const SIGNATURE_ADVICE =
  "check SLACK_SIGNING_SECRET (your Slack app → Basic Information → App Credentials → Signing Secret; not the Client Secret or Verification Token) and this server's clock " +
  `(Slack's request timestamps must be within ${SIGNATURE_MAX_AGE_S / 60} minutes of it: run NTP)`;

/** The warning's message, which the doctor names so the operator knows what to look for. */
export const SIGNATURE_WARNING = "requests with Slack's signature headers keep failing the signature check";

/**
 * Tells an operator when Slack's own requests are being refused: a wrong SLACK_SIGNING_SECRET (or
 * a clock far off) otherwise shows only as a 401 per request at info, and every command failing in
 * Slack with dispatch_failed.
 *
 * Only requests that carry both of Slack's headers (X-Slack-Signature, X-Slack-Request-Timestamp)
 * count; an internet scanner's unsigned requests never do. After SIGNATURE_WARN_AFTER of them in a
 * row with none passing, one `warn` line (never `alert: true`: an outsider can forge the headers,
 * and must never page anyone), then at most one per SIGNATURE_WARN_EVERY_MS. A request that passes
 * starts the count again.
 *
 * On every request: a passed one sets three numbers, a refused one adds to two. Nothing is
 * allocated unless a warning is logged.
 */
export class SignatureWatch {
  private refused = 0;
  private stale = 0;
  private lastWarnedAt = Number.NEGATIVE_INFINITY;
  private lastPassedAt: number | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A request that passed the check: Slack's signature, with this server's secret. */
  passed(): void {
    this.refused = 0;
    this.stale = 0;
    this.lastPassedAt = this.clock();
  }

  /** A request refused by the check; `hasSlackHeaders` when it carried both of Slack's headers. */
  failed(problem: SignatureProblem, hasSlackHeaders: boolean): void {
    if (!hasSlackHeaders || problem === 'unsigned') return;
    this.refused += 1;
    if (problem === 'stale') this.stale += 1;
    if (this.refused < SIGNATURE_WARN_AFTER) return;
    const now = this.clock();
    if (now - this.lastWarnedAt < SIGNATURE_WARN_EVERY_MS) return;
    this.lastWarnedAt = now;
    this.logger.warn(
      {
        refusedInARow: this.refused,
        staleTimestamp: this.stale,
        signatureMismatch: this.refused - this.stale,
        lastPassedAt: this.lastPassedAt === undefined ? 'none since start' : new Date(this.lastPassedAt).toISOString(),
      },
      `${SIGNATURE_WARNING} (answered 401), and none has passed since; if Slack's commands fail with dispatch_failed, ${SIGNATURE_ADVICE}. ` +
        `If they work, someone is sending forged requests: each was refused and nothing needs changing here; if they go on, block their source at your proxy or firewall. ` +
        `Said at most once every ${SIGNATURE_WARN_EVERY_MS / 60_000} minutes`,
    );
  }
}
