import { toAuditRecord } from '../../src/audit/audit-record';
import { CLOSE_UNREAD, LatchkeyFailure } from '../../src/flows/failure';
import type { Policy } from '../../src/flows/policy';
import { TimerWheelWaiter } from '../../src/flows/push-waiter';
import { ResetCredential, type PolicyVerifier, type ResetDelivery } from '../../src/flows/reset-credential';
import type { PushResult, PushStarted, Verifier, VerifierAccount } from '../../src/flows/verification';
import { until } from '../support/until';
import { ManualClock, member, MemoryAudit, MemoryClosedWaits, MemoryDirectory, MemoryLogger, MemoryMembers, MemoryRateLimiter, testSealer } from '../support/in-memory-ports';

const ANN = { userId: 'UANN', teamId: 'T0TEAM' };

/** A verifier whose pushes end as the test says: each push's fate is taken from `fates` in order. */
class MemoryVerifier implements Verifier {
  readonly pushes: { account: VerifierAccount; transaction: string }[] = [];
  readonly cancelled: string[] = [];
  readonly fates: ('approved' | 'rejected' | 'timeout' | 'ignored')[] = [];
  accounts = new Map<string, VerifierAccount>([['uann@example.com', { userId: 'okta-ann', factorId: 'opf-ann', factorType: 'push' }]]);
  pushFailure?: LatchkeyFailure;
  /** What each push says the verifier's own log knows it by (PushStarted.audit). */
  pushAudit?: PushStarted['audit'];
  /** The next check answers once this resolves. */
  held?: () => Promise<void>;
  /** Every check fails so: the verifier's own answer about the push. */
  checkFailure?: LatchkeyFailure;
  /** Every find fails so: the verifier's own answer about the person. */
  findFailure?: LatchkeyFailure;

  async find(email: string) {
    if (this.findFailure) throw this.findFailure;
    return this.accounts.get(email.toLowerCase());
  }

  async push(account: VerifierAccount): Promise<PushStarted> {
    if (this.pushFailure) throw this.pushFailure;
    const transaction = `tx-${this.pushes.length + 1}`;
    this.pushes.push({ account, transaction });
    return { transaction, challenge: '42', ...(this.pushAudit && { audit: this.pushAudit }) };
  }

  async check(_account: VerifierAccount, push: PushStarted): Promise<'waiting' | PushResult> {
    // Held open once, as Duo holds a poll until its push changes: the fate is read when it answers.
    const held = this.held;
    this.held = undefined;
    if (held) await held();
    if (this.checkFailure) throw this.checkFailure;
    const fate = this.fates[Number(push.transaction.slice(3)) - 1] ?? 'ignored';
    return fate === 'ignored' ? 'waiting' : fate;
  }

  async cancel(_account: VerifierAccount, push: PushStarted) {
    this.cancelled.push(push.transaction);
  }
}

/** `closes`: shared with another setup's flow, as two instances of the app share the table. */
/** The waits below run on real timers: their clock moves with them. */
const realClock = { now: () => new Date() };

