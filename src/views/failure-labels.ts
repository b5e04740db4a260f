import { CLOSE_UNREAD, isFailureCode, SENT_UNANSWERED, type FailureCode } from '../flows/failure';
import { escapeMrkdwn } from './blocks';
import type { SubjectWords } from './words';

/**
 * Slack calls some members who joined through SSO unconfirmed, and they have no email to confirm
 * it with: where the workspace requires SSO, the setting is the fix, so the admin reading the
 * refusal (audit search, Home tab, the doctor's person check) is told it.
 */
const SSO_HINT = 'if your workspace requires SSO to sign in, set `SLACK_EMAILS_VERIFIED_BY_SSO=true`';

/**
 * Each failure in a few words, for the admin's counts and lists (the person who met it was told
 * in full, by failure-message.ts). A record keyed by every code, so a new code needs its words.
 */
const LABELS: Record<FailureCode, string> = {
  SLACK_WRONG_WORKSPACE: 'another workspace',
  SLACK_USER_NOT_FOUND: 'Slack user not found',
  SLACK_USER_DEACTIVATED: 'deactivated Slack user',
  SLACK_USER_IS_BOT: 'a bot',
  SLACK_USER_IS_GUEST: 'a guest',
  SLACK_USER_NO_EMAIL: 'no email in Slack',
  SLACK_EMAIL_UNCONFIRMED: `email not confirmed in Slack; ${SSO_HINT}`,
  SLACK_UNAVAILABLE: 'Slack unavailable',
  SLACK_MISCONFIGURED: 'Slack misconfigured',
  DIRECTORY_USER_NOT_FOUND: 'no directory account',
  DIRECTORY_USER_AMBIGUOUS: 'several directory accounts',
  DIRECTORY_USER_SUSPENDED: 'account suspended',
  DIRECTORY_USER_DISABLED: 'account disabled',
  DIRECTORY_USER_NOT_A_PERSON: 'not a person’s account',
  DIRECTORY_USER_NOT_ACTIVATED: 'account not activated',
  DIRECTORY_USER_PRIVILEGED: 'admin account',
  DIRECTORY_USER_REFUSED: 'account Latchkey may not change',
  NOTHING_TO_CHANGE: 'nothing to change',
  DIRECTORY_THROTTLED: 'directory throttled',
  DIRECTORY_UNAVAILABLE: 'directory unavailable',
  DIRECTORY_OUTCOME_UNKNOWN: 'change not confirmed: outcome unknown',
  DIRECTORY_REJECTED: 'directory refused',
  DIRECTORY_MISCONFIGURED: 'directory misconfigured',
  DIRECTORY_NOT_ENABLED: 'not enabled',
  REQUEST_OPEN: 'request already open',
  LICENSE_REQUEST_OPEN: 'request already open',
  NOT_ADMIN: 'not an admin',
  ADMIN_IS_GUEST: 'an admin who is a guest',
  ADMIN_GROUP_UNREADABLE: 'admin group unreadable',
  SELF_REVIEW: 'own request',
  REQUEST_NOT_FOUND: 'request not found',
  REQUEST_DECIDED: 'already decided',
  REQUEST_WITHDRAWN: 'withdrawn by the requester',
  APPROVAL_REVOKED: 'approval revoked by an admin',
  FINISH_STARTED: "requester's finish already started",
  RATE_LIMITED: 'personal limit',
  RESETS_PAUSED: 'organization-wide limit',
  VERIFY_NO_FACTOR: 'no push device',
  VERIFY_USER_REFUSED: 'person the verifier will not push to',
  VERIFY_REJECTED: 'push rejected',
  VERIFY_TIMEOUT: 'push not answered',
  VERIFY_CANCELLED: 'push cancelled by the person',
  VERIFY_UNAVAILABLE: 'verifier unavailable',
  VERIFY_MISCONFIGURED: 'verifier misconfigured',
  VERIFY_ANSWER_UNTRUSTED: 'verifier answer not trusted',
  PUSH_LIMITED: 'push limit',
  REQUEST_EXPIRED: 'confirmation expired',
  REQUEST_INVALID: 'confirmation invalid',
  REQUEST_ALREADY_USED: 'confirmation reused',
  AUDIT_UNAVAILABLE: 'audit log unavailable',
  OUT_OF_TIME: 'out of time before the change',
  STORE_UNAVAILABLE: 'storage unavailable',
  STORE_OUTCOME_UNKNOWN: 'storage did not confirm the write: outcome unknown',
  INTERNAL: 'internal error',
};

/**
 * A code read back from the audit log that this version no longer lists (a past version wrote it):
 * shown as written, as code, since no words for it are left.
 */
