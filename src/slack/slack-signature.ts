import { createHmac, timingSafeEqual } from 'node:crypto';

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
export function signedBySlack(signingSecret: string, request: SignedRequest, { nowMs = Date.now(), maxAgeS = SIGNATURE_MAX_AGE_S } = {}): boolean {
  const { body, signature, timestamp } = request;
  if (!signingSecret || !signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > maxAgeS) return false;
  const expected = Buffer.from(`v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
