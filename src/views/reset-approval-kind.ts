import type { Button, KnownBlock, ModalView } from '@slack/types';
import { closedOutcomeUnknown, endedAfterUnknownOutcome, type Detail, type PendingRequest, UNKNOWN_STATUS } from '../flows/approvals/pending-request';
import type { FailureCode } from '../flows/failure';
import { resetChangeReference, REVIEW_FACT } from '../flows/reset-approval';
import { accountGoneReview, approvalStatusLine, deniedNext, outcomeUnknownCheck, sentLine, unknownStatusLine, withdrawnNotice } from './approval-status';
import type { RequesterNotice } from '../flows/approvals/approvals';
import { stepNames, stepTitles, type ApprovalKindWords } from './approval-words';
import { context, escapeMrkdwn, modal, plain, quoted, referenceWords, section, slackDate, slackTime } from './blocks';
import { failureMessage, guestNext, recordedFailureHeadline } from './failure-message';
import { changeOf, type ResetWords, type SubjectWords } from './words';

/** The button in the requester's DM that finishes an approved request, in their own modal. */
export const FINISH_ACTION_ID = 'approval_finish';

/** For a request whose credential is no longer served: what any of them is. */
const ANY: SubjectWords = {
  command: 'the reset command',
  title: 'Finish your reset',
  what: 'credential',
  short: 'credential',
  request: 'credential reset',
  button: 'Reset',
  directory: 'the directory',
  account: 'account',
};

/**
 * How to ask again: with the credential's command when it is known, else words naming none (ANY's
 * command is no command to run). A click on someone else's button is never given their request's
 * credential, so it learns nothing of what they asked for: it is told how to ask for its own.
 */
function askAgain(words: SubjectWords | undefined, then = '.', mine = true): string {
  if (words) return `Run \`${words.command}\` to ask again${then}`;
  return mine ? `To ask again, use its command or the buttons on Latchkey's Home tab${then}` : "To ask for a change of your own, use its command or the buttons on Latchkey's Home tab.";
}

const USED_UP = 'This approval is used up.';

/**
 * After a failed finish (`code`, its failure's): the approval is used, so asking again is what is
 * left; never to a guest refused as one (SLACK_USER_IS_GUEST), who cannot ask (self-service is for
 * members): what they can do instead, in the refusal's words.
 */
const ASK_AGAIN = (words: SubjectWords | undefined, code: string | undefined) =>
  `${USED_UP} ${code === 'SLACK_USER_IS_GUEST' ? guestNext(words ?? ANY) : askAgain(words, '; an admin must approve it again.')}`;

