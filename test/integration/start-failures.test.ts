import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Harness } from '../support/harness';
import { requireOption } from '../support/node-options';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/**
 * Issue 26 §4, against the built process (dist/main.js): what the README and docs/deploy.md say a
 * start does. A refused token, a Slack that cannot be reached (after a bounded retry), missing AWS
 * credentials and a missing table each end the start with a fatal line naming what to fix, and
 * exit status 1; before the fix the first two said "Latchkey is ready" and served, and the last two
 * said "ready" with /healthz answering 503. Each is said in words on stderr too, what to do included,
 * the fatal JSON line being for a stdout that is not a terminal.
 */
describe('a start that cannot go on', () => {
  let h: Harness;
  beforeAll(async () => {
    // Okta's password named self-service, as an admin who chose it does: left to its default, it is a warn line of its own.
    h = await Harness.start({ env: { RESET_POLICY: 'okta_password=self-service' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Runs the server until it exits (or `ms` pass): its exit status and its log lines. */
  function run(
    env: Record<string, string | undefined>,
    ms = 30_000,
    stopWhenReady = false,
    { atTerminal = false, cwd = join(__dirname, '..') } = {},
  ): Promise<{ status: number | null; lines: Record<string, any>[]; output: string; stderr: string }> {
    const aws = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AWS_')));
    const home = mkdtempSync(join(tmpdir(), 'latchkey-home-'));
    const merged = { PATH: process.env.PATH, HOME: home, ...aws, ...h.env, DYNAMODB_CREATE_TABLES: 'false', PORT: '0', ...env };
    // At a terminal: under script(1), whose pseudo-terminal is the server's stdout and stderr both.
    const [command, args] = atTerminal ? ['script', ['-qec', `${shellQuoted(process.execPath)} ${shellQuoted(MAIN)}`, '/dev/null']] : [process.execPath, [MAIN]];
    const child = spawn(command, args, {
      cwd,
      env: Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as Record<string, string>,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (stopWhenReady && output.includes('"Latchkey is ready"')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
      stderr += d.toString();
    });
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      child.on('exit', (status) => {
        clearTimeout(timer);
        rmSync(home, { recursive: true, force: true });
        const lines = output.split(/\r?\n/).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
        resolve({ status, lines, output, stderr });
      });
    });
  }
  const shellQuoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  /** script(1) of util-linux, which gives the server a terminal; elsewhere (macOS's takes other options) the terminal's test is skipped. */
  const withTerminal = spawnSync('script', ['--version']).stdout?.toString().includes('util-linux') ? it : it.skip;
  const fatal = (lines: Record<string, any>[]) => lines.filter((l) => l.level === 'fatal');
  /** What the start asks to check when SLACK_API_URL is set: the variable, and the way to its address. */
  const CHECK_SET = 'check SLACK_API_URL, and that this machine can reach its address: the network, DNS, and any proxy or firewall on the way';
  const TRYING_AGAIN = `Slack not reachable at start; trying again: ${CHECK_SET}`;
  /** Every warn line, by what a reader sees of it. */
  const warns = (lines: Record<string, any>[]) =>
    lines.filter((l) => l.level === 'warn').map(({ msg, waitingFor, attempt, tries, err }) => ({ msg, ...(waitingFor !== undefined && { waitingFor, attempt, tries, err }) }));
  /** A port nobody listens on any more: a Slack that cannot be reached. */
  const closedPort = () =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });

  it.each(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked'])('a token Slack refuses (%s) is a fatal line naming SLACK_BOT_TOKEN, and exit 1', async (error) => {
    h.slack.failNext('auth.test', { error });
    const { status, lines, output } = await run({});
    expect(status).toBe(1);
    expect(fatal(lines)).toEqual([expect.objectContaining({ msg: 'Latchkey could not start', err: expect.stringMatching(new RegExp(`SLACK_BOT_TOKEN.*${error}`)) })]);
    expect(output).not.toContain('Latchkey is ready');
    expect(output).not.toContain(h.env.SLACK_BOT_TOKEN);
    expect(output).not.toContain('unhandled promise rejection');
  });

  const REFUSED_IN_WORDS = [
    'Latchkey could not start:',
    "  - SLACK_BOT_TOKEN was refused by Slack (auth.test: invalid_auth): set the bot token from your app's OAuth & Permissions page (xoxb-…), and reinstall the app if it was revoked",
    'Fix it, then start Latchkey again; `npm run doctor` checks the whole setup without starting it.',
  ].join('\n');

  it('a token Slack refuses is said in words on stderr, what happened and what to do, as the configuration check says its problems; the JSON line stays on stdout, which is not a terminal here', async () => {
    h.slack.failNext('auth.test', { error: 'invalid_auth' });
    const { status, lines, stderr } = await run({});
    expect(status).toBe(1);
    expect(stderr).toBe(`${REFUSED_IN_WORDS}\n`);
    expect(fatal(lines)).toEqual([expect.objectContaining({ msg: 'Latchkey could not start', err: expect.stringContaining('SLACK_BOT_TOKEN was refused by Slack') })]);
  });

  withTerminal('at a terminal, a token Slack refuses is said once, in words with what to do, and not again as a JSON line', async () => {
    h.slack.failNext('auth.test', { error: 'invalid_auth' });
    const { status, lines, output } = await run({}, 30_000, false, { atTerminal: true });
    expect(status).toBe(1);
    expect(output.replace(/\r\n/g, '\n')).toContain(`${REFUSED_IN_WORDS}\n`);
    expect(output.match(/SLACK_BOT_TOKEN was refused/g)).toHaveLength(1);
    expect(fatal(lines)).toEqual([]);
  });

  it("a Slack that cannot be reached is tried again, one warn line per try naming what it waits for and what to check (not the client's own 'http request failed' beside it), then a fatal line naming SLACK_API_URL, and exit 1", async () => {
    const port = await closedPort();
    const { status, lines, output } = await run({ SLACK_API_URL: `http://user:secret@127.0.0.1:${port}/api/` });
    expect(status).toBe(1);
    // The start's bound, by what it counts: 4 tries, 1, 2 and 4 s apart (the client's own retries off).
    expect(lines.filter((l) => l.msg === TRYING_AGAIN).map((l) => l.retryInMs)).toEqual([1_000, 2_000, 4_000]);
    expect(warns(lines)).toEqual([1, 2, 3].map((attempt) => ({ msg: TRYING_AGAIN, waitingFor: `auth.test at http://127.0.0.1:${port}/api/`, attempt, tries: 4, err: 'Error ECONNREFUSED' })));
    expect(output).not.toContain('secret');
    expect(fatal(lines)).toEqual([
      expect.objectContaining({ err: `StartFailure: Slack could not be reached at SLACK_API_URL (http://127.0.0.1:${port}/api/) after 4 tries (Error ECONNREFUSED): ${CHECK_SET}` }),
    ]);
    expect(output).not.toContain('Latchkey is ready');
  }, 40_000);

  it('SLACK_API_URL unset, and slack.com cannot be reached: each warn line and the fatal line name slack.com (https://slack.com/api/) and what to check on the way to it, not a SLACK_API_URL nobody set', async () => {
    // This machine's DNS does not know slack.com (the fixture), whatever network the tests have.
    const { status, lines, output, stderr } = await run({ SLACK_API_URL: undefined, NODE_OPTIONS: requireOption(join(__dirname, '..', 'fixtures', 'slack-com-unknown.js')) });
    expect(status).toBe(1);
    const check = 'check that this machine can reach slack.com over HTTPS (port 443): the network, DNS, and any proxy or firewall on the way';
    expect(warns(lines)).toEqual(
      [1, 2, 3].map((attempt) => ({ msg: `Slack not reachable at start; trying again: ${check}`, waitingFor: 'auth.test at https://slack.com/api/', attempt, tries: 4, err: 'Error ENOTFOUND' })),
    );
    expect(stderr).toBe(
      [
        'Latchkey could not start:',
        `  - Slack could not be reached at slack.com (https://slack.com/api/) after 4 tries (Error ENOTFOUND): ${check}`,
        'Fix it, then start Latchkey again; `npm run doctor` checks the whole setup without starting it.',
        '',
      ].join('\n'),
    );
    expect(output).not.toContain('SLACK_API_URL');
    expect(output).not.toContain('Latchkey is ready');
  }, 40_000);

  it("a SLACK_API_URL that answers, but not as Slack's API does (a web page, a 404, a redirect), is a fatal line naming SLACK_API_URL at once, without the page, and exit 1", async () => {
    const page = createHttpServer((req, res) => {
      if (req.url === '/page/api/auth.test') res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Welcome to our intranet</body></html>');
      else if (req.url === '/moved/api/auth.test') res.writeHead(301, { location: 'https://slack.com/api/auth.test' }).end();
      else res.writeHead(404).end('no such page');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(page.address() as { port: number }).port}`;
    try {
      for (const [path, what] of [['/page/api/', 'HTTP 200, not JSON'], ['/nothing/api/', 'HTTP 404'], ['/moved/api/', 'a redirect, which is not followed']] as const) {
        const { status, lines, output } = await run({ SLACK_API_URL: `${base}${path}` });
        expect(status).toBe(1);
        expect(fatal(lines)).toEqual([expect.objectContaining({ err: `StartFailure: SLACK_API_URL did not answer as Slack's API does (auth.test: ${what}): check SLACK_API_URL (https://slack.com/api/ unless you go through a proxy)` })]);
        expect(lines.filter((l) => l.msg === TRYING_AGAIN)).toEqual([]);
        expect(output).not.toContain('intranet');
        expect(output).not.toContain('Latchkey is ready');
      }
    } finally {
      page.closeAllConnections();
      await new Promise((resolve) => page.close(resolve));
    }
  }, 30_000);

  it('a token of another workspace is a fatal line naming both and SLACK_TEAM_ID, and exit 1: it would find nobody', async () => {
    const { status, lines, output } = await run({ SLACK_TEAM_ID: 'T0ELSEWHERE' });
    expect(status).toBe(1);
    expect(fatal(lines)).toEqual([expect.objectContaining({ err: `StartFailure: SLACK_BOT_TOKEN: the token is for workspace ${h.slack.teamId}, not SLACK_TEAM_ID T0ELSEWHERE: use the bot token of the app installed in T0ELSEWHERE, or correct SLACK_TEAM_ID` })]);
    expect(output).not.toContain('Latchkey is ready');
  });

  it("a Slack that rate-limits auth.test is tried again within the start's bound, not for as long as Retry-After says, then a fatal line saying so", async () => {
    const seen: { path: string; bolts: boolean }[] = [];
    const limited = createHttpServer((req, res) => {
      seen.push({ path: req.url!, bolts: /@slack:web-api/.test(req.headers['user-agent'] ?? '') });
      res.writeHead(429, { 'retry-after': '60' }).end();
    });
    await new Promise<void>((resolve) => limited.listen(0, '127.0.0.1', resolve));
    try {
      const { status, lines } = await run({ SLACK_API_URL: `http://127.0.0.1:${(limited.address() as { port: number }).port}/api/` });
      expect(status).toBe(1);
      // The bound, by what it counts: 4 tries 1, 2 and 4 s apart, not a minute as Retry-After asks, each
      // try two auth.test (the workspace's check and Bolt's own), neither tried again by its client.
      // Bolt's last may not have left when the start gives up: they are sent together, and the
      // workspace's answer can end the start first.
      expect(seen.every((s) => s.path === '/api/auth.test')).toBe(true);
      expect(seen.filter((s) => !s.bolts)).toHaveLength(4);
      expect(seen.filter((s) => s.bolts).length).toBeGreaterThanOrEqual(3);
      expect(seen.filter((s) => s.bolts).length).toBeLessThanOrEqual(4);
      expect(lines.filter((l) => l.msg === TRYING_AGAIN).map((l) => l.retryInMs)).toEqual([1_000, 2_000, 4_000]);
      expect(fatal(lines)).toEqual([expect.objectContaining({ err: expect.stringMatching(/SLACK_API_URL \(http:\/\/127\.0\.0\.1:\d+\/api\/\) after 4 tries \(rate-limited by Slack, retry after 60 s\)/) })]);
    } finally {
      limited.closeAllConnections();
      await new Promise((resolve) => limited.close(resolve));
    }
  }, 30_000);

  it('a table that does not exist is a fatal line naming its variable and table, and exit 1', async () => {
    const { status, lines, output } = await run({ RATE_LIMIT_TABLE_NAME: 'latchkey-nowhere' });
    expect(status).toBe(1);
    expect(fatal(lines)).toEqual([expect.objectContaining({ err: expect.stringContaining('RATE_LIMIT_TABLE_NAME: table latchkey-nowhere does not exist') })]);
    expect(output).not.toContain('Latchkey is ready');
  });

  it('a Slack that cannot be reached and a table that does not exist are named in one fatal line: every problem at once', async () => {
    const port = await closedPort();
    const { status, lines, stderr } = await run({ SLACK_API_URL: `http://127.0.0.1:${port}/api/`, RATE_LIMIT_TABLE_NAME: 'latchkey-nowhere' });
    expect(status).toBe(1);
    // In words, one line each.
    expect(stderr.split('\n').filter((l) => l.startsWith('  - ')).sort()).toEqual([
      expect.stringMatching(/^ {2}- RATE_LIMIT_TABLE_NAME: table latchkey-nowhere does not exist .*: deploy the stack/),
      `  - Slack could not be reached at SLACK_API_URL (http://127.0.0.1:${port}/api/) after 4 tries (Error ECONNREFUSED): ${CHECK_SET}`,
    ]);
    expect(fatal(lines)).toEqual([
      expect.objectContaining({ err: expect.stringMatching(/SLACK_API_URL \(.*\) after 4 tries.*; RATE_LIMIT_TABLE_NAME: table latchkey-nowhere does not exist|RATE_LIMIT_TABLE_NAME: table latchkey-nowhere does not exist.*; .*SLACK_API_URL \(.*\) after 4 tries/) }),
    ]);
  }, 40_000);

  /** The SDK finds no AWS credentials: none in the environment, no files, no instance role. */
  const NO_CREDENTIALS = {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_EC2_METADATA_DISABLED: 'true',
  };

  it('no AWS credentials at all is a fatal line saying so, and exit 1', async () => {
    const { status, lines, output } = await run(NO_CREDENTIALS);
    expect(status).toBe(1);
    expect(fatal(lines)).toEqual([expect.objectContaining({ err: expect.stringContaining('no AWS credentials found') })]);
    expect(output).not.toContain('Latchkey is ready');
  });

  const NO_REGION_LINE = '  - no AWS region is set: set AWS_REGION to your AWS region, the one your DynamoDB tables are in (such as eu-west-1)';

  it('no AWS region is said once, as the doctor says it, with what to set, not as each table "could not be read (Error)": and exit 1', async () => {
    const { status, lines, stderr, output } = await run({ AWS_REGION: undefined, AWS_CONFIG_FILE: '/nonexistent/config' });
    expect(status).toBe(1);
    expect(stderr).toBe(['Latchkey could not start:', NO_REGION_LINE, 'Fix it, then start Latchkey again; `npm run doctor` checks the whole setup without starting it.', ''].join('\n'));
    expect(fatal(lines)).toEqual([expect.objectContaining({ msg: 'Latchkey could not start', err: expect.stringContaining('no AWS region is set: set AWS_REGION') })]);
    expect(output).not.toMatch(/could not be read|\n\s+at /);
    expect(output).not.toContain('Latchkey is ready');
  });

  it('no AWS region and no AWS credentials, as on a machine set up with only the Slack values: both said at once, each once, with what to do, and exit 1', async () => {
    const { status, lines, stderr, output } = await run({ AWS_REGION: undefined, ...NO_CREDENTIALS });
    expect(status).toBe(1);
    expect(stderr).toBe(
      [
        'Latchkey could not start:',
        NO_REGION_LINE,
        '  - no AWS credentials found: give the process a role (or AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) with the permissions listed in README.md, "AWS permissions"',
        'Fix each, then start Latchkey again; `npm run doctor` checks the whole setup without starting it.',
        '',
      ].join('\n'),
    );
    expect(fatal(lines)).toHaveLength(1);
    expect(output).not.toMatch(/could not be read|CredentialsProviderError|\n\s+at /);
  });

  const TABLES_AFFECTED = 'Affected: Table AUDIT_TABLE_NAME, Table APPROVALS_TABLE_NAME, Table RATE_LIMIT_TABLE_NAME';

  it('AWS not answering is said once, as the doctor says it, with what to check and the tables it concerns, not as each table "could not be read", and with the start\'s next step (start again), never "run the check again", which a start has none of: and exit 1', async () => {
    // Nothing listens on port 9 here: DynamoDB refuses every connection.
    const { status, lines, stderr, output } = await run({ AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' });
    expect(status).toBe(1);
    // Before: "…you set; then run the check again. Affected: …", above "Fix it, then start Latchkey again".
    expect(output).not.toContain('run the check again');
    expect(stderr).toBe(
      [
        'Latchkey could not start:',
        `  - AWS did not answer (Error ECONNREFUSED): check this machine's network path to AWS (a proxy, a firewall, the VPC's endpoints or NAT gateway), AWS_REGION, and any AWS_ENDPOINT_URL_… you set. ${TABLES_AFFECTED}`,
        'Fix it, then start Latchkey again; `npm run doctor` checks the whole setup without starting it.',
        '',
      ].join('\n'),
    );
    expect(fatal(lines)).toEqual([expect.objectContaining({ msg: 'Latchkey could not start', err: expect.stringContaining(`AWS did not answer (Error ECONNREFUSED)`) })]);
    expect(output).not.toMatch(/could not be read|\n\s+at /);
    expect(output).not.toContain('Latchkey is ready');
  });

  it('an AWS host DNS cannot find is said once, naming the host, with the tables it concerns, not as each table "could not be read": and exit 1', async () => {
    const { status, stderr, output } = await run({ AWS_ENDPOINT_URL_DYNAMODB: 'http://dynamodb.aws-typo.invalid' });
    expect(status).toBe(1);
    const problems = stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^ {2}- DNS (has no address|did not answer) for dynamodb\\.aws-typo\\.invalid .*the host in the AWS_ENDPOINT_URL_… you set, or the region in AWS_REGION it is made from.*\\. ${TABLES_AFFECTED}$`)),
    ]);
    expect(output).not.toMatch(/could not be read|\n\s+at /);
  }, 40_000);

  it("credentials AWS refuses (an expired session, say) are said in the doctor's words, with what to do, and exit 1", async () => {
    // AWS's answer to a key it does not know, as DynamoDB gives it.
    const aws = createHttpServer((req, res) => {
      req.resume();
      res
        .writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/' })
        .end(JSON.stringify({ __type: 'com.amazon.coral.service#UnrecognizedClientException', message: 'The security token included in the request is invalid.' }));
    });
    await new Promise<void>((resolve) => aws.listen(0, '127.0.0.1', resolve));
    try {
      const { status, lines, stderr, output } = await run({ AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(aws.address() as { port: number }).port}` });
      expect(status).toBe(1);
      expect(stderr).toBe(
        [
          'Latchkey could not start:',
          "  - AWS refused the process's credentials (UnrecognizedClientException): give it valid ones (a session that expired: sign in again), and check AWS_REGION",
          'Fix it, then start Latchkey again; `npm run doctor` checks the whole setup without starting it.',
          '',
        ].join('\n'),
      );
      expect(fatal(lines)).toEqual([expect.objectContaining({ msg: 'Latchkey could not start', err: expect.stringContaining("AWS refused the process's credentials (UnrecognizedClientException)") })]);
      expect(output).not.toMatch(/\n\s+at /);
    } finally {
      aws.closeAllConnections();
      await new Promise((resolve) => aws.close(resolve));
    }
  });

  /**
   * A SLACK_API_URL in front of the Slack stand-in: every method reaches it, but Socket Mode's
   * apps.connections.open is answered by `connect`. Runs `body` with its URL.
   */
  async function withSocketModeSlack(connect: (req: IncomingMessage, res: ServerResponse) => void, body: (url: string) => Promise<void>): Promise<void> {
    const slack = new URL(h.slack.url);
    const front = createHttpServer((req, res) => {
      if (req.url === '/api/apps.connections.open') return connect(req, res);
      const forward = httpRequest({ host: slack.hostname, port: slack.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      await body(`http://127.0.0.1:${(front.address() as { port: number }).port}/api/`);
    } finally {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
    }
  }
  const APP_TOKEN = 'xapp-1-A0LATCHKEY-1-secretpart';

  it("Socket Mode: a Slack that cannot be reached when the socket connects (apps.connections.open) is tried again within the start's bound, one warn line per try, then the same fatal line naming SLACK_API_URL, and exit 1", async () => {
    let opens = 0;
    await withSocketModeSlack(
      (req) => {
        opens += 1;
        req.socket.destroy();
      },
      async (url) => {
        const { status, lines, output } = await run({ SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: url });
        expect(status).toBe(1);
        // The start's bound, by what it counts: 4 tries of apps.connections.open, not the receiver's 100.
        expect(opens).toBe(4);
        expect(warns(lines)).toEqual([1, 2, 3].map((attempt) => ({ msg: TRYING_AGAIN, waitingFor: `apps.connections.open at ${url}`, attempt, tries: 4, err: expect.any(String) })));
        expect(fatal(lines)).toEqual([expect.objectContaining({ msg: 'Latchkey could not start', err: expect.stringMatching(new RegExp(`^StartFailure: Slack could not be reached at SLACK_API_URL \\(${url.replace(/[.?]/g, '\\$&')}\\) after 4 tries \\(.*\\): ${CHECK_SET}$`)) })]);
        expect(output).not.toContain('Latchkey is ready');
        expect(output).not.toContain(APP_TOKEN);
      },
    );
  }, 40_000);

  it("Socket Mode: a WebSocket that cannot be opened (at the URL apps.connections.open gave) is tried again, 4 tries in all, one warn line per try, then a fatal line naming what to check, and exit 1", async () => {
    const port = await closedPort();
    await withSocketModeSlack(
      (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=t-onetime-secret&app_id=A0LATCHKEY` })),
      async (url) => {
        const { status, lines, output } = await run({ SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: url });
        expect(status).toBe(1);
        const check = `check that this host may open a WebSocket (wss://, port 443) to 127.0.0.1:${port}: a proxy or firewall that lets Slack's API through may still refuse it`;
        expect(warns(lines)).toEqual(
          [1, 2, 3].map((attempt) => ({
            msg: `Slack's Socket Mode connection did not open at start; trying again: ${check}`,
            waitingFor: `Socket Mode's WebSocket at ws://127.0.0.1:${port}/link/`,
            attempt,
            tries: 4,
            err: expect.any(String),
          })),
        );
        // Nothing else said each try: neither the client's own error lines.
        expect(lines.filter((l) => l.level === 'error')).toEqual([]);
        expect(fatal(lines)).toEqual([
          expect.objectContaining({ msg: 'Latchkey could not start', err: `StartFailure: Slack's Socket Mode connection (ws://127.0.0.1:${port}/link/) did not open at start after 4 tries (the connection failed): ${check}` }),
        ]);
        expect(output).not.toContain('Latchkey is ready');
        expect(output).not.toContain('t-onetime-secret');
        expect(output).not.toContain(APP_TOKEN);
      },
    );
  }, 40_000);

  it('Socket Mode: an app token Slack refuses is a fatal line naming SLACK_APP_TOKEN, and exit 1', async () => {
    await withSocketModeSlack(
      (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'invalid_auth' })),
      async (url) => {
        const { status, lines, output } = await run({ SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: url });
        expect(status).toBe(1);
        expect(fatal(lines)).toEqual([expect.objectContaining({ err: expect.stringMatching(/^StartFailure: SLACK_APP_TOKEN was refused by Slack \(apps\.connections\.open: invalid_auth\): .*xapp-/) })]);
        expect(output).not.toContain('Latchkey is ready');
        expect(output).not.toContain(APP_TOKEN);
      },
    );
  }, 40_000);

  it('a PORT another process listens on is a fatal line naming PORT and what to do (stop it, or set PORT), not only EADDRINUSE, and exit 1', async () => {
    // Listening as the app does, on every interface.
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, resolve));
    const { port } = other.address() as { port: number };
    try {
      const { status, lines, output } = await run({ PORT: String(port) });
      expect(status).toBe(1);
      expect(fatal(lines)).toEqual([
        expect.objectContaining({
          msg: 'Latchkey could not start',
          err: `StartFailure: PORT ${port} is already in use by another process (another npm start, npm run sandbox, or another server): stop that process (\`ss -ltnp\` or \`lsof -i :${port}\` shows which), or set PORT to a free port`,
        }),
      ]);
      expect(output).not.toContain('Latchkey is ready');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  /** Okta set up, but no admins and no approvals channel: /reset-okta-mfa (approval by default) is off. */
  const NO_ADMINS = { ADMIN_USER_IDS: undefined, ADMIN_USERGROUP_ID: undefined, APPROVALS_CHANNEL_ID: undefined };
  const MFA_OFF = /\/reset-okta-mfa is off: Okta is set up, but okta_mfa's policy is approval \(its default\), and there are no admins to approve and no approvals channel where admins see requests\. To offer it, set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both, and APPROVALS_CHANNEL_ID; /;

  it('a credential set up but off (no admins for /reset-okta-mfa) is a warn line naming it at start, which goes on; stderr, not a terminal here, says nothing', async () => {
    const { lines, stderr } = await run(NO_ADMINS, 20_000, true);
    expect(lines.filter((l) => l.level === 'warn' && l.subject === 'okta_mfa')).toEqual([expect.objectContaining({ variable: 'ADMIN_USER_IDS', msg: expect.stringMatching(MFA_OFF) })]);
    expect(lines.some((l) => l.msg === 'Latchkey is ready')).toBe(true);
    expect(stderr).toBe('');
  });

  withTerminal('at a terminal, a credential set up but off is said once, in words on its own line, and not again as a JSON line; the start goes on', async () => {
    const { lines, output } = await run(NO_ADMINS, 20_000, true, { atTerminal: true });
    const text = output.replace(/\r\n/g, '\n');
    expect(text).toMatch(new RegExp(`^Note \\(\`npm run doctor\` says these too\\):\n  - ${MFA_OFF.source}`, 'm'));
    expect(text.match(/\/reset-okta-mfa is off/g)).toHaveLength(1);
    expect(lines.filter((l) => l.level === 'warn' && l.subject === 'okta_mfa')).toEqual([]);
    expect(lines.some((l) => l.msg === 'Latchkey is ready')).toBe(true);
  });

  it('a configuration problem is a fatal line too, naming the settings and never their values, and exit 2: a log pipeline alerting on level fatal hears a bad-config deploy', async () => {
    const { status, lines, stderr } = await run({ SLACK_TEAM_ID: 't0bad!', SLACK_SIGNING_SECRET: 'short-secret1' }, 20_000);
    expect(status).toBe(2);
    expect(stderr).toContain('Latchkey cannot start: the configuration has problems.');
    expect(fatal(lines)).toEqual([
      expect.objectContaining({ msg: 'Latchkey could not start: the configuration has problems (exit status 2)', variables: ['SLACK_SIGNING_SECRET', 'SLACK_TEAM_ID'], problems: 2 }),
    ]);
    const line = JSON.stringify(fatal(lines));
    expect(line).not.toContain('short-secret1');
    expect(line).not.toContain('t0bad!');
  });

  withTerminal('at a terminal, the notes said before a start that then fails do not say it starts: one "could not start", no "starts"', async () => {
    h.slack.failNext('auth.test', { error: 'invalid_auth' });
    const { status, output } = await run(NO_ADMINS, 30_000, false, { atTerminal: true });
    const text = output.replace(/\r\n/g, '\n');
    expect(status).toBe(1);
    expect(text).toMatch(/^Note \(`npm run doctor` says these too\):\n {2}- \/reset-okta-mfa is off/m);
    expect(text).toContain('Latchkey could not start:');
    expect(text).not.toMatch(/Latchkey starts/);
  });

  it('a .env that cannot be read (a directory) is a fatal line too, naming the file, and exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-cwd-'));
    mkdirSync(join(dir, '.env'));
    try {
      const { status, lines, stderr } = await run({}, 20_000, false, { cwd: dir });
      expect(status).toBe(2);
      expect(stderr).toContain('/.env is a directory, not a file');
      expect(fatal(lines)).toEqual([expect.objectContaining({ msg: 'Latchkey could not start: .env could not be read (exit status 2)', file: '.env' })]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with everything in place it starts, as before', async () => {
    const { lines } = await run({}, 20_000, true);
    expect(lines.some((l) => l.msg === 'Latchkey is ready')).toBe(true);
    expect(fatal(lines)).toEqual([]);
  });
});
