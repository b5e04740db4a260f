import { PackageError, staleBundle } from './bundle';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ArnFormat, Aws, CfnOutput, CfnRule, Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BY_LIST_INDEX } from '../../src/approvals/approvals-table';
import { CLOSE_KEY_PREFIX } from '../../src/limits/rate-table';
import type { Grant } from '../../src/credentials/credential';
import { FAILED_WORK_RECEIVES, FAILED_WORK_VISIBILITY_TIMEOUTS, WORK_MAX_AGE_MS } from '../../src/lambda/work-order';
import { Monitoring } from './monitoring';
import type { LambdaRuntimeName, LatchkeySettings } from './settings';

/**
 * Every top-level attribute an audit record may have (src/audit/audit-record.ts, a strict schema),
 * and the token of the put that wrote it (`writeId`, WRITE_TOKEN_ATTRIBUTE: a random UUID by which
 * the SDK's retry of a put recognises its own item). The role may PutItem only items made of
 * these, so nothing else can ride along into the log. Kept here by hand, on purpose: a new audit
 * field must be a visible IAM change, and test/infra checks this list against the schema.
 */
export const AUDIT_ATTRIBUTES = [
  'v',
  'pk',
  'sk',
  'day',
  'at',
  'requestId',
  'phase',
  'action',
  'slackUserId',
  'slackTeamId',
  'slackEnterpriseId',
  'directory',
  'directoryUserId',
  'outcome',
  'errorCode',
  'reason',
  'incomplete',
  'deliveryFailed',
  'restated',
  'subjectSlackUserId',
  'subjectSlackTeamId',
  'approvalRequestId',
  'finishRequestId',
  'earlierFinishRequestId',
  'revokedBy',
  'credential',
  'licenseRequestId',
  'licenseFrom',
  'licenseTo',
  'decision',
  'verifier',
  'factorType',
  'verification',
  'verifyWaitMs',
  'handledRequestId',
  'attentionKind',
  'note',
  'policy',
  'verifierFactorId',
  'verifierTransactionId',
  'expiresAt',
  'writeId',
] as const;

/** Audit partitions are `ACTOR#<team>#<user>`; the role cannot write any other partition. */
export const AUDIT_PARTITION_PATTERN = 'ACTOR#*';

const RUNTIMES: Record<LambdaRuntimeName, lambda.Runtime> = {
  'nodejs24.x': lambda.Runtime.NODEJS_24_X,
};

/** Asynchronous self-invocations older than this are dropped rather than run late (the worker refuses them too). */
const ASYNC_MAX_EVENT_AGE = Duration.millis(WORK_MAX_AGE_MS);

/**
 * Refuses, before anything is synthesized, a package the function could not run: no lambda.js, one
 * older than the sources beside it (bundle.ts: it would ship stale code), or one that needs modules
 * the package does not hold (the unbundled dist/, which needs node_modules).
 * It is loaded in a child process from a directory with no node_modules in reach.
 */
