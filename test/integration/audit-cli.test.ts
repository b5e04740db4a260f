import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_COLUMNS } from '../../src/audit/audit-export';
import { auditTable } from '../../src/audit/audit-table';
import { DynamoDbAuditLog } from '../../src/audit/dynamodb-audit-log';
import type { AuditEntry } from '../../src/flows/ports';
import { ensureTable } from '../../src/storage/ensure-table';
import { startDynalite, type LocalDynamo } from '../support/dynamodb-local';
import { requireOption } from '../support/node-options';
import { startSlackFake, type SlackFake } from '../support/slack-fake';

/** `npm run audit -- …`, the built CLI as operators run it, against dynalite. */
const CLI = join(__dirname, '..', '..', 'dist', 'audit-cli.js');
const TABLE = 'latchkey-audit-cli';

describe('the audit CLI', () => {
  let dynamo: LocalDynamo;
  let slack: SlackFake;
  const run = (args: string[], env: Record<string, string | undefined> = {}, cwd?: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd,
        // A run that hangs (as on a .env that was a named pipe) is killed: a failure, not a runner that never returns.
        timeout: 40_000,
        killSignal: 'SIGKILL',
        env: {
          PATH: process.env.PATH,
          AUDIT_TABLE_NAME: TABLE,
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'x',
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          // No profile of this machine's user stands in for what a test leaves out.
          AWS_CONFIG_FILE: '/nonexistent/config',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += String(c)));
      child.stderr.on('data', (c) => (stderr += String(c)));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    dynamo = await startDynalite();
    slack = await startSlackFake({ teamId: 'T0TEAM', users: [{ id: 'UANN', team_id: 'T0TEAM', name: 'ann', profile: { email: 'ann@example.com', real_name: 'Ann Example' } }] });
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await ensureTable(client, auditTable(TABLE));
    const write = (entry: AuditEntry, at: string) => new DynamoDbAuditLog(client, TABLE, 400, { now: () => new Date(at) }, { warn() {} }).record(entry);
    const ann = { userId: 'UANN', teamId: 'T0TEAM' };
    const ada = { userId: 'UADA', teamId: 'T0TEAM' };
    await write({ requestId: '2026-11-02T08:00:00.000Z_a1', phase: 'attempt', action: 'reset_pin', actor: ann, directory: 'chime', directoryUserId: 'chime-ann' }, '2026-11-02T08:00:00.000Z');
    await write({ requestId: '2026-11-02T08:00:00.000Z_a1', phase: 'outcome', action: 'reset_pin', actor: ann, outcome: 'success', directory: 'chime', directoryUserId: 'chime-ann' }, '2026-11-02T08:00:01.000Z');
    await write({ requestId: '2026-11-03T09:00:00.000Z_b1', phase: 'refused', action: 'reset_password', actor: { userId: 'UBOB', teamId: 'T0TEAM' }, errorCode: 'DIRECTORY_USER_NOT_FOUND' }, '2026-11-03T09:00:00.000Z');
    await write(
      { requestId: '2026-11-04T10:00:00.000Z_c1', phase: 'outcome', action: 'license_decide', actor: ada, subject: ann, outcome: 'success', decision: 'approve', licenseRequestId: 'lr1', licenseFrom: 'Basic', licenseTo: 'Pro' },
      '2026-11-04T10:00:00.000Z',
    );
    await write({ requestId: '2026-11-09T10:00:00.000Z_d1', phase: 'outcome', action: 'reset_pin', actor: ann, outcome: 'success' }, '2026-11-09T10:00:00.000Z');
    client.destroy();
  });
  afterAll(async () => {
    await slack.close();
    await dynamo.close();
  });

  it('exports CSV with a header, oldest first, the days asked for and no others', async () => {
    const { code, stdout, stderr } = await run(['export', '--from', '2026-11-02', '--to', '2026-11-04']);
    expect(code).toBe(0);
    const [header, ...rows] = stdout.trimEnd().split('\r\n');
    expect(header).toBe(EXPORT_COLUMNS.join(','));
    expect(rows.map((r) => r.split(',').slice(1, 4))).toEqual([
      ['2026-11-02T08:00:00.000Z_a1', 'attempt', 'reset_pin'],
      ['2026-11-02T08:00:00.000Z_a1', 'outcome', 'reset_pin'],
      ['2026-11-03T09:00:00.000Z_b1', 'refused', 'reset_password'],
      ['2026-11-04T10:00:00.000Z_c1', 'outcome', 'license_decide'],
    ]);
    expect(stderr).toContain('4 record(s) from 2026-11-02 to 2026-11-04');
  });

  it('exports JSON lines for one person: what they did and what was decided about them', async () => {
    const { code, stdout } = await run(['export', '--from', '2026-11-01', '--to', '2026-11-30', '--person', 'UANN', '--format', 'jsonl']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.requestId, l.phase])).toEqual([
      ['2026-11-02T08:00:00.000Z_a1', 'attempt'],
      ['2026-11-02T08:00:00.000Z_a1', 'outcome'],
      ['2026-11-04T10:00:00.000Z_c1', 'outcome'],
      ['2026-11-09T10:00:00.000Z_d1', 'outcome'],
    ]);
    expect(lines[2]).toMatchObject({ slackUserId: 'UADA', subjectSlackUserId: 'UANN', decision: 'approve' });
  });

  it('exports a day holding a record a newer version wrote (its schema v2, a phase and an outcome this one does not know) as a row this version cannot read, beside the rest, and none of its content', async () => {
    // Once one such record refused the whole day: README's "neither a rollback nor an upgrade hides a record".
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const common = { day: '2026-10-15', action: 'reset_pin', slackUserId: 'UCAT', slackTeamId: 'T0TEAM', pk: 'ACTOR#T0TEAM#UCAT', expiresAt: 1_900_000_000 };
    const put = (item: Record<string, unknown>) => client.send(new PutItemCommand({ TableName: TABLE, Item: marshall(item) }));
    await put({ ...common, v: 1, at: '2026-10-15T08:00:00.000Z', requestId: '2026-10-15T08:00:00.000Z_n1', sk: '2026-10-15T08:00:00.000Z_n1#2-outcome', phase: 'outcome', outcome: 'success' });
    await put({ ...common, v: 2, at: '2026-10-15T09:00:00.000Z', requestId: '2026-10-15T09:00:00.000Z_v2', sk: '2026-10-15T09:00:00.000Z_v2#1-claim', phase: 'handover', outcome: 'deferred', decision: 'escalate', handoverSecret: 'hunter2' });
    client.destroy();

    const { code, stdout, stderr } = await run(['export', '--from', '2026-10-15', '--to', '2026-10-15', '--format', 'jsonl']);
    expect(stderr).toContain('2 record(s) from 2026-10-15 to 2026-10-15, 1 of them unreadable by this version');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.requestId, l.v, l.phase, l.outcome])).toEqual([
      ['2026-10-15T08:00:00.000Z_n1', 1, 'outcome', 'success'],
      ['2026-10-15T09:00:00.000Z_v2', 2, 'unreadable', undefined],
    ]);
    expect(lines[1].unreadable).toEqual(['v', 'phase', 'outcome', 'decision']);
    for (const content of ['hunter2', 'handoverSecret', 'handover', 'deferred', 'escalate']) expect(stdout).not.toContain(content);
  });

  it('exports a day holding records this version cannot read (a factorType no version writes, a time that is no time) as rows of their own, by key, time and reference, never their content, beside the rest; and says so on standard error', async () => {
    // Once either record failed the export of its day: "audit failed", and nothing after it.
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const common = { v: 1, day: '2026-10-16', action: 'reset_pin', slackUserId: 'UDOT', slackTeamId: 'T0TEAM', pk: 'ACTOR#T0TEAM#UDOT', expiresAt: 1_900_000_000 };
    const put = (item: Record<string, unknown>) => client.send(new PutItemCommand({ TableName: TABLE, Item: marshall(item) }));
    await put({ ...common, at: '2026-10-16T08:00:00.000Z', requestId: '2026-10-16T08:00:00.000Z_g1', sk: '2026-10-16T08:00:00.000Z_g1#2-outcome', phase: 'outcome', outcome: 'success' });
    await put({ ...common, at: '2026-10-16T09:00:00.000Z', requestId: '2026-10-16T09:00:00.000Z_f1', sk: '2026-10-16T09:00:00.000Z_f1#2-outcome', phase: 'outcome', outcome: 'success', factorType: '=cmd|hunter2' });
    await put({ ...common, at: 'last Tuesday', requestId: '2026-10-16T10:00:00.000Z_t1', sk: '2026-10-16T10:00:00.000Z_t1#1-claim', phase: 'attempt' });
    await put({ ...common, at: '2026-10-16T11:00:00.000Z', requestId: '2026-10-16T11:00:00.000Z_g2', sk: '2026-10-16T11:00:00.000Z_g2#1-claim', phase: 'attempt' });
    client.destroy();

    const jsonl = await run(['export', '--from', '2026-10-16', '--to', '2026-10-16', '--format', 'jsonl']);
    expect(jsonl.code).toBe(0);
    expect(jsonl.stderr).toContain('4 record(s) from 2026-10-16 to 2026-10-16, 2 of them unreadable by this version');
    // The operator is told which, by key and field name.
    expect(jsonl.stderr).toContain('2026-10-16T09:00:00.000Z_f1#2-outcome');
    expect(jsonl.stderr).toContain('"factorType"');
    expect(jsonl.stderr).toContain('2026-10-16T10:00:00.000Z_t1#1-claim');
    const lines = jsonl.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.requestId, l.phase, l.unreadable])).toEqual([
      ['2026-10-16T08:00:00.000Z_g1', 'outcome', undefined],
      ['2026-10-16T09:00:00.000Z_f1', 'unreadable', ['factorType']],
      ['2026-10-16T10:00:00.000Z_t1', 'unreadable', ['at']],
      ['2026-10-16T11:00:00.000Z_g2', 'attempt', undefined],
    ]);
    // Its key, day and person, to find it in the table; its time, or its reference's when its own is no time.
    expect(lines[1]).toEqual({ v: 1, pk: 'ACTOR#T0TEAM#UDOT', sk: '2026-10-16T09:00:00.000Z_f1#2-outcome', day: '2026-10-16', at: '2026-10-16T09:00:00.000Z', requestId: '2026-10-16T09:00:00.000Z_f1', phase: 'unreadable', action: 'reset_pin', slackUserId: 'UDOT', slackTeamId: 'T0TEAM', expiresAt: 1_900_000_000, unreadable: ['factorType'] });
    expect(lines[2].at).toBe('2026-10-16T10:00:00.000Z');
    for (const out of [jsonl.stdout, jsonl.stderr]) {
      expect(out).not.toContain('hunter2');
      expect(out).not.toContain('last Tuesday');
    }

    const csv = await run(['export', '--from', '2026-10-16', '--to', '2026-10-16', '--person', 'UDOT']);
    expect(csv.code).toBe(0);
    const [header, ...rows] = csv.stdout.trimEnd().split('\r\n');
    const column = (name: string) => header!.split(',').indexOf(name);
    expect(rows).toHaveLength(4);
    const cells = rows.map((r) => r.split(','));
    expect(cells.map((c) => [c[column('requestId')], c[column('phase')], c[column('unreadable')]])).toEqual([
      ['2026-10-16T08:00:00.000Z_g1', 'outcome', ''],
      ['2026-10-16T09:00:00.000Z_f1', 'unreadable', 'factorType'],
      ['2026-10-16T10:00:00.000Z_t1', 'unreadable', 'at'],
      ['2026-10-16T11:00:00.000Z_g2', 'attempt', ''],
    ]);
    expect(cells[1]![column('factorType')]).toBe('');
    expect(csv.stdout).not.toContain('hunter2');
  });

  describe('--person by email', () => {
    const NOV = ['export', '--from', '2026-11-01', '--to', '2026-11-30'];
    const FIND_ID = "give their Slack user ID instead (in Slack, open the person's profile → ⋮ More → Copy member ID)";
    const slackEnv = () => ({ SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: slack.url });
    beforeEach(() => slack.clear());

    it("is looked up in Slack (users.lookupByEmail, the address alone sent): the export is the one by the member's ID, and the count names both", async () => {
      const byId = await run([...NOV, '--person', 'UANN', '--format', 'jsonl']);
      expect(byId.code).toBe(0);
      expect(slack.calls).toEqual([]);
      const byEmail = await run([...NOV, '--person', 'Ann@Example.com', '--format', 'jsonl'], slackEnv());
      expect(byEmail.stderr).not.toContain('audit failed');
      expect(byEmail.code).toBe(0);
      expect(byEmail.stdout).toBe(byId.stdout);
      expect(byEmail.stdout.trimEnd().split('\n')).toHaveLength(4);
      expect(byEmail.stderr).toContain('4 record(s) from 2026-11-01 to 2026-11-30 by or about UANN (Ann@Example.com)');
      expect(slack.calls.map((c) => [c.method, c.args, c.token])).toEqual([['users.lookupByEmail', { email: 'Ann@Example.com' }, slack.botToken]]);
    });

    it('an email Slack has no member for: one line saying so and what to do, exit 1, and nothing written (no CSV header that looks like no records)', async () => {
      const nobody = await run([...NOV, '--person', 'nobody@example.com'], slackEnv());
      expect(nobody).toMatchObject({ code: 1, stdout: '' });
      expect(nobody.stderr).toBe(`audit failed: Slack has no member with the email nobody@example.com (users_not_found): check the address, or ${FIND_ID}\n`);
    });

    it("a bot token without users:read.email: one line naming the scope and where to add it, exit 1, nothing written", async () => {
      const at = slack.scopes.indexOf('users:read.email');
      slack.scopes.splice(at, 1);
      try {
        const unscoped = await run([...NOV, '--person', 'ann@example.com'], slackEnv());
        expect(unscoped).toMatchObject({ code: 1, stdout: '' });
        expect(unscoped.stderr).toBe(
          `audit failed: the bot token may not look up members by email (users.lookupByEmail: missing_scope, needs users:read.email): to grant users:read.email, make the manifest again (npm run -s manifest, with your --url or --socket-mode), paste it on the app's App Manifest page at api.slack.com/apps, save, and reinstall the app; or ${FIND_ID}\n`,
        );
      } finally {
        slack.scopes.splice(at, 0, 'users:read.email');
      }
    });

    it('no SLACK_BOT_TOKEN to look it up with, a token of another kind, or a SLACK_API_URL that is no URL: one line naming it, exit 2 (a setting to fix, as npm start exits for its own), and Slack is not called', async () => {
      const noToken = await run([...NOV, '--person', 'ann@example.com'], { SLACK_API_URL: slack.url });
      expect(noToken).toMatchObject({ code: 2, stdout: '' });
      expect(noToken.stderr).toBe(
        `audit failed: --person ann@example.com is an email, which is looked up in Slack with the bot token: set SLACK_BOT_TOKEN (xoxb-…, from OAuth & Permissions; in .env or the environment), or ${FIND_ID}\n`,
      );
      const userToken = await run([...NOV, '--person', 'ann@example.com'], { SLACK_BOT_TOKEN: 'xoxp-a-user-token', SLACK_API_URL: slack.url });
      expect(userToken).toMatchObject({ code: 2, stdout: '' });
      expect(userToken.stderr).toBe(`audit failed: SLACK_BOT_TOKEN must be the bot token (xoxb-…) from OAuth & Permissions, to look up --person ann@example.com; or ${FIND_ID}\n`);
      const noUrl = await run([...NOV, '--person', 'ann@example.com'], { SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: 'not a url' });
      expect(noUrl).toMatchObject({ code: 2, stdout: '' });
      expect(noUrl.stderr).toMatch(/^audit failed: SLACK_API_URL: [^\n]+\n$/);
      expect(slack.calls).toEqual([]);
    });

    it('neither a member ID nor an email is a usage error naming both forms, exit 2', async () => {
      const bad = await run([...NOV, '--person', 'ann'], slackEnv());
      expect(bad).toMatchObject({ code: 2, stdout: '' });
      expect(bad.stderr).toContain('--person is a Slack user ID such as U0123ABCD, or their email such as ann@example.com');
      expect(slack.calls).toEqual([]);
    });
  });

  it('--help prints the usage, with what each exit status means; an unknown subcommand or bad dates are one line on stderr pointing at --help, not the usage under it, and exit 2', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('npm run audit -- export --from YYYY-MM-DD');
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/Exit status: 0 done; 2 nothing was asked: the arguments, \.env, or SLACK_BOT_TOKEN or SLACK_API_URL .*; 1 AWS or Slack could not be asked or failed/);
    for (const args of [['frobnicate'], ['export', '--from', '2026-11-05', '--to', '2026-11-01'], ['export', '--from', 'yesterday', '--to', '2026-11-01'], ['export', '--from', '2026-11-01', '--to', '2026-11-02', '--format', 'xlsx'], ['export', '--from', '2020-01-01', '--to', '2026-11-02']]) {
      const bad = await run(args);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^[^\n]+: npm run audit -- --help lists the options\n$/);
      expect(bad.stdout).toBe('');
    }
  }, 60_000);

  it('bad arguments are named as such, a bad day by its option and why, before any AWS setting is looked at: with no AWS region, a typo is not blamed on the region', async () => {
    for (const [args, said] of [
      [['expor'], 'unknown subcommand "expor" (did you mean "export"?)'],
      [['exprt'], 'unknown subcommand "exprt" (did you mean "export"?)'],
      [['unknwon'], 'unknown subcommand "unknwon" (did you mean "unknown"?)'],
      [['export', '--form', '2026-12-01', '--to', '2026-12-31'], "Unknown option '--form' (did you mean --from?)"],
      [['export'], 'export needs --from and --to'],
      [['export', '--from', '2026-12-01'], 'export needs --to too, a UTC day as YYYY-MM-DD'],
      [['export', '--from', '12/01/2026', '--to', '2026-12-31'], '--from 12/01/2026 is not a day as YYYY-MM-DD'],
      // The bad day first: with --to added, it would be refused next.
      [['export', '--from', '12/01/2026'], '--from 12/01/2026 is not a day as YYYY-MM-DD'],
      [['export', '--to', '2026-02-30'], '--to 2026-02-30 is not a day of the calendar'],
      [['export', '--from', '2026-12-01', '--to', '2026-12-31T23:00'], '--to 2026-12-31T23:00 is not a day as YYYY-MM-DD'],
      [['export', '--from', '2026-02-30', '--to', '2026-03-31'], '--from 2026-02-30 is not a day of the calendar'],
      [['export', '--from', '2026-12-05', '--to', '2026-12-01'], '--from 2026-12-05 is after --to 2026-12-01'],
      [['unknown', '--days', 'abc'], '--days must be a whole number'],
    ] as const) {
      const bad = await run([...args], { AWS_REGION: undefined });
      expect(bad).toMatchObject({ code: 2, stdout: '' });
      expect(bad.stderr.split('\n')).toEqual([expect.stringContaining(said), '']);
      expect(bad.stderr).toMatch(/: npm run audit -- --help lists the options\n$/);
      expect(bad.stderr).not.toContain('usage:');
      expect(bad.stderr).not.toContain('AWS region');
    }
  }, 60_000);

  it("the README's audit commands take the options --help gives, with the same default for --days", async () => {
    const help = (await run(['--help'])).stdout;
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const commands = readme.match(/^npm run (?:-s )?audit -- (unknown|export) .*$/gm)!;
    expect(commands).toHaveLength(2);
    for (const line of commands) {
      const [, subcommand] = line.match(/^npm run (?:-s )?audit -- (\w+)/)!;
      const usage = help.match(new RegExp(`^  npm run audit -- ${subcommand} .*$`, 'm'))![0];
      const names = (text: string) => [...text.matchAll(/--[a-z]+/g)].map(([name]) => name);
      for (const name of names(line.split('#')[0]!)) expect([subcommand, usage]).toEqual([subcommand, expect.stringContaining(name)]);
    }
    // A number in place of N read as the default; the README says the default --help says.
    const helpDefault = help.match(/default (\d+), at most/)![1];
    const unknownLine = commands.find((l) => l.includes(' unknown '))!;
    expect(unknownLine).toContain('[--days N]');
    expect(unknownLine).toContain(`default ${helpDefault}`);
  });

  it('with no AWS region, or no AWS credentials, it names the settings to set, in one line, and exits 1', async () => {
    // Ours is the last line (the SDK may warn about Node versions above it), and no stack trace.
    const noRegion = await run(['unknown'], { AWS_REGION: undefined });
    expect(noRegion).toMatchObject({ code: 1, stdout: '' });
    expect(noRegion.stderr).toMatch(/(^|\n)audit failed: no AWS region: set AWS_REGION to the audit table's region \(as AWS_REGION=eu-west-1\), or AWS_PROFILE to a profile that names one\n$/);
    const noCredentials = await run(['unknown'], { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    expect(noCredentials).toMatchObject({ code: 1, stdout: '' });
    expect(noCredentials.stderr).toMatch(/(^|\n)audit failed: no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, to credentials that may dynamodb:Query the audit table\n$/);
    for (const { stderr } of [noRegion, noCredentials]) expect(stderr).not.toMatch(/Region is missing|CredentialsProviderError|\n\s+at /);
    // An export that cannot read at all writes nothing: `> nov.csv` must not leave a header that looks like a month without records.
    const exported = await run(['export', '--from', '2026-11-01', '--to', '2026-11-30'], { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    expect(exported).toMatchObject({ code: 1, stdout: '' });
    expect(exported.stderr).toMatch(/(^|\n)audit failed: no AWS credentials found: [^\n]*dynamodb:Query the audit table\n$/);
  });

  it('reads .env in the folder it runs in, as npm start and npm run doctor do; a variable the environment has wins over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-audit-env-'));
    try {
      writeFileSync(join(dir, '.env'), `AWS_REGION=eu-west-1\nAUDIT_TABLE_NAME=${TABLE}\n`);
      const args = ['export', '--from', '2026-11-03', '--to', '2026-11-03'];
      const fromFile = await run(args, { AWS_REGION: undefined, AUDIT_TABLE_NAME: undefined }, dir);
      expect(fromFile.stderr).not.toContain('audit failed');
      expect(fromFile.code).toBe(0);
      expect(fromFile.stdout).toContain('2026-11-03T09:00:00.000Z_b1');
      const overridden = await run(args, { AWS_REGION: undefined, AUDIT_TABLE_NAME: 'latchkey-audit-nowhere' }, dir);
      expect(overridden).toMatchObject({ code: 1, stdout: '' });
      expect(overridden.stderr).toContain('audit failed: table latchkey-audit-nowhere does not exist in eu-west-1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a .env that is there but cannot be read (here a directory) is one line naming the file and what to do, as npm start words it, with no stack trace; exit 2, as npm start, doctor and manifest exit for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-audit-env-'));
    try {
      // A directory, not a file without read permission: the tests run as root, whom chmod does not stop.
      mkdirSync(join(dir, '.env'));
      const failed = await run(['unknown'], {}, dir);
      expect(failed.stderr).toBe(`audit failed: ${join(realpathSync(dir), '.env')} is a directory, not a file. Latchkey reads its settings from .env when it is there: move the directory away, then give the settings in a .env file or in the environment alone.\n`);
      expect(failed.stderr).not.toContain('    at ');
      expect(failed).toMatchObject({ code: 2, stdout: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a .env that is a named pipe nothing writes to is refused after 5 s in one line, exit 2 (reading one waited for a writer: the audit hung there)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-audit-env-'));
    try {
      execFileSync('mkfifo', [join(dir, '.env')]);
      const failed = await run(['unknown'], {}, dir);
      // The wait said once on standard error, after a second (before: nothing until the refusal); standard output stays empty.
      expect(failed.stderr).toBe(`Nothing written to ${join(realpathSync(dir), '.env')} yet: waiting up to 5 s in all for the tool that serves it (for example 1Password) to write the settings. If that tool asks you to unlock it or to allow access, do so.\naudit failed: ${join(realpathSync(dir), '.env')} is a named pipe (FIFO) that nothing wrote settings to within 5 s. Latchkey reads its settings from .env when it is there: if a tool serves it (1Password Environments mounts .env so), unlock that tool and check the file is enabled there, then run this again; otherwise make .env a regular file of NAME=value lines, or move it away to give the settings in the environment alone.\n`);
      expect(failed).toMatchObject({ code: 2, stdout: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a table that does not exist is named, with its region, its setting and what to do, in one line, and exits 1', async () => {
    for (const args of [['unknown'], ['export', '--from', '2026-11-01', '--to', '2026-11-02']]) {
      const missing = await run(args, { AUDIT_TABLE_NAME: 'latchkey-audit-nowhere' });
      expect(missing).toMatchObject({ code: 1, stdout: '' });
      expect(missing.stderr).toMatch(
        /(^|\n)audit failed: table latchkey-audit-nowhere does not exist in eu-west-1: deploy the stack \(infra\/\), set AUDIT_TABLE_NAME to its name, or in development start once with DYNAMODB_CREATE_TABLES=true\n$/,
      );
      expect(missing.stderr).not.toMatch(/Requested resource not found|ResourceNotFoundException/);
    }
  });

  it("prints no AWS SDK notice about the Node it runs on above its answer (the SDK's own switch); set to false, the switch shows it again", async () => {
    const notice = 'NodeVersionSupportWarning';
    // The SDK prints it on Node 20 only (package.json's engines allow 20.18.1): the CLI is run as
    // on Node 20 (its process.version), so that both halves prove something on every Node.
    const asNode20 = { NODE_OPTIONS: requireOption(join(__dirname, '..', 'fixtures', 'node-20.js')) };
    const quiet = await run(['unknown', '--days', '1'], asNode20);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain(notice);
    const shown = await run(['unknown', '--days', '1'], { ...asNode20, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
    expect(shown.code).toBe(0);
    expect(shown.stderr).toContain(notice);
    expect(shown.stderr).toContain('You are running node v20.18.1');
  });

  it('unknown lists an attempt with no outcome, and not one that has its outcome', async () => {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const at = new Date(Date.now() - 10 * 60_000);
    const log = new DynamoDbAuditLog(client, TABLE, 400, { now: () => at }, { warn() {} });
    const actor = { userId: 'UCARL', teamId: 'T0TEAM' };
    await log.record({ requestId: `${at.toISOString()}_e1`, phase: 'attempt', action: 'reset_pin', actor });
    await log.record({ requestId: `${at.toISOString()}_e2`, phase: 'attempt', action: 'reset_pin', actor });
    await log.record({ requestId: `${at.toISOString()}_e2`, phase: 'outcome', action: 'reset_pin', actor, outcome: 'success' });
    client.destroy();
    const { code, stdout, stderr } = await run(['unknown', '--days', '3']);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').map((l) => JSON.parse(l).requestId)).toEqual([`${at.toISOString()}_e1`]);
    expect(stderr).toContain('1 attempt(s) with unknown outcome in the last 3 day(s)');
  });

  it('unknown does not list an attempt whose outcome is on file but one this version cannot read (a factorType it does not know): its outcome is not unknown', async () => {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    const common = { v: 1, day: at.slice(0, 10), at, action: 'reset_pin', slackUserId: 'UEVE', slackTeamId: 'T0TEAM', pk: 'ACTOR#T0TEAM#UEVE', directory: 'chime', expiresAt: 1_900_000_000 };
    const put = (item: Record<string, unknown>) => client.send(new PutItemCommand({ TableName: TABLE, Item: marshall(item) }));
    const read = `${at}_u1`;
    const stopped = `${at}_u2`;
    await put({ ...common, requestId: read, sk: `${read}#1-claim`, phase: 'attempt', directoryUserId: 'chime-eve' });
    await put({ ...common, requestId: read, sk: `${read}#2-outcome`, phase: 'outcome', outcome: 'success', factorType: 'a-factor-of-2.0' });
    await put({ ...common, requestId: stopped, sk: `${stopped}#1-claim`, phase: 'attempt', directoryUserId: 'chime-eve' });
    client.destroy();
    const { code, stdout } = await run(['unknown', '--days', '1']);
    expect(code).toBe(0);
    const listed = stdout.trimEnd().split('\n').map((l) => JSON.parse(l).requestId as string);
    // Before: both, the first a reset whose outcome (success) a newer version wrote.
    expect(listed.filter((id) => id === read || id === stopped)).toEqual([stopped]);
  });

  it("unknown does not list an attempt whose outcome was written just past midnight, in the next day's records; one with no outcome at all still is", async () => {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const write = (entry: AuditEntry, at: number) => new DynamoDbAuditLog(client, TABLE, 400, { now: () => new Date(at) }, { warn() {} }).record(entry);
    const actor = { userId: 'UDAN', teamId: 'T0TEAM' };
    const answered = `${new Date(midnight - 5_000).toISOString()}_f1`;
    const unanswered = `${new Date(midnight - 4_000).toISOString()}_f2`;
    // Dan's PIN reset confirmed at 23:59:58, answered at 00:00:03; another at 23:59:59, never answered.
    await write({ requestId: answered, phase: 'attempt', action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-dan' }, midnight - 2_000);
    await write({ requestId: answered, phase: 'outcome', action: 'reset_pin', actor, outcome: 'success', directory: 'chime' }, midnight + 3_000);
    await write({ requestId: unanswered, phase: 'attempt', action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-dan' }, midnight - 1_000);
    client.destroy();
    const { code, stdout } = await run(['unknown', '--days', '2']);
    expect(code).toBe(0);
    const listed = stdout.trimEnd().split('\n').map((l) => JSON.parse(l).requestId as string);
    // Before: both, the first a reset that succeeded.
    expect(listed.filter((id) => id.endsWith('_f1') || id.endsWith('_f2'))).toEqual([unanswered]);
  });
});