export function recordedCode(code: string): string {
  return `\`${escapeMrkdwn(code).replace(/`/g, "'")}\``;
}

/**
 * A directory's own reason with no words here (its credential is no longer served, or no longer
 * lists it: an old record): said to be one, as recorded.
 */
const unworded = (reason: string) => `for a reason of its own, recorded as ${recordedCode(reason)}`;

/**
 * The core's own reasons (set by the flow, naming no verifier or directory), by the code they come
 * with: a reader of the log tells a push that never went out from one sent and then not heard of.
 */
const CORE_REASONS: Partial<Record<FailureCode, Readonly<Record<string, string>>>> = {
  VERIFY_UNAVAILABLE: { [SENT_UNANSWERED]: 'push sent, then no answer' },
  STORE_UNAVAILABLE: { [CLOSE_UNREAD]: 'while a push waited' },
};

/**
 * With a directory's own refusal, its label (from its credential's words) when known; with a reason
 * of the core's, its label; with a verifier's own reason (`verifierReasons`: its plug-in's
 * `words.reasons`), its label, or, its verifier no longer listed, the reason as recorded.
 */
export function failureLabel(
  code: string,
  refusal?: { reason?: string; words?: Pick<SubjectWords, 'refusals'>; verifierReasons?: Readonly<Record<string, { readonly label: string }>> },
): string {
  if (!isFailureCode(code)) return recordedCode(code);
  const core = refusal?.reason !== undefined ? CORE_REASONS[code]?.[refusal.reason] : undefined;
  if (core) return `${LABELS[code]}: ${core}`;
  if (code.startsWith('VERIFY_') && refusal?.reason !== undefined) {
    const label = refusal.verifierReasons?.[refusal.reason]?.label;
    return label ? `${LABELS[code]}: ${label}` : `${LABELS[code]}, ${unworded(refusal.reason)}`;
  }
  if ((code !== 'DIRECTORY_USER_REFUSED' && code !== 'NOTHING_TO_CHANGE') || refusal?.reason === undefined) return LABELS[code];
  const label = refusal.words?.refusals?.[refusal.reason]?.label;
  return label ? `${LABELS[code]}: ${label}` : `${LABELS[code]}, ${unworded(refusal.reason)}`;
}

/**
 * Refusals counted, as a person would say them: "2 requests from guests", "1 request from a
 * suspended account". Each counts requests, never people or accounts (one person asking four times
 * is four). A record keyed by every code, like the labels, so a new code needs its words.
 */
