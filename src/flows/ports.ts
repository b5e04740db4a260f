/**
 * The small interfaces the use cases need from the outside world. Adapters in src/credentials,
 * src/slack and src/audit implement them; nothing here knows Bolt, AWS or any one directory.
 */
import type { FailureCode } from './failure';
import type { Secret } from './secret';
import type { Policy } from './policy';

/** Who sent a request, as Slack signed it: never from text the user typed or from view metadata. */
export interface Requester {
  readonly userId: string;
  /** The workspace the request came from. */
  readonly teamId: string;
  /** The Enterprise Grid org of that workspace, when it is in one. */
  readonly enterpriseId?: string;
}

export interface DirectoryUser {
  readonly id: string;
  readonly email: string;
  readonly displayName?: string;
  /**
   * Whether self-service may reset this user: `not_a_person` is a resource, shared device or
   * system account; `not_activated` has never been activated; `privileged` holds an admin role.
   * Only `active` users are reset.
   */
  readonly status: 'active' | 'suspended' | 'disabled' | 'not_a_person' | 'not_activated' | 'privileged';
  /** Locked out: the reset unlocks the account too (where the directory has such a state). */
  readonly locked?: boolean;
  /**
   * A reason of the directory's own to refuse this user, beyond the statuses above (a directory
   * guest, say): one of the keys of its credential's `words.refusals`, which give the person's
   * words and the admin's label, and the key is written to the audit record as its `reason`.
   * Set, the user is refused whatever the status.
   */
  readonly refusal?: string;
  /**
   * The account already is as the change would leave it (an unlock of an account not locked):
   * nothing to do, and no refusal. One of the keys of its credential's `words.refusals`, which
   * say it to the person; recorded as NOTHING_TO_CHANGE with it as the `reason`.
   */
  readonly nothingToChange?: string;
}

/**
 * What a change in a directory returns. A follow-up that fails leaves the change standing: the
 * flow has shown the secret, and audits the outcome as partial and logs an alert.
 */
export interface ChangeResult {
  /** The new secret, for a credential that makes one; absent for a change with no secret (an unlock, an MFA reset). */
  readonly secret?: Secret;
  /**
   * A step the secret does not need (signing the person out of their other sessions), which the
   * flow runs once the result is shown, so that however slow it is it never keeps the person from
   * their secret. It throws when it failed: the change stands, and the step is reported as
   * incomplete (IncompleteStep).
   */
  readonly followUp?: { readonly step: string; run(): Promise<void> };
}

/** A step after the change that failed (a change's follow-up): the change stands. */
export interface IncompleteStep {
  readonly step: string;
  readonly code: FailureCode;
}

/**
 * How long a credential's change may take at worst (ms): the bounds of the calls it makes one
 * after another, on its own clients, added up (Credential.changeTime declares it).
 */
export interface ChangeTime {
  /** Up to its secret (for a change with none, the change itself): what showing the result waits on. */
  readonly secretMs: number;
  /**
   * What an account the look-up found locked (DirectoryUser.locked) adds before the secret: the
   * unlock its change makes first (Directory.resetCredential). An account not locked is not made
   * to wait for it.
   */
  readonly unlockMs?: number;
  /** Its follow-up (ChangeResult.followUp), run after the result is shown; none when it has none. */
  readonly followUpMs?: number;
}

/**
 * One thing a directory knows of an account that an approver should weigh before approving a
 * change of it (Directory.reviewFacts): a short label, and its value in plain words or a moment.
 */
export type ReviewFact = { readonly label: string } & ({ readonly text: string } | { readonly at: Date });

/**
 * A place people have a credential we can reset, behind one small interface: each credential's
 * folder (src/credentials/<name>/) has the adapter. Adapters throw LatchkeyFailure with a
 * DIRECTORY_* code for every error they can name.
 */
