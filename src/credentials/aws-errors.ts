import { NO_AWS_CREDENTIALS, noAwsCredentials } from '../aws/no-credentials';
import { awsCause } from '../aws/shared-causes';
import { failed, passed, type SetupCheck } from '../doctor/setup-check';
import { LatchkeyFailure, type FailureCode } from '../flows/failure';
import { failedCall } from './call-check';
import { SAID_MESSAGE, saidBack } from '../http/answers';
import { mayHaveActedOn, mayHaveArrived } from '../http/network-errors';

interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Errors that say our credentials, permissions or region are wrong: an operator must fix them. */
const SETUP_ERRORS = new Set([
  'AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException',
  'ExpiredTokenException', 'CredentialsProviderError', 'InvalidClientTokenId', 'MissingAuthenticationToken',
]);

const THROTTLING_ERRORS = new Set([
  'ThrottlingException', 'ThrottledClientException', 'TooManyRequestsException', 'LimitExceededException',
  'RequestLimitExceeded', 'ProvisionedThroughputExceededException', 'RequestThrottledException',
]);

/**
 * Turns an AWS SDK error (after the SDK's own retries) into our failure. `specific` names the
 * service's own exceptions; the rest is what every AWS service shares: throttling, 5xx, a network
 * that did not answer, and setup mistakes. `change`: the call changes something (a reset, a
 * license), so one sent but never answered, answered 500, 502 or 504, or answered 2xx in words the
 * SDK could not read, may have been carried out: DIRECTORY_OUTCOME_UNKNOWN, never "unavailable"
 * (which tells the person nothing was changed) nor "refused".
 * Its client (AdapterContext.awsChanges) has not sent it again.
 */
export function fromAwsError(err: unknown, service: string, specific: Partial<Record<string, FailureCode>>, { change = false } = {}): LatchkeyFailure {
  // A call can reject with any value, and `in` throws on a string or number.
  const e = (err ?? {}) as AwsLikeError & { syscall?: string };
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  // An answer the SDK could not read (a SyntaxError, whose message V8 writes with the characters
  // around the fault): for a change, they can be the new PIN or password; for a lookup, a person's
  // email, which no log line carries.
  const unreadable = e.name === 'SyntaxError' || (typeof e === 'object' && '$responseBodyText' in e) || /Deserialization error/.test(e.message ?? '');
  // A network error by its code (ECONNREFUSED…): its message can carry the request's URL.
  // An unreadable answer by its name alone. Else the service's exception and message,
  // bounded as any answer said back (saidBack).
  const detail =
    status === undefined && typeof e.code === 'string' && /^E[A-Z0-9_]+$/.test(e.code)
      ? `${service} ${name} ${e.code}`
      : unreadable
        ? `${service} ${name}`
        : `${service} ${saidBack(`${name}: ${e.message ?? ''}`.trim(), SAID_MESSAGE)}`;
  // Sent, then unanswered (timed out, a connection dropped midway, an unreadable answer), but not a
  // connection never made: the rule forChanges' retries follow too.
  const sentUnanswered = status === undefined && mayHaveArrived(e);
  // Or answered with a failure that does not say it was left undone (500, 502, 504; not throttling).
  const failedMidway = status !== undefined && mayHaveActedOn(status) && !THROTTLING_ERRORS.has(name);
  // Or answered 2xx, saying it was done, in words the SDK could not read.
  const doneUnread = unreadable && status !== undefined && status >= 200 && status < 300;
  const code =
    (change && (sentUnanswered || failedMidway || doneUnread) ? 'DIRECTORY_OUTCOME_UNKNOWN' : undefined) ??
    specific[name] ??
    (THROTTLING_ERRORS.has(name) || status === 429 ? 'DIRECTORY_THROTTLED' : undefined) ??
    (SETUP_ERRORS.has(name) ? 'DIRECTORY_MISCONFIGURED' : undefined) ??
    (status !== undefined && status >= 500 ? 'DIRECTORY_UNAVAILABLE' : undefined) ??
    // No HTTP status at all: the request never got an answer (refused, reset, timed out).
    (status === undefined ? 'DIRECTORY_UNAVAILABLE' : 'DIRECTORY_REJECTED');
  return new LatchkeyFailure(code, detail, { cause: err });
}

/**
 * A credential's check() by one read-only AWS call: passed when it answers, else the failure and
 * what to do next (`fix` when our credentials, permissions or settings are wrong; where to give
 * the process credentials when it has none, before any setting could matter).
 */
export async function awsCheck(
  call: () => Promise<unknown>,
  what: { operation: string; proves: string; specific: Partial<Record<string, FailureCode>>; fix: string },
): Promise<SetupCheck[]> {
  const name = 'credentials and permissions';
  try {
    await call();
    return [passed(name, `${what.operation} answers ${what.proves}`)];
  } catch (err) {
    // What fails every AWS call alike (no credentials, no region, no answer): the doctor says it once for all the checks it fails.
    const cause = awsCause(err);
    const line = noAwsCredentials(err)
      ? failed(name, NO_AWS_CREDENTIALS)
      : failedCall(name, fromAwsError(err, what.operation, what.specific), { fix: what.fix, otherwise: 'try again; if it persists, check the network path to AWS', address: 'the AWS_ENDPOINT_URL_… you set, if any' });
    return [cause ? { ...line, cause } : line];
  }
}
