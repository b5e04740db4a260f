import type { DuoSimPush, DuoSimUser, DuoSimulator } from '../../src/verifiers/duo/stand-in';
import { PEOPLE, secretIn, useHarness, type Harness } from '../support/harness';
import type { AppResponse } from '../support/slack-requests';

/**
 * The verify policy with Duo Push (Auth API v2), over HTTP against the real app; the Duo stand-in
 * checks every request's signature, and the test plays the person's phone.
 */
const DUO: DuoSimUser[] = [
  { username: 'ann@example.com', status: 'active', push: true },
  { username: 'carl@example.com', status: 'active', push: false },
  { username: 'max@example.com', status: 'bypass', push: false },
];
const ENV = { RESET_POLICY: 'password=verify', VERIFY_WITH: 'duo', VERIFY_POLL_MS: '100', VERIFY_TIMEOUT_SECONDS: '2', VERIFY_MAX_PER_HOUR: '20' };
const text = (view: Record<string, any>) => JSON.stringify(view.blocks);

async function modalAfter(h: Harness, submission: AppResponse, viewId: string, match: (view: Record<string, any>) => boolean, withinMs = 8000) {
  const answered = submission.json?.view as Record<string, any> | undefined;
  if (answered && match(answered)) return answered;
  return (await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && match(c.args.view), withinMs)).args.view as Record<string, any>;
}

