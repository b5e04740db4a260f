import type { Requester } from '../ports';

/**
 * Something a person asked for that an admin must decide: a license change, an approved reset,
 * and whatever kind comes next. Every kind goes through the same states, store, queue, review and
 * audit steps; what a kind adds is its `detail` and what approval does (approvals.ts, ApprovalKind).
 *
 *   PENDING → APPROVED → APPLIED | APPLY_FAILED      (APPLY_FAILED → APPROVED on retry, until the request's time ends)
 *   PENDING → DENIED | EXPIRED                       (APPROVED → EXPIRED for a kind the requester finishes)
 *   PENDING → WITHDRAWN                              (its requester takes it back, before any admin decides it)
 *   APPROVED → REVOKED                               (a kind the requester finishes: an admin takes the approval back before their finish starts)
 *   APPROVED → FINISHING → APPLIED | APPLY_FAILED    (a kind the requester finishes: their click takes it, once)
 *   FINISHING → APPROVED | DENIED                    (a finish that did not end within a bound: an admin decides it again)
 *   APPROVED → APPROVED | DENIED                     (the same, for a change the admin's click applies)
 *
 * Every transition is a conditional write in the store, so a decision takes effect once. Expiry
 * moves only PENDING or APPROVED: a request being finished (FINISHING) or past it never expires.
 * A finish whose process died midway stays FINISHING: past the bound (Approvals) its outcome is
 * unknown, and only an admin's new decision, never a timer, moves it on.
 */
export type PendingStatus = 'PENDING' | 'APPROVED' | 'FINISHING' | 'APPLIED' | 'APPLY_FAILED' | 'DENIED' | 'EXPIRED' | 'WITHDRAWN' | 'REVOKED';

export const PENDING_STATUSES: readonly PendingStatus[] = ['PENDING', 'APPROVED', 'FINISHING', 'APPLIED', 'APPLY_FAILED', 'DENIED', 'EXPIRED', 'WITHDRAWN', 'REVOKED'];

/**
 * A stored status this version does not know (a newer version wrote it, and was rolled back), as
 * read: the request is shown as such, never decided, finished or expired here (fail closed), and
 * never written (transition's `to` and `from` are PendingStatus). `recordedStatus` holds the word.
 */
export const UNKNOWN_STATUS = 'UNKNOWN';
export type ReadStatus = PendingStatus | typeof UNKNOWN_STATUS;

/** States in which a request still holds its requester's one open place (for its slot). */
export const OPEN_STATUSES: readonly PendingStatus[] = ['PENDING', 'APPROVED', 'FINISHING', 'APPLY_FAILED'];

/** Whether a request still holds its requester's one open place at `at` (PendingRequestStore.findOpen's rule). */
export function holdsOpenPlace(request: PendingRequest, at: Date): boolean {
  // A status this version does not know holds its place until its time ends: it may be open.
  const open = request.status === UNKNOWN_STATUS || OPEN_STATUSES.includes(request.status);
  return open && Date.parse(request.expiresAt) > at.getTime();
}

/** A kind's own facts about a request, as strings (the license asked for, the credential to reset). */
export type Detail = Readonly<Record<string, string>>;

