import type { KnownBlock, ModalView } from '@slack/types';
import { COMMENT_MAX_LENGTH, type RequesterTold, type ReviewFieldError } from '../flows/approvals/approvals';
import { closedOutcomeUnknown, UNKNOWN_STATUS, type Detail, type PendingRequest } from '../flows/approvals/pending-request';
import type { FailureCode } from '../flows/failure';
import { context, modal, plain, progressView, referenceWords, section, slackTime } from './blocks';
import { approvalFacts, approvalStatusLine, changeReference, neverAppliedLine, outcomeUnknownCheck, requesterUnconfirmedLine } from './approval-status';
import { reviewTitleOf, type ApprovalKindWords } from './approval-words';
import { adminGroupUnreadable, failureMessage, guestAdminRefused, tokenRefusedText } from './failure-message';
import type { AdminRefusal } from '../flows/admin-answer';
import { revokeBlocks } from './approval-revoke';
import { REVIEW_FIELD_ERRORS } from './license-words';

/** The admin's side, the same for every kind: review a request, decide, see what came of it. */
export const REVIEW_FORM = {
  // The ID license requests had before there were kinds: a modal open during an upgrade still submits.
  callbackId: 'license_review_submit',
  decisionBlock: 'decision',
  decisionAction: 'decision',
  commentBlock: 'comment',
  commentAction: 'comment',
} as const;

const TITLE = 'Review request';

export function reviewLoadingView(): ModalView {
  return modal({ title: TITLE, close: 'Cancel', blocks: [section(':hourglass_flowing_sand: Loading the request…')] });
}

/** What the review modal shows at once on submit, while the decision is recorded. */
export function reviewRecordingView(): ModalView {
  return progressView(TITLE, 'Recording your decision…');
}

export function reviewView(args: { request: PendingRequest; details: Detail; neverApplied?: true }, words: ApprovalKindWords): ModalView {
  const { request, details } = args;
  const approve = words.approveLabel(request, details);
  const blocks: KnownBlock[] = [section(approvalFacts(request, words)), ...words.details(request, details)];
  // The form is shown only for a request an admin can decide (Approvals.review's 'decide').
  if (request.status !== 'PENDING') blocks.push(section(args.neverApplied ? neverAppliedLine(request, words) : approvalStatusLine(request, words, true)));
  blocks.push(
    {
      type: 'input',
      block_id: REVIEW_FORM.decisionBlock,
      // Picking one tells Latchkey at once (block_actions), so the comment can be required for a
      // denial before it is submitted, not only refused after (reviewWithDecision).
      dispatch_action: true,
      label: plain('Decision'),
      element: {
        type: 'radio_buttons',
        action_id: REVIEW_FORM.decisionAction,
        // The rule that a denial needs a comment is said where it applies, under Deny, before it is
        // picked: until it is, the comment is optional to Slack, which writes "(optional)" after it.
        options: [
          ...(approve === undefined ? [] : [{ text: plain(approve), value: 'approve' }]),
          // That a denial needs a comment is said once, by the comment's hint, seen before Deny is picked.
          { text: plain('Deny'), value: 'deny' },
        ],
      },
    },
    // Only Deny to pick: its reason is required from the start.
    reviewCommentBlock(approve === undefined ? 'deny' : undefined),
  );
  return modal({
    title: reviewTitleOf(request, words),
    close: 'Cancel',
    submit: 'Submit decision',
    callbackId: REVIEW_FORM.callbackId,
    // Only a pointer: who may decide comes from the signed user on submission.
    privateMetadata: request.id,
    blocks,
  });
}

/**
 * The comment as the decision picked makes it. Deny: required, labelled as the reason, so Slack
 * itself refuses an empty one and never writes "(optional)" beside a rule that needs it. Approve,
 * or nothing picked yet: optional. Its block_id and action_id never change, so Slack keeps what was
 * typed across the views.update that swaps it. Submit checks again (Approvals.checkDecision): an
 * update Slack refused, or a modal from before this, still cannot deny without a reason.
 */