/** The push the Reset click sent, the one after the `before` already there: 15 s for it to reach Duo (a click's work on a loaded machine). */
async function nextPushOf(duo: DuoSimulator, before: number): Promise<DuoSimPush> {
  const until = Date.now() + 15_000;
  while (duo.pushes().length === before && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const push = duo.pushes()[before];
  if (!push) throw new Error(`no push reached Duo within 15 s of the Reset click (${before} before it, ${duo.callsTo('auth').length} auth calls in all)`);
  return push;
}

describe('verify with Duo Push', () => {
  const MAILBOXES = [...PEOPLE.workmail, { Id: 'wm-max', Email: 'max@example.com', Name: 'max', State: 'ENABLED', UserRole: 'USER' }];
  const h = useHarness({ accounts: { 'verifier:duo': DUO, password: MAILBOXES }, env: ENV }, (x) => {
    x.slack.clear();
    x.workmail.clear();
    (x.verifierStandIn as DuoSimulator).clear();
  });
  const duo = () => h.verifierStandIn as DuoSimulator;
  const nextPush = (before: number) => nextPushOf(duo(), before);

  it("the confirmation says up front that a push to Duo Mobile comes next, in the verifier's own words", async () => {
    const opened = await h.open('/reset-password', 'UANN');
    expect(JSON.stringify(opened.view.blocks)).toContain('Latchkey will send a push to Duo Mobile on your phone; approve it to continue.');
    await h.close('UANN', opened.view);
  });

  it('approved: preauth, then auth (factor=push, device=auto, async=1) and auth_status, every request signed; then the reset', async () => {
    const opened = await h.open('/reset-password', 'UANN');
    const before = duo().pushes().length;
    const submission = await h.submit('UANN', opened.view);
    const push = await nextPush(before);
    const asking = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Duo Mobile request'));
    expect(text(asking)).toContain('Approve the Duo Mobile request on your phone.');
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
    duo().answerPush(push.txid, { approve: true });
    const final = await modalAfter(h, submission, opened.viewId, (v) => secretIn(v) !== undefined);
    expect(secretIn(final)).toBe(h.workmail.passwordOf('wm-ann'));
    expect(duo().callsTo('preauth').map((c) => c.params.username)).toEqual(['ann@example.com']);
    expect(duo().callsTo('auth').map((c) => c.params)).toEqual([expect.objectContaining({ username: 'ann@example.com', factor: 'push', device: 'auto', async: '1' })]);
    // No number to match: the push says on the phone what it approves (pushinfo, URL-encoded pairs), so a person who asked for nothing can tell.
    expect(Object.fromEntries(new URLSearchParams(String(duo().callsTo('auth')[0]!.params.pushinfo)))).toEqual({ from: 'Latchkey in Slack', request: 'mail password reset' });
    expect(duo().callsTo('auth_status').length).toBeGreaterThan(0);
    expect(duo().callsTo('refused')).toEqual([]);
    const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.verification === 'approved');
    // Duo's authentication log names the push by its txid; the device was Duo's pick (device=auto), so none is claimed.
    const outcome = records.find((r) => r.verification === 'approved')!;
    expect(outcome).toMatchObject({ verifier: 'duo', factorType: 'duo_push', outcome: 'success', policy: 'verify', verifierTransactionId: push.txid });
    expect(outcome.verifierFactorId).toBeUndefined();
  });

  it('closing the waiting modal ends the wait: Duo cannot withdraw a push, so approving it afterwards changes nothing; on record as cancelled', async () => {
    const logged = h.logs.length;
    const opened = await h.open('/reset-password', 'UANN');
    const before = duo().pushes().length;
    const submission = await h.submit('UANN', opened.view);
    const push = await nextPush(before);
    const waiting = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Duo Mobile request'));
    expect(waiting).toMatchObject({ callback_id: 'reset_password_waiting', notify_on_close: true });
    expect((await h.close('UANN', { ...waiting, id: opened.viewId })).status).toBe(200);
    await h.waitForLogs('push cancelled: the person closed the modal waiting for it', 1);
    // Still live on Duo's side; approved by habit, after the close.
    expect(duo().answerPush(push.txid, { approve: true })).toBe(true);
    const checksOf = () => duo().callsTo('auth_status').filter((c) => c.params.txid === push.txid).length;
    const checks = checksOf();
    // The click's end: its wait is over, and the approval reset nothing.
    await h.resetClicksHandled('UANN', 1, logged);
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
    // Nor does anything check the push after it. Work left running past the close (a poll loop not stopped) would come
    // after the end line, so the end alone cannot say so: such a loop asks Duo again within a poll interval (VERIFY_POLL_MS,
    // 100 ms: the approval answers every poll at once, none is held), and none comes in 15 of them after the end.
    await new Promise((r) => setTimeout(r, 15 * Number(ENV.VERIFY_POLL_MS)));
    expect(checksOf()).toBe(checks);
    const records = await h.waitForAudit('UANN', (r) => r.verification === 'cancelled');
    expect(records.find((r) => r.verification === 'cancelled')).toMatchObject({ phase: 'outcome', outcome: 'failure', errorCode: 'VERIFY_CANCELLED', verifier: 'duo', factorType: 'duo_push' });
    expect(h.logs.slice(logged).some((l) => l.includes('securityEvent'))).toBe(false);
  });

  it('denied on the phone: nothing changes, a security event, the owner told', async () => {
    const opened = await h.open('/reset-password', 'UANN');
    const before = duo().pushes().length;
    const submission = await h.submit('UANN', opened.view);
    duo().answerPush((await nextPush(before)).txid, { approve: false });
    const final = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes(':warning:'));
    expect(text(final)).toContain('The Duo Mobile request was rejected on your phone, so nothing was changed.');
    // In Duo's own words, as its message to the owner: no number to pick.
    expect(text(final)).toContain('If you tapped Deny by mistake, run `/reset-password` again and approve it.');
    expect(text(final)).not.toContain('wrong number');
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
    await h.waitForLogs('"securityEvent":"push_rejected"', 1);
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => String(c.args.text).includes('Duo Mobile request on your phone was rejected'));
    // In the verifier's own words: Duo has no number to pick.
    expect(dm.args.text).toContain('If you tapped Deny by mistake, run `/reset-password` again. If you did not ask for this, contact IT now');
  });

  it("Duo's timeout changes nothing", async () => {
    const opened = await h.open('/reset-password', 'UANN');
    const before = duo().pushes().length;
    const submission = await h.submit('UANN', opened.view);
    duo().expirePush((await nextPush(before)).txid);
    expect(text(await modalAfter(h, submission, opened.viewId, (v) => text(v).includes(':warning:')))).toContain("You didn't approve the Duo Mobile request in time");
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
  });

  it("put in bypass after the confirmation opened: Duo's allow with status bypass (no phone asked) changes nothing, and the person is told as at the confirmation", async () => {
    const ann = duo().users.get('ann@example.com')!;
    const opened = await h.open('/reset-password', 'UANN');
    // An admin puts them in bypass (a lost phone) between the preauth and the Reset click.
    ann.status = 'bypass';
    try {
      const submission = await h.submit('UANN', opened.view);
      const final = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes(':warning:'));
      expect(text(final)).toContain('you have no Duo Mobile set up to receive one. Nothing was changed.');
      expect(secretIn(final)).toBeUndefined();
      expect(duo().callsTo('auth')).toHaveLength(1);
      // A definite answer, not a failed check: never asked again.
      expect(duo().callsTo('auth_status')).toHaveLength(1);
      expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
      const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.errorCode === 'VERIFY_NO_FACTOR');
      // On record as Duo's bypass (the plug-in's own reason), never as a person without Duo Mobile.
      expect(records.find((r) => r.errorCode === 'VERIFY_NO_FACTOR')).toMatchObject({ outcome: 'failure', verifier: 'duo', verification: 'failed', reason: 'bypass' });
    } finally {
      ann.status = 'active';
    }
  });

  it("no device that takes pushes, or a bypass user (whom Duo would let through unasked, preauth's allow): told they need Duo Mobile, nothing sent; on record as Duo's bypass, apart from a person with no push device", async () => {
    for (const user of ['UCARL', 'UMAX']) {
      const opened = await h.open('/reset-password', user);
      expect(opened.view.submit).toBeUndefined();
      expect(text(opened.view)).toContain('you have no Duo Mobile set up to receive one');
    }
    expect(duo().callsTo('auth')).toEqual([]);
    const refusal = async (user: string) => (await h.waitForAudit(user, (r) => r.phase === 'refused' && r.errorCode === 'VERIFY_NO_FACTOR')).find((r) => r.phase === 'refused');
    // The plug-in's own reason, which the audit search and the export name.
    expect(await refusal('UMAX')).toMatchObject({ phase: 'refused', verifier: 'duo', verification: 'no_factor', reason: 'bypass' });
    expect(await refusal('UCARL')).toMatchObject({ phase: 'refused', verifier: 'duo', verification: 'no_factor' });
    expect(await refusal('UCARL')).not.toHaveProperty('reason');
  });

  it("refused by Duo when the confirmation opens (preauth's deny: locked out or disabled in Duo): told Duo isn't letting them sign in and to ask IT, never to set up Duo Mobile; on record with Duo's own reason, no alert", async () => {
    const ann = duo().users.get('ann@example.com')!;
    const logged = h.logs.length;
    // An admin disabled her in Duo (or Duo locked her out): she still has Duo Mobile on her phone.
    ann.status = 'disabled';
    try {
      const opened = await h.open('/reset-password', 'UANN');
      expect(opened.view.submit).toBeUndefined();
      expect(text(opened.view)).toContain(
        "Duo isn't letting you sign in right now (your Duo account may be locked or disabled), so Latchkey can't send the push to your phone. Nothing was changed.",
      );
      expect(text(opened.view)).toContain('Ask IT to check your Duo account, then run `/reset-password` again');
      // Duo Mobile is the app on her phone; the account Duo refuses is her Duo account.
      expect(text(opened.view)).not.toContain('Duo Mobile account');
      expect(text(opened.view)).not.toContain('no Duo Mobile set up');
      expect(text(opened.view)).not.toContain('Set up Duo Mobile');
      expect(duo().callsTo('auth')).toEqual([]);
      const refusal = (await h.waitForAudit('UANN', (r) => r.phase === 'refused' && r.errorCode === 'VERIFY_USER_REFUSED')).find((r) => r.phase === 'refused');
      // Duo's own reason, which the audit search names ('user locked out or disabled in Duo'), never "no push device".
      expect(refusal).toMatchObject({ phase: 'refused', verifier: 'duo', reason: 'denied' });
      expect(refusal).not.toHaveProperty('verification');
      // The person's account state, not our fault: nobody paged. Duo's words say which, in the log line.
      expect(h.logs.slice(logged).some((l) => l.includes('"alert":true'))).toBe(false);
      expect(h.logs.slice(logged).some((l) => l.includes('"code":"VERIFY_USER_REFUSED"') && l.includes('Your account is disabled.'))).toBe(true);
    } finally {
      ann.status = 'active';
    }
  });

  it("a preauth whose status_msg is not a string (a number) is still read: the refused person told as such, an enrolled one's confirmation opens; never \"answered without a result\"", async () => {
    const ann = duo().users.get('ann@example.com')!;
    const logged = h.logs.length;
    duo().preauthStatusMsg(403);
    try {
      const opened = await h.open('/reset-password', 'UANN');
      expect(opened.view.submit).toBeDefined();
      ann.status = 'disabled';
      const refused = await h.open('/reset-password', 'UANN');
      expect(text(refused.view)).toContain("Duo isn't letting you sign in right now (your Duo account may be locked or disabled)");
      // The log line says what it was, not what it said: only a string is quoted.
      expect(h.logs.slice(logged).some((l) => l.includes('"code":"VERIFY_USER_REFUSED"') && l.includes('status_msg not a string: number'))).toBe(true);
      expect(h.logs.slice(logged).some((l) => l.includes('answered without a result'))).toBe(false);
    } finally {
      ann.status = 'active';
      duo().preauthStatusMsg(undefined);
    }
  });

  it('the stand-in refuses a request whose signature is wrong, as Duo does (401, code 40103)', async () => {
    const res = await fetch(`${duo().url}/auth/v2/preauth`, {
      method: 'POST',
      headers: {
        date: new Date().toUTCString(),
        authorization: `Basic ${Buffer.from(`${duo().integrationKey}:${'0'.repeat(128)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'username=ann%40example.com',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ stat: 'FAIL', code: 40103, message: 'Invalid signature in request credentials' });
  });

  it("the setup check proves the keys with Duo's /auth/v2/check, and names the settings when they are wrong, never the secret", async () => {
    const { duo: plugin } = await import('../../src/verifiers/duo');
    const settings = plugin.settings.read(h.env)!;
    const context = { fetch: (await import('../../src/http/fetch')).httpFetch(), logger: console, aws: { requestHandler: { connectionTimeout: 1000, requestTimeout: 1000 }, cacheMiddleware: true } };
    expect(await plugin.check!(settings, context as never)).toEqual([expect.objectContaining({ ok: true })]);
    const wrong = await plugin.check!({ ...settings, secretKey: 'x'.repeat(40) }, context as never);
    expect(wrong).toEqual([expect.objectContaining({ ok: false, detail: expect.stringContaining('DUO_SECRET_KEY') })]);
    expect(JSON.stringify(wrong)).not.toContain(settings.secretKey);
  });

  it('the setup check of a Duo host that cannot be found says so under network address, naming the host and DUO_API_HOSTNAME, and the network, not the keys', async () => {
    const { duo: plugin } = await import('../../src/verifiers/duo');
    const settings = { ...plugin.settings.read(h.env)!, hostname: 'api-nowhere.invalid', scheme: 'https' as const };
    const context = { fetch: (await import('../../src/http/fetch')).httpFetch() };
    const [line, ...rest] = await plugin.check!(settings, context as never);
    expect(rest).toEqual([]);
    // .invalid never resolves (RFC 6761): DNS says so (ENOTFOUND), or, with no network, does not answer (EAI_AGAIN).
    expect(line).toMatchObject({ name: 'network address', ok: false, detail: expect.stringMatching(/^DNS (has no address|did not answer) for api-nowhere\.invalid \((ENOTFOUND|EAI_AGAIN)\), so nothing was asked of it: .*the host in DUO_API_HOSTNAME/) });
    expect(line!.detail).not.toMatch(/refused|DUO_SECRET_KEY|DUO_INTEGRATION_KEY/);
  });

  it("privacy: Duo's secret key and every password stay out of logs, audit items and DMs", async () => {
    const raw = await h.rawAuditTable();
    const dms = JSON.stringify(h.slack.callsTo('chat.postMessage'));
    for (const secret of h.allSecrets()) {
      expect(h.logs.join('\n')).not.toContain(secret);
      expect(raw).not.toContain(secret);
      expect(dms).not.toContain(secret);
    }
  });
});

