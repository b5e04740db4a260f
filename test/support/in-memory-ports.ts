import { auditKeyOf } from '../../src/audit/audit-key';
import { LatchkeyFailure } from '../../src/flows/failure';
import type { ApprovalAnnouncer } from '../../src/flows/approvals/approvals';
import {
  type FollowUps,
  MESSAGE_REWRITE_CLAIM_MS,
  type MessageRewriteClaim,
  OPEN_STATUSES,
  type PendingChanges,
  type PendingPage,
  type PendingRequest,
  type PendingRequestStore,
  type PendingStatus,
  type TransitionCondition,
} from '../../src/flows/approvals/pending-request';
import type {
  Admins,
  AuditEntry,
  AuditLog,
  ChangeResult,
  Clock,
  Directory,
  DirectoryUser,
  License,
  LicensedUser,
  LicenseDirectory,
  Logger,
  RateLimiter,
  Requester,
  SlackMember,
  WorkspaceMembers,
} from '../../src/flows/ports';
import { Sealer } from '../../src/flows/sealer';
import type { ClosedWaits } from '../../src/flows/verification';
import { Secret } from '../../src/flows/secret';

/** In-memory stand-ins for the flow's ports, for unit tests of the rules. */
export class MemoryAudit implements AuditLog {
  readonly entries: AuditEntry[] = [];
  failWith?: LatchkeyFailure;

  async record(entry: AuditEntry): Promise<void> {
    if (this.failWith) throw this.failWith;
    // Each record takes its slot once, as in the DynamoDB store: an attempt and a cancellation share
    // one per request and person, and an outcome written again (restated) has one of its own.
    const key = (e: AuditEntry) => JSON.stringify(auditKeyOf(e));
    if (this.entries.some((e) => key(e) === key(entry))) {
      throw new LatchkeyFailure('REQUEST_ALREADY_USED', `audit ${entry.phase} for ${entry.requestId}: its slot is taken`);
    }
    this.entries.push(entry);
  }
}

export class MemoryDirectory implements Directory {
  readonly resets: string[] = [];
  resetFailure?: LatchkeyFailure;
  /** A follow-up (run by the flow once the result is shown) that the next resets return, failing so. */
  failingFollowUp?: { readonly step: string; readonly failure: LatchkeyFailure };
  /** What inspect() says of a user, by ID, beyond the lookup (an admin role, say). */
  readonly inspected = new Map<string, DirectoryUser['status']>();
  private counter = 0;

  constructor(readonly users: DirectoryUser[]) {}

  /** Like a directory's search, looser than the exact match the flow makes: any user whose email contains it. */
  async findCandidates(email: string): Promise<DirectoryUser[]> {
    const local = email.toLowerCase().split('@')[0]!;
    return this.users.filter((u) => u.email.toLowerCase().includes(local));
  }

  async inspect(user: DirectoryUser): Promise<DirectoryUser> {
    const status = this.inspected.get(user.id);
    return status ? { ...user, status } : user;
  }

  async resetCredential({ id: userId }: { id: string }): Promise<ChangeResult> {
    if (this.resetFailure) throw this.resetFailure;
    this.resets.push(userId);
    this.counter += 1;
    const failing = this.failingFollowUp;
    return {
      secret: new Secret(`secret-${userId}-${this.counter}`),
      ...(failing && { followUp: { step: failing.step, run: () => Promise.reject(failing.failure) } }),
    };
  }
}

export class MemoryMembers implements WorkspaceMembers {
  constructor(readonly members: SlackMember[]) {}

  async getMember(userId: string): Promise<SlackMember | undefined> {
    return this.members.find((m) => m.id === userId);
  }
}

export class ManualClock implements Clock {
  constructor(public current = new Date('2026-11-23T08:00:00Z')) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface LogLine {
  level: string;
  fields: object;
  message: string;
}

export class MemoryLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(fields: object, message: string) { this.lines.push({ level: 'debug', fields, message }); }
  info(fields: object, message: string) { this.lines.push({ level: 'info', fields, message }); }
  warn(fields: object, message: string) { this.lines.push({ level: 'warn', fields, message }); }
  error(fields: object, message: string) { this.lines.push({ level: 'error', fields, message }); }
}

export function member(id: string, overrides: Partial<SlackMember> = {}): SlackMember {
  return { id, teamId: 'T0TEAM', email: `${id.toLowerCase()}@example.com`, deleted: false, isBot: false, isGuest: false, ...overrides };
}

