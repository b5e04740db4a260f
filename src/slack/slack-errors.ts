import { LatchkeyFailure } from '../flows/failure';

/** Slack errors that mean the app itself is set up wrong, not that Slack is having a bad minute. */
const SETUP_ERRORS = new Set([
  'not_authed', 'invalid_auth', 'account_inactive', 'token_revoked', 'token_expired',
  'no_permission', 'missing_scope', 'not_allowed_token_type', 'team_access_not_granted',
]);

/** The `error` field of a Slack Web API failure, when there is one. */
export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

export function toSlackFailure(err: unknown, doing: string): LatchkeyFailure {
  const code = slackErrorCode(err);
  const detail = `${doing}: ${code ?? (err instanceof Error ? err.message : String(err))}`;
  return new LatchkeyFailure(code && SETUP_ERRORS.has(code) ? 'SLACK_MISCONFIGURED' : 'SLACK_UNAVAILABLE', detail, {
    cause: err,
  });
}
