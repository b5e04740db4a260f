import type { Approvals } from '../flows/approvals/approvals';
import { describeError } from '../flows/failure';
import type { Logger, Requester } from '../flows/ports';
import type { GuardedApp } from '../slack/guarded-app';
import type { ApprovalWords } from '../views/approval-words';
import { WITHDRAW_ACTION_ID, withdrawingView, withdrawOutcome, withdrawResultView } from '../views/approval-withdraw';
import { answerOnHomeTab } from './modal-sequence';
import { clickedBy } from './slack-payloads';
import { tellClicker } from './tell-clicker';

/**
 * "Withdraw request", for every kind: on the requester's DM that says it was sent, and on their
 * Home tab. Whose request it is comes from the signed user ID (Approvals.withdraw), never from the
 * button's value. From the DM, the message it was clicked in says what came of it, without the
 * button (left waiting, an ephemeral says it, and the message keeps its button); from the Home tab,
 * a modal says it, and the tab is published anew. An expiry the click
 * was to tell whose answer reached nobody is told in a DM (Approvals.tellUnansweredExpiry).
 */
export function registerApprovalWithdraw(
  app: GuardedApp,
  flow: Approvals,
  words: ApprovalWords,
  logger: Logger,
  /** Publishes the person's Home tab as of now; never throws. */
  republishHome?: (requester: Requester) => Promise<void>,
): void {
  const client = app.slack;
  app.action(WITHDRAW_ACTION_ID, async ({ ack, body, respond }) => {
    await ack();
    const clicked = clickedBy(body);
    const requestId = clicked?.click.actions[0]?.value;
    if (!clicked || !requestId) {
      logger.warn({ actionId: WITHDRAW_ACTION_ID }, 'malformed withdraw click');
      return;
    }
    const { requester, click } = clicked;
    if (click.view?.type === 'home') {
      const outcome = flow.withdraw(requester, requestId, 'home_tab');
      const work = outcome.then((result) => ({
        view: withdrawResultView(result, words, requestId),
        fallbackText: 'Latchkey could not show what came of your withdraw. Open the Home tab again to see where your request stands.',
      }));
      const shown = await answerOnHomeTab({ client, triggerId: click.trigger_id, loading: withdrawingView(), work, logger, clicker: requester, republishHome });
      const result = await outcome;
      // The click expired it and its modal was to say so: that reached nobody, so a DM does.
      if (!shown && !result.ok && result.toldByClick && result.request) await flow.tellUnansweredExpiry(result.request);
      return;
    }
    const where = click.container;
    const result = await flow.withdraw(requester, requestId, where?.channel_id && where.message_ts ? { channel: where.channel_id, ts: where.message_ts } : undefined);
    const message = withdrawOutcome(result, words, 'message', requestId);
    // Their own request's DM loses its button and says what came of it. A click on anyone else's
    // request (or a failure that left it waiting, or could not read where it stands) is answered to
    // the clicker alone, and the message stays, with the Withdraw its answer says to click again
    // (a decision or an expiry rewrites it without, itself).
    const leftWaiting = !result.ok && (result.unread || result.request?.status === 'PENDING');
    if ((result.ok || result.request) && !leftWaiting && where?.channel_id && where.message_ts) {
      const rewritten = await client.chat.update({ channel: where.channel_id, ts: where.message_ts, ...message }).then(
        () => true,
        (err: unknown) => {
          logger.warn({ slackUserId: requester.userId, approvalRequestId: requestId, err: describeError(err) }, "the withdraw button's message could not be rewritten");
          return false;
        },
      );
      if (rewritten) return;
    }
    // The clicker alone, in the DM, else through the message's response_url (Slack refusing the bot token).
    const channel = click.channel?.id ?? where?.channel_id;
    const answered = await tellClicker({ client, ...(channel && { channel }), userId: requester.userId, message, respond, logger, context: { approvalRequestId: requestId } });
    // The click expired it and its answer was to say so: that reached nobody, so a DM does.
    if (!answered && !result.ok && result.toldByClick && result.request) await flow.tellUnansweredExpiry(result.request);
  });
}