const COUNTED: Record<FailureCode, readonly [one: string, many: string]> = {
  SLACK_WRONG_WORKSPACE: ['request from another workspace', 'requests from another workspace'],
  SLACK_USER_NOT_FOUND: ['request from an unknown Slack user', 'requests from unknown Slack users'],
  SLACK_USER_DEACTIVATED: ['request from a deactivated Slack user', 'requests from deactivated Slack users'],
  SLACK_USER_IS_BOT: ['request from a bot', 'requests from bots'],
  SLACK_USER_IS_GUEST: ['request from a guest', 'requests from guests'],
  SLACK_USER_NO_EMAIL: ['request with no email in Slack', 'requests with no email in Slack'],
  SLACK_EMAIL_UNCONFIRMED: ['request with an email not confirmed in Slack', 'requests with emails not confirmed in Slack'],
  SLACK_UNAVAILABLE: ['time Slack did not answer', 'times Slack did not answer'],
  SLACK_MISCONFIGURED: ['Slack misconfiguration', 'Slack misconfigurations'],
  DIRECTORY_USER_NOT_FOUND: ['request with no directory account', 'requests with no directory account'],
  DIRECTORY_USER_AMBIGUOUS: ['request from an email with several directory accounts', 'requests from emails with several directory accounts'],
  DIRECTORY_USER_SUSPENDED: ['request from a suspended account', 'requests from suspended accounts'],
  DIRECTORY_USER_DISABLED: ['request from a disabled account', 'requests from disabled accounts'],
  DIRECTORY_USER_NOT_A_PERSON: ['request for a shared or system account', 'requests for shared or system accounts'],
  DIRECTORY_USER_NOT_ACTIVATED: ['request from an account not activated yet', 'requests from accounts not activated yet'],
  DIRECTORY_USER_PRIVILEGED: ['request from an admin account', 'requests from admin accounts'],
  DIRECTORY_USER_REFUSED: ['request from an account Latchkey may not change', 'requests from accounts Latchkey may not change'],
  NOTHING_TO_CHANGE: ['request with nothing to change', 'requests with nothing to change'],
  DIRECTORY_THROTTLED: ['time a directory was busy', 'times a directory was busy'],
  DIRECTORY_UNAVAILABLE: ['time a directory did not answer', 'times a directory did not answer'],
  DIRECTORY_OUTCOME_UNKNOWN: ['change a directory did not confirm', 'changes a directory did not confirm'],
  DIRECTORY_REJECTED: ['change a directory refused', 'changes a directory refused'],
  DIRECTORY_MISCONFIGURED: ['directory misconfiguration', 'directory misconfigurations'],
  DIRECTORY_NOT_ENABLED: ['request for something not enabled', 'requests for something not enabled'],
  REQUEST_OPEN: ['request while another was open', 'requests while another was open'],
  LICENSE_REQUEST_OPEN: ['request while another was open', 'requests while another was open'],
  NOT_ADMIN: ['click by a non-admin', 'clicks by non-admins'],
  ADMIN_IS_GUEST: ['click by an admin who is a guest', 'clicks by admins who are guests'],
  ADMIN_GROUP_UNREADABLE: ['click while the admin group could not be read', 'clicks while the admin group could not be read'],
  SELF_REVIEW: ['review of an own request', 'reviews of own requests'],
  REQUEST_NOT_FOUND: ['request not found', 'requests not found'],
  REQUEST_DECIDED: ['request already decided', 'requests already decided'],
  REQUEST_WITHDRAWN: ['decision on a withdrawn request', 'decisions on withdrawn requests'],
  APPROVAL_REVOKED: ['request whose approval was revoked', 'requests whose approval was revoked'],
  FINISH_STARTED: ["revoke after its requester's finish started", "revokes after their requester's finish started"],
  RATE_LIMITED: ["request over a person's hourly limit", "requests over a person's hourly limit"],
  RESETS_PAUSED: ['reset paused by the organization-wide limit', 'resets paused by the organization-wide limit'],
  VERIFY_NO_FACTOR: ['request from a person with no push device', 'requests from people with no push device'],
  VERIFY_USER_REFUSED: ['request from a person the verifier will not push to', 'requests from people the verifier will not push to'],
  VERIFY_REJECTED: ['push rejected', 'pushes rejected'],
  VERIFY_TIMEOUT: ['push not answered', 'pushes not answered'],
  VERIFY_CANCELLED: ['push cancelled by the person', 'pushes cancelled by the person'],
  VERIFY_UNAVAILABLE: ['time the verifier did not answer', 'times the verifier did not answer'],
  VERIFY_MISCONFIGURED: ['verifier misconfiguration', 'verifier misconfigurations'],
  VERIFY_ANSWER_UNTRUSTED: ['verifier answer not trusted', 'verifier answers not trusted'],
  PUSH_LIMITED: ["request over a person's push limit", "requests over a person's push limit"],
  REQUEST_EXPIRED: ['expired confirmation', 'expired confirmations'],
  REQUEST_INVALID: ['invalid confirmation', 'invalid confirmations'],
  REQUEST_ALREADY_USED: ['reused confirmation', 'reused confirmations'],
  AUDIT_UNAVAILABLE: ['time the audit log was unavailable', 'times the audit log was unavailable'],
  OUT_OF_TIME: ['time too little time was left to make a change', 'times too little time was left to make a change'],
  STORE_UNAVAILABLE: ['time storage was unavailable', 'times storage was unavailable'],
  STORE_OUTCOME_UNKNOWN: ['write storage did not confirm', 'writes storage did not confirm'],
  INTERNAL: ['internal error', 'internal errors'],
};

/** A Today line stays short however many reasons a day's records give (a hand-edited record can add any). */
const REASONS_NAMED = 3;

/**
 * "2 requests from guests". A directory's own refusals are said with their reasons, in their
 * credentials' words, so an admin sees what to fix: "3 requests from accounts Latchkey may not
 * change (managed by another directory; Entra ID guest account)", as failureLabel says one.
 */
export function countedRefusals(code: string, count: number, reasons: readonly { readonly words?: Pick<SubjectWords, 'refusals'>; readonly reason: string }[] = []): string {
  const labels = [...new Set(reasons.map((r) => r.words?.refusals?.[r.reason]?.label ?? unworded(r.reason)))];
  const [one, many] = isFailureCode(code) ? COUNTED[code] : [`refusal coded ${recordedCode(code)}`, `refusals coded ${recordedCode(code)}`];
  const counted = `${count} ${count === 1 ? one : many}${code === 'SLACK_EMAIL_UNCONFIRMED' ? ` (${SSO_HINT})` : ''}`;
  if (code !== 'DIRECTORY_USER_REFUSED' || labels.length === 0) return counted;
  const more = labels.length - REASONS_NAMED;
  return `${counted} (${labels.slice(0, REASONS_NAMED).join('; ')}${more > 0 ? `; ${more} other ${more === 1 ? 'reason' : 'reasons'}` : ''})`;
}