export interface PendingRequest<D extends Detail = Detail> {
  readonly id: string;
  /** Which kind of request (ApprovalKind.id): 'license', 'reset'. */
  readonly kind: string;
  readonly requester: Requester;
  readonly requesterEmail: string;
  readonly directoryUserId: string;
  readonly detail: D;
  /** Why the person asks, in their words. */
  readonly reason: string;
  readonly status: ReadStatus;
  /** The stored word, when `status` is UNKNOWN_STATUS. */
  readonly recordedStatus?: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Who decided it, and when; for a WITHDRAWN request, its requester, and when they withdrew it. */
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  /**
   * For a REVOKED request: the admin who took its approval back before its requester's finish
   * started, and when (decidedBy and decidedAt stay the approval's).
   */
  readonly revokedBy?: string;
  readonly revokedAt?: string;
  /**
   * For a REVOKED request: written with the revoke, and taken off (claimRevokeFollowUps) by whoever
   * tells its requester, rewrites its admins' message and retires its Finish DM. Still there, the
   * revoke's own click never did (its write's answer was lost and its read-back failed): an admin's
   * next Revoke click (its answer holds the button), or its requester's Finish, does them, once.
   */
  readonly revokeFollowUpsDue?: boolean;
  /**
   * For a REVOKED request: written with the revoke, when that revoke took an approval's follow-ups
   * (decisionFollowUpsDue) so its requester never heard of the approval. Whoever does the revoke's
   * follow-ups later tells them in words for someone who never heard of it (`approval_untold`).
   */
  readonly approvalUntold?: boolean;
  /**
   * For a DENIED request, or one APPROVED for its requester to finish: written with that decision
   * (at decidedAt), and taken off (claimFollowUps) by whoever tells its requester, rewrites its
   * admins' message and retires the DM that said it was sent. Still there while it stands as decided
   * then, the decision's own click never did (its write's answer was lost and its read-back failed):
   * the next admin's click on it, or its requester's Home tab or Withdraw, does them, once. A later
   * move (finished, revoked, expired, decided again) leaves it without effect.
   */
  readonly decisionFollowUpsDue?: boolean;
  /**
   * Written with decisionFollowUpsDue, in the same write: the reference the decision's step is
   * audited under, and the workspace its admin clicked from (whose records hold it), with that
   * workspace's Enterprise Grid org when it is in one (by which the org's other admins' search finds
   * them). The touch that takes those follow-ups writes that step's outcome again
   * (AuditEntry.restated) under that admin: the click's own outcome may say it could not tell. Absent
   * on requests decided before they were kept.
   */
  readonly decisionRequestId?: string;
  readonly decidedByTeamId?: string;
  readonly decidedByEnterpriseId?: string;
  readonly comment?: string;
  /** Why the last apply failed (a FailureCode). */
  readonly errorCode?: string;
  /** With errorCode, the credential's own reason its failure carried (a step of a change made in steps: its `words.unconfirmedSteps` key). */
  readonly errorReason?: string;
  /**
   * For an APPROVED request the admin's click applies: the decision (its decidedAt) whose applying
   * click told its requester the change was made though its final status write (APPROVED → APPLIED)
   * was lost, written once that DM was sent. Settling it later from the audit record (the change
   * on record as made) then tells them nothing more; absent (that DM not sent, or this mark not
   * written), it tells them: told twice at worst, never not at all.
   */
  readonly appliedToldFor?: string;
  /** The approvals-channel message, so it can be updated in place. */
  readonly message?: { readonly channel: string; readonly ts: string };
  /**
   * The requester's DM with the Finish button of its latest approval (a kind its requester
   * finishes), so a revoke or its expiry rewrites it in place: its button then no longer invites a
   * click. Kept after the DM is sent; absent when that write failed, or on requests approved before.
   */
  readonly finishMessage?: { readonly channel: string; readonly ts: string };
  /**
   * The requester's DM that said it was sent, with Withdraw, so an admin's decision rewrites it in
   * place without the button (withdrawing is possible only until then). Kept after the DM is sent;
   * absent when that write failed or lost to the decision, or on requests sent before.
   */
  readonly sentMessage?: { readonly channel: string; readonly ts: string };
  /**
   * For an EXPIRED request: its requester's Withdraw click found it waiting past its time and
   * expired it, and that click's answer told them so. The DM that said it was sent, kept only after
   * (its post was still on its way), is then rewritten with what came of that click, never its words
   * as sent.
   */
  readonly expiredAtWithdraw?: boolean;
  /** When its requester's click took it to finish (FINISHING); absent on requests taken before it was kept. */
  readonly takenAt?: string;
  /**
   * For a kind its requester finishes: the reference their finish's change is audited under, once
   * (the kind's own at filing, if it gives one). An admin's new approval of a finish whose outcome
   * is unknown writes a new one, so the finish it hands back is never refused by what the earlier
   * finish wrote; until then it is the earlier finish's, which IT checks the change with.
   */
  readonly finishRequestId?: string;
  /**
   * Written with a new finishRequestId, when an admin approved again a finish whose outcome was
   * unknown: that finish's reference. Its change may have been made, so a request that then ends
   * without its new finish (expired, or the finish failed) never says that nothing was changed.
   */
  readonly earlierFinishRequestId?: string;
  /**
   * The state (messageState) its admins' message was last rewritten for, as a change whose outcome
   * is unknown, by whichever process did it, recorded once Slack took the rewrite: so each state's
   * rewrite is done once, not once per process (every Lambda cold start) and admin.
   */
  readonly messageShownFor?: string;
  /**
   * The state (messageState) in which an approval the admin's click applies, its applying past its
   * bound (Approvals.finishUnknown), was found by the audit record never to have been applied (no
   * apply that may have sent its change: Approvals.applyOnRecord's `none`), as the first Home tab
   * to read it past the bound found it (Approvals.settleOnRead), recorded with its message's rewrite
   * (messageShownFor), which no later read repeats. While the request is in that state, its lines
   * say nothing was sent (neverAppliedOnRecord); a new decision is a new state.
   */
  readonly neverAppliedFor?: string;
  /**
   * The state (messageState) its admins' message was rewritten for as a change whose outcome is
   * unknown while the audit record could not tell the read that found it past its bound (its read
   * failed, or the outcome it showed could not be written: Approvals.settleOnRead), recorded instead
   * of messageShownFor: so the next read (a Home tab's, /request-license's) reads the record again,
   * and no read rewrites the message again for that state until one has read it (a DynamoDB blip,
   * repeated, never leaves the request "cannot tell" for good, nor posts on every read).
   */
  readonly shownUnreadFor?: string;
}

