import type { KnownBlock } from '@slack/types';
import { closedOutcomeUnknown, type Detail, type PendingRequest } from '../flows/approvals/pending-request';
import { ACCOUNT_GONE, type RequesterNotice } from '../flows/approvals/approvals';
import { accountGoneReview, deniedNext, failedChangeApplied, outcomeUnknownCheck, sentLine, withdrawnNotice } from './approval-status';
import { recordedFailureHeadline } from './failure-message';
import { context, escapeMrkdwn, quoted, section } from './blocks';
import { pronounOf, stepTitles, type ApprovalKindWords, type Whose } from './approval-words';
import { capitalized, directoryFor, type LicenseVocabulary } from './words';

const fromOf = (r: PendingRequest) => r.detail.from ?? '?';
const toOf = (r: PendingRequest) => r.detail.to ?? '?';

/** The license change's words, for the approval views. */
export function licenseKindWords({ words }: LicenseVocabulary): ApprovalKindWords {
  return {
    subject: words,
    subjectOf: () => words,
    // In its one name, the one its review is titled by: "License change request", never "License request".
    steps: stepTitles(words),
    asks: (r) => `asks to change their ${words.what}: *${fromOf(r)}* → *${toOf(r)}*`,
    summary: (r) => `*${fromOf(r)}* → *${toOf(r)}*`,
    // Its one name first, as a reset's line names its credential: "*license change*: *Basic* → *Pro*".
    listed: (r) => `*${words.request}*: *${fromOf(r)}* → *${toOf(r)}*`,
    called: (r, whose) => calledOf(r, words, whose),
    // Not offered for an account the directory no longer has: the change would find nobody (ACCOUNT_GONE).
    approveLabel: (r, d) => (d[ACCOUNT_GONE] ? undefined : `Approve: change to ${toOf(r)}`),
    details: (r, d) =>
      d[ACCOUNT_GONE]
        ? accountGoneReview(words, `Latchkey would ask ${words.directory} to change the license of their ${words.account}, which it no longer has, and nothing would change`)
        : licenseDetails(r, d, words.account),
    applied: (r) => `now has *${toOf(r)}*`,
    approvedStatus: (_r, own) => `; applying in ${directoryFor(words, own ? 'person' : 'admin')}…`,
    notice: (r, occasion) => licenseNotice(r, words, occasion),
  };
}

function licenseDetails(request: PendingRequest, details: Detail, account: string): KnownBlock[] {
  const lines = [
    `${account.charAt(0).toUpperCase()}${account.slice(1)}: ${escapeMrkdwn(details.email ?? request.requesterEmail)}${details.displayName ? ` (${escapeMrkdwn(details.displayName)})` : ''}`,
    `current license *${details.license ?? '?'}*`,
  ];
  const blocks: KnownBlock[] = [context(lines.join(' · '))];
  if (details.license && details.license !== request.detail.from) {
    blocks.push(section(`:information_source: Their license changed to *${details.license}* since they asked.`));
  }
  return blocks;
}

/** One license change in a sentence, as its DMs say it: "your request to change your Amazon Chime license to Pro". */
function calledOf(request: PendingRequest, words: LicenseVocabulary['words'], whose: Whose): string {
  return `${whose} request to change ${pronounOf(whose)} ${words.what} to ${toOf(request)}`;
}

/** The requester's direct message: sent, applied, denied, or where it stands. */
function licenseNotice(request: PendingRequest, words: LicenseVocabulary['words'], occasion?: RequesterNotice): { text: string; blocks: KnownBlock[] } {
  const [from, to] = [fromOf(request), toOf(request)];
  if (request.status === 'PENDING') {
    const text = `Your request to change your ${words.what} from ${from} to ${to} was sent to the admins.`;
    return { text, blocks: [section(`:outbox_tray: ${text}`), context(sentLine(request, occasion))] };
  }
  const by = request.decidedBy ? `<@${request.decidedBy}>` : 'an admin';
  const comment = request.comment ? [context(`Comment: ${quoted(request.comment)}`)] : [];
  // "Your request to change your Amazon Chime license to Pro", as every notice but the first names it.
  const yours = capitalized(calledOf(request, words, 'your'));
  if (request.status === 'APPLIED') {
    // Named as a reset's DM names it: "<@ADA> approved your mail password reset request."
    const text = `Your ${words.what} is now ${to}: ${by} approved your ${words.request} request.`;
    return { text, blocks: [section(`:white_check_mark: ${text}`), ...comment] };
  }
  if (closedOutcomeUnknown(request)) {
    const text = `${yours} was closed by ${by}; the earlier change may have been made.`;
    return { text, blocks: [section(`:warning: ${text}`), ...comment, context(outcomeUnknownCheck(request.id))] };
  }
  if (request.status === 'DENIED') {
    const text = `${yours} was denied by ${by}.`;
    return { text, blocks: [section(`:no_entry: ${text}`), ...comment, context(deniedNext(request, words.command))] };
  }
  if (request.status === 'APPLY_FAILED') {
    // Told only once it is retried no more (its request's time ended): until then an admin retries
    // it. Approved in time, its apply may have failed only after that time ended, never retried.
    const text =
      occasion === 'failed_past_time'
        ? `${yours} was approved by ${by}, but it could not be applied before your request's time ended, so it cannot be retried: ${failedChangeApplied(request)}.`
        : `${yours} was approved by ${by}, but ${failedChangeApplied(request)}, and it was not retried before your request's time ended.`;
    return {
      text,
      blocks: [
        section(`:warning: ${text}`),
        context(recordedFailureHeadline({ code: request.errorCode ?? 'INTERNAL' }, words)),
        context(`Run \`${words.command}\` to ask again.`),
      ],
    };
  }
  if (request.status === 'EXPIRED') {
    const text = `${yours} expired without a decision.`;
    return { text, blocks: [section(`:zzz: ${text}`), context(`Run \`${words.command}\` to ask again.`)] };
  }
  if (request.status === 'WITHDRAWN') return withdrawnNotice(request, calledOf(request, words, 'your'), words.command);
  const text = `${yours} is now ${request.status.toLowerCase().replace('_', ' ')}.`;
  return { text, blocks: [section(text)] };
}
