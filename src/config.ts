import { z } from 'zod';
import type { Workspace } from './flows/workspace';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Letters, digits and symbols that are hard to misread (no 0/O, 1/l/I) and safe to paste. */
export const DEFAULT_PASSWORD_SYMBOLS = '!#$%*+-=?@^_';

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * The whole environment, in one place. Every variable the app reads is here; AWS credentials,
 * region and endpoints (AWS_ENDPOINT_URL_*) are left to the SDK's standard sources.
 */
const envSchema = z
  .object({
    PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3000),
    SLACK_SIGNING_SECRET: z.string({ message: 'is required' }).min(16, 'looks too short for a Slack signing secret'),
    SLACK_BOT_TOKEN: z.string({ message: 'is required' }).startsWith('xoxb-', 'must be a bot token (xoxb-…)'),
    SLACK_APP_TOKEN: optional(z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)')),
    SLACK_API_URL: z.url({ message: 'must be a URL' }).default('https://slack.com/api/'),
    SLACK_API_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
    SLACK_TEAM_ID: z
      .string({ message: 'is required: the ID of the Slack workspace Latchkey serves, such as T0123ABCD' })
      .refine((v) => !/^E[A-Z0-9]{2,}$/.test(v), 'is an Enterprise Grid org ID (E…): put it in SLACK_ENTERPRISE_ID, and the workspace ID (T…) here')
      .pipe(z.string().regex(/^T[A-Z0-9]{2,}$/, 'must be a Slack workspace ID such as T0123ABCD')),
    SLACK_ENTERPRISE_ID: optional(z.string().regex(/^E[A-Z0-9]{2,}$/, 'must be an Enterprise Grid org ID such as E0123ABCD')),
    CHIME_ACCOUNT_ID: optional(z.uuid({ message: 'must be a Chime account ID (a UUID)' })),
    WORKMAIL_ORGANIZATION_ID: optional(
      z.string().regex(/^m-[0-9a-f]{32}$/, 'must be a WorkMail organization ID: m- followed by 32 hex digits'),
    ),
    PASSWORD_LENGTH: z.coerce.number().int().min(16, 'must be at least 16').max(64, 'must be at most 64').default(20),
    PASSWORD_SYMBOLS: z
      .string()
      .regex(/^[!-/:-@[-`{-~]{4,32}$/, 'must be 4 to 32 ASCII punctuation characters')
      .default(DEFAULT_PASSWORD_SYMBOLS),
    APPROVALS_CHANNEL_ID: optional(z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel ID such as C0123ABCD')),
    ADMIN_USER_IDS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((id) => id.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must list Slack user IDs such as U0123ABCD, comma-separated'))),
    ADMIN_USERGROUP_ID: optional(z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group ID such as S0123ABCD')),
    LICENSE_REQUEST_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
    APPROVALS_TABLE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')
      .default('latchkey-approvals'),
    RESET_MAX_PER_HOUR: z.coerce.number().int().min(1).max(100).default(3),
    RESET_MAX_PER_MINUTE_GLOBAL: optional(z.coerce.number().int().min(1).max(100_000)),
    LICENSE_REQUEST_MAX_PER_DAY: z.coerce.number().int().min(1).max(100).default(5),
    RATE_LIMIT_TABLE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')
      .default('latchkey-rate-limits'),
    AUDIT_TABLE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')
      .default('latchkey-audit'),
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
    DYNAMODB_CREATE_TABLES: flag.default(false),
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  })
  .refine((env) => env.CHIME_ACCOUNT_ID || env.WORKMAIL_ORGANIZATION_ID, {
    message: 'set CHIME_ACCOUNT_ID, WORKMAIL_ORGANIZATION_ID or both: with neither there is nothing to reset',
    path: ['CHIME_ACCOUNT_ID'],
  })
  .refine((env) => !env.APPROVALS_CHANNEL_ID || env.ADMIN_USER_IDS.length > 0 || env.ADMIN_USERGROUP_ID, {
    message: 'license requests need admins: set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both',
    path: ['APPROVALS_CHANNEL_ID'],
  })
  .refine((env) => !env.APPROVALS_CHANNEL_ID || env.CHIME_ACCOUNT_ID, {
    message: 'license requests change Chime licenses: set CHIME_ACCOUNT_ID too',
    path: ['APPROVALS_CHANNEL_ID'],
  });

export type Env = z.infer<typeof envSchema>;

export interface Config {
  readonly port: number;
  readonly slack: {
    readonly signingSecret: string;
    readonly botToken: string;
    readonly appToken?: string;
    readonly apiUrl: string;
    readonly apiRetries: number;
    /** Who may use Latchkey: this workspace, and with `enterpriseId` every workspace of that org. */
    readonly workspace: Workspace;
  };
  readonly chime?: { readonly accountId: string };
  readonly workmail?: {
    readonly organizationId: string;
    readonly passwordLength: number;
    readonly passwordSymbols: string;
  };
  /** Present when /request-license is set up: an approvals channel, admins and Chime. */
  readonly licenses?: {
    readonly approvalsChannelId: string;
    readonly adminUserIds: readonly string[];
    readonly adminUsergroupId?: string;
    readonly requestTtlHours: number;
  };
  readonly approvalsTableName: string;
  readonly limits: {
    readonly tableName: string;
    readonly resetsPerUserPerHour: number;
    readonly resetsPerMinuteGlobal?: number;
    readonly licenseRequestsPerDay: number;
  };
  readonly audit: { readonly tableName: string; readonly retentionDays: number };
  readonly createTables: boolean;
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export function loadConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
    return { ok: false, problems };
  }
  const e = parsed.data;
  return {
    ok: true,
    config: {
      port: e.PORT,
      slack: {
        signingSecret: e.SLACK_SIGNING_SECRET,
        botToken: e.SLACK_BOT_TOKEN,
        appToken: e.SLACK_APP_TOKEN,
        apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
        apiRetries: e.SLACK_API_RETRIES,
        workspace: { teamId: e.SLACK_TEAM_ID, ...(e.SLACK_ENTERPRISE_ID && { enterpriseId: e.SLACK_ENTERPRISE_ID }) },
      },
      chime: e.CHIME_ACCOUNT_ID ? { accountId: e.CHIME_ACCOUNT_ID } : undefined,
      workmail: e.WORKMAIL_ORGANIZATION_ID
        ? {
            organizationId: e.WORKMAIL_ORGANIZATION_ID,
            passwordLength: e.PASSWORD_LENGTH,
            passwordSymbols: e.PASSWORD_SYMBOLS,
          }
        : undefined,
      licenses: e.APPROVALS_CHANNEL_ID
        ? {
            approvalsChannelId: e.APPROVALS_CHANNEL_ID,
            adminUserIds: e.ADMIN_USER_IDS,
            adminUsergroupId: e.ADMIN_USERGROUP_ID,
            requestTtlHours: e.LICENSE_REQUEST_TTL_HOURS,
          }
        : undefined,
      approvalsTableName: e.APPROVALS_TABLE_NAME,
      limits: {
        tableName: e.RATE_LIMIT_TABLE_NAME,
        resetsPerUserPerHour: e.RESET_MAX_PER_HOUR,
        resetsPerMinuteGlobal: e.RESET_MAX_PER_MINUTE_GLOBAL,
        licenseRequestsPerDay: e.LICENSE_REQUEST_MAX_PER_DAY,
      },
      audit: { tableName: e.AUDIT_TABLE_NAME, retentionDays: e.AUDIT_RETENTION_DAYS },
      createTables: e.DYNAMODB_CREATE_TABLES,
      logLevel: e.LOG_LEVEL,
    },
  };
}

/** The message a person sees when the environment is wrong: every problem at once, no stack trace. */
export function describeProblems(problems: string[]): string {
  return ['Latchkey cannot start: the configuration has problems.', ...problems.map((p) => `  - ${p}`),
    'See the Configuration section of README.md.'].join('\n');
}
