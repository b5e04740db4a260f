import { z } from 'zod';
import { SLACK_API_URL_DEFAULT } from './slack/api-url';

/**
 * The small vocabulary config.ts and the credentials' own settings share, so that a value means
 * the same wherever it is read. An empty value (`GOOGLE_API_URL=`, as `.env` files copied from an
 * example hold) never reaches these: loadConfig reads it as unset, for every setting.
 */

export const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * A whole number within bounds (a limit, a timeout, a count), with one message for every way a
 * value misses (not a number, a fraction, out of range) instead of zod's "Too small: expected
 * number to be >=1". `what` replaces "a whole number" where a word says more (a port number).
 */
export const wholeNumber = (min: number, max: number, what = 'a whole number') => {
  const message = `must be ${what} from ${min} to ${max}`;
  return z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message });
};

/**
 * A whole number that is no secret (a port), whose problem quotes the value read, as
 * `must be a port number from 0 to 65535, not "80a"`: the value is read as text first, since a
 * number coerced from "80a" is NaN, and the text would be lost.
 */
export const shownWholeNumber = (min: number, max: number, what = 'a whole number') =>
  z.string().transform((value, ctx) => {
    const parsed = wholeNumber(min, max, what).safeParse(value);
    if (parsed.success) return parsed.data;
    const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    ctx.addIssue({ code: 'custom', message: `must be ${what} from ${min} to ${max}, not ${shown}` });
    return z.NEVER;
  });

/**
 * For a secret's `.min(…)`: a value shorter is said by its length (never the value), with what
 * such a secret looks like and how to get or make one, as "is 7 characters, too short for a Slack
 * signing secret (32 hex characters; Latchkey takes 16 or more): copy it from …".
 */
export const tooShort = (about: { what: string; looks: string; get: string }) => ({
  error: (issue: { input?: unknown }) => {
    const length = typeof issue.input === 'string' ? issue.input.length : undefined;
    return `is ${length === undefined ? 'too short' : `${length} character${length === 1 ? '' : 's'}`}, too short for ${about.what} (${about.looks}): ${about.get}`;
  },
});

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether a URL's host is this machine's own (a local stand-in's, as tests and the sandbox give):
 * nothing listens there for a function on Lambda, so the stack refuses one (infra/lib/settings.ts).
 */
export const isLoopbackUrl = (url: URL): boolean => LOOPBACK.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname) || url.hostname.endsWith('.localhost');

/**
 * A URL a credential is sent to: https://, or http:// only on this machine (a stand-in in tests
 * or the sandbox), so that a token never crosses a network in clear.
 */
export const secureUrl = (example: string) =>
  z
    .url({ message: `must be a URL such as ${example}` })
    .refine((value) => {
      const url = urlIn(value);
      return !url || url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    }, 'must use https:// (plain http:// only for a local stand-in on 127.0.0.1 or localhost)');

/**
 * A secure URL that is an address alone (https://acme.okta.com, no path), read as its origin: the
 * paths are added to it. `what` names it in the message, as "the org URL" or "the address".
 */
export const secureOrigin = (example: string, what = 'the address') =>
  secureUrl(example)
    .refine((value) => ['/', '', undefined].includes(urlIn(value)?.pathname), `must be ${what} alone, with no path (${example})`)
    .transform((value) => new URL(value).origin);

/**
 * The URL a value spells, or undefined. zod runs a refinement even after z.url() has refused the
 * value (and said so), and `new URL` would throw there: a typo in a setting must be a line in the
 * list of problems, not a stack trace.
 */
function urlIn(value: string): URL | undefined {
  return URL.canParse(value) ? new URL(value) : undefined;
}

/**
 * The base of Slack's Web API (SLACK_API_URL), read with its trailing slash (…/api becomes …/api/):
 * the bot token goes with every call, so https, or http only to a stand-in on this machine. Method
 * names are added to it (auth.test), so anything but Slack's /api/ base (https://slack.com, a
 * proxy's root) would answer every call with a page or a 404, and the start would fail far from
 * the setting. config.ts reads it, and so does `npm run audit` for its one Slack call.
 */
export const slackApiUrl = secureUrl(SLACK_API_URL_DEFAULT)
  // Not a URL at all is z.url()'s problem, said once.
  .refine((value) => !URL.canParse(value) || (/\/api\/?$/.test(new URL(value).pathname) && !/[?#]/.test(value)), "must be the base of Slack's Web API, ending in /api/: leave it unset for https://slack.com/api/, or give your proxy's or stand-in's address ending in /api/")
  .transform((value) => (value.endsWith('/') ? value : `${value}/`));
