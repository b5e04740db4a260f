import { Match } from 'aws-cdk-lib/assertions';
import { approvalsTable } from '../../src/approvals/approvals-table';
import { auditRecordSchema } from '../../src/audit/audit-record';
import { auditTable } from '../../src/audit/audit-table';
import { rateLimitTable } from '../../src/limits/rate-table';
import type { TableDefinition } from '../../src/storage/ensure-table';
import { AUDIT_ATTRIBUTES } from '../../infra/lib/latchkey-stack';
import {
  allPolicyStatements,
  CHIME_ACCOUNT,
  FULL_CONTEXT,
  logicalIdOf,
  ofType,
  roleStatements,
  secretLookingValues,
  synth,
  wildcardActions,
  WORKMAIL_ORG,
  type Statement,
  type Synthesized,
} from './support';

/** One synthesis for the whole file, every feature on. */
let s: Synthesized;
let statements: Statement[];
let ids: { audit: string; approvals: string; rateLimit: string; signing: string; botToken: string; logs: string; fn: string; role: string };

beforeAll(() => {
  s = synth(FULL_CONTEXT);
  const table = (ttl: string, gsi: boolean, sk = true) =>
    logicalIdOf(s.json, 'AWS::DynamoDB::Table', (p) =>
      p.TimeToLiveSpecification?.AttributeName === ttl && Boolean(p.GlobalSecondaryIndexes) === gsi && (p.KeySchema.length === 2) === sk,
    );
  const secret = (word: string) => logicalIdOf(s.json, 'AWS::SecretsManager::Secret', (p) => String(p.Description).includes(word));
  ids = {
    audit: table('expiresAt', true),
    approvals: table('purgeAt', false),
    rateLimit: table('expiresAt', false, false),
    signing: secret('signing secret'),
    botToken: secret('bot token'),
    logs: logicalIdOf(s.json, 'AWS::Logs::LogGroup'),
    fn: logicalIdOf(s.json, 'AWS::Lambda::Function'),
    role: logicalIdOf(s.json, 'AWS::IAM::Role'),
  };
  statements = roleStatements(s.json, ids.role);
});

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const bySid = (sid: string) => {
  const found = statements.filter((st) => st.Sid === sid);
  if (found.length !== 1) throw new Error(`expected one statement ${sid}, found ${found.length}`);
  return found[0]!;
};
const env = () => s.json.Resources[ids.fn]!.Properties.Environment.Variables as Record<string, unknown>;

