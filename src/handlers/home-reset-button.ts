import type { Credential } from '../credentials/credential';
import type { Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { openedModalOf } from '../slack/arrival-modal';
import type { GuardedApp } from '../slack/guarded-app';
import { homeResetActionId } from '../views/home-tab';
import { checkingView } from '../views/reset-modal';
import { openResetConfirmation } from './reset-command';
import { resetWordsOf } from './reset-words';
import { clickedBy } from './slack-payloads';

/**
 * A credential's button on the Home tab (and in /reset's list): exactly what its slash command
 * opens, with the same checks, limits and privacy. Its loading modal is opened on arrival, like the
 * command's, so the click's trigger is used once, and in time.
 */
export function registerHomeResetButton(app: GuardedApp, credential: Credential, flow: ResetCredential, logger: Logger): void {
  const actionId = homeResetActionId(credential.id);
  const words = resetWordsOf(credential);
  app.acknowledgeActionOnArrival(actionId, (body) => clickedBy(body) !== undefined, {
    view: checkingView(words),
    busyText: `Latchkey is very busy right now. Click *${credential.words.homeButton}* on its Home tab again in a minute.`,
  });
  const client = app.slack;
  // The same button is in /reset's list, a message: there Slack gives the click a response_url, which
  // needs no token, so a window that cannot open (Slack refusing the token) is said there, as a command's.
  app.action(actionId, async ({ ack, body, context, respond }) => {
    await ack();
    const clicked = clickedBy(body);
    if (!clicked) {
      logger.warn({ actionId }, 'malformed home tab click');
      return;
    }
    await openResetConfirmation({ client, credential, flow, logger, requester: clicked.requester, triggerId: clicked.click.trigger_id, opened: openedModalOf(context), respond });
  });
}
