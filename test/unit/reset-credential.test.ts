import { LatchkeyFailure } from '../../src/flows/failure';
import type { SlackMember } from '../../src/flows/ports';
import { ResetCredential, type ResetDelivery, type ResetDone } from '../../src/flows/reset-credential';
import type { Secret } from '../../src/flows/secret';
import {
  ManualClock,
  member,
  MemoryAudit,
  MemoryDirectory,
  MemoryLogger,
  MemoryMembers,
  MemoryRateLimiter,
  testSealer,
} from '../support/in-memory-ports';

const ANN = { userId: 'UANN', teamId: 'T0TEAM' };

function setup(members: SlackMember[] = [member('UANN'), member('UBOB')]) {
  const chime = new MemoryDirectory([
    { id: 'chime-ann', email: 'uann@example.com', status: 'active' },
    { id: 'chime-bob', email: 'ubob@example.com', status: 'active' },
  ]);
  const audit = new MemoryAudit();
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const flow = new ResetCredential({
    credentials: new Map([['pin', { id: 'pin', audit: { action: 'reset_pin', directory: 'chime' }, directory: chime, changeTime: { secretMs: 7_000 } }]]),
    members: new MemoryMembers(members),
    audit,
    sealer: testSealer(),
    clock,
    logger,
    workspace: { teamId: 'T0TEAM' },
    limiter: new MemoryRateLimiter(),
    limits: { perUserPerHour: 3, globalPerMinute: 100 },
  });
  const shown: { secret: Secret | undefined; done: ResetDone }[] = [];
  const notified: ResetDone[] = [];
  const delivery: ResetDelivery = {
    showResult: async (result, done) => void shown.push({ secret: result.secret, done }),
    notifyOwner: async (done) => void notified.push(done),
  };
  return { chime, audit, clock, logger, flow, shown, notified, delivery };
}

async function prepared(flow: ResetCredential, requester = ANN) {
  const result = await flow.prepare(requester, 'pin');
  if (!result.ok) throw new Error(`prepare failed: ${result.code}`);
  return result;
}

