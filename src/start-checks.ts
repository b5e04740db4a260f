import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { approvalsTable } from './approvals/approvals-table';
import { auditTable } from './audit/audit-table';
import { NO_AWS_CREDENTIALS, noAwsCredentials } from './aws/no-credentials';
import { awsCause, type SaidIn } from './aws/shared-causes';
import type { RetryOptions } from '@slack/web-api';
import type { Config } from './config';
import { failed, sayCausesOnce, type SetupCheck } from './doctor/setup-check';
import { networkErrorCode } from './http/network-errors';
import { describeError } from './flows/failure';
import type { Logger } from './flows/ports';
import { rateLimitTable } from './limits/rate-table';
import { SLACK_API_URL_DEFAULT } from './slack/api-url';
import { REFUSED_TOKEN_ERRORS } from './slack/slack-errors';
import type { TableDefinition } from './storage/ensure-table';
import { settledWithin } from './settled-within';

/**
 * A start that cannot go on: main.ts says each of its problems and exits 1. Each names the
 * variable or resource to fix and what to do, and never holds a secret; `message` is them all, as
 * the fatal log line says them.
 */
export class StartFailure extends Error {
  override readonly name = 'StartFailure';
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const each = typeof problems === 'string' ? [problems] : problems;
    super(each.join('; '));
    this.problems = each;
  }
}

/**
 * A failed start as a person at a terminal reads it, as the configuration check says its problems:
 * each problem on a line of its own with what to do, and where to look next. Never a stack trace.
 */
export function describeStartFailure(err: unknown): string {
  if (err instanceof StartFailure) {
    return ['Latchkey could not start:', ...err.problems.map((p) => `  - ${p}`), `Fix ${err.problems.length === 1 ? 'it' : 'each'}, then start Latchkey again; \`npm run doctor\` checks the whole setup without starting it.`].join('\n');
  }
  return [
    'Latchkey could not start:',
    `  - ${describeError(err)}`,
    'Latchkey does not know this error: `npm run doctor` checks the whole setup without starting it; if it finds nothing wrong, report this message.',
  ].join('\n');
}

/**
 * How long a start waits for a Slack it cannot reach: four tries, 1, 2 and 4 s apart, each a
 * single call with its own 5 s timeout (the clients' own retries are off at start): about 7 s when
 * nothing answers at once, about 30 s when something accepts the connection and never answers.
 */
export const SLACK_START_TRIES = 4;
const FIRST_WAIT_MS = 1_000;

/** Slack's own error codes are short snake_case words; anything else in their place is not Slack answering. */
const SLACK_ERROR_CODE = /^[a-z0-9_]{1,64}$/;

const NOT_SLACK = (method: string, what: string) => `SLACK_API_URL did not answer as Slack's API does (${method}: ${what}): check SLACK_API_URL (https://slack.com/api/ unless you go through a proxy)`;

/** The start's Slack calls, each with the token it is made with and what a refusal of that token asks for. */
const START_CALLS = {
  'auth.test': { token: 'SLACK_BOT_TOKEN', fix: "set the bot token from your app's OAuth & Permissions page (xoxb-…), and reinstall the app if it was revoked", other: 'check SLACK_BOT_TOKEN' },
  'apps.connections.open': {
    token: 'SLACK_APP_TOKEN',
    fix: "set an app-level token with connections:write from your app's Basic Information page (xapp-…)",
    other: "check SLACK_APP_TOKEN, and that Socket Mode is on in your app's settings",
  },
} as const;
type StartCall = keyof typeof START_CALLS;

/**
 * What a Slack call's failure at start means: a StartFailure when the answer will be the same next
 * time (a refused token, an address that is not Slack's API), or why Slack could not be reached,
 * when trying again may help.
 */
