import type { App } from '@slack/bolt';
import type { CredentialKind, Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { sendDirectMessage } from '../slack/direct-message';
import { failureView, RESET_CALLBACK_IDS, secretView, workingView } from '../views/reset-modal';
import { resetNotice } from '../views/reset-notice';
import { updateModal } from './modal-sequence';
import { actingUser, viewSubmissionSchema } from './slack-payloads';

/** The "Reset" click: show progress at once, then the new secret in the same modal. */
export function registerResetSubmission(app: App, kind: CredentialKind, flow: ResetCredential, logger: Logger): void {
  app.view(RESET_CALLBACK_IDS[kind], async ({ ack, body, client }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const requester = parsed.success ? actingUser(parsed.data) : undefined;
    if (!parsed.success || !requester) {
      logger.warn({ kind }, 'malformed reset submission');
      await ack({ response_action: 'update', view: failureView({ ok: false, code: 'REQUEST_INVALID', kind }) });
      return;
    }
    await ack({ response_action: 'update', view: workingView(kind) });

    const viewId = parsed.data.view.id;
    const result = await flow.confirm(requester, kind, parsed.data.view.private_metadata, {
      showSecret: async (secret, done) => {
        await client.views.update({ view_id: viewId, view: secretView(secret, done) });
      },
      notifyOwner: (done) => sendDirectMessage(client, requester.userId, resetNotice(done)),
    });
    if (!result.ok) await updateModal(client, viewId, failureView(result), logger, requester.userId);
  });
}
