/** What an HTTP answer's parts mean, for every client over the app's HTTP stack: Slack's, the directories', the verifiers'. */

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfter(value: string | null, now: Date): Date | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return new Date(now.getTime() + seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : new Date(date);
}

/** A body as JSON, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The most of a word an answer says (a status, an error code or reason) that a failure's detail keeps. */
export const SAID_WORD = 40;
/** The most of a sentence an answer says (a directory's or a verifier's error message, a host) that a failure's detail keeps. */
export const SAID_MESSAGE = 200;

/**
 * What an answer said, as a failure's detail (and so a log line) keeps it: at most `max`
 * characters (SAID_WORD, SAID_MESSAGE), a cut marked with "…". Whatever a directory or a verifier,
 * or something between it and us, sends there, the line does not grow with it. The one place that
 * bounds what others said back: a decision about the answer reads the whole of it, never this.
 */
export function saidBack(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
