import type { KnownBlock, ModalView } from '@slack/types';
import type { ChangeResult } from '../flows/ports';
import type { Secret } from '../flows/secret';
import type { ResetDone, ResetFailure, ShownElsewhere } from '../flows/reset-credential';
import type { Policy } from '../flows/policy';
import { context, escapeMrkdwn, modal, progressView, referenceWords, section, slackTime } from './blocks';
import { failureMessage, lostFactorLine } from './failure-message';
import { capitalized, changeOf, waitWords, type ResetWords } from './words';

/** The one modal a reset lives in, through its states: checking → confirm → working → secret or failure. */
export function resetCallbackId(credentialId: string): string {
  return `reset_${credentialId}_confirm`;
}

/**
 * The same modal while it waits for the `verify` policy's push: its own callback ID, so that
 * closing it (view_closed) cancels the push rather than the confirmation it was.
 */
export function waitingCallbackId(credentialId: string): string {
  return `reset_${credentialId}_waiting`;
}

/** What the waiting modal carries: whose push it waits for (the confirmation's sealed ticket), so that closing it can end that wait. */
export interface Waiting {
  readonly credentialId: string;
  readonly ticket: string;
}

/** The close button of a modal waiting for a push, which cancels it. */
const CANCEL_PUSH = 'Cancel request';

/** Slack tells the app when the person closes the waiting modal, with the ticket: the push is then cancelled. */
function waitingProps(waiting: Waiting | undefined) {
  return waiting && { callbackId: waitingCallbackId(waiting.credentialId), privateMetadata: waiting.ticket, notifyOnClose: true };
}

/** The button on a confirmation that swaps it for this credential's (its value: the credential it replaces). */
export function insteadActionId(credentialId: string): string {
  return `reset_instead_${credentialId}`;
}

export function checkingView(words: ResetWords): ModalView {
  return modal({
    title: words.title,
    close: 'Cancel',
    blocks: [section(`:hourglass_flowing_sand: Checking your account before ${changeOf(words).doing} your ${words.what}…`)],
  });
}

export function confirmView(args: {
  credentialId: string;
  words: ResetWords;
  email: string;
  ticket: string;
  /** The person typed text after the command, which Latchkey ignores. */
  ignoredText?: boolean;
  /** Another credential's change offered instead (its ID and button), e.g. an unlock alone for a locked account. */
  instead?: { readonly credentialId: string; readonly button: string };
  /** The credential's policy: the step after the click, said before it. Absent: self-service. */
  policy?: Policy;
  /** The `verify` policy's app ("Okta Verify"), in its plug-in's words. */
  verifierApp?: string;
  /** The command that resets that app's factor, when served here: for a person with a new phone. */
  lostFactorCommand?: string;
  /** The look-up found the account locked out: the credential's words on what the change does to it. */
  locked?: boolean;
}): ModalView {
  const { words } = args;
  const blocks: KnownBlock[] = [section(words.consequences)];
  if (args.locked && words.lockedNote) blocks.unshift(section(words.lockedNote));
  const step = nextStep(args.policy, args.verifierApp);
  if (step) blocks.push(section(step.says));
  if (args.policy === 'verify' && args.verifierApp && args.lostFactorCommand) blocks.push(context(lostFactorLine(args.verifierApp, args.lostFactorCommand)));
  blocks.push(context(`Account: ${escapeMrkdwn(args.email)}`));
  if (args.instead) {
    blocks.push({
      type: 'actions',
      block_id: 'instead',
      elements: [{ type: 'button', action_id: insteadActionId(args.instead.credentialId), text: { type: 'plain_text', text: args.instead.button, emoji: true }, value: args.credentialId }],
    });
  }
  if (args.ignoredText) {
    const acts = words.change ? `acts only on your own ${words.short}` : `resets only your own ${words.short}`;
    blocks.push(context(`Latchkey ${acts}; the text after \`${words.command}\` was ignored.`));
  }
  return modal({
    title: words.title,
    close: 'Cancel',
    submit: step?.button ?? words.button,
    callbackId: resetCallbackId(args.credentialId),
    privateMetadata: args.ticket,
    // Closed without resetting, what opening it counted against the limits is given back.
    notifyOnClose: true,
    blocks,
  });
}

