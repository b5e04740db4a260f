/**
 * A request that got no answer, by its code (ECONNREFUSED, ENOTFOUND, timed out…), never by its
 * message: an HTTP library's message may hold the whole URL, and a directory search's URL holds the
 * person's email.
 */
export function networkErrorCode(err: unknown): string {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; type?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  if (name === 'AbortError' || name === 'TimeoutError') return `${name}: no answer in time`;
  if (typeof e.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(e.code)) return `${name} ${e.code}`;
  if (typeof e.type === 'string' && /^[a-z-]+$/.test(e.type)) return `${name} ${e.type}`;
  return name;
}

/**
 * Codes of a connection that dropped once the request was on its way (reset, broken pipe, timed
 * out): the other side may have acted on it. A connection refused or a host not found never
 * carried it.
 */
export const DROPPED_AFTER_SENDING: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * An answer that does not say the request was left undone: the server failed midway (500), or a
 * gateway in front of it failed or gave up waiting (502, 504), or a 5xx nobody defined. A change so
 * answered may have been made. 501 and 503 say the server did not take the request on (not
 * implemented, unable to handle it now); a 4xx refuses it.
 */
export function mayHaveActedOn(status: number): boolean {
  return status >= 500 && status < 600 && status !== 501 && status !== 503;
}
