import { createLambdaLatchkey, readSecrets, type LambdaLatchkey } from './app';
import { describeProblems, loadConfig, secretVariables } from './config';
import { describeError } from './flows/failure';
import { readHttpEvent, type HttpAnswer } from './lambda/http-event';
import { workOrderSchema } from './lambda/work-order';
import { createLogger, type AppLogger } from './logger';
import { notStartedReply } from './views/not-started';

/**
 * The AWS Lambda entry point (handler `lambda.handler`), behind a function URL or API Gateway.
 * One function plays two parts: invoked over HTTP it answers Slack within its 3 s; invoked with a
 * work order by itself it does the work (lambda/hand-off-receiver.ts explains why).
 */
export type LambdaHandler = (event: unknown) => Promise<HttpAnswer | undefined>;

/**
 * Builds the handler over an environment. The Slack secrets are read from Secrets Manager at the
 * first invocation, and again only if that failed, so a secret put after a failed start is
 * picked up without a redeploy.
 */
export function createLambdaHandler(env: NodeJS.ProcessEnv, logger: AppLogger = createLogger(env.LOG_LEVEL ?? 'info')): LambdaHandler {
  let starting: Promise<LambdaLatchkey> | undefined;
  const coldStart = async (): Promise<LambdaLatchkey> => {
    const { SLACK_SIGNING_SECRET_ARN, SLACK_BOT_TOKEN_ARN, AWS_LAMBDA_FUNCTION_NAME: functionName } = env;
    if (!SLACK_SIGNING_SECRET_ARN || !SLACK_BOT_TOKEN_ARN || !functionName) {
      throw new Error('SLACK_SIGNING_SECRET_ARN, SLACK_BOT_TOKEN_ARN and AWS_LAMBDA_FUNCTION_NAME must be set');
    }
    // Slack's two, and those of the credentials the stack set up (each `<NAME>_ARN` it put here).
    const arns = Object.fromEntries(secretVariables().flatMap((v) => (env[`${v}_ARN`] ? [[v, env[`${v}_ARN`]!]] : [])));
    const secrets = await readSecrets(arns);
    const loaded = loadConfig({ ...env, ...secrets });
    if (!loaded.ok) throw new Error(describeProblems(loaded.problems));
    const latchkey = await createLambdaLatchkey(loaded.config, { logger, functionName });
    logger.info({ functionName }, 'Latchkey is ready (Lambda)');
    return latchkey;
  };

  return async (event) => {
    let latchkey: LambdaLatchkey;
    try {
      latchkey = await (starting ??= coldStart());
    } catch (err) {
      starting = undefined;
      logger.fatal({ err: describeError(err) }, 'Latchkey could not start');
      return cannotStart(event);
    }
    const order = workOrderSchema.safeParse(event);
    if (order.success) {
      await latchkey.receiver.work(order.data);
      return undefined;
    }
    const request = readHttpEvent(event);
    if (!request) {
      logger.warn({}, 'invoked with an event that is neither an HTTP request nor a work order');
      return undefined;
    }
    return latchkey.receiver.answer(request);
  };
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

let lambdaHandler: LambdaHandler | undefined;

export const handler: LambdaHandler = (event) => (lambdaHandler ??= createLambdaHandler(process.env))(event);
