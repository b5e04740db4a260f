import type { Button, KnownBlock, ModalView } from '@slack/types';
import type { ApprovalFailure, RequesterNotice, SentMessageNotice } from '../flows/approvals/approvals';
import type { PendingRequest } from '../flows/approvals/pending-request';
import { approvalStatusLine, expiredLine } from './approval-status';
import { wordsOf, type ApprovalKindWords, type ApprovalWords } from './approval-words';
import { context, escapeMrkdwn, modal, plain, referenceWords, section, slackTime } from './blocks';
import { failureMessage } from './failure-message';
import { capitalized } from './words';

/** The requester's Withdraw button, for every kind: on the DM that says their request was sent, and on their Home tab's own list. */
export const WITHDRAW_ACTION_ID = 'approval_withdraw';

const TITLE = 'Withdraw request';

/** Withdraws a request still waiting for a decision; Slack asks the person to confirm it first. */
export function withdrawButton(request: PendingRequest): Button {
  return {
    type: 'button',
    action_id: WITHDRAW_ACTION_ID,
    text: plain('Withdraw request'),
    // Only a pointer: whose request it is comes from the signed user on the click.
    value: request.id,
    confirm: {
      title: plain('Withdraw this request?'),
      text: plain('The admins will no longer be asked to decide it, and nothing will be changed. You can ask again later.'),
      confirm: plain('Withdraw'),
      deny: plain('Keep it'),
    },
  };
}

/**
 * The requester's DM about their request, in its kind's words; while it waits for a decision, how
 * soon IT usually answers (`responseTime`, APPROVAL_RESPONSE_TIME, when set) and Withdraw.
 */
export function requesterNotice(
  request: PendingRequest,
  words: ApprovalKindWords,
  { occasion, responseTime }: { occasion?: RequesterNotice; responseTime?: string } = {},
): { text: string; blocks: KnownBlock[] } {
  // Expired by its requester's Withdraw, told in a new DM only when that click's answer reached
  // nobody (Approvals.tellUnansweredExpiry): it answers that click, in the words its answer had.
  if (request.status === 'EXPIRED' && request.expiredAtWithdraw) return outcomeOf(false, request, words);
  const notice = words.notice(request, occasion);
  if (request.status !== 'PENDING') return notice;
  const answers = responseTime ? [context(`IT usually answers within ${escapeMrkdwn(responseTime)}.`)] : [];
  return { ...notice, blocks: [...notice.blocks, ...answers, { type: 'actions', block_id: 'withdraw', elements: [withdrawButton(request)] }] };
}

type WithdrawResult = { readonly ok: true; readonly request: PendingRequest } | ApprovalFailure;

/**
 * What came of the requester's Withdraw: withdrawn, or why not, in plain words. Lost to an admin's
 * decision, it says which decision won, and where the request stands now.
 */
