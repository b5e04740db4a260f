import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AppOptions, CustomRoute, Receiver } from '@slack/bolt';
import { hkdfSync } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { approvalsTable } from './approvals/approvals-table';
import { DynamoDbPendingRequests } from './approvals/dynamodb-pending-requests';
import { auditTable } from './audit/audit-table';
import { DynamoDbAuditLog } from './audit/dynamodb-audit-log';
import { approvalsChannelInUse, type Config } from './config';
import { CREDENTIALS, SLASH_COMMANDS } from './credentials';
import type { AdapterContext } from './credentials/credential';
import { AWS_REQUEST_TIMEOUT_MS, awsClientSettings, forChanges, LAMBDA_DYNAMODB_REQUEST_TIMEOUT_MS } from './aws-client';
import { slackTimeLeftMs, withSlackDeadline } from './slack/call-deadline';
import type { AwsClientSettings } from './credentials/credential';
import { Approvals, type ApprovalKind } from './flows/approvals/approvals';
import { licenseKind, LicenseRequests } from './flows/license-requests';
import { ResetApprovals, resetKind } from './flows/reset-approval';
import { registerApprovalFinish } from './handlers/approval-finish';
import { resetWordsOf } from './handlers/reset-words';
import { FINISH_ACTION_ID, resetKindWords } from './views/reset-approval-kind';
import type { Clock, Directory, LicenseDirectory, Metrics } from './flows/ports';
import { metricsRoute } from './metrics/metrics-route';
import { PrometheusMetrics } from './metrics/prometheus-metrics';
import { timed } from './metrics/timed';
import { ResetCredential, type PolicyVerifier, type Resettable } from './flows/reset-credential';
import { TimerWheelWaiter } from './flows/push-waiter';
import type { ClosedWaits, Verifier } from './flows/verification';
import { Sealer } from './flows/sealer';
import { registerLicenseCommand } from './handlers/license-command';
import { registerLicenseRequestSubmission } from './handlers/license-request-submission';
import { registerApprovalReviewAction } from './handlers/approval-review-action';
import { registerApprovalReviewDecisionPicked } from './handlers/approval-review-decision-picked';
import { registerApprovalReviewSubmission } from './handlers/approval-review-submission';
import { registerApprovalWithdraw } from './handlers/approval-withdraw';
import { WITHDRAW_ACTION_ID } from './views/approval-withdraw';
import { registerApprovalRevoke } from './handlers/approval-revoke';
import { REVOKE_ACTION_ID } from './views/approval-revoke';
import { registerResetCommand } from './handlers/reset-command';
import { registerResetPicker } from './handlers/reset-picker';
import { registerResetCancel } from './handlers/reset-cancel';
import { registerResetInstead } from './handlers/reset-instead';
import { registerResetSubmission } from './handlers/reset-submission';
import { registerResetWaitingClosed } from './handlers/reset-waiting-closed';
import { DynamoDbClosedWaits } from './limits/dynamodb-closed-waits';
import { DynamoDbRateLimiter } from './limits/dynamodb-rate-limiter';
import { rateLimitTable } from './limits/rate-table';
import { DynamoDbWorkClaims } from './lambda/dynamodb-work-claims';
import { functionTimeoutS, LAMBDA_SLACK_CALL_MS } from './lambda/function-time';
import { HandOffReceiver } from './lambda/hand-off-receiver';
import type { AppLogger } from './logger';
import { HTTPReceiver, loadSocketModeReceiver } from './slack/bolt';
import { boltLogger } from './slack/bolt-logger';
import { ConfiguredAdmins } from './slack/configured-admins';
import { GuardedApp } from './slack/guarded-app';
import { dispatchErrorHandler, errorAfterAcknowledgement, listenerErrorHandler, processEventErrorHandler } from './slack/http-error-handlers';
import { tellWorkFailed } from './slack/work-failed';
import { ANSWER_BY, ANSWER_HOLD_MS } from './slack/held-answer';
import { ARRIVED_AT } from './slack/arrival-modal';
import { bodyParsed, guardSlackRequests, type RequestGuard } from './slack/request-guard';
import { EVENTS_PATH } from './slack/events-path';
import { BODY_LIMIT_BYTES } from './slack/slack-request-body';
import { httpFetch, type HttpFetch } from './http/fetch';
import { SlackApprovalAnnouncer } from './slack/slack-approval-announcer';
import { SlackWebApi, type SlackApi } from './slack/slack-web-api';
import { TokenWatch } from './slack/token-watch';
import { DynamoDbPageMark } from './lambda/dynamodb-page-mark';
import { SharedAsks, SlackWorkspaceMembers } from './slack/workspace-members';
import { KnownGuests } from './flows/known-guests';
import { allStartChecks, listenFailure, namedTables, slackAtStart, socketModeRetries, socketModeStartFailure, socketModeWithinStartBound, StartFailure, tablesAtStart, tokenWorkspaceProblem } from './start-checks';
import { ensureTable } from './storage/ensure-table';
import { REVIEW_ACTION_ID } from './views/approval-message';
import type { ApprovalWords } from './views/approval-words';
import { licenseKindWords } from './views/license-kind';
import { LICENSE_FORM } from './views/license-form';
import { REVIEW_FORM } from './views/approval-review';
import { insteadActionId, resetCallbackId, waitingCallbackId } from './views/reset-modal';
import type { LicenseVocabulary } from './views/words';
import { LICENSE_COMMAND } from './core-commands';
import { HomeTab } from './flows/home-tab';
import { registerAuditSearchAgain } from './handlers/audit-search-again';
import { registerAuditSearchPage } from './handlers/audit-search-page';
import { registerAuditSearchSubmission } from './handlers/audit-search-submission';
import { registerHomeLicenseButton } from './handlers/home-license-button';
import { HOME_OPENED_EVENT, publishHome, registerHomeOpened } from './handlers/home-opened';
import { registerHomeResetButton } from './handlers/home-reset-button';
import { registerHomeSearchButton } from './handlers/home-search-button';
import { homeWords } from './handlers/home-words';
import { AUDIT_SEARCH, AUDIT_SEARCH_AGAIN_CALLBACK_ID, AUDIT_SEARCH_PAGE_ACTION_ID } from './views/audit-search';
import { ATTENTION_HANDLED_FORM, HOME_ATTENTION_HANDLED_ACTION_ID, HOME_LICENSE_ACTION_ID, HOME_SEARCH_ACTION_ID, HOME_SETUP_CHECK_ACTION_ID, homeResetActionId } from './views/home-tab';
import { registerHomeAttentionButton } from './handlers/home-attention-button';
import { registerAttentionHandledSubmission } from './handlers/attention-handled-submission';
import { checkDirectoriesAtStart } from './directories-at-start';
import { runDoctor } from './doctor/doctor';
import type { SetupCheck } from './doctor/setup-check';
import { registerHomeSetupCheckButton } from './handlers/home-setup-check-button';

