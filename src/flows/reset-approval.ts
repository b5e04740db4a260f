import { ACCOUNT_GONE, type ApprovalFailure, type ApprovalKind, type Approvals, FINISH_OUTCOME_UNKNOWN_AFTER_MS } from './approvals/approvals';
import type { PendingRequest } from './approvals/pending-request';
import { asFailure, describeError, type FailureCode } from './failure';
import type { Logger, Requester, ReviewFact, WorkspaceMembers } from './ports';
import type { ApprovalGate, OpenRequest, ResetFailure, ResetPending, Resettable } from './reset-credential';

/** An approved reset, as a kind of pending request (approvals/). */
const RESET_KIND = 'reset';
/** How long an admin has to decide a reset request. */
const RESET_REQUEST_TTL_MS = 24 * 3_600_000;
/** How long the requester has, once it is approved, to finish it with their own click. */
const FINISH_WITHIN_MS = 30 * 60_000;

/**
 * How the review's details carry the directory's facts (a Detail is flat strings): `fact:<label>`
 * in words, `fact@:<label>` a moment (ISO); `factsUnread` when the directory could not be asked;
 * `accountGone` when it answered that it has no such user (the account was deleted after the
 * request was filed): its requester's Finish, which looks them up again, would find nobody and
 * change nothing, so approving could not work.
 */
export const REVIEW_FACT = { text: 'fact:', at: 'fact@:', unread: 'factsUnread', gone: ACCOUNT_GONE } as const;

/** An approved reset's kind: the requester finishes it (handOver); the admin's click changes nothing. */
export function resetKind(
  credentials: ReadonlyMap<string, Pick<Resettable, 'audit'> & Partial<Pick<Resettable, 'directory' | 'reviewFacts'>>>,
  members: WorkspaceMembers,
  logger?: Logger,
): ApprovalKind {
  /** What the credential's directory knows of the account, read now beside the Slack profile; never fails the review. */
  const facts = async (r: PendingRequest): Promise<Record<string, string>> => {
    const credential = credentials.get(r.detail.credential ?? '');
    if (!credential?.reviewFacts || !credential.directory?.reviewFacts || !r.directoryUserId) return {};
    try {
      return factsDetail(await credential.directory.reviewFacts({ id: r.directoryUserId }));
    } catch (err) {
      // An answer, not a fault: the directory has no user by the ID the request was filed for.
      if (asFailure(err).code === 'DIRECTORY_USER_NOT_FOUND') {
        logger?.info({ approvalRequestId: r.id, credential: r.detail.credential, err: describeError(err) }, 'reviewed account no longer in the directory');
        return { [REVIEW_FACT.gone]: 'true' };
      }
      logger?.warn({ approvalRequestId: r.id, credential: r.detail.credential, err: describeError(err) }, 'review facts not read');
      return { [REVIEW_FACT.unread]: 'true' };
    }
  };
  return {
    id: RESET_KIND,
    // One open request per person and credential.
    slot: (r) => resetSlot(r.detail.credential ?? ''),
    auditDetail: (r) => ({
      ...(r.detail.credential && { credential: r.detail.credential }),
      ...(credentials.get(r.detail.credential ?? '') && { directory: credentials.get(r.detail.credential!)!.audit.directory }),
    }),
    // The approver decides on who is asking: their Slack profile, read now.
    reviewDetails: async (r) => {
      const [member, known] = await Promise.all([members.getMember(r.requester.userId), facts(r)]);
      return {
        ...known,
        email: r.requesterEmail,
        ...(member?.realName && { name: member.realName }),
        ...(member?.title && { title: member.title }),
        ...(member?.timeZone && { timeZone: member.timeZone }),
        ...(member?.isGuest && { guest: 'true' }),
        ...(member?.deleted && { deactivated: 'true' }),
      };
    },
    onApprove: { handOver: { finishWithinMs: FINISH_WITHIN_MS } },
    changeReference: resetChangeReference,
  };
}

function factsDetail(facts: readonly ReviewFact[]): Record<string, string> {
  return Object.fromEntries(facts.map((f) => ('at' in f ? [`${REVIEW_FACT.at}${f.label}`, f.at.toISOString()] : [`${REVIEW_FACT.text}${f.label}`, f.text])));
}