describe('DynamoDB tables', () => {
  test('there are exactly three, all on-demand, PITR, encrypted with KMS, TTL on, deletion-protected and retained', () => {
    const tables = ofType(s.json, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(3);
    for (const t of tables) {
      expect(t.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(t.Properties.ProvisionedThroughput).toBeUndefined();
      expect(t.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      // SSEEnabled with no SSEType is KMS with the AWS managed key aws/dynamodb.
      expect(t.Properties.SSESpecification).toEqual({ SSEEnabled: true });
      expect(t.Properties.TimeToLiveSpecification.Enabled).toBe(true);
      expect(t.Properties.DeletionProtectionEnabled).toBe(true);
      expect(t.Properties.TableName).toBeUndefined();
      expect(t.DeletionPolicy).toBe('Retain');
      expect(t.UpdateReplacePolicy).toBe('Retain');
    }
  });

  test.each([
    ['audit', () => auditTable('x')],
    ['approvals', () => approvalsTable('x')],
    ['rateLimit', () => rateLimitTable('x')],
  ] as const)('the %s table has the keys, index and TTL attribute the app defines in src/', (name, definition) => {
    const app: TableDefinition = definition();
    const props = s.json.Resources[ids[name]]!.Properties;
    expect(props.KeySchema).toEqual(app.create.KeySchema);
    expect(new Set(props.AttributeDefinitions.map(JSON.stringify))).toEqual(new Set(app.create.AttributeDefinitions!.map((a) => JSON.stringify(a))));
    expect(props.TimeToLiveSpecification.AttributeName).toBe(app.ttlAttribute);
    expect(props.GlobalSecondaryIndexes ?? []).toEqual(app.create.GlobalSecondaryIndexes ?? []);
  });

  test('the audit table has the by-day index on day + sk, projecting everything', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by-day',
          KeySchema: [
            { AttributeName: 'day', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('Lambda function', () => {
  test('Node.js 20 on arm64, lambda.handler, 512 MB, 30 s, the explicit name, its own log group', () => {
    const props = s.json.Resources[ids.fn]!.Properties;
    expect(props).toMatchObject({
      Runtime: 'nodejs20.x',
      Architectures: ['arm64'],
      Handler: 'lambda.handler',
      MemorySize: 512,
      Timeout: 30,
      FunctionName: 'Latchkey-handler',
      ReservedConcurrentExecutions: 20,
      LoggingConfig: { LogGroup: { Ref: ids.logs } },
    });
    expect(props.Role).toEqual(arnOf(ids.role));
  });

  test('asynchronous self-invocations are not retried and expire after five minutes', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.fn },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 300,
    });
  });

  test('the environment holds exactly the documented variables', () => {
    expect(Object.keys(env()).sort()).toEqual(
      [
        'ADMIN_USERGROUP_ID',
        'ADMIN_USER_IDS',
        'APPROVALS_CHANNEL_ID',
        'APPROVALS_TABLE_NAME',
        'AUDIT_TABLE_NAME',
        'CHIME_ACCOUNT_ID',
        'LOG_LEVEL',
        'RATE_LIMIT_TABLE_NAME',
        'SLACK_BOT_TOKEN_ARN',
        'SLACK_SIGNING_SECRET_ARN',
        'SLACK_TEAM_ID',
        'WORKMAIL_ORGANIZATION_ID',
      ].sort(),
    );
    expect(env()).toEqual({
      AUDIT_TABLE_NAME: { Ref: ids.audit },
      APPROVALS_TABLE_NAME: { Ref: ids.approvals },
      RATE_LIMIT_TABLE_NAME: { Ref: ids.rateLimit },
      SLACK_SIGNING_SECRET_ARN: { Ref: ids.signing },
      SLACK_BOT_TOKEN_ARN: { Ref: ids.botToken },
      LOG_LEVEL: 'debug',
      CHIME_ACCOUNT_ID: CHIME_ACCOUNT,
      WORKMAIL_ORGANIZATION_ID: WORKMAIL_ORG,
      ADMIN_USER_IDS: 'U0ADMIN1,U0ADMIN2',
      ADMIN_USERGROUP_ID: 'S0ADMINS',
      APPROVALS_CHANNEL_ID: 'C0APPROVALS',
      SLACK_TEAM_ID: 'T0LATCHKEY',
    });
  });

  test('no Slack secret is in the environment: no SLACK_SIGNING_SECRET/SLACK_BOT_TOKEN key, no token-looking value', () => {
    expect(env()).not.toHaveProperty('SLACK_SIGNING_SECRET');
    expect(env()).not.toHaveProperty('SLACK_BOT_TOKEN');
    expect(secretLookingValues(env())).toEqual([]);
    // Nowhere else in the template either.
    expect(JSON.stringify(s.json)).not.toMatch(/xox[abposr]-|xapp-/);
  });

  test('the secret detector itself catches a leaked token or a plain secret variable', () => {
    expect(secretLookingValues({ SLACK_BOT_TOKEN: { Ref: 'x' } })).toEqual(['SLACK_BOT_TOKEN']);
    expect(secretLookingValues({ SOMETHING: 'xoxb-123-456' })).toEqual(['SOMETHING']);
    expect(secretLookingValues({ SLACK_BOT_TOKEN_ARN: { Ref: 'x' } })).toEqual([]);
  });
});

describe('secrets and logs', () => {
  test('two Secrets Manager secrets, created with a generated placeholder (no value in the template), retained', () => {
    const secrets = ofType(s.json, 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) {
      expect(secret.Properties.SecretString).toBeUndefined();
      expect(secret.Properties.GenerateSecretString).toEqual({});
      expect(secret.DeletionPolicy).toBe('Retain');
    }
  });

  test('the log group keeps 90 days by default', () => {
    s.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });
});

describe('function URL', () => {
  test('auth NONE (Slack signs requests), with the permissions Lambda requires for a public URL and nothing else', () => {
    s.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: arnOf(ids.fn) });
    const permissions = ofType(s.json, 'AWS::Lambda::Permission').map((p) => p.Properties);
    expect(permissions).toHaveLength(2);
    expect(permissions).toEqual(
      expect.arrayContaining([
        { Action: 'lambda:InvokeFunctionUrl', FunctionName: arnOf(ids.fn), FunctionUrlAuthType: 'NONE', Principal: '*' },
        { Action: 'lambda:InvokeFunction', FunctionName: arnOf(ids.fn), InvokedViaFunctionUrl: true, Principal: '*' },
      ]),
    );
  });

  test('outputs the function URL and the Slack request URL', () => {
    s.template.hasOutput('FunctionUrl', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'FunctionUrl'] } });
    s.template.hasOutput('SlackRequestUrl', {
      Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.anyValue(), 'FunctionUrl'] }, 'slack/events']] },
    });
    for (const name of ['SlackSigningSecretArn', 'SlackBotTokenArn', 'AuditTableName', 'FunctionName', 'LogGroupName']) {
      s.template.hasOutput(name, {});
    }
  });
});