/** Polls Duo holds open are waited on 1.5 s here (Duo's own 5 s in the product): several of them pass in seconds. */
const LONG_POLL_MS = 1_500;

describe('verify with Duo Push, a person slow to reach their phone', () => {
  const h = useHarness({ accounts: { 'verifier:duo': DUO, password: PEOPLE.workmail }, env: { ...ENV, VERIFY_TIMEOUT_SECONDS: '20' }, longPollMs: LONG_POLL_MS }, (x) => {
    x.slack.clear();
    x.workmail.clear();
    (x.verifierStandIn as DuoSimulator).clear();
  });

  it("Duo holds auth_status open until the push changes (a long poll): polls it has not answered within their time are a push still waiting, and an approval four polls' time on resets", async () => {
    const duo = h.verifierStandIn as DuoSimulator;
    const opened = await h.open('/reset-password', 'UANN');
    const before = duo.pushes().length;
    const submission = await h.submit('UANN', opened.view);
    const push = await nextPushOf(duo, before);
    await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Duo Mobile request'));
    // Longer than three polls Duo holds open (three failed checks end a wait): the person reaches their phone late.
    await new Promise((r) => setTimeout(r, 4 * LONG_POLL_MS));
    expect(duo.answerPush(push.txid, { approve: true })).toBe(true);
    const final = await modalAfter(h, submission, opened.viewId, (v) => secretIn(v) !== undefined || text(v).includes(':warning:'));
    expect(text(final)).not.toContain(':warning:');
    expect(secretIn(final)).toBe(h.workmail.passwordOf('wm-ann'));
    // Held open, not asked again every 100 ms: a few polls in all.
    expect(duo.callsTo('auth_status').length).toBeLessThan(10);
  }, 30_000);

  it("a Duo that takes auth_status and never answers (not even a push's first status, which Duo answers at once) is the verifier unavailable, on record and logged so, not a person who did not approve in time", async () => {
    const duo = h.verifierStandIn as DuoSimulator;
    const logged = h.logs.length;
    const opened = await h.open('/reset-password', 'UANN');
    const before = duo.pushes().length;
    const release = duo.hold(['auth_status']);
    try {
      const submission = await h.submit('UANN', opened.view);
      await nextPushOf(duo, before);
      // Three first polls left unanswered (1.5 s each) end the wait, long before its 20 s.
      const final = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes(':warning:'), 25_000);
      expect(secretIn(final)).toBeUndefined();
      // The push was sent and is on the phone: never "could not send", and told not to approve it.
      expect(text(final)).toContain('Latchkey sent the Duo Mobile request to your phone, but could not hear back from Duo Mobile. Nothing was changed.');
      expect(text(final)).toContain('If the Duo Mobile request shows on your phone, do not approve it: it would change nothing.');
      expect(text(final)).toContain('again in a few minutes; if it keeps happening, contact IT.');
      expect(text(final)).not.toContain('could not send');
      expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
      const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.outcome === 'failure');
      // Sent, then no answer: on record as such, for a reviewer to tell it from a push that never went out.
      expect(records.find((r) => r.phase === 'outcome' && r.outcome === 'failure')).toMatchObject({ outcome: 'failure', errorCode: 'VERIFY_UNAVAILABLE', reason: 'sent_unanswered', verifier: 'duo', verification: 'failed' });
      expect(h.logs.slice(logged).some((l) => l.includes('"code":"VERIFY_UNAVAILABLE"') && l.includes('duo:auth_status'))).toBe(true);
    } finally {
      release();
    }
  }, 45_000);
});