/**
 * The reference a finish is audited under, which IT checks the reset with: the request's
 * finishRequestId (its own ID when filed, new with each approval of a finish whose outcome is
 * unknown), or, filed before it was kept, the confirmation's; else the request's own ID.
 */
export function resetChangeReference(request: PendingRequest): string {
  return request.finishRequestId ?? request.detail.resetRequestId ?? request.id;
}

/** The open place a person's reset request of this credential holds. */
function resetSlot(credentialId: string): string {
  return `reset:${credentialId}`;
}

/**
 * Where an open request stands, as its requester is told when they ask again. A finish that died
 * midway (`outcomeUnknown`, as Approvals rules) is no finish under way; a status this version does
 * not know (or any other) is never said to be waiting for an admin.
 */
function openOf(request: PendingRequest, outcomeUnknown: boolean): OpenRequest {
  const states: Partial<Record<string, OpenRequest['state']>> = { PENDING: 'waiting', APPROVED: 'approved', FINISHING: outcomeUnknown ? 'outcome_unknown' : 'finishing' };
  return { requestId: request.id, state: states[request.status] ?? 'other', until: new Date(request.expiresAt) };
}

type ResetApprovalFailure = ApprovalFailure & { readonly credential?: string };

/** A finish click that took its request: what came of its change (ResetApprovals.finish). */
type Finished<T> = { readonly ok: true; readonly result: T; readonly request: PendingRequest; readonly givenBack?: true; readonly superseded?: true };

/** The finish clicks of one approval here, by its requester (a double click), while one of them may hold its take. */
interface Finishing {
  readonly userId: string;
  /** Its clicks here on their way: once the last is refused with none taken, `done` is undefined. */
  clicks: number;
  /** One of them took it (Approvals.takeToFinish): `done` is what came of it. */
  taken: boolean;
  /**
   * What came of the click that took it, once it has (what `done` settled with): a click of it
   * whose refusal comes only after that (its read was slower) says the same, never that the
   * approval was used, which it may not be (given back, it can be finished again).
   */
  outcome?: Finished<unknown>;
  readonly done: Promise<Finished<unknown> | undefined>;
  readonly settle: (finished?: Finished<unknown>) => void;
}

function finishingBy(userId: string): Finishing {
  let settle!: Finishing['settle'];
  const done = new Promise<Finished<unknown> | undefined>((resolve) => (settle = resolve));
  return { userId, clicks: 0, taken: false, done, settle };
}

/** What a Finish click's change is given of the approved request it finishes. */
export interface ApprovedToFinish {
  readonly credential: string;
  readonly requestId: string;
  readonly directoryUserId: string;
  readonly email: string;
  readonly approvalRequestId: string;
  /** The requester's DM with the Finish button, when Latchkey sent one: the one message this request's receipt takes the place of. */
  readonly finishMessage?: { readonly channel: string; readonly ts: string };
  /** When this finish took the request: past FINISH_OUTCOME_UNKNOWN_AFTER_MS from it, an admin may have decided it again. */
  readonly takenAt?: string;
}

/**
 * The Finish DM a finish's receipt may take the place of (`clicked`, the DM its click came from, when
 * the request kept none), at `now`: only while no admin can have decided the request again since
 * the take, with a minute to spare. Past that, the DM may be a newer decision's (a new approval's
 * button, a denial), which the receipt must not overwrite: it is sent as a new DM instead.
 */
export function finishDmStillOurs(
  approved: ApprovedToFinish,
  now: Date,
  clicked?: { readonly channel: string; readonly ts: string },
): { readonly channel: string; readonly ts: string } | undefined {
  const takenAt = approved.takenAt === undefined ? NaN : Date.parse(approved.takenAt);
  // Not known when it was taken: not known to be ours.
  if (!(now.getTime() < takenAt + FINISH_OUTCOME_UNKNOWN_AFTER_MS - 60_000)) return undefined;
  return approved.finishMessage ?? clicked;
}

/**
 * The `approval` policy for resets: the request goes to the admins (Approvals); once approved, the
 * requester finishes it from the DM's button, in their own modal, where the reset flow checks who
 * they are and who they are in the directory again, and makes the change once. Nobody else's
 * click can finish it: the request is theirs by Slack user ID.
 */
