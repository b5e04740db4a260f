/**
 * A local stand-in for what AWS puts around a Latchkey Lambda function, so the real handler runs
 * as it would deployed:
 * - a function URL: an HTTP server that turns each request into a payload-format-2.0 event, calls
 *   the handler and writes its answer back, as Lambda's function URLs do;
 * - the Lambda Invoke API (REST-JSON, `POST /2015-03-31/functions/<name>/invocations`), for the
 *   real LambdaClient: an `Event` invocation is answered 202 at once and the event runs later,
 *   on its own, as Lambda's asynchronous queue would;
 * - Secrets Manager's GetSecretValue (AWS JSON 1.1) for the real SecretsManagerClient;
 * - the on-failure destination of asynchronous invocations: an invocation that fails is delivered
 *   back to the function as an SQS event holding Lambda's destination record, as the stack's
 *   failed-work queue and its event source mapping do.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { SimError, SimState, serveOnLoopback, sigV4Scope, startSimServer, type SimCall, type SimRequest, type SimResponse } from '../../src/credentials/stand-in';
import { FAILED_WORK_RECEIVES } from '../../src/lambda/work-order';

export type Handler = (
  event: unknown,
  context: { getRemainingTimeInMillis(): number },
) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string } | undefined>;

type Operation = 'Invoke' | 'GetSecretValue';
type ErrorCode = 'AccessDeniedException' | 'ResourceNotFoundException' | 'ServiceException';

export interface LambdaSimulator {
  /** AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  readonly apiUrl: string;
  /** The function URL's base, e.g. http://127.0.0.1:1234 */
  readonly functionUrl: string;
  readonly functionName: string;
  /** ARN → value. */
  readonly secrets: Map<string, string>;
  readonly calls: ReturnType<SimState<Operation, ErrorCode>['controls']>['calls'];
  callsTo(operation: Operation): SimCall[];
  failNext(operation: Operation, code: ErrorCode, times?: number): void;
  /** Every HTTP answer the function gave, with when it was sent. */
  readonly answers: { path: string; statusCode: number; body: string; at: number }[];
  /** Asynchronous invocations that have finished (or failed). */
  readonly worked: { at: number; error?: string }[];
  /** Asynchronous invocations as they start, with when Lambda would stop each (its context's end). */
  readonly invocations: { at: number; endsAt: number }[];
  /** The function's timeout as the stack deploys it for the configuration (functionTimeoutS: the credentials' change, and the verify policy's wait). */
  readonly deployedTimeoutMs: number;
  /** How long each invocation may run (its context's getRemainingTimeInMillis): deployedTimeoutMs unless a test changes it. */
  functionTimeoutMs: number;
  /** Resolves once every queued asynchronous invocation has run. */
  idle(): Promise<void>;
  /**
   * Delivers the next asynchronous invocation twice, as Lambda's at-least-once queue now and then does.
   * Each delivery runs its hook, and waits for it, just before its invocation begins: `beforeSecond`
   * waiting makes a late duplicate; either may make its instance a cold one that cannot start.
   */
  deliverNextTwice(hooks?: { beforeFirst?: () => unknown; beforeSecond?: () => unknown }): void;
  /**
   * Delivers a work order to the function as Lambda's asynchronous queue would, for an order a test
   * sealed (a late or a repeated delivery); resolves once every queued invocation has run.
   */
  deliverWork(order: unknown): Promise<void>;
  /** The next asynchronous invocation begins only once `before` has resolved: a slow hand-off, a worker slow to start. */
  delayNextWork(before: () => unknown): void;
  /** The next asynchronous invocation fails without running (a crash, a timeout), and goes to the on-failure destination. */
  crashNextWork(): void;
  /**
   * The next asynchronous invocation runs its work to the end, then fails as one that timed out
   * there would (its last call hung): it goes to the on-failure destination once `beforeFailure` has
   * resolved, a record that comes back while its person carries on.
   */
  timeOutNextWorkAfterIt(hooks?: { beforeFailure?: () => unknown }): void;
  /** Destination records delivered back to the function (their condition), in order; once per receive. */
  readonly failuresDelivered: string[];
  /**
   * Destination records the function failed on every receive (FAILED_WORK_RECEIVES, as the stack's
   * queue allows), moved to the dead-letter queue: nobody was told.
   */
  readonly deadLetters: unknown[];
  /**
   * Delivers a failed work order's destination record to the function now, as the failed-work queue's
   * event source mapping would: for an order a test signed and sealed long ago, one that comes back late.
   * `errorType`: the name of what the invocation threw (a timeout's, unless given).
   */
  deliverFailedWork(order: unknown, errorType?: string): Promise<void>;
  close(): Promise<void>;
}