/** How long shutdown waits for work already acknowledged to finish. */
const DRAIN_MS = 10_000;
/** /healthz asks DynamoDB at most this often, so a flood of probes costs nothing. */
const HEALTH_CACHE_MS = 5_000;

export interface Latchkey {
  readonly app: GuardedApp;
  /**
   * Resolves once the app listens; the port is the one actually bound (config port 0 picks one).
   * `host`: the address to listen on, every interface when absent (a container's load balancer
   * must reach it); the sandbox gives its own, 127.0.0.1 unless told otherwise.
   * `configWarningsSaid`: the caller said the configuration's warnings already (main.ts, in words
   * at a terminal), so they are not logged again.
   * `checkDirectories`: once ready, each credential's read-only check runs once in the background,
   * a warn line per failure (directories-at-start.ts): the long-running server's start only
   * (main.ts), never Lambda's, whose cold start must not pay for it.
   */
  start(options?: { host?: string; configWarningsSaid?: boolean; checkDirectories?: boolean }): Promise<{ port: number; address?: string }>;
  /** Stops taking requests, lets acknowledged work finish (bounded), then releases clients. */
  stop(): Promise<void>;
  /**
   * Writes the refusals of the last seconds, counted and not yet logged (RefusalLog): stop does it
   * itself; an exit that does not wait for stop (a forced one) calls it first.
   */
  flushRefusals(): void;
}

export interface LatchkeyOptions {
  readonly logger: AppLogger;
  readonly clock?: Clock;
  /** How long an AWS call may go unanswered before it fails (AWS_REQUEST_TIMEOUT_MS unless given: tests shorten it). */
  readonly awsRequestTimeoutMs?: number;
  /** How long a verifier's long poll is held before it is asked again (AdapterContext.longPollMs): its own unless given; tests shorten it. */
  readonly longPollMs?: number;
}

/**
 * The composition root: the only place that builds AWS and Slack clients, adapters and flows,
 * and registers the handlers. Everything else receives what it needs.
 */
