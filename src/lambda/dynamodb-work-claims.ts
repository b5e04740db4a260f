import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '../flows/ports';
import { WriteToken } from '../storage/write-token';
import type { WorkClaims, WorkOrder } from './work-order';

/** Kept a day: far past the 5 minutes in which a work order's signature is accepted at all. */
const CLAIM_KEPT_S = 86_400;

/**
 * Claims in the rate-limit table, the app's table of short-lived keys (rate-table.ts): one item
 * per work order, keyed by its Slack signature (unique to its timestamp and body), written only
 * if absent. The function's role may already UpdateItem there, so no new table or permission.
 *
 * Or if it holds this very claim, sent again by the SDK (a WriteToken): without it the worker
 * took its own claim for an earlier delivery's, and ignored the work (a modal left loading, a
 * reset never made). A second delivery of the order makes another claim, with another token,
 * and is still refused. A failed-work record claims under its own ID (`by`), the same each time
 * its queue brings it back, so its earlier receive's claim is its own and not another delivery's.
 */
export class DynamoDbWorkClaims implements WorkClaims {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async claim(order: WorkOrder, by?: string): Promise<boolean> {
    const token = new WriteToken(undefined, by);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `work#${order.signature}` }),
          UpdateExpression: `SET expiresAt = :expires, ${token.set}`,
          ConditionExpression: token.orOurs('attribute_not_exists(pk)'),
          ExpressionAttributeNames: token.names,
          ExpressionAttributeValues: marshall({ ':expires': Math.floor(this.clock.now().getTime() / 1000) + CLAIM_KEPT_S, ...token.values }),
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }
}
