import type { ModalView } from '@slack/types';
import type { ResetDone, ResetFailure } from '../flows/reset-credential';
import type { CredentialKind } from '../flows/ports';
import type { Secret } from '../flows/secret';
import { context, escapeMrkdwn, modal, progressView, section } from './blocks';
import { TOPIC_WORDS } from './topic-words';
import { failureMessage } from './failure-message';

/** The one modal a reset lives in, through its states: checking → confirm → working → secret or failure. */
export const RESET_CALLBACK_IDS: Record<CredentialKind, string> = {
  pin: 'reset_pin_confirm',
  password: 'reset_password_confirm',
};

export function checkingView(kind: CredentialKind): ModalView {
  const words = TOPIC_WORDS[kind];
  return modal({
    title: words.title,
    close: 'Cancel',
    blocks: [section(`:hourglass_flowing_sand: Checking your account before resetting your ${words.what}…`)],
  });
}

const CONSEQUENCES: Record<CredentialKind, string> = {
  pin: 'Your *Amazon Chime personal meeting PIN* will be replaced; the old one stops working.',
  password:
    'Your *Amazon WorkMail password* will be replaced by a strong generated one; the old one stops working. ' +
    'Mail apps on your phone and computer will ask for the new password.',
};

export function confirmView(args: {
  kind: CredentialKind;
  email: string;
  ticket: string;
  /** The person typed text after the command, which Latchkey ignores. */
  ignoredText?: boolean;
}): ModalView {
  const words = TOPIC_WORDS[args.kind];
  const blocks = [
    section(CONSEQUENCES[args.kind]),
    context(`Account: ${escapeMrkdwn(args.email)}`),
  ];
  if (args.ignoredText) {
    blocks.push(context(`Latchkey resets only your own ${words.short}; the text after \`${words.command}\` was ignored.`));
  }
  return modal({
    title: words.title,
    close: 'Cancel',
    submit: words.button,
    callbackId: RESET_CALLBACK_IDS[args.kind],
    privateMetadata: args.ticket,
    // Closed without resetting, what opening it counted against the limits is given back.
    notifyOnClose: true,
    blocks,
  });
}

export function workingView(kind: CredentialKind): ModalView {
  const words = TOPIC_WORDS[kind];
  return progressView(words.title, `Resetting your ${words.what}…`);
}

const SECRET_TITLES: Record<CredentialKind, string> = { pin: 'Your new PIN', password: 'Your new password' };

const HOW_TO_USE: Record<CredentialKind, string> = {
  pin: 'Use it to start or join your personal Amazon Chime meetings.',
  password: 'Sign in to WorkMail with it, then update the password in your mail apps.',
};

export function secretView(secret: Secret, done: ResetDone): ModalView {
  return modal({
    title: SECRET_TITLES[done.kind],
    close: 'Done',
    blocks: [
      section(`Your new ${TOPIC_WORDS[done.kind].what}:`),
      // A code block: easy to copy, no mrkdwn interpretation of symbols.
      section('```' + secret.reveal() + '```', 'secret'),
      section(HOW_TO_USE[done.kind]),
      context(
        ':lock: Shown once, only to you. Latchkey does not store it and cannot show it again; ' +
          'close this window when you have it.',
      ),
    ],
  });
}

export function failureView(failure: ResetFailure): ModalView {
  const message = failureMessage(failure);
  const blocks = [section(`:warning: ${message.headline}`), section(message.next)];
  if (failure.requestId) blocks.push(context(`Reference: \`${failure.requestId}\``));
  return modal({ title: TOPIC_WORDS[failure.kind].title, close: 'Close', blocks });
}
