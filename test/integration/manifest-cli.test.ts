import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, realpathSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestSchemaErrors } from '../support/manifest-schema';

const CLI = join(__dirname, '..', '..', 'dist', 'manifest-cli.js');

/** Settings of an admin who has set up Okta only: what the Slack app does not give yet (no SLACK_*). */
const OKTA_ONLY = { OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: '00okta-api-token-of-forty-characters-xx' };
/** Amazon Chime, with license requests on (an approvals channel and an admin). */
const CHIME_WITH_LICENSES = { CHIME_ACCOUNT_ID: '5f2c1d2e-8a7b-4c3d-9e8f-0a1b2c3d4e5f', APPROVALS_CHANNEL_ID: 'C0APPROVALS', ADMIN_USER_IDS: 'U0ADMIN' };

/**
 * `npm run manifest -- --url https://host`, as an admin runs it before the Slack app exists: in a
 * directory of its own (no .env), with only the directories' settings.
 */
function manifestCli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'latchkey-manifest-'));
  // A run that hangs is killed: a failure that says its status, not jest's timeout with the child left running.
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH!, HOME: cwd, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 15_000, killSignal: 'SIGKILL' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    // 'close', not 'exit': the child's output is all read by then.
    child.on('close', (status) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve({ status, stdout, stderr });
    }),
  );
}

/**
 * Writes `text` to a named pipe that its reader holds open, as the tool serving .env would, but
 * never waits for a reader: a plain open for writing blocks until one comes, so one whose reader
 * has already closed it would hold this jest worker for good, past any test timeout. Throws
 * (ENXIO) when no one has it open for reading.
 */