/**
 * What the credential's policy asks for after the confirmation's click, said before it, and the
 * button named for what the click then does: under `approval` it only asks an admin.
 */
function nextStep(policy: Policy | undefined, app: string | undefined): { says: string; button?: string } | undefined {
  if (policy === 'approval') return { says: ':bust_in_silhouette: An admin must approve this first; you finish it yourself once they do.', button: 'Ask an admin' };
  if (policy === 'verify' && app) return { says: `:iphone: Latchkey will send a push to ${app} on your phone; approve it to continue.` };
  return undefined;
}

export function workingView(words: ResetWords): ModalView {
  const doing = changeOf(words).doing;
  return progressView(words.title, `${doing[0]!.toUpperCase()}${doing.slice(1)} your ${words.what}…`);
}

/**
 * What the change did: the new secret when the credential makes one (shown once, to the requester
 * alone), else the credential's words for what was done. (A follow-up that fails does so after
 * this is shown: the receipt says it.)
 */
export function resultView(result: ChangeResult, words: ResetWords, done: Pick<ResetDone, 'unlocked'> = {}): ModalView {
  const blocks = result.secret
    ? [
        ...secretBlocks(result.secret, words),
        context(
          ':lock: Shown once, only to you. Latchkey does not store it and cannot show it again; ' +
            'close this window when you have it.',
        ),
      ]
    : [section(`:white_check_mark: ${words.secretLead}`), section(words.howToUse)];
  if (done.unlocked) blocks.unshift(section(`:unlock: ${unlockedSentence(words)}`));
  return modal({ title: words.secretTitle, close: 'Done', blocks });
}

/**
 * A modal that could not show again the new secret another click of its request showed (Slack
 * refused the update, and this click's "working…" answer may stand over it): where the secret went
 * instead, a message only the requester sees, and what to do if it was not seen; or that it could
 * not be shown at all, and to run the command again, as the receipt says. Never the secret. A change
 * with no secret (`secretShown` absent) has nothing to hide: what it did, and, when it was said in
 * that message too (`toldAside`), where. Shown in this window already (`shownHere`): when, and what
 * to do if it was not seen.
 */
export function resultElsewhereView(done: ShownElsewhere, words: ResetWords): ModalView {
  if (done.secretShown === undefined) {
    const where = done.toldAside ? ' This window could not show it, so Latchkey told you in a message only you can see.' : '';
    const said = `:white_check_mark: Your ${words.receipt} was ${changeOf(words).done} at ${slackTime(done.at)}.${where}`;
    return modal({ title: words.secretTitle, close: 'Done', blocks: [section(said), section(words.howToUse), context(`Reference: ${referenceWords(done.requestId)}`)] });
  }
  const said = secretWhereabouts(done, words, 'this window');
  return modal({ title: words.secretTitle, close: 'Close', blocks: [section(`${said.icon} ${said.text}`), context(`Reference: ${referenceWords(done.requestId)}`)] });
}

/**
 * Where a secret not shown again went, and what to do if it was not seen (resultElsewhereView), in
 * the words of the place that says it: `window` names the modal, "this window" in the modal itself,
 * "your Latchkey window" in the message that stands in for it (whereaboutsMessage). Never the secret.
 */
export function secretWhereabouts(done: ShownElsewhere, words: ResetWords, window: string): { readonly icon: string; readonly text: string } {
  const next = failureMessage({ code: 'REQUEST_ALREADY_USED' }, words).next;
  if (done.shownHere) return { icon: ':key:', text: `Your new ${words.receipt} was shown in ${window} at ${slackTime(done.at)}. ${next}` };
  if (done.secretShown === false) {
    return { icon: ':warning:', text: `Your ${words.receipt} was ${changeOf(words).done} at ${slackTime(done.at)}, but Latchkey could not show you the new one. Run \`${words.command}\` again to get a new one.` };
  }
  return { icon: ':key:', text: `Your new ${words.receipt} could not be shown in ${window}, so Latchkey showed it to you in a message only you can see. ${next}` };
}

