import type {
  AuthTestResponse,
  ChatPostEphemeralArguments,
  ChatPostEphemeralResponse,
  ChatPostMessageArguments,
  ChatPostMessageResponse,
  ChatUpdateArguments,
  ChatUpdateResponse,
  ConversationsInfoArguments,
  ConversationsInfoResponse,
  ConversationsOpenArguments,
  ConversationsOpenResponse,
  UsergroupsUsersListArguments,
  UsergroupsUsersListResponse,
  UsersInfoArguments,
  UsersInfoResponse,
  UsersLookupByEmailArguments,
  UsersLookupByEmailResponse,
  ViewsOpenArguments,
  ViewsOpenResponse,
  ViewsPublishArguments,
  ViewsPublishResponse,
  ViewsUpdateArguments,
  ViewsUpdateResponse,
} from '@slack/web-api';
import { parseJson, retryAfter } from '../http/answers';
import { networkErrorCode } from '../http/network-errors';
import type { Logger } from '../flows/ports';
import { HttpFetchError, type HttpFetch } from '../http/fetch';
import { slackDeadline } from './call-deadline';
import type { TokenWatch } from './token-watch';

/**
 * The Slack Web API methods Latchkey calls, and nothing else: a new one is added here, with its
 * scope in scopes.ts and its answer in the test stand-in.
 */
export interface SlackApi {
  readonly auth: { test(): Promise<AuthTestResponse> };
  readonly views: {
    open(args: ViewsOpenArguments): Promise<ViewsOpenResponse>;
    update(args: ViewsUpdateArguments): Promise<ViewsUpdateResponse>;
    publish(args: ViewsPublishArguments): Promise<ViewsPublishResponse>;
  };
  readonly chat: {
    postMessage(args: ChatPostMessageArguments): Promise<ChatPostMessageResponse>;
    postEphemeral(args: ChatPostEphemeralArguments): Promise<ChatPostEphemeralResponse>;
    update(args: ChatUpdateArguments): Promise<ChatUpdateResponse>;
  };
  readonly conversations: {
    open(args: ConversationsOpenArguments): Promise<ConversationsOpenResponse>;
    info(args: ConversationsInfoArguments): Promise<ConversationsInfoResponse>;
  };
  readonly users: {
    info(args: UsersInfoArguments): Promise<UsersInfoResponse>;
    /** A member by their email (users:read.email): `npm run audit -- export --person <email>`. */
    lookupByEmail(args: UsersLookupByEmailArguments): Promise<UsersLookupByEmailResponse>;
  };
  readonly usergroups: { readonly users: { list(args: UsergroupsUsersListArguments): Promise<UsergroupsUsersListResponse> } };
}

/**
 * The codes of @slack/web-api's errors, kept so that one test reads a failure of this client and
 * of Bolt's own WebClient (its auth.test at start) alike: slackErrorCode, the start checks, the
 * doctor.
 */
export type SlackApiErrorCode = 'slack_webapi_platform_error' | 'slack_webapi_request_error' | 'slack_webapi_http_error' | 'slack_webapi_rate_limited_error';

/** A failed call: its message names the method and the reason, never an argument (a view can hold a secret). */
export class SlackApiError extends Error {
  override readonly name = 'SlackApiError';

  constructor(
    readonly code: SlackApiErrorCode,
    message: string,
    readonly details: {
      /** Slack's answer, for a platform error (`ok: false`): `data.error` is Slack's error code. */
      readonly data?: { readonly ok: false; readonly error: string } & Record<string, unknown>;
      readonly statusCode?: number;
      /** Seconds Slack asked us to wait, for a rate-limited call that was not tried again. */
      readonly retryAfter?: number;
      /** What the HTTP stack threw, for a request that got no answer. */
      readonly original?: unknown;
      /** Slack refused the token, and the client's TokenWatch has paged for it: whoever meets this raises no alert of its own. */
      readonly tokenRefusalSaid?: boolean;
    } = {},
  ) {
    super(message, details.original === undefined ? undefined : { cause: details.original });
  }

  get data() {
    return this.details.data;
  }
  get statusCode() {
    return this.details.statusCode;
  }
  get retryAfter() {
    return this.details.retryAfter;
  }
  get original() {
    return this.details.original;
  }
  get tokenRefusalSaid() {
    return this.details.tokenRefusalSaid === true;
  }
}

