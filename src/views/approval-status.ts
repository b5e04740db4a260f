import { closedOutcomeUnknown, endedAfterUnknownOutcome, neverAppliedOnRecord, type PendingRequest } from '../flows/approvals/pending-request';
import type { KnownBlock } from '@slack/types';
import type { RequesterNotice, RequesterUnconfirmed } from '../flows/approvals/approvals';
import { context, escapeMrkdwn, quoted, referenceWords, section, sentence, slackTime } from './blocks';
import type { ApprovalKindWords } from './approval-words';
import { guestNext, recordedFailureHeadline } from './failure-message';
import type { SubjectWords } from './words';

/**
 * An admin's click whose DM to its requester is not known to have reached them (RequesterTold):
 * never "has been told", but what the admin tells them (`tell`: "it was denied"). `dm`: Slack did
 * not confirm this click's DM, so they may not know yet. `another click`: that click tells them,
 * and its DM can fail as well, so only should they say they heard nothing.
 */
export function requesterUnconfirmedLine(request: PendingRequest, tell: string, why: RequesterUnconfirmed = 'dm'): string {
  const who = `<@${request.requester.userId}>`;
  return why === 'dm'
    ? `:warning: Slack did not confirm that Latchkey's message reached ${who}, so they may not know yet: tell them yourself that ${tell}.`
    : `:information_source: Another click took over telling ${who}, so whether Latchkey's message reached them is not known here: if they say they heard nothing, tell them yourself that ${tell}.`;
}

/**
 * One sentence on where a request stands, shared by the channel message, the admin's modals and the
 * Home tab. `decidable`: whether an admin can decide it now, as Approvals rules (the same answer
 * that shows Review): after a failed change, it says who can try again. `own`: told to its
 * requester (their Home tab), who is "you", never named to themself; everyone else sees names.
 */
export function approvalStatusLine(request: PendingRequest, words: ApprovalKindWords, decidable: boolean, own = false): string {
  const them = own ? 'you' : `<@${request.requester.userId}>`;
  const { by, when } = decisionOf(request);
  const comment = request.comment ? `: ${quoted(request.comment)}` : '';
  switch (request.status) {
    case 'PENDING':
      return `:hourglass: Waiting for an admin; expires at ${slackTime(new Date(request.expiresAt))}.`;
    case 'APPROVED':
      // Decidable only for a kind the admin's click applies, once applying has taken longer than any change does (Approvals): it died midway.
      // Before it began, as its record showed (neverAppliedOnRecord): nothing was sent.
      if (decidable && neverAppliedOnRecord(request)) return neverAppliedLine(request, words);
      return decidable
        ? `:warning: Approved by ${by}${when}, but applying it did not finish: the outcome is unknown (the change may or may not have been made). ` +
            `An admin can approve it again to apply it again, or deny it to close it; IT can check the change with the reference ${referenceWords(changeReference(request, words))}.`
        : `:hourglass_flowing_sand: Approved by ${by}${when}${words.approvedStatus(request, own)}`;
    case 'FINISHING':
      // Decidable only once its finish has taken longer than any finish does (Approvals): it died midway.
      // The reference is the one the finish that died audited its change under.
      return decidable
        ? `:warning: Approved by ${by}${when}; ${them} started finishing it${request.takenAt ? ` at ${slackTime(new Date(request.takenAt))}` : ''}, ` +
            'but it did not finish: the outcome is unknown (the change may or may not have been made). ' +
            `An admin can approve it again, so that ${them} ${own ? 'finish' : 'finishes'} it anew, or deny it to close it; IT can check the change with the reference ${referenceWords(changeReference(request, words))}.`
        : `:hourglass_flowing_sand: Approved by ${by}${when}; ${own ? 'you are' : `${them} is`} finishing it now.`;
    case 'APPLIED':
      return sentence(`:white_check_mark: Approved by ${by}${when}${words.appliedBy?.(request, own) ?? ' and applied'}${comment}`);
    case 'APPLY_FAILED':
      return (
        `:warning: Approved by ${by}${when}, but ${failedChangeApplied(request, words.subjectOf(request))}: ` +
        `${recordedFailureHeadline({ code: request.errorCode ?? 'INTERNAL', reason: request.errorReason }, words.subjectOf(request), own ? 'person' : 'admin')} ` +
        (decidable
          ? 'An admin can approve it again to retry.'
          : // Refused as a guest: self-service is for members, so asking again is no way; what is, in the refusal's words.
            request.errorCode === 'SLACK_USER_IS_GUEST'
            ? guestNext(words.subjectOf(request), own ? undefined : them)
            : `${own ? 'You' : them} can ask again with \`${words.subjectOf(request).command}\`; an admin must approve it again.`) +
        (endedAfterUnknownOutcome(request) ? ` The earlier change may have been made: ${outcomeUnknownCheck(request.earlierFinishRequestId)}` : '')
      );
    case 'DENIED':
      // Denied while its change's outcome was unknown: closed, never said to have changed nothing.
      return closedOutcomeUnknown(request)
        ? `:warning: Closed by ${by}${when}${comment}; the earlier change may have been made: ${outcomeUnknownCheck(changeReference(request, words))}`
        : sentence(`:no_entry: Denied by ${by}${when}${comment}`);
    case 'EXPIRED':
      return expiredLine(request);
    case 'WITHDRAWN':
      return `:leftwards_arrow_with_hook: Withdrawn by ${them}${when}, before any decision; nothing was changed.`;
    case 'REVOKED':
      return revokedLine(request, by, when, them);
    case 'UNKNOWN':
      return unknownStatusLine(request);
  }
}

