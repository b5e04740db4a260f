import { describeError } from '../flows/failure';
import type { Logger } from '../flows/ports';
import { settledWithin } from '../settled-within';
import { REFUSED_TOKEN_ERRORS } from './slack-errors';

/**
 * How long a Slack call that saw the token taken again waits on marking the refusal ended. The mark
 * is written inside that call's answer, so a DynamoDB that hangs would hold it for every try of the
 * write (about 3.2 s on Lambda) before the person is served; a write in time takes tens of ms.
 */
export const ENDED_WAIT_MS = 500;

/**
 * Slack refusing the bot token while the app runs (REFUSED_TOKEN_ERRORS: a workspace admin revoked
 * it or removed the app): every call fails alike until SLACK_BOT_TOKEN holds a new one, and no
 * restart helps. One alert says so, with what to do, at the first call that meets it, whatever
 * the call (a Home tab opened is paged as a command is), not one for each request: a morning's
 * commands would each page. It is said again only once Slack has taken the token between (a new
 * burst). Whoever meets the refusal raises no alert of its own (SlackApiError's tokenRefusalSaid);
 * the person is still told an admin has been alerted, which is so.
 */
export class TokenWatch {
  private _refused = false;
  /** When the last refusal arrived: only a call sent after it can show that Slack takes the token again. */
  private refusedAt = -Infinity;

  /**
   * `first` (Lambda's, dynamodb-page-mark.ts): false when another instance has paged for it within
   * the hour, so each new instance does not page again. Without it (the server, one watch), it pages.
   * `ended` (Lambda's too): told once this watch sees Slack take the token again after a refusal, so
   * that a second outage within that hour pages again (the mark's rule, and its bound for a flapping
   * token, are in dynamodb-page-mark.ts).
   */
  constructor(
    private readonly logger: Logger,
    private readonly first?: () => Promise<boolean>,
    private readonly ended?: () => Promise<void>,
  ) {}

  /** Slack refused the token at the last call that could tell; only `answered` sets it. */
  get refused(): boolean {
    return this._refused;
  }

  /**
   * A call Slack answered (sent at `started`, Date.now()): with its error code when it refused the
   * call, undefined when it took it. True when the refusal is the token's, and so has been said.
   */
  async answered(method: string, slackError: string | undefined, started: number): Promise<boolean> {
    if (slackError !== undefined && REFUSED_TOKEN_ERRORS.has(slackError)) {
      this.refusedAt = Date.now();
      if (!this._refused) {
        this._refused = true;
        if (this.first && !(await this.first())) {
          this.logger.warn({ method, slackError }, 'Slack refuses the bot token; another instance paged for it within the hour');
          return true;
        }
        this.logger.error(
          { method, slackError, alert: true },
          "Slack refuses the bot token: every command, click and Home tab fails until it takes it again. Reinstall the app (OAuth & Permissions), put its new bot token in SLACK_BOT_TOKEN and restart (on Lambda: force new instances); a restart alone does not help. invalid_auth with the token unchanged: check the app's allowed IP address ranges (OAuth & Permissions, Restrict API Token Usage)",
        );
      }
      return true;
    }
    // Only an ok answer proves Slack took the token (another error, fatal_error say, proves nothing),
    // and only to a call sent after the last refusal arrived: one sent before it and answered late
    // says nothing of now. Either would page twice in one burst.
    if (slackError === undefined && started > this.refusedAt && this._refused) {
      this._refused = false;
      // Best effort: the call was served, and a mark left standing only keeps the hour's rule as it
      // was (a second outage within it warns instead of paging), which an operator can live with.
      // Awaited, as `first` is, a write left running may be frozen with a Lambda instance between
      // invocations, never to land; but only ENDED_WAIT_MS: past it the call goes on, and the write
      // lands if the instance lives on (its failure then still said).
      const then = "should Slack refuse it again within the hour of the last page, instances may only warn (`another instance paged for it within the hour`), not page; after mending the token, check that a command works";
      const marked = this.ended?.().then(
        () => true,
        (err: unknown) => {
          this.logger.warn({ method, err: describeError(err) }, `Slack takes the bot token again, but marking its refusal ended failed: ${then}`);
          return true;
        },
      );
      if (marked && !(await settledWithin(marked, ENDED_WAIT_MS, false))) {
        this.logger.warn({ method }, `Slack takes the bot token again, but marking its refusal ended had no answer within ${ENDED_WAIT_MS / 1000} s; the request went on without it: ${then}`);
      }
    }
    return false;
  }
}
