import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLatchkey } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { Harness } from '../support/harness';

const ROOT = join(__dirname, '..', '..');

describe('starting Latchkey', () => {
  it('with bad configuration, exits with a readable list of every problem and no stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
      cwd: join(ROOT, 'test'), // no .env here
      env: { PATH: process.env.PATH, SLACK_BOT_TOKEN: 'xoxp-a-user-token', PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Latchkey cannot start: the configuration has problems.');
    expect(run.stderr).toContain('  - SLACK_SIGNING_SECRET: is required');
    expect(run.stderr).toContain('  - SLACK_BOT_TOKEN: is a user token (xoxp-…), which acts as the person who installed the app: use the Bot User OAuth Token (xoxb-…) from OAuth & Permissions');
    expect(run.stderr).toContain('  - PORT: must be a port number');
    expect(run.stderr).toMatch(/ {2}- No credential is set up, so there is nothing to reset\. Set up at least one: Okta .*, end of support 2026-02-20: set CHIME_ACCOUNT_ID\. /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain('xoxp-a-user-token');
  });

  it('a key .env sets twice is said by name and lines, with which one is read, never by value: in the line of the problem it causes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-start-'));
    try {
      writeFileSync(join(dir, '.env'), ['SLACK_BOT_TOKEN=xoxb-the-fixed-token', 'SLACK_SIGNING_SECRET=8f742231b10e8888abcd99aaabbb85a5', 'SLACK_BOT_TOKEN=xoxp-the-old-token'].join('\n'));
      // The built entry point (globalSetup builds it): tsx would be looked for from the scratch folder.
      const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js')], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 20_000 });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain("  - SLACK_BOT_TOKEN: is a user token (xoxp-…), which acts as the person who installed the app: use the Bot User OAuth Token (xoxb-…) from OAuth & Permissions (SLACK_BOT_TOKEN is set twice in .env, lines 1 and 3: the value read is line 3's; keep one line for it)");
      expect(run.stderr).not.toMatch(/the-fixed-token|the-old-token/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a .env that is there but cannot be read (here a directory) is one line naming the file and what to do, with no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-start-'));
    try {
      // A directory, not a file without read permission: the tests run as root, whom chmod does not stop.
      mkdirSync(join(dir, '.env'));
      const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js')], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 20_000 });
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(
        `Latchkey cannot start: ${join(realpathSync(dir), '.env')} is a directory, not a file. Latchkey reads its settings from .env when it is there: move the directory away, then give the settings in a .env file or in the environment alone.\n`,
      );
      expect(run.stderr).not.toContain('    at ');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a .env that is a named pipe nothing writes to is refused after 5 s in one line, exit 2: reading one waited for a writer, and the start hung there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-start-'));
    try {
      execFileSync('mkfifo', [join(dir, '.env')]);
      // Killed if it hangs, as it did: the test fails on the status, not on a runner that never returns.
      const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js')], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 40_000, killSignal: 'SIGKILL' });
      // The wait said once, after a second (before: nothing until the refusal).
      expect(run.stderr).toBe(`Nothing written to ${join(realpathSync(dir), '.env')} yet: waiting up to 5 s in all for the tool that serves it (for example 1Password) to write the settings. If that tool asks you to unlock it or to allow access, do so.\nLatchkey cannot start: ${join(realpathSync(dir), '.env')} is a named pipe (FIFO) that nothing wrote settings to within 5 s. Latchkey reads its settings from .env when it is there: if a tool serves it (1Password Environments mounts .env so), unlock that tool and check the file is enabled there, then run this again; otherwise make .env a regular file of NAME=value lines, or move it away to give the settings in the environment alone.\n`);
      expect(run.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('answers /healthz with 200 and JSON once ready', async () => {
    const h = await Harness.start();
    try {
      const res = await fetch(`${h.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', checks: { dynamodb: 'ok' } });
    } finally {
      await h.stop();
    }
  });

  it('asks DynamoDB for its three tables at once, not one after another, and its first /healthz needs no DynamoDB call of its own: the start has just read the audit table', async () => {
    // Each call a start waits on one after another is one more round trip before the first /healthz answers 200 (the 1 s budget).
    const h = await Harness.start({ dynamoGate: true });
    const loaded = loadConfig({ ...h.env, DYNAMODB_CREATE_TABLES: 'false' });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const latchkey = createLatchkey(loaded.config, { logger: createLogger('silent') });
    // The harness's own start made the tables (DYNAMODB_CREATE_TABLES=true): only this start's calls count.
    const before = h.dynamoGate.seen.length;
    const describes = () => h.dynamoGate.seen.slice(before).filter((c) => c.operation === 'DescribeTable').map((c) => (JSON.parse(c.body) as { TableName: string }).TableName);
    try {
      const release = h.dynamoGate.delay((c) => c.operation === 'DescribeTable');
      const started = latchkey.start();
      // Every table is asked before any answer comes back (the answers wait for release()).
      for (const deadline = Date.now() + 3_000; describes().length < 3 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      expect(describes().sort()).toEqual([loaded.config.approvalsTableName, loaded.config.audit.tableName, loaded.config.limits.tableName].sort());
      release();
      const { port } = await started;
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', checks: { dynamodb: 'ok' } });
      expect(describes()).toHaveLength(3);
    } finally {
      // A start that failed has no receiver to stop.
      await latchkey.stop().catch(() => undefined);
      await h.stop();
    }
  });

  it('answers "not enabled here" for a directory that is not configured', async () => {
    const h = await Harness.start({ without: ['password'] });
    try {
      const res = await h.command('/reset-password', 'UANN');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        response_type: 'ephemeral',
        text: 'Amazon WorkMail password resets are not enabled in this workspace. Ask IT how to reset it.',
      });
      expect(h.slack.callsTo('views.open')).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});