export function testSealer(): Sealer {
  return new Sealer(Buffer.alloc(32, 7));
}

/** Pending requests in memory, with one open place per person and slot, as the DynamoDB store keeps them. */
export class MemoryPendingRequests implements PendingRequestStore {
  readonly requests = new Map<string, PendingRequest>();
  readonly slots = new Map<string, string>();
  /** The requests listed as their change under way, as the DynamoDB store lists them. */
  readonly underwayIds = new Set<string>();
  /** Approved, waiting for their requester: on the queue's list (PendingChanges.awaitingFinish). */
  readonly awaitingFinishIds = new Set<string>();
  /** The requests listed as their change failed and waiting for a retry, as the DynamoDB store lists them. */
  readonly retryIds = new Set<string>();
  failWith?: LatchkeyFailure;

  constructor(private readonly clock: Clock) {}

  async create(request: PendingRequest, slot: string): Promise<void> {
    if (this.failWith) throw this.failWith;
    if (await this.findOpen(request.requester, slot)) throw new LatchkeyFailure('REQUEST_OPEN');
    this.requests.set(request.id, request);
    this.slots.set(`${request.requester.userId}#${slot}`, request.id);
  }

  async get(id: string): Promise<PendingRequest | undefined> {
    return this.requests.get(id);
  }

  async findOpen(requester: Requester, slot: string): Promise<PendingRequest | undefined> {
    const id = this.slots.get(`${requester.userId}#${slot}`);
    const r = id ? this.requests.get(id) : undefined;
    return r && (OPEN_STATUSES as readonly string[]).includes(r.status) && Date.parse(r.expiresAt) > this.clock.now().getTime() ? r : undefined;
  }

  async heldBy(userId: string): Promise<PendingRequest[]> {
    return [...this.slots.entries()].filter(([k]) => k.startsWith(`${userId}#`)).flatMap(([, id]) => (this.requests.has(id) ? [this.requests.get(id)!] : []));
  }

  async transition(id: string, from: readonly PendingStatus[], to: PendingStatus, changes: PendingChanges = {}, condition: TransitionCondition = {}) {
    const current = this.requests.get(id);
    if (!current || !(from as readonly string[]).includes(current.status)) return undefined;
    if (condition.takenBefore && !((current.takenAt ?? current.expiresAt) < condition.takenBefore)) return undefined;
    if (condition.decidedBefore && !(current.decidedAt !== undefined && current.decidedAt < condition.decidedBefore)) return undefined;
    if (condition.sameFinish && current.finishRequestId !== condition.sameFinish.finishRequestId) return undefined;
    if (condition.listedAsFailed && !this.retryIds.has(id)) return undefined;
    if (condition.inTimeAt && !(current.expiresAt > condition.inTimeAt)) return undefined;
    if (condition.takesDecisionFollowUps !== undefined && !(current.decisionFollowUpsDue && current.decidedAt === condition.takesDecisionFollowUps)) return undefined;
    const { underway, retryable, awaitingFinish, ...stored } = changes;
    const defined = Object.fromEntries(Object.entries(stored).filter(([, v]) => v !== undefined));
    const next: PendingRequest = { ...current, ...defined, status: to };
    if (condition.takesDecisionFollowUps !== undefined) delete (next as { decisionFollowUpsDue?: boolean }).decisionFollowUpsDue;
    this.requests.set(id, next);
    this.underwayIds.delete(id);
    this.retryIds.delete(id);
    this.awaitingFinishIds.delete(id);
    if (awaitingFinish && to !== 'PENDING') this.awaitingFinishIds.add(id);
    else if (underway && to !== 'PENDING') this.underwayIds.add(id);
    else if (retryable && to !== 'PENDING') this.retryIds.add(id);
    return next;
  }

  /** Claims in flight, by request: the state, when, and whose (a claim's own object). */
  private readonly rewrites = new Map<string, { state: string; at: number; by: object }>();

