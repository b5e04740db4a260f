import { LatchkeyFailure } from '../flows/failure';

/** What Slack answers for a token it will never accept: no retry can help. */
export const REFUSED_TOKEN_ERRORS: ReadonlySet<string> = new Set(['not_authed', 'invalid_auth', 'account_inactive', 'token_revoked', 'token_expired']);

/** Slack errors that mean the app itself is set up wrong, not that Slack is having a bad minute: a refused token, or one without the scopes or rights. */
const SETUP_ERRORS = new Set([...REFUSED_TOKEN_ERRORS, 'no_permission', 'missing_scope', 'not_allowed_token_type', 'team_access_not_granted']);

/** The `error` field of a Slack Web API failure, when there is one. */
export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Slack refused the token, and the client that met it has paged for it (token-watch.ts): no alert of its own. */
export function tokenRefusalSaid(err: unknown): boolean {
  return (err as { tokenRefusalSaid?: unknown } | undefined)?.tokenRefusalSaid === true;
}

export function toSlackFailure(err: unknown, doing: string): LatchkeyFailure {
  const code = slackErrorCode(err);
  const said = code ?? (err instanceof Error ? err.message : String(err));
  // The client's own messages start with the method already ("users.info: Slack answered HTTP 503").
  const detail = said.startsWith(`${doing}: `) ? said : `${doing}: ${said}`;
  return new LatchkeyFailure(code && SETUP_ERRORS.has(code) ? 'SLACK_MISCONFIGURED' : 'SLACK_UNAVAILABLE', detail, {
    cause: err,
    ...(tokenRefusalSaid(err) && { alerted: true }),
  });
}
