import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * What the answering invocation hands to the working one: the request exactly as Slack signed
 * it, so the worker checks the signature again instead of trusting whoever invoked it.
 */
export const workOrderSchema = z.object({
  kind: z.literal('latchkey.work'),
  body: z.string(),
  signature: z.string(),
  timestamp: z.string(),
  retryNum: z.number().int().optional(),
  retryReason: z.string().optional(),
  /**
   * The loading modal the answering invocation opened with the command's trigger, so the worker
   * never needs the trigger (it lives 3 s, and a cold worker may start after that).
   */
  opened: z
    .union([z.object({ ok: z.literal(true), viewId: z.string(), hash: z.string().optional() }), z.object({ ok: z.literal(false), reason: z.enum(['trigger_stale', 'trigger_expired', 'failed']), tokenRefused: z.literal(true).optional() })])
    .optional(),
  /** When the answering invocation sealed it (epoch ms), and its HMAC over every field above: see sealWorkOrder. */
  sealedAt: z.number().int().optional(),
  seal: z.string().optional(),
});

export type WorkOrder = z.infer<typeof workOrderSchema>;

/** The longest a work order may take to reach its worker: Lambda's maximum event age for it (the stack's ASYNC_MAX_EVENT_AGE). */
export const WORK_MAX_AGE_MS = 5 * 60_000;
/**
 * What a work order's Slack calls leave of its invocation's time: none starts, and none runs, later
 * than this before Lambda stops the invocation (call-deadline.ts, SlackWebApi). Slack's calls come
 * last or nearly: after the last of them any path makes at most two DynamoDB writes (the audit's
 * outcome record, then for a Finish click the request's settlement), each given up on Lambda within
 * about 4.35 s (four attempts of LAMBDA_DYNAMODB_REQUEST_TIMEOUT_MS and backoffs of at most 350 ms),
 * and the log lines are written as they come: 12 s leaves over 3 s to spare. A work order's Slack
 * calls end 12 s before the function does (its timeout, lambdaTimeoutS: 18 s into 30 s for one AWS
 * call, 39 s into 51 s for Entra's or Google's, later with the verify policy's wait), however many
 * there are and whatever Slack does.
 */
export const WORK_SLACK_RESERVE_MS = 12_000;

/**
 * The failed-work queue's settings (the stack's FailedWork): a record is received at most this many
 * times before it goes to the dead-letter queue, and is hidden for this many of the function's
 * timeouts after each receive, longer than the invocation handling it may run, so that a record
 * being handled is not handed out twice.
 */
export const FAILED_WORK_RECEIVES = 3;
export const FAILED_WORK_VISIBILITY_TIMEOUTS = 2;

/**
 * Beyond the queue's own bound (failedWorkMaxAgeMs): Slack's timestamp is up to 3 s before the seal
 * and the hand-off, clocks differ by a little, and the destination and the queue's poller each take
 * a moment to pass a record on.
 */
const FAILED_WORK_MARGIN_MS = 60_000;

/**
 * The longest a failed work order may take to come back through the on-failure queue, for a
 * function whose timeout is T (functionTimeoutS: lambdaTimeoutS, 30 to 51 s, plus the verify
 * policy's wait for a push, up to 300 s): the event age (5 min), the worker's timeout T, and three
 * receives of the queue's record, the first two each hidden for its visibility timeout (2 × T) and
 * the third run within T: 5 min + 6 T, and a minute's margin. 11.1 min at 51 s without verify;
 * 41.1 min at the most, 351 s. The receiver refuses an order older than that: it is a replay window
 * for orders Slack signed and we sealed, so no longer than a failure can take to come back. Derived
 * from the timeout the stack sets, by the same code (functionTimeoutS), so the two cannot drift.
 */
export function failedWorkMaxAgeMs(functionTimeoutS: number): number {
  const timeoutMs = functionTimeoutS * 1000;
  const queued = (FAILED_WORK_RECEIVES - 1) * FAILED_WORK_VISIBILITY_TIMEOUTS * timeoutMs + timeoutMs;
  return WORK_MAX_AGE_MS + timeoutMs + queued + FAILED_WORK_MARGIN_MS;
}