  async claimMessageRewrite(read: PendingRequest, state: string): Promise<MessageRewriteClaim> {
    const { id } = read;
    const current = this.requests.get(id);
    const now = this.clock.now().getTime();
    const held = this.rewrites.get(id);
    const free = !held || held.state !== state || held.at < now - MESSAGE_REWRITE_CLAIM_MS;
    // Moved since it was read: its status, or the time of a take or a decision, is another.
    const moved = !current || current.status !== read.status || current.takenAt !== read.takenAt || current.decidedAt !== read.decidedAt;
    const unread = read.shownUnreadFor === state;
    if (moved || current.messageShownFor === state || (unread && current.shownUnreadFor === state) || !free) return { claimed: false, shown: async () => {}, release: async () => {} };
    const by = {};
    this.rewrites.set(id, { state, at: now, by });
    const ours = () => this.rewrites.get(id)?.by === by;
    return {
      claimed: true,
      shown: async () => {
        if (!ours()) return;
        this.rewrites.delete(id);
        const latest = this.requests.get(id);
        if (!latest) return;
        if (unread) this.requests.set(id, { ...latest, shownUnreadFor: state });
        else {
          const { shownUnreadFor: _, ...rest } = latest;
          this.requests.set(id, { ...rest, messageShownFor: state, ...(read.neverAppliedFor === state && { neverAppliedFor: state }) });
        }
      },
      release: async () => {
        if (ours()) this.rewrites.delete(id);
      },
    };
  }

  async attachMessage(id: string, message: { channel: string; ts: string }): Promise<void> {
    const current = this.requests.get(id);
    if (current) this.requests.set(id, { ...current, message });
  }

  async attachFinishMessage(id: string, finishMessage: { channel: string; ts: string }): Promise<PendingRequest | undefined> {
    const current = this.requests.get(id);
    if (!current) return undefined;
    const attached = { ...current, finishMessage };
    this.requests.set(id, attached);
    return attached;
  }

  async attachSentMessage(id: string, sentMessage: { channel: string; ts: string }): Promise<PendingRequest | undefined> {
    const current = this.requests.get(id);
    if (!current) return undefined;
    const attached = { ...current, sentMessage };
    this.requests.set(id, attached);
    return attached;
  }

  async claimFollowUps(id: string, which: FollowUps): Promise<boolean> {
    const current = this.requests.get(id);
    if (!current) return false;
    if (which.of === 'revoke') {
      if (current.status !== 'REVOKED' || !current.revokeFollowUpsDue) return false;
      const { revokeFollowUpsDue: _taken, ...rest } = current;
      this.requests.set(id, rest);
      return true;
    }
    if ((current.status !== 'APPROVED' && current.status !== 'DENIED') || current.decidedAt !== which.decidedAt || !current.decisionFollowUpsDue) return false;
    const { decisionFollowUpsDue: _taken, ...rest } = current;
    this.requests.set(id, rest);
    return true;
  }

  async markAppliedTold(id: string, decidedAt: string): Promise<void> {
    const current = this.requests.get(id);
    if (current?.status === 'APPROVED' && current.decidedAt === decidedAt) this.requests.set(id, { ...current, appliedToldFor: decidedAt });
  }

  async pending(pageSize: number, after?: string): Promise<PendingPage> {
    return this.page((r) => r.status === 'PENDING' || this.awaitingFinishIds.has(r.id), pageSize, after);
  }

  async underway(pageSize: number, after?: string): Promise<PendingPage> {
    return this.page((r) => this.underwayIds.has(r.id), pageSize, after);
  }

  async underwayOf(userId: string): Promise<PendingRequest[]> {
    return [...this.requests.values()].filter((r) => this.underwayIds.has(r.id) && r.requester.userId === userId);
  }

  async awaitingRetry(pageSize: number, after?: string): Promise<PendingPage> {
    return this.page((r) => this.retryIds.has(r.id), pageSize, after);
  }

  async awaitingRetryOf(userId: string): Promise<PendingRequest[]> {
    return [...this.requests.values()].filter((r) => this.retryIds.has(r.id) && r.requester.userId === userId);
  }

  private page(listed: (r: PendingRequest) => boolean, pageSize: number, after?: string): PendingPage {
    const all = [...this.requests.values()].filter(listed).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const start = after ? Number(after) : 0;
    const requests = all.slice(start, start + pageSize);
    return { requests, ...(start + pageSize < all.length && { next: String(start + pageSize) }) };
  }

  async decidedOf(userId: string, limit: number): Promise<PendingRequest[]> {
    return [...this.requests.values()]
      .filter((r) => r.requester.userId === userId && r.status !== 'PENDING' && !this.underwayIds.has(r.id) && !this.retryIds.has(r.id) && !this.awaitingFinishIds.has(r.id))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }
}

