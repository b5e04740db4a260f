import { z } from 'zod';
import { AuditTrail, type AuditedChange } from './audit-trail';
import { asFailure, LatchkeyFailure, type FailureCode } from './failure';
import { identifyRequester } from './identify-requester';
import type { LicenseRequest, LicenseRequestStatus, LicenseRequestStore } from './license-request';
import { pickDirectoryUser } from './pick-directory-user';
import {
  type Admins,
  type AuditLog,
  type Clock,
  type License,
  type LicensedUser,
  type LicenseDirectory,
  type Logger,
  type Metrics,
  type RateLimiter,
  type Requester,
  type WorkspaceMembers,
  NO_METRICS,
} from './ports';
import { newRequestId } from './request-id';
import type { Sealer } from './sealer';
import { servesRequest, type Workspace } from './workspace';

export const REASON_MAX_LENGTH = 500;
export const COMMENT_MAX_LENGTH = 500;
const FORM_TTL_MS = 30 * 60 * 1000;
const DAY_MS = 24 * 3_600_000;

/** The purpose the form's ticket is sealed for (Sealer). */
const LICENSE_FORM_TICKET = 'license-form';

const formTicketSchema = z.object({
  v: z.literal(1),
  purpose: z.literal('license-form'),
  userId: z.string(),
  teamId: z.string(),
  directoryUserId: z.string(),
  email: z.string(),
  from: z.string(),
  expiresAt: z.number().int(),
});
type FormTicket = z.infer<typeof formTicketSchema>;

export type LicenseFieldError = 'UNCHANGED' | 'NO_CHOICE' | 'REASON_EMPTY' | 'REASON_TOO_LONG';
export type ReviewFieldError = 'NO_DECISION' | 'COMMENT_REQUIRED' | 'COMMENT_TOO_LONG';

export interface LicenseFailure {
  readonly ok: false;
  readonly code: FailureCode;
  readonly email?: string;
  /** The request as it stands, when the failure is about its state (decided, expired). */
  readonly request?: LicenseRequest;
  readonly retryAt?: Date;
}

/** Where requests are announced and people told; implemented with Slack messages. */
export interface LicenseAnnouncer {
  /** Posts the request for admins; returns where, so the message can be updated in place. */
  announce(request: LicenseRequest): Promise<{ channel: string; ts: string }>;
  /** Rewrites the announcement to show the request's current state. */
  refresh(request: LicenseRequest): Promise<void>;
  /** Tells the requester what became of their request (sent, applied, denied). */
  tellRequester(request: LicenseRequest): Promise<void>;
}

export interface LicenseRequestsDeps {
  /** Undefined when license requests are not set up (no directory with licenses, approvals channel or admins). */
  readonly directory?: LicenseDirectory;
  /** The licenses a request may ask for, as the directory names them. */
  readonly licenses: readonly License[];
  /** The directory, as the audit log names it. */
  readonly auditDirectory: string;
  readonly members: WorkspaceMembers;
  readonly admins: Admins;
  readonly store: LicenseRequestStore;
  readonly announcer: LicenseAnnouncer;
  readonly audit: AuditLog;
  readonly sealer: Sealer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly workspace: Workspace;
  readonly requestTtlHours: number;
  readonly limiter: RateLimiter;
  readonly maxRequestsPerDay: number;
  readonly metrics?: Metrics;
}

/**
 * Asking for a license change and deciding it. Rules: only full members ask, one open request
 * each; only configured admins decide, never their own request, each request once; approval is
 * applied to the directory at most once per approval, and every step is audited before it acts.
 */
export class LicenseRequests {
  private readonly trail: AuditTrail;

  constructor(private readonly deps: LicenseRequestsDeps) {
    this.trail = new AuditTrail(deps.audit, deps.logger, { limiter: deps.limiter, clock: deps.clock });
  }

  get enabled(): boolean {
    return this.deps.directory !== undefined;
  }

