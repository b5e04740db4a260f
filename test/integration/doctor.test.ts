import type { GoogleSimulator } from '../../src/credentials/google/stand-in';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDoctor } from '../../src/app';
import { auditTable } from '../../src/audit/audit-table';
import { loadConfig } from '../../src/config';
import { CREDENTIALS } from '../../src/credentials';
import type { EntraSimulator } from '../../src/credentials/entra/stand-in';
import type { OktaSimulator } from '../../src/credentials/okta-stand-in';
import { checkedCount, checksSummary, renderChecks, type SetupCheck } from '../../src/doctor/setup-check';
import { LatchkeyFailure } from '../../src/flows/failure';
import { createLogger } from '../../src/logger';
import { ADMIN_GROUP, APPROVALS_CHANNEL, Harness } from '../support/harness';
import { requireOption } from '../support/node-options';

const CLI = join(__dirname, '..', '..', 'dist', 'doctor-cli.js');
// How a missing scope is granted, as README's "Changed .env later?" says (before: by hand under OAuth & Permissions, against manifest.yml).
const GRANT = "make the manifest again (npm run -s manifest, with your --url or --socket-mode), paste it on the app's App Manifest page at api.slack.com/apps, save, and reinstall the app";

/** Calls that read: anything else a stand-in records during a doctor run is a change, and a defect. */
const READS: Record<string, readonly string[]> = {
  slack: ['auth.test', 'users.info', 'conversations.info', 'usergroups.users.list', 'users.lookupByEmail'],
  'Amazon Chime': ['ListUsers', 'GetUser'],
  'Amazon WorkMail': ['ListUsers', 'DescribeUser'],
  Okta: ['ListUsers', 'ListRoles', 'GetCurrentUser'],
  'Microsoft Entra ID': ['Token', 'ListUsers', 'ListRoles', 'GetDomain', 'ListDomains'],
  'Google Workspace': ['Token', 'GetUser'],
};

/**
 * Issue 26 §5: `npm run doctor` against the stand-ins. All green as the harness sets things up;
 * each failure the issue names (a bad Okta token, a bot not in the approvals channel, a missing
 * table, a missing scope) named on its own ✗ line with what to do; no stand-in records a changing
 * call and no table gains an item; no secret is printed.
 */
