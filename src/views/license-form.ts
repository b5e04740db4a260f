import type { KnownBlock, ModalView } from '@slack/types';
import type { FailureCode } from '../flows/failure';
import type { LicenseRequest } from '../flows/license-request';
import { REASON_MAX_LENGTH, type LicenseFieldError } from '../flows/license-requests';
import { LICENSES, type License } from '../flows/ports';
import { context, escapeMrkdwn, modal, plain, section, slackDate } from './blocks';
import { failureMessage } from './failure-message';
import { LICENSE_DESCRIPTIONS, LICENSE_FIELD_ERRORS } from './license-words';
import { TOPIC_WORDS } from './topic-words';

/** The requester's side of /request-license: the form, and what follows it. */
export const LICENSE_FORM = {
  callbackId: 'license_request_submit',
  licenseBlock: 'license',
  licenseAction: 'license',
  reasonBlock: 'reason',
  reasonAction: 'reason',
} as const;

const TITLE = TOPIC_WORDS.license.title;

export function licenseLoadingView(): ModalView {
  return modal({ title: TITLE, close: 'Cancel', blocks: [section(':hourglass_flowing_sand: Checking your Amazon Chime license…')] });
}

export function licenseFormView(args: { email: string; current: License; ticket: string }): ModalView {
  const others = LICENSES.filter((l) => l !== args.current);
  const blocks: KnownBlock[] = [
    section(`Your Amazon Chime license is *${args.current}* (${LICENSE_DESCRIPTIONS[args.current].toLowerCase()}).`),
    context(`Account: ${escapeMrkdwn(args.email)}. An admin approves or denies the change; you will get a direct message.`),
    {
      type: 'input',
      block_id: LICENSE_FORM.licenseBlock,
      label: plain('License you need'),
      element: {
        type: 'radio_buttons',
        action_id: LICENSE_FORM.licenseAction,
        options: others.map((l) => ({ text: plain(l), description: plain(LICENSE_DESCRIPTIONS[l]), value: l })),
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
    title: TITLE,
    close: 'Cancel',
    submit: TOPIC_WORDS.license.button,
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

export function openRequestView(request: LicenseRequest): ModalView {
  return modal({
    title: TITLE,
    close: 'Close',
    blocks: [
      section(`:hourglass: You already have a request waiting for an admin: *${request.from}* → *${request.to}*.`),
      context(`Sent ${slackDate(new Date(request.createdAt))}; it expires ${slackDate(new Date(request.expiresAt))}.`),
      section('You will get a direct message when it is decided, and can ask again after that.'),
    ],
  });
}

export function requestSentView(request: LicenseRequest): ModalView {
  return modal({
    title: TITLE,
    close: 'Done',
    blocks: [
      section(`:white_check_mark: Your request for *${request.to}* (now *${request.from}*) is with the admins.`),
      section('You will get a direct message when it is decided.'),
      context(`If nobody decides it by ${slackDate(new Date(request.expiresAt))}, it expires and you can ask again.`),
    ],
  });
}

export function licenseFailureView(failure: { code: FailureCode; email?: string; requestId?: string; retryAt?: Date }): ModalView {
  const m = failureMessage({ code: failure.code, kind: 'license', email: failure.email, directory: 'chime', retryAt: failure.retryAt });
  const blocks = [section(`:warning: ${m.headline}`), section(m.next)];
  if (failure.requestId) blocks.push(context(`Reference: \`${failure.requestId}\``));
  return modal({ title: TITLE, close: 'Close', blocks });
}
