import type { KnownBlock } from '@slack/types';
import type { LicenseRequest } from '../flows/license-request';
import { context, quoted, section, slackTime } from './blocks';
import type { LicenseVocabulary } from './words';

/** Direct messages to the requester, and the one-line answer to a non-admin's click. */
export function requestSentNotice(request: LicenseRequest, { words }: LicenseVocabulary): { text: string; blocks: KnownBlock[] } {
  const text = `Your request to change your ${words.what} from ${request.from} to ${request.to} was sent to the admins.`;
  return {
    text,
    blocks: [section(`:outbox_tray: ${text}`), context(`You will hear back here. It expires at ${slackTime(new Date(request.expiresAt))} if nobody decides it.`)],
  };
}

export function decisionNotice(request: LicenseRequest, { words }: LicenseVocabulary): { text: string; blocks: KnownBlock[] } {
  const by = request.decidedBy ? `<@${request.decidedBy}>` : 'an admin';
  const comment = request.comment ? [context(`Comment: ${quoted(request.comment)}`)] : [];
  if (request.status === 'APPLIED') {
    const text = `Your ${words.what} is now ${request.to}: ${by} approved your request.`;
    return { text, blocks: [section(`:white_check_mark: ${text}`), ...comment] };
  }
  if (request.status === 'DENIED') {
    const text = `Your request to change your ${words.what} to ${request.to} was denied by ${by}.`;
    return { text, blocks: [section(`:no_entry: ${text}`), ...comment, context('Reply to them, or ask IT, if you think this is wrong.')] };
  }
  const text = `Your license request (${request.from} → ${request.to}) is now ${request.status.toLowerCase().replace('_', ' ')}.`;
  return { text, blocks: [section(text)] };
}

export function notAdminText(): string {
  return 'Only Latchkey admins can review license requests.';
}
