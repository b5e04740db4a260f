import { neverAppliedOnRecord, type PendingRequest } from './approvals/pending-request';
import type { License } from './ports';

/** The license change, as one kind of pending request (approvals/): its ID and its detail. */
export const LICENSE_KIND = 'license';

type LicenseDetail = { readonly from: License; readonly to: License };

/** A license change an employee asked for: a pending request whose detail is the license it is and the one asked for. */
export type LicenseRequest = PendingRequest<LicenseDetail>;

/**
 * Where a person's open license request stands, as they are told when they ask again: `waiting`
 * for an admin; approved and being `applying` now; `outcome_unknown`: its applying died midway, and
 * only an admin's new decision moves it (Approvals.finishUnknown); `never_applied`: so, but the
 * record showed no apply began, so nothing was sent (neverAppliedOnRecord); `retry`: its change failed, and
 * an admin may approve it again, or close it, until its time ends (past it, it holds no place);
 * `other`: a state these words cannot vouch for (one this version does not know).
 */
export type LicenseStanding = 'waiting' | 'applying' | 'outcome_unknown' | 'never_applied' | 'retry' | 'other';

/** A person's open license request, and where it stands. */
export interface OpenLicenseRequest {
  readonly request: LicenseRequest;
  readonly stands: LicenseStanding;
}

/** Where an open request stands (`outcomeUnknown`: as Approvals.finishUnknown rules it); never "waiting" unless nobody has decided it. */
export function licenseStanding(request: PendingRequest, outcomeUnknown: boolean): LicenseStanding {
  const unknown = neverAppliedOnRecord(request) ? 'never_applied' : 'outcome_unknown';
  const states: Partial<Record<string, LicenseStanding>> = { PENDING: 'waiting', APPROVED: outcomeUnknown ? unknown : 'applying', APPLY_FAILED: 'retry' };
  return states[request.status] ?? 'other';
}

/** A pending request read as a license change (the store keeps details as plain strings). */
export function asLicenseRequest(request: PendingRequest): LicenseRequest {
  return { ...request, detail: { from: request.detail.from ?? '', to: request.detail.to ?? '' } };
}

/**
 * The slot of the one open license request per person. 'OPEN' is the marker's key from before
 * requests had kinds, so a request made then still holds its requester's place.
 */
export const LICENSE_SLOT = 'OPEN';
