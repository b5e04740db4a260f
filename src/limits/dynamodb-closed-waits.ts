import { GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describeError, LatchkeyFailure } from '../flows/failure';
import type { Clock } from '../flows/ports';
import type { ClosedWaits } from '../flows/verification';
import { CLOSE_KEY_PREFIX } from './rate-table';

/** Kept a day: far past any wait (the ticket's 10 minutes, then the push's timeout). */
const CLOSE_KEPT_S = 86_400;

/**
 * Closes of the modal waiting for a push, in the rate-limit table, the app's table of short-lived
 * keys (limits/rate-table.ts): one item per request (pk `close#<request ID>`) naming the Slack user
 * who closed it, and nothing else. Written with UpdateItem, which the role may already do there;
 * read with a strongly consistent GetItem, so a check made after the close has been recorded sees it.
 */
export class DynamoDbClosedWaits implements ClosedWaits {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async record(requestId: string, userId: string): Promise<'recorded' | 'taken'> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `${CLOSE_KEY_PREFIX}${requestId}` }),
          UpdateExpression: 'SET closedBy = :user, expiresAt = :expires',
          // The same person closing twice (Slack retries) records it again; nobody else's close is replaced.
          ConditionExpression: 'attribute_not_exists(pk) OR closedBy = :user',
          ExpressionAttributeValues: marshall({ ':user': userId, ':expires': Math.floor(this.clock.now().getTime() / 1000) + CLOSE_KEPT_S }),
        }),
      );
      return 'recorded';
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return 'taken';
      throw unavailable('write', err);
    }
  }

  async closedBy(requestId: string, userId: string): Promise<boolean> {
    try {
      const { Item } = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `${CLOSE_KEY_PREFIX}${requestId}` }),
          ConsistentRead: true,
          ProjectionExpression: 'closedBy',
        }),
      );
      // Only the requester's own close ends their wait.
      return Item?.closedBy?.S === userId;
    } catch (err) {
      throw unavailable('read', err);
    }
  }
}

function unavailable(what: 'read' | 'write', err: unknown): LatchkeyFailure {
  return new LatchkeyFailure('STORE_UNAVAILABLE', `closed wait ${what}: ${describeError(err)}`, { cause: err });
}
