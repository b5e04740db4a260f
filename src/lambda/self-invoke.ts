import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { WorkOrder, WorkQueue } from './work-order';

/**
 * Hands work to an asynchronous invocation of this same function. Lambda queues the event and
 * answers 202 at once; the stack sets no retries and a 5-minute maximum age, and the worker's
 * signature check refuses anything older than Slack's own 5-minute window anyway.
 */
export class SelfInvokeQueue implements WorkQueue {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
  ) {}

  async handOff(order: WorkOrder): Promise<void> {
    const answer = await this.lambda.send(
      new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(order)) }),
    );
    if (answer.StatusCode !== 202) throw new Error(`Lambda queued the work with status ${answer.StatusCode ?? 'unknown'}`);
  }
}
