import type { GuardedApp } from '../slack/guarded-app';
import type { Credential } from '../credentials/credential';
import type { Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { resetCallbackId } from '../views/reset-modal';
import { closedBy } from './slack-payloads';

/** Cancel (or ×) on the reset confirmation: opening it counted against the limits; that is given back. */
export function registerResetCancel(app: GuardedApp, credential: Credential, flow: ResetCredential, logger: Logger): void {
  const kind = credential.id;
  app.view({ callback_id: resetCallbackId(kind), type: 'view_closed' }, async ({ ack, body }) => {
    await ack();
    const closed = closedBy(body);
    if (!closed) {
      logger.warn({ kind }, 'malformed confirmation close');
      return;
    }
    await flow.cancel(closed.requester, kind, closed.privateMetadata);
  });
}
