import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { CONFIG_VARIABLES, describeProblems, ENV_PLACEHOLDERS, loadConfig, secretVariables } from '../../src/config';
import { CREDENTIALS } from '../../src/credentials';
import { VERIFIERS } from '../../src/verifiers';

/** .env.example as a newcomer copies it, and with every commented-out setting switched on. */
const TEXT = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
const AS_IS = parseEnv(TEXT) as Record<string, string>;
const ALL_ON = parseEnv(TEXT.replace(/^# ([A-Z][A-Z0-9_]+=)/gm, '$1')) as Record<string, string>;
const PLACEHOLDERS = Object.entries(ALL_ON).filter(([, value]) => /^<.+>$/.test(value));

describe('.env.example', () => {
  it('has one block per credential and per verifier, and the Slack, license and admin settings', () => {
    for (const name of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_TEAM_ID', 'APPROVALS_CHANNEL_ID', 'ADMIN_USER_IDS']) expect(ALL_ON).toHaveProperty(name);
    for (const c of CREDENTIALS) for (const name of Object.keys(c.settings.variables).slice(0, 1)) expect(ALL_ON).toHaveProperty(name);
    // A verifier's settings are few and all needed (Duo's three).
    for (const v of VERIFIERS) for (const name of Object.keys(v.settings.variables)) expect(ALL_ON).toHaveProperty(name);
    for (const name of Object.keys(ALL_ON).filter((n) => !n.startsWith('AWS_'))) expect(CONFIG_VARIABLES).toContain(name);
    expect(TEXT).toMatch(/three tables/);
  });

  it.each([
    ['copied as it is', AS_IS],
    ['with every setting uncommented', ALL_ON],
  ])('%s, every placeholder fails validation with a message that says what to put there', (_how, env) => {
    const result = loadConfig(env);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    for (const [name, value] of Object.entries(env).filter(([, v]) => /^<.+>$/.test(v))) {
      // The placeholder's words, with "there" put in once (before an example or a note, when it has one).
      const said = problems.find((p) => p.startsWith(`${name}: still has .env.example's placeholder; put `));
      expect(said?.match(/ there\b/g)).toHaveLength(1);
      expect(said?.replace(/ there\b/, '')).toBe(`${name}: still has .env.example's placeholder; put ${value.slice(1, -1)}`);
    }
    // Nothing else is reported about a placeholder (no "looks too short" beside it).
    for (const problem of problems) {
      const name = problem.split(':')[0]!;
      if (env[name]?.startsWith('<')) expect(problem).toMatch(/placeholder/);
    }
  });

  it("holds, for each variable, exactly the placeholder the code knows for it (so the check that one was left in place can't drift)", () => {
    expect(PLACEHOLDERS.length).toBeGreaterThan(0);
    for (const [name, value] of PLACEHOLDERS) expect([name, ENV_PLACEHOLDERS.get(name)]).toEqual([name, value]);
  });

  it('has a placeholder for every setting a newcomer must fill in', () => {
    expect(PLACEHOLDERS.map(([name]) => name)).toEqual(
      expect.arrayContaining(['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_TEAM_ID', ...CREDENTIALS.map((c) => Object.keys(c.settings.variables)[0]!)]),
    );
  });

  it('copied as it is, the errors point to the sandbox, the way to try it without Slack or AWS', () => {
    const result = loadConfig(AS_IS);
    expect(result).toMatchObject({ ok: false, nothingSet: true });
    if (!result.ok) expect(describeProblems(result.problems, result)).toContain('`npm run sandbox`');
  });
});

describe('required settings', () => {
  it('empty, as a copied .env writes them, they are "required" with what to put there, not "too short"', () => {
    const result = loadConfig({ SLACK_SIGNING_SECRET: '', SLACK_BOT_TOKEN: '', SLACK_TEAM_ID: '' });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toContain("SLACK_SIGNING_SECRET: is required: the Signing Secret from your Slack app's Basic Information page");
    expect(problems).toContain('SLACK_BOT_TOKEN: is required: the Bot User OAuth Token (xoxb-…) from OAuth & Permissions');
    expect(problems).toContainEqual(expect.stringMatching(/^SLACK_TEAM_ID: is required/));
  });

  it('a bare "xoxb-" is not a bot token', () => {
    const result = loadConfig({ SLACK_SIGNING_SECRET: 'x'.repeat(32), SLACK_BOT_TOKEN: 'xoxb-', SLACK_TEAM_ID: 'T0LATCHKEY', CHIME_ACCOUNT_ID: '12a3c1a8-8d1c-4b8e-9a8f-2d8d1c1e7f00' });
    expect(result).toMatchObject({ ok: false, problems: ["SLACK_BOT_TOKEN: must be a bot token (xoxb-…): the Bot User OAuth Token, on your Slack app's OAuth & Permissions page"] });
  });

  it('with something real set, the errors do not send a configured deployment to the sandbox', () => {
    const result = loadConfig({ SLACK_SIGNING_SECRET: 'x'.repeat(32), SLACK_BOT_TOKEN: 'xoxb-', SLACK_TEAM_ID: 'T0LATCHKEY' });
    expect(result.ok || result.nothingSet).toBeFalsy();
  });
});

describe('a config error never shows a secret back', () => {
  // Real secrets can start with '<' (and end with '>'); only the exact .env.example text is a placeholder.
  const SECRET = '<s3cr3t-Value_that-looks-like-a-placeholder-0123456789abcdef>';
  const cases = secretVariables().flatMap((name) => [
    [name, SECRET],
    [name, SECRET.slice(0, 12)],
    [name, `${ENV_PLACEHOLDERS.get(name) ?? '<x>'}${SECRET}`],
  ]);

  it.each(cases)('%s=%s: the problems name the variable, never its value', (name, value) => {
    // Something else wrong too (no Slack team), so the problems are printed whatever this value does.
    const env = { ...ALL_ON, SLACK_TEAM_ID: 'not-a-team', [name]: value };
    const result = loadConfig(env);
    expect(result.ok).toBe(false);
    const printed = result.ok ? '' : describeProblems(result.problems, result);
    expect(printed).toContain('SLACK_TEAM_ID');
    expect(printed).not.toContain('s3cr3t');
    expect(printed).not.toContain(value);
  });

  it('a placeholder left with an example in it says where the value goes before the example: "put your Slack workspace ID there, such as T0123ABCD"', () => {
    const result = loadConfig({ ...ALL_ON, SLACK_TEAM_ID: ENV_PLACEHOLDERS.get('SLACK_TEAM_ID')!, CHIME_ACCOUNT_ID: ENV_PLACEHOLDERS.get('CHIME_ACCOUNT_ID')! });
    const problems = result.ok ? [] : result.problems;
    expect(problems).toContain("SLACK_TEAM_ID: still has .env.example's placeholder; put your Slack workspace ID there, such as T0123ABCD");
    expect(problems).toContain("CHIME_ACCOUNT_ID: still has .env.example's placeholder; put your Amazon Chime account ID there, such as a1b2c3d4-5678-90ab-cdef-111122223333, from the Chime console's Account page");
  });

  it("a placeholder whose note opens in words of its own still says where the value goes, before the note: \"put the Auth API application's integration key there, DI and 18 more letters or digits\"", () => {
    // Duo's keys: a note opened by ", DI and…" and " (40 characters…", which no list of openings foresaw.
    const names = ['DUO_API_HOSTNAME', 'DUO_INTEGRATION_KEY', 'DUO_SECRET_KEY'];
    const result = loadConfig({ ...ALL_ON, VERIFY_WITH: 'duo', ...Object.fromEntries(names.map((name) => [name, ENV_PLACEHOLDERS.get(name)!])) });
    const problems = result.ok ? [] : result.problems;
    expect(problems).toContain("DUO_INTEGRATION_KEY: still has .env.example's placeholder; put the Auth API application's integration key there, DI and 18 more letters or digits");
    expect(problems).toContain("DUO_SECRET_KEY: still has .env.example's placeholder; put the Auth API application's secret key there (40 characters; it signs each request and is never sent)");
  });

  it('the exact placeholder left in a secret is reported by name, with what to put there from the code', () => {
    const name = 'SLACK_SIGNING_SECRET';
    const result = loadConfig({ ...ALL_ON, [name]: ENV_PLACEHOLDERS.get(name)! });
    expect(result.ok ? [] : result.problems).toContain(`${name}: still has .env.example's placeholder; put the Signing Secret from your Slack app's Basic Information page there`);
  });
});

describe('.env, where the secrets go', () => {
  // `.env.example` says "never commit .env"; a newcomer's `git add .` must not do it for them.
  const ignored = (path: string) => {
    try {
      execFileSync('git', ['check-ignore', '--no-index', '-q', path], { cwd: join(__dirname, '..', '..'), stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };

  it('is ignored by git, as is a copy of it kept beside it; .env.example is not', () => {
    expect(ignored('.env')).toBe(true);
    expect(ignored('.env.production')).toBe(true);
    expect(ignored('.env.example')).toBe(false);
  });
});