export class MemoryAnnouncer implements ApprovalAnnouncer {
  readonly announced: PendingRequest[] = [];
  readonly refreshed: PendingRequest[] = [];
  readonly told: PendingRequest[] = [];
  /** Whether the last message about each request (by ID) offered Review, as the flow ruled. */
  readonly decidable = new Map<string, boolean>();
  announceFailure?: Error;

  async announce(request: PendingRequest, decidable: boolean) {
    if (this.announceFailure) throw this.announceFailure;
    this.announced.push(request);
    this.decidable.set(request.id, decidable);
    return { channel: 'CAPPROVALS', ts: `${this.announced.length}.0001` };
  }

  async refresh(request: PendingRequest, decidable: boolean) {
    this.refreshed.push(request);
    this.decidable.set(request.id, decidable);
  }

  async tellRequester(request: PendingRequest) {
    this.told.push(request);
  }

  async rewriteFinishMessage() {}

  async rewriteSentMessage() {}
}

export class MemoryAdmins implements Admins {
  constructor(readonly ids: Set<string>) {}

  async isAdmin(userId: string): Promise<boolean> {
    return this.ids.has(userId);
  }

  mayBeAdmin(userId: string): boolean {
    return this.ids.has(userId);
  }

  namedWhenLastRead(userId: string): boolean {
    return this.ids.has(userId);
  }
}

export class MemoryLicenseDirectory implements LicenseDirectory {
  readonly changes: [string, License][] = [];
  changeFailure?: LatchkeyFailure;

  constructor(readonly users: LicensedUser[]) {}

  async findCandidates(email: string): Promise<DirectoryUser[]> {
    return this.users.filter((u) => u.email.toLowerCase() === email.toLowerCase());
  }

  async getLicensedUser(userId: string): Promise<LicensedUser> {
    const user = this.users.find((u) => u.id === userId);
    if (!user) throw new LatchkeyFailure('DIRECTORY_USER_NOT_FOUND');
    return user;
  }

  async changeLicense(userId: string, license: License): Promise<void> {
    if (this.changeFailure) throw this.changeFailure;
    this.changes.push([userId, license]);
    const i = this.users.findIndex((u) => u.id === userId);
    if (i >= 0) this.users[i] = { ...this.users[i]!, license };
  }
}

export class MemoryRateLimiter implements RateLimiter {
  readonly counts = new Map<string, number>();

  async take(key: string, limit: number, windowMs: number, at: Date) {
    const start = at.getTime() - (at.getTime() % windowMs);
    const k = `${key}#${start}`;
    const used = this.counts.get(k) ?? 0;
    if (used >= limit) return { ok: false as const, retryAt: new Date(start + windowMs) };
    this.counts.set(k, used + 1);
    return { ok: true as const };
  }

  private readonly givenBack = new Set<string>();

  async giveBack(key: string, windowMs: number, countedAt: Date, useId: string) {
    const at = countedAt.getTime();
    const k = `${key}#${at - (at % windowMs)}`;
    const used = this.counts.get(k) ?? 0;
    if (used === 0 || this.givenBack.has(`${k}:${useId}`)) return false;
    this.givenBack.add(`${k}:${useId}`);
    this.counts.set(k, used - 1);
    return true;
  }
}

/** Closes of waiting modals, shared by the flows a test builds over it (one per "instance"). */
export class MemoryClosedWaits implements ClosedWaits {
  /** By request ID: who closed it. */
  readonly closes = new Map<string, string>();
  writeFailure?: LatchkeyFailure;
  /** Reads that fail before they answer again. */
  readFailures = 0;
  reads = 0;

  async record(requestId: string, userId: string): Promise<'recorded' | 'taken'> {
    if (this.writeFailure) throw this.writeFailure;
    const by = this.closes.get(requestId);
    if (by !== undefined && by !== userId) return 'taken';
    this.closes.set(requestId, userId);
    return 'recorded';
  }

  async closedBy(requestId: string, userId: string): Promise<boolean> {
    this.reads += 1;
    if (this.readFailures > 0) {
      this.readFailures -= 1;
      throw new LatchkeyFailure('STORE_UNAVAILABLE', 'closed wait read: test');
    }
    return this.closes.get(requestId) === userId;
  }
}