describe('npm run doctor', () => {
  let h: Harness;
  let dynamo: DynamoDBClient;
  beforeAll(async () => {
    // Okta's password named self-service, as an admin who chose it does: left to its default, it is a ⚠ line (its own test).
    h = await Harness.start({ env: { RESET_POLICY: 'okta_password=self-service' } });
    dynamo = new DynamoDBClient({ endpoint: h.dynamo.endpoint });
  });
  afterAll(async () => {
    dynamo?.destroy();
    await h?.stop();
  });

  const okta = () => h.standIns.get('okta_password') as OktaSimulator;
  const secrets = () => [h.env.SLACK_BOT_TOKEN!, h.env.SLACK_SIGNING_SECRET!, okta().token];

  async function doctor(env: Record<string, string | undefined> = {}, person?: string): Promise<SetupCheck[]> {
    const loaded = loadConfig({ ...h.env, ...env });
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const d = createDoctor(loaded.config, { logger: createLogger('silent') });
    try {
      return await d.run({ person });
    } finally {
      d.close();
    }
  }
  const failures = (checks: SetupCheck[]) => checks.filter((c) => !c.ok);

  function cli(args: string[], env: Record<string, string> = {}, cwd = join(__dirname, '..')): Promise<{ status: number | null; out: string }> {
    // The AWS settings of the test's process, but not the switch quiet-output.js sets: the doctor is run as an admin runs it.
    const aws = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AWS_') && k !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED')) as Record<string, string>;
    // A run that hangs is killed short of the tests' 30 s: a failure with its status and output, and no child left running.
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH!, ...aws, ...h.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 25_000, killSignal: 'SIGKILL' });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // 'close', not 'exit': the doctor's output is all read by then.
    return new Promise((resolve) => child.on('close', (status) => resolve({ status, out })));
  }

  async function itemCounts(): Promise<number[]> {
    const tables = [h.env.AUDIT_TABLE_NAME ?? 'latchkey-audit', 'latchkey-approvals', 'latchkey-rate-limits'];
    return Promise.all(tables.map(async (TableName) => (await dynamo.send(new ScanCommand({ TableName, Select: 'COUNT' }))).Count ?? 0));
  }

  // Credentials on one directory share its stand-in (Okta's password and unlock): each counted once, by name.
  const standIns = () => [...new Set(h.standIns.values())];
  function callCounts() {
    return { slack: h.slack.calls.length, ...Object.fromEntries(standIns().map((s) => [s.name, s.calls.length])) } as Record<string, number>;
  }
  function callsSince(before: Record<string, number>) {
    return {
      slack: h.slack.calls.slice(before.slack).map((c) => c.method),
      ...Object.fromEntries(standIns().map((s) => [s.name, s.calls.slice(before[s.name]).map((c) => c.operation)])),
    } as Record<string, string[]>;
  }

  it('as a process: every check passes against the stand-ins, one ✓ line each, exit 0, no secret printed, nothing changed', async () => {
    const [calls, items] = [callCounts(), await itemCounts()];
    const { status, out } = await cli([]);
    expect(out).toMatch(/All \d+ checks passed\./);
    expect(status).toBe(0);
    const lines = out.trim().split('\n').filter((l) => /^[✓✗] /.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.every((l) => l.startsWith('✓ '))).toBe(true);
    for (const name of ['Slack token', 'Slack scopes', 'Approvals channel', 'Admin UADA', 'Admin group', 'Table AUDIT_TABLE_NAME', 'Table APPROVALS_TABLE_NAME', 'Table RATE_LIMIT_TABLE_NAME', 'Amazon Chime: credentials and permissions', 'Amazon WorkMail: credentials and permissions', 'Okta: API token', 'Okta: admin role', 'Microsoft Entra ID: app registration and permissions', 'Microsoft Entra ID: admin role check', 'Google Workspace: service account and delegation']) {
      expect(lines.filter((l) => l.startsWith(`✓ ${name}:`))).toHaveLength(1);
    }
    for (const secret of secrets()) expect(out).not.toContain(secret);
    const since = callsSince(calls);
    for (const [who, ops] of Object.entries(since)) expect([who, ops.filter((op) => !READS[who]!.includes(op))]).toEqual([who, []]);
    for (const name of ['Amazon Chime', 'Amazon WorkMail', 'Okta', 'Microsoft Entra ID', 'Google Workspace']) expect([name, since[name]!.length > 0]).toEqual([name, true]);
    expect(await itemCounts()).toEqual(items);
  }, 30_000);

  it("prints no AWS SDK notice about the Node it runs on above its lines, on any Node (run as Node 20, where the SDK prints it); set to false, the SDK's switch shows it", async () => {
    const asNode20 = { NODE_OPTIONS: requireOption(join(__dirname, '..', 'fixtures', 'node-20.js')) };
    const quiet = await cli([], asNode20);
    expect(quiet.out).toMatch(/All \d+ checks passed\./);
    expect(quiet.out).not.toContain('NodeVersionSupportWarning');
    const shown = await cli([], { ...asNode20, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
    expect(shown.out).toContain('NodeVersionSupportWarning');
    expect(shown.out).toContain('You are running node v20.18.1');
  }, 30_000);

  it("the directories' ✓ lines name what was proved in the directory's own terms, never Latchkey's names for its calls (entra:ListUsers, google:GetUser), which an admin would look for in vain", async () => {
    const checks = await doctor();
    expect(checks.find((c) => c.name === 'Microsoft Entra ID: app registration and permissions')).toEqual({
      name: 'Microsoft Entra ID: app registration and permissions',
      ok: true,
      detail: 'a token was issued, and Microsoft Graph answers a lookup of users by email (GET /users, the User.Read.All application permission)',
    });
    expect(checks.find((c) => c.name === 'Google Workspace: service account and delegation')).toEqual({
      name: 'Google Workspace: service account and delegation',
      ok: true,
      detail: "a token was issued, and the Admin SDK answers users.get for GOOGLE_ADMIN_EMAIL's own account (the admin.directory.user scope)",
    });
  });

  it('says the signing secret cannot be checked from here, and how a wrong one shows (the warn line, dispatch_failed) and where to find the right one', async () => {
    const line = (await doctor()).find((c) => c.name === 'Slack signing secret');
    expect(line).toEqual({ name: 'Slack signing secret', ok: true, unchecked: true, detail: expect.stringContaining('cannot be checked from here (Slack has no API for it)') });
    expect(line!.detail).toContain("requests with Slack's signature headers keep failing the signature check");
    expect(line!.detail).toContain('dispatch_failed');
    expect(line!.detail).toContain('Basic Information → App Credentials → Signing Secret');
    expect(line!.detail).toContain("an admin's Setup check on the Home tab proves it");
    expect(line!.detail).not.toContain(h.env.SLACK_SIGNING_SECRET!);
  });

  it("without SLACK_BOT_ID and SLACK_BOT_USER_ID, the Slack token's line gives the two IDs auth.test answered (docs/deploy.md sends a Lambda deployer here for them), with no Lambda advice on a server that never reads them", async () => {
    const line = (await doctor({ SLACK_BOT_ID: undefined, SLACK_BOT_USER_ID: undefined })).find((c) => c.name === 'Slack token');
    expect(line).toEqual({ name: 'Slack token', ok: true, detail: `the bot UBOTLATCHKEY of workspace ${h.env.SLACK_TEAM_ID} (bot BLATCHKEY01)` });
  });

  it("SLACK_BOT_ID and SLACK_BOT_USER_ID of another bot than the token's are a ✗ on the Slack token's line, with the right ones; the token's own pass with no hint", async () => {
    const other = (await doctor({ SLACK_BOT_ID: 'B0OTHERBOT', SLACK_BOT_USER_ID: 'UBOTLATCHKEY' })).find((c) => c.name === 'Slack token');
    expect(other).toEqual({
      name: 'Slack token',
      ok: false,
      detail:
        `the bot UBOTLATCHKEY of workspace ${h.env.SLACK_TEAM_ID} (bot BLATCHKEY01), but SLACK_BOT_ID is B0OTHERBOT: on Lambda a cold start takes these as its own without asking auth.test, so it would act as another bot. ` +
        'Set SLACK_BOT_ID=BLATCHKEY01 and SLACK_BOT_USER_ID=UBOTLATCHKEY (-c slackBotId=BLATCHKEY01 -c slackBotUserId=UBOTLATCHKEY), the token\'s, and deploy again',
    });
    const both = (await doctor({ SLACK_BOT_ID: 'B0OTHERBOT', SLACK_BOT_USER_ID: 'U0OTHERBOT' })).find((c) => c.name === 'Slack token');
    expect(both).toMatchObject({ ok: false, detail: expect.stringContaining('but SLACK_BOT_ID is B0OTHERBOT and SLACK_BOT_USER_ID is U0OTHERBOT: ') });
    const own = (await doctor({ SLACK_BOT_ID: 'BLATCHKEY01', SLACK_BOT_USER_ID: 'UBOTLATCHKEY' })).find((c) => c.name === 'Slack token');
    expect(own).toEqual({ name: 'Slack token', ok: true, detail: `the bot UBOTLATCHKEY of workspace ${h.env.SLACK_TEAM_ID} (bot BLATCHKEY01), as SLACK_BOT_ID and SLACK_BOT_USER_ID say` });
  });

  it('as a process, the signing secret is a – line, neither ✓ nor ✗, and not counted among the checks that passed', async () => {
    const { status, out } = await cli([]);
    expect(status).toBe(0);
    expect(out).toMatch(/^– Slack signing secret: set; it cannot be checked from here \(Slack has no API for it\)/m);
    expect(out).not.toMatch(/^✓ Slack signing secret/m);
    const shown = out.split('\n').filter((l) => /^[✓✗⚠–] /.test(l)).length;
    expect(out).toContain(`All ${shown - 1} checks passed. 1 could not be checked from here (–): read it.`);
  }, 30_000);

  it('in Socket Mode the signing secret is said to be unused, not checked', async () => {
    const line = (await doctor({ SLACK_APP_TOKEN: 'xapp-1-A0LATCHKEY-1-secretpart' })).find((c) => c.name === 'Slack signing secret');
    expect(line).toEqual({ name: 'Slack signing secret', ok: true, unchecked: true, detail: expect.stringMatching(/^set, and not used: in Socket Mode \(SLACK_APP_TOKEN\) Slack's requests come over its WebSocket, unsigned/) });
  });

  describe('a host DNS cannot find (a mistyped URL, no network) is a ✗ line under its own heading, network address, naming the host and what to check, not under the credentials', () => {
    // .invalid never resolves (RFC 6761): DNS says so (ENOTFOUND), or, with no network, does not answer (EAI_AGAIN).
    const unresolved = (host: string, where: string) =>
      new RegExp(`^(DNS has no address for ${host.replace(/\./g, '\\.')} \\(ENOTFOUND\\), so nothing was asked of it: check the host in ${where} \\(a typo\\?\\); if it is right, check this machine's DNS and network, and any proxy or firewall on the way|DNS did not answer for ${host.replace(/\./g, '\\.')} \\(EAI_AGAIN\\).*the host in ${where})$`);

    it("a mistyped OKTA_ORG_URL: Okta's network address, not its API token", async () => {
      const checks = await doctor({ OKTA_ORG_URL: 'https://acme.okta-typo.invalid' });
      expect(checks.filter((c) => c.name.startsWith('Okta'))).toEqual([
        expect.objectContaining({ name: 'Okta: network address', ok: false, detail: expect.stringMatching(unresolved('acme.okta-typo.invalid', 'OKTA_ORG_URL')) }),
      ]);
    });

    it("a mistyped AWS endpoint: Amazon Chime's network address, not its credentials and permissions", async () => {
      const { status, out } = await cli([], { AWS_ENDPOINT_URL_CHIME: 'http://chime.aws-typo.invalid' });
      expect(status).toBe(1);
      const chime = out.split('\n').filter((l) => l.includes('Amazon Chime:'));
      expect(chime).toEqual([expect.stringMatching(/^✗ Amazon Chime: network address: /)]);
      expect(chime[0]!.slice('✗ Amazon Chime: network address: '.length)).toMatch(unresolved('chime.aws-typo.invalid', 'the AWS_ENDPOINT_URL_… you set, if any'));
    }, 30_000);

    it("a mistyped SLACK_API_URL: Slack's network address, not its token; the line names the Slack checks it left unasked and counts them, so the total is the one a reachable Slack gives, and the signing secret's line stays", async () => {
      const checks = await doctor({ SLACK_API_URL: 'https://slack-typo.invalid/api/' });
      expect(checks.filter((c) => c.name.startsWith('Slack')).map((c) => c.name)).toEqual(['Slack network address', 'Slack signing secret']);
      const address = checks.find((c) => c.name === 'Slack network address')!;
      expect(address.ok).toBe(false);
      const [said, affected] = address.detail.split('. Affected: ');
      expect(said).toMatch(unresolved('slack-typo.invalid', 'SLACK_API_URL, if you set it'));
      expect(affected).toBe('Slack scopes, Approvals channel, Admin UADA, Admin group');
      expect(checksSummary(checks)).toMatch(new RegExp(`affecting \\d+ of ${checkedCount(await doctor()).checked} checks`));
    });
  });

  it('a misspelled setting is a ✗ line naming it and what it likely means, as npm start warns of it: CHIME_ACOUNT_ID leaves Amazon Chime off', async () => {
    expect(h.env.CHIME_ACCOUNT_ID).toBeTruthy();
    const checks = await doctor({ CHIME_ACCOUNT_ID: undefined, CHIME_ACOUNT_ID: h.env.CHIME_ACCOUNT_ID });
    expect(checks.filter((c) => c.name.startsWith('Amazon Chime'))).toEqual([]);
    expect(failures(checks)).toEqual([
      { name: 'CHIME_ACOUNT_ID unknown', ok: false, detail: expect.stringContaining('is not a setting Latchkey reads, so it is ignored: did you mean CHIME_ACCOUNT_ID? Rename it: CHIME_ACCOUNT_ID is unset') },
    ]);
  });

  it("a variable that only shares a family prefix with the settings (PASSWORD_STORE_DIR, which `pass` sets) is a ⚠ line that fails nothing: exit 0; a misspelled one beside it is still ✗", async () => {
    const shared = { PASSWORD_STORE_DIR: '/home/ann/.password-store', LOG_FORMAT: 'json', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x' };
    const { status, out } = await cli([], shared);
    expect(out).toMatch(/^⚠ PASSWORD_STORE_DIR unknown: PASSWORD_STORE_DIR is not a setting Latchkey reads, so it is ignored\. It only shares the PASSWORD_ prefix with .*: if another program uses it, there is nothing to do; if you meant one of those, rename it$/m);
    expect(out).toMatch(/^⚠ LOG_FORMAT unknown: /m);
    expect(out).toMatch(/^⚠ SLACK_WEBHOOK_URL unknown: /m);
    expect(out).not.toMatch(/^✗ /m);
    expect(out).toMatch(/^All \d+ checks passed \(3 with a warning, ⚠: read them\)\. 1 could not be checked from here \(–\): read it\.$/m);
    expect(status).toBe(0);
    const misspelled = await cli([], { ...shared, CHIME_ACOUNT_ID: h.env.CHIME_ACCOUNT_ID! });
    expect(misspelled.out).toMatch(/^✗ CHIME_ACOUNT_ID unknown: .*did you mean CHIME_ACCOUNT_ID\?/m);
    expect(misspelled.out).toMatch(/^1 of \d+ checks failed \(3 with a warning, ⚠: read them\)\. 1 could not be checked from here \(–\): read it\.$/m);
    expect(misspelled.status).toBe(1);
  }, 30_000);

  it('Okta set up without admins or an approvals channel: /reset-okta-mfa (approval by default) is off, said on a ⚠ line naming it and what to set, which fails nothing: exit 0', async () => {
    const { status, out } = await cli([], { ADMIN_USER_IDS: '', ADMIN_USERGROUP_ID: '', APPROVALS_CHANNEL_ID: '' });
    expect(out).toMatch(
      /^⚠ ADMIN_USER_IDS okta_mfa: \/reset-okta-mfa is off: Okta is set up, but okta_mfa's policy is approval \(its default\), and there are no admins to approve and no approvals channel where admins see requests\. To offer it, set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both, and APPROVALS_CHANNEL_ID; or give okta_mfa another policy in RESET_POLICY: okta_mfa=verify .*\. If you do not mean to offer it, there is nothing to do$/m,
    );
    // Amazon Chime's license requests, off for the same want: their own ⚠ line.
    expect(out).toMatch(/^⚠ APPROVALS_CHANNEL_ID license requests: License requests \(\/request-license\) are off: Amazon Chime is set up, .* To offer them, set APPROVALS_CHANNEL_ID, and ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both\. /m);
    expect(out).not.toMatch(/^✗ /m);
    expect(out).toMatch(/^All \d+ checks passed \(2 with a warning, ⚠: read them\)\./m);
    expect(status).toBe(0);
    // With admins and the channel, as the harness sets them: on, and nothing to say.
    expect((await doctor()).filter((c) => c.name.includes('okta_mfa'))).toEqual([]);
  }, 30_000);

  it("Okta's password left self-service (its default): a ⚠ line saying it is weaker than the verify recommended for it and what to add to RESET_POLICY, which fails nothing: exit 0", async () => {
    const { status, out } = await cli([], { RESET_POLICY: '' });
    expect(out).toMatch(
      /^⚠ RESET_POLICY okta_password: okta_password's policy is self-service \(its default\), weaker than the verify recommended for it: the Okta password opens everything behind single sign-on, .*\. Add okta_password=verify \(with VERIFY_WITH=.*\) or okta_password=approval to RESET_POLICY\. To keep self-service, name it there \(okta_password=self-service\) and this is not said again\.$/m,
    );
    expect(out).not.toMatch(/^✗ /m);
    expect(out).toMatch(/^All \d+ checks passed \(1 with a warning, ⚠: read it\)\./m);
    expect(status).toBe(0);
  }, 30_000);

  it("ADMIN_USERGROUP_ID of one member, and ADMIN_USER_IDS adding no other admin, while admins decide requests: the Admin group line is ⚠, saying that admin's own requests can never be decided; a second admin anywhere: ✓", async () => {
    const groupLine = async (env: Record<string, string | undefined>) => (await doctor(env)).find((c) => c.name === 'Admin group');
    const alone = expect.objectContaining({
      ok: true,
      warning: true,
      detail: expect.stringMatching(
        /^S0ADMINS has 1 member, UMAX, and ADMIN_USER_IDS adds no other admin, while admins decide license requests or okta_mfa=approval: an admin cannot decide their own request, so UMAX's own requests can never be decided: add a second admin to the group or to ADMIN_USER_IDS$/,
      ),
    });
    expect(await groupLine({ ADMIN_USER_IDS: '' })).toEqual(alone);
    expect(await groupLine({ ADMIN_USER_IDS: 'UMAX' })).toEqual(alone);
    // As the harness sets it (UADA besides the group's UMAX): two admins.
    expect(await groupLine({})).toEqual({ name: 'Admin group', ok: true, detail: 'S0ADMINS has 1 member' });
  }, 30_000);

  it('a RESET_POLICY entry for a credential not set up here is a ✗ line naming it and what to do; every other check as before', async () => {
    const google = CREDENTIALS.find((c) => c.id === 'google_password')!;
    const unset = Object.fromEntries(Object.keys(google.settings.variables).map((name) => [name, undefined]));
    const checks = await doctor({ ...unset, RESET_POLICY: 'google_password=approval' });
    expect(failures(checks)).toEqual([
      {
        name: 'RESET_POLICY google_password',
        ok: false,
        detail: expect.stringMatching(/^google_password=approval is not in force: Google Workspace is not set up here \(GOOGLE_\w+ is unset\), so \/reset-google-password is off\. Set .* or take google_password out of RESET_POLICY$/),
      },
    ]);
    expect(failures(await doctor({ RESET_POLICY: 'google_password=approval' }))).toEqual([]);
  });

  it('the verifier VERIFY_WITH names is checked too; Okta Verify, on the Okta credentials\' org and token, once with them', async () => {
    const before = okta().callsTo('GetCurrentUser').length;
    const checks = await doctor({ VERIFY_WITH: 'okta' });
    expect(failures(checks)).toEqual([]);
    expect(okta().callsTo('GetCurrentUser').length - before).toBe(1);
    expect(checks.filter((c) => c.name.startsWith('Okta')).map((c) => `${c.name}: ${c.detail}`)).toEqual([
      expect.stringMatching(/^Okta: API token: /),
      expect.stringMatching(/^Okta: admin role: /),
      'Okta Verify: settings: OKTA_ORG_URL and OKTA_API_TOKEN, checked above for Okta',
    ]);
  });

  describe("a verifier on a credential's own settings (Okta Verify on Okta's org and token) is not checked when that credential's check failed: a – line saying so, neither ✓ nor the failure again", () => {
    const oktaLines = (out: string) => out.split('\n').filter((l) => /^[✓✗⚠–] Okta/.test(l));
    const notChecked = '– Okta Verify: not checked, Okta failed above: it uses the same OKTA_ORG_URL and OKTA_API_TOKEN, and is checked once Okta passes';

    it.each([
      ['a bad token', { OKTA_API_TOKEN: 'not-the-okta-token-0123456789' }, /^✗ Okta: API token: okta:GetCurrentUser 401: E0000011/],
      ['an org that does not answer', { OKTA_ORG_URL: 'http://127.0.0.1:9' }, /^✗ Okta: API token: okta:GetCurrentUser: Error ECONNREFUSED: check OKTA_ORG_URL/],
      ['a mistyped org', { OKTA_ORG_URL: 'https://acme.okta-typo.invalid' }, /^✗ Okta: network address: DNS (has no address|did not answer) for acme\.okta-typo\.invalid/],
    ])('%s', async (_what, env, failure) => {
      const { status, out } = await cli([], { VERIFY_WITH: 'okta', ...env });
      expect(status).toBe(1);
      expect(oktaLines(out)).toEqual([expect.stringMatching(failure), notChecked]);
      expect(out).toMatch(/^1 of \d+ checks failed, and 1 more was not checked because Okta failed \(–\)\. 1 could not be checked from here \(–\): read it\.$/m);
    }, 30_000);

    it("one of Okta's lines failing is enough: its admin role", async () => {
      const roles = okta().tokenOwnerRoles.splice(0, Infinity, 'READ_ONLY_ADMIN');
      try {
        const checks = await doctor({ VERIFY_WITH: 'okta' });
        expect(renderChecks(checks.filter((c) => c.name.startsWith('Okta'))).split('\n')).toEqual([
          expect.stringMatching(/^✓ Okta: API token: /),
          expect.stringMatching(/^✗ Okta: admin role: .*holds READ_ONLY_ADMIN/),
          notChecked,
        ]);
      } finally {
        okta().tokenOwnerRoles.splice(0, Infinity, ...roles);
      }
    });
  });

  it('Google acting as someone with no delegated admin rights is named on its own line, with what to do, and no key is printed', async () => {
    const checks = await doctor({ GOOGLE_ADMIN_EMAIL: 'ann@example.com' });
    expect(failures(checks)).toEqual([
      expect.objectContaining({ name: 'Google Workspace: service account and delegation', detail: expect.stringContaining('unauthorized_client: check GOOGLE_SERVICE_ACCOUNT_KEY, its domain-wide delegation for both scopes the token asks for, https://www.googleapis.com/auth/admin.directory.user and https://www.googleapis.com/auth/admin.directory.user.security,') }),
    ]);
    for (const secret of h.standIns.get('google_password')!.secrets()) expect(JSON.stringify(checks)).not.toContain(secret);
  });

  it("Google acting as a delegated admin: a warning that a person its role does not reach is told to ask IT, with what to assign; an admin whose role reads no user, itself included, fails with what to grant", async () => {
    const google = h.standIns.get('google_password') as GoogleSimulator;
    const delegated = await doctor({ GOOGLE_ADMIN_EMAIL: 'max@example.com' });
    expect(failures(delegated)).toEqual([]);
    expect(delegated.find((c) => c.name === "Google Workspace: admin's reach")).toMatchObject({
      ok: true,
      warning: true,
      detail: expect.stringMatching(/^GOOGLE_ADMIN_EMAIL is a delegated admin, not a super admin: a person its role does not reach is refused and told to ask IT .*assign GOOGLE_ADMIN_EMAIL's role/),
    });
    expect((await doctor({})).some((c) => c.name === "Google Workspace: admin's reach")).toBe(false);
    google.adminReadsUsers = false;
    try {
      expect(failures(await doctor({}))).toEqual([
        expect.objectContaining({ name: 'Google Workspace: service account and delegation', detail: expect.stringContaining('for GOOGLE_ADMIN_EMAIL itself: the admin Latchkey acts as may read no user') }),
      ]);
    } finally {
      google.adminReadsUsers = true;
    }
  });

  it('Google acting as an admin that is no user of the Workspace is named as such: Google refuses its token, as it does', async () => {
    const google = h.standIns.get('google_password')!;
    const before = google.callsTo('Token').length;
    const checks = await doctor({ GOOGLE_ADMIN_EMAIL: 'nobody@example.com' });
    expect(failures(checks)).toEqual([
      expect.objectContaining({
        name: 'Google Workspace: service account and delegation',
        detail: expect.stringMatching(/^google:Token 400: invalid_grant: GOOGLE_ADMIN_EMAIL is not a user of this Workspace: check /),
      }),
    ]);
    // Refused at the token endpoint: no user read was ever made for it.
    expect(google.callsTo('Token').slice(before).map((c) => c.params.sub)).toContain('nobody@example.com');
    expect(google.calls.slice(-1)[0]!.operation).toBe('Token');
  });

  it('with bad configuration it says it cannot check the setup (not that Latchkey cannot start), lists every problem, and exits 2', async () => {
    const { status, out } = await cli([], { SLACK_TEAM_ID: 'not-a-team' });
    expect(status).toBe(2);
    expect(out).toMatch(/^Latchkey cannot check its setup: the configuration has problems\./m);
    expect(out).toContain('SLACK_TEAM_ID');
    expect(out).not.toContain('    at ');
  }, 30_000);

  it('a .env that is a named pipe nothing writes to is refused after 5 s in one line, exit 2 (reading one waited for a writer: the check hung there)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-doctor-'));
    try {
      execFileSync('mkfifo', [join(dir, '.env')]);
      const run = spawnSync(process.execPath, [CLI], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 40_000, killSignal: 'SIGKILL' });
      // The wait said once, after a second (before: nothing until the refusal).
      expect(run.stderr).toBe(`Nothing written to ${join(realpathSync(dir), '.env')} yet: waiting up to 5 s in all for the tool that serves it (for example 1Password) to write the settings. If that tool asks you to unlock it or to allow access, do so.\nLatchkey cannot check its setup: ${join(realpathSync(dir), '.env')} is a named pipe (FIFO) that nothing wrote settings to within 5 s. Latchkey reads its settings from .env when it is there: if a tool serves it (1Password Environments mounts .env so), unlock that tool and check the file is enabled there, then run this again; otherwise make .env a regular file of NAME=value lines, or move it away to give the settings in the environment alone.\n`);
      expect(run.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a .env that is there but cannot be read (here a directory) is one line naming the file and what to do, as npm start says it, with no stack trace; exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-doctor-'));
    try {
      // A directory, not a file without read permission: the tests run as root, whom chmod does not stop.
      mkdirSync(join(dir, '.env'));
      const run = spawnSync(process.execPath, [CLI], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 20_000 });
      expect(run.stderr).toBe(
        `Latchkey cannot check its setup: ${join(realpathSync(dir), '.env')} is a directory, not a file. Latchkey reads its settings from .env when it is there: move the directory away, then give the settings in a .env file or in the environment alone.\n`,
      );
      expect(run.stderr).not.toContain('    at ');
      expect(run.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a value in .env cut at '#' (the README's PASSWORD_SYMBOLS unquoted) is said in its problem's line, with what to do: quote it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-doctor-'));
    try {
      writeFileSync(join(dir, '.env'), 'PASSWORD_SYMBOLS=!#$%*+-=?@^_\n');
      const { status, out } = await cli([], {}, dir);
      expect(status).toBe(2);
      expect(out.split('\n').filter((l) => l.startsWith('  - '))).toEqual([
        expect.stringMatching(/^  - PASSWORD_SYMBOLS: .*\(the value of PASSWORD_SYMBOLS in \.env is cut at '#', which starts a comment there: quote it, PASSWORD_SYMBOLS="…"\)$/),
      ]);
      writeFileSync(join(dir, '.env'), "PASSWORD_SYMBOLS='!#$%*+-=?@^_'\n");
      expect((await cli([], {}, dir)).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a key .env sets twice is a ✗ line naming it, both lines and which one is read, never a value; exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-doctor-'));
    try {
      writeFileSync(join(dir, '.env'), ['METRICS_TOKEN=first-metrics-token-0123456789', 'LOG_LEVEL=info', '', 'METRICS_TOKEN=second-metrics-token-0123456789'].join('\n'));
      const { status, out } = await cli([], {}, dir);
      expect(out.split('\n').filter((l) => l.startsWith('✗ '))).toEqual([
        '✗ METRICS_TOKEN set twice in .env: METRICS_TOKEN is set twice in .env (lines 1 and 4): only the last, line 4, is read, so a change to an earlier one changes nothing. Keep the line you mean and delete the other',
      ]);
      expect(status).toBe(1);
      expect(out).not.toMatch(/metrics-token-0123456789/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('settings left empty, as a .env copied from an example has them, are unset: only a required one is a problem, said as missing', async () => {
    const { status, out } = await cli([], { SLACK_SIGNING_SECRET: '', GOOGLE_API_URL: '', PORT: '', LOG_LEVEL: '', AUDIT_TABLE_NAME: '' });
    expect(status).toBe(2);
    expect(out.split('\n').filter((l) => l.startsWith('  - '))).toEqual(["  - SLACK_SIGNING_SECRET: is required: the Signing Secret from your Slack app's Basic Information page"]);
  }, 30_000);

  it('a bad Okta token is named, with what to do, and the process exits 1', async () => {
    const { status, out } = await cli([], { OKTA_API_TOKEN: 'not-the-okta-token-0123456789' });
    expect(status).toBe(1);
    expect(out).toMatch(/^✗ Okta: API token: okta:GetCurrentUser 401: E0000011.*OKTA_API_TOKEN/m);
    expect(out).toContain('1 of');
    expect(out).not.toContain('not-the-okta-token-0123456789');
  }, 30_000);

  it("--person: a directory that refuses Latchkey itself (DIRECTORY_MISCONFIGURED) for the lookup, its own check passing (a Group admin's, with its ⚠), says it is the setup, not the person, and what to check", async () => {
    // A Group admin's token (USER_ADMIN) whose groups do not hold Bob: its check passes (with its ⚠), and Okta refuses Bob's roles to each Okta command's lookup.
    const roles = okta().tokenOwnerRoles.splice(0, Infinity, 'USER_ADMIN');
    okta().refuseRolesOf(['00ubob']);
    let checks: SetupCheck[];
    try {
      checks = await doctor({}, 'UBOB');
    } finally {
      okta().tokenOwnerRoles.splice(0, Infinity, ...roles);
      okta().refuseRolesOf([]);
    }
    const person = checks.filter((c) => c.name.startsWith('Person UBOB, /') && c.detail.includes('DIRECTORY_MISCONFIGURED'));
    expect(person.map((c) => c.name)).toEqual(['Person UBOB, /reset-okta-password', 'Person UBOB, /unlock-okta', 'Person UBOB, /reset-okta-mfa']);
    for (const line of person) {
      expect(line).toMatchObject({
        ok: false,
        detail: expect.stringMatching(
          /^refused: directory misconfigured \(DIRECTORY_MISCONFIGURED\): Okta refused Latchkey itself, not this person \(okta:\w+ 403: E0000006[^)]*\): the Okta lines above say what to fix; if they pass, check that the permissions README's Configuration lists for Okta are all granted, as this lookup needs them too$/,
        ),
      });
    }
    expect(checks.filter((c) => c.name.startsWith('Okta: ')).every((c) => c.ok)).toBe(true);
  });

  it("--person: a credential whose directory's own check failed above is not looked up for the person: a – line each saying so, not the failure again", async () => {
    const checks = await doctor({ OKTA_API_TOKEN: 'not-the-okta-token-0123456789' }, 'UANN');
    expect(renderChecks(checks.filter((c) => /^(Okta|Person UANN, \/(reset-okta|unlock-okta))/.test(c.name))).split('\n')).toEqual([
      expect.stringMatching(/^✗ Okta: API token: okta:GetCurrentUser 401: E0000011 .*set OKTA_API_TOKEN to it$/),
      '– Person UANN, /reset-okta-password: not checked, Okta failed above',
      '– Person UANN, /unlock-okta: not checked, Okta failed above',
      '– Person UANN, /reset-okta-mfa: not checked, Okta failed above',
    ]);
    expect(checks.find((c) => c.name === 'Person UANN, /reset-pin')).toMatchObject({ ok: true, detail: 'allowed: would reset directory user chime-ann' });
    expect(checksSummary(checks)).toMatch(/^1 of \d+ checks failed, and 3 more were not checked because Okta failed \(–\)\./);
    expect(JSON.stringify(checks)).not.toContain('not-the-okta-token-0123456789');
  });

  it("Entra's sign-in domains: a line naming the federated ones, whose people are refused; without the Graph permission Domain.Read.All it is a warning (⚠), naming it and what resets go without, and --person still says who may reset", async () => {
    const entra = h.standIns.get('entra_password') as EntraSimulator;
    entra.setDomain('corp.example', 'Federated');
    const line = (checks: SetupCheck[]) => checks.find((c) => c.name === 'Microsoft Entra ID: sign-in domains');
    expect(line(await doctor())).toEqual({
      name: 'Microsoft Entra ID: sign-in domains',
      ok: true,
      detail: expect.stringMatching(/^Domain\.Read\.All granted: \d+ domains; federated \(their people sign in at another identity provider and are refused\): corp\.example$/),
    });
    entra.setDomain('corp.example', 'Managed');
    entra.setDomainReadGranted(false);
    try {
      // A deployment from before the federation check: Ann's reset works, so nothing fails and her line is looked up.
      const checks = await doctor({}, 'UANN');
      expect(failures(checks)).toEqual([]);
      expect(renderChecks(checks.filter((c) => /^(Microsoft Entra ID: sign-in domains|Person UANN, \/reset-entra-password)/.test(c.name))).split('\n')).toEqual([
        expect.stringMatching(/^⚠ Microsoft Entra ID: sign-in domains: entra:ListDomains 403: Authorization_RequestDenied Insufficient privileges to complete the operation\. \(needs the Graph application permission Domain\.Read\.All\): grant the app registration the Microsoft Graph application permission Domain\.Read\.All, with admin consent: without it a person whose sign-in domain is federated \(they sign in at AD FS, Okta, Ping… with its password\) is not refused before the reset with words saying where to reset it: Graph refuses the password, or sets one they do not sign in with$/),
        expect.stringMatching(/^✓ Person UANN, \/reset-entra-password: allowed: would reset directory user /),
      ]);
      expect(checksSummary(checks)).toMatch(/^All \d+ checks passed \(\d+ with a warning, ⚠: read/);
    } finally {
      entra.setDomainReadGranted(true);
    }
  });

  it("Entra's admin role check: the doctor reads one user's directory roles with the call every lookup makes; when Graph refuses it (403 Authorization_RequestDenied), one ✗ line names the permission and where to grant it, and no person is looked up", async () => {
    const entra = h.standIns.get('entra_password') as EntraSimulator;
    const line = (checks: SetupCheck[]) => checks.find((c) => c.name === 'Microsoft Entra ID: admin role check');
    const before = entra.calls.length;
    expect(line(await doctor())).toEqual({ name: 'Microsoft Entra ID: admin role check', ok: true, detail: expect.stringContaining("a user's directory roles can be read") });
    // The role check's own call, on a user the tenant has: proof of what a lookup reads, not of an empty answer.
    const roleReads = entra.calls.slice(before).filter((c) => c.operation === 'ListRoles');
    expect(roleReads).toHaveLength(1);
    expect(entra.users.has((roleReads[0]!.params as { userId: string }).userId)).toBe(true);
    entra.setRoleReadGranted(false);
    try {
      const checks = await doctor({}, 'UANN');
      expect(failures(checks).map((c) => c.name)).toEqual(['Microsoft Entra ID: admin role check']);
      expect(renderChecks([line(checks)!])).toBe(
        '✗ Microsoft Entra ID: admin role check: entra:ListRoles 403: Authorization_RequestDenied Insufficient privileges to complete the operation. (needs the Graph application permission User.Read.All): ' +
          'grant the app registration the Microsoft Graph application permission User.Read.All (or Directory.Read.All), with admin consent: Microsoft Entra admin center → App registrations → the app → API permissions → Add a permission → Microsoft Graph → Application permissions, then Grant admin consent. ' +
          "Every reset reads the person's directory roles to refuse admins: without it every Entra reset fails, and each pages the on-call",
      );
      expect(checks.find((c) => c.name === 'Person UANN, /reset-entra-password')).toMatchObject({ ok: true, unchecked: true, detail: 'not checked, Microsoft Entra ID failed above' });
    } finally {
      entra.setRoleReadGranted(true);
    }
  });

  it('an Okta token whose owner holds no admin role that may reset passwords is named', async () => {
    const roles = okta().tokenOwnerRoles.splice(0, Infinity, 'READ_ONLY_ADMIN');
    try {
      expect(failures(await doctor())).toEqual([expect.objectContaining({ name: 'Okta: admin role', detail: expect.stringContaining('holds READ_ONLY_ADMIN') })]);
    } finally {
      okta().tokenOwnerRoles.splice(0, Infinity, ...roles);
    }
  });

  it("an Okta token whose owner may read its own roles but not another user's, which every reset reads first, fails its admin-role line: never a ✓ that every reset then disproves", async () => {
    okta().refuseRolesOf('others');
    try {
      expect(failures(await doctor())).toEqual([
        expect.objectContaining({
          name: 'Okta: admin role',
          detail: expect.stringMatching(/^okta:ListRoles 403: E0000006.*: the token's owner \(SUPER_ADMIN\) cannot read another user's admin roles, which every reset reads first: create the token as a Super Administrator, and set OKTA_API_TOKEN to it$/),
        }),
      ]);
    } finally {
      okta().refuseRolesOf([]);
    }
  });

  it("an Okta token of a Help Desk or Group admin is a ⚠ naming what to check (Okta limits them to their groups), not a ✓; a Super Administrator's is a ✓", async () => {
    const line = async () => (await doctor()).find((c) => c.name === 'Okta: admin role');
    expect(await line()).toMatchObject({ ok: true, detail: "the token's owner is SUPER_ADMIN, and may read another user's admin roles, as every reset does" });
    expect((await line())!.warning).toBeUndefined();
    for (const role of ['HELP_DESK_ADMIN', 'USER_ADMIN']) {
      const roles = okta().tokenOwnerRoles.splice(0, Infinity, role);
      try {
        expect(await line()).toMatchObject({
          ok: true,
          warning: true,
          detail: expect.stringMatching(new RegExp(`^the token's owner is ${role}: it read one other user's admin roles, but Okta may limit a Help Desk or Group admin to the groups it is given: check under Security, Administrators that they hold every employee who will reset, or create the token as a Super Administrator$`)),
        });
      } finally {
        okta().tokenOwnerRoles.splice(0, Infinity, ...roles);
      }
    }
  });

  it("an Okta token whose owner may not read its own roles (403) says what to do: make the token as a Super Administrator; a failure that is not ours says to try again", async () => {
    okta().failNext('ListRoles', { status: 403, errorCode: 'E0000006', summary: 'You do not have permission to perform the requested action' });
    expect(failures(await doctor())).toEqual([
      expect.objectContaining({
        name: 'Okta: admin role',
        detail: expect.stringMatching(/^okta:ListRoles 403: E0000006.*: the token's owner cannot read its own roles: create the token as a Super Administrator, and set OKTA_API_TOKEN to it$/),
      }),
    ]);
    const before = okta().callsTo('ListRoles').length;
    okta().failNext('ListRoles', { status: 500, errorCode: 'E0000009', summary: 'Internal Server Error' });
    const failing = failures(await doctor());
    // The check tries once: the failure asked for was met, and none is left for the next test.
    expect(okta().callsTo('ListRoles').length - before).toBe(1);
    expect(failing).toEqual([
      expect.objectContaining({ name: 'Okta: admin role', detail: expect.stringMatching(/: the token's owner cannot read its own roles: run the check again; if it fails again, check the network path to Okta$/) }),
    ]);
  });

  it("a plug-in's check that throws instead of answering is a ✗ line with what to do next: its settings and permissions when the directory refused us, else to try again", async () => {
    const loaded = loadConfig(h.env);
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const chime = loaded.config.credentials.find((c) => c.credential.id === 'pin')!;
    const throwing = (failure: LatchkeyFailure) => ({ ...chime, credential: { ...chime.credential, settings: { ...chime.credential.settings }, check: async () => Promise.reject(failure) } });
    const run = async (failure: LatchkeyFailure) => {
      const d = createDoctor({ ...loaded.config, credentials: [throwing(failure)] }, { logger: createLogger('silent') });
      try {
        return failures(await d.run({}));
      } finally {
        d.close();
      }
    };
    expect(await run(new LatchkeyFailure('DIRECTORY_MISCONFIGURED', 'chime:ListUsers ForbiddenException: denied'))).toEqual([
      { name: 'Amazon Chime', ok: false, detail: "the check failed (chime:ListUsers ForbiddenException: denied): check Amazon Chime's settings and the permissions README's Configuration lists for it" },
    ]);
    expect(await run(new LatchkeyFailure('DIRECTORY_UNAVAILABLE', 'chime:ListUsers TimeoutError'))).toEqual([
      // Not answered, not refused: marked so, for the start's check to say it as a moment's failure.
      { name: 'Amazon Chime', ok: false, detail: 'the check failed (chime:ListUsers TimeoutError): run the check again; if it fails again, check the network path to Amazon Chime', unanswered: true },
    ]);
  });

  it("the admin group's line counts its members in words that agree with the number: 1 member, 2 members", async () => {
    const group = (await doctor()).find((c) => c.name === 'Admin group');
    expect(group).toEqual({ name: 'Admin group', ok: true, detail: `${ADMIN_GROUP} has 1 member` });
    h.slack.usergroups.set(ADMIN_GROUP, ['UMAX', 'UADA']);
    try {
      expect((await doctor()).find((c) => c.name === 'Admin group')?.detail).toBe(`${ADMIN_GROUP} has 2 members`);
    } finally {
      h.slack.usergroups.set(ADMIN_GROUP, ['UMAX']);
    }
  });

  it("a guest among the admins, in ADMIN_USER_IDS or in the admin group, is a ✗ line saying guests should not decide others' credential requests, and what to do", async () => {
    const why = "guests should not decide others' credential requests";
    expect(failures(await doctor({ ADMIN_USER_IDS: 'UADA,UGUEST' }))).toEqual([
      { name: 'Admin UGUEST', ok: false, detail: `a guest in Slack: ${why}: remove them from ADMIN_USER_IDS, or make them a full member of this workspace` },
    ]);
    h.slack.usergroups.set(ADMIN_GROUP, ['UMAX', 'USINGLE']);
    try {
      expect(failures(await doctor())).toEqual([
        { name: 'Admin USINGLE', ok: false, detail: `a guest in Slack, in the admin group ${ADMIN_GROUP}: ${why}: remove them from the group, or make them a full member of this workspace` },
      ]);
      // A group too large to ask Slack about everyone in one run: the first 50 are, and its line says so.
      const many = Array.from({ length: 60 }, (_, i) => `U0MANY${String(i).padStart(3, '0')}`);
      h.slack.usergroups.set(ADMIN_GROUP, ['UMAX', ...many]);
      h.slack.clear();
      expect((await doctor()).find((c) => c.name === 'Admin group')).toEqual({ name: 'Admin group', ok: true, detail: `${ADMIN_GROUP} has 61 members; the first 50 were checked for guests` });
      expect(h.slack.callsTo('users.info').filter((c) => c.args.user !== 'UADA')).toHaveLength(50);
    } finally {
      h.slack.usergroups.set(ADMIN_GROUP, ['UMAX']);
    }
    // A member who is an admin: as before.
    expect((await doctor()).find((c) => c.name === 'Admin UADA')).toEqual({ name: 'Admin UADA', ok: true, detail: 'an active member' });
  });

  it("admins whose email Slack calls unconfirmed (is_email_confirmed: false), while SLACK_EMAILS_VERIFIED_BY_SSO is off: a ⚠ line counting them, saying such people are refused and what an SSO workspace sets; none with the setting on, or all confirmed", async () => {
    const line = (checks: SetupCheck[]) => checks.find((c) => c.name === "Admins' emails");
    // Nothing to say as the harness sets it up: Slack calls both admins' emails confirmed.
    expect(line(await doctor())).toBeUndefined();
    const [ada, max] = [h.slack.users.get('UADA')!, h.slack.users.get('UMAX')!];
    // UADA by ADMIN_USER_IDS, UMAX through the admin group: both are read, and counted.
    h.slack.users.set('UMAX', { ...max, is_email_confirmed: false });
    try {
      expect(line(await doctor())).toEqual({
        name: "Admins' emails",
        ok: true,
        warning: true,
        detail:
          "Slack calls 1 of the 2 admins' emails unconfirmed (UMAX): anyone whose email Slack calls unconfirmed is refused every reset (SLACK_EMAIL_UNCONFIRMED). " +
          'If your workspace requires SSO to sign in, set SLACK_EMAILS_VERIFIED_BY_SSO=true (see README\'s "Who may use it")',
      });
      h.slack.users.set('UADA', { ...ada, is_email_confirmed: false });
      expect(line(await doctor())?.detail).toMatch(/^Slack calls 2 of the 2 admins' emails unconfirmed \(UADA, UMAX\): /);
      // Where SSO verified the address, the flag is not read, and there is nothing to warn of.
      expect(line(await doctor({ SLACK_EMAILS_VERIFIED_BY_SSO: 'true' }))).toBeUndefined();
    } finally {
      h.slack.users.set('UADA', ada);
      h.slack.users.set('UMAX', max);
    }
  });

  it("Slack's reads that fail say what to do next: an unknown admin or user group, a scope the token lacks, Slack failing", async () => {
    expect(failures(await doctor({ ADMIN_USER_IDS: 'UADA,U0NOSUCH', ADMIN_USERGROUP_ID: 'S0NOSUCH' }))).toEqual([
      { name: 'Admin U0NOSUCH', ok: false, detail: "no such user in this workspace: correct ADMIN_USER_IDS (in Slack: the person's profile → ⋮ More → Copy member ID)" },
      { name: 'Admin group', ok: false, detail: 'usergroups.users.list for ADMIN_USERGROUP_ID S0NOSUCH failed (no_such_subteam): no user group of this workspace has this ID: correct ADMIN_USERGROUP_ID (a user group ID, S…)' },
    ]);
    h.slack.failNext('users.info', { error: 'missing_scope' });
    h.slack.failNext('conversations.info', { error: 'internal_error' });
    expect(failures(await doctor())).toEqual([
      { name: 'Approvals channel', ok: false, detail: 'conversations.info failed (internal_error): run the check again; if it fails again, see the Slack token line above for whether Slack answers at all' },
      { name: 'Admin UADA', ok: false, detail: `users.info failed (missing_scope): to grant users:read, ${GRANT}` },
    ]);
  });

  it('a bot that is not in the approvals channel is named, with how to invite it', async () => {
    h.slack.channels.set(APPROVALS_CHANNEL, { name: 'latchkey-approvals', isMember: false });
    try {
      expect(failures(await doctor())).toEqual([
        expect.objectContaining({ name: 'Approvals channel', detail: expect.stringMatching(/the bot is not in APPROVALS_CHANNEL_ID C0APPROVALS \(#latchkey-approvals\): invite it/) }),
      ]);
    } finally {
      h.slack.channels.set(APPROVALS_CHANNEL, { name: 'latchkey-approvals', isMember: true });
    }
  });

  it("an approvals channel Slack will not show the bot (channel_not_found: a private channel it is not in, or a wrong ID) says what a private channel needs: the groups:read scope and the bot invited", async () => {
    expect(failures(await doctor({ APPROVALS_CHANNEL_ID: 'G0PRIVATE' }))).toEqual([
      {
        name: 'Approvals channel',
        ok: false,
        // Before: "a private channel the bot is not in, or a wrong ID; invite the bot or correct the ID", with no word of the scope nor how to invite it.
        detail:
          `APPROVALS_CHANNEL_ID G0PRIVATE was not found: Slack says so of a private channel the bot is not in, as of a wrong ID. For a private channel, the bot must be invited (/invite @Latchkey in that channel) and the app needs the groups:read scope: to grant it, ${GRANT}. Otherwise correct APPROVALS_CHANNEL_ID`,
      },
    ]);
  });

  it('with no license requests (no directory offering them), a reset under the approval policy still posts to the approvals channel: the bot not in it, or the token unable to read it, is named', async () => {
    // Okta's /reset-okta-mfa under approval (its default), Amazon Chime not set up.
    const noLicenses = { CHIME_ACCOUNT_ID: undefined };
    expect(await doctor(noLicenses)).toContainEqual(expect.objectContaining({ name: 'Approvals channel', ok: true }));
    h.slack.channels.set(APPROVALS_CHANNEL, { name: 'latchkey-approvals', isMember: false });
    try {
      expect(failures(await doctor(noLicenses))).toEqual([
        expect.objectContaining({ name: 'Approvals channel', detail: expect.stringMatching(/the bot is not in APPROVALS_CHANNEL_ID C0APPROVALS \(#latchkey-approvals\): invite it/) }),
      ]);
    } finally {
      h.slack.channels.set(APPROVALS_CHANNEL, { name: 'latchkey-approvals', isMember: true });
    }
    const scopes = h.slack.scopes.splice(0, Infinity, ...h.slack.scopes.filter((s) => s !== 'groups:read'));
    try {
      expect(failures(await doctor(noLicenses))).toEqual([expect.objectContaining({ name: 'Slack scopes', detail: `missing groups:read: to grant them, ${GRANT}` })]);
    } finally {
      h.slack.scopes.splice(0, Infinity, ...scopes);
    }
  });

  it('a table that does not exist is named by its variable', async () => {
    expect(failures(await doctor({ AUDIT_TABLE_NAME: 'latchkey-no-such-table' }))).toEqual([
      expect.objectContaining({ name: 'Table AUDIT_TABLE_NAME', detail: expect.stringContaining('table latchkey-no-such-table does not exist') }),
    ]);
  });

  it('what it advises for a missing table or index depends on DYNAMODB_CREATE_TABLES: never to set it when it is set already', async () => {
    const [missing] = failures(await doctor({ AUDIT_TABLE_NAME: 'latchkey-no-such-table', DYNAMODB_CREATE_TABLES: 'false' }));
    expect(missing!.detail).toMatch(/^table latchkey-no-such-table does not exist in eu-west-1: deploy the stack \(infra\/\), set AUDIT_TABLE_NAME to its name, or in development start once with DYNAMODB_CREATE_TABLES=true$/);
    const [made] = failures(await doctor({ AUDIT_TABLE_NAME: 'latchkey-no-such-table', DYNAMODB_CREATE_TABLES: 'true' }));
    expect(made!.detail).toBe('table latchkey-no-such-table does not exist in eu-west-1 yet: the start makes it, as DYNAMODB_CREATE_TABLES=true asks; if it should exist already, check AUDIT_TABLE_NAME and AWS_REGION');

    // A table an older Latchkey made, without the index this one queries.
    const { GlobalSecondaryIndexes: _, ...withoutIndexes } = auditTable('latchkey-audit-unindexed').create;
    const keys = withoutIndexes.KeySchema!.map((k) => k.AttributeName);
    await dynamo.send(new CreateTableCommand({ ...withoutIndexes, AttributeDefinitions: withoutIndexes.AttributeDefinitions!.filter((a) => keys.includes(a.AttributeName)) }));
    const index = auditTable('latchkey-audit-unindexed').create.GlobalSecondaryIndexes!.map((i) => i.IndexName).join(', ');
    const [deployed] = failures(await doctor({ AUDIT_TABLE_NAME: 'latchkey-audit-unindexed', DYNAMODB_CREATE_TABLES: 'false' }));
    expect(deployed!.detail).toBe(`table latchkey-audit-unindexed has no index ${index}: deploy the stack again (or, in development, delete the table and start with DYNAMODB_CREATE_TABLES=true)`);
    const [added] = failures(await doctor({ AUDIT_TABLE_NAME: 'latchkey-audit-unindexed', DYNAMODB_CREATE_TABLES: 'true' }));
    expect(added!.detail).toBe(`table latchkey-audit-unindexed has no index ${index}: the start adds it, as DYNAMODB_CREATE_TABLES=true asks; where the store cannot (dynalite), delete the table and start again to have it made anew`);
  });

  it("a SLACK_API_URL that answers, but not as Slack's API does (a web page, a 404, a redirect), is said so, as are a rate limit and a 5xx: none blamed on the token nor the network", async () => {
    const { createServer } = await import('node:http');
    const page = createServer((req, res) => {
      if (req.url === '/page/api/auth.test') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>intranet</html>');
      else if (req.url === '/moved/api/auth.test') res.writeHead(301, { location: 'https://slack.com/api/auth.test' }).end();
      else if (req.url === '/limited/api/auth.test') res.writeHead(429, { 'retry-after': '60' }).end();
      else if (req.url === '/failing/api/auth.test') res.writeHead(503).end();
      else res.writeHead(404).end('not here');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(page.address() as { port: number }).port}`;
    // Every other Slack check waits on auth.test: each line names them.
    const BLOCKED = '. Affected: Slack scopes, Approvals channel, Admin UADA, Admin group';
    try {
      for (const [path, problem] of [['/page/api/', 'HTTP 200, not JSON'], ['/nothing/api/', 'HTTP 404'], ['/moved/api/', 'HttpFetchError REDIRECT_REFUSED']] as const) {
        const slack = (await doctor({ SLACK_API_URL: `${base}${path}` })).find((c) => c.name === 'Slack token')!;
        expect(slack).toMatchObject({ ok: false, detail: `SLACK_API_URL did not answer as Slack's API does (auth.test: ${problem}): check SLACK_API_URL (https://slack.com/api/ unless you go through a proxy)${BLOCKED}` });
      }
      // Neither is the token's fault: a rate limit says when to run the check again, a 5xx that Slack is failing.
      const limited = (await doctor({ SLACK_API_URL: `${base}/limited/api/` })).find((c) => c.name === 'Slack token')!;
      expect(limited).toMatchObject({ ok: false, detail: `auth.test was rate-limited by Slack: run the check again in 60 s${BLOCKED}` });
      const failing = (await doctor({ SLACK_API_URL: `${base}/failing/api/`, SLACK_API_RETRIES: '0' })).find((c) => c.name === 'Slack token')!;
      expect(failing).toMatchObject({ ok: false, detail: `Slack answered auth.test with HTTP 503: Slack, or a proxy on the way, is failing; try again later (status.slack.com)${BLOCKED}` });
    } finally {
      page.closeAllConnections();
      await new Promise((resolve) => page.close(resolve));
    }
  });

  describe('an AWS problem that fails several checks alike (no credentials, no region, no answer, credentials refused) is one ✗ line of its own, with what it affects, not one on each', () => {
    const TABLES = ['Table AUDIT_TABLE_NAME', 'Table APPROVALS_TABLE_NAME', 'Table RATE_LIMIT_TABLE_NAME'];
    const awsLines = (out: string) => out.split('\n').filter((l) => /^[✓✗⚠–] (AWS|Table |Amazon )/.test(l));

    const NO_AWS_CREDENTIALS = {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_EC2_METADATA_DISABLED: 'true',
    };

    it('no AWS credentials at all: said once, with where to give them and no SDK error name; everything else checked as before', async () => {
      const { status, out } = await cli([], NO_AWS_CREDENTIALS);
      expect(status).toBe(1);
      expect(awsLines(out)).toEqual([
        `✗ AWS credentials: no AWS credentials found: give the process a role (or AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) with the permissions listed in README.md, "AWS permissions". Affected: ${[...TABLES, 'Amazon Chime', 'Amazon WorkMail'].join(', ')}`,
      ]);
      expect(out).toMatch(/^✓ Okta: API token: /m);
      expect(out).toMatch(/^1 problem, affecting 5 of 16 checks\./m);
      expect(out).not.toContain('CredentialsProviderError');
    }, 30_000);

    it('--person with no AWS credentials: the AWS directories\' commands name the line above that says why, AWS credentials, not a directory with no line of its own', async () => {
      const { status, out } = await cli(['--person', 'UANN'], NO_AWS_CREDENTIALS);
      expect(status).toBe(1);
      expect(out.split('\n').filter((l) => /^. Person UANN, \/reset-(pin|password):/.test(l))).toEqual([
        '– Person UANN, /reset-pin: not checked, AWS credentials failed above',
        '– Person UANN, /reset-password: not checked, AWS credentials failed above',
      ]);
      expect(out).toMatch(/^1 problem, affecting 5 of \d+ checks( \(1 with a warning, ⚠: read it\))?, and 2 more were not checked because AWS credentials failed \(–\)\./m);
      expect(out).toMatch(/^✓ Person UANN, \/reset-okta-password: allowed/m);
    }, 30_000);

    it.each([
      ['unset', '', 'no AWS region is set'],
      ['not a region', 'eu west 1', 'the AWS region "eu west 1" is not the name of one'],
    ])('an AWS region %s: said once, for the tables and WorkMail; Chime, always in us-east-1, passes', async (_what, region, problem) => {
      const { status, out } = await cli([], { AWS_REGION: region });
      expect(status).toBe(1);
      expect(awsLines(out)).toEqual([
        `✗ AWS region: ${problem}: set AWS_REGION to your AWS region, the one your DynamoDB tables are in (such as eu-west-1). Affected: ${[...TABLES, 'Amazon WorkMail'].join(', ')}`,
        expect.stringMatching(/^✓ Amazon Chime: credentials and permissions: /),
      ]);
    }, 30_000);

    it("a region Amazon WorkMail is not offered in (eu-central-1): WorkMail's line says so and where it is, not a typo or the network; WorkMail answering there (an endpoint of its own) passes, and in a region it has, a failure is the network's as before", async () => {
      const refused = 'http://127.0.0.1:9';
      const frankfurt = await cli([], { AWS_REGION: 'eu-central-1', AWS_ENDPOINT_URL_WORKMAIL: refused });
      expect(frankfurt.status).toBe(1);
      expect(awsLines(frankfurt.out).filter((l) => l.includes('WorkMail'))).toEqual([
        "✗ Amazon WorkMail: region: Amazon WorkMail is not offered in eu-central-1, the region Latchkey calls it in: set AWS_REGION to your WorkMail organization's region, us-east-1, us-west-2 or eu-west-1 (the WorkMail console shows it); on Lambda, deploy the stack to that region",
      ]);
      const answering = await cli([], { AWS_REGION: 'eu-central-1' });
      expect(awsLines(answering.out).filter((l) => l.includes('WorkMail'))).toEqual([expect.stringMatching(/^✓ Amazon WorkMail: credentials and permissions: /)]);
      const ireland = await cli([], { AWS_ENDPOINT_URL_WORKMAIL: refused });
      expect(awsLines(ireland.out).filter((l) => l.includes('WorkMail'))).toEqual([expect.stringMatching(/^✗ Amazon WorkMail: credentials and permissions: .*ECONNREFUSED/)]);
    }, 60_000);

    it('AWS not answering: said once, with what to check; DynamoDB alone not answering is one line for its three tables, none repeating its variable', async () => {
      const refused = 'http://127.0.0.1:9';
      const all = await cli([], { AWS_ENDPOINT_URL_DYNAMODB: refused, AWS_ENDPOINT_URL_CHIME: refused, AWS_ENDPOINT_URL_WORKMAIL: refused });
      expect(all.status).toBe(1);
      const line = (affected: string[]) =>
        `✗ AWS network: AWS did not answer (Error ECONNREFUSED): check this machine's network path to AWS (a proxy, a firewall, the VPC's endpoints or NAT gateway), AWS_REGION, and any AWS_ENDPOINT_URL_… you set; then run the check again. Affected: ${affected.join(', ')}`;
      expect(awsLines(all.out)).toEqual([line([...TABLES, 'Amazon Chime', 'Amazon WorkMail'])]);
      const dynamo = await cli([], { AWS_ENDPOINT_URL_DYNAMODB: refused });
      expect(awsLines(dynamo.out)).toEqual([line(TABLES), expect.stringMatching(/^✓ Amazon Chime: /), expect.stringMatching(/^✓ Amazon WorkMail: /)]);
      expect(dynamo.out).not.toMatch(/(\w+_TABLE_NAME): \1/);
      // A host DNS cannot find is named: the three tables' one host, once.
      const typo = await cli([], { AWS_ENDPOINT_URL_DYNAMODB: 'http://dynamodb.aws-typo.invalid' });
      expect(awsLines(typo.out)).toEqual([
        expect.stringMatching(new RegExp(`^✗ AWS network address: DNS (has no address|did not answer) for dynamodb\\.aws-typo\\.invalid .*the host in the AWS_ENDPOINT_URL_… you set, or the region in AWS_REGION it is made from.*\\. Affected: ${TABLES.join(', ')}$`)),
        expect.stringMatching(/^✓ Amazon Chime: /),
        expect.stringMatching(/^✓ Amazon WorkMail: /),
      ]);
    }, 30_000);

    it("AWS refusing the process's credentials (an expired session, say), as every AWS service answers it: said once, with what to do", async () => {
      const { createServer } = await import('node:http');
      // AWS's answer to a key it does not know, in the header and body every AWS protocol reads.
      const aws = createServer((req, res) => {
        req.resume();
        res
          .writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/' })
          .end(JSON.stringify({ __type: 'com.amazon.coral.service#UnrecognizedClientException', message: 'The security token included in the request is invalid.' }));
      });
      await new Promise<void>((resolve) => aws.listen(0, '127.0.0.1', resolve));
      const endpoint = `http://127.0.0.1:${(aws.address() as { port: number }).port}`;
      try {
        const { status, out } = await cli([], { AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_ENDPOINT_URL_CHIME: endpoint, AWS_ENDPOINT_URL_WORKMAIL: endpoint });
        expect(status).toBe(1);
        expect(awsLines(out)).toEqual([
          `✗ AWS credentials: AWS refused the process's credentials (UnrecognizedClientException): give it valid ones (a session that expired: sign in again), and check AWS_REGION. Affected: ${[...TABLES, 'Amazon Chime', 'Amazon WorkMail'].join(', ')}`,
        ]);
      } finally {
        aws.closeAllConnections();
        await new Promise((resolve) => aws.close(resolve));
      }
    }, 30_000);
  });

  it('a scope the token lacks is named', async () => {
    const scopes = h.slack.scopes.splice(0, Infinity, ...h.slack.scopes.filter((s) => s !== 'users:read.email'));
    try {
      expect(failures(await doctor())).toEqual([expect.objectContaining({ name: 'Slack scopes', detail: `missing users:read.email: to grant them, ${GRANT}` })]);
    } finally {
      h.slack.scopes.splice(0, Infinity, ...scopes);
    }
  });

  it('--person: why one person can or cannot reset each credential, counting no limit and writing no audit record', async () => {
    const [calls, items] = [callCounts(), await itemCounts()];
    const ann = await doctor({}, 'UANN');
    expect(ann.filter((c) => c.name.startsWith('Person UANN'))).toEqual(expect.arrayContaining([
      expect.objectContaining({ ok: true, name: 'Person UANN', detail: 'an active full member of this workspace, with an email Slack does not call unconfirmed' }),
      expect.objectContaining({ ok: true, name: 'Person UANN, /reset-pin', detail: 'allowed: would reset directory user chime-ann' }),
      expect.objectContaining({ ok: true, name: 'Person UANN, /reset-password', detail: expect.stringMatching(/^allowed: would reset directory user /) }),
      expect.objectContaining({ ok: true, name: 'Person UANN, /reset-okta-password', detail: expect.stringMatching(/^allowed: would reset directory user /) }),
      // Nothing to change (an account not locked), in the credential's own words: no refusal.
      expect.objectContaining({ ok: true, name: 'Person UANN, /unlock-okta', detail: 'nothing to change: not locked (NOTHING_TO_CHANGE)' }),
    ]));
    // With SLACK_EMAILS_VERIFIED_BY_SSO=true Slack's flag is not read: the line says whose word the email rests on.
    expect((await doctor({ SLACK_EMAILS_VERIFIED_BY_SSO: 'true' }, 'UANN')).find((c) => c.name === 'Person UANN')).toMatchObject({
      ok: true,
      detail: 'an active full member of this workspace, with an email verified by single sign-on (SLACK_EMAILS_VERIFIED_BY_SSO=true)',
    });
    const guest = await doctor({}, 'UGUEST');
    expect(failures(guest)).toEqual([expect.objectContaining({ name: 'Person UGUEST', detail: expect.stringContaining('a guest (SLACK_USER_IS_GUEST)') })]);
    const noChime = await doctor({}, 'UNOCHIME');
    expect(failures(noChime)).toContainEqual(expect.objectContaining({ name: 'Person UNOCHIME, /reset-pin', detail: 'refused: no directory account (DIRECTORY_USER_NOT_FOUND)' }));
    const since = callsSince(calls);
    for (const [who, ops] of Object.entries(since)) expect([who, ops.filter((op) => !READS[who]!.includes(op))]).toEqual([who, []]);
    expect(await itemCounts()).toEqual(items);
  });

  it("--person by email: looked up in Slack (users.lookupByEmail, the address alone sent), then the same lines as by the member's ID, each naming both; a failed lookup is one ✗ line in the audit CLI's words, with the ID as the way out", async () => {
    const before = h.slack.calls.length;
    const ann = await cli(['--person', 'Ann@Example.com']);
    expect(h.slack.calls.slice(before).filter((c) => c.method === 'users.lookupByEmail').map((c) => c.args)).toEqual([{ email: 'Ann@Example.com' }]);
    expect(ann.out).toMatch(/^✓ Person UANN \(Ann@Example\.com\): an active full member/m);
    expect(ann.out).toMatch(/^✓ Person UANN \(Ann@Example\.com\), \/reset-pin: allowed: would reset directory user chime-ann$/m);
    expect(ann.status).toBe(0);
    const byId = "give their Slack user ID instead (in Slack, open the person's profile → ⋮ More → Copy member ID)";
    const nobody = await cli(['--person', 'nobody@example.com']);
    expect(nobody.status).toBe(1);
    expect(nobody.out.split('\n').filter((l) => l.includes('Person'))).toEqual([
      `✗ Person nobody@example.com: Slack has no member with the email nobody@example.com (users_not_found): check the address, or ${byId}`,
    ]);
    const scopes = [...h.slack.scopes];
    h.slack.scopes.splice(h.slack.scopes.indexOf('users:read.email'), 1);
    try {
      expect((await doctor({}, 'ann@example.com')).filter((c) => c.name.startsWith('Person'))).toEqual([
        {
          name: 'Person ann@example.com',
          ok: false,
          detail: `the bot token may not look up members by email (users.lookupByEmail: missing_scope, needs users:read.email): to grant users:read.email, ${GRANT}; or ${byId}`,
        },
      ]);
    } finally {
      h.slack.scopes.splice(0, Infinity, ...scopes);
    }
  }, 30_000);
});

describe('npm run doctor, its command line', () => {
  const cli = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      // No configuration at all: a wrong option is refused before any is read.
      const child = spawn(process.execPath, [CLI, ...args], { cwd: join(__dirname, '..'), env: { PATH: process.env.PATH! }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 15_000, killSignal: 'SIGKILL' });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it('an option it does not know, one missing its value, or a stray argument: one line saying so and where the options are, exit 2', async () => {
    for (const [args, line] of [
      [['--persn', 'U1'], "Unknown option '--persn' (did you mean --person?): npm run doctor -- --help lists the options\n"],
      [['--person'], "Option '--person <value>' argument missing: npm run doctor -- --help lists the options\n"],
    ] as const) {
      expect(await cli([...args])).toEqual({ status: 2, stdout: '', stderr: line });
    }
    const stray = await cli(['U0123ABCD']);
    expect(stray).toMatchObject({ status: 2, stdout: '' });
    expect(stray.stderr).toMatch(/^Unexpected argument 'U0123ABCD'[^\n]*: npm run doctor -- --help lists the options\n$/);
    expect((await cli(['--help'])).stdout).toContain('npm run doctor -- --person U0123ABCD');
  });

  it('--person neither a member ID nor an email: a usage error naming both forms, exit 2, before any configuration is read', async () => {
    expect(await cli(['--person', 'ann'])).toEqual({ status: 2, stdout: '', stderr: '--person is a Slack user ID such as U0123ABCD, or their email such as ann@example.com\n' });
    expect((await cli(['--help'])).stdout).toContain('npm run doctor -- --person ann@example.com');
  });
});
