import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Harness } from '../support/harness';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/**
 * Issue 26 §4, against the built process (dist/main.js): what the README and docs/deploy.md say a
 * start does. A refused token, a Slack that cannot be reached (after a bounded retry), missing AWS
 * credentials and a missing table each end the start with a fatal line naming what to fix, and
 * exit status 1; before the fix the first two said "Latchkey is ready" and served, and the last two
 * said "ready" with /healthz answering 503.
 */
describe('a start that cannot go on', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Runs the server until it exits (or `ms` pass): its exit status and its log lines. */
  function run(env: Record<string, string | undefined>, ms = 30_000, stopWhenReady = false): Promise<{ status: number | null; lines: Record<string, any>[]; output: string }> {
    const aws = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AWS_')));
    const merged = { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), 'latchkey-home-')), ...aws, ...h.env, DYNAMODB_CREATE_TABLES: 'false', ...env, PORT: '0' };
    const child = spawn(process.execPath, [MAIN], {
      cwd: join(__dirname, '..'),
      env: Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as Record<string, string>,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (stopWhenReady && output.includes('"Latchkey is ready"')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      child.on('exit', (status) => {
        clearTimeout(timer);
        const lines = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
        resolve({ status, lines, output });
      });
    });
  }
  const fatal = (lines: Record<string, any>[]) => lines.filter((l) => l.level === 'fatal');

  it.each(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked'])('a token Slack refuses (%s) is a fatal line naming SLACK_BOT_TOKEN, and exit 1', async (error) => {
    h.slack.failNext('auth.test', { error });
    const { status, lines, output } = await run({});
    expect(status).toBe(1);
    expect(fatal(lines)).toEqual([expect.objectContaining({ msg: 'Latchkey could not start', err: expect.stringMatching(new RegExp(`SLACK_BOT_TOKEN.*${error}`)) })]);
    expect(output).not.toContain('Latchkey is ready');
    expect(output).not.toContain(h.env.SLACK_BOT_TOKEN);
    expect(output).not.toContain('unhandled promise rejection');
  });

  it('a Slack that cannot be reached is tried again, then a fatal line naming SLACK_API_URL, and exit 1', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const started = Date.now();
    const { status, lines, output } = await run({ SLACK_API_URL: `http://127.0.0.1:${port}/api/` });
    expect(status).toBe(1);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(lines.filter((l) => l.msg === 'Slack not reachable at start; trying again')).toHaveLength(3);
    expect(fatal(lines)).toEqual([expect.objectContaining({ err: expect.stringMatching(/SLACK_API_URL after 4 tries \(.*ECONNREFUSED\)/) })]);
    expect(output).not.toContain('Latchkey is ready');
  }, 40_000);

  it("a SLACK_API_URL that answers with a web page, not Slack's JSON, is a fatal line naming SLACK_API_URL, without the page, and exit 1", async () => {
    const page = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Welcome to our intranet</body></html>'));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    try {
      const { status, lines, output } = await run({ SLACK_API_URL: `http://127.0.0.1:${(page.address() as { port: number }).port}/` });
      expect(status).toBe(1);
      expect(fatal(lines)).toEqual([expect.objectContaining({ err: expect.stringMatching(/SLACK_API_URL did not answer as Slack's API does.*check SLACK_API_URL/) })]);
      expect(output).not.toContain('intranet');
      expect(output).not.toContain('Latchkey is ready');
    } finally {
      page.closeAllConnections();
      await new Promise((resolve) => page.close(resolve));
    }
  });

  it('a table that does not exist is a fatal line naming its variable and table, and exit 1', async () => {
    const { status, lines, output } = await run({ RATE_LIMIT_TABLE_NAME: 'latchkey-nowhere' });
    expect(status).toBe(1);
    expect(fatal(lines)).toEqual([expect.objectContaining({ err: expect.stringContaining('RATE_LIMIT_TABLE_NAME: table latchkey-nowhere does not exist') })]);
    expect(output).not.toContain('Latchkey is ready');
  });

  it('no AWS credentials at all is a fatal line saying so, and exit 1', async () => {
    const { status, lines, output } = await run({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(status).toBe(1);
    expect(fatal(lines)).toEqual([expect.objectContaining({ err: expect.stringContaining('no AWS credentials found') })]);
    expect(output).not.toContain('Latchkey is ready');
  });

  it('with everything in place it starts, as before', async () => {
    const { lines } = await run({}, 20_000, true);
    expect(lines.some((l) => l.msg === 'Latchkey is ready')).toBe(true);
    expect(fatal(lines)).toEqual([]);
  });
});
