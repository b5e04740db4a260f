import { LatchkeyFailure } from '../../src/flows/failure';
import type {
  AuditEntry,
  AuditLog,
  Clock,
  CredentialKind,
  Directory,
  DirectoryUser,
  Logger,
  SlackMember,
  WorkspaceMembers,
} from '../../src/flows/ports';
import { TicketSealer } from '../../src/flows/reset-ticket';
import { Secret } from '../../src/flows/secret';

/** In-memory stand-ins for the flow's ports, for unit tests of the rules. */
export class MemoryAudit implements AuditLog {
  readonly entries: AuditEntry[] = [];
  failWith?: LatchkeyFailure;

  async record(entry: AuditEntry): Promise<void> {
    if (this.failWith) throw this.failWith;
    if (entry.phase === 'attempt' && this.entries.some((e) => e.phase === 'attempt' && e.requestId === entry.requestId)) {
      throw new LatchkeyFailure('REQUEST_ALREADY_USED');
    }
    this.entries.push(entry);
  }
}

export class MemoryDirectory implements Directory {
  readonly resets: string[] = [];
  resetFailure?: LatchkeyFailure;
  private counter = 0;

  constructor(
    readonly name: 'chime' | 'workmail',
    readonly credential: CredentialKind,
    readonly users: DirectoryUser[],
  ) {}

  async findUsersByEmail(email: string): Promise<DirectoryUser[]> {
    return this.users.filter((u) => u.email.toLowerCase() === email.toLowerCase());
  }

  async resetCredential(userId: string): Promise<Secret> {
    if (this.resetFailure) throw this.resetFailure;
    this.resets.push(userId);
    this.counter += 1;
    return new Secret(`secret-${userId}-${this.counter}`);
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

export function testSealer(): TicketSealer {
  return new TicketSealer(Buffer.alloc(32, 7));
}