/** An approved reset's words, for the approval views; `credentials` by credential ID. */
export function resetKindWords(credentials: Readonly<Record<string, ResetWords>>): ApprovalKindWords {
  const of = (r: PendingRequest): SubjectWords => credentials[r.detail.credential ?? ''] ?? ANY;
  // What its change shows its requester alone (none for an unlock or an MFA reset, nor for a credential no longer served).
  const secretOf = (r: PendingRequest): string | undefined => credentials[r.detail.credential ?? '']?.newSecret;
  return {
    // About no one request (a Home tab line of the kind's): any credential, never one in particular.
    subject: ANY,
    subjectOf: of,
    // The kind's own, for a record whose credential is not known; one whose credential is, in its noun.
    steps: stepTitles({ request: 'reset' }),
    stepOf: (step, s) => stepNames(s)[step],
    // Read by admins alone (the channel, the review): the status line under it says it waits for one.
    asks: (r) => `asks to ${changeOf(of(r)).verb} their *${of(r).what}*`,
    // A noun (a title such as "Reset Okta password" is a command), for lists.
    summary: (r) => `*${of(r).request}*`,
    called: (r, whose) => `${whose} ${of(r).request} request`,
    // Not offered for an account the directory no longer has: their Finish would find nobody (accountGone).
    approveLabel: (_r, d) => (d[REVIEW_FACT.gone] ? undefined : 'Approve: they finish it themselves'),
    details: (r, d) => profile(r, d, of(r), secretOf(r)),
    applied: (r) => `${changeOf(of(r)).done} their ${of(r).what}`,
    approvedStatus: (r, own) =>
      own ? `: finish it by ${slackTime(new Date(r.expiresAt))}.` : `; waiting for <@${r.requester.userId}> to finish it, by ${slackTime(new Date(r.expiresAt))}.`,
    // Nothing happens until its requester clicks Finish: never "being applied".
    approvedActivity: (own) =>
      own ? ':point_right: Approved: yours to finish, with its button under your requests, before it expires' : ':hourglass_flowing_sand: Approved; waiting for its requester to finish it',
    // Its requester made the change with Finish: never "applied", as an approval that makes it is.
    appliedActivity: (by) => `:white_check_mark: Approved and finished${by ? ` by ${by}` : ''}`,
    finishButton: (r) => finishButton(r, of(r)),
    // Its requester made the change, in their own window (when they clicked Finish), not the approval.
    appliedBy: (r, own) => ` and finished by ${own ? 'you' : `<@${r.requester.userId}>`}${r.takenAt ? ` at ${slackTime(new Date(r.takenAt))}` : ''}`,
    changeReference: resetChangeReference,
    notice: (r, occasion) => notice(r, of(r), secretOf(r), occasion),
  };
}

/** Finish: works once, for its requester alone (the signed user ID), wherever they click it. */
function finishButton(request: PendingRequest, words: SubjectWords): Button {
  return { type: 'button', action_id: FINISH_ACTION_ID, text: plain(`Finish the ${changeOf(words).verb}`), style: 'primary', value: request.id };
}

/**
 * What the approver decides on: who is asking, as Slack knows them, and what to check before
 * approving (the Slack session is all Latchkey knows of them). Never a secret: there is none yet.
 */
function profile(request: PendingRequest, d: Detail, words: SubjectWords, secret: string | undefined): KnownBlock[] {
  // Slack's time zone name alone ("UTC", "Europe/Paris") reads as nothing in particular: labelled.
  const who = [d.name && `*${escapeMrkdwn(d.name)}*`, d.title && escapeMrkdwn(d.title), escapeMrkdwn(d.email ?? request.requesterEmail), d.timeZone && `time zone ${escapeMrkdwn(d.timeZone)}`].filter(Boolean);
  const blocks: KnownBlock[] = [context(`Slack profile: <@${request.requester.userId}> · ${who.join(' · ')}`)];
  if (d.guest) blocks.push(section(':warning: Slack says this account is a guest now.'));
  if (d.deactivated) blocks.push(section(':warning: Slack says this account is deactivated.'));
  // Finish looks them up again (ResetCredential.finishApproved): an account made anew under another ID is refused as not the one approved.
  if (d[REVIEW_FACT.gone]) return [...blocks, ...accountGoneReview(words, `when they click Finish, Latchkey looks them up in ${words.directory} again, finds no ${words.account} and changes nothing`)];
  blocks.push(...directoryFacts(d, words));
  blocks.push(
    section(
      `:telephone_receiver: Before you approve, make sure it is really them: call them or talk on video. ` +
        `Approving lets whoever uses their Slack account ${changeOf(words).verb} their ${words.what}.`,
    ),
  );
  const shown = secret ? ` Their ${secret} is shown to them alone, never to you.` : '';
  blocks.push(context(`If you approve, they finish it in their own window, where Latchkey checks who they are again.${shown}`));
  return blocks;
}

/**
 * What the credential's directory knows of the account (Directory.reviewFacts), one labelled line
 * each, in its order; or that it could not be asked, and that the admin can still decide.
 */