export interface Directory {
  /**
   * The users the directory finds for this email. Candidates only: the flow keeps the one whose
   * primary email equals it exactly, compared case-insensitively (pick-directory-user.ts), so a
   * look-alike is never chosen, whatever the directory's search matched.
   */
  findCandidates(email: string): Promise<DirectoryUser[]>;
  /**
   * A second look at the one user the flow chose, for what only that can tell (an admin role,
   * say). Returns the user with its status decided; a directory with nothing more to tell returns
   * the user as it is.
   */
  inspect(user: DirectoryUser): Promise<DirectoryUser>;
  /**
   * Makes the change (unlocking the account first if it is locked) and returns the new secret, if
   * the credential has one, and any follow-up step that failed after the change stood. Throws
   * when the change itself was not made.
   */
  resetCredential(user: { readonly id: string; readonly locked?: boolean }): Promise<ChangeResult>;
  /**
   * Optional, read-only (a credential declares it with Credential.reviewFacts): what the directory
   * knows of the user that an admin reviewing a request should weigh (its status, a lock, the kinds
   * of factor enrolled, the last password change or sign-in), as short labelled lines. Never a
   * secret, nor a factor's details (a phone number, a device): kinds only. Throws when it could not be read.
   */
  reviewFacts?(user: { readonly id: string }): Promise<readonly ReviewFact[]>;
}

/** A license type, as the directory that has licenses names it (its credential lists them). */
export type License = string;

export interface LicensedUser extends DirectoryUser {
  readonly license: License;
}

/** A directory whose users hold a license an admin can change. */
export interface LicenseDirectory {
  findCandidates(email: string): Promise<DirectoryUser[]>;
  getLicensedUser(userId: string): Promise<LicensedUser>;
  changeLicense(userId: string, license: License): Promise<void>;
}

/**
 * Who may do what admins do (decide requests, revoke, search the audit log, the Home tab's admin
 * sections). Asked on every click and submission, never cached in a view. A guest in Slack is never
 * an admin, whoever named them.
 */
export interface Admins {
  /**
   * Throws SLACK_UNAVAILABLE when membership, or whether a named admin is a guest, cannot be read:
   * not knowing is not being an admin; ADMIN_GROUP_UNREADABLE when the admin group cannot be read
   * for Latchkey's own setup, its alert raised by Admins (callers raise none). Throws ADMIN_IS_GUEST
   * for a guest named an admin, so they can be told why and what to do.
   */
  isAdmin(userId: string): Promise<boolean>;
  /**
   * Whether what is known without asking Slack names this person an admin, or cannot say they are
   * not (the admin group as last read, or never read yet): where an admin action's answer is shown,
   * so a modal can be opened before the check, never whether they may act.
   */
  mayBeAdmin(userId: string): boolean;
  /**
   * Whether what is known without asking Slack names this person an admin: ADMIN_USER_IDS, or the
   * admin group's list as last read (none read yet: no one). Never a right: only whether the
   * admin group being unreadable (ADMIN_GROUP_UNREADABLE) is theirs to be told where they did not
   * ask for anything an admin does (the Home tab), so that members never see setup words.
   */
  namedWhenLastRead(userId: string): boolean;
}

export interface SlackMember {
  readonly id: string;
  readonly teamId: string;
  /** The Enterprise Grid org the member belongs to (users.info's enterprise_user), if any. */
  readonly enterpriseId?: string;
  readonly email?: string;
  /**
   * Slack's is_email_confirmed: false only where Slack says the email is not confirmed by its owner.
   * Absent (or undefined) is read as confirmed: Slack does not document when it sends false.
   */
  readonly emailConfirmed?: boolean;
  readonly deleted: boolean;
  readonly isBot: boolean;
  /** Multi-channel (restricted) or single-channel (ultra-restricted) guest. */
  readonly isGuest: boolean;
  readonly timeZone?: string;
  /** The profile an approver sees: the person's name and title, as Slack shows them. */
  readonly realName?: string;
  readonly title?: string;
}

export interface WorkspaceMembers {
  /** undefined when Slack says the user does not exist; throws SLACK_UNAVAILABLE when Slack cannot answer. */
  getMember(userId: string): Promise<SlackMember | undefined>;
}

/** Slack's answer of a person, with when the ask that answered began (ms, on the app's clock). */
export interface AskedMember {
  readonly member: SlackMember | undefined;
  readonly askedAt: number;
}

/** People from Slack, saying when each answer was asked for: an answer shared with an ask begun earlier is that much older. */
export interface AskedMembers extends WorkspaceMembers {
  getMemberAsked(userId: string): Promise<AskedMember>;
}

