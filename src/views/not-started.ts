import type { ModalView } from '@slack/types';
import { modal, section } from './blocks';

const WORDS = {
  headline: 'Latchkey could not start that just now. Nothing was changed.',
  next: 'Try again in a minute. If it keeps happening, tell IT.',
};

/** The slash command's reply when its work could not be started. */
export function notStartedReply(): { response_type: 'ephemeral'; text: string } {
  return { response_type: 'ephemeral', text: `${WORDS.headline} ${WORDS.next}` };
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
 * Said when the work behind a request failed where no handler could catch it (the worker crashed
 * or timed out; Lambda's on-failure destination brought it back). After a command or a click
 * nothing was changed yet; after a submission (Reset, a decision) Latchkey cannot tell.
 */
export function workFailedText(kind: 'nothing-changed' | 'unknown'): string {
  return kind === 'nothing-changed'
    ? 'Something went wrong, nothing was changed. Run the command again.'
    : 'Something went wrong before Latchkey could finish, so it cannot tell whether the change was made. Run the command again; IT has been alerted.';
}

export function workFailedView(kind: 'nothing-changed' | 'unknown'): ModalView {
  return modal({ title: 'Latchkey', close: 'Close', blocks: [section(`:warning: ${workFailedText(kind)}`)] });
}
