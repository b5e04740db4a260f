import { COMMENT_MAX_LENGTH, type ReviewFieldError } from '../flows/approvals/approvals';
import { REASON_MAX_LENGTH, type LicenseFieldError } from '../flows/license-requests';

export const LICENSE_FIELD_ERRORS: Record<LicenseFieldError, string> = {
  UNCHANGED: 'That is the license you have now. Pick a different one.',
  NO_CHOICE: 'Pick the license you need.',
  REASON_EMPTY: 'Say why you need it; the admins decide on this.',
  REASON_TOO_LONG: `Keep the reason to ${REASON_MAX_LENGTH} characters at most.`,
};

export const REVIEW_FIELD_ERRORS: Record<ReviewFieldError, string> = {
  NO_DECISION: 'Choose approve or deny.',
  COMMENT_REQUIRED: 'Write why you deny it.',
  COMMENT_TOO_LONG: `Keep the comment to ${COMMENT_MAX_LENGTH} characters at most.`,
};
