import { networkErrorCode } from '../http/network-errors';
import { GRANT_SCOPES_HOW } from './scopes';
import { REFUSED_TOKEN_ERRORS, slackErrorCode } from './slack-errors';
import type { SlackApi } from './slack-web-api';

/** Where a person's Slack user ID is found, for an admin who knows them by their email. */
export const FIND_USER_ID = "in Slack, open the person's profile → ⋮ More → Copy member ID";

/** The way out of every failed lookup: the ID itself. */
export const ID_INSTEAD = `give their Slack user ID instead (${FIND_USER_ID})`;

/** A CLI's --person, as an operator gives it: a member's user ID, or their email (memberIdByEmail). */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
export const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** Said for a --person that is neither. */
export const PERSON_FORMS = '--person is a Slack user ID such as U0123ABCD, or their email such as ann@example.com';

/**
 * A member's Slack user ID by their email, with Slack's users.lookupByEmail (the bot token's
 * users:read.email), for a CLI whose operator knows the person by their address. Only the address
 * is sent. A failed lookup is an Error whose message says what happened and what to do, the ID
 * always among the ways out; `where` says where Slack was looked for and what to check when it did
 * not answer (start-checks.ts slackAddress).
 */
export async function memberIdByEmail(slack: Pick<SlackApi, 'users'>, email: string, where: { at: string; check: string }): Promise<string> {
  let answer: Awaited<ReturnType<SlackApi['users']['lookupByEmail']>>;
  try {
    answer = await slack.users.lookupByEmail({ email });
  } catch (err) {
    throw new Error(lookupFailure(err, email, where), { cause: err });
  }
  if (typeof answer.user?.id !== 'string') throw new Error(`Slack answered users.lookupByEmail for ${email} without a user ID: ${ID_INSTEAD}`);
  return answer.user.id;
}

/** Why a lookup failed, and what to do. */
function lookupFailure(err: unknown, email: string, where: { at: string; check: string }): string {
  const code = slackErrorCode(err);
  if (code === 'users_not_found') return `Slack has no member with the email ${email} (users_not_found): check the address, or ${ID_INSTEAD}`;
  if (code === 'missing_scope') {
    const needed = (err as { data?: { needed?: unknown } }).data?.needed;
    const scope = typeof needed === 'string' && needed !== '' ? needed : 'users:read.email';
    return `the bot token may not look up members by email (users.lookupByEmail: missing_scope, needs ${scope}): to grant ${scope}, ${GRANT_SCOPES_HOW}; or ${ID_INSTEAD}`;
  }
  if (code !== undefined && REFUSED_TOKEN_ERRORS.has(code)) {
    return `SLACK_BOT_TOKEN was refused by Slack (users.lookupByEmail: ${code}): set the bot token from your app's OAuth & Permissions page (xoxb-…), and reinstall the app if it was revoked; or ${ID_INSTEAD}`;
  }
  if (code !== undefined) return `Slack refused users.lookupByEmail (${code}): ${ID_INSTEAD}`;
  const e = err as { code?: unknown; original?: unknown; message?: unknown };
  if (e.code === 'slack_webapi_request_error') return `Slack could not be reached at ${where.at} to look up ${email} (${networkErrorCode(e.original)}): ${where.check}; or ${ID_INSTEAD}`;
  return `looking up ${email} in Slack failed (${String(e.message)}): try again in a minute, or ${ID_INSTEAD}`;
}
