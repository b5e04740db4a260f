import type { App } from '@slack/bolt';
import type { CredentialKind, Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { RESET_CALLBACK_IDS } from '../views/reset-modal';
import { actingUser, viewSubmissionSchema } from './slack-payloads';

/** Cancel (or ×) on the reset confirmation: opening it counted against the limits; that is given back. */
export function registerResetCancel(app: App, kind: CredentialKind, flow: ResetCredential, logger: Logger): void {
  app.view({ callback_id: RESET_CALLBACK_IDS[kind], type: 'view_closed' }, async ({ ack, body }) => {
    await ack();
    // A view_closed payload carries the view as a submission does (without its inputs).
    const parsed = viewSubmissionSchema.safeParse(body);
    const requester = parsed.success ? actingUser(parsed.data) : undefined;
    if (!parsed.success || !requester) {
      logger.warn({ kind }, 'malformed confirmation close');
      return;
    }
    await flow.cancel(requester, kind, parsed.data.view.private_metadata);
  });
}
