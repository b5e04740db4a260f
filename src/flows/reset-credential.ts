import { AuditTrail } from './audit-trail';
import { asFailure, describeError, LatchkeyFailure, type FailureCode } from './failure';
import { identifyRequester } from './identify-requester';
import { pickDirectoryUser } from './pick-directory-user';
import { newRequestId } from './request-id';
import type {
  AuditAction,
  AuditLog,
  Clock,
  CredentialKind,
  Directory,
  DirectoryName,
  Logger,
  RateLimiter,
  Requester,
  WorkspaceMembers,
} from './ports';
import { resetTicketSchema, type ResetTicket } from './reset-ticket';
import type { Sealer } from './sealer';
import type { Secret } from './secret';

/** Long enough to read the modal and click; short enough that a stale check is not trusted. */
export const DEFAULT_TICKET_TTL_MS = 10 * 60 * 1000;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

const ACTIONS: Record<CredentialKind, AuditAction> = { pin: 'reset_pin', password: 'reset_password' };

type Limit = { key: string; limit: number; windowMs: number };

/** What the views need to explain a failure in words that say what to do next. */
export interface ResetFailure {
  readonly ok: false;
  readonly code: FailureCode;
  readonly kind: CredentialKind;
  readonly email?: string;
  readonly directory?: DirectoryName;
  /** For the person to quote to IT; absent when the request never got that far. */
  readonly requestId?: string;
  /** For limits: when the person may try again. */
  readonly retryAt?: Date;
}

export interface Prepared {
  readonly ok: true;
  /** Sealed; goes into the confirmation modal's private_metadata. */
  readonly ticket: string;
  readonly kind: CredentialKind;
  readonly directory: DirectoryName;
  readonly email: string;
  readonly requestId: string;
}

export interface ResetDone {
  readonly ok: true;
  readonly kind: CredentialKind;
  readonly directory: DirectoryName;
  readonly email: string;
  readonly requestId: string;
  readonly at: Date;
  /** false when the reset was made but Slack would not show the new secret. */
  readonly secretShown?: boolean;
}

/** How the new credential reaches its owner; implemented by the handler with Slack views and DMs. */
export interface ResetDelivery {
  /** Shows the secret to the requester alone. */
  showSecret(secret: Secret, done: ResetDone): Promise<void>;
  /** Tells the owner, without the secret, that the reset happened. */
  notifyOwner(done: ResetDone): Promise<void>;
}

export interface ResetCredentialDeps {
  readonly directories: Partial<Record<CredentialKind, Directory>>;
  readonly members: WorkspaceMembers;
  readonly audit: AuditLog;
  readonly sealer: Sealer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly limiter: RateLimiter;
  readonly limits: ResetLimits;
  readonly allowedTeamId?: string;
  readonly ticketTtlMs?: number;
}

export interface ResetLimits {
  /** Resets one person may start per hour, per credential. */
  readonly perUserPerHour: number;
  /** Resets everyone together may start per minute; past it, resets pause and an alert is logged. */
  readonly globalPerMinute?: number;
}

/**
 * Resetting one's own credential, in two steps that match the two clicks a person makes.
 *
 * prepare (while the confirmation modal opens): who is asking, and who they are in the directory.
 * confirm (after "Reset"): audit the attempt, reset, show the secret; then the outcome record and
 * the owner's DM, off the path the person is waiting on. The attempt record is written first and
 * at most once per request, so a failed audit write stops the reset and a replayed click does
 * nothing.
 */
export class ResetCredential {
  private readonly ticketTtlMs: number;
  private readonly trail: AuditTrail;

  constructor(private readonly deps: ResetCredentialDeps) {
    this.ticketTtlMs = deps.ticketTtlMs ?? DEFAULT_TICKET_TTL_MS;
    this.trail = new AuditTrail(deps.audit, deps.logger);
  }

  isEnabled(kind: CredentialKind): boolean {
    return this.deps.directories[kind] !== undefined;
  }

