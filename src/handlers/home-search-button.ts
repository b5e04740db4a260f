import type { GuardedApp } from '../slack/guarded-app';
import { describeError } from '../flows/failure';
import type { HomeTab } from '../flows/home-tab';
import type { Clock, Logger } from '../flows/ports';
import { auditSearchForm, auditSearchRefused } from '../views/audit-search';
import { HOME_SEARCH_ACTION_ID } from '../views/home-tab';
import { clickedBy } from './slack-payloads';

/** "Search the audit log" on an admin's Home tab: the search form for admins (asked again now), anyone else why not. */
export function registerHomeSearchButton(app: GuardedApp, home: HomeTab, clock: Clock, logger: Logger): void {
  const client = app.slack;
  app.action(HOME_SEARCH_ACTION_ID, async ({ ack, body }) => {
    await ack();
    const clicked = clickedBy(body);
    if (!clicked) {
      logger.warn({ actionId: HOME_SEARCH_ACTION_ID }, 'malformed home tab click');
      return;
    }
    const { requester, click } = clicked;
    // Someone no longer an admin may click a tab published while they were one.
    const answer = await home.adminAnswer(requester, 'audit_search');
    const view = answer === 'ADMIN' ? auditSearchForm(clock.now()) : auditSearchRefused(answer);
    await client.views
      .open({ trigger_id: click.trigger_id, view })
      .catch((err: unknown) => logger.warn({ slackUserId: requester.userId, err: describeError(err) }, 'views.open failed'));
  });
}