/** What a flow says happened. The store adds keys and retention; it never accepts a secret. */
export interface AuditEntry {
  readonly requestId: string;
  /**
   * attempt: about to change something. outcome: how that ended. refused: turned away before any
   * change. cancelled: the person closed the confirmation instead; a request has an attempt or a
   * cancellation, never both (they are one record's two possible contents).
   */
  readonly phase: 'attempt' | 'outcome' | 'refused' | 'cancelled';
  /** A credential's reset action (its `audit.action`), or a pending request's step (`<kind>_<step>`). */
  readonly action: string;
  readonly actor: Requester;
  /** The directory, as the credential's `audit.directory` names it. */
  readonly directory?: string;
  readonly directoryUserId?: string;
  /** partial: the change was made, but a step after it failed (`incomplete` says which). */
  readonly outcome?: 'success' | 'failure' | 'partial';
  readonly errorCode?: FailureCode;
  /**
   * With DIRECTORY_USER_REFUSED: the credential's own reason (a key of its `words.refusals`); with
   * VERIFY_UNAVAILABLE, SENT_UNANSWERED: the push was sent, and the verifier then stopped answering;
   * with STORE_UNAVAILABLE, CLOSE_UNREAD: it ended a push's wait; with another VERIFY_* code, the
   * verifier's own, as its plug-in declares it (VerifierWords.reasons).
   */
  readonly reason?: string;
  /** With a partial outcome: the steps that failed after the change, each with its failure. */
  readonly incomplete?: readonly IncompleteStep[];
  /** The change was made but the requester's view could not be updated (Slack failed). */
  readonly deliveryFailed?: boolean;
  /**
   * An outcome written again, in a slot of its own (the store is append-only), because what the
   * first said turned out wrong after it was written: the secret, shown aside after the reset was
   * recorded, never reached the person (deliveryFailed); or an admin's decision whose click could not
   * tell it was saved (STORE_OUTCOME_UNKNOWN) was, as the next touch found (AuditTrail.foundMade): a
   * success, under that admin, and what a line says of the step. A request's outcome is counted once: by
   * its first, so readers skip this by name (it is stored, and read back even in brief), never by
   * order, which one day's records cannot tell when the two are either side of midnight.
   */
  readonly restated?: true;
  /** A pending request's steps: the employee it is for, when an admin is the actor. */
  readonly subject?: Requester;
  /** A pending request's steps (approvals/), and the change an approved reset's finish makes: which request. */
  readonly approvalRequestId?: string;
  /**
   * A decision of a request its requester finishes: the reference the finish it hands out is
   * audited under, and (deciding a finish whose outcome is unknown) the earlier finish's.
   */
  readonly finishRequestId?: string;
  readonly earlierFinishRequestId?: string;
  /**
   * A `<kind>_revoke` that only did the follow-ups of a revoke made earlier by a click that could
   * not tell it was (its requester told, the admins' message rewritten): the admin whose revoke it was.
   */
  readonly revokedBy?: string;
  /** Written by license steps before requests had kinds; read only. */
  readonly licenseRequestId?: string;
  /** An approved reset's own: which credential (its registry ID). */
  readonly credential?: string;
  /** The license kind's own: from and to. */
  readonly licenseFrom?: License;
  readonly licenseTo?: License;
  readonly decision?: 'approve' | 'deny';
  /** The `verify` policy: the verifier's audit name, the factor the push went to, and how it ended. */
  readonly verifier?: string;
  readonly factorType?: string;
  readonly verification?: VerificationOutcome;
  /**
   * The `verify` policy, on the record of the push's result once it was sent: what the verifier's
   * own log knows the push by (PushStarted.audit), so that a reviewer finds it there. IDs only, as
   * the verifier plug-in gives them; never its challenge.
   */
  readonly verifierFactorId?: string;
  readonly verifierTransactionId?: string;
  /**
   * A credential change's attempt and the records after it (its outcome, an outcome written again, a
   * refusal after the attempt): the policy under which it was made, from the route the request took
   * (an approval finished, a push waited for, or neither) under the credential's declared policy.
   */
  readonly policy?: Policy;
  /**
   * The `verify` policy, once its push was sent: how long that push waited for its person
   * (VERIFY_TIMEOUT_SECONDS then), so that its line says the wait it had, not one configured since.
   * Records written before it was kept have none.
   */
  readonly verifyWaitMs?: number;
  /**
   * An admin's `attention_handled`: the reference of the Needs attention item they marked handled,
   * its kind (the Home tab's Attention kinds), and what they wrote of what was done. An admin's
   * decision: the comment they wrote to its requester (a denial's reason). Typed text, kept for
   * admins and reviewers to read in the audit log only, never in a log line.
   */
  readonly handledRequestId?: string;
  readonly attentionKind?: string;
  readonly note?: string;
}

