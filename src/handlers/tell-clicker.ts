import type { RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { describeError } from '../flows/failure';
import type { Logger } from '../flows/ports';
import type { SlackApi } from '../slack/slack-web-api';

/** What a clicker is told privately: text, and blocks when its answer has more (a button to click again). */
export interface ClickerMessage {
  readonly text: string;
  readonly blocks?: KnownBlock[];
}

/**
 * Said to the person who typed a command or clicked a message's button, through the response_url
 * Slack gave that request: it needs no token, so it still reaches them when Slack refuses the bot
 * token (token-watch.ts) and every call of the app's fails. Ephemeral, so only they see it, even
 * in the approvals channel, and never over the message clicked (replace_original: false), whose
 * buttons others may still need. A Home tab click has no response_url (`respond` undefined).
 * True when Slack took it; a failure is logged, never thrown.
 */
export async function tellThroughResponseUrl(respond: RespondFn | undefined, message: ClickerMessage, logger: Logger, userId: string, context?: Record<string, unknown>): Promise<boolean> {
  if (!respond) return false;
  return told(respond({ response_type: 'ephemeral', replace_original: false, ...ephemeral(message) }), logger, userId, context);
}

/**
 * An ephemeral to the clicker of a message's button, in its channel (`channel`), else, when Slack
 * will not take it (the bot token refused, the app not in that channel), through the click's
 * response_url (tellThroughResponseUrl): the same words, to the same person alone. True when either took it.
 */
export async function tellClicker(args: { client: SlackApi; channel?: string; userId: string; message: ClickerMessage; respond?: RespondFn; logger: Logger; context?: Record<string, unknown> }): Promise<boolean> {
  const { client, channel, userId, message, logger, context } = args;
  if (channel && (await told(client.chat.postEphemeral({ channel, user: userId, ...ephemeral(message) }), logger, userId, context))) return true;
  return tellThroughResponseUrl(args.respond, message, logger, userId, context);
}

/** The words as both ways take them. */
const ephemeral = (message: ClickerMessage) => ({ text: message.text, ...(message.blocks && { blocks: message.blocks }) });

/** True when `sent` was taken; a failure is logged (with the request's `context`), never thrown. */
const told = (sent: Promise<unknown>, logger: Logger, userId: string, context?: Record<string, unknown>): Promise<boolean> =>
  sent.then(
    () => true,
    (err: unknown) => {
      logger.warn({ slackUserId: userId, ...context, err: describeError(err) }, 'ephemeral reply failed');
      return false;
    },
  );