export class ResetApprovals implements ApprovalGate {
  /** By approval ID: its finish clicks here, while they are on their way. */
  private readonly finishing = new Map<string, Finishing>();

  constructor(
    private readonly deps: {
      readonly approvals: Approvals;
      readonly logger: Logger;
    },
  ) {}

  /**
   * The reset flow's gate: files the confirmed request for the admins. Its reference is the
   * request's own (Approvals.file), the one its requester is shown, its steps name and its first
   * finish is audited under; refused, the one its refusal is on record under.
   */
  async request({ requester, credential, ticket }: Parameters<ApprovalGate['request']>[0]): Promise<ResetPending | ResetFailure> {
    const filed = await this.deps.approvals.file(
      requester,
      {
        kind: RESET_KIND,
        requesterEmail: ticket.email,
        directoryUserId: ticket.directoryUserId,
        detail: { credential: credential.id },
        reason: '',
      },
      { ttlMs: RESET_REQUEST_TTL_MS },
    );
    const about = { kind: credential.id, email: ticket.email };
    if (filed.ok) return { ok: true, pending: 'approval', ...about, requestId: filed.request.id };
    const open = filed.code === 'REQUEST_OPEN' && filed.request ? openOf(filed.request, this.deps.approvals.finishUnknown(filed.request)) : undefined;
    return { ok: false, code: filed.code, ...about, ...(filed.requestId && { requestId: filed.requestId }), ...(filed.retryAt && { retryAt: filed.retryAt }), ...(open && { open }) };
  }

  /** The person's request of this credential still open, if any: one read of their own place, never of the queue. */
  async open(requester: Requester, credential: { readonly id: string }): Promise<OpenRequest | undefined> {
    const found = await this.deps.approvals.findOpen(requester, resetSlot(credential.id));
    return found && openOf(found, this.deps.approvals.finishUnknown(found));
  }

  /**
   * The requester's finish click: theirs, approved, in time, and taken (APPROVED → FINISHING, once)
   * before the reset flow makes the change, so a second click or an expiry noticed meanwhile finds
   * it taken; whatever the change's outcome, this click settles it. A finish the reset flow stopped
   * before anything was sent, and not by a refusal (`sent: false`: Slack or the directory did not
   * answer its re-check, the audit attempt could not be written, too little time was left), gives
   * the approval back instead, while its time to finish runs (`givenBack`: the request as given
   * back, APPROVED under a new reference): the person clicks Finish again, and that click is
   * taken, and changes anything, once. Any other failure uses it up: a refusal, or a change that
   * reached the directory. A slow finish that an admin decided again meanwhile (its outcome unknown
   * to them) settles nothing (`superseded`): its outcome stands under its own reference, and the
   * newer decision is left as it is. A click refused because another click of the same approval
   * here (a double click) took it waits for that one: its own modal, which Slack may show in front
   * of the other's or in its place, shows the same result, secret and all, while that click's
   * change shows it (`sameAs`, given the reference the other click changes it under and when that
   * click has ended; `resultShown`), or else says what came of it (`shownByAnotherClick`): its
   * failure, or, once its change had ended, where its secret went; with none of its clicks on their
   * way here (a stale click), it is told the approval was used, as before.
   */
  async finish<T extends { readonly ok: boolean; readonly code?: string; readonly reason?: string; readonly sent?: false }>(
    requester: Requester,
    approvalRequestId: string,
    change: (approved: ApprovedToFinish) => Promise<T>,
    sameAs?: (taken: { credential: string; requestId: string }, ended: Promise<unknown>) => Promise<boolean>,
  ): Promise<Finished<T> | (ResetApprovalFailure & { readonly shownByAnotherClick?: Finished<T>; readonly resultShown?: true })> {
    // The clicks of this approval here (a double click): the one whose take wins shows what comes of it.
    const joined = this.finishing.get(approvalRequestId);
    const here = joined?.userId === requester.userId ? joined : finishingBy(requester.userId);
    if (!joined) this.finishing.set(approvalRequestId, here);
    here.clicks += 1;
    /** This click is done: `finished` when it took it; the clicks waiting on it learn what came of it. */
    const leave = (finished?: Finished<T>) => {
      here.clicks -= 1;
      if (finished || (!here.taken && here.clicks === 0)) {
        if (finished) here.outcome = finished;
        here.settle(finished);
        if (this.finishing.get(approvalRequestId) === here) this.finishing.delete(approvalRequestId);
      }
    };
    let found;
    try {
      found = await this.deps.approvals.takeToFinish(requester, approvalRequestId, RESET_KIND);
    } catch (err) {
      leave();
      throw err;
    }
    if (!found.ok) {
      this.deps.logger.warn({ slackUserId: requester.userId, approvalRequestId, code: found.code }, 'approved reset not finished');
      // The reference the finish that used it was audited under: the one IT checks the change with.
      const requestId = found.request && resetChangeReference(found.request);
      const refused = { ...found, ...(found.request?.detail.credential && { credential: found.request.detail.credential }), requestId };
      leave();
      // Taken by another click of it here, on its way or ended while this one's read was (a double click):
      // rather than say the approval was used (given back, it was not), this one shows what the other
      // does: its result, secret and all, while the other's change shows it (this click's modal may be
      // the only one Slack shows), else what came of it.
      if (found.code === 'REQUEST_ALREADY_USED' && (here.outcome || here.taken || here.clicks > 0)) {
        const credential = found.request?.detail.credential;
        const shown = !here.outcome && sameAs && credential && requestId ? await sameAs({ credential, requestId }, here.done) : false;
        const other = (here.outcome ?? (await here.done)) as Finished<T> | undefined;
        // Its modal holds the result: nothing is shown over it, whatever the other's end.
        if (shown) return { ...refused, ...(other && { shownByAnotherClick: other }), resultShown: true };
        if (other) return { ...refused, shownByAnotherClick: other };
      }
      return refused;
    }
    here.taken = true;
    let finished: Finished<T> | undefined;
    try {
      finished = await this.finishTaken(found.request, change);
      return finished;
    } finally {
      // The clicks waiting on it learn what came of it; thrown (nothing came), they are told their approval was used, as before.
      here.taken = false;
      leave(finished);
    }
  }

