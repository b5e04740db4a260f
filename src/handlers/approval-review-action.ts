import type { GuardedApp } from '../slack/guarded-app';
import type { Approvals } from '../flows/approvals/approvals';
import type { ModalView } from '@slack/types';
import { arrivedAtOf, openedModalOf, TRIGGER_SAFE_MS, triggerUsable } from '../slack/arrival-modal';
import type { Logger } from '../flows/ports';
import { REVIEW_ACTION_ID } from '../views/approval-message';
import { reviewClosedView, reviewFailureView, reviewLoadingView, reviewRefusedText, reviewView } from '../views/approval-review';
import { wordsOf, type ApprovalWords } from '../views/approval-words';
import { openLoading, openModalWhile } from './modal-sequence';
import { actingUser, blockActionsSchema, clickedBy } from './slack-payloads';
import { settledWithin } from '../settled-within';
import { tellClicker } from './tell-clicker';

/**
 * A review modal opened from the Home tab names its request with this before it in
 * private_metadata, so the decision republishes the deciding admin's tab. Only ever the signed
 * submitter's own tab: a forged mark costs them a publish of their own tab, nothing else.
 */
const FROM_HOME = 'home:';

/**
 * How long a Review clicked on the admins' message, whose window was not opened on arrival, waits
 * for the admin check before opening it anyway. Its clicker was not on the admin group's list as last
 * read (someone just added to it), so the check asks Slack for the list and of them at once: one
 * answering after the click's trigger died (3 s: Slack slow, or the list's Tier 2 rate limit) left
 * an admin with no window and no word. Answered by then, a no is still an ephemeral; past it, the
 * window is opened while the trigger lives, and the check's answer is shown in it, a no included.
 * Counted from the click's arrival (checkWaitMs), as the trigger's life is: on Lambda the listener
 * starts in the worker, after the hand-off. A window Slack will not open leaves the ephemeral.
 */
export const REVIEW_CHECK_WAIT_MS = 1_000;

/** Slack refused the window: clicked again, it may open. */
const REVIEW_AGAIN = 'Latchkey could not open the review window. Click *Review* again.';
/** Its trigger was too old (a busy instance, a late worker): clicked at once, the same may hold. */
const REVIEW_TOO_SLOW = 'Latchkey was too slow to open the review window. Click *Review* again in a minute.';

/** The request a review modal's private_metadata names, and whether it was opened from the Home tab. */
export function reviewOrigin(privateMetadata: string): { requestId: string; fromHome: boolean } {
  return privateMetadata.startsWith(FROM_HOME) ? { requestId: privateMetadata.slice(FROM_HOME.length), fromHome: true } : { requestId: privateMetadata, fromHome: false };
}

