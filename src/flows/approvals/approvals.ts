import { adminAnswer, type AdminAnswer } from '../admin-answer';
import { AuditTrail, type AuditedChange } from '../audit-trail';
import { asFailure, describeError, LatchkeyFailure, type FailureCode } from '../failure';
import { NO_METRICS, type Admins, type AuditEntry, type AuditEvent, type AuditLog, type AuditReader, type Clock, type Logger, type Metrics, type RateLimiter, type Requester } from '../ports';
import { aFewAtATime } from '../a-few-at-a-time';
import { newRequestId } from '../request-id';
import { servesRequest, type Workspace } from '../workspace';
import {
  approvalAction,
  type ApprovalStep,
  type Detail,
  type FollowUps,
  type MessageRewriteClaim,
  messageState,
  OUTCOME_UNKNOWN,
  type PendingChanges,
  type PendingPage,
  type PendingRequest,
  type PendingRequestStore,
  type PendingStatus,
  type TransitionCondition,
  UNKNOWN_STATUS,
} from './pending-request';
import { compareText } from '../text-order';

export const COMMENT_MAX_LENGTH = 500;
export type ReviewFieldError = 'NO_DECISION' | 'COMMENT_REQUIRED' | 'COMMENT_TOO_LONG';

/**
 * How long a request taken to finish (FINISHING), or approved and being applied by the admin's
 * click (APPROVED, for a kind that applies), may take before its outcome is called unknown: the
 * process died midway, and the change may or may not have been made. Only then can an admin
 * decide it again; a change takes seconds, so one under way is never decided over.
 */
export const FINISH_OUTCOME_UNKNOWN_AFTER_MS = 10 * 60_000;

/** How far before a request's creation its applying's attempts are looked for (applyOnRecord): a clock stepped back a little. */
const APPLY_CLOCK_SKEW_MS = 60_000;

/** What the audit log shows of an approval's applies (applyOnRecord); `unread`: nothing, its read failed. */
type ApplyRecord = { readonly shows: 'none' | 'attempt' | 'success' | 'unread' } | { readonly shows: 'failure'; readonly errorCode: FailureCode };

/** How many of the queue's requests one read looks at, at most, to find enough live ones. */
const QUEUE_READ_MAX = 250;
const QUEUE_PAGE = 25;
/** How many writes (and the posts that follow them) one read starts at once, at most. */
const WRITES_AT_ONCE = 4;
/** How many such rewrites a process remembers: forgetting only means one more read of the request's record. */
const SHOWN_UNKNOWN_MAX = 1000;

/**
 * Requests of a list, read up to a bound (QUEUE_READ_MAX of the list's, oldest first). `atLeast`:
 * reading stopped at that bound with more left, so there are at least as many as `requests` (a
 * count of them is a floor, and says so).
 */
export interface Listed {
  readonly requests: readonly PendingRequest[];
  readonly atLeast: boolean;
}

/**
 * The failed changes an admin can retry, as Listed; and those read past their request's time
 * (retried no more), left out of `requests` and closed after they are shown (closeLapsedRetries).
 */
export interface AwaitingRetry extends Listed {
  readonly lapsed?: readonly PendingRequest[];
}

/** A person's own request as their Home tab shows it: with whether an admin can decide it now, as Approvals rules. */
export type OwnRequest = PendingRequest & { readonly decidable: boolean };

/**
 * An apply settled from its outcome on the audit record by a read before a Home tab was drawn
 * (Approvals.settleOnRead), whose requester and admins' message are told after the tab is shown
 * (tellSettled): the request as its settling write left it, and `pastTime` when that write found its
 * request's time ended (a failed change retried no more, whose requester is told to ask again).
 */
export interface SettledOnRecord {
  readonly request: PendingRequest;
  readonly pastTime?: true;
}

/**
 * What settling before a Home tab is drawn found: each request read that moved since (`standing`,
 * as it stands now, with whether an admin can decide it), and those this read settled itself
 * (`settled`), for tellSettled. `found`: every other one it took, unmoved, with what its read of the
 * record found, drawn so and recorded so by their message's rewrite (showUnknown): no apply began
 * (PendingRequest.neverAppliedFor), or the record could not tell this read (shownUnreadFor).
 */
export interface SettledOnRead {
  readonly standing: readonly OwnRequest[];
  readonly settled: readonly SettledOnRecord[];
  readonly found: readonly OwnRequest[];
}

/**
 * A request read before settleOnRead took it, as it stands after that read: moved since (settled, by
 * this read or another reader), as its read of the record found it, or as it was read. The one answer every reader
 * (a Home tab, /request-license) draws from, so none keeps a rule of its own.
 */
export function asItStands<T extends PendingRequest>(request: T, read: SettledOnRead): T | OwnRequest {
  return read.standing.find((r) => r.id === request.id) ?? read.found.find((r) => r.id === request.id) ?? request;
}

/**
 * What a read past the bound leaves to do once its answer is shown (Approvals.afterRead): `requests`,
 * those it showed, as they stand after settleOnRead (asItStands), whose admins' message may show an
 * unknown outcome; `settled`, what that read settled from the record, to be told.
 */
export interface AfterRead {
  readonly requests: readonly PendingRequest[];
  readonly settled: readonly SettledOnRecord[];
}

/**
 * A person's own requests as their Home tab shows them (`requests`, up to the limit asked), and,
 * shown or not (an older one is never among the newest shown): `lapsed`, every failed change of
 * theirs still on the failed list past its request's time, which closeLapsedRetries closes after
 * the tab is shown, one already taken off not there, so showing it writes nothing; and `expiring`,
 * every one read waiting past its time (a PENDING or handed-over APPROVED request, as it was
 * read; shown EXPIRED when shown), which expireDue expires after the tab is shown.
 */
export interface OwnRequests {
  readonly requests: readonly OwnRequest[];
  readonly lapsed: readonly PendingRequest[];
  readonly expiring: readonly PendingRequest[];
  /**
   * Every one read decided by a click that could not tell it was (decisionFollowUpsDue), shown or
   * not: followUpDecisions tells its requester and the admins after the tab is shown.
   */
  readonly decidedUntold: readonly PendingRequest[];
}

/**
 * The live requests waiting for a decision, as Listed's `requests` (up to the limit asked); and
 * those read past their time, left out of `requests` and expired after they are shown (expireDue).
 */
export interface Waiting {
  readonly requests: readonly PendingRequest[];
  readonly expiring: readonly PendingRequest[];
  /**
   * Read in the same pages: the approved requests waiting for their requester to finish them, in
   * time, oldest first (those read), each one an admin may revoke; `atLeast` when reading stopped
   * before the list's end, so there may be more.
   */
  readonly approved: Listed;
}

/**
 * On what came of an admin's click that tells its requester (a decision, a Revoke), when it is not
 * known to have reached them: `dm`, Slack did not confirm this click's DM (refused it, or answered
 * without saying where it is); `another click`, another click (or Home tab read) took telling them
 * over first, and whether its DM reached them is not known here. Either way its admin is never told
 * they were told, but what to tell them (one rule for every such click).
 */
export interface RequesterTold {
  readonly requesterUnconfirmed?: RequesterUnconfirmed;
}

export type RequesterUnconfirmed = 'dm' | 'another click';

/** RequesterTold of a click that told its requester itself (`told`: Slack confirmed it), or left it to another click (`another click`). */
function requesterTold(told: boolean | 'another click'): RequesterTold {
  return told === true ? {} : { requesterUnconfirmed: told === false ? 'dm' : told };
}

/** What came of an admin's Revoke: `followUp`, it only told its requester and the admins of a revoke made earlier (request.revokedBy's). */
export type RevokeOutcome = ({ readonly ok: true; readonly request: PendingRequest; readonly followUp?: true } & RequesterTold) | ApprovalFailure;

export interface ApprovalFailure {
  readonly ok: false;
  readonly code: FailureCode;
  readonly email?: string;
  /** The request as it stands, when the failure is about its state (decided, expired). */
  readonly request?: PendingRequest;
  /** For the person to quote to IT, when the refusal was recorded. */
  readonly requestId?: string;
  readonly retryAt?: Date;
  /** With `request`: whether an admin can decide it now, as these rules say (a race lost to a decision whose change failed leaves it decidable). */
  readonly decidable?: boolean;
  /** The decision lost to another admin's retry of the same failed change, started at the same time. */
  readonly retryRaced?: boolean;
  /**
   * With `request`: when its change under way, if it has not finished by then, comes back to the
   * admins (unknownAt). Without, of a decision not known to be saved (STORE_OUTCOME_UNKNOWN) that
   * approved a change the admin's click applies: when that approval, if it was saved (its change
   * then not made), comes back to the admins to be decided again.
   */
  readonly decidableAt?: string;
  /**
   * With `request`: a failed change retried no more, its request's time having ended
   * (closeLapsed): nothing was applied, and its requester is told to ask again.
   */
  readonly lapsed?: boolean;
  /**
   * With `lapsed`: this very read closed it and sent its requester that they can ask again;
   * false, Slack did not confirm that DM (so its admin is told to tell them). Absent, someone
   * else's read closed it, or will (the close failed).
   */
  readonly toldToAskAgain?: boolean;
  /**
   * With `request`: this click expired it, and left telling its requester to the click's answer
   * alone (the DM it was in rewritten, or an ephemeral; on the Home tab, its modal): no DM that said
   * it was sent was rewritten here (none kept, or its rewrite failed). When that answer reaches
   * nobody, tellUnansweredExpiry.
   */
  readonly toldByClick?: true;
  /**
   * With `request`: its write was refused and where it stands now could not be read back; the
   * request is as read before that write (out of date), to name it by, never to show its state.
   */
  readonly unread?: true;
}

/**
 * Why a requester is told, where the request's state alone does not say it: `failed_past_time`, a
 * change an admin approved in time whose apply failed just after its request's time ended (apply's
 * settle), not a failed change left unretried until then (closeLapsed), though both end
 * APPLY_FAILED past their time. `sent_then_decided`: the DM that said it was sent, rewritten once an
 * admin decided it; its request's time (expiresAt) is the decision's now (an approval's Finish
 * deadline), never the one it waited by, so that DM names no expiry. `approval_untold`: an approval
 * to finish whose deciding click could not tell it was made (so nobody told its requester of it),
 * ended (expired, or revoked by an admin) before any touch told them: said as news, who approved it and when, to someone
 * who never heard of it.
 */
export type RequesterNotice = 'failed_past_time' | 'sent_then_decided' | 'approval_untold';

/**
 * Why the DM that said a request was sent is rewritten without Withdraw, which says what it says
 * then. `expired`: it expired waiting; its words as sent, with the time it waited by (what came of
 * it is told after). `decided`: an admin decided it; its words as sent, naming no expiry, as the
 * decision set its request's time anew (an approval's Finish deadline). What came of a Withdraw
 * clicked elsewhere (its requester's Home tab), as a click in it would have said it: `withdrawn`,
 * or `expired_at_withdraw` (the click found it past its time).
 */
export type SentMessageNotice = 'expired' | 'decided' | 'withdrawn' | 'expired_at_withdraw';

/**
 * Where its requester clicked Withdraw: in a message (a DM, which its handler rewrites with what
 * came of the click), or on their Home tab (`home_tab`, answered in a modal).
 */
export type WithdrawPlace = { readonly channel: string; readonly ts: string } | 'home_tab';

/**
 * The touch that found a decision's follow-ups due, and whose it was (their Slack user ID): in the
 * operator's log, to trace who set off what came of it.
 */
interface Touch {
  readonly touch: 'review' | 'decision' | 'revoke' | 'withdraw' | 'home tab';
  readonly by: string;
}

/** Where requests are announced and people told; implemented with Slack messages. */
export interface ApprovalAnnouncer {
  /**
   * Posts the request for admins; returns where, so the message can be updated in place.
   * `decidable`: whether an admin can decide it now (Review), as Approvals rules; never the view's guess.
   */
  announce(request: PendingRequest, decidable: boolean): Promise<{ channel: string; ts: string }>;
  /**
   * Rewrites the announcement to show the request's current state, whether it can still be decided,
   * and whether an admin can revoke its approval (`revocable`, as Approvals rules).
   */
  refresh(request: PendingRequest, decidable: boolean, revocable?: boolean): Promise<void>;
  /**
   * Tells the requester what became of their request (sent, approved, applied, denied, expired), and
   * why when `occasion` says; returns where the DM is, when known.
   */
  tellRequester(request: PendingRequest, occasion?: RequesterNotice): Promise<{ channel: string; ts: string } | void>;
  /** Rewrites the requester's DM with the Finish button (request.finishMessage) to say what became of it, without the button. */
  rewriteFinishMessage(request: PendingRequest): Promise<void>;
  /** Rewrites the requester's DM that said it was sent (request.sentMessage) without Withdraw, as `notice` says why. */
  rewriteSentMessage(request: PendingRequest, notice: SentMessageNotice): Promise<void>;
}

/**
 * A key of a kind's review details (ApprovalKind.reviewDetails): the directory answered that it has
 * no user by the request's directoryUserId (deleted after the request was filed). An answer, not a
 * fault: the review says so and offers only Deny, as approving could not work.
 */
export const ACCOUNT_GONE = 'accountGone';

