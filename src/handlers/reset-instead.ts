import { z } from 'zod';
import type { GuardedApp } from '../slack/guarded-app';
import type { Credential } from '../credentials/credential';
import type { Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { checkingView, failureView, insteadActionId } from '../views/reset-modal';
import { updateModal } from './modal-sequence';
import { confirmationOf } from './reset-command';
import { resetWordsOf } from './reset-words';
import { actingUser, blockActionsSchema } from './slack-payloads';

/** The click, with the confirmation it was made in: its view and its sealed ticket. */
const insteadClick = blockActionsSchema.extend({
  view: z.object({ id: z.string().min(1), private_metadata: z.string().max(3000).default('') }),
});

/**
 * "Unlock only (keep my password)" on a confirmation: the person wants `credential`'s change
 * instead. The confirmation they leave is cancelled as if closed (what opening it counted is given
 * back, and its ticket can no longer change anything), and the same modal becomes `credential`'s
 * own confirmation, prepared with all of that credential's checks and limits. Nothing changes
 * until they confirm that one.
 */
export function registerResetInstead(app: GuardedApp, credential: Credential, flow: ResetCredential, logger: Logger): void {
  const words = resetWordsOf(credential);
  const client = app.slack;
  app.action(insteadActionId(credential.id), async ({ ack, body }) => {
    await ack();
    const parsed = insteadClick.safeParse(body);
    const requester = parsed.success ? actingUser(parsed.data) : undefined;
    const left = parsed.success ? parsed.data.actions[0]!.value : undefined;
    if (!parsed.success || !requester || !left || !flow.isEnabled(left)) {
      logger.warn({ actionId: insteadActionId(credential.id) }, 'malformed click for another change');
      return;
    }
    const viewId = parsed.data.view.id;
    // The click's whole handling, to the last thing its modal was sent: written at every end of a
    // click with a person, one whose confirmation was not theirs included (cancelled: false), so that
    // nothing of the click comes after it. Not in a finally: a throw goes on in the app's error handler.
    const handled = (how: { cancelled: false } | { ok: boolean; code?: string }) =>
      logger.debug({ slackUserId: requester.userId, kind: credential.id, left, ...how }, 'instead click handled');
    // The signed user and the ticket's own checks decide: a confirmation not theirs is left alone.
    if (!(await flow.cancel(requester, left, parsed.data.view.private_metadata))) return handled({ cancelled: false });
    await updateModal(client, viewId, checkingView(words), logger, requester.userId);
    const prepared = await flow.prepare(requester, credential.id);
    const view = prepared.ok ? confirmationOf(credential, flow, prepared) : failureView(prepared, words);
    await updateModal(client, viewId, view, logger, requester.userId);
    handled({ ok: prepared.ok, ...(!prepared.ok && { code: prepared.code }) });
  });
}
