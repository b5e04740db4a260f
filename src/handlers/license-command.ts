import type { LicenseRequests } from '../flows/license-requests';
import type { Logger } from '../flows/ports';
import { failureMessage } from '../views/failure-message';
import { licenseFailureView, licenseFormView, licenseLoadingView, openRequestView } from '../views/license-form';
import { TOPIC_WORDS } from '../views/topic-words';
import type { GuardedApp } from '../slack/guarded-app';
import { acceptCommand, acknowledgeOnArrival } from './accept-command';
import { openModalWhile } from './modal-sequence';

/** `/request-license`: the form with the requester's current license, or the request already waiting. */
export function registerLicenseCommand(app: GuardedApp, flow: LicenseRequests, logger: Logger): void {
  const words = TOPIC_WORDS.license;
  acknowledgeOnArrival(app, words.command, flow.enabled);
  app.command(words.command, async ({ command, ack, client, respond }) => {
    const accepted = await acceptCommand(command, ack, 'license', flow.enabled, logger);
    if (!accepted) return;

    const { requester, triggerId } = accepted;
    const work = flow.start(requester).then((started) => {
      if (!started.ok) {
        const m = failureMessage({ ...started, kind: 'license' });
        return { view: licenseFailureView(started), fallbackText: `${m.headline} ${m.next}` };
      }
      const fallbackText = `Latchkey could not open its window. Run \`${words.command}\` again.`;
      if (started.state === 'open') return { view: openRequestView(started.request), fallbackText };
      return { view: licenseFormView({ email: started.email, current: started.current, ticket: started.ticket }), fallbackText };
    });
    await openModalWhile({ client, triggerId, loading: licenseLoadingView(), work, respond, logger, userId: requester.userId });
  });
}
