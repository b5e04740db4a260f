import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '../flows/ports';
import { ALERT_KEY_PREFIX } from '../limits/rate-table';
import { WriteToken } from '../storage/write-token';

/** How long one instance's page for a lasting fault stands for every instance. */
export const PAGE_MARK_S = 3_600;
/** How many outages may page within one mark's hour, each after the one before it was seen ended. */
export const PAGES_PER_MARK = 3;

/**
 * One page an hour for a fault every Lambda instance meets alike (Slack refusing the bot token):
 * each instance has its own TokenWatch, and AlertsAlarm pages on the move into ALARM, so after 5
 * quiet minutes each new instance paged again. A mark in the rate-limit table, written only if
 * absent or past: one conditional write, made only when an instance meets the fault, none per reset.
 *
 * The rule for a second outage within the hour: once an instance sees the fault end (`ended`: Slack
 * took the token again), the next outage pages at once, so the operator mended the first one is
 * paged for the second. A flapping fault (refused, taken, refused… every few seconds) would then
 * page at each flap, so the mark counts its pages: at most PAGES_PER_MARK in its hour, each after an
 * end was seen. No wait to ask (an outage must last N minutes, the page be N minutes old): a real
 * second outage pages as soon as it is met, and a count needs no clock that tests can move.
 *
 * The count is a string set of the pages' write tokens (`paged`), not a number: the SDK sends a write
 * again when its answer was lost, and the retry must pass (its own write, `ours`) without counting
 * the page twice; adding a token the set holds leaves it as it was, so WriteToken's rule (a number
 * counted never passes as `ours`) holds. An end counts for the mark's own hour only (`endedFor`, its expiresAt when the
 * end was seen): during a deploy, an older instance's new-hour write leaves the last hour's end and
 * pages on the mark, but not its expiresAt, so that end is not taken for one in the new hour.
 *
 * Marks written by older versions (at most an hour old) have no `paged` nor `endedFor`: taken as
 * spent, so they stand their hour, as marks did before ends were counted. An older instance beside
 * a newer one only under-pages meanwhile: its end (`endedAt` alone) is not seen, and its count
 * (`pages`) never passes on a mark that has none.
 */
export class DynamoDbPageMark {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /**
   * False only when another instance has paged for `what` within the hour and no end of it was seen
   * since (or the hour's pages are spent); a write that fails pages (fail open).
   */
  async first(what: string): Promise<boolean> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    // The SDK's retry of a write whose answer was lost meets the mark that write made: ours, not
    // another instance's page, and taken for one nobody would be paged. One token for both writes:
    // the second is made only once the first failed its condition, so never left the mark as ours.
    const token = new WriteToken();
    const write = (update: string, condition: string, values: Record<string, unknown>) =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `${ALERT_KEY_PREFIX}${what}` }),
          // `pages`: an older version's count, of no use to this one.
          UpdateExpression: `${update} REMOVE endedAt, endedFor, pages`,
          ConditionExpression: token.orOurs(condition),
          ExpressionAttributeNames: token.names,
          ExpressionAttributeValues: marshall({ ...values, ':me': new Set([token.value]), ...token.values }),
        }),
      );
    const refused = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';
    try {
      // A new hour: its first page.
      await write(`SET expiresAt = :until, paged = :me, ${token.set}`, 'attribute_not_exists(pk) OR expiresAt < :now', { ':until': now + PAGE_MARK_S, ':now': now });
      return true;
    } catch (err) {
      if (!refused(err)) return true;
    }
    try {
      // Within the hour: a new outage, once the last was seen ended in this hour.
      await write(`SET ${token.set} ADD paged :me`, 'endedFor = expiresAt AND attribute_exists(paged) AND size(paged) < :most', { ':most': PAGES_PER_MARK });
      return true;
    } catch (err) {
      return !refused(err);
    }
  }

  /**
   * An instance saw `what` end: the next outage may page within the hour. Made by the mark's key, not
   * only for the outage this instance saw: an ok answer to a call sent after its refusal shows the
   * token taken now, so whichever outage the mark stands for, a later one another instance paged for
   * included, had ended by then. Were the token refused again between that call and its answer, the
   * cost is one more page, within the hour's count. Never makes a mark: one with no expiresAt would
   * never pass, nor be deleted by TTL. `endedFor` is the mark's expiresAt, so the end counts in the
   * mark's hour only. Throws when the write fails.
   */
  async ended(what: string): Promise<void> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: `${ALERT_KEY_PREFIX}${what}` }),
          UpdateExpression: 'SET endedAt = :now, endedFor = expiresAt',
          ConditionExpression: 'attribute_exists(expiresAt)',
          ExpressionAttributeValues: marshall({ ':now': now }),
        }),
      );
    } catch (err) {
      // No mark: nobody paged within its hour, so the next outage pages anyway.
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
  }
}