const STATUS: Record<ErrorCode, number> = { AccessDeniedException: 403, ResourceNotFoundException: 404, ServiceException: 500 };

export async function startLambdaSimulator(args: { functionName: string; handler: () => Handler; secrets: Record<string, string>; functionTimeoutMs: number }): Promise<LambdaSimulator> {
  const state = new SimState<Operation, ErrorCode>();
  const secrets = new Map(Object.entries(args.secrets));
  const answers: LambdaSimulator['answers'] = [];
  const worked: LambdaSimulator['worked'] = [];
  const invocations: LambdaSimulator['invocations'] = [];
  const timeout = { ms: args.functionTimeoutMs };
  /** Lambda's context for an invocation starting now: the time it has left until the function's timeout. */
  const contextFrom = (at: number) => ({ getRemainingTimeInMillis: () => at + timeout.ms - Date.now() });
  const queued = new Set<Promise<void>>();
  let deliverTwice: { beforeFirst?: () => unknown; beforeSecond?: () => unknown } | undefined;
  let crashNext = false;
  let delayNext: (() => unknown) | undefined;
  let timeOutAfter: { beforeFailure?: () => unknown } | undefined;
  const failuresDelivered: string[] = [];

  const deadLetters: unknown[] = [];
  /**
   * Lambda's record of a failed asynchronous invocation, on an SQS queue the function reads. A batch
   * the function fails on comes back once its visibility timeout is over (here at once), up to
   * FAILED_WORK_RECEIVES receives, then goes to the dead-letter queue.
   */
  const deliverFailure = async (payload: unknown, error: unknown) => {
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId: randomUUID(), functionArn: `arn:aws:lambda:eu-west-1:111122223333:function:${args.functionName}`, condition: 'RetriesExhausted', approximateInvokeCount: 1 },
      requestPayload: payload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      // As Lambda's Node.js runtime reports a handler's throw.
      responsePayload: { errorType: error instanceof Error ? error.name : 'Error', errorMessage: error instanceof Error ? error.message : String(error) },
    };
    const messageId = randomUUID();
    for (let receive = 1; receive <= FAILED_WORK_RECEIVES; receive++) {
      failuresDelivered.push(record.requestContext.condition);
      const batch = { Records: [{ messageId, receiptHandle: randomUUID(), eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: String(receive) }, body: JSON.stringify(record) }] };
      const handled = await args.handler()(batch, contextFrom(Date.now())).then(
        () => true,
        () => false,
      );
      if (handled) return;
    }
    deadLetters.push(record);
  };

  const runAsync = (payload: unknown, before?: () => unknown) => {
    const crash = crashNext;
    crashNext = false;
    const timesOut = timeOutAfter;
    timeOutAfter = undefined;
    // Lambda's queue: later, on its own; the caller has long had its 202.
    const run = new Promise<void>((resolve) => setTimeout(resolve, 1))
      .then(() => before?.())
      .then(() => {
        if (crash) throw new Error('Task timed out after 30.00 seconds');
        const at = Date.now();
        invocations.push({ at, endsAt: at + timeout.ms });
        return args.handler()(payload, contextFrom(at));
      })
      .then(async () => {
        if (!timesOut) return;
        await timesOut.beforeFailure?.();
        throw Object.assign(new Error('Task timed out after 30.00 seconds'), { name: 'Sandbox.Timedout' });
      })
      .then(
        () => void worked.push({ at: Date.now() }),
        (err: unknown) => {
          worked.push({ at: Date.now(), error: String(err) });
          return deliverFailure(payload, err);
        },
      );
    queued.add(run);
    void run.finally(() => queued.delete(run));
  };

  const handle = (req: SimRequest): SimResponse => {
    try {
      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url.pathname);
      if (invoke) {
        if (sigV4Scope(req.headers)?.service !== 'lambda') throw new SimError('AccessDeniedException', 'not signed for lambda');
        const name = decodeURIComponent(invoke[1]!);
        const type = req.headers['x-amz-invocation-type'];
        state.record('Invoke', { FunctionName: name, InvocationType: type });
        if (name !== args.functionName) throw new SimError('ResourceNotFoundException', `Function not found: ${name}`);
        if (type !== 'Event') throw new SimError('ServiceException', 'the simulator only queues Event invocations');
        const delay = delayNext;
        delayNext = undefined;
        runAsync(JSON.parse(req.body), deliverTwice?.beforeFirst ?? delay);
        if (deliverTwice) runAsync(JSON.parse(req.body), deliverTwice.beforeSecond);
        deliverTwice = undefined;
        return { status: 202, headers: {}, body: '' };
      }
      if (req.headers['x-amz-target'] === 'secretsmanager.GetSecretValue') {
        if (sigV4Scope(req.headers)?.service !== 'secretsmanager') throw new SimError('AccessDeniedException', 'not signed for secretsmanager');
        const { SecretId } = JSON.parse(req.body) as { SecretId: string };
        state.record('GetSecretValue', { SecretId });
        const value = secrets.get(SecretId);
        if (value === undefined) throw new SimError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        return json(200, { ARN: SecretId, Name: SecretId.split(':').pop(), SecretString: value, VersionId: randomUUID(), VersionStages: ['AWSCURRENT'] });
      }
      return json(404, { message: `no route for ${req.method} ${req.url.pathname}` });
    } catch (err) {
      if (!(err instanceof SimError)) throw err;
      const status = err.status ?? STATUS[err.code as ErrorCode] ?? 400;
      // REST-JSON (Lambda) reads the type from this header; JSON 1.1 (Secrets Manager) from __type.
      return { status, headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': err.code }, body: JSON.stringify({ __type: err.code, message: err.message }) };
    }
  };
  const idle = async () => {
    while (queued.size > 0) await Promise.allSettled([...queued]);
  };
  const api = await startSimServer(handle, () => state.latencyMs, () => state.released());

  const functionUrl = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://lambda-url');
      const body = Buffer.concat(chunks);
      const textual = /^(text\/|application\/json)/.test(req.headers['content-type'] ?? '');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
      const event = {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        requestContext: { http: { method: req.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' }, requestId: randomUUID() },
        // Function URLs hand a non-text body over in base64.
        ...(body.length > 0 && { body: textual ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !textual }),
      };
      args
        .handler()(event, contextFrom(Date.now()))
        .then((answer) => {
          const statusCode = answer?.statusCode ?? 200;
          answers.push({ path: url.pathname, statusCode, body: answer?.body ?? '', at: Date.now() });
          res.writeHead(statusCode, answer?.headers ?? {});
          res.end(answer?.body ?? '');
        })
        .catch(() => {
          // What a function URL answers when the function throws.
          res.writeHead(502);
          res.end('Internal Server Error');
        });
    });
  });
  const served = await serveOnLoopback(functionUrl);

  return {
    apiUrl: api.url,
    functionUrl: served.url,
    functionName: args.functionName,
    secrets,
    calls: state.calls,
    callsTo: (operation) => state.callsTo(operation),
    failNext: (operation, code, times) => state.failNext(operation, code, times),
    answers,
    worked,
    invocations,
    deployedTimeoutMs: args.functionTimeoutMs,
    get functionTimeoutMs() {
      return timeout.ms;
    },
    set functionTimeoutMs(ms: number) {
      timeout.ms = ms;
    },
    idle,
    deliverNextTwice: (hooks = {}) => {
      deliverTwice = hooks;
    },
    deliverWork: async (order) => {
      runAsync(order);
      await idle();
    },
    delayNextWork: (before) => {
      delayNext = before;
    },
    crashNextWork: () => {
      crashNext = true;
    },
    timeOutNextWorkAfterIt: (hooks = {}) => {
      timeOutAfter = hooks;
    },
    failuresDelivered,
    deadLetters,
    deliverFailedWork: (order, errorType) => deliverFailure(order, Object.assign(new Error('Task timed out'), errorType && { name: errorType })),
    async close() {
      await idle();
      await Promise.all([served.close(), api.close()]);
    },
  };
}

function json(status: number, body: unknown): SimResponse {
  return { status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) };
}
