import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describeError, LatchkeyFailure } from '../flows/failure';
import type { RateLimiter } from '../flows/ports';
import { sentOnce, WriteToken } from '../storage/write-token';

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
  ) {}

  /**
   * Made twice by the SDK's retry (storage/write-token.ts), the ADD would count one use twice, or,
   * at the limit, refuse a use its first try counted. So each use writes a token of its own (a
   * WriteToken), and the ADD is made only if the window's last counted use is not this one
   * (`notOurs`): the retry of an ADD that was made fails its condition instead of counting again.
   * A use the condition refuses after the SDK sent it more than once is then checked
   * (countedAlready): if the window's last counted use is this one, its first try counted it, and
   * it is allowed; one refused at its only try (sentOnce) is at the limit, with no second write.
   * One attribute, whatever the limit (a set of every use's token would grow with the
   * organization-wide count, and every write's cost with it). What is left: another use of the
   * same key counted between the first try and its retry (both within one request timeout)
   * replaces the token, and the retry then counts again, or is refused at the limit: one use too
   * many on the count, never one too few.
   */
  async take(key: string, limit: number, windowMs: number, at: Date): Promise<{ ok: true } | { ok: false; retryAt: Date }> {
    const windowStart = at.getTime() - (at.getTime() % windowMs);
    const retryAt = new Date(windowStart + windowMs);
    const pk = `${key}#${windowStart}`;
    const token = new WriteToken();
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk }),
          UpdateExpression: `ADD hits :one SET expiresAt = :expires, ${token.set}`,
          ConditionExpression: `(attribute_not_exists(hits) OR hits < :limit) AND ${token.notOurs}`,
          ExpressionAttributeNames: token.names,
          ExpressionAttributeValues: marshall({
            ':one': 1,
            ':limit': limit,
            ':expires': Math.floor(retryAt.getTime() / 1000) + 86_400,
            ...token.values,
          }),
        }),
      );
      return { ok: true };
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw unavailable(err);
      // Refused at its only try: at the limit, with nothing of this use's own to find.
      if (sentOnce(err)) return { ok: false, retryAt };
    }
    try {
      return (await this.countedAlready(pk, token)) ? { ok: true } : { ok: false, retryAt };
    } catch (err) {
      throw unavailable(err);
    }
  }

  /**
   * Whether the window's last counted use is `token`'s: a write that changes nothing (the token
   * to the value it must already hold), made only if it holds it. A write rather than a GetItem,
   * so the role needs no more than the UpdateItem it has here; like every write, it sees every
   * write before it.
   */
  private async countedAlready(pk: string, token: WriteToken): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk }),
          UpdateExpression: `SET ${token.set}`,
          ConditionExpression: token.ours,
          ExpressionAttributeNames: token.names,
          ExpressionAttributeValues: marshall(token.values),
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /**
   * One conditional ADD of -1 to the window the use was counted in, which also records `useId`
   * there: a second give-back of the same use (a replayed request) fails the condition. So does
   * the SDK's retry of a give-back that was made and whose answer was lost: the use is given back
   * once, as it should be, and only the answer is false ("nothing to give back"), which the flows
   * use for a log line alone. Telling the two apart would take a token per call and a check after
   * the refusal, for a word in a log.
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
