import type { ModalView } from '@slack/types';
import { CREDENTIALS } from '../credentials';
import { finishDmStillOurs, type ResetApprovals } from '../flows/reset-approval';
import type { Clock, Logger, Requester } from '../flows/ports';
import type { ResetCredential, ResetDelivery } from '../flows/reset-credential';
import { openedModalOf } from '../slack/arrival-modal';
import { postDirectMessage } from '../slack/direct-message';
import type { GuardedApp } from '../slack/guarded-app';
import { resultElsewhereView, resultView } from '../views/reset-modal';
import { resetNotice } from '../views/reset-notice';
import type { ResetWords } from '../views/words';
import { describeError } from '../flows/failure';
import { FINISH_ACTION_ID, FINISH_NOT_OPENED, finishedByAnotherClickView, finishedFailureView, finishedMessage, finishFailureView, finishLoadingView, givenBackView, supersededFinishView } from '../views/reset-approval-kind';
import { showResultAside, updateModal, windowGone } from './modal-sequence';
import { resetWordsOf } from './reset-words';
import { clickedBy } from './slack-payloads';
import { tellThroughResponseUrl } from './tell-clicker';
import { tokenRefusedText } from '../views/failure-message';

/**
 * "Finish the reset" in the requester's DM, once an admin approved: a click like any other (on
 * Lambda too). Its loading modal opens on arrival with the click's own trigger, so the secret is
 * shown in a fresh modal of the requester's; the request is theirs by the signed user ID, used once.
 * The same button on their Home tab is this click too; from there, the tab is published anew after it.
 */
