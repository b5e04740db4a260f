import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { toAuditRecord } from '../../src/audit/audit-record';
import { auditTable } from '../../src/audit/audit-table';
import { DynamoDbAuditLog } from '../../src/audit/dynamodb-audit-log';
import { ensureTable } from '../../src/storage/ensure-table';
import { startDynalite, type LocalDynamo } from '../support/dynamodb-local';

const TABLE = 'latchkey-audit-day-reads';

/**
 * ofDay after its first read of a day: only what was written after the day's latest record comes
 * back, and whether anything else changed rests on the day's count, which DynamoDB gives a page at a
 * time (a page ends at 1 MB of items read, before the filter): summed over the pages, or a busy day
 * would be read whole on every admin's open, or worse, a change missed.
 */
describe("the audit log's read of one day, after its first", () => {
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;
  const queries: Array<{ filtered: boolean }> = [];
  beforeAll(async () => {
    dynamo = await startDynalite();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') queries.push({ filtered: (args.input as { FilterExpression?: string }).FilterExpression !== undefined });
        return next(args);
      },
      { step: 'initialize' },
    );
    await ensureTable(client, auditTable(TABLE));
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('reads a day of more than one page for what was written since, its count summed over the pages, and shows each record once', async () => {
    const day = '2026-12-01';
    const ann = { userId: 'UANN', teamId: 'T0TEAM' };
    // Three refusals of 380 kB each (with a field a newer version wrote, read past): the day's items
    // fill more than one 1 MB page.
    for (let i = 1; i <= 3; i++) {
      const at = new Date(`${day}T10:00:0${i}.000Z`);
      const record = toAuditRecord({ requestId: `${at.toISOString()}_big${i}`, phase: 'refused', action: 'reset_pin', actor: ann, errorCode: 'DIRECTORY_USER_NOT_FOUND' }, at, 400);
      await client.send(new PutItemCommand({ TableName: TABLE, Item: marshall({ ...record, padding: 'x'.repeat(380_000) }, { removeUndefinedValues: true }) }));
    }
    let now = new Date(`${day}T11:00:00.000Z`);
    const log = new DynamoDbAuditLog(client, TABLE, 400, { now: () => now }, { warn() {} });
    expect((await log.ofDay(day)).map((e) => e.requestId)).toHaveLength(3);
    // What the test rests on: the day's whole read took more than one page.
    expect(queries.filter((q) => !q.filtered).length).toBeGreaterThan(1);

    const later = `${now.toISOString()}_later`;
    await log.record({ requestId: later, phase: 'attempt', action: 'reset_pin', actor: ann, directory: 'chime', directoryUserId: 'chime-ann' });
    now = new Date(now.getTime() + 60_000);
    queries.length = 0;
    const read = (await log.ofDay(day)).map((e) => e.requestId);
    expect(read.filter((id) => id === later)).toHaveLength(1);
    expect(read).toHaveLength(4);
    // Only what was written since came back, over the day's pages; the day was not read whole.
    expect(queries.length).toBeGreaterThan(1);
    expect(queries.every((q) => q.filtered)).toBe(true);
  });
});
