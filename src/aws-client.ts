import type { AwsClientSettings, AwsHandlerLogger } from './credentials/credential';
import type { Logger } from './flows/ports';

/** A call that has not answered by then will not: it fails (a TimeoutError), and the person is told. */
export const AWS_REQUEST_TIMEOUT_MS = 5_000;

/**
 * Every AWS client's settings. A request that has not connected within `connectionTimeout`, or
 * answered within `requestTimeout`, fails with a TimeoutError, which the callers turn into a clear
 * message. `throwOnRequestTimeout` is what makes the second one fail: without it
 * @smithy/node-http-handler (4.14) only warns through `console` once the time is up and the call
 * goes on waiting, for good if the service never answers. The handler's own warnings (socket
 * capacity) go to `logger` (ours, as structured lines) or nowhere, never to `console`: the
 * handler's default. It is the handler's logger only: the client's own (which would log each
 * call's input and output, a new PIN among them) stays the SDK's silent default.
 * `cacheMiddleware`: the SDK builds a command's middleware stack once per command class instead of
 * on every call (nothing here changes a stack after it is built): about 70 µs less CPU per call, a
 * quarter of the SDK's own cost per UpdateItem (docs/performance.md).
 */
export function awsClientSettings({ logger, requestTimeoutMs = AWS_REQUEST_TIMEOUT_MS }: { logger?: Logger; requestTimeoutMs?: number } = {}): AwsClientSettings {
  return {
    requestHandler: { connectionTimeout: 2_000, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true, logger: handlerLogger(logger) },
    cacheMiddleware: true,
  };
}

/** For a client built where no logger is at hand (reading the secrets at a cold start, the bench): the handler says nothing. */
export const AWS_CLIENT: AwsClientSettings = awsClientSettings();

function handlerLogger(logger: Logger | undefined): AwsHandlerLogger {
  const quiet = () => {};
  if (!logger) return { debug: quiet, info: quiet, warn: quiet, error: quiet };
  const say = (level: 'warn' | 'error') => (...content: unknown[]) => logger[level]({ source: 'aws-sdk http handler' }, content.map(String).join(' '));
  return { debug: quiet, info: quiet, warn: say('warn'), error: say('error') };
}
