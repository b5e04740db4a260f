import type { Button, KnownBlock, ModalView } from '@slack/types';
import type { RevokeOutcome } from '../flows/approvals/approvals';
import { APPROVED_WAITING_SHOWN } from '../flows/home-tab';
import { endedAfterUnknownOutcome, type PendingRequest } from '../flows/approvals/pending-request';
import { approvalFacts, approvalStatusLine, requesterUnconfirmedLine } from './approval-status';
import { reviewTitleOf, wordsOf, type ApprovalWords } from './approval-words';
import { context, modal, plain, progressView, referenceWords, section, slackTime } from './blocks';
import { adminGroupUnreadable, failureMessage, guestAdminRefused, misconfigured } from './failure-message';

/**
 * An admin's Revoke, for every kind whose requester finishes an approved request: on the admins'
 * message, the review of an approved request, and the modal that says it was approved.
 */
export const REVOKE_ACTION_ID = 'approval_revoke';

const TITLE = 'Review request';

/** Revokes an approval its requester has yet to finish; Slack asks the admin to confirm it first. */
export function revokeButton(request: Pick<PendingRequest, 'id'>): Button {
  return {
    type: 'button',
    action_id: REVOKE_ACTION_ID,
    text: plain('Revoke approval'),
    style: 'danger',
    // Only a pointer: who may revoke comes from the signed user on the click.
    value: request.id,
    confirm: {
      title: plain('Revoke this approval?'),
      text: plain('Its requester will no longer be able to finish it, and nothing will be changed. They are told, and can ask again.'),
      confirm: plain('Revoke'),
      deny: plain('Keep it'),
      style: 'danger',
    },
  };
}

/** The Revoke button's block, with why an admin would use it. */
export function revokeBlocks(request: PendingRequest): KnownBlock[] {
  return [
    context(
      `Approved by mistake, or their Slack account may not be theirs alone? Revoke it before <@${request.requester.userId}> finishes it: ` +
        'their Finish button then changes nothing.',
    ),
    { type: 'actions', block_id: 'revoke', elements: [revokeButton(request)] },
  ];
}

/** The modal a Revoke clicked on the Home tab opens at once (the tab has no message to answer in), filled in with what came of it. */
export function revokeLoadingView(): ModalView {
  return progressView(TITLE, 'Revoking the approval…');
}

type RevokeResult = RevokeOutcome;

/**
 * What came of an admin's Revoke, in plain words: revoked, or why not. Lost to its requester's
 * finish, it says the finish had already started, and where the request stands now.
 */