function setup(policy: Policy, options: { pushesPerHour?: number; noApprovals?: boolean; closes?: MemoryClosedWaits; reasons?: ReadonlySet<string>; intervalMs?: number } = {}) {
  const directory = new MemoryDirectory([{ id: 'okta-ann', email: 'uann@example.com', status: 'active' }]);
  const audit = new MemoryAudit();
  const logger = new MemoryLogger();
  const verifier = new MemoryVerifier();
  const closes = options.closes ?? new MemoryClosedWaits();
  const limiter = new MemoryRateLimiter();
  const counted: string[] = [];
  const filed: string[] = [];
  const policyVerifier: PolicyVerifier = {
    name: 'okta_verify',
    app: 'Okta Verify',
    verifier,
    timeoutMs: 200,
    perPersonPerHour: options.pushesPerHour ?? 3,
    waiter: new TimerWheelWaiter({ intervalMs: options.intervalMs ?? 10, perSecond: 1000, clock: realClock }),
    closes,
    ...(options.reasons && { reasons: options.reasons }),
  };
  const flow = new ResetCredential({
    credentials: new Map([['okta_password', { id: 'okta_password', audit: { action: 'reset_okta_password', directory: 'okta' }, directory, changeTime: { secretMs: 14_000 } }]]),
    members: new MemoryMembers([member('UANN')]),
    audit,
    sealer: testSealer(),
    clock: new ManualClock(),
    logger,
    workspace: { teamId: 'T0TEAM' },
    limiter,
    limits: { perUserPerHour: 100 },
    metrics: { count: (name) => void counted.push(name), duration: () => undefined },
    policies: new Map([['okta_password', policy]]),
    verifier: policyVerifier,
    ...(!options.noApprovals && {
      approvals: {
        request: async ({ credential, ticket }) => (filed.push(ticket.requestId), { ok: true as const, pending: 'approval' as const, kind: credential.id, email: ticket.email, requestId: ticket.requestId }),
        open: async () => undefined,
      },
    }),
  });
  const shown: string[] = [];
  const challenges: (string | undefined)[] = [];
  const rejections: string[] = [];
  const delivery: ResetDelivery = {
    showResult: async (result) => void shown.push(result.secret?.reveal() ?? ''),
    notifyOwner: async () => undefined,
    showChallenge: async (push) => void challenges.push(push.challenge),
    notifyRejected: async (r) => void rejections.push(r.requestId),
  };
  return { flow, directory, audit, logger, verifier, closes, delivery, shown, challenges, rejections, counted, filed };
}

async function opened(flow: ResetCredential) {
  const ready = await flow.prepare(ANN, 'okta_password');
  if (!ready.ok) throw new Error(`prepare failed: ${ready.code}`);
  return ready;
}

/**
 * Two instances of the app (two flows, one table of closes): Ann's push sent, and waited on, by
 * the first; the second holds no wait of hers.
 */
async function waitingInOneInstance() {
  const waiting = setup('verify');
  const other = setup('verify', { closes: waiting.closes });
  const ready = await opened(waiting.flow);
  const confirming = waiting.flow.confirm(ANN, 'okta_password', ready.ticket, waiting.delivery);
  await until("Ann's push", () => waiting.verifier.pushes.length > 0);
  return { waiting, other, ready, confirming };
}