export interface SlackWebApiOptions {
  readonly token: string;
  /** Slack's API root (https://slack.com/api/), or a stand-in's. */
  readonly apiUrl: string;
  readonly fetch: HttpFetch;
  readonly logger: Logger;
  /** Tries after the first, for a request that got no answer or a 5xx (SLACK_API_RETRIES). */
  readonly retries: number;
  /** One attempt that has not answered by then will not. */
  readonly timeoutMs?: number;
  /** How long a rate-limited call may wait for Slack's Retry-After, in all: a person is waiting on it. */
  readonly patienceMs?: number;
  /** The waits between tries, doubling from the first to the last. */
  readonly backoffMs?: { readonly first: number; readonly most: number };
  /**
   * All of one call, its tries and waits together, ends by then: no try starts, and no attempt or
   * wait runs, past it. For an entry point with an end of its own (Lambda's timeout). Absent: no bound
   * beyond the tries' own. Work with an end of its own (call-deadline.ts) also ends each call by
   * then, and a call asked for past it is not sent.
   */
  readonly callMs?: number;
  /** The serving app's: pages once when Slack refuses the token (token-watch.ts). The doctor's and the start's clients have none, and say it their own way. */
  readonly tokenWatch?: TokenWatch;
}

/**
 * A Slack Web API client for the methods Latchkey calls, over the app's HTTP stack.
 *
 * Why not @slack/web-api's WebClient: it costs more per call than the call itself. Each call went
 * through a queue and a retry wrapper with their own promises and timers, and built its debug lines
 * whatever the log level: the request and the answer copied whole (a modal's view is most of both)
 * and serialised again, only to be dropped. It was about half of what the app allocated per slash
 * command; on a 2-core instance taking a burst of commands, that is acknowledgement time and peak
 * memory (docs/performance.md, issue 28). Bolt keeps its own WebClient for its auth.test at start.
 *
 * The wire is WebClient's: a POST per method, arguments form-encoded with objects as JSON, the token
 * as a Bearer header; Slack answers 200 with `ok`, 429 with Retry-After.
 */
export class SlackWebApi implements SlackApi {
  private readonly root: string;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;
  private readonly patienceMs: number;
  private readonly backoff: { readonly first: number; readonly most: number };

