import { z } from 'zod';
import { secureOrigin, tooShort } from '../config-fields';
import { failed, failedBy, passed, warned, type SetupCheck } from '../doctor/setup-check';
import { asFailure, type FailureCode, type LatchkeyFailure } from '../flows/failure';
import { retryAfter, SAID_MESSAGE, saidBack } from '../http/answers';
import type { HttpFetch } from '../http/fetch';
import { failedCall } from './call-check';
import type { AdapterContext, CredentialSettings } from './credential';
import { callJson, failureOf, type CallPolicy, type JsonAnswer } from './http-errors';

/**
 * Okta's org API as two plug-ins speak it: the Okta credentials (okta/) and Okta Verify
 * (src/verifiers/okta/). Both use the same org and token (declared here, OKTA_SETTINGS), the same
 * call (SSWS, Okta's error body, its rate-limit reset) and the same setup check of the token. Here, beside the other helpers
 * plug-ins share (http-errors.ts, aws-errors.ts), so that neither plug-in reaches into the other's
 * folder and each can be left out alone.
 */
export interface OktaSettings {
  /** The org's origin, e.g. https://acme.okta.com (no path, no trailing slash). */
  readonly orgUrl: string;
  readonly apiToken: string;
}

/** https://…, or http:// only on this machine (a stand-in in tests or the sandbox). */
const orgUrl = secureOrigin('https://acme.okta.com', 'the org URL').refine((origin) => adminConsoleOf(origin) === undefined, {
  error: (issue) => `is the admin console's address: use your org's, ${adminConsoleOf(String(issue.input))} (the same without -admin)`,
});

/** The org's own URL when this is its admin console's (https://acme-admin.okta.com → https://acme.okta.com), else undefined. */
function adminConsoleOf(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const { protocol, hostname } = new URL(url);
  const org = /^([a-z0-9-]+)-admin\.(okta|oktapreview|okta-emea)\.com$/i.exec(hostname);
  return org ? `${protocol}//${org[1]}.${org[2]}.com` : undefined;
}

/**
 * The Okta org and its token (OKTA_ORG_URL, OKTA_API_TOKEN), declared once for every Okta plug-in.
 * Each Okta credential uses this very object, so the registry has one set of OKTA_* variables, one
 * secret and one stand-in for all of them; Okta Verify declares the same Setting objects, so it
 * reads them whether or not an Okta credential is registered.
 */
export const OKTA_SETTINGS: CredentialSettings<OktaSettings> = {
  variables: {
    OKTA_ORG_URL: {
      envPlaceholder: { what: 'your Okta org URL', note: ', such as https://acme.okta.com' },
      schema: orgUrl.optional(),
      context: 'oktaOrgUrl',
      example: 'https://acme.okta.com',
      doc: { meaning: 'Your Okta org, e.g. `https://acme.okta.com`. Unset: the Okta commands answer "not enabled here".' },
    },
    OKTA_API_TOKEN: {
      envPlaceholder: { what: 'an Okta API token from Security, API, Tokens' },
      schema: z
        .string()
        // Said by the prefix only: Okta's docs show the header, `Authorization: SSWS 00…`, and people copy it.
        .refine((v) => !/^SSWS\s/i.test(v), 'starts with "SSWS ", which Latchkey adds itself (Authorization: SSWS …): give the token alone, without "SSWS "')
        .pipe(
          z
            .string()
            .min(20, tooShort({ what: 'an Okta API token', looks: 'about 40 characters; Latchkey takes 20 or more', get: 'create one in the Okta admin console (Security → API → Tokens → Create token) and copy it whole: Okta shows it only once' })),
        )
        .optional(),
      secret: { description: 'the Okta API token (Security, API, Tokens), sent as SSWS', placeholder: '00placeholder-okta-api-token-for-synth' },
      doc: { meaning: 'An Okta API token, sent as `Authorization: SSWS …`. On Lambda it lives in Secrets Manager.' },
    },
  },
  read: (values) =>
    typeof values.OKTA_ORG_URL === 'string' && typeof values.OKTA_API_TOKEN === 'string' ? { orgUrl: values.OKTA_ORG_URL, apiToken: values.OKTA_API_TOKEN } : undefined,
  problems: (values) => [
    ...(values.OKTA_ORG_URL && !values.OKTA_API_TOKEN ? [{ variable: 'OKTA_API_TOKEN', message: 'is required with OKTA_ORG_URL: an Okta API token, made in the Okta admin console (Security, API, Tokens) by an admin who may reset passwords' }] : []),
    ...(values.OKTA_API_TOKEN && !values.OKTA_ORG_URL ? [{ variable: 'OKTA_ORG_URL', message: 'is required with OKTA_API_TOKEN' }] : []),
  ],
};