export function createLatchkey(config: Config, { logger, clock = { now: () => new Date() }, awsRequestTimeoutMs, longPollMs }: LatchkeyOptions): Latchkey {
  const aws = awsClientSettings({ logger, requestTimeoutMs: awsRequestTimeoutMs });
  const dynamo = new DynamoDBClient(aws);
  // The health, start and setup checks bound their calls with an abortSignal; a call with send options
  // makes a client drop its cached middleware stacks, so they have a client of their own.
  const probes = new DynamoDBClient(aws);
  // Pages once when Slack refuses the bot token (token-watch.ts); /healthz says it meanwhile.
  const tokenWatch = new TokenWatch(logger);
  const fetch = httpFetch();
  const slack = slackWebApi(config, logger, fetch, config.slack.apiRetries, undefined, tokenWatch);
  const health = healthCheck(probes, config.audit.tableName, logger, tokenWatch, slack);
  const metrics = new PrometheusMetrics();
  const routes = [health.route, metricsRoute(metrics, config.metricsToken)];

  // Socket Mode connects in app.start(), through the receiver's own Web API client: to SLACK_API_URL
  // over the app's HTTP stack, as every other call, and within the start's bound while starting.
  let starting = false;
  const socketMode = config.slack.appToken
    ? new (loadSocketModeReceiver())({
        appToken: config.slack.appToken,
        customRoutes: routes,
        installerOptions: {
          port: config.port,
          clientOptions: { slackApiUrl: config.slack.apiUrl, fetch, timeout: SLACK_TIMEOUT_MS, retryConfig: socketModeRetries(logger, () => starting, { apiUrl: config.slack.apiUrl }) },
        },
        logger: boltLogger(logger, { triesSaid: () => starting }),
        customPropertiesExtractor: arrivalProperties,
      })
    : undefined;
  const http = socketMode ? undefined : guardedHttpReceiver(config, logger, routes, metrics);
  const receiver: Receiver = socketMode ?? http!.receiver;

  // Initialised in start(), where a refused token or an unreachable Slack stops the start
  // (start-checks.ts); left to the constructor, Bolt's auth.test fails where nobody awaits it.
  const app = new GuardedApp({ ...slackAppOptions(config, logger, fetch, { atStart: true }), receiver, deferInitialization: true }, KNOWN_ENTRY_POINTS, { fetch, logger, metrics, slack });
  // The start's own auth.test, tried again by slackAtStart, not by the client.
  const slackAtStartClient = slackWebApi(config, logger, fetch, 0);
  let boltReady: Promise<void> | undefined;
  const boltInit = () =>
    (boltReady ??= app.init().catch((err: unknown) => {
      boltReady = undefined;
      throw err;
    }));

  const { credentials, licenseRequests, checkDirectories } = registerFeatures(app, config, { aws, dynamo, probes, logger, clock, fetch, metrics, longPollMs });
  let stopping: Promise<void> | undefined;
  // Aborted by stop(): the start's directory checks, which a stop does not wait for, then say nothing.
  const checksStopped = new AbortController();

  return {
    app,
    async start(options = {}) {
      if (!options.configWarningsSaid) warnAboutConfig(config, logger);
      // Both checks run to their end, so a start says every problem at once (a Slack it cannot reach
      // beside a table missing), and the admin fixes them in one go.
      await allStartChecks([
        slackAtStart(async () => {
          // The token must be this workspace's: another's would make every person "not found".
          // Checked beside Bolt's own auth.test, not before it, so the start waits one round trip;
          // Bolt's init, once it has worked, is not run again by a retry.
          const workspace = slackAtStartClient.auth.test().then((auth) => {
            const otherWorkspace = tokenWorkspaceProblem(auth, config.slack.workspace);
            if (otherWorkspace) throw new StartFailure(`SLACK_BOT_TOKEN: ${otherWorkspace}`);
          });
          await Promise.all([workspace, boltInit()]);
        }, logger, { apiUrl: config.slack.apiUrl }),
        // Tables made here (development) are checked by making them.
        config.createTables
          ? undefined
          : tablesAtStart(probes, namedTables(config), logger).then((answered) => {
              if (answered.has(config.audit.tableName)) health.dynamoAnswered();
            }),
      ]);
      if (config.createTables) {
        const tables = [auditTable(config.audit.tableName), approvalsTable(config.approvalsTableName), rateLimitTable(config.limits.tableName)];
        for (const table of tables) {
          const state = await ensureTable(dynamo, table);
          if (state === 'index missing') {
            // Development only (DYNAMODB_CREATE_TABLES): the rest works, the Home tab says what it cannot read.
            logger.warn({ table: table.create.TableName }, 'table made by an older Latchkey lacks an index this one needs and the store cannot add it: delete the table (the sandbox: --fresh) to have it made anew');
          } else logger.info({ table: table.create.TableName, state }, 'table ready');
        }
      }
      starting = true;
      const appStarted = app.start(options.host ? { port: config.port, host: options.host } : config.port);
      // Socket Mode's WebSocket too, once Slack gave its URL: SocketModeClient would try it for good.
      const server = (await (socketMode ? socketModeWithinStartBound(appStarted, socketMode.client, () => socketMode.stop(), logger) : appStarted).then(
        (started) => started,
        (err: unknown) => {
          // Socket Mode listens too, for /healthz and /metrics.
          throw listenFailure(err, config.port) ?? (config.slack.appToken ? socketModeStartFailure(err, { apiUrl: config.slack.apiUrl }) : err);
        },
      ).finally(() => (starting = false))) as Server | undefined;
      const address = server?.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      health.ready = true;
      logger.info(
        { port, socketMode: Boolean(config.slack.appToken), credentials: [...credentials.keys()], licenses: licenseRequests.enabled },
        'Latchkey is ready',
      );
      // After the ready line and /healthz, never before them; bounded, and it never rejects. A stop
      // does not wait for it: read-only, cut short it changes nothing, and says nothing (its
      // clients stopped under it, a failure then would read as the setup's).
      if (options.checkDirectories) void checkDirectories(checksStopped.signal);
      return { port, ...(typeof address === 'object' && address && { address: address.address }) };
    },
    stop() {
      // Once, however often it is asked (SIGTERM then SIGINT, or two owners of the app).
      stopping ??= (async () => {
        health.ready = false;
        checksStopped.abort();
        try {
          await app.stop();
          const deadline = Date.now() + DRAIN_MS;
          // Work continues after ack(); shutdown waits for it instead of cutting a reset in half.
          while (app.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
          if (app.inFlight > 0) logger.warn({ inFlight: app.inFlight }, 'stopped with work still in flight');
        } finally {
          // The refusals of the last seconds, counted and not yet written: main.ts exits next, however stopping went.
          http?.guard.flushRefusals();
          dynamo.destroy();
          probes.destroy();
        }
      })();
      return stopping;
    },
    flushRefusals() {
      http?.guard.flushRefusals();
    },
  };
}

/**
 * The Lambda composition: the same features, answered in one invocation and worked in another.
 * The Lambda and Secrets Manager clients are loaded here, not at the top: the long-running server
 * never uses them, and loaded they cost it about 3 MB resident.
 */
export interface LambdaLatchkey {
  readonly receiver: HandOffReceiver;
}

export async function createLambdaLatchkey(
  config: Config,
  { logger, functionName, clock = { now: () => new Date() }, awsRequestTimeoutMs, measuredTimeoutS = 0 }: LatchkeyOptions & { functionName: string; measuredTimeoutS?: number },
): Promise<LambdaLatchkey> {
  const [{ LambdaClient }, { SelfInvokeQueue }, { EmfMetrics }] = await Promise.all([
    import('@aws-sdk/client-lambda'),
    import('./lambda/self-invoke'),
    import('./metrics/emf-metrics'),
  ]);
  const metrics = new EmfMetrics();
  const aws = awsClientSettings({ logger, requestTimeoutMs: awsRequestTimeoutMs });
  // A bound that fits the function's timeout (lambdaTimeoutS); a shorter one handed in (tests) still applies.
  const dynamo = new DynamoDBClient(
    awsClientSettings({ logger, requestTimeoutMs: Math.min(awsRequestTimeoutMs ?? AWS_REQUEST_TIMEOUT_MS, LAMBDA_DYNAMODB_REQUEST_TIMEOUT_MS) }),
  );
  const queue = new SelfInvokeQueue(new LambdaClient(aws), functionName);
  const claims = new DynamoDbWorkClaims(dynamo, config.limits.tableName, clock);
  // Each instance has its own TokenWatch, and the alarm pages again after 5 quiet minutes: without
  // a mark every instance, one after another, would page for the one refused token.
  const pageMark = new DynamoDbPageMark(dynamo, config.limits.tableName, clock);
  const fetch = httpFetch();
  // The function's timeout, how late a failed work order may come back: as the stack sets it, by the
  // same code, or as it was read at the cold start where that is longer (raised by hand).
  const receiver = new HandOffReceiver({
    signingSecret: config.slack.signingSecret,
    queue,
    claims,
    logger,
    fetch,
    metrics,
    functionTimeoutS: Math.max(functionTimeoutS(config), measuredTimeoutS),
    audit: new DynamoDbAuditLog(dynamo, config.audit.tableName, config.audit.retentionDays, clock, logger),
  });
  // A bound that fits the function's timeout (lambdaTimeoutS), as DynamoDB's (LAMBDA_SLACK_CALL_MS).
  const slack = slackWebApi(config, logger, fetch, config.slack.apiRetries, LAMBDA_SLACK_CALL_MS, new TokenWatch(logger, () => pageMark.first('slack-token-refused'), () => pageMark.ended('slack-token-refused')));
  // Not Bolt's authorisation of a token: without the bot's IDs it makes an auth.test before every
  // request's listeners, through Bolt's own client (botAuthorization). Bolt takes a token or this.
  const { token: _token, ...boltOptions } = slackAppOptions(config, logger, fetch);
  const app = new GuardedApp(
    { ...boltOptions, receiver, authorize: receiver.authorizing(botAuthorization(config, slack)) },
    KNOWN_ENTRY_POINTS,
    { fetch, logger, metrics, slack },
  );
  registerFeatures(app, config, { aws, dynamo, logger, clock, fetch, metrics });
  warnAboutConfig(config, logger);
  return { receiver };
}

/** What the configuration accepts but an admin should hear (a RESET_POLICY entry not in force, a credential set up but off): once per start, as the doctor says it. */
function warnAboutConfig(config: Config, logger: AppLogger): void {
  for (const warning of config.warnings) logger.warn({ variable: warning.variable, subject: warning.subject }, warning.message);
}

/** `npm run doctor`: the setup check with clients of its own, built as the app builds them. */
export function createDoctor(config: Config, { logger }: { logger: AppLogger }): { run(options: { person?: string }): Promise<SetupCheck[]>; close(): void } {
  const aws = awsClientSettings({ logger });
  const dynamo = new DynamoDBClient(aws);
  const fetch = httpFetch();
  const slack = slackWebApi(config, logger, fetch);
  const context: AdapterContext = { aws, awsChanges: forChanges(aws), fetch, logger, clock: { now: () => new Date() } };
  return {
    run: (options) => runDoctor({ config, slack, dynamo, context }, options),
    close: () => dynamo.destroy(),
  };
}

/**
 * Secrets read from Secrets Manager, by the variable each fills (Lambda keeps only their ARNs in
 * its environment, as `<NAME>_ARN`). Called once per cold start.
 */
export async function readSecrets(arns: Readonly<Record<string, string>>, logger?: AppLogger): Promise<Record<string, string>> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const secrets = new SecretsManagerClient(awsClientSettings({ logger }));
  try {
    const read = async ([variable, arn]: [string, string]) => {
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: arn })).catch(async (err: unknown) => {
        throw await secretNotRead(err, variable, arn, () => secrets.config.region());
      });
      if (!SecretString) throw new Error(`secret ${arn} (${variable}) holds no string`);
      return [variable, SecretString.trim()] as const;
    };
    return Object.fromEntries(await Promise.all(Object.entries(arns).map(read)));
  } finally {
    secrets.destroy();
  }
}

