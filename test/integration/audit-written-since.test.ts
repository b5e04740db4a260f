import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { toAuditRecord } from '../../src/audit/audit-record';
import { auditTable } from '../../src/audit/audit-table';
import { DynamoDbAuditLog } from '../../src/audit/dynamodb-audit-log';
import { ensureTable } from '../../src/storage/ensure-table';
import { startDynalite, type LocalDynamo } from '../support/dynamodb-local';

const TABLE = 'latchkey-audit-written-since';

/**
 * writtenSince: what a failed-work record (Lambda) reads of the person's records since the request,
 * on which "nothing was changed" rests. One Query's page ends at 1 MB, in DynamoDB as in dynalite: a
 * person whose last days' records fill it has what was written since on the pages after it.
 */
describe("the audit log's read of a person's records written since a time", () => {
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;
  beforeAll(async () => {
    dynamo = await startDynalite();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await ensureTable(client, auditTable(TABLE));
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('finds a change that is on the second page of its Query, past a first page of older records', async () => {
    const since = new Date('2026-12-01T10:00:00.000Z');
    const eve = { userId: 'UEVE', teamId: 'T0TEAM' };
    // Three refusals of the day before (within the days read, for a request's key can be older than its
    // records), each 380 kB with a field a newer version wrote (read past, not refused): over 1 MB.
    for (let i = 1; i <= 3; i++) {
      const at = new Date(since.getTime() - 86_400_000 + i * 1000);
      const record = toAuditRecord({ requestId: `${at.toISOString()}_old${i}`, phase: 'refused', action: 'reset_pin', actor: eve, errorCode: 'DIRECTORY_USER_NOT_FOUND' }, at, 400);
      await client.send(new PutItemCommand({ TableName: TABLE, Item: marshall({ ...record, padding: 'x'.repeat(380_000) }, { removeUndefinedValues: true }) }));
    }
    const at = new Date(since.getTime() + 1000);
    const changed = `${at.toISOString()}_new`;
    const log = new DynamoDbAuditLog(client, TABLE, 400, { now: () => at }, { warn() {} });
    await log.record({ requestId: changed, phase: 'attempt', action: 'reset_pin', actor: eve, directory: 'chime', directoryUserId: 'chime-eve' });

    // What the test rests on: the Query's first page ends before the change.
    const first = await client.send(new QueryCommand({ TableName: TABLE, ConsistentRead: true, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': 'ACTOR#T0TEAM#UEVE' }) }));
    expect(first.LastEvaluatedKey).toBeDefined();
    expect(first.Items!.map((item) => unmarshall(item).requestId)).toEqual([1, 2, 3].map((i) => `${new Date(since.getTime() - 86_400_000 + i * 1000).toISOString()}_old${i}`));

    // Read from the first page alone: nothing since, and the person told "nothing was changed" over an attempt.
    expect((await log.writtenSince(eve, since)).map((e) => [e.requestId, e.phase])).toEqual([[changed, 'attempt']]);
  });
});
