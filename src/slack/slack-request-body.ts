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

export type SlackBody = { ok: true; body: Record<string, unknown> } | { ok: false; refusal: BodyRefusal };

/**
 * A signed body, read once as Bolt's HTTP receiver reads it (by its content type): the Events API's
 * JSON object, an interactivity form's `payload` object, or a slash command's fields. Refused when
 * it is none of these, since Bolt takes it on trust: it parses `payload=null` and then reads a
 * property of null outside any try (an unhandled rejection that stops the process). Every spelling
 * of the key (`payloa%64`) is decoded by the parse, and a repeated `payload` is refused.
 */
export function readSlackBody(rawBody: string, contentType: string | undefined, bodyLimit = BODY_LIMIT_BYTES): SlackBody {
  if (Buffer.byteLength(rawBody) > bodyLimit) return refused(413, `body over ${bodyLimit} bytes`);
  if (contentType === SLACK_JSON) {
    const body = jsonObject(rawBody);
    return body ? { ok: true, body } : refused(400, 'JSON body is not an object');
  }
  const form = parse(rawBody);
  if (form.payload === undefined) return { ok: true, body: fields(form) };
  const payload = typeof form.payload === 'string' ? jsonObject(form.payload) : undefined;
  return payload ? { ok: true, body: payload } : refused(400, 'payload is not a JSON object');
}

/** No prototype, as querystring's objects: no key a form may carry (`constructor`, `__proto__`) reads as anything but its own field. */
function Fields(): void {}
Fields.prototype = Object.create(null) as object;

/**
 * A slash command's fields as they are read from here on, the same keys and values as `form`, in an
 * object V8 keeps in its fast mode. querystring's object has no prototype, which V8 keeps as a
 * dictionary: 830 bytes of its 13 keys' table, against about 120 here. A burst's commands are held
 * until their turn comes, through every young collection (docs/performance.md, issue 28's twelfth
 * pass); copying costs under a microsecond.
 */
function fields(form: Record<string, unknown>): Record<string, unknown> {
  const copy = new (Fields as unknown as new () => Record<string, unknown>)();
  for (const key in form) copy[key] = form[key];
  return copy;
}

function refused(status: BodyRefusal['status'], reason: string): SlackBody {
  return { ok: false, refusal: { status, reason } };
}

/**
 * Slack's check of a slash command URL's certificate: a form with `ssl_check=1`, which Slack may send
 * unsigned. It needs only a 200, and is answered before the signature check without reaching Bolt,
 * so nothing else in it is ever read.
 */
export function isSslCheck(rawBody: string, contentType: string | undefined): boolean {
  return contentType === SLACK_FORM && rawBody.includes('ssl_check') && parse(rawBody).ssl_check === '1';
}

/**
 * A body read before, by readSlackBody (a Lambda work order's, which the answering invocation
 * checked, bodyMatchesType included), read again the same way: its type is told by its first
 * character, and it is not refused for its size again.
 */
export function parseSlackBody(rawBody: string): Record<string, unknown> {
  const read = readSlackBody(rawBody, looksLikeJson(rawBody) ? SLACK_JSON : SLACK_FORM, Number.POSITIVE_INFINITY);
  if (!read.ok) throw new Error(`not a body Slack sends: ${read.refusal.reason}`);
  return read.body;
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

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