/** The new secret with its credential's words around it: in the modal, or in the message that stands in for it (resultMessage). */
export function secretBlocks(secret: Secret, words: ResetWords): KnownBlock[] {
  return [
    section(words.secretLead),
    // A code block: easy to copy. Slack still reads &, < … > and a backtick there, which Latchkey's own generator never uses (PASSWORD_SYMBOLS).
    section('```' + secret.reveal() + '```', 'secret'),
    section(words.howToUse),
  ];
}

export function failureView(failure: Pick<ResetFailure, 'code' | 'email' | 'requestId' | 'retryAt' | 'reason' | 'verifierApp' | 'verifierService' | 'verifierMistake' | 'lostFactorCommand' | 'verifyWaitMs' | 'open' | 'widespread'>, words: ResetWords): ModalView {
  const message = failureMessage(failure, words);
  const blocks = [section(`:warning: ${message.headline}`), section(message.next)];
  if (failure.requestId) blocks.push(context(`Reference: ${referenceWords(failure.requestId)}`));
  // Refused at the click, the reference above is the refusal's own: the request that was open has its own.
  if (failure.open && failure.open.requestId !== failure.requestId) blocks.push(context(`Your open request's reference: ${referenceWords(failure.open.requestId)}`));
  return modal({ title: words.title, close: 'Close', blocks });
}

/** Said with the new secret, and in the receipt, when the reset also unlocked a locked-out account. */
export function unlockedSentence(words: Pick<ResetWords, 'account'>): string {
  return `Your ${words.account} was locked out; it is unlocked now.`;
}

/** The `verify` policy, before the push is out: said instead of "Resetting…". */
export function pushingView(words: ResetWords, app: string, waiting?: Waiting): ModalView {
  // Closing it cancels the push, as closing the challenge after it does.
  return progressView(words.title, `Sending a request to ${app} on your phone…`, waiting ? { ...waitingProps(waiting), close: CANCEL_PUSH } : {});
}

/**
 * The `verify` policy: the push is out; the person approves it on their phone (picking the number,
 * when there is one). With `lostFactorCommand` (served here), a way out for the person it reaches no
 * more (a new phone): the push went to the old one, so nothing comes, and the wait's end alone said so.
 */
export function challengeView(
  words: ResetWords,
  push: { readonly app: string; readonly challenge?: string; readonly waitMs: number; readonly lostFactorCommand?: string },
  waiting?: Waiting,
): ModalView {
  const ask = push.challenge
    ? `:iphone: Approve the ${push.app} request on your phone and pick *${escapeMrkdwn(push.challenge)}*.`
    : `:iphone: Approve the ${push.app} request on your phone.`;
  return modal({
    title: words.title,
    // Closing it cancels the push: said on the button.
    close: waiting ? CANCEL_PUSH : 'Close',
    ...waitingProps(waiting),
    blocks: [
      section(ask, 'challenge'),
      section(`Your ${words.what} is ${changeOf(words).done} as soon as you approve${words.change ? '' : '; the new one appears here'}.`),
      context(`Nothing changes until you approve; the request lapses after ${waitWords(push.waitMs)}.`),
      ...(push.lostFactorCommand
        ? [context(lostFactorLine(push.app, push.lostFactorCommand, waiting ? CANCEL_PUSH : 'Close'))]
        : []),
    ],
  });
}

/** The `approval` policy: the request waits for an admin; nothing has changed yet. */
export function pendingView(words: ResetWords, requestId: string): ModalView {
  return modal({
    title: words.title,
    close: 'Close',
    blocks: [
      section(`:hourglass_flowing_sand: ${capitalized(changeOf(words).doing)} your ${words.what} needs an admin's approval. Your request has been sent to them.`),
      section("You'll get a direct message when it is decided. Nothing has changed yet."),
      context(`Reference: ${referenceWords(requestId)}`),
    ],
  });
}