export function reviewCommentBlock(decision: string | undefined): KnownBlock {
  const element = { type: 'plain_text_input', action_id: REVIEW_FORM.commentAction, multiline: true, max_length: COMMENT_MAX_LENGTH } as const;
  if (decision === 'deny') {
    return { type: 'input', block_id: REVIEW_FORM.commentBlock, optional: false, label: plain('Reason for the denial'), hint: plain('The requester reads this with the denial, and it is kept in the audit log.'), element };
  }
  return {
    type: 'input',
    block_id: REVIEW_FORM.commentBlock,
    // Slack writes "(optional)" after the label, so the hint says when it is needed in words that
    // do not contradict it ("required" beside "(optional)" reads as a mistake).
    optional: true,
    label: plain('Comment for the requester'),
    hint: plain('Needed if you deny; you may leave it empty to approve. It is kept in the audit log.'),
    element,
  };
}

/** A review form as Slack echoes it in a block_actions payload: what its views.update sends back. */
export interface ReviewFormShown {
  readonly title: { readonly text: string };
  readonly close?: { readonly text: string } | null;
  readonly submit?: { readonly text: string } | null;
  readonly private_metadata: string;
  readonly blocks: readonly Record<string, unknown>[];
}

/**
 * The review form with its comment as `decision` makes it (reviewCommentBlock), everything else as
 * shown: made from the form Slack echoes, so a pick reads nothing and asks nothing but Slack to
 * show it. Undefined for a form without the comment.
 */
export function reviewWithDecision(shown: ReviewFormShown, decision: string | undefined): ModalView | undefined {
  if (!shown.blocks.some((b) => b.block_id === REVIEW_FORM.commentBlock)) return undefined;
  // The blocks are the ones reviewView made, as Slack echoes them; only the comment is made anew.
  const blocks = shown.blocks.map((b) => (b.block_id === REVIEW_FORM.commentBlock ? reviewCommentBlock(decision) : (b as unknown as KnownBlock)));
  return modal({
    title: shown.title.text,
    close: shown.close?.text ?? 'Cancel',
    submit: shown.submit?.text ?? 'Submit decision',
    callbackId: REVIEW_FORM.callbackId,
    privateMetadata: shown.private_metadata,
    blocks,
  });
}

export function reviewFieldErrors(errors: Partial<Record<'decision' | 'comment', ReviewFieldError>>): Record<string, string> {
  const out: Record<string, string> = {};
  if (errors.decision) out[REVIEW_FORM.decisionBlock] = REVIEW_FIELD_ERRORS[errors.decision];
  if (errors.comment) out[REVIEW_FORM.commentBlock] = REVIEW_FIELD_ERRORS[errors.comment];
  return out;
}


/**
 * A request this admin's decision did not move: who decided it, or that it expired. After a race
 * (another admin decided or retried it at the same moment), `decidable` says whether it can still
 * be decided (their change may have failed), and `retryRaced` that another admin is retrying it.
 * An approved one whose change is under way, or still to be finished by its requester, is not
 * closed for good: it comes back to the admins if that change does not finish (`decidableAt`: by
 * when, for a change already under way, as Approvals rules). A failed change whose request's time
 * ended before anyone retried it (`lapsed`) says so: nothing was applied, and its requester was told.
 */