function directoryFacts(d: Detail, words: SubjectWords): KnownBlock[] {
  if (d[REVIEW_FACT.unread]) {
    return [context(`:grey_question: Latchkey could not ask ${words.directory} about this account just now, so only Slack's profile is shown. You can still decide, or close this and click Review again to see what ${words.directory} says.`)];
  }
  const lines = Object.entries(d).flatMap(([key, value]) => {
    if (key.startsWith(REVIEW_FACT.at)) {
      const at = new Date(value);
      return Number.isNaN(at.getTime()) ? [] : [`${escapeMrkdwn(key.slice(REVIEW_FACT.at.length))}: ${slackDate(at)}`];
    }
    return key.startsWith(REVIEW_FACT.text) ? [`${escapeMrkdwn(key.slice(REVIEW_FACT.text.length))}: ${escapeMrkdwn(value)}`] : [];
  });
  return lines.length ? [section(`*What ${words.directory} says of this account*\n${lines.join('\n')}`)] : [];
}

function notice(request: PendingRequest, words: SubjectWords, secret: string | undefined, occasion?: RequesterNotice): { text: string; blocks: KnownBlock[] } {
  const by = request.decidedBy ? `<@${request.decidedBy}>` : 'an admin';
  const comment = request.comment ? [context(`Comment: ${quoted(request.comment)}`)] : [];
  const again = `Run \`${words.command}\` to ask again.`;
  const change = changeOf(words);
  // Named by its noun, as everywhere else ("Your Okta password reset request"), never in other words for the same request.
  const asked = `${words.request} request`;
  switch (request.status) {
    case 'PENDING': {
      const text = `Your ${asked} was sent to the admins.`;
      return { text, blocks: [section(`:outbox_tray: ${text}`), context(sentLine(request, occasion))] };
    }
    case 'APPROVED': {
      const text = `${by} approved your ${asked}. Finish it by ${slackTime(new Date(request.expiresAt))}.`;
      return {
        text,
        blocks: [
          section(`:white_check_mark: ${text}`),
          ...comment,
          {
            type: 'actions',
            block_id: 'finish',
            elements: [finishButton(request, words)],
          },
          context(`The button works once, for you alone. It opens a window only you see${secret ? `, and your ${secret} is shown there` : ''}.`),
        ],
      };
    }
    case 'DENIED': {
      if (closedOutcomeUnknown(request)) {
        // Closed after a finish that died midway: the change may have been made.
        const text = `Your ${asked} was closed by ${by}; the earlier change may have been made.`;
        return { text, blocks: [section(`:warning: ${text}`), ...comment, context(`${outcomeUnknownCheck(resetChangeReference(request))} ${again}`)] };
      }
      const text = `Your ${asked} was denied by ${by}.`;
      return { text, blocks: [section(`:no_entry: ${text}`), ...comment, context(deniedNext(request, words.command))] };
    }
    case 'EXPIRED': {
      // Before the earlier change's own words: an approval they never heard of is never called "your approved" one.
      if (occasion === 'approval_untold') {
        // Approved by a click that could not tell it was: the approval is news to them, as is its end.
        const at = request.decidedAt ? ` at ${slackTime(new Date(request.decidedAt))}` : '';
        const admin = request.decidedBy ? by : 'An admin';
        // Approved again after a finish whose outcome was unknown: that earlier change may have been made (said next to it).
        const changed = endedAfterUnknownOutcome(request) ? 'This approval changed nothing.' : 'Nothing was changed.';
        const text = `${admin} approved your ${asked}${at}, but Latchkey could not tell you then, and the approval expired at ${slackTime(new Date(request.expiresAt))} before you could finish it. ${changed}`;
        // Approved again after a finish that died midway: that change may have been made.
        const earlier = endedAfterUnknownOutcome(request) ? [context(`The earlier change may have been made: ${outcomeUnknownCheck(request.earlierFinishRequestId)}`)] : [];
        return { text, blocks: [section(`:zzz: ${text}`), ...earlier, context(askAgain(words, '; an admin must approve it again.'))] };
      }
      if (endedAfterUnknownOutcome(request)) {
        // Approved again after a finish that died midway: that change may have been made.
        const text = `Your approved ${asked} expired before you finished it; the earlier change may have been made.`;
        return { text, blocks: [section(`:warning: ${text}`), context(`${outcomeUnknownCheck(request.earlierFinishRequestId)} ${again}`)] };
      }
      const text = request.decidedBy
        ? `Your approved ${asked} expired before you finished it. Nothing was changed.`
        : `Your ${asked} expired without a decision. Nothing was changed.`;
      return { text, blocks: [section(`:zzz: ${text}`), context(again)] };
    }
    case 'REVOKED': {
      const text = occasion === 'approval_untold' ? revokedUntoldText(request, words) : revokedText(request, words);
      const earlier = endedAfterUnknownOutcome(request) ? [context(`The earlier change may have been made: ${outcomeUnknownCheck(request.earlierFinishRequestId)}`)] : [];
      return { text, blocks: [section(`:no_entry: ${text}`), ...earlier, context(revokedNext(request, words))] };
    }
    case 'APPLY_FAILED': {
      const why = recordedFailureHeadline({ code: request.errorCode ?? 'INTERNAL' }, words);
      const text = `Your approved ${asked} could not be finished: ${why}`;
      const earlier = endedAfterUnknownOutcome(request) ? [context(`The earlier change may have been made: ${outcomeUnknownCheck(request.earlierFinishRequestId)}`)] : [];
      return { text, blocks: [section(`:warning: ${text}`), ...earlier, context(ASK_AGAIN(words, request.errorCode))] };
    }
    case 'WITHDRAWN':
      return withdrawnNotice(request, `your ${asked}`, words.command);
    default: {
      const text = `Your ${words.what} was ${change.done}.`;
      return { text, blocks: [section(`:white_check_mark: ${text}`)] };
    }
  }
}