/** How a policy's push ended, as the audit log writes it. */
export type VerificationOutcome = 'approved' | 'rejected' | 'timeout' | 'cancelled' | 'no_factor' | 'failed';

/** A record found by a reference's end, and the whole reference of it that ends so. */
export interface ReferenceEnding {
  readonly reference: string;
  readonly event: AuditEvent;
}

export interface AuditLog {
  /**
   * Writes the entry. A request's claim, its attempt or its cancellation, is written at most once:
   * a second one of either throws LatchkeyFailure('REQUEST_ALREADY_USED'). Any storage failure
   * throws AUDIT_UNAVAILABLE.
   */
  record(entry: AuditEntry): Promise<void>;
}

/**
 * One audit record as read back: what was written, and when. A record outlives the version that
 * wrote it, so its failure codes (and its verification's outcome) are read as written: one this
 * version no longer lists is still shown, never dropped (isFailureCode tells them apart).
 */
export interface AuditEvent extends Omit<AuditEntry, 'phase' | 'errorCode' | 'incomplete' | 'verification' | 'policy'> {
  /** ISO time the record was written. */
  readonly at: string;
  /**
   * unreadable: a record this version cannot read (a newer version wrote it, or a hand edit), of
   * which only its reference, time and person are read (and its action, when this version knows
   * it): no step of anything, which `unreadable` names the fields of.
   */
  readonly phase: AuditEntry['phase'] | 'unreadable';
  readonly unreadable?: readonly string[];
  readonly errorCode?: string;
  readonly incomplete?: readonly { readonly step: string; readonly code: string }[];
  readonly verification?: string;
  /** As written: a newer version may name a policy this one does not know. */
  readonly policy?: string;
}

/** A page of one person's records, newest first, and where the next (older) page starts. */
export interface AuditPage {
  readonly events: readonly AuditEvent[];
  readonly next?: string;
}

/** Which page of a search: at most `lines` lines (`lineOf` says which line a record is shown on), from a page's `next`. */
export interface LinesPage {
  readonly lines: number;
  readonly lineOf: (e: AuditEvent) => string;
  readonly after?: string;
  /**
   * The reference of the earlier request whose line a record is shown on, when not its own (a
   * requester's withdraw: their request's line), which can be far from it, pages apart. Where that
   * request is itself shown by the search (begun in its days), the record is read past, never a line
   * of its own: the caller reads it with that request (ofReferences), so the request is on one page.
   */
  readonly placeOf?: (e: AuditEvent) => string | undefined;
}