export function withdrawOutcome(
  result: WithdrawResult,
  all: ApprovalWords,
  /** Where it is told: an ephemeral under the message clicked (which keeps its Withdraw while it waits), or the Home tab's modal. */
  toldAt: 'message' | 'home_tab' = 'home_tab',
  /** The request the click named, for a failure that read none: its reference, for IT. */
  requestId?: string,
): { text: string; blocks: KnownBlock[] } {
  const request = result.request;
  if (!request) {
    if (!result.ok && result.code === 'REQUEST_INVALID') {
      // Someone else's request, or their own gone (purged): told alike, so a forged click learns nothing.
      const text = 'Latchkey cannot find a request of yours for this button, so nothing was withdrawn or changed.';
      return { text, blocks: [section(`:warning: ${text}`)] };
    }
    const m = failureMessage({ code: result.ok ? 'INTERNAL' : result.code }, wordsOf(all, '').subject);
    // Gone (purged) when its withdraw's write was refused: no request of theirs waits, and nothing was withdrawn.
    if (!result.ok && result.code === 'REQUEST_NOT_FOUND') {
      const text = `${m.headline} Your request was not withdrawn, and nothing was changed.`;
      return { text, blocks: [section(`:warning: ${text}`), context('If you still need the change, ask for it again.')] };
    }
    // The store did not answer before this click's write (its first read failed; a write that may have
    // been made is STORE_OUTCOME_UNKNOWN): this click withdrew nothing, though where it stands is not read.
    if (!result.ok && result.code === 'STORE_UNAVAILABLE') {
      const where = toldAt === 'message' ? 'Click *Withdraw request* on the message above again in a few minutes, or on your Home tab.' : 'Click *Withdraw request* on your Home tab again in a few minutes.';
      const reference = requestId ? ` If it still fails then, tell IT the reference ${referenceWords(requestId)}.` : '';
      const text = 'Latchkey could not reach its records just now, so your click withdrew nothing.';
      return { text, blocks: [section(`:warning: ${text}`), context(`An admin has been alerted. ${where}${reference}`)] };
    }
    // Only a refused audit attempt is known to have written nothing (fail closed); a write that may
    // have been made before the store went quiet is not known either way, so it is not told it still waits.
    const known = !result.ok && result.code === 'AUDIT_UNAVAILABLE';
    // Its headline already says it could not tell (of "its change"): said once, of the withdraw.
    const doubt = 'Latchkey could not tell whether your request was withdrawn.';
    const text = known
      ? `${m.headline} Your request was not withdrawn: it still waits for an admin.`
      : !result.ok && result.code === 'STORE_OUTCOME_UNKNOWN'
        ? doubt
        : `${m.headline} ${doubt}`;
    const next = known
      ? 'Click *Withdraw request* again in a few minutes.'
      : 'Your Home tab shows where it stands. Clicking *Withdraw request* again in a few minutes is safe: a request withdrawn already says so.';
    return { text, blocks: [section(`:warning: ${text}`), context(next)] };
  }
  const words = wordsOf(all, request.kind);
  // The write was refused (it no longer waited) and where it stands now could not be read: named, but
  // no line of where it stands, as the request read before the write (still waiting) would say.
  if (!result.ok && result.unread) {
    const where = toldAt === 'message' ? 'The message above shows' : 'Your Home tab shows';
    const text = `:warning: Your withdraw changed nothing: ${words.called(request, 'your')} no longer waited for an admin, and Latchkey could not read where it stands now.`;
    return {
      text: text.replace(/\*/g, ''),
      blocks: [
        section(text),
        context(`${where} where it stands: if it still offers *Withdraw request*, click it again in a few minutes. If Latchkey still cannot read it then, tell IT the reference ${referenceWords(request.id)}.`),
      ],
    };
  }
  return outcomeOf(result.ok, request, words, toldAt);
}