/**
 * A GetSecretValue that failed, as the operator must read it: which setting and which secret, and
 * what to check. The SDK's words alone ("Secrets Manager can't find the specified secret.") named
 * neither. Its name stays the SDK's (ResourceNotFoundException, AccessDeniedException); no value is in it.
 */
async function secretNotRead(err: unknown, variable: string, arn: string, region: () => Promise<string>): Promise<Error> {
  const said = err instanceof Error ? err.message.trim().replace(/([^.])$/, '$1.') : String(err);
  const where = await region().then(
    (r) => ` in ${r}`,
    () => '',
  );
  const wrapped = new Error(
    `${variable} could not be read from its secret, ${arn} (${variable}_ARN): ${said} ` +
      `Check that the secret exists${where} and has its value (step 4 of docs/deploy.md), and that this function's role may read it (secretsmanager:GetSecretValue, the stack's ReadSecrets statement)`,
    { cause: err },
  );
  if (err instanceof Error) wrapped.name = err.name;
  return wrapped;
}

/** What the app answers to; anything else is refused at once (GuardedApp). */
const KNOWN_ENTRY_POINTS = {
  commands: SLASH_COMMANDS,
  viewCallbackIds: [...CREDENTIALS.flatMap((c) => [resetCallbackId(c.id), waitingCallbackId(c.id)]), LICENSE_FORM.callbackId, REVIEW_FORM.callbackId, AUDIT_SEARCH.callbackId, AUDIT_SEARCH_AGAIN_CALLBACK_ID, ATTENTION_HANDLED_FORM.callbackId],
  actionIds: [
    REVIEW_ACTION_ID,
    FINISH_ACTION_ID,
    WITHDRAW_ACTION_ID,
    REVOKE_ACTION_ID,
    REVIEW_FORM.decisionAction,
    ...CREDENTIALS.map((c) => homeResetActionId(c.id)),
    ...CREDENTIALS.map((c) => insteadActionId(c.id)),
    HOME_LICENSE_ACTION_ID,
    HOME_SEARCH_ACTION_ID,
    HOME_SETUP_CHECK_ACTION_ID,
    HOME_ATTENTION_HANDLED_ACTION_ID,
    AUDIT_SEARCH_PAGE_ACTION_ID,
  ],
  eventTypes: [HOME_OPENED_EVENT],
};