  /** What the request form needs, or the request already waiting. */
  async start(
    requester: Requester,
  ): Promise<
    | { ok: true; state: 'form'; email: string; current: License; ticket: string }
    | { ok: true; state: 'open'; request: LicenseRequest }
    | LicenseFailure
  > {
    const directory = this.deps.directory;
    if (!directory) return { ok: false, code: 'DIRECTORY_NOT_ENABLED' };
    let email: string | undefined;
    try {
      const member = await identifyRequester(requester, this.deps.members, this.deps.workspace);
      email = member.email;
      const [open, found] = await Promise.allSettled([this.deps.store.findOpen(requester), pickDirectoryUser(directory, email)]);
      if (open.status === 'rejected') throw open.reason;
      if (open.value) return { ok: true, state: 'open', request: open.value };
      if (found.status === 'rejected') throw found.reason;
      const user = await directory.getLicensedUser(found.value.id);
      const ticket: FormTicket = {
        v: 1,
        purpose: 'license-form',
        userId: requester.userId,
        teamId: requester.teamId,
        directoryUserId: user.id,
        email: user.email,
        from: user.license,
        expiresAt: this.now() + FORM_TTL_MS,
      };
      return { ok: true, state: 'form', email, current: user.license, ticket: this.deps.sealer.seal(LICENSE_FORM_TICKET, ticket) };
    } catch (err) {
      return this.fail(err, { requester, step: 'start' }, { email });
    }
  }

  /** The form's own checks, with no I/O, so the modal can show them inline before acknowledging. */
  checkForm(
    requester: Requester,
    sealedTicket: string,
    choice: string | undefined,
    reason: string | undefined,
  ): { ticket: FormTicket; to: License; reason: string } | { fieldErrors: Partial<Record<'license' | 'reason', LicenseFieldError>> } | LicenseFailure {
    const ticket = this.deps.sealer.open(LICENSE_FORM_TICKET, sealedTicket, formTicketSchema);
    if (!ticket || ticket.userId !== requester.userId || ticket.teamId !== requester.teamId) {
      return { ok: false, code: 'REQUEST_INVALID' };
    }
    if (ticket.expiresAt <= this.now()) return { ok: false, code: 'REQUEST_EXPIRED' };
    const fieldErrors: Partial<Record<'license' | 'reason', LicenseFieldError>> = {};
    const to = this.deps.licenses.find((l) => l === choice);
    if (!to) fieldErrors.license = 'NO_CHOICE';
    else if (to === ticket.from) fieldErrors.license = 'UNCHANGED';
    const trimmed = (reason ?? '').trim();
    if (!trimmed) fieldErrors.reason = 'REASON_EMPTY';
    else if (trimmed.length > REASON_MAX_LENGTH) fieldErrors.reason = 'REASON_TOO_LONG';
    if (fieldErrors.license || fieldErrors.reason || !to) return { fieldErrors };
    return { ticket, to, reason: trimmed };
  }

