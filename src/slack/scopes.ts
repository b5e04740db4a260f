/**
 * The bot token scopes Latchkey uses, as manifest.yml asks for them (a unit test keeps the two the
 * same). `npm run doctor` compares them with the scopes the token has (auth.test's x-oauth-scopes).
 */
export const BOT_SCOPES = ['commands', 'users:read', 'users:read.email', 'chat:write', 'im:write', 'usergroups:read', 'channels:read', 'groups:read'] as const;

/**
 * How a scope the token lacks is granted, as README's "Changed .env later?" says: the manifest is
 * made from .env and asks for every scope the setup needs, so making it again and pasting it
 * keeps the app's scopes and commands with the settings (manifest.yml is only the every-credential
 * example, and a scope added by hand is lost at the next paste).
 */
export const GRANT_SCOPES_HOW =
  "make the manifest again (npm run -s manifest, with your --url or --socket-mode), paste it on the app's App Manifest page at api.slack.com/apps, save, and reinstall the app";

/** Needed only with ADMIN_USERGROUP_ID, or only to check the approvals channel while it is in use (approvalsChannelInUse): the rest are needed by every setup. */
export function scopesNeeded(options: { usergroup: boolean; approvalsChannel: boolean }): string[] {
  return BOT_SCOPES.filter((s) => {
    if (s === 'usergroups:read') return options.usergroup;
    if (s === 'channels:read' || s === 'groups:read') return options.approvalsChannel;
    return true;
  });
}