describe('the gate: verify', () => {
  it('an approved push, and only then, resets; the number is shown first; the audit names verifier, factor and result', async () => {
    const { flow, directory, audit, verifier, delivery, shown, challenges } = setup('verify');
    verifier.fates.push('approved');
    const result = await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery);
    expect(result.ok).toBe(true);
    expect(challenges).toEqual(['42']);
    expect(directory.resets).toEqual(['okta-ann']);
    expect(shown).toHaveLength(1);
    expect(audit.entries.map((e) => [e.phase, e.outcome, e.verifier, e.factorType, e.verification])).toEqual([
      ['attempt', undefined, undefined, undefined, undefined],
      ['outcome', 'success', 'okta_verify', 'push', 'approved'],
    ]);
  });

  it("the push's IDs in the verifier's log go on its outcome; one that is no ID is left off (said in a log line, without it), and the outcome is still written", async () => {
    const { flow, audit, logger, verifier, delivery } = setup('verify');
    verifier.fates.push('approved');
    verifier.pushAudit = { factorId: 'opf-ann', transactionId: 'pick 42 on your phone' };
    expect((await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery)).ok).toBe(true);
    const outcome = audit.entries.find((e) => e.phase === 'outcome')!;
    expect(outcome).toMatchObject({ outcome: 'success', policy: 'verify', verifierFactorId: 'opf-ann' });
    expect(outcome).not.toHaveProperty('verifierTransactionId');
    // The store's own schema takes it as it is.
    expect(() => toAuditRecord(outcome, new Date(), 30)).not.toThrow();
    const line = logger.lines.find((l) => l.message.includes('left off'))!;
    expect(line).toMatchObject({ level: 'warn', fields: { left: ['transaction'] } });
    expect(JSON.stringify(logger.lines)).not.toContain('pick 42 on your phone');
  });

  it('a rejected push changes nothing, is a security event (own log field, metric, no alert) and tells the owner', async () => {
    const { flow, directory, audit, logger, verifier, delivery, shown, rejections, counted } = setup('verify');
    verifier.fates.push('rejected');
    const ready = await opened(flow);
    const result = await flow.confirm(ANN, 'okta_password', ready.ticket, delivery);
    expect(result).toMatchObject({ ok: false, code: 'VERIFY_REJECTED', verifierApp: 'Okta Verify' });
    expect(directory.resets).toEqual([]);
    expect(shown).toEqual([]);
    expect(rejections).toEqual([ready.requestId]);
    expect(counted).toContain('push_rejected');
    const line = logger.lines.find((l) => (l.fields as { securityEvent?: string }).securityEvent === 'push_rejected');
    expect(line).toBeDefined();
    expect(logger.lines.some((l) => (l.fields as { alert?: boolean }).alert)).toBe(false);
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'outcome', outcome: 'failure', errorCode: 'VERIFY_REJECTED', verifier: 'okta_verify', verification: 'rejected' });
  });

  it('a replayed Reset click after a rejection sends no new push, changes nothing, and is told the same rejection, reported once', async () => {
    const { flow, directory, verifier, delivery, rejections } = setup('verify');
    verifier.fates.push('rejected', 'approved');
    const ready = await opened(flow);
    await flow.confirm(ANN, 'okta_password', ready.ticket, delivery);
    const replay = await flow.confirm(ANN, 'okta_password', ready.ticket, delivery);
    // The rejection's own answer (contact IT now), not "already used", which would hide it (315bc9c).
    expect(replay).toMatchObject({ ok: false, code: 'VERIFY_REJECTED' });
    expect(verifier.pushes).toHaveLength(1);
    expect(directory.resets).toEqual([]);
    expect(rejections).toEqual([ready.requestId]);
  });

  it('closing the waiting modal ends the wait as cancelled: withdrawn, nothing changes, no security event; a close by anyone else, or after the wait, ends nothing', async () => {
    const { flow, directory, audit, logger, verifier, delivery, shown, rejections, counted } = setup('verify');
    const ready = await opened(flow);
    const confirming = flow.confirm(ANN, 'okta_password', ready.ticket, delivery);
    await until("Ann's push", () => verifier.pushes.length > 0);
    // Someone else's close, with Ann's ticket: not theirs to end.
    expect(await flow.abandonPush({ userId: 'UBOB', teamId: 'T0TEAM' }, 'okta_password', ready.ticket)).toBe('not_theirs');
    expect(await flow.abandonPush(ANN, 'okta_password', 'forged.ticket')).toBe('not_theirs');
    expect(await flow.abandonPush(ANN, 'okta_password', ready.ticket)).toBe('cancelled');
    // Approved on the phone after the close: nobody is waiting for it any more.
    verifier.fates.push('approved');
    const result = await confirming;
    expect(result).toMatchObject({ ok: false, code: 'VERIFY_CANCELLED' });
    expect(verifier.cancelled).toEqual(['tx-1']);
    expect(directory.resets).toEqual([]);
    expect(shown).toEqual([]);
    expect(rejections).toEqual([]);
    expect(counted).not.toContain('push_rejected');
    expect(logger.lines.some((l) => (l.fields as { securityEvent?: string; alert?: boolean }).securityEvent || (l.fields as { alert?: boolean }).alert)).toBe(false);
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'outcome', outcome: 'failure', errorCode: 'VERIFY_CANCELLED', verifier: 'okta_verify', verification: 'cancelled' });
    // Once the wait is over it is in no process: the close is recorded for nobody, and lapses.
    expect(await flow.abandonPush(ANN, 'okta_password', ready.ticket)).toBe('recorded');
  });

  it('a close that comes once the push is approved changes nothing: the change goes on', async () => {
    const { flow, directory, verifier, delivery } = setup('verify');
    verifier.fates.push('approved');
    const ready = await opened(flow);
    let closed: string | undefined;
    const result = await flow.confirm(ANN, 'okta_password', ready.ticket, {
      ...delivery,
      showResult: async () => void (closed = await flow.abandonPush(ANN, 'okta_password', ready.ticket)),
    });
    expect(result.ok).toBe(true);
    expect(closed).toBe('recorded');
    expect(directory.resets).toEqual(['okta-ann']);
    expect(verifier.cancelled).toEqual([]);
  });

  it('a close handled by another instance ends the wait at its next check, an approval seen beside it too: withdrawn, nothing changes; a close on record by anyone else ends nothing', async () => {
    const { waiting, other, ready, confirming } = await waitingInOneInstance();
    expect(await other.flow.abandonPush({ userId: 'UBOB', teamId: 'T0TEAM' }, 'okta_password', ready.ticket)).toBe('not_theirs');
    expect(waiting.closes.closes.size).toBe(0);
    expect(await other.flow.abandonPush(ANN, 'okta_password', ready.ticket)).toBe('recorded');
    // Approved on the phone at the same moment: the close wins.
    waiting.verifier.fates.push('approved');
    expect(await confirming).toMatchObject({ ok: false, code: 'VERIFY_CANCELLED' });
    expect(waiting.verifier.cancelled).toEqual(['tx-1']);
    expect(waiting.directory.resets).toEqual([]);
    expect(waiting.audit.entries.at(-1)).toMatchObject({ errorCode: 'VERIFY_CANCELLED', verification: 'cancelled' });

    // A close on record for the request by someone else than its requester: the wait goes on, and the approval resets.
    const second = await opened(waiting.flow);
    waiting.closes.closes.set(second.requestId, 'UBOB');
    waiting.verifier.fates.push('approved');
    expect(await other.flow.abandonPush(ANN, 'okta_password', second.ticket)).toBe('not_theirs');
    expect(await waiting.flow.confirm(ANN, 'okta_password', second.ticket, waiting.delivery)).toMatchObject({ ok: true });
    expect(waiting.directory.resets).toEqual(['okta-ann']);
  });

  it('a close recorded elsewhere while a check is held open (as Duo holds a poll) wins over the approval that check then brings: withdrawn, nothing changes', async () => {
    const { waiting, other, ready, confirming } = await waitingInOneInstance();
    let answer: (() => void) | undefined;
    waiting.verifier.held = () => new Promise<void>((resolve) => (answer = resolve));
    await until('the held check', () => answer !== undefined);
    // That check has read the closes already (not closed). The person closes the window, handled by
    // another instance, and approves on the phone by habit before the poll answers.
    expect(await other.flow.abandonPush(ANN, 'okta_password', ready.ticket)).toBe('recorded');
    waiting.verifier.fates.push('approved');
    answer!();
    expect(await confirming).toMatchObject({ ok: false, code: 'VERIFY_CANCELLED' });
    expect(waiting.directory.resets).toEqual([]);
    expect(waiting.verifier.cancelled).toEqual(['tx-1']);
    expect(waiting.audit.entries.at(-1)).toMatchObject({ errorCode: 'VERIFY_CANCELLED', verification: 'cancelled' });
  });

  it('a close that cannot be recorded says so (unrecorded, an alert), and the push goes on to its end', async () => {
    const { waiting, other, ready, confirming } = await waitingInOneInstance();
    waiting.closes.writeFailure = new LatchkeyFailure('STORE_UNAVAILABLE', 'closed wait write: test');
    expect(await other.flow.abandonPush(ANN, 'okta_password', ready.ticket)).toBe('unrecorded');
    expect(other.logger.lines.find((l) => l.message.includes('the close could not be recorded'))?.fields).toMatchObject({ alert: true, code: 'STORE_UNAVAILABLE' });
    expect(await confirming).toMatchObject({ ok: false, code: 'VERIFY_TIMEOUT' });
  });

  it('a check that cannot read whether the modal was closed changes nothing, even beside an approval; read again at the next check, and three failures in a row end the wait', async () => {
    const { flow, directory, verifier, closes, delivery, audit } = setup('verify');
    verifier.fates.push('approved', 'approved');
    // One failed read, beside the approval: not taken for "not closed"; the next check reads again and goes on.
    closes.readFailures = 1;
    expect(await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery)).toMatchObject({ ok: true });
    // The failed read, the next check's, and one more once that check came back approved.
    expect(closes.reads).toBe(3);
    expect(directory.resets).toEqual(['okta-ann']);
    // Reads that keep failing: the wait ends, the push is withdrawn, and the approval never changes anything.
    closes.readFailures = 1000;
    const result = await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery);
    expect(result).toMatchObject({ ok: false, code: 'STORE_UNAVAILABLE' });
    expect(directory.resets).toEqual(['okta-ann']);
    expect(verifier.cancelled).toEqual(['tx-2']);
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'outcome', outcome: 'failure', errorCode: 'STORE_UNAVAILABLE', reason: CLOSE_UNREAD, verification: 'failed' });
  });

  it('an approval seen on the last check whose second read of the closes fails is told as Latchkey unable to check (STORE_UNAVAILABLE), never "not approved in time"; nothing changes', async () => {
    // One check in all, at the deadline (the interval is past it): the last.
    const { flow, directory, verifier, closes, delivery, audit } = setup('verify', { intervalMs: 10_000 });
    verifier.fates.push('approved');
    const read = closes.closedBy.bind(closes);
    let reads = 0;
    // The read beside the check answers (not closed); the one after the approval fails.
    closes.closedBy = async (requestId, userId) => {
      if (++reads === 2) throw new LatchkeyFailure('STORE_UNAVAILABLE', 'closed wait read: test');
      return read(requestId, userId);
    };
    const result = await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery);
    expect(reads).toBe(2);
    // Before: VERIFY_TIMEOUT, "You didn't approve … in time", to a person who had approved.
    expect(result).toMatchObject({ ok: false, code: 'STORE_UNAVAILABLE', reason: CLOSE_UNREAD });
    expect(directory.resets).toEqual([]);
    expect(verifier.cancelled).toEqual(['tx-1']);
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'outcome', outcome: 'failure', errorCode: 'STORE_UNAVAILABLE', reason: CLOSE_UNREAD, verification: 'failed' });
  });

  it('an ignored push is withdrawn after the timeout and changes nothing', async () => {
    const { flow, directory, audit, verifier, delivery } = setup('verify');
    const result = await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery);
    expect(result).toMatchObject({ ok: false, code: 'VERIFY_TIMEOUT' });
    expect(verifier.cancelled).toEqual(['tx-1']);
    expect(directory.resets).toEqual([]);
    expect(audit.entries.at(-1)).toMatchObject({ errorCode: 'VERIFY_TIMEOUT', verification: 'timeout' });
  });

  it("the verifier's own TIMEOUT changes nothing", async () => {
    const { flow, directory, verifier, delivery } = setup('verify');
    verifier.fates.push('timeout');
    expect(await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery)).toMatchObject({ ok: false, code: 'VERIFY_TIMEOUT' });
    expect(directory.resets).toEqual([]);
  });

  it('no push device: refused while the confirmation opens, audited, nothing sent', async () => {
    const { flow, audit, verifier } = setup('verify');
    verifier.accounts.clear();
    expect(await flow.prepare(ANN, 'okta_password')).toMatchObject({ ok: false, code: 'VERIFY_NO_FACTOR', verifierApp: 'Okta Verify' });
    expect(verifier.pushes).toEqual([]);
    expect(audit.entries).toEqual([expect.objectContaining({ phase: 'refused', errorCode: 'VERIFY_NO_FACTOR', verifier: 'okta_verify', verification: 'no_factor' })]);
  });

  it('pushes count against the person: past the limit no confirmation opens; a closed one gives its push back', async () => {
    const { flow, verifier, delivery } = setup('verify', { pushesPerHour: 2 });
    verifier.fates.push('rejected', 'rejected');
    for (let i = 0; i < 2; i++) await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery);
    expect(await flow.prepare(ANN, 'okta_password')).toMatchObject({ ok: false, code: 'PUSH_LIMITED' });
    expect(verifier.pushes).toHaveLength(2);

    const fresh = setup('verify', { pushesPerHour: 1 });
    const closed = await opened(fresh.flow);
    await fresh.flow.cancel(ANN, 'okta_password', closed.ticket);
    expect((await fresh.flow.prepare(ANN, 'okta_password')).ok).toBe(true);
  });

  it("the verifier's own reason for failing a push goes on its record only when its plug-in declares it (an undeclared one would be refused by the record's schema)", async () => {
    const { flow, directory, audit, verifier, delivery } = setup('verify', { reasons: new Set(['bypass']) });
    verifier.checkFailure = new LatchkeyFailure('VERIFY_NO_FACTOR', 'allowed without a push', { reason: 'bypass' });
    expect(await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery)).toMatchObject({ ok: false, code: 'VERIFY_NO_FACTOR', reason: 'bypass' });
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'outcome', errorCode: 'VERIFY_NO_FACTOR', reason: 'bypass', verification: 'failed' });
    verifier.checkFailure = new LatchkeyFailure('VERIFY_NO_FACTOR', 'allowed without a push', { reason: 'not_declared' });
    expect(await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery)).toMatchObject({ ok: false, code: 'VERIFY_NO_FACTOR' });
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'outcome', errorCode: 'VERIFY_NO_FACTOR', verification: 'failed' });
    expect(audit.entries.at(-1)).not.toHaveProperty('reason');
    expect(directory.resets).toEqual([]);
  });

  it("the verifier's own reason for finding no push device (Duo's bypass at preauth) goes on the refusal's record only when its plug-in declares it", async () => {
    const { flow, audit, verifier } = setup('verify', { reasons: new Set(['bypass']) });
    verifier.findFailure = new LatchkeyFailure('VERIFY_NO_FACTOR', 'allowed without a push', { reason: 'bypass' });
    expect(await flow.prepare(ANN, 'okta_password')).toMatchObject({ ok: false, code: 'VERIFY_NO_FACTOR', reason: 'bypass', verifierApp: 'Okta Verify' });
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'refused', errorCode: 'VERIFY_NO_FACTOR', reason: 'bypass', verifier: 'okta_verify', verification: 'no_factor' });
    verifier.findFailure = new LatchkeyFailure('VERIFY_NO_FACTOR', 'allowed without a push', { reason: 'not_declared' });
    const refused = await flow.prepare(ANN, 'okta_password');
    expect(refused).toMatchObject({ ok: false, code: 'VERIFY_NO_FACTOR' });
    expect(refused).not.toHaveProperty('reason');
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'refused', errorCode: 'VERIFY_NO_FACTOR', verification: 'no_factor' });
    expect(audit.entries.at(-1)).not.toHaveProperty('reason');
    // Every record as the audit log's schema takes it.
    for (const entry of audit.entries) expect(() => toAuditRecord(entry, new Date(), 400)).not.toThrow();
    expect(verifier.pushes).toEqual([]);
  });

  it('a verifier that cannot send the push: nothing changes, and the person is told to try again', async () => {
    const { flow, directory, audit, verifier, delivery } = setup('verify');
    verifier.pushFailure = new LatchkeyFailure('DIRECTORY_UNAVAILABLE', 'down');
    expect(await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery)).toMatchObject({ ok: false, code: 'VERIFY_UNAVAILABLE' });
    expect(directory.resets).toEqual([]);
    // Never sent: no reason on record, as there is for a push sent and then not heard of.
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'outcome', errorCode: 'VERIFY_UNAVAILABLE', verification: 'failed' });
    expect(audit.entries.at(-1)).not.toHaveProperty('reason');
  });

  it('a confirmation opened before verify was on proves nothing', async () => {
    const before = setup('self-service');
    const ticket = (await opened(before.flow)).ticket;
    const after = setup('verify');
    // The same sealing key (testSealer): the ticket opens, but carries no verifier account.
    expect(await after.flow.confirm(ANN, 'okta_password', ticket, after.delivery)).toMatchObject({ ok: false, code: 'REQUEST_EXPIRED' });
    expect(after.directory.resets).toEqual([]);
  });
});