/**
 * The answering invocation's seal over the whole order. Slack's signature covers only the body and
 * its timestamp; the seal covers the rest as well (the loading modal's view ID in `opened`, the
 * retry fields) and when it was sealed, so whoever may invoke the function can neither point a
 * worker at another modal nor bring an old order back. The key is derived from the signing secret
 * for this one purpose.
 */
export class WorkOrderSeal {
  private readonly key: Buffer;

  constructor(signingSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', signingSecret, 'latchkey', 'work-order seal v1', 32));
  }

  seal(order: WorkOrder, now: number): WorkOrder {
    const sealed = { ...order, sealedAt: now };
    return { ...sealed, seal: this.mac(sealed) };
  }

  /** Whether the order is as sealed, and sealed no more than `maxAgeMs` ago (nor in the future). */
  holds(order: WorkOrder, now: number, maxAgeMs: number): boolean {
    if (order.seal === undefined || order.sealedAt === undefined) return false;
    const expected = Buffer.from(this.mac(order), 'utf8');
    const given = Buffer.from(order.seal, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    return order.sealedAt <= now + 60_000 && now - order.sealedAt <= maxAgeMs;
  }

  /** Every field but the seal, in a fixed order, so the same order always gives the same bytes. */
  private mac(order: WorkOrder): string {
    // tokenRefused is sealed only when set, so that an order sealed before it was known holds as it did.
    const opened =
      order.opened === undefined ? null : order.opened.ok ? [true, order.opened.viewId, order.opened.hash ?? null] : [false, order.opened.reason, ...(order.opened.tokenRefused ? [true] : [])];
    const fields = [order.kind, order.body, order.signature, order.timestamp, order.retryNum ?? null, order.retryReason ?? null, opened, order.sealedAt ?? null];
    return createHmac('sha256', this.key).update(JSON.stringify(fields)).digest('base64url');
  }
}

/** Where work goes once Slack has its answer; in Lambda, an asynchronous invocation of the same function. */
export interface WorkQueue {
  handOff(order: WorkOrder): Promise<void>;
}

/**
 * Lambda delivers an asynchronous invocation at least once, now and then twice. A work order is
 * claimed before it is worked, so a second delivery finds it taken and does nothing: run again, a
 * reset's second run would find its request already used and replace the secret on screen with
 * that refusal. `claim` resolves false when the order was claimed before, unless by the same `by`
 * (a failed-work record received again; a random claimant unless given).
 */
export interface WorkClaims {
  claim(order: WorkOrder, by?: string): Promise<boolean>;
}

/**
 * The name a work order's invocation fails with when Latchkey could not start for it (lambda.ts):
 * none of its work ran. Lambda's on-failure record carries it (responsePayload.errorType).
 */
export const NOT_STARTED_ERROR = 'LatchkeyNotStarted';

/**
 * What Lambda's on-failure destination delivers when a work order failed (the worker crashed, timed
 * out, or the order grew too old): its record, on an SQS queue the function reads, so that the
 * person is told instead of being left at "checking…".
 */
export const failedWorkSchema = z.object({
  Records: z
    .array(
      z.object({
        eventSource: z.literal('aws:sqs'),
        body: z
          .string()
          .transform((text, ctx) => {
            try {
              return JSON.parse(text) as unknown;
            } catch {
              ctx.addIssue({ code: 'custom', message: 'not JSON' });
              return z.NEVER;
            }
          })
          .pipe(
            z.object({
              // requestId: the failed invocation's, the same each time the queue brings its record back.
              requestContext: z.object({ condition: z.string(), requestId: z.string().optional() }),
              requestPayload: workOrderSchema,
              // What the invocation failed with, as Lambda's runtime reports a throw: its name.
              responsePayload: z.object({ errorType: z.string().optional() }).nullish(),
            }),
          ),
      }),
    )
    .min(1),
});
