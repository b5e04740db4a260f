import type { FailureCode } from '../flows/failure';
import type { SubjectWords } from './words';

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
  SLACK_UNAVAILABLE: 'Slack unavailable',
  SLACK_MISCONFIGURED: 'Slack misconfigured',
  DIRECTORY_USER_NOT_FOUND: 'no directory account',
  DIRECTORY_USER_AMBIGUOUS: 'several directory accounts',
  DIRECTORY_USER_SUSPENDED: 'account suspended',
  DIRECTORY_USER_DISABLED: 'account disabled',
  DIRECTORY_USER_NOT_A_PERSON: 'not a person’s account',
  DIRECTORY_USER_NOT_ACTIVATED: 'account not activated',
  DIRECTORY_USER_PRIVILEGED: 'admin account',
  DIRECTORY_USER_REFUSED: 'refused by the directory',
  DIRECTORY_THROTTLED: 'directory throttled',
  DIRECTORY_UNAVAILABLE: 'directory unavailable',
  DIRECTORY_REJECTED: 'directory refused',
  DIRECTORY_MISCONFIGURED: 'directory misconfigured',
  DIRECTORY_NOT_ENABLED: 'not enabled',
  LICENSE_REQUEST_OPEN: 'request already open',
  NOT_ADMIN: 'not an admin',
  SELF_REVIEW: 'own request',
  REQUEST_NOT_FOUND: 'request not found',
  REQUEST_DECIDED: 'already decided',
  RATE_LIMITED: 'personal limit',
  RESETS_PAUSED: 'organisation-wide limit',
  VERIFY_NO_FACTOR: 'no push device',
  VERIFY_REJECTED: 'push rejected',
  VERIFY_TIMEOUT: 'push not answered',
  VERIFY_UNAVAILABLE: 'verifier unavailable',
  VERIFY_MISCONFIGURED: 'verifier misconfigured',
  PUSH_LIMITED: 'push limit',
  APPROVAL_UNAVAILABLE: 'approval not offered',
  REQUEST_EXPIRED: 'confirmation expired',
  REQUEST_INVALID: 'confirmation invalid',
  REQUEST_ALREADY_USED: 'confirmation reused',
  AUDIT_UNAVAILABLE: 'audit log unavailable',
  STORE_UNAVAILABLE: 'storage unavailable',
  INTERNAL: 'internal error',
};

/** With a directory's own refusal, its label (from its credential's words) when known. */
export function failureLabel(code: FailureCode, refusal?: { reason?: string; words?: Pick<SubjectWords, 'refusals'> }): string {
  const own = code === 'DIRECTORY_USER_REFUSED' && refusal?.reason !== undefined ? (refusal.words?.refusals?.[refusal.reason]?.label ?? refusal.reason) : undefined;
  return own ? `${LABELS[code]}: ${own}` : LABELS[code];
}
