import type { KnownBlock, ModalView } from '@slack/types';
import type { FailureCode } from '../flows/failure';
import type { LicenseRequest, LicenseStanding, OpenLicenseRequest } from '../flows/license-request';
import { REASON_MAX_LENGTH, type LicenseFieldError } from '../flows/license-requests';
import type { License } from '../flows/ports';
import { context, escapeMrkdwn, modal, plain, progressView, referenceWords, section, slackTime } from './blocks';
import { failedChangeApplied, outcomeUnknownCheck } from './approval-status';
import { failureMessage, onAdminsList, recordedFailureHeadline, TAKE_IT_BACK } from './failure-message';
import { licenseKindWords } from './license-kind';
import { LICENSE_FIELD_ERRORS } from './license-words';
import { capitalized, directoryFor, type LicenseVocabulary } from './words';

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

/**
 * The request form, with the person's license as the directory has it now. `applied`: their request
 * that was open until this read found it applied (its final status write lost), said first, in its
 * DMs' words, so the form opening instead of that request is no surprise.
 */
export function licenseFormView(args: { email: string; current: License; ticket: string; applied?: LicenseRequest }, vocabulary: LicenseVocabulary): ModalView {
  const { words, kinds } = vocabulary;
  const others = kinds.filter((k) => k.id !== args.current);
  const description = kinds.find((k) => k.id === args.current)?.description;
  const blocks: KnownBlock[] = [
    ...(args.applied ? [context(`:white_check_mark: ${capitalized(licenseKindWords(vocabulary).called(args.applied, 'your'))} was applied.`)] : []),
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

/**
 * /request-license when the person's request is still open: where it stands, as the flow rules it
 * (never "waiting for an admin" once one decided it), and what happens next. Named as its DMs name
 * it ("your request to change your Amazon Chime license to Pro").
 */
export function openRequestView({ request, stands }: OpenLicenseRequest, vocabulary: LicenseVocabulary): ModalView {
  const { words } = vocabulary;
  const called = licenseKindWords(vocabulary).called(request, 'your');
  const by = request.decidedBy ? `<@${request.decidedBy}>` : 'An admin';
  const until = slackTime(new Date(request.expiresAt));
  const blocks: Record<LicenseStanding, () => KnownBlock[]> = {
    waiting: () => [
      section(`:hourglass: ${capitalized(called)} is already waiting for an admin.`),
      context(`Sent at ${slackTime(new Date(request.createdAt))}; it expires at ${until} if nobody decides it.`),
      section('You will get a direct message when it is decided, and can ask again after that.'),
      // Still waiting for a decision: theirs to take back.
      context(TAKE_IT_BACK),
    ],
    applying: () => [
      section(`:hourglass_flowing_sand: ${by} approved ${called}, and Latchkey is making the change in ${directoryFor(words, 'person')} now.`),
      section('You will get a direct message when it is done, and can ask again after that.'),
    ],
    // Its applying died midway: it never settles by itself, and only an admin's new decision moves
    // it (their Home tab lists it, with Review); its place is theirs until its time ends.
    outcome_unknown: () => [
      section(`:warning: ${by} approved ${called}, but applying it did not finish, so Latchkey cannot tell whether your ${words.what} was changed.`),
      section(
        `${onAdminsList('unfinished')}: an admin can approve it again, to make the change anew, or close it. ` +
          `You will get a direct message when it is made or closed. If nobody decides it by ${until}, you can ask again after that.`,
      ),
      context(outcomeUnknownCheck(request.id)),
    ],
    // The same, but the record showed its applying never began (as the first read past the bound found it: a Home tab's, or this command's own): nothing was sent.
    never_applied: () => [
      section(`:warning: ${by} approved ${called}, but it was never applied: Latchkey has no record of applying it, so nothing was sent to ${directoryFor(words, 'person')} and your ${words.what} was not changed.`),
      section(
        `${onAdminsList('unfinished')}: an admin can approve it again, to make the change now, or close it. ` +
          `You will get a direct message when it is made or closed. If nobody decides it by ${until}, you can ask again after that.`,
      ),
    ],
    // Retried by an admin's new approval until its time ends; past it, it is closed and they are told to ask again.
    retry: () => [
      section(
        `:warning: ${by} approved ${called}, but ${failedChangeApplied(request, words)}: ` +
          `${recordedFailureHeadline({ code: request.errorCode ?? 'INTERNAL', reason: request.errorReason }, words)}`,
      ),
      section(
        `${onAdminsList('failed')}: an admin can approve it again to retry it, or close it. ` +
          `You will get a direct message when it is made or closed, and can ask again after that. If nobody retries it by ${until}, it is closed then.`,
      ),
    ],
    // A state these words cannot vouch for (a newer version wrote it): it holds the person's place until its time ends, and nobody can decide it here.
    other: () => [
      section(`:grey_question: ${capitalized(called)} is already open, in a state this version of Latchkey does not know.`),
      context(`You can ask again after it expires at ${until}. Ask IT to check it sooner with the reference ${referenceWords(request.id)}.`),
    ],
  };
  return modal({ title: words.title, close: 'Close', blocks: blocks[stands]() });
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
      // As its DM says it: a change, from what they have to what they asked for.
      section(`:white_check_mark: Your request to change your ${words.what} from *${request.detail.from}* to *${request.detail.to}* is with the admins.`),
      section('You will get a direct message when it is decided.'),
      context(`If nobody decides it by ${slackTime(new Date(request.expiresAt))}, it expires and you can ask again.`),
    ],
  });
}

export function licenseFailureView(failure: { code: FailureCode; email?: string; requestId?: string; retryAt?: Date }, { words }: LicenseVocabulary): ModalView {
  const m = failureMessage(failure, words);
  const blocks = [section(`:warning: ${m.headline}`), section(m.next)];
  if (failure.requestId) blocks.push(context(`Reference: ${referenceWords(failure.requestId)}`));
  return modal({ title: words.title, close: 'Close', blocks });
}
