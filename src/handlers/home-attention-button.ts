import type { GuardedApp } from '../slack/guarded-app';
import { asFailure, describeError } from '../flows/failure';
import { isAttentionKind, isReference, type HomeTab } from '../flows/home-tab';
import type { Logger } from '../flows/ports';
import { attentionHandledForm, attentionHandledGuestAdmin, attentionHandledUnavailable, HOME_ATTENTION_HANDLED_ACTION_ID } from '../views/home-tab';
import { attentionTargetOf, clickedBy } from './slack-payloads';

/**
 * "Mark handled" on an item of an admin's Needs attention: the modal for their note, for admins
 * only (asked again now). The item is the button's; the submission checks it against the audit log.
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
    let view;
    try {
      if (!(await home.isAdmin(requester))) {
        // Only an admin's tab has this button: a click from anyone else was made by hand.
        logger.warn({ slackUserId: requester.userId, action: 'attention_handled' }, 'refused: not an admin');
        return;
      }
      view = attentionHandledForm(target);
    } catch (err) {
      // A guest named an admin is told why (Admins logs it); anyone else, that Slack did not say.
      const guest = asFailure(err).code === 'ADMIN_IS_GUEST';
      if (!guest) logger.warn({ slackUserId: requester.userId, err: describeError(err) }, 'admin check failed');
      view = guest ? attentionHandledGuestAdmin() : attentionHandledUnavailable();
    }
    await client.views
      .open({ trigger_id: click.trigger_id, view })
      .catch((err: unknown) => logger.warn({ slackUserId: requester.userId, err: describeError(err) }, 'views.open failed'));
  });
}
