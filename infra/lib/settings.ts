import * as path from 'node:path';
import { CUT_AT_HASH, loadConfig, secretVariables, withSecretStandIns, type EnabledCredential } from '../../src/config';
import { isLoopbackUrl } from '../../src/config-fields';
import { CREDENTIALS } from '../../src/credentials';
import type { DuplicateKey } from '../../src/env-file';
import type { Setting } from '../../src/credentials/credential';
import { checkedRegistry } from '../../src/credentials/registry';
import { functionTimeoutS, verifyWaitS } from '../../src/lambda/function-time';
import { lookalikeNames } from '../../src/setting-names';
import { VERIFIERS } from '../../src/verifiers';

/**
 * Everything an operator chooses at deploy time, read from CDK context (`-c key=value` or the
 * "context" block of infra/cdk.json), or for the app's settings the context leaves out, from the
 * repository's .env (infra/lib/dot-env.ts), and checked here, before CloudFormation sees anything.
 *
 * What becomes the function's environment is checked by the app's own schema (src/config.ts), so
 * a stack that synthesizes is one the app accepts, with no rules kept twice. The credentials'
 * context keys come from the registry (src/credentials): this file names no directory. Secrets are
 * never settings: Slack's and any credential's live in Secrets Manager.
 */
export interface LatchkeySettings {
  readonly stackName: string;
  /** Absolute path of the directory deployed as the function's code; it must hold lambda.js. */
  readonly codePath: string;
  readonly functionName: string;
  readonly runtime: LambdaRuntimeName;
  readonly logRetentionDays: number;
  /** Concurrent invocations the function may use, at most (and has to itself). */
  readonly reservedConcurrency: number;
  /** Subscribed to the alerts topic, when given. */
  readonly alarmEmail?: string;
  /** The app's settings for the function's environment, by variable name (no secret among them). */
  readonly environment: Readonly<Record<string, string>>;
  /** The credentials the function serves, with their settings as the app reads them. */
  readonly credentials: readonly EnabledCredential[];
  /** License requests are on: the provider's extra grants apply. */
  readonly licensesProvider?: EnabledCredential;
  /** The credentials' secrets the stack creates (beyond Slack's two), by variable name. */
  readonly secrets: readonly { readonly variable: string; readonly description: string }[];
  /** How long a push of the verify policy may wait for its person, when a credential's policy is `verify` (the worker waits that long). */
  readonly verifyTimeoutSeconds?: number;
  /** The function's timeout (s), by the code the app uses to know it (functionTimeoutS). */
  readonly functionTimeoutS: number;
  /** What the app would warn of in the .env the settings came from (a value a '#' cut, a variable set twice): said by the synth. */
  readonly dotEnvWarnings: readonly string[];
}

/**
 * The Lambda runtime: the latest Node.js, which cdk-nag's AwsSolutions-L1 requires (nodejs20.x was
 * deprecated on 2026-04-30, and the AWS SDK leaves Node 20 in January 2027). A newer one joins
 * this list when the CDK knows it and the tests have run on it.
 */
export const LAMBDA_RUNTIMES = ['nodejs24.x'] as const;
export type LambdaRuntimeName = (typeof LAMBDA_RUNTIMES)[number];

/** The values CloudWatch Logs accepts for a log group's retention, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The stack's own keys: not app settings. */
const STACK_KEYS = ['stackName', 'codePath', 'lambdaRuntime', 'logRetentionDays', 'reservedConcurrency', 'alarmEmail'] as const;

/**
 * The function's reserved concurrency unless -c reservedConcurrency says otherwise: each Slack
 * request takes two short invocations (answer and work), so 100 serve several hundred requests a
 * second, while capping what a flood of requests to the public URL can cost.
 */
export const DEFAULT_RESERVED_CONCURRENCY = 100;