describe('the gate: self-service and approval', () => {
  it('self-service: no push, no verifier call, the reset as before', async () => {
    const { flow, directory, verifier, delivery, challenges } = setup('self-service');
    verifier.find = async () => {
      throw new Error('the verifier must not be asked');
    };
    expect((await flow.confirm(ANN, 'okta_password', (await opened(flow)).ticket, delivery)).ok).toBe(true);
    expect(verifier.pushes).toEqual([]);
    expect(challenges).toEqual([]);
    expect(directory.resets).toEqual(['okta-ann']);
  });

  it('approval: the confirmed request goes to the approvals gate with its reference, pending; nothing changed', async () => {
    const { flow, directory, delivery, filed } = setup('approval');
    const { ticket, requestId } = await opened(flow);
    expect(await flow.confirm(ANN, 'okta_password', ticket, delivery)).toMatchObject({ ok: true, pending: 'approval', requestId });
    expect(filed).toEqual([requestId]);
    expect(directory.resets).toEqual([]);
  });

  it('approval with no approvals gate is a wiring mistake, refused when the flow is built', () => {
    expect(() => setup('approval', { noApprovals: true })).toThrow('the approval policy needs an approvals gate');
    expect(() => setup('verify', { noApprovals: true })).not.toThrow();
  });
});

