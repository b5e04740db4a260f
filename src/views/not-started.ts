import type { ModalView } from '@slack/types';
import { modal, section } from './blocks';
import { changeOf, type ResetWords } from './words';
import { tokenRefusedText } from './failure-message';

const WORDS = {
  headline: 'Latchkey could not start that just now. Nothing was changed.',
  next: 'Try again in a minute. If it keeps happening, tell IT.',
};

/** What a person is told when the work behind their request could not be started: none of it ran. */
export function notStartedText(): string {
  return `${WORDS.headline} ${WORDS.next}`;
}

/** The slash command's reply when its work could not be started. */
export function notStartedReply(): { response_type: 'ephemeral'; text: string } {
  return { response_type: 'ephemeral', text: notStartedText() };
}

/** The modal's content when the work behind a submission could not be started. */
export function notStartedView(): ModalView {
  return modal({ title: 'Latchkey', close: 'Close', blocks: [section(`:warning: *${WORDS.headline}*\n${WORDS.next}`)] });
}

/** Said through the command's response_url when its trigger_id is too old to open the modal with. */
export function busyText(command: string): string {
  return `Latchkey is busy right now and could not open its window in time. Nothing was changed. Run \`${command}\` again in a moment.`;
}

/**
 * What the work behind a request was, for the words when it failed where no handler could catch
 * it: a command (`nothing-changed`: it only opens a window, so nothing was changed yet), a click
 * (`click`: a Revoke, a Withdraw, a decision may have changed something, and there is no command to
 * run again), or a submission (`unknown`: a Reset, a decision, Latchkey cannot tell). `not-run`:
 * Latchkey knows none of it ran (Slack would not authorise it, or Latchkey could not start),
 * whatever it was. `maybe-opened`: a command that could not start here, whose other delivery may
 * have opened its form (and the person gone on to a reset), so nothing is said to have been
 * unchanged, and the person carries on from what their window shows. `token-refused`: none of it
 * ran because Slack refused the bot token, which has been paged for: no try again can help. `maybe-changed`: the audit log
 * holds a change of the person's since the request (or could not be read), so it may have been made
 * and its window may show the new secret. `not-changed`: a submission (a Reset) whose work failed
 * before any change of the person's was written, as the audit log tells it: nothing was changed.
 */
export type WorkFailedKind = 'nothing-changed' | 'click' | 'unknown' | 'not-run' | 'token-refused' | 'maybe-opened' | 'maybe-changed' | 'not-changed';

/**
 * Said when the work behind a request failed where no handler could catch it (our bug; the worker
 * crashed or timed out), or never ran. `words`: the credential the request was about, when known,
 * for what may have changed (`maybe-changed`) or was not (`not-changed`, `not-run`).
 */
export function workFailedText(kind: WorkFailedKind, words?: ResetWords): string {
  switch (kind) {
    case 'maybe-changed':
      return words ? maybeChangedText(words) : workFailedText('unknown');
    case 'not-changed':
      return words ? notChangedText(words) : 'Something went wrong, nothing was changed. Try again; IT has been alerted.';
    case 'not-run':
      return words ? notChangedText(words) : notStartedText();
    // A try again would meet the same refusal: what is true is that the admins know.
    case 'token-refused':
      return tokenRefusedText();
    case 'maybe-opened':
      return 'Latchkey could not start part of that just now. If your Latchkey window still says it is checking, close it and run the command again in a minute; if it shows anything else, carry on there. If it keeps happening, tell IT.';
    case 'nothing-changed':
      return 'Something went wrong, nothing was changed. Run the command again.';
    case 'click':
      return 'Something went wrong, and Latchkey cannot tell whether your click changed anything. Look at the request on your Home tab (or in its message) before you click again; IT has been alerted.';
    case 'unknown':
      // The window may already show the result (the new PIN, on screen since), so never "run it again"
      // outright: a second reset would replace a secret the person has.
      return 'Something went wrong before Latchkey could finish, so it cannot tell whether the change was made. If your window shows the result (a new PIN or password, say), that is done: keep it. Otherwise look at your Home tab before you try again; IT has been alerted.';
  }
}

export function workFailedView(kind: WorkFailedKind, words?: ResetWords): ModalView {
  if (kind === 'not-run' && !words) return notStartedView();
  return modal({ title: 'Latchkey', close: 'Close', blocks: [section(`:warning: ${workFailedText(kind, words)}`)] });
}

/** None of the credential's change was made: its command runs it again. */
function notChangedText(words: ResetWords): string {
  return `Something went wrong, and your ${words.what} was not ${changeOf(words).done}: nothing was changed. Run \`${words.command}\` again.`;
}

/**
 * A change of the credential's may have been made: never "run it again" outright (a second reset
 * would replace a secret the person may have on screen), but keep what the window shows, else look
 * before running the command again.
 */
function maybeChangedText(words: ResetWords): string {
  const done = changeOf(words).done;
  const shown = words.newSecret ? `If your Latchkey window shows your ${words.newSecret}, that is done: keep it.` : `If your Latchkey window says it was ${done}, that is done.`;
  return `Something went wrong before Latchkey could finish, so it cannot tell whether your ${words.what} was ${done}. ${shown} Otherwise look at your Home tab before you run \`${words.command}\` again; IT has been alerted.`;
}
