import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contextFromDotEnv, describeDotEnv, DOT_ENV_PATH } from '../../infra/lib/dot-env';
import { NOT_CONTEXT_KEYS, REPO_ROOT, SettingsError, VARIABLE_OF_CONTEXT } from '../../infra/lib/settings';
import { secretVariables } from '../../src/config';
import { FULL_CONTEXT, logicalIdOf, synth, type Synthesized } from './support';

/**
 * `npm run deploy`, `cdk synth` and `cdk diff` take the app's settings from the .env that
 * `npm run manifest` and `npm run doctor` read, for every context key not given with -c: one file
 * for the Slack app and the stack, so the two cannot disagree. Never a secret from it.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-dotenv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The stack's own keys, which have no variable: they stay -c keys. */
const STACK_ONLY = Object.fromEntries(Object.entries(FULL_CONTEXT).filter(([key]) => VARIABLE_OF_CONTEXT[key] === undefined));
/** FULL_CONTEXT's app settings as .env lines, by their variables. */
const SETTINGS_LINES = Object.entries(FULL_CONTEXT).flatMap(([key, value]) => (VARIABLE_OF_CONTEXT[key] ? [`${VARIABLE_OF_CONTEXT[key]}=${value}`] : []));

let files = 0;
function dotEnv(lines: readonly string[]): string {
  const file = path.join(dir, `env-${files++}`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** What the synth of STACK_ONLY, with `file` as .env, stops on: a SettingsError (the test fails on anything else, or on none). */
function refusal(file: string, say: (line: string) => void = () => undefined): SettingsError {
  try {
    synth(STACK_ONLY, { dotEnv: file, say });
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return err as SettingsError;
  }
  throw new Error('the synth went through, where it should have stopped on the settings');
}

function synthSaying(context: Record<string, string>, file: string): Synthesized & { said: string[] } {
  const said: string[] = [];
  return { ...synth(context, { dotEnv: file, say: (line) => said.push(line) }), said };
}

const functionEnv = (s: Synthesized): Record<string, unknown> =>
  s.json.Resources[logicalIdOf(s.json, 'AWS::Lambda::Function', (p) => p.Environment?.Variables?.AUDIT_TABLE_NAME !== undefined)]!.Properties.Environment.Variables;

const withFlags = synth(FULL_CONTEXT);

test("a .env with the app's settings gives the same template as the same -c keys, and says each setting it took; the server's own (PORT) is named as not used, with why, and the region as checked, WorkMail being set up", () => {
  expect(withFlags.validationError).toBeUndefined();
  const file = dotEnv([
    "# as .env.example's copy: comments, a quoted value, the server's own settings",
    ...SETTINGS_LINES.map((line) => (line.startsWith('LOG_LEVEL=') ? 'LOG_LEVEL="debug"' : line)),
    'GOOGLE_API_URL=',
    'PORT=3000',
    'AWS_REGION=eu-west-1',
  ]);
  const fromFile = synthSaying(STACK_ONLY, file);
  expect(fromFile.validationError).toBeUndefined();
  expect(fromFile.json).toEqual(withFlags.json);
  expect(fromFile.said[0]).toBe(`Settings from ${file} (a -c key, or cdk.json's context, wins over it):`);
  expect(fromFile.said).toEqual(expect.arrayContaining(['  approvalsChannelId=C0APPROVALS (APPROVALS_CHANNEL_ID)', '  adminUserIds=U0ADMIN1,U0ADMIN2 (ADMIN_USER_IDS)', '  logLevel=debug (LOG_LEVEL)']));
  expect(fromFile.said.filter((line) => line.includes('(GOOGLE_API_URL)'))).toEqual([]);
  expect(fromFile.said).toContainEqual(expect.stringMatching(/^ {2}The app's settings the stack does not take, so not used: PORT \(the server only: /));
  expect(fromFile.said).toContainEqual("  AWS_REGION: not the stack's region; checked against it, as Amazon WorkMail's organization is there.");
  expect(fromFile.said.join('\n')).not.toMatch(/not used: .*AWS_REGION/);
});

test('a -c key wins over the same setting in .env, and the synth says so; the settings -c leaves out still come from .env', () => {
  const file = dotEnv(['APPROVALS_CHANNEL_ID=C0FROMFILE', 'ADMIN_USERGROUP_ID=S0FROMFILE']);
  const { adminUsergroupId: _left, ...flags } = FULL_CONTEXT;
  const s = synthSaying(flags, file);
  expect(s.validationError).toBeUndefined();
  expect(functionEnv(s)).toMatchObject({ APPROVALS_CHANNEL_ID: 'C0APPROVALS', ADMIN_USERGROUP_ID: 'S0FROMFILE' });
  expect(JSON.stringify(s.json)).not.toContain('C0FROMFILE');
  expect(s.said).toContain('  Given with -c, so not read from .env: approvalsChannelId (APPROVALS_CHANNEL_ID)');
});

test('a secret in .env reaches neither the template, the function\'s environment, cdk.out nor what the synth says: only its name is said, and the stack still reads it from Secrets Manager', () => {
  const secrets: Record<string, string> = Object.fromEntries(
    [...new Set([...secretVariables(), 'SLACK_APP_TOKEN', 'METRICS_TOKEN'])].map((name, i) => [name, `s3cret-${i}-${name.toLowerCase()}-9f1c2b7e`]),
  );
  secrets.SLACK_BOT_TOKEN = 'xoxb-1111-2222-s3cretbottoken9f1c';
  secrets.SLACK_SIGNING_SECRET = '8f14e45fceea167a5a36dedd4bea2543';
  const file = dotEnv([...Object.entries(secrets).map(([name, value]) => `${name}=${value}`), ...SETTINGS_LINES]);
  const s = synthSaying(STACK_ONLY, file);
  expect(s.validationError).toBeUndefined();
  // The file was read: its settings are the function's.
  expect(functionEnv(s)).toMatchObject({ APPROVALS_CHANNEL_ID: 'C0APPROVALS', SLACK_TEAM_ID: 'T0LATCHKEY' });
  const everywhere = [JSON.stringify(s.json), ...s.written, ...s.said].join('\n');
  for (const [name, value] of Object.entries(secrets)) expect([name, everywhere.includes(value)]).toEqual([name, false]);
  for (const name of secretVariables()) expect(functionEnv(s)).not.toHaveProperty(name);
  expect(functionEnv(s)).toMatchObject({ SLACK_BOT_TOKEN_ARN: expect.anything(), OKTA_API_TOKEN_ARN: expect.anything() });
  const secretsLine = s.said.find((line) => line.startsWith('  Secrets, not read from .env: '));
  for (const name of secretVariables()) expect(secretsLine).toContain(name);
});

test('no .env: the template is the one of the -c keys alone, and nothing is said (as before .env was read)', () => {
  const said: string[] = [];
  const s = synth(FULL_CONTEXT, { dotEnv: path.join(dir, 'no-such-.env'), say: (line) => said.push(line) });
  expect(s.json).toEqual(withFlags.json);
  expect(said).toEqual([]);
});

test("the .env cdk reads is the repository root's, where `npm run manifest` reads it (npm runs it there), though cdk runs in infra/", () => {
  expect(DOT_ENV_PATH).toBe(path.join(REPO_ROOT, '.env'));
  expect(fs.existsSync(path.join(path.dirname(DOT_ENV_PATH), 'package.json'))).toBe(true);
});

test("a value in .env a '#' cuts short is said as the app says it, naming its variable: APPROVALS_CHANNEL_ID=#it-approvals would otherwise deploy no approvals channel without a word", () => {
  const file = dotEnv([...SETTINGS_LINES.filter((line) => !line.startsWith('APPROVALS_CHANNEL_ID=')), 'APPROVALS_CHANNEL_ID=#it-approvals']);
  const said: string[] = [];
  synth(STACK_ONLY, { dotEnv: file, say: (line) => said.push(line) });
  expect(said).toContainEqual(expect.stringMatching(/^ {2}APPROVALS_CHANNEL_ID: the value in \.env starts with '#', which starts a comment there, so it is read as unset: a channel's name is not its ID/));
});

test("an app setting in .env that is no context key is named with why the stack does not take it (PORT: the server's only), apart from names the app does not read; one that is a key is taken (APPROVAL_RESPONSE_TIME)", () => {
  const file = dotEnv(['APPROVAL_RESPONSE_TIME="4 working hours"', 'PORT=3000', 'DYNAMODB_CREATE_TABLES=true', 'AWS_REGION=eu-west-1', 'MY_TOOL_HOME=/opt/tool']);
  const said = describeDotEnv(contextFromDotEnv(file, () => undefined)!);
  expect(said).toContain('  approvalResponseTime=4 working hours (APPROVAL_RESPONSE_TIME)');
  expect(said).toContainEqual(
    `  The app's settings the stack does not take, so not used: DYNAMODB_CREATE_TABLES (${NOT_CONTEXT_KEYS.DYNAMODB_CREATE_TABLES}); PORT (${NOT_CONTEXT_KEYS.PORT}).`,
  );
  expect(said).toContainEqual(expect.stringMatching(/^ {2}Not settings of the stack, so not used: AWS_REGION, MY_TOOL_HOME\. The region is/));
  expect(NOT_CONTEXT_KEYS.PORT).toMatch(/server only/);
});

test("a setting the shell sets too, to another value, is the shell's in the stack, as `npm run manifest` and `npm start` take it, and the synth says so with both values; the same value is said once, as from .env; empty in the shell leaves it unset", () => {
  const file = dotEnv([...SETTINGS_LINES, 'ADMIN_USERGROUP_ID=S0FROMFILE']);
  const said: string[] = [];
  const { adminUsergroupId: _left, ...flags } = STACK_ONLY as Record<string, string>;
  const s = synth(flags, {
    dotEnv: file,
    shell: { LOG_LEVEL: 'warn', SLACK_TEAM_ID: 'T0LATCHKEY', ADMIN_USERGROUP_ID: '', HOME: '/root' },
    say: (line) => said.push(line),
  });
  expect(s.validationError).toBeUndefined();
  expect(functionEnv(s)).toMatchObject({ LOG_LEVEL: 'warn', SLACK_TEAM_ID: 'T0LATCHKEY' });
  expect(functionEnv(s)).not.toHaveProperty('ADMIN_USERGROUP_ID');
  expect(said).toContain('  logLevel=warn (LOG_LEVEL from your shell, not .env\'s "debug": the shell\'s wins, as for npm run manifest and npm start; give -c logLevel=… to choose)');
  expect(said).toContain('  adminUsergroupId unset (ADMIN_USERGROUP_ID is empty in your shell, not .env\'s "S0FROMFILE": the shell\'s wins, as for npm run manifest and npm start; give -c adminUsergroupId=… to choose)');
  expect(said).toContain('  slackTeamId=T0LATCHKEY (SLACK_TEAM_ID)');
  // A -c key still wins over both.
  const flagged = synth({ ...flags, logLevel: 'error' }, { dotEnv: file, shell: { LOG_LEVEL: 'warn' }, say: () => undefined });
  expect(functionEnv(flagged)).toMatchObject({ LOG_LEVEL: 'error' });
});

test('a secret the shell sets, beside .env\'s, is never taken and never said: only its name, as before', () => {
  const file = dotEnv([...SETTINGS_LINES, 'OKTA_API_TOKEN=00file-s3cret-9f1c2b7e']);
  const said: string[] = [];
  const s = synth(STACK_ONLY, { dotEnv: file, shell: { OKTA_API_TOKEN: '00shell-s3cret-9f1c2b7e', SLACK_BOT_TOKEN: 'xoxb-shell-s3cret-9f1c' }, say: (line) => said.push(line) });
  const everywhere = [JSON.stringify(s.json), ...s.written, ...said].join('\n');
  for (const value of ['00file-s3cret-9f1c2b7e', '00shell-s3cret-9f1c2b7e', 'xoxb-shell-s3cret-9f1c']) expect([value, everywhere.includes(value)]).toEqual([value, false]);
  expect(said).toContainEqual(expect.stringMatching(/^ {2}Secrets, not read from \.env: OKTA_API_TOKEN\./));
});

test("a .env that is there but cannot be read (here a directory) is a settings problem naming the file, not a stack trace", () => {
  const folder = path.join(dir, 'a-directory.env');
  fs.mkdirSync(folder);
  expect(() => synth(STACK_ONLY, { dotEnv: folder, say: () => undefined })).toThrow(SettingsError);
  expect(() => synth(STACK_ONLY, { dotEnv: folder, say: () => undefined })).toThrow(`${folder}: is a directory, not a file. The synth reads the app's settings from it`);
});

test('a .env that is a named pipe nothing writes to is a settings problem saying so after 5 s: reading one waited for a writer, and the synth hung there', () => {
  const pipe = path.join(dir, 'a-pipe.env');
  execFileSync('mkfifo', [pipe]);
  // In a process of its own, killed if it hangs: a read that waits blocks the whole thread, jest's timeout with it.
  const read = `try { require(${JSON.stringify(path.join(REPO_ROOT, 'infra', 'lib', 'dot-env.ts'))}).contextFromDotEnv(process.argv[1], () => undefined); } catch (err) { process.stdout.write(err.name + ': ' + err.message); }`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', read, pipe], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 40_000, killSignal: 'SIGKILL' });
  // The wait said once on standard error, after a second (before: nothing until the refusal).
  expect([run.signal, run.stderr]).toEqual([null, `Nothing written to ${pipe} yet: waiting up to 5 s in all for the tool that serves it (for example 1Password) to write the settings. If that tool asks you to unlock it or to allow access, do so.\n`]);
  expect(run.stdout).toContain(
    `SettingsError: Latchkey cannot be synthesized: the settings (-c keys, cdk.json's context, .env) have problems.\n  - ${pipe}: is a named pipe (FIFO) that nothing wrote settings to within 5 s. The synth reads the app's settings from it: if a tool serves it (1Password Environments mounts .env so), unlock that tool and check the file is enabled there, then run this again; otherwise make .env a regular file of NAME=value lines, or move it away to give the settings with -c keys alone.`,
  );
}, 60_000);

test("a local stand-in's address in .env (a .env made for npm start against stand-ins) is refused at synth, naming its variable, not deployed", () => {
  const file = dotEnv([...SETTINGS_LINES, 'SLACK_API_URL=http://127.0.0.1:3999/api/']);
  expect(() => synth(STACK_ONLY, { dotEnv: file, say: () => undefined })).toThrow(/slackApiUrl \(SLACK_API_URL\): points at 127\.0\.0\.1:3999, a local stand-in's address .*: unset SLACK_API_URL in \.env/);
});

test("a setting misspelled in .env (OKTA_ORG_ULR) stops the synth with what it likely means, as a misspelled -c key does: it was named among the names no setting, and the stack made without Okta (or stopped on an unrelated problem)", () => {
  const file = dotEnv([...SETTINGS_LINES.map((line) => line.replace(/^OKTA_ORG_URL=/, 'OKTA_ORG_ULR=')), 'OKTA_API_TOKN=00okta-token-typo', 'LOG_LEVL=debug']);
  const said: string[] = [];
  const thrown = refusal(file, (line) => said.push(line));
  // Only the setting the stack would lose: LOG_LEVEL is given too, and a secret's name is no setting of the stack.
  expect(thrown.problems).toEqual([
    'OKTA_ORG_ULR (in .env): is not a setting Latchkey reads, so the stack would be made without it: did you mean OKTA_ORG_URL (oktaOrgUrl)? Rename it in .env',
  ]);
  expect(said).toContainEqual(
    expect.stringContaining('Not settings of the stack, so not used: LOG_LEVL (did you mean LOG_LEVEL?), OKTA_API_TOKN (did you mean OKTA_API_TOKEN?), OKTA_ORG_ULR (did you mean OKTA_ORG_URL?).'),
  );
  expect(JSON.stringify([said, thrown.message])).not.toContain('00okta-token-typo');
});

test("docs/deploy.md's bootstrap, a prerequisite before any setting is made, names its environment and runs from the root: in infra/, `cdk bootstrap` runs the app first, which refuses a fresh clone's missing settings (the step failed as written)", () => {
  // What `cd infra && npx cdk bootstrap` runs first in a fresh clone: the app, with no -c key and no .env.
  expect(() => synth({}, { dotEnv: path.join(dir, 'no-such.env'), say: () => undefined })).toThrow(/Latchkey cannot be synthesized[\s\S]*slackTeamId: is required/);
  const deploy = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8');
  const prerequisites = deploy.slice(deploy.indexOf('### Prerequisites'), deploy.indexOf('### A first deploy'));
  const bootstrap = prerequisites.split('\n- ').filter((item) => item.includes('cdk bootstrap'));
  expect(bootstrap).toHaveLength(1);
  expect(bootstrap[0]).toMatch(/^The CDK bootstrap stack, once per account and region: `npx cdk bootstrap aws:\/\/<account ID>\/<region>`\s+from the repository's root/);
});

test("with a .env, a setting missing from both it and the -c keys is named by its -c key and its variable, so the admin who keeps the settings in .env knows what to add there (it said slackTeamId alone)", () => {
  const file = dotEnv(['ADMIN_USER_IDS=U0ADMIN1,U0ADMIN2']);
  const { problems } = refusal(file);
  expect(problems).toContainEqual(expect.stringMatching(/^slackTeamId \(SLACK_TEAM_ID\): is required: /));
  expect(problems).toContainEqual(expect.stringContaining('Amazon Chime (/reset-pin), end of support 2026-02-20: set chimeAccountId (CHIME_ACCOUNT_ID).'));
  // A credential's secret, which is no -c key, is still named by what sets its credential up, as before.
  expect(problems.join('\n')).not.toMatch(/\((OKTA_API_TOKEN|ENTRA_CLIENT_SECRET|GOOGLE_SERVICE_ACCOUNT_KEY)\)/);
});

test("AWS_PROFILE in .env, which npm start and npm run doctor use, is said to be no profile of the deploy's, with how to give it one: cdk reads its profile from the shell or --profile, so the stack could go to another account than the one the doctor checked", () => {
  const said = describeDotEnv(contextFromDotEnv(dotEnv(['AWS_PROFILE=latchkey-prod', 'AWS_REGION=eu-west-1']), () => undefined)!);
  expect(said).toContainEqual(
    "  Not settings of the stack, so not used: AWS_PROFILE, AWS_REGION. The region is the one of your AWS profile or shell (AWS_REGION, --profile), not .env's. The AWS account is the one of the profile your shell or --profile names, not .env's AWS_PROFILE, which npm start and npm run doctor use: give it to the deploy too (AWS_PROFILE=… npm run deploy, or --profile).",
  );
});

test("a misspelled setting in .env is the synth's one problem, not also what its absence alone would cause: OKTA_ORG_ULR beside an approvals channel also stopped it on Amazon Chime's licenses and 'No credential is set up'", () => {
  const file = dotEnv([
    'SLACK_TEAM_ID=T0LATCHKEY',
    'OKTA_ORG_ULR=https://acme.okta.com',
    'OKTA_API_TOKEN=00okta-token-in-dotenv',
    'APPROVALS_CHANNEL_ID=C0APPROVALS',
    'ADMIN_USER_IDS=U0ADMIN1',
  ]);
  expect(refusal(file).problems).toEqual([
    'OKTA_ORG_ULR (in .env): is not a setting Latchkey reads, so the stack would be made without it: did you mean OKTA_ORG_URL (oktaOrgUrl)? Rename it in .env',
  ]);
  // Renamed, the same .env synthesizes: nothing else was wrong.
  const fixed = dotEnv(['SLACK_TEAM_ID=T0LATCHKEY', 'OKTA_ORG_URL=https://acme.okta.com', 'OKTA_API_TOKEN=00okta-token-in-dotenv', 'APPROVALS_CHANNEL_ID=C0APPROVALS', 'ADMIN_USER_IDS=U0ADMIN1']);
  expect(synth(STACK_ONLY, { dotEnv: fixed, say: () => undefined }).validationError).toBeUndefined();
});

test('a misspelled setting whose value is wrong too: the rename is asked, and the value\'s own problem is said once, by the setting meant', () => {
  const file = dotEnv(['SLACK_TEAM_ID=T0LATCHKEY', 'OKTA_ORG_ULR=acme.okta.com', 'APPROVALS_CHANNEL_ID=C0APPROVALS', 'ADMIN_USER_IDS=U0ADMIN1']);
  const { problems } = refusal(file);
  expect(problems[0]).toMatch(/^OKTA_ORG_ULR \(in \.env\): .*did you mean OKTA_ORG_URL \(oktaOrgUrl\)\? Rename it in \.env$/);
  expect(problems.slice(1)).toEqual([expect.stringMatching(/^oktaOrgUrl \(OKTA_ORG_URL\): .*https/)]);
});

test(".env's AWS_REGION, where WorkMail's organization is (npm start and npm run doctor call it there), and a deploy to another region (the profile's or shell's, CDK_DEFAULT_REGION): the synth stops saying both and what to do, since the function calls WorkMail in its own region; the same region, or none known, goes through", () => {
  const file = dotEnv([...SETTINGS_LINES, 'AWS_REGION=eu-west-1']);
  let stopped: unknown;
  try {
    synth(STACK_ONLY, { dotEnv: file, shell: { CDK_DEFAULT_REGION: 'us-east-1' }, say: () => undefined });
  } catch (err) {
    stopped = err;
  }
  expect(stopped).toBeInstanceOf(SettingsError);
  expect((stopped as SettingsError).problems).toEqual([
    "AWS_REGION: .env says eu-west-1, the region of Amazon WorkMail's organization, but this deploy goes to us-east-1 (your AWS profile's or shell's region), and the function calls Amazon WorkMail in its own region: every reset would fail. Deploy to eu-west-1 (AWS_REGION=eu-west-1 npm run deploy, or npm run deploy -- --profile <a profile whose region is eu-west-1>), or, if the organization is in us-east-1, set AWS_REGION=us-east-1 in .env (.env's; your shell's AWS_REGION, if set, wins for npm start)",
  ]);
  const said: string[] = [];
  expect(synth(STACK_ONLY, { dotEnv: file, shell: { CDK_DEFAULT_REGION: 'eu-west-1' }, say: (line) => said.push(line) }).validationError).toBeUndefined();
  // Used, so never said to be unused: the deploy's region is checked against it.
  expect(said).toContainEqual("  AWS_REGION: not the stack's region; checked against it, as Amazon WorkMail's organization is there.");
  expect(said.join('\n')).not.toMatch(/not used: .*AWS_REGION/);
  expect(synth(STACK_ONLY, { dotEnv: file, say: () => undefined }).validationError).toBeUndefined();
});

test(".env's AWS_REGION and a deploy to another region without Amazon WorkMail set up (every other directory set up): the synth goes through, as nothing the function calls is bound to .env's region", () => {
  const lines = SETTINGS_LINES.filter((line) => !line.startsWith('WORKMAIL_ORGANIZATION_ID='));
  expect(lines).toHaveLength(SETTINGS_LINES.length - 1);
  const file = dotEnv([...lines, 'AWS_REGION=eu-west-1']);
  expect(synth(STACK_ONLY, { dotEnv: file, shell: { CDK_DEFAULT_REGION: 'us-east-1' }, say: () => undefined }).validationError).toBeUndefined();
});