describe('verify with Duo Push, VERIFY_TIMEOUT_SECONDS set past the 60 s a Duo push lives on the phone', () => {
  const h = useHarness({ accounts: { 'verifier:duo': DUO, password: PEOPLE.workmail }, env: { ...ENV, VERIFY_TIMEOUT_SECONDS: '90' } });

  it('the person is told the wait Duo gives (a minute), not the 90 s set, and is held to it; the start says the setting is past what Duo allows', async () => {
    const duo = h.verifierStandIn as DuoSimulator;
    expect(h.logs.join('\n')).toContain('VERIFY_TIMEOUT_SECONDS is 90, but a Duo Mobile request lapses on the phone after 60 seconds (VERIFY_WITH=duo): Latchkey waits 60 seconds and tells people so. Set VERIFY_TIMEOUT_SECONDS to 60 or less');
    const opened = await h.open('/reset-password', 'UANN');
    const before = duo.pushes().length;
    const submission = await h.submit('UANN', opened.view);
    const push = await nextPushOf(duo, before);
    const waiting = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Duo Mobile request'));
    expect(text(waiting)).toContain('the request lapses after a minute.');
    // Duo lapses it on the phone: the person is told the wait it had, and so is the record.
    duo.expirePush(push.txid);
    const final = text(await modalAfter(h, submission, opened.viewId, (v) => text(v).includes(':warning:')));
    expect(final).toContain("You didn't approve the Duo Mobile request in time");
    expect(final).toContain('approve the request on your phone within a minute.');
    const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.errorCode === 'VERIFY_TIMEOUT');
    expect(records.find((r) => r.errorCode === 'VERIFY_TIMEOUT')).toMatchObject({ verifier: 'duo', verifyWaitMs: 60_000 });
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
  });
});
