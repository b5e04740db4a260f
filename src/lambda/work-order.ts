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
    .union([z.object({ ok: z.literal(true), viewId: z.string() }), z.object({ ok: z.literal(false), reason: z.enum(['trigger_stale', 'trigger_expired', 'failed']) })])
    .optional(),
});

export type WorkOrder = z.infer<typeof workOrderSchema>;

/** Where work goes once Slack has its answer; in Lambda, an asynchronous invocation of the same function. */
export interface WorkQueue {
  handOff(order: WorkOrder): Promise<void>;
}

/**
 * Lambda delivers an asynchronous invocation at least once, now and then twice. A work order is
 * claimed before it is worked, so a second delivery finds it taken and does nothing: run again, a
 * reset's second run would find its request already used and replace the secret on screen with
 * that refusal. `claim` resolves false when the order was claimed before.
 */
export interface WorkClaims {
  claim(order: WorkOrder): Promise<boolean>;
}

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
          .pipe(z.object({ requestContext: z.object({ condition: z.string() }), requestPayload: workOrderSchema })),
      }),
    )
    .min(1),
});
