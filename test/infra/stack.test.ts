import { Match } from 'aws-cdk-lib/assertions';
import { approvalsTable } from '../../src/approvals/approvals-table';
import { auditRecordSchema } from '../../src/audit/audit-record';
import { WRITE_TOKEN_ATTRIBUTE } from '../../src/storage/write-token';
import { auditTable } from '../../src/audit/audit-table';
import { METRIC_NAMES } from '../../src/flows/ports';
import { rateLimitTable } from '../../src/limits/rate-table';
import type { TableDefinition } from '../../src/storage/ensure-table';
import { AUDIT_ATTRIBUTES } from '../../infra/lib/latchkey-stack';
import { failedWorkMaxAgeMs } from '../../src/lambda/work-order';
import { CREDENTIALS } from '../../src/credentials';
import {
  allPolicyStatements,
  CREDENTIAL_SECRETS,
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
let ids: {
  audit: string;
  approvals: string;
  rateLimit: string;
  signing: string;
  botToken: string;
  logs: string;
  fn: string;
  role: string;
  failedWork: string;
  deadLetters: string;
  topic: string;
  key: string;
};

beforeAll(() => {
  s = synth(FULL_CONTEXT);
  const table = (ttl: string, gsi: boolean, sk = true) =>
    logicalIdOf(s.json, 'AWS::DynamoDB::Table', (p) =>
      p.TimeToLiveSpecification?.AttributeName === ttl && Boolean(p.GlobalSecondaryIndexes) === gsi && (p.KeySchema.length === 2) === sk,
    );
  const secret = (word: string) => logicalIdOf(s.json, 'AWS::SecretsManager::Secret', (p) => String(p.Description).includes(word));
  ids = {
    audit: table('expiresAt', true),
    approvals: table('purgeAt', true),
    rateLimit: table('expiresAt', false, false),
    signing: secret('signing secret'),
    botToken: secret('bot token'),
    logs: logicalIdOf(s.json, 'AWS::Logs::LogGroup'),
    fn: logicalIdOf(s.json, 'AWS::Lambda::Function'),
    role: logicalIdOf(s.json, 'AWS::IAM::Role'),
    failedWork: logicalIdOf(s.json, 'AWS::SQS::Queue', (p) => p.RedrivePolicy !== undefined),
    deadLetters: logicalIdOf(s.json, 'AWS::SQS::Queue', (p) => p.RedrivePolicy === undefined),
    topic: logicalIdOf(s.json, 'AWS::SNS::Topic'),
    key: logicalIdOf(s.json, 'AWS::KMS::Key'),
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

/**
 * What every credential of the registry puts in the environment: its settings given as context (by
 * their examples, FULL_CONTEXT), and for each secret the ARN of a secret of its own.
 */
const credentialEnv = (): Record<string, unknown> =>
  Object.fromEntries(
    CREDENTIALS.flatMap((c) =>
      Object.entries(c.settings.variables).flatMap(([variable, setting]): [string, unknown][] => {
        if (setting.secret) {
          const id = logicalIdOf(s.json, 'AWS::SecretsManager::Secret', (p) => p.Description === `Latchkey: ${setting.secret!.description}`);
          return [[`${variable}_ARN`, { Ref: id }]];
        }
        const given = setting.context ? (FULL_CONTEXT as Record<string, string>)[setting.context] : undefined;
        return given === undefined ? [] : [[variable, given]];
      }),
    ),
  );

describe('DynamoDB tables', () => {
  test('the approvals table has the by-list index on list + createdAt, for the review queue and each person\'s requests', () => {
    expect(s.json.Resources[ids.approvals]!.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'by-list',
        KeySchema: [
          { AttributeName: 'list', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
  });

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
  test("Node.js 24 on arm64, lambda.handler, 512 MB, the time the credentials' changes need (51 s with Entra's and Google's), the explicit name, its own log group, the reserved concurrency asked for", () => {
    const props = s.json.Resources[ids.fn]!.Properties;
    expect(props).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'lambda.handler',
      MemorySize: 512,
      Timeout: 51,
      FunctionName: 'Latchkey-handler',
      ReservedConcurrentExecutions: 20,
      LoggingConfig: { LogGroup: { Ref: ids.logs } },
    });
    expect(props.Role).toEqual(arnOf(ids.role));
  });

  test('asynchronous self-invocations are not retried, expire after five minutes, and on failure go to FailedWork', () => {
    expect(ofType(s.json, 'AWS::Lambda::EventInvokeConfig').map((r) => r.Properties)).toEqual([
      {
        FunctionName: { Ref: ids.fn },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 300,
        DestinationConfig: { OnFailure: { Destination: arnOf(ids.failedWork) } },
      },
    ]);
  });

  test('the function reads FailedWork one record at a time (each record is one person to tell)', () => {
    expect(ofType(s.json, 'AWS::Lambda::EventSourceMapping').map((r) => r.Properties)).toEqual([
      { FunctionName: { Ref: ids.fn }, EventSourceArn: arnOf(ids.failedWork), BatchSize: 1 },
    ]);
  });

  test('the function is created after its role policy, so the destination and the mapping find their permissions', () => {
    const policy = logicalIdOf(s.json, 'AWS::IAM::Policy', (p) => p.Roles?.some((r: any) => r.Ref === ids.role));
    expect(s.json.Resources[ids.fn]!.DependsOn).toContain(policy);
  });

  test('the environment holds exactly the documented variables', () => {
    expect(Object.keys(env()).sort()).toEqual(
      [
        'ADMIN_USERGROUP_ID',
        'ADMIN_USER_IDS',
        'APPROVALS_CHANNEL_ID',
        'APPROVALS_TABLE_NAME',
        'AUDIT_TABLE_NAME',
        'LOG_LEVEL',
        'RATE_LIMIT_TABLE_NAME',
        'SLACK_BOT_TOKEN_ARN',
        'SLACK_SIGNING_SECRET_ARN',
        'SLACK_TEAM_ID',
        ...Object.keys(credentialEnv()),
      ].sort(),
    );
    expect(env()).toEqual({
      ...credentialEnv(),
      AUDIT_TABLE_NAME: { Ref: ids.audit },
      APPROVALS_TABLE_NAME: { Ref: ids.approvals },
      RATE_LIMIT_TABLE_NAME: { Ref: ids.rateLimit },
      SLACK_SIGNING_SECRET_ARN: { Ref: ids.signing },
      SLACK_BOT_TOKEN_ARN: { Ref: ids.botToken },
      LOG_LEVEL: 'debug',
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
  test("Slack's two secrets and every credential's own, created with a generated placeholder (no value in the template), retained", () => {
    const secrets = ofType(s.json, 'AWS::SecretsManager::Secret');
    expect(CREDENTIAL_SECRETS.length).toBeGreaterThan(0);
    expect(secrets).toHaveLength(2 + CREDENTIAL_SECRETS.length);
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
      'Allow PendingRequests': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'Allow ReadAuditForHomeTab': ['dynamodb:Query'],
      'Allow ReadApprovals': ['dynamodb:Query'],
      'Allow RateLimits': ['dynamodb:UpdateItem'],
      'Allow SetupCheckTables': ['dynamodb:DescribeTable'],
      'Allow ChimeUsers': ['chime:ListUsers', 'chime:ResetPersonalPIN'],
      'Allow ChimeLicenses': ['chime:GetUser', 'chime:UpdateUser'],
      'Allow WorkMailUsers': ['workmail:ListUsers', 'workmail:ResetPassword'],
      'Allow InvokeSelf': ['lambda:InvokeFunction'],
      'Allow SendFailedWork': ['sqs:SendMessage'],
      'Allow ReadFailedWork': ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    });
    expect(statements).toHaveLength(15);
  });

  test('each statement on the narrowest resource', () => {
    const resources = Object.fromEntries(statements.map((st) => [st.Sid, st.Resource]));
    expect(resources).toEqual({
      WriteOwnLogs: [arnOf(ids.logs)],
      ReadSecrets: [{ Ref: ids.signing }, { Ref: ids.botToken }, ...CREDENTIAL_SECRETS.map((v) => credentialEnv()[`${v}_ARN`])],
      AppendAuditRecords: [arnOf(ids.audit)],
      NeverRewriteAuditRecords: [arnOf(ids.audit)],
      PendingRequests: [arnOf(ids.approvals)],
      ReadAuditForHomeTab: [arnOf(ids.audit), { 'Fn::Join': ['', [arnOf(ids.audit), '/index/by-day']] }],
      ReadApprovals: [arnOf(ids.approvals), { 'Fn::Join': ['', [arnOf(ids.approvals), '/index/by-list']] }],
      RateLimits: [arnOf(ids.rateLimit)],
      SetupCheckTables: [arnOf(ids.audit), arnOf(ids.approvals), arnOf(ids.rateLimit)],
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
      SendFailedWork: [arnOf(ids.failedWork)],
      ReadFailedWork: [arnOf(ids.failedWork)],
    });
  });

  test('"*" as a resource appears only for Chime, which has no resource-level permissions', () => {
    expect(statements.filter((st) => st.Resource.includes('*')).map((st) => st.Sid)).toEqual(['ChimeUsers', 'ChimeLicenses']);
  });

  test('self-invocation is built from the function name, so the role does not depend on the function', () => {
    expect(JSON.stringify(bySid('InvokeSelf'))).not.toContain(ids.fn);
    expect(s.json.Resources[ids.fn]!.Properties.FunctionName).toBe('Latchkey-handler');
  });

  test('no action the template allows is "*" or a pattern, but for the alerts key\'s policy as KMS and CloudWatch document it', () => {
    const all = allPolicyStatements(s.json);
    expect(all.length).toBeGreaterThanOrEqual(statements.length);
    const allowed = all.filter(({ statement }) => statement.Effect === 'Allow');
    // The key policy's first statement is KMS's default (the account administers its own key, or
    // nobody could); CloudWatch needs GenerateDataKey* to publish alarms to an encrypted topic.
    expect(wildcardActions(allowed.filter(({ resource }) => resource !== ids.key))).toEqual([]);
    expect(
      allowed.filter(({ resource }) => resource === ids.key).map(({ statement }) => [statement.Principal, statement.Action]),
    ).toEqual([
      [{ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } }, 'kms:*'],
      [{ Service: 'cloudwatch.amazonaws.com' }, ['kms:Decrypt', 'kms:GenerateDataKey*']],
    ]);
    expect(all.some(({ statement }) => statement.NotAction !== undefined || statement.NotResource !== undefined)).toBe(false);
  });

  test('the wildcards denied are the queues\' and topic\'s refusal of unencrypted transport, and nothing else', () => {
    const denied = allPolicyStatements(s.json).filter(({ statement }) => statement.Effect === 'Deny' && statement.Sid !== 'NeverRewriteAuditRecords');
    expect(denied.length).toBe(3);
    for (const { statement } of denied) expect(statement.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
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

  test("the allowed attributes are exactly the audit record schema and the put's own token (a new field needs a deliberate IAM change)", () => {
    expect([...AUDIT_ATTRIBUTES].sort()).toEqual([...Object.keys(auditRecordSchema.shape), WRITE_TOKEN_ATTRIBUTE].sort());
  });

  test('the allowed attributes include the table and index key attributes, as DynamoDB requires', () => {
    for (const key of ['pk', 'sk', 'day']) expect(AUDIT_ATTRIBUTES).toContain(key);
  });

  test('no Allow statement lets the role update, delete or batch-write on the audit table', () => {
    const onAudit = statements.filter((st) => st.Effect === 'Allow' && JSON.stringify(st.Resource).includes(ids.audit));
    // Query and DescribeTable only read (the Home tab, its Setup check); PutItem is the one write.
    const writes = onAudit.flatMap((st) => st.Action).filter((a) => !['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DescribeTable'].includes(a));
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

  test('no other plugin finds anything either (the runtime deprecation warning went with Node.js 20)', () => {
    const others = s.report?.pluginReports.filter((r) => r.pluginName !== 'AwsSolutions') ?? [];
    expect(others.flatMap((r) => r.violations.map((v) => `${v.severity} ${v.ruleName}`))).toEqual([]);
  });

  test('exactly these findings are acknowledged, each where it arises and with a reason', () => {
    expect(s.acknowledgments.map((a) => `${a.path} ${a.id}`).sort()).toEqual(
      [
        'Latchkey/HandlerRole AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        'Latchkey/SlackBotToken AwsSolutions::AwsSolutions-SMG4',
        'Latchkey/SlackSigningSecret AwsSolutions::AwsSolutions-SMG4',
        // Each credential's secret, rotated by hand at its issuer like Slack's.
        ...CREDENTIAL_SECRETS.map((v) => `Latchkey/Secret${v.toLowerCase().replace(/(^|_)([a-z0-9])/g, (_m, _s, c: string) => c.toUpperCase())} AwsSolutions::AwsSolutions-SMG4`),
      ].sort(),
    );
    for (const a of s.acknowledgments) expect(a.reason.length).toBeGreaterThan(80);
  });
});

describe('failed work: nobody is left at "checking…"', () => {
  const queue = (id: string) => s.json.Resources[id]!.Properties;

  test('two queues, both encrypted by SQS, kept 14 days; FailedWork hands a record to its dead letters after three tries', () => {
    expect(ofType(s.json, 'AWS::SQS::Queue')).toHaveLength(2);
    for (const id of [ids.failedWork, ids.deadLetters]) {
      expect(queue(id)).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    }
    expect(queue(ids.failedWork).RedrivePolicy).toEqual({ deadLetterTargetArn: arnOf(ids.deadLetters), maxReceiveCount: 3 });
    // Longer than an invocation may run (51 s), so a record being handled is not handed out twice.
    expect(queue(ids.failedWork).VisibilityTimeout).toBe(102);
  });

  test('a failed work order comes back no later than the function still tells its person, and that window is no more than a minute longer', () => {
    const timeoutS = s.json.Resources[ids.fn]!.Properties.Timeout as number;
    const eventAgeS = ofType(s.json, 'AWS::Lambda::EventInvokeConfig')[0]!.Properties.MaximumEventAgeInSeconds as number;
    const { VisibilityTimeout, RedrivePolicy } = queue(ids.failedWork);
    // The event's age, the worker's run, each receive but the last hidden for the visibility timeout, the last one's run.
    const latestS = eventAgeS + timeoutS + (RedrivePolicy.maxReceiveCount - 1) * VisibilityTimeout + timeoutS;
    expect(failedWorkMaxAgeMs(timeoutS)).toBeGreaterThanOrEqual(latestS * 1000);
    expect(failedWorkMaxAgeMs(timeoutS)).toBeLessThanOrEqual(latestS * 1000 + 60_000);
  });

  test('both queues refuse unencrypted transport', () => {
    for (const id of [ids.failedWork, ids.deadLetters]) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
        },
      });
    }
  });
});

describe('alerts that reach a person', () => {
  const alarms = () => ofType(s.json, 'AWS::CloudWatch::Alarm').map((a) => a.Properties);
  const alarmOn = (metricName: string) => {
    const found = alarms().filter((a) => a.MetricName === metricName);
    if (found.length !== 1) throw new Error(`expected one alarm on ${metricName}, found ${found.length}`);
    return found[0];
  };

  test('one SNS topic, encrypted with a rotated customer managed key (CloudWatch cannot publish with aws/sns), TLS only', () => {
    expect(ofType(s.json, 'AWS::SNS::Topic')).toHaveLength(1);
    expect(s.json.Resources[ids.topic]!.Properties.KmsMasterKeyId).toEqual(arnOf(ids.key));
    expect(s.json.Resources[ids.key]!.Properties.EnableKeyRotation).toBe(true);
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: ids.topic }],
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('-c alarmEmail subscribes that address, and the topic is an output for other subscribers', () => {
    expect(ofType(s.json, 'AWS::SNS::Subscription').map((r) => r.Properties)).toEqual([
      { Protocol: 'email', Endpoint: 'it-oncall@acme.example', TopicArn: { Ref: ids.topic } },
    ]);
    s.template.hasOutput('AlertsTopicArn', { Value: { Ref: ids.topic } });
    s.template.hasOutput('DashboardName', {});
    // With a subscriber the synth has nothing to warn of.
    expect(s.warnings).toEqual([]);
  });

  test('metric filters count the alert: true lines, the fatal lines and the rejected pushes in the function\'s log group', () => {
    const filters = ofType(s.json, 'AWS::Logs::MetricFilter').map((r) => r.Properties);
    expect(filters.map((f) => [f.FilterPattern, f.MetricTransformations[0].MetricName]).sort()).toEqual(
      [
        ['{ $.alert IS TRUE }', 'Alerts'],
        ['{ $.level = "fatal" }', 'Fatal'],
        ['{ $.securityEvent = "push_rejected" }', 'PushRejected'],
      ].sort(),
    );
    for (const f of filters) {
      expect(f.LogGroupName).toEqual({ Ref: ids.logs });
      expect(f.MetricTransformations[0]).toMatchObject({ MetricNamespace: 'Latchkey/Logs', MetricValue: '1', DefaultValue: 0 });
    }
  });

  test('eight alarms, each on one occurrence in five minutes, quiet hours fine, each notifying the topic', () => {
    expect(alarms()).toHaveLength(8);
    for (const a of alarms()) {
      expect(a).toMatchObject({
        Threshold: 1,
        EvaluationPeriods: 1,
        Period: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: ids.topic }],
      });
      expect(a.AlarmDescription.length).toBeGreaterThan(30);
    }
  });

  test('on the log lines, the function\'s Errors, Throttles and AsyncEventsDropped, and both queues', () => {
    const fnDimension = [{ Name: 'FunctionName', Value: { Ref: ids.fn } }];
    const queueDimension = (id: string) => [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }];
    expect(alarmOn('Alerts')).toMatchObject({ Namespace: 'Latchkey/Logs', Statistic: 'Sum' });
    expect(alarmOn('Fatal')).toMatchObject({ Namespace: 'Latchkey/Logs', Statistic: 'Sum' });
    // A rejected push is a security event with an alarm of its own, not one of the alert: true faults.
    expect(alarmOn('PushRejected')).toMatchObject({ Namespace: 'Latchkey/Logs', Statistic: 'Sum' });
    expect(alarmOn('PushRejected').AlarmDescription).toMatch(/Slack session/);
    for (const name of ['Errors', 'Throttles', 'AsyncEventsDropped']) {
      expect(alarmOn(name)).toMatchObject({ Namespace: 'AWS/Lambda', Dimensions: fnDimension, Statistic: 'Sum' });
    }
    expect(alarmOn('NumberOfMessagesSent')).toMatchObject({ Namespace: 'AWS/SQS', Dimensions: queueDimension(ids.failedWork) });
    expect(alarmOn('ApproximateNumberOfMessagesVisible')).toMatchObject({ Namespace: 'AWS/SQS', Dimensions: queueDimension(ids.deadLetters), Statistic: 'Maximum' });
  });

  test('a dashboard graphs every metric the app emits, and shows every alarm', () => {
    const dashboards = ofType(s.json, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const name of METRIC_NAMES) expect(body).toMatch(new RegExp(`SEARCH\\('\\{Latchkey,service[a-z,]*\\} MetricName=\\W*${name}\\W`));
    for (const id of Object.keys(s.json.Resources).filter((k) => s.json.Resources[k]!.Type === 'AWS::CloudWatch::Alarm')) expect(body).toContain(id);
  });
});

describe('the region', () => {
  test("a deploy to a region Amazon WorkMail is not offered in is refused by CloudFormation before anything is made, saying where to deploy (the function calls WorkMail in its own region: deployed elsewhere, every /reset-password failed); without WorkMail, any region", () => {
    const rules = (json: unknown) => (json as { Rules?: Record<string, { Assertions: { Assert: unknown; AssertDescription: string }[] }> }).Rules ?? {};
    expect(Object.values(rules(s.json)).flatMap((r) => r.Assertions)).toContainEqual({
      Assert: { 'Fn::Contains': [['us-east-1', 'us-west-2', 'eu-west-1'], { Ref: 'AWS::Region' }] },
      AssertDescription:
        "Amazon WorkMail is offered only in us-east-1, us-west-2, eu-west-1, and Latchkey calls it in the stack's own region: deploy the stack to your organization's region (AWS_REGION=… or --profile with cdk deploy)",
    });
    const { workmailOrganizationId: _off, ...withoutWorkMail } = FULL_CONTEXT;
    const other = synth(withoutWorkMail);
    expect(JSON.stringify(rules(other.json))).not.toContain('AWS::Region');
  });
});
