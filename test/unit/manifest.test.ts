import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CREDENTIALS } from '../../src/credentials';
import { HOME_OPENED_EVENT } from '../../src/handlers/home-opened';
import { CORE_COMMANDS } from '../../src/core-commands';
import { BOT_SCOPES } from '../../src/slack/scopes';

// Slack's published manifest JSON Schemas (draft-07), copied from shared/slack with their licence.
const SCHEMAS = join(__dirname, '..', 'fixtures', 'slack-manifest-schema');
const SCHEMA_BASE = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/';
const load = (name: string) => JSON.parse(readFileSync(join(SCHEMAS, name), 'utf8'));

const manifest = parse(readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8'));

describe('manifest.yml', () => {
  it("validates against Slack's app manifest schema", () => {
    // strict: false because Slack's schema uses a non-standard `regex` keyword.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(load('manifest.schema.1.0.0.json'), `${SCHEMA_BASE}manifest.schema.1.0.0.json`);
    ajv.addSchema(load('manifest.schema.2.0.0.json'), `${SCHEMA_BASE}manifest.schema.2.0.0.json`);
    const validate = ajv.compile(load('manifest.schema.json'));
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
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
