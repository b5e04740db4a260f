import type { GuardedApp } from '../slack/guarded-app';
import type { Credential } from '../credentials/credential';
import type { Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { waitingCallbackId } from '../views/reset-modal';
import { describeError } from '../flows/failure';
import { sendEphemeralDirect } from '../slack/direct-message';
import { pushNotCancelledNotice } from '../views/reset-notice';
import { resetWordsOf } from './reset-words';
import { closedBy } from './slack-payloads';

/**
 * × on the modal waiting for the `verify` policy's push: the person changed their mind, so the
 * push is cancelled and nothing changes. Who closed it is the signed payload's user. If the close
 * cannot be recorded for the instance that waits, the person is told the push is still live.
 */
export function registerResetWaitingClosed(app: GuardedApp, credential: Credential, flow: ResetCredential, logger: Logger): void {
  const kind = credential.id;
  const words = resetWordsOf(credential);
  app.view({ callback_id: waitingCallbackId(kind), type: 'view_closed' }, async ({ ack, body }) => {
    await ack();
    const closed = closedBy(body);
    if (!closed) {
      logger.warn({ kind }, 'malformed close of a waiting modal');
      return;
    }
    const done = await flow.abandonPush(closed.requester, kind, closed.privateMetadata);
    // The modal is gone: what the person must know (the push is still live) comes privately, in the app's DM.
    if (done === 'unrecorded' && flow.verifierApp) {
      await sendEphemeralDirect(app.slack, closed.requester.userId, pushNotCancelledNotice(flow.verifierApp, words)).catch((err: unknown) =>
        logger.warn({ kind, slackUserId: closed.requester.userId, err: describeError(err) }, 'could not tell the person their push was not cancelled'),
      );
    }
  });
}
