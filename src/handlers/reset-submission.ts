import type { GuardedApp } from '../slack/guarded-app';
import type { ModalView } from '@slack/types';
import type { Credential } from '../credentials/credential';
import type { Logger } from '../flows/ports';
import type { ResetCredential } from '../flows/reset-credential';
import { postDirectMessage, sendDirectMessage, sendEphemeralDirect } from '../slack/direct-message';
import { answerByOf, HeldAnswer } from '../slack/held-answer';
import { challengeView, failureView, pendingView, pushingView, resetCallbackId, resultElsewhereView, resultView, workingView } from '../views/reset-modal';
import { pushRejectedNotice, resetNotice, whereaboutsMessage } from '../views/reset-notice';
import { showResultAside, updateModal, windowGone } from './modal-sequence';
import { resetWordsOf } from './reset-words';
import { actingUser, viewSubmissionSchema } from './slack-payloads';

/**
 * The "Reset" click: the new secret in the same modal, in the answer to the click itself when the
 * reset is quick, else after a "working…" view (see HeldAnswer).
 */
export function registerResetSubmission(app: GuardedApp, credential: Credential, flow: ResetCredential, logger: Logger): void {
  const kind = credential.id;
  const words = resetWordsOf(credential);
  const client = app.slack;
  app.view(resetCallbackId(kind), async ({ ack, body, context }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const requester = parsed.success ? actingUser(parsed.data) : undefined;
    if (!parsed.success || !requester) {
      logger.warn({ kind }, 'malformed reset submission');
      await ack({ response_action: 'update', view: failureView({ code: 'REQUEST_INVALID' }, words) });
      return;
    }
    const app = flow.policyOf(kind) === 'verify' ? flow.verifierApp : undefined;
    const lostFactorCommand = app ? flow.lostFactorCommand(kind) : undefined;
    // While the push waits, closing the modal cancels it (reset-waiting-closed.ts): the modal carries the ticket that says whose it is.
    const waiting = { credentialId: kind, ticket: parsed.data.view.private_metadata };
    const interim = app ? pushingView(words, app, waiting) : workingView(words);
    const started = Date.now();
    const answer = await HeldAnswer.start((view: ModalView) => ack({ response_action: 'update', view }), answerByOf(context), interim, logger);

    // The modal by its ID: on Lambda, the worker that waits for the push updates it this way.
    const viewId = parsed.data.view.id;
    const show = async (view: ModalView) => {
      if (!(await answer.settle(view))) await client.views.update({ view_id: viewId, view });
    };
    const result = await flow.confirm(requester, kind, parsed.data.view.private_metadata, {
      showResult: (change, done) => show(resultView(change, words, done)),
      showResultAside: (change, done) => showResultAside(client, requester.userId, change, words, done),
      showWhere: (where) => show(resultElsewhereView(where, words)),
      showWhereAside: (where) => sendEphemeralDirect(client, requester.userId, whereaboutsMessage(where, words)),
      windowGone,
      notifyOwner: async (done) => {
        const sent = await postDirectMessage(client, requester.userId, resetNotice(done, words));
        return sent && { rewrite: async (truer) => void (await client.chat.update({ ...sent, ...resetNotice(truer, words) })) };
      },
      showChallenge: (push) => show(challengeView(words, { ...push, ...(lostFactorCommand && { lostFactorCommand }) }, waiting)),
      // Another click of this request shows what comes of it: this click's answer, if still held, goes now, before anything of the other's.
      giveWay: async (push) => {
        if (push) await show(challengeView(words, { ...push, ...(lostFactorCommand && { lostFactorCommand }) }, waiting));
        else await answer.settle(interim);
      },
      notifyRejected: (rejected) => sendDirectMessage(client, requester.userId, pushRejectedNotice(rejected, words)),
    });
    if (result.ok && 'pending' in result) {
      const view = pendingView(words, result.requestId);
      if (!(await answer.settle(view).catch(() => true))) await updateModal(client, viewId, view, logger, requester.userId);
    }
    // Its modal could not show the result (turned away, the other's again; or its own, after "working…"): where it went instead, over its "working…" answer.
    if (!('pending' in result) && result.shownElsewhere) {
      const view = resultElsewhereView(result.shownElsewhere, words);
      if (!(await answer.settle(view).catch(() => true))) await updateModal(client, viewId, view, logger, requester.userId);
    }
    // Cancelled: the person closed the modal, and nothing is left to show. Turned away for another
    // click of the same request (a double click): that click's view stands (the push's number, the
    // secret), or this click has shown the same already.
    if (!result.ok && result.code !== 'VERIFY_CANCELLED' && !result.shownByAnotherClick) {
      const view = failureView(result, words);
      if (!(await answer.settle(view).catch(() => true))) await updateModal(client, viewId, view, logger, requester.userId);
    }
    // The click's whole handling, its push's wait included, to the last thing its modal was sent: a
    // modal left at "working…" with this line logged was sent its result (or Slack refused it, logged).
    // Written at every end of a click with a person. Not in a finally: a flow that throws goes on in
    // the app's error handler, which tells the person after this listener, so a line there would
    // mark an end before that message (tests waiting for this one give up, saying so).
    logger.debug({ slackUserId: requester.userId, kind, requestId: result.requestId, ok: result.ok, ...(!result.ok && { code: result.code }), ms: Date.now() - started }, 'reset click handled');
  });
}
