import type { KnownBlock } from '@slack/types';
import type { ResetDone } from '../flows/reset-credential';
import { context, section, slackDate } from './blocks';
import { TOPIC_WORDS, DIRECTORY_NAMES } from './topic-words';

/**
 * The direct message that records a reset for its owner. It never holds the secret:
 * it is a receipt the owner can find later, and an alarm if it was not them.
 */
export function resetNotice(done: ResetDone): { text: string; blocks: KnownBlock[] } {
  const what = `${DIRECTORY_NAMES[done.directory]} ${done.kind === 'pin' ? 'meeting PIN' : 'password'}`;
  const text =
    done.secretShown === false
      ? `Your ${what} was reset at ${slackDate(done.at)}, but Latchkey could not show you the new one. ` +
        `Run \`${TOPIC_WORDS[done.kind].command}\` again to get a new one. If this wasn't you, contact IT.`
      : `Your ${what} was reset at ${slackDate(done.at)}. If this wasn't you, contact IT.`;
  return {
    text,
    blocks: [
      section(`:key: ${text}`),
      context(`Run \`${TOPIC_WORDS[done.kind].command}\` to reset it again. Reference: \`${done.requestId}\``),
    ],
  };
}
