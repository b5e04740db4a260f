import { createLambdaLatchkey, readSecrets, type LambdaLatchkey } from './app';
import { describeProblems, loadConfig, secretVariables } from './config';
import { describeError } from './flows/failure';
import { timeoutShortfall } from './lambda/function-time';
import { readHttpEvent, type HttpAnswer } from './lambda/http-event';
import { failedWorkSchema, NOT_STARTED_ERROR, workOrderSchema } from './lambda/work-order';
import pino from 'pino';
import { createLogger, type AppLogger } from './logger';
import { notStartedReply } from './views/not-started';

/**
 * The AWS Lambda entry point (handler `lambda.handler`), behind a function URL or API Gateway.
 * One function plays two parts: invoked over HTTP it answers Slack within its 3 s; invoked with a
 * work order by itself it does the work (lambda/hand-off-receiver.ts explains why).
 */
export type LambdaHandler = (event: unknown, context?: LambdaContext) => Promise<HttpAnswer | undefined>;

/** What the handler reads of Lambda's context object: how long the invocation has before Lambda stops it. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** After a request whose signature failed, the signing secret is read again at most this often. */
export const SECRET_REREAD_MS = 60_000;

/**
 * Builds the handler over an environment. The secrets are read from Secrets Manager at the first
 * invocation, and again only if that failed, so a secret put after a failed start is picked up
 * without a redeploy. A signature that fails may mean the signing secret was rotated: it is read
 * again then, at most once a minute, and if it changed the app is rebuilt with it and the request
 * tried once more, so a rotation costs no window of 401s.
 *
 * Log lines go to stdout synchronously, and are flushed before the invocation returns: Lambda
 * freezes the process once the handler has answered.
 */