describe('ResetCredential', () => {
  it('resets the requester, shows the secret to them, and audits attempt then outcome', async () => {
    const { flow, chime, audit, shown, notified, delivery } = setup();
    const ready = await prepared(flow);
    const done = await flow.confirm(ANN, 'pin', ready.ticket, delivery);

    expect(done.ok).toBe(true);
    expect(chime.resets).toEqual(['chime-ann']);
    expect(shown.map((s) => s.secret?.reveal())).toEqual(['secret-chime-ann-1']);
    expect(notified).toHaveLength(1);
    expect(audit.entries.map((e) => [e.phase, e.outcome, e.directoryUserId])).toEqual([
      ['attempt', undefined, 'chime-ann'],
      ['outcome', 'success', 'chime-ann'],
    ]);
  });

  it('fails closed: when the attempt cannot be audited nothing is reset', async () => {
    const { flow, chime, audit, shown, delivery } = setup();
    const ready = await prepared(flow);
    audit.failWith = new LatchkeyFailure('AUDIT_UNAVAILABLE');
    const result = await flow.confirm(ANN, 'pin', ready.ticket, delivery);

    expect(result).toMatchObject({ ok: false, code: 'AUDIT_UNAVAILABLE' });
    expect(chime.resets).toEqual([]);
    expect(shown).toEqual([]);
  });

  it('a replayed confirmation resets at most once', async () => {
    const { flow, chime, delivery } = setup();
    const ready = await prepared(flow);
    await flow.confirm(ANN, 'pin', ready.ticket, delivery);
    const again = await flow.confirm(ANN, 'pin', ready.ticket, delivery);

    expect(again).toMatchObject({ ok: false, code: 'REQUEST_ALREADY_USED' });
    expect(chime.resets).toEqual(['chime-ann']);
  });

  it("a ticket made for someone else is refused: Bob cannot confirm Ann's reset", async () => {
    const { flow, chime, delivery } = setup();
    const annsTicket = (await prepared(flow)).ticket;
    const result = await flow.confirm({ userId: 'UBOB', teamId: 'T0TEAM' }, 'pin', annsTicket, delivery);

    expect(result).toMatchObject({ ok: false, code: 'REQUEST_INVALID' });
    expect(chime.resets).toEqual([]);
  });

  it('a tampered ticket is refused', async () => {
    const { flow, chime, delivery } = setup();
    const ticket = (await prepared(flow)).ticket;
    const [body, mac] = ticket.split('.') as [string, string];
    const json = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...json, directoryUserId: 'chime-bob' })).toString('base64url')}.${mac}`;

    for (const bad of [forged, '', 'garbage', `${body}.`, `${ticket}.x`]) {
      expect(await flow.confirm(ANN, 'pin', bad, delivery)).toMatchObject({ ok: false, code: 'REQUEST_INVALID' });
    }
    expect(chime.resets).toEqual([]);
  });

  it('an expired ticket is refused', async () => {
    const { flow, clock, chime, delivery } = setup();
    const ticket = (await prepared(flow)).ticket;
    clock.advance(10 * 60 * 1000 + 1);

    expect(await flow.confirm(ANN, 'pin', ticket, delivery)).toMatchObject({ ok: false, code: 'REQUEST_EXPIRED' });
    expect(chime.resets).toEqual([]);
  });

  it.each([
    ['a guest', member('UANN', { isGuest: true }), 'SLACK_USER_IS_GUEST'],
    ['a bot', member('UANN', { isBot: true }), 'SLACK_USER_IS_BOT'],
    ['a deactivated user', member('UANN', { deleted: true }), 'SLACK_USER_DEACTIVATED'],
    ['a member of another workspace', member('UANN', { teamId: 'T0OTHER' }), 'SLACK_WRONG_WORKSPACE'],
    ['a user with no email', member('UANN', { email: undefined }), 'SLACK_USER_NO_EMAIL'],
    ['a user whose email Slack has not confirmed', member('UANN', { emailConfirmed: false }), 'SLACK_EMAIL_UNCONFIRMED'],
  ])('refuses %s and records the refusal', async (_what, slackMember, code) => {
    const { flow, audit, chime } = setup([slackMember]);
    const result = await flow.prepare(ANN, 'pin');

    expect(result).toMatchObject({ ok: false, code });
    expect(audit.entries).toEqual([expect.objectContaining({ phase: 'refused', errorCode: code, actor: ANN })]);
    expect(chime.resets).toEqual([]);
  });

  it('records at most 3 refusals per person and reason in an hour, so a script cannot grow the admins\' reads (issue 26 §2.4)', async () => {
    const { flow, audit, clock } = setup([member('UANN', { isGuest: true }), member('UBOB', { isGuest: true })]);
    for (let i = 0; i < 10; i++) expect(await flow.prepare(ANN, 'pin')).toMatchObject({ ok: false, code: 'SLACK_USER_IS_GUEST' });
    await flow.prepare({ userId: 'UBOB', teamId: 'T0TEAM' }, 'pin');
    const refused = (who: string) => audit.entries.filter((e) => e.phase === 'refused' && e.actor.userId === who);
    expect(refused('UANN')).toHaveLength(3);
    expect(refused('UBOB')).toHaveLength(1); // someone else's are their own
    clock.advance(3_600_000); // the next hour records again
    await flow.prepare(ANN, 'pin');
    expect(refused('UANN')).toHaveLength(4);
  });

  it('refuses a request signed for another workspace than the configured one', async () => {
    const { flow } = setup([member('UANN', { teamId: 'T0OTHER' })]);
    expect(await flow.prepare({ userId: 'UANN', teamId: 'T0OTHER' }, 'pin')).toMatchObject({
      ok: false,
      code: 'SLACK_WRONG_WORKSPACE',
    });
  });

  it.each([
    ['no directory user', [], 'DIRECTORY_USER_NOT_FOUND'],
    ['two directory users', [{ id: 'a', email: 'uann@example.com', status: 'active' }, { id: 'b', email: 'UANN@example.com', status: 'active' }], 'DIRECTORY_USER_AMBIGUOUS'],
    ['a suspended user', [{ id: 'a', email: 'uann@example.com', status: 'suspended' }], 'DIRECTORY_USER_SUSPENDED'],
    ['a shared device', [{ id: 'a', email: 'uann@example.com', status: 'not_a_person' }], 'DIRECTORY_USER_NOT_A_PERSON'],
  ] as const)('refuses when the email maps to %s, and says which email', async (_what, users, code) => {
    const { flow, chime } = setup();
    chime.users.splice(0, chime.users.length, ...users);
    expect(await flow.prepare(ANN, 'pin')).toMatchObject({ ok: false, code, email: 'uann@example.com' });
  });

  it('a failed reset is audited as a failure with its code, and nothing is shown', async () => {
    const { flow, chime, audit, shown, notified, delivery } = setup();
    const ready = await prepared(flow);
    chime.resetFailure = new LatchkeyFailure('DIRECTORY_THROTTLED');
    const result = await flow.confirm(ANN, 'pin', ready.ticket, delivery);

    expect(result).toMatchObject({ ok: false, code: 'DIRECTORY_THROTTLED', requestId: ready.requestId });
    expect(audit.entries.map((e) => [e.phase, e.outcome, e.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'DIRECTORY_THROTTLED'],
    ]);
    expect(shown).toEqual([]);
    expect(notified).toEqual([]);
  });

  it('when the secret cannot be shown the outcome says so, and the owner is still told', async () => {
    const { flow, audit, notified } = setup();
    const ready = await prepared(flow);
    const result = await flow.confirm(ANN, 'pin', ready.ticket, {
      showResult: async () => {
        throw new Error('views.update failed');
      },
      notifyOwner: async (done) => void notified.push(done),
    });

    expect(result.ok).toBe(true);
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'outcome', outcome: 'success', deliveryFailed: true });
    expect(notified).toHaveLength(1);
  });

  it('a follow-up step that failed after the change: secret shown, outcome audited as partial with the step, an alert logged', async () => {
    const { flow, chime, audit, logger, shown, notified, delivery } = setup();
    chime.failingFollowUp = { step: 'revokeSessions', failure: new LatchkeyFailure('DIRECTORY_UNAVAILABLE') };
    const ready = await prepared(flow);
    const result = await flow.confirm(ANN, 'pin', ready.ticket, delivery);

    expect(result).toMatchObject({ ok: true, incomplete: [{ step: 'revokeSessions', code: 'DIRECTORY_UNAVAILABLE' }] });
    expect(shown.map((s) => s.secret?.reveal())).toEqual(['secret-chime-ann-1']);
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'outcome', outcome: 'partial', incomplete: [{ step: 'revokeSessions', code: 'DIRECTORY_UNAVAILABLE' }] });
    expect(logger.lines.filter((l) => (l.fields as { alert?: boolean }).alert === true).map((l) => l.message)).toEqual(['reset done, but a step after the change failed']);
    expect(notified[0]).toMatchObject({ incomplete: [{ step: 'revokeSessions' }] });
  });

  it('a change with no secret is a success: nothing secret to show, the outcome audited as success', async () => {
    const { flow, chime, audit, shown, delivery } = setup();
    chime.resetCredential = async ({ id }) => {
      chime.resets.push(id);
      return {};
    };
    const ready = await prepared(flow);
    expect(await flow.confirm(ANN, 'pin', ready.ticket, delivery)).toMatchObject({ ok: true });
    expect(shown).toHaveLength(1);
    expect(shown[0]!.secret).toBeUndefined();
    expect(audit.entries.at(-1)).toMatchObject({ phase: 'outcome', outcome: 'success' });
  });

  it("a directory's own refusal is refused before any change, with its reason on the audit record and in the answer", async () => {
    const { flow, chime, audit } = setup();
    chime.users[0] = { ...chime.users[0]!, refusal: 'directory_guest' };
    const result = await flow.prepare(ANN, 'pin');

    expect(result).toMatchObject({ ok: false, code: 'DIRECTORY_USER_REFUSED', reason: 'directory_guest' });
    expect(chime.resets).toEqual([]);
    expect(audit.entries).toEqual([expect.objectContaining({ phase: 'refused', errorCode: 'DIRECTORY_USER_REFUSED', reason: 'directory_guest' })]);
  });

  it('answers "not enabled" for a credential with no directory configured', async () => {
    const { flow } = setup();
    expect(flow.isEnabled('password')).toBe(false);
    expect(await flow.prepare(ANN, 'password')).toMatchObject({ ok: false, code: 'DIRECTORY_NOT_ENABLED' });
  });

  it('never logs the secret', async () => {
    const { flow, logger, shown, delivery } = setup();
    const ready = await prepared(flow);
    await flow.confirm(ANN, 'pin', ready.ticket, delivery);
    const secret = shown[0]!.secret!.reveal();

    expect(JSON.stringify(logger.lines)).not.toContain(secret);
    expect(JSON.stringify(shown[0])).not.toContain(secret);
    expect(`${shown[0]!.secret}`).toBe('[redacted]');
  });

  it("another user's Finish click turned away while the owner's approved reset is showing its new PIN gets nothing of it, in their modal or aside; the owner's own second click does", async () => {
    const { flow, chime, logger } = setup();
    const approved = { requestId: 'R-ANN-FINISH', directoryUserId: 'chime-ann', email: 'uann@example.com' };
    // Ann's finish has made the change and is handing the PIN to her modal (Slack slow to take it).
    let handed!: () => void;
    const handing = new Promise<void>((resolve) => (handed = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const annShown: (Secret | undefined)[] = [];
    const annsFinish = flow.finishApproved(ANN, 'pin', approved, {
      showResult: async (result) => {
        annShown.push(result.secret);
        handed();
        await held;
      },
      notifyOwner: async () => undefined,
    });
    await handing;
    /** A delivery of a turned-away click's modal: what reached it, in the modal or aside. */
    const turnedAway = () => {
      const got: (Secret | undefined)[] = [];
      const delivery: ResetDelivery = {
        showResult: async (result) => void got.push(result.secret),
        showResultAside: async (result) => void got.push(result.secret),
        notifyOwner: async () => void got.push(undefined),
      };
      return { got, delivery };
    };
    const ended = annsFinish.then(() => undefined);
    // Bob's click, made while Ann's finish is in flight under her request's reference: nothing of hers reaches him.
    const bob = turnedAway();
    const bobs = flow.sameAsFinishing({ userId: 'UBOB', teamId: 'T0TEAM' }, 'pin', approved.requestId, bob.delivery, ended);
    // Ann's own second click shows her the same PIN: the check is by who clicked, not a request nobody may join.
    const own = turnedAway();
    expect(await flow.sameAsFinishing(ANN, 'pin', approved.requestId, own.delivery, ended)).toBe(true);
    release();
    await annsFinish;
    // Bob's waited for Ann's to end, and shows nothing of it.
    expect(await bobs).toBe(false);
    expect(bob.got).toEqual([]);
    const pin = annShown[0]!.reveal();
    expect(own.got.map((s) => s?.reveal())).toEqual([pin]);
    expect(chime.resets).toEqual(['chime-ann']);
    expect(JSON.stringify(logger.lines)).not.toContain(pin);
  });
});
