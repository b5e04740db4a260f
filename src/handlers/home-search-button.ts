import type { GuardedApp } from '../slack/guarded-app';
import type { HomeTab } from '../flows/home-tab';
import type { Clock, Logger } from '../flows/ports';
import { openedModalOf } from '../slack/arrival-modal';
import { auditSearchCheckingView, auditSearchForm, auditSearchRefused } from '../views/audit-search';
import { HOME_SEARCH_ACTION_ID } from '../views/home-tab';
import { openModalWhile } from './modal-sequence';
import { clickedBy } from './slack-payloads';

/**
 * "Search the audit log" on an admin's Home tab: the search form for admins (asked again now),
 * anyone else why not. The modal is opened on arrival: the admin check may ask Slack (users.info)
 * for longer than a trigger lives.
 */
export function registerHomeSearchButton(app: GuardedApp, home: HomeTab, clock: Clock, logger: Logger): void {
  app.acknowledgeActionOnArrival(HOME_SEARCH_ACTION_ID, (body) => clickedBy(body) !== undefined, {
    view: auditSearchCheckingView(),
    busyText: 'Latchkey is very busy right now. Click *Search the audit log* on its Home tab again in a minute.',
  });
  const client = app.slack;
  app.action(HOME_SEARCH_ACTION_ID, async ({ ack, body, context }) => {
    await ack();
    const clicked = clickedBy(body);
    if (!clicked) {
      logger.warn({ actionId: HOME_SEARCH_ACTION_ID }, 'malformed home tab click');
      return;
    }
    const { requester, click } = clicked;
    // Someone no longer an admin may click a tab published while they were one.
    const work = home.adminAnswer(requester, 'audit_search').then((answer) => ({
      view: answer === 'ADMIN' ? auditSearchForm(clock.now()) : auditSearchRefused(answer),
      fallbackText: 'Latchkey could not open the search window. Click *Search the audit log* again.',
    }));
    const opened = openedModalOf(context);
    await openModalWhile({ client, triggerId: click.trigger_id, loading: auditSearchCheckingView(), ...(opened && { opened }), work, logger, userId: requester.userId });
  });
}
