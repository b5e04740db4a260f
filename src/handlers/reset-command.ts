import type { App } from '@slack/bolt';
import type { CredentialKind, Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { failureMessage } from '../views/failure-message';
import { checkingView, confirmView, failureView } from '../views/reset-modal';
import { TOPIC_WORDS } from '../views/topic-words';
import { openModalWhile } from './modal-sequence';
import { slashCommandSchema } from './slack-payloads';

/**
 * `/reset-pin` and `/reset-password`: acknowledge at once, open the modal, and check who is
 * asking while it opens, so the confirmation is ready by the time the person reads it.
 */
export function registerResetCommand(app: App, kind: CredentialKind, flow: ResetCredential, logger: Logger): void {
  const words = TOPIC_WORDS[kind];
  app.command(words.command, async ({ command, ack, client, respond }) => {
    const parsed = slashCommandSchema.safeParse(command);
    if (!parsed.success) {
      logger.warn({ command: words.command, issues: parsed.error.issues.length }, 'malformed slash command');
      await ack({ response_type: 'ephemeral', text: 'Latchkey could not read that request. Please try again.' });
      return;
    }
    if (!flow.isEnabled(kind)) {
      const m = failureMessage({ code: 'DIRECTORY_NOT_ENABLED', kind });
      await ack({ response_type: 'ephemeral', text: `${m.headline} ${m.next}` });
      return;
    }
    await ack();

    const { user_id: userId, team_id: teamId, trigger_id: triggerId, text } = parsed.data;
    const work = flow.prepare({ userId, teamId }, kind).then((prepared) => {
      if (!prepared.ok) {
        const m = failureMessage(prepared);
        return { view: failureView(prepared), fallbackText: `${m.headline} ${m.next}` };
      }
      return {
        view: confirmView({ kind, email: prepared.email, ticket: prepared.ticket, ignoredText: text.trim() !== '' }),
        fallbackText: `Latchkey could not open its window. Run \`${words.command}\` again.`,
      };
    });
    await openModalWhile({ client, triggerId, loading: checkingView(kind), work, respond, logger, userId });
  });
}
