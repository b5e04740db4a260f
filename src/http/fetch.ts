/**
 * The app's HTTP stack for everything it calls over plain HTTP: the Slack Web API client (and
 * Bolt's respond()), and directories spoken to over REST (Okta). node-fetch over node:http and
 * node:https with keep-alive agents, instead of the global fetch.
 *
 * Why: the global fetch is undici, whose HTTP parser is WebAssembly compiled on the first call
 * (about 15 MB resident, at once) and which spends about half again as much CPU per request. Every
 * command makes three Slack calls, so on a 2-core machine under a burst that CPU is acknowledgement
 * time for the commands still queued, and the memory is most of the app's peak. Measured in
 * `npm run bench`: see docs/performance.md.
 */
import type { FetchFunction } from '@slack/web-api';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import nodeFetch, { type RequestInit } from 'node-fetch';

/** What the Slack client calls its fetch, and what a REST adapter needs of one. */
export type HttpFetch = FetchFunction;

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

export function httpFetch({ idleSocketMs = IDLE_SOCKET_MS, maxSockets = MAX_SOCKETS_PER_HOST }: { idleSocketMs?: number; maxSockets?: number } = {}): HttpFetch {
  // Node's agent applies `timeout` to its free sockets too, and destroys one that reaches it.
  const http = new HttpAgent({ keepAlive: true, timeout: idleSocketMs, maxSockets });
  const https = new HttpsAgent({ keepAlive: true, timeout: idleSocketMs, maxSockets });
  const agent = (url: URL) => (url.protocol === 'http:' ? http : https);
  return async (url, init = {}) => {
    // The Slack client sends FormData only to upload files, which Latchkey never does; node-fetch 2
    // would send it as "[object FormData]", so refuse rather than send the wrong bytes.
    if (init.body !== undefined && typeof init.body !== 'string') throw new TypeError('httpFetch sends only text bodies');
    return nodeFetch(String(url), {
      method: init.method,
      headers: init.headers,
      body: init.body,
      redirect: init.redirect,
      // node-fetch types its own AbortSignal; Node's is what it checks for at run time.
      signal: init.signal as RequestInit['signal'],
      agent,
    });
  };
}