function slackStartProblem(err: unknown, method: StartCall): StartFailure | string {
  if (err instanceof StartFailure) return err;
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; retryAfter?: number; original?: { code?: unknown } };
  if (e.code === 'slack_webapi_platform_error') {
    const error = e.data?.error ?? 'unknown_error';
    const call = START_CALLS[method];
    // WebClient reads an answer that is not JSON (a web page at SLACK_API_URL) as an error whose code is the whole page.
    if (!SLACK_ERROR_CODE.test(error)) return new StartFailure(NOT_SLACK(method, "an answer that is not Slack's JSON"));
    if (REFUSED_TOKEN_ERRORS.has(error)) return new StartFailure(`${call.token} was refused by Slack (${method}: ${error}): ${call.fix}`);
    return new StartFailure(`Slack refused ${method} with ${error}: ${call.other}`);
  }
  // An answer that will be the same next time: a page that is not JSON, a 4xx, a redirect (not followed, so the token stays on its host).
  if (e.code === 'slack_webapi_http_error' && (e.statusCode ?? 0) < 500) return new StartFailure(NOT_SLACK(method, e.statusCode === 200 ? 'HTTP 200, not JSON' : `HTTP ${e.statusCode}`));
  if (e.code === 'slack_webapi_request_error' && e.original?.code === 'REDIRECT_REFUSED') return new StartFailure(NOT_SLACK(method, 'a redirect, which is not followed'));
  return e.code === 'slack_webapi_request_error'
    ? networkErrorCode(e.original)
    : e.code === 'slack_webapi_http_error'
      ? `HTTP ${e.statusCode}`
      : e.code === 'slack_webapi_rate_limited_error'
        ? `rate-limited by Slack, retry after ${e.retryAfter ?? '?'} s`
        : describeError(err);
}

/** SLACK_API_URL as it may be shown: without a user or password it may hold. */
function shownApiUrl(apiUrl: string): string {
  try {
    const url = new URL(apiUrl);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    // config.ts accepts only URLs; shown as given otherwise
    return apiUrl;
  }
}

/**
 * Where the start looks for Slack and what to check when it gets no answer, in words. Left unset,
 * SLACK_API_URL is slack.com's own address: the admin set nothing, so the words name slack.com and
 * the way to it, not a variable they never wrote; set, they name the variable and its value.
 */
export function slackAddress(apiUrl: string | undefined): { at: string; check: string } {
  const way = 'the network, DNS, and any proxy or firewall on the way';
  if (apiUrl === undefined || apiUrl === SLACK_API_URL_DEFAULT) return { at: `slack.com (${SLACK_API_URL_DEFAULT})`, check: `check that this machine can reach slack.com over HTTPS (port 443): ${way}` };
  return { at: `SLACK_API_URL (${shownApiUrl(apiUrl)})`, check: `check SLACK_API_URL, and that this machine can reach its address: ${way}` };
}
const UNREACHABLE = (tries: number, why: string, apiUrl: string | undefined) => {
  const { at, check } = slackAddress(apiUrl);
  return new StartFailure(`Slack could not be reached at ${at} after ${tries} tries (${why}): ${check}`);
};
/** One line per failed try at start, the only one (the Web API client's own 'http request failed' is not said then: boltLogger). */
const TRYING_AGAIN = (apiUrl: string | undefined) => `Slack not reachable at start; trying again: ${slackAddress(apiUrl).check}`;

/** What a start's try waits for: the call, and where it is sent (SLACK_API_URL, without a user or password it may hold). */
function waitingFor(method: StartCall, apiUrl: string | undefined): string {
  return apiUrl === undefined ? method : `${method} at ${shownApiUrl(apiUrl)}`;
}

/**
 * The start's Slack checks, made before the app listens: the token's auth.test (whose workspace
 * must be the configured one) and Bolt's own, which resolves the bot's IDs. A refused token, a
 * token of another workspace, or an address that answers but not as Slack's API does is a
 * StartFailure at once, naming what to fix; a Slack that cannot be reached (no answer, a 5xx, a
 * rate limit) is tried again within a bounded time, then a StartFailure naming where it was
 * looked for (slack.com, or SLACK_API_URL and its value).
 * (Left to Bolt, the call failed in a promise nobody awaited, and the app said it was ready.)
 */