/**
 * The words and licenses of the directory that serves license requests: the configured one, else
 * the first in the registry that has licenses, so that /request-license can still say it is off.
 */
function licenseVocabulary(config: Config): LicenseVocabulary {
  const provider = config.licenses?.provider.credential.licenses ?? CREDENTIALS.find((c) => c.licenses)?.licenses;
  const words = provider?.words ?? { title: 'Request a license', what: 'license', short: 'license', request: 'license change', button: 'Send request', directory: 'the directory', account: 'account' };
  return { words: { ...words, command: LICENSE_COMMAND }, kinds: provider?.kinds ?? [] };
}

/** An adapter loaded on its first call: nothing of an SDK is loaded by a start, or by a request that never reaches it. */
function onFirstUse<T extends object>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  const loaded = () => (loading ??= load().catch((err: unknown) => {
    loading = undefined; // a failed load (a missing module) is tried again by the next call
    throw err;
  }));
  // Every property is a method (the ports are interfaces of methods); `then` is not, so the proxy
  // is never mistaken for a promise.
  return new Proxy({} as T, {
    get: (_target, key) =>
      key === 'then'
        ? undefined
        : (...args: unknown[]) => loaded().then((adapter) => (adapter[key as keyof T] as (...a: unknown[]) => unknown).apply(adapter, args)),
  });
}

/** The Slack Web API the app calls (slack-web-api.ts), with the same bounds as Bolt's own client below. */
function slackWebApi(config: Config, logger: AppLogger, fetch: HttpFetch, retries = config.slack.apiRetries, callMs?: number, tokenWatch?: TokenWatch): SlackWebApi {
  return new SlackWebApi({ token: config.slack.botToken, apiUrl: config.slack.apiUrl, fetch, logger, retries, timeoutMs: SLACK_TIMEOUT_MS, callMs, ...(tokenWatch && { tokenWatch }) });
}

/**
 * Bolt's authorisation for this one workspace, as its own for a token (App.js singleAuthorization),
 * with the bot's IDs from SLACK_BOT_ID and SLACK_BOT_USER_ID or else from one auth.test per instance,
 * not one per request: through the app's own client, so within the bound of every other Slack call
 * on Lambda (LAMBDA_SLACK_CALL_MS), where Bolt's client, SLACK_API_RETRIES tries of 5 s each with any
 * Retry-After waited out, held an invocation past the function's timeout. A failed auth.test is not
 * kept, so the next request asks again; Bolt makes it an AuthorizationError (listenerErrorHandler).
 */
function botAuthorization(config: Config, slack: SlackApi): NonNullable<AppOptions['authorize']> {
  const botToken = config.slack.botToken;
  let ids: Promise<{ botId?: string; botUserId?: string }> | undefined = config.slack.bot && Promise.resolve(config.slack.bot);
  const botIds = () =>
    (ids ??= slack.auth.test().then(
      (auth) => ({ botId: auth.bot_id, botUserId: auth.user_id }),
      (err: unknown) => {
        ids = undefined;
        throw err;
      },
    ));
  return async ({ isEnterpriseInstall }) => ({ isEnterpriseInstall, botToken, ...(await botIds()) });
}

/** One Slack call that has not answered by then will not; a person is waiting. */
const SLACK_TIMEOUT_MS = 5_000;

/**
 * Bolt's own options, and those of its WebClient, whose only call is auth.test: at start on the
 * server (where slackAtStart tries again itself, so the client does not: `atStart`). On Lambda it
 * makes none: the app's own client does, once per instance (botAuthorization).
 */