describe('IAM: the function role', () => {
  test('no managed policies, trusted by Lambda only', () => {
    const role = s.json.Resources[ids.role]!.Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
  });

  test('exactly these statements, each with exactly these actions', () => {
    const actions = Object.fromEntries(statements.map((st) => [`${st.Effect} ${st.Sid}`, st.Action]));
    expect(actions).toEqual({
      'Allow WriteOwnLogs': ['logs:CreateLogStream', 'logs:PutLogEvents'],
      'Allow ReadSecrets': ['secretsmanager:GetSecretValue'],
      'Allow AppendAuditRecords': ['dynamodb:PutItem'],
      'Deny NeverRewriteAuditRecords': [
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:PartiQLUpdate',
        'dynamodb:PartiQLDelete',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:DeleteTable',
      ],
      'Allow LicenseRequests': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'Allow RateLimits': ['dynamodb:UpdateItem'],
      'Allow ChimeUsers': ['chime:ListUsers', 'chime:ResetPersonalPIN'],
      'Allow ChimeLicenses': ['chime:GetUser', 'chime:UpdateUser'],
      'Allow WorkMailUsers': ['workmail:ListUsers', 'workmail:ResetPassword'],
      'Allow InvokeSelf': ['lambda:InvokeFunction'],
    });
    expect(statements).toHaveLength(10);
  });

  test('each statement on the narrowest resource', () => {
    const resources = Object.fromEntries(statements.map((st) => [st.Sid, st.Resource]));
    expect(resources).toEqual({
      WriteOwnLogs: [arnOf(ids.logs)],
      ReadSecrets: [{ Ref: ids.signing }, { Ref: ids.botToken }],
      AppendAuditRecords: [arnOf(ids.audit)],
      NeverRewriteAuditRecords: [arnOf(ids.audit)],
      LicenseRequests: [arnOf(ids.approvals)],
      RateLimits: [arnOf(ids.rateLimit)],
      ChimeUsers: ['*'],
      ChimeLicenses: ['*'],
      WorkMailUsers: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':workmail:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:organization/${WORKMAIL_ORG}`],
          ],
        },
      ],
      InvokeSelf: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':function:Latchkey-handler'],
          ],
        },
      ],
    });
  });

  test('"*" as a resource appears only for Chime, which has no resource-level permissions', () => {
    expect(statements.filter((st) => st.Resource.includes('*')).map((st) => st.Sid)).toEqual(['ChimeUsers', 'ChimeLicenses']);
  });

  test('self-invocation is built from the function name, so the role does not depend on the function', () => {
    expect(JSON.stringify(bySid('InvokeSelf'))).not.toContain(ids.fn);
    expect(s.json.Resources[ids.fn]!.Properties.FunctionName).toBe('Latchkey-handler');
  });

  test('no action anywhere in the template is "*" or a pattern', () => {
    const all = allPolicyStatements(s.json);
    expect(all.length).toBeGreaterThanOrEqual(statements.length);
    expect(wildcardActions(all)).toEqual([]);
    expect(all.some(({ statement }) => statement.NotAction !== undefined || statement.NotResource !== undefined)).toBe(false);
  });

  test('the wildcard detector itself catches "*", "service:*" and partial patterns', () => {
    const found = wildcardActions([
      { statement: { Action: '*' } },
      { statement: { Action: ['s3:GetObject', 'dynamodb:*'] } },
      { statement: { Action: 'dynamodb:Get*' } },
      { statement: { NotAction: 'iam:Pass?ole' } },
    ]);
    expect(found).toEqual(['*', 'dynamodb:*', 'dynamodb:Get*', 'iam:Pass?ole']);
  });
});

