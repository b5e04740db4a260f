import type { HTTPReceiverOptions } from '@slack/bolt';
import { ErrorCode } from './bolt';
import { describeError } from '../flows/failure';
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

/** A request that failed once answered: only the log can tell anyone. */
export function errorAfterAcknowledgement(logger: Logger, error: unknown): void {
  logger.error({ err: describeError(error) }, 'error after the request was acknowledged');
}

export function dispatchErrorHandler(logger: Logger): DispatchErrorHandler {
  return ({ error, request, response }) => {
    const notFound = (error as { code?: string }).code === ErrorCode.HTTPReceiverDeferredRequestError;
    if (!notFound) logger.warn({ err: describeError(error), method: request.method }, 'request could not be dispatched');
    response.writeHead(notFound ? 404 : 400);
    response.end();
  };
}