function writeToReader(pipe: string, text: string): void {
  const fd = openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    // Under PIPE_BUF bytes into a pipe nothing else writes to: written whole, at once.
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

type Manifest = {
  display_information: { long_description: string };
  features: { slash_commands: { command: string; url?: string; description: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url?: string }; interactivity: { request_url?: string }; socket_mode_enabled: boolean };
};
/** Every URL the manifest gives Slack, wherever it is. */
function urlsOf(manifest: unknown): string[] {
  return JSON.stringify(manifest).match(/"https?:\/\/[^"]*"/g)?.map((u) => JSON.parse(u) as string) ?? [];
}

describe('npm run manifest', () => {
  it('a .env that is there but cannot be read (here a directory) is one line naming the file and what to do, as npm start says it, with no stack trace; exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-manifest-'));
    try {
      // A directory, not a file without read permission: the tests run as root, whom chmod does not stop.
      mkdirSync(join(dir, '.env'));
      const run = spawnSync(process.execPath, [CLI, '--url', 'https://latchkey.acme.com'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, ...OKTA_ONLY }, encoding: 'utf8', timeout: 20_000 });
      expect(run.stderr).toBe(
        `Latchkey cannot make its Slack app manifest: ${join(realpathSync(dir), '.env')} is a directory, not a file. Latchkey reads its settings from .env when it is there: move the directory away, then give the settings in a .env file or in the environment alone.\n`,
      );
      expect(run.stderr).not.toContain('    at ');
      expect(run.stdout).toBe('');
      expect(run.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a .env that is a named pipe nothing writes to is refused after 5 s in one line, exit 2, and no manifest (reading one waited for a writer: it hung there)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-manifest-'));
    try {
      execFileSync('mkfifo', [join(dir, '.env')]);
      const run = spawnSync(process.execPath, [CLI, '--url', 'https://latchkey.acme.com'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, ...OKTA_ONLY }, encoding: 'utf8', timeout: 40_000, killSignal: 'SIGKILL' });
      // The wait said once on standard error, after a second (before: nothing until the refusal), never in the manifest's output.
      expect(run.stderr).toBe(`Nothing written to ${join(realpathSync(dir), '.env')} yet: waiting up to 5 s in all for the tool that serves it (for example 1Password) to write the settings. If that tool asks you to unlock it or to allow access, do so.\nLatchkey cannot make its Slack app manifest: ${join(realpathSync(dir), '.env')} is a named pipe (FIFO) that nothing wrote settings to within 5 s. Latchkey reads its settings from .env when it is there: if a tool serves it (1Password Environments mounts .env so), unlock that tool and check the file is enabled there, then run this again; otherwise make .env a regular file of NAME=value lines, or move it away to give the settings in the environment alone.\n`);
      expect(run.stdout).toBe('');
      expect(run.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a .env that is a named pipe whose tool writes late (one asking to be unlocked): the wait is said on standard error while it lasts, and the manifest, made from what the tool wrote, alone on standard output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-manifest-'));
    const pipe = join(dir, '.env');
    try {
      execFileSync('mkfifo', [pipe]);
      // A run that hangs is killed: jest's timeout fails the test, but would leave it running.
      const child = spawn(process.execPath, [CLI, '--url', 'https://latchkey.acme.com'], { cwd: dir, env: { PATH: process.env.PATH!, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 40_000, killSignal: 'SIGKILL' });
      let stdout = '';
      let stderr = '';
      let wrote = false;
      let notWritten: unknown;
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The tool writes once the wait was said: the line came while the command waited, not after.
        if (!wrote && stderr.includes('yet: waiting up to 5 s')) {
          wrote = true;
          try {
            writeToReader(pipe, Object.entries(OKTA_ONLY).map(([name, value]) => `${name}=${value}\n`).join(''));
          } catch (err) {
            notWritten = err;
          }
        }
      });
      const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      // ENXIO: the command had closed its end (given up, or died) before the line reached this test.
      expect(notWritten).toBeUndefined();
      // Before: nothing said while it waited, and the tool here never wrote.
      expect(stderr.split('\n')[0]).toBe(
        `Nothing written to ${join(realpathSync(dir), '.env')} yet: waiting up to 5 s in all for the tool that serves it (for example 1Password) to write the settings. If that tool asks you to unlock it or to allow access, do so.`,
      );
      expect(stderr.split('Nothing written to').length).toBe(2);
      expect(status).toBe(0);
      const manifest = JSON.parse(stdout) as Manifest;
      expect(manifest.features.slash_commands.map((c) => c.command)).toContain('/reset-okta-password');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("Entra half set up (its tenant, not yet its app's client ID), before its secret is given as the README's step 1 allows: the line names what is missing with the tenant given, not with the secret it has not given (the manifest's stand-in)", async () => {
    const { status, stdout, stderr } = await manifestCli(['--url', 'https://latchkey.acme.com'], { ENTRA_TENANT_ID: '7c3f9a52-1b6e-4d8a-9f0c-2e5b8d4a6c11' });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('  - ENTRA_CLIENT_ID: is required with ENTRA_TENANT_ID\n');
    expect(stderr).not.toContain('ENTRA_CLIENT_SECRET');
  });

  it("prints a manifest Slack's schema accepts, with the commands of the credentials enabled here only, and every URL at the given host", async () => {
    const { status, stdout } = await manifestCli(['--url', 'https://latchkey.acme.com'], OKTA_ONLY);
    // On stderr, that /reset-okta-mfa is off: its own test, below.
    expect(status).toBe(0);
    const manifest = JSON.parse(stdout) as Manifest;
    expect(manifestSchemaErrors(manifest)).toEqual([]);
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/reset-okta-password', '/unlock-okta', '/reset']);
    expect(manifest.features.slash_commands.map((c) => c.description)).toEqual([
      'Reset your Okta password (you choose a new one at your next sign-in)',
      'Unlock your locked-out Okta account and keep your password',
      'Pick what to reset or unlock, from everything Latchkey resets or unlocks here',
    ]);
    // Nothing here waits for an admin: no review queue is promised.
    expect(manifest.display_information.long_description).toContain("admins also see today's activity and what needs attention");
    // 3 commands, the events subscription and interactivity: each at the host, none at example.com.
    expect(urlsOf(manifest)).toEqual(Array(5).fill('https://latchkey.acme.com/slack/events'));
    // Only the scopes this configuration needs: no user group, no approvals channel.
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'users:read', 'users:read.email', 'chat:write', 'im:write']);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it("Okta set up without admins or an approvals channel: /reset-okta-mfa (approval by default) is left out, and stderr says why and what to set; stdout is the manifest's JSON alone", async () => {
    const { status, stdout, stderr } = await manifestCli(['--url', 'https://latchkey.acme.com'], OKTA_ONLY);
    expect(status).toBe(0);
    const manifest = JSON.parse(stdout) as Manifest;
    expect(manifest.features.slash_commands.map((c) => c.command)).not.toContain('/reset-okta-mfa');
    expect(stderr.trimEnd().split('\n')).toEqual([
      'The manifest is made, for the configuration as it is. Note:',
      expect.stringMatching(
        /^  - \/reset-okta-mfa is off: Okta is set up, but okta_mfa's policy is approval \(its default\), and there are no admins to approve and no approvals channel where admins see requests\. To offer it, set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both, and APPROVALS_CHANNEL_ID; or give okta_mfa another policy in RESET_POLICY: /,
      ),
      // Okta's password left self-service, weaker than recommended.
      expect.stringMatching(/^  - okta_password's policy is self-service \(its default\), weaker than the verify recommended for it: .* Add okta_password=verify /),
    ]);
    // With both, it is in the manifest, and nothing is said.
    const both = await manifestCli(['--url', 'https://latchkey.acme.com'], { ...OKTA_ONLY, ADMIN_USER_IDS: 'U0ADMIN', APPROVALS_CHANNEL_ID: 'C0APPROVALS' });
    expect(both.stderr).not.toContain('/reset-okta-mfa');
    expect((JSON.parse(both.stdout) as Manifest).features.slash_commands.map((c) => c.command)).toContain('/reset-okta-mfa');
  });

  it('with license requests on, /request-license and the approvals channel scopes; a host given with a trailing slash or in capitals is the same host', async () => {
    const { status, stdout } = await manifestCli(['--url', 'https://Latchkey.Acme.com/'], CHIME_WITH_LICENSES);
    expect(status).toBe(0);
    const manifest = JSON.parse(stdout) as Manifest;
    expect(manifestSchemaErrors(manifest)).toEqual([]);
    expect(manifest.features.slash_commands.map((c) => [c.command, c.description])).toEqual([
      ['/reset-pin', 'Reset your Amazon Chime personal meeting PIN (the old one stops working)'],
      ['/request-license', 'Ask an admin to change your Amazon Chime license'],
      ['/reset', 'Pick what to reset, from everything Latchkey resets here'],
    ]);
    expect(urlsOf(manifest)).toEqual(Array(5).fill('https://latchkey.acme.com/slack/events'));
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['channels:read', 'groups:read']));
  });

  it('Amazon Chime set up without an approvals channel: /request-license is left out, and stderr says license requests are off and what to set', async () => {
    const { APPROVALS_CHANNEL_ID: _, ...noChannel } = CHIME_WITH_LICENSES;
    const { status, stdout, stderr } = await manifestCli(['--url', 'https://latchkey.acme.com'], noChannel);
    expect(status).toBe(0);
    expect((JSON.parse(stdout) as Manifest).features.slash_commands.map((c) => c.command)).toEqual(['/reset-pin', '/reset']);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'The manifest is made, for the configuration as it is. Note:',
      '  - License requests (/request-license) are off: Amazon Chime is set up, and people could ask an admin to change their Amazon Chime license, but there is no approvals channel where admins see requests. To offer them, set APPROVALS_CHANNEL_ID. If you do not mean to offer them, there is nothing to do',
    ]);
    // With the channel: on, and not said to be off.
    expect((await manifestCli(['--url', 'https://latchkey.acme.com'], CHIME_WITH_LICENSES)).stderr).not.toContain('License requests');
  });

  it("says in each command's description and in the long description what this deployment's RESET_POLICY asks before the change", async () => {
    const { status, stdout, stderr } = await manifestCli(['--url', 'https://latchkey.acme.com'], { ...OKTA_ONLY, RESET_POLICY: 'okta_password=verify,okta_unlock=approval', VERIFY_WITH: 'okta', ADMIN_USER_IDS: 'U0ADMIN,U0OTHER', APPROVALS_CHANNEL_ID: 'C0APPROVALS' });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const manifest = JSON.parse(stdout) as Manifest;
    expect(manifestSchemaErrors(manifest)).toEqual([]);
    expect(manifest.features.slash_commands.map((c) => c.description)).toEqual([
      'Reset your Okta password (you approve a push on your phone; you choose a new one at your next sign-in)',
      'Unlock your locked-out Okta account and keep your password (an admin approves)',
      'New phone? Remove your Okta sign-in factors and enrol again (an admin approves)',
      'Pick what to reset or unlock, from everything Latchkey resets or unlocks here',
    ]);
    expect(manifest.display_information.long_description).toMatch(
      /^Latchkey lets employees, from Slack and without a helpdesk ticket: reset their Okta password \(\/reset-okta-password, once they approve a push on their phone\); unlock their Okta account \(\/unlock-okta, once an admin approves\); and reset their Okta MFA \(\/reset-okta-mfa, once an admin approves\)\. \/reset offers each of these\. For every request/,
    );
    expect(manifest.display_information.long_description).toContain('admins also see the requests waiting for their review, ');
  });

  it.each([
    ['--socket-mode', ['--socket-mode'], {}],
    ['SLACK_APP_TOKEN set', [], { SLACK_APP_TOKEN: 'xapp-1-A0LATCHKEY-1-secretpart' }],
  ])('in Socket Mode (%s), no URL is asked for or given, and Socket Mode is on; a --url beside it is refused', async (_how, args, env) => {
    const { status, stdout } = await manifestCli(args, { ...OKTA_ONLY, ...env });
    expect(status).toBe(0);
    const manifest = JSON.parse(stdout) as Manifest;
    expect(manifestSchemaErrors(manifest)).toEqual([]);
    expect(urlsOf(manifest)).toEqual([]);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(stdout).not.toContain('secretpart');
    const both = await manifestCli([...args, '--url', 'https://latchkey.acme.com'], { ...OKTA_ONLY, ...env });
    expect(both).toMatchObject({ status: 2, stdout: '', stderr: expect.stringMatching(/^--url is not used in Socket Mode \((--socket-mode is given|SLACK_APP_TOKEN is set)\)/) });
  });

  it.each([
    ['http://latchkey.acme.com', /^--url must start with https:\/\/ \(such as https:\/\/latchkey\.example\.com\): Slack sends its requests only to https/],
    ['https://latchkey.acme.com/slack/events', /^--url must be the host only, such as https:\/\/latchkey\.example\.com, without a path, query or fragment \(got \/slack\/events\): Latchkey adds \/slack\/events to it$/],
    ['latchkey.acme.com', /^--url must be the https:\/\/ address Slack reaches Latchkey at, such as https:\/\/latchkey\.example\.com: "latchkey\.acme\.com" is not a URL$/],
    ['https://admin:hunter2@latchkey.acme.com', /^--url must not hold a user or password: give the host only/],
  ])('a bad --url (%s) is refused in one readable line saying what to give, exit 2, and no manifest', async (url, said) => {
    const { status, stdout, stderr } = await manifestCli(['--url', url], OKTA_ONLY);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(said)]);
    expect(stderr).not.toContain('hunter2');
    // Said at once, before the configuration is right: not in a second round after it.
    const unconfigured = await manifestCli(['--url', url], {});
    expect(unconfigured).toMatchObject({ status: 2, stdout: '' });
    expect(unconfigured.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(said)]);
  });

  it('no --url (and no Socket Mode) is refused, saying what to give', async () => {
    const { status, stdout, stderr } = await manifestCli([], OKTA_ONLY);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('--url is required: the https:// address Slack reaches Latchkey at, such as https://latchkey.example.com; or --socket-mode (npm run manifest -- --help)\n');
  });

  it("a directory set up without its secret makes the manifest: the secret goes to Secrets Manager once the stack exists, and the manifest reads none (Okta's token unset or left as .env.example's placeholder, Entra's client secret, Google's key)", async () => {
    const withoutToken: Record<string, string>[] = [
      { OKTA_ORG_URL: 'https://acme.okta.com' },
      { OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: '<an Okta API token from Security, API, Tokens>' },
    ];
    for (const okta of withoutToken) {
      const { status, stdout, stderr } = await manifestCli(['--url', 'https://latchkey.acme.com'], okta);
      expect({ status, stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/OKTA_API_TOKEN|cannot/) });
      expect((JSON.parse(stdout) as Manifest).features.slash_commands.map((c) => c.command)).toEqual(['/reset-okta-password', '/unlock-okta', '/reset']);
    }
    const others = await manifestCli(['--url', 'https://latchkey.acme.com'], {
      ENTRA_TENANT_ID: '7c3f9a52-1b6e-4d8a-9f0c-2e5b8d4a6c11',
      ENTRA_CLIENT_ID: 'b2d4f6a8-3c5e-4a7b-8d9f-1e2c3b4a5d6e',
      GOOGLE_ADMIN_EMAIL: 'it-admin@acme.com',
    });
    expect(others).toMatchObject({ status: 0, stderr: '' });
    expect((JSON.parse(others.stdout) as Manifest).features.slash_commands.map((c) => c.command)).toEqual(['/reset-entra-password', '/reset-google-password', '/reset']);
  });

  it('a configuration with problems is refused with its list, as npm start says it, without asking for a secret or for what only the Slack app gives', async () => {
    const { status, stdout, stderr } = await manifestCli(['--url', 'https://latchkey.acme.com'], { OKTA_ORG_URL: 'https://acme-admin.okta.com' });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^Latchkey cannot make its Slack app manifest: the configuration has problems\.\n {2}- OKTA_ORG_URL: is the admin console's address: use your org's, https:\/\/acme\.okta\.com \(the same without -admin\)\nSee the Configuration/,
    );
    expect(stderr).not.toMatch(/OKTA_API_TOKEN|SLACK_SIGNING_SECRET|SLACK_BOT_TOKEN|SLACK_TEAM_ID/);
  });
});