export function createLambdaHandler(
  env: NodeJS.ProcessEnv,
  logger: AppLogger = lambdaLogger(env.LOG_LEVEL ?? 'info'),
  { awsRequestTimeoutMs }: { awsRequestTimeoutMs?: number } = {},
): LambdaHandler {
  let starting: Promise<{ latchkey: LambdaLatchkey; signingSecret: string }> | undefined;
  let rereadAt = 0;
  /** The function's timeout, read at the first cold start (Lambda says it nowhere else). */
  let measuredTimeoutS: number | undefined;
  const arns = () => Object.fromEntries(secretVariables().flatMap((v) => (env[`${v}_ARN`] ? [[v, env[`${v}_ARN`]!]] : [])));
  /** `timeLeftMs`: at a cold start, what its invocation had left when it began, so the function's timeout (Lambda says it nowhere else). */
  const build = async (secrets: Record<string, string>, timeLeftMs?: number) => {
    const loaded = loadConfig({ ...env, ...secrets });
    if (!loaded.ok) throw new Error(describeProblems(loaded.problems));
    if (timeLeftMs !== undefined) measuredTimeoutS = Math.ceil(timeLeftMs / 1000);
    // A configuration that needs a longer function than this one (VERIFY_TIMEOUT_SECONDS raised on
    // it by hand, its timeout lowered) pages an operator, and says what to set, but still starts:
    // each change checks the time it has left (OUT_OF_TIME) and a push cut short changes nothing,
    // so everything that fits is served, where refusing to start would serve nobody.
    const shortfall = measuredTimeoutS === undefined ? undefined : timeoutShortfall(loaded.config, measuredTimeoutS);
    if (shortfall !== undefined) logger.error({ alert: true, problem: shortfall }, "this function's timeout is shorter than its settings need");
    const latchkey = await createLambdaLatchkey(loaded.config, { logger, functionName: env.AWS_LAMBDA_FUNCTION_NAME!, awsRequestTimeoutMs, measuredTimeoutS });
    logger.info({ functionName: env.AWS_LAMBDA_FUNCTION_NAME }, 'Latchkey is ready (Lambda)');
    return { latchkey, signingSecret: loaded.config.slack.signingSecret };
  };
  const coldStart = async (timeLeftMs: number | undefined) => {
    const { SLACK_SIGNING_SECRET_ARN, SLACK_BOT_TOKEN_ARN, AWS_LAMBDA_FUNCTION_NAME: functionName } = env;
    if (!SLACK_SIGNING_SECRET_ARN || !SLACK_BOT_TOKEN_ARN || !functionName) {
      throw new Error('SLACK_SIGNING_SECRET_ARN, SLACK_BOT_TOKEN_ARN and AWS_LAMBDA_FUNCTION_NAME must be set');
    }
    // Slack's two, and those of the credentials the stack set up (each `<NAME>_ARN` it put here).
    return build(await readSecrets(arns(), logger), timeLeftMs);
  };
  /** The signing secret may have been rotated: read the secrets again (at most once a minute); true when the app was rebuilt. */
  const rotated = async (current: string): Promise<boolean> => {
    if (Date.now() - rereadAt < SECRET_REREAD_MS) return false;
    rereadAt = Date.now();
    let secrets: Record<string, string>;
    try {
      secrets = await readSecrets(arns(), logger);
    } catch (err) {
      // A warning, never a page: on a warm instance only a request that failed the signature check
      // gets here, and Slack's own pass it, so an outsider's forged requests would time the page.
      // An instance that cannot read its secrets at its start still pages, by its fatal line.
      logger.warn(
        { err: describeError(err) },
        "could not read the secrets again after a request failed the signature check: a request signed with a rotated Slack signing secret gets 401 until they can be read; check the secrets and the function role's ReadSecrets",
      );
      return false;
    }
    // As the config reads it (trimmed): a secret stored with its line end is the same secret.
    if (secrets.SLACK_SIGNING_SECRET?.trim() === current) return false;
    // Read, but refused (the configuration's problems) or failing to start: said as such, not as a
    // read that failed, which sent the operator to Secrets Manager and the role for nothing.
    try {
      const rebuilt = build(secrets);
      await rebuilt;
      starting = rebuilt;
    } catch (err) {
      logger.error({ err: describeError(err), alert: true }, 'the Slack signing secret changed, but Latchkey could not start with the secrets read again: it goes on with the old one');
      return false;
    }
    logger.warn({}, 'the Slack signing secret changed; Latchkey now uses the new one');
    return true;
  };

  const handle = async (event: unknown, receivedAt: number, endsAt: (() => number) | undefined): Promise<HttpAnswer | undefined> => {
    let started: { latchkey: LambdaLatchkey; signingSecret: string };
    try {
      // Read as the invocation begins: its time left is then the function's timeout, to the millisecond.
      started = await (starting ??= coldStart(endsAt && endsAt() - Date.now()));
    } catch (err) {
      starting = undefined;
      logger.fatal({ err: describeError(err) }, 'Latchkey could not start');
      // A work order's person waits on a window only a started app can update. Failing the
      // invocation hands the order to Lambda: with the stack's settings (no retries) to the
      // on-failure destination, whose record an instance that starts tells to its person (failed);
      // a record of it that comes back here goes back to its queue, read again later, then to the
      // dead-letter queue. Nothing was said meanwhile, so a retry that starts (a function set up
      // with Lambda's own retries) works the order as if nothing had happened, and nobody is told
      // twice. Answering nothing would drop it, and leave the person at "checking…".
      if (workOrderSchema.safeParse(event).success || failedWorkSchema.safeParse(event).success) throw new NotStartedError();
      return cannotStart(event);
    }
    const { latchkey } = started;
    const order = workOrderSchema.safeParse(event);
    if (order.success) {
      const worked = await latchkey.receiver.work(order.data, endsAt);
      if (worked === 'refused' && (await rotated(started.signingSecret))) await (await starting!).latchkey.receiver.work(order.data, endsAt);
      return undefined;
    }
    const failures = failedWorkSchema.safeParse(event);
    if (failures.success) {
      // Each record on its own: one that cannot be told goes back to the queue, the others are done.
      for (const { body } of failures.data.Records) {
        await latchkey.receiver.failed(body.requestPayload, body.requestContext.condition, {
          notRun: body.responsePayload?.errorType === NOT_STARTED_ERROR,
          recordId: body.requestContext.requestId,
        });
      }
      return undefined;
    }
    const request = readHttpEvent(event);
    if (!request) {
      logger.warn({}, 'invoked with an event that is neither an HTTP request nor a work order');
      return undefined;
    }
    const answer = await latchkey.receiver.answer(request, receivedAt);
    if (answer.statusCode === 401 && (await rotated(started.signingSecret))) return (await starting!).latchkey.receiver.answer(request, receivedAt);
    return answer;
  };

  return async (event, context) => {
    // Before any cold start: the trigger_id's 3 s were already running. The function's end is read
    // from its context when needed (Lambda counts it down itself).
    const receivedAt = performance.now();
    const endsAt = context ? () => Date.now() + context.getRemainingTimeInMillis() : undefined;
    try {
      return await handle(event, receivedAt, endsAt);
    } finally {
      logger.flush();
    }
  };
}

/** The Lambda's logger: standard output, written synchronously, so nothing waits in a buffer when Lambda freezes the process. */
export function lambdaLogger(level: string): AppLogger {
  return createLogger(level, pino.destination({ dest: 1, sync: true }));
}

/**
 * Without its secrets the app cannot check a signature, so it answers nothing in substance; a
 * person who typed a command still learns that it did not run and what to do.
 */
function cannotStart(event: unknown): HttpAnswer | undefined {
  const request = readHttpEvent(event);
  if (!request) return undefined;
  if (new URLSearchParams(request.body).has('command')) {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(notStartedReply()) };
  }
  return { statusCode: 503 };
}

/**
 * What the invocation fails with when Latchkey could not start for work. Lambda writes a throw's
 * name and message into the on-failure record and its log: its own words only, never the start's
 * error, which the fatal line already gives the operator.
 */
export class NotStartedError extends Error {
  override readonly name = NOT_STARTED_ERROR;
  constructor() {
    super('Latchkey could not start (see the fatal line before this)');
  }
}

let lambdaHandler: LambdaHandler | undefined;

export const handler: LambdaHandler = (event, context) => (lambdaHandler ??= createLambdaHandler(process.env))(event, context);