/**
 * Where a request stands in a few words, as approvalStatusLine says it but without times, comments
 * or next steps: for a message's fallback text (a notification, a screen reader), never the stored
 * status word ("applied" of a reset its requester finished).
 */
export function approvalStatusWords(request: PendingRequest, words: ApprovalKindWords): string {
  const { by } = decisionOf(request);
  switch (request.status) {
    case 'PENDING':
      return 'waiting for an admin';
    case 'APPROVED':
    case 'FINISHING':
      return `approved by ${by}`;
    case 'APPLIED': {
      const { takenAt: _when, ...untimed } = request;
      return `approved by ${by}${words.appliedBy?.(untimed) ?? ' and applied'}`;
    }
    case 'APPLY_FAILED':
      return `approved by ${by}, but ${failedChangeApplied(request, words.subjectOf(request))}`;
    case 'DENIED':
      return `${closedOutcomeUnknown(request) ? 'closed' : 'denied'} by ${by}`;
    case 'EXPIRED':
      return `expired without ${request.decidedBy ? 'being finished' : 'a decision'}`;
    case 'WITHDRAWN':
      return 'withdrawn before any decision';
    case 'REVOKED':
      return `approved by ${by}, then revoked by ${request.revokedBy ? `<@${request.revokedBy}>` : 'an admin'}`;
    case 'UNKNOWN':
      return 'in a state this version of Latchkey does not know';
  }
}

/**
 * An approval the admin's click applies, back to the admins as its applying never ended
 * (Approvals.finishUnknown), whose record shows no apply that may have sent its change
 * (Approvals.review's `neverApplied`, or as recorded: neverAppliedOnRecord): nothing was sent, so
 * approving applies it, and denying it changed nothing. Never "the change may or may not have been
 * made". The directory is named in its credential's words (subjectOf).
 */
export function neverAppliedLine(request: PendingRequest, words: ApprovalKindWords): string {
  const { by, when } = decisionOf(request);
  return (
    `:warning: Approved by ${by}${when}, but it was never applied: Latchkey has no record of applying it, so nothing was sent to ${words.subjectOf(request).directory}. ` +
    'An admin can approve it again to apply it now, or deny it to close it.'
  );
}

/** Who decided a request and when, as its status line says it: "Approved by <@ADA> at …". */
export function decisionOf(request: PendingRequest): { readonly by: string; readonly when: string } {
  return { by: request.decidedBy ? `<@${request.decidedBy}>` : 'an admin', when: request.decidedAt ? ` at ${slackTime(new Date(request.decidedAt))}` : '' };
}

/**
 * approvalStatusLine of an expired request. `zzz: false` leaves out its :zzz:, for a place whose
 * headline beside it already says it expired with one; a warning keeps its :warning:.
 */
export function expiredLine(request: PendingRequest, zzz = true): string {
  // Approved again after a finish whose outcome was unknown: that change may have been made.
  if (endedAfterUnknownOutcome(request)) {
    return `:warning: Expired at ${slackTime(new Date(request.expiresAt))} without being finished; the earlier change may have been made: ${outcomeUnknownCheck(request.earlierFinishRequestId)}`;
  }
  return `${zzz ? ':zzz: ' : ''}Expired at ${slackTime(new Date(request.expiresAt))} without ${request.decidedBy ? 'being finished' : 'a decision'}.`;
}

/**
 * An approval an admin took back before its requester finished it: who approved it, who revoked it
 * ("the same admin" when they approved it, named just before), and that this approval changed
 * nothing (approved again after a finish whose outcome was unknown: that earlier change may have been made).
 */
function revokedLine(request: PendingRequest, by: string, when: string, them: string): string {
  const revoker = !request.revokedBy ? 'an admin' : request.revokedBy === request.decidedBy ? 'the same admin' : `<@${request.revokedBy}>`;
  const revokedWhen = request.revokedAt ? ` at ${slackTime(new Date(request.revokedAt))}` : '';
  const taken = `then revoked by ${revoker}${revokedWhen}, before ${them} finished it`;
  return endedAfterUnknownOutcome(request)
    ? `:warning: Approved again by ${by}${when}, ${taken}; the earlier change may have been made: ${outcomeUnknownCheck(request.earlierFinishRequestId)}`
    : `:no_entry: Approved by ${by}${when}, ${taken}: nothing was changed.`;
}

