import { z } from 'zod';
import { asFailure, LatchkeyFailure } from '../flows/failure';
import type { ChangeResult } from '../flows/ports';
import { Secret } from '../flows/secret';
import type { HttpFetch } from '../http/fetch';
import { callJson, failureOf, type CallPolicy, type JsonAnswer, type JsonCall } from './http-errors';

/**
 * What the directories reached over REST with an OAuth bearer token share (Microsoft Graph for
 * Entra ID, Google's Directory API): the token, kept until shortly before it expires and asked for
 * once however many calls wait for it; each call with it, tried once more with a fresh token after
 * a 401; and a generated password set with one fresh try when the directory's rule refuses it, then
 * every session signed out. Each directory keeps its own: how it asks for a token, and how it reads
 * its errors.
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
   * unanswered, it may have been made. (The token's own request is not one.)
   */
  async call(method: JsonCall['method'], path: string, operation: string, body?: string): Promise<JsonAnswer> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken(attempt > 1);
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

  /** The kept token, or a new one (one request however many calls wait for it). */
  private accessToken(fresh: boolean): Promise<string> {
    if (fresh) this.token = undefined;
    if (this.token && Date.now() < this.token.until) return Promise.resolve(this.token.value);
    this.fetching ??= this.requestToken().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async requestToken(): Promise<string> {
    const request = this.tokenRequest();
    const { operation } = request;
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
 * A generated temporary password set by `set` (which throws PasswordRefused when the directory's
 * rule is stricter than ours: one fresh try, then a clear failure), then every other session ended
 * by `signOut`. The password stands once set: a sign-out that fails is reported, not thrown.
 */
export async function setPasswordThenSignOut(steps: {
  readonly generate: () => string;
  readonly set: (password: string) => Promise<unknown>;
  readonly operation: string;
  readonly signOut: { readonly step: string; readonly run: () => Promise<unknown> };
}): Promise<ChangeResult> {
  let password: string | undefined;
  for (let attempt = 1; password === undefined; attempt++) {
    const candidate = steps.generate();
    try {
      await steps.set(candidate);
      password = candidate;
    } catch (err) {
      if (!(err instanceof PasswordRefused)) throw err;
      if (attempt >= 2) throw new LatchkeyFailure('DIRECTORY_REJECTED', `${steps.operation} refused two generated passwords`);
    }
  }
  const secret = new Secret(password);
  try {
    await steps.signOut.run();
    return { secret };
  } catch (err) {
    return { secret, incomplete: [{ step: steps.signOut.step, code: asFailure(err).code }] };
  }
}
