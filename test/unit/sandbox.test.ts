/** The sandbox's parts that need no browser: command line, demo people, masking, modal state. */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { HELP, parseSandboxArgs } from '../../sandbox/cli';
import { claimDataDir } from '../../sandbox/data-lock';
import { loadFixture, pickerLabel, slackMembers } from '../../sandbox/fixture';
import { DEMO_USERS as CHIME_DEMO } from '../../src/credentials/chime/stand-in';
import { DEMO_USERS as WORKMAIL_DEMO } from '../../src/credentials/workmail/stand-in';
import { DEMO_USERS as OKTA_DEMO } from '../../src/credentials/okta-stand-in';
import { DEMO_USERS as ENTRA_DEMO } from '../../src/credentials/entra/stand-in';
import { DEMO_USERS as GOOGLE_DEMO } from '../../src/credentials/google/stand-in';
import { MASK, mask } from '../../sandbox/mask';
import { SLASH_COMMANDS } from '../../src/credentials';
import { DEFAULT_FIXTURE } from '../../sandbox/sandbox';
import { stateValues } from '../../sandbox/workspace';

describe('the demo people', () => {
  const fixture = loadFixture(DEFAULT_FIXTURE);

  test('cover what the README promises: employees, a guest, a suspended Chime user, a disabled mailbox, two admins', () => {
    const emails = new Set(fixture.people.map((p) => p.email));
    expect(slackMembers(fixture).filter((m) => m.is_restricted)).toHaveLength(1);
    expect(CHIME_DEMO.filter((u) => u.UserRegistrationStatus === 'Suspended' && emails.has(u.PrimaryEmail))).toHaveLength(1);
    expect(WORKMAIL_DEMO.filter((u) => u.State === 'DISABLED' && emails.has(u.Email))).toHaveLength(1);
    expect([...fixture.admins.users, ...(fixture.admins.usergroup?.members ?? [])]).toHaveLength(2);
    const inGoodOrder = fixture.people.filter(
      (p) => !p.guest && CHIME_DEMO.some((u) => u.PrimaryEmail === p.email && !u.UserRegistrationStatus) && WORKMAIL_DEMO.some((u) => u.Email === p.email && u.State === 'ENABLED'),
    );
    expect(inGoodOrder.length).toBeGreaterThanOrEqual(2);
  });

  test('each person\'s line says what they show: a locked-out, suspended, disabled or missing account, a guest, an admin', () => {
    const about = (email: string) => fixture.people.find((p) => p.email === email)!.about;
    const people = fixture.people.map((p) => p.email);
    for (const u of OKTA_DEMO.filter((x) => people.includes(x.email))) {
      if (u.status === 'LOCKED_OUT') expect(about(u.email)).toMatch(/Okta account locked out/);
      if (u.status === 'SUSPENDED') expect(about(u.email)).toMatch(/Okta account suspended/);
      if (u.status === 'PASSWORD_EXPIRED') expect(about(u.email)).toMatch(/Okta password expired/);
      if (u.roles?.length) expect(about(u.email)).toMatch(/Okta account has an admin role/);
      if (!u.factors?.some((f) => f.factorType === 'push' && f.status === 'ACTIVE')) expect(about(u.email)).toMatch(/No Okta Verify|Okta account suspended/);
    }
    for (const u of CHIME_DEMO.filter((x) => x.UserRegistrationStatus === 'Suspended')) expect(about(u.PrimaryEmail)).toMatch(/Chime user suspended/);
    // An admin account's reset is refused: the line names it, and never calls that person's accounts all in order.
    for (const u of ENTRA_DEMO.filter((x) => x.roles?.length && people.includes(x.mail))) expect(about(u.mail)).toContain(`Microsoft 365 account (${u.roles!.join(', ')})`);
    for (const u of GOOGLE_DEMO.filter((x) => (x.isAdmin || x.isDelegatedAdmin) && people.includes(x.primaryEmail))) {
      expect(about(u.primaryEmail)).toContain(`Google account (${u.isAdmin ? 'super admin' : 'delegated admin'})`);
    }
    const admins = new Set([...ENTRA_DEMO.filter((x) => x.roles?.length).map((x) => x.mail), ...GOOGLE_DEMO.filter((x) => x.isAdmin || x.isDelegatedAdmin).map((x) => x.primaryEmail), ...OKTA_DEMO.filter((x) => x.roles?.length).map((x) => x.email)]);
    for (const p of fixture.people.filter((x) => admins.has(x.email ?? ''))) expect([p.slack, p.about]).toEqual([p.slack, expect.stringMatching(/admin accounts?, so (its|their) resets? (is|are) refused/)]);
    for (const p of fixture.people.filter((x) => /every account in order/i.test(x.about ?? ''))) expect([p.slack, admins.has(p.email ?? '')]).toEqual([p.slack, false]);
    for (const u of WORKMAIL_DEMO.filter((x) => x.State === 'DISABLED')) expect(about(u.Email)).toMatch(/Mailbox disabled/);
    for (const p of fixture.people) {
      if (!p.guest && !CHIME_DEMO.some((u) => u.PrimaryEmail === p.email)) expect(p.about).toMatch(/No Chime account/);
      if (!p.guest && !OKTA_DEMO.some((u) => u.email === p.email)) expect(p.about).toMatch(/no Okta account/i);
      if (p.guest) expect(p.about).toMatch(/guest/);
      if (!p.emailConfirmed) expect(p.about).toMatch(/Slack calls (his|her|their) email unconfirmed/);
      // Admins decide resets under the approval policy too (the sandbox's mail, Microsoft and Google passwords): never "license requests" alone.
      if ([...fixture.admins.users, ...(fixture.admins.usergroup?.members ?? [])].includes(p.slack)) expect(p.about).toMatch(/^Reviews license and reset requests /);
    }
  });

  test("each person's line names every directory's account that is missing or refused, the Microsoft and Google ones too, and says \"every account in order\" only of someone whose five are", () => {
    for (const p of fixture.people.filter((x) => !x.guest)) {
      const says = (when: boolean, words: RegExp) => {
        if (when) expect([p.slack, p.about]).toEqual([p.slack, expect.stringMatching(words)]);
      };
      const chime = CHIME_DEMO.find((u) => u.PrimaryEmail === p.email);
      const mailbox = WORKMAIL_DEMO.find((u) => u.Email === p.email);
      const okta = OKTA_DEMO.find((u) => u.email === p.email);
      const microsoft = ENTRA_DEMO.find((u) => u.mail === p.email);
      const google = GOOGLE_DEMO.find((u) => u.primaryEmail === p.email);
      const aliasOf = GOOGLE_DEMO.find((u) => u.aliases?.includes(p.email ?? ''));
      says(!mailbox, /no mailbox/i);
      says(!microsoft, /no Microsoft 365 account/i);
      says(microsoft?.accountEnabled === false, /Microsoft 365 account disabled/);
      says(microsoft?.userType === 'Guest', /guest in the company's Microsoft directory/);
      says(!google && !aliasOf, /no Google account/i);
      // Latchkey finds nobody by an address that is someone else's alias: the line says whose it is.
      says(aliasOf !== undefined, new RegExp(`alias of ${aliasOf?.fullName?.split(' ')[0]}'s Google account`));
      says(google?.suspended === true, /Google account suspended/);
      says(google?.archived === true, /Google account archived/);
      const license = /Chime (Basic|Plus|Pro)\b/.exec(p.about ?? '')?.[1];
      if (license) expect([p.slack, license]).toEqual([p.slack, chime?.LicenseType]);
      if (/every account in order/i.test(p.about ?? '')) {
        const inOrder = [
          chime && !chime.UserRegistrationStatus,
          mailbox?.State === 'ENABLED',
          okta?.status === 'ACTIVE' && !okta.roles?.length,
          microsoft && microsoft.accountEnabled !== false && microsoft.userType !== 'Guest' && !microsoft.roles?.length,
          google && !google.suspended && !google.archived && !google.isAdmin && !google.isDelegatedAdmin,
        ];
        expect([p.slack, inOrder.every(Boolean)]).toEqual([p.slack, true]);
      }
    }
  });

  test('the person picker says who is an admin and who is a guest; a guest named an admin is labelled a guest, never "(admin)", as Latchkey never treats a guest as one', () => {
    const gwen = fixture.people.find((p) => p.guest)!;
    const ada = fixture.people.find((p) => fixture.admins.users.includes(p.slack))!;
    const max = fixture.people.find((p) => fixture.admins.usergroup?.members.includes(p.slack))!;
    const ann = fixture.people.find((p) => p.slack === 'UANN')!;
    expect([ada, max, ann, gwen].map((p) => pickerLabel(fixture, p))).toEqual(['Ada Admin (admin)', 'Max Moss (admin)', 'Ann Archer', 'Gwen Guest (guest)']);
    // Named in ADMIN_USER_IDS and in the admin group: still a guest, refused every admin action.
    const named = { ...fixture, admins: { users: [...fixture.admins.users, gwen.slack], usergroup: { ...fixture.admins.usergroup!, members: [gwen.slack] } } };
    expect(pickerLabel(named, gwen)).toBe('Gwen Guest (guest; named an admin, but a guest never is one)');
  });

  test("every credential's demo accounts belong to people of the demo company", () => {
    const emails = new Set(fixture.people.map((p) => p.email));
    for (const email of [...CHIME_DEMO.map((u) => u.PrimaryEmail), ...WORKMAIL_DEMO.map((u) => u.Email)]) expect(emails).toContain(email);
  });

  test('a malformed file is refused with every problem named', () => {
    expect(() => loadFixture(resolve(__dirname, '../../package.json'))).toThrow(/workspace: .*\n.*people/s);
  });

  test("a --users file that is not there is named as such, with the default file to use instead (not Node's ENOENT)", () => {
    const missing = resolve(__dirname, 'nope.yml');
    expect(() => loadFixture(missing)).toThrow(`no such file: ${missing}: give --users the path of a YAML file of demo users (copy sandbox/demo-users.yml to start one), or leave --users out to use sandbox/demo-users.yml`);
  });
});

describe("the README's Try it", () => {
  test('names every command the sandbox offers, as npm run sandbox prints them', () => {
    const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
    const start = readme.indexOf('\n## Try it\n');
    const tryIt = readme.slice(start, readme.indexOf('\n## ', start + 1));
    for (const command of SLASH_COMMANDS) expect([command, tryIt.includes(`\`${command}\``)]).toEqual([command, true]);
  });

  test("names a person without Okta Verify, who has none, so the \"you need Okta Verify\" refusal can be tried", () => {
    const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
    const named = /(\w+) has no Okta Verify/.exec(readme)?.[1];
    const person = loadFixture(DEFAULT_FIXTURE).people.find((p) => p.name.split(' ')[0] === named);
    const okta = OKTA_DEMO.find((u) => u.email === person?.email);
    expect(okta?.status).toBe('ACTIVE');
    expect(okta?.factors?.filter((f) => f.factorType === 'push' && f.status === 'ACTIVE')).toEqual([]);
  });
});

describe("the page's Block Kit renderer", () => {
  /** sandbox/public/blockkit.js as the page loads it, in a context with no DOM (so every glyph counts as drawable). */
  const blockKit = () => {
    const window: { BlockKit?: { mrkdwn(text: string, ctx: object): string; text(obj: object, ctx: object): string } } = {};
    runInNewContext(readFileSync(resolve(__dirname, '../../sandbox/public/blockkit.js'), 'utf8'), { window });
    return window.BlockKit!;
  };

  test('draws every emoji shortcode the app writes (:iphone: included), never the shortcode itself', () => {
    const sources = readdirSync(resolve(__dirname, '../../src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const used = new Set(sources.flatMap((f) => [...readFileSync(resolve(__dirname, '../../src', f), 'utf8').matchAll(/(?<![\w:]):([a-z0-9_+-]+):(?![\w:])/g)].map((m) => m[1]!)));
    expect(used).toContain('iphone');
    const bk = blockKit();
    const ctx = { surface: 'message', people: {}, channels: {} };
    for (const name of used) {
      for (const html of [bk.mrkdwn(`:${name}: Approve it`, ctx), bk.text({ type: 'plain_text', text: `:${name}: Approve it`, emoji: true }, ctx)]) {
        expect([name, html.replace(/<[^>]*>/g, '')]).toEqual([name, expect.not.stringContaining(`:${name}:`)]);
        expect([name, html]).toEqual([name, expect.stringContaining(`title=":${name}:"`)]);
      }
    }
  });
});

describe('the command line', () => {
  test('defaults: port 3100, .data, the demo people', () => {
    const parsed = parseSandboxArgs([], {});
    expect(parsed).toEqual({
      help: false,
      fresh: false,
      options: { port: 3100, host: '127.0.0.1', dataDir: resolve('.data'), fixturePath: DEFAULT_FIXTURE, verbose: false, resetLimit: 30 },
    });
  });

  test('options and SANDBOX_PORT', () => {
    expect(parseSandboxArgs(['--fresh', '--data-dir', '/tmp/x'], { SANDBOX_PORT: '0' })).toMatchObject({ fresh: true, options: { port: 0, dataDir: '/tmp/x' } });
    expect(() => parseSandboxArgs(['--port', 'eighty'])).toThrow('--port must be a port number');
    expect(parseSandboxArgs(['--reset-limit=3'], {})).toMatchObject({ options: { resetLimit: 3 } });
    expect(() => parseSandboxArgs(['--reset-limit', '0'])).toThrow('--reset-limit must be 1 to 100');
    expect(() => parseSandboxArgs(['--colour'])).toThrow(/Unknown option '--colour'/);
  });

  test('an option it does not know, or one missing its value, points at --help', () => {
    expect(() => parseSandboxArgs(['--bogus'], {})).toThrow("Unknown option '--bogus': npm run sandbox -- --help lists the options");
    expect(() => parseSandboxArgs(['--port'], {})).toThrow(/argument missing: npm run sandbox -- --help lists the options$/);
    expect(() => parseSandboxArgs(['stray'], {})).toThrow(/npm run sandbox -- --help lists the options$/);
  });

  test('a mistyped option names the one it is a letter or two off, as a mistyped command does', () => {
    expect(() => parseSandboxArgs(['--prot', '3200'], {})).toThrow("Unknown option '--prot' (did you mean --port?): npm run sandbox -- --help lists the options");
    expect(() => parseSandboxArgs(['--data-dri', '/tmp/x'], {})).toThrow("Unknown option '--data-dri' (did you mean --data-dir?)");
    expect(() => parseSandboxArgs(['--bogus'], {})).toThrow("Unknown option '--bogus': npm run sandbox");
  });

  test('npm run sandbox -- --help prints the options', async () => {
    const tsx = resolve(__dirname, '../../node_modules/.bin/tsx');
    const { stdout } = await promisify(execFile)(tsx, [resolve(__dirname, '../../sandbox/main.ts'), '--help']);
    expect(stdout).toContain('--data-dir <dir>');
  });
});

describe("the data folder's lock", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a lock left by a sandbox that was killed is taken over; release removes only our own', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(dir, 'sandbox.lock'), JSON.stringify({ pid: dead, url: 'http://127.0.0.1:3100/' }));
    const lock = claimDataDir(dir);
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toEqual({ pid: process.pid });
    expect(() => claimDataDir(dir)).toThrow(`another sandbox is running on ${dir} (PID ${process.pid}): stop it`);
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  test('a second sandbox is told to give another one both its own folder and its own port, by the options the command line reads', () => {
    const lock = claimDataDir(dir);
    let message = '';
    try {
      claimDataDir(dir);
    } catch (err) {
      message = (err as Error).message;
    }
    lock.release();
    expect(message).toContain('npm run sandbox -- --data-dir <dir> --port <n>');
    for (const option of message.match(/--[a-z-]+ <\w+>/g)!) expect(HELP).toContain(option);
    expect(parseSandboxArgs(['--data-dir', join(dir, 'other'), '--port', '0'], {})).toMatchObject({ options: { dataDir: join(dir, 'other'), port: 0 } });
  });
});

describe('masking for the side panel', () => {
  test('the secret block, secret fields and any PIN or password handed out', () => {
    const view = {
      private_metadata: 'sealed.ticket.value',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Your new PIN:' } },
        { type: 'section', block_id: 'secret', text: { type: 'mrkdwn', text: '```0123456789```' } },
      ],
    };
    const masked = JSON.stringify(mask({ args: { view }, params: { Password: 'Hunter2Hunter2' }, note: 'said 0123456789 aloud' }, ['0123456789']));
    expect(masked).not.toContain('0123456789');
    expect(masked).not.toContain('Hunter2');
    expect(masked).not.toContain('sealed.ticket.value');
    expect(masked).toContain(MASK);
    expect(masked).toContain('[sealed ticket, 19 characters]');
    expect(masked).toContain('Your new PIN:');
  });
});

describe('view state as Slack sends it', () => {
  test('text inputs carry value (null when empty), radio buttons and selects the whole option, pickers their pick', () => {
    const option = { text: { type: 'plain_text', text: 'Pro' }, value: 'Pro' };
    const view = {
      blocks: [
        { type: 'input', block_id: 'license', element: { type: 'radio_buttons', action_id: 'license', options: [option] } },
        { type: 'input', block_id: 'reason', element: { type: 'plain_text_input', action_id: 'reason' } },
        { type: 'input', block_id: 'team', element: { type: 'static_select', action_id: 'team', option_groups: [{ label: { type: 'plain_text', text: 'g' }, options: [{ text: { type: 'plain_text', text: 'A' }, value: 'a' }] }] } },
        { type: 'input', block_id: 'when', element: { type: 'datepicker', action_id: 'when' } },
        { type: 'input', block_id: 'who', element: { type: 'users_select', action_id: 'who' } },
        { type: 'input', block_id: 'at', element: { type: 'timepicker', action_id: 'at' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'not an input' } },
      ],
    };
    expect(stateValues(view, { license: { license: 'Pro' }, reason: { reason: '' }, team: { team: 'a' }, who: { who: 'UANN' } })).toEqual({
      license: { license: { type: 'radio_buttons', selected_option: option } },
      reason: { reason: { type: 'plain_text_input', value: null } },
      team: { team: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'A' }, value: 'a' } } },
      when: { when: { type: 'datepicker', selected_date: null } },
      who: { who: { type: 'users_select', selected_user: 'UANN' } },
    });
  });
});
