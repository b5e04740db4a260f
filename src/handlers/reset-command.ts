import type { RespondFn } from '@slack/bolt';
import type { SlackApi } from '../slack/slack-web-api';
import type { Credential } from '../credentials/credential';
import type { Logger, Requester } from '../flows/ports';
import type { Prepared, ResetCredential } from '../flows/reset-credential';
import { failureMessage } from '../views/failure-message';
import { checkingView, confirmView, failureView } from '../views/reset-modal';
import type { GuardedApp } from '../slack/guarded-app';
import { acceptCommand, acknowledgeOnArrival } from './accept-command';
import { openedModalOf, type OpenedModal } from '../slack/arrival-modal';
import { busyText } from '../views/not-started';
import { openModalWhile } from './modal-sequence';
import { resetWordsOf } from './reset-words';

/**
 * A credential's slash command (`/reset-pin`, …): acknowledge at once, open the modal, and check
 * who is asking while it opens, so the confirmation is ready by the time the person reads it.
 */
export function registerResetCommand(app: GuardedApp, credential: Credential, flow: ResetCredential, logger: Logger): void {
  const words = resetWordsOf(credential);
  const enabled = flow.isEnabled(credential.id);
  acknowledgeOnArrival(app, credential.command, enabled, { view: checkingView(words), busyText: busyText(credential.command) });
  const client = app.slack;
  app.command(credential.command, async ({ command, ack, respond, context }) => {
    const accepted = await acceptCommand(command, ack, words, enabled, logger);
    if (!accepted) return;
    const { requester, triggerId, text } = accepted;
    await openResetConfirmation({ client, credential, flow, logger, requester, triggerId, opened: openedModalOf(context), typedText: text, respond });
  });
}

/**
 * The confirmation of one reset, in the modal opened with the trigger (or on arrival, `opened`),
 * while the flow checks who is asking: what the slash command opens, and the Home tab's button too.
 */
export async function openResetConfirmation(args: {
  client: SlackApi;
  credential: Credential;
  flow: ResetCredential;
  logger: Logger;
  requester: Requester;
  triggerId: string;
  opened?: Promise<OpenedModal>;
  /** What the person typed after the command, which Latchkey ignores (and says so). */
  typedText?: string;
  respond?: RespondFn;
}): Promise<void> {
  const { credential, flow, requester } = args;
  const words = resetWordsOf(credential);
  const work = flow.prepare(requester, credential.id).then((prepared) => {
    if (!prepared.ok) {
      const m = failureMessage(prepared, words);
      return { prepared, view: failureView(prepared, words), fallbackText: `${m.headline} ${m.next}` };
    }
    return {
      prepared,
      view: confirmationOf(credential, flow, prepared, (args.typedText ?? '').trim() !== ''),
      fallbackText: `Latchkey could not open its window. Run \`${credential.command}\` again.`,
    };
  });
  await openModalWhile({
    client: args.client,
    triggerId: args.triggerId,
    loading: checkingView(words),
    opened: args.opened,
    work,
    // The person never saw the confirmation: what preparing it counted is given back.
    discard: async ({ prepared }) => {
      if (prepared.ok) await flow.cancel(requester, credential.id, prepared.ticket);
    },
    respond: args.respond,
    logger: args.logger,
    userId: requester.userId,
  });
}

/**
 * A credential's confirmation of a prepared change: what will happen, and, for a locked account,
 * the change its credential offers instead (`whenLocked`) when this deployment serves that one.
 */
export function confirmationOf(credential: Credential, flow: ResetCredential, prepared: Prepared, ignoredText = false) {
  const offer = credential.whenLocked;
  const instead = prepared.locked && offer && flow.isEnabled(offer.offer) ? { credentialId: offer.offer, button: offer.button } : undefined;
  const policy = flow.policyOf(credential.id);
  const verifierApp = flow.verifierApp;
  const lostFactorCommand = flow.lostFactorCommand(credential.id);
  return confirmView({
    credentialId: credential.id,
    words: resetWordsOf(credential),
    email: prepared.email,
    ticket: prepared.ticket,
    ignoredText,
    policy,
    ...(prepared.locked && { locked: true }),
    ...(verifierApp && { verifierApp }),
    ...(lostFactorCommand && { lostFactorCommand }),
    ...(instead && { instead }),
  });
}
