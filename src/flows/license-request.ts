import type { License, Requester } from './ports';

/** The license steps as the audit log names them; every reset action is a credential's own (src/credentials). */
export const LICENSE_ACTIONS = ['license_request', 'license_decide', 'license_apply'] as const;

/**
 * A license change an employee asked for, on its way through an admin's decision:
 *   PENDING → APPROVED → APPLIED | APPLY_FAILED      (APPLY_FAILED → APPROVED on retry)
 *   PENDING → DENIED | EXPIRED
 * Every transition is a conditional write in the store, so a decision takes effect once.
 */
export type LicenseRequestStatus = 'PENDING' | 'APPROVED' | 'APPLIED' | 'APPLY_FAILED' | 'DENIED' | 'EXPIRED';

export interface LicenseRequest {
  readonly id: string;
  readonly requester: Requester;
  readonly requesterEmail: string;
  readonly directoryUserId: string;
  readonly from: License;
  readonly to: License;
  readonly reason: string;
  readonly status: LicenseRequestStatus;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly comment?: string;
  /** Why the last apply failed (a FailureCode). */
  readonly errorCode?: string;
  /** The approvals-channel message, so it can be updated in place. */
  readonly message?: { readonly channel: string; readonly ts: string };
}

export type LicenseRequestChanges = Partial<Pick<LicenseRequest, 'decidedBy' | 'decidedAt' | 'comment' | 'errorCode' | 'message'>>;

export interface LicenseRequestStore {
  /**
   * Saves a new PENDING request. Throws LatchkeyFailure('LICENSE_REQUEST_OPEN') when the requester
   * already has an open one (one at a time), AUDIT_UNAVAILABLE-like STORE_UNAVAILABLE on storage errors.
   */
  create(request: LicenseRequest): Promise<void>;
  get(id: string): Promise<LicenseRequest | undefined>;
  /** The requester's open request, if any. */
  findOpen(requester: Requester): Promise<LicenseRequest | undefined>;
  /**
   * Moves the request to `to` only if its status is one of `from`; returns the updated request,
   * or undefined when another writer got there first.
   */
  transition(id: string, from: LicenseRequestStatus[], to: LicenseRequestStatus, changes?: LicenseRequestChanges): Promise<LicenseRequest | undefined>;
  attachMessage(id: string, message: { channel: string; ts: string }): Promise<void>;
  /** Requests waiting for a decision, oldest first (expired ones included: the caller knows the time). */
  pending(limit: number): Promise<LicenseRequest[]>;
  /** The person's requests, newest first. */
  ofRequester(userId: string, limit: number): Promise<LicenseRequest[]>;
}

export const OPEN_STATUSES: readonly LicenseRequestStatus[] = ['PENDING', 'APPROVED', 'APPLY_FAILED'];
