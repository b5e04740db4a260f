import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '../flows/ports';
import { ALERT_KEY_PREFIX } from '../limits/rate-table';
import { WriteToken } from '../storage/write-token';

/** How long one instance's page for a lasting fault stands for every instance. */
export const PAGE_MARK_S = 3_600;

/**
 * One page an hour for a fault every Lambda instance meets alike (Slack refusing the bot token):
 * each instance has its own TokenWatch, and AlertsAlarm pages on the move into ALARM, so after 5
 * quiet minutes each new instance paged again. A mark in the rate-limit table, written only if
 * absent or past: one conditional write, made only when an instance meets the fault, none per reset.
 */
export class DynamoDbPageMark {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /** False only when another instance has paged for `what` within the hour; a write that fails pages (fail open). */
  async first(what: string): Promise<boolean> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    // The SDK's retry of a write whose answer was lost meets the mark that write made: ours, not
    // another instance's page, and taken for one nobody would be paged.
    const token = new WriteToken();
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `${ALERT_KEY_PREFIX}${what}` }),
          UpdateExpression: `SET expiresAt = :until, ${token.set}`,
          ConditionExpression: token.orOurs('attribute_not_exists(pk) OR expiresAt < :now'),
          ExpressionAttributeNames: token.names,
          ExpressionAttributeValues: marshall({ ':until': now + PAGE_MARK_S, ':now': now, ...token.values }),
        }),
      );
      return true;
    } catch (err) {
      return (err as Error).name !== 'ConditionalCheckFailedException';
    }
  }
}
