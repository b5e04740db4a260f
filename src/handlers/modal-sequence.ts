import type { RespondFn } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { SlackApi } from '../slack/slack-web-api';
import type { Logger, Requester } from '../flows/ports';
import type { OpenedModal } from '../slack/arrival-modal';
import type { ChangeResult } from '../flows/ports';
import type { ResetDone } from '../flows/reset-credential';
import { sendEphemeralDirect } from '../slack/direct-message';
import { slackErrorCode, tokenRefusalSaid } from '../slack/slack-errors';
import { tellThroughResponseUrl } from './tell-clicker';
import { doneMessage, resultMessage } from '../views/reset-notice';
import type { ResetWords } from '../views/words';

/**
 * The pattern behind every command and button that opens a modal: open a "checking…" modal at
 * once (the trigger_id lives 3 s and works once) while the work runs, then show its result in the
 * same modal. A slash command's modal was opened on arrival already (`opened`, see
 * arrival-modal.ts). If Slack will not show the modal, the next private place is the request's
 * response_url (tell-clicker.ts): the command's own reply, or, for a button of /reset's list, a
 * private answer under that list, which stays (replace_original: false); if the trigger was too old to use, the person has been told Latchkey is busy,
 * and `discard` undoes what the work counted (it ran in parallel, to keep the confirmation quick).
 * True when the modal showed the work's result.
 */
export async function openModalWhile<R extends { view: ModalView; fallbackText: string }>(args: {
  client: SlackApi;
  triggerId: string;
  loading: ModalView;
  opened?: Promise<OpenedModal>;
  work: Promise<R>;
  discard?: (result: R) => Promise<void>;
  respond?: RespondFn;
  logger: Logger;
  userId: string;
}): Promise<boolean> {
  const { client, logger, userId } = args;
  const opening = args.opened ?? openLoading(client, args.triggerId, args.loading, logger, userId);
  const [opened, result] = await Promise.all([opening, args.work]);
  if (!opened.ok && opened.reason !== 'failed') {
    await args.discard?.(result);
    return false;
  }
  if (opened.ok) {
    try {
      await client.views.update({ view_id: opened.viewId, view: result.view });
      return true;
    } catch (err) {
      logger.warn({ slackUserId: userId, err: String(err) }, 'could not show the modal');
    }
  }
  // A modal that never opened was logged where views.open failed: one line for one failure.
  await tellThroughResponseUrl(args.respond, { text: result.fallbackText }, logger, userId);
  return false;
}

/** A loading modal opened with a click's trigger now; a failure is logged, never thrown. */
export function openLoading(client: SlackApi, triggerId: string, loading: ModalView, logger: Logger, userId: string): Promise<OpenedModal> {
  return client.views.open({ trigger_id: triggerId, view: loading }).then(
    (opened): OpenedModal => (opened.view?.id ? { ok: true, viewId: opened.view.id } : { ok: false, reason: 'failed' }),
    (err: unknown): OpenedModal => {
      logger.warn({ slackUserId: userId, err: String(err) }, 'views.open failed');
      return { ok: false, reason: 'failed', ...(tokenRefusalSaid(err) && { tokenRefused: true as const }) };
    },
  );
}

/**
 * A click on the Home tab, which has no message to rewrite: what came of it is shown in a modal
 * opened from the click's trigger while the work runs, then the clicker's tab is published anew.
 * True when the modal showed what came of it.
 */
export async function answerOnHomeTab(args: {
  client: SlackApi;
  triggerId: string;
  loading: ModalView;
  work: Promise<{ view: ModalView; fallbackText: string }>;
  logger: Logger;
  clicker: Requester;
  /** Publishes the person's Home tab as of now; never throws. */
  republishHome?: (requester: Requester) => Promise<void>;
}): Promise<boolean> {
  const { clicker, republishHome } = args;
  const shown = await openModalWhile({ client: args.client, triggerId: args.triggerId, loading: args.loading, work: args.work, logger: args.logger, userId: clicker.userId });
  if (republishHome) await republishHome(clicker);
  return shown;
}

/** Replaces a modal's content after the submission was acknowledged; a failure here is only logged. */
export async function updateModal(client: SlackApi, viewId: string, view: ModalView, logger: Logger, userId: string): Promise<void> {
  await client.views
    .update({ view_id: viewId, view })
    .catch((err: unknown) => logger.warn({ slackUserId: userId, err: String(err) }, 'could not update the modal'));
}

/** ResetDelivery.windowGone: Slack answers views.update of a modal that is closed with not_found. */
export function windowGone(err: unknown): boolean {
  return slackErrorCode(err) === 'not_found';
}

/**
 * The last step of a change whose modal could not show its result (ResetDelivery.showResultAside):
 * the new secret, or for a change with none what it did, in an ephemeral message in the person's DM
 * with the app, which its scopes can always reach, where the receipt that follows it points (the
 * channel a command was typed in may be one the app cannot post in, and a Home tab has none).
 * Throws when Slack will not take it.
 */
export async function showResultAside(client: SlackApi, userId: string, result: ChangeResult, words: ResetWords, done: Pick<ResetDone, 'requestId' | 'unlocked' | 'secretShownAside'>): Promise<void> {
  await sendEphemeralDirect(client, userId, result.secret ? resultMessage(result.secret, words, done) : doneMessage(words, done));
}
