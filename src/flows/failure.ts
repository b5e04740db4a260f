/**
 * Every way a request can end without doing what was asked. The code is stable: it is written
 * to the audit log and picked up by the views, which turn it into words for a person.
 */
export const FAILURE_CODES = [
  // Who is asking
  'SLACK_WRONG_WORKSPACE',
  'SLACK_USER_NOT_FOUND',
  'SLACK_USER_DEACTIVATED',
  'SLACK_USER_IS_BOT',
  'SLACK_USER_IS_GUEST',
  'SLACK_USER_NO_EMAIL',
  // Slack says the email on their profile is not confirmed by its owner: the person's to fix in Slack, never an alert
  'SLACK_EMAIL_UNCONFIRMED',
  'SLACK_UNAVAILABLE',
  'SLACK_MISCONFIGURED',
  // Who they are in the directory
  'DIRECTORY_USER_NOT_FOUND',
  'DIRECTORY_USER_AMBIGUOUS',
  'DIRECTORY_USER_SUSPENDED',
  'DIRECTORY_USER_DISABLED',
  'DIRECTORY_USER_NOT_A_PERSON',
  'DIRECTORY_USER_NOT_ACTIVATED',
  'DIRECTORY_USER_PRIVILEGED',
  // A reason of the directory's own (DirectoryUser.refusal): the credential's words say which
  'DIRECTORY_USER_REFUSED',
  // The account already is as the change would leave it (an unlock of one not locked): no refusal,
  // nothing to do. With the credential's own reason (DirectoryUser.nothingToChange), whose words say it
  'NOTHING_TO_CHANGE',
  // The directory itself
  'DIRECTORY_THROTTLED',
  'DIRECTORY_UNAVAILABLE',
  // A change was sent and not confirmed (no answer: timed out, or the connection dropped; or a 500, 502
  // or 504 from a server or gateway that failed midway): it may have been made
  'DIRECTORY_OUTCOME_UNKNOWN',
  'DIRECTORY_REJECTED',
  'DIRECTORY_MISCONFIGURED',
  'DIRECTORY_NOT_ENABLED',
  // Requests and decisions. REQUEST_OPEN: the person already has a request of that kind waiting (a
  // license change, an approved reset); LICENSE_REQUEST_OPEN is its name before it covered both,
  // still read in the records written then
  'REQUEST_OPEN',
  'LICENSE_REQUEST_OPEN',
  'NOT_ADMIN',
  // Named an admin (ADMIN_USER_IDS, the admin group), but a guest in Slack: a guest is never an admin (Admins)
  'ADMIN_IS_GUEST',
  // The admin group named in configuration cannot be read for Latchkey's own setup (a permission the
  // app lacks, an ID that names no group): nobody in it can be known an admin until it is fixed. Its
  // alert is raised where the group is read (Admins), once a read, never again for each click
  'ADMIN_GROUP_UNREADABLE',
  'SELF_REVIEW',
  'REQUEST_NOT_FOUND',
  'REQUEST_DECIDED',
  // Its requester withdrew it before this decision (or withdraw) was written: nothing was changed
  'REQUEST_WITHDRAWN',
  // An admin revoked its approval before its requester's finish (or this decision, withdraw or revoke) was written: nothing was changed
  'APPROVAL_REVOKED',
  // Its requester's finish had started (or ended) before this revoke was written: the revoke changed nothing
  'FINISH_STARTED',
  // Abuse limits
  'RATE_LIMITED',
  'RESETS_PAUSED',
  // The policy's proof (issue 23): a push to the person's phone, an admin's approval
  'VERIFY_NO_FACTOR',
  // The verifier will not let this person sign in at this time (its account there locked out or
  // disabled, its own policy): no push can be sent. Their account's state, not our fault, never an
  // alert. With the verifier's own reason (VerifierWords.reasons), whose label says which
  'VERIFY_USER_REFUSED',
  'VERIFY_REJECTED',
  'VERIFY_TIMEOUT',
  // The person closed the modal waiting for their push: they changed their mind, nothing changed
  'VERIFY_CANCELLED',
  'VERIFY_UNAVAILABLE',
  'VERIFY_MISCONFIGURED',
  // The verifier answered the push with something not of this push (a poll link to another user's,
  // factor's or org's transaction): sent, maybe on the phone, but never followed
  'VERIFY_ANSWER_UNTRUSTED',
  'PUSH_LIMITED',
  // Latchkey's own state
  'REQUEST_EXPIRED',
  'REQUEST_INVALID',
  'REQUEST_ALREADY_USED',
  'AUDIT_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  // A write to Latchkey's own store was sent and went unanswered, and reading it back did not show it
  // made (the read failed, or the write may still be on its way): it may have been made (never
  // "changed nothing"). A revoke so is made known by the admin's next click
  'STORE_OUTCOME_UNKNOWN',
  // Too little of the work's time was left (a Lambda work order, slowed before the change) to make the
  // change and still show its result: it was not sent, nothing changed
  'OUT_OF_TIME',
  'INTERNAL',
] as const;

