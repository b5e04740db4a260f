import type { Logger } from '../flows/ports';
import { REFUSED_TOKEN_ERRORS } from './slack-errors';

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
  private said = false;

  constructor(private readonly logger: Logger) {}

  /** Slack refused the token at the last call it answered. */
  get refused(): boolean {
    return this.said;
  }

  /**
   * A call Slack answered: with its error code when it refused the call, undefined when it took it.
   * True when the refusal is the token's, and so has been said.
   */
  answered(method: string, slackError: string | undefined): boolean {
    if (slackError === undefined || !REFUSED_TOKEN_ERRORS.has(slackError)) {
      // Slack reads the token before anything else: any other answer means it took it.
      this.said = false;
      return false;
    }
    if (!this.said) {
      this.said = true;
      this.logger.error(
        { method, slackError, alert: true },
        'Slack refuses the bot token: every command, click and Home tab fails until SLACK_BOT_TOKEN holds a new one. Reinstall the app (OAuth & Permissions), put its new bot token in SLACK_BOT_TOKEN and restart; a restart alone does not help',
      );
    }
    return true;
  }
}
