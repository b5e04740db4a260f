import type { GuardedApp } from '../slack/guarded-app';
import type { Credential } from '../credentials/credential';
import type { Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { resetCallbackId } from '../views/reset-modal';
import { actingUser, viewSubmissionSchema } from './slack-payloads';

/** Cancel (or ×) on the reset confirmation: opening it counted against the limits; that is given back. */
export function registerResetCancel(app: GuardedApp, credential: Credential, flow: ResetCredential, logger: Logger): void {
  const kind = credential.id;
  app.view({ callback_id: resetCallbackId(kind), type: 'view_closed' }, async ({ ack, body }) => {
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
