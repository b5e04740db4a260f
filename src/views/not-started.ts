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