describe('IAM: the audit table is append-only for the app', () => {
  test('PutItem only with audit-shaped items: known attributes, ACTOR# partitions, no ALL_OLD read-back', () => {
    expect(bySid('AppendAuditRecords').Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...AUDIT_ATTRIBUTES] },
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACTOR#*'] },
      StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
    });
  });

  test('the allowed attributes are exactly the audit record schema (a new field needs a deliberate IAM change)', () => {
    expect([...AUDIT_ATTRIBUTES].sort()).toEqual(Object.keys(auditRecordSchema.shape).sort());
  });

  test('the allowed attributes include the table and index key attributes, as DynamoDB requires', () => {
    for (const key of ['pk', 'sk', 'day']) expect(AUDIT_ATTRIBUTES).toContain(key);
  });

  test('no Allow statement lets the role update, delete or batch-write on the audit table', () => {
    const onAudit = statements.filter((st) => st.Effect === 'Allow' && JSON.stringify(st.Resource).includes(ids.audit));
    const writes = onAudit.flatMap((st) => st.Action).filter((a) => a !== 'dynamodb:PutItem');
    expect(writes).toEqual([]);
    expect(onAudit.filter((st) => st.Action.includes('dynamodb:PutItem')).every((st) => st.Condition !== undefined)).toBe(true);
  });

  test('and an explicit Deny covers every other way to change or remove a record', () => {
    const deny = bySid('NeverRewriteAuditRecords');
    expect(deny.Effect).toBe('Deny');
    expect(deny.Condition).toBeUndefined();
    for (const action of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) expect(deny.Action).toContain(action);
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('synthesis passed validation: no unacknowledged error', () => {
    expect(s.validationError?.message).toBeUndefined();
  });

  test('no unacknowledged AwsSolutions finding of any severity', () => {
    const nag = s.report?.pluginReports.filter((r) => r.pluginName === 'AwsSolutions') ?? [];
    expect(nag.flatMap((r) => r.violations.map((v) => `${v.severity} ${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`))).toEqual([]);
  });

  test('the only other finding is the CloudFormation Node.js 20 deprecation warning, left visible on purpose', () => {
    const others = s.report?.pluginReports.filter((r) => r.pluginName !== 'AwsSolutions') ?? [];
    expect(others.flatMap((r) => r.violations.map((v) => `${v.severity} ${v.ruleName}`))).toEqual(['warning W2531']);
    expect(others.flatMap((r) => r.violations.map((v) => v.description)).join()).toMatch(/nodejs20\.x/);
  });

  test('exactly these findings are acknowledged, each where it arises and with a reason', () => {
    expect(s.acknowledgments.map((a) => `${a.path} ${a.id}`).sort()).toEqual(
      [
        'Latchkey/Handler AwsSolutions::AwsSolutions-L1',
        'Latchkey/HandlerRole AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        'Latchkey/SlackBotToken AwsSolutions::AwsSolutions-SMG4',
        'Latchkey/SlackSigningSecret AwsSolutions::AwsSolutions-SMG4',
      ].sort(),
    );
    for (const a of s.acknowledgments) expect(a.reason.length).toBeGreaterThan(80);
  });
});