export function revokeOutcome(result: RevokeResult, all: ApprovalWords, clicker: string, requestId?: string): { text: string; blocks: KnownBlock[] } {
  const said = (text: string, ...more: KnownBlock[]) => ({ text: text.replace(/\*/g, ''), blocks: [section(text), ...more] });
  const request = result.request;
  if (!request) {
    const code = result.ok ? 'INTERNAL' : result.code;
    if (code === 'NOT_ADMIN') return said(':warning: Only Latchkey admins can revoke an approval. Nothing was changed.');
    if (code === 'SELF_REVIEW') return said(':warning: You cannot revoke the approval of your own request. Nothing was changed.');
    if (code === 'ADMIN_IS_GUEST') return said(`:warning: ${guestAdminRefused()}`);
    // Not a bad minute of Slack's: no "try again in a few minutes", and no button to.
    if (code === 'ADMIN_GROUP_UNREADABLE') return said(`:warning: ${adminGroupUnreadable('The approval was not revoked.')}`);
    const m = failureMessage({ code }, wordsOf(all, '').subject, 'admin');
    const button = requestId ? [{ type: 'actions' as const, block_id: 'revoke', elements: [revokeButton({ id: requestId })] }] : [];
    const retry = (why?: string) => [
      context(`${why ? `${why} ` : ''}${requestId ? `Click *Revoke approval* below in a few minutes to try again. If it still fails then, tell IT the reference ${referenceWords(requestId)}.` : 'Try again in a few minutes.'}`),
      ...button,
    ];
    // Its audit attempt (or the approval's own record, written first) not written, fail closed: nothing
    // was. The next step is this admin's Revoke again, never a requester's command (no kind is known here).
    if (code === 'AUDIT_UNAVAILABLE') return said(`:warning: ${m.headline} The approval was not revoked.`, ...retry('An admin has been alerted.'));
    // Refused before anything was written, so known to have changed nothing. No request was read, so
    // no kind's words: the next step is this admin's, never a requester's command.
    // Slack not saying whether the clicker is an admin (asked before anything else): click again.
    if (code === 'SLACK_UNAVAILABLE') return said(`:warning: ${m.headline} The approval was not revoked.`, ...retry());
    // Our setup (Slack refusing the bot token, or a scope it lacks), found before anything was
    // written and alerted already: a click now would meet it too, but the approval stands, and a
    // missing scope may leave Finish working, so the admin's button stays for when Latchkey works.
    if (code === 'SLACK_MISCONFIGURED') {
      return said(
        `:warning: ${misconfigured('The approval was not revoked.')}`,
        context(`The approval still stands: its requester can still finish it once Latchkey works again. ${requestId ? 'Click *Revoke approval* below again then.' : 'Revoke it again then.'}`),
        ...button,
      );
    }
    if (code === 'REQUEST_NOT_FOUND') {
      return said(':warning: Latchkey cannot find that request. The approval was not revoked.', context('Nothing more to do: a request Latchkey no longer holds cannot be finished.'));
    }
    if (code === 'DIRECTORY_NOT_ENABLED') {
      return said(
        ':warning: That kind of request is turned off in this workspace now. The approval was not revoked.',
        context('Nothing more to do while it is off: its requester cannot finish it. If it is turned on again before the approval ends, revoke it then.'),
      );
    }
    if (code === 'REQUEST_DECIDED') return said(`:warning: ${m.headline} The approval was not revoked.`, context(m.next));
    // The store did not answer before this click's write (its first read failed), or the write failed
    // and its read-back shows it was not made (a write that may have been made is STORE_OUTCOME_UNKNOWN):
    // this click revoked nothing. Its button is here, as below: the modal's was replaced by this.
    if (code === 'STORE_UNAVAILABLE') return said(':warning: Latchkey could not reach its records just now, so your click revoked nothing.', ...retry('An admin has been alerted.'));
    // The write may have been made with every answer lost and the read-back failed too: the admins'
    // message was not rewritten then, so it is no place to look. A click again reads the request anew,
    // and its button is here: a revoked request is on no Home tab, and the modal's was replaced by this.
    return said(
      ':warning: Latchkey could not tell whether the approval was revoked.',
      context(
        'Its requester may still be able to finish it. Click *Revoke approval* below: if it was revoked, that click tells its requester and the admins; if the approval still stands, it revokes it. ' +
          `While its approval stands, your Home tab lists it with *Revoke approval* if it is among the ${APPROVED_WAITING_SHOWN} oldest approved requests waiting for their requesters to finish; past those, it says how many more there are.`,
      ),
      ...(requestId ? [{ type: 'actions' as const, block_id: 'revoke', elements: [revokeButton({ id: requestId })] }] : []),
    );
  }
  const words = wordsOf(all, request.kind);
  const who = `<@${request.requester.userId}>` as const;
  // Told in the approvals channel, among many requests: which one, and whose.
  const theirs = words.called(request, `${who}'s` as const);
  // The write was refused (the approval no longer stood) and where it stands now could not be read:
  // named, but no line of where it stands, as the request read before the write (still approved) would say.
  if (!result.ok && result.unread) {
    return said(
      `:warning: Your revoke changed nothing: the approval of ${theirs} no longer stood, and Latchkey could not read where it stands now.`,
      context(`Its admins' message shows where it stands: if it still offers *Revoke approval*, click it again in a few minutes. If Latchkey still cannot read it then, tell IT the reference ${referenceWords(request.id)}.`),
    );
  }
  const line = context(approvalStatusLine(request, words, false));
  if (result.ok) {
    // Approved again after a finish whose outcome was unknown: this approval changed nothing, but that earlier change may have been made (the line says how IT checks it).
    const changed = endedAfterUnknownOutcome(request) ? ': this approval changed nothing, but the earlier change may have been made' : ', and nothing was changed';
    const icon = endedAfterUnknownOutcome(request) ? ':warning:' : ':no_entry:';
    // Slack did not confirm the DM that tells them, or another click tells them: never "has been told", but what to tell them.
    if (result.requesterUnconfirmed) {
      const what = result.followUp ? `${revoker(request, clicker)} revoked it: ` : 'Revoked: ';
      const tell = `it was revoked${endedAfterUnknownOutcome(request) ? ', that the earlier change may have been made' : ''}, and that they can ask again with \`${words.subjectOf(request).command}\``;
      return said(`${icon} ${what}${who} can no longer finish ${words.called(request, 'their')}${changed}. ${requesterUnconfirmedLine(request, tell, result.requesterUnconfirmed)}`, line);
    }
    // Only told its requester and the admins of another click's revoke: whose it was, never as if this click's.
    if (result.followUp) {
      return said(`${icon} ${revoker(request, clicker)} revoked it; its requester has now been told: ${who} can no longer finish ${words.called(request, 'their')}${changed}, and can ask again.`, line);
    }
    return said(`${icon} Revoked: ${who} can no longer finish ${words.called(request, 'their')}${changed}. They have been told, and can ask again.`, line);
  }
  // Revoked, but its requester not told (the follow-ups' audit attempt, or their taking, failed):
  // never "already revoked", which would hide that nobody was told.
  if (request.status === 'REVOKED' && (result.code === 'AUDIT_UNAVAILABLE' || result.code === 'STORE_UNAVAILABLE')) {
    const by = revoker(request, clicker);
    const why = result.code === 'AUDIT_UNAVAILABLE' ? 'Latchkey could not write its audit record' : 'Latchkey could not save that it is telling them';
    return said(
      `:warning: ${by} revoked this approval, but its requester has not been told yet: ${why}, so it did nothing more.`,
      context('Try again in a few minutes with *Revoke approval* below: that click tells them and the admins.'),
      { type: 'actions', block_id: 'revoke', elements: [revokeButton(request)] },
      line,
    );
  }
  switch (result.code) {
    case 'FINISH_STARTED': {
      const at = request.takenAt ? ` at ${slackTime(new Date(request.takenAt))}` : '';
      // Approved again since the revoke's write (that finish sent nothing and gave it back): there is one
      // to revoke now, and its button is here (this answer replaced the modal's; the ephemeral has none).
      if (request.status === 'APPROVED') {
        return said(
          `:warning: Your revoke changed nothing: ${who} had already started finishing ${words.called(request, 'their')}${at}. Their approval stands again since: click *Revoke approval* below to revoke it.`,
          { type: 'actions', block_id: 'revoke', elements: [revokeButton(request)] },
          line,
        );
      }
      return said(`:warning: Your revoke changed nothing: ${who} had already started finishing ${words.called(request, 'their')}${at}.`, line);
    }
    case 'APPROVAL_REVOKED': {
      return said(`:no_entry: ${revoker(request, clicker)} already revoked the approval of ${theirs}. Nothing more was changed.`, line);
    }
    default:
      return said(`:warning: There was no approval to revoke on ${theirs}, so nothing was changed.`, line);
  }
}

/**
 * Who revoked it, as its clicker (the signed user ID) reads it: "You" when it was them (an admin who
 * revoked from the channel, then clicks Revoke in her still-open review), never her own mention.
 */
function revoker(request: PendingRequest, clicker: string): string {
  if (!request.revokedBy) return 'An admin';
  return request.revokedBy === clicker ? 'You' : `<@${request.revokedBy}>`;
}

/** What came of a Revoke clicked in a modal (a review, or a decision's result), in that modal, to `clicker`; `requestId`, the one clicked, for a Revoke to click again. */
export function revokeResultView(result: RevokeResult, words: ApprovalWords, clicker: string, requestId?: string): ModalView {
  const kindWords = result.request ? wordsOf(words, result.request.kind) : undefined;
  const facts = result.request && kindWords ? [context(approvalFacts(result.request, kindWords))] : [];
  // Titled as the review it replaces was, by its request's kind, when the request was read.
  const title = result.request && kindWords ? reviewTitleOf(result.request, kindWords) : TITLE;
  return modal({ title, close: 'Close', blocks: [...revokeOutcome(result, words, clicker, requestId).blocks, ...facts] });
}
