import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CREDENTIALS } from '../../src/credentials';
import { HOME_OPENED_EVENT } from '../../src/handlers/home-opened';
import { CORE_COMMANDS } from '../../src/core-commands';
import { BOT_SCOPES } from '../../src/slack/scopes';
import { slackManifest, manifestPartsOf } from '../../src/slack/manifest';
import { loadConfig } from '../../src/config';
import { manifestSchemaErrors } from '../support/manifest-schema';

const manifest = parse(readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8'));

describe('manifest.yml', () => {
  it("validates against Slack's app manifest schema", () => {
    expect(manifestSchemaErrors(manifest)).toEqual([]);
  });

  it('is what npm run manifest makes for every credential (each at its default policy), with license requests, at https://latchkey.example.com: the two cannot drift', () => {
    const all = slackManifest({
      credentials: CREDENTIALS.map((c) => ({ command: c.command, words: c.words, policy: c.policy?.default ?? 'self-service' })),
      licenses: CREDENTIALS.find((c) => c.licenses)!.licenses!.words,
      scopes: BOT_SCOPES,
      origin: 'https://latchkey.example.com',
    });
    expect(manifest.features.slash_commands).toEqual((all.features as { slash_commands: unknown }).slash_commands);
    expect(manifest).toEqual(all);
  });

  it("says each credential's command in its plug-in's own words (words.commandDescription), the policy's note joined to them", () => {
    const described = Object.fromEntries(manifest.features.slash_commands.map((c: { command: string; description: string }) => [c.command, c.description]));
    expect(described).toMatchObject({
      '/reset-okta-password': 'Reset your Okta password (you choose a new one at your next sign-in)',
      '/unlock-okta': 'Unlock your locked-out Okta account and keep your password',
      '/reset-okta-mfa': 'New phone? Remove your Okta sign-in factors and enrol again (an admin approves)',
      '/reset-entra-password': 'Reset your Microsoft 365 password (you choose a new one at your next sign-in)',
    });
  });

  it("a credential whose words give no command description is said '<Verb> your <what>', with its policy's note", () => {
    const described = (words: { what: string; change?: { verb: string; doing: string; plural: string; done: string }; commandDescription?: string }, policy: 'self-service' | 'verify' | 'approval') =>
      (slackManifest({ credentials: [{ command: '/reset-x', words, policy }], scopes: BOT_SCOPES }).features as { slash_commands: { description: string }[] }).slash_commands[0]!.description;
    expect(described({ what: 'Acme badge PIN' }, 'self-service')).toBe('Reset your Acme badge PIN');
    expect(described({ what: 'Acme account', change: { verb: 'unlock', doing: 'unlocking', plural: 'unlocks', done: 'unlocked' } }, 'approval')).toBe('Unlock your Acme account (an admin approves)');
    expect(described({ what: 'Acme password', commandDescription: 'Reset your Acme (SSO) password (the old one stops working)' }, 'verify')).toBe(
      'Reset your Acme (SSO) password (you approve a push on your phone; the old one stops working)',
    );
  });

  it("declares exactly the registry's commands and /request-license, each at the events endpoint", () => {
    const commands = manifest.features.slash_commands.map((c: { command: string; url: string }) => [c.command, new URL(c.url).pathname]);
    const answered = [...CREDENTIALS.map((c) => c.command), ...CORE_COMMANDS];
    expect(commands.map(([command]: string[]) => command).sort()).toEqual([...answered].sort());
    for (const command of answered) expect(commands).toContainEqual([command, '/slack/events']);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe('/slack/events');
  });

  it('declares every slash command alike: the same fields, and should_escape false (user and channel mentions arrive as typed)', () => {
    const commands: Record<string, unknown>[] = manifest.features.slash_commands;
    for (const command of commands) {
      expect([command.command, Object.keys(command).sort()]).toEqual([command.command, ['command', 'description', 'should_escape', 'url']]);
      expect([command.command, command.should_escape]).toEqual([command.command, false]);
    }
  });

  it('subscribes to exactly the events the app answers, at the events endpoint, with the Home tab on', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([HOME_OPENED_EVENT]);
    expect(manifest.settings.event_subscriptions.user_events).toBeUndefined();
    expect(new URL(manifest.settings.event_subscriptions.request_url).pathname).toBe('/slack/events');
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('asks for exactly the bot scopes Latchkey uses, nothing broader, and they are the ones npm run doctor checks for', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      ['channels:read', 'chat:write', 'commands', 'groups:read', 'im:write', 'usergroups:read', 'users:read', 'users:read.email'].sort(),
    );
    expect([...BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });
});

describe('npm run manifest for a configuration (manifestPartsOf)', () => {
  const SLACK = { SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99aaabbb85a5', SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_TEAM_ID: 'T0LATCHKEY' };
  const OKTA = { OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: '00okta-api-token-of-forty-characters-xx', RESET_POLICY: 'okta_password=self-service' };
  const CHANNEL = { APPROVALS_CHANNEL_ID: 'C0APPROVALS', ADMIN_USER_IDS: 'UADA,UMAX' };
  const scopesFor = (env: Record<string, string>) => {
    const loaded = loadConfig({ ...SLACK, ...env });
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    return manifestPartsOf(loaded.config).scopes;
  };
  const CHANNEL_SCOPES = ['channels:read', 'groups:read'];

  it('asks for the scopes to read the approvals channel (the Setup check sees the bot is in it) whenever anything posts there: a reset under the approval policy, not only license requests', () => {
    // Okta only, /reset-okta-mfa under approval (its default): its requests go to the approvals channel.
    expect(scopesFor({ ...OKTA, ...CHANNEL })).toEqual(expect.arrayContaining(CHANNEL_SCOPES));
    // Amazon WorkMail only, named approval in RESET_POLICY: the same.
    const workmail = { WORKMAIL_ORGANIZATION_ID: `m-${'a'.repeat(32)}` };
    expect(scopesFor({ ...workmail, ...CHANNEL, RESET_POLICY: 'password=approval' })).toEqual(expect.arrayContaining(CHANNEL_SCOPES));
    const selfService = scopesFor(workmail);
    expect(CHANNEL_SCOPES.filter((s) => selfService.includes(s))).toEqual([]);
    // Nothing posts to a channel (no approvals channel, so /reset-okta-mfa is off): not asked for.
    const none = scopesFor(OKTA);
    expect(CHANNEL_SCOPES.filter((s) => none.includes(s))).toEqual([]);
  });
});
