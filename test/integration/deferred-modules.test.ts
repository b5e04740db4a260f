import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * The server defers modules it rarely or never runs (src/deferred-modules.ts): checked in a fresh
 * process, as main.ts loads them, since this test process has loaded them all already.
 */
function inFreshProcess(script: string): Record<string, unknown> {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH } });
  if (run.status !== 0) throw new Error(`child failed (${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

const loaded = `Object.keys(require.cache).filter((f) => /node_modules\\/(undici|@slack\\/socket-mode|jsonwebtoken)\\/|zod\\/v4\\/locales\\/(?!en|index)/.test(f)).length`;

describe('modules the server defers until used', () => {
  it('stay unloaded through the composition of the whole app', () => {
    const out = inFreshProcess(`
      require('./src/deferred-modules');
      const { loadConfig } = require('./src/config');
      const { createLatchkey } = require('./src/app');
      const { createLogger } = require('./src/logger');
      const config = loadConfig({ SLACK_SIGNING_SECRET: 'x'.repeat(32), SLACK_BOT_TOKEN: 'xoxb-1', SLACK_TEAM_ID: 'T0LATCHKEY', SLACK_API_URL: 'http://127.0.0.1:9/api/', SLACK_API_RETRIES: '0', CHIME_ACCOUNT_ID: '5f2c1d2e-8a7b-4c3d-9e8f-0a1b2c3d4e5f' });
      if (!config.ok) throw new Error(config.problems.join());
      createLatchkey(config.config, { logger: createLogger('silent') });
      console.log(JSON.stringify({ loaded: ${loaded} }));
      process.exit(0); // Bolt's auth.test, to nowhere, is still in flight
    `);
    expect(out.loaded).toBe(0);
  });

  it('stay unloaded while the app calls Slack over its own HTTP stack', () => {
    const out = inFreshProcess(`
      require('./src/deferred-modules');
      const { createServer } = require('node:http');
      const { httpFetch } = require('./src/http/fetch');
      const server = createServer((req, res) => res.end('{"ok":true}')).listen(0, '127.0.0.1', async () => {
        const res = await httpFetch()('http://127.0.0.1:' + server.address().port + '/api/auth.test', { method: 'POST', body: 'token=x' });
        console.log(JSON.stringify({ answer: await res.json(), loaded: ${loaded} }));
        process.exit(0);
      });
    `);
    expect(out).toEqual({ answer: { ok: true }, loaded: 0 });
  });

  it('load when used: Socket Mode, the OAuth installer, zod translations', () => {
    const out = inFreshProcess(`
      require('./src/deferred-modules');
      const { loadSocketModeReceiver } = require('./src/slack/bolt');
      const before = ${loaded};
      const SocketModeReceiver = loadSocketModeReceiver();
      const receiver = new SocketModeReceiver({ appToken: 'xapp-1-test' });
      const { InstallProvider } = require('@slack/oauth');
      const { z } = require('zod');
      console.log(JSON.stringify({ before, receiver: typeof receiver.start, installer: typeof InstallProvider, german: typeof z.locales.de, after: ${loaded} }));
    `);
    expect(out).toMatchObject({ before: 0, receiver: 'function', installer: 'function', german: 'function' });
    expect(out.after).toBeGreaterThan(0);
  });
});
