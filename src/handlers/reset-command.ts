import type { Credential } from '../credentials/credential';
import type { Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { failureMessage } from '../views/failure-message';
import { checkingView, confirmView, failureView } from '../views/reset-modal';
import type { GuardedApp } from '../slack/guarded-app';
import { acceptCommand, acknowledgeOnArrival } from './accept-command';
import { openedModalOf } from '../slack/arrival-modal';
import { busyText } from '../views/not-started';
import { openModalWhile } from './modal-sequence';
import { resetWordsOf } from './reset-words';

/**
 * A credential's slash command (`/reset-pin`, …): acknowledge at once, open the modal, and check
 * who is asking while it opens, so the confirmation is ready by the time the person reads it.
 */
export function registerResetCommand(app: GuardedApp, credential: Credential, flow: ResetCredential, logger: Logger): void {
  const words = resetWordsOf(credential);
  const enabled = flow.isEnabled(credential.id);
  acknowledgeOnArrival(app, credential.command, enabled, { view: checkingView(words), busyText: busyText(credential.command) });
  app.command(credential.command, async ({ command, ack, client, respond, context }) => {
    const accepted = await acceptCommand(command, ack, words, enabled, logger);
    if (!accepted) return;

    const { requester, triggerId, text } = accepted;
    const work = flow.prepare(requester, credential.id).then((prepared) => {
      if (!prepared.ok) {
        const m = failureMessage(prepared, words);
        return { prepared, view: failureView(prepared, words), fallbackText: `${m.headline} ${m.next}` };
      }
      return {
        prepared,
        view: confirmView({ credentialId: credential.id, words, email: prepared.email, ticket: prepared.ticket, ignoredText: text.trim() !== '' }),
        fallbackText: `Latchkey could not open its window. Run \`${credential.command}\` again.`,
      };
    });
    await openModalWhile({
      client,
      triggerId,
      loading: checkingView(words),
      opened: openedModalOf(context),
      work,
      // The person never saw the confirmation: what preparing it counted is given back.
      discard: async ({ prepared }) => {
        if (prepared.ok) await flow.cancel(requester, credential.id, prepared.ticket);
      },
      respond,
      logger,
      userId: requester.userId,
    });
  });
}