  async prepare(requester: Requester, kind: CredentialKind): Promise<Prepared | ResetFailure> {
    const requestId = newRequestId(this.deps.clock.now());
    const directory = this.deps.directories[kind];
    if (!directory) return { ok: false, code: 'DIRECTORY_NOT_ENABLED', kind };
    let email: string | undefined;
    try {
      // The limit is counted before the directory is asked anything: over it, Chime and WorkMail
      // never hear of it. Counted now, so that the click waits on nothing but the audit and the
      // reset; given back if the person closes the confirmation instead (cancel).
      const countedAt = this.deps.clock.now().getTime();
      const [member] = await Promise.all([
        identifyRequester(requester, this.deps.members, this.deps.allowedTeamId),
        this.takeLimits(requester, kind),
      ]);
      email = member.email;
      const user = pickDirectoryUser(await directory.findUsersByEmail(email), email);
      const ticket: ResetTicket = {
        v: 1,
        kind,
        userId: requester.userId,
        teamId: requester.teamId,
        directoryUserId: user.id,
        email: user.email,
        requestId,
        expiresAt: this.deps.clock.now().getTime() + this.ticketTtlMs,
        countedAt,
      };
      return { ok: true, ticket: this.deps.sealer.seal(ticket), kind, directory: directory.name, email, requestId };
    } catch (err) {
      const failure = this.report(err, { requester, kind, requestId });
      await this.trail.refused({ requestId, action: ACTIONS[kind], actor: requester, directory: directory.name }, failure.code);
      return { ok: false, code: failure.code, kind, email, directory: directory.name, requestId, retryAt: failure.retryAt };
    }
  }

  async confirm(
    requester: Requester,
    kind: CredentialKind,
    sealedTicket: string,
    delivery: ResetDelivery,
  ): Promise<ResetDone | ResetFailure> {
    const directory = this.deps.directories[kind];
    if (!directory) return { ok: false, code: 'DIRECTORY_NOT_ENABLED', kind };
    const ticket = this.deps.sealer.open(sealedTicket, resetTicketSchema);
    const refusal = this.checkTicket(ticket, requester, kind);
    if (refusal || !ticket) {
      this.deps.logger.warn({ slackUserId: requester.userId, kind, code: refusal }, 'reset confirmation refused');
      return { ok: false, code: refusal ?? 'REQUEST_INVALID', kind, directory: directory.name };
    }

    const context = { requester, kind, requestId: ticket.requestId };
    let change;
    try {
      change = await this.trail.begin({
        requestId: ticket.requestId,
        action: ACTIONS[kind],
        actor: requester,
        directory: directory.name,
        directoryUserId: ticket.directoryUserId,
      });
    } catch (err) {
      // Fail closed: no attempt on record, no reset.
      const failure = this.report(err, context);
      return { ok: false, code: failure.code, kind, email: ticket.email, directory: directory.name, requestId: ticket.requestId };
    }

    let secret: Secret;
    try {
      secret = await directory.resetCredential(ticket.directoryUserId);
    } catch (err) {
      const failure = this.report(err, context);
      await change.failed(failure.code);
      return { ok: false, code: failure.code, kind, email: ticket.email, directory: directory.name, requestId: ticket.requestId };
    }

    const done: ResetDone = {
      ok: true,
      kind,
      directory: directory.name,
      email: ticket.email,
      requestId: ticket.requestId,
      at: this.deps.clock.now(),
    };
    let deliveryFailed = false;
    try {
      await delivery.showSecret(secret, done);
    } catch (err) {
      deliveryFailed = true;
      this.deps.logger.error(
        { requestId: ticket.requestId, slackUserId: requester.userId, kind, err: describeError(err) },
        'reset done but the new credential could not be shown',
      );
    }
    await Promise.all([
      change.succeeded(deliveryFailed ? { deliveryFailed } : undefined),
      delivery.notifyOwner({ ...done, secretShown: !deliveryFailed }).catch((err: unknown) =>
        this.deps.logger.warn({ requestId: ticket.requestId, err: describeError(err) }, 'owner notification failed'),
      ),
    ]);
    this.deps.logger.info(
      { requestId: ticket.requestId, slackUserId: requester.userId, kind, directory: directory.name, deliveryFailed },
      'credential reset',
    );
    return done;
  }