/** Okta's error codes that are about the token, in our words: invalid (401), or not allowed to do that (403). */
export const TOKEN_ERRORS: Readonly<Partial<Record<string, FailureCode>>> = {
  E0000011: 'DIRECTORY_MISCONFIGURED',
  E0000006: 'DIRECTORY_MISCONFIGURED',
};

/** How long a caller bears Okta's rate limit, which says when it resets in X-Rate-Limit-Reset (epoch seconds), sometimes Retry-After. */
export function oktaPolicy(patienceMs: number): CallPolicy {
  return {
    timeoutMs: 5_000,
    patienceMs,
    retryAt: (answer, now) => {
      const reset = Number(answer.headers.get('x-rate-limit-reset'));
      return Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : retryAfter(answer.headers.get('retry-after'), now);
    },
  };
}

/** The Okta credentials' calls (okta-directory.ts): a person waiting on a modal bears about 2 s of Okta's rate limit. Their declared time is counted in it. */
export const OKTA_DIRECTORY_POLICY = oktaPolicy(2_000);

const errorSchema = z.looseObject({ errorCode: z.string(), errorSummary: z.string().optional() });

/** A failure answer, as Okta says it: its error code, and a detail fit for a log line (Okta's summary names the problem, never a password), bounded (saidBack). */
export interface OktaError {
  readonly code?: string;
  readonly detail: string;
}

/** One call to the org with its token: the answer, and Okta's error when it is not a 2xx. */
export async function callOkta(
  fetch: HttpFetch,
  s: OktaSettings,
  call: { readonly method: 'GET' | 'POST' | 'DELETE'; readonly path: string; readonly operation: string; readonly body?: string; readonly userAgent?: string; readonly change?: boolean },
  policy: CallPolicy,
): Promise<{ answer: JsonAnswer; error?: OktaError }> {
  const answer = await callJson(
    fetch,
    {
      method: call.method,
      url: `${s.orgUrl}${call.path}`,
      headers: {
        authorization: `SSWS ${s.apiToken}`,
        accept: 'application/json',
        'content-type': 'application/json',
        ...(call.userAgent !== undefined && { 'user-agent': call.userAgent }),
      },
      ...(call.body !== undefined && { body: call.body }),
      operation: call.operation,
      ...(call.change && { change: true }),
    },
    policy,
  );
  if (answer.status >= 200 && answer.status < 300) return { answer };
  const error = errorSchema.safeParse(answer.body);
  return {
    answer,
    error: error.success
      ? { code: error.data.errorCode, detail: saidBack(`${error.data.errorCode} ${error.data.errorSummary ?? ''}`.trim(), SAID_MESSAGE) }
      : { detail: 'no Okta error body' },
  };
}

/** Okta's error as ours, as every REST directory's (failureOf): `codes` are the caller's reading of Okta's error codes. */
export function oktaFailure(answer: JsonAnswer, error: OktaError, operation: string, policy: CallPolicy, codes: Readonly<Partial<Record<string, FailureCode>>>): LatchkeyFailure {
  return failureOf(answer, operation, error.detail, policy, error.code ? codes[error.code] : undefined);
}

/**
 * Admin roles that may unlock users and expire their passwords (Okta's standard roles). Okta lets a
 * Help Desk or Group admin (USER_ADMIN) do so only for the groups it is given, which no one read
 * can prove for every employee: those pass with a ⚠ naming what to check.
 */
