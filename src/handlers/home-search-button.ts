import type { GuardedApp } from '../slack/guarded-app';
import { asFailure, describeError } from '../flows/failure';
import type { HomeTab } from '../flows/home-tab';
import type { Clock, Logger } from '../flows/ports';
import { auditSearchForm, auditSearchGuestAdmin, auditSearchUnavailable } from '../views/audit-search';
import { HOME_SEARCH_ACTION_ID } from '../views/home-tab';
import { clickedBy } from './slack-payloads';

/** "Search the audit log" on an admin's Home tab: the search form, for admins only (asked again now). */
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
    let view;
    try {
      if (!(await home.isAdmin(requester))) {
        // Only an admin's tab has this button: a click from anyone else was made by hand.
        logger.warn({ slackUserId: requester.userId, action: 'audit_search' }, 'refused: not an admin');
        return;
      }
      view = auditSearchForm(clock.now());
    } catch (err) {
      // A guest named an admin is told why (Admins logs it); anyone else, that Slack did not say.
      const guest = asFailure(err).code === 'ADMIN_IS_GUEST';
      if (!guest) logger.warn({ slackUserId: requester.userId, err: describeError(err) }, 'admin check failed');
      view = guest ? auditSearchGuestAdmin() : auditSearchUnavailable();
    }
    await client.views
      .open({ trigger_id: click.trigger_id, view })
      .catch((err: unknown) => logger.warn({ slackUserId: requester.userId, err: describeError(err) }, 'views.open failed'));
  });
}
