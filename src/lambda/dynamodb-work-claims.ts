import { randomUUID } from 'node:crypto';
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '../flows/ports';
import type { WorkClaims, WorkOrder } from './work-order';

/** Kept a day: far past the 5 minutes in which a work order's signature is accepted at all. */
const CLAIM_KEPT_S = 86_400;

/**
 * Claims in the rate-limit table, the app's table of short-lived keys (rate-table.ts): one item
 * per work order, keyed by its Slack signature (unique to its timestamp and body), written only
 * if absent. The function's role may already UpdateItem there, so no new table or permission.
 *
 * Or if it holds this very claim: each claim has a token of its own (`writeId`, a random UUID
 * made before send). The SDK sends the write again when its answer was lost or late (the
 * request timeout), and DynamoDB may have made the first one; without the token the retry
 * failed its condition and the worker took its own claim for an earlier delivery's, and ignored
 * the work (a modal left loading, a reset never made). A second delivery of the order makes
 * another claim, with another token, and is still refused.
 */
export class DynamoDbWorkClaims implements WorkClaims {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async claim(order: WorkOrder): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `work#${order.signature}` }),
          UpdateExpression: 'SET expiresAt = :expires, writeId = :writeId',
          ConditionExpression: 'attribute_not_exists(pk) OR writeId = :writeId',
          // Made before send: the SDK's retries of this write carry the same values.
          ExpressionAttributeValues: marshall({ ':expires': Math.floor(this.clock.now().getTime() / 1000) + CLAIM_KEPT_S, ':writeId': randomUUID() }),
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }
}
