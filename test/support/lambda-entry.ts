import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Writable } from 'node:stream';
import { approvalsTable } from '../../src/approvals/approvals-table';
import { auditTable } from '../../src/audit/audit-table';
import type { Config } from '../../src/config';
import { createLambdaHandler } from '../../src/lambda';
import { functionTimeoutS } from '../../src/lambda/function-time';
import { rateLimitTable } from '../../src/limits/rate-table';
import { CREDENTIALS } from '../../src/credentials';
import { createLogger } from '../../src/logger';
import { ensureTable } from '../../src/storage/ensure-table';
import { startLambdaSimulator, type LambdaSimulator } from './lambda-simulator';

export const FUNCTION_NAME = 'latchkey-test-handler';
export const SECRET_ARNS = {
  signingSecret: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:latchkey/slack-signing-secret-AbCdEf',
  botToken: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:latchkey/slack-bot-token-GhIjKl',
};

/** The credentials' own secret variables (Setting.secret), from the registry. */
export function credentialSecretVariables(): string[] {
  return [...new Set(CREDENTIALS.flatMap((c) => Object.entries(c.settings.variables).flatMap(([v, s]) => (s.secret ? [v] : []))))];
}

/** Where a credential's secret lives in the simulated Secrets Manager. */
export function credentialSecretArn(variable: string): string {
  return `arn:aws:secretsmanager:eu-west-1:111122223333:secret:latchkey/${variable.toLowerCase().replace(/_/g, '-')}-MnOpQr`;
}

/**
 * Latchkey as deployed on Lambda: the real handler (src/lambda.ts) behind a simulated function
 * URL, invoking itself through a simulated Lambda API and reading its Slack secrets from a
 * simulated Secrets Manager. Its environment holds the secrets' ARNs, never their values.
 * Started and stopped like the long-running app, so the harness can run the same tests on it.
 */
export function lambdaEntry(config: Config, env: Record<string, string>, sink: Writable, bundle?: string, awsRequestTimeoutMs?: number) {
  // The one-file bundle `npm run build:lambda` writes, when asked: what the stack deploys.
  const create: typeof createLambdaHandler = bundle ? (require(bundle) as typeof import('../../src/lambda')).createLambdaHandler : createLambdaHandler;
  let lambda: LambdaSimulator | undefined;
  const { SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken, DYNAMODB_CREATE_TABLES: _create, PORT: _port, ...rest } = env;
  // Each credential's own secrets too, as the stack deploys them: the value in Secrets Manager, its ARN in the environment.
  const own = Object.fromEntries(credentialSecretVariables().filter((v) => rest[v] !== undefined).map((v) => [v, rest[v]!]));
  for (const v of Object.keys(own)) delete rest[v];
  const lambdaEnv = {
    ...rest,
    SLACK_SIGNING_SECRET_ARN: SECRET_ARNS.signingSecret,
    SLACK_BOT_TOKEN_ARN: SECRET_ARNS.botToken,
    ...Object.fromEntries(Object.keys(own).map((v) => [`${v}_ARN`, credentialSecretArn(v)])),
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
  };
  let cold = 0;
  let handler: ReturnType<typeof createLambdaHandler> | undefined;
  return {
    lambdaEnv,
    /** The next `count` invocations each start a fresh instance: a cold start, secrets and all. */
    coldNext(count: number) {
      cold = count;
    },
    get lambda(): LambdaSimulator {
      if (!lambda) throw new Error('the Lambda entry has not started');
      return lambda;
    },
    async start(): Promise<{ port: number }> {
      // The stack creates the tables in production; the function itself may not.
      const dynamo = new DynamoDBClient({});
      for (const table of [auditTable(config.audit.tableName), approvalsTable(config.approvalsTableName), rateLimitTable(config.limits.tableName)]) {
        await ensureTable(dynamo, table);
      }
      dynamo.destroy();
      const logger = createLogger('debug', sink);
      handler = create(lambdaEnv, logger, { awsRequestTimeoutMs });
      lambda = await startLambdaSimulator({
        functionName: FUNCTION_NAME,
        handler: () => {
          if (cold > 0) {
            cold -= 1;
            handler = create(lambdaEnv, logger, { awsRequestTimeoutMs });
          }
          return handler!;
        },
        secrets: {
          [SECRET_ARNS.signingSecret]: signingSecret!,
          [SECRET_ARNS.botToken]: botToken!,
          ...Object.fromEntries(Object.entries(own).map(([v, value]) => [credentialSecretArn(v), value])),
        },
        // As the stack deploys it for this configuration: the credentials' change, and the verify policy's wait.
        functionTimeoutMs: functionTimeoutS(config) * 1000,
      });
      process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.apiUrl;
      process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = lambda.apiUrl;
      return { port: Number(new URL(lambda.functionUrl).port) };
    },
    async stop(): Promise<void> {
      await lambda?.close();
    },
  };
}