  /** The change of a request taken to finish, and its settlement (finish). */
  private async finishTaken<T extends { readonly ok: boolean; readonly code?: string; readonly reason?: string; readonly sent?: false }>(
    request: PendingRequest,
    change: (approved: ApprovedToFinish) => Promise<T>,
  ): Promise<Finished<T>> {
    const approved = {
      credential: request.detail.credential ?? '',
      // Audited once under it: after an admin approved it again, it is new, so this finish is never
      // refused by what an earlier one (whose outcome is unknown) wrote. The take is the proof's guard.
      requestId: resetChangeReference(request),
      directoryUserId: request.directoryUserId,
      email: request.requesterEmail,
      // The reset's records name the approval it finishes.
      approvalRequestId: request.id,
      ...(request.finishMessage && { finishMessage: request.finishMessage }),
      ...(request.takenAt && { takenAt: request.takenAt }),
    };
    let result: T;
    try {
      result = await change(approved);
    } catch (err) {
      // Taken, so no other click can settle it: this one does, whatever happened.
      await this.settle(request, 'INTERNAL');
      throw err;
    }
    if (!result.ok && result.sent === false) {
      const back = await this.deps.approvals.giveBack(request).catch((err: unknown) => {
        this.deps.logger.warn({ approvalRequestId: request.id, err: describeError(err) }, 'approved reset could not be given back');
        return undefined;
      });
      if (back) {
        this.deps.logger.info({ approvalRequestId: request.id, code: result.code }, 'approved reset given back: its finish sent nothing');
        return { ok: true, result, request: back, givenBack: true };
      }
    }
    const settled = await this.settle(request, result.ok ? undefined : (result.code as FailureCode), result.ok ? undefined : result.reason);
    return { ok: true, result, request, ...(!settled && { superseded: true as const }) };
  }

  /** False when it was not settled because an admin decided the request again since this take. */
  private async settle(request: PendingRequest, failed?: FailureCode, reason?: string): Promise<boolean> {
    return this.deps.approvals.finished(request, failed, reason).then(
      (settled) => settled !== undefined,
      (err: unknown) => {
        // Not written: the take stays under way, its approval used (it comes back to the admins if never settled).
        this.deps.logger.warn({ approvalRequestId: request.id, err: describeError(err) }, 'approved reset could not be settled');
        return true;
      },
    );
  }
}
