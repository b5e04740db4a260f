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

/** The system calls whose failure means no connection was made: the request never left. */
const NEVER_CONNECTED: ReadonlySet<string> = new Set(['connect', 'getaddrinfo']);

/**
 * A server's certificate refused in the TLS handshake, before a byte of the request is sent (a
 * TLS-intercepting proxy, an expired or self-signed certificate, a wrong host name). Node's TLS
 * errors carry no syscall, so they are known by code; without this, every change behind such a
 * proxy would be told as one that may have been made.
 */
const CERTIFICATE_REFUSED: ReadonlySet<string> = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Whether a request that got no answer may have reached the other side, which may have acted on
 * it: the one rule for every change Latchkey sends, over its own fetch (a REST directory:
 * unanswered) or an AWS SDK client (fromAwsError, and forChanges' retries), so that a change is
 * told as one that may have been made exactly when it is not sent again. Yes for a failure of the
 * wire once a connection may have been made: timed out (ours and the SDK's time the connect too:
 * the safe side), a connection reset or a broken pipe on the way, an answer that came but could not
 * be read (Node's HPE_ parse errors, an answer too large, a redirect). No for a connection never
 * made (a connect refused or unreachable, a host not found: their syscall says so), a server's
 * certificate refused in the handshake (CERTIFICATE_REFUSED), and an
 * error that is not the wire's (no code, nor a cause with one: a request refused before it was
 * sent, such as no AWS credentials).
 */
export function mayHaveArrived(err: unknown, depth = 0): boolean {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; syscall?: unknown; cause?: unknown };
  if (typeof e.syscall === 'string' && NEVER_CONNECTED.has(e.syscall)) return false;
  if (typeof e.code === 'string' && CERTIFICATE_REFUSED.has(e.code)) return false;
  if (e.name === 'TimeoutError' || typeof e.code === 'string') return true;
  // A wrapper (the SDK's, fetch's "fetch failed") says it in its cause, as the SDK's retries read it.
  return e.cause !== undefined && depth < 5 && mayHaveArrived(e.cause, depth + 1);
}

/**
 * An answer that does not say the request was left undone: the server failed midway (500), or a
 * gateway in front of it failed or gave up waiting (502, 504), or a 5xx nobody defined. A change so
 * answered may have been made. 501 and 503 say the server did not take the request on (not
 * implemented, unable to handle it now); a 4xx refuses it. The rule for an answer, as mayHaveArrived
 * is for none, for both stacks.
 */
export function mayHaveActedOn(status: number): boolean {
  return status >= 500 && status < 600 && status !== 501 && status !== 503;
}