function slackAppOptions(config: Config, logger: AppLogger, fetch: HttpFetch, { atStart = false } = {}): AppOptions {
  return {
    token: config.slack.botToken,
    // At start, slackAtStart says each failed try of auth.test, the only call of Bolt's client.
    logger: boltLogger(logger, { triesSaid: () => atStart }),
    // Bolt's conversation store (context.conversation) is unused here, and on every request it
    // looks one up and builds an Error with a stack trace for "not found".
    convoStore: false,
    // app.error is given the request and its context, to tell the person (listenerErrorHandler).
    extendedErrorHandler: true,
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      // The Web API client's default retries for about 30 minutes; a person is waiting.
      retryConfig: { retries: atStart ? 0 : config.slack.apiRetries, factor: 2, minTimeout: 500, maxTimeout: 2_000 },
      // And it would wait out any Retry-After, a minute or more, before a start could say anything.
      rejectRateLimitedCalls: atStart,
      timeout: SLACK_TIMEOUT_MS,
      fetch,
    },
  };
}

/** Every feature: adapters, flows and the Slack listeners that serve them, on either entry point. */
function registerFeatures(
  app: GuardedApp,
  config: Config,
  {
    aws,
    dynamo,
    probes,
    logger,
    clock,
    fetch,
    metrics,
    longPollMs,
  }: {
    /** Every AWS client's settings (awsClientSettings), as the clients passed in were built. */
    aws: AwsClientSettings;
    dynamo: DynamoDBClient;
    /** For the setup check's calls, which carry an abortSignal (see the server's `probes`); made when first needed if not given. */
    probes?: DynamoDBClient;
    logger: AppLogger;
    clock: Clock;
    fetch: HttpFetch;
    metrics: Metrics;
    longPollMs?: number;
  },
) {
  const audit = new DynamoDbAuditLog(dynamo, config.audit.tableName, config.audit.retentionDays, clock, logger);
  const limiter = new DynamoDbRateLimiter(dynamo, config.limits.tableName);
  const members = new SlackWorkspaceMembers(app.slack);
  // The admin check and what is offered, asking at once of the same person, share one users.info.
  const shared = new SharedAsks(members, clock);
  // Only for what is offered (the Home tab, `/reset`): who is asking is always users.info afresh, by `members`.
  const guests = new KnownGuests({ members: shared, clock, logger });
  // A key of its own, derived from the signing secret, so there is no extra secret to manage.
  const sealer = new Sealer(Buffer.from(hkdfSync('sha256', config.slack.signingSecret, 'latchkey', 'sealed-ticket v2', 32)));
  const context: AdapterContext = { aws, awsChanges: forChanges(aws), fetch, logger, clock, ...(longPollMs !== undefined && { longPollMs }) };

  const credentials = new Map<string, Resettable>(
    config.credentials.map(({ credential, settings }) => [
      credential.id,
      {
        id: credential.id,
        audit: credential.audit,
        directory: timed(onFirstUse<Directory>(() => credential.load(settings, context)), metrics, credential.id),
        changeTime: credential.changeTime(context.awsChanges),
        ...(credential.reviewFacts && { reviewFacts: true as const }),
        request: credential.words.request,
      },
    ]),
  );
  const licenses = config.licenses;
  const provider = licenses?.provider;
  const vocabulary = licenseVocabulary(config);
  const admins = new ConfiguredAdmins(new Set(config.admins.userIds), config.admins.usergroupId, app.slack, shared, clock, logger);
  const store = new DynamoDbPendingRequests(dynamo, config.approvalsTableName, clock);
  const licenseDirectory =
    provider && timed(onFirstUse<LicenseDirectory>(() => provider.credential.licenses!.load(provider.settings, context)), metrics, `${provider.credential.id}:licenses`);
  const auditDirectory = provider?.credential.licenses?.auditDirectory ?? '';
  // The kinds of pending request this deployment serves, and every known kind's words (past records are named whatever is on).
  const resetsApproved = [...config.policies.values()].includes('approval');
  const kinds: ApprovalKind[] = [
    ...(licenseDirectory ? [licenseKind(licenseDirectory, auditDirectory, logger)] : []),
    ...(resetsApproved ? [resetKind(credentials, members, logger)] : []),
  ];
  const approvalWords: ApprovalWords = {
    license: licenseKindWords(vocabulary),
    reset: resetKindWords(Object.fromEntries(CREDENTIALS.map((c) => [c.id, resetWordsOf(c)]))),
  };
  const approvals = new Approvals({
    kinds,
    admins,
    store,
    announcer: new SlackApprovalAnnouncer(app.slack, approvalsChannelInUse(config) ?? '', approvalWords, config.approvalResponseTime),
    audit,
    auditReader: audit,
    clock,
    logger,
    workspace: config.slack.workspace,
    limiter,
    metrics,
  });
  const resetApprovals = new ResetApprovals({ approvals, logger });

  const resetCredential = new ResetCredential({
    credentials,
    policies: config.policies,
    // The `approval` policy's branch of the gate: the request goes to the admins.
    approvals: resetApprovals,
    ...(config.verify && { verifier: policyVerifier(config.verify, context, metrics, new DynamoDbClosedWaits(dynamo, config.limits.tableName, clock)) }),
    members,
    audit,
    sealer,
    clock,
    logger,
    workspace: config.slack.workspace,
    limiter,
    metrics,
    limits: { perUserPerHour: config.limits.resetsPerUserPerHour, globalPerMinute: config.limits.resetsPerMinuteGlobal },
    // Only a Lambda work order has an end (call-deadline.ts): a change is sent only while its
    // credential's own time (Resettable.changeTime) and one Slack call to show its result still fit before it.
    workTime: { leftMs: slackTimeLeftMs, showMs: LAMBDA_SLACK_CALL_MS },
  });
  // Every credential's command is answered, so one this deployment does not serve says so.
  for (const credential of CREDENTIALS) {
    registerResetCommand(app, credential, resetCredential, logger);
    registerResetSubmission(app, credential, resetCredential, logger);
    registerResetCancel(app, credential, resetCredential, logger);
    registerResetWaitingClosed(app, credential, resetCredential, logger);
    registerHomeResetButton(app, credential, resetCredential, logger);
    registerResetInstead(app, credential, resetCredential, logger);
  }
  // One command for all of them: the Home tab's buttons, for what this deployment serves.
  registerResetPicker(app, CREDENTIALS.filter((c) => resetCredential.isEnabled(c.id)), guests, logger);

  const licenseRequests = new LicenseRequests({
    directory: licenseDirectory,
    licenses: vocabulary.kinds.map((k) => k.id),
    auditDirectory,
    members,
    approvals,
    sealer,
    clock,
    logger,
    workspace: config.slack.workspace,
    requestTtlHours: licenses?.requestTtlHours ?? 72,
    maxRequestsPerDay: config.limits.licenseRequestsPerDay,
    metrics,
  });
  registerLicenseCommand(app, licenseRequests, vocabulary, logger);
  registerLicenseRequestSubmission(app, licenseRequests, vocabulary, logger);
  registerHomeLicenseButton(app, licenseRequests, vocabulary, logger);
  registerApprovalReviewAction(app, approvals, approvalWords, logger);
  registerApprovalReviewDecisionPicked(app, approvals, logger);
  // A decision made from the Home tab republishes the deciding admin's tab (home and its words are made below).
  registerApprovalReviewSubmission(app, approvals, approvalWords, logger, (admin) => publishHome(app.slack, home, words, admin, logger));
  registerApprovalFinish(app, resetApprovals, resetCredential, clock, logger, (requester) => publishHome(app.slack, home, words, requester, logger));
  // A withdraw from the Home tab republishes the requester's tab.
  registerApprovalWithdraw(app, approvals, approvalWords, logger, (requester) => publishHome(app.slack, home, words, requester, logger));
  registerApprovalRevoke(app, approvals, approvalWords, logger, (requester) => publishHome(app.slack, home, words, requester, logger));

  const home = new HomeTab({
    credentials: [...credentials.keys()],
    audit,
    ...(approvals.enabled && { requests: approvals }),
    licenses: licenseRequests.enabled,
    // With no admin configured, the tab has no admin sections.
    ...((config.admins.userIds.length > 0 || config.admins.usergroupId) && { admins }),
    guests,
    workspace: config.slack.workspace,
    clock,
    logger,
  });
  const words = homeWords(vocabulary, approvalWords, kinds.map((k) => k.id), config.verify?.timeoutMs);
  registerHomeOpened(app, home, words, logger);
  registerHomeSearchButton(app, home, clock, logger);
  registerAuditSearchSubmission(app, home, words, logger);
  registerAuditSearchPage(app, home, words, logger);
  registerHomeAttentionButton(app, home, logger);
  // Marked handled: the admin's tab is published anew, without the item.
  registerAttentionHandledSubmission(app, home, logger, (admin) => publishHome(app.slack, home, words, admin, logger));
  let checkClient = probes;
  // Asked for by a click, which passed the signature check with SLACK_SIGNING_SECRET to get here (over Request URLs).
  registerHomeSetupCheckButton(app, home, () => runDoctor({ config, slack: app.slack, dynamo: (checkClient ??= new DynamoDBClient(aws)), context, askedBySignedRequest: true }), logger);
  registerAuditSearchAgain(app, clock, logger);

  app.error(listenerErrorHandler(logger, (body, viewId) => tellWorkFailed({ client: app.slack, fetch, logger, body, ...(viewId && { view: { viewId } }) })));

  return { credentials, licenseRequests, checkDirectories: (stopped: AbortSignal) => checkDirectoriesAtStart(config, context, logger, stopped) };
}