/** App settings that are not a credential's, by context key. */
const CORE_VARIABLES: Readonly<Record<string, string>> = {
  slackTeamId: 'SLACK_TEAM_ID',
  slackEnterpriseId: 'SLACK_ENTERPRISE_ID',
  slackEmailsVerifiedBySso: 'SLACK_EMAILS_VERIFIED_BY_SSO',
  slackBotId: 'SLACK_BOT_ID',
  slackBotUserId: 'SLACK_BOT_USER_ID',
  approvalsChannelId: 'APPROVALS_CHANNEL_ID',
  adminUserIds: 'ADMIN_USER_IDS',
  adminUsergroupId: 'ADMIN_USERGROUP_ID',
  logLevel: 'LOG_LEVEL',
  resetPolicy: 'RESET_POLICY',
  verifyWith: 'VERIFY_WITH',
  // The function's timeout counts this wait (functionTimeoutS): set here, the stack gives the app
  // and the timeout the same value; set on the function alone, the app refuses to start (lambda.ts).
  verifyTimeoutSeconds: 'VERIFY_TIMEOUT_SECONDS',
  // Not counted by the timeout: a wait ends at its deadline whatever the interval (TimerWheelWaiter's tick).
  verifyPollMs: 'VERIFY_POLL_MS',
  verifyMaxPerHour: 'VERIFY_MAX_PER_HOUR',
  approvalResponseTime: 'APPROVAL_RESPONSE_TIME',
  // A request's expiry is its own record's (expiresAt, purgeAt): nothing in the stack counts it.
  licenseRequestTtlHours: 'LICENSE_REQUEST_TTL_HOURS',
  resetMaxPerHour: 'RESET_MAX_PER_HOUR',
  resetMaxPerMinuteGlobal: 'RESET_MAX_PER_MINUTE_GLOBAL',
  licenseRequestMaxPerDay: 'LICENSE_REQUEST_MAX_PER_DAY',
  // The audit table's TTL reads each record's expiresAt, which the app writes from this: the one
  // source, as the stack has no retention of its own for the audit log (logRetentionDays is the log group's).
  auditRetentionDays: 'AUDIT_RETENTION_DAYS',
  // Not counted by the timeout: on Lambda each Slack call, its tries and waits together, has its own
  // bound (LAMBDA_SLACK_CALL_MS), whatever the retries.
  slackApiRetries: 'SLACK_API_RETRIES',
  slackApiUrl: 'SLACK_API_URL',
};

// A credential's context key named like the stack's own would silently replace it.
checkedRegistry(CREDENTIALS, { contextKeys: [...STACK_KEYS, ...Object.keys(CORE_VARIABLES)] });

/** Context key → environment variable, for every app setting the stack passes on. */
export const VARIABLE_OF_CONTEXT: Readonly<Record<string, string>> = {
  ...CORE_VARIABLES,
  ...Object.fromEntries(
    [...CREDENTIALS, ...VERIFIERS].flatMap((c) => Object.entries(c.settings.variables).flatMap(([variable, s]) => (s.context ? [[s.context, variable]] : []))),
  ),
};

/**
 * The app's settings that are no context key, each with why: every other setting src/config.ts
 * reads (the core's, each credential's and each verifier's) is one, so an operator on Lambda can
 * set everything they could set for `npm start` (test/infra/settings.test.ts fails on a setting
 * that is neither). The synth says why for each one .env gives (dot-env.ts).
 */
export const NOT_CONTEXT_KEYS: Readonly<Record<string, string>> = {
  PORT: 'the server only: the function is reached through its URL, and listens on no port',
  SLACK_APP_TOKEN: 'the server only: Socket Mode keeps a connection open, which a function frozen between invocations cannot',
  METRICS_TOKEN: 'the server only: the function serves no /metrics; its metrics go to CloudWatch (the dashboard and alarms)',
  APPROVALS_TABLE_NAME: 'the stack sets it, to the approvals table it creates',
  AUDIT_TABLE_NAME: 'the stack sets it, to the audit table it creates',
  RATE_LIMIT_TABLE_NAME: 'the stack sets it, to the rate-limit table it creates',
  DYNAMODB_CREATE_TABLES: 'the stack creates the tables, with point-in-time recovery, deletion protection and TTL; the function may not',
  // A secret as a context key would be in the template, cdk.out and the function's environment.
  ...Object.fromEntries(secretVariables().map((variable) => [variable, `a secret: the stack creates a Secrets Manager secret for it and gives the function its ARN (${variable}_ARN), read at cold start`])),
};

/** The context keys this app reads; anything else given with -c is ignored by it. */
export const CONTEXT_KEYS: readonly string[] = [...STACK_KEYS, ...Object.keys(VARIABLE_OF_CONTEXT)];
export type ContextKey = string;

/** Where `npm run build:lambda` (scripts/build-lambda.js) writes the function's one file. */
export const DEFAULT_CODE_PATH = 'infra/build/lambda';

/** The repository root: relative code paths are resolved from here, wherever cdk runs. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The settings taken from .env (infra/lib/dot-env.ts), for the app's hints about that file. */
export interface FromDotEnv {
  /** The variables whose value came from .env. */
  readonly variables: readonly string[];
  readonly cutInDotEnv: readonly string[];
  readonly duplicatesInDotEnv: readonly DuplicateKey[];
  /** Names in .env a letter or two off one of the app's settings (OKTA_ORG_ULR), with the one likely meant and, when that is no secret, the value. */
  readonly misspelled?: readonly { readonly name: string; readonly suggestion: string; readonly value?: string }[];
}

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(['Latchkey cannot be synthesized: the settings (-c keys, cdk.json\'s context, .env) have problems.', ...problems.map((p) => `  - ${p}`)].join('\n'));
    this.name = 'SettingsError';
  }
}

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,54}$/;