/** A request's state as its admins' message shows it, for a change whose outcome is unknown: a new take or decision is a new state. */
export function messageState(r: PendingRequest): string {
  return `${r.status} ${r.takenAt ?? ''} ${r.decidedAt ?? ''}`;
}

/**
 * An approval whose applying did not finish, which the audit record showed was never applied, so
 * nothing was sent to its directory (neverAppliedFor, still in that state): said so, never that the
 * change may or may not have been made.
 */
export function neverAppliedOnRecord(r: PendingRequest): boolean {
  return r.status === 'APPROVED' && r.neverAppliedFor !== undefined && r.neverAppliedFor === messageState(r);
}

/**
 * How long a claim on a message's rewrite (claimMessageRewrite) keeps it from every other process.
 * A claim is given back when its rewrite fails, but a process that dies between its claim and the
 * rewrite (a Lambda frozen or ended, a server restarted) never gives it back: past this time another
 * process may take it. Far longer than one rewrite can take (a chat.update's tries and Slack's
 * Retry-After waits are bounded well within a minute), so a live claim is never taken over.
 */
export const MESSAGE_REWRITE_CLAIM_MS = 5 * 60_000;

/** A caller's claim on the rewrite of a request's admins' message for one state. */
export interface MessageRewriteClaim {
  /** True for the one caller that may rewrite it now. */
  readonly claimed: boolean;
  /**
   * The rewrite was made: the state is recorded as shown (messageShownFor), and nobody rewrites it
   * again; and, when the request as claimed was found never applied in that state (its
   * neverAppliedFor), that too, in the same write, for every later line to say. Claimed with its
   * record not read (its shownUnreadFor, that state), only that is recorded (shownUnreadFor): a
   * later claim of the same kind is refused, one after a read of the record is not.
   */
  shown(): Promise<void>;
  /** The rewrite failed: the claim is given back, so a later read tries again. */
  release(): Promise<void>;
}

/**
 * The errorCode of a denial of a request whose change's outcome was unknown (its finish or apply
 * died midway): closed, but the change may have been made. The status stays DENIED, which every
 * version reads.
 */
export const OUTCOME_UNKNOWN = 'OUTCOME_UNKNOWN';

/**
 * Approved again after a finish whose outcome was unknown, then expired, failed or revoked without
 * its new finish changing anything: the earlier change (earlierFinishRequestId) may have been made.
 */
export function endedAfterUnknownOutcome(request: PendingRequest): request is PendingRequest & { readonly earlierFinishRequestId: string } {
  return (request.status === 'EXPIRED' || request.status === 'APPLY_FAILED' || request.status === 'REVOKED') && request.earlierFinishRequestId !== undefined;
}

/** Denied after its change's outcome was unknown: closed, though the change may have been made. */
export function closedOutcomeUnknown(request: PendingRequest): boolean {
  return request.status === 'DENIED' && request.errorCode === OUTCOME_UNKNOWN;
}

