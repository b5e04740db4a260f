import type { KnownBlock } from '@slack/types';
import { context, plain, section } from './blocks';
import { guestNotServed } from './failure-message';
import { homeResetActionId } from './home-tab';

/** What `/reset` answers, to the person alone: one button per credential this deployment serves. */
export function resetPicker(credentials: readonly { readonly id: string; readonly command: string; readonly words: { readonly homeButton: string } }[]): {
  text: string;
  blocks: KnownBlock[];
} {
  if (credentials.length === 0) return { text: 'Latchkey resets nothing in this workspace yet. Ask IT how to reset it.', blocks: [] };
  const text = 'What would you like to reset?';
  return {
    text,
    blocks: [
      section(`*${text}*`),
      {
        type: 'actions',
        block_id: 'reset_picker',
        // The Home tab's buttons: each opens exactly what its command opens, with the same checks.
        elements: credentials.map((c) => ({ type: 'button', action_id: homeResetActionId(c.id), text: plain(c.words.homeButton), value: c.id })),
      },
      context(`Each button does what its own command does (${credentials.map((c) => `\`${c.command}\``).join(', ')}), with the same checks. Only you can see this.`),
    ],
  };
}

/** What `/reset` answers a guest, whom every reset refuses (SLACK_USER_IS_GUEST): why, and no button. */
export function resetPickerForGuest(): { text: string } {
  return { text: guestNotServed('resets') };
}

/**
 * What follows a guest's `/reset` answered with the buttons before Slack said they are a guest
 * (Lambda): a second message below them, as Slack does not replace a slash command's answer.
 */
export function resetPickerGuestFollowUp(): { text: string } {
  return { text: `The buttons above will not work for you: ${guestNotServed('resets')}` };
}