/** Checks of waiting pushes, at most this many a second for the whole process (see README, "Verify: the poll interval"). */
export const PUSH_CHECKS_PER_SECOND = 5;

/**
 * The `verify` policy's verifier (VERIFY_WITH): its adapter loaded on first use, one timer wheel for
 * every push waiting, and the closes of waiting modals, shared with every other instance.
 */
function policyVerifier(verify: NonNullable<Config['verify']>, context: AdapterContext, metrics: Metrics, closes: ClosedWaits): PolicyVerifier {
  const { plugin } = verify;
  const resetBy = CREDENTIALS.find((c) => c.id === plugin.resetBy);
  return {
    name: plugin.audit.verifier,
    app: plugin.words.app,
    service: plugin.words.service,
    // Its command from the registry; the flow names it only where this deployment serves it.
    ...(resetBy && { resetBy: { credential: resetBy.id, command: resetBy.command } }),
    mistake: plugin.words.mistake,
    ...(plugin.words.reasons && { reasons: new Set(Object.keys(plugin.words.reasons)) }),
    verifier: timed(onFirstUse<Verifier>(() => plugin.load(verify.settings, context)), metrics, `verify:${plugin.id}`),
    timeoutMs: verify.timeoutMs,
    perPersonPerHour: verify.perPersonPerHour,
    waiter: new TimerWheelWaiter({ intervalMs: verify.pollMs, perSecond: PUSH_CHECKS_PER_SECOND, clock: context.clock }),
    closes,
  };
}