export type PendingChanges = Partial<Pick<PendingRequest, 'decidedBy' | 'decidedAt' | 'revokedBy' | 'revokedAt' | 'revokeFollowUpsDue' | 'approvalUntold' | 'decisionFollowUpsDue' | 'decisionRequestId' | 'decidedByTeamId' | 'decidedByEnterpriseId' | 'comment' | 'errorCode' | 'errorReason' | 'message' | 'expiresAt' | 'takenAt' | 'finishRequestId' | 'earlierFinishRequestId' | 'expiredAtWithdraw'>> & {
  /**
   * Set by Approvals' one rule (listing), from the state moved to and the kind, never by a caller.
   * The move starts a change (taken to finish, or approved to be applied by the admin's click): the
   * request is listed among the changes under way until a later move settles it, so a change that
   * died midway is found there (Approvals.unfinished) without reading every request. Absent: it is
   * listed as its requester's.
   */
  readonly underway?: boolean;
  /**
   * The move leaves a change an admin may approve again to retry (APPLY_FAILED, for a kind the
   * admin's click applies): the request is listed among the failed changes until a later move (the
   * retry, a denial) takes it off, so the admins find it (Approvals.awaitingRetry) without reading
   * every request.
   */
  readonly retryable?: boolean;
  /**
   * The move hands an approved request to its requester to finish (APPROVED, for a kind whose
   * requester finishes it): it stays on the queue's list until it is finished, revoked or expires,
   * so the admins' one read of the queue (Approvals.waiting) finds it too, with its Revoke.
   */
  readonly awaitingFinish?: boolean;
};

/**
 * A further condition of a transition: `takenBefore` (ISO time), that the request was taken to
 * finish before then (or, taken before takenAt was kept, that its time to finish ended before then);
 * `decidedBefore`, that it was decided before then; `sameFinish`, that it still holds the
 * finishRequestId it was taken with (absent: still none, as on a request filed before 71eeee6),
 * so a finish settles only its own take, never one an admin's new approval handed out since;
 * `listedAsFailed`, that it is still listed among the failed changes (moved with `retryable`), so
 * taking it off that list happens once, whoever reads it first; `inTimeAt` (ISO time), that its
 * request's time (expiresAt) had not ended then, so a failed change decided as it lapses is never
 * retried after its requester's open place was freed (and they may have asked anew);
 * `takesDecisionFollowUps` (the decidedAt of the decision), that the follow-ups of that decision are
 * still due on it (decisionFollowUpsDue), which the same write takes off: whoever moves it then is
 * the one who tells its requester, and a later claim (claimFollowUps) finds nothing to take.
 */
export interface TransitionCondition {
  readonly takenBefore?: string;
  readonly decidedBefore?: string;
  readonly sameFinish?: { readonly finishRequestId?: string };
  readonly listedAsFailed?: boolean;
  readonly inTimeAt?: string;
  readonly takesDecisionFollowUps?: string;
}

/**
 * Whose follow-ups a claim takes: a revoke's (of a REVOKED request), or a decision's, the one made at
 * `decidedAt` (of a request that still stands DENIED or APPROVED by it, never one decided again).
 */
export type FollowUps = { readonly of: 'revoke' } | { readonly of: 'decision'; readonly decidedAt: string };

/** A page of the review queue, oldest first, and where the next page starts. */
export interface PendingPage {
  readonly requests: readonly PendingRequest[];
  readonly next?: string;
}

