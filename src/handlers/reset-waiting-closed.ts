import type { GuardedApp } from '../slack/guarded-app';
import type { Credential } from '../credentials/credential';
import type { Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { waitingCallbackId } from '../views/reset-modal';
import { closedBy } from './slack-payloads';

/**
 * × on the modal waiting for the `verify` policy's push: the person changed their mind, so the
 * push is cancelled and nothing changes. Who closed it is the signed payload's user.
 */
export function registerResetWaitingClosed(app: GuardedApp, credential: Credential, flow: ResetCredential, logger: Logger): void {
  const kind = credential.id;
  app.view({ callback_id: waitingCallbackId(kind), type: 'view_closed' }, async ({ ack, body }) => {
    await ack();
    const closed = closedBy(body);
    if (!closed) {
      logger.warn({ kind }, 'malformed close of a waiting modal');
      return;
    }
    flow.abandonPush(closed.requester, kind, closed.privateMetadata);
  });
}
