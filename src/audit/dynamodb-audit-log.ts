import { PutItemCommand, QueryCommand, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describeError, LatchkeyFailure } from '../flows/failure';
import type { AuditEntry, AuditLog, Clock } from '../flows/ports';
import { actorKey, auditRecordSchema, toAuditRecord, type AuditRecord } from './audit-record';

/**
 * The audit log in DynamoDB. Every write is conditional on the key being new, so the log is
 * append-only from the app's side and an attempt can be recorded only once per request: that
 * is what makes a replayed confirmation harmless.
 */
export class DynamoDbAuditLog implements AuditLog {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
    private readonly clock: Clock,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const item = toAuditRecord(entry, this.clock.now(), this.retentionDays);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(item, { removeUndefinedValues: true }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      const name = (err as Error | undefined)?.name;
      if (name === 'ConditionalCheckFailedException') {
        throw new LatchkeyFailure('REQUEST_ALREADY_USED', `audit ${entry.phase} for ${entry.requestId}: its slot is taken`);
      }
      throw new LatchkeyFailure('AUDIT_UNAVAILABLE', `dynamodb ${describeError(err)}`, { cause: err });
    }
  }

  /** A person's records, oldest first. */
  listByActor(teamId: string, userId: string): Promise<AuditRecord[]> {
    return this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': actorKey(teamId, userId) }) });
  }

  /** Everyone's records of one UTC day (YYYY-MM-DD), in order. */
  listByDay(day: string): Promise<AuditRecord[]> {
    return this.query({
      IndexName: 'by-day',
      KeyConditionExpression: '#day = :day',
      ExpressionAttributeNames: { '#day': 'day' },
      ExpressionAttributeValues: marshall({ ':day': day }),
    });
  }

  private async query(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    let startKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.client.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) records.push(auditRecordSchema.parse(unmarshall(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }
}