export function registerApprovalFinish(
  app: GuardedApp,
  flow: ResetApprovals,
  resets: Pick<ResetCredential, 'finishApproved' | 'sameAsFinishing'>,
  clock: Clock,
  logger: Logger,
  /** Publishes the person's Home tab as of now; never throws. */
  republishHome?: (requester: Requester) => Promise<void>,
): void {
  app.acknowledgeActionOnArrival(FINISH_ACTION_ID, (body) => clickedBy(body) !== undefined, {
    view: finishLoadingView(),
    busyText: 'Latchkey is very busy right now. Click the button in its message again in a minute.',
  });
  const client = app.slack;
  app.action(FINISH_ACTION_ID, async ({ ack, body, context, respond }) => {
    await ack();
    const clicked = clickedBy(body);
    const approvalRequestId = clicked?.click.actions[0]?.value;
    if (!clicked || !approvalRequestId) {
      logger.warn({ actionId: FINISH_ACTION_ID }, 'malformed finish click');
      return;
    }
    const { requester } = clicked;
    // Opened on arrival (acknowledgeActionOnArrival above, or Lambda's answering invocation). Not
    // opened: the trigger was too old and the person was told Latchkey is busy. Either way, with no
    // modal of theirs to show a secret in, nothing is changed (the approval stays usable until it expires).
    const started = Date.now();
    // The click's whole handling, to the last thing its window and its DM were sent, as a Reset
    // click's: written at every end of a click with a person, one whose window did not open too
    // (opened: false: nothing changed, and what its person was told came as it failed to open). Not
    // in a finally: a flow that throws goes on in the app's error handler, which tells the person
    // after this listener, so a line here would mark an end before that message.
    const handled = (how: { opened: false } | { ok: boolean; code?: string; givenBack?: true }) =>
      logger.debug({ slackUserId: requester.userId, approvalRequestId, ...how, ms: Date.now() - started }, 'finish click handled');
    const opened = await openedModalOf(context);
    if (!opened?.ok) {
      // Slack would not open it (its bot token refused, a 5xx): said through the DM's response_url,
      // which needs no token, as nothing else reaches the person then. A trigger too old was told
      // Latchkey is busy as it failed to open; a Home tab click has no response_url.
      if (opened?.reason === 'failed') await tellThroughResponseUrl(respond, { text: opened.tokenRefused ? tokenRefusedText() : FINISH_NOT_OPENED }, logger, requester.userId);
      return handled({ opened: false });
    }
    const viewId = opened.viewId;
    const show = (view: ModalView) => updateModal(client, viewId, view, logger, requester.userId);

    // Set once the receipt took the place of the Finish button's DM: one reset, one DM, and nothing rewrites it after.
    let receiptInFinishDm = false;
    /**
     * How this click's modal, and its requester alone, get what the change shows. `finishDmNow`: the
     * DM with the Finish button, which the receipt takes the place of (the button used up with it),
     * asked when the receipt goes, as by then it may be a newer decision's (finishDmStillOurs).
     */
    const deliveryFor = (credential: string, finishDmNow?: () => { readonly channel: string; readonly ts: string } | undefined): ResetDelivery => {
      const words = wordsOf(credential);
      return {
        showResult: async (result, done) => {
          if (!words) throw new Error('credential not in the registry');
          // Throws when Slack will not show it: the reset flow records that the secret was not delivered.
          await client.views.update({ view_id: viewId, view: resultView(result, words, done) });
        },
        showResultAside: async (result, done) => {
          if (!words) throw new Error('credential not in the registry');
          await showResultAside(client, requester.userId, result, words, done);
        },
        windowGone,
        notifyOwner: async (done) => {
          if (!words) return;
          const receipt = resetNotice(done, words, { approved: true });
          const finishDm = finishDmNow?.();
          // Rewritten in place, it says what happened where the request's DM was, rather than a second
          // message beside one saying the same less surely. Slack refusing that, it is sent anew: the receipt
          // is the alarm of someone else in the Slack account, so it is never given up for the rewrite.
          if (finishDm) {
            const rewritten = await client.chat.update({ channel: finishDm.channel, ts: finishDm.ts, ...receipt }).then(
              () => true,
              (err: unknown) => {
                logger.warn({ slackUserId: requester.userId, approvalRequestId, err: describeError(err) }, "the finish button's message could not be rewritten into the receipt: sent anew");
                return false;
              },
            );
            if (rewritten) {
              receiptInFinishDm = true;
              return { rewrite: async (truer) => void (await client.chat.update({ channel: finishDm.channel, ts: finishDm.ts, ...resetNotice(truer, words, { approved: true }) })) };
            }
          }
          const sent = await postDirectMessage(client, requester.userId, receipt);
          // Rewritten when what it says of the secret turns out wrong (another click's window could show it nowhere).
          return sent && { rewrite: async (truer) => void (await client.chat.update({ ...sent, ...resetNotice(truer, words, { approved: true }) })) };
        },
      };
    };
    const outcome = await flow.finish(
      requester,
      approvalRequestId,
      // The reset flow checks who is asking, and who they are in the directory, again before the change.
      (approved) => resets.finishApproved(requester, approved.credential, approved, deliveryFor(approved.credential, () => finishDmStillOurs(approved, clock.now(), dmOf(clicked.click.container)))),
      // Turned away for another click of theirs (a double click): this modal shows what that one's does.
      (taken, ended) => resets.sameAsFinishing(requester, taken.credential, taken.requestId, deliveryFor(taken.credential), ended),
    );
    // Turned away for another click of it (a double click): this one's modal shows the same result
    // (resultShown), or says what came of the request, never that the approval was already used.
    const other = outcome.ok ? undefined : outcome.shownByAnotherClick;
    const shown = other ?? outcome;
    const words = wordsOf(shown.ok ? shown.request.detail.credential : shown.credential);
    if (!outcome.ok && outcome.resultShown) {
      // Its modal holds the other's result, secret and all: nothing goes over it.
    } else if (!shown.ok) await show(finishFailureView(shown, words));
    else if (!shown.result.ok && words && shown.givenBack) await show(givenBackView(shown.result, words, shown.request));
    else if (!shown.result.ok && shown.superseded) await show(supersededFinishView(shown.result, words));
    else if (!shown.result.ok) await show(words ? finishedFailureView(shown.result, words, shown.request) : finishFailureView(shown.result));
    else if (other) await show(finishedByAnotherClickView(shown.result, words));
    // Its modal could not show the result (a change with no secret, Slack refusing the update): where it went instead, over the loading view, as a Reset click's does.
    else if (words && shown.result.shownElsewhere) await show(resultElsewhereView(shown.result.shownElsewhere, words));
    // From the Home tab: its line now says how the request stands (finished, given back, or why not), without a button that is used.
    if (clicked.click.view?.type === 'home' && republishHome) await republishHome(requester);
    // Used, whatever its change did: the DM with the button loses it and says how it ended (its receipt, when the change was made; clicked
    // on the Home tab, that DM is the one kept with the request). Given back (nothing was sent), it keeps its
    // button, which works again. Superseded (an admin decided the request again meanwhile), its button
    // is the newer approval's too: left as it is.
    const dm = dmOf(clicked.click.container) ?? (outcome.ok && clicked.click.view?.type === 'home' ? outcome.request.finishMessage : undefined);
    // Its receipt is there already (notifyOwner), saying more than a finish could.
    if (outcome.ok && !outcome.givenBack && !outcome.superseded && dm && !(outcome.result.ok && receiptInFinishDm)) {
      const at = outcome.result.ok ? outcome.result.at : clock.now();
      await client.chat
        .update({ channel: dm.channel, ts: dm.ts, ...finishedMessage(outcome.result.ok ? { ok: true, at } : { ...outcome.result, at }, words) })
        .catch((err: unknown) => logger.warn({ slackUserId: requester.userId, approvalRequestId, err: describeError(err) }, "the finish button's message could not be rewritten"));
    }
    handled({ ok: outcome.ok, ...(!outcome.ok && { code: outcome.code }), ...(outcome.ok && outcome.givenBack && { givenBack: true }) });
  });
}

/** The DM message a click came from, if it came from one. */
function dmOf(container: { channel_id?: string; message_ts?: string } | null | undefined): { channel: string; ts: string } | undefined {
  return container?.channel_id && container.message_ts ? { channel: container.channel_id, ts: container.message_ts } : undefined;
}

function wordsOf(credentialId: string | undefined): ResetWords | undefined {
  const credential = CREDENTIALS.find((c) => c.id === credentialId);
  return credential && resetWordsOf(credential);
}