/** That an admin took back the approval of the requester's change before they finished it: who, and when. */
function revokedText(request: PendingRequest, words: SubjectWords): string {
  const by = request.revokedBy ? `<@${request.revokedBy}>` : 'An admin';
  const at = request.revokedAt ? ` at ${slackTime(new Date(request.revokedAt))}` : '';
  // Approved again after a finish whose outcome was unknown: that earlier change may have been made (said next to it).
  const changed = endedAfterUnknownOutcome(request) ? 'This approval changed nothing.' : 'Nothing was changed.';
  return `${by} revoked the approval of your ${words.request} request${at}, before you finished it. ${changed}`;
}

/**
 * revokedText for a requester never told of the approval (RequesterNotice `approval_untold`): who
 * approved it and when, as news, then who took it back and when.
 */
function revokedUntoldText(request: PendingRequest, words: SubjectWords): string {
  const admin = request.decidedBy ? `<@${request.decidedBy}>` : 'An admin';
  const approvedAt = request.decidedAt ? ` at ${slackTime(new Date(request.decidedAt))}` : '';
  const revoker = request.revokedBy ? `<@${request.revokedBy}>` : 'an admin';
  const revokedAt = request.revokedAt ? ` at ${slackTime(new Date(request.revokedAt))}` : '';
  const changed = endedAfterUnknownOutcome(request) ? 'This approval changed nothing.' : 'Nothing was changed.';
  return `${admin} approved your ${words.request} request${approvedAt}, but Latchkey could not tell you then, and ${revoker} revoked the approval${revokedAt}, before you could finish it. ${changed}`;
}

/**
 * What a requester whose approval was revoked can do: ask again (an admin must approve it anew), or
 * ask the admin who revoked it, or IT, why; and, should they not have asked, tell IT at once.
 */