export interface PendingRequestStore {
  /**
   * Saves a new PENDING request, holding its requester's one open place for `slot`. Throws
   * LatchkeyFailure('REQUEST_OPEN') when that place is taken by a request still open, and
   * STORE_UNAVAILABLE on storage errors. A previous request whose place is taken over (closed, or
   * past its time) stays where it is: the queue closes it when it reads it.
   */
  create(request: PendingRequest, slot: string): Promise<void>;
  get(id: string): Promise<PendingRequest | undefined>;
  /** The request holding the person's open place for `slot`, if it is still open and not past its time. */
  findOpen(requester: Requester, slot: string): Promise<PendingRequest | undefined>;
  /** The requests holding any of the person's open places (whatever their state now): a read of their own, never of the queue. */
  heldBy(userId: string): Promise<PendingRequest[]>;
  /**
   * Moves the request to `to` only if its status is one of `from`; returns the updated request,
   * or undefined when another writer got there first.
   */
  transition(id: string, from: readonly PendingStatus[], to: PendingStatus, changes?: PendingChanges, condition?: TransitionCondition): Promise<PendingRequest | undefined>;
  attachMessage(id: string, message: { channel: string; ts: string }): Promise<void>;
  /**
   * Keeps where the requester's DM with the Finish button is (PendingRequest.finishMessage); returns
   * the request as it stands after that write (undefined when it is no longer stored), so a revoke or
   * an expiry made before it, which found no Finish DM to rewrite, is seen.
   */
  attachFinishMessage(id: string, message: { channel: string; ts: string }): Promise<PendingRequest | undefined>;
  /**
   * Keeps where the requester's DM that said it was sent is (PendingRequest.sentMessage); returns
   * the request as it stands after that write (undefined when it is no longer stored), so a decision
   * made before it, which found no place to rewrite, is seen.
   */
  attachSentMessage(id: string, message: { channel: string; ts: string }): Promise<PendingRequest | undefined>;
  /**
   * Takes a move's follow-ups off the request by one conditional write (FollowUps: revokeFollowUpsDue
   * of a REVOKED request, or decisionFollowUpsDue of one still as that decision left it): true for
   * the one caller that takes them (who then tells its requester and the admins), false when they
   * are not there (done already, by another, never written, or moved on since). Its answer lost, the
   * write is read back: STORE_OUTCOME_UNKNOWN when that fails too; any other failure, it was not made.
   */
  claimFollowUps(id: string, which: FollowUps): Promise<boolean>;
  /**
   * Marks that the apply of the decision made at `decidedAt` told its requester the change was
   * made (PendingRequest.appliedToldFor), only while the request stands APPROVED by that decision:
   * settled or decided again since, nothing is written (and nothing is thrown for it).
   */
  markAppliedTold(id: string, decidedAt: string): Promise<void>;
  /**
   * Claims the rewrite of the admins' message of `read` (the request as the caller read it) for
   * `state`: claimed for the one caller that takes it first; not claimed when the message shows
   * that state already, when another caller's claim on it is younger than MESSAGE_REWRITE_CLAIM_MS,
   * when the request is gone, or when it has moved since that read (its status, takenAt or
   * decidedAt is no longer the one read): a late rewrite from a stale read never puts an older
   * state back over the message its move showed.
   */
  claimMessageRewrite(read: PendingRequest, state: string): Promise<MessageRewriteClaim>;
  /**
   * One page of the requests waiting for a decision, and of the approved ones waiting for their
   * requester to finish them (moved with `awaitingFinish`), oldest first, past their time or not
   * (the caller knows the time).
   */
  pending(pageSize: number, after?: string): Promise<PendingPage>;
  /** The person's requests that have left the queue, newest first, but for those whose change is under way or waits for a retry. */
  decidedOf(userId: string, limit: number): Promise<PendingRequest[]>;
  /**
   * One page of the requests whose change is under way (moved with `underway`, and not settled
   * since), oldest first: a change takes seconds, so these are few, and one that died midway stays.
   */
  underway(pageSize: number, after?: string): Promise<PendingPage>;
  /** The person's own requests whose change is under way. */
  underwayOf(userId: string): Promise<PendingRequest[]>;
  /**
   * One page of the requests whose change failed and waits for an admin to retry or deny it (moved
   * with `retryable`, and not decided since), oldest first.
   */
  awaitingRetry(pageSize: number, after?: string): Promise<PendingPage>;
  /** The person's own requests whose change failed and waits for a retry. */
  awaitingRetryOf(userId: string): Promise<PendingRequest[]>;
}

/**
 * The audit steps of every kind; a kind's records are `<kind>_<step>` ('license_request', 'reset_decide').
 * `withdraw`: its requester took it back while it waited (the actor is the requester); `revoke`: an
 * admin took back its approval before its requester's finish started (the actor is the admin).
 */
export const APPROVAL_STEPS = ['request', 'decide', 'apply', 'withdraw', 'revoke'] as const;
export type ApprovalStep = (typeof APPROVAL_STEPS)[number];

export function approvalAction(kind: string, step: ApprovalStep): string {
  return `${kind}_${step}`;
}

/** The audit actions of the kinds named: what the audit schema accepts and the Home tab names. */
export function approvalActions(kinds: readonly string[]): string[] {
  return kinds.flatMap((k) => APPROVAL_STEPS.map((s) => approvalAction(k, s)));
}