/**
 * Reads and checks the context. `get` is `app.node.tryGetContext`; values from the command line
 * arrive as strings, values from cdk.json may be numbers or arrays, and both are accepted.
 * `given` is every key the context holds (`app.node.getAllContext()`): one a letter or two off one
 * of ours (`alarmEmial`) is a problem, not ignored, since a misspelled alarmEmail deploys a stack
 * whose alarms page nobody, and a misspelled credential key one without that credential. Keys far
 * from ours are the CDK's or another tool's, and left alone.
 */
export function settingsFromContext(get: (key: ContextKey) => unknown, given: Iterable<string> = [], dotEnv?: FromDotEnv): LatchkeySettings {
  const problems: string[] = [];
  for (const { name, suggestion } of lookalikeNames(given, CONTEXT_KEYS)) {
    if (suggestion !== undefined && get(suggestion) === undefined) problems.push(`${name}: is not a context key Latchkey reads, so it would be ignored: did you mean ${suggestion}?`);
    else if (suggestion !== undefined) problems.push(`${name}: is not a context key Latchkey reads, so it would be ignored: ${suggestion} is given too; remove ${name}`);
  }
  // The same rule for a name in .env: a misspelled setting there would deploy a stack without it.
  // One a secret or the server's own resembles is no setting of the stack, and only said (dot-env.ts).
  const contextOfVariable = new Map(Object.entries(VARIABLE_OF_CONTEXT).map(([key, variable]) => [variable, key]));
  // The rest is checked as if each were renamed: else what follows from the setting's absence alone
  // (a stack without Okta: "license requests change licenses in Amazon Chime", "No credential is set
  // up") was said beside it, as more problems to fix, which the rename fixes.
  const renamed: Record<string, string> = {};
  for (const { name, suggestion, value } of dotEnv?.misspelled ?? []) {
    const key = contextOfVariable.get(suggestion);
    if (key !== undefined && get(key) === undefined) {
      problems.push(`${name} (in .env): is not a setting Latchkey reads, so the stack would be made without it: did you mean ${suggestion} (${key})? Rename it in .env`);
      if (value !== undefined && value.trim() !== '') renamed[suggestion] = value.trim();
    }
  }
  const text = (key: ContextKey): string | undefined => {
    const raw = get(key);
    if (raw === undefined || raw === null) return undefined;
    if (Array.isArray(raw)) return raw.map((v) => String(v).trim()).join(',');
    // A boolean from cdk.json ("slackEmailsVerifiedBySso": true) is read as its text, as the app reads a flag.
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      problems.push(`${key}: must be a string`);
      return undefined;
    }
    const value = String(raw).trim();
    return value === '' ? undefined : value;
  };
  const integer = (key: ContextKey): number | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) {
      problems.push(`${key}: must be a whole number`);
      return undefined;
    }
    return Number(value);
  };

  const stackName = text('stackName') ?? 'Latchkey';
  if (!STACK_NAME.test(stackName)) problems.push('stackName: must start with a letter and hold only letters, digits and hyphens (at most 55)');

  const runtime = (text('lambdaRuntime') ?? 'nodejs24.x') as LambdaRuntimeName;
  if (!LAMBDA_RUNTIMES.includes(runtime)) problems.push(`lambdaRuntime: must be one of ${LAMBDA_RUNTIMES.join(', ')}`);

  const logRetentionDays = integer('logRetentionDays') ?? 90;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    problems.push(`logRetentionDays: must be one of ${LOG_RETENTION_DAYS.join(', ')} (what CloudWatch Logs accepts)`);
  }

  const reservedConcurrency = integer('reservedConcurrency') ?? DEFAULT_RESERVED_CONCURRENCY;
  if (reservedConcurrency < 2 || reservedConcurrency > 1000) {
    // One invocation answers Slack while another does the work: fewer than 2 would starve itself.
    problems.push('reservedConcurrency: must be between 2 and 1000');
  }

  // What `npm run build:lambda` writes: one bundled file.
  const codePath = path.resolve(REPO_ROOT, text('codePath') ?? DEFAULT_CODE_PATH);

  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) problems.push('alarmEmail: must be an email address');

  // The app's settings, checked by the app's own schema.
  const environment: Record<string, string> = {};
  for (const [key, variable] of Object.entries(VARIABLE_OF_CONTEXT)) {
    const value = text(key);
    if (value !== undefined) environment[variable] = value;
  }
  // Never the stack's own: with a misspelled name, there is a problem, and no stack.
  const asRenamed = { ...environment, ...renamed };
  problems.push(...loopbackUrls(asRenamed));
  const checked = checkAsTheAppWould(asRenamed, dotEnv);
  problems.push(...checked.problems);

  if (problems.length > 0 || !checked.config) throw new SettingsError(problems);
  const config = checked.config;
  return {
    stackName,
    codePath,
    functionName: `${stackName}-handler`,
    runtime,
    logRetentionDays,
    reservedConcurrency,
    alarmEmail,
    environment,
    credentials: config.credentials,
    licensesProvider: config.licenses?.provider,
    // A Setting shared by several credentials (one directory's several actions) is one secret.
    secrets: [
      ...new Map(
        [...config.credentials.map(({ credential }) => credential), ...(config.verify ? [config.verify.plugin] : [])].flatMap((c) =>
          Object.entries(c.settings.variables).flatMap(([variable, s]) => (s.secret ? [[variable, { variable, description: s.secret.description }] as const] : [])),
        ),
      ).values(),
    ],
    ...(verifyWaitS(config) !== undefined && { verifyTimeoutSeconds: verifyWaitS(config) }),
    functionTimeoutS: functionTimeoutS(config),
    // Only these of the app's warnings: the rest are about the synth's own stand-ins for the secrets.
    dotEnvWarnings: config.warnings
      .filter((w) => (w.subject === CUT_AT_HASH && dotEnv?.cutInDotEnv.includes(w.variable)) || (w.subject.endsWith(' in .env') && dotEnv?.duplicatesInDotEnv.some((d) => d.name === w.variable)))
      .map((w) => w.message),
  };
}

