import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { isValidSlackRequest } from '../slack/bolt';
import { describeError } from '../flows/failure';
import type { Logger } from '../flows/ports';
import { UnexpectedPayloadError } from '../slack/guarded-app';
import { parseSlackBody, refuseBody, refuseContentType } from '../slack/slack-request-body';
import { notStartedReply, notStartedView } from '../views/not-started';
import type { HttpAnswer, HttpRequest } from './http-event';
import type { WorkClaims, WorkOrder, WorkQueue } from './work-order';

const EVENTS_PATH = '/slack/events';

/**
 * Bolt in Lambda, in two invocations. Lambda freezes a function once it has answered, and Bolt's
 * own AwsLambdaReceiver answers only after every listener has finished: Slack's 3 s would then
 * cover all of the work, and a submission's acknowledgement ("Resetting…") would reach Slack after
 * the modal already showed the secret, and replace it.
 *
 * So the same listeners run twice. Answering Slack, `answer` runs them only until ack(): ack() sends
 * the answer and never returns, and the rest is dropped. Before answering, it queues a work order
 * (the signed request as received) for an asynchronous invocation of the same function. There,
 * `work` checks the signature again and runs the listeners to the end with an ack() that does
 * nothing, as Slack already has its answer. Everything a listener does before ack() is a pure
 * reading of the payload, so both runs reach the same ack().
 */
export class HandOffReceiver implements Receiver {
  private app?: App;

  constructor(
    private readonly options: { signingSecret: string; queue: WorkQueue; claims: WorkClaims; logger: Logger },
  ) {}

  init(app: App): void {
    this.app = app;
  }

  // Lambda starts and stops the process; there is nothing to listen on.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** The invocation Slack is waiting on: check, acknowledge, queue the work, answer. */
  async answer(request: HttpRequest): Promise<HttpAnswer> {
    const { logger } = this.options;
    if (request.method === 'GET' && request.path === '/healthz') return json(200, { status: 'ok' });
    if (request.method !== 'POST' || request.path !== EVENTS_PATH) return { statusCode: 404 };
    const refusal = refuseContentType(request.headers['content-type']) ?? refuseBody(request.body);
    if (refusal) {
      logger.warn({ status: refusal.status, reason: refusal.reason }, 'request refused');
      return { statusCode: refusal.status };
    }
    const order: WorkOrder = {
      kind: 'latchkey.work',
      body: request.body,
      signature: request.headers['x-slack-signature'] ?? '',
      timestamp: request.headers['x-slack-request-timestamp'] ?? '',
      ...retryOf(request.headers),
    };
    if (!this.signedBySlack(order)) {
      logger.warn({ status: 401 }, 'request refused: signature or timestamp invalid');
      return { statusCode: 401 };
    }
    const body = parseSlackBody(order.body);
    // Slack checks a slash command's certificate now and then with ssl_check=1; it needs only a 200.
    if (body.ssl_check) return { statusCode: 200 };

    const acknowledged = await this.runUntilAck(body, order);
    if (acknowledged instanceof Error) {
      const refused = acknowledged instanceof UnexpectedPayloadError;
      logger.warn({ err: describeError(acknowledged), status: refused ? 400 : 500 }, 'request not handled');
      return { statusCode: refused ? 400 : 500 };
    }
    if (!acknowledged) {
      logger.warn({ status: 404 }, 'no listener acknowledged the request');
      return { statusCode: 404 };
    }
    try {
      await this.options.queue.handOff(order);
    } catch (err) {
      logger.error({ err: describeError(err) }, 'could not hand the work off');
      if (typeof body.command === 'string') return json(200, notStartedReply());
      if (body.type === 'view_submission') return json(200, { response_action: 'update', view: notStartedView() });
      return { statusCode: 200 };
    }
    return acknowledged;
  }

  /** The asynchronous invocation: the same request, run to the end, once. */
  async work(order: WorkOrder): Promise<void> {
    const { logger, claims } = this.options;
    if (!this.signedBySlack(order)) {
      logger.error({}, 'work order refused: not signed by Slack, or older than 5 minutes');
      return;
    }
    // Without the claim the work still runs: a second delivery is rare, and the audit log's
    // conditional writes still stop a second reset; a person left waiting is not.
    const first = await claims.claim(order).catch((err: unknown) => {
      logger.warn({ err: describeError(err) }, 'could not claim the work order; working it anyway');
      return true;
    });
    if (!first) {
      logger.info({}, 'work order delivered again; already worked, so ignored');
      return;
    }
    await this.app!.processEvent(this.event(parseSlackBody(order.body), order, async () => {})).catch((err: unknown) =>
      logger.error({ err: describeError(err) }, 'work failed'),
    );
  }

  private async runUntilAck(body: Record<string, unknown>, order: WorkOrder): Promise<HttpAnswer | Error | undefined> {
    let answered!: (answer: HttpAnswer) => void;
    const acked = new Promise<HttpAnswer>((resolve) => (answered = resolve));
    const ack = async (response?: unknown) => {
      answered(ackAnswer(response));
      // Never settles: what follows ack() belongs to the worker.
      return new Promise<void>(() => {});
    };
    const finished = this.app!.processEvent(this.event(body, order, ack)).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
    return Promise.race([acked, finished]);
  }

  private event(body: Record<string, unknown>, order: WorkOrder, ack: ReceiverEvent['ack']): ReceiverEvent {
    return { body, ack, retryNum: order.retryNum, retryReason: order.retryReason, customProperties: {} };
  }

  private signedBySlack(order: WorkOrder): boolean {
    return isValidSlackRequest({
      signingSecret: this.options.signingSecret,
      body: order.body,
      headers: { 'x-slack-signature': order.signature, 'x-slack-request-timestamp': Number(order.timestamp) },
    });
  }
}

function ackAnswer(response: unknown): HttpAnswer {
  if (response === undefined || response === '') return { statusCode: 200 };
  if (typeof response === 'string') return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: response };
  return json(200, response);
}

function json(statusCode: number, body: unknown): HttpAnswer {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function retryOf(headers: Readonly<Record<string, string>>): Pick<WorkOrder, 'retryNum' | 'retryReason'> {
  const num = Number(headers['x-slack-retry-num']);
  return {
    ...(Number.isInteger(num) && { retryNum: num }),
    ...(headers['x-slack-retry-reason'] && { retryReason: headers['x-slack-retry-reason'] }),
  };
}