const RESET_ROLES = new Set(['SUPER_ADMIN', 'ORG_ADMIN', 'HELP_DESK_ADMIN', 'USER_ADMIN']);
const WHOLE_ORG_ROLES = new Set(['SUPER_ADMIN', 'ORG_ADMIN']);
const CHECK_POLICY = oktaPolicy(2_000);

/**
 * The setup check of every Okta plug-in, read-only: the token works (GET /api/v1/users/me, its
 * owner), its owner holds an admin role that may unlock accounts and reset passwords (ListRoles),
 * and it may read another user's roles, which every reset reads first (the refusal of admins).
 */
export async function checkOkta(s: OktaSettings, context: Pick<AdapterContext, 'fetch'>): Promise<SetupCheck[]> {
  const call = async (path: string, operation: string) => {
    const { answer, error } = await callOkta(context.fetch, s, { method: 'GET', path, operation }, CHECK_POLICY);
    if (error) throw oktaFailure(answer, error, operation, CHECK_POLICY, TOKEN_ERRORS);
    return answer;
  };
  let me: JsonAnswer;
  try {
    me = await call('/api/v1/users/me', 'okta:GetCurrentUser');
  } catch (err) {
    return [
      failedCall('API token', asFailure(err), {
        fix: 'create a token (Security, API, Tokens) as a Super Administrator, and set OKTA_API_TOKEN to it',
        otherwise: 'check OKTA_ORG_URL and the network path to Okta',
      }),
    ];
  }
  const id = (me.body as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string') return [failed('API token', 'okta:GetCurrentUser answered with no user: check OKTA_ORG_URL')];
  const token = passed('API token', `accepted, created by Okta user ${id}`);
  const rolesOf = async (userId: string) => {
    const answer = await call(`/api/v1/users/${encodeURIComponent(userId)}/roles`, 'okta:ListRoles');
    return Array.isArray(answer.body) ? answer.body.map((r: { type?: unknown }) => String(r.type)) : [];
  };
  let enough: string[];
  try {
    const types = await rolesOf(id);
    enough = types.filter((t) => RESET_ROLES.has(t));
    if (enough.length === 0) {
      return [token, failed('admin role', `the token's owner holds ${types.length > 0 ? types.join(', ') : 'no admin role'}: create the token as a Super Administrator, who may reset passwords and read every user's admin roles`)];
    }
  } catch (err) {
    return [token, roleReadFailed(asFailure(err), "the token's owner cannot read its own roles")];
  }
  const owner = enough.join(', ');
  let other: string | undefined;
  try {
    const listed = await call('/api/v1/users?limit=2', 'okta:ListUsers');
    other = (Array.isArray(listed.body) ? listed.body.map((u: { id?: unknown }) => u.id) : []).find((u): u is string => typeof u === 'string' && u !== id);
    if (other !== undefined) await rolesOf(other);
  } catch (err) {
    return [token, roleReadFailed(asFailure(err), `the token's owner (${owner}) cannot read another user's admin roles, which every reset reads first`)];
  }
  if (other === undefined) {
    return [token, warned('admin role', `the token's owner is ${owner}, but the org has no other user whose admin roles it could try to read, as every reset does: run the check again once it has`)];
  }
  if (enough.some((t) => WHOLE_ORG_ROLES.has(t))) return [token, passed('admin role', `the token's owner is ${owner}, and may read another user's admin roles, as every reset does`)];
  return [
    token,
    warned('admin role', `the token's owner is ${owner}: it read one other user's admin roles, but Okta may limit a Help Desk or Group admin to the groups it is given: check under Security, Administrators that they hold every employee who will reset, or create the token as a Super Administrator`),
  ];
}

/** A roles read refused: the token's role when Okta refused it, else a moment's failure. */
function roleReadFailed(failure: LatchkeyFailure, what: string): SetupCheck {
  const next = failure.code === 'DIRECTORY_MISCONFIGURED' ? 'create the token as a Super Administrator, and set OKTA_API_TOKEN to it' : 'run the check again; if it fails again, check the network path to Okta';
  return failedBy('admin role', `${failure.detail ?? failure.code}: ${what}: ${next}`, failure.code);
}
