import type { App } from '@slack/bolt';
import type { Logger } from '../flows/ports';
import type { CredentialKind } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { CREDENTIAL_WORDS } from '../views/credential-words';
import { failureMessage } from '../views/failure-message';
import { checkingView, confirmView, failureView } from '../views/reset-modal';
import { slashCommandSchema } from './slack-payloads';

/**
 * `/reset-pin` and `/reset-password`: acknowledge at once, open the modal, and check who is
 * asking while it opens, so the confirmation is ready by the time the person reads it.
 */
export function registerResetCommand(app: App, kind: CredentialKind, flow: ResetCredential, logger: Logger): void {
  const words = CREDENTIAL_WORDS[kind];
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
    const [opened, prepared] = await Promise.all([
      client.views.open({ trigger_id: triggerId, view: checkingView(kind) }).catch((err: unknown) => {
        logger.warn({ slackUserId: userId, err: String(err) }, 'views.open failed');
        return undefined;
      }),
      flow.prepare({ userId, teamId }, kind),
    ]);

    const view = prepared.ok
      ? confirmView({ kind, email: prepared.email, ticket: prepared.ticket, ignoredText: text.trim() !== '' })
      : failureView(prepared);
    const viewId = opened?.view?.id;
    try {
      if (!viewId) throw new Error('no modal to update');
      await client.views.update({ view_id: viewId, view });
    } catch (err) {
      logger.warn({ slackUserId: userId, err: String(err) }, 'could not show the reset modal');
      // The modal is the surest private place; the command's own ephemeral reply is the next best.
      await respond({
        response_type: 'ephemeral',
        text: prepared.ok
          ? `Latchkey could not open its window. Run \`${words.command}\` again.`
          : `${failureMessage(prepared).headline} ${failureMessage(prepared).next}`,
      }).catch((e: unknown) => logger.warn({ slackUserId: userId, err: String(e) }, 'ephemeral reply failed'));
    }
  });
}