export async function slackAtStart(
  init: () => Promise<void>,
  logger: Logger,
  { tries = SLACK_START_TRIES, firstWaitMs = FIRST_WAIT_MS, apiUrl }: { tries?: number; firstWaitMs?: number; apiUrl?: string } = {},
): Promise<void> {
  let wait = firstWaitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await init();
      return;
    } catch (err) {
      const why = slackStartProblem(err, 'auth.test');
      if (why instanceof StartFailure) throw why;
      if (attempt >= tries) throw UNREACHABLE(tries, why, apiUrl);
      logger.warn({ waitingFor: waitingFor('auth.test', apiUrl), attempt, tries, err: why, retryInMs: wait }, TRYING_AGAIN(apiUrl));
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait *= 2;
    }
  }
}

/**
 * Bolt's Socket Mode receiver connects when the app starts: apps.connections.open with the app
 * token, through a Web API client of its own that tries again 100 times, further apart each time
 * (SocketModeClient's default, kept for a connection lost later, which it opens again the same
 * way). While `starting()`, the start's bound holds instead: a Slack it cannot reach ends the try at
 * the SLACK_START_TRIES-th failure, each failure before it said as slackAtStart says it, and the
 * start stops with socketModeStartFailure's line. The error thrown is the client's own, which the
 * receiver gives up on (a rate limit is left to the receiver, which waits as Slack asks).
 * WebClient hands retryConfig to p-retry whole, onFailedAttempt included (its type names only
 * node-retry's options); start-failures.test.ts's Socket Mode tests fail if that changes.
 */
export function socketModeRetries(logger: Logger, starting: () => boolean, { tries = SLACK_START_TRIES, apiUrl }: { tries?: number; apiUrl?: string } = {}): RetryOptions & { onFailedAttempt(err: Error): void } {
  const factor = 1.3;
  const minTimeout = 1_000;
  return {
    retries: 100,
    factor,
    minTimeout,
    onFailedAttempt(err) {
      const e = err as Error & { code?: string; attemptNumber: number };
      if (!starting() || (e.code !== 'slack_webapi_request_error' && e.code !== 'slack_webapi_http_error')) return;
      const why = slackStartProblem(err, 'apps.connections.open');
      if (why instanceof StartFailure || e.attemptNumber >= tries) throw err;
      logger.warn(
        { waitingFor: waitingFor('apps.connections.open', apiUrl), attempt: e.attemptNumber, tries, err: why, retryInMs: Math.round(minTimeout * factor ** (e.attemptNumber - 1)) },
        TRYING_AGAIN(apiUrl),
      );
    },
  };
}

/**
 * How long a start waits for Socket Mode's WebSocket, from the moment Slack gave its URL: what the
 * start allows Slack's calls when something takes the connection and never answers (about 30 s).
 */
export const SOCKET_START_BOUND_MS = 30_000;

/** What a failed WebSocket at start asks to check: Slack's API answering proves nothing about it. */
const CHECK_SOCKET = (host: string) =>
  `check that this host may open a WebSocket (wss://, port 443) to ${host}: a proxy or firewall that lets Slack's API through may still refuse it`;