export function reviewClosedView(
  request: PendingRequest,
  words: ApprovalKindWords,
  race: { decidable?: boolean; retryRaced?: boolean; decidableAt?: string; lapsed?: boolean; toldToAskAgain?: boolean; revocable?: boolean; unread?: boolean } = {},
): ModalView {
  // The write was refused (it was no longer as the admin saw it) and where it stands now could not be
  // read: named, but no line of where it stands, as the request read before the write would say.
  if (race.unread) {
    const theirs = words.called(request, `<@${request.requester.userId}>'s` as const);
    return modal({
      title: reviewTitleOf(request, words),
      close: 'Close',
      blocks: [
        section(`:warning: Your decision changed nothing: ${theirs} was no longer as you saw it, and Latchkey could not read where it stands now.`),
        context(approvalFacts(request, words)),
        context(`Its admins' message shows where it stands: if it still offers *Review*, click it again in a few minutes. If Latchkey still cannot read it then, tell IT the reference ${referenceWords(request.id)}.`),
      ],
    });
  }
  const decidable = race.decidable ?? false;
  const next = decidable
    ? 'Click *Review* on the message again to decide it.'
    : race.retryRaced
      ? 'Refresh the Home tab to see the result.'
      : // A status this version does not know was never decided here: its line says what to do.
        request.status === UNKNOWN_STATUS
        ? undefined
        : // Its status line above says already who withdrew it, or revoked its approval, and what was changed.
          request.status === 'WITHDRAWN'
          ? 'Nobody can decide it now.'
          : request.status === 'REVOKED'
          ? 'Nobody can decide it now; its requester can ask again.'
        : race.decidableAt
          ? `It cannot be decided while the change is being made. If the change has not finished by ${slackTime(new Date(race.decidableAt))}, ` +
            `it comes back to the admins' Home tab as "did not finish", to be decided again.`
          : // FINISHING never comes here: Approvals gives it decidableAt, or rules it decidable once its outcome is unknown.
            request.status === 'APPROVED'
            ? // Waiting for its requester to finish it (handed over): their finish is the change.
              // One time, the one its status line gives: a finish that dies midway comes back after its own bound, whenever it was started.
              // A finish that stopped before anything was sent is given back to them (ResetApprovals.finish), never to the admins.
              `It cannot be decided while <@${request.requester.userId}> can finish it. If they have not finished it by ${slackTime(new Date(request.expiresAt))}, it expires. ` +
              `A finish of theirs that stops before anything reaches ${words.subjectOf(request).directory} leaves it theirs to finish again; ` +
              `one cut off midway, its outcome unknown, comes back to the admins' Home tab as "did not finish", to be decided again.`
            : 'It cannot be decided again.';
  return modal({
    title: reviewTitleOf(request, words),
    close: 'Close',
    blocks: [
      ...(race.retryRaced
        ? [section(`:busts_in_silhouette: Another admin ${request.status === 'APPROVED' ? 'is retrying this request now' : 'retried this request at the same moment'}, so your decision was not recorded.`)]
        : []),
      ...(race.lapsed ? [section(lapsedRetryLine(request, words, race.toldToAskAgain))] : []),
      section(approvalFacts(request, words)),
      section(approvalStatusLine(request, words, decidable)),
      // Lapsed: its own line says what became of it.
      ...(next && !race.lapsed ? [context(next)] : []),
      // Approved and waiting for its requester: an admin can still take the approval back.
      ...(race.revocable ? revokeBlocks(request) : []),
    ],
  });
}

/**
 * A failed change whose request's time ended before anyone retried it (Approvals' `lapsed`), to the
 * admin who clicked it. That its requester has been told only when this click's close sent them
 * the DM and Slack confirmed it (`told`); sent but not confirmed (false), what to tell them, as of
 * every decision's DM. Not this close's (undefined): another's close tells them, or the next read
 * does when this close failed; the status line below says they can ask again either way.
 */
function lapsedRetryLine(request: PendingRequest, words: ApprovalKindWords, told: boolean | undefined): string {
  const command = `\`${words.subjectOf(request).command}\``;
  return (
    `:zzz: This request's time ended at ${slackTime(new Date(request.expiresAt))} before its change was retried, so it can no longer be applied. ` +
    `Nothing was applied by your click.` +
    (told === true ? ` <@${request.requester.userId}> has been told to ask again with ${command}.` : '') +
    (told === false ? ` ${requesterUnconfirmedLine(request, `its change can no longer be applied, and that they can ask again with ${command}`)}` : '')
  );
}

/**
 * What came of the admin's decision; `decidable` as Approvals rules it for the request now (a failed
 * change an admin can retry), `revocable` (approved for its requester to finish: Revoke, should the
 * admin think better of it), and `told`, whether Slack confirmed the DM that tells its requester:
 * not confirmed (or another click's to send), the admin is told what to tell them, never that they were told.
 */
