import type { CredentialKind, Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { failureMessage } from '../views/failure-message';
import { checkingView, confirmView, failureView } from '../views/reset-modal';
import { TOPIC_WORDS } from '../views/topic-words';
import type { GuardedApp } from '../slack/guarded-app';
import { acceptCommand, acknowledgeOnArrival } from './accept-command';
import { openModalWhile } from './modal-sequence';

/**
 * `/reset-pin` and `/reset-password`: acknowledge at once, open the modal, and check who is
 * asking while it opens, so the confirmation is ready by the time the person reads it.
 */
export function registerResetCommand(app: GuardedApp, kind: CredentialKind, flow: ResetCredential, logger: Logger): void {
  const words = TOPIC_WORDS[kind];
  acknowledgeOnArrival(app, words.command, flow.isEnabled(kind));
  app.command(words.command, async ({ command, ack, client, respond }) => {
    const accepted = await acceptCommand(command, ack, kind, flow.isEnabled(kind), logger);
    if (!accepted) return;

    const { requester, triggerId, text } = accepted;
    const work = flow.prepare(requester, kind).then((prepared) => {
      if (!prepared.ok) {
        const m = failureMessage(prepared);
        return { view: failureView(prepared), fallbackText: `${m.headline} ${m.next}` };
      }
      return {
        view: confirmView({ kind, email: prepared.email, ticket: prepared.ticket, ignoredText: text.trim() !== '' }),
        fallbackText: `Latchkey could not open its window. Run \`${words.command}\` again.`,
      };
    });
    await openModalWhile({ client, triggerId, loading: checkingView(kind), work, respond, logger, userId: requester.userId });
  });
}