/**
 * Whether a failed change (APPLY_FAILED) was applied, as everyone is told it (its admins' line, its
 * requester's notice): sent but not confirmed (DIRECTORY_OUTCOME_UNKNOWN), never "not applied",
 * since it may have been. A change made in steps that stopped partway says what the credential
 * knows of it (its step's words, by the failure's reason).
 */
export function failedChangeApplied(request: PendingRequest, subject?: SubjectWords): string {
  const step = request.errorReason !== undefined ? subject?.unconfirmedSteps?.[request.errorReason]?.applied : undefined;
  if (step) return step;
  return request.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN' ? 'the change may or may not have been applied' : 'the change was not applied';
}

/**
 * The line under "was sent to the admins": when it expires if nobody decides it, while that is so. Once
 * decided (`sent_then_decided`), its request's time is the decision's, so the line names none.
 */
export function sentLine(request: PendingRequest, occasion?: RequesterNotice): string {
  const expiry = occasion === 'sent_then_decided' ? '' : ` It expires at ${slackTime(new Date(request.expiresAt))} if nobody decides it.`;
  return `You will hear back here.${expiry} Reference: ${referenceWords(request.id)}`;
}

/** The reference IT checks a request's change with: its kind's, or the request's own. */
export function changeReference(request: PendingRequest, words: ApprovalKindWords): string {
  return words.changeReference?.(request) ?? request.id;
}

/** For a request closed while its change's outcome was unknown: how to find out whether it was made, by `reference` (changeReference). */
export function outcomeUnknownCheck(reference: string): string {
  return `IT can check it with the reference ${referenceWords(reference)}.`;
}

/**
 * The requester's next step after a denial. Latchkey's DM takes no replies (its messages tab is
 * read-only), so it names who denied it, to write to them directly; then how to ask again.
 */
export function deniedNext(request: Pick<PendingRequest, 'decidedBy'>, command: string): string {
  const who = request.decidedBy ? `If you think this is wrong, message <@${request.decidedBy}> directly, or ask IT.` : 'If you think this is wrong, ask IT.';
  // A next step of its own, as an expired, withdrawn or revoked request's DM gives.
  return `${who} Run \`${command}\` to ask again.`;
}

/**
 * A withdrawn request's notice to its requester (`asked`: "your request to …", in its kind's words),
 * in the words its Withdraw was answered with (withdrawOutcome): when, that nothing was changed, and
 * how to ask again. Its requester's modal shows it when they withdrew it while it was being filed.
 */
export function withdrawnNotice(request: PendingRequest, asked: string, command: string): { text: string; blocks: KnownBlock[] } {
  const when = request.decidedAt ? ` at ${slackTime(new Date(request.decidedAt))}` : '';
  const text = `You withdrew ${asked}${when}. Nothing was changed, and the admins are no longer asked to decide it.`;
  return { text, blocks: [section(`:leftwards_arrow_with_hook: ${text}`), context(`Run \`${command}\` to ask again.`)] };
}

/**
 * A status a newer version wrote (and was rolled back): this version shows it, and lets nobody
 * decide or change it. The word is shown as stored, reduced to what a status can hold.
 */
export function unknownStatusLine(request: PendingRequest): string {
  const word = (request.recordedStatus ?? '').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40);
  return (
    `:grey_question: In a state this version of Latchkey does not know${word ? ` (\`${word}\`)` : ''}: nobody can decide or change it here. ` +
    `Ask IT to check it with the reference ${referenceWords(request.id)}, or wait for the version that wrote it.`
  );
}

/**
 * An admin's review of a request whose account the directory answered it no longer has (ACCOUNT_GONE:
 * deleted after they asked): why approving could not work (`approving`, the kind's own clause), so
 * the review offers only Deny, and what the admin can do instead. An account restored under its ID
 * (a directory may keep a deleted one for a while) is offered for approval again on the next
 * Review; one made anew is another account, which a new request names.
 */
export function accountGoneReview(words: SubjectWords, approving: string): KnownBlock[] {
  return [
    section(
      `:no_entry: *${words.directory} no longer has their ${words.account}*: it was there when they asked, and has been deleted since. ` +
        `Approving could not work: ${approving}. So this review offers only Deny.`,
    ),
    context(
      `Deny it, saying why in the comment (they see it). If the account should still be there, check ${words.directory}: ` +
        `if it is restored there, close this and click Review again; if a new one is made, that is another account, and they ask again once it exists.`,
    ),
  ];
}

/** The request's facts, as both the channel and the review modal show them. */
export function approvalFacts(request: PendingRequest, words: ApprovalKindWords): string {
  return [
    `*<@${request.requester.userId}>* ${words.asks(request)}`,
    ...(request.reason ? [`>${escapeMrkdwn(request.reason).replace(/\n/g, '\n>')}`] : []),
    // The request's one reference, as its requester was shown it (its short form too, as a person reads it out): what the admins' audit search finds it by.
    `Requested at ${slackTime(new Date(request.createdAt))} · Reference ${referenceWords(request.id)}`,
  ].join('\n');
}
