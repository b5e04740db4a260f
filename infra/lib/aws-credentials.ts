import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { noAwsCredentials } from '../../src/aws/no-credentials';
import { settledWithin } from '../../src/settled-within';
import { readDotEnv } from '../../src/env-file';

/**
 * Whether `npm run deploy` has AWS credentials to deploy with, asked before `cdk deploy` runs:
 * without any, CDK synthesized the stack (and built the bundle) only to end on its own "Unable to
 * resolve AWS account to use", which says nothing of what to do.
 */
export interface CredentialsQuestion {
  /** The shell's environment (process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The profile given on the command line (`--profile`), which wins over AWS_PROFILE, as for cdk. */
  readonly profile?: string;
  /**
   * The files cdk reads its settings from, the one that wins first (infra/cdk.json, then ~/.cdk.json):
   * a "profile" there is cdk's when no --profile is given, over AWS_PROFILE. cdk.context.json holds
   * context, not settings, so a profile there is not cdk's.
   */
  readonly cdkSettings?: readonly string[];
  /** The repository's .env: an AWS_PROFILE there is npm start's and the doctor's, not the deploy's, and is said. */
  readonly dotEnv?: string;
  /** The SDK's own chain (the deploy's: env, SSO, profiles, a process, a web identity, ECS or EC2): the tests give their own. */
  readonly chain?: (profile: string | undefined) => Promise<unknown>;
  /** How long the chain may take; past it, the deploy goes on and CDK says what it finds. */
  readonly boundMs?: number;
}

/**
 * A profile's keys that give credentials (keys, a role, IAM Identity Center, `aws login`, a process,
 * a web identity): one with region and output alone gives none, which is how a fresh `aws configure`
 * of the region, or a config copied from a colleague, often looks.
 */
const CREDENTIAL_KEYS = ['aws_access_key_id', 'role_arn', 'credential_process', 'sso_session', 'sso_start_url', 'login_session', 'web_identity_token_file'];

/** The SDK's default chain, as the CDK CLI uses it; the instance metadata service (EC2) gets 1 s, no retry. */
const sdkChain = (profile: string | undefined) => defaultProvider({ ...(profile !== undefined && { profile }), timeout: 1_000, maxRetries: 0, logger: SILENT })();

/** The chain's own warnings (AWS_PROFILE beside AWS_ACCESS_KEY_ID) are not this check's to print: the line below says what matters. */
const SILENT = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Undefined when the deploy may go on: credentials are there, or may be (the SDK did not answer in
 * time, or failed otherwise: CDK then says what it finds). Else one line: that none were found, and
 * what to do. Credentials named where this machine holds them (the environment, a profile with
 * credentials in ~/.aws) are enough, without asking AWS or the SDK: a profile signing in through IAM
 * Identity Center or a role would otherwise cost a call to AWS on every deploy. Only when none is
 * found there is the SDK's chain asked, for what only it can tell (an EC2 instance's role); it says
 * "no credentials" as a CredentialsProviderError, and only that is said.
 */