  constructor(private readonly options: SlackWebApiOptions) {
    this.root = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
    this.headers = {
      authorization: `Bearer ${options.token}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.patienceMs = options.patienceMs ?? 30_000;
    this.backoff = options.backoffMs ?? { first: 500, most: 2_000 };
  }

  readonly auth = { test: () => this.call<AuthTestResponse>('auth.test', {}) };
  readonly views = {
    open: (args: ViewsOpenArguments) => this.call<ViewsOpenResponse>('views.open', args),
    update: (args: ViewsUpdateArguments) => this.call<ViewsUpdateResponse>('views.update', args),
    publish: (args: ViewsPublishArguments) => this.call<ViewsPublishResponse>('views.publish', args),
  };
  readonly chat = {
    postMessage: (args: ChatPostMessageArguments) => this.call<ChatPostMessageResponse>('chat.postMessage', args),
    postEphemeral: (args: ChatPostEphemeralArguments) => this.call<ChatPostEphemeralResponse>('chat.postEphemeral', args),
    update: (args: ChatUpdateArguments) => this.call<ChatUpdateResponse>('chat.update', args),
  };
  readonly conversations = {
    open: (args: ConversationsOpenArguments) => this.call<ConversationsOpenResponse>('conversations.open', args),
    info: (args: ConversationsInfoArguments) => this.call<ConversationsInfoResponse>('conversations.info', args),
  };
  readonly users = {
    info: (args: UsersInfoArguments) => this.call<UsersInfoResponse>('users.info', args),
    lookupByEmail: (args: UsersLookupByEmailArguments) => this.call<UsersLookupByEmailResponse>('users.lookupByEmail', args),
  };
  readonly usergroups = { users: { list: (args: UsergroupsUsersListArguments) => this.call<UsergroupsUsersListResponse>('usergroups.users.list', args) } };

  private async call<R>(method: string, args: object): Promise<R> {
    const url = this.root + method;
    const body = formBody(args);
    const started = Date.now();
    const { callMs } = this.options;
    // The call's own bound, and the work's end (call-deadline.ts): whichever comes first.
    const deadline = slackDeadline();
    const end = Math.min(callMs === undefined ? Infinity : started + callMs, deadline ?? Infinity);
    if (deadline !== undefined && started >= deadline) {
      // Past the work's end: not sent at all, so the time left goes to what must follow (the audit's outcome).
      this.options.logger.warn({ method }, "Slack call not made: the work order's time for Slack calls is up");
      throw new SlackApiError('slack_webapi_request_error', `${method}: not sent, the work order's time for Slack calls is up`);
    }
    // Whether a wait of `ms` and a try after it still fit in the call's bound.
    const fits = (ms: number) => Date.now() + ms < end;
    let wait = this.backoff.first;
    for (let retriesLeft = this.options.retries; ; retriesLeft--) {
      let res: Awaited<ReturnType<HttpFetch>>;
      let text: string;
      const timeoutMs = end === Infinity ? this.timeoutMs : Math.min(this.timeoutMs, Math.max(1, end - Date.now()));
      try {
        res = await this.options.fetch(url, { method: 'POST', headers: this.headers, body, redirect: 'error', timeoutMs });
        text = await res.text();
      } catch (err) {
        // A redirect refused or an answer too large is the same next time: only no answer is tried again.
        if (retriesLeft > 0 && !(err instanceof HttpFetchError) && fits(wait)) {
          await sleep(wait);
          wait = Math.min(wait * 2, this.backoff.most);
          continue;
        }
        throw new SlackApiError('slack_webapi_request_error', `${method}: no answer from Slack (${networkErrorCode(err)})`, { original: err });
      }
      if (res.status === 429) {
        // Seconds or an HTTP date; a 429 without it is tried again after a second.
        const at = retryAfter(res.headers.get('retry-after'), new Date());
        const waitMs = at ? Math.max(0, at.getTime() - Date.now()) : 1_000;
        const after = Math.ceil(waitMs / 1000);
        if (retriesLeft > 0 && Date.now() + waitMs - started <= this.patienceMs && fits(waitMs)) {
          this.options.logger.info({ method, retryAfterSeconds: after }, 'Slack rate-limited the call; trying again when it said to');
          await sleep(waitMs);
          continue;
        }
        throw new SlackApiError('slack_webapi_rate_limited_error', `${method}: rate-limited by Slack (retry after ${after} s)`, { retryAfter: after });
      }
      if (res.status !== 200) {
        if (res.status >= 500 && retriesLeft > 0 && fits(wait)) {
          await sleep(wait);
          wait = Math.min(wait * 2, this.backoff.most);
          continue;
        }
        throw new SlackApiError('slack_webapi_http_error', `${method}: Slack answered HTTP ${res.status}`, { statusCode: res.status });
      }
      const result = parseAnswer(text);
      if (!result) throw new SlackApiError('slack_webapi_http_error', `${method}: Slack's answer was not JSON`, { statusCode: res.status });
      if (result.ok !== true) {
        const error = typeof result.error === 'string' ? result.error : 'unknown_error';
        const tokenRefusalSaid = (await this.options.tokenWatch?.answered(method, error, started)) === true;
        throw new SlackApiError('slack_webapi_platform_error', `${method}: ${error}`, { data: { ...result, ok: false, error }, ...(tokenRefusalSaid && { tokenRefusalSaid }) });
      }
      await this.options.tokenWatch?.answered(method, undefined, started);
      const metadata = (result.response_metadata ?? {}) as { warnings?: unknown; scopes?: string[]; acceptedScopes?: string[] };
      // What Slack says about a call that worked but will not for long (a deprecated argument, say) is for the operator.
      if (Array.isArray(metadata.warnings) && metadata.warnings.length > 0) this.options.logger.warn({ method, warnings: metadata.warnings }, 'Slack warned about a call');
      const scopes = res.headers.get('x-oauth-scopes');
      if (scopes !== null) result.response_metadata = { ...metadata, scopes: splitList(scopes) };
      return result as R;
    }
  }
}

/** Slack's form encoding, as WebClient sends it: an object or array argument travels as JSON. */
function formBody(args: object): string {
  let body = '';
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    body += `${body === '' ? '' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(text)}`;
  }
  return body;
}

/** Slack's answer is a JSON object; anything else is not Slack's API answering. */
function parseAnswer(text: string): (Record<string, unknown> & { ok?: unknown; error?: unknown; response_metadata?: unknown }) | undefined {
  const parsed = parseJson(text);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

const splitList = (value: string) => value.trim().split(/\s*,\s*/).filter(Boolean);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