/** What came of a Withdraw that found its request (`ok`: this click withdrew it), in its kind's words. */
function outcomeOf(ok: boolean, request: PendingRequest, words: ApprovalKindWords, toldAt: 'message' | 'home_tab' = 'home_tab'): { text: string; blocks: KnownBlock[] } {
  const asked = words.called(request, 'your');
  const askAgain = context(`Run \`${words.subjectOf(request).command}\` to ask again.`);
  // Told only to its requester (their DM, their Home tab's modal): about them, "you".
  const line = approvalStatusLine(request, words, false, true);
  const said = (text: string, ...more: KnownBlock[]) => ({ text: text.replace(/\*/g, ''), blocks: [section(text), ...more] });
  if (request.status === 'WITHDRAWN') {
    const when = request.decidedAt ? ` at ${slackTime(new Date(request.decidedAt))}` : '';
    // A click again (a replay, a stale button) rewrites the DM it came from: it keeps all that is still true.
    const done = `${asked}${when}. Nothing was changed, and the admins are no longer asked to decide it.`;
    return said(`:leftwards_arrow_with_hook: ${ok ? 'You withdrew' : 'You already withdrew'} ${done}`, askAgain);
  }
  const admin = request.decidedBy ? `<@${request.decidedBy}>` : 'an admin';
  switch (request.status) {
    case 'EXPIRED':
      // Its headline says it expired with :zzz:, so its line ("Expired at …") does not again.
      return said(`:zzz: ${capitalized(asked)} had already expired, so there was nothing to withdraw. Nothing was changed.`, context(expiredLine(request, false)), askAgain);
    case 'DENIED':
      return said(`:no_entry: You could not withdraw ${asked}: ${admin} already decided it.`, context(line));
    case 'REVOKED': {
      // Approved, then taken back by an admin (who is not the approver, often): that admin, and when; its line says what was changed.
      const revoker = request.revokedBy ? `<@${request.revokedBy}>` : 'an admin';
      const at = request.revokedAt ? ` at ${slackTime(new Date(request.revokedAt))}` : '';
      return said(`:no_entry: There was nothing to withdraw: ${revoker} revoked the approval of ${asked}${at}, before you finished it.`, context(line), askAgain);
    }
    case 'APPROVED':
    case 'FINISHING':
    case 'APPLIED':
    case 'APPLY_FAILED':
      return said(`:warning: You could not withdraw ${asked}: ${admin} already approved it.`, context(line));
    default: {
      // Still waiting (a withdraw whose write was refused, and what refused it could not be read), or
      // in a state this version does not know: its line says which, and the latter's says to ask IT.
      // Its Withdraw is where it was clicked, in the message above (left as it was) or on the Home tab.
      const again =
        toldAt === 'message'
          ? 'Click *Withdraw request* on the message above again in a few minutes, or on your Home tab.'
          : 'Your Home tab shows where it stands: click *Withdraw request* there again in a few minutes.';
      const next = request.status === 'PENDING' ? [context(again)] : [];
      return said(`:warning: ${capitalized(asked)} was not withdrawn. ${line}`, ...next);
    }
  }
}

/**
 * The requester's DM that said their request was sent, rewritten without Withdraw once it can no
 * longer be withdrawn, as `notice` says why: its words as sent (the status it was sent in), naming
 * the expiry it waited by only while no decision set another; or, after a Withdraw clicked
 * elsewhere (their Home tab), what came of that click, as a click in it would have left it.
 */
export function sentMessageAfter(request: PendingRequest, all: ApprovalWords, notice: SentMessageNotice): { text: string; blocks: KnownBlock[] } {
  switch (notice) {
    case 'expired':
      return wordsOf(all, request.kind).notice({ ...request, status: 'PENDING' });
    case 'decided':
      return wordsOf(all, request.kind).notice({ ...request, status: 'PENDING' }, 'sent_then_decided');
    case 'withdrawn':
      return withdrawOutcome({ ok: true, request }, all);
    case 'expired_at_withdraw':
      return withdrawOutcome({ ok: false, code: 'REQUEST_EXPIRED', request }, all);
  }
}

/** The modal a Withdraw click on the Home tab opens while the request is withdrawn. */
export function withdrawingView(): ModalView {
  return modal({ title: TITLE, close: 'Close', blocks: [section(':hourglass_flowing_sand: Withdrawing your request…')] });
}

/**
 * What came of a Withdraw click on the Home tab, in its modal; titled "Nothing to withdraw" where it
 * says so (expired, or its approval revoked), never as if it were withdrawing it.
 */
export function withdrawResultView(result: WithdrawResult, words: ApprovalWords, requestId?: string): ModalView {
  const nothing = !result.ok && (result.request?.status === 'EXPIRED' || result.request?.status === 'REVOKED');
  return modal({ title: nothing ? 'Nothing to withdraw' : TITLE, close: 'Close', blocks: withdrawOutcome(result, words, 'home_tab', requestId).blocks });
}