export async function missingAwsCredentials(question: CredentialsQuestion): Promise<string | undefined> {
  const { env } = question;
  const inSettings = question.profile === undefined ? cdkSettingsProfile(question.cdkSettings ?? []) : undefined;
  const named = question.profile ?? inSettings?.name ?? nonEmpty(env.AWS_PROFILE);
  // With a profile named, the SDK skips AWS_ACCESS_KEY_ID (and so does cdk): only the profile counts.
  if (named === undefined && nonEmpty(env.AWS_ACCESS_KEY_ID) && nonEmpty(env.AWS_SECRET_ACCESS_KEY)) return undefined;
  if (nonEmpty(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) || nonEmpty(env.AWS_CONTAINER_CREDENTIALS_FULL_URI) || nonEmpty(env.AWS_WEB_IDENTITY_TOKEN_FILE)) return undefined;
  const files = {
    config: nonEmpty(env.AWS_CONFIG_FILE) ?? path.join(os.homedir(), '.aws', 'config'),
    credentials: nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ?? path.join(os.homedir(), '.aws', 'credentials'),
  };
  const profileName = named ?? 'default';
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ filepath: files.credentials, configFilepath: files.config, ignoreCache: true });
  const profile = configFile[profileName] || credentialsFile[profileName] ? { ...configFile[profileName], ...credentialsFile[profileName] } : undefined;
  if (profile && CREDENTIAL_KEYS.some((key) => nonEmpty(profile[key]) !== undefined)) return undefined;

  if (!(await chainFindsNone(question.chain ?? sdkChain, named, question.boundMs ?? 5_000))) return undefined;

  const where = `${tilde(files.config)} or ${tilde(files.credentials)}`;
  const source =
    question.profile !== undefined ? `--profile ${named}` : inSettings !== undefined ? `"profile": "${named}" in ${tilde(inSettings.file)}` : `AWS_PROFILE=${named}`;
  const why =
    named === undefined
      ? `none in your shell's environment, and no default profile with credentials in ${where}`
      : profile === undefined
        ? `${source} names a profile that is in neither ${tilde(files.config)} nor ${tilde(files.credentials)} (\`aws configure list-profiles\` lists them)`
        : `${source} names a profile with no credentials in ${where}`;
  const inDotEnv = named === undefined ? dotEnvProfile(question.dotEnv) : undefined;
  const give = inDotEnv
    ? `.env's AWS_PROFILE=${inDotEnv} is read by npm start and npm run doctor, not by the deploy: run AWS_PROFILE=${inDotEnv} npm run deploy (after \`aws sso login --profile ${inDotEnv}\` if it signs in through IAM Identity Center)`
    : 'export AWS_PROFILE=<profile> in your shell (after `aws sso login --profile <profile>` if it signs in through IAM Identity Center), or add --profile <profile> after the `--` of npm run deploy -- (npm run deploy -- --profile <profile>), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  return `npm run deploy: no AWS credentials found (${why}), so nothing can be deployed: ${give}; \`aws sts get-caller-identity\` shows the account they reach (docs/deploy.md, Prerequisites).`;
}

/** `--profile NAME` or `--profile=NAME` among cdk's arguments, as cdk reads it. */
export function profileArgument(args: readonly string[]): string | undefined {
  let found: string | undefined;
  args.forEach((arg, i) => {
    if (arg === '--profile' && args[i + 1] !== undefined) found = args[i + 1];
    else if (arg.startsWith('--profile=')) found = arg.slice('--profile='.length);
  });
  return nonEmpty(found);
}

/**
 * The first "profile" among cdk's settings files, and the file it is in. A file that is not there
 * counts as none; one cdk cannot read either throws, as it makes cdk fail too.
 */
function cdkSettingsProfile(files: readonly string[]): { name: string; file: string } | undefined {
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const profile = (JSON.parse(fs.readFileSync(file, 'utf8')) as { profile?: unknown } | null)?.profile;
    if (typeof profile === 'string' && nonEmpty(profile) !== undefined) return { name: profile.trim(), file };
  }
  return undefined;
}

/** True only when the chain says, within the bound, that it found no credentials. */
async function chainFindsNone(chain: (profile: string | undefined) => Promise<unknown>, profile: string | undefined, boundMs: number): Promise<boolean> {
  try {
    return await settledWithin(chain(profile).then(() => false), boundMs, false);
  } catch (err) {
    return noAwsCredentials(err);
  }
}

/** The AWS_PROFILE .env sets, if any (no secret: a profile's name). A .env that cannot be read is the synth's to say. */
function dotEnvProfile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return nonEmpty(readDotEnv(file)?.values.AWS_PROFILE);
  } catch {
    return undefined;
  }
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());

const tilde = (file: string): string => {
  const home = os.homedir();
  return file.startsWith(`${home}${path.sep}`) ? `~${file.slice(home.length)}` : file;
};
