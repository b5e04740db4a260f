import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describeError, LatchkeyFailure } from '../flows/failure';
import type { Clock, RateLimiter } from '../flows/ports';

/**
 * Fixed-window counters in DynamoDB: one conditional ADD per use, so every instance shares the
 * count and two racing requests cannot both take the last use. A fixed window lets a person use
 * the limit at the end of one window and again at the start of the next; for "a few resets an
 * hour" that is an acceptable price for a single write.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async take(key: string, limit: number, windowMs: number, at: Date): Promise<{ ok: true } | { ok: false; retryAt: Date }> {
    const windowStart = at.getTime() - (at.getTime() % windowMs);
    const retryAt = new Date(windowStart + windowMs);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `${key}#${windowStart}` }),
          UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeValues: marshall({
            ':one': 1,
            ':limit': limit,
            ':expires': Math.floor(retryAt.getTime() / 1000) + 86_400,
          }),
        }),
      );
      return { ok: true };
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return { ok: false, retryAt };
      throw unavailable(err);
    }
  }

  /**
   * One conditional ADD of -1 to the window the use was counted in, which also records `useId`
   * there: a second give-back of the same use (a replayed request) fails the condition.
   */
  async giveBack(key: string, windowMs: number, countedAt: Date, useId: string): Promise<boolean> {
    const at = countedAt.getTime();
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `${key}#${at - (at % windowMs)}` }),
          UpdateExpression: 'ADD hits :minusOne, givenBack :use',
          ConditionExpression: 'hits > :zero AND NOT contains(givenBack, :useId)',
          ExpressionAttributeValues: marshall({ ':minusOne': -1, ':zero': 0, ':use': new Set([useId]), ':useId': useId }),
        }),
      );
      return true;
    } catch (err) {
      // Given back already, or the window has gone (TTL): nothing to give back.
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw unavailable(err);
    }
  }
}

/** Not knowing the count is not a licence to reset: fail closed like the audit log. */
function unavailable(err: unknown): LatchkeyFailure {
  return new LatchkeyFailure('STORE_UNAVAILABLE', `rate limit ${describeError(err)}`, { cause: err });
}