/** The events of Socket Mode's client the start watches (SocketModeClient is an EventEmitter). */
export interface SocketModeEvents {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an emitter's listeners take what each event carries
  on(event: string, listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as on
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * Socket Mode's WebSocket, at start, within the start's bound. Once apps.connections.open has given
 * its URL, SocketModeClient opens the socket and waits for Slack's hello; a socket that fails or
 * closes before it is opened again (a new URL, 5 s later), for good, and app.start() never ends
 * (a proxy that lets https://slack.com through and refuses WebSockets: the start hung, two error
 * lines every 5 s). Here each try that fails is one warn line, and the start stops at the
 * SLACK_START_TRIES-th, or when SOCKET_START_BOUND_MS have passed without a hello (a socket taken
 * and never answered), with a StartFailure naming what to check; `stop` closes the client first.
 * The socket's URL is said without its query, which holds a one-time ticket.
 */
export function socketModeWithinStartBound<T>(
  started: Promise<T>,
  client: SocketModeEvents,
  stop: () => Promise<unknown>,
  logger: Logger,
  { tries = SLACK_START_TRIES, boundMs = SOCKET_START_BOUND_MS }: { tries?: number; boundMs?: number } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let failed = 0;
    let why = 'closed before Slack said hello';
    let where = 'the WebSocket URL apps.connections.open gave';
    let host = 'wss-primary.slack.com';
    let deadline: NodeJS.Timeout | undefined;
    const onAuthenticated = (answer: { url?: string }) => {
      try {
        const url = new URL(String(answer.url));
        host = url.host;
        where = `${url.protocol}//${url.host}${url.pathname}`;
      } catch {
        // not a URL: the client fails on it, and the try is counted as it closes
      }
      deadline ??= setTimeout(() => giveUp(`no hello within ${boundMs / 1000} s`), boundMs);
    };
    const onError = (err?: unknown) => {
      const e = err as { original?: { cause?: unknown; code?: unknown } } | undefined;
      const code = networkErrorCode(e?.original?.cause ?? e?.original);
      why = code === 'Error' || code === 'TypeError' ? 'the connection failed' : code;
    };
    const onClose = () => {
      failed += 1;
      if (failed >= tries) return giveUp(why);
      logger.warn({ waitingFor: `Socket Mode's WebSocket at ${where}`, attempt: failed, tries, err: why }, `Slack's Socket Mode connection did not open at start; trying again: ${CHECK_SOCKET(host)}`);
      why = 'closed before Slack said hello';
    };
    const finish = () => {
      clearTimeout(deadline);
      client.off('authenticated', onAuthenticated);
      client.off('error', onError);
      client.off('close', onClose);
    };
    const giveUp = (reason: string) => {
      finish();
      const tried = failed === 0 ? '' : ` after ${failed} ${failed === 1 ? 'try' : 'tries'}`;
      reject(new StartFailure(`Slack's Socket Mode connection (${where}) did not open at start${tried} (${reason}): ${CHECK_SOCKET(host)}`));
      void stop().catch(() => undefined);
    };
    client.on('authenticated', onAuthenticated);
    client.on('error', onError);
    client.on('close', onClose);
    started.then(
      (value) => {
        finish();
        resolve(value);
      },
      (err: unknown) => {
        finish();
        reject(err);
      },
    );
  });
}

/**
 * Why the server could not listen on PORT, with what to do, or undefined for any other error. Node
 * says only 'listen EADDRINUSE: address already in use :::3000', which names neither the setting
 * nor a next step.
 */
export function listenFailure(err: unknown, port: number): StartFailure | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new StartFailure(
      `PORT ${port} is already in use by another process (another npm start, npm run sandbox, or another server): stop that process (\`ss -ltnp\` or \`lsof -i :${port}\` shows which), or set PORT to a free port`,
    );
  }
  if (code === 'EACCES') return new StartFailure(`PORT ${port} needs privileges this user lacks (ports below 1024 do): set PORT to 1024 or above, such as 3000, with a proxy or load balancer in front`);
  return undefined;
}

/** Why Socket Mode could not connect at start, in the start's words (slackAtStart's); any other error as it came. */
export function socketModeStartFailure(err: unknown, { tries = SLACK_START_TRIES, apiUrl }: { tries?: number; apiUrl?: string } = {}): unknown {
  if (!String((err as { code?: unknown })?.code).startsWith('slack_webapi_')) return err;
  const why = slackStartProblem(err, 'apps.connections.open');
  return why instanceof StartFailure ? why : UNREACHABLE(tries, why, apiUrl);
}

/**
 * Whether auth.test's answer is for the configured workspace (or, on Enterprise Grid, its org):
 * the line to show when it is not, naming both and what to change. The start stops on it; the
 * doctor shows it.
 */
export function tokenWorkspaceProblem(auth: { team_id?: string; enterprise_id?: string }, workspace: { teamId: string; enterpriseId?: string }): string | undefined {
  if (auth.team_id === workspace.teamId || (workspace.enterpriseId !== undefined && auth.enterprise_id === workspace.enterpriseId)) return undefined;
  return `the token is for workspace ${auth.team_id}, not SLACK_TEAM_ID ${workspace.teamId}: use the bot token of the app installed in ${workspace.teamId}, or correct SLACK_TEAM_ID`;
}