export function decisionResultView(request: PendingRequest, words: ApprovalKindWords, decidable: boolean, revocable = false, told: RequesterTold = {}): ModalView {
  const who = `<@${request.requester.userId}>`;
  const line = approvalStatusLine(request, words, decidable);
  const unconfirmed = told.requesterUnconfirmed !== undefined;
  const closedUnknown = closedOutcomeUnknown(request);
  const outcome: Partial<Record<PendingRequest['status'], string>> = unconfirmed
    ? {
        APPLIED: `:white_check_mark: Done: ${who} ${words.applied(request)}.`,
        APPROVED: `:white_check_mark: Approved: ${who} finishes it themselves.`,
        DENIED: closedUnknown ? `:warning: Closed: the earlier change may have been made. ${outcomeUnknownCheck(changeReference(request, words))}` : ':no_entry: Denied.',
      }
    : {
        APPLIED: `:white_check_mark: Done: ${who} ${words.applied(request)}. They have been told.`,
        APPROVED: `:white_check_mark: Approved. ${who} has been told, and finishes it themselves.`,
        DENIED: closedUnknown
          ? `:warning: Closed. ${who} has been told, with your comment, that the earlier change may have been made. ${outcomeUnknownCheck(changeReference(request, words))}`
          : `:no_entry: Denied. ${who} has been told, with your comment.`,
      };
  // What they were to be told, as the admin tells it to them; for an approval, where they finish it (their Home tab offers its button too).
  const tell: Partial<Record<PendingRequest['status'], string>> = {
    APPLIED: 'it was done',
    APPROVED: `it was approved, and that they finish it from their requests on Latchkey's Home tab, by ${slackTime(new Date(request.expiresAt))}`,
    DENIED: closedUnknown ? 'it was closed, with your comment, and that the earlier change may have been made' : 'it was denied, with your comment',
  };
  const untold = unconfirmed && tell[request.status] ? [section(requesterUnconfirmedLine(request, tell[request.status]!, told.requesterUnconfirmed))] : [];
  return modal({
    title: reviewTitleOf(request, words),
    close: 'Close',
    blocks: [
      section(outcome[request.status] ?? (request.status === 'APPLY_FAILED' && decidable ? `${line} Click *Review* on the message again to retry.` : line)),
      ...untold,
      context(approvalFacts(request, words)),
      ...(revocable ? revokeBlocks(request) : []),
    ],
  });
}

/** A Review refused, in one line for the ephemeral a channel's click gets (the Home tab's gets reviewFailureView). */
export function reviewRefusedText(code: AdminRefusal, words: ApprovalKindWords): string {
  if (code === 'ADMIN_IS_GUEST') return guestAdminRefused();
  if (code === 'NOT_ADMIN') return 'Only Latchkey admins can review requests.';
  if (code === 'ADMIN_GROUP_UNREADABLE') return adminGroupUnreadable();
  if (code === 'SLACK_MISCONFIGURED') return tokenRefusedText();
  return `${failureMessage({ code }, words.subject, 'admin').headline} Try Review again in a few minutes.`;
}

/**
 * A decision whose write the store did not answer, and whose read-back did not show it made: it may
 * have been, or may still be, so never "changed nothing". If it was, nothing that follows a decision
 * was done: the next touch that finds it made (a Review, any admin's click, its requester's Home tab
 * or Withdraw) does it (decisionFollowUpsDue). Not an approval whose change the admin's click makes
 * (`unapplied`: Approvals' decidableAt for it): that is not marked so, and nobody tells its
 * requester. Saved, its change was not made: it shows as being applied, nobody can decide it until
 * its bound passes, and then it comes back to the admins as did not finish, its outcome unknown to
 * them; this admin alone knows their click made no change, so is told approving it then is safe.
 */
export function decisionUnknownView(unapplied?: { readonly decidableAt: string }): ModalView {
  const next = unapplied
    ? "If it was, Latchkey has not made the change, and nobody has told its requester: the request shows as being applied, and nobody can decide it, " +
      `until ${slackTime(new Date(unapplied.decidableAt))}. Then it comes back to the admins' Home tab as "did not finish", its outcome unknown, to be decided again; ` +
      "your click made no change, so approving it then is safe. If your decision was not saved, the request still waits for one. " +
      "Click *Review* on its admins' message or on your Home tab in a few minutes to see which. An admin has been alerted."
    : "If it was, its requester has not been told of it yet. Click *Review* on its admins' message or on your Home tab in a few minutes: it shows where the request stands and, if your decision was saved, tells its requester then (so does their next look at it, or any admin's click on it). A decision that was not saved you can make again safely (a request decided already says so). An admin has been alerted.";
  return modal({
    title: TITLE,
    close: 'Close',
    blocks: [section(':warning: Latchkey could not tell whether your decision was saved.'), context(next)],
  });
}

export function reviewFailureView(failure: { code: FailureCode }, words: ApprovalKindWords): ModalView {
  const m = failureMessage(failure, words.subject, 'admin');
  return modal({ title: TITLE, close: 'Close', blocks: [section(`:warning: ${m.headline}`), section(m.next)] });
}
