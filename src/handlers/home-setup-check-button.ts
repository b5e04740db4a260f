import type { SetupCheck } from '../doctor/setup-check';
import { describeError } from '../flows/failure';
import type { HomeTab } from '../flows/home-tab';
import type { Logger } from '../flows/ports';
import { openedModalOf } from '../slack/arrival-modal';
import type { GuardedApp } from '../slack/guarded-app';
import { HOME_SETUP_CHECK_ACTION_ID } from '../views/home-tab';
import { setupCheckView } from '../views/setup-check';
import { clickedBy } from './slack-payloads';

/**
 * "Setup check" on an admin's Home tab: the checks `npm run doctor` runs, read-only, shown in a
 * modal. The modal is opened on arrival (the checks take longer than a trigger lives); whether the
 * clicker is an admin is asked again now, as for every admin action.
 */
export function registerHomeSetupCheckButton(app: GuardedApp, home: HomeTab, runChecks: () => Promise<SetupCheck[]>, logger: Logger): void {
  app.acknowledgeActionOnArrival(HOME_SETUP_CHECK_ACTION_ID, (body) => clickedBy(body) !== undefined, {
    view: setupCheckView('running'),
    busyText: 'Latchkey is very busy right now. Click *Setup check* on its Home tab again in a minute.',
  });
  const client = app.slack;
  app.action(HOME_SETUP_CHECK_ACTION_ID, async ({ ack, body, context }) => {
    await ack();
    const clicked = clickedBy(body);
    if (!clicked) {
      logger.warn({ actionId: HOME_SETUP_CHECK_ACTION_ID }, 'malformed home tab click');
      return;
    }
    const { requester } = clicked;
    const opened = await openedModalOf(context);
    // Not opened: the trigger was too old, and the person was told Latchkey is busy.
    if (!opened?.ok) return;
    const answer = await home.adminAnswer(requester, 'setup_check');
    let view;
    if (answer !== 'ADMIN') view = setupCheckView(answer);
    else {
      try {
        const checks = await runChecks();
        logger.info({ slackUserId: requester.userId, failed: checks.filter((c) => !c.ok).map((c) => c.name) }, 'setup check run from the Home tab');
        view = setupCheckView(checks);
      } catch (err) {
        logger.warn({ slackUserId: requester.userId, err: describeError(err) }, 'setup check failed');
        view = setupCheckView('unavailable');
      }
    }
    await client.views
      .update({ view_id: opened.viewId, view })
      .catch((err: unknown) => logger.warn({ slackUserId: requester.userId, err: describeError(err) }, 'views.update failed'));
  });
}
