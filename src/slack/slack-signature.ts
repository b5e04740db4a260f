import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Slack's limit: a request whose timestamp is further than this from our clock may be a replay. */
export const SIGNATURE_MAX_AGE_S = 5 * 60;

interface SignedRequest {
  /** The body exactly as received. */
  readonly body: string;
  /** X-Slack-Signature: `v0=` and the hex HMAC-SHA256. */
  readonly signature: string | undefined;
  /** X-Slack-Request-Timestamp, in seconds. */
  readonly timestamp: string | undefined;
}

/**
 * Whether Slack signed this request (HMAC-SHA256 with the app's signing secret over
 * `v0:<timestamp>:<body>`), and recently. Every request is checked here, the server's and
 * Lambda's, before anything reads its body.
 *
 * One HMAC and `timingSafeEqual` on two strings of the same length. Bolt's own check compares
 * through `tsscmp`, which draws random bytes and computes two more HMACs per request: in a burst of
 * 400 slash commands that was a sixth of the time spent acknowledging them (docs/performance.md).
 * The signature's length is public (64 hex digits), so comparing lengths first leaks nothing.
 * The timestamp may be off by five minutes either way, as Slack documents; Bolt allowed any future
 * time.
 */
export function signedBySlack(signingSecret: string, request: SignedRequest, options: { nowMs?: number; maxAgeS?: number } = {}): boolean {
  return signatureProblem(signingSecret, request, options) === undefined;
}

/**
 * Why a request fails signedBySlack, or undefined when it passes: `unsigned` (no signature or
 * timestamp, or one that is not Slack's form), `stale` (the timestamp is further than `maxAgeS`
 * from our clock; checked first, so no HMAC is computed for it) or `mismatch` (the signature is not
 * the signing secret's). Constant strings: the refusal path allocates nothing to say which.
 */
export function signatureProblem(
  signingSecret: string,
  request: SignedRequest,
  { nowMs = Date.now(), maxAgeS = SIGNATURE_MAX_AGE_S }: { nowMs?: number; maxAgeS?: number } = {},
): SignatureProblem | undefined {
  const { body, signature, timestamp } = request;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return 'unsigned';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > maxAgeS) return 'stale';
  if (!signingSecret) return 'mismatch';
  const expected = Buffer.from(`v0=${createHmac('sha256', keyOf(signingSecret)).update(`v0:${timestamp}:${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'mismatch';
}

/**
 * The signing secret as a key object, made once per secret: given as a string, every HMAC copies
 * and imports the key again, which was about half of the HMAC's cost per request (4–5 µs of 8–10,
 * in each of a burst's first few thousand requests; docs/performance.md, issue 28's eleventh pass).
 * A process has one secret; the last one is kept, so a second never costs more than before.
 */
let lastKey: { readonly secret: string; readonly key: KeyObject } | undefined;
function keyOf(secret: string): KeyObject {
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(secret, 'utf8') };
  return lastKey.key;
}

export type SignatureProblem = 'unsigned' | 'stale' | 'mismatch';

/** What a 401's log line and its count say, by signatureProblem's answer: built once, not per request. */
export const SIGNATURE_REFUSALS: Readonly<Record<SignatureProblem, { readonly reason: string; readonly labels: Readonly<Record<string, string>> }>> = {
  unsigned: { reason: 'no Slack signature or timestamp', labels: { action: 'slack_request', code: 'UNSIGNED' } },
  stale: { reason: `timestamp more than ${SIGNATURE_MAX_AGE_S / 60} minutes from this server's clock`, labels: { action: 'slack_request', code: 'TIMESTAMP_OUT_OF_RANGE' } },
  mismatch: { reason: 'signature does not match SLACK_SIGNING_SECRET', labels: { action: 'slack_request', code: 'SIGNATURE_MISMATCH' } },
};