  /**
   * The person closed the confirmation without resetting: what opening it counted against the
   * limits is given back, once, so that looking and cancelling costs nothing. Only for the person
   * and credential the ticket was made for; nothing is shown, as the modal is already closed.
   */
  async cancel(requester: Requester, kind: CredentialKind, sealedTicket: string): Promise<void> {
    const ticket = this.deps.sealer.open(sealedTicket, resetTicketSchema);
    if (!ticket || ticket.countedAt === undefined || ticket.userId !== requester.userId || ticket.teamId !== requester.teamId || ticket.kind !== kind) {
      this.deps.logger.warn({ slackUserId: requester.userId, kind }, 'closed confirmation not recognised; nothing given back');
      return;
    }
    const countedAt = new Date(ticket.countedAt);
    try {
      const { own, everyone } = this.limitsOf(requester, kind);
      const [givenBack] = await Promise.all([own, ...(everyone ? [everyone] : [])].map((l) => this.deps.limiter.giveBack(l.key, l.windowMs, countedAt, ticket.requestId)));
      const fields = { requestId: ticket.requestId, slackUserId: requester.userId, kind };
      if (givenBack) this.deps.logger.info(fields, 'confirmation closed; its count given back');
      else this.deps.logger.info(fields, 'confirmation closed; its count was given back before, or has lapsed');
    } catch (err) {
      this.deps.logger.warn({ requestId: ticket.requestId, err: describeError(err) }, 'confirmation closed; its count could not be given back');
    }
  }

  /** The person's limit for this credential, and everyone's when one is set. */
  private limitsOf(requester: Requester, kind: CredentialKind): { own: Limit; everyone?: Limit } {
    const { limits } = this.deps;
    return {
      own: { key: `reset:${kind}:${requester.teamId}:${requester.userId}`, limit: limits.perUserPerHour, windowMs: HOUR_MS },
      ...(limits.globalPerMinute && { everyone: { key: 'reset:all', limit: limits.globalPerMinute, windowMs: MINUTE_MS } }),
    };
  }

  private async takeLimits(requester: Requester, kind: CredentialKind): Promise<void> {
    const { limiter, limits } = this.deps;
    const { own, everyone } = this.limitsOf(requester, kind);
    const [mine, all] = await Promise.all([
      limiter.take(own.key, own.limit, own.windowMs),
      everyone ? limiter.take(everyone.key, everyone.limit, everyone.windowMs) : { ok: true as const },
    ]);
    if (!all.ok) {
      this.deps.logger.error({ limit: limits.globalPerMinute, alert: true }, 'reset burst: organisation-wide limit reached, resets paused');
      throw new LatchkeyFailure('RESETS_PAUSED', undefined, { retryAt: all.retryAt });
    }
    if (!mine.ok) throw new LatchkeyFailure('RATE_LIMITED', `${kind} limit for ${requester.userId}`, { retryAt: mine.retryAt });
  }

  private checkTicket(
    ticket: ResetTicket | undefined,
    requester: Requester,
    kind: CredentialKind,
  ): FailureCode | undefined {
    if (!ticket) return 'REQUEST_INVALID';
    // The signed payload says who is clicking; a ticket made for anyone else is worthless.
    if (ticket.userId !== requester.userId || ticket.teamId !== requester.teamId || ticket.kind !== kind) {
      return 'REQUEST_INVALID';
    }
    if (ticket.expiresAt <= this.deps.clock.now().getTime()) return 'REQUEST_EXPIRED';
    return undefined;
  }

  /** Logs a failure at the level it deserves and returns it as ours. */
  private report(
    err: unknown,
    context: { requester: Requester; kind: CredentialKind; requestId: string },
  ): LatchkeyFailure {
    const failure = asFailure(err);
    const fields = {
      requestId: context.requestId,
      slackUserId: context.requester.userId,
      kind: context.kind,
      code: failure.code,
      detail: failure.detail,
    };
    if (failure.needsOperator) this.deps.logger.error({ ...fields, alert: true }, 'reset failed: operator action needed');
    else this.deps.logger.warn(fields, 'reset refused or failed');
    return failure;
  }
}