function revokedNext(request: PendingRequest, words: SubjectWords | undefined): string {
  const who = request.revokedBy ? `message <@${request.revokedBy}> directly, or ask IT` : 'ask IT';
  return `${askAgain(words, '; an admin must approve it again.')} To find out why, ${who}. If you did not ask for this, tell IT now: someone may be using your Slack account.`;
}

/**
 * The requester's DM once its Finish button was used: when, and how it ended, without the button
 * (a second click could only be told it was used). Never a secret: that is theirs alone (their window, or an ephemeral message).
 */
export function finishedMessage(
  outcome: { readonly ok: true; readonly at: Date } | { readonly ok: false; readonly at: Date; readonly code: FailureCode; readonly requestId?: string; readonly reason?: string },
  words: ResetWords | undefined,
): { text: string; blocks: KnownBlock[] } {
  const subject = words ?? ANY;
  const at = slackTime(outcome.at);
  if (outcome.ok) {
    const text = `You finished your ${subject.request} at ${at}.`;
    // A change that makes no secret (an unlock, an MFA reset) is never said to show one.
    const secret = words?.newSecret;
    // Where it went is not always known here (Slack may have put another window in place of the
    // first): what to do if it was not seen. Under this policy, running the command again is a new
    // request, which an admin must approve again (as the revoke DM says).
    const shown = words && secret ? [context(`Latchkey shows your ${secret} to you alone: in your own window or, if that was closed, in a message only you can see. If you did not see your ${secret}, run \`${words.command}\` to ask again; an admin must approve it again.`)] : [];
    return { text, blocks: [section(`:white_check_mark: ${text}`), ...shown] };
  }
  const text = `Your approved ${subject.request} request could not be finished at ${at}: ${failureMessage(outcome, subject).headline}`;
  const blocks = [section(`:warning: ${text}`), context(ASK_AGAIN(words, outcome.code))];
  if (outcome.requestId) blocks.push(context(`Reference: ${referenceWords(outcome.requestId)}`));
  return { text, blocks };
}

/**
 * A finish click turned away while another click of the same approval (a double click) finished it
 * and showed the new secret in its own modal: what came of the request, as the DM says it, never
 * the secret, nor that the approval was already used.
 */
export function finishedByAnotherClickView(done: { readonly at: Date }, words: ResetWords | undefined): ModalView {
  return modal({ title: words?.title ?? ANY.title, close: 'Close', blocks: finishedMessage({ ok: true, at: done.at }, words).blocks });
}

/** Slack would not open a Finish click's window: nothing was changed, and the approval is still usable. */
export const FINISH_NOT_OPENED = 'Latchkey could not open its window, so nothing was changed. Click the button in its message again.';

/**
 * The finish click was used, but the change failed: what happened, in the credential's words, and
 * what to do next. `request`: the request it finished, whose earlier finish (approved again after
 * its outcome was unknown) may have made the change.
 */
export function finishedFailureView(failure: { code: FailureCode; requestId?: string; reason?: string }, words: ResetWords, request?: PendingRequest): ModalView {
  const m = failureMessage(failure, words);
  const earlier = request?.earlierFinishRequestId ? [section(`:warning: The earlier change may have been made: ${outcomeUnknownCheck(request.earlierFinishRequestId)}`)] : [];
  // A guest's next step (their refusal's) is m.next already: the approval's being used up is all that is left to say.
  const blocks = [section(`:warning: ${m.headline}`), section(m.next), ...earlier, context(failure.code === 'SLACK_USER_IS_GUEST' ? USED_UP : ASK_AGAIN(words, failure.code))];
  if (failure.requestId) blocks.push(context(`Reference: ${referenceWords(failure.requestId)}`));
  return modal({ title: words.title, close: 'Close', blocks });
}

/**
 * The finish click sent nothing (it was refused before the change), and its approval was given
 * back (ResetApprovals.finish's `givenBack`): what happened, and that the same button works again
 * until the request's time to finish ends.
 */
