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
 * Marks a call given up (timed out, aborted) before its request was on a connection: still waiting
 * for one of its host's connections, or for its connect or TLS handshake. Nothing of it left the
 * process, so a change so failed may be told as nothing changed and sent again.
 */
export function neverSent<E extends Error>(err: E): E {
  return Object.assign(err, { sent: false as const });
}

/**
 * @smithy/node-http-handler's connection timeout (4.x): its timer runs from the request's start and
 * is cleared once the request has a socket already connected, or on its socket's 'connect'; a
 * connecting socket holds the request's bytes until then. So it fires only for a request never
 * written: waiting for one of the agent's sockets, or for a connect. It has no code; known by its
 * message (which names no URL). Any other wording is read as a timeout that may have been sent.
 */
const SDK_CONNECTION_TIMEOUT = /^@smithy\/node-http-handler - the request socket did not establish a connection/;

/**
 * Whether a request that got no answer may have reached the other side, which may have acted on
 * it: the one rule for every change Latchkey sends, over its own fetch (a REST directory:
 * unanswered) or an AWS SDK client (fromAwsError, and forChanges' retries), so that a change is
 * told as one that may have been made exactly when it is not sent again. Yes for a failure of the
 * wire once a connection may have been made: timed out once on a connection (a timeout whose
 * moment is not known is taken for one: the safe side), a connection reset or a broken pipe on the way, an answer that came but could not
 * be read (Node's HPE_ parse errors, an answer too large, a redirect). No for a connection never
 * made (a connect refused or unreachable, a host not found: their syscall says so), a server's
 * certificate refused in the handshake (CERTIFICATE_REFUSED), a call given up before its
 * request was on a connection (our fetch's neverSent, the SDK's SDK_CONNECTION_TIMEOUT), and an
 * error that is not the wire's (no code, nor a cause with one: a request refused before it was
 * sent, such as no AWS credentials).
 */
export function mayHaveArrived(err: unknown, depth = 0): boolean {
  const e = (err ?? {}) as { name?: unknown; message?: unknown; code?: unknown; syscall?: unknown; sent?: unknown; cause?: unknown };
  if (e.sent === false) return false;
  if (e.name === 'TimeoutError' && typeof e.message === 'string' && SDK_CONNECTION_TIMEOUT.test(e.message)) return false;
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
