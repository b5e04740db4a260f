import type { ModalView } from '@slack/types';
import type { SlackApi } from './slack-web-api';
import { describeError } from '../flows/failure';
import type { Logger, Metrics } from '../flows/ports';
import type { HttpFetch } from '../http/fetch';
import { sendDirectMessage } from './direct-message';
import { slackErrorCode, tokenRefusalSaid } from './slack-errors';

/**
 * A slash command's loading modal, opened as soon as the command is acknowledged, ahead of all
 * work (AckFirst's urgent lane): it needs nothing but the trigger_id and a fixed view, and the
 * trigger dies 3 s after the person pressed Enter. The listener receives the outcome in its
 * context and fills the modal in.
 *
 * A trigger that is older than TRIGGER_SAFE_MS when its open would go out is not used: Slack would
 * refuse it (or it would expire on the way) and the person would see nothing at all. The person is
 * told through the command's response_url instead, which lives 30 minutes; likewise when Slack
 * answers expired_trigger_id.
 */
export const TRIGGER_SAFE_MS = 2_500;
export const OPENED_MODAL = 'latchkeyOpenedModal';

/**
 * `hash`: Slack's hash of the view as opened, so that a failure told in it later replaces only that
 * view, never one shown in its place since (work-failed.ts).
 */
export type OpenedModal =
  | { ok: true; viewId: string; hash?: string }
  // tokenRefused: Slack refused the bot token, and the client's TokenWatch has paged for it.
  | { ok: false; reason: 'trigger_stale' | 'trigger_expired' | 'failed'; tokenRefused?: true };

/** What a command asks to have opened on arrival, and what to say when its trigger is too old. */
export interface ArrivalModal {
  readonly view: ModalView;
  readonly busyText: string;
  /**
   * 'listener': a click in a channel whose trigger is too old (found so, or refused by Slack) is told
   * nothing here: its listener, which knows the answer by then, says it privately in the channel (an
   * ephemeral needs no trigger), so someone no admin hears the no, never "busy, click again".
   */
  readonly staleInChannel?: 'listener';
}

/**
 * When a request reached Latchkey (epoch ms), in its listener's context: the receivers stamp it, so
 * a window opened on arrival (GuardedApp) or only later by its listener (approval-review-action.ts)
 * counts its trigger's age from the click, not from when the app got to it (on Lambda, in the
 * worker, after the hand-off and the worker's cold start).
 */
export const ARRIVED_AT = 'latchkeyArrivedAt';

/** When the request arrived (epoch ms), if its receiver said. */
export function arrivedAtOf(context: Record<string, unknown>): number | undefined {
  const at = context[ARRIVED_AT];
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}

/**
 * When the trigger arrived, on triggerNow's clock (monotonic ms), for a window opened on arrival:
 * the wall clock is read once, here, against ARRIVED_AT (a stamp ahead of our clock counts as
 * now), and the age is measured on the monotonic clock from then on. A request can wait about a
 * second for its turn in a burst; a step of the wall clock meanwhile (chrony) must not make a live
 * trigger look dead (the person told "busy" for nothing) nor a dead one live (a wasted views.open).
 * With no stamp, the trigger arrived now.
 */
export function triggerArrival(context: Record<string, unknown>): number {
  const stamped = arrivedAtOf(context);
  return performance.now() - (stamped === undefined ? 0 : Math.max(0, Date.now() - stamped));
}

/** The clock triggerArrival's time is on: openLoadingModal's `now` with it. */
export function triggerNow(): number {
  return performance.now();
}

/** The trigger arrived at `arrivedAt` (ms): may it still be used now? */
export function triggerUsable(arrivedAt: number, now: number, limitMs = TRIGGER_SAFE_MS): boolean {
  return now - arrivedAt <= limitMs;
}

/** The modal a listener's command had opened on arrival, if it had one. */
export function openedModalOf(context: Record<string, unknown>): Promise<OpenedModal> | undefined {
  const opened = context[OPENED_MODAL];
  return opened instanceof Promise ? (opened as Promise<OpenedModal>) : undefined;
}

export async function openLoadingModal(args: {
  client: SlackApi;
  fetch: HttpFetch;
  logger: Logger;
  metrics: Metrics;
  modal: ArrivalModal;
  trigger: { readonly triggerId: string; readonly userId: string; readonly responseUrl?: string; readonly inChannel?: boolean };
  arrivedAt: number;
  now: () => number;
}): Promise<OpenedModal> {
  const { client, logger, trigger } = args;
  const busy = async (reason: 'trigger_stale' | 'trigger_expired'): Promise<OpenedModal> => {
    args.metrics.count('trigger_too_old', { reason });
    if (args.modal.staleInChannel === 'listener' && trigger.inChannel) {
      logger.warn({ slackUserId: trigger.userId, reason, waitedMs: Math.round(args.now() - args.arrivedAt) }, 'trigger too old for views.open; its listener tells the person in the channel');
      return { ok: false, reason };
    }
    logger.warn({ slackUserId: trigger.userId, reason, waitedMs: Math.round(args.now() - args.arrivedAt) }, 'trigger too old for views.open; told the person Latchkey is busy');
    // A command's response_url; a click on the Home tab has none, so a DM says it.
    const told = trigger.responseUrl
      ? tellPrivately(args.fetch, trigger.responseUrl, args.modal.busyText)
      : sendDirectMessage(client, trigger.userId, { text: args.modal.busyText });
    await told.catch((err: unknown) => logger.warn({ slackUserId: trigger.userId, err: describeError(err) }, 'could not say Latchkey is busy'));
    return { ok: false, reason };
  };
  if (!triggerUsable(args.arrivedAt, args.now())) return busy('trigger_stale');
  try {
    const opened = await client.views.open({ trigger_id: trigger.triggerId, view: args.modal.view });
    const viewId = opened.view?.id;
    if (!viewId) throw new Error('views.open returned no view');
    const hash = opened.view?.hash;
    return { ok: true, viewId, ...(hash && { hash }) };
  } catch (err) {
    if (slackErrorCode(err) === 'expired_trigger_id') return busy('trigger_expired');
    logger.warn({ slackUserId: trigger.userId, err: describeError(err) }, 'views.open failed');
    return { ok: false, reason: 'failed', ...(tokenRefusalSaid(err) && { tokenRefused: true as const }) };
  }
}

/** An ephemeral reply through a command's response_url: seen only by the person who typed it. */
async function tellPrivately(fetch: HttpFetch, responseUrl: string, text: string): Promise<void> {
  const res = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
    timeoutMs: 5_000,
  });
  if (!res.ok) throw new Error(`response_url answered ${res.status}`);
}
