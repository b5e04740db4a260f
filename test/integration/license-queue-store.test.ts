import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { approvalsTable } from '../../src/approvals/approvals-table';
import { DynamoDbPendingRequests } from '../../src/approvals/dynamodb-pending-requests';
import { MESSAGE_REWRITE_CLAIM_MS, type PendingRequest, type PendingRequestStore } from '../../src/flows/approvals/pending-request';
import { Approvals, asItStands, type ApprovalKind } from '../../src/flows/approvals/approvals';
import { ensureTable } from '../../src/storage/ensure-table';
import { LatchkeyFailure } from '../../src/flows/failure';
import type { AuditReader } from '../../src/flows/ports';
import { MemoryAdmins, MemoryAnnouncer, MemoryAudit, MemoryLogger, MemoryPendingRequests, MemoryRateLimiter } from '../support/in-memory-ports';
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

  const LICENSE_KIND: ApprovalKind = { id: 'license', slot: () => 'OPEN', auditDetail: () => ({}), reviewDetails: async () => ({}), onApprove: { apply: async () => undefined } };
  const RESET_KIND: ApprovalKind = { id: 'reset', slot: () => 'reset:pin', auditDetail: () => ({}), reviewDetails: async () => ({}), onApprove: { handOver: { finishWithinMs: 15 * 60_000 } } };

  /** The capability over the store, with one kind; admins are UADA. */
  const approvalsOver = (store: PendingRequestStore, kind: ApprovalKind, at: { now: () => Date }, logger = new MemoryLogger(), announcer = new MemoryAnnouncer(), auditReader?: Pick<AuditReader, 'stepsSince'>) =>
    new Approvals({
      ...(auditReader && { auditReader }),
      kinds: [kind],
      admins: new MemoryAdmins(new Set(['UADA'])),
      store,
      announcer,
      audit: new MemoryAudit(),
      clock: at,
      logger,
      workspace: { teamId: 'T0TEAM' },
      limiter: new MemoryRateLimiter(),
    });

  /** A client that records the input of every read of many items (Query, Scan) it sends, with the command's name. */
  function countingClient(reads: Record<string, unknown>[]): DynamoDBClient {
    const counted = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand' || context.commandName === 'ScanCommand') reads.push({ command: context.commandName, ...(args.input as Record<string, unknown>) });
        return next(args);
      },
      { step: 'initialize' },
    );
    return counted;
  }

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

  it("a person's own requests are read by key, never by reading the queue; expired ones there do not hide a live one from an admin", async () => {
    await ensureTable(client, approvalsTable('approvals-2'));
    const queries: Record<string, unknown>[] = [];
    const counted = countingClient(queries);
    const later = { now: () => new Date('2026-12-20T09:00:00Z') };
    const store = new DynamoDbPendingRequests(counted, 'approvals-2', later);
    // 40 requests of other people's, past their time, ahead of Dan's live one.
    for (let i = 0; i < 40; i++) await store.create(request(`r-old-${String(i).padStart(2, '0')}`, `UOLD${i}`, `2026-11-20T08:${String(i).padStart(2, '0')}:00.000Z`), 'OPEN');
    await store.create({ ...request('r-dan', 'UDAN', '2026-12-20T08:00:00.000Z'), expiresAt: '2026-12-23T08:00:00.000Z' }, 'OPEN');
    const approvals = approvalsOver(store, LICENSE_KIND, later);

    expect((await approvals.mine({ userId: 'UDAN', teamId: 'T0TEAM' }, 5)).requests.map((r) => r.id)).toEqual(['r-dan']);
    const pendingReads = () => queries.filter((q) => JSON.stringify(q.ExpressionAttributeValues ?? {}).includes('"PENDING"'));
    expect(pendingReads()).toEqual([]);

    const first = await approvals.waiting(10);
    expect(first.requests.map((r) => r.id)).toEqual(['r-dan']);
    expect(first.expiring).toHaveLength(40);
    expect(pendingReads().length).toBeGreaterThan(1);
    // They are closed after they were read (as the Home tab does once it is shown): the next admin's read finds Dan's at once.
    await approvals.expireDue(first.expiring);
    queries.length = 0;
    expect((await approvals.waiting(10)).requests.map((r) => r.id)).toEqual(['r-dan']);
    expect(pendingReads()).toHaveLength(1);
    counted.destroy();
  });

  it('a finish (or an apply) is decided again only if it was taken (or approved) before the bound: one since is never decided over', async () => {
    await ensureTable(client, approvalsTable('approvals-3'));
    const store = new DynamoDbPendingRequests(client, 'approvals-3', clock);
    const taken = async (id: string, takenAt?: string) => {
      await store.create({ ...request(id, `U${id}`, '2026-12-01T07:00:00.000Z'), kind: 'reset', detail: { credential: 'pin' } }, 'reset:pin');
      await store.transition(id, ['PENDING'], 'APPROVED', { decidedBy: 'UADA', expiresAt: '2026-12-01T08:30:00.000Z' });
      await store.transition(id, ['APPROVED'], 'FINISHING', takenAt ? { takenAt } : {});
    };
    const again = (id: string, takenBefore: string) => store.transition(id, ['FINISHING'], 'APPROVED', { decidedBy: 'UMAX' }, { takenBefore });

    await taken('fin1', '2026-12-01T08:55:00.000Z');
    expect((await store.get('fin1'))?.takenAt).toBe('2026-12-01T08:55:00.000Z');
    expect(await again('fin1', '2026-12-01T08:50:00.000Z')).toBeUndefined();
    expect((await store.get('fin1'))?.status).toBe('FINISHING');
    expect(await again('fin1', '2026-12-01T08:56:00.000Z')).toMatchObject({ status: 'APPROVED', decidedBy: 'UMAX' });
    // Taken before takenAt was kept: its time to finish, which a take never passes, stands in.
    await taken('fin2');
    expect(await again('fin2', '2026-12-01T08:20:00.000Z')).toBeUndefined();
    expect(await again('fin2', '2026-12-01T08:31:00.000Z')).toMatchObject({ status: 'APPROVED' });

    // A change the admin's click applies: approved again only if the approval is older than the bound.
    await store.create(request('app1', 'UAPP1', '2026-12-01T07:00:00.000Z'), 'OPEN');
    await store.transition('app1', ['PENDING'], 'APPROVED', { decidedBy: 'UADA', decidedAt: '2026-12-01T08:55:00.000Z' });
    const reapprove = (decidedBefore: string) => store.transition('app1', ['APPROVED'], 'APPROVED', { decidedBy: 'UMAX', decidedAt: '2026-12-01T09:00:00.000Z' }, { decidedBefore });
    expect(await reapprove('2026-12-01T08:50:00.000Z')).toBeUndefined();
    expect(await reapprove('2026-12-01T08:56:00.000Z')).toMatchObject({ decidedBy: 'UMAX' });
    // Replayed, it finds the new approval too recent.
    expect(await reapprove('2026-12-01T08:56:00.000Z')).toBeUndefined();
  });

  it("a slow finish settles only its own take: after an admin approved it again and its requester took it again, the newer finish's outcome stands", async () => {
    await ensureTable(client, approvalsTable('approvals-4'));
    const store = new DynamoDbPendingRequests(client, 'approvals-4', clock);
    const logger = new MemoryLogger();
    const approvals = approvalsOver(store, RESET_KIND, clock, logger);
    await store.create({ ...request('slow', 'USLOW', '2026-12-01T08:00:00.000Z'), kind: 'reset', detail: { credential: 'pin' }, finishRequestId: 'reset-first' }, 'reset:pin');
    await store.transition('slow', ['PENDING'], 'APPROVED', { decidedBy: 'UADA', expiresAt: '2026-12-01T09:30:00.000Z' });
    // The first finish takes it, and is still running 11 minutes later.
    const first = await store.transition('slow', ['APPROVED'], 'FINISHING', { takenAt: '2026-12-01T08:49:00.000Z' });
    expect(first?.finishRequestId).toBe('reset-first');
    // An admin approves it again (a new reference), and its requester takes it again.
    await store.transition('slow', ['FINISHING'], 'APPROVED', { decidedBy: 'UMAX', finishRequestId: 'reset-second', earlierFinishRequestId: 'reset-first' }, { takenBefore: '2026-12-01T08:50:00.000Z' });
    const second = await store.transition('slow', ['APPROVED'], 'FINISHING', { takenAt: '2026-12-01T09:00:00.000Z' });
    expect(second?.finishRequestId).toBe('reset-second');

    // The slow first finish ends now, failed or done: it settles nothing.
    expect(await approvals.finished(first!, 'DIRECTORY_UNAVAILABLE')).toBeUndefined();
    expect(await approvals.finished(first!)).toBeUndefined();
    expect(await store.get('slow')).toMatchObject({ status: 'FINISHING', finishRequestId: 'reset-second', takenAt: '2026-12-01T09:00:00.000Z', expiresAt: '2026-12-01T09:30:00.000Z' });
    expect((await store.get('slow'))?.errorCode).toBeUndefined();
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => [l.message, l.fields])).toEqual([
      ['finished request not settled: decided again since it was taken', expect.objectContaining({ approvalRequestId: 'slow', finishRequestId: 'reset-first', outcome: 'DIRECTORY_UNAVAILABLE' })],
      ['finished request not settled: decided again since it was taken', expect.objectContaining({ approvalRequestId: 'slow', finishRequestId: 'reset-first', outcome: 'APPLIED' })],
    ]);

    // The second finish settles it, once; the first, late again, still changes nothing.
    expect(await approvals.finished(second!)).toMatchObject({ status: 'APPLIED', finishRequestId: 'reset-second' });
    expect(await approvals.finished(first!, 'DIRECTORY_UNAVAILABLE')).toBeUndefined();
    expect(await store.get('slow')).toMatchObject({ status: 'APPLIED', finishRequestId: 'reset-second' });

    // A request filed before finishRequestId was kept settles its own take (none written) as before.
    await store.create({ ...request('legacy', 'ULEG', '2026-12-01T08:00:00.000Z'), kind: 'reset', detail: { credential: 'pin', resetRequestId: 'reset-legacy' } }, 'reset:pin');
    await store.transition('legacy', ['PENDING'], 'APPROVED', { decidedBy: 'UADA', expiresAt: '2026-12-01T09:30:00.000Z' });
    const legacy = await store.transition('legacy', ['APPROVED'], 'FINISHING', { takenAt: '2026-12-01T08:59:00.000Z' });
    expect(await approvals.finished(legacy!)).toMatchObject({ status: 'APPLIED' });
  });

  it("a change under way is listed as such until it settles: the admins read only that list to find one that died midway, and its requester still sees it as theirs", async () => {
    await ensureTable(client, approvalsTable('approvals-5'));
    const queries: Record<string, unknown>[] = [];
    const counted = countingClient(queries);
    const later = { now: () => new Date('2026-12-01T09:20:00Z') };
    const store = new DynamoDbPendingRequests(counted, 'approvals-5', later);
    const approvals = approvalsOver(store, RESET_KIND, later);
    // Many closed requests of others, and two finishes: one that died 15 minutes ago, one under way now.
    for (let i = 0; i < 30; i++) {
      await store.create({ ...request(`closed-${i}`, `UCLOSED${i}`, '2026-12-01T07:00:00.000Z'), kind: 'reset' }, 'reset:pin');
      await store.transition(`closed-${i}`, ['PENDING'], 'DENIED', { decidedBy: 'UADA' });
    }
    const take = async (id: string, userId: string, takenAt: string) => {
      await store.create({ ...request(id, userId, '2026-12-01T08:00:00.000Z'), kind: 'reset', detail: { credential: 'pin' }, finishRequestId: `reset-${id}` }, 'reset:pin');
      await store.transition(id, ['PENDING'], 'APPROVED', { decidedBy: 'UADA', expiresAt: '2026-12-01T09:10:00.000Z' });
      return (await store.transition(id, ['APPROVED'], 'FINISHING', { takenAt, underway: true }))!;
    };
    await take('died', 'UDIED', '2026-12-01T09:05:00.000Z');
    const live = await take('live', 'ULIVE', '2026-12-01T09:15:00.000Z');

    queries.length = 0;
    expect((await approvals.unfinished()).requests).toMatchObject([{ id: 'died', status: 'FINISHING' }]);
    // One Query of the list of changes under way: never the closed requests, never a scan.
    expect(queries.map((q) => [q.command, JSON.stringify(q.ExpressionAttributeValues)])).toEqual([['QueryCommand', JSON.stringify({ ':list': { S: 'CHANGE_UNDERWAY' } })]]);

    // Its requester's own list has it, though its place was taken over by their next request (past its time to finish).
    await store.create({ ...request('next', 'UDIED', '2026-12-01T09:18:00.000Z'), kind: 'reset', detail: { credential: 'pin' } }, 'reset:pin');
    expect((await approvals.mine({ userId: 'UDIED', teamId: 'T0TEAM' }, 5)).requests.map((r) => [r.id, r.status, r.decidable])).toEqual([
      ['next', 'PENDING', true],
      ['died', 'FINISHING', true],
    ]);

    // Settled, it leaves the list: the next read finds only what is still under way.
    await approvals.finished(live);
    expect((await store.underway(10)).requests.map((r) => r.id)).toEqual(['died']);
    expect((await store.decidedOf('ULIVE', 5)).map((r) => [r.id, r.status])).toEqual([['live', 'APPLIED']]);
    counted.destroy();
  });

  it("a move on a failed change can require that its request's time has not ended at the write (inTimeAt) and that it is still listed as failed (listedAsFailed), in DynamoDB and in the flows' in-memory store alike", async () => {
    await ensureTable(client, approvalsTable('approvals-lapse'));
    for (const store of [new DynamoDbPendingRequests(client, 'approvals-lapse', clock), new MemoryPendingRequests(clock)]) {
      const failed = request('lapse-1', 'UANN', '2026-12-01T08:00:00.000Z');
      await store.create(failed, 'OPEN');
      await store.transition(failed.id, ['PENDING'], 'APPLY_FAILED', { decidedBy: 'UADA', retryable: true });
      // Its time (2026-12-04T09:00Z) ended by the write: no retry.
      expect(await store.transition(failed.id, ['APPLY_FAILED'], 'APPROVED', { underway: true }, { inTimeAt: failed.expiresAt })).toBeUndefined();
      // Taken off the failed list once: a second close finds it off.
      expect(await store.transition(failed.id, ['APPLY_FAILED'], 'APPLY_FAILED', {}, { listedAsFailed: true })).toMatchObject({ status: 'APPLY_FAILED' });
      expect(await store.transition(failed.id, ['APPLY_FAILED'], 'APPLY_FAILED', {}, { listedAsFailed: true })).toBeUndefined();
      // In time, the condition holds.
      expect(await store.transition(failed.id, ['APPLY_FAILED'], 'APPROVED', { underway: true }, { inTimeAt: '2026-12-04T08:59:59.000Z' })).toMatchObject({ status: 'APPROVED' });
    }
  });

  it('a change whose apply failed is listed as such in the same write, until a retry or a denial takes it off: the admins read only that list, and its requester still sees it as theirs', async () => {
    await ensureTable(client, approvalsTable('approvals-6'));
    const queries: Record<string, unknown>[] = [];
    const counted = countingClient(queries);
    const later = clock;
    const store = new DynamoDbPendingRequests(counted, 'approvals-6', later);
    let chime: 'down' | 'up' = 'down';
    const kind: ApprovalKind = {
      ...LICENSE_KIND,
      onApprove: {
        apply: async () => {
          if (chime === 'down') throw new LatchkeyFailure('DIRECTORY_UNAVAILABLE');
        },
      },
    };
    const approvals = approvalsOver(store, kind, later);
    const ada = { userId: 'UADA', teamId: 'T0TEAM' };
    // Many closed requests of others, and two license changes an admin approved while Chime was down.
    for (let i = 0; i < 30; i++) {
      await store.create(request(`closed-${i}`, `UCLOSED${i}`, '2026-12-01T07:00:00.000Z'), 'OPEN');
      await store.transition(`closed-${i}`, ['PENDING'], 'DENIED', { decidedBy: 'UADA' });
    }
    for (const [id, userId] of [
      ['fail-ann', 'UANN'],
      ['fail-bob', 'UBOB'],
    ]) {
      await store.create(request(id!, userId!, `2026-12-01T08:0${id === 'fail-ann' ? 0 : 1}:00.000Z`), 'OPEN');
      expect(await approvals.decide(ada, id!, { decision: 'approve' })).toMatchObject({ ok: true, request: { status: 'APPLY_FAILED', errorCode: 'DIRECTORY_UNAVAILABLE' }, decidable: true });
    }

    queries.length = 0;
    expect((await approvals.awaitingRetry()).requests.map((r) => [r.id, r.status, r.errorCode])).toEqual([
      ['fail-ann', 'APPLY_FAILED', 'DIRECTORY_UNAVAILABLE'],
      ['fail-bob', 'APPLY_FAILED', 'DIRECTORY_UNAVAILABLE'],
    ]);
    // One Query of the list of failed changes: never the closed requests, never a scan.
    expect(queries.map((q) => [q.command, JSON.stringify(q.ExpressionAttributeValues)])).toEqual([['QueryCommand', JSON.stringify({ ':list': { S: 'CHANGE_FAILED' } })]]);

    // Its requester's own list has it, though its place was taken over by their next request (past
    // its time); it is retried no more then, so an old approval is never applied over the new request.
    const after = { now: () => new Date('2026-12-04T10:00:00Z') };
    const laterStore = new DynamoDbPendingRequests(client, 'approvals-6', after);
    await laterStore.create({ ...request('next-ann', 'UANN', '2026-12-04T09:30:00.000Z'), expiresAt: '2026-12-07T09:00:00.000Z' }, 'OPEN');
    expect((await approvalsOver(laterStore, kind, after).mine({ userId: 'UANN', teamId: 'T0TEAM' }, 5)).requests.map((r) => [r.id, r.status, r.decidable])).toEqual([
      ['next-ann', 'PENDING', true],
      ['fail-ann', 'APPLY_FAILED', false],
    ]);

    // Retried (Chime answers again), it leaves the list for its requester's own; denied, too.
    chime = 'up';
    expect(await approvals.decide(ada, 'fail-ann', { decision: 'approve' })).toMatchObject({ ok: true, request: { status: 'APPLIED' } });
    expect((await approvals.awaitingRetry()).requests.map((r) => r.id)).toEqual(['fail-bob']);
    expect(await approvals.decide(ada, 'fail-bob', { decision: 'deny', comment: 'Not needed' })).toMatchObject({ ok: true, request: { status: 'DENIED' } });
    expect((await approvals.awaitingRetry()).requests).toEqual([]);
    expect((await store.underway(10)).requests).toEqual([]);
    expect((await store.decidedOf('UANN', 5)).map((r) => [r.id, r.status])).toEqual([['fail-ann', 'APPLIED']]);
    expect((await store.decidedOf('UBOB', 5)).map((r) => [r.id, r.status])).toEqual([['fail-bob', 'DENIED']]);

    // Failed again on retry, it is listed again.
    await store.create(request('fail-cid', 'UCID', '2026-12-01T08:02:00.000Z'), 'OPEN');
    chime = 'down';
    await approvals.decide(ada, 'fail-cid', { decision: 'approve' });
    await approvals.decide(ada, 'fail-cid', { decision: 'approve' });
    expect((await approvals.awaitingRetry()).requests.map((r) => [r.id, r.status])).toEqual([['fail-cid', 'APPLY_FAILED']]);
    counted.destroy();
  });

  it("a person's own read of a list (on every Home tab open) looks at its newest 250 at most, however long the list has grown", async () => {
    await ensureTable(client, approvalsTable('approvals-7'));
    let scanned = 0;
    const counted = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'QueryCommand') scanned += (out.output as { ScannedCount?: number }).ScannedCount ?? 0;
        return out;
      },
      { step: 'initialize' },
    );
    const store = new DynamoDbPendingRequests(client, 'approvals-7', clock);
    // 300 changes of others failed at once, then one of Ann's.
    for (let i = 0; i < 300; i++) {
      const id = `fail-${String(i).padStart(3, '0')}`;
      await store.create(request(id, `UOTHER${i}`, `2026-12-01T07:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`), 'OPEN');
      await store.transition(id, ['PENDING'], 'APPLY_FAILED', { decidedBy: 'UADA', errorCode: 'DIRECTORY_UNAVAILABLE', retryable: true });
    }
    await store.create(request('fail-ann', 'UANN', '2026-12-01T08:30:00.000Z'), 'OPEN');
    await store.transition('fail-ann', ['PENDING'], 'APPLY_FAILED', { decidedBy: 'UADA', errorCode: 'DIRECTORY_UNAVAILABLE', retryable: true });

    const reader = new DynamoDbPendingRequests(counted, 'approvals-7', clock);
    expect((await reader.awaitingRetryOf('UANN')).map((r) => r.id)).toEqual(['fail-ann']);
    expect(scanned).toBeLessThanOrEqual(250);
    scanned = 0;
    expect(await reader.awaitingRetryOf('UNOBODY')).toEqual([]);
    expect(scanned).toBe(250);
    counted.destroy();
  }, 60_000);

  it("the messages of changes that did not finish are rewritten a few at a time, and each once for its state, whichever process reads them first", async () => {
    await ensureTable(client, approvalsTable('approvals-8'));
    const later = { now: () => new Date('2026-12-01T09:20:00Z') };
    const store = new DynamoDbPendingRequests(client, 'approvals-8', later);
    for (let i = 0; i < 20; i++) {
      const id = `died-${String(i).padStart(2, '0')}`;
      await store.create({ ...request(id, `UDIED${i}`, '2026-12-01T08:00:00.000Z'), kind: 'reset', detail: { credential: 'pin' } }, 'reset:pin');
      await store.transition(id, ['PENDING'], 'APPROVED', { decidedBy: 'UADA', decidedAt: '2026-12-01T08:30:00.000Z', expiresAt: '2026-12-01T09:10:00.000Z' });
      await store.transition(id, ['APPROVED'], 'FINISHING', { takenAt: '2026-12-01T09:05:00.000Z', underway: true });
    }
    // Two processes (two Lambda cold starts), each with its own memory; Slack takes a while to update a message.
    let inFlight = 0;
    let most = 0;
    const slowAnnouncer = () => {
      const announcer = new MemoryAnnouncer();
      const refresh = announcer.refresh.bind(announcer);
      announcer.refresh = async (r, decidable) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return refresh(r, decidable);
      };
      return announcer;
    };
    const [a, b] = [slowAnnouncer(), slowAnnouncer()];
    const [first, second] = [approvalsOver(store, RESET_KIND, later, new MemoryLogger(), a), approvalsOver(store, RESET_KIND, later, new MemoryLogger(), b)];
    await first.showUnknown((await first.unfinished()).requests);
    expect(a.refreshed).toHaveLength(20);
    expect(most).toBeLessThanOrEqual(4);
    // Another process's admin opens the tab: every message shows it already.
    await second.showUnknown((await second.unfinished()).requests);
    expect(b.refreshed).toEqual([]);
    // Approved again and taken again, it died again: a new state, rewritten once more, by one of them.
    await store.transition('died-00', ['FINISHING'], 'APPROVED', { decidedBy: 'UADA', decidedAt: '2026-12-01T09:06:00.000Z', expiresAt: '2026-12-01T09:30:00.000Z' });
    await store.transition('died-00', ['APPROVED'], 'FINISHING', { takenAt: '2026-12-01T09:07:00.000Z', underway: true });
    await Promise.all([first.showUnknown((await first.unfinished()).requests), second.showUnknown((await second.unfinished()).requests)]);
    expect([...a.refreshed, ...b.refreshed].filter((r) => r.id === 'died-00').map((r) => r.takenAt)).toEqual(['2026-12-01T09:05:00.000Z', '2026-12-01T09:07:00.000Z']);
  });

  it("a rewrite claimed by a process that died before Slack took it is done by another process once the claim has lapsed, never while it is fresh, and then once; in DynamoDB and in the flows' in-memory store alike", async () => {
    await ensureTable(client, approvalsTable('approvals-9'));
    const claimedAt = new Date('2026-12-01T09:20:00Z').getTime();
    let offsetMs = 0;
    const at = { now: () => new Date(claimedAt + offsetMs) };
    for (const store of [new DynamoDbPendingRequests(client, 'approvals-9', at), new MemoryPendingRequests(at)]) {
      offsetMs = 0;
      await store.create({ ...request('stuck', 'USTUCK', '2026-12-01T08:00:00.000Z'), kind: 'reset', detail: { credential: 'pin' } }, 'reset:pin');
      await store.transition('stuck', ['PENDING'], 'APPROVED', { decidedBy: 'UADA', decidedAt: '2026-12-01T08:30:00.000Z', expiresAt: '2026-12-01T09:10:00.000Z' });
      await store.transition('stuck', ['APPROVED'], 'FINISHING', { takenAt: '2026-12-01T09:05:00.000Z', underway: true });
      // The first process claims the rewrite, and Slack never answers it: the process is gone (a Lambda frozen, a server restarted).
      let reached!: () => void;
      const claimed = new Promise<void>((resolve) => (reached = resolve));
      const dying = new MemoryAnnouncer();
      dying.refresh = () => {
        reached();
        return new Promise<void>(() => undefined);
      };
      const gone = approvalsOver(store, RESET_KIND, at, new MemoryLogger(), dying);
      void gone.showUnknown((await gone.unfinished()).requests);
      await claimed;
      // Another process's admin opens the tab within the claim's time: it is left to that claim, twice.
      const announcer = new MemoryAnnouncer();
      const other = approvalsOver(store, RESET_KIND, at, new MemoryLogger(), announcer);
      offsetMs = MESSAGE_REWRITE_CLAIM_MS - 60_000;
      await other.showUnknown((await other.unfinished()).requests);
      await other.showUnknown((await other.unfinished()).requests);
      expect(announcer.refreshed).toEqual([]);
      // Past it: the same process rewrites it, once, and records it as shown for every process.
      offsetMs = MESSAGE_REWRITE_CLAIM_MS + 60_000;
      await other.showUnknown((await other.unfinished()).requests);
      expect(announcer.refreshed.map((r) => r.id)).toEqual(['stuck']);
      offsetMs = 3 * MESSAGE_REWRITE_CLAIM_MS;
      const third = new MemoryAnnouncer();
      const later = approvalsOver(store, RESET_KIND, at, new MemoryLogger(), third);
      await later.showUnknown((await later.unfinished()).requests);
      expect(third.refreshed).toEqual([]);
    }
  });

  it("an approval past its bound whose audit record could not be read: its message is shown unknown once, by one process, however often the read fails again, and the next read of the record says what it found (never applied) and records it; in DynamoDB and in the flows' in-memory store alike", async () => {
    await ensureTable(client, approvalsTable('approvals-12'));
    const at = { now: () => new Date('2026-12-01T09:20:00Z') };
    for (const store of [new DynamoDbPendingRequests(client, 'approvals-12', at), new MemoryPendingRequests(at)]) {
      const id = 'unread-once';
      await store.create(request(id, 'UREAD', '2026-12-01T08:00:00.000Z'), 'OPEN');
      // Approved, its applying never began (nothing on record), past its 10 minutes.
      await store.transition(id, ['PENDING'], 'APPROVED', { decidedBy: 'UADA', decidedAt: '2026-12-01T08:30:00.000Z', underway: true });
      let blip = true;
      let reads = 0;
      const log = {
        stepsSince: async () => {
          reads++;
          if (blip) throw Object.assign(new Error('blip'), { name: 'ProvisionedThroughputExceededException' });
          return [];
        },
      };
      // Each read as a Home tab (or /request-license) makes it: settled on read, then what that read left to do, once shown.
      const opens = async (p: Approvals) => {
        const read = (await p.unfinished()).requests;
        const settled = await p.settleOnRead(read);
        const shown = read.map((r) => asItStands(r, settled));
        await p.afterRead({ requests: shown, settled: settled.settled });
        return shown;
      };
      const [a, b] = [new MemoryAnnouncer(), new MemoryAnnouncer()];
      const [first, second] = [approvalsOver(store, LICENSE_KIND, at, new MemoryLogger(), a, log), approvalsOver(store, LICENSE_KIND, at, new MemoryLogger(), b, log)];
      expect((await opens(first)).map((r) => r.neverAppliedFor)).toEqual([undefined]);
      expect(a.refreshed.map((r) => r.id)).toEqual([id]);
      // The log still cannot be read: each read tries it again, and nobody rewrites the message again.
      await opens(first);
      await opens(second);
      await opens(second);
      expect(reads).toBe(4);
      expect([...a.refreshed, ...b.refreshed]).toHaveLength(1);
      // Read at last: nothing was sent, said so and recorded, once.
      blip = false;
      expect((await opens(second)).map((r) => r.neverAppliedFor)).toEqual(['APPROVED  2026-12-01T08:30:00.000Z']);
      expect(b.refreshed.map((r) => [r.id, r.neverAppliedFor])).toEqual([[id, 'APPROVED  2026-12-01T08:30:00.000Z']]);
      expect(await store.get(id)).toMatchObject({ messageShownFor: 'APPROVED  2026-12-01T08:30:00.000Z', neverAppliedFor: 'APPROVED  2026-12-01T08:30:00.000Z' });
      expect((await store.get(id))?.shownUnreadFor).toBeUndefined();
      // No later read reads the record again, or rewrites the message.
      await opens(first);
      expect(reads).toBe(5);
      expect([...a.refreshed, ...b.refreshed]).toHaveLength(2);
    }
  });

  it("a rewrite claimed from a read made before a later move (an admin's decision, a finish settled late) is refused, and the message stays the newer one; in DynamoDB and in the flows' in-memory store alike", async () => {
    await ensureTable(client, approvalsTable('approvals-10'));
    const at = { now: () => new Date('2026-12-01T09:20:00Z') };
    const ada = { userId: 'UADA', teamId: 'T0TEAM' };
    for (const store of [new DynamoDbPendingRequests(client, 'approvals-10', at), new MemoryPendingRequests(at)]) {
      for (const id of ['denied-late', 'finished-late']) {
        await store.create({ ...request(id, `U${id.toUpperCase()}`, '2026-12-01T08:00:00.000Z'), kind: 'reset', detail: { credential: 'pin' } }, 'reset:pin');
        await store.transition(id, ['PENDING'], 'APPROVED', { decidedBy: 'UADA', decidedAt: '2026-12-01T08:30:00.000Z', expiresAt: '2026-12-01T09:10:00.000Z' });
        await store.transition(id, ['APPROVED'], 'FINISHING', { takenAt: '2026-12-01T09:05:00.000Z', underway: true });
      }
      // One Slack, two processes: the slow one read both as not finished, before anything moved them.
      const slack = new MemoryAnnouncer();
      const slow = approvalsOver(store, RESET_KIND, at, new MemoryLogger(), slack);
      const read = (await slow.unfinished()).requests;
      expect(read.map((r) => [r.id, r.status]).sort()).toEqual([
        ['denied-late', 'FINISHING'],
        ['finished-late', 'FINISHING'],
      ]);
      // The other process moves them on, and its messages show it: one denied, one whose finish settled late.
      const other = approvalsOver(store, RESET_KIND, at, new MemoryLogger(), slack);
      expect(await other.decide(ada, 'denied-late', { decision: 'deny' })).toMatchObject({ ok: true, request: { status: 'DENIED' } });
      expect(await other.finished(read.find((r) => r.id === 'finished-late')!)).toMatchObject({ status: 'APPLIED' });
      const shown = () => ['denied-late', 'finished-late'].map((id) => [id, slack.refreshed.filter((r) => r.id === id).at(-1)?.status, slack.decidable.get(id)]);
      expect(shown()).toEqual([
        ['denied-late', 'DENIED', false],
        ['finished-late', 'APPLIED', false],
      ]);
      // The slow process rewrites late, from what it read: refused, and Slack shows the newer messages still.
      const before = slack.refreshed.length;
      await slow.showUnknown(read);
      expect(shown()).toEqual([
        ['denied-late', 'DENIED', false],
        ['finished-late', 'APPLIED', false],
      ]);
      expect(slack.refreshed.slice(before)).toEqual([]);
    }
  });

  it("a decision's follow-ups taken from a read made before it was decided again, at another time, are refused: that read tells nobody, and the newer decision's stay due for the next touch; in DynamoDB and in the flows' in-memory store alike", async () => {
    await ensureTable(client, approvalsTable('approvals-11'));
    const at = { now: () => new Date('2026-12-01T09:20:00Z') };
    for (const store of [new DynamoDbPendingRequests(client, 'approvals-11', at), new MemoryPendingRequests(at)]) {
      const id = 'decided-twice';
      await store.create({ ...request(id, 'UBOB', '2026-12-01T08:00:00.000Z'), kind: 'reset', detail: { credential: 'pin' } }, 'reset:pin');
      // Ada approves it to finish, her click not told it was saved: its follow-ups are due.
      const first = { decidedBy: 'UADA', decidedByTeamId: 'T0TEAM', decisionFollowUpsDue: true, decisionRequestId: 'first-decision', finishRequestId: 'first-finish' };
      await store.transition(id, ['PENDING'], 'APPROVED', { ...first, decidedAt: '2026-12-01T08:30:00.000Z', expiresAt: '2026-12-01T09:30:00.000Z' });
      // A slow process reads it so...
      const stale = (await store.get(id))!;
      expect(stale).toMatchObject({ status: 'APPROVED', decisionFollowUpsDue: true });
      // ...and before it takes them, Bob takes it to finish, the finish is stuck, and Ada denies it, her click again not told it was saved.
      await store.transition(id, ['APPROVED'], 'FINISHING', { takenAt: '2026-12-01T08:40:00.000Z', underway: true });
      const second = { decidedBy: 'UADA', decidedByTeamId: 'T0TEAM', decisionFollowUpsDue: true, decisionRequestId: 'second-decision', comment: 'Ask IT' };
      await store.transition(id, ['FINISHING'], 'DENIED', { ...second, decidedAt: '2026-12-01T09:10:00.000Z' });

      // The slow process follows up what it read: refused, so Bob is never told to finish a request denied since.
      const slack = new MemoryAnnouncer();
      const slow = approvalsOver(store, RESET_KIND, at, new MemoryLogger(), slack);
      await slow.followUpDecisions([stale], { userId: 'UBOB', teamId: 'T0TEAM' });
      expect(slack.told).toEqual([]);
      expect(slack.refreshed).toEqual([]);
      // The denial's own follow-ups are still due, and the next touch tells it, once.
      const now = (await store.get(id))!;
      expect(now).toMatchObject({ status: 'DENIED', decisionFollowUpsDue: true });
      await slow.followUpDecisions([now], { userId: 'UBOB', teamId: 'T0TEAM' });
      await slow.followUpDecisions([now], { userId: 'UBOB', teamId: 'T0TEAM' });
      expect(slack.told.map((r) => [r.id, r.status, r.comment])).toEqual([[id, 'DENIED', 'Ask IT']]);
    }
  });
});
