/**
 * The `verify` policy's port: a push to the person's phone that they approve or reject. Each
 * verifier plug-in (src/verifiers/<name>/) implements it over its own API; nothing here knows one.
 */

/** The person's account and push device in the verifier, found while the confirmation opens. */
export interface VerifierAccount {
  readonly userId: string;
  /** The device or factor the push goes to. */
  readonly factorId: string;
  /** As the audit log writes it: `push` (Okta Verify), `duo_push` (Duo). */
  readonly factorType: string;
}

/** A push on its way: what to follow it by, and the number to pick on the phone, when the verifier asks for one. */
export interface PushStarted {
  readonly transaction: string;
  /** Shown to the person only: never on the audit record (`audit` is what is recorded). */
  readonly challenge?: string;
  /**
   * What the verifier's own log knows this push by, in its own words, for a reviewer to find it
   * there from the audit record (AuditEntry.verifierFactorId, verifierTransactionId): the factor or
   * device it went to, and its transaction. Each plug-in gives what its provider logs and it knows
   * (none where it does not know it, never a guess); IDs, never the challenge or anything secret.
   * One that is not a VERIFIER_LOG_ID is left off the record.
   */
  readonly audit?: { readonly factorId?: string; readonly transactionId?: string };
}

/**
 * What a push asks its person to approve, for a verifier whose push can say it (Duo's pushinfo,
 * shown under the request in Duo Mobile): the request in its credential's words ("mail password
 * reset"). A person who asked for nothing reads what someone using their Slack account is after.
 */
export interface PushAbout {
  readonly request: string;
}

/** What an ID a verifier gives for the audit record may hold (PushStarted.audit): an ID's letters, never free text. */
export const VERIFIER_LOG_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** How a push ended. */
export type PushResult = 'approved' | 'rejected' | 'timeout';

export interface Verifier {
  /**
   * The person's account, by the same exact, case-insensitive email match the directories use,
   * and their active push device; undefined when they have none. Throws LatchkeyFailure
   * (DIRECTORY_* codes) when the verifier cannot answer, and VERIFY_NO_FACTOR with a reason of its
   * plug-in's own (VerifierWords.reasons) when it knows why no push can prove anything (a user
   * the verifier lets in without a push).
   */
  find(email: string): Promise<VerifierAccount | undefined>;
  /** Sends the push; `about`, where known, says on the phone what it approves. */
  push(account: VerifierAccount, about?: PushAbout): Promise<PushStarted>;
  /** Where the push stands: still waiting, or how it ended. */
  check(account: VerifierAccount, push: PushStarted): Promise<'waiting' | PushResult>;
  /**
   * Withdraws a push nobody answered in time, or whose requester closed the modal waiting for it,
   * so a late approval approves nothing. A verifier with no way to withdraw one does nothing: the
   * flow has stopped waiting, so its approval is never seen.
   */
  cancel(account: VerifierAccount, push: PushStarted): Promise<void>;
}

/** The longest push wait an audit record holds (AuditEntry.verifyWaitMs): an hour, well past VERIFY_TIMEOUT_SECONDS' bound (300). */
export const VERIFY_WAIT_MAX_MS = 3_600_000;

/** The configured verifier, as the reset flow sees it. */
export interface ConfiguredVerifier {
  /** Its audit name (`okta_verify`, `duo`). */
  readonly name: string;
  readonly verifier: Verifier;
  /** How long a push may wait for the person before it is withdrawn. */
  readonly timeoutMs: number;
  readonly waiter: PushWaiter;
  /** Where a close of the modal waiting for a push is recorded, for whichever instance waits on it. */
  readonly closes: ClosedWaits;
}

/**
 * Closes of the modal waiting for a push, shared by every instance of the app: the close may reach
 * another process than the one that waits (on Lambda, always another invocation; behind a load
 * balancer, maybe another server), so it is recorded, keyed by the push's request, with the user
 * who closed it, and each check of the push reads it.
 */
export interface ClosedWaits {
  /**
   * Records that `userId` (the signed payload's user, whose ticket names the request) closed the
   * modal waiting for request `requestId`'s push. 'taken' when a close by someone else is on record
   * for it. Throws (STORE_UNAVAILABLE) when it cannot be written.
   */
  record(requestId: string, userId: string): Promise<'recorded' | 'taken'>;
  /** Whether `userId` closed the modal waiting for request `requestId`'s push. Throws (STORE_UNAVAILABLE) when it cannot be read. */
  closedBy(requestId: string, userId: string): Promise<boolean>;
}

/** Waits for pushes to end, by checking each now and then; see push-waiter.ts. */
export interface PushWaiter {
  /**
   * Resolves with how the push ended, 'expired' once `timeoutMs` has passed, or 'cancelled' as soon
   * as `stop` is aborted (even with a check under way: what that check then finds is not used) or
   * a check answers 'cancelled' (the close was recorded elsewhere: ClosedWaits). Rejects with a
   * check's error after three failed checks in a row, or at once when it is the verifier's own answer
   * (a VERIFY_* failure other than VERIFY_UNAVAILABLE), or when the last check (at the deadline)
   * failed on Latchkey's own store (STORE_UNAVAILABLE): any other failed last check is 'expired'.
   */
  wait(check: () => Promise<'waiting' | PushResult | 'cancelled'>, timeoutMs: number, stop?: AbortSignal): Promise<PushResult | 'expired' | 'cancelled'>;
}