export function givenBackView(failure: { code: FailureCode; requestId?: string; reason?: string }, words: ResetWords, request: PendingRequest): ModalView {
  const m = failureMessage(failure, words);
  const earlier = request.earlierFinishRequestId ? [section(`:warning: The earlier change may have been made: ${outcomeUnknownCheck(request.earlierFinishRequestId)}`)] : [];
  const blocks = [
    section(`:warning: ${m.headline}`),
    section(`Your approval still stands: click *Finish the ${changeOf(words).verb}* in Latchkey's message again, by ${slackTime(new Date(request.expiresAt))}.`),
    ...earlier,
  ];
  if (failure.requestId) blocks.push(context(`Reference: ${referenceWords(failure.requestId)}`));
  return modal({ title: words.title, close: 'Close', blocks });
}

/**
 * The finish click's change failed, but an admin decided its request again while it was under way
 * (ResetApprovals.finish's `superseded`): what this click did (or that it changed nothing), under
 * its own reference, and that the newer decision is left as it is; never that the approval is used up.
 */
export function supersededFinishView(failure: { code: FailureCode; requestId?: string; reason?: string }, words: ResetWords | undefined): ModalView {
  const m = failureMessage(failure, words ?? ANY);
  const blocks = [
    section(`:warning: ${m.headline}`),
    section("While this click was under way, an admin decided your request again. This click leaves that newer decision as it is: Latchkey's newer message to you says where your request stands."),
  ];
  if (failure.requestId) blocks.push(context(`Reference: ${referenceWords(failure.requestId)}`));
  return modal({ title: words?.title ?? ANY.title, close: 'Close', blocks });
}

/**
 * The requester's own modal, opened by their finish click while Latchkey checks them again. It
 * opens on arrival, before the request (and so its credential) is read: its words fit any change.
 */
export function finishLoadingView(): ModalView {
  return modal({ title: 'Finish your request', close: 'Cancel', blocks: [section(':hourglass_flowing_sand: Checking your account again before the change…')] });
}

/**
 * A Finish click turned away because a click of its requester's this process never saw took the
 * approval (on Lambda each click is its own invocation; behind several servers, another's may be):
 * as the request read says it, FINISHING, that click took it (under way, or failed or died since:
 * the record cannot tell), or APPLIED, it finished; that click shows what came of it to them alone,
 * in its window or aside. This one changed nothing, and says to ask again only once it ended, and
 * only if they did not see it.
 */
function usedByAnotherClick(request: PendingRequest, words: ResetWords | undefined): KnownBlock[] {
  const subject = words ?? ANY;
  const click = `click of *Finish the ${changeOf(subject).verb}*${request.takenAt ? ` at ${slackTime(new Date(request.takenAt))}` : ''}`;
  const secret = words?.newSecret;
  const where = "in that click's window or, if that was closed, in a message only you can see.";
  const shown = secret ? `Latchkey shows your ${secret} to you alone: ${where}` : `Latchkey shows what came of it to you alone: ${where}`;
  if (request.status === 'FINISHING') {
    // The record says only that the click took it: it may still be under way, may fail, or may have
    // died (the record stays FINISHING until finishUnknown's bound). Nothing here promises its outcome.
    const should = secret ? `That click should show you what came of it (your ${secret}, if it worked) to you alone: ${where}` : `That click should show you what came of it to you alone: ${where}`;
    return [
      section(`:hourglass_flowing_sand: Your other ${click} took this approval to finish your ${subject.request}, so this click changed nothing. ${should}`),
      section('If nothing has come within a minute, ask an admin to look at your request in the approvals channel.'),
    ];
  }
  // Whether it reached them is that click's to know (its receipt says): what to do if it did not.
  const unseen = secret ? ` ${shown} If you did not see your ${secret}, run \`${subject.command}\` to ask again; an admin must approve it again.` : '';
  return [section(':warning: This approval was already used, so nothing more was changed.'), section(`Your ${click} finished your ${subject.request}.${unseen}`)];
}