export function checkPackage(codePath: string): void {
  const entry = path.join(codePath, 'lambda.js');
  if (!fs.existsSync(entry)) {
    throw new PackageError(`No lambda.js in ${codePath}: run \`npm run build:lambda\` first (see docs/deploy.md), or point -c codePath=... at the package.`);
  }
  const stale = staleBundle(entry);
  if (stale) throw new PackageError(stale);
  const isolated = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-package-check-'));
  try {
    fs.copyFileSync(entry, path.join(isolated, 'lambda.js'));
    const loaded = spawnSync(process.execPath, ['-e', "const m = require('./lambda.js'); if (typeof m.handler !== 'function') throw new Error('lambda.js exports no handler');"], {
      cwd: isolated,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    if (loaded.status !== 0) {
      const why = /Cannot find module '[^']+'|exports no handler/.exec(loaded.stderr)?.[0] ?? loaded.stderr.trim().split('\n')[0];
      throw new PackageError(`${entry} cannot run as deployed (${why}): deploy the one-file bundle from \`npm run build:lambda\`.`);
    }
  } finally {
    fs.rmSync(isolated, { recursive: true, force: true });
  }
}

export interface LatchkeyStackProps extends StackProps {
  readonly settings: LatchkeySettings;
}

/**
 * Latchkey on AWS: one Lambda function behind a function URL, three DynamoDB tables, two
 * Secrets Manager secrets, a log group, and a role that can do what the app does and no more.
 */
export class LatchkeyStack extends Stack {
  readonly auditTable: dynamodb.Table;
  readonly approvalsTable: dynamodb.Table;
  readonly rateLimitTable: dynamodb.Table;
  readonly signingSecret: secretsmanager.Secret;
  readonly botTokenSecret: secretsmanager.Secret;
  readonly credentialSecrets: readonly { readonly variable: string; readonly secret: secretsmanager.Secret }[];
  readonly role: iam.Role;
  readonly handler: lambda.Function;
  readonly functionUrl: lambda.FunctionUrl;
  readonly logGroup: logs.LogGroup;
  readonly failedWork: sqs.Queue;
  readonly failedWorkDeadLetters: sqs.Queue;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: LatchkeyStackProps) {
    super(scope, id, { description: 'Latchkey: self-service credential resets from Slack', ...props });
    const s = props.settings;
    // How long one invocation may run: what the longest change of the credentials served needs
    // (lambdaTimeoutS: 30 s for one AWS call); with the verify policy, the worker also waits for
    // the push (its timeout, then the change). The app computes it by the same code (functionTimeoutS)
    // to know how late a failed work order may come back through FailedWork (failedWorkMaxAgeMs).
    const functionTimeoutS = s.functionTimeoutS;

    checkPackage(s.codePath);

    // ---- Tables ------------------------------------------------------------------------------
    // Key design and TTL attributes as the app expects them (src/*/…-table.ts). On-demand, PITR,
    // deletion protection and RETAIN: an audit log must outlive a mistaken `cdk destroy`.
    // Encryption with the AWS managed key (aws/dynamodb): key use shows in CloudTrail, the role
    // needs no kms:* permission, and there is no key policy or monthly key fee to manage.
    const table = (logicalId: string, key: { pk: string; sk?: string }, ttl: string) =>
      new dynamodb.Table(this, logicalId, {
        partitionKey: { name: key.pk, type: dynamodb.AttributeType.STRING },
        sortKey: key.sk ? { name: key.sk, type: dynamodb.AttributeType.STRING } : undefined,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        timeToLiveAttribute: ttl,
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.auditTable = table('AuditTable', { pk: 'pk', sk: 'sk' }, 'expiresAt');
    this.auditTable.addGlobalSecondaryIndex({
      indexName: 'by-day',
      partitionKey: { name: 'day', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    // License requests keep `expiresAt` as an ISO string; the TTL attribute is `purgeAt` (epoch seconds).
    this.approvalsTable = table('ApprovalsTable', { pk: 'pk', sk: 'sk' }, 'purgeAt');
    // The review queue and each person's requests, for the Home tab (src/approvals/approvals-table.ts).
    this.approvalsTable.addGlobalSecondaryIndex({
      indexName: BY_LIST_INDEX,
      partitionKey: { name: 'list', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'createdAt', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.rateLimitTable = table('RateLimitTable', { pk: 'pk' }, 'expiresAt');

    // ---- Secrets -----------------------------------------------------------------------------
    // Created with a random placeholder: the real values are put with the CLI after the first
    // deploy (docs/deploy.md), so they never appear in a template, a parameter or a CDK context.
    const secret = (logicalId: string, description: string) =>
      new secretsmanager.Secret(this, logicalId, { description, removalPolicy: RemovalPolicy.RETAIN });
    this.signingSecret = secret('SlackSigningSecret', 'Latchkey: the Slack app signing secret (Basic Information, App Credentials)');
    this.botTokenSecret = secret('SlackBotToken', 'Latchkey: the Slack bot token (OAuth & Permissions, Bot User OAuth Token)');
    // Each credential's own secrets (an API token, say), named after the variable that reads them.
    this.credentialSecrets = s.secrets.map(({ variable, description }) => ({
      variable,
      secret: secret(`Secret${variable.toLowerCase().replace(/(^|_)([a-z0-9])/g, (_m, _s, c: string) => c.toUpperCase())}`, `Latchkey: ${description}`),
    }));
    for (const sm of [this.signingSecret, this.botTokenSecret, ...this.credentialSecrets.map((c) => c.secret)]) {
      Validations.of(sm).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason:
          'The services that issue these credentials (Slack, the directory) mint them: a rotation Lambda cannot. ' +
          'They are rotated by hand at their issuer and put here (docs/deploy.md, "Rotating the secrets").',
      });
    }

    // ---- Logs --------------------------------------------------------------------------------
    this.logGroup = new logs.LogGroup(this, 'HandlerLogs', {
      retention: s.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ---- Role --------------------------------------------------------------------------------
    // No AWS managed policy (AWSLambdaBasicExecutionRole writes to any log group): every
    // statement below names its actions and its resources, and each has a Sid the tests check.
    this.role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Latchkey handler: only the calls the app makes',
    });
    const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
      this.role.addToPolicy(new iam.PolicyStatement({ sid, effect: iam.Effect.ALLOW, actions, resources, conditions }));

    allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [this.logGroup.logGroupArn]);
    allow('ReadSecrets', ['secretsmanager:GetSecretValue'], [this.signingSecret, this.botTokenSecret, ...this.credentialSecrets.map((c) => c.secret)].map((x) => x.secretArn));

    // The audit log is append-only from the app's side. IAM cannot require a ConditionExpression,
    // so PutItem is the one write allowed, narrowed to audit-shaped items (known attributes only,
    // ACTOR# partitions only, no ALL_OLD read-back); the app adds attribute_not_exists(pk) to every
    // put. docs/deploy.md, "How append-only is the audit log", says exactly what remains possible.
    allow('AppendAuditRecords', ['dynamodb:PutItem'], [this.auditTable.tableArn], {
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...AUDIT_ATTRIBUTES] },
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [AUDIT_PARTITION_PATTERN] },
      StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
    });
    // Belt and braces: even if someone later attaches a broad DynamoDB policy to this role, it
    // still cannot change or remove audit records.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'NeverRewriteAuditRecords',
        effect: iam.Effect.DENY,
        actions: [
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:PartiQLUpdate',
          'dynamodb:PartiQLDelete',
          'dynamodb:UpdateTimeToLive',
          'dynamodb:DeleteTable',
        ],
        resources: [this.auditTable.tableArn],
      }),
    );
    allow('PendingRequests', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [this.approvalsTable.tableArn]);
    // Read back by the Home tab: a person's own records (their partition), the by-day index for an
    // admin's today and last 7 days, and the approvals' review queue (by-list) and a person's own
    // open requests (their OPEN#<user> partition of the table). And, by the by-day index, by a Review
    // or decision of a license change whose outcome is unknown (and the Home tab's listing of one):
    // every apply step of that request, from the day it was made (AuditReader.stepsSince). Queries
    // only, as before; the Sid keeps its name, so the deployed statement is unchanged.
    allow('ReadAuditForHomeTab', ['dynamodb:Query'], [this.auditTable.tableArn, `${this.auditTable.tableArn}/index/by-day`]);
    allow('ReadApprovals', ['dynamodb:Query'], [this.approvalsTable.tableArn, `${this.approvalsTable.tableArn}/index/${BY_LIST_INDEX}`]);
    allow('RateLimits', ['dynamodb:UpdateItem'], [this.rateLimitTable.tableArn]);
    // The verify policy: the worker that waits for a push reads, at each check, whether its
    // requester closed the waiting modal, which another invocation recorded there (UpdateItem,
    // above). Only those items (close#<request ID>), and only with the policy on.
    if (s.verifyTimeoutSeconds !== undefined) {
      allow('ReadClosedWaits', ['dynamodb:GetItem'], [this.rateLimitTable.tableArn], {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${CLOSE_KEY_PREFIX}*`] },
      });
    }
    // The Home tab's Setup check (src/doctor/): that each table exists with its index. Read-only.
    allow('SetupCheckTables', ['dynamodb:DescribeTable'], [this.auditTable.tableArn, this.approvalsTable.tableArn, this.rateLimitTable.tableArn]);

    // What each credential's adapter calls, as the credential declares it (src/credentials/<name>/).
    const grants: Grant[] = s.credentials.flatMap(({ credential, settings }) => [
      ...credential.grants(settings),
      ...(s.licensesProvider?.credential === credential ? credential.licenses!.grants(settings) : []),
    ]);
    for (const grant of grants) {
      allow(
        grant.sid,
        [...grant.actions],
        grant.resources.map((r) => (r === '*' ? '*' : this.formatArn({ service: r.service, resource: r.resource, resourceName: r.resourceName }))),
      );
    }
    // A service offered in a few regions only is called in the function's own: deployed elsewhere,
    // every call of it would fail after a deploy that went through. CloudFormation refuses the
    // deploy instead, before it creates anything, saying where to deploy.
    for (const { credential } of s.credentials) {
      if (!credential.awsRegions || this.node.tryFindChild(`${credential.audit.directory}Region`)) continue;
      const regions = credential.awsRegions;
      new CfnRule(this, `${credential.audit.directory}Region`, {
        assertions: [
          {
            assert: Fn.conditionContains([...regions], Aws.REGION),
            assertDescription:
              `${credential.words.directory} is offered only in ${regions.join(', ')}, and Latchkey calls it in the stack's own region: ` +
              `deploy the stack to your organization's region (AWS_REGION=… or --profile with cdk deploy)`,
          },
        ],
      });
    }
    const anyResource = grants.filter((g) => g.resources.includes('*'));
    if (anyResource.length > 0) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: anyResource.map((g) => `${g.sid}: ${g.whyAnyResource ?? 'the service defines no resource types for these actions'}`).join(' '),
      });
    }

    // Slack needs an answer within 3 seconds, so the function acknowledges and then invokes
    // itself asynchronously for the work. The ARN is built from the name set below, not taken
    // from the function, so the role does not depend on the function it belongs to.
    const ownArn = this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: s.functionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    allow('InvokeSelf', ['lambda:InvokeFunction'], [ownArn]);

    // ---- Failed work -------------------------------------------------------------------------
    // A self-invocation that fails (a crash, a timeout, an instance that could not start) or waits
    // too long goes to this queue, Lambda's on-failure destination. The function reads it and tells
    // the person (receiver.failed: what may have changed, or that Latchkey could not start), so
    // nobody is left at "checking…". A record it cannot deliver three times goes to the dead-letter
    // queue. Both alarm (monitoring.ts).
    const queue = (logicalId: string, extra: Partial<sqs.QueueProps> = {}) =>
      new sqs.Queue(this, logicalId, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        ...extra,
      });
    this.failedWorkDeadLetters = queue('FailedWorkDeadLetters');
    this.failedWork = queue('FailedWork', {
      // Longer than the function may run, so a record being handled is not handed out twice. These
      // two and the event age bound how late a failed order comes back: the app refuses one older
      // (failedWorkMaxAgeMs, from the same constants).
      visibilityTimeout: Duration.seconds(functionTimeoutS * FAILED_WORK_VISIBILITY_TIMEOUTS),
      deadLetterQueue: { queue: this.failedWorkDeadLetters, maxReceiveCount: FAILED_WORK_RECEIVES },
    });
    allow('SendFailedWork', ['sqs:SendMessage'], [this.failedWork.queueArn]);
    // What Lambda's SQS poller calls for the event source mapping below, and no more.
    allow('ReadFailedWork', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], [this.failedWork.queueArn]);

    // ---- Function ----------------------------------------------------------------------------
    const environment: Record<string, string> = {
      AUDIT_TABLE_NAME: this.auditTable.tableName,
      APPROVALS_TABLE_NAME: this.approvalsTable.tableName,
      RATE_LIMIT_TABLE_NAME: this.rateLimitTable.tableName,
      // ARNs only: lambda.ts reads the values from Secrets Manager at cold start.
      SLACK_SIGNING_SECRET_ARN: this.signingSecret.secretArn,
      SLACK_BOT_TOKEN_ARN: this.botTokenSecret.secretArn,
      LOG_LEVEL: 'info',
      ...s.environment,
      ...Object.fromEntries(this.credentialSecrets.map(({ variable, secret: sm }) => [`${variable}_ARN`, sm.secretArn])),
    };

    this.handler = new lambda.Function(this, 'Handler', {
      functionName: s.functionName,
      description: 'Latchkey: answers Slack, then resets in an asynchronous self-invocation',
      runtime: RUNTIMES[s.runtime],
      architecture: lambda.Architecture.ARM_64,
      handler: 'lambda.handler',
      code: lambda.Code.fromAsset(s.codePath),
      memorySize: 512,
      timeout: Duration.seconds(functionTimeoutS),
      role: this.role,
      logGroup: this.logGroup,
      environment,
      // A cap on what a flood of requests can cost, and on how much of the account's concurrency
      // Latchkey may take (docs/deploy.md, "Reserved concurrency").
      reservedConcurrentExecutions: s.reservedConcurrency,
    });
    // The asynchronous self-invocation: not retried (a reset is audited once per request, a retry
    // would only be refused), dropped after 5 minutes, and on failure sent to FailedWork. An L1
    // construct, so the role gains nothing CDK would grant on its own: SendFailedWork above.
    new lambda.CfnEventInvokeConfig(this, 'HandlerAsync', {
      functionName: this.handler.functionName,
      qualifier: '$LATEST',
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: ASYNC_MAX_EVENT_AGE.toSeconds(),
      destinationConfig: { onFailure: { destination: this.failedWork.queueArn } },
    });
    new lambda.CfnEventSourceMapping(this, 'HandlerFailedWork', {
      functionName: this.handler.functionName,
      eventSourceArn: this.failedWork.queueArn,
      batchSize: 1,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      logGroup: this.logGroup,
      handler: this.handler,
      failedWork: this.failedWork,
      failedWorkDeadLetters: this.failedWorkDeadLetters,
      alarmEmail: s.alarmEmail,
      credentials: s.credentials.map((c) => c.credential.id),
    });

    // Slack signs every request (X-Slack-Signature, HMAC of the body with the signing secret) and
    // the app rejects anything unsigned or stale, so the URL itself needs no AWS authentication.
    this.functionUrl = this.handler.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    new CfnOutput(this, 'FunctionUrl', { value: this.functionUrl.url, description: 'The function URL' });
    new CfnOutput(this, 'SlackRequestUrl', {
      value: `${this.functionUrl.url}slack/events`,
      description: 'Paste into Slack: Slash Commands (each command) and Interactivity & Shortcuts, Request URL',
    });
    new CfnOutput(this, 'SlackSigningSecretArn', { value: this.signingSecret.secretArn });
    new CfnOutput(this, 'SlackBotTokenArn', { value: this.botTokenSecret.secretArn });
    for (const { variable, secret: sm } of this.credentialSecrets) {
      new CfnOutput(this, `${sm.node.id}Arn`, { value: sm.secretArn, description: `Put ${variable} here` });
    }
    new CfnOutput(this, 'AuditTableName', { value: this.auditTable.tableName });
    new CfnOutput(this, 'ApprovalsTableName', { value: this.approvalsTable.tableName });
    new CfnOutput(this, 'RateLimitTableName', { value: this.rateLimitTable.tableName });
    new CfnOutput(this, 'FunctionName', { value: s.functionName });
    new CfnOutput(this, 'LogGroupName', { value: this.logGroup.logGroupName });
    new CfnOutput(this, 'AlertsTopicArn', { value: this.monitoring.topic.topicArn, description: 'Subscribe a person, a pager or a chat channel (docs/deploy.md)' });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
  }
}