export type FailureCode = (typeof FAILURE_CODES)[number];

/**
 * The reason of a VERIFY_UNAVAILABLE that came after the push was sent: it may be on the phone, and
 * the verifier stopped answering about it. Without it, VERIFY_UNAVAILABLE is a push never sent.
 */
export const SENT_UNANSWERED = 'sent_unanswered';

/**
 * The reason of a STORE_UNAVAILABLE that ended a push's wait: whether the person had closed the
 * waiting window could not be read (maybe just after they approved), so no approval was acted on.
 * Never "not answered in time", which may be untrue.
 */
export const CLOSE_UNREAD = 'close_unread';

const KNOWN_CODES: ReadonlySet<string> = new Set(FAILURE_CODES);

/** Codes a past version wrote under another name, by that name: counted and shown as the one they are now. */
const RENAMED: Readonly<Record<string, FailureCode>> = { LICENSE_REQUEST_OPEN: 'REQUEST_OPEN' };

/** A code read back from storage, under the name it has now (LICENSE_REQUEST_OPEN is REQUEST_OPEN). */
export function currentCode(code: string): string {
  return RENAMED[code] ?? code;
}

/** A code read back from storage is one this version lists (an older version may have written one since removed). */
export function isFailureCode(code: string): code is FailureCode {
  return KNOWN_CODES.has(code);
}

/** Failures that mean an operator must act; users are told an admin has been alerted. */
const OPERATOR_FAILURES: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'DIRECTORY_MISCONFIGURED',
  'SLACK_MISCONFIGURED',
  'VERIFY_MISCONFIGURED',
  // Only the verifier's own service (or something between it and us) can answer so, never a person in
  // Slack; it fails every push until someone looks: an API changed under us, or an answer tampered with
  'VERIFY_ANSWER_UNTRUSTED',
  'AUDIT_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'STORE_OUTCOME_UNKNOWN',
  'INTERNAL',
]);

/** The failure raised an operator alert (logged with `alert: true`). */
export function needsOperator(code: FailureCode): boolean {
  return OPERATOR_FAILURES.has(code);
}

/**
 * Failures that say only that a service Latchkey asked did not answer, or asked it to slow down:
 * nothing about the person or the request was decided, and the same step may go through if it is
 * made again. Any other failure of a check is an answer (who they are, who they are in the
 * directory, a misconfiguration): asking again the same way gets the same.
 */
const UNANSWERED: ReadonlySet<FailureCode> = new Set<FailureCode>(['SLACK_UNAVAILABLE', 'DIRECTORY_UNAVAILABLE', 'DIRECTORY_THROTTLED']);

/** The failure is no answer (UNANSWERED): made again, the same step may go through. */
export function unanswered(code: FailureCode): boolean {
  return UNANSWERED.has(code);
}

/**
 * The error type of the inner layers. `detail` is for logs and never reaches a user;
 * it must not carry a secret (adapters build it from AWS error names and messages,
 * which never hold the new credential).
 */
export class LatchkeyFailure extends Error {
  override readonly name = 'LatchkeyFailure';

  /** For limits: when the person may try again. */
  readonly retryAt?: Date;
  /** With DIRECTORY_USER_REFUSED or NOTHING_TO_CHANGE: the credential's own reason (a key of its `words.refusals`). */
  readonly reason?: string;
  /**
   * With DIRECTORY_USER_REFUSED: the directory cannot tell this refusal of one person from its app's
   * own missing permission, which it answers alike for everyone. One person refused so is theirs (no
   * alert); several different people, likely ours (WidespreadRefusals). These are the credential's
   * words for that alert: what is likely missing and what to check. Never a secret.
   */
  readonly oursIfWidespread?: string;
  /**
   * Its alert was raised where it was met, once for all the requests it fails (Slack refusing the
   * bot token: token-watch.ts): whoever reports it raises none of its own. Its words still say an
   * admin has been alerted, which is so.
   */
  readonly alerted: boolean;

  constructor(
    readonly code: FailureCode,
    readonly detail?: string,
    options?: { cause?: unknown; retryAt?: Date; reason?: string; oursIfWidespread?: string; alerted?: boolean },
  ) {
    super(detail ? `${code}: ${detail}` : code, options);
    this.retryAt = options?.retryAt;
    this.reason = options?.reason;
    this.oursIfWidespread = options?.oursIfWidespread;
    this.alerted = options?.alerted === true;
  }

  /** Its report raises an operator alert (`alert: true`): an operator's failure whose alert was not raised already (`alerted`). */
  get needsOperator(): boolean {
    return !this.alerted && needsOperator(this.code);
  }
}

export function asFailure(err: unknown): LatchkeyFailure {
  if (err instanceof LatchkeyFailure) return err;
  return new LatchkeyFailure('INTERNAL', describeError(err), { cause: err });
}

/** An error as one log field: its name and message, without the stack. */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
