import { type FailureCode, LatchkeyFailure } from './failure';
import type { AuditEntry, AuditLog, Clock, Logger, RateLimiter } from './ports';

/**
 * Refusal records kept per person, action and reason in an hour. A refusal changes nothing, and
 * an admin's Home tab reads a week of records: a script driving a stolen session could otherwise
 * grow that read without bound. Past the cap a refusal is still counted (request_refused) and
 * logged, but not recorded; the records kept say it happened and why.
 */
const REFUSALS_RECORDED_PER_HOUR = 3;
const HOUR_MS = 3_600_000;

/** Failures of our own tables, each paged by its flow (needsOperator): a record of one lost with it is the same outage. */
const STORE_OUTAGES: ReadonlySet<FailureCode> = new Set<FailureCode>(['STORE_UNAVAILABLE', 'STORE_OUTCOME_UNKNOWN', 'AUDIT_UNAVAILABLE']);

type Step = Omit<AuditEntry, 'phase' | 'outcome' | 'errorCode' | 'reason' | 'incomplete' | 'deliveryFailed' | 'restated'>;

/** What an outcome adds to its step: the policy's proof, and whether the secret reached the person. */
type OutcomeExtra = Pick<AuditEntry, 'deliveryFailed' | 'verifier' | 'factorType' | 'verification' | 'verifyWaitMs' | 'verifierFactorId' | 'verifierTransactionId'>;

/** A change whose attempt is on record; its outcome is written with `succeeded`, `partial` or `failed`. */
export interface AuditedChange {
  succeeded(extra?: OutcomeExtra): Promise<void>;
  /** The change stands, but steps after it failed. */
  partial(incomplete: NonNullable<AuditEntry['incomplete']>, extra?: OutcomeExtra): Promise<void>;
  /** `reason`: with DIRECTORY_USER_REFUSED (the directory refused this user at the change), the credential's own reason; with a push's failure, the reason the flow gave it (AuditEntry.reason). */
  failed(code: FailureCode, extra?: OutcomeExtra & Pick<AuditEntry, 'reason'>): Promise<void>;
  /**
   * Turned away after its attempt was on record, before anything changed (another request holds
   * the place it would take): a refusal, as one turned away before its attempt is, which ends it.
   */
  refused(code: FailureCode): Promise<void>;
  /**
   * The secret, shown aside after the outcome was written, never reached the person: that outcome
   * again, saying so (AuditEntry.restated), for a reviewer to see they were left without it.
   */
  undelivered(): Promise<void>;
}

/**
 * The audit discipline every change follows: an attempt record before anything changes (if it
 * cannot be written, the caller must not make the change: fail closed), an outcome after.
 * Outcome and refusal records come after the decision, so a failure to write them is logged
 * as an alert rather than shown to the person (no alert of its own when the failure it records
 * was a store's outage: its flow paged for that command).
 */
export class AuditTrail {
  constructor(
    private readonly audit: AuditLog,
    private readonly logger: Logger,
    /** Bounds the refusal records (REFUSALS_RECORDED_PER_HOUR); without it every refusal is recorded. */
    private readonly refusals?: { readonly limiter: RateLimiter; readonly clock: Clock },
  ) {}

  /** Throws (AUDIT_UNAVAILABLE, REQUEST_ALREADY_USED) when the attempt is not on record. */
  async begin(step: Step): Promise<AuditedChange> {
    await this.audit.record({ ...step, phase: 'attempt' });
    let written: AuditEntry | undefined;
    const outcome = (entry: AuditEntry) => this.quietly((written = entry));
    return {
      succeeded: (extra) => outcome({ ...step, ...extra, phase: 'outcome', outcome: 'success' }),
      partial: (incomplete, extra) => outcome({ ...step, ...extra, phase: 'outcome', outcome: 'partial', incomplete }),
      failed: (code, extra) => outcome({ ...step, ...extra, phase: 'outcome', outcome: 'failure', errorCode: code }),
      // Not capped as refusals before an attempt are: the attempt is on record already, and this ends it.
      refused: (code) => this.quietly({ ...step, phase: 'refused', errorCode: code }),
      undelivered: async () => {
        if (written) await this.quietly({ ...written, deliveryFailed: true, restated: true });
      },
    };
  }

  /**
   * A change whose outcome was written as failed or not known (its click could not tell whether its
   * write was made), found made later by another: that step's outcome again, as the success it was
   * (AuditEntry.restated), under the step's own actor and reference, never as a step of whoever found
   * it. Written once: its slot taken already (the same found twice), nothing more is written.
   * Throws (AUDIT_UNAVAILABLE) when it could not be written: its caller leaves what it found for the
   * next touch, which writes it then, never leaving the step on record as not known for good.
   */
  async foundMade(step: Step): Promise<void> {
    try {
      await this.audit.record({ ...step, phase: 'outcome', outcome: 'success', restated: true });
    } catch (err) {
      if (err instanceof LatchkeyFailure && err.code === 'REQUEST_ALREADY_USED') return;
      throw err;
    }
  }

  /** `reason`: with DIRECTORY_USER_REFUSED, the credential's own reason. `extra`: the policy's proof, when it refused. */
  async refused(step: Step, code: FailureCode, reason?: string, extra?: OutcomeExtra): Promise<void> {
    if (this.refusals) {
      const key = `refusal:${step.actor.teamId}:${step.actor.userId}:${step.action}:${code}`;
      // Not knowing the count is no reason to leave a refusal out of the record.
      const taken = await this.refusals.limiter.take(key, REFUSALS_RECORDED_PER_HOUR, HOUR_MS, this.refusals.clock.now()).catch(() => ({ ok: true as const }));
      if (!taken.ok) {
        this.logger.info({ requestId: step.requestId, action: step.action, code, slackUserId: step.actor.userId }, 'refusal not recorded: this person\'s refusals for this reason this hour are on record already');
        return;
      }
    }
    return this.quietly({ ...step, ...extra, phase: 'refused', errorCode: code, ...(reason !== undefined && { reason }) });
  }

  /**
   * The person closed the confirmation: claims the request for the cancellation, so its attempt
   * can no longer be written. Throws REQUEST_ALREADY_USED when the attempt (or an earlier
   * cancellation) was first, and AUDIT_UNAVAILABLE when nothing could be written.
   */
  async cancelled(step: Step): Promise<void> {
    await this.audit.record({ ...step, phase: 'cancelled' });
  }

  private async quietly(entry: AuditEntry): Promise<void> {
    try {
      await this.audit.record(entry);
    } catch (err) {
      // The person, so the on-call can ask them what they saw (docs/deploy.md, the alert lines) without first finding the request.
      const fields = {
        requestId: entry.requestId,
        // A step of a request an admin decides has a fresh requestId; its flow's alert names the request's own reference.
        ...(entry.approvalRequestId && { approvalRequestId: entry.approvalRequestId }),
        slackUserId: entry.actor.userId,
        action: entry.action,
        phase: entry.phase,
        err: err instanceof Error ? err.message : String(err),
      };
      // A refusal or failure for a store that did not answer was paged by the flow that met it, under
      // this requestId, or its approvalRequestId for a request an admin decides: most often the same
      // outage kept its record from being written, so one page a command, the record's loss beside it.
      // Any other record lost (one of a Slack or directory fault, whose page names only that) is this
      // command's only alert for the audit table.
      if (entry.errorCode !== undefined && STORE_OUTAGES.has(entry.errorCode)) this.logger.error({ ...fields, errorCode: entry.errorCode }, 'audit record could not be written');
      else this.logger.error({ ...fields, alert: true }, 'audit record could not be written');
    }
  }
}
