import type { IncomingHttpHeaders } from 'node:http';

/**
 * The sandbox's page talks to its own API; nothing else may. A web page on another site can make
 * the browser send a `text/plain` POST to any address (no CORS preflight for that), which would
 * run commands as a demo person, and DNS rebinding can make another name point at the loopback.
 * So every API request must name the sandbox itself as its Host, a POST must carry JSON (which a
 * foreign page cannot send without a preflight the sandbox never answers), and a browser's Origin,
 * when there is one, must be the sandbox's own.
 */
export function crossSiteRefusal(
  method: string,
  headers: IncomingHttpHeaders,
  page: { port: number; host?: string },
): { status: 403 | 415; reason: string } | undefined {
  // The loopback names, and the address the sandbox was told to listen on (--host) if it is one.
  const names = ['127.0.0.1', 'localhost', '[::1]', ...(page.host && !['0.0.0.0', '::'].includes(page.host) ? [page.host] : [])];
  const hosts = names.map((name) => `${name}:${page.port}`);
  const host = headers.host ?? '';
  if (!hosts.includes(host)) return { status: 403, reason: `Host ${host || '(none)'} is not the sandbox` };
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return { status: 403, reason: `Origin ${origin} is not the sandbox's page` };
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (method === 'POST' && type !== 'application/json') return { status: 415, reason: `a POST must be application/json, not ${type || '(none)'}` };
  return undefined;
}
