import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger, RateLimiter } from '../../src/flows/ports';
import { WidespreadRefusals } from '../../src/flows/widespread-refusals';
import { DynamoDbRateLimiter } from '../../src/limits/dynamodb-rate-limiter';
import { rateLimitTable } from '../../src/limits/rate-table';
import { ensureTable } from '../../src/storage/ensure-table';
import { startDynalite, type LocalDynamo } from '../support/dynamodb-local';

/**
 * A Lambda's concurrent instances, each its own WidespreadRefusals, over the app's shared counter
 * (the rate-limit table in dynalite): what the on-call is paged with, in all.
 */
describe('WidespreadRefusals across instances', () => {
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;
  const TABLE = 'latchkey-limits';
  // Mid-window, so that the few refusals below share one hour.
  let now = Date.parse('2026-12-06T10:20:00Z');

  beforeAll(async () => {
    dynamo = await startDynalite();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await ensureTable(client, rateLimitTable(TABLE));
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });
  beforeEach(() => void (now += 2 * 60 * 60_000));

  /** Every log line of every instance, as the log service receives them. */
  function instances(count: number, shared: RateLimiter = new DynamoDbRateLimiter(client, TABLE)) {
    const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const at = (level: string) => (fields: object, message: string) => void lines.push({ level, fields: fields as Record<string, unknown>, message });
    const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const watches = Array.from({ length: count }, () => new WidespreadRefusals(logger, () => now, shared));
    const refuse = (instance: number, person: string) => watches[instance]!.refused({ kind: 'entra_password', reason: 'protected_account', person, ours: 'Check the role.' });
    return { lines, alerts: () => lines.filter((l) => l.fields.alert === true), refuse, watches };
  }

  it('two different people refused on one instance and a third on another page the on-call once, in all; more refusals on either, not again', async () => {
    const w = instances(2);
    expect(await w.refuse(0, 'e-rae')).toBe(false);
    expect(await w.refuse(0, 'e-sol')).toBe(false);
    expect(w.alerts()).toEqual([]);
    // The third person, on an instance that saw nobody else, is told it is likely the setup: the shared count says so.
    expect(await w.refuse(1, 'e-tia')).toBe(true);
    expect(w.alerts()).toHaveLength(1);
    expect(w.alerts()[0]).toMatchObject({
      level: 'error',
      fields: { kind: 'entra_password', reason: 'protected_account', people: 3, alert: true },
      message: 'the same refusal for several different people, and no success between: likely our setup, not their accounts. Check the role. Said at most once every 60 minutes',
    });
    // Someone new on either instance, after the page: told so too.
    expect(await w.refuse(1, 'e-uma')).toBe(true);
    expect(await w.refuse(0, 'e-pat')).toBe(true);
    await w.refuse(0, 'e-tia');
    expect(w.alerts()).toHaveLength(1);
  });

  it('one person refused on every instance counts once: nobody pages anyone alone', async () => {
    const w = instances(3);
    for (const i of [0, 1, 2, 0, 1, 2]) await w.refuse(i, 'e-rae');
    await w.refuse(1, 'e-sol');
    expect(w.alerts()).toEqual([]);
  });

  it("a success clears only its own instance's count: three different people refused across instances within the hour still page once", async () => {
    const w = instances(2);
    await w.refuse(0, 'e-rae');
    w.watches[1]!.succeeded('entra_password');
    await w.refuse(0, 'e-sol');
    expect(w.alerts()).toEqual([]);
    await w.refuse(1, 'e-tia');
    expect(w.alerts()).toHaveLength(1);
  });

  it('a shared count that fails is a warn line, never the refusal failing: each instance counts alone then', async () => {
    const broken: RateLimiter = {
      take: async () => Promise.reject(new Error('connect ECONNREFUSED')),
      giveBack: async () => false,
    };
    const w = instances(2, broken);
    await expect(w.refuse(0, 'e-rae')).resolves.toBe(false);
    await w.refuse(1, 'e-sol');
    await w.refuse(0, 'e-tia');
    expect(w.alerts()).toEqual([]);
    expect(w.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toContain('widespread refusals: the shared count is unavailable; this instance counts alone');
    await w.refuse(0, 'e-uma');
    expect(w.alerts()).toHaveLength(1);
  });
});
