import type { RespondFn } from '@slack/bolt';
import type { SlackApi } from '../slack/slack-web-api';
import type { LicenseRequests } from '../flows/license-requests';
import type { Logger, Requester } from '../flows/ports';
import { failureMessage } from '../views/failure-message';
import { licenseFailureView, licenseFormView, licenseLoadingView, openRequestView } from '../views/license-form';
import type { LicenseVocabulary } from '../views/words';
import type { GuardedApp } from '../slack/guarded-app';
import { acceptCommand, acknowledgeOnArrival } from './accept-command';
import { openedModalOf, type OpenedModal } from '../slack/arrival-modal';
import { busyText } from '../views/not-started';
import { openModalWhile } from './modal-sequence';

/** `/request-license`: the form with the requester's current license, or the request already waiting. */
export function registerLicenseCommand(app: GuardedApp, flow: LicenseRequests, vocabulary: LicenseVocabulary, logger: Logger): void {
  const { words } = vocabulary;
  acknowledgeOnArrival(app, words.command, flow.enabled, { view: licenseLoadingView(vocabulary), busyText: busyText(words.command) });
  const client = app.slack;
  app.command(words.command, async ({ command, ack, respond, context }) => {
    const accepted = await acceptCommand(command, ack, words, flow.enabled, logger);
    if (!accepted) return;
    const { requester, triggerId } = accepted;
    await openLicenseForm({ client, flow, vocabulary, logger, requester, triggerId, opened: openedModalOf(context), respond });
  });
}

/** The license request form (or the request already waiting), in a modal: the command's, and the Home tab button's. */
export async function openLicenseForm(args: {
  client: SlackApi;
  flow: LicenseRequests;
  vocabulary: LicenseVocabulary;
  logger: Logger;
  requester: Requester;
  triggerId: string;
  opened?: Promise<OpenedModal>;
  respond?: RespondFn;
}): Promise<void> {
  const { vocabulary, requester } = args;
  const { words } = vocabulary;
  const starting = args.flow.start(requester);
  const work = starting.then((started) => {
    if (!started.ok) {
      const m = failureMessage(started, words);
      return { view: licenseFailureView(started, vocabulary), fallbackText: `${m.headline} ${m.next}` };
    }
    const fallbackText = `Latchkey could not open its window. Run \`${words.command}\` again.`;
    if (started.state === 'open') return { view: openRequestView(started, vocabulary), fallbackText };
    return { view: licenseFormView({ email: started.email, current: started.current, ticket: started.ticket, applied: started.applied }, vocabulary), fallbackText };
  });
  await openModalWhile({
    client: args.client,
    triggerId: args.triggerId,
    loading: licenseLoadingView(vocabulary),
    opened: args.opened,
    work,
    respond: args.respond,
    logger: args.logger,
    userId: requester.userId,
  });
  // After the modal, shown or not, so the window never waits for Slack's posts (as the Home tab's afterOpen).
  await args.flow.followUp(requester, await starting);
}
