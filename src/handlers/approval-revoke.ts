import type { Approvals } from '../flows/approvals/approvals';
import { describeError } from '../flows/failure';
import type { Logger } from '../flows/ports';
import type { GuardedApp } from '../slack/guarded-app';
import type { ApprovalWords } from '../views/approval-words';
import { REVOKE_ACTION_ID, revokeOutcome, revokeResultView } from '../views/approval-revoke';
import { updateModal } from './modal-sequence';
import { clickedBy } from './slack-payloads';

/**
 * "Revoke approval", for every kind whose requester finishes an approved request: on the admins'
 * message and in the admin's review modals. Admin rights come from the signed user ID
 * (Approvals.revoke asks on every click), never from the button's value. In a modal, the modal says
 * what came of it; from the message, the admin alone is told, and the message is rewritten by the flow.
 */
export function registerApprovalRevoke(app: GuardedApp, flow: Approvals, words: ApprovalWords, logger: Logger): void {
  const client = app.slack;
  app.action(REVOKE_ACTION_ID, async ({ ack, body }) => {
    await ack();
    const clicked = clickedBy(body);
    const requestId = clicked?.click.actions[0]?.value;
    if (!clicked || !requestId) {
      logger.warn({ actionId: REVOKE_ACTION_ID }, 'malformed revoke click');
      return;
    }
    const { requester: admin, click } = clicked;
    const result = await flow.revoke(admin, requestId);
    if (click.view && click.view.type !== 'home') {
      await updateModal(client, click.view.id, revokeResultView(result, words), logger, admin.userId);
      return;
    }
    const channel = click.channel?.id ?? click.container?.channel_id;
    if (!channel) return;
    await client.chat
      .postEphemeral({ channel, user: admin.userId, ...revokeOutcome(result, words) })
      .catch((err: unknown) => logger.warn({ slackUserId: admin.userId, err: describeError(err) }, 'ephemeral reply failed'));
  });
}
