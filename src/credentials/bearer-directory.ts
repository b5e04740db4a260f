import { z } from 'zod';
import { LatchkeyFailure } from '../flows/failure';
import type { ChangeResult, ChangeTime } from '../flows/ports';
import { Secret } from '../flows/secret';
import type { HttpFetch } from '../http/fetch';
import { callBoundMs, callJson, failureOf, type CallPolicy, type JsonAnswer, type JsonCall } from './http-errors';

/**
 * What the directories reached over REST with an OAuth bearer token share (Microsoft Graph for
 * Entra ID, Google's Directory API): the token, kept until shortly before it expires and asked for
 * once however many calls wait for it; each call with it, tried once more with a fresh token after
 * a 401; and a generated password set with one fresh try when the directory's rule refuses it, then
 * every session signed out, each within the time its credential declares (bearerChangeTime). Each
 * directory keeps its own: how it asks for a token, and how it reads its errors.
 */

/** A token is used until this long before it expires: a call never carries one that dies on the way. */
const TOKEN_MARGIN_MS = 5 * 60_000;

const tokenSchema = z.looseObject({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });

/** One request for a token: a form POSTed to the token endpoint (made afresh each time: a signed assertion holds the time). */
interface TokenRequest {
  readonly url: string;
  readonly form: Readonly<Record<string, string>>;
  readonly operation: string;
  /** What a refused grant says, for the log line: the error's name, never what was sent. */
  detailOf(body: unknown): string;
}

export class BearerApi {
  private token?: { value: string; until: number };
  private fetching?: Promise<string>;

  constructor(
    private readonly fetch: HttpFetch,
    private readonly baseUrl: string,
    private readonly policy: CallPolicy,
    private readonly tokenRequest: () => TokenRequest,
  ) {}

  /**
   * One call with the token; after a 401, one more try with a fresh token. The answer, 2xx or not:
   * the directory reads its own errors. Anything but a GET is a change (a password, a sign-out):
   * unanswered, it may have been made. (The token's own request is not one.) With `until` (epoch
   * ms), neither the token's request nor the call starts unless it can end by then: what would not
   * fit fails as unavailable, before it is sent.
   */
  async call(method: JsonCall['method'], path: string, operation: string, body?: string, until?: number): Promise<JsonAnswer> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken(attempt > 1, until);
      this.startsInTime(until, operation);
      const answer = await callJson(
        this.fetch,
        {
          method,
          url: `${this.baseUrl}${path}`,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }) },
          body,
          operation,
          change: method !== 'GET',
        },
        this.policy,
      );
      if (answer.status === 401 && attempt === 1) continue;
      return answer;
    }
  }

  /** A call that could not end by `until` is not started: nothing was sent, so nothing was changed. */
  private startsInTime(until: number | undefined, operation: string): void {
    if (until !== undefined && Date.now() + callBoundMs(this.policy) > until) throw new LatchkeyFailure('DIRECTORY_UNAVAILABLE', `${operation}: not sent, too little of its time left`);
  }

  /** The kept token, or a new one (one request however many calls wait for it). */
  private accessToken(fresh: boolean, until?: number): Promise<string> {
    if (fresh) this.token = undefined;
    if (this.token && Date.now() < this.token.until) return Promise.resolve(this.token.value);
    this.fetching ??= this.requestToken(until).finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async requestToken(until?: number): Promise<string> {
    const request = this.tokenRequest();
    const { operation } = request;
    this.startsInTime(until, operation);
    const answer = await callJson(
      this.fetch,
      {
        method: 'POST',
        url: request.url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ ...request.form }).toString(),
        operation,
      },
      this.policy,
    );
    const issued = tokenSchema.safeParse(answer.body);
    if (answer.status === 200 && issued.success) {
      this.token = { value: issued.data.access_token, until: Date.now() + Math.max(0, issued.data.expires_in * 1000 - TOKEN_MARGIN_MS) };
      return issued.data.access_token;
    }
    const detail = request.detailOf(answer.body);
    if (answer.throttled || answer.status >= 500) throw failureOf(answer, operation, detail, this.policy);
    // The grant refused (a wrong or expired secret or key, no consent or delegation, an unknown tenant): ours to fix.
    throw new LatchkeyFailure('DIRECTORY_MISCONFIGURED', `${operation} ${answer.status}: ${detail}`);
  }
}

/** The directory's rule refused a generated password: it is tried once more with a fresh one. */
export class PasswordRefused extends Error {}

/**
 * What a credential over BearerApi declares (Credential.changeTime), and what setPasswordThenSignOut
 * keeps to: up to the password, a token (when none is kept) and the set, one after another; the
 * sign-out that follows, the same. A further try (a fresh token and the call again after a 401, a
 * second password after the directory's rule refused the first) is made only while it still fits.
 */
export function bearerChangeTime(policy: Pick<CallPolicy, 'timeoutMs' | 'patienceMs'>): ChangeTime {
  return { secretMs: 2 * callBoundMs(policy), followUpMs: 2 * callBoundMs(policy) };
}

/**
 * A generated temporary password set by `set` (which throws PasswordRefused when the directory's
 * rule is stricter than ours: one fresh try, then a clear failure), within `time.secretMs`; then,
 * as the change's follow-up, every other session ended by `signOut`, within `time.followUpMs`. The
 * flow runs the follow-up once the password is shown: the password stands once set, and a sign-out
 * however slow never keeps the person from it. Each call is handed the end of its step's time
 * (BearerApi.call's `until`).
 */
export async function setPasswordThenSignOut(steps: {
  readonly generate: () => string;
  readonly set: (password: string, until: number) => Promise<unknown>;
  readonly operation: string;
  readonly signOut: { readonly step: string; readonly run: (until: number) => Promise<unknown> };
  readonly time: ChangeTime;
}): Promise<ChangeResult> {
  const until = Date.now() + steps.time.secretMs;
  let password: string | undefined;
  for (let attempt = 1; password === undefined; attempt++) {
    const candidate = steps.generate();
    try {
      await steps.set(candidate, until);
      password = candidate;
    } catch (err) {
      if (!(err instanceof PasswordRefused)) throw err;
      if (attempt >= 2) throw new LatchkeyFailure('DIRECTORY_REJECTED', `${steps.operation} refused two generated passwords`);
    }
  }
  const { signOut, time } = steps;
  return {
    secret: new Secret(password),
    followUp: {
      step: signOut.step,
      run: async () => {
        await signOut.run(Date.now() + (time.followUpMs ?? 0));
      },
    },
  };
}
