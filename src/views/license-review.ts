import type { KnownBlock, ModalView } from '@slack/types';
import type { FailureCode } from '../flows/failure';
import type { LicenseRequest } from '../flows/license-request';
import { COMMENT_MAX_LENGTH, type ReviewFieldError } from '../flows/license-requests';
import type { LicensedUser } from '../flows/ports';
import { context, escapeMrkdwn, modal, plain, section } from './blocks';
import { failureMessage } from './failure-message';
import { licenseFacts, licenseStatusLine } from './license-status';
import { REVIEW_FIELD_ERRORS } from './license-words';
import type { LicenseVocabulary } from './words';

/** The admin's side: review a request, decide, see what came of it. */
export const REVIEW_FORM = {
  callbackId: 'license_review_submit',
  decisionBlock: 'decision',
  decisionAction: 'decision',
  commentBlock: 'comment',
  commentAction: 'comment',
} as const;

const TITLE = 'Review request';

export function reviewLoadingView(): ModalView {
  return modal({ title: TITLE, close: 'Cancel', blocks: [section(':hourglass_flowing_sand: Loading the request…')] });
}

export function reviewView(args: { request: LicenseRequest; user: LicensedUser }, vocabulary: LicenseVocabulary): ModalView {
  const { request, user } = args;
  const account = vocabulary.words.account;
  const details = [
    `${account.charAt(0).toUpperCase()}${account.slice(1)}: ${escapeMrkdwn(user.email)}${user.displayName ? ` (${escapeMrkdwn(user.displayName)})` : ''}`,
    `current license *${user.license}*`,
  ];
  const blocks: KnownBlock[] = [section(licenseFacts(request, vocabulary)), context(details.join(' · '))];
  if (user.license !== request.from) {
    blocks.push(section(`:information_source: Their license changed to *${user.license}* since they asked.`));
  }
  if (request.status === 'APPLY_FAILED') blocks.push(section(licenseStatusLine(request, vocabulary)));
  blocks.push(
    {
      type: 'input',
      block_id: REVIEW_FORM.decisionBlock,
      label: plain('Decision'),
      element: {
        type: 'radio_buttons',
        action_id: REVIEW_FORM.decisionAction,
        options: [
          { text: plain(`Approve: change to ${request.to}`), value: 'approve' },
          { text: plain('Deny'), value: 'deny' },
        ],
      },
    },
    {
      type: 'input',
      block_id: REVIEW_FORM.commentBlock,
      optional: true,
      label: plain('Comment for the requester'),
      hint: plain('Required when denying.'),
      element: { type: 'plain_text_input', action_id: REVIEW_FORM.commentAction, multiline: true, max_length: COMMENT_MAX_LENGTH },
    },
  );
  return modal({
    title: TITLE,
    close: 'Cancel',
    submit: 'Submit decision',
    callbackId: REVIEW_FORM.callbackId,
    // Only a pointer: who may decide comes from the signed user on submission.
    privateMetadata: request.id,
    blocks,
  });
}

export function reviewFieldErrors(errors: Partial<Record<'decision' | 'comment', ReviewFieldError>>): Record<string, string> {
  const out: Record<string, string> = {};
  if (errors.decision) out[REVIEW_FORM.decisionBlock] = REVIEW_FIELD_ERRORS[errors.decision];
  if (errors.comment) out[REVIEW_FORM.commentBlock] = REVIEW_FIELD_ERRORS[errors.comment];
  return out;
}

/** A request that can no longer be decided: who decided it, or that it expired. */
export function reviewClosedView(request: LicenseRequest, vocabulary: LicenseVocabulary): ModalView {
  return modal({
    title: TITLE,
    close: 'Close',
    blocks: [section(licenseFacts(request, vocabulary)), section(licenseStatusLine(request, vocabulary)), context('It cannot be decided again.')],
  });
}

export function decisionResultView(request: LicenseRequest, vocabulary: LicenseVocabulary): ModalView {
  const who = `<@${request.requester.userId}>`;
  const outcome: Record<string, string> = {
    APPLIED: `:white_check_mark: Done: ${who} now has *${request.to}*. They have been told.`,
    DENIED: `:no_entry: Denied. ${who} has been told, with your comment.`,
    APPLY_FAILED: `${licenseStatusLine(request, vocabulary)} Click *Review* on the message again to retry.`,
  };
  return modal({
    title: TITLE,
    close: 'Close',
    blocks: [section(outcome[request.status] ?? licenseStatusLine(request, vocabulary)), context(licenseFacts(request, vocabulary))],
  });
}

export function reviewFailureView(failure: { code: FailureCode }, { words }: LicenseVocabulary): ModalView {
  const m = failureMessage(failure, words);
  return modal({ title: TITLE, close: 'Close', blocks: [section(`:warning: ${m.headline}`), section(m.next)] });
}