/**
 * One kind of request an admin decides. The capability (Approvals) holds every rule they share:
 * only admins decide, asked on every click; never their own request, by Slack user ID; each
 * request once; expiry; every step audited with who did it. A kind says only what is its own.
 */
export interface ApprovalKind {
  /** Stable: stored with each request, and the first word of its audit actions (`<id>_request`…). */
  readonly id: string;
  /** Which of the requester's open places a request takes: one open request per person and slot. */
  slot(request: PendingRequest): string;
  /** The kind's own audit fields (the directory, what was asked for). */
  auditDetail(request: PendingRequest): Partial<AuditEntry>;
  /** What the reviewer sees besides the request, read now: the requester's account where the change would be made. */
  reviewDetails(request: PendingRequest): Promise<Detail>;
  /**
   * What approval does. `apply`: the admin's click makes the change (audited as `<id>_apply`), and
   * a failed change can be approved again. `handOver`: the requester finishes it with a click of
   * their own within `finishWithinMs` (they are told with tellRequester); it is not applied here.
   */
  readonly onApprove: { readonly apply: (request: PendingRequest) => Promise<void> } | { readonly handOver: { readonly finishWithinMs: number } };
  /**
   * For a kind that hands over: the reference its requester's finish is audited under, when the
   * kind gave one of its own before `finishRequestId` was kept; `finishRequestId` otherwise.
   */
  changeReference?(request: PendingRequest): string;
}

interface ApprovalsDeps {
  readonly kinds: readonly ApprovalKind[];
  readonly admins: Admins;
  readonly store: PendingRequestStore;
  readonly announcer: ApprovalAnnouncer;
  readonly audit: AuditLog;
  /** Whether an approval whose outcome is unknown began applying (neverApplied); without it, it may have. */
  readonly auditReader?: Pick<AuditReader, 'stepsSince'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly workspace: Workspace;
  readonly limiter: RateLimiter;
  readonly metrics?: Metrics;
}

export type Decision = { decision: 'approve' | 'deny'; comment?: string };

export { messageState };

/** Whether a DM kept for a request (`kept`) is the message a click was in (`clickedIn`). */
function sameMessage(kept: { channel: string; ts: string } | undefined, clickedIn: WithdrawPlace | undefined): boolean {
  return !!kept && !!clickedIn && clickedIn !== 'home_tab' && kept.channel === clickedIn.channel && kept.ts === clickedIn.ts;
}

/**
 * Requests an admin must decide, of every kind: filing, the review queue, review, the decision,
 * what approval does, and expiry. Expiry is noticed on read: a request past its time is closed
 * when a reviewer (or its requester's finish) comes to it, or after the queue or its requester's
 * own list that read it is shown (expireDue).
 */
export class Approvals {
  private readonly trail: AuditTrail;
  private readonly kinds: ReadonlyMap<string, ApprovalKind>;
  /** The requests (by state) whose admins' message this process has rewritten to show an unknown outcome. */
  private readonly shownUnknown = new Set<string>();

  constructor(private readonly deps: ApprovalsDeps) {
    this.trail = new AuditTrail(deps.audit, deps.logger, { limiter: deps.limiter, clock: deps.clock });
    this.kinds = new Map(deps.kinds.map((k) => [k.id, k]));
  }

  /** Whether any kind is served. */
  get enabled(): boolean {
    return this.kinds.size > 0;
  }

  /** The request holding the person's open place for a slot, if it is still open. */
  findOpen(requester: Requester, slot: string): Promise<PendingRequest | undefined> {
    return this.deps.store.findOpen(requester, slot);
  }

