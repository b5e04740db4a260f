import type { AckFn, RespondArguments, SlashCommand } from '@slack/bolt';
import type { Logger, Requester } from '../flows/ports';
import type { ArrivalModal } from '../slack/arrival-modal';
import type { GuardedApp } from '../slack/guarded-app';
import { failureMessage } from '../views/failure-message';
import type { SubjectWords } from '../views/words';
import { commandUser, readableSlashCommand, slashCommandSchema } from './slack-payloads';

/**
 * Registers `command` as one acceptCommand answers with an empty acknowledgement whenever it can
 * be read, so that GuardedApp sends that acknowledgement the moment the command arrives, and opens
 * `modal` (its loading view) ahead of all work. A command this deployment does not serve, or one
 * that cannot be read, is still answered by acceptCommand.
 */
export function acknowledgeOnArrival(app: GuardedApp, command: string, enabled: boolean, modal?: ArrivalModal): void {
  if (enabled) app.acknowledgeOnArrival(command, readableSlashCommand, modal);
}

type AcceptedCommand = { requester: Requester; triggerId: string; text: string };

/**
 * The first thing every slash command does: read it, and acknowledge it at once. A command
 * that cannot be read, or that this deployment does not serve, is answered in the ack itself
 * (an ephemeral reply only the person sees) and goes no further.
 */
export async function acceptCommand(
  command: SlashCommand,
  ack: AckFn<string | RespondArguments>,
  words: SubjectWords,
  enabled: boolean,
  logger: Logger,
): Promise<AcceptedCommand | undefined> {
  const parsed = slashCommandSchema.safeParse(command);
  if (!parsed.success) {
    logger.warn({ command: command.command, issues: parsed.error.issues.length }, 'malformed slash command');
    await ack({ response_type: 'ephemeral', text: 'Latchkey could not read that request. Please try again.' });
    return undefined;
  }
  if (!enabled) {
    const m = failureMessage({ code: 'DIRECTORY_NOT_ENABLED' }, words);
    await ack({ response_type: 'ephemeral', text: `${m.headline} ${m.next}` });
    return undefined;
  }
  await ack();
  const { trigger_id: triggerId, text } = parsed.data;
  return { requester: commandUser(parsed.data), triggerId, text };
}
