import type { KnownBlock } from '@slack/types';
import type { PendingRequest } from '../flows/approvals/pending-request';
import { context, plain, section } from './blocks';
import { approvalFacts, approvalStatusLine, approvalStatusWords } from './approval-status';
import type { ApprovalKindWords } from './approval-words';
import { revokeBlocks } from './approval-revoke';
import { capitalized } from './words';

/**
 * The Review button, on the channel message and the Home tab, for every kind. Its ID is the one
 * license requests had before there were kinds: messages already posted keep working.
 */
export const REVIEW_ACTION_ID = 'license_review';

/**
 * The approvals-channel message: the facts, where the request stands, Review while it can be
 * decided (`decidable`, as the flow rules), and Revoke while its approval can be taken back
 * (`revocable`, the same).
 */
export function approvalMessage(request: PendingRequest, words: ApprovalKindWords, decidable: boolean, revocable = false): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [section(approvalFacts(request, words)), context(approvalStatusLine(request, words, decidable))];
  if (decidable) {
    blocks.push({
      type: 'actions',
      block_id: 'review',
      elements: [{ type: 'button', action_id: REVIEW_ACTION_ID, text: plain('Review'), style: 'primary', value: request.id }],
    });
  }
  if (revocable) blocks.push(...revokeBlocks(request));
  const from = `from <@${request.requester.userId}>`;
  const status = `(${approvalStatusWords(request, words)})`;
  // A kind that names one request in its subject's noun ("Okta password reset request") says it once, not "Reset request …: Okta password reset".
  const named = words.stepOf?.('request', words.subjectOf(request));
  return {
    text: named ? `${capitalized(named)} ${from} ${status}` : `${words.steps.request} ${from}: ${words.summary(request).replace(/\*/g, '')} ${status}`,
    blocks,
  };
}
