import { DEFAULT_MAX_ATTEMPTS, MAXIMUM_RETRY_DELAY, Retry, StandardRetryStrategy, type StandardRetryStrategyOptions } from '@smithy/core/retry';
import { awsCallMs, type AwsClientSettings, type AwsHandlerLogger, type SdkClientLogger } from './credentials/credential';
import type { Logger } from './flows/ports';
import { mayHaveActedOn, mayHaveArrived } from './http/network-errors';

/**
 * An attempt that has not answered by then will not: it fails (a TimeoutError). The SDK tries a
 * lookup or a DynamoDB call again (up to three attempts, four for DynamoDB); a change, never
 * (forChanges).
 */
export const AWS_REQUEST_TIMEOUT_MS = 5_000;

/**
 * DynamoDB's bound per attempt on Lambda. The function has 30 s or more (lambda/function-time.ts),
 * and a work order must end inside them with its outcome on record. The DynamoDB client tries a
 * call up to four times (its own default in this SDK; the other clients three), so at
 * AWS_REQUEST_TIMEOUT_MS one that hangs took about 20.4 s, and a click whose claim and outcome
 * record both hung ran past the function's end after the change was made: its outcome was never
 * written, nor its failure logged. DynamoDB answers within milliseconds in its own region; at 1 s
 * an attempt a hung call fails within about 4.4 s (four attempts and backoffs of at most 50, 100
 * and 200 ms), and a click's claim, audit attempt and outcome together within about 13 s, which
 * with the change's 5 s leaves the rest of the function's time (30 s for one AWS call) to Slack.
 */
export const LAMBDA_DYNAMODB_REQUEST_TIMEOUT_MS = 1_000;

/**
 * A kept-alive connection to an AWS service idle this long is closed by us, and sooner when the
 * service's answers say it closes its own sooner (`Keep-Alive: timeout=N`: Node's agent then closes
 * at N - 1 s, but reads that hint only if it has a timeout of its own). Without it the SDK's agents
 * keep an idle connection until the other end closes it, and a call sent on it at that moment is met
 * with a reset. After a pause every pooled connection reaches that moment together (DynamoDB is
 * reported to close idle ones after a minute; a NAT gateway drops them silently after 350 s). The
 * SDK retries a reset, but in a burst on such connections some calls still failed: people were told
 * their request could not be saved, with an alert (docs/performance.md, issue 28). 30 s keeps the
 * connections of a steady flow; in a running process a call after a longer pause makes a new one,
 * a handshake's time. (A Lambda instance thawed after a long freeze may still send its first call
 * on a connection gone stale while frozen, before the timer's turn; the SDK's retry meets that one.)
 */
export const AWS_IDLE_SOCKET_MS = 30_000;

/**
 * Every AWS client's settings. A request that has not connected within `connectionTimeout`, or
 * answered within `requestTimeout`, fails with a TimeoutError, which the callers turn into a clear
 * message. The SDK's own retries stay (3 attempts in all, 4 for DynamoDB, for throttling, 5xx,
 * timeouts and dropped connections), so a lookup that hangs keeps a person waiting at most
 * 3 × `requestTimeout` and two short backoffs (at most 50 and 100 ms): about 15.2 s at 5 s; a
 * DynamoDB call 4 × and three (at most 350 ms in all): about 20.4 s. A
 * client that sends changes is built with `forChanges` of these. `throwOnRequestTimeout` is what
 * makes the second one fail: without it
 * @smithy/node-http-handler (4.14) only warns through `console` once the time is up and the call
 * goes on waiting, for good if the service never answers. The handler's own warnings (socket
 * capacity) go to `logger` (ours, as structured lines) or nowhere, never to `console`: the
 * handler's default. It is the handler's logger only: the client's own (which would log each
 * call's input and output, a new PIN among them) stays silent, and without the SDK's cost of one
 * (SDK_CLIENT_LOGGER).
 * `cacheMiddleware`: the SDK builds a command's middleware stack once per command class instead of
 * on every call (nothing here changes a stack after it is built): about 70 µs less CPU per call, a
 * quarter of the SDK's own cost per UpdateItem (docs/performance.md).
 */
export function awsClientSettings({ logger, requestTimeoutMs = AWS_REQUEST_TIMEOUT_MS }: { logger?: Logger; requestTimeoutMs?: number } = {}): AwsClientSettings {
  const idle = { timeout: AWS_IDLE_SOCKET_MS };
  return {
    requestHandler: {
      connectionTimeout: 2_000,
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
      logger: handlerLogger(logger),
      httpAgent: idle,
      httpsAgent: idle,
    },
    logger: SDK_CLIENT_LOGGER,
    cacheMiddleware: true,
  };
}

/**
 * The AWS clients' own logger, silent. The SDK's default (NoOpLogger) is silent too, but it has an
 * `info` and an `error`, and the SDK's logger middleware formats every call's input and output
 * for them whenever they exist (`logger?.info?.({ input: inputFilterSensitiveLog(args.input), … })`):
 * a walk and a copy of each call, field by field, for a line never written. Without the two, the
 * middleware skips that. The SDK calls debug, warn and trace without asking (a region's or a
 * retry's notes): they stay, and say nothing, as the default's did. About 2 % of the app's CPU and
 * 3 % of its allocations in a burst of commands (docs/performance.md, a tenth pass).
 */