/** The finish click could not be used: why, and what to do next. */
export function finishFailureView(failure: { code: FailureCode; requestId?: string; decidable?: boolean; request?: PendingRequest }, words?: ResetWords): ModalView {
  const subject = words ?? ANY;
  if (failure.request?.status === UNKNOWN_STATUS) {
    // Stored by a newer version in a state this one does not know: it is theirs, so say where it stands, never 'not for your account'.
    return modal({ title: words?.title ?? ANY.title, close: 'Close', blocks: [section(unknownStatusLine(failure.request)), context('Nothing was changed.')] });
  }
  if (failure.code === 'APPROVAL_REVOKED' && failure.request) {
    // Their own request, whose approval an admin took back before this click: who, and what to do now.
    const blocks = [section(`:no_entry: ${revokedText(failure.request, subject)}`), context(revokedNext(failure.request, words))];
    if (failure.requestId) blocks.push(context(`Reference: ${referenceWords(failure.requestId)}`));
    return modal({ title: words?.title ?? ANY.title, close: 'Close', blocks });
  }
  if (failure.code === 'REQUEST_INVALID' && failure.request) {
    // Their own request (Approvals gives the request to its requester's click only), not approved to
    // finish: denied, or closed after an unknown outcome. Its own line says where it stands and
    // with what reference, never 'not for your account'.
    const kindWords = resetKindWords(words ? { [failure.request.detail.credential ?? '']: words } : {});
    const closed = closedOutcomeUnknown(failure.request);
    const blocks = [
      section(approvalStatusLine(failure.request, kindWords, false)),
      context(`${closed ? 'Nothing more was changed now.' : 'Nothing was changed.'} ${askAgain(words, '; an admin must approve it.')}`),
    ];
    // Closed after an unknown outcome, the line gives the reference already.
    if (failure.requestId && !closed) blocks.push(context(`Reference: ${referenceWords(failure.requestId)}`));
    return modal({ title: words?.title ?? ANY.title, close: 'Close', blocks });
  }
  if (failure.code === 'REQUEST_ALREADY_USED' && failure.decidable) {
    // Their earlier finish died midway (Approvals: the outcome is unknown), and an admin can decide it again.
    const blocks = [
      section(':warning: Your earlier finish of this request did not complete, and Latchkey cannot tell whether the change was made. Nothing more was changed now.'),
      section('Ask an admin to look at your request in the approvals channel: if they approve it again, you get a new button here to finish it.'),
    ];
    if (failure.requestId) blocks.push(context(`Reference: ${referenceWords(failure.requestId)}`));
    return modal({ title: words?.title ?? ANY.title, close: 'Close', blocks });
  }
  if (failure.code === 'REQUEST_ALREADY_USED' && (failure.request?.status === 'FINISHING' || failure.request?.status === 'APPLIED')) {
    // Never "ask again" while the click that took it may be showing its result.
    const blocks = usedByAnotherClick(failure.request, words);
    if (failure.requestId) blocks.push(context(`Reference: ${referenceWords(failure.requestId)}`));
    return modal({ title: words?.title ?? ANY.title, close: 'Close', blocks });
  }
  const headlines: Partial<Record<FailureCode, string>> = {
    REQUEST_INVALID: 'This button is not for your account, or the request is not approved. Nothing was changed.',
    REQUEST_EXPIRED: 'This approval has expired. Nothing was changed.',
    REQUEST_ALREADY_USED: 'This approval was already used, so nothing more was changed.',
  };
  const m = failureMessage(failure, subject);
  const blocks = [section(`:warning: ${headlines[failure.code] ?? m.headline}`), section(headlines[failure.code] ? askAgain(words, '.', !!failure.request) : m.next)];
  if (failure.requestId) blocks.push(context(`Reference: ${referenceWords(failure.requestId)}`));
  return modal({ title: words?.title ?? ANY.title, close: 'Close', blocks });
}
