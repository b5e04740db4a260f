import type { Credential } from '../credentials/credential';
import type { KnownGuests } from '../flows/known-guests';
import type { Logger, Requester } from '../flows/ports';
import type { GuardedApp } from '../slack/guarded-app';
import { answerByOf } from '../slack/held-answer';
import { describeError } from '../flows/failure';
import { resetPicker, resetPickerForGuest, resetPickerGuestFollowUp } from '../views/reset-picker';
import { commandUser, slashCommandSchema } from './slack-payloads';
import { RESET_PICKER_COMMAND } from '../core-commands';

/** How long a Lambda worker waits for Slack to say whether the person is a guest, once the picker is shown. */
const LATE_GUEST_CHECK_WAIT_MS = 5_000;

/**
 * `/reset`: answered in its acknowledgement, privately, with one button per credential this
 * deployment serves (the Home tab's buttons). A click opens exactly what that credential's command
 * opens: the same checks of who is asking, the same limits, the same confirmation. A guest, whom
 * every one of them refuses, is offered none and told why.
 */
export function registerResetPicker(app: GuardedApp, served: readonly Credential[], guests: KnownGuests, logger: Logger): void {
  app.command(RESET_PICKER_COMMAND, async ({ command, ack, respond, context }) => {
    const parsed = slashCommandSchema.safeParse(command);
    if (!parsed.success) {
      logger.warn({ command: RESET_PICKER_COMMAND }, 'malformed slash command');
      await ack({ response_type: 'ephemeral', text: 'Latchkey could not read that request. Please try again.' });
      return;
    }
    const picker = resetPicker(served);
    const answer = { response_type: 'ephemeral' as const, text: picker.text, ...(picker.blocks.length > 0 && { blocks: picker.blocks }) };
    const guestAnswer = { response_type: 'ephemeral' as const, text: resetPickerForGuest().text };
    if (served.length === 0) {
      await ack(answer);
      return;
    }
    const requester: Requester = commandUser(parsed.data);
    const answerBy = answerByOf(context);
    if (answerBy !== undefined) {
      // The answer may wait (held-answer.ts) for Slack to say who is asking: a guest gets the words, not the buttons.
      await ack((await guests.isGuest(requester, answerBy - Date.now())) ? guestAnswer : answer);
      return;
    }
    // Lambda's answering invocation reads nothing but the payload (hand-off-receiver.ts): the picker,
    // as to anyone; its worker (the only run past ack) then asks, and tells a guest below it why its
    // buttons will not work. Below, not instead: Slack does not replace a slash command's answer
    // through its response_url (replace_original is for a message an action came from).
    await ack(answer);
    if (!(await guests.isGuest(requester, LATE_GUEST_CHECK_WAIT_MS))) return;
    await respond({ response_type: 'ephemeral', replace_original: false, text: resetPickerGuestFollowUp().text }).catch((err: unknown) =>
      logger.warn({ slackUserId: requester.userId, err: describeError(err) }, "could not tell a guest why /reset's buttons will not work for them"),
    );
  });
}