/** A table the app uses, by the variable that names it. */
export interface NamedTable {
  readonly variable: string;
  readonly tableName: string;
  /** Indexes the app queries. */
  readonly indexes: readonly string[];
}

/**
 * Waits for every start check, then fails with all they found: one StartFailure naming each
 * problem. What is not a StartFailure (a bug) is thrown as it is.
 */
export async function allStartChecks(checks: readonly (Promise<unknown> | undefined)[]): Promise<void> {
  const failed = (await Promise.allSettled(checks)).flatMap((c) => (c.status === 'rejected' ? [c.reason as unknown] : []));
  const bug = failed.find((e) => !(e instanceof StartFailure));
  if (bug !== undefined) throw bug;
  if (failed.length === 1) throw failed[0];
  if (failed.length > 1) throw new StartFailure(failed.flatMap((e) => (e as StartFailure).problems));
}

/** A table's line in the doctor, and what the start names a table by in a cause several tables share: "Table AUDIT_TABLE_NAME". */
export const tableCheckName = ({ variable }: Pick<NamedTable, 'variable'>): string => `Table ${variable}`;

/** Each table the app uses, by the variable that names it, with the indexes it queries. */
export function namedTables(config: Config): NamedTable[] {
  const named = (variable: string, table: TableDefinition): NamedTable => ({
    variable,
    tableName: table.create.TableName!,
    indexes: (table.create.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName!),
  });
  return [
    named('AUDIT_TABLE_NAME', auditTable(config.audit.tableName)),
    named('APPROVALS_TABLE_NAME', approvalsTable(config.approvalsTableName)),
    named('RATE_LIMIT_TABLE_NAME', rateLimitTable(config.limits.tableName)),
  ];
}

/**
 * Every table the app uses exists, with its indexes, and AWS credentials were found: each problem
 * is named at start instead of at an employee's first reset. A role without dynamodb:DescribeTable
 * on a table cannot check it: that is a warning, and the table is checked by its first use.
 *
 * The tables are asked at once: one after another, each was one more round trip before the first
 * /healthz could answer. Resolves with the names of the tables DynamoDB answered for.
 */
export async function tablesAtStart(dynamo: DynamoDBClient, tables: readonly NamedTable[], logger: Logger): Promise<Set<string>> {
  const found = await Promise.all(tables.map((table) => tableProblem(dynamo, table, { saidIn: 'start' })));
  const problems: SetupCheck[] = [];
  const answered = new Set<string>();
  for (const [i, table] of tables.entries()) {
    const problem = found[i];
    if (!problem) answered.add(table.tableName);
    // No usable region fails every table alike: said once, as the doctor says it, with what to set.
    else if (problem.cause?.name === 'AWS region') throw new StartFailure([problem.cause.detail, ...((await credentialsFound(dynamo)) ? [] : [NO_AWS_CREDENTIALS])]);
    else if (problem.kind === 'unchecked') logger.warn({ table: table.tableName, err: problem.message }, 'table not checked at start: the role may not describe it');
    else if (problem.kind === 'credentials') throw new StartFailure(problem.message);
    else problems.push({ ...failed(tableCheckName(table), `${table.variable}: ${problem.message}`), ...(problem.cause && { cause: problem.cause }) });
  }
  // A cause the tables share (AWS not answering) is said once, naming the tables, as the doctor says it.
  if (problems.length > 0) throw new StartFailure(sayCausesOnce(problems).map((p) => p.detail));
  return answered;
}

/**
 * Whether the SDK finds AWS credentials. Asked only when no region let a table be asked: the SDK
 * stops at the region before it looks for credentials, and a new deployment often has neither,
 * so both are said at once instead of one start each. Credentials it cannot settle within 5 s
 * are not blamed.
 */
