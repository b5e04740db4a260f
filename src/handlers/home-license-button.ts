import type { LicenseRequests } from '../flows/license-requests';
import type { Logger } from '../flows/ports';
import { openedModalOf } from '../slack/arrival-modal';
import type { GuardedApp } from '../slack/guarded-app';
import { HOME_LICENSE_ACTION_ID } from '../views/home-tab';
import { licenseLoadingView } from '../views/license-form';
import type { LicenseVocabulary } from '../views/words';
import { openLicenseForm } from './license-command';
import { clickedBy } from './slack-payloads';

/** "Request a license change" on the Home tab: what /request-license opens. */
export function registerHomeLicenseButton(app: GuardedApp, flow: LicenseRequests, vocabulary: LicenseVocabulary, logger: Logger): void {
  app.acknowledgeActionOnArrival(HOME_LICENSE_ACTION_ID, (body) => clickedBy(body) !== undefined, {
    view: licenseLoadingView(vocabulary),
    busyText: 'Latchkey is very busy right now. Click *Request a license change* on its Home tab again in a minute.',
  });
  const client = app.slack;
  app.action(HOME_LICENSE_ACTION_ID, async ({ ack, body, context }) => {
    await ack();
    const clicked = clickedBy(body);
    if (!clicked) {
      logger.warn({ actionId: HOME_LICENSE_ACTION_ID }, 'malformed home tab click');
      return;
    }
    await openLicenseForm({ client, flow, vocabulary, logger, requester: clicked.requester, triggerId: clicked.click.trigger_id, opened: openedModalOf(context) });
  });
}