const SDK_CLIENT_LOGGER = { trace() {}, debug() {}, warn() {} } as SdkClientLogger;

/**
 * The settings of a client that sends changes (a reset, a license): the same, but a call that may
 * have reached the service is never sent again, since the service may have carried it out. A change
 * that timed out, whose connection dropped on the way or whose answer could not be read (no answer,
 * and not a connection never made: mayHaveArrived), or that was answered 500, 502 or 504
 * (mayHaveActedOn), then fails at once: its outcome is
 * unknown (fromAwsError's DIRECTORY_OUTCOME_UNKNOWN), which a retry would only hide, or turn into a
 * false "nothing was changed" when the service refuses to do again what it has just done (WorkMail
 * a password it has just set). The person waits one `requestTimeout` on a hung directory, not
 * three. Retried as the SDK does: throttling (which AWS does not carry out), a 503 (the service
 * could not take the request on), and a connection refused, a host not found or the connection
 * timeout (still waiting for one of the agent's connections, or for a connect), which never
 * carried the request; but only while the retry can still end within the call's own bound
 * (awsCallMs, what Credential.changeTime declares of it, which a Lambda work order counts on to
 * still show the result), measured from its first attempt. An attempt ends within `requestTimeout`
 * (node-http-handler 4.x runs its timer from the attempt's start, the connection included), so a
 * retry is sent when the wait before it and its `requestTimeout` still end within the bound: a
 * throttle answered in 100 ms is tried again, a connection timeout after 2 s is not. Otherwise the
 * call ends with its own error (for what never carried the request, "not answering" or "busy":
 * nothing was changed). Without it, 3 attempts of up to `requestTimeout` and their waits: about
 * 16 s of a call declared as 7 s.
 */
export function forChanges(settings: AwsClientSettings): AwsClientSettings {
  return { ...settings, retryStrategy: new SentAtMostOnce({ callMs: awsCallMs(settings), attemptMs: settings.requestHandler.requestTimeout }) };
}

/** The SDK's waits are ours to make (the rule needs the wait before it is made): the strategy itself waits none. */
const NO_WAIT: NonNullable<StandardRetryStrategyOptions['backoff']> = { computeNextBackoffDelay: () => 0, setDelayBase: () => {} };

type RetryToken = Awaited<ReturnType<StandardRetryStrategy['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1];

class SentAtMostOnce extends StandardRetryStrategy {
  /** When each call's first attempt started, by its retry tokens. */
  private readonly started = new WeakMap<RetryToken, number>();

  constructor(private readonly bound: { readonly callMs: number; readonly attemptMs: number }) {
    super({ maxAttempts: DEFAULT_MAX_ATTEMPTS, backoff: NO_WAIT });
  }

  override async acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    const token = await super.acquireInitialRetryToken(scope);
    this.started.set(token, Date.now());
    return token;
  }

  override async refreshRetryTokenForRetry(...[token, info]: Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>): ReturnType<StandardRetryStrategy['refreshRetryTokenForRetry']> {
    // The rules fromAwsError tells the person by (http/network-errors.ts): what is not sent again is
    // what they are told may have been made.
    const status = (info.error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
    const mayHaveBeenMade = status === undefined ? mayHaveArrived(info.error) : info.errorType !== 'THROTTLING' && mayHaveActedOn(status);
    // Refused: the retry middleware then throws the call's own error, as when retries run out.
    if (mayHaveBeenMade) throw info.error;
    const started = this.started.get(token) ?? Date.now();
    const wait = waitBefore(token.getRetryCount(), info);
    if (Date.now() + wait + this.bound.attemptMs > started + this.bound.callMs) throw info.error;
    // The SDK's own rules (retryable, attempts left, its retry capacity), with no wait of its own.
    const next = await super.refreshRetryTokenForRetry(token, { ...info, retryAfterHint: undefined });
    this.started.set(next, started);
    await new Promise((resolve) => setTimeout(resolve, wait));
    return next;
  }
}

/**
 * The SDK's wait before a retry (StandardRetryStrategy, @smithy/core 3.x): a random share of its
 * base (longer after throttling) doubled for each retry made, at most MAXIMUM_RETRY_DELAY; a
 * Retry-After is waited for, up to 5 s past that.
 */
function waitBefore(retries: number, info: RetryErrorInfo): number {
  const base = info.errorType === 'THROTTLING' ? Retry.throttlingDelay() : Retry.delay();
  const wait = Math.floor(Math.random() * Math.min(base * 2 ** retries, MAXIMUM_RETRY_DELAY));
  const hinted = info.retryAfterHint instanceof Date ? Math.min(info.retryAfterHint.getTime() - Date.now(), wait + 5_000) : 0;
  return Math.max(wait, hinted);
}

/** For a client built where no logger is at hand (npm run audit, the bench's yardstick): the handler says nothing. */
export const AWS_CLIENT: AwsClientSettings = awsClientSettings();

function handlerLogger(logger: Logger | undefined): AwsHandlerLogger {
  const quiet = () => {};
  if (!logger) return { debug: quiet, info: quiet, warn: quiet, error: quiet };
  const say = (level: 'warn' | 'error') => (...content: unknown[]) => logger[level]({ source: 'aws-sdk http handler' }, content.map(String).join(' '));
  return { debug: quiet, info: quiet, warn: say('warn'), error: say('error') };
}
