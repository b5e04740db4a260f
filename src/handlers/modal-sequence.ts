import type { RespondFn } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../flows/ports';

/**
 * The pattern behind every command and button that opens a modal: open a "checking…" modal at
 * once (the trigger_id lives 3 s and works once) while the work runs, then show its result in the
 * same modal. If Slack will not show the modal, the command's own ephemeral reply is the next
 * private place.
 */
export async function openModalWhile(args: {
  client: WebClient;
  triggerId: string;
  loading: ModalView;
  work: Promise<{ view: ModalView; fallbackText: string }>;
  respond?: RespondFn;
  logger: Logger;
  userId: string;
}): Promise<void> {
  const { client, logger, userId } = args;
  const [opened, result] = await Promise.all([
    client.views.open({ trigger_id: args.triggerId, view: args.loading }).catch((err: unknown) => {
      logger.warn({ slackUserId: userId, err: String(err) }, 'views.open failed');
      return undefined;
    }),
    args.work,
  ]);
  const viewId = opened?.view?.id;
  try {
    if (!viewId) throw new Error('no modal to update');
    await client.views.update({ view_id: viewId, view: result.view });
  } catch (err) {
    logger.warn({ slackUserId: userId, err: String(err) }, 'could not show the modal');
    await args.respond?.({ response_type: 'ephemeral', text: result.fallbackText }).catch((e: unknown) =>
      logger.warn({ slackUserId: userId, err: String(e) }, 'ephemeral reply failed'),
    );
  }
}

/** Replaces a modal's content after the submission was acknowledged; a failure here is only logged. */
export async function updateModal(client: WebClient, viewId: string, view: ModalView, logger: Logger, userId: string): Promise<void> {
  await client.views
    .update({ view_id: viewId, view })
    .catch((err: unknown) => logger.warn({ slackUserId: userId, err: String(err) }, 'could not update the modal'));
}
