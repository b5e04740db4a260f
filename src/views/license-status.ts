import type { LicenseRequest } from '../flows/license-request';
import type { FailureCode } from '../flows/failure';
import { escapeMrkdwn, quoted, sentence, slackTime } from './blocks';
import { failureMessage } from './failure-message';
import type { LicenseVocabulary } from './words';

/** One sentence on where a request stands, shared by the channel message and the admin's modals. */
export function licenseStatusLine(request: LicenseRequest, { words }: LicenseVocabulary): string {
  const by = request.decidedBy ? `<@${request.decidedBy}>` : 'an admin';
  const when = request.decidedAt ? ` at ${slackTime(new Date(request.decidedAt))}` : '';
  const comment = request.comment ? `: ${quoted(request.comment)}` : '';
  switch (request.status) {
    case 'PENDING':
      return `:hourglass: Waiting for an admin; expires at ${slackTime(new Date(request.expiresAt))}.`;
    case 'APPROVED':
      return `:hourglass_flowing_sand: Approved by ${by}${when}; applying in ${words.directory}…`;
    case 'APPLIED':
      return sentence(`:white_check_mark: Approved by ${by}${when} and applied${comment}`);
    case 'APPLY_FAILED':
      return (
        `:warning: Approved by ${by}${when}, but the change was not applied: ` +
        `${failureMessage({ code: (request.errorCode ?? 'INTERNAL') as FailureCode }, words).headline} ` +
        'An admin can approve it again to retry.'
      );
    case 'DENIED':
      return sentence(`:no_entry: Denied by ${by}${when}${comment}`);
    case 'EXPIRED':
      return `:zzz: Expired at ${slackTime(new Date(request.expiresAt))} without a decision.`;
  }
}

/** The request's facts, as both the channel and the review modal show them. */
export function licenseFacts(request: LicenseRequest, { words }: LicenseVocabulary): string {
  return [
    `*<@${request.requester.userId}>* asks to change their ${words.what}: *${request.from}* → *${request.to}*`,
    `>${escapeMrkdwn(request.reason).replace(/\n/g, '\n>')}`,
    `Requested at ${slackTime(new Date(request.createdAt))}`,
  ].join('\n');
}
