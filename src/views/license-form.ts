import type { KnownBlock, ModalView } from '@slack/types';
import { UNKNOWN_STATUS } from '../flows/approvals/pending-request';
import type { FailureCode } from '../flows/failure';
import type { LicenseRequest } from '../flows/license-request';
import { REASON_MAX_LENGTH, type LicenseFieldError } from '../flows/license-requests';
import type { License } from '../flows/ports';
import { context, escapeMrkdwn, modal, plain, progressView, section, slackTime } from './blocks';
import { failureMessage, TAKE_IT_BACK } from './failure-message';
import { licenseKindWords } from './license-kind';
import { LICENSE_FIELD_ERRORS } from './license-words';
import { capitalized, type LicenseVocabulary } from './words';

/** The requester's side of /request-license: the form, and what follows it. */
export const LICENSE_FORM = {
  callbackId: 'license_request_submit',
  licenseBlock: 'license',
  licenseAction: 'license',
  reasonBlock: 'reason',
  reasonAction: 'reason',
} as const;

export function licenseLoadingView({ words }: LicenseVocabulary): ModalView {
  return modal({ title: words.title, close: 'Cancel', blocks: [section(`:hourglass_flowing_sand: Checking your ${words.what}…`)] });
}

export function licenseFormView(args: { email: string; current: License; ticket: string }, { words, kinds }: LicenseVocabulary): ModalView {
  const others = kinds.filter((k) => k.id !== args.current);
  const description = kinds.find((k) => k.id === args.current)?.description;
  const blocks: KnownBlock[] = [
    section(`Your ${words.what} is *${args.current}*${description ? ` (${description.toLowerCase()})` : ''}.`),
    context(`Account: ${escapeMrkdwn(args.email)}. An admin approves or denies the change; you will get a direct message.`),
    {
      type: 'input',
      block_id: LICENSE_FORM.licenseBlock,
      label: plain('License you need'),
      element: {
        type: 'radio_buttons',
        action_id: LICENSE_FORM.licenseAction,
        options: others.map((k) => ({ text: plain(k.id), description: plain(k.description), value: k.id })),
      },
    },
    {
      type: 'input',
      block_id: LICENSE_FORM.reasonBlock,
      label: plain('Why do you need it?'),
      element: {
        type: 'plain_text_input',
        action_id: LICENSE_FORM.reasonAction,
        multiline: true,
        max_length: REASON_MAX_LENGTH,
        placeholder: plain('For example: I host the weekly customer webinar'),
      },
    },
  ];
  return modal({
    title: words.title,
    close: 'Cancel',
    submit: words.button,
    callbackId: LICENSE_FORM.callbackId,
    privateMetadata: args.ticket,
    blocks,
  });
}

/** For response_action "errors": block_id → words. */
export function licenseFieldErrors(errors: Partial<Record<'license' | 'reason', LicenseFieldError>>): Record<string, string> {
  const out: Record<string, string> = {};
  if (errors.license) out[LICENSE_FORM.licenseBlock] = LICENSE_FIELD_ERRORS[errors.license];
  if (errors.reason) out[LICENSE_FORM.reasonBlock] = LICENSE_FIELD_ERRORS[errors.reason];
  return out;
}

export function openRequestView(request: LicenseRequest, vocabulary: LicenseVocabulary): ModalView {
  const { words } = vocabulary;
  if (request.status === UNKNOWN_STATUS) {
    // A newer version wrote its status: it holds the person's place until its time ends, and nobody can decide it here.
    // Named as its DMs name it ("Your request to change your Amazon Chime license to Pro").
    return modal({
      title: words.title,
      close: 'Close',
      blocks: [
        section(`:grey_question: ${capitalized(licenseKindWords(vocabulary).called(request, 'your'))} is already open, in a state this version of Latchkey does not know.`),
        context(`You can ask again after it expires at ${slackTime(new Date(request.expiresAt))}. Ask IT to check it sooner with the reference \`${request.id}\`.`),
      ],
    });
  }
  return modal({
    title: words.title,
    close: 'Close',
    blocks: [
      section(`:hourglass: You already have a request waiting for an admin: *${request.detail.from}* → *${request.detail.to}*.`),
      context(`Sent at ${slackTime(new Date(request.createdAt))}; it expires at ${slackTime(new Date(request.expiresAt))}.`),
      section('You will get a direct message when it is decided, and can ask again after that.'),
      // Still waiting for a decision: theirs to take back.
      ...(request.status === 'PENDING' ? [context(TAKE_IT_BACK)] : []),
    ],
  });
}

/** What the form shows at once on submit, while the request goes to the admins. */
export function licenseSendingView({ words }: LicenseVocabulary): ModalView {
  return progressView(words.title, 'Sending your request to the admins…');
}

export function requestSentView(request: LicenseRequest, vocabulary: LicenseVocabulary): ModalView {
  const { words } = vocabulary;
  if (request.status !== 'PENDING') {
    // Decided (or withdrawn) while it was being filed: what came of it, in its DM's words.
    return modal({ title: words.title, close: 'Done', blocks: licenseKindWords(vocabulary).notice(request).blocks });
  }
  return modal({
    title: words.title,
    close: 'Done',
    blocks: [
      section(`:white_check_mark: Your request for *${request.detail.to}* (now *${request.detail.from}*) is with the admins.`),
      section('You will get a direct message when it is decided.'),
      context(`If nobody decides it by ${slackTime(new Date(request.expiresAt))}, it expires and you can ask again.`),
    ],
  });
}

export function licenseFailureView(failure: { code: FailureCode; email?: string; requestId?: string; retryAt?: Date }, { words }: LicenseVocabulary): ModalView {
  const m = failureMessage(failure, words);
  const blocks = [section(`:warning: ${m.headline}`), section(m.next)];
  if (failure.requestId) blocks.push(context(`Reference: \`${failure.requestId}\``));
  return modal({ title: words.title, close: 'Close', blocks });
}
