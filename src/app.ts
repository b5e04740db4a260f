import { App, HTTPReceiver, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import { ChimeClient } from '@aws-sdk/client-chime';
import { WorkMailClient } from '@aws-sdk/client-workmail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { hkdfSync } from 'node:crypto';
import type { Server } from 'node:http';
import { auditTable } from './audit/audit-table';
import { ensureTable } from './storage/ensure-table';
import { DynamoDbAuditLog } from './audit/dynamodb-audit-log';
import type { Config } from './config';
import { ChimeDirectory } from './directories/chime-directory';
import { WorkMailDirectory } from './directories/workmail-directory';
import type { Clock, CredentialKind, Directory } from './flows/ports';
import { ResetCredential } from './flows/reset-credential';
import { Sealer } from './flows/sealer';
import { approvalsTable } from './approvals/approvals-table';
import { DynamoDbLicenseRequests } from './approvals/dynamodb-license-requests';
import { LicenseRequests } from './flows/license-requests';
import { registerLicenseCommand } from './handlers/license-command';
import { registerLicenseRequestSubmission } from './handlers/license-request-submission';
import { registerLicenseReviewAction } from './handlers/license-review-action';
import { registerLicenseReviewSubmission } from './handlers/license-review-submission';
import { registerResetCommand } from './handlers/reset-command';
import { registerResetSubmission } from './handlers/reset-submission';
import type { AppLogger } from './logger';
import { boltLogger } from './slack/bolt-logger';
import { ConfiguredAdmins } from './slack/configured-admins';
import { SlackLicenseAnnouncer } from './slack/slack-license-announcer';
import { SlackWorkspaceMembers } from './slack/workspace-members';

/** A request to AWS that has not answered by then will not; fail over to a clear message instead. */
const AWS_HTTP = { connectionTimeout: 2_000, requestTimeout: 5_000 };

export interface Latchkey {
  readonly app: App;
  /** Resolves once the app listens; the port is the one actually bound (config port 0 picks one). */
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

export interface LatchkeyOptions {
  readonly logger: AppLogger;
  readonly clock?: Clock;
}

/**
 * The composition root: the only place that builds AWS and Slack clients, adapters and flows,
 * and registers the handlers. Everything else receives what it needs.
 */
export function createLatchkey(config: Config, { logger, clock = { now: () => new Date() } }: LatchkeyOptions): Latchkey {
  let ready = false;
  const healthRoute: CustomRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ready ? 'ok' : 'starting' }));
    },
  };

  const receiver: Receiver = config.slack.appToken
    ? new SocketModeReceiver({
        appToken: config.slack.appToken,
        customRoutes: [healthRoute],
        installerOptions: { port: config.port },
        logger: boltLogger(logger),
      })
    : new HTTPReceiver({
        signingSecret: config.slack.signingSecret,
        endpoints: '/slack/events',
        customRoutes: [healthRoute],
        logger: boltLogger(logger),
      });

  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger: boltLogger(logger),
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      // The Web API client's default retries for about 30 minutes; a person is waiting.
      retryConfig: { retries: config.slack.apiRetries, factor: 2, minTimeout: 500, maxTimeout: 2_000 },
      timeout: 5_000,
    },
  });

  const dynamo = new DynamoDBClient({ requestHandler: AWS_HTTP });
  const audit = new DynamoDbAuditLog(dynamo, config.audit.tableName, config.audit.retentionDays, clock);

  const directories: Partial<Record<CredentialKind, Directory>> = {};
  // The legacy Chime API is served and signed in us-east-1, whatever AWS_REGION says.
  const chime = config.chime
    ? new ChimeDirectory(new ChimeClient({ region: 'us-east-1', requestHandler: AWS_HTTP }), config.chime.accountId)
    : undefined;
  if (chime) directories.pin = chime;
  if (config.workmail) {
    const { organizationId, passwordLength, passwordSymbols } = config.workmail;
    directories.password = new WorkMailDirectory(new WorkMailClient({ requestHandler: AWS_HTTP }), organizationId, {
      length: passwordLength,
      symbols: passwordSymbols,
    });
  }
  const members = new SlackWorkspaceMembers(app.client);

  // A key of its own, derived from the signing secret, so there is no extra secret to manage.
  const sealer = new Sealer(Buffer.from(hkdfSync('sha256', config.slack.signingSecret, 'latchkey', 'sealed-ticket v1', 32)));
  const resetCredential = new ResetCredential({
    directories,
    members,
    audit,
    sealer,
    clock,
    logger,
    allowedTeamId: config.slack.teamId,
  });

  for (const kind of ['pin', 'password'] as const) {
    registerResetCommand(app, kind, resetCredential, logger);
    registerResetSubmission(app, kind, resetCredential, logger);
  }

  const licenses = config.licenses;
  const licenseRequests = new LicenseRequests({
    directory: licenses ? chime : undefined,
    members,
    admins: new ConfiguredAdmins(new Set(licenses?.adminUserIds), licenses?.adminUsergroupId, app.client, clock),
    store: new DynamoDbLicenseRequests(dynamo, config.approvalsTableName, clock),
    announcer: new SlackLicenseAnnouncer(app.client, licenses?.approvalsChannelId ?? ''),
    audit,
    sealer,
    clock,
    logger,
    allowedTeamId: config.slack.teamId,
    requestTtlHours: licenses?.requestTtlHours ?? 72,
  });
  registerLicenseCommand(app, licenseRequests, logger);
  registerLicenseRequestSubmission(app, licenseRequests, logger);
  registerLicenseReviewAction(app, licenseRequests, logger);
  registerLicenseReviewSubmission(app, licenseRequests, logger);

  app.error(async (error) => {
    logger.error({ err: `${error.name}: ${error.message}`, code: error.code }, 'unhandled error in a Slack listener');
  });

  return {
    app,
    async start() {
      if (config.createTables) {
        for (const table of [auditTable(config.audit.tableName), approvalsTable(config.approvalsTableName)]) {
          const state = await ensureTable(dynamo, table);
          logger.info({ table: table.create.TableName, state }, 'table ready');
        }
      }
      const server = (await app.start(config.port)) as Server | undefined;
      const address = server?.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      ready = true;
      logger.info({ port, socketMode: Boolean(config.slack.appToken), directories: Object.keys(directories), licenses: licenseRequests.enabled }, 'Latchkey is ready');
      return { port };
    },
    async stop() {
      ready = false;
      await app.stop();
      dynamo.destroy();
    },
  };
}
