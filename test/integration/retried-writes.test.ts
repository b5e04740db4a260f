import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { actorKey } from '../../src/audit/audit-key';
import type { DynamoCall } from '../support/dynamo-gate';
import { secretIn, TEAM, useHarness } from '../support/harness';
import { until } from '../support/until';

/**
 * A conditional write that DynamoDB made, but whose answer was lost (or came after the app's
 * request timeout): the SDK sends it again, and the retry meets what the first try wrote. Each
 * such write must recognise its own retry (its own token in the item), never take it for someone
 * else's write, and never let someone else's pass for its own. The gate in front of dynalite lets
 * the request through and loses only its answer (dynamo-gate.ts `lose`); the timeout is 1 s here.
 */
describe('a conditional write whose answer was lost, retried by the SDK', () => {
  const h = useHarness({ awsRequestTimeoutMs: 1_000, dynamoGate: true, env: { RESET_MAX_PER_HOUR: '2' } }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  // A second past the top of the next hour on the app's clock: a person's counts share one window.
  beforeAll(() => h.clock.toJustPastNext('hour'));
  /** How long a modal may take: a lost answer costs the 1 s timeout and a retry, on a busy machine. */
  const timeoutMs = 15_000;
  const attemptOf = (userId: string) => (c: DynamoCall) => c.operation === 'PutItem' && c.body.includes('"attempt"') && c.body.includes(userId);
  const countOf = (userId: string) => (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes(`reset:pin:${userId}#`) && c.body.includes('hits < :limit');
  const overLimit = 'You have started as many PIN resets as Latchkey allows in an hour.';

  it("the audit attempt: Bob gets his new PIN, the audit holds one attempt and one outcome, Chime is asked once; a second click of the same confirmation is still refused", async () => {
    const opened = await h.open('/reset-pin', 'UBOB', { timeoutMs });
    h.dynamoGate.lose(attemptOf('UBOB'));
    const final = await h.shownAfter(await h.submit('UBOB', opened.view), opened.viewId, timeoutMs);
    // DynamoDB wrote the attempt (its lost answer was a 200), and the SDK sent it again.
    expect(h.dynamoGate.lost.filter(attemptOf('UBOB')).map((c) => c.status)).toEqual([200]);
    expect(JSON.stringify(final)).not.toContain('This confirmation was already used');
    expect(secretIn(final)).toBe(h.chime.pinOf('chime-bob'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    const records = await h.waitForAudit('UBOB', (r) => r.phase === 'outcome');
    expect(records.map((r) => [r.phase, r.outcome])).toEqual([
      ['attempt', undefined],
      ['outcome', 'success'],
    ]);

    // The same confirmation clicked again (a replay, a second tab): a different write, refused.
    const again = await h.shownAfter(await h.submit('UBOB', opened.view), opened.viewId, timeoutMs);
    expect(JSON.stringify(again)).toContain('This confirmation was already used');
    expect(secretIn(again)).toBeUndefined();
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    expect((await h.auditRecords('UBOB')).map((r) => r.phase)).toEqual(['attempt', 'outcome']);

    // The write's token is in the stored item, and in nothing read back (the Home tab, npm run audit).
    const raw = new DynamoDBClient({ endpoint: h.dynamo.endpoint });
    try {
      const { Items } = await raw.send(
        new QueryCommand({ TableName: 'latchkey-audit-test', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': actorKey(TEAM, 'UBOB') }) }),
      );
      const stored = (Items ?? []).map((i) => unmarshall(i));
      expect(stored.map((s) => s.writeId)).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), expect.stringMatching(/^[0-9a-f-]{36}$/)]);
      expect(stored[0]!.writeId).not.toBe(stored[1]!.writeId);
    } finally {
      raw.destroy();
    }
    expect((await h.auditRecords('UBOB')).some((r) => 'writeId' in r)).toBe(false);
  }, 30_000);

  it("a person's count: counted once, so their second reset in the hour (RESET_MAX_PER_HOUR=2) still goes through, and a third is refused", async () => {
    h.dynamoGate.lose(countOf('UCARL'));
    const first = await h.reset('/reset-pin', 'UCARL', { timeoutMs });
    expect(h.dynamoGate.lost.filter(countOf('UCARL')).map((c) => c.status)).toEqual([200]);
    expect(secretIn(first.final)).toBeDefined();
    const second = await h.reset('/reset-pin', 'UCARL', { timeoutMs });
    expect(secretIn(second.final)).toBe(h.chime.pinOf('chime-carl'));
    expect(JSON.stringify((await h.open('/reset-pin', 'UCARL', { timeoutMs })).view)).toContain(overLimit);
  }, 30_000);

  it("a person's count at the limit: the use its first try counted is allowed, not refused, and the next is refused", async () => {
    expect(secretIn((await h.reset('/reset-pin', 'UADA', { timeoutMs })).final)).toBeDefined();
    // The second use of two: its first try makes the count 2, and its retry meets the limit.
    h.dynamoGate.lose(countOf('UADA'));
    const second = await h.reset('/reset-pin', 'UADA', { timeoutMs });
    expect(h.dynamoGate.lost.filter(countOf('UADA')).map((c) => c.status)).toEqual([200]);
    expect(JSON.stringify(second.final)).not.toContain(overLimit);
    expect(secretIn(second.final)).toBe(h.chime.pinOf('chime-ada'));
    expect(JSON.stringify((await h.open('/reset-pin', 'UADA', { timeoutMs })).view)).toContain(overLimit);
  }, 30_000);

  it("a give-back (a confirmation closed) whose answer was lost gives back once: two resets still go through, a third is refused", async () => {
    const giveBack = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('reset:pin:UMAX#') && c.body.includes('givenBack');
    const opened = await h.open('/reset-pin', 'UMAX', { timeoutMs });
    h.dynamoGate.lose(giveBack);
    await h.close('UMAX', opened.view);
    await until("the give-back's write whose answer is lost", () => h.dynamoGate.lost.some(giveBack), 5_000);
    await h.waitForLogs('confirmation closed; its count', 1, 10_000);
    expect(h.dynamoGate.lost.filter(giveBack).map((c) => c.status)).toEqual([200]);
    for (let i = 0; i < 2; i++) expect(secretIn((await h.reset('/reset-pin', 'UMAX', { timeoutMs })).final)).toBeDefined();
    expect(JSON.stringify((await h.open('/reset-pin', 'UMAX', { timeoutMs })).view)).toContain(overLimit);
  }, 30_000);
});

/**
 * A use refused at the limit costs one write, the count's own, when the SDK sent it once. Under
 * the product's own request timeout (5 s), not the 1 s above: there, an answer late by a second on
 * a loaded machine had the SDK send the count again, and the limiter then rightly asks whether its
 * first try counted it (a second write), which is not the case this counts writes of.
 */
describe('a use refused at the limit', () => {
  const h = useHarness({ dynamoGate: true, env: { RESET_MAX_PER_HOUR: '2' } }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  beforeAll(() => h.clock.toJustPastNext('hour'));
  const timeoutMs = 15_000;
  const overLimit = 'You have started as many PIN resets as Latchkey allows in an hour.';

  it("a use refused at the limit is one write to DynamoDB, the count's own, when the SDK sent it once: the refusal is shown all the same", async () => {
    for (let i = 0; i < 2; i++) expect(secretIn((await h.reset('/reset-pin', 'UANN', { timeoutMs })).final)).toBeDefined();
    const from = h.dynamoGate.seen.length;
    const refused = await h.open('/reset-pin', 'UANN', { timeoutMs });
    expect(JSON.stringify(refused.view)).toContain(overLimit);
    const writes = h.dynamoGate.seen.slice(from).filter((c) => c.operation === 'UpdateItem' && c.body.includes('reset:pin:UANN#'));
    expect(writes).toHaveLength(1);
  }, 30_000);
});

describe('on Lambda, a work order claim whose answer was lost, retried by the SDK', () => {
  const h = useHarness({ entry: 'lambda', awsRequestTimeoutMs: 1_000, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const claim = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"work#');
  const timeoutMs = 15_000;

  it("the worker knows the claim for its own: the confirmation opens, Ann gets her PIN, and Chime is asked once", async () => {
    // The command's work order (the confirmation, in the loading modal) and the click's (the reset).
    h.dynamoGate.lose(claim);
    const { final } = await h.reset('/reset-pin', 'UANN', { beforeSubmit: () => h.dynamoGate.lose(claim), timeoutMs });
    expect(h.dynamoGate.lost.filter(claim).map((c) => c.status)).toEqual([200, 200]);
    expect(secretIn(final)).toBe(h.chime.pinOf('chime-ann'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    expect(h.logs.join('')).not.toContain('work order delivered again');
  }, 30_000);

  it('a work order delivered twice, one claim answer lost: worked once, the other delivery is still refused', async () => {
    const opened = await h.open('/reset-pin', 'UCARL', { timeoutMs });
    h.lambda.deliverNextTwice();
    h.dynamoGate.lose(claim);
    const final = await h.shownAfter(await h.submit('UCARL', opened.view), opened.viewId, timeoutMs);
    await h.lambda.idle();
    expect(h.dynamoGate.lost.filter(claim).map((c) => c.status).at(-1)).toBe(200);
    expect(secretIn(final)).toBe(h.chime.pinOf('chime-carl'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    expect(h.logs.join('')).toContain('work order delivered again');
  }, 30_000);
});