/**
 * Bolt's HTTP receiver behind the request guard, built together: its own signature check is off
 * because the guard checks every request before it (request-guard.ts), so one never comes without
 * the other.
 */
/**
 * What the long-running receivers (HTTP, Socket Mode) stamp on each request as they read it: its
 * answer may be held until ANSWER_BY, and its trigger counts from ARRIVED_AT. One object and one
 * clock read: this is on the path that acknowledges Slack's commands.
 */
function arrivalProperties(): Record<string, number> {
  const now = Date.now();
  return { [ANSWER_BY]: now + ANSWER_HOLD_MS, [ARRIVED_AT]: now };
}

function guardedHttpReceiver(config: Config, logger: AppLogger, routes: CustomRoute[], metrics: Metrics): { receiver: HTTPReceiver; guard: RequestGuard } {
  const onError = processEventErrorHandler(logger);
  const bolts = boltLogger(logger);
  const receiver = new HTTPReceiver({
    signingSecret: config.slack.signingSecret,
    endpoints: EVENTS_PATH,
    customRoutes: routes,
    logger: bolts,
    bodyLimit: BODY_LIMIT_BYTES,
    processEventErrorHandler: onError,
    dispatchErrorHandler: dispatchErrorHandler(logger),
    customPropertiesExtractor: (req) => {
      bodyParsed(req);
      return arrivalProperties();
    },
    signatureVerification: false,
  });
  // Bolt hands its receiver the app (init); the guard offers that app each checked request first.
  let app: GuardedApp | undefined;
  const init = receiver.init.bind(receiver);
  receiver.init = (bolt) => {
    app = bolt instanceof GuardedApp ? bolt : undefined;
    init(bolt);
  };
  const guard = guardSlackRequests(receiver, {
    path: EVENTS_PATH,
    bodyLimit: BODY_LIMIT_BYTES,
    logger,
    metrics,
    routes,
    signingSecret: config.slack.signingSecret,
    answerOnArrival: (body, request, response) => {
      // Let go of once answered: the work after the answer can wait seconds for its turn or for a
      // directory, and needs neither again. Held to its end, each command of a burst of 400 kept
      // its request and response (about 4.5 KB) alive, to be copied by every young collection
      // meanwhile and then promoted (docs/performance.md, issue 28's fifth pass).
      const open: { request?: IncomingMessage; response?: ServerResponse } = { request, response };
      return (
        app?.answerOnArrival(body, {
          answer: () => {
            open.response?.writeHead(200).end();
            open.request = open.response = undefined;
          },
          failed: (error) => {
            if (open.request && open.response) void onError({ error: error as Error, logger: bolts, request: open.request, response: open.response, storedResponse: undefined });
            else errorAfterAcknowledgement(logger, error);
          },
          customProperties: arrivalProperties(),
        }) ?? false
      );
    },
  });
  return { receiver, guard };
}

/**
 * GET /healthz: 200 when the app is up and its audit table answers, 503 naming what fails.
 * The DynamoDB answer is cached briefly and bounded in time, so the probe itself stays quick.
 * A bot token Slack refuses stays 200, its body saying so: no new instance can mend it, and one taken
 * out of the load balancer would leave people with Slack's own error instead of Latchkey's words.
 * The watch knows only the last call Slack answered: while it says refused, the probe asks Slack
 * (auth.test, through the watched client, at most once per HEALTH_CACHE_MS and within 1 s), so a
 * refusal that ended with no request since does not say degraded all night. Not refused, it asks
 * Slack nothing.
 */
function healthCheck(dynamo: DynamoDBClient, auditTableName: string, logger: AppLogger, tokenWatch: TokenWatch, slack: SlackApi) {
  let slackAsked: number | undefined;
  const checkSlack = async (): Promise<void> => {
    if (!tokenWatch.refused || (slackAsked !== undefined && Date.now() - slackAsked < HEALTH_CACHE_MS)) return;
    const at = (slackAsked = Date.now());
    // Its answer is the watch's (an ok re-arms it); a failure says nothing more here.
    await withSlackDeadline(() => at + 1_000, () => slack.auth.test()).catch(() => undefined);
  };
  let cached: { at: number; dynamodb: 'ok' | 'failing' } | undefined;
  const checkDynamo = async (): Promise<'ok' | 'failing'> => {
    if (cached && Date.now() - cached.at < HEALTH_CACHE_MS) return cached.dynamodb;
    const result = await dynamo
      .send(new DescribeTableCommand({ TableName: auditTableName }), { abortSignal: AbortSignal.timeout(1_000) })
      .then(() => 'ok' as const)
      .catch((err: unknown) => {
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'health check: DynamoDB failing');
        return 'failing' as const;
      });
    cached = { at: Date.now(), dynamodb: result };
    return result;
  };
  const state = {
    ready: false,
    /** The start has just read the audit table: the first probes need not ask DynamoDB again (one round trip less to the first 200). */
    dynamoAnswered() {
      cached = { at: Date.now(), dynamodb: 'ok' };
    },
    route: {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        const answer = (status: number, body: object) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (!state.ready) return answer(503, { status: 'starting' });
        void Promise.all([checkDynamo(), checkSlack()]).then(([dynamodb]) => {
          const refused = tokenWatch.refused;
          answer(dynamodb === 'ok' ? 200 : 503, { status: dynamodb === 'ok' && !refused ? 'ok' : 'degraded', checks: { dynamodb, ...(refused && { slack: 'token_refused' }) } });
        });
      },
    } as CustomRoute,
  };
  return state;
}