/** Reading the audit log back: the Home tab's activity, today's counts, an admin's search. */
export interface AuditReader {
  /** At least the person's latest `requests` requests' records (from that workspace), newest first. */
  latestOf(actor: Requester, requests: number): Promise<AuditEvent[]>;
  /**
   * Everyone's records of one UTC day (YYYY-MM-DD), oldest first, without their bulk (a person's
   * directory account, an admin's note): what counting and "needs attention" use, and every field
   * whose value could make a record one this version cannot read (AuditEvent.unreadable).
   */
  ofDay(day: string): Promise<readonly AuditEvent[]>;
  /**
   * One person's records between two instants, newest request first, a page at a time: each request
   * begun between them or with a record written between them (a reset asked for the day before and
   * finished in them), with all its records; the records of at
   * most `lines` lines (`lineOf` says which line a record is shown on), a page never ending inside a
   * request's records; fewer when the lines take more records than one page reads. `after` is a page's `next`;
   * one no search of these terms gave throws REQUEST_INVALID.
   */
  search(actor: Requester, from: Date, to: Date, page: LinesPage): Promise<AuditPage>;
  /**
   * Every record of one person's (from that workspace) written at or after `since`, whatever
   * request it is of, read strongly consistent: a record written a moment ago is never missed. What
   * a failed request's work may have changed is decided on it (changesSince), and a stale read would
   * tell a person "nothing was changed" over a change made. Only on that failure path: it reads the
   * person's last days, at twice the cost of an eventually consistent read.
   */
  writtenSince(actor: Requester, since: Date): Promise<AuditEvent[]>;
  /**
   * Everyone's records in one workspace written on these UTC days (YYYY-MM-DD, newest first), newest
   * request first (a request's records together, though written on two days), a page at a time as
   * `search` reads them: one Query of the by-day index a day, never a Scan. A request with a record
   * in the days comes with its records of the day after the last (an outcome written past midnight).
   */
  searchDays(teamId: string, days: readonly string[], page: LinesPage): Promise<AuditPage>;
  /**
   * Everyone's records of some requests, by their whole references (as every message quotes them),
   * and the steps of the pending requests they name: those written on a reference's day and the
   * week after it (a request's time and its finish), up to today; and an admin's marking of one handled.
   */
  ofReferences(references: readonly string[]): Promise<AuditEvent[]>;
  /**
   * Everyone's records written on these UTC days (YYYY-MM-DD) with a reference ending with `end`
   * (lowercase hex, as a message's short reference gives it), in any field ofReferences reads (a
   * pending request's steps hold its reference in approvalRequestId), each with that reference: one
   * Query of the by-day index a day, never a Scan. The caller bounds the days, as it does everyone's search.
   */
  endingWith(days: readonly string[], end: string): Promise<ReferenceEnding[]>;
  /**
   * Everyone's records of a pending request's steps (their approvalRequestId) under references
   * taken at or after `since` (ISO time), written on since's UTC day or any after it up to today
   * (a request's 30 days at most, and the next): from its creation, every apply of it.
   */
  stepsSince(approvalRequestId: string, since: string): Promise<AuditEvent[]>;
}

/** Counts uses across every instance of the app (shared storage, not process memory). */
export interface RateLimiter {
  /** Counts one use of `key` in the window holding `at`, unless `limit` uses are already counted there. */
  take(key: string, limit: number, windowMs: number, at: Date): Promise<{ ok: true } | { ok: false; retryAt: Date }>;
  /** Uncounts the use `useId` took at `countedAt`, once however often it is asked; false when it did nothing. */
  giveBack(key: string, windowMs: number, countedAt: Date, useId: string): Promise<boolean>;
}

export interface Clock {
  now(): Date;
}

/**
 * The time the work under way has left to show a person its result: a Lambda work order's Slack
 * calls end before Lambda stops the invocation (src/slack/call-deadline.ts). The server's work has
 * no such end.
 */
export interface WorkTime {
  /** What is left for the calls that show the result (ms, 0 or less when none); undefined with no end. */
  leftMs(): number | undefined;
  /** The longest one call showing the result (the person's modal) may take. */
  readonly showMs: number;
}

export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * What is counted and timed, for dashboards and alarms. Dimensions are low-cardinality labels
 * only (a credential, a failure code, a reason): never a person, an email or a request ID.
 */
export const METRIC_NAMES = [
  'reset_started',
  'reset_succeeded',
  'reset_failed',
  'request_refused',
  'limit_reached',
  'license_decision',
  'directory_call',
  'trigger_too_old',
  'work_queue_wait',
  'work_failed',
  'push_sent',
  'push_result',
  'push_rejected',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Where the flows report what happened; the transport (Prometheus, CloudWatch EMF) is the adapter's. */
export interface Metrics {
  count(name: MetricName, dimensions?: Readonly<Record<string, string>>): void;
  /** A duration in milliseconds. */
  duration(name: MetricName, ms: number, dimensions?: Readonly<Record<string, string>>): void;
}

/** For a composition that counts nothing (unit tests). */
export const NO_METRICS: Metrics = { count: () => undefined, duration: () => undefined };
