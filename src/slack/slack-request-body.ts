import { parse } from 'node:querystring';

/** The content type Slack sends commands and interactivity with; Bolt compares it verbatim. */
export const SLACK_FORM = 'application/x-www-form-urlencoded';
/** The content type of the Events API (app_home_opened, and its url_verification check). */
const SLACK_JSON = 'application/json';
/** Slack never sends Latchkey anything near this; a larger body is not from Slack. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export type BodyRefusal = { status: 400 | 413 | 415; reason: string };

export function refuseContentType(contentType: string | undefined): BodyRefusal | undefined {
  return contentType === SLACK_FORM || contentType === SLACK_JSON ? undefined : { status: 415, reason: `content type ${contentType ?? 'missing'}` };
}

/**
 * What Bolt takes on trust about a body it has been handed. Bolt parses `payload=null` and then
 * reads a property of null outside any try: an unhandled rejection that stops the process; and it
 * parses an Events API body with JSON.parse.
 */
export function refuseBody(rawBody: string, contentType: string | undefined, bodyLimit = BODY_LIMIT_BYTES): BodyRefusal | undefined {
  if (Buffer.byteLength(rawBody) > bodyLimit) return { status: 413, reason: `body over ${bodyLimit} bytes` };
  if (contentType === SLACK_JSON) return isJsonObject(rawBody) ? undefined : { status: 400, reason: 'JSON body is not an object' };
  if (!mayHavePayload(rawBody)) return undefined;
  const payload = parse(rawBody).payload;
  if (payload !== undefined && !isJsonObject(payload)) return { status: 400, reason: 'payload is not a JSON object' };
  return undefined;
}

/**
 * Whether a form body could have a `payload` field, reading its keys only: a slash command's (a
 * dozen plain keys) is not parsed twice, once here and once by Bolt. A key with a `%` escape might
 * decode to `payload`, so it is parsed in full (a `+` decodes to a space, which no spelling of
 * `payload` has).
 */
function mayHavePayload(form: string): boolean {
  for (let start = 0; start < form.length; ) {
    const end = form.indexOf('&', start);
    const field = end === -1 ? form.slice(start) : form.slice(start, end);
    const eq = field.indexOf('=');
    const key = eq === -1 ? field : field.slice(0, eq);
    if (key === 'payload' || key.includes('%')) return true;
    if (end === -1) break;
    start = end + 1;
  }
  return false;
}

/**
 * Slack's check of a slash command URL's certificate: a form with `ssl_check=1`, which Slack may send
 * unsigned. It needs only a 200, and is answered before the signature check without reaching Bolt,
 * so nothing else in it is ever read.
 */
export function isSslCheck(rawBody: string, contentType: string | undefined): boolean {
  return contentType === SLACK_FORM && rawBody.includes('ssl_check') && parse(rawBody).ssl_check === '1';
}

/** A verified body as Bolt's receivers hand it to the app: the event, the interactivity payload, or the command's fields. */
export function parseSlackBody(rawBody: string): Record<string, unknown> {
  if (looksLikeJson(rawBody)) return JSON.parse(rawBody) as Record<string, unknown>;
  const form = parse(rawBody);
  if (typeof form.payload === 'string') return JSON.parse(form.payload) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

/**
 * The body is what its content type says, as parseSlackBody will read it (by its first character):
 * checked once the signature is, by a receiver that parses the body itself (Lambda's).
 */
export function bodyMatchesType(rawBody: string, contentType: string | undefined): boolean {
  return looksLikeJson(rawBody) === (contentType === SLACK_JSON);
}

function looksLikeJson(rawBody: string): boolean {
  return rawBody.trimStart().startsWith('{');
}

function isJsonObject(payload: string | string[]): boolean {
  if (typeof payload !== 'string') return false;
  try {
    const value: unknown = JSON.parse(payload);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
