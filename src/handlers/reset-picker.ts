import type { Credential } from '../credentials/credential';
import type { Logger } from '../flows/ports';
import type { GuardedApp } from '../slack/guarded-app';
import { resetPicker } from '../views/reset-picker';
import { slashCommandSchema } from './slack-payloads';
import { RESET_PICKER_COMMAND } from '../core-commands';

/**
 * `/reset`: answered in its acknowledgement, privately, with one button per credential this
 * deployment serves (the Home tab's buttons). A click opens exactly what that credential's command
 * opens: the same checks of who is asking, the same limits, the same confirmation.
 */
export function registerResetPicker(app: GuardedApp, served: readonly Credential[], logger: Logger): void {
  app.command(RESET_PICKER_COMMAND, async ({ command, ack }) => {
    if (!slashCommandSchema.safeParse(command).success) {
      logger.warn({ command: RESET_PICKER_COMMAND }, 'malformed slash command');
      await ack({ response_type: 'ephemeral', text: 'Latchkey could not read that request. Please try again.' });
      return;
    }
    const picker = resetPicker(served);
    await ack({ response_type: 'ephemeral', text: picker.text, ...(picker.blocks.length > 0 && { blocks: picker.blocks }) });
  });
}
