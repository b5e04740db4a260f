/**
 * The bot token scopes Latchkey uses, as manifest.yml asks for them (a unit test keeps the two the
 * same). `npm run doctor` compares them with the scopes the token has (auth.test's x-oauth-scopes).
 */
export const BOT_SCOPES = ['commands', 'users:read', 'users:read.email', 'chat:write', 'im:write', 'usergroups:read', 'channels:read', 'groups:read'] as const;

/** Needed only with ADMIN_USERGROUP_ID, or only to check the approvals channel while it is in use (approvalsChannelInUse): the rest are needed by every setup. */
export function scopesNeeded(options: { usergroup: boolean; approvalsChannel: boolean }): string[] {
  return BOT_SCOPES.filter((s) => {
    if (s === 'usergroups:read') return options.usergroup;
    if (s === 'channels:read' || s === 'groups:read') return options.approvalsChannel;
    return true;
  });
}