describe('the approval policy: the requester finishes', () => {
  it("a finish the directory now refuses for a reason of its own keeps that reason, in the audit record and for the person's words", async () => {
    const { flow, directory, audit, delivery } = setup('approval');
    directory.users[0] = { ...directory.users[0]!, refusal: 'mastered_elsewhere' };
    const result = await flow.finishApproved(ANN, 'okta_password', { requestId: 'req-approved', directoryUserId: 'okta-ann', email: 'uann@example.com' }, delivery);
    expect(result).toMatchObject({ ok: false, code: 'DIRECTORY_USER_REFUSED', reason: 'mastered_elsewhere', requestId: 'req-approved' });
    expect(directory.resets).toEqual([]);
    expect(audit.entries).toEqual([expect.objectContaining({ requestId: 'req-approved', errorCode: 'DIRECTORY_USER_REFUSED', reason: 'mastered_elsewhere' })]);
  });
});

describe('TimerWheelWaiter', () => {
  it('one timer for every waiting push, checks within the budget, and each push checked once more at its deadline', async () => {
    const waiter = new TimerWheelWaiter({ intervalMs: 20, perSecond: 100, tickMs: 10, clock: realClock });
    const started = Date.now();
    const checkedAt: number[][] = Array.from({ length: 100 }, () => []);
    const waits = checkedAt.map((times) => waiter.wait(async () => (times.push(Date.now() - started), 'waiting' as const), 300));
    expect(waiter.size).toBe(100);
    const results = await Promise.all(waits);
    const checks = checkedAt.flat().length;
    // 300 ms at 100 a second (with a one-second burst): about 130 checks, not 100 × 15; then the 100 last ones.
    expect(checks).toBeLessThan(260);
    expect(checkedAt.every((times) => Math.max(...times) >= 300)).toBe(true);
    expect(results.every((r) => r === 'expired')).toBe(true);
    expect(waiter.size).toBe(0);
  });

  it("an approval made after a push's last regular check is still seen at its deadline (a crowd's checks come far apart)", async () => {
    const waiter = new TimerWheelWaiter({ intervalMs: 10_000, perSecond: 5, tickMs: 10, clock: realClock });
    const started = Date.now();
    let checks = 0;
    const result = await waiter.wait(async () => (++checks, Date.now() - started >= 150 ? 'approved' : 'waiting'), 300);
    expect(result).toBe('approved');
    expect(checks).toBe(1);
  });

  it('ends as cancelled when told to stop, even with a check under way, whose answer then settles nothing', async () => {
    const waiter = new TimerWheelWaiter({ intervalMs: 5, perSecond: 1000, clock: realClock });
    const stop = new AbortController();
    const check: { answer?: (state: 'approved') => void } = {};
    const waiting = waiter.wait(() => new Promise<'approved'>((resolve) => (check.answer = resolve)), 1000, stop.signal);
    await until('the check under way', () => check.answer !== undefined);
    stop.abort();
    check.answer?.('approved');
    await expect(waiting).resolves.toBe('cancelled');
    expect(waiter.size).toBe(0);
    await expect(waiter.wait(async () => 'approved', 1000, stop.signal)).resolves.toBe('cancelled');
  });

  it('ends with the answer, or with the error after three failed checks in a row', async () => {
    const waiter = new TimerWheelWaiter({ intervalMs: 5, perSecond: 1000, clock: realClock });
    let n = 0;
    await expect(waiter.wait(async () => (++n < 3 ? 'waiting' : 'rejected'), 1000)).resolves.toBe('rejected');
    await expect(waiter.wait(() => Promise.reject(new LatchkeyFailure('DIRECTORY_UNAVAILABLE')), 1000)).rejects.toThrow('DIRECTORY_UNAVAILABLE');
  });

  it("a check failing with the verifier's own answer (VERIFY_NO_FACTOR: a user in bypass) ends the wait at once with it, never asked again, even when it comes on the last check", async () => {
    const waiter = new TimerWheelWaiter({ intervalMs: 5, perSecond: 1000, clock: realClock });
    let checks = 0;
    const bypass = () => (++checks, Promise.reject(new LatchkeyFailure('VERIFY_NO_FACTOR', 'allowed without a push')));
    await expect(waiter.wait(bypass, 1000)).rejects.toThrow('VERIFY_NO_FACTOR');
    expect(checks).toBe(1);
    // Its first check is due at its deadline: the last one, which before would end as not answered in time.
    const last = new TimerWheelWaiter({ intervalMs: 50, perSecond: 1000, tickMs: 5, clock: realClock });
    checks = 0;
    await expect(last.wait(bypass, 50)).rejects.toThrow('VERIFY_NO_FACTOR');
    expect(checks).toBe(1);
    // A last check failing on our own store ends with that failure; one the verifier did not answer, as not answered in time.
    checks = 0;
    await expect(last.wait(() => (++checks, Promise.reject(new LatchkeyFailure('STORE_UNAVAILABLE', 'closed wait read'))), 50)).rejects.toThrow('STORE_UNAVAILABLE');
    expect(checks).toBe(1);
    await expect(last.wait(() => Promise.reject(new LatchkeyFailure('DIRECTORY_UNAVAILABLE')), 50)).resolves.toBe('expired');
    // A verifier that did not answer is still asked again.
    checks = 0;
    await expect(waiter.wait(() => (++checks, Promise.reject(new LatchkeyFailure('VERIFY_UNAVAILABLE'))), 1000)).rejects.toThrow('VERIFY_UNAVAILABLE');
    expect(checks).toBe(3);
  });

  /** The app's clock as the harness's is: real time, set forward or back by a test. */
  const movedClock = () => {
    const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
    return clock;
  };

  it("a push's deadline is a time on the app's clock: moved past it, the wait ends after one last check", async () => {
    const clock = movedClock();
    const waiter = new TimerWheelWaiter({ intervalMs: 10_000, perSecond: 5, tickMs: 5, clock });
    let checks = 0;
    const waiting = waiter.wait(async () => (++checks, 'waiting'), 60_000);
    clock.offsetMs = 61_000;
    await expect(waiting).resolves.toBe('expired');
    expect(checks).toBe(1);
  });

  it('a clock set back an hour while a push waits: its checks go on an interval apart, and its deadline is as far away as it was', async () => {
    // On jest's clock (Date.now() and the wheel's timer both): how far the deadline is, is not left
    // to how fast a loaded machine runs the wait, as a 2 s bound on the real one was.
    jest.useFakeTimers();
    try {
      const clock = movedClock();
      const waiter = new TimerWheelWaiter({ intervalMs: 20, perSecond: 1000, tickMs: 5, clock });
      let checks = 0;
      let ended: string | undefined;
      void waiter.wait(async () => (++checks, 'waiting'), 300).then((r) => (ended = r));
      await jest.advanceTimersByTimeAsync(50);
      const before = checks;
      expect(before).toBeGreaterThan(0);
      clock.offsetMs = -3_600_000;
      // 290 ms after the wait began: not over yet...
      await jest.advanceTimersByTimeAsync(240);
      expect(ended).toBeUndefined();
      expect(checks).toBeGreaterThan(before + 2);
      // ...and over once its 300 ms have passed, a tick and its last check later: not an hour on.
      await jest.advanceTimersByTimeAsync(30);
      expect(ended).toBe('expired');
    } finally {
      jest.useRealTimers();
    }
  });

  it('a clock set back an hour does not stall the checks of waiting pushes', async () => {
    const clock = movedClock();
    const waiter = new TimerWheelWaiter({ intervalMs: 10, perSecond: 5, tickMs: 5, clock });
    clock.offsetMs = -3_600_000;
    await expect(waiter.wait(async () => 'approved', 1_000)).resolves.toBe('approved');
    // A push that joins after the jump keeps its whole time: not moved back as if it had been waiting.
    let checks = 0;
    clock.offsetMs = -7_200_000;
    await expect(waiter.wait(async () => (++checks < 3 ? 'waiting' : 'approved'), 1_000)).resolves.toBe('approved');
  });
});
