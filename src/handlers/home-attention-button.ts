import type { GuardedApp } from '../slack/guarded-app';
import { isAttentionKind, isReference, type HomeTab } from '../flows/home-tab';
import type { Logger } from '../flows/ports';
import { openedModalOf } from '../slack/arrival-modal';
import { attentionHandledCheckingView, attentionHandledForm, attentionHandledRefused, HOME_ATTENTION_HANDLED_ACTION_ID } from '../views/home-tab';
import { openModalWhile } from './modal-sequence';
import { attentionTargetOf, clickedBy } from './slack-payloads';

/** The click and the item its button names, when both are well formed. */
function markClick(body: unknown) {
  const clicked = clickedBy(body);
  const target = clicked && attentionTargetOf(clicked.click.actions[0]?.value);
  return clicked && target && isAttentionKind(target.kind) && isReference(target.reference) ? { ...clicked, target } : undefined;
}

/**
 * "Mark handled" on an item of an admin's Needs attention: the modal for their note, for admins
 * only (asked again now); anyone else is told why not. The item is the button's; the submission
 * checks it against the audit log. The modal is opened on arrival: the admin check may ask Slack
 * (users.info) for longer than a trigger lives.
 */
export function registerHomeAttentionButton(app: GuardedApp, home: HomeTab, logger: Logger): void {
  app.acknowledgeActionOnArrival(HOME_ATTENTION_HANDLED_ACTION_ID, (body) => markClick(body) !== undefined, {
    view: attentionHandledCheckingView(),
    busyText: 'Latchkey is very busy right now. Click *Mark handled* on its Home tab again in a minute.',
  });
  const client = app.slack;
  app.action(HOME_ATTENTION_HANDLED_ACTION_ID, async ({ ack, body, context }) => {
    await ack();
    const clicked = markClick(body);
    if (!clicked) {
      logger.warn({ actionId: HOME_ATTENTION_HANDLED_ACTION_ID }, 'malformed home tab click');
      return;
    }
    const { requester, click, target } = clicked;
    // Someone no longer an admin may click a tab published while they were one.
    const work = home.adminAnswer(requester, 'attention_handled').then((answer) => ({
      view: answer === 'ADMIN' ? attentionHandledForm(target) : attentionHandledRefused(answer),
      fallbackText: 'Latchkey could not open the Mark handled window. Click *Mark handled* again.',
    }));
    const opened = openedModalOf(context);
    await openModalWhile({ client, triggerId: click.trigger_id, loading: attentionHandledCheckingView(), ...(opened && { opened }), work, logger, userId: requester.userId });
  });
}
