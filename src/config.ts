import { z } from 'zod';
import { LICENSE_COMMAND } from './core-commands';
import { flag, shownWholeNumber, slackApiUrl, tooShort, wholeNumber } from './config-fields';
import type { Credential, EnvPlaceholder, Setting } from './credentials/credential';
import { CREDENTIALS, SETTINGS_OWNERS } from './credentials';
import type { DuplicateKey } from './env-file';
import { checkedRegistry } from './credentials/registry';
import { compareText } from './flows/text-order';
import { DEFAULT_POLICY, defaultPolicy, parseResetPolicy, POLICIES, weakerPolicy, type Policy } from './flows/policy';
import type { Workspace } from './flows/workspace';
import { closestName, familyOf, lookalikeNames, type LookalikeName } from './setting-names';
import { SLACK_API_URL_DEFAULT } from './slack/api-url';
import { VERIFIERS } from './verifiers';
import type { VerifierPlugin } from './verifiers/verifier';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const tableName = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')
    .default(fallback);

/** A setting without which Latchkey cannot start; unset (or empty, which loadConfig reads as unset) says what to put there. */
const required = <T extends z.ZodType>(what: string, build: (text: z.ZodString) => T) => build(z.string({ message: `is required: ${what}` }));

/**
 * What .env.example holds for the core settings a newcomer fills in (`<what to put here>`); the
 * credentials and verifiers declare theirs (Setting.envPlaceholder). A value still equal to its
 * variable's placeholder is a problem that says so by the variable's name, whatever the variable
 * would otherwise accept, with what to put there. Any other value inside < and > is said to have
 * its brackets left around it (bracketsLeft); a problem never shows a value back.
 */
const CORE_PLACEHOLDERS: Readonly<Record<string, EnvPlaceholder>> = {
  SLACK_SIGNING_SECRET: { what: "the Signing Secret from your Slack app's Basic Information page" },
  SLACK_BOT_TOKEN: { what: 'the Bot User OAuth Token from OAuth & Permissions', note: ', starting xoxb-' },
  SLACK_TEAM_ID: { what: 'your Slack workspace ID', note: ', such as T0123ABCD' },
  SLACK_ENTERPRISE_ID: { what: 'your Enterprise Grid org ID', note: ', such as E0123ABCD' },
  SLACK_APP_TOKEN: { what: 'an app-level token from Basic Information', note: ', starting xapp-' },
  APPROVALS_CHANNEL_ID: { what: "the approvals channel's ID", note: ', such as C0123ABCD (channel details, at the bottom)' },
  ADMIN_USER_IDS: { what: "admins' Slack user IDs", note: ', such as U0123ABCD,U0456EFGH (profile, More, Copy member ID)' },
  ADMIN_USERGROUP_ID: { what: "a Slack user group's ID", note: ', such as S0123ABCD' },
};

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * How soon IT usually answers a request an admin decides, in words (APPROVAL_RESPONSE_TIME): its
 * requester is told "IT usually answers within <this>." It goes into a Slack message as written,
 * so plain words on one line: no markup, mention or link can ride along. A final full stop is
 * dropped (the sentence has its own).
 */
