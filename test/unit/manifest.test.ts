import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CREDENTIALS } from '../../src/credentials';
import { HOME_OPENED_EVENT } from '../../src/handlers/home-opened';
import { CORE_COMMANDS } from '../../src/core-commands';
import { BOT_SCOPES } from '../../src/slack/scopes';
import { slackManifest } from '../../src/slack/manifest';
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