/**
 * The app accepts http:// on this machine's own address, for a local stand-in (tests, the sandbox,
 * a .env made for `npm start` against one); the function on Lambda has nothing listening there, so
 * every call to it would fail after the deploy. Every setting whose value is a URL is checked,
 * whatever it is for, so that the stack names no directory's.
 */
function loopbackUrls(environment: Readonly<Record<string, string>>): string[] {
  const contextOf: Record<string, string> = Object.fromEntries(Object.entries(VARIABLE_OF_CONTEXT).map(([key, variable]) => [variable, key]));
  return Object.entries(environment).flatMap(([variable, value]) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    if (!url || !isLoopbackUrl(url)) return [];
    const key = contextOf[variable]!;
    // The host alone: a URL may carry a user and password, which are said nowhere.
    return [
      `${key} (${variable}): points at ${url.host}, a local stand-in's address on this machine, which the function on Lambda cannot reach, so every call to it would fail: unset ${variable} in .env (or your shell), or give -c ${key}= (or the service's real https:// address)`,
    ];
  });
}

/**
 * Runs src/config.ts's schema over the function's environment, with placeholders for what is not
 * known at deploy time (the secrets, read from Secrets Manager at cold start), and says its
 * problems in context keys.
 */
function checkAsTheAppWould(environment: Record<string, string>, dotEnv?: FromDotEnv) {
  // Slack's two, and each credential's own placeholder: a value of the secret's shape, not the secret.
  const core: Record<string, string> = { SLACK_BOT_TOKEN: 'xoxb-placeholder', SLACK_SIGNING_SECRET: 'placeholder-secret-value-for-synth' };
  // Which credentials are being set up is the app's own rule (withSecretStandIns), as for npm run manifest.
  const loaded = loadConfig(withSecretStandIns({ ...core, ...environment }), dotEnv ?? {});
  const holders = new Map<Setting, Set<object>>();
  for (const c of CREDENTIALS) for (const s of Object.values(c.settings.variables)) holders.set(s, (holders.get(s) ?? new Set()).add(c.settings));
  if (loaded.ok) return { problems: [], config: loaded.config };
  const contextOf: Record<string, string> = Object.fromEntries(Object.entries(VARIABLE_OF_CONTEXT).map(([key, variable]) => [variable, key]));
  // A credential's secret has no context key (the stack reads it from Secrets Manager; here a
  // placeholder stands in for it), so a problem names it only as what sets its credential up
  // ("nothing to reset"): in the stack that is the credential's first key of its own.
  for (const c of CREDENTIALS) {
    const key = Object.values(c.settings.variables).find((s) => s.context !== undefined && !s.secret && holders.get(s)!.size === 1)?.context;
    for (const [v, s] of Object.entries(c.settings.variables)) if (s.secret && key !== undefined && contextOf[v] === undefined) contextOf[v] = key;
  }
  // One taken from .env keeps the name it has there, where it is to be fixed.
  for (const variable of dotEnv?.variables ?? []) delete contextOf[variable];
  // With a .env read, a setting it lacks is named by both: its -c key, and the variable to add there.
  const said = (name: string) => {
    const key = contextOf[name];
    if (key === undefined) return name;
    return dotEnv !== undefined && VARIABLE_OF_CONTEXT[key] === name ? `${key} (${name})` : key;
  };
  const inContextKeys = (problem: string) => problem.replace(/\b[A-Z][A-Z0-9_]{2,}\b/g, said);
  return { problems: loaded.problems.map(inContextKeys), config: undefined };
}