  /**
   * Files a new request: counted against `limit`, its attempt audited first (fail closed), saved,
   * announced to admins, confirmed to the requester. A request admins never saw is closed.
   * Filed, it is the request as it stands once its requester's DM is kept (decided meanwhile, it
   * says so), or as filed when that DM could not be kept.
   */
  async file(
    requester: Requester,
    draft: Omit<PendingRequest, 'id' | 'status' | 'createdAt' | 'expiresAt' | 'requester'>,
    rules: { ttlMs: number; limit?: { key: string; max: number; windowMs: number; name: string } },
  ): Promise<{ ok: true; request: PendingRequest } | ApprovalFailure> {
    const kind = this.kinds.get(draft.kind);
    if (!kind) return { ok: false, code: 'DIRECTORY_NOT_ENABLED' };
    const now = this.deps.clock.now();
    // The request's one reference, born here: what its requester is shown, every step of it names
    // (approvalRequestId), and, for a kind that hands over, what its first finish is audited under,
    // so that one look-up by it finds the request, its decision and its change.
    const id = newRequestId(now);
    const request: PendingRequest = {
      ...draft,
      id,
      ...('handOver' in kind.onApprove && { finishRequestId: draft.finishRequestId ?? id }),
      requester,
      status: 'PENDING',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + rules.ttlMs).toISOString(),
    };
    let change: AuditedChange | undefined;
    try {
      if (rules.limit) {
        const allowed = await this.deps.limiter.take(rules.limit.key, rules.limit.max, rules.limit.windowMs, now);
        if (!allowed.ok) {
          const failure = new LatchkeyFailure('RATE_LIMITED', rules.limit.name, { retryAt: allowed.retryAt });
          await this.trail.refused(this.auditStep('request', requester, request), failure.code);
          throw failure;
        }
      }
      change = await this.trail.begin(this.auditStep('request', requester, request));
      await this.deps.store.create(request, kind.slot(request));
    } catch (err) {
      const code = asFailure(err).code;
      // Another request of theirs holds the place: turned away, nothing changed (a refusal, never a
      // failure), and they are told where that one stands (read only now, off the usual path).
      const open = code === 'REQUEST_OPEN' ? await this.deps.store.findOpen(requester, kind.slot(request)).catch(() => undefined) : undefined;
      await (code === 'REQUEST_OPEN' ? change?.refused(code) : change?.failed(code));
      // On record under it (approvalRequestId): the reference its requester is given for the refusal.
      return { ...this.fail(err, { requester, kind: request.kind, step: 'submit', requestId: request.id }), requestId: request.id, ...(open && { request: open }) };
    }
    try {
      const message = await this.deps.announcer.announce(request, this.decidable(request));
      await this.deps.store.attachMessage(request.id, message);
    } catch (err) {
      // Admins never saw it: close it so the requester is not stuck behind a request nobody can decide.
      const failure = asFailure(err);
      await this.move(request, ['PENDING'], 'EXPIRED', { errorCode: failure.code }).catch(() => undefined);
      await change.failed(failure.code);
      return { ...this.fail(failure, { requester, kind: request.kind, step: 'announce', requestId: request.id }), requestId: request.id };
    }
    await change.succeeded();
    // Kept where it is, so an admin's decision takes its Withdraw button away (retireSentMessage).
    let kept: PendingRequest | undefined;
    try {
      const dm = await this.deps.announcer.tellRequester(request);
      kept = dm ? await this.deps.store.attachSentMessage(request.id, dm) : undefined;
      // Decided, withdrawn (from the Home tab) or expired while the DM was on its way: that move found
      // no place to rewrite (its write returns the request as it stands, so exactly one side sees the
      // other), so it is rewritten now. Withdrawn, or expired by a Withdraw click, it says what came of
      // that click, as its answer did (clicked in this very DM in that moment, its handler writes the
      // same words, twice at worst). Withdrawn aside, only an admin's decision sets decidedAt: without
      // one, it expired waiting.
      if (kept && kept.status !== 'PENDING') await this.retireSentMessage(kept, this.sentMessageNotice(kept));
    } catch (err) {
      this.warn(err, request, 'requester DM failed, or where it is not kept');
    }
    return { ok: true, request: kept ?? request };
  }

  /** Why the DM that said it was sent, kept only after its request moved on, is rewritten: what it says then. */
  private sentMessageNotice(request: PendingRequest): SentMessageNotice {
    if (request.status === 'WITHDRAWN') return 'withdrawn';
    if (request.status === 'EXPIRED' && request.expiredAtWithdraw) return 'expired_at_withdraw';
    return request.decidedAt ? 'decided' : 'expired';
  }

  /**
   * Records a refusal of a request before it was filed (the person cannot ask, and why), with a
   * reference (`detail.requestId` when its caller named it first): every refusal of a request is
   * audited, whatever its kind.
   */
  async refused(requester: Requester, kind: string, code: FailureCode, detail: Partial<AuditEntry> = {}): Promise<string> {
    const requestId = detail.requestId ?? newRequestId(this.deps.clock.now());
    await this.trail.refused({ ...detail, requestId, action: approvalAction(kind, 'request'), actor: requester }, code);
    return requestId;
  }

  /** Quick, before opening a modal: non-admins get a short answer instead. */
  async isAdmin(reviewer: Requester): Promise<boolean> {
    if (!servesRequest(this.deps.workspace, reviewer)) return false;
    return this.deps.admins.isAdmin(reviewer.userId);
  }

  /** From memory, never a right: whether a Review's answer may be a modal, opened before the check (Admins.mayBeAdmin). */
  mayBeAdmin(reviewer: Requester): boolean {
    return servesRequest(this.deps.workspace, reviewer) && this.deps.admins.mayBeAdmin(reviewer.userId);
  }

  /**
   * Quick, before opening a review (or showing a decision picked in its form, `review_pick`): whether
   * they may review it, or why not (non-admins get a short answer instead). The log line names which.
   */
  reviewAnswer(reviewer: Requester, requestId: string, action: 'review' | 'review_pick' = 'review'): Promise<AdminAnswer> {
    const who = { slackUserId: reviewer.userId, action, approvalRequestId: requestId };
    return adminAnswer(() => this.isAdmin(reviewer), this.deps.logger, who, action === 'review' ? 'review refused: not an admin' : 'decision pick refused: not an admin');
  }

  /** What an admin sees on "Review": the request and the kind's details, or why not. */
  async review(
    reviewer: Requester,
    requestId: string,
  ): Promise<
    | { ok: true; state: 'decide'; request: PendingRequest; details: Detail; neverApplied?: true }
    | { ok: true; state: 'closed'; request: PendingRequest; decidableAt?: string; lapsed?: boolean; toldToAskAgain?: boolean; revocable?: boolean }
    | ApprovalFailure
  > {
    try {
      const request = await this.loadForReviewer(reviewer, requestId);
      const { request: read, told } = await this.closeLapsed(await this.expireIfDue(request));
      // Decided by a click that could not tell it was: this one does what that one left undone.
      const followed = await this.followUpDecision(read, { touch: 'review', by: reviewer.userId });
      // Its apply's outcome on record: settled as that apply would have, never offered again.
      const record = await this.applyOnRecord(followed);
      const current = (await this.settleFromRecord(followed, record)) ?? followed;
      if (!this.decidable(current)) {
        return {
          ok: true,
          state: 'closed',
          request: current,
          ...this.unknownAt(current),
          ...(this.retryLapsed(current) && { lapsed: true, ...(told !== undefined && { toldToAskAgain: told }) }),
          ...(this.revocable(current) && { revocable: true }),
        };
      }
      const details = await this.kindOf(current).reviewDetails(current);
      // An approval whose outcome is unknown only to its lines: on record, nothing was sent, so its
      // admin is told that, not that the change may have been made (as a denial of it then says).
      const neverApplied = current === followed && this.finishUnknown(current) && this.neverApplied(current, record);
      return { ok: true, state: 'decide', request: current, details, ...(neverApplied && { neverApplied: true as const }) };
    } catch (err) {
      return this.fail(err, { requester: reviewer, step: 'review', requestId });
    }
  }

  checkDecision(decision: string | undefined, comment: string | undefined): Decision | { fieldErrors: Partial<Record<'decision' | 'comment', ReviewFieldError>> } {
    const trimmed = (comment ?? '').trim();
    if (decision !== 'approve' && decision !== 'deny') return { fieldErrors: { decision: 'NO_DECISION' } };
    if (trimmed.length > COMMENT_MAX_LENGTH) return { fieldErrors: { comment: 'COMMENT_TOO_LONG' } };
    if (decision === 'deny' && !trimmed) return { fieldErrors: { comment: 'COMMENT_REQUIRED' } };
    return { decision, comment: trimmed || undefined };
  }

  /** Records the decision once, does what approval does for the kind, and tells everyone concerned. */
  async decide(reviewer: Requester, requestId: string, choice: Decision): Promise<({ ok: true; request: PendingRequest; decidable: boolean; revocable: boolean } & RequesterTold) | ApprovalFailure> {
    let request: PendingRequest;
    let told: boolean | undefined;
    try {
      ({ request, told } = await this.closeLapsed(await this.expireIfDue(await this.loadForReviewer(reviewer, requestId))));
    } catch (err) {
      return this.fail(err, { requester: reviewer, step: 'decide', requestId });
    }
    if (request.status === 'EXPIRED') return { ok: false, code: 'REQUEST_EXPIRED', request };
    if (request.status === 'WITHDRAWN') return { ok: false, code: 'REQUEST_WITHDRAWN', request };
    if (this.retryLapsed(request)) return { ok: false, code: 'REQUEST_EXPIRED', request, lapsed: true, ...(told !== undefined && { toldToAskAgain: told }) };
    // An apply whose outcome is unknown here but on record: settled as that apply would have, not decided again.
    const record = await this.applyOnRecord(request);
    const settled = await this.settleFromRecord(request, record);
    // Only when it moved (settled, or decided by another meanwhile): its settling write failing leaves
    // it as read, still to decide, and this decision goes on.
    if (settled && (settled.status !== request.status || settled.decidedAt !== request.decidedAt)) {
      return { ok: false, code: 'REQUEST_DECIDED', request: settled, decidable: this.decidable(settled) };
    }
    // A status this version does not know is never decidable (fail closed): shown as it is, unchanged.
    // Decided by a click that could not tell it was: this one does what that one left undone.
    if (!this.decidable(request) || request.status === UNKNOWN_STATUS) return { ok: false, code: 'REQUEST_DECIDED', request: await this.followUpDecision(request, { touch: 'decision', by: reviewer.userId }), ...this.unknownAt(request) };
    const kind = this.kindOf(request);

    const decidedAt = this.deps.clock.now();
    const handOver = 'handOver' in kind.onApprove ? kind.onApprove.handOver : undefined;
    // Handed over: the finish it hands out is audited under this reference. Handed back after a
    // finish whose outcome is unknown (which has almost always audited its change under its
    // reference already), a new one; the earlier one is what IT checks that change with.
    const earlier = handOver && request.status === 'FINISHING' ? (kind.changeReference?.(request) ?? request.finishRequestId) : undefined;
    const handedOut =
      choice.decision === 'approve' && handOver ? (request.status === 'FINISHING' ? newRequestId(decidedAt) : (kind.changeReference?.(request) ?? request.finishRequestId)) : undefined;
    // On record before the change: which finish references this decision hands out, and replaces.
    const step = {
      ...this.auditStep('decide', reviewer, request),
      decision: choice.decision,
      // What the admin wrote to its requester (a denial's reason): a reviewer reads why in the log itself.
      ...(choice.comment && { note: choice.comment }),
      ...(handedOut && { finishRequestId: handedOut }),
      ...(earlier && { earlierFinishRequestId: earlier }),
    };
    // Closed after a change whose outcome is unknown: it may have been made, and everyone is told so;
    // unless it is an approval that never began applying, which sent nothing, and is denied as any is.
    const outcomeUnknown = choice.decision === 'deny' && this.finishUnknown(request) && !this.neverApplied(request, record);
    let decided: PendingRequest | undefined;
    let change: AuditedChange | undefined;
    try {
      change = await this.trail.begin(step);
      // Conditional on the status the admin saw: a second click or a second admin finds it moved.
      // A finish whose outcome is unknown, also on its having been taken before the bound: a finish
      // taken again since (after this very decision, replayed) is live, and is never decided over.
      decided = await this.move(
        request,
        [request.status],
        choice.decision === 'approve' ? 'APPROVED' : 'DENIED',
        {
          decidedBy: reviewer.userId,
          decidedAt: decidedAt.toISOString(),
          comment: choice.comment,
          // Handed over: the requester has this long to finish it, from now.
          ...(choice.decision === 'approve' && handOver && { expiresAt: new Date(decidedAt.getTime() + handOver.finishWithinMs).toISOString() }),
          // Handed back after a finish whose outcome is unknown: the next finish has a reference of its
          // own, and the earlier one is kept, for IT to check that change with whatever comes next.
          ...(choice.decision === 'approve' && request.status === 'FINISHING' && handedOut && { finishRequestId: handedOut, ...(earlier && { earlierFinishRequestId: earlier }) }),
          ...(outcomeUnknown && { errorCode: OUTCOME_UNKNOWN }),
          // What follows it, in the same write (decisionFollowUpsDue): a click that cannot tell it was
          // made leaves them to the next touch that finds it made. Not for an approval the admin's
          // click applies: left unapplied, it is a change under way, which comes back to the admins.
          // With where this decision's step is audited, for that touch to write its outcome again.
          ...((choice.decision === 'deny' || handOver) && { decisionFollowUpsDue: true, decisionRequestId: step.requestId, decidedByTeamId: reviewer.teamId, ...(reviewer.enterpriseId && { decidedByEnterpriseId: reviewer.enterpriseId }) }),
        },
        request.status === 'FINISHING'
          ? { takenBefore: this.finishUnknownBefore() }
          : request.status === 'APPROVED'
            ? { decidedBefore: this.finishUnknownBefore() }
            : // A waiting request or a failed change: also on its request's time not having ended by
              // this write (the audit step before it can take seconds), as decidable rules on read:
              // past it, its requester's open place is free and they may have asked anew, so an old
              // approval is never applied, nor a finish handed out.
              request.status === 'APPLY_FAILED' || request.status === 'PENDING'
              ? { inTimeAt: this.deps.clock.now().toISOString() }
              : undefined,
      );
    } catch (err) {
      // Decided by this admin at this click's time is this decision's own (madeAfterAll): it goes on
      // as a decision made, so what follows one (the change applied, its requester and the admins'
      // message told) is done, never left undone behind an answer that was lost.
      const made =
        change &&
        (await this.madeAfterAll(
          err,
          request,
          'decision',
          (now) => now.status === (choice.decision === 'approve' ? 'APPROVED' : 'DENIED') && now.decidedBy === reviewer.userId && now.decidedAt === decidedAt.toISOString(),
        ));
      if (change && made && !(made instanceof LatchkeyFailure)) decided = made;
      else {
        const failure = made ?? err;
        await change?.failed(asFailure(failure).code);
        const failed = this.fail(failure, { requester: reviewer, kind: request.kind, step: 'decide', requestId });
        // An approval this click was to apply, not known to be saved: if it was, its change was not
        // made (nothing follows it; not marked), and it comes back to the admins once its bound passes.
        const unapplied = failed.code === 'STORE_OUTCOME_UNKNOWN' && choice.decision === 'approve' && 'apply' in kind.onApprove;
        return unapplied ? { ...failed, decidableAt: new Date(decidedAt.getTime() + FINISH_OUTCOME_UNKNOWN_AFTER_MS).toISOString() } : failed;
      }
    }
    if (!decided) {
      const now = await this.readBack(request, 'decision');
      // Gone (purged) since it was read: it cannot be found, as the first read would have said.
      if (now === null) {
        await change.failed('REQUEST_NOT_FOUND');
        return { ok: false, code: 'REQUEST_NOT_FOUND' };
      }
      // Not read back: where it stands is not known, and the request as read before the write (as the
      // admin saw it, decidable) is out of date: given to name it by, never to show where it stands.
      if (!now) {
        await change.failed('REQUEST_DECIDED');
        return { ok: false, code: 'REQUEST_DECIDED', request, unread: true };
      }
      // A failed change whose request's time ended before this write: retried no more, as if read
      // after its time (closed once, whoever finds it first), and nothing was applied.
      if (now.status === 'APPLY_FAILED' && this.retryLapsed(now)) {
        await change.failed('REQUEST_EXPIRED');
        const closed = await this.closeLapsed(now).catch((err: unknown): { request: PendingRequest; told?: boolean } => {
          this.warn(err, now, 'closing a lapsed failed change failed');
          return { request: now };
        });
        return { ok: false, code: 'REQUEST_EXPIRED', request: closed.request, lapsed: true, ...(closed.told !== undefined && { toldToAskAgain: closed.told }) };
      }
      // A waiting request whose time ended before this write: expired (once, whoever finds it
      // first), and the decision is refused as one read after its time.
      if (request.status === 'PENDING' && (this.isDue(now) || now.status === 'EXPIRED')) {
        await change.failed('REQUEST_EXPIRED');
        const expired = await this.expireIfDue(now).catch((err: unknown) => {
          this.warn(err, now, 'expiring a request failed');
          return now;
        });
        return { ok: false, code: 'REQUEST_EXPIRED', request: expired };
      }
      // Its requester withdrew it first: nothing changes, and the admin is told so.
      if (now.status === 'WITHDRAWN') {
        await change.failed('REQUEST_WITHDRAWN');
        return { ok: false, code: 'REQUEST_WITHDRAWN', request: now };
      }
      await change.failed('REQUEST_DECIDED');
      // Another admin's decision (or retry) took it first: say where it stands now, and whether it
      // can still be decided (their change may have failed again), never that it is closed for good.
      // Decided by a click that could not tell it was, this one does what that one left undone.
      return {
        ok: false,
        code: 'REQUEST_DECIDED',
        request: await this.followUpDecision(now, { touch: 'decision', by: reviewer.userId }),
        decidable: this.decidable(now),
        ...this.unknownAt(now),
        ...(request.status === 'APPLY_FAILED' && { retryRaced: true }),
      };
    }
    await change.succeeded();
    (this.deps.metrics ?? NO_METRICS).count('license_decision', { decision: choice.decision, kind: request.kind });

    const applied = decided.status === 'APPROVED' && 'apply' in kind.onApprove ? await this.apply(reviewer, decided, kind.onApprove.apply) : undefined;
    const final = applied?.request ?? decided;
    // Taken first, so a later touch finding it decided never tells them again; taken by such a
    // touch already (it found this write before this click read it back), that touch tells them,
    // and whether its DM reached them is not known here.
    let dmConfirmed: boolean | 'another click' = 'another click';
    if (await this.takeOwnDecisionFollowUps(decided)) {
      dmConfirmed = await this.tellDecided(final);
      // A change made whose final status write was lost: settled later from the audit record, which
      // tells its requester unless this DM is marked sent (only once it was: never told nothing).
      if (applied && !applied.written && final.status === 'APPLIED' && dmConfirmed) await this.markAppliedTold(final);
    }
    const { decisionFollowUpsDue: _done, ...result } = final;
    // A failed change: its apply told them (tellDecided sends nothing), and its admin is told it failed, not that they were told.
    return { ok: true, request: result, decidable: this.decidable(result), revocable: this.revocable(result), ...requesterTold(final.status === 'APPLY_FAILED' || dmConfirmed) };
  }

  /**
   * What follows a decision: the admins' message shows it, its requester is told (a change that
   * failed, as apply told them), and the DM that said it was sent loses Withdraw, but the one a
   * click's handler rewrites itself (`clickedIn`).
   */
  private async tellDecided(decided: PendingRequest, clickedIn?: WithdrawPlace): Promise<boolean> {
    // A change made whose applying click told its requester so (its final status write lost,
    // settled from the record since: appliedToldFor this decision) is not told to them again.
    const toldByApply = decided.status === 'APPLIED' && decided.appliedToldFor !== undefined && decided.appliedToldFor === decided.decidedAt;
    const [, told] = await Promise.all([
      this.refresh(decided),
      decided.status === 'APPLY_FAILED' ? false : toldByApply || this.tellApproved(decided),
      sameMessage(decided.sentMessage, clickedIn) ? undefined : this.retireSentMessage(decided, 'decided'),
    ]);
    return told;
  }

  /**
   * The requester of a change made, whose final status write was lost, was told so by its applying
   * click: marked on the request (appliedToldFor), so settling it from the record later does not
   * tell them again. Not written, it will: twice at worst, never not at all (logged).
   */
  private async markAppliedTold(applied: PendingRequest): Promise<void> {
    if (applied.decidedAt === undefined) return;
    await this.deps.store.markAppliedTold(applied.id, applied.decidedAt).catch((err: unknown) => this.warn(err, applied, 'marking the requester told of a change made failed: settling it from the record tells them again'));
  }

  /** Whether a decision's follow-ups are still due on it as it stands: marked, and still as that decision left it. */
  private decisionFollowUpsDue(request: PendingRequest): request is PendingRequest & { readonly decidedAt: string } {
    return request.decisionFollowUpsDue === true && request.decidedAt !== undefined && (request.status === 'DENIED' || (request.status === 'APPROVED' && this.handsOver(request)));
  }

  /**
   * The deciding click's own taking of its follow-ups: true, it does them. Its claim not made (or
   * not known to be), it does them all the same: told twice at worst (the mark may stay for the
   * next touch), never not at all by the click whose admin is told they were.
   */
  private async takeOwnDecisionFollowUps(decided: PendingRequest): Promise<boolean> {
    if (!this.decisionFollowUpsDue(decided)) return true;
    try {
      return await this.takeFollowUps(decided, { of: 'decision', decidedAt: decided.decidedAt });
    } catch (err) {
      this.warn(err, decided, 'taking the decision follow-ups failed: done all the same');
      return true;
    }
  }

  /**
   * A touch on a request decided by a click that could not tell it was (decisionFollowUpsDue still
   * there): an admin's click on it (Review, a decision, Revoke), or its requester's (Withdraw, their
   * Home tab's read). Its requester is told, the admins' message rewritten and the DM that said it
   * was sent retired now, once (whoever takes them first), as that click would have. Returns the
   * request without the mark once they are taken (here or by another); never throws: not taken
   * (the store failed), they stay due for the next touch, and the request is returned as it was.
   */
  private async followUpDecision(request: PendingRequest, touch: Touch, clickedIn?: WithdrawPlace): Promise<PendingRequest> {
    if (!this.decisionFollowUpsDue(request)) return request;
    const { decisionFollowUpsDue: _done, ...decided } = request;
    // On record before the mark is taken: the mark proves the decision was written, and taken
    // first, a record that failed would leave it "could not tell" for good while its requester was
    // told. Not written, nothing is taken or told: the next touch writes it (a slot written already
    // is refused quietly). A warning, not an alert: its requester's own touch can meet it.
    try {
      await this.restateDecision(decided);
    } catch (err) {
      this.deps.logger.warn({ ...this.tracedTo(request, touch), err: describeError(err) }, 'writing a decision found made on record failed: left for the next touch');
      return request;
    }
    let claimed: boolean;
    try {
      claimed = await this.takeFollowUps(request, { of: 'decision', decidedAt: request.decidedAt });
    } catch (err) {
      this.deps.logger.warn({ ...this.tracedTo(request, touch), err: describeError(err) }, 'taking the decision follow-ups failed: left for the next touch');
      return request;
    }
    if (!claimed) return decided;
    this.deps.logger.info(this.tracedTo(decided, touch), 'decision found made: its requester and admins told now');
    await this.tellDecided(decided, clickedIn);
    return decided;
  }

  /** A followed-up decision's log fields: the request, who decided it, and the touch that found it and whose it was (IDs only). */
  private tracedTo(request: PendingRequest, touch: Touch) {
    return { approvalRequestId: request.id, kind: request.kind, decidedBy: request.decidedBy, touch: touch.touch, slackUserId: touch.by };
  }

  /**
   * A decision found made by the touch that took its follow-ups: its step's outcome again, as made
   * (AuditEntry.restated), under the admin who decided it and its own reference, as its click would
   * have written it, so the audit search says that admin decided it, never could not tell, and never
   * that whoever touched it next did. Written from the request alone (decisionRequestId,
   * decidedByTeamId and decidedByEnterpriseId, written with the decision): no read on the toucher's
   * click. With that workspace's org, an Enterprise Grid org's admins' search finds it where it finds
   * the click's own records (HomeTab.recordedHere). A request marked before those were kept has none,
   * and its decision stays as its click recorded it.
   */
  private async restateDecision(decided: PendingRequest): Promise<void> {
    if (!decided.decisionRequestId || !decided.decidedBy) return;
    const approved = decided.status === 'APPROVED';
    // An approval hands out its finish under the reference the request holds now (decide's handedOut).
    const finish = approved ? (this.kinds.get(decided.kind)?.changeReference?.(decided) ?? decided.finishRequestId) : undefined;
    await this.trail.foundMade({
      ...this.auditStep('decide', { userId: decided.decidedBy, teamId: decided.decidedByTeamId ?? decided.requester.teamId, ...(decided.decidedByEnterpriseId && { enterpriseId: decided.decidedByEnterpriseId }) }, decided),
      requestId: decided.decisionRequestId,
      decision: approved ? 'approve' : 'deny',
      ...(decided.comment && { note: decided.comment }),
      ...(finish && { finishRequestId: finish }),
      ...(approved && decided.earlierFinishRequestId && { earlierFinishRequestId: decided.earlierFinishRequestId }),
    });
  }

  /**
   * After the requester's Home tab that read them is shown (so it never waits for Slack): each
   * request decided by a click that could not tell it was is followed up (followUpDecision), a few
   * at a time. `viewer`: whose tab it is.
   */
  followUpDecisions(requests: readonly PendingRequest[], viewer: Requester): Promise<void> {
    return this.afterShown(requests, (r) => this.decisionFollowUpsDue(r), (r) => this.followUpDecision(r, { touch: 'home tab', by: viewer.userId }), 'following up a decision failed');
  }

  /**
   * Its requester takes back a request still waiting for a decision (PENDING): theirs by the signed
   * user ID (never by the button's value alone: anyone else's click is refused and told nothing of
   * it), the attempt audited first (fail closed), then PENDING → WITHDRAWN by one conditional write,
   * so a withdraw and an admin's decision racing each other end with exactly one of them, and the
   * loser is told which won. Withdrawn, it leaves the queue (its list is its requester's), frees its
   * requester's open place, and its admins' message loses Review and says so.
   */
  async withdraw(
    requester: Requester,
    requestId: string,
    /** Where the click was: a message its handler rewrites with what came of it is never retired here. */
    clickedIn?: WithdrawPlace,
  ): Promise<{ ok: true; request: PendingRequest } | ApprovalFailure> {
    let request: PendingRequest;
    let toldByClick: boolean;
    try {
      const found = await this.deps.store.get(requestId);
      if (!found || !this.kinds.has(found.kind) || found.requester.userId !== requester.userId) {
        this.deps.logger.warn({ slackUserId: requester.userId, approvalRequestId: requestId }, "withdraw refused: not the person's own request");
        return { ok: false, code: 'REQUEST_INVALID' };
      }
      ({ request, toldByClick } = await this.expire(found, clickedIn));
    } catch (err) {
      return this.fail(err, { requester, step: 'withdraw', requestId });
    }
    // Decided by a click that could not tell it was: this one does what that one left undone.
    if (request.status !== 'PENDING') return this.notWithdrawable(await this.followUpDecision(request, { touch: 'withdraw', by: requester.userId }, clickedIn), toldByClick);
    const at = this.deps.clock.now().toISOString();
    let change: AuditedChange | undefined;
    let withdrawn: PendingRequest | undefined;
    try {
      change = await this.trail.begin(this.auditStep('withdraw', requester, request));
      // Conditional on its still waiting, and in time (as a decision is): past its time it expires instead.
      withdrawn = await this.move(request, ['PENDING'], 'WITHDRAWN', { decidedBy: requester.userId, decidedAt: at }, { inTimeAt: at });
    } catch (err) {
      // Withdrawn by this requester at this click's time is this withdraw's own (madeAfterAll).
      const made = change && (await this.madeAfterAll(err, request, 'withdraw', (now) => now.status === 'WITHDRAWN' && now.decidedBy === requester.userId && now.decidedAt === at));
      if (change && made && !(made instanceof LatchkeyFailure)) withdrawn = made;
      else {
        const failure = made ?? err;
        await change?.failed(asFailure(failure).code);
        return this.fail(failure, { requester, kind: request.kind, step: 'withdraw', requestId });
      }
    }
    if (!withdrawn) {
      // An admin's decision, or its time's end, came first: that stands, and the requester is told which.
      const now = await this.readBack(request, 'withdraw');
      // Gone (purged) since it was read: it cannot be found, as an admin's decision or revoke is told.
      if (now === null) {
        await change.failed('REQUEST_NOT_FOUND');
        return { ok: false, code: 'REQUEST_NOT_FOUND' };
      }
      // Read back past its time, and expiring it failed: as read it is out of date (still waiting,
      // its time gone), so where it stands is not known, as when the read fails.
      const current = now && (await this.expire(now, clickedIn).catch((err: unknown) => {
        this.warn(err, now, 'expiring a request whose withdraw was refused failed');
        return undefined;
      }));
      // Not read back: where it stands is not known, and the request as read before the write (still
      // waiting) is out of date: given to name it by, never to show where it stands.
      if (!current) {
        await change.failed('REQUEST_DECIDED');
        return { ok: false, code: 'REQUEST_DECIDED', request, unread: true };
      }
      const lost = this.notWithdrawable(await this.followUpDecision(current.request, { touch: 'withdraw', by: requester.userId }, clickedIn), current.toldByClick);
      await change.failed(lost.code);
      return lost;
    }
    await change.succeeded();
    this.deps.logger.info({ approvalRequestId: withdrawn.id, kind: withdrawn.kind, slackUserId: requester.userId }, 'request withdrawn by its requester');
    // Withdrawn elsewhere (their Home tab), the DM that said it was sent says so too, without Withdraw.
    await Promise.all([this.refresh(withdrawn), sameMessage(withdrawn.sentMessage, clickedIn) ? undefined : this.retireSentMessage(withdrawn, 'withdrawn')]);
    return { ok: true, request: withdrawn };
  }

  /** Why a withdraw found its request no longer waiting: expired, withdrawn already, or decided (the request says how). */
  private notWithdrawable(request: PendingRequest, toldByClick = false): ApprovalFailure {
    const code: FailureCode = request.status === 'EXPIRED' ? 'REQUEST_EXPIRED' : request.status === 'WITHDRAWN' ? 'REQUEST_WITHDRAWN' : 'REQUEST_DECIDED';
    return { ok: false, code, request, ...(toldByClick && { toldByClick: true as const }) };
  }

  /**
   * A click that expired its request and was to tell its requester so (toldByClick), whose answer
   * reached nobody (the DM's rewrite and the ephemeral both failed; on the Home tab, its modal
   * showed nothing): they are told in a new DM, in the words that answer had (the request is marked
   * expiredAtWithdraw), and the DM that said it was sent loses Withdraw, saying the same (as expire()
   * and file() rewrite it). Never throws.
   */
  async tellUnansweredExpiry(request: PendingRequest): Promise<void> {
    if (request.status !== 'EXPIRED') return;
    this.deps.logger.warn({ approvalRequestId: request.id, kind: request.kind }, "the click's answer reached nobody: its expiry told in a new DM");
    await Promise.all([this.tellInFinishMessage(request), this.retireSentMessage(request, this.sentMessageNotice(request))]);
  }

  /**
   * An admin takes back the approval of a request its requester has yet to finish (APPROVED, of a
   * kind that hands over: one whose approval applies the change has nothing left to take back):
   * admin rights asked again from the signed user ID, never their own request, the attempt audited
   * first (fail closed), then APPROVED → REVOKED by one conditional write, so a revoke and its
   * requester's finish (which takes it APPROVED → FINISHING) racing each other end with exactly one
   * of them, and the loser is told which won. Revoked, its Finish button changes nothing, its
   * requester is told (and their open place is free: asking again goes to the admins anew), and its
   * admins' message says so.
   */
  async revoke(admin: Requester, requestId: string): Promise<RevokeOutcome> {
    let request: PendingRequest;
    try {
      request = await this.expireIfDue(await this.loadForReviewer(admin, requestId));
    } catch (err) {
      return this.fail(err, { requester: admin, step: 'revoke', requestId });
    }
    // Revoked by a click that could not tell it was (its write's answers lost, its read-back failed):
    // this click does what that one left undone.
    if (request.status === 'REVOKED' && request.revokeFollowUpsDue) return this.followUpRevoke(admin, request);
    // Decided by a click that could not tell it was: this one does what that one left undone.
    if (!this.revocable(request)) return this.notRevocable(await this.followUpDecision(request, { touch: 'revoke', by: admin.userId }));
    // Approved by a click that could not tell it was, and nobody told its requester since: this revoke
    // takes that approval's follow-ups in its own write, so they are told once, of both (never later
    // that it was approved). As followUpDecision: on record as made first; not written, nothing changes.
    let untold = this.decisionFollowUpsDue(request);
    if (untold) {
      const { decisionFollowUpsDue: _taken, ...decided } = request;
      try {
        await this.restateDecision(decided);
      } catch (err) {
        return this.fail(err, { requester: admin, kind: request.kind, step: 'revoke', requestId });
      }
    }
    const at = this.deps.clock.now().toISOString();
    let change: AuditedChange | undefined;
    let revoked: PendingRequest | undefined;
    try {
      // Approved again after a finish whose outcome was unknown: on record, so every line of this revoke says that earlier change may have been made.
      change = await this.trail.begin({ ...this.auditStep('revoke', admin, request), ...(request.earlierFinishRequestId && { earlierFinishRequestId: request.earlierFinishRequestId }) });
      // Conditional on its still waiting for its requester, and in time: past its time it expires
      // instead. Not on its finish reference: a finish that sent nothing gives the same approval
      // back under a new one (giveBack), and it is still this approval the admin revokes.
      // With what is left to do after it (revokeFollowUpsDue), in the same write: a click that cannot
      // tell whether it was made leaves them to the next click that finds it made.
      const changes = { revokedBy: admin.userId, revokedAt: at, revokeFollowUpsDue: true };
      // Taking an untold approval's follow-ups, kept with it: a click after this one, doing the revoke's
      // follow-ups, tells its requester of both as this one would have.
      revoked = await this.move(request, ['APPROVED'], 'REVOKED', { ...changes, ...(untold && { approvalUntold: true }) }, { inTimeAt: at, ...(untold && { takesDecisionFollowUps: request.decidedAt }) });
      if (!revoked && untold) {
        // That approval's follow-ups taken by another touch first (its requester told of it): revoked as any approval.
        const now = await this.deps.store.get(request.id);
        if (now && this.revocable(now) && !this.decisionFollowUpsDue(now) && now.decidedAt === request.decidedAt) {
          untold = false;
          revoked = await this.move(now, ['APPROVED'], 'REVOKED', changes, { inTimeAt: at });
        }
      }
    } catch (err) {
      // The write may have been made with every answer to it lost: read back, revoked by this admin
      // at this click's time is this revoke's own, and it is told and recorded as one. Its read-back
      // failing is logged (readBack); nothing there (purged) tells no more than a read that failed.
      const now = change ? await this.readBack(request, 'revoke') : undefined;
      if (change && !now) {
        // Neither its answer nor the read-back tells: it may have been made, and is on record so, never as having changed nothing.
        const unknown = new LatchkeyFailure('STORE_OUTCOME_UNKNOWN', `revoke write unanswered and read-back failed: ${asFailure(err).code}`, { cause: err });
        await change.failed(unknown.code);
        return this.fail(unknown, { requester: admin, kind: request.kind, step: 'revoke', requestId });
      }
      if (!change || now?.status !== 'REVOKED' || now.revokedBy !== admin.userId || now.revokedAt !== at) {
        await change?.failed(asFailure(err).code);
        return this.fail(err, { requester: admin, kind: request.kind, step: 'revoke', requestId });
      }
      revoked = now;
    }
    if (!revoked) {
      // Its requester's finish, another admin's revoke, or its time's end came first: that stands, and
      // the admin is told which. Read approved again, it was taken to finish when the write was made,
      // and is approved again since (that finish sent nothing and gave it back, or an admin approved
      // it again): the admin is told the finish had started, and that it can be revoked now.
      // Read back, nothing there is not a read that failed: gone (purged), it cannot be found.
      const now = await this.readBack(request, 'revoke');
      const current = now && (await this.expireIfDue(now).catch(() => now));
      // Not read back: where it stands is not known, and the request as read before the write (still
      // approved) is out of date: given to name it by, never to show where it stands (unread).
      const lost: ApprovalFailure =
        current === null
          ? { ok: false, code: 'REQUEST_NOT_FOUND' }
          : !current
            ? { ok: false, code: 'REQUEST_DECIDED', request, unread: true }
            : this.revocable(current)
              ? { ok: false, code: 'FINISH_STARTED', request: current }
              : this.notRevocable(current);
      await change.failed(lost.code);
      return lost;
    }
    await change.succeeded();
    this.deps.logger.info({ approvalRequestId: revoked.id, kind: revoked.kind, slackUserId: admin.userId }, 'approval revoked by an admin');
    // Taken first, so a later click finding it revoked never tells them again. Not taken (the claim
    // not made): nobody is told, and the admin is told so, with a Revoke that does it.
    let claimed: boolean;
    try {
      claimed = await this.takeFollowUps(revoked, { of: 'revoke' });
    } catch (err) {
      return { ...this.fail(err, { requester: admin, kind: revoked.kind, step: 'revoke', requestId }), request: revoked };
    }
    // Not taken: another click took them, and tells them; whether its DM reached them is not known here.
    const told = claimed ? await (untold ? this.tellRevokedUntold(revoked) : this.tellRevoked(revoked)) : 'another click';
    return { ok: true, request: revoked, ...requesterTold(told) };
  }

  /**
   * An admin's Revoke that finds the approval revoked by a click that could not tell it was
   * (revokeFollowUpsDue still there): its requester is told, the admins' message rewritten and the
   * Finish DM retired now, once (whoever takes revokeFollowUpsDue first), audited first as a revoke
   * (fail closed: the audit attempt not written, nothing is done and a later click does it).
   */
  private async followUpRevoke(admin: Requester, request: PendingRequest): Promise<RevokeOutcome> {
    let change: AuditedChange;
    try {
      change = await this.beginRevokeFollowUps(admin, request);
    } catch (err) {
      // Revoked, but nobody told: never "already revoked", which would hide it.
      return { ...this.fail(err, { requester: admin, kind: request.kind, step: 'revoke', requestId: request.id }), request };
    }
    let claimed: boolean;
    try {
      claimed = await this.takeFollowUps(request, { of: 'revoke' });
    } catch (err) {
      await change.failed(asFailure(err).code);
      return { ...this.fail(err, { requester: admin, kind: request.kind, step: 'revoke', requestId: request.id }), request };
    }
    if (!claimed) {
      // A failure, unlike the requester's Finish's refusal (followUpRevokeOnFinish): this admin did try a revoke, lost as any Revoke losing a race is recorded.
      await change.failed('APPROVAL_REVOKED');
      return this.notRevocable(request);
    }
    await change.succeeded();
    const { revokeFollowUpsDue: _done, ...revoked } = request;
    this.deps.logger.info({ approvalRequestId: revoked.id, kind: revoked.kind, slackUserId: admin.userId }, 'revoke found made: its requester and admins told now');
    // That revoke took an approval its requester never heard of: told of both, as its own click would have.
    const told = await (revoked.approvalUntold ? this.tellRevokedUntold(revoked) : this.tellRevoked(revoked));
    return { ok: true, request: revoked, followUp: true, ...requesterTold(told) };
  }

  /** The audit attempt of a revoke's follow-ups: on record as that admin's revoke's (revokedBy), never as the clicker's own. */
  private beginRevokeFollowUps(clicker: Requester, request: PendingRequest): Promise<AuditedChange> {
    return this.trail.begin({
      ...this.auditStep('revoke', clicker, request),
      ...(request.earlierFinishRequestId && { earlierFinishRequestId: request.earlierFinishRequestId }),
      ...(request.revokedBy && { revokedBy: request.revokedBy }),
    });
  }

  /**
   * The requester's Finish that finds the approval revoked by a click that could not tell it was
   * (revokeFollowUpsDue still there): taken off once, as an admin's next Revoke would, then the
   * admins' message says so and the Finish DM is retired. Their click's answer tells them, so no DM
   * more. Audited as an admin's follow-up is (the revoke's action, naming whose revoke it was), under
   * the requester whose click did them; fail closed: the attempt not written, nothing is done. A
   * failure is reported as the admin path's is (our own fault raises an alert), and the follow-ups
   * stay due for the next click that finds them.
   */
  private async followUpRevokeOnFinish(requester: Requester, request: PendingRequest): Promise<void> {
    let change: AuditedChange;
    try {
      change = await this.beginRevokeFollowUps(requester, request);
    } catch (err) {
      this.report(err, requester, request.id, 'revoke');
      return;
    }
    let claimed: boolean;
    try {
      claimed = await this.takeFollowUps(request, { of: 'revoke' });
    } catch (err) {
      await change.failed(this.report(err, requester, request.id, 'revoke').code);
      return;
    }
    if (!claimed) {
      // Another click took them first: this Finish was turned away by the revoke before it did
      // anything, a refusal. Never a revoke's failure under the requester, read as their revoke tried.
      await change.refused('APPROVAL_REVOKED');
      return;
    }
    await change.succeeded();
    const { revokeFollowUpsDue: _done, ...revoked } = request;
    this.deps.logger.info({ approvalRequestId: revoked.id, kind: revoked.kind, slackUserId: revoked.requester.userId }, 'revoke found made by its requester\'s finish: admins told now');
    await Promise.all([this.refresh(revoked), this.retireFinishMessage(revoked)]);
  }

  /**
   * Takes a move's follow-ups (claimFollowUps: a revoke's, or a decision's), one rule for every
   * caller: true, this caller does them; false, another did. A claim whose answer and read-back were
   * both lost counts as taken: told twice at worst, never not at all. Throws when it was not made:
   * they stay due.
   */
  private async takeFollowUps(request: PendingRequest, which: FollowUps): Promise<boolean> {
    try {
      return await this.deps.store.claimFollowUps(request.id, which);
    } catch (err) {
      if (asFailure(err).code !== 'STORE_OUTCOME_UNKNOWN') throw err;
      this.warn(err, request, `taking the ${which.of} follow-ups not confirmed: done all the same`);
      return true;
    }
  }

  /**
   * A revoke's follow-ups: the admins' message says so, and its requester is told in their Finish
   * DM, rewritten (the notice once, where the button was); in a new DM only when that DM is not
   * kept or its rewrite fails. True when Slack confirmed one of them.
   */
  private async tellRevoked(revoked: PendingRequest): Promise<boolean> {
    const [, told] = await Promise.all([this.refresh(revoked), this.tellInFinishMessage(revoked)]);
    return told;
  }

  /**
   * A revoke that took an approval's follow-ups (its requester never heard of it): the admins'
   * message says so, its requester is told of both in one DM, in words for someone who never heard
   * of it (`approval_untold`), and the DM that said it was sent loses Withdraw. True when Slack
   * confirmed that DM.
   */
  private async tellRevokedUntold(revoked: PendingRequest): Promise<boolean> {
    this.deps.logger.info({ approvalRequestId: revoked.id, kind: revoked.kind, decidedBy: revoked.decidedBy }, 'decision found made as its approval was revoked: its requester told of both now');
    const [, dm] = await Promise.all([
      this.refresh(revoked),
      this.deps.announcer.tellRequester(revoked, 'approval_untold').catch((err: unknown) => this.warn(err, revoked, 'requester DM failed')),
      this.retireSentMessage(revoked, 'decided'),
    ]);
    return dm !== undefined;
  }

  /**
   * Tells the requester what became of an approval they were to finish (revoked, expired) once: in
   * their Finish DM, rewritten without the button, where it is kept; in a new DM only when it is
   * not kept or its rewrite fails. True when Slack confirmed the one or the other.
   */
  private async tellInFinishMessage(request: PendingRequest): Promise<boolean> {
    if (request.finishMessage) {
      try {
        await this.deps.announcer.rewriteFinishMessage(request);
        return true;
      } catch (err) {
        this.warn(err, request, 'finish DM rewrite failed: told in a new DM');
      }
    }
    const dm = await this.deps.announcer.tellRequester(request).catch((err: unknown) => this.warn(err, request, 'requester DM failed'));
    return dm !== undefined;
  }

  /**
   * Tells the requester of a decision; an approval they finish themselves (its DM holds the Finish
   * button) is kept where it is, so a revoke or its expiry rewrites that DM in place. True only when
   * the DM was sent and Slack said where it is.
   */
  private async tellApproved(request: PendingRequest): Promise<boolean> {
    let dm: { channel: string; ts: string } | void;
    try {
      dm = await this.deps.announcer.tellRequester(request);
    } catch (err) {
      this.warn(err, request, 'requester DM failed');
      return false;
    }
    try {
      const kept = dm && request.status === 'APPROVED' && this.handsOver(request) ? await this.deps.store.attachFinishMessage(request.id, dm) : undefined;
      // Revoked or expired while the DM was on its way: that move found no Finish DM to rewrite and
      // told its requester in a new DM, so this one is rewritten now, as it would have been, without
      // its button; never a new DM again (a failed rewrite is only logged).
      if (kept && (kept.status === 'REVOKED' || kept.status === 'EXPIRED')) await this.retireFinishMessage(kept);
    } catch (err) {
      this.warn(err, request, 'where the requester DM is not kept');
    }
    // Slack's answer without where the DM is: not known to be sent, so a completion still tells them.
    return dm !== undefined;
  }

  /** A Finish button that can no longer be used (revoked, expired) says so in its own DM, not only in a new one. */
  private async retireFinishMessage(request: PendingRequest): Promise<void> {
    if (request.finishMessage) await this.deps.announcer.rewriteFinishMessage(request).catch((err: unknown) => this.warn(err, request, 'finish DM rewrite failed'));
  }

  /**
   * Decided, expired or withdrawn, a request can no longer be withdrawn: the DM that said it was
   * sent stops offering it (a click on it as it was is told why there was nothing to withdraw).
   * True when that DM was rewritten; a failure is only logged.
   */
  private async retireSentMessage(request: PendingRequest, notice: SentMessageNotice): Promise<boolean> {
    if (!request.sentMessage) return false;
    return this.deps.announcer.rewriteSentMessage(request, notice).then(
      () => true,
      (err: unknown) => {
        this.warn(err, request, 'sent DM rewrite failed');
        return false;
      },
    );
  }

  /** Why a revoke found nothing to take back: its finish started (or ended), revoked already, expired, or never approved to finish (the request says how). */
  private notRevocable(request: PendingRequest): ApprovalFailure {
    const code: FailureCode =
      // Its requester's finish took it: for a kind whose approval applies the change, there was never a finish to revoke.
      this.handsOver(request) && (request.status === 'FINISHING' || request.status === 'APPLIED' || request.status === 'APPLY_FAILED')
        ? 'FINISH_STARTED'
        : request.status === 'REVOKED'
          ? 'APPROVAL_REVOKED'
          : request.status === 'EXPIRED'
            ? 'REQUEST_EXPIRED'
            : request.status === 'WITHDRAWN'
              ? 'REQUEST_WITHDRAWN'
              : 'REQUEST_DECIDED';
    return { ok: false, code, request, ...this.unknownAt(request) };
  }

  /**
   * Whether an admin can revoke its approval now: approved, of a kind whose requester finishes it
   * (as the kind declares: handOver), not yet taken to finish, and in time.
   */
  private revocable(request: PendingRequest): boolean {
    return request.status === 'APPROVED' && this.handsOver(request) && !this.isDue(request);
  }

  /**
   * Live requests waiting for a decision, oldest first, of every kind. Those past their time are
   * left out as they are read (`expiring`: expired after the list is shown, expireDue, so no Home
   * tab waits for their writes and messages, and they leave the queue for good), and reading goes
   * on past them until `limit` live ones are found: expired requests never crowd out live ones.
   * The approved ones waiting for their requester, on the same list, are given apart (`approved`).
   */
  async waiting(limit: number): Promise<Waiting> {
    const live: PendingRequest[] = [];
    const approved: PendingRequest[] = [];
    const expiring: PendingRequest[] = [];
    let after: string | undefined;
    let read = 0;
    do {
      const page = await this.deps.store.pending(QUEUE_PAGE, after);
      read += page.requests.length;
      expiring.push(...page.requests.filter((r) => this.isDue(r)));
      live.push(...page.requests.filter((r) => !this.isDue(r) && r.status !== 'APPROVED'));
      approved.push(...page.requests.filter((r) => this.kinds.has(r.kind) && this.revocable(r)));
      after = page.next;
    } while (after && live.length < limit && read < QUEUE_READ_MAX);
    return { requests: live.slice(0, limit), expiring, approved: { requests: approved, atLeast: after !== undefined } };
  }

  /**
   * Changes whose outcome is unknown (a finish or an apply that died midway), oldest first, which
   * only an admin's new decision moves on: read from the few changes under way, never from every
   * request.
   */
  unfinished(): Promise<Listed> {
    return this.listed((size, after) => this.deps.store.underway(size, after), (r) => this.finishUnknown(r));
  }

  /**
   * Changes that failed and wait for an admin to retry them (approve again) or deny them, oldest
   * first: read from the list of failed changes (listed by the write that failed them, taken off
   * by the retry or denial), never from every request. A request failed before that list was kept
   * is not in it.
   */
  async awaitingRetry(): Promise<AwaitingRetry> {
    const failed = await this.listed((size, after) => this.deps.store.awaitingRetry(size, after), (r) => r.status === 'APPLY_FAILED' && !this.handsOver(r));
    // Past its request's time, a failed change is retried no more (as a request nobody decided
    // expires): its requester may have asked anew. Left out as read; taken off the list, and its
    // requester told, after the list is shown (closeLapsedRetries), so no Home tab waits for that.
    return { ...failed, requests: failed.requests.filter((r) => this.decidable(r)), lapsed: failed.requests.filter((r) => this.retryLapsed(r)) };
  }

  /** The requests of a list of few (read page by page, up to QUEUE_READ_MAX) of a served kind that `keep` keeps, oldest first. */
  private async listed(read: (pageSize: number, after?: string) => Promise<PendingPage>, keep: (r: PendingRequest) => boolean): Promise<Listed> {
    const found: PendingRequest[] = [];
    let after: string | undefined;
    let count = 0;
    do {
      const page = await read(QUEUE_PAGE, after);
      count += page.requests.length;
      found.push(...page.requests.filter((r) => this.kinds.has(r.kind) && keep(r)));
      after = page.next;
    } while (after && count < QUEUE_READ_MAX);
    return { requests: found, atLeast: after !== undefined };
  }

  /**
   * The person's own requests, newest first: the ones holding their open places (read by key,
   * never by scanning the queue), the ones whose change is under way or waits for a retry, and the
   * ones decided. Those waiting past their time are shown EXPIRED, as read, and marked `expiring`
   * to be expired after (expireDue); a failed change past its request's time is shown as not
   * decidable, and, while still listed as failed, given in `lapsed` (shown among the newest or
   * not) to be closed after (closeLapsedRetries). Reading writes nothing, so the tab never waits
   * for Slack or a write.
   */
  async mine(requester: Requester, limit: number): Promise<OwnRequests> {
    const [held, underway, failed, decided] = await Promise.all([
      this.deps.store.heldBy(requester.userId),
      this.deps.store.underwayOf(requester.userId),
      this.deps.store.awaitingRetryOf(requester.userId),
      this.deps.store.decidedOf(requester.userId, limit),
    ]);
    const byId = new Map<string, PendingRequest>();
    for (const r of [...decided, ...underway, ...failed, ...held]) byId.set(r.id, r);
    const read = [...byId.values()];
    const requests = [...read]
      .sort((a, b) => compareText(b.createdAt, a.createdAt))
      .slice(0, limit)
      .map((r): OwnRequest => {
        // Its expiry is a conditional write expireDue makes after: a decision is refused all the same, by decide's own read.
        if (this.isDue(r)) return { ...r, status: 'EXPIRED', decidable: false };
        return { ...r, decidable: this.decidable(r) };
      });
    // From every one read, before the slice: an older failed change is closed too, and an older
    // request still holding its requester's open place past its time (one never finished) expired.
    return {
      requests,
      lapsed: failed.filter((r) => this.retryLapsed(r)),
      expiring: read.filter((r) => this.isDue(r)),
      // Past its time, an approval still to finish is expired instead, which tells its requester.
      decidedUntold: read.filter((r) => this.decisionFollowUpsDue(r) && !this.isDue(r)),
    };
  }

  /** These requests as they stand now (those still stored), for the audit search's lines: where each ended. */
  async standing(ids: readonly string[]): Promise<(PendingRequest & { readonly decidable: boolean })[]> {
    const found = await Promise.all([...new Set(ids)].map((id) => this.deps.store.get(id)));
    return found.filter((r): r is PendingRequest => r !== undefined).map((r) => ({ ...r, decidable: this.decidable(r) }));
  }

  /**
   * Before a Home tab that read them is drawn, so that it shows the truth as soon as it is known:
   * each among `requests` whose apply's outcome is unknown here (finishUnknown), its message not yet
   * shown so (the first read past the bound), whose outcome is on the audit record (only its final
   * status write lost), is settled by that apply's own conditional write (settleQuietly, as Review
   * and a decision settle it), so the tab draws it as it stands: applied, or a failed change to
   * retry, never "outcome unknown". The cost falls only on such requests, which are rare: one read
   * of the record each (a Query a day since it was made, at once) and, when it shows an outcome, one
   * write; a tab with none makes no call. Nobody is told here (the tab never waits for Slack):
   * tellSettled tells of those this read settled after the tab is shown. One whose record shows no
   * apply began (neverApplied) is drawn as never applied, nothing sent, and its message's rewrite
   * (showUnknown) records that with it (PendingRequest.neverAppliedFor), so every later line says it
   * with no read of the record. Never throws: a record not read, or a write that failed, leaves the
   * request as read (shown unknown), and its message's rewrite records that (shownUnreadFor) instead
   * of its state as shown, so the next read (a Home tab's, /request-license's) reads it again, and
   * none rewrites the message again while the record still cannot be read.
   */
  async settleOnRead(requests: readonly PendingRequest[]): Promise<SettledOnRead> {
    const due = [...new Map(requests.filter((r) => this.unknownNotYetShown(r)).map((r) => [r.id, r])).values()];
    const standing: OwnRequest[] = [];
    const settled: SettledOnRecord[] = [];
    const found: OwnRequest[] = [];
    await aFewAtATime(due, WRITES_AT_ONCE, async (r) => {
      const state = messageState(r);
      const record = await this.applyOnRecord(r);
      const moved = await this.settleQuietly(r, record);
      if (moved && messageState(moved.request) !== state) {
        standing.push({ ...moved.request, decidable: this.decidable(moved.request) });
        if (moved.ours) settled.push(moved.ours);
        return;
      }
      // Unmoved, shown as read, with what this read found, for its message's rewrite to record: nothing
      // sent (said so from now on), or the record not read, or its outcome not written (read again next time).
      const { shownUnreadFor: _, ...asRead } = r;
      const unread = record?.shows === 'unread' || record?.shows === 'success' || record?.shows === 'failure';
      found.push({ ...asRead, ...(this.neverApplied(r, record) && { neverAppliedFor: state }), ...(unread && { shownUnreadFor: state }), decidable: this.decidable(r) });
    });
    return { standing, settled, found };
  }

  /**
   * An apply whose outcome is unknown here, its message not yet shown so: the one test of which
   * requests settleOnRead and showUnknown take, so the two always agree.
   */
  private unknownNotYetShown(r: PendingRequest): boolean {
    return this.finishUnknown(r) && r.messageShownFor !== messageState(r);
  }

  /**
   * Once a read's answer is shown (a Home tab, /request-license), so that it never waits for Slack:
   * what its settleOnRead left to do (showUnknown and tellSettled), each whatever the other did.
   * Nothing to do, no call. Throws the first failure once both have ended.
   */
  async afterRead({ requests, settled }: AfterRead): Promise<void> {
    const ended = await Promise.allSettled([requests.length > 0 ? this.showUnknown(requests) : undefined, settled.length > 0 ? this.tellSettled(settled) : undefined]);
    const failed = ended.find((e): e is PromiseRejectedResult => e.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * After the Home tab that settled them is shown (settleOnRead): the requester and the admins'
   * message of each are told, as the apply's own click would have, by this writer only, a few at a time.
   */
  async tellSettled(settled: readonly SettledOnRecord[]): Promise<void> {
    await aFewAtATime(settled, WRITES_AT_ONCE, (s) => this.tellSettledOne(s));
  }

  /**
   * After the person's own requests are shown (so their Home tab never waits for Slack): the admins'
   * message of each whose change's outcome is unknown is rewritten to show it so, with Review, once
   * for each state it is in, whichever process and admin reads it first (claimed on the request as
   * read, claimMessageRewrite, so a read older than the request's latest move rewrites nothing over
   * what that move showed, and read again once Slack took it, so a move made meanwhile is shown last;
   * recorded as shown once Slack took it; a failed rewrite is given back,
   * and the claim of a process that died before its rewrite lapses, to be taken on a later read),
   * and a few at a time: an admin's open can find up to QUEUE_READ_MAX of them. An apply whose
   * outcome is on the audit record was settled from it before the tab was drawn (settleOnRead, as
   * the Home tab reads them), so `requests` are as that left them, and it is never shown unknown.
   */
  async showUnknown(requests: readonly PendingRequest[]): Promise<void> {
    const due = requests.filter((r) => this.unknownNotYetShown(r));
    await aFewAtATime(due, WRITES_AT_ONCE, async (r) => {
      const state = messageState(r);
      // Its record not read (settleOnRead): this rewrite is recorded as that (shownUnreadFor), made once
      // while it stays so, and the one after a read of the record is another.
      const key = `${r.id} ${state}${r.shownUnreadFor === state ? ' unread' : ''}`;
      // Read twice in one open (the person's own and the admins' list), or rewritten by this process already.
      if (this.shownUnknown.has(key)) return;
      if (this.shownUnknown.size >= SHOWN_UNKNOWN_MAX) this.shownUnknown.clear();
      this.shownUnknown.add(key);
      let claim: MessageRewriteClaim;
      try {
        claim = await this.deps.store.claimMessageRewrite(r, state);
      } catch (err) {
        this.shownUnknown.delete(key);
        this.warn(err, r, 'approvals message rewrite not recorded');
        return;
      }
      if (!claim.claimed) {
        // Shown since it was read, or another process's rewrite is under way: a later read looks again,
        // and takes it over if that process died before its rewrite. Or moved since it was read (decided,
        // settled, taken again): the message its move showed stands, never this older state.
        this.shownUnknown.delete(key);
        this.deps.logger.debug({ approvalRequestId: r.id, kind: r.kind }, 'approvals message rewrite not claimed');
        return;
      }
      try {
        await this.deps.announcer.refresh(r, this.decidable(r));
      } catch (err) {
        this.shownUnknown.delete(key);
        await claim.release();
        this.warn(err, r, 'approvals message update failed');
        return;
      }
      // Not recorded: the claim lapses, and one more process may rewrite it the same. Recorded with
      // what it showed of the record: never applied, when settleOnRead found it so (neverAppliedFor).
      await claim.shown().catch((err: unknown) => this.warn(err, r, 'approvals message rewrite not recorded'));
      // Moved while Slack took the rewrite (decided, settled: the claim held then): this older state
      // may have landed over what that move showed, so the message shows the request as it stands.
      const now = await this.deps.store.get(r.id).catch((err: unknown) => this.warn(err, r, 'approvals message rewrite not checked'));
      if (now && messageState(now) !== state) await this.refresh(now);
    });
  }

  /**
   * A request past its time is closed for good (PENDING, or APPROVED and waiting for its
   * requester to finish it), the channel message shows it, and the requester is told.
   */
  async expireIfDue(
    request: PendingRequest,
    /**
     * Where a Withdraw click was, when one expires it: its answer (the message it was in, rewritten
     * by its handler, or its Home tab's modal) tells its requester it had already expired, so no new
     * DM says it again, and the DM that said it was sent says so too, once (the message clicked in
     * is never rewritten here).
     */
    clickedIn?: WithdrawPlace,
  ): Promise<PendingRequest> {
    return (await this.expire(request, clickedIn)).request;
  }

  /**
   * expireIfDue, and whether this very call expired it and left telling its requester to the
   * click's answer alone (no DM that said it was sent, other than the one clicked in, says so:
   * none kept, or its rewrite failed).
   */
  private async expire(request: PendingRequest, clickedIn?: WithdrawPlace): Promise<{ request: PendingRequest; toldByClick: boolean }> {
    if (!this.isDue(request) || request.status === UNKNOWN_STATUS) return { request, toldByClick: false };
    // Approved by a click that could not tell it was, and nobody told its requester since.
    if (this.decisionFollowUpsDue(request)) return this.expireUntold(request, clickedIn);
    // Expired waiting, it can no longer be withdrawn either (decided, that DM was retired then).
    const waited = request.status === 'PENDING';
    const byClick = waited && clickedIn !== undefined;
    // On record, so the DM that said it was sent, if kept only after this (file), says what came of the click.
    const expired = await this.move(request, [request.status], 'EXPIRED', byClick ? { expiredAtWithdraw: true } : {});
    if (!expired) {
      // Gone (purged) since it was read: it cannot be found, as a refused decision or withdraw is told
      // (readBack); never the request as read before, still waiting with its time past.
      const now = await this.readBack(request, 'expiry');
      if (now === null) throw new LatchkeyFailure('REQUEST_NOT_FOUND', 'request gone while its expiry was written');
      if (!now) throw new LatchkeyFailure('STORE_UNAVAILABLE', 'reading back a refused expiry failed');
      return { request: now, toldByClick: false };
    }
    const retire = waited && !!expired.sentMessage && !sameMessage(expired.sentMessage, clickedIn);
    const [, , rewritten] = await Promise.all([
      this.refresh(expired),
      byClick ? undefined : this.tellInFinishMessage(expired),
      retire ? this.retireSentMessage(expired, byClick ? 'expired_at_withdraw' : 'expired') : false,
    ]);
    // That DM's rewrite failed: the click's answer is the one tell left, as when there is none.
    return { request: expired, toldByClick: byClick && !rewritten };
  }

  /**
   * An approval to finish whose deciding click could not tell it was made (its follow-ups still
   * due), past its time before any touch told its requester of it: expired, and its follow-ups taken,
   * by one conditional write, so no later touch tells them it was approved. They are told once, in
   * words for someone who never heard of it (`approval_untold`: who approved it, when, and that it
   * expired), the admins' message says it expired, and the DM that said it was sent loses Withdraw
   * (but the one clicked in, whose handler rewrites it). As followUpDecision: the decision goes on
   * record as made first; not written, nothing is moved or told, and the error stands for this
   * touch (the next one tries again). Its follow-ups taken by another touch first (which told them
   * of the approval), it expires as any approval does.
   */
  private async expireUntold(request: PendingRequest & { readonly decidedAt: string }, clickedIn?: WithdrawPlace): Promise<{ request: PendingRequest; toldByClick: boolean }> {
    const { decisionFollowUpsDue: _taken, ...decided } = request;
    await this.restateDecision(decided);
    const expired = await this.move(request, ['APPROVED'], 'EXPIRED', {}, { takesDecisionFollowUps: request.decidedAt });
    if (!expired) {
      const now = await this.readBack(request, 'expiry');
      if (now === null) throw new LatchkeyFailure('REQUEST_NOT_FOUND', 'request gone while its expiry was written');
      if (!now) throw new LatchkeyFailure('STORE_UNAVAILABLE', 'reading back a refused expiry failed');
      // Still marked, it was not this that refused the write (moved on otherwise): never tried again here.
      return this.decisionFollowUpsDue(now) ? { request: now, toldByClick: false } : this.expire(now, clickedIn);
    }
    this.deps.logger.info({ approvalRequestId: expired.id, kind: expired.kind, decidedBy: expired.decidedBy }, 'decision found made as its approval expired: its requester told of both now');
    await Promise.all([
      this.refresh(expired),
      this.deps.announcer.tellRequester(expired, 'approval_untold').catch((err: unknown) => this.warn(err, expired, 'requester DM failed')),
      sameMessage(expired.sentMessage, clickedIn) ? undefined : this.retireSentMessage(expired, 'decided'),
    ]);
    return { request: expired, toldByClick: false };
  }

  /**
   * After a list that read them is shown (so no Home tab waits for DynamoDB or Slack): each request
   * among `requests` still waiting past its time is expired (expireIfDue: once, whoever reads it
   * first; its message rewritten and its requester told), a few at a time; a failure is only
   * logged, and the next read tries again.
   */
  expireDue(requests: readonly PendingRequest[]): Promise<void> {
    return this.afterShown(requests, (r) => this.isDue(r), (r) => this.expireIfDue(r), 'expiring a request failed');
  }

  /**
   * A failed change (for a kind the admin's click applies) past its request's time is retried no
   * more, as a request nobody decided expires: its requester's open place is free, and they may
   * have asked anew, so an old approval is never applied over it. It stays APPLY_FAILED (why it
   * failed, and whether the change may have been made, is kept), leaves the admins' list of failed
   * changes once (whoever reads it first), its message loses Review, and its requester is told to
   * ask again. `told`, only when this very close sent that DM: whether Slack confirmed it (so an
   * admin is told they were told only then, and else to tell them, as of every decision's DM).
   */
  private async closeLapsed(request: PendingRequest): Promise<{ request: PendingRequest; told?: boolean }> {
    if (!this.retryLapsed(request)) return { request };
    const closed = await this.move(request, ['APPLY_FAILED'], 'APPLY_FAILED', {}, { listedAsFailed: true });
    // Taken off already (or retried just before its time ended): as read, it is not decidable now.
    if (!closed) return { request };
    const [, told] = await Promise.all([
      this.refresh(closed),
      this.deps.announcer.tellRequester(closed).then(
        (dm) => dm !== undefined,
        (err: unknown) => {
          this.warn(err, closed, 'requester DM failed');
          return false;
        },
      ),
    ]);
    return { request: closed, told };
  }

  /**
   * After a list that read them is shown (so no Home tab waits for Slack or DynamoDB): each failed
   * change among `requests` past its request's time is closed (closeLapsed), a few at a time;
   * a failure is only logged, and the next read tries again.
   */
  closeLapsedRetries(requests: readonly PendingRequest[]): Promise<void> {
    return this.afterShown(requests, (r) => this.retryLapsed(r), (r) => this.closeLapsed(r), 'closing a lapsed failed change failed');
  }

  /** What follows a shown list: `act` on each of `requests` that `due` picks, once each, a few at a time; a failure is logged. */
  private async afterShown(
    requests: readonly PendingRequest[],
    due: (request: PendingRequest) => boolean,
    act: (request: PendingRequest) => Promise<unknown>,
    failed: string,
  ): Promise<void> {
    const once = new Map(requests.filter(due).map((r) => [r.id, r]));
    await aFewAtATime([...once.values()], WRITES_AT_ONCE, (r) =>
      act(r).then(
        () => undefined,
        (err: unknown) => this.warn(err, r, failed),
      ),
    );
  }

  /**
   * Takes a handed-over request for its requester to finish: theirs, approved and in time, and
   * moved APPROVED → FINISHING by one conditional write before anything changes. Only one click
   * ever takes it, and expiry (which moves only APPROVED) can no longer close it under the change.
   */
  async takeToFinish(requester: Requester, requestId: string, kind: string): Promise<{ ok: true; request: PendingRequest } | ApprovalFailure> {
    try {
      const found = await this.deps.store.get(requestId);
      // By the signed user ID: nobody else's click can finish someone's approved request.
      if (!found || found.kind !== kind || found.requester.userId !== requester.userId) return { ok: false, code: 'REQUEST_INVALID' };
      const request = await this.expireIfDue(found);
      if (this.finishUnknown(request)) {
        // Their earlier finish died midway: the admins' message shows it so, with Review; they are told to ask an admin.
        await this.refresh(request);
        return { ...this.notFinishable(request), decidable: true };
      }
      // Revoked by a click that could not tell it was: this Finish does what it left undone.
      if (request.status === 'REVOKED' && request.revokeFollowUpsDue) await this.followUpRevokeOnFinish(requester, request);
      if (request.status !== 'APPROVED') return this.notFinishable(request);
      // Listed as under way until it settles (listing), so a finish that dies midway is found (unfinished).
      const taken = await this.move(request, ['APPROVED'], 'FINISHING', { takenAt: this.deps.clock.now().toISOString() });
      if (taken) return { ok: true, request: taken };
      // Another click, or expiry, got there first: say which.
      return this.notFinishable((await this.deps.store.get(request.id)) ?? request);
    } catch (err) {
      return this.fail(err, { requester, kind, step: 'finish', requestId });
    }
  }

  /**
   * Settles a request its requester took to finish: FINISHING → APPLIED (or APPLY_FAILED), once.
   * A failed one gives its requester's open place back (its time ends now): its approval is used
   * and nobody can retry it, so they can ask again at once. `request` is the request as taken:
   * only that take is settled. A slow finish that an admin approved again past the bound (and its
   * requester may have taken again) settles nothing: the newer finish's outcome stands, and this
   * one's change stays in the audit under its own reference (undefined: not settled). Throws when
   * the write fails: the take stays under way, and comes back to the admins if it is never settled.
   */
  async finished(request: PendingRequest, failed?: FailureCode, reason?: string): Promise<PendingRequest | undefined> {
    const settled = await this.move(
      request,
      ['FINISHING'],
      failed ? 'APPLY_FAILED' : 'APPLIED',
      failed ? { errorCode: failed, ...(reason !== undefined && { errorReason: reason }), expiresAt: this.deps.clock.now().toISOString() } : {},
      { sameFinish: { finishRequestId: request.finishRequestId } },
    );
    if (!settled) {
      this.deps.logger.warn(
        { approvalRequestId: request.id, kind: request.kind, finishRequestId: request.finishRequestId, outcome: failed ?? 'APPLIED' },
        'finished request not settled: decided again since it was taken',
      );
    }
    if (settled) await this.refresh(settled);
    return settled;
  }

  /**
   * Gives a request its requester took to finish back to them, when their finish sent nothing (it
   * was refused before the change: too little of its work order's time left): FINISHING →
   * APPROVED, once, only for that take (the same finishRequestId) and only while its time to
   * finish runs (expiresAt, unchanged). It gets a new finishRequestId, so the next take is audited
   * under a reference of its own: the refused finish's attempt stays used, and a click is still
   * taken, and changes anything, once. Undefined when it was not given back (moved since, or past
   * its time): the caller settles it as a failed finish.
   */
  async giveBack(request: PendingRequest): Promise<PendingRequest | undefined> {
    const now = this.deps.clock.now();
    const back = await this.move(request, ['FINISHING'], 'APPROVED', { finishRequestId: newRequestId(now) }, { sameFinish: { finishRequestId: request.finishRequestId }, inTimeAt: now.toISOString() }, now);
    if (back) await this.refresh(back);
    return back;
  }

  private notFinishable(request: PendingRequest): ApprovalFailure {
    const code: FailureCode =
      request.status === 'EXPIRED'
        ? 'REQUEST_EXPIRED'
        : request.status === 'FINISHING' || request.status === 'APPLIED' || request.status === 'APPLY_FAILED'
          ? 'REQUEST_ALREADY_USED'
          : request.status === 'REVOKED'
            ? 'APPROVAL_REVOKED'
            : 'REQUEST_INVALID';
    return { ok: false, code, request };
  }

  /**
   * APPROVED → APPLIED, or APPLY_FAILED with the reason (an admin may approve again to retry): listed
   * among the failed changes, in the same write, until an admin retries or denies it (awaitingRetry).
   */
  private async apply(reviewer: Requester, approved: PendingRequest, change: (request: PendingRequest) => Promise<void>): Promise<{ request: PendingRequest; written: boolean }> {
    // `written`: its final status write made. Not made, the request is what it would have made, for
    // its click to show and tell, and the audit record settles the request later (settleFromRecord).
    const settle = async (status: 'APPLIED' | 'APPLY_FAILED', errorCode?: FailureCode) => {
      const settled = await this.settleApply(approved, status, errorCode);
      return settled ? { request: settled, written: true } : { request: { ...approved, status, errorCode }, written: false };
    };
    let audited: AuditedChange;
    try {
      audited = await this.trail.begin(this.auditStep('apply', reviewer, approved));
    } catch (err) {
      return settle('APPLY_FAILED', this.report(err, reviewer, approved.id).code);
    }
    try {
      await change(approved);
    } catch (err) {
      const failure = this.report(err, reviewer, approved.id);
      await audited.failed(failure.code);
      return settle('APPLY_FAILED', failure.code);
    }
    await audited.succeeded();
    this.deps.logger.info({ approvalRequestId: approved.id, kind: approved.kind, slackUserId: reviewer.userId }, 'approved request applied');
    return settle('APPLIED');
  }

  /**
   * An apply's final status write, APPROVED → APPLIED or APPLY_FAILED (conditional: once, whoever
   * writes it); undefined when not written (moved since, or the write failed).
   */
  private async settleApply(approved: PendingRequest, status: 'APPLIED' | 'APPLY_FAILED', errorCode?: FailureCode, condition?: TransitionCondition): Promise<PendingRequest | undefined> {
    const written = await this.writeApplyOutcome(approved, status, errorCode, condition);
    if (written?.pastTime) await this.tellPastTime(written.request);
    return written?.request;
  }

  /**
   * settleApply's write alone: `pastTime` when its request's time had ended then (as listing
   * ruled it, at the same moment), whose requester its writer must tell (tellPastTime).
   */
  private async writeApplyOutcome(approved: PendingRequest, status: 'APPLIED' | 'APPLY_FAILED', errorCode?: FailureCode, condition?: TransitionCondition): Promise<SettledOnRecord | undefined> {
    const at = this.deps.clock.now();
    const settled = await this.move(approved, ['APPROVED'], status, { errorCode }, condition, at).catch((err: unknown) => {
      this.warn(err, approved, 'writing an apply\'s outcome on the request failed');
      return undefined;
    });
    if (!settled) return undefined;
    return { request: settled, ...(settled.status === 'APPLY_FAILED' && this.retryLapsed(settled, at) && { pastTime: true as const }) };
  }

  /**
   * Failed past its request's time: retried no more, and on no list a read would close it from, so
   * its requester is told now to ask again (in words of their own: approved in time, it could not
   * be applied before the time ended).
   */
  private async tellPastTime(settled: PendingRequest): Promise<void> {
    await this.deps.announcer.tellRequester(settled, 'failed_past_time').catch((err: unknown) => this.warn(err, settled, 'requester DM failed'));
  }

  /**
   * An approval left APPROVED, its outcome unknown, whose apply's outcome is on record (its change
   * made or failed, only the request's final status write lost): settled now as that apply would
   * have, by the same conditional write (also on its decision being the one past the bound: never
   * a newer one), and its requester and the admins' message told as that apply's click tells them,
   * by whichever reader writes it. Undefined when the record shows no outcome (or was not read):
   * it stays as it is, outcome unknown. Moved by another reader meanwhile: the request as it stands.
   */
  private async settleFromRecord(request: PendingRequest, record: ApplyRecord | undefined): Promise<PendingRequest | undefined> {
    const found = await this.settleQuietly(request, record);
    if (found?.ours) await this.tellSettledOne(found.ours);
    return found?.request;
  }

  /**
   * settleFromRecord's write, telling nobody: the request as it stands after it (as read when the
   * write failed or another moved it first), and `ours`, what this write settled, for whoever tells
   * of it (tellSettledOne). Undefined when the record shows no outcome (or was not read).
   */
  private async settleQuietly(request: PendingRequest, record: ApplyRecord | undefined): Promise<{ request: PendingRequest; ours?: SettledOnRecord } | undefined> {
    if (record?.shows !== 'success' && record?.shows !== 'failure') return undefined;
    const status = record.shows === 'success' ? 'APPLIED' : 'APPLY_FAILED';
    const ours = await this.writeApplyOutcome(request, status, record.shows === 'failure' ? record.errorCode : undefined, { decidedBefore: this.finishUnknownBefore() });
    if (!ours) {
      const now = await this.deps.store.get(request.id).catch((err: unknown) => this.warn(err, request, 'reading a request settled from its record failed'));
      return now ? { request: now } : undefined;
    }
    this.deps.logger.info({ approvalRequestId: request.id, kind: request.kind, status }, 'approved request settled from its apply on record');
    return { request: ours.request, ours };
  }

  /** What its settling write's writer tells of an apply settled from the record: as that apply's click would have. */
  private async tellSettledOne(settled: SettledOnRecord): Promise<void> {
    if (settled.pastTime) await this.tellPastTime(settled.request);
    await this.tellDecided(settled.request);
  }

  /**
   * Moves a request (one conditional write: PendingRequestStore.transition) and, in the same write,
   * onto the list its new state belongs on, as `listing` rules: no caller names a list.
   */
  private move(
    request: PendingRequest,
    from: readonly PendingStatus[],
    to: PendingStatus,
    changes: PendingChanges = {},
    condition?: TransitionCondition,
    at: Date = this.deps.clock.now(),
  ): Promise<PendingRequest | undefined> {
    const moved: PendingRequest = { ...request, status: to, expiresAt: changes.expiresAt ?? request.expiresAt };
    return this.deps.store.transition(request.id, from, to, { ...changes, ...this.listing(moved, at) }, condition);
  }

  /**
   * The one rule for which list a request is on besides the queue (which is PENDING's, by status),
   * from its state and kind: approved for its requester to finish, the queue's own list until it
   * is finished, revoked or expires, so the admins' read of the queue shows it with Revoke; a change under way (taken to finish, or approved for the admin's click
   * to apply) until it settles, so one that dies midway is found (unfinished); a failed change the
   * admin's click would retry, until it is retried, denied, or past its request's time
   * (awaitingRetry); otherwise its requester's own list.
   */
  private listing(request: PendingRequest, at: Date): Pick<PendingChanges, 'underway' | 'retryable' | 'awaitingFinish'> {
    if (request.status === 'APPROVED' && this.handsOver(request)) return { awaitingFinish: true };
    if (request.status === 'FINISHING' || (request.status === 'APPROVED' && !this.handsOver(request))) return { underway: true };
    if (request.status === 'APPLY_FAILED' && !this.handsOver(request) && !this.retryLapsed(request, at)) return { retryable: true };
    return {};
  }

  private async loadForReviewer(reviewer: Requester, requestId: string): Promise<PendingRequest> {
    if (!this.enabled) throw new LatchkeyFailure('DIRECTORY_NOT_ENABLED');
    if (!(await this.isAdmin(reviewer))) throw new LatchkeyFailure('NOT_ADMIN');
    const request = await this.deps.store.get(requestId);
    if (!request || !this.kinds.has(request.kind)) throw new LatchkeyFailure('REQUEST_NOT_FOUND');
    // The user ID alone: it is unique across an Enterprise Grid org, and the same person can act
    // from any workspace of it, so a click from another workspace is still their own request.
    if (request.requester.userId === reviewer.userId) throw new LatchkeyFailure('SELF_REVIEW');
    return request;
  }

  private isDue(request: PendingRequest): boolean {
    const waiting = request.status === 'PENDING' || (request.status === 'APPROVED' && this.handsOver(request));
    return waiting && Date.parse(request.expiresAt) <= this.deps.clock.now().getTime();
  }

  private handsOver(request: PendingRequest): boolean {
    const kind = this.kinds.get(request.kind);
    return kind !== undefined && 'handOver' in kind.onApprove;
  }

  /**
   * Whether an admin can decide it: waiting, failed to apply for a kind the admin's click applies
   * (a new approval retries it), or a finish whose outcome is unknown (a new approval hands it
   * back to its requester; a denial closes it).
   */
  private decidable(request: PendingRequest): boolean {
    return request.status === 'PENDING' || (request.status === 'APPLY_FAILED' && !this.handsOver(request) && !this.retryLapsed(request)) || this.finishUnknown(request);
  }

  /** A failed change an admin's click would retry, past its request's time: retried no more (closeLapsed). */
  private retryLapsed(request: PendingRequest, at: Date = this.deps.clock.now()): boolean {
    return request.status === 'APPLY_FAILED' && !this.handsOver(request) && Date.parse(request.expiresAt) <= at.getTime();
  }

  /**
   * Taken to finish, or approved to be applied by the admin's click, longer ago than any change
   * takes: it died midway, and whether the change was made is unknown. Only an admin's new decision
   * moves it (its requester's open place stays taken until its time ends), so its requester is told so.
   */
  finishUnknown(request: PendingRequest): boolean {
    const before = this.finishUnknownBefore();
    if (request.status === 'FINISHING') return (request.takenAt ?? request.expiresAt) < before;
    return request.status === 'APPROVED' && !this.handsOver(request) && request.decidedAt !== undefined && request.decidedAt < before;
  }

  /**
   * What the audit log shows of the applies of an approval the admin's click applies, its outcome
   * unknown (finishUnknown), read over every apply of the request since it was made (an earlier
   * approval's too: approved again, decidedAt moves on, and that apply's change may still have been
   * sent): `success` or `failure`, the outcome of this decision's own apply (its reference taken at
   * or after the decision, by the same click's clock); `attempt`, an apply that may have sent its
   * change (begun with no outcome of its own, made, or unconfirmed); `none`, no apply that may have
   * (the change is sent only once its attempt is on record: apply, fail closed), so nothing was
   * sent. Read from a minute before its creation, so a clock a little behind never hides an attempt.
   * Undefined when the record is not read (no reader, or the read failed).
   */
  private async applyOnRecord(request: PendingRequest): Promise<ApplyRecord | undefined> {
    const reader = this.deps.auditReader;
    const kind = this.kinds.get(request.kind);
    if (!reader || !kind || !('apply' in kind.onApprove) || !this.finishUnknown(request) || request.decidedAt === undefined) return undefined;
    const decidedAt = request.decidedAt;
    const apply = approvalAction(request.kind, 'apply');
    let steps: AuditEvent[];
    try {
      steps = (await reader.stepsSince(request.id, new Date(Date.parse(request.createdAt) - APPLY_CLOCK_SKEW_MS).toISOString())).filter((e) => e.action === apply);
    } catch (err) {
      this.warn(err, request, 'reading whether an approval began applying failed: its denial says the change may have been made');
      return { shows: 'unread' };
    }
    const own = steps.map((e) => e.requestId).filter((id) => id >= decidedAt).sort(compareText).at(-1);
    const outcome = own === undefined ? undefined : steps.find((e) => e.requestId === own && e.phase === 'outcome');
    if (outcome?.outcome === 'success') return { shows: 'success' };
    // A failure with no code of its own is said as the generic one, never a reason nobody recorded.
    if (outcome?.outcome === 'failure') return { shows: 'failure', errorCode: (outcome.errorCode as FailureCode | undefined) ?? 'INTERNAL' };
    // Every apply, this decision's and any earlier one's: none may have sent its change only if each
    // has a failure of its own on record that says its change was not made.
    const unsent = (reference: string) =>
      steps.some((e) => e.requestId === reference && e.phase === 'outcome' && e.outcome === 'failure' && e.errorCode !== 'DIRECTORY_OUTCOME_UNKNOWN');
    return steps.every((e) => unsent(e.requestId)) ? { shows: 'none' } : { shows: 'attempt' };
  }

  /**
   * No apply of it may have sent its change (applyOnRecord: none), so nothing was sent; not so when an earlier
   * apply's change was sent and not confirmed, or when the record was not read: that may have been
   * made, and is said so.
   */
  private neverApplied(request: PendingRequest, record: ApplyRecord | undefined): boolean {
    return record?.shows === 'none' && request.errorCode !== 'DIRECTORY_OUTCOME_UNKNOWN';
  }

  /**
   * For a change under way (taken to finish, or approved and being applied) that is not yet
   * decidable: when its outcome becomes unknown, and it comes back to the admins, if it has not
   * finished by then. The same bound as finishUnknown.
   */
  private unknownAt(request: PendingRequest): { decidableAt?: string } {
    const since =
      request.status === 'FINISHING' ? (request.takenAt ?? request.expiresAt) : request.status === 'APPROVED' && !this.handsOver(request) ? request.decidedAt : undefined;
    if (since === undefined || this.finishUnknown(request)) return {};
    return { decidableAt: new Date(Date.parse(since) + FINISH_OUTCOME_UNKNOWN_AFTER_MS).toISOString() };
  }

  private finishUnknownBefore(): string {
    return new Date(this.deps.clock.now().getTime() - FINISH_OUTCOME_UNKNOWN_AFTER_MS).toISOString();
  }

  /** The admins' message shows the request as it stands; a failed update is only logged. */
  private refresh(request: PendingRequest): Promise<void> {
    return this.deps.announcer.refresh(request, this.decidable(request), this.revocable(request)).catch((err: unknown) => this.warn(err, request, 'approvals message update failed'));
  }

  private kindOf(request: PendingRequest): ApprovalKind {
    const kind = this.kinds.get(request.kind);
    if (!kind) throw new LatchkeyFailure('REQUEST_NOT_FOUND');
    return kind;
  }

  private auditStep(step: ApprovalStep, actor: Requester, request: PendingRequest) {
    return {
      requestId: newRequestId(this.deps.clock.now()),
      action: approvalAction(request.kind, step),
      actor,
      subject: request.requester,
      directoryUserId: request.directoryUserId,
      approvalRequestId: request.id,
      ...this.kinds.get(request.kind)?.auditDetail(request),
    };
  }

  private fail(err: unknown, context: { requester: Requester; kind?: string; step: string; requestId?: string }): ApprovalFailure {
    const failure = this.report(err, context.requester, context.requestId, context.step);
    const metrics = this.deps.metrics ?? NO_METRICS;
    metrics.count('request_refused', { action: `${context.kind ?? 'approval'}_${context.step}`, code: failure.code });
    if (failure.code === 'RATE_LIMITED') metrics.count('limit_reached', { limit: `${context.kind ?? 'approval'}_requests` });
    return { ok: false, code: failure.code, retryAt: failure.retryAt };
  }

  private report(err: unknown, requester: Requester, requestId?: string, step = 'apply'): LatchkeyFailure {
    const failure = asFailure(err);
    const fields = { slackUserId: requester.userId, approvalRequestId: requestId, step, code: failure.code, detail: failure.detail };
    if (failure.needsOperator) this.deps.logger.error({ ...fields, alert: true }, 'approval request failed: operator action needed');
    else this.deps.logger.warn(fields, 'approval request refused or failed');
    return failure;
  }

  /**
   * A write this click sent (its attempt on record) that the store did not answer may have been made
   * with every answer lost: read back, the request as this click's own write made it (mine) is
   * returned, to go on as a write made, as a revoke's is. Else the failure to tell, never
   * STORE_UNAVAILABLE, which is a click that wrote nothing (its first read failed): the write may
   * still be on its way (STORE_OUTCOME_UNKNOWN). Any other failure is returned as it is.
   */
  private async madeAfterAll(err: unknown, request: PendingRequest, what: 'decision' | 'withdraw', mine: (now: PendingRequest) => boolean): Promise<PendingRequest | LatchkeyFailure> {
    if (asFailure(err).code !== 'STORE_UNAVAILABLE') return asFailure(err);
    const now = await this.readBack(request, what);
    if (now && mine(now)) return now;
    return new LatchkeyFailure('STORE_OUTCOME_UNKNOWN', `${what} write failed: ${describeError(err)}`, { cause: err });
  }

  /**
   * A request read back after its write was refused, or was not answered (madeAfterAll): null when
   * nothing is there (purged), never the request as read before; undefined when the read failed
   * (logged), where it stands not known.
   */
  private readBack(request: PendingRequest, what: 'revoke' | 'decision' | 'withdraw' | 'expiry'): Promise<PendingRequest | null | undefined> {
    return this.deps.store.get(request.id).then(
      (found) => found ?? null,
      (err: unknown) => {
        this.warn(err, request, `reading back a ${what} whose write was refused or not answered failed`);
        return undefined;
      },
    );
  }

  private warn(err: unknown, request: PendingRequest, message: string): void {
    this.deps.logger.warn({ approvalRequestId: request.id, kind: request.kind, err: describeError(err) }, message);
  }
}
