import type { GuardedApp } from '../slack/guarded-app';
import { describeError } from '../flows/failure';
import { isAttentionKind, isReference, type HomeTab } from '../flows/home-tab';
import type { Logger } from '../flows/ports';
import { attentionHandledForm, attentionHandledRefused, HOME_ATTENTION_HANDLED_ACTION_ID } from '../views/home-tab';
import { attentionTargetOf, clickedBy } from './slack-payloads';

/**
 * "Mark handled" on an item of an admin's Needs attention: the modal for their note, for admins
 * only (asked again now); anyone else is told why not. The item is the button's; the submission checks it against the audit log.
 */
export function registerHomeAttentionButton(app: GuardedApp, home: HomeTab, logger: Logger): void {
  const client = app.slack;
  app.action(HOME_ATTENTION_HANDLED_ACTION_ID, async ({ ack, body }) => {
    await ack();
    const clicked = clickedBy(body);
    const target = clicked && attentionTargetOf(clicked.click.actions[0]?.value);
    if (!clicked || !target || !isAttentionKind(target.kind) || !isReference(target.reference)) {
      logger.warn({ actionId: HOME_ATTENTION_HANDLED_ACTION_ID }, 'malformed home tab click');
      return;
    }
    const { requester, click } = clicked;
    // Someone no longer an admin may click a tab published while they were one.
    const answer = await home.adminAnswer(requester, 'attention_handled');
    const view = answer === 'ADMIN' ? attentionHandledForm(target) : attentionHandledRefused(answer);
    await client.views
      .open({ trigger_id: click.trigger_id, view })
      .catch((err: unknown) => logger.warn({ slackUserId: requester.userId, err: describeError(err) }, 'views.open failed'));
  });
}
