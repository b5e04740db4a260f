import type { LicenseFieldError, ReviewFieldError } from '../flows/license-requests';
import type { License } from '../flows/ports';

/** One line each, so a requester can choose without a price sheet. */
export const LICENSE_DESCRIPTIONS: Record<License, string> = {
  Basic: 'Join meetings and chat; cannot host',
  Plus: 'Basic plus screen sharing and directory integration',
  Pro: 'Host meetings, with recording and dial-in',
  ProTrial: 'Pro features for a limited trial period',
};

export const LICENSE_FIELD_ERRORS: Record<LicenseFieldError, string> = {
  UNCHANGED: 'That is the license you have now. Pick a different one.',
  NO_CHOICE: 'Pick the license you need.',
  REASON_EMPTY: 'Say why you need it; the admins decide on this.',
  REASON_TOO_LONG: 'Keep the reason under 500 characters.',
};

export const REVIEW_FIELD_ERRORS: Record<ReviewFieldError, string> = {
  NO_DECISION: 'Choose approve or deny.',
  COMMENT_REQUIRED: 'Say why you deny it; the requester will see this.',
  COMMENT_TOO_LONG: 'Keep the comment under 500 characters.',
};
