import type { Approvals } from '../flows/approvals/approvals';
import type { Logger, Requester } from '../flows/ports';
import type { GuardedApp } from '../slack/guarded-app';
import type { ApprovalWords } from '../views/approval-words';
import { REVOKE_ACTION_ID, revokeLoadingView, revokeOutcome, revokeResultView } from '../views/approval-revoke';
import { answerOnHomeTab, updateModal } from './modal-sequence';
import { clickedBy } from './slack-payloads';
import { tellClicker } from './tell-clicker';

/**
 * "Revoke approval", for every kind whose requester finishes an approved request: on the admins'
 * message, in the admin's review modals, and on the admins' Home tab. Admin rights come from the
 * signed user ID (Approvals.revoke asks on every click), never from the button's value. In a modal,
 * the modal says what came of it; from the message, the admin alone is told, and the message is
 * rewritten by the flow; from the Home tab, a modal says it (as a withdraw from there), and the
 * tab is published anew.
 */
export function registerApprovalRevoke(
  app: GuardedApp,
  flow: Approvals,
  words: ApprovalWords,
  logger: Logger,
  /** Publishes the person's Home tab as of now; never throws. */
  republishHome?: (requester: Requester) => Promise<void>,
): void {
  const client = app.slack;
  app.action(REVOKE_ACTION_ID, async ({ ack, body, respond }) => {
    await ack();
    const clicked = clickedBy(body);
    const requestId = clicked?.click.actions[0]?.value;
    if (!clicked || !requestId) {
      logger.warn({ actionId: REVOKE_ACTION_ID }, 'malformed revoke click');
      return;
    }
    const { requester: admin, click } = clicked;
    if (click.view?.type === 'home') {
      const work = flow.revoke(admin, requestId).then((result) => ({
        view: revokeResultView(result, words, admin.userId, requestId),
        fallbackText: 'Latchkey could not show what came of your revoke. Open the Home tab again to see where the request stands.',
      }));
      await answerOnHomeTab({ client, triggerId: click.trigger_id, loading: revokeLoadingView(), work, logger, clicker: admin, republishHome });
      return;
    }
    const result = await flow.revoke(admin, requestId);
    if (click.view) {
      await updateModal(client, click.view.id, revokeResultView(result, words, admin.userId, requestId), logger, admin.userId);
      return;
    }
    // The admin alone, in the message's channel, else through its response_url (Slack refusing the bot token).
    const channel = click.channel?.id ?? click.container?.channel_id;
    await tellClicker({ client, ...(channel && { channel }), userId: admin.userId, message: revokeOutcome(result, words, admin.userId, requestId), respond, logger });
  });
}
