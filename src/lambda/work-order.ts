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
