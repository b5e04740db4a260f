import { HandOffReceiver } from '../../src/lambda/hand-off-receiver';
import { WorkOrderSeal, type WorkOrder } from '../../src/lambda/work-order';
import { slackSignature } from '../support/slack-requests';

/**
 * Issue 26 §2.5: the Lambda work order is sealed whole (the loading modal's view ID included) and
 * its age is bounded in the worker and in the failed-work path alike. Whoever may invoke the
 * function, or write to its failed-work queue, can neither point the work at another modal nor
 * bring an old request back.
 */
describe('the work order seal', () => {
  const secret = 'test-signing-secret-0123456789abcdef';
  const seal = new WorkOrderSeal(secret);
  const body = new URLSearchParams({ command: '/reset-pin', user_id: 'UANN', team_id: 'T0TEAM', trigger_id: 't-1' }).toString();
  const order = (ageMs = 0): WorkOrder => {
    const timestamp = Math.floor((Date.now() - ageMs) / 1000);
    return { kind: 'latchkey.work', body, timestamp: String(timestamp), signature: slackSignature(secret, timestamp, body), opened: { ok: true, viewId: 'V0LOADING' } };
  };

  function receiver() {
    const claimed: WorkOrder[] = [];
    const lines: string[] = [];
    const log = (fields: object, message: string) => lines.push(`${message} ${JSON.stringify(fields)}`);
    const r = new HandOffReceiver({
      signingSecret: secret,
      queue: { handOff: async () => undefined },
      // Claimed before: the worker stops there, so no app is needed behind it.
      claims: { claim: async (o) => (claimed.push(o), false) },
      logger: { debug: log, info: log, warn: log, error: log },
      fetch: (async () => {
        throw new Error('no network in this test');
      }) as never,
      metrics: { count: () => undefined, time: () => undefined } as never,
      // Entra's or Google's, without the verify policy: a failure comes back within 5 min + 6 × 51 s (11.1 min with the margin).
      functionTimeoutS: 51,
      // A failed work order's record reads the person's changes since the request: none here.
      audit: { writtenSince: async () => [] } as never,
    });
    return { r, claimed, lines };
  }

  it('an order sealed now is worked', async () => {
    const { r, claimed } = receiver();
    expect(await r.work(seal.seal(order(), Date.now()))).toBe('done');
    expect(claimed).toHaveLength(1);
  });

  it('an order whose loading modal was swapped after sealing is refused', async () => {
    const { r, claimed, lines } = receiver();
    const sealed = seal.seal(order(), Date.now());
    expect(await r.work({ ...sealed, opened: { ok: true, viewId: 'V0SOMEONEELSE' } })).toBe('refused');
    expect(await r.work({ ...sealed, retryNum: 1 })).toBe('refused');
    expect(claimed).toEqual([]);
    expect(lines.join('\n')).toContain('work order refused');
  });

  it("an order whose unopened window is said, after sealing, to be Slack refusing the token is refused; one sealed so is worked", async () => {
    const { r, claimed } = receiver();
    const unopened = { ...order(), opened: { ok: false as const, reason: 'failed' as const } };
    expect(await r.work({ ...seal.seal(unopened, Date.now()), opened: { ok: false, reason: 'failed', tokenRefused: true } })).toBe('refused');
    expect(await r.work(seal.seal({ ...unopened, opened: { ok: false, reason: 'failed', tokenRefused: true } }, Date.now()))).toBe('done');
    expect(claimed).toHaveLength(1);
  });

  it('an order signed by Slack but not sealed (or sealed with another key) is refused', async () => {
    const { r, claimed } = receiver();
    expect(await r.work(order())).toBe('refused');
    expect(await r.work(new WorkOrderSeal('another-signing-secret-0123456789').seal(order(), Date.now()))).toBe('refused');
    expect(claimed).toEqual([]);
  });

  it('an order sealed more than 5 minutes ago is not worked, and is claimed so that no later delivery of it is', async () => {
    const { r, claimed, lines } = receiver();
    expect(await r.work(seal.seal(order(), Date.now() - 6 * 60_000))).toBe('done');
    expect(claimed).toHaveLength(1);
    expect(lines.join('\n')).toContain('work order dropped: older than 5 minutes');
  });

  it("Slack's certificate check (ssl_check=1, maybe unsigned) is answered 200 and queues no work; anything else unsigned is a 401", async () => {
    const handedOff: unknown[] = [];
    const r = new HandOffReceiver({
      signingSecret: secret,
      queue: { handOff: async (o) => void handedOff.push(o) },
      claims: { claim: async () => false },
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      fetch: (async () => {
        throw new Error('no network in this test');
      }) as never,
      metrics: { count: () => undefined, time: () => undefined } as never,
      functionTimeoutS: 51,
      // A failed work order's record reads the person's changes since the request: none here.
      audit: { writtenSince: async () => [] } as never,
    });
    const post = (form: string) => r.answer({ method: 'POST', path: '/slack/events', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form } as never);
    expect((await post('ssl_check=1&token=abc')).statusCode).toBe(200);
    expect((await post('command=%2Freset-pin&user_id=U1')).statusCode).toBe(401);
    expect(handedOff).toEqual([]);
  });

  it("a failed order signed and sealed 10 minutes ago, past Slack's 5, is accepted: the person is told in the modal the work was for", async () => {
    const { r, lines } = receiver();
    const updates: Record<string, unknown>[] = [];
    r.init({ slack: { views: { update: async (args: Record<string, unknown>) => (updates.push(args), { ok: true }) } } } as never);
    await r.failed(seal.seal(order(10 * 60_000), Date.now() - 10 * 60_000), 'RetriesExhausted');
    expect(lines.filter((l) => l.startsWith('failed work order refused'))).toEqual([]);
    expect(updates).toEqual([expect.objectContaining({ view_id: 'V0LOADING' })]);
  });

  it('a failed order is refused when swapped, unsealed, or older than it could come back at that timeout (12 minutes), however Slack signed it', async () => {
    const { r, lines } = receiver();
    const sealed = seal.seal(order(), Date.now());
    await r.failed({ ...sealed, opened: { ok: true, viewId: 'V0SOMEONEELSE' } }, 'RetriesExhausted');
    await r.failed(order(), 'RetriesExhausted');
    await r.failed(seal.seal(order(12 * 60_000), Date.now() - 12 * 60_000), 'RetriesExhausted');
    expect(lines.filter((l) => l.startsWith('failed work order refused'))).toHaveLength(3);
  });
});
