import { createLambdaLatchkey, readSlackSecrets, type LambdaLatchkey } from './app';
import { describeProblems, loadConfig } from './config';
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
    const { SLACK_SIGNING_SECRET_ARN: signingSecret, SLACK_BOT_TOKEN_ARN: botToken, AWS_LAMBDA_FUNCTION_NAME: functionName } = env;
    if (!signingSecret || !botToken || !functionName) {
      throw new Error('SLACK_SIGNING_SECRET_ARN, SLACK_BOT_TOKEN_ARN and AWS_LAMBDA_FUNCTION_NAME must be set');
    }
    const secrets = await readSlackSecrets({ signingSecret, botToken });
    const loaded = loadConfig({ ...env, SLACK_SIGNING_SECRET: secrets.signingSecret, SLACK_BOT_TOKEN: secrets.botToken });
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
