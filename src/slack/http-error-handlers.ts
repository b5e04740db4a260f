import type { HTTPReceiverOptions } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App';
import { ErrorCode } from './bolt';
import { openedModalOf } from './arrival-modal';
import { loadingView, personWaiting } from './work-failed';
import { describeError } from '../flows/failure';
import { REFUSED_TOKEN_ERRORS, slackErrorCode, tokenRefusalSaid } from './slack-errors';
import type { Logger } from '../flows/ports';

type ProcessEventErrorHandler = NonNullable<HTTPReceiverOptions['processEventErrorHandler']>;
type DispatchErrorHandler = NonNullable<HTTPReceiverOptions['dispatchErrorHandler']>;

/**
 * Bolt answers 500 when a request fails before it is acknowledged. A 500 tells Slack and the
 * on-call that the server is broken; what actually happened is a request we would not handle,
 * so it gets a 4xx and a warning. (After ack(), the listeners' own error handling applies.)
 */
export function processEventErrorHandler(logger: Logger): ProcessEventErrorHandler {
  return async ({ error, response }) => {
    if (response.headersSent) {
      errorAfterAcknowledgement(logger, error);
      return false;
    }
    const unauthorized = (error as { code?: string }).code === ErrorCode.AuthorizationError;
    logger.warn({ err: describeError(error), status: unauthorized ? 401 : 400 }, 'request refused');
    response.writeHead(unauthorized ? 401 : 400);
    response.end();
    return true;
  };
}

/** A request that failed once answered, after its signature was accepted: ours, so the on-call is paged. */
export function errorAfterAcknowledgement(logger: Logger, error: unknown): void {
  logger.error({ err: describeError(error), alert: true }, 'error after the request was acknowledged');
}

/** What a person is told, and how, when the work behind their request failed: tellWorkFailed. */
type TellWorkFailed = (body: Record<string, any>, viewId?: string) => Promise<void>;

/**
 * The app's error handler (app.error), on the server and Lambda alike: where a listener's throw
 * ends, after Slack's signature was accepted. The flows turn every failure they expect into words,
 * so what reaches here is our bug: an alert, and the person who asked is told instead of being left
 * at "checking…". Bolt's AuthorizationError is Slack's auth.test failing: no listener ran, and it
 * is no bug of ours: a warning either way (our token refused is paged where the client met it).
 */
export function listenerErrorHandler(logger: Logger, tell: TellWorkFailed): (args: ExtendedErrorHandlerArgs) => Promise<void> {
  return async ({ error, body, context }) => {
    if (error.code === ErrorCode.AuthorizationError) {
      const original = (error as { original?: unknown }).original;
      const slackError = slackErrorCode(original);
      // Our token refused (revoked, the app uninstalled) is our setup, paged where the app's client
      // met it, once (token-watch.ts), not once more for each request; a refusal no watch has said
      // (auth.test made through another client) is paged here, as configured-admins does. Slack not
      // answering auth.test is Slack's minute, and nobody is paged for it.
      if (slackError !== undefined && REFUSED_TOKEN_ERRORS.has(slackError)) {
        if (tokenRefusalSaid(original)) logger.warn({ err: describeError(error), code: error.code, slackError }, 'Slack refused the bot token; no listener ran');
        else logger.error({ err: describeError(error), code: error.code, slackError, alert: true }, 'Slack refused the bot token; no listener ran');
      } else logger.warn({ err: describeError(error), code: error.code }, 'Slack did not authorize the request; no listener ran');
      return;
    }
    logger.error({ err: describeError(error), code: error.code, alert: true }, 'unhandled error in a Slack listener');
    const payload = body as Record<string, any>;
    if (!personWaiting(payload)) return;
    // Without its hash: a command's listener that threw after filling its window in (a
    // confirmation, never a secret) is still told there.
    const viewId = loadingView(payload, await openedModalOf(context)?.catch(() => undefined))?.viewId;
    await tell(payload, viewId).catch((err: unknown) => logger.warn({ err: describeError(err) }, 'could not tell the person their request failed'));
  };
}

export function dispatchErrorHandler(logger: Logger): DispatchErrorHandler {
  return ({ error, request, response }) => {
    const notFound = (error as { code?: string }).code === ErrorCode.HTTPReceiverDeferredRequestError;
    if (!notFound) logger.warn({ err: describeError(error), method: request.method }, 'request could not be dispatched');
    response.writeHead(notFound ? 404 : 400);
    response.end();
  };
}