  /** Files a checked request: saved, announced to admins, confirmed to the requester. */
  async submit(
    requester: Requester,
    form: { ticket: FormTicket; to: License; reason: string },
  ): Promise<{ ok: true; request: LicenseRequest } | LicenseFailure> {
    const directory = this.deps.directory;
    if (!directory) return { ok: false, code: 'DIRECTORY_NOT_ENABLED' };
    const now = this.deps.clock.now();
    const request: LicenseRequest = {
      id: newRequestId(now),
      requester,
      requesterEmail: form.ticket.email,
      directoryUserId: form.ticket.directoryUserId,
      from: form.ticket.from,
      to: form.to,
      reason: form.reason,
      status: 'PENDING',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.deps.requestTtlHours * 3_600_000).toISOString(),
    };
    let change: AuditedChange | undefined;
    try {
      // By user ID alone: the same person from another workspace of the org has the same allowance.
      const allowed = await this.deps.limiter.take(`license:${requester.userId}`, this.deps.maxRequestsPerDay, DAY_MS, now);
      if (!allowed.ok) {
        const failure = new LatchkeyFailure('RATE_LIMITED', 'license requests per day', { retryAt: allowed.retryAt });
        await this.trail.refused(this.auditStep('license_request', requester, request), failure.code);
        throw failure;
      }
      change = await this.trail.begin(this.auditStep('license_request', requester, request));
      await this.deps.store.create(request);
    } catch (err) {
      await change?.failed(asFailure(err).code);
      return this.fail(err, { requester, step: 'submit', requestId: request.id });
    }
    try {
      const message = await this.deps.announcer.announce(request);
      await this.deps.store.attachMessage(request.id, message);
    } catch (err) {
      // Admins never saw it: close it so the requester is not stuck behind a request nobody can decide.
      const failure = asFailure(err);
      await this.deps.store.transition(request.id, ['PENDING'], 'EXPIRED', { errorCode: failure.code }).catch(() => undefined);
      await change.failed(failure.code);
      return this.fail(failure, { requester, step: 'announce', requestId: request.id });
    }
    await change.succeeded();
    await this.deps.announcer.tellRequester(request).catch((err: unknown) => this.warn(err, request, 'requester DM failed'));
    return { ok: true, request };
  }

  /** Quick, before opening a modal: non-admins get a short answer instead. */
  async isAdmin(reviewer: Requester): Promise<boolean> {
    if (!servesRequest(this.deps.workspace, reviewer)) return false;
    return this.deps.admins.isAdmin(reviewer.userId);
  }

  /** What an admin sees on "Review": the request and the requester's directory details, or why not. */
  async review(
    reviewer: Requester,
    requestId: string,
  ): Promise<
    | { ok: true; state: 'decide'; request: LicenseRequest; user: LicensedUser }
    | { ok: true; state: 'closed'; request: LicenseRequest }
    | LicenseFailure
  > {
    try {
      const request = await this.loadForReviewer(reviewer, requestId);
      const current = await this.expireIfDue(request);
      if (!this.decidable(current)) return { ok: true, state: 'closed', request: current };
      const user = await this.directory().getLicensedUser(current.directoryUserId);
      return { ok: true, state: 'decide', request: current, user };
    } catch (err) {
      return this.fail(err, { requester: reviewer, step: 'review', requestId });
    }
  }

  checkDecision(
    decision: string | undefined,
    comment: string | undefined,
  ): { decision: 'approve' | 'deny'; comment?: string } | { fieldErrors: Partial<Record<'decision' | 'comment', ReviewFieldError>> } {
    const trimmed = (comment ?? '').trim();
    if (decision !== 'approve' && decision !== 'deny') return { fieldErrors: { decision: 'NO_DECISION' } };
    if (trimmed.length > COMMENT_MAX_LENGTH) return { fieldErrors: { comment: 'COMMENT_TOO_LONG' } };
    if (decision === 'deny' && !trimmed) return { fieldErrors: { comment: 'COMMENT_REQUIRED' } };
    return { decision, comment: trimmed || undefined };
  }

  /** Records the decision once, applies an approval, and tells everyone concerned. */
  async decide(
    reviewer: Requester,
    requestId: string,
    choice: { decision: 'approve' | 'deny'; comment?: string },
  ): Promise<{ ok: true; request: LicenseRequest } | LicenseFailure> {
    let request: LicenseRequest;
    try {
      request = await this.expireIfDue(await this.loadForReviewer(reviewer, requestId));
    } catch (err) {
      return this.fail(err, { requester: reviewer, step: 'decide', requestId });
    }
    if (request.status === 'EXPIRED') return { ok: false, code: 'REQUEST_EXPIRED', request };
    if (!this.decidable(request)) return { ok: false, code: 'REQUEST_DECIDED', request };

    const step = { ...this.auditStep('license_decide', reviewer, request), decision: choice.decision };
    let decided: LicenseRequest | undefined;
    let change: AuditedChange | undefined;
    try {
      change = await this.trail.begin(step);
      // Conditional on the status the admin saw: a second click or a second admin finds it moved.
      decided = await this.deps.store.transition(request.id, [request.status], choice.decision === 'approve' ? 'APPROVED' : 'DENIED', {
        decidedBy: reviewer.userId,
        decidedAt: this.deps.clock.now().toISOString(),
        comment: choice.comment,
      });
    } catch (err) {
      await change?.failed(asFailure(err).code);
      return this.fail(err, { requester: reviewer, step: 'decide', requestId });
    }
    if (!decided) {
      await change.failed('REQUEST_DECIDED');
      const now = await this.deps.store.get(request.id).catch(() => undefined);
      return { ok: false, code: 'REQUEST_DECIDED', request: now ?? request };
    }
    await change.succeeded();
    (this.deps.metrics ?? NO_METRICS).count('license_decision', { decision: choice.decision });

    const final = decided.status === 'APPROVED' ? await this.apply(reviewer, decided) : decided;
    await Promise.all([
      this.deps.announcer.refresh(final).catch((err: unknown) => this.warn(err, final, 'approvals message update failed')),
      final.status === 'APPLY_FAILED'
        ? undefined
        : this.deps.announcer.tellRequester(final).catch((err: unknown) => this.warn(err, final, 'requester DM failed')),
    ]);
    return { ok: true, request: final };
  }

  /** APPROVED → APPLIED, or APPLY_FAILED with the reason (an admin may approve again to retry). */
  private async apply(reviewer: Requester, approved: LicenseRequest): Promise<LicenseRequest> {
    const settle = async (status: LicenseRequestStatus, errorCode?: FailureCode) =>
      (await this.deps.store.transition(approved.id, ['APPROVED'], status, { errorCode }).catch(() => undefined)) ?? {
        ...approved,
        status,
        errorCode,
      };
    let change: AuditedChange;
    try {
      change = await this.trail.begin(this.auditStep('license_apply', reviewer, approved));
    } catch (err) {
      return settle('APPLY_FAILED', this.report(err, reviewer, approved.id).code);
    }
    try {
      await this.directory().changeLicense(approved.directoryUserId, approved.to);
    } catch (err) {
      const failure = this.report(err, reviewer, approved.id);
      await change.failed(failure.code);
      return settle('APPLY_FAILED', failure.code);
    }
    await change.succeeded();
    this.deps.logger.info({ licenseRequestId: approved.id, slackUserId: reviewer.userId, to: approved.to }, 'license changed');
    return settle('APPLIED');
  }

  private async loadForReviewer(reviewer: Requester, requestId: string): Promise<LicenseRequest> {
    if (!this.deps.directory) throw new LatchkeyFailure('DIRECTORY_NOT_ENABLED');
    if (!(await this.isAdmin(reviewer))) throw new LatchkeyFailure('NOT_ADMIN');
    const request = await this.deps.store.get(requestId);
    if (!request) throw new LatchkeyFailure('REQUEST_NOT_FOUND');
    // The user ID alone: it is unique across an Enterprise Grid org, and the same person can act
    // from any workspace of it, so a click from another workspace is still their own request.
    if (request.requester.userId === reviewer.userId) throw new LatchkeyFailure('SELF_REVIEW');
    return request;
  }

  /** A pending request past its time is closed for good; an admin opening it is what notices. */
  private async expireIfDue(request: LicenseRequest): Promise<LicenseRequest> {
    if (request.status !== 'PENDING' || Date.parse(request.expiresAt) > this.now()) return request;
    const expired = (await this.deps.store.transition(request.id, ['PENDING'], 'EXPIRED')) ?? (await this.deps.store.get(request.id));
    const current = expired ?? request;
    if (current.status === 'EXPIRED') {
      await this.deps.announcer.refresh(current).catch((err: unknown) => this.warn(err, current, 'approvals message update failed'));
    }
    return current;
  }

  private decidable(request: LicenseRequest): boolean {
    return request.status === 'PENDING' || request.status === 'APPLY_FAILED';
  }

  private directory(): LicenseDirectory {
    if (!this.deps.directory) throw new LatchkeyFailure('DIRECTORY_NOT_ENABLED');
    return this.deps.directory;
  }

  private auditStep(action: 'license_request' | 'license_decide' | 'license_apply', actor: Requester, request: LicenseRequest) {
    return {
      requestId: newRequestId(this.deps.clock.now()),
      action,
      actor,
      subject: request.requester,
      directory: this.deps.auditDirectory,
      directoryUserId: request.directoryUserId,
      licenseRequestId: request.id,
      licenseFrom: request.from,
      licenseTo: request.to,
    };
  }

  private fail(err: unknown, context: { requester: Requester; step: string; requestId?: string }, extra: { email?: string } = {}): LicenseFailure {
    const failure = this.report(err, context.requester, context.requestId, context.step);
    (this.deps.metrics ?? NO_METRICS).count('request_refused', { action: `license_${context.step}`, code: failure.code });
    if (failure.code === 'RATE_LIMITED') (this.deps.metrics ?? NO_METRICS).count('limit_reached', { limit: 'license_requests' });
    return { ok: false, code: failure.code, retryAt: failure.retryAt, ...extra };
  }

  private report(err: unknown, requester: Requester, requestId?: string, step = 'apply'): LatchkeyFailure {
    const failure = asFailure(err);
    const fields = { slackUserId: requester.userId, licenseRequestId: requestId, step, code: failure.code, detail: failure.detail };
    if (failure.needsOperator) this.deps.logger.error({ ...fields, alert: true }, 'license request failed: operator action needed');
    else this.deps.logger.warn(fields, 'license request refused or failed');
    return failure;
  }

  private warn(err: unknown, request: LicenseRequest, message: string): void {
    this.deps.logger.warn({ licenseRequestId: request.id, err: err instanceof Error ? err.message : String(err) }, message);
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}
