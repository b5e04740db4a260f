import type { PendingRequest } from './approvals/pending-request';
import type { License } from './ports';

/** The license change, as one kind of pending request (approvals/): its ID and its detail. */
export const LICENSE_KIND = 'license';

type LicenseDetail = { readonly from: License; readonly to: License };

/** A license change an employee asked for: a pending request whose detail is the license it is and the one asked for. */
export type LicenseRequest = PendingRequest<LicenseDetail>;

/** A pending request read as a license change (the store keeps details as plain strings). */
export function asLicenseRequest(request: PendingRequest): LicenseRequest {
  return { ...request, detail: { from: request.detail.from ?? '', to: request.detail.to ?? '' } };
}

/**
 * The slot of the one open license request per person. 'OPEN' is the marker's key from before
 * requests had kinds, so a request made then still holds its requester's place.
 */
export const LICENSE_SLOT = 'OPEN';
