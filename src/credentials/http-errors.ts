import { LatchkeyFailure, type FailureCode } from '../flows/failure';
import type { HttpFetch } from '../http/fetch';
import { parseJson } from '../http/answers';
import { mayHaveActedOn, mayHaveArrived, networkErrorCode } from '../http/network-errors';

/**
 * The failure classes every directory spoken to over plain HTTP shares, beside the AWS ones
 * (aws-errors.ts): throttled (with when to try again), unavailable (5xx, or no answer in time),
 * misconfigured (401, 403: our credentials or permissions), not found (404), and anything else
 * refused. An adapter names only its own codes on top (`specific`). A change that may have been
 * made is not "unavailable": failureOf and unanswered say when.
 */
export function fromHttpStatus(status: number, operation: string, detail: string, specific?: FailureCode, retryAt?: Date): LatchkeyFailure {
  const code =
    specific ??
    (status === 429
      ? 'DIRECTORY_THROTTLED'
      : status === 401 || status === 403
        ? 'DIRECTORY_MISCONFIGURED'
        : status === 404
          ? 'DIRECTORY_USER_NOT_FOUND'
          : status >= 500
            ? 'DIRECTORY_UNAVAILABLE'
            : 'DIRECTORY_REJECTED');
  return new LatchkeyFailure(code, `${operation} ${status}: ${detail}`, retryAt ? { retryAt } : undefined);
}

/**
 * A failure answer as ours: throttled (with when to try again) when callJson found it so, else by
 * its status; `specific` is the adapter's own reading of the directory's error code. A change
 * answered 500, 502 or 504 (mayHaveActedOn: the server failed midway, or a gateway in front of it
 * failed or gave up waiting) may have been made, whatever the body says: DIRECTORY_OUTCOME_UNKNOWN,
 * as for one never answered, never "unavailable" (which tells the person nothing was changed).
 * callJson has not sent it again. A 503 or a 429 refuses it: nothing was changed.
 */
export function failureOf(answer: JsonAnswer, operation: string, detail: string, policy: CallPolicy, specific?: FailureCode): LatchkeyFailure {
  if (answer.throttled) return fromHttpStatus(answer.status, operation, detail, 'DIRECTORY_THROTTLED', policy.retryAt(answer, new Date()));
  if (answer.change && mayHaveActedOn(answer.status)) return fromHttpStatus(answer.status, operation, detail, 'DIRECTORY_OUTCOME_UNKNOWN');
  return fromHttpStatus(answer.status, operation, detail, specific);
}

/**
 * The request never got a readable answer: refused, reset, not within the timeout, or unreadable. A
 * change (`change`) that may have reached the directory (mayHaveArrived) may have been made:
 * DIRECTORY_OUTCOME_UNKNOWN, never "unavailable", which tells the person nothing was changed.
 */
export function unanswered(err: unknown, operation: string, change = false): LatchkeyFailure {
  return new LatchkeyFailure(change && mayHaveArrived(err) ? 'DIRECTORY_OUTCOME_UNKNOWN' : 'DIRECTORY_UNAVAILABLE', `${operation}: ${networkErrorCode(err)}`, { cause: err });
}

export interface JsonAnswer {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  readonly body: unknown;
  /** The directory asked us to slow down (a 429, or what the policy's `throttled` says). */
  readonly throttled: boolean;
  /** The answer to a change (JsonCall.change): a failure that does not say it was left undone means it may have been made (failureOf). */
  readonly change?: boolean;
}

export interface JsonCall {
  /** Any method a REST API uses: Graph's update is a PATCH, Google's a PUT. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** For logs and failures: "okta:ListUsers". */
  readonly operation: string;
  /** It changes something: sent but never answered, or answered 500, 502 or 504, it may have been made (unanswered, failureOf). */
  readonly change?: boolean;
}

export interface CallPolicy {
  /** One attempt that has not answered by then will not. */
  readonly timeoutMs: number;
  /**
   * How long, in all, a throttled call may wait to be tried again: what a person waiting on a
   * modal can bear. A throttled answer whose retry time falls past it is returned as it is.
   */
  readonly patienceMs: number;
  /** When a throttled answer says to try again. */
  readonly retryAt: (answer: Omit<JsonAnswer, 'throttled'>, now: Date) => Date | undefined;
  /**
   * Which answers are the directory's way of saying "slow down", beside 429 (always one): Google
   * answers 403 with the reason `userRateLimitExceeded`. They are retried within the patience and
   * end as DIRECTORY_THROTTLED, not as a misconfiguration.
   */
  readonly throttled?: (answer: Omit<JsonAnswer, 'throttled'>) => boolean;
}

/**
 * What a person waiting on a modal bears of one call to a directory: 5 s for an attempt, and about
 * 2 s waiting out its throttling. Entra's and Google's policies are built on it.
 */
export const PERSON_WAITING: Pick<CallPolicy, 'timeoutMs' | 'patienceMs'> = { timeoutMs: 5_000, patienceMs: 2_000 };

/**
 * The longest one callJson takes on `policy`: its waits for throttled answers end within the
 * patience, and the attempt after the last of them within its timeout (the whole call: a
 * connection, the sending, the answer read).
 */
export function callBoundMs(policy: Pick<CallPolicy, 'timeoutMs' | 'patienceMs'>): number {
  return policy.patienceMs + policy.timeoutMs;
}

/**
 * One JSON call over the app's HTTP stack, tried again when throttled within the policy's patience
 * (a throttled answer refuses the request: it was not carried out), never after any other answer or
 * none: a change may have been made (failureOf, unanswered).
 */
export async function callJson(fetch: HttpFetch, call: JsonCall, policy: CallPolicy): Promise<JsonAnswer> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    let answer: JsonAnswer;
    try {
      const res = await fetch(call.url, {
        method: call.method,
        headers: call.headers,
        body: call.body,
        redirect: 'error',
        timeoutMs: policy.timeoutMs,
      });
      const text = await res.text();
      const raw = { status: res.status, headers: res.headers, body: parseJson(text) };
      answer = { ...raw, throttled: raw.status === 429 || (policy.throttled?.(raw) ?? false), ...(call.change && { change: true }) };
    } catch (err) {
      throw unanswered(err, call.operation, call.change);
    }
    if (!answer.throttled || attempt >= 3) return answer;
    const at = policy.retryAt(answer, new Date());
    // A time already past is no wait, and no licence to run past the patience (callBoundMs).
    const wait = Math.max(0, at ? at.getTime() - Date.now() : 1_000);
    if (Date.now() + wait - started > policy.patienceMs) return answer;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
