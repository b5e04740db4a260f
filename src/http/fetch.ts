/**
 * The app's HTTP stack for everything it calls over plain HTTP: the Slack Web API (its own client,
 * Bolt's respond() and Bolt's auth.test), and directories and verifiers spoken to over REST (Okta,
 * Graph, Google, Duo). A small fetch over node:http and node:https with keep-alive agents.
 *
 * Why not the global fetch: it is undici, whose HTTP parser is WebAssembly compiled on the first
 * call (about 15 MB resident, at once) and which spends about half again as much CPU per request.
 * Why not node-fetch, which this was until issue 28's third pass: its streams, Headers and Request
 * objects cost each call about as much as node:http itself (about 20 KB allocated per Slack call,
 * and a tenth of the app's CPU per command); every command makes three or four calls, and on a
 * 2-core instance taking a burst that is acknowledgement time and peak memory. What the app needs
 * of a fetch is small: a text body out, a JSON body back, a timeout, no redirects. Measured in
 * `npm run bench`: see docs/performance.md.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { neverSent } from './network-errors';

export interface HttpRequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Text only: Latchkey never uploads files. (FormData is in the type because the Slack SDK's fetch
   * type has it, for file uploads; it is refused at run time rather than sent as the wrong bytes.)
   */
  readonly body?: string | FormData;
  /**
   * 'error' refuses a redirect; anything else returns it as it is. A redirect is never followed: a
   * bearer token must not travel to a host it was not meant for.
   */
  readonly redirect?: string;
  readonly signal?: AbortSignal | null;
  /**
   * The whole call within this, or it fails with a TimeoutError: the wait for one of the host's
   * connections, the sending, and the answer read whole. (A person is waiting on the call, however
   * its time is spent.) Use it rather than `signal: AbortSignal.timeout(ms)`, whose signal and
   * timer stay alive until the time is up, whether the call has long answered or not (about 1.4 KB
   * each, measured): a burst of commands made thousands of them. A call with neither this nor a
   * signal has DEFAULT_TIMEOUT_MS.
   */
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly headers: {
    get(name: string): string | null;
    entries(): IterableIterator<[string, string]>;
  };
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What the Slack clients and a REST adapter call: fetch's shape, for what Latchkey sends and reads. */
export type HttpFetch = (url: string | URL, init?: HttpRequestInit) => Promise<HttpResponse>;

/** A call that got no usable answer; its `code` says why (networkErrorCode reads it), never its URL. */
export class HttpFetchError extends Error {
  override readonly name = 'HttpFetchError';
  constructor(
    readonly code: 'REDIRECT_REFUSED' | 'BODY_TOO_LARGE',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A kept-alive connection idle this long is closed by us. A server closes its own idle connections
 * after a while (Node's default is 5 s); a request sent on one at that very moment is met with a
 * reset, and a person is told their push could not be sent. Closing ours first, below the shortest
 * such limit in use, avoids the race; a new connection after 4 s idle costs one handshake.
 */
const IDLE_SOCKET_MS = 4_000;

/**
 * Connections open to one host at once, at most; more requests wait for one in turn. A burst of 400
 * commands makes 400 loading-modal calls to Slack within a second: without a bound, each would open
 * a TLS connection of its own (a handshake's CPU on the cores acknowledging the burst, and its
 * memory). 100 is what @slack/web-api's WebClient allowed at once (its maxRequestConcurrency)
 * before the app had its own Slack client: enough for 600+ calls a second at Slack's usual latency.
 */
const MAX_SOCKETS_PER_HOST = 100;

/** A call that names no time of its own (Bolt's respond()) still ends: it holds one of its host's connections. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** The largest answer read: the app's are a few kilobytes of JSON; anything near this is not one of them. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function httpFetch({
  idleSocketMs = IDLE_SOCKET_MS,
  maxSockets = MAX_SOCKETS_PER_HOST,
  defaultTimeoutMs = DEFAULT_TIMEOUT_MS,
}: { idleSocketMs?: number; maxSockets?: number; defaultTimeoutMs?: number } = {}): HttpFetch {
  // Node's agent applies `timeout` to its free sockets too, and destroys one that reaches it.
  const http = new HttpAgent({ keepAlive: true, timeout: idleSocketMs, maxSockets });
  const https = new HttpsAgent({ keepAlive: true, timeout: idleSocketMs, maxSockets });
  return (url, init = {}) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const target = String(url);
      const secure = /^https:/i.test(target);
      if (!secure && !/^http:/i.test(target)) throw new TypeError('httpFetch calls http: and https: URLs only');
      if (init.body !== undefined && typeof init.body !== 'string') throw new TypeError('httpFetch sends only text bodies');
      const { signal } = init;
      if (signal?.aborted) throw abortError(signal);
      const headers: Record<string, string | number> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
      const req = (secure ? httpsRequest : httpRequest)(target, { method: init.method ?? 'GET', headers, agent: secure ? https : http });

      let settled = false;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (err: unknown) => {
        if (settled) return;
        settle();
        reject(err);
      };
      // Whether the request may have left: once it is on a connection (a kept-alive one reused, or a
      // new one whose connect, and for TLS whose handshake, is done), its bytes go out. Until then
      // Node holds them: a call given up before (still waiting for one of its host's connections,
      // or for its connect or handshake) was never sent, and is marked so (mayHaveArrived).
      let onTheWire = false;
      req.once('socket', (socket) => {
        if (req.reusedSocket || (!secure && !socket.connecting)) onTheWire = true;
        else socket.once(secure ? 'secureConnect' : 'connect', () => (onTheWire = true));
      });
      // Failed here first, then destroyed: a call still waiting for one of its host's connections
      // has no socket yet, and Node says nothing of its destruction until it gets one.
      const giveUp = (err: Error) => {
        fail(onTheWire ? err : neverSent(err));
        req.destroy(err);
      };
      const onAbort = () => giveUp(abortError(signal!));
      const timeoutMs = init.timeoutMs ?? (signal ? undefined : defaultTimeoutMs);
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => giveUp(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });

      req.on('error', fail);
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location !== undefined && init.redirect === 'error') {
          // Not drained: a redirect's body that never ends would hold the connection.
          res.destroy();
          fail(new HttpFetchError('REDIRECT_REFUSED', `answered ${status} with a redirect, which is not followed`));
          return;
        }
        // Read whole before answering: the socket goes back to the pool even if the caller never
        // reads the body (a status check), and every body the app reads is small.
        readBody(res).then((body) => {
          if (settled) return;
          settle();
          resolve(answer(target, res, body));
        }, fail);
      });
      req.end(init.body);
    });
}

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('the call was aborted'), { name: 'AbortError', code: 'ABORT_ERR', cause: signal.reason as unknown });
}

function readBody(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) res.destroy(new HttpFetchError('BODY_TOO_LARGE', `answer larger than ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    res.on('error', reject);
    res.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  });
}

function answer(url: string, res: IncomingMessage, body: Buffer): HttpResponse {
  const status = res.statusCode ?? 0;
  const raw: IncomingHttpHeaders = res.headers;
  const text = () => body.toString('utf8');
  return {
    status,
    statusText: res.statusMessage ?? '',
    ok: status >= 200 && status < 300,
    url,
    headers: {
      get: (name) => {
        const value = raw[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
      *entries() {
        for (const [name, value] of Object.entries(raw)) if (value !== undefined) yield [name, Array.isArray(value) ? value.join(', ') : value];
      },
    },
    text: async () => text(),
    json: async () => JSON.parse(text()) as unknown,
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
  };
}
