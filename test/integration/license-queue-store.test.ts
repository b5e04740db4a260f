import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { approvalsTable } from '../../src/approvals/approvals-table';
import { DynamoDbPendingRequests } from '../../src/approvals/dynamodb-pending-requests';
import type { PendingRequest } from '../../src/flows/approvals/pending-request';
import { ensureTable } from '../../src/storage/ensure-table';
import { startDynalite, type LocalDynamo } from '../support/dynamodb-local';

/** The approvals table's by-list index over dynalite: the review queue, and each person's requests. */
describe('license requests by list', () => {
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;
  const now = new Date('2026-12-01T09:00:00Z');
  const clock = { now: () => now };

  beforeAll(async () => {
    dynamo = await startDynalite();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  const request = (id: string, userId: string, createdAt: string): PendingRequest => ({
    id,
    kind: 'license',
    requester: { userId, teamId: 'T0TEAM' },
    requesterEmail: `${userId.toLowerCase()}@example.com`,
    directoryUserId: `chime-${userId}`,
    detail: { from: 'Basic', to: 'Pro' },
    reason: 'webinars',
    status: 'PENDING',
    createdAt,
    expiresAt: '2026-12-04T09:00:00.000Z',
  });

  it('a table an older Latchkey made without the index is reported, since dynalite cannot add one, and still serves requests', async () => {
    const { GlobalSecondaryIndexes: _gsi, ...older } = approvalsTable('approvals-old').create;
    await client.send(new CreateTableCommand({ ...older, AttributeDefinitions: older.AttributeDefinitions!.filter((a) => a.AttributeName === 'pk' || a.AttributeName === 'sk') }));
    expect(await ensureTable(client, approvalsTable('approvals-old'))).toBe('index missing');
    const store = new DynamoDbPendingRequests(client, 'approvals-old', clock);
    await store.create(request('r1', 'UANN', '2026-11-30T08:00:00.000Z'), 'OPEN');
    expect((await store.get('r1'))?.status).toBe('PENDING');
    await expect(store.pending(10)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('pending is oldest first; a decided request leaves the queue for its requester\'s own list, in the same write', async () => {
    await ensureTable(client, approvalsTable('approvals'));
    const store = new DynamoDbPendingRequests(client, 'approvals', clock);
    await store.create(request('r-bob-1', 'UBOB', '2026-11-29T08:00:00.000Z'), 'OPEN');
    await store.create(request('r-ann-1', 'UANN', '2026-11-30T08:00:00.000Z'), 'OPEN');
    await store.create(request('r-cid-1', 'UCID', '2026-11-28T08:00:00.000Z'), 'OPEN');
    expect((await store.pending(10)).requests.map((r) => r.id)).toEqual(['r-cid-1', 'r-bob-1', 'r-ann-1']);
    expect((await store.pending(2)).requests.map((r) => r.id)).toEqual(['r-cid-1', 'r-bob-1']);

    await store.transition('r-bob-1', ['PENDING'], 'DENIED', { decidedBy: 'UADA', decidedAt: now.toISOString(), comment: 'no' });
    expect((await store.pending(10)).requests.map((r) => r.id)).toEqual(['r-cid-1', 'r-ann-1']);
    // Bob's next request, and the one denied: his own, newest first; nobody else's.
    await store.create(request('r-bob-2', 'UBOB', '2026-11-30T12:00:00.000Z'), 'OPEN');
    expect((await store.heldBy('UBOB')).map((r) => [r.id, r.status])).toEqual([['r-bob-2', 'PENDING']]);
    expect((await store.decidedOf('UBOB', 5)).map((r) => [r.id, r.status])).toEqual([['r-bob-1', 'DENIED']]);
    expect((await store.heldBy('UANN')).map((r) => r.id)).toEqual(['r-ann-1']);
    expect(await store.decidedOf('UANN', 5)).toEqual([]);
  });
});
