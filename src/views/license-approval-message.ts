import type { KnownBlock } from '@slack/types';
import type { LicenseRequest } from '../flows/license-request';
import { context, plain, section } from './blocks';
import { licenseFacts, licenseStatusLine } from './license-status';
import type { LicenseVocabulary } from './words';

export const REVIEW_ACTION_ID = 'license_review';

/** The approvals-channel message: the facts, where the request stands, and Review while it can be decided. */
export function approvalMessage(request: LicenseRequest, vocabulary: LicenseVocabulary): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [section(licenseFacts(request, vocabulary)), context(licenseStatusLine(request, vocabulary))];
  if (request.status === 'PENDING' || request.status === 'APPLY_FAILED') {
    blocks.push({
      type: 'actions',
      block_id: 'review',
      elements: [{ type: 'button', action_id: REVIEW_ACTION_ID, text: plain('Review'), style: 'primary', value: request.id }],
    });
  }
  return {
    text: `License request from <@${request.requester.userId}>: ${request.from} → ${request.to} (${request.status.toLowerCase().replace('_', ' ')})`,
    blocks,
  };
}
