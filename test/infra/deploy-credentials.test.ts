import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { missingAwsCredentials, profileArgument } from '../../infra/lib/aws-credentials';
import { REPO_ROOT } from '../../infra/lib/settings';
import { requireOption } from '../support/node-options';

/**
 * `npm run deploy` with no AWS credentials ended, after the bundle and the synth, on CDK's own
 * "Unable to resolve AWS account to use". It now says so first, in one line, with what to do, and
 * asks nothing of AWS (nor the SDK's chain) when the environment or a profile holds credentials.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-deploy-creds-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A config and a credentials file of these lines (none: no such file), as the environment names them. */
function awsFiles(config?: string, credentials?: string): Record<string, string> {
  const n = files++;
  const at = (name: string, text?: string) => {
    const file = path.join(dir, `${name}-${n}`);
    if (text !== undefined) fs.writeFileSync(file, text);
    return file;
  };
  return { AWS_CONFIG_FILE: at('config', config), AWS_SHARED_CREDENTIALS_FILE: at('credentials', credentials) };
}

const noCredentials = () => Promise.reject(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));

test('credentials in the environment or in a profile go on, and neither AWS nor the SDK is asked (no call to AWS on a deploy that has them)', async () => {
  const chain = jest.fn(noCredentials);
  const cases: Record<string, string | undefined>[] = [
    { ...awsFiles(), AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example-secret' },
    { ...awsFiles(undefined, '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n') },
    { ...awsFiles('[profile work]\nsso_session = acme\nsso_account_id = 111122223333\nsso_role_name = Deploy\n[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = us-east-1\n'), AWS_PROFILE: 'work' },
    { ...awsFiles('[profile deployer]\nrole_arn = arn:aws:iam::111122223333:role/Deploy\nsource_profile = default\n'), AWS_PROFILE: 'deployer' },
    { ...awsFiles(), AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' },
  ];
  for (const env of cases) expect(await missingAwsCredentials({ env, chain })).toBeUndefined();
  // --profile, as cdk takes it, wins over AWS_PROFILE.
  expect(await missingAwsCredentials({ env: { ...awsFiles('[profile deployer]\nrole_arn = arn:aws:iam::111122223333:role/Deploy\n'), AWS_PROFILE: 'nothing' }, profile: 'deployer', chain })).toBeUndefined();
  expect(chain).not.toHaveBeenCalled();
});

test('none anywhere: one line, before CDK runs, saying none were found and what to do', async () => {
  const chain = jest.fn(noCredentials);
  const line = await missingAwsCredentials({ env: awsFiles('[default]\nregion = eu-west-1\n'), chain });
  expect(chain).toHaveBeenCalledTimes(1);
  expect(line).toMatch(/^npm run deploy: no AWS credentials found \(none in your shell's environment, and no default profile with credentials in .+\), so nothing can be deployed: /);
  expect(line).toContain('export AWS_PROFILE=<profile> in your shell (after `aws sso login --profile <profile>`');
  expect(line).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  // After `npm run deploy -- -c …` a second `--` would be wrong: the hint says where --profile goes.
  expect(line).toContain('or add --profile <profile> after the `--` of npm run deploy -- (npm run deploy -- --profile <profile>)');
  expect(line).not.toContain('or add -- --profile');
  expect(line).not.toContain('\n');
});

test('a profile named that is not there, or holds no credentials, is said as that', async () => {
  const config = awsFiles('[profile work]\nregion = eu-west-1\n');
  expect(await missingAwsCredentials({ env: { ...config, AWS_PROFILE: 'wrok' }, chain: noCredentials })).toMatch(/\(AWS_PROFILE=wrok names a profile that is in neither .+ nor .+ \(`aws configure list-profiles` lists them\)\)/);
  expect(await missingAwsCredentials({ env: config, profile: 'work', chain: noCredentials })).toMatch(/\(--profile work names a profile with no credentials in /);
  // With a profile named, keys in the environment are not used (by the SDK, nor by cdk).
  expect(await missingAwsCredentials({ env: { ...config, AWS_PROFILE: 'work', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' }, chain: noCredentials })).toMatch(/AWS_PROFILE=work names a profile with no credentials/);
});

test(".env's AWS_PROFILE, which npm start and the doctor use and the deploy does not, is named with the command that gives it", async () => {
  const dotEnv = path.join(dir, 'dot-env');
  fs.writeFileSync(dotEnv, 'SLACK_TEAM_ID=T0LATCHKEY\nAWS_PROFILE=acme-admin\n');
  const line = await missingAwsCredentials({ env: awsFiles(), dotEnv, chain: noCredentials });
  expect(line).toContain(".env's AWS_PROFILE=acme-admin is read by npm start and npm run doctor, not by the deploy: run AWS_PROFILE=acme-admin npm run deploy");
});

test('what only the SDK can tell (an EC2 role) goes on; so does a chain that fails otherwise or does not answer in time: CDK then says what it finds', async () => {
  const env = awsFiles();
  expect(await missingAwsCredentials({ env, chain: () => Promise.resolve({ accessKeyId: 'ASIA…' }) })).toBeUndefined();
  expect(await missingAwsCredentials({ env, chain: () => Promise.reject(new Error('socket hang up')) })).toBeUndefined();
  const started = Date.now();
  expect(await missingAwsCredentials({ env, chain: () => new Promise(() => undefined), boundMs: 100 })).toBeUndefined();
  expect(Date.now() - started).toBeLessThan(5_000);
});

test("--profile among cdk's arguments", () => {
  expect(profileArgument(['-c', 'alarmEmail=a@b.example', '--profile', 'work'])).toBe('work');
  expect(profileArgument(['--profile=work', '--require-approval', 'never'])).toBe('work');
  expect(profileArgument(['-c', 'x=y'])).toBeUndefined();
});

test('npm run deploy runs the check, with the SDK\'s own chain, before cdk: with no credentials (and no network: the instance metadata service off), one line on standard error and cdk never started', () => {
  expect(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts.deploy).toBe('node --import tsx infra/bin/deploy.ts');
  const run = deploy(['-c', 'alarmEmail=it@acme.example']);
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^npm run deploy: no AWS credentials found \(none in your shell's environment, and no default profile with credentials in ~\/\.aws\/config or ~\/\.aws\/credentials\)/);
  // cdk's own words never came: nothing was synthesized or built.
  expect(run.stdout).toBe('');
});

test('a "profile" in cdk\'s own settings (infra/cdk.json, else ~/.cdk.json) is the profile given, as cdk takes it over AWS_PROFILE', async () => {
  const chain = jest.fn(noCredentials);
  const settings = (name: string, json: object) => {
    const file = path.join(dir, `${name}-${files++}.json`);
    fs.writeFileSync(file, JSON.stringify(json));
    return file;
  };
  const config = awsFiles('[profile deployer]\nrole_arn = arn:aws:iam::111122223333:role/Deploy\n[profile empty]\nregion = eu-west-1\n');
  const project = settings('cdk', { app: 'npx tsx bin/latchkey.ts', context: {} });
  const user = settings('user-cdk', { profile: 'deployer' });
  // No default credentials, none in the environment: only ~/.cdk.json's profile holds them, and cdk would deploy.
  expect(await missingAwsCredentials({ env: config, cdkSettings: [project, user], chain })).toBeUndefined();
  // It wins over AWS_PROFILE, and the project's wins over the user's.
  expect(await missingAwsCredentials({ env: { ...config, AWS_PROFILE: 'empty' }, cdkSettings: [project, user], chain })).toBeUndefined();
  expect(chain).not.toHaveBeenCalled();
  const line = await missingAwsCredentials({ env: config, cdkSettings: [settings('cdk', { profile: 'empty' }), user], chain: noCredentials });
  expect(line).toMatch(/\("profile": "empty" in .+cdk-\d+\.json names a profile with no credentials in /);
  // --profile on the command line wins over both.
  expect(await missingAwsCredentials({ env: config, profile: 'empty', cdkSettings: [project, user], chain: noCredentials })).toMatch(/--profile empty names a profile with no credentials/);
  // A file that is not there is no profile.
  expect(await missingAwsCredentials({ env: config, cdkSettings: [path.join(dir, 'no-such.json')], chain: noCredentials })).toMatch(/none in your shell's environment/);
});

/** `npm run deploy` itself, in a HOME of its own, with no network (the instance metadata service off). */
function deploy(args: string[], env: Record<string, string> = {}, home = fs.mkdtempSync(path.join(dir, 'home-'))) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'infra', 'bin', 'deploy.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** An --app for cdk that writes where it ran and the context cdk gave it, then makes no stack (so cdk stops there). */
const recordingApp = (out: string) => `node -e "require('fs').writeFileSync('${out}', JSON.stringify({ cwd: process.cwd(), context: JSON.parse(process.env.CDK_CONTEXT_JSON) }))"`;

/** `npm run deploy` with credentials in the environment and cdk's app the recording one: its run, and the file the app writes. */
function deployRecorded(args: string[], env: Record<string, string> = {}) {
  const out = path.join(fs.mkdtempSync(path.join(dir, 'app-')), 'ran.json');
  const run = deploy(['--app', recordingApp(out), ...args, '--output', path.join(path.dirname(out), 'cdk.out'), '--no-notices'], {
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'example-secret',
    AWS_REGION: 'eu-west-1',
    ...env,
  });
  return { run, out };
}

test("with credentials, cdk deploy runs in infra/ with the arguments as given: none split, none read by a shell", () => {
  const note = 'two words; $(touch /tmp/latchkey-shell-ran) "quoted"';
  const { run, out } = deployRecorded(['-c', `note=${note}`]);
  expect(run.stderr).not.toContain('npm run deploy:');
  const ran = JSON.parse(fs.readFileSync(out, 'utf8')) as { cwd: string; context: Record<string, unknown> };
  expect(ran.cwd).toBe(path.join(REPO_ROOT, 'infra'));
  expect(ran.context.note).toBe(note);
});

test("cdk, run by npm run deploy, prints no AWS SDK notice about the Node it runs on (run as Node 20, where the SDK prints it); set to false, the SDK's switch shows it", () => {
  // cdk's own SDK prints it, in cdk's process, as it looks up the account; the deploy starts cdk
  // with its environment. Run as Node 20 (process.version) so that both halves prove something on every Node.
  const asNode20 = { NODE_OPTIONS: requireOption(path.join(__dirname, '..', 'fixtures', 'node-20.js')) };
  const stderr = (env: Record<string, string>) => {
    const { run, out } = deployRecorded([], { ...asNode20, ...env });
    // cdk got as far as the app, so past the account's look-up.
    expect(fs.existsSync(out)).toBe(true);
    return run.stderr;
  };
  expect(stderr({})).not.toContain('NodeVersionSupportWarning');
  const shown = stderr({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
  expect(shown).toContain('NodeVersionSupportWarning');
  expect(shown).toContain('You are running node v20.18.1');
  // Two runs of cdk, each up to deploy's own 60 s bound on a loaded machine.
}, 120_000);

test('a check that fails of itself (a ~/.cdk.json it cannot read) lets the deploy go on, in one warning line with no stack trace: cdk then says what it finds', () => {
  const home = fs.mkdtempSync(path.join(dir, 'home-'));
  fs.writeFileSync(path.join(home, '.cdk.json'), '{not json');
  const run = deploy(['-c', 'alarmEmail=it@acme.example'], {}, home);
  const lines = run.stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^npm run deploy: could not check for AWS credentials \(.+\); going on with cdk\.$/);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  // cdk ran: its own word on the file.
  expect(run.stderr).toContain(`${path.join(home, '.cdk.json')}: `);
});
