import * as path from 'node:path';

/**
 * Everything an operator chooses at deploy time, read from CDK context (`-c key=value` or the
 * "context" block of infra/cdk.json) and checked here, before CloudFormation sees anything.
 * The rules mirror src/config.ts, so a stack that synthesizes is one the app will accept.
 * Secrets are never settings: the Slack signing secret and bot token live in Secrets Manager.
 */
export interface LatchkeySettings {
  readonly stackName: string;
  /** Absolute path of the directory deployed as the function's code; it must hold lambda.js. */
  readonly codePath: string;
  readonly functionName: string;
  readonly runtime: LambdaRuntimeName;
  readonly chimeAccountId?: string;
  readonly workmailOrganizationId?: string;
  readonly adminUserIds: readonly string[];
  readonly adminUsergroupId?: string;
  readonly approvalsChannelId?: string;
  readonly slackTeamId: string;
  readonly slackEnterpriseId?: string;
  readonly logLevel: LogLevel;
  readonly logRetentionDays: number;
  readonly reservedConcurrency?: number;
}

export const LAMBDA_RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;
export type LambdaRuntimeName = (typeof LAMBDA_RUNTIMES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** The values CloudWatch Logs accepts for a log group's retention, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The context keys this app reads; anything else given with -c is ignored by it. */
export const CONTEXT_KEYS = [
  'stackName',
  'codePath',
  'lambdaRuntime',
  'chimeAccountId',
  'workmailOrganizationId',
  'adminUserIds',
  'adminUsergroupId',
  'approvalsChannelId',
  'slackTeamId',
  'slackEnterpriseId',
  'logLevel',
  'logRetentionDays',
  'reservedConcurrency',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

/** The repository root: relative code paths are resolved from here, wherever cdk runs. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(['Latchkey cannot be synthesized: the context has problems.', ...problems.map((p) => `  - ${p}`)].join('\n'));
    this.name = 'SettingsError';
  }
}

const PATTERNS = {
  chimeAccountId: [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a Chime account ID (a UUID)'],
  workmailOrganizationId: [/^m-[0-9a-f]{32}$/, 'must be a WorkMail organization ID: m- followed by 32 hex digits'],
  adminUserId: [/^[UW][A-Z0-9]{2,}$/, 'must list Slack user IDs such as U0123ABCD, comma-separated'],
  adminUsergroupId: [/^S[A-Z0-9]{2,}$/, 'must be a Slack user group ID such as S0123ABCD'],
  approvalsChannelId: [/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel ID such as C0123ABCD'],
  slackTeamId: [/^T[A-Z0-9]{2,}$/, 'must be a Slack workspace ID such as T0123ABCD'],
  slackEnterpriseId: [/^E[A-Z0-9]{2,}$/, 'must be an Enterprise Grid org ID such as E0123ABCD'],
  stackName: [/^[A-Za-z][A-Za-z0-9-]{0,54}$/, 'must start with a letter and hold only letters, digits and hyphens (at most 55)'],
} as const;

/**
 * Reads and checks the context. `get` is `app.node.tryGetContext`; values from the command line
 * arrive as strings, values from cdk.json may be numbers or arrays, and both are accepted.
 */
export function settingsFromContext(get: (key: ContextKey) => unknown): LatchkeySettings {
  const problems: string[] = [];
  const text = (key: ContextKey): string | undefined => {
    const raw = get(key);
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      problems.push(`${key}: must be a string`);
      return undefined;
    }
    const value = String(raw).trim();
    return value === '' ? undefined : value;
  };
  const matching = (key: ContextKey & keyof typeof PATTERNS): string | undefined => {
    const value = text(key);
    const [pattern, message] = PATTERNS[key];
    if (value !== undefined && !pattern.test(value)) problems.push(`${key}: ${message}`);
    return value;
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

  const stackName = matching('stackName') ?? 'Latchkey';
  const chimeAccountId = matching('chimeAccountId')?.toLowerCase();
  const workmailOrganizationId = matching('workmailOrganizationId');
  const adminUsergroupId = matching('adminUsergroupId');
  const approvalsChannelId = matching('approvalsChannelId');
  const slackTeamId = (() => {
    const value = text('slackTeamId');
    // The same rules as src/config.ts: required, and an org ID here is a mistake to name.
    if (value === undefined) problems.push('slackTeamId: is required: the ID of the Slack workspace Latchkey serves, such as T0123ABCD');
    else if (PATTERNS.slackEnterpriseId[0].test(value)) {
      problems.push('slackTeamId: is an Enterprise Grid org ID (E…): put it in slackEnterpriseId, and the workspace ID (T…) here');
    } else if (!PATTERNS.slackTeamId[0].test(value)) problems.push(`slackTeamId: ${PATTERNS.slackTeamId[1]}`);
    return value ?? '';
  })();
  const slackEnterpriseId = matching('slackEnterpriseId');

  const rawAdmins = get('adminUserIds');
  const adminList = Array.isArray(rawAdmins) ? rawAdmins.map(String) : (text('adminUserIds') ?? '').split(',');
  const adminUserIds = adminList.map((id) => id.trim()).filter(Boolean);
  if (adminUserIds.some((id) => !PATTERNS.adminUserId[0].test(id))) problems.push(`adminUserIds: ${PATTERNS.adminUserId[1]}`);

  const runtime = (text('lambdaRuntime') ?? 'nodejs20.x') as LambdaRuntimeName;
  if (!LAMBDA_RUNTIMES.includes(runtime)) problems.push(`lambdaRuntime: must be one of ${LAMBDA_RUNTIMES.join(', ')}`);

  const logLevel = (text('logLevel') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`logLevel: must be one of ${LOG_LEVELS.join(', ')}`);

  const logRetentionDays = integer('logRetentionDays') ?? 90;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    problems.push(`logRetentionDays: must be one of ${LOG_RETENTION_DAYS.join(', ')} (what CloudWatch Logs accepts)`);
  }

  const reservedConcurrency = integer('reservedConcurrency');
  if (reservedConcurrency !== undefined && (reservedConcurrency < 2 || reservedConcurrency > 1000)) {
    // One invocation answers Slack while another does the work: fewer than 2 would starve itself.
    problems.push('reservedConcurrency: must be between 2 and 1000');
  }

  const codePath = path.resolve(REPO_ROOT, text('codePath') ?? 'dist');

  // The same rules as src/config.ts: refuse here what the app would refuse at cold start.
  if (!chimeAccountId && !workmailOrganizationId) {
    problems.push('chimeAccountId: set chimeAccountId, workmailOrganizationId or both: with neither there is nothing to reset');
  }
  if (approvalsChannelId && adminUserIds.length === 0 && !adminUsergroupId) {
    problems.push('approvalsChannelId: license requests need admins: set adminUserIds, adminUsergroupId or both');
  }
  if (approvalsChannelId && !chimeAccountId) {
    problems.push('approvalsChannelId: license requests change Chime licenses: set chimeAccountId too');
  }

  if (problems.length > 0) throw new SettingsError(problems);
  return {
    stackName,
    codePath,
    functionName: `${stackName}-handler`,
    runtime,
    chimeAccountId,
    workmailOrganizationId,
    adminUserIds,
    adminUsergroupId,
    approvalsChannelId,
    slackTeamId,
    slackEnterpriseId,
    logLevel,
    logRetentionDays,
    reservedConcurrency,
  };
}