/** "Review" on an approvals-channel message or the Home tab, for every kind: admins get the decision modal, anyone else a private no (on the tab, in a modal). */
export function registerApprovalReviewAction(app: GuardedApp, flow: Approvals, words: ApprovalWords, logger: Logger): void {
  const client = app.slack;
  // The modal is opened on arrival, before the admin check, which may ask Slack (users.info) for
  // longer than a trigger lives: wherever the answer is a modal (the Home tab, which has no channel),
  // and in a channel for whoever memory does not rule out as an admin (Admins.mayBeAdmin). Anyone
  // else's no there is an ephemeral, unless their check outlasts REVIEW_CHECK_WAIT_MS.
  app.acknowledgeActionOnArrival(
    REVIEW_ACTION_ID,
    (body) => {
      const clicked = clickedBy(body);
      return clicked !== undefined && clicked.click.actions[0]?.value !== undefined && (!clicked.click.channel?.id || flow.mayBeAdmin(clicked.requester));
    },
    // In a channel, a trigger too old is told of here (staleInChannel): the no, or for an admin to click again.
    { view: reviewLoadingView(), busyText: 'Latchkey is very busy right now. Click *Review* again in a minute.', staleInChannel: 'listener' },
  );
  app.action(REVIEW_ACTION_ID, async ({ ack, body, context, respond }) => {
    await ack();
    const parsed = blockActionsSchema.safeParse(body);
    const reviewer = parsed.success ? actingUser(parsed.data) : undefined;
    const requestId = parsed.success ? parsed.data.actions[0]?.value : undefined;
    if (!parsed.success || !reviewer || !requestId) {
      logger.warn({}, 'malformed review click');
      return;
    }
    const channel = parsed.data.channel?.id;
    const anyKind = wordsOf(words, '');
    const answering = flow.reviewAnswer(reviewer, requestId);
    const triggerId = parsed.data.trigger_id;
    const arrivedAt = arrivedAtOf(context);
    let opened = openedModalOf(context);
    // In a channel, a trigger past its usable life already (a worker that started late): no window
    // can open, so the answer, whenever it comes, goes in an ephemeral.
    const windowless = !opened && channel !== undefined && arrivedAt !== undefined && !triggerUsable(arrivedAt, Date.now());
    if (!opened && channel && !windowless && (await slowerThan(answering, checkWaitMs(arrivedAt, Date.now())))) {
      opened = openLoading(client, triggerId, reviewLoadingView(), logger, reviewer.userId);
    }
    const inModal = (work: Promise<{ view: ModalView; fallbackText: string }>) =>
      openModalWhile({ client, triggerId, loading: reviewLoadingView(), ...(opened && { opened }), work, respond, logger, userId: reviewer.userId });
    // Ephemeral in the channel, else through the message's response_url (Slack refusing the bot
    // token): to the clicker alone either way, never a post the channel sees.
    const tellInChannel = async (text: string) => {
      await tellClicker({ client, channel, userId: reviewer.userId, message: { text }, respond, logger });
    };

    const answer = await answering;
    // Slack would not open the window (a 5xx, a dead trigger; logged where views.open failed), or
    // it could not be: in a channel an ephemeral needs no trigger, so the no, or for an admin what
    // to do, is said there. A trigger too old on arrival was told nothing there (staleInChannel).
    const window = channel && opened ? await opened : undefined;
    const notOpened = !channel ? undefined : windowless ? 'trigger_stale' : window && !window.ok ? window.reason : undefined;
    if (channel && notOpened) {
      await tellInChannel(answer !== 'ADMIN' ? reviewRefusedText(answer, anyKind) : notOpened === 'failed' ? REVIEW_AGAIN : REVIEW_TOO_SLOW);
      return;
    }
    if (answer !== 'ADMIN') {
      const text = reviewRefusedText(answer, anyKind);
      // Privately where the click was: in the modal opened for it; else an ephemeral in a message's
      // channel; on the Home tab, which has none, a modal (a tab published while they were an admin).
      if (opened || !channel) {
        await inModal(Promise.resolve({ view: reviewFailureView({ code: answer }, anyKind), fallbackText: text }));
        return;
      }
      await tellInChannel(text);
      return;
    }

    const fromHome = parsed.data.view?.type === 'home';
    const work = flow.review(reviewer, requestId).then((result) => {
      const view = !result.ok
        ? reviewFailureView(result, anyKind)
        : result.state === 'decide'
          ? markedFrom(reviewView(result, wordsOf(words, result.request.kind)), fromHome)
          : reviewClosedView(result.request, wordsOf(words, result.request.kind), result);
      return { view, fallbackText: REVIEW_AGAIN };
    });
    await inModal(work);
  });
}

/**
 * How long the check may run before the window is opened: REVIEW_CHECK_WAIT_MS, cut so that the
 * window opens while the trigger can still be used (TRIGGER_SAFE_MS, whose margin covers the call's
 * way to Slack), counted from the click's arrival (`arrivedAt`, epoch ms) when the receiver said it.
 */
function checkWaitMs(arrivedAt: number | undefined, now: number): number {
  if (arrivedAt === undefined) return REVIEW_CHECK_WAIT_MS;
  return Math.max(0, Math.min(REVIEW_CHECK_WAIT_MS, TRIGGER_SAFE_MS - (now - arrivedAt)));
}

/** Whether `answering` is still unanswered `ms` from now (a failure is an answer). */
function slowerThan(answering: Promise<unknown>, ms: number): Promise<boolean> {
  return settledWithin(answering.then(() => false, () => false), ms, true);
}

function markedFrom<V extends { private_metadata?: string }>(view: V, fromHome: boolean): V {
  return fromHome && view.private_metadata ? { ...view, private_metadata: `${FROM_HOME}${view.private_metadata}` } : view;
}