const responseTime = z
  .string()
  .transform((value) => value.trim().replace(/\.$/, ''))
  .pipe(
    z
      .string()
      .max(60, 'must be at most 60 characters, such as "4 working hours"')
      .refine((value) => !/^within\b/i.test(value), 'give only what follows "within", such as "4 working hours": Latchkey writes "IT usually answers within 4 working hours."')
      .refine(
        (value) => /^[\p{L}\p{N} ,.'’()/–-]+$/u.test(value),
        'must be plain words on one line, such as "4 working hours" or "one working day": it is shown in Slack as written, so no <, >, &, *, _, ~, ` or line breaks',
      ),
  );

/**
 * What an ADMIN_USER_IDS entry that is no Slack user ID was instead, when it is a near-miss people
 * often make and cannot be a secret: an email address, an @name, or a user ID in lower case (at most
 * 12 characters, as Slack's IDs are 9 to 11: shorter than any secret Latchkey takes).
 */
function nearMiss(entry: string): string | undefined {
  if (/^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(entry)) return 'an email address';
  if (/^@[\p{L}\p{N}._' -]{1,80}$/u.test(entry)) return 'a display name';
  if (entry.length <= 12 && SLACK_USER_ID.test(entry.toUpperCase())) return `in lower case: Slack's IDs are in capitals, ${entry.toUpperCase()}`;
  return undefined;
}

/**
 * An ADMIN_USER_IDS entry that is no Slack user ID, with what IDs look like and where Slack shows one.
 * A near-miss (nearMiss) is quoted (cut at 40 characters) and said as such; anything else is named by
 * its position and length only, never its value: it may be a token or secret pasted in the wrong
 * place, and this line reaches stderr, the doctor, Lambda's logs and the CDK's synth.
 */
function notAUserId(entry: string, position: number): string {
  const instead = nearMiss(entry);
  const named =
    instead === undefined
      ? `entry ${position} (${entry.length} character${entry.length === 1 ? '' : 's'})`
      : `${JSON.stringify(entry.length > 40 ? `${entry.slice(0, 40)}…` : entry)}`;
  return `${named} is not a Slack user ID${instead === undefined ? '' : ` (${instead})`}: list user IDs, comma-separated, each U or W followed by capitals and digits, such as U0123ABCD. In Slack: the person's profile → ⋮ More → Copy member ID`;
}

/**
 * An ADMIN_USER_IDS entry inside < and >: .env.example's brackets left around an ID typed in their
 * place (`<U0123ABCD>,<U0456EFGH>`), or a mention as Slack writes it (`<@U0123ABCD>`, `<@U0123ABCD|ann>`).
 * Said of the entry, by its position: removing the brackets "around the value" would leave
 * `U0123ABCD>,<U0456EFGH`. The ID is said back only when it has an ID's shape and at most 12
 * characters (Slack's have 9 to 11), as nearMiss does; anything else inside is not.
 */
function bracketedUserId(entry: string, position: number): string | undefined {
  const inside = /^<(@?)([^|>]*)(\|[^>]*)?>$/.exec(entry);
  if (!inside) return undefined;
  const [, at, id] = inside;
  const shown = id!.length <= 12 && SLACK_USER_ID.test(id!) ? id : undefined;
  if (at && shown) return `entry ${position} is a mention as Slack writes it (<@…>), not an ID: list the ID alone, ${shown}`;
  return `entry ${position} ${IN_BRACKETS_ENTRY}: ${shown ? `list the ID alone, ${shown}` : 'remove the < and > around it'}`;
}

/** Where Slack shows a channel's ID, for whoever set its name instead (the likeliest slip, with or without its '#'). */
const CHANNEL_ID_NOT_NAME = "a channel's name is not its ID: set the channel's ID, such as C0123ABCD (open the channel's details; it is at the bottom)";

/** A group's @handle or name is the likeliest slip: they are what Slack shows of a group. */
const USERGROUP_ID_NOT_HANDLE = "a user group's @handle or name is not its ID, which starts with S, such as S0123ABCD";

/**
 * An ID typed in lower case, given back in capitals. Only a value that has an ID's shape, a digit
 * and at most 12 characters (Slack's IDs have 9 to 11), so what is said back is never more than was
 * given, and cannot be a secret: a lower-case name (`compliance`, `general`) has no digit.
 */
const lowerCaseId = (value: string, first: string) =>
  value.length <= 12 && value !== value.toUpperCase() && /\d/.test(value) && new RegExp(`^[${first}][A-Z0-9]{2,}$`).test(value.toUpperCase());

/** Slack's names: lower-case words joined by hyphens or underscores (a channel's, a group's @handle). */
const slackName = (value: string) => value.length <= 81 && /^[\p{Ll}\p{Lo}\p{N}_.-]+$/u.test(value);

/**
 * Why an APPROVALS_CHANNEL_ID is not a channel ID, told by what it looks like: the channel's name,
 * a link to it, the ID in lower case, or a direct message's ID. Only a part of the value that has an
 * ID's shape is said back (bounded to 12 characters): the rest may be anything pasted in its place.
 */
function notAChannelId(value: string): string {
  const link = /\/archives\/([^/?#\s]*)/.exec(value);
  if (link) {
    const id = link[1]!;
    const shown = /^[CG][A-Z0-9]{2,10}$/.test(id) ? `: ${id}` : ', C or G then capitals and digits, such as C0123ABCD';
    return `is a link, not an ID: the channel's ID is the part after /archives/${shown}`;
  }
  if (lowerCaseId(value, 'CGD') && !value.toUpperCase().startsWith('D')) return `is in lower case: Slack's channel IDs are in capitals, ${value.toUpperCase()}`;
  if (/^D[A-Z0-9]{2,}$/i.test(value) && /\d/.test(value)) {
    return "is a direct message's ID (D…), not a channel's: set the ID of the channel where admins see requests, C or G then capitals and digits, such as C0123ABCD (open the channel's details; it is at the bottom)";
  }
  if (slackName(value.replace(/^#/, ''))) return `must be a Slack channel ID, C or G then capitals and digits: ${CHANNEL_ID_NOT_NAME}`;
  return "must be a Slack channel ID, C or G then capitals and digits, such as C0123ABCD (open the channel's details; it is at the bottom)";
}

/** As notAChannelId, for ADMIN_USERGROUP_ID: the group's @handle or name, or its ID in lower case. */
function notAUsergroupId(value: string): string {
  if (lowerCaseId(value, 'S')) return `is in lower case: Slack's user group IDs are in capitals, ${value.toUpperCase()}`;
  if (value.startsWith('@') || slackName(value)) return `must be a Slack user group ID, S then capitals and digits: ${USERGROUP_ID_NOT_HANDLE}`;
  return 'must be a Slack user group ID, S then capitals and digits, such as S0123ABCD';
}

/** A setting whose value must match `id`, and whose problem, when it does not, is said by `problem`. */
const slackId = (id: RegExp, problem: (value: string) => string) =>
  z.string().superRefine((value, ctx) => {
    if (!id.test(value)) ctx.addIssue({ code: 'custom', message: problem(value) });
  });

/** Slack's two tokens: their prefix, and where a Slack app's settings show each. */
const BOT_TOKEN = { prefix: 'xoxb-', what: 'a bot token', where: "the Bot User OAuth Token, on your Slack app's OAuth & Permissions page" };
const APP_TOKEN = { prefix: 'xapp-', what: 'an app-level token', where: "an app-level token with connections:write, on your Slack app's Basic Information page → App-Level Tokens" };

/**
 * A Slack token of this kind, refused with what was seen of it and where to copy one: a leading
 * "Bearer " (an Authorization header's, which Latchkey adds itself), a blank inside (pasted in
 * two pieces), or a blank at its start or end (kept by quotes around it in .env, which the test for
 * a blank inside trims away). Said by its shape only, never the value.
 */
const slackToken = (kind: typeof BOT_TOKEN) =>
  z.string().superRefine((value, ctx) => {
    if (new RegExp(`^${kind.prefix}[A-Za-z0-9-]+$`).test(value)) return;
    const message = /^bearer\s/i.test(value)
      ? `starts with "Bearer ", which Latchkey adds itself: give the token alone, from ${kind.prefix} on (${kind.where})`
      : /\s/.test(value.trim())
        ? `has a blank inside (pasted in two pieces?), which no Slack token has: copy it again, whole (${kind.where})`
        : value !== value.trim()
          ? `has a blank at its start or end, which no Slack token has: remove it, or copy the token again (${kind.where})`
          : `must be ${kind.what} (${kind.prefix}…): ${kind.where}`;
    ctx.addIssue({ code: 'custom', message });
  });

/**
 * The core settings whose schema judges a value inside < and > itself, as a credential's or a
 * verifier's Setting declares (Setting.anglesAllowed): any other setting's value inside them is refused first
 * (bracketsLeft). Declared on the entry, by anglesAllowed().
 */
const ANGLES_ALLOWED = new WeakSet<z.ZodType>();
function anglesAllowed<T extends z.ZodType>(schema: T): T {
  ANGLES_ALLOWED.add(schema);
  return schema;
}

/** The limits' defaults, which the sandbox (set higher for demos) shows beside its own. */
export const LIMIT_DEFAULTS = { RESET_MAX_PER_HOUR: 3, LICENSE_REQUEST_MAX_PER_DAY: 5 } as const;

const CREDENTIAL_IDS = CREDENTIALS.map((c) => c.id);

/** What every deployment reads, whatever it resets. */
const CORE = {
  PORT: shownWholeNumber(0, 65535, 'a port number').default(3000),
  SLACK_SIGNING_SECRET: required("the Signing Secret from your Slack app's Basic Information page", (s) =>
    // A value pasted with a space, or ending in \r (a .env or env file saved on Windows, a secret
    // pasted with its line end), would make every signature check fail: Slack's secret has neither.
    // Removed here, and said (signingSecretWarnings).
    s.transform((value) => value.trim()).pipe(
      z.string().min(
        16,
        tooShort({
          what: 'a Slack signing secret',
          looks: '32 hex characters; Latchkey takes 16 or more',
          get: 'copy it whole from your Slack app → Basic Information → App Credentials → Signing Secret (Show); not the Client Secret or Verification Token',
        }),
      ),
    ),
  ),
  SLACK_BOT_TOKEN: required('the Bot User OAuth Token (xoxb-…) from OAuth & Permissions', (s) =>
    s
      // Said by its prefix only, never the rest: OAuth & Permissions shows the user token beside the bot's.
      // xoxe.xoxb-… (or its refresh token, xoxe-…) is what an app with token rotation on shows: it
      // contains "xoxb-", so "must be a bot token (xoxb-…)" read as nonsense. It expires within 12
      // hours, and Latchkey keeps one token and renews none.
      .refine(
        (v) => !v.startsWith('xoxe'),
        "is a token of an app with token rotation on (xoxe…), which expires within 12 hours; Latchkey does not renew tokens. Use an app made from Latchkey's manifest (npm run manifest: token rotation off) and its Bot User OAuth Token (xoxb-…) from OAuth & Permissions",
      )
      .refine((v) => !v.startsWith('xoxp-'), 'is a user token (xoxp-…), which acts as the person who installed the app: use the Bot User OAuth Token (xoxb-…) from OAuth & Permissions')
      .refine((v) => !v.startsWith('xapp-'), 'is an app-level token (xapp-…), which goes in SLACK_APP_TOKEN: use the Bot User OAuth Token (xoxb-…) from OAuth & Permissions here')
      .pipe(slackToken(BOT_TOKEN)),
  ),
  SLACK_APP_TOKEN: z
    .string()
    .refine((v) => !v.startsWith('xoxb-'), `is a bot token (xoxb-…), which goes in SLACK_BOT_TOKEN: use ${APP_TOKEN.what} (xapp-…) here, ${APP_TOKEN.where}`)
    .pipe(slackToken(APP_TOKEN))
    .optional(),
  SLACK_API_URL: slackApiUrl.default(SLACK_API_URL_DEFAULT),
  SLACK_API_RETRIES: wholeNumber(0, 5).default(2),
  SLACK_TEAM_ID: required('the ID of the Slack workspace Latchkey serves, such as T0123ABCD', (s) =>
    s
      .refine((v) => !/^E[A-Z0-9]{2,}$/.test(v), 'is an Enterprise Grid org ID (E…): put it in SLACK_ENTERPRISE_ID, and the workspace ID (T…) here')
      .refine((v) => !(/^t[a-z0-9]{2,}$/i.test(v) && v !== v.toUpperCase() && v.length <= 12), { error: (issue) => `is in lower case: Slack's workspace IDs are in capitals, ${String(issue.input).toUpperCase()}` })
      .pipe(z.string().regex(/^T[A-Z0-9]{2,}$/, 'must be a Slack workspace ID such as T0123ABCD')),
  ),
  SLACK_ENTERPRISE_ID: z.string().regex(/^E[A-Z0-9]{2,}$/, 'must be an Enterprise Grid org ID such as E0123ABCD').optional(),
  // Slack marks some members who joined through SSO as unconfirmed (getsentry/eng-pipes#142); where
  // only the company's identity provider signs people in, it verified the address. Off by default.
  SLACK_EMAILS_VERIFIED_BY_SSO: flag.default(false),
  // The bot's own IDs (auth.test's bot_id and user_id): with both, Lambda makes no auth.test call; one alone is a problem (botIdProblems).
  SLACK_BOT_ID: z.string().regex(/^B[A-Z0-9]{2,}$/, "must be the bot's ID such as B0123ABCD (auth.test's bot_id)").optional(),
  SLACK_BOT_USER_ID: z.string().regex(/^[UW][A-Z0-9]{2,}$/, "must be the bot's user ID such as U0123ABCD (auth.test's user_id)").optional(),
  APPROVALS_CHANNEL_ID: slackId(/^[CG][A-Z0-9]{2,}$/, notAChannelId).optional(),
  // Words shown in Slack, where <…> is markup: its own check says so.
  APPROVAL_RESPONSE_TIME: anglesAllowed(responseTime.optional()),
  // A list: an entry inside < and > is said of the entry (bracketedUserId), the whole list inside one pair as any setting's.
  ADMIN_USER_IDS: anglesAllowed(
    z
      .string()
      .default('')
      // Checked before empty entries are dropped, so an entry's position is the one counted in the setting.
      .superRefine((value, ctx) => {
        const entries = value.split(',').map((id) => id.trim());
        // The whole list inside one pair (`<U0123ABCD,U0456EFGH>`): the first entry opens it, the last closes it.
        if (entries.length > 1 && /^<[^>]*$/.test(entries[0]!) && /^[^<]*>$/.test(entries.at(-1)!)) return ctx.addIssue({ code: 'custom', message: IN_BRACKETS });
        const bad = new Set(entries.filter((id) => id !== '' && !SLACK_USER_ID.test(id)));
        for (const id of bad) ctx.addIssue({ code: 'custom', message: bracketedUserId(id, entries.indexOf(id) + 1) ?? notAUserId(id, entries.indexOf(id) + 1) });
      })
      .transform((v) => v.split(',').map((id) => id.trim()).filter(Boolean)),
  ),
  ADMIN_USERGROUP_ID: slackId(/^S[A-Z0-9]{2,}$/, notAUsergroupId).optional(),
  LICENSE_REQUEST_TTL_HOURS: wholeNumber(1, 720).default(72),
  APPROVALS_TABLE_NAME: tableName('latchkey-approvals'),
  RESET_MAX_PER_HOUR: wholeNumber(1, 100).default(LIMIT_DEFAULTS.RESET_MAX_PER_HOUR),
  RESET_MAX_PER_MINUTE_GLOBAL: wholeNumber(1, 100_000).optional(),
  LICENSE_REQUEST_MAX_PER_DAY: wholeNumber(1, 100).default(LIMIT_DEFAULTS.LICENSE_REQUEST_MAX_PER_DAY),
  RATE_LIMIT_TABLE_NAME: tableName('latchkey-rate-limits'),
  AUDIT_TABLE_NAME: tableName('latchkey-audit'),
  AUDIT_RETENTION_DAYS: wholeNumber(1, 3650).default(400),
  DYNAMODB_CREATE_TABLES: flag.default(false),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  // Each on its own first, so a slip in them is heard along with every other problem; the rules
  // across settings (a verifier for `verify`, admins for `approval`) are policyProblems'.
  // RESET_POLICY is parsed here, once: what follows reads the policies it names.
  RESET_POLICY: z
    .string()
    .default('')
    .transform((text) => parseResetPolicy(text, CREDENTIAL_IDS))
    .superRefine(({ problems }, ctx) => {
      for (const message of problems) ctx.addIssue({ code: 'custom', message });
    }),
  VERIFY_WITH: z
    .string()
    .superRefine((id, ctx) => {
      if (VERIFIERS.some((v) => v.id === id)) return;
      const meant = verifierMeant(id, VERIFIERS);
      ctx.addIssue({ code: 'custom', message: `"${id}" is not a verifier: ${meant ? `did you mean ${meant.id} (${meant.words.app})? ` : ''}use ${validVerifiersOf(VERIFIERS)}` });
    })
    .optional(),
  VERIFY_TIMEOUT_SECONDS: wholeNumber(1, 300).default(60),
  VERIFY_POLL_MS: wholeNumber(100, 10_000).default(3_000),
  VERIFY_MAX_PER_HOUR: wholeNumber(1, 20).default(3),
  // Any printable ASCII, < and > included: a generated token may start with < and end with >.
  METRICS_TOKEN: anglesAllowed(
    z
      .string()
      .min(16, tooShort({ what: 'the token /metrics asks for', looks: 'at least 16 random characters', get: 'make one with `openssl rand -hex 32`, and give your scraper the same' }))
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII with no spaces')
      .optional(),
  ),
};

// A credential's variable named like a core one would silently replace it.
checkedRegistry(CREDENTIALS, { variables: [...Object.keys(CORE), ...Object.keys(CORE).map((v) => `${v}_ARN`)] });
const validVerifiersOf = (verifiers: readonly VerifierPlugin[]) =>
  verifiers.length > 0 ? `one of ${verifiers.map((v) => v.id).join(', ')}` : 'a verifier, and this build has none';

/**
 * The verifier a VERIFY_WITH value likely means, as a misspelled setting's name is said
 * (closestName): a letter or two off its ID (dou), or its app's name as people know it
 * (okta-verify, "Okta Verify", oktaverfy, duo-mobile), whatever the case, spaces and dashes.
 */
function verifierMeant(value: string, verifiers: readonly VerifierPlugin[]): VerifierPlugin | undefined {
  const squashed = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  const spellings = new Map(verifiers.flatMap((v) => [[squashed(v.id), v] as const, [squashed(v.words.app), v] as const]));
  const meant = closestName(squashed(value), [...spellings.keys()]);
  return meant === undefined ? undefined : spellings.get(meant);
}

/** Secrets among the core settings; the credentials name theirs (Setting.secret). */
const CORE_SECRETS = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN'];

const variablesOf = (c: Credential) => Object.keys(c.settings.variables);
/** A credential is switched on by its first variable (its account, organization or org URL). */
const mainVariableOf = (c: Credential) => variablesOf(c)[0]!;
const orList = (names: readonly string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);
/**
 * No credential set up: about no one setting, so said on its own (filed under one credential's
 * variable, it read as that directory's problem), with each credential the registry has (its
 * directory, commands and the variable that turns it on): the core names no directory. Those
 * whose support ends come last, the one that ends latest first, each saying when.
 */
const NOTHING_TO_RESET = {
  message:
    `No credential is set up, so there is nothing to reset. Set up at least one: ` +
    [...SETTINGS_OWNERS.filter((o) => o.supportEnds === undefined), ...SETTINGS_OWNERS.filter((o) => o.supportEnds !== undefined).sort((a, b) => compareText(b.supportEnds!, a.supportEnds!))]
      .map((owner) => {
        const commands = CREDENTIALS.filter((c) => c.settings === owner.settings).map((c) => c.command).join(', ');
        return `${owner.words.directory} (${commands})${owner.supportEnds ? `, end of support ${owner.supportEnds}` : ''}: set ${mainVariableOf(owner)}`;
      })
      .join('; ') +
    '. Each then says what else it needs.',
};

/**
 * The whole environment, in one place: the core settings and every credential's own
 * (src/credentials/<name>/), checked together. AWS credentials, region and endpoints
 * (AWS_ENDPOINT_URL_*) are left to the SDK's standard sources.
 */
const envSchema = z
  .object({
    ...CORE,
    ...Object.fromEntries(SETTINGS_OWNERS.flatMap((c) => Object.entries(c.settings.variables).map(([name, setting]) => [name, setting.schema]))),
    ...Object.fromEntries(VERIFIERS.flatMap((v) => Object.entries(v.settings.variables).map(([name, setting]) => [name, setting.schema]))),
  })
  // zod skips an object's refinements once any of its fields has failed, so these are told to run
  // anyway: a person fixing the configuration hears every problem at once, not one set after
  // another. They only ask which settings are there, which a value that failed its own check still
  // answers (it is said once, by its own field). A missing OKTA_API_TOKEN is heard along with a bad
  // OKTA_ORG_URL, a missing DUO_SECRET_KEY along with a missing signing secret, and what
  // RESET_POLICY asks (admins and a channel for `approval`) along with both.
  .superRefine(
    (env, ctx) => {
      const values = env as Record<string, unknown>;
      const verifier = VERIFIERS.find((v) => v.id === values.VERIFY_WITH);
      const named: NamedPolicies = env.RESET_POLICY?.named ?? new Map();
      const on = switchedOnCredentials(values, named);
      const own = credentialProblems(values);
      const problems: { variable?: string; message: string }[] = [...own, ...(verifier?.settings.problems?.(values) ?? [])];
      // A credential that is set but incomplete says what it lacks: "none of them" would be untrue.
      if (on.length === 0 && own.length === 0) problems.push(NOTHING_TO_RESET);
      problems.push(...policyProblems(values, named, on), ...botIdProblems(values));
      // What the channel would serve: license requests, and the `approval` policy's requests of the
      // credentials set up here, those off for want of admins included (okta_mfa's default): with
      // admins added, the same setup is accepted and they use it.
      const licensedOn = on.filter((c) => c.licenses);
      // Set up, or begun (a setting of its own given, its main one missing or mistyped): a problem
      // of its own says what it lacks, and the channel is not said to serve nothing on top of it.
      const setUp = CREDENTIALS.filter((c) => values[mainVariableOf(c)] !== undefined || ownVariablesOf(c).some((v) => values[v] !== undefined));
      const approvals = [...policiesOf(named, values, setUp)].filter(([, p]) => p === 'approval').map(([id]) => `${id}=approval`);
      if (values.APPROVALS_CHANNEL_ID && lacksAdmins(values)) {
        const served = [...(licensedOn.length > 0 ? [`license requests in ${orList(licensedOn.map((c) => c.licenses!.words.directory))}`] : []), ...approvals];
        problems.push({
          variable: 'APPROVALS_CHANNEL_ID',
          message: `an approvals channel needs admins to decide its requests${served.length > 0 ? ` (${served.join(', ')})` : ''}: set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both`,
        });
      }
      if (values.APPROVALS_CHANNEL_ID && licensedOn.length === 0 && approvals.length === 0) {
        const licensed = CREDENTIALS.filter((c) => c.licenses);
        problems.push({
          variable: 'APPROVALS_CHANNEL_ID',
          message: `license requests change licenses in ${orList(licensed.map((c) => c.licenses!.words.directory))}: set ${orList(licensed.map(mainVariableOf))} too, or give a credential the approval policy in RESET_POLICY`,
        });
      }
      for (const problem of problems) ctx.addIssue({ code: 'custom', path: problem.variable === undefined ? [] : [problem.variable], message: problem.message });
    },
    { when: () => true },
  );

/** A credential's variables that no other credential's settings share (PASSWORD_LENGTH is WorkMail's and Entra's). */
function ownVariablesOf(credential: Credential): string[] {
  return Object.entries(credential.settings.variables)
    .filter(([, setting]) => !CREDENTIALS.some((other) => other.settings !== credential.settings && Object.values(other.settings.variables).includes(setting)))
    .map(([name]) => name);
}

/** The bot's own IDs, which go together: with both, a Lambda cold start skips auth.test. */
const BOT_IDS = [
  { variable: 'SLACK_BOT_ID', what: "the bot's ID, such as B0123ABCD (auth.test's bot_id)" },
  { variable: 'SLACK_BOT_USER_ID', what: "the bot's user ID, such as U0123ABCD (auth.test's user_id)" },
] as const;

/**
 * One of the bot's IDs without the other: a problem naming the one missing. Alone, it was ignored
 * without a word, and the cold start its admin meant to spare still asked auth.test. A problem,
 * not a warning: the stack's synth runs this schema and says problems only, so a `cdk deploy`
 * with one of the two is stopped before it ships.
 */
function botIdProblems(values: Record<string, unknown>): { variable: string; message: string }[] {
  const given = BOT_IDS.filter((b) => values[b.variable] !== undefined);
  if (given.length !== 1) return [];
  const [set] = given as [(typeof BOT_IDS)[number]];
  const missing = BOT_IDS.find((b) => b !== set)!;
  return [
    {
      variable: missing.variable,
      message:
        `is required with ${set.variable}: ${missing.what}; with both, a Lambda cold start skips auth.test. ` +
        `npm run doctor shows both on its Slack token line (without ${set.variable}), or remove ${set.variable}`,
    },
  ];
}

/** Whether anyone may decide requests: ADMIN_USER_IDS (as parsed, a list), ADMIN_USERGROUP_ID or both. */
function hasAdmins(values: Record<string, unknown>): boolean {
  return (Array.isArray(values.ADMIN_USER_IDS) && values.ADMIN_USER_IDS.length > 0) || Boolean(values.ADMIN_USERGROUP_ID);
}

/**
 * No admins, to be said as a problem: not when ADMIN_USER_IDS is set but refused by its own check
 * (zod leaves it the unparsed text). Its problem is said once, there; "set ADMIN_USER_IDS" beside
 * it sent the admin to look for what was already set.
 */
function lacksAdmins(values: Record<string, unknown>): boolean {
  return !hasAdmins(values) && typeof values.ADMIN_USER_IDS !== 'string';
}

/** What the credentials' settings say is missing beside what is set (OKTA_API_TOKEN with OKTA_ORG_URL), each directory once. */
function credentialProblems(values: Record<string, unknown>): { variable: string; message: string }[] {
  return SETTINGS_OWNERS.flatMap((c) => c.settings.problems?.(values) ?? []);
}

/**
 * Whether this deployment can serve the credential's policy when RESET_POLICY does not name it:
 * a credential whose own default is `approval` with no admins or no approvals channel, or `verify`
 * with no verifier, is
 * off (its command says "not enabled here") instead of failing the start of a deployment that
 * never asked for it. Named in RESET_POLICY, the same gap is a config error (policyProblems).
 */
function defaultServable(c: Credential, values: Record<string, unknown>, named: NamedPolicies): boolean {
  if (named.has(c.id)) return true;
  const policy = defaultOf(c, values);
  if (policy === 'approval') return hasAdmins(values) && Boolean(values.APPROVALS_CHANNEL_ID);
  if (policy === 'verify') return typeof values.VERIFY_WITH === 'string';
  return true;
}

/** The credentials this environment switches on: its settings are there, and its policy can be served. */
function enabledCredentials(values: Record<string, unknown>, named: NamedPolicies): Credential[] {
  return CREDENTIALS.filter((c) => c.settings.read(values) !== undefined && defaultServable(c, values, named));
}

/**
 * The credentials the environment means to switch on, complete or not: their first variable is
 * given (valid or not), and their policy can be served. What RESET_POLICY asks of them is checked
 * on these, so that it is said along with what their own settings lack, not after it is fixed.
 */
function switchedOnCredentials(values: Record<string, unknown>, named: NamedPolicies): Credential[] {
  return CREDENTIALS.filter((c) => values[mainVariableOf(c)] !== undefined && defaultServable(c, values, named));
}

/** The policies RESET_POLICY names, by credential ID (parseResetPolicy's `named`). */
type NamedPolicies = ReadonlyMap<string, Policy>;

/** A credential's policy here when RESET_POLICY does not name it: its plug-in's default, or the `verify` it recommends when VERIFY_WITH is set (defaultPolicy). */
function defaultOf(c: Credential, values: Record<string, unknown>): Policy {
  return defaultPolicy(c.policy ?? DEFAULT_POLICY, typeof values.VERIFY_WITH === 'string' ? values.VERIFY_WITH : undefined);
}

/** Each credential's policy: RESET_POLICY's entry for it, else its default here (defaultOf). */
function policiesOf(named: NamedPolicies, values: Record<string, unknown>, credentials: readonly Credential[] = CREDENTIALS): Map<string, Policy> {
  return new Map(credentials.map((c) => [c.id, named.get(c.id) ?? defaultOf(c, values)]));
}

/**
 * RESET_POLICY's policies (`named`, as parsed) and VERIFY_WITH, checked across settings against
 * the registries: every problem says what is valid. RESET_POLICY's form and an unknown VERIFY_WITH
 * are their own fields' problems, said there once. The CDK stack runs this same schema over its
 * context (resetPolicy, verifyWith).
 */
export function policyProblems(
  values: Record<string, unknown>,
  named: NamedPolicies,
  enabled: readonly Credential[],
  registries: { credentials: readonly Credential[]; verifiers: readonly VerifierPlugin[] } = { credentials: CREDENTIALS, verifiers: VERIFIERS },
): { variable: string; message: string }[] {
  const { credentials: CREDENTIALS, verifiers: VERIFIERS } = registries;
  const problems: { variable: string; message: string }[] = [];
  const policies = policiesOf(named, values, CREDENTIALS);
  const verifierId = typeof values.VERIFY_WITH === 'string' ? values.VERIFY_WITH : undefined;
  const verifier = verifierId === undefined ? undefined : VERIFIERS.find((v) => v.id === verifierId);
  const verifierIds = VERIFIERS.map((v) => v.id);
  const validVerifiers = validVerifiersOf(VERIFIERS);
  // The verifier's own problems (a DUO_* missing) are said by envSchema's first refinement, which runs whatever else failed.
  if (verifier) {
    const own = verifier.settings.problems?.(values) ?? [];
    if (verifier.settings.read(values) === undefined && own.length === 0) {
      problems.push({ variable: 'VERIFY_WITH', message: `${verifier.id} is not set up: see the README's Configuration section for its settings` });
    }
  }
  for (const c of CREDENTIALS) {
    const policy = policies.get(c.id)!;
    const declared = c.policy ?? DEFAULT_POLICY;
    if (declared.refuse?.includes(policy)) {
      const allowed = POLICIES.filter((p) => !declared.refuse!.includes(p));
      problems.push({ variable: 'RESET_POLICY', message: `${c.id} may not be ${policy}: use ${allowed.join(' or ')}` });
      continue;
    }
    if (!enabled.includes(c)) continue;
    if (policy === 'verify' && verifierId === undefined) {
      problems.push({ variable: 'VERIFY_WITH', message: `${c.id}=verify needs a verifier: set VERIFY_WITH to ${validVerifiers}` });
    }
    if (policy === 'verify' && verifier && declared.refuseVerifiers?.includes(verifier.id)) {
      const others = verifierIds.filter((v) => !declared.refuseVerifiers!.includes(v));
      problems.push({
        variable: 'VERIFY_WITH',
        message: `${verifier.id} cannot verify ${c.id} resets${others.length ? `: use ${others.join(' or ')}` : ''}, or another policy for ${c.id}`,
      });
    }
    if (policy === 'approval' && lacksAdmins(values)) {
      problems.push({ variable: 'RESET_POLICY', message: `${c.id}=approval needs admins to approve: set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both` });
    }
    if (policy === 'approval' && !values.APPROVALS_CHANNEL_ID) {
      problems.push({ variable: 'RESET_POLICY', message: `${c.id}=approval needs a channel where admins see requests: set APPROVALS_CHANNEL_ID` });
    }
  }
  return problems;
}

/**
 * RESET_POLICY's entries for a credential this deployment does not set up (none of its settings):
 * accepted, since one RESET_POLICY may serve several deployments or name a policy before its
 * credential is added, but said at start and by the doctor: the admin who wrote it may believe it
 * is in force, while the credential's command is off. A typo in the ID is a problem (parseResetPolicy).
 */
function policiesNotInForce(values: Record<string, unknown>, named: NamedPolicies): ConfigWarning[] {
  return CREDENTIALS.filter((c) => named.has(c.id) && c.settings.read(values) === undefined).map((c) => ({
    variable: 'RESET_POLICY',
    subject: c.id,
    message:
      `${c.id}=${named.get(c.id)} is not in force: ${c.words.directory} is not set up here (${mainVariableOf(c)} is unset), so ${c.command} is off. ` +
      `Set ${mainVariableOf(c)} and the rest of ${c.words.directory}'s settings (README, Configuration) to offer it, or take ${c.id} out of RESET_POLICY`,
  }));
}

/**
 * A RESET_POLICY entry giving the credential this policy, with what it needs that is not set
 * (admins and the channel, a verifier it accepts); none for `verify` when no verifier can prove it.
 */
function policyEntry(c: Credential, policy: Policy, values: Record<string, unknown>, verifierPlugins: readonly VerifierPlugin[]): string[] {
  if (policy === 'self-service') return [`${c.id}=self-service`];
  if (policy === 'approval') return [hasAdmins(values) && values.APPROVALS_CHANNEL_ID ? `${c.id}=approval` : `${c.id}=approval (with admins and APPROVALS_CHANNEL_ID)`];
  const verifiers = verifierPlugins.map((v) => v.id).filter((id) => !(c.policy ?? DEFAULT_POLICY).refuseVerifiers?.includes(id));
  if (verifiers.length === 0) return [];
  const verifierId = typeof values.VERIFY_WITH === 'string' ? values.VERIFY_WITH : undefined;
  return [verifierId !== undefined && verifiers.includes(verifierId) ? `${c.id}=verify` : `${c.id}=verify (with VERIFY_WITH=${orList(verifiers)} and its settings)`];
}

/**
 * The credentials whose settings are there but which are off because their own default policy
 * cannot be served here (defaultServable): a deployment that never asked for them starts, but its
 * admin, who set up the directory, would otherwise find the command missing without a word (the
 * manifest leaves it out, the command answers "not enabled"). A ⚠ (notice) each, said at start,
 * by the doctor and by `npm run manifest`: why, what to set to offer it, and the policies
 * RESET_POLICY could give it instead. Leaving it off is fine, and the warning says so.
 */
export function credentialsOff(
  values: Record<string, unknown>,
  named: NamedPolicies,
  registries: { credentials: readonly Credential[]; verifiers: readonly VerifierPlugin[] } = { credentials: CREDENTIALS, verifiers: VERIFIERS },
): ConfigWarning[] {
  const admins = hasAdmins(values);
  const channel = Boolean(values.APPROVALS_CHANNEL_ID);
  return registries.credentials
    .filter((c) => c.settings.read(values) !== undefined && !defaultServable(c, values, named))
    .map((c) => {
      const declared = c.policy ?? DEFAULT_POLICY;
      const policy = defaultOf(c, values);
      const verifiers = registries.verifiers.map((v) => v.id).filter((id) => !declared.refuseVerifiers?.includes(id));
      const lacking =
        policy === 'approval'
          ? [
              ...(admins ? [] : [{ variable: 'ADMIN_USER_IDS', why: 'no admins to approve', set: 'ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both' }]),
              ...(channel ? [] : [{ variable: 'APPROVALS_CHANNEL_ID', why: 'no approvals channel where admins see requests', set: 'APPROVALS_CHANNEL_ID' }]),
            ]
          : [{ variable: 'VERIFY_WITH', why: 'no verifier to send the push', set: `VERIFY_WITH to ${orList(verifiers)} and its settings` }];
      // What RESET_POLICY could give it instead, each with what it needs that is not set.
      const instead = POLICIES.filter((p) => p !== policy && !declared.refuse?.includes(p)).flatMap((p) => policyEntry(c, p, values, registries.verifiers));
      return {
        variable: lacking[0]!.variable,
        subject: c.id,
        notice: true,
        message:
          `${c.command} is off: ${c.words.directory} is set up, but ${c.id}'s policy is ${policy} (its default), and there ${lacking.length === 1 ? 'is' : 'are'} ${lacking.map((l) => l.why).join(' and ')}. ` +
          `To offer it, set ${lacking.map((l) => l.set).join(', and ')}` +
          (instead.length > 0 ? `; or give ${c.id} another policy in RESET_POLICY: ${orList(instead)}` : '') +
          '. If you do not mean to offer it, there is nothing to do',
      };
    });
}

/**
 * The credentials on here whose policy is their own default and weaker than the least their
 * plug-in recommends (PolicyDeclaration.recommended): a ⚠ (notice) each, said at start, by the
 * doctor and by `npm run manifest`, with why and the RESET_POLICY entries that follow it. Named
 * in RESET_POLICY, even as the weaker one, the policy is the admin's choice and nothing is said:
 * a warning that cannot be silenced would only teach people to skip the warnings.
 */
export function policiesBelowRecommended(
  values: Record<string, unknown>,
  named: NamedPolicies,
  registries: { credentials: readonly Credential[]; verifiers: readonly VerifierPlugin[] } = { credentials: CREDENTIALS, verifiers: VERIFIERS },
): ConfigWarning[] {
  return registries.credentials.flatMap((c) => {
    const declared = c.policy ?? DEFAULT_POLICY;
    const recommended = declared.recommended;
    // With a verifier it accepts, a recommended verify is its default already (defaultOf): nothing to say.
    const policy = defaultOf(c, values);
    if (recommended === undefined || named.has(c.id) || c.settings.read(values) === undefined || !weakerPolicy(policy, recommended.policy)) return [];
    const stronger = POLICIES.filter((p) => !weakerPolicy(p, recommended.policy) && !declared.refuse?.includes(p)).flatMap((p) => policyEntry(c, p, values, registries.verifiers));
    return [
      {
        variable: 'RESET_POLICY',
        subject: c.id,
        notice: true,
        message:
          `${c.id}'s policy is ${policy} (its default), weaker than the ${recommended.policy} recommended for it: ${recommended.why}. ` +
          `Add ${orList(stronger)} to RESET_POLICY. To keep ${policy}, name it there (${c.id}=${policy}) and this is not said again.`,
      },
    ];
  });
}

/**
 * VERIFY_TIMEOUT_SECONDS above what the verifier lets a push wait on the phone (its
 * longestWaitSeconds): the push lapses there first, so Latchkey waits, and tells the person, only
 * that long. Said (a likely mistake: whoever set it expects people to have longer), never refused:
 * a deployment that had set it keeps working, so a ⚠ (notice), never a ✗ in the doctor.
 */
function waitBeyondVerifier(plugin: VerifierPlugin | undefined, seconds: number): ConfigWarning[] {
  const longest = plugin?.longestWaitSeconds;
  if (longest === undefined || seconds <= longest) return [];
  return [
    {
      variable: 'VERIFY_TIMEOUT_SECONDS',
      subject: 'longer than the verifier allows',
      notice: true,
      message:
        `VERIFY_TIMEOUT_SECONDS is ${seconds}, but a ${plugin!.words.app} request lapses on the phone after ${longest} seconds (VERIFY_WITH=${plugin!.id}): ` +
        `Latchkey waits ${longest} seconds and tells people so. Set VERIFY_TIMEOUT_SECONDS to ${longest} or less`,
    },
  ];
}

/**
 * The signing secret as given, when it is likely not what Slack's requests are signed with: a
 * ⚠ (notice) each, never the value. Whitespace around it (removed by the schema) is said so that
 * the place it is set is fixed; a value not 32 hex characters, which Slack's Basic Information page
 * shows, is said but accepted: Slack does not document the format, and its own docs' example is
 * not hex.
 */
function signingSecretWarnings(raw: string | undefined): ConfigWarning[] {
  if (!raw) return [];
  const secret = raw.trim();
  const warnings: ConfigWarning[] = [];
  if (secret !== raw) {
    const what = [...new Set([...raw.slice(0, raw.length - raw.trimStart().length), ...raw.slice(raw.trimEnd().length)])].map((c) =>
      c === '\r' ? 'a carriage return (\\r: a file saved with Windows line endings)' : c === '\n' ? 'a line break' : c === '\t' ? 'a tab' : c === ' ' ? 'a space' : 'a blank character',
    );
    const where = raw.trimStart() !== raw && raw.trimEnd() !== raw ? 'before and after it' : raw.trimStart() !== raw ? 'before it' : 'after it';
    warnings.push({
      variable: 'SLACK_SIGNING_SECRET',
      subject: 'blanks around it',
      notice: true,
      message:
        `SLACK_SIGNING_SECRET has ${orList(what)} ${where}, which Latchkey removed (Slack's signing secrets have none, and with it every request from Slack would fail its signature check). ` +
        `Remove it where the value is set${what.some((w) => w.startsWith('a carriage return')) ? ' (save the file with Unix (LF) line endings)' : ''}`,
    });
  }
  const inside = secret.match(/\s/)?.[0];
  if (inside !== undefined) {
    // Pasted in two pieces, or with a line break: the count and "not all hex" below would not say which.
    const what = inside === '\r' ? 'a carriage return' : inside === '\n' ? 'a line break' : inside === '\t' ? 'a tab' : inside === ' ' ? 'a space' : 'a blank character';
    warnings.push({
      variable: 'SLACK_SIGNING_SECRET',
      subject: 'a blank inside it',
      notice: true,
      message:
        `SLACK_SIGNING_SECRET has ${what} inside it, which Slack's signing secrets never have, so every request from Slack would fail its signature check: ` +
        'copy it again from Basic Information → App Credentials → Signing Secret (Show), whole, in one piece',
    });
  } else if (!/^[0-9a-fA-F]{32}$/.test(secret)) {
    warnings.push({
      variable: 'SLACK_SIGNING_SECRET',
      subject: 'not 32 hex characters',
      notice: true,
      message:
        `SLACK_SIGNING_SECRET is ${secret.length} characters${/^[0-9a-fA-F]*$/.test(secret) ? '' : ', not all hex (0-9, a-f)'}, and the Signing Secret on your Slack app's Basic Information page is 32 hex characters: ` +
        "if Slack's requests are refused, copy it again from Basic Information → App Credentials → Signing Secret (Show), whole; not the Client Secret or Verification Token",
    });
  }
  return warnings;
}

/**
 * A credential that offers licenses is set up, but license requests are off for want of an
 * approvals channel (and of admins to decide them, if none): a ⚠ (notice), said at start, by the
 * doctor and by `npm run manifest`, which leaves /request-license out. Its admin, who set up the
 * directory, would otherwise find the command missing without a word. In the provider's words.
 */
function licensesOff(values: Record<string, unknown>, provider: Credential | undefined): ConfigWarning[] {
  const words = provider?.licenses?.words;
  if (!words || values.APPROVALS_CHANNEL_ID) return [];
  const admins = hasAdmins(values);
  return [
    {
      variable: 'APPROVALS_CHANNEL_ID',
      subject: 'license requests',
      notice: true,
      message:
        `License requests (${LICENSE_COMMAND}) are off: ${words.directory} is set up, and people could ask an admin to ${words.change?.verb ?? 'change'} their ${words.what}, ` +
        `but there is no approvals channel where admins see requests${admins ? '' : ' and no admins to decide them'}. ` +
        `To offer them, set APPROVALS_CHANNEL_ID${admins ? '' : ', and ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both'}. If you do not mean to offer them, there is nothing to do`,
    },
  ];
}

/** What admins decide here, in words: license requests, and each credential served under the `approval` policy. Empty: nothing. */
export function decidedByAdmins(config: Pick<Config, 'licenses' | 'policies'>): string[] {
  return [...(config.licenses ? ['license requests'] : []), ...[...config.policies].filter(([, p]) => p === 'approval').map(([id]) => `${id}=approval`)];
}

/**
 * The approvals channel, when anything here posts to it: each request admins decide
 * (decidedByAdmins) is announced there. Undefined when nothing does. The manifest asks for the
 * scopes to read it and the doctor checks the bot is in it from this alone, so they never
 * disagree with what the app posts.
 */
export function approvalsChannelInUse(config: Pick<Config, 'licenses' | 'policies' | 'approvalsChannelId'>): string | undefined {
  return decidedByAdmins(config).length > 0 ? (config.approvalsChannelId ?? config.licenses?.approvalsChannelId) : undefined;
}

/**
 * Why one admin is not enough (the doctor says it of a user group of one): Approvals refuses an
 * admin's review of their own request (SELF_REVIEW), so the one admin's own requests wait until
 * they expire.
 */
export const oneAdminWhy = (admin: string, decided: readonly string[]) =>
  `while admins decide ${orList(decided)}: an admin cannot decide their own request, so ${admin}'s own requests can never be decided`;

/** ADMIN_USER_IDS with one person and no user group, while admins decide requests: a ⚠ (notice). A group's size is the doctor's to read. */
function oneAdminWarnings(userIds: readonly string[], usergroupId: string | undefined, decided: readonly string[]): ConfigWarning[] {
  if (userIds.length !== 1 || usergroupId !== undefined || decided.length === 0) return [];
  const admin = userIds[0]!;
  return [
    {
      variable: 'ADMIN_USER_IDS',
      subject: 'one admin',
      notice: true,
      message: `ADMIN_USER_IDS lists one admin, ${admin}, and ADMIN_USERGROUP_ID is unset, ${oneAdminWhy(admin, decided)}. Add a second admin to ADMIN_USER_IDS, or set ADMIN_USERGROUP_ID to a group of them`,
    },
  ];
}

/** Every variable the app reads, for the docs' tables to be checked against. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** The variables whose schema judges a value inside < and > itself: the core's (anglesAllowed()) and every plug-in's (Setting.anglesAllowed). */
const ANGLES_ALLOWED_VARIABLES: ReadonlySet<string> = new Set([
  ...Object.entries(CORE).flatMap(([name, schema]) => (ANGLES_ALLOWED.has(schema) ? [name] : [])),
  ...[...SETTINGS_OWNERS, ...VERIFIERS].flatMap((c) => Object.entries(c.settings.variables).flatMap(([name, setting]) => (setting.anglesAllowed ? [name] : []))),
]);

/** The placeholder of each variable that has one, in its parts, by variable: the core's and every plug-in's. */
const PLACEHOLDER_PARTS: ReadonlyMap<string, EnvPlaceholder> = new Map([
  ...Object.entries(CORE_PLACEHOLDERS),
  ...[...SETTINGS_OWNERS, ...VERIFIERS].flatMap((c) =>
    Object.entries(c.settings.variables).flatMap(([name, setting]) => (setting.envPlaceholder ? [[name, setting.envPlaceholder] as const] : [])),
  ),
]);

/** .env.example's placeholder of each variable that has one, as it is written there, by variable. */
export const ENV_PLACEHOLDERS: ReadonlyMap<string, string> = new Map([...PLACEHOLDER_PARTS].map(([name, { what, note }]) => [name, `<${what}${note ?? ''}>`]));

export interface Config {
  readonly port: number;
  readonly slack: {
    readonly signingSecret: string;
    readonly botToken: string;
    readonly appToken?: string;
    readonly apiUrl: string;
    readonly apiRetries: number;
    /** Who may use Latchkey: this workspace, and with `enterpriseId` every workspace of that org. */
    readonly workspace: Workspace;
    /** The bot's IDs, when configured: the Lambda entry point then skips auth.test. */
    readonly bot?: { readonly botId: string; readonly botUserId: string };
  };
  /** The credentials this deployment resets, each with its settings, in the registry's order. */
  readonly credentials: readonly EnabledCredential[];
  /** Latchkey's admins (ADMIN_USER_IDS, ADMIN_USERGROUP_ID): they decide license requests and see the Home tab's admin sections. */
  readonly admins: { readonly userIds: readonly string[]; readonly usergroupId?: string };
  /** Present when /request-license is set up: an approvals channel, admins, and a directory with licenses. */
  readonly licenses?: {
    readonly approvalsChannelId: string;
    readonly adminUserIds: readonly string[];
    readonly adminUsergroupId?: string;
    readonly requestTtlHours: number;
    readonly provider: EnabledCredential;
  };
  /** Where admins see requests to decide (APPROVALS_CHANNEL_ID): license changes, and resets under the `approval` policy. */
  readonly approvalsChannelId?: string;
  /** How soon IT usually answers a request an admin decides, in words (APPROVAL_RESPONSE_TIME): told to its requester once it is sent. */
  readonly approvalResponseTime?: string;
  readonly approvalsTableName: string;
  readonly limits: {
    readonly tableName: string;
    readonly resetsPerUserPerHour: number;
    readonly resetsPerMinuteGlobal?: number;
    readonly licenseRequestsPerDay: number;
  };
  readonly audit: { readonly tableName: string; readonly retentionDays: number };
  readonly createTables: boolean;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** When set, GET /metrics answers only a scrape with `Authorization: Bearer <token>`. */
  readonly metricsToken?: string;
  /** Each enabled credential's policy (RESET_POLICY, else its own default), by credential ID. */
  readonly policies: ReadonlyMap<string, Policy>;
  /** The verifier of the `verify` policy (VERIFY_WITH), when one is set. */
  readonly verify?: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each verifier's settings are its own
    readonly plugin: VerifierPlugin<any>;
    readonly settings: unknown;
    readonly timeoutMs: number;
    readonly pollMs: number;
    /** Pushes one person may be sent per hour, whatever they reset. */
    readonly perPersonPerHour: number;
  };
  /** Said at start, by the doctor and by `npm run manifest`, and nothing else: a RESET_POLICY entry for a credential not set up here, a credential set up but off, license requests off for want of an approvals channel, a misspelled setting. */
  readonly warnings: readonly ConfigWarning[];
}

/** The subject of the warning about a value in .env a '#' cut short. */
export const CUT_AT_HASH = 'cut at #';

/** What the configuration accepts but an admin should hear about, at start and from the doctor: `subject` names what it is about. */
export interface ConfigWarning {
  readonly variable: string;
  readonly subject: string;
  readonly message: string;
  /**
   * Likely fine, said in case it is not: a variable whose name only shares a family prefix with
   * Latchkey's settings (PASSWORD_STORE_DIR, SLACK_WEBHOOK_URL), which other programs set; a
   * credential set up but off because its default policy cannot be served (credentialsOff). The
   * doctor marks it ⚠ and does not fail for it; the rest are ✗ lines, as likely mistakes.
   */
  readonly notice?: boolean;
}

export interface EnabledCredential {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each credential's settings are its own
  readonly credential: Credential<any>;
  readonly settings: unknown;
}

/**
 * Not configured: the problems, whether nothing at all was set (a first run, pointed at the
 * sandbox), and what would be warned of once they are fixed (a misspelled setting no problem
 * names), so that one round of fixing sees it too.
 */
type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[]; nothingSet?: boolean; warnings?: string[]; notices?: string[] };

/**
 * `cutInDotEnv`: the variables whose value in .env a '#' cut short (loadDotEnv's cutAtHash). Each
 * is said where the problem it causes is said, with what to do (quote it), or as a warning when it
 * causes none: APPROVALS_CHANNEL_ID=#it-approvals reads as unset, and nothing else would tell.
 * `duplicatesInDotEnv`: the variables .env sets more than once (loadDotEnv's duplicates), of which
 * the last is read: a warning naming the lines (never the values, which may be secrets), and a
 * hint in the line of a problem about one, whose fix may have gone to a line that is not read.
 */
export function loadConfig(env: NodeJS.ProcessEnv, dotEnv: { cutInDotEnv?: readonly string[]; duplicatesInDotEnv?: readonly DuplicateKey[] } = {}): ConfigResult {
  const duplicates = dotEnv.duplicatesInDotEnv ?? [];
  // Latchkey's own settings: a misspelled one is said as such (lookalikeSettings), cut or not.
  const cutInDotEnv = (dotEnv.cutInDotEnv ?? []).filter((name) => CONFIG_VARIABLES.includes(name));
  // What to put there is said from the placeholder we wrote, never from the value.
  const placeholders = new Map([...ENV_PLACEHOLDERS].flatMap(([name, placeholder]) => (env[name]?.trim() === placeholder ? [[name, PLACEHOLDER_PARTS.get(name)!] as const] : [])));
  // Any other value of a setting inside < and > is one filled in where .env.example's placeholder
  // was, its brackets left around it (`SLACK_BOT_TOKEN=<xoxb-…>`): said so, by name, never the value.
  const bracketed = new Set(CONFIG_VARIABLES.filter((name) => !placeholders.has(name) && bracketsLeft(name, env)));
  const real = (name: string) => Boolean(env[name]) && !placeholders.has(name) && !bracketed.has(name);
  const nothingSet = !['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_TEAM_ID', ...CREDENTIALS.map(mainVariableOf)].some(real);
  // An empty value is unset, whatever the setting: `.env` files copied from an example leave lines
  // such as `GOOGLE_API_URL=`, which mean "not set here" (the default applies; a required one is
  // missing), not a value to refuse. Dropped here, before the schema, so that no setting of the
  // core, a credential or a verifier can read it otherwise.
  const given = Object.entries(env).filter(([name, value]) => value !== '' && !placeholders.has(name) && !bracketed.has(name));
  const parsed = envSchema.safeParse(Object.fromEntries(given));
  const lookalikes = lookalikeSettings(env);
  if (!parsed.success || placeholders.size > 0 || bracketed.size > 0) {
    // A problem about no one setting (nothing to reset) is said on its own.
    const issues = parsed.success ? [] : parsed.error.issues.map((issue) => [issue.path[0] === undefined ? undefined : String(issue.path[0]), issue.message] as const);
    const problems = [
      ...[...placeholders].map(([name, what]) => `${name}: ${PLACEHOLDER_LEFT}; ${putThere(what)}`),
      ...[...bracketed].map((name) => `${name}: ${IN_BRACKETS}`),
      ...issues
        .filter(([name]) => name === undefined || (!placeholders.has(name) && !bracketed.has(name)))
        .map(([name, message]) => (name === undefined ? message : `${name}: ${message}`)),
    ].map((problem) => problem + misspellingHint(problem, lookalikes, env) + cutHint(problem, cutInDotEnv, env) + duplicateHint(problem, duplicates));
    // A cut value no problem names is one still: said along with the rest, not after they are fixed.
    const unsaid = cutInDotEnv.filter((name) => !problems.some((problem) => namesVariable(problem, name)));
    const unhinted = lookalikes.filter((l) => !problems.some((problem) => problem.includes(`(${l.name} is set, which`))).map((l) => lookalikeWarning(l, env));
    const unhintedDuplicates = duplicates.filter((d) => !problems.some((problem) => namesVariable(problem, d.name)));
    const warnings = [...unhinted.filter((w) => !w.notice).map((w) => w.message), ...unhintedDuplicates.map((d) => duplicateWarning(d).message)];
    const notices = unhinted.filter((w) => w.notice).map((w) => w.message);
    return {
      ok: false,
      problems: [...problems, ...unsaid.map((name) => `${name}: ${cutMessage(name, env)}`)],
      ...(nothingSet && { nothingSet }),
      ...(warnings.length > 0 && { warnings }),
      ...(notices.length > 0 && { notices }),
    };
  }
  const e = parsed.data;
  const values = e as Record<string, unknown>;
  const credentials = enabledCredentials(values, e.RESET_POLICY.named).map((credential) => ({ credential, settings: credential.settings.read(values) }));
  const provider = credentials.find((c) => c.credential.licenses);
  const policies = policiesOf(e.RESET_POLICY.named, values);
  const plugin = VERIFIERS.find((v) => v.id === e.VERIFY_WITH);
  const verifierSettings = plugin?.settings.read(values);
  const licenses =
    e.APPROVALS_CHANNEL_ID && provider
      ? {
          approvalsChannelId: e.APPROVALS_CHANNEL_ID,
          adminUserIds: e.ADMIN_USER_IDS,
          adminUsergroupId: e.ADMIN_USERGROUP_ID,
          requestTtlHours: e.LICENSE_REQUEST_TTL_HOURS,
          provider,
        }
      : undefined;
  const served = new Map(credentials.map(({ credential }) => [credential.id, policies.get(credential.id)!]));
  return {
    ok: true,
    config: {
      port: e.PORT,
      slack: {
        signingSecret: e.SLACK_SIGNING_SECRET,
        botToken: e.SLACK_BOT_TOKEN,
        appToken: e.SLACK_APP_TOKEN,
        apiUrl: e.SLACK_API_URL,
        apiRetries: e.SLACK_API_RETRIES,
        workspace: { teamId: e.SLACK_TEAM_ID, ...(e.SLACK_ENTERPRISE_ID && { enterpriseId: e.SLACK_ENTERPRISE_ID }), emailsVerifiedBySso: e.SLACK_EMAILS_VERIFIED_BY_SSO },
        ...(e.SLACK_BOT_ID && e.SLACK_BOT_USER_ID && { bot: { botId: e.SLACK_BOT_ID, botUserId: e.SLACK_BOT_USER_ID } }),
      },
      credentials,
      admins: { userIds: e.ADMIN_USER_IDS, ...(e.ADMIN_USERGROUP_ID && { usergroupId: e.ADMIN_USERGROUP_ID }) },
      licenses,
      ...(e.APPROVALS_CHANNEL_ID && { approvalsChannelId: e.APPROVALS_CHANNEL_ID }),
      ...(e.APPROVAL_RESPONSE_TIME && { approvalResponseTime: e.APPROVAL_RESPONSE_TIME }),
      approvalsTableName: e.APPROVALS_TABLE_NAME,
      limits: {
        tableName: e.RATE_LIMIT_TABLE_NAME,
        resetsPerUserPerHour: e.RESET_MAX_PER_HOUR,
        resetsPerMinuteGlobal: e.RESET_MAX_PER_MINUTE_GLOBAL,
        licenseRequestsPerDay: e.LICENSE_REQUEST_MAX_PER_DAY,
      },
      audit: { tableName: e.AUDIT_TABLE_NAME, retentionDays: e.AUDIT_RETENTION_DAYS },
      createTables: e.DYNAMODB_CREATE_TABLES,
      logLevel: e.LOG_LEVEL,
      ...(e.METRICS_TOKEN && { metricsToken: e.METRICS_TOKEN }),
      policies: served,
      ...(plugin &&
        verifierSettings !== undefined && {
          verify: {
            plugin,
            settings: verifierSettings,
            timeoutMs: Math.min(e.VERIFY_TIMEOUT_SECONDS, plugin.longestWaitSeconds ?? Infinity) * 1000,
            pollMs: e.VERIFY_POLL_MS,
            perPersonPerHour: e.VERIFY_MAX_PER_HOUR,
          },
        }),
      warnings: [
        // First: a value .env cut at '#' is why what follows may say to set what was set
        // (APPROVALS_CHANNEL_ID=#it-approvals reads as unset, and license requests are off).
        ...cutInDotEnv.map((name) => ({ variable: name, subject: CUT_AT_HASH, message: `${name}: ${cutMessage(name, env)}` })),
        ...signingSecretWarnings(env.SLACK_SIGNING_SECRET),
        ...policiesNotInForce(values, e.RESET_POLICY.named),
        ...credentialsOff(values, e.RESET_POLICY.named),
        ...licensesOff(values, provider?.credential),
        ...oneAdminWarnings(e.ADMIN_USER_IDS, e.ADMIN_USERGROUP_ID, decidedByAdmins({ licenses, policies: served })),
        ...policiesBelowRecommended(values, e.RESET_POLICY.named),
        ...lookalikes.map((l) => lookalikeWarning(l, env)),
        ...duplicates.map(duplicateWarning),
        ...waitBeyondVerifier(plugin, e.VERIFY_TIMEOUT_SECONDS),
      ],
    },
  };
}

/**
 * Every name the app reads from the environment: the composed schema's, and on Lambda each secret's
 * `<NAME>_ARN`. A name close to one of these, or of one of their families (`CHIME_`, `SLACK_`), is
 * taken for a slip: the app would otherwise ignore it without a word.
 */
function lookalikeSettings(env: NodeJS.ProcessEnv): LookalikeName[] {
  const known = [...CONFIG_VARIABLES, ...secretVariables().map((v) => `${v}_ARN`)];
  const families = new Set(known.map(familyOf).filter(Boolean));
  // Set to something: an empty one is unset (loadConfig), whatever its name.
  return lookalikeNames(Object.keys(env).filter((name) => env[name]), known, families);
}

/**
 * Said at start and by the doctor: the name, that it is ignored, and what it likely means. A name
 * a letter or two off a setting is a likely mistake. One that only shares a family prefix
 * (PASSWORD_STORE_DIR, which `pass` sets in many shells; LOG_FORMAT; SLACK_WEBHOOK_URL) is most
 * often another program's: a notice, which names the family's settings in case one was meant.
 */
function lookalikeWarning({ name, suggestion }: LookalikeName, env: NodeJS.ProcessEnv): ConfigWarning {
  if (suggestion) {
    const what = `did you mean ${suggestion}? ${env[suggestion] ? `${suggestion} is set too: remove ${name}` : `Rename it: ${suggestion} is unset, so what it sets is not in force`}`;
    return { variable: name, subject: 'unknown', message: `${name} is not a setting Latchkey reads, so it is ignored: ${what} (if it is another program's, leave it)` };
  }
  const family = familyOf(name.toUpperCase());
  const settings = CONFIG_VARIABLES.filter((v) => familyOf(v) === family);
  return {
    variable: name,
    subject: 'unknown',
    notice: true,
    message:
      `${name} is not a setting Latchkey reads, so it is ignored. It only shares the ${family}_ prefix with Latchkey's ${settings.length === 1 ? 'setting' : 'settings'} ${orList(settings)}: ` +
      `if another program uses it, there is nothing to do; if you meant ${settings.length === 1 ? 'that setting' : 'one of those'}, rename it`,
  };
}

/** For a problem about a setting that is unset while a lookalike of it is set: what was likely meant. */
function misspellingHint(problem: string, lookalikes: readonly LookalikeName[], env: NodeJS.ProcessEnv): string {
  return lookalikes
    .filter((l) => l.suggestion !== undefined && !env[l.suggestion] && namesVariable(problem, l.suggestion))
    .map((l) => ` (${l.name} is set, which Latchkey does not read: did you mean ${l.suggestion}?)`)
    .join('');
}

/** Whether a problem's line names this variable (SLACK_BOT_TOKEN, but not in SLACK_BOT_TOKEN_ARN). */
function namesVariable(problem: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_])${name}($|[^A-Za-z0-9_])`).test(problem);
}

/** For a problem naming a variable whose value in .env a '#' cut short: what happened, and what to do. */
function cutHint(problem: string, cut: readonly string[], env: NodeJS.ProcessEnv): string {
  return cut
    .filter((name) => namesVariable(problem, name))
    .map((name) =>
      channelNamed(name, env)
        ? ` (the value of ${name} in .env starts with '#', which starts a comment there: ${CHANNEL_ID_NOT_NAME})`
        : ` (the value of ${name} in .env is cut at '#', which starts a comment there: quote it, ${name}="…")`,
    )
    .join('');
}

/**
 * A channel setting whose value in .env starts with '#' is, most likely, the channel's name
 * (`#it-approvals`): quoting it would only be refused next as not an ID.
 */
const channelNamed = (name: string, env: NodeJS.ProcessEnv) => name.endsWith('_CHANNEL_ID') && !env[name];

/** The lines, as words: "lines 3 and 12", "lines 3, 7 and 12". */
const linesOf = ({ lines }: DuplicateKey) => `lines ${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}`;
const timesOf = ({ lines }: DuplicateKey) => (lines.length === 2 ? 'twice' : `${lines.length} times`);

/** A variable .env sets more than once: where, which line is read (node's parser keeps the last), and what to do. Never a value. */
function duplicateWarning(d: DuplicateKey): ConfigWarning {
  return {
    variable: d.name,
    subject: `set ${timesOf(d)} in .env`,
    message:
      `${d.name} is set ${timesOf(d)} in .env (${linesOf(d)}): only the last, line ${d.lines.at(-1)}, is read, so a change to an earlier one changes nothing. ` +
      `Keep the line you mean and delete the other${d.lines.length > 2 ? 's' : ''}`,
  };
}

/** For a problem naming a variable .env sets more than once: which line's value it is about. */
function duplicateHint(problem: string, duplicates: readonly DuplicateKey[]): string {
  return duplicates
    .filter((d) => namesVariable(problem, d.name))
    .map((d) => ` (${d.name} is set ${timesOf(d)} in .env, ${linesOf(d)}: the value read is line ${d.lines.at(-1)}'s; keep one line for it)`)
    .join('');
}

/** Never the value, which may be a secret: what was read of it, and how to have all of it read. */
function cutMessage(name: string, env: NodeJS.ProcessEnv): string {
  if (channelNamed(name, env)) return `the value in .env starts with '#', which starts a comment there, so it is read as unset: ${CHANNEL_ID_NOT_NAME}`;
  const read = env[name] ? `only what comes before it is read (${env[name]!.length} characters)` : 'it is read as unset';
  return `the value in .env is cut at '#': in an unquoted value, '#' starts a comment, so ${read}. Quote the value in .env: ${name}="…" (or '…' if it holds a ")`;
}

/**
 * "put <what> there", with "there" right after the thing itself, before its note, as the placeholder
 * declares them apart (EnvPlaceholder): "put your Slack workspace ID there, such as T0123ABCD", not
 * "…such as T0123ABCD there", however the note is worded.
 */
function putThere({ what, note }: EnvPlaceholder): string {
  return `put ${what} there${note ?? ''}`;
}

/** What a problem says of a setting .env still holds the example's `<…>` for. */
const PLACEHOLDER_LEFT = "still has .env.example's placeholder";

/** What a problem says of a setting whose value is inside < and > (bracketsLeft), and of a list's entry (bracketedUserId). */
const IN_BRACKETS_ENTRY = 'is inside < and >, which in .env.example only mark what to put there';
const IN_BRACKETS = `${IN_BRACKETS_ENTRY}: remove the < and > around the value`;

/**
 * A value inside < and >, of a setting that takes none (IDs, URLs, names, numbers, and secrets of
 * letters, digits and a few marks): what .env.example's `<…>` invites when a value is typed in its
 * place and the brackets are left. A setting whose schema judges such a value itself declares so
 * (ANGLES_ALLOWED_VARIABLES): a METRICS_TOKEN may hold them, and PASSWORD_SYMBOLS' own check says
 * why neither may be a symbol.
 */
const bracketsLeft = (name: string, env: NodeJS.ProcessEnv) => !ANGLES_ALLOWED_VARIABLES.has(name) && env[name] !== undefined && /^<[^]*>$/.test(env[name].trim());

/** The message a person sees when the environment is wrong: every problem at once, no stack trace. */
export function describeProblems(problems: string[], options: { nothingSet?: boolean; cannot?: string; warnings?: readonly string[]; notices?: readonly string[] } = {}): string {
  return [
    `Latchkey cannot ${options.cannot ?? 'start'}: the configuration has problems.`,
    ...problems.map((p) => `  - ${p}`),
    ...(options.warnings?.length ? ['Also (not refused, but likely not what you meant):', ...options.warnings.map((w) => `  - ${w}`)] : []),
    ...(options.notices?.length ? ['Also ignored (likely another program\'s, named in case one was meant as a setting):', ...options.notices.map((w) => `  - ${w}`)] : []),
    'See the Configuration section of README.md, and .env.example.',
    ...(options.nothingSet ? ['To try Latchkey without Slack or AWS first: `npm run sandbox` runs all of it against local stand-ins.'] : []),
    // Nothing set and no placeholder left: no .env was made from the example yet.
    ...(options.nothingSet && !problems.some((p) => p.includes(PLACEHOLDER_LEFT))
      ? ['To set it up: copy .env.example to .env and fill it in (`cp .env.example .env`); each <…> there says what to put, and `npm start` reads it.']
      : []),
  ].join('\n');
}

/**
 * What the configuration accepts but an admin should hear (Config.warnings), for a person at a
 * terminal: the lead line, then each warning on a line of its own, as describeProblems says problems.
 */
export function describeWarnings(warnings: readonly ConfigWarning[], lead: string): string {
  return [lead, ...warnings.map((w) => `  - ${w.message}`)].join('\n');
}

/**
 * The variables that hold secrets: on Lambda each is read at cold start from Secrets Manager,
 * through `<NAME>_ARN`, and never set in the function's environment or a template.
 */
export function secretVariables(): string[] {
  // Once each: a verifier may declare a directory's own Setting (Okta Verify, the Okta token).
  return [
    ...new Set([
      ...CORE_SECRETS,
      ...[...SETTINGS_OWNERS, ...VERIFIERS].flatMap((c) => Object.entries(c.settings.variables).filter(([, s]) => s.secret).map(([name]) => name)),
    ]),
  ];
}

/**
 * `env` with a made-up value of its declared shape (Setting.secret.placeholder) for each secret of
 * what it sets up that it does not give (unset, empty, or .env.example's `<…>` left in place): a
 * credential set up by a setting of its own that is no secret (OKTA_ORG_URL, GOOGLE_ADMIN_EMAIL;
 * not one it shares with others, such as the password generator's), and the verifier VERIFY_WITH
 * names. Everything else is checked as given, a secret given included. For what is made before
 * the secrets are known: the stack's synth (they go into Secrets Manager once it exists) and
 * `npm run manifest`, which reads none. Slack's own two are the caller's.
 */
export function withSecretStandIns(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const given = (name: string) => Boolean(env[name]) && env[name]!.trim() !== ENV_PLACEHOLDERS.get(name) && !bracketsLeft(name, env);
  const holders = new Map<Setting, Set<object>>();
  for (const c of CREDENTIALS) for (const s of Object.values(c.settings.variables)) holders.set(s, (holders.get(s) ?? new Set()).add(c.settings));
  const setUp = [
    ...SETTINGS_OWNERS.filter((c) => Object.entries(c.settings.variables).some(([name, s]) => !s.secret && holders.get(s)!.size === 1 && Boolean(env[name]))),
    // A verifier's own secret only; one it shares with a credential (Okta Verify's token) is the credential's.
    ...VERIFIERS.filter((v) => env.VERIFY_WITH === v.id).map((v) => ({ settings: { variables: Object.fromEntries(Object.entries(v.settings.variables).filter(([, s]) => !holders.has(s))) } })),
  ];
  const standIns = setUp.flatMap((c) => Object.entries(c.settings.variables).flatMap(([name, s]) => (s.secret && !given(name) ? [[name, s.secret.placeholder] as const] : [])));
  return { ...env, ...Object.fromEntries(standIns) };
}