async function credentialsFound(dynamo: DynamoDBClient): Promise<boolean> {
  try {
    return await settledWithin(dynamo.config.credentials().then(() => true as const), 5_000, true as const);
  } catch (err) {
    return !noAwsCredentials(err);
  }
}

/**
 * A table DynamoDB answers ResourceNotFoundException for, and what to do: the start's, the doctor's
 * and `npm run audit`'s one sentence for it.
 */
export function missingTable({ variable, tableName }: Pick<NamedTable, 'variable' | 'tableName'>, region: string, { createTables = false } = {}): string {
  return createTables
    ? `table ${tableName} does not exist in ${region} yet: the start makes it, as DYNAMODB_CREATE_TABLES=true asks; if it should exist already, check ${variable} and AWS_REGION`
    : `table ${tableName} does not exist in ${region}: deploy the stack (infra/), set ${variable} to its name, or in development start once with DYNAMODB_CREATE_TABLES=true`;
}

/** `message` says what is wrong and what to do; a doctor's line names the table's variable already, a start's fatal line adds it. */
/** `cause`: what fails every AWS call alike (no credentials, no region, no answer), which other checks may share. */
export type TableProblem = { kind: 'missing' | 'unreachable' | 'credentials' | 'unchecked' | 'index'; message: string; cause?: SetupCheck['cause'] };

/**
 * What is wrong with one table, or undefined when it exists with every index the app queries.
 * `createTables` (DYNAMODB_CREATE_TABLES) is what the start will do about a missing table or
 * index: the advice says so, instead of asking for a setting that is there already. `saidIn`:
 * the doctor's line, or the start's problem (awsCause's next step).
 */
export async function tableProblem(
  dynamo: DynamoDBClient,
  { variable, tableName, indexes }: NamedTable,
  { createTables = false, saidIn = 'check' }: { createTables?: boolean; saidIn?: SaidIn } = {},
): Promise<TableProblem | undefined> {
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: AbortSignal.timeout(10_000) });
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    const missing = indexes.filter((i) => !present.has(i));
    if (missing.length > 0) {
      const what = `table ${tableName} has no index ${missing.join(', ')}`;
      return {
        kind: 'index',
        message: createTables
          ? `${what}: the start adds it, as DYNAMODB_CREATE_TABLES=true asks; where the store cannot (dynalite), delete the table and start again to have it made anew`
          : `${what}: deploy the stack again (or, in development, delete the table and start with DYNAMODB_CREATE_TABLES=true)`,
      };
    }
    return undefined;
  } catch (err) {
    const cause = awsCause(err, saidIn);
    const problem = await tableReadProblem(err, cause, dynamo, { variable, tableName }, createTables);
    return cause ? { ...problem, cause } : problem;
  }
}

/** What a DescribeTable that failed says of the table: its own problem, or why it could not be asked. */
async function tableReadProblem(
  err: unknown,
  cause: SetupCheck['cause'],
  dynamo: DynamoDBClient,
  { variable, tableName }: Pick<NamedTable, 'variable' | 'tableName'>,
  createTables: boolean,
): Promise<TableProblem> {
  const e = err as { name?: string; message?: string };
  const region = await dynamo.config.region().catch(() => 'its region');
  // No credentials, or credentials AWS refuses: the words every AWS call's check says, the tables' too.
  if (cause?.name === 'AWS credentials') return { kind: 'credentials', message: cause.detail };
  switch (e.name) {
    case 'ResourceNotFoundException':
      return {
        kind: 'missing',
        message: missingTable({ variable, tableName }, region, { createTables }),
      };
    case 'AccessDeniedException':
      return { kind: 'unchecked', message: `${e.name}: dynamodb:DescribeTable on ${tableName}` };
    default:
      return {
        kind: 'unreachable',
        message: `table ${tableName} could not be read (${e.name === 'TimeoutError' || e.name === 'AbortError' ? 'no answer within 10 s' : networkErrorCode(err)}): check the network path to DynamoDB in ${region}, and AWS_REGION (or AWS_ENDPOINT_URL_DYNAMODB, if you set one)`,
      };
  }
}
