import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
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
    expect(run.stderr).toContain('  - SLACK_BOT_TOKEN: must be a bot token (xoxb-…)');
    expect(run.stderr).toContain('  - PORT: must be a port number');
    expect(run.stderr).toMatch(/ {2}- CHIME_ACCOUNT_ID: set CHIME_ACCOUNT_ID.* or .*: with none of them there is nothing to reset/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain('xoxp-a-user-token');
  });

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
