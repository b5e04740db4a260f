import { oktaVerify, type OktaSimPush, type OktaSimUser } from '../../src/credentials/okta-stand-in';
import { USER_AGENT } from '../../src/verifiers/okta/okta-verify';
import { homeResetActionId } from '../../src/views/home-tab';
import { CREDENTIALS } from '../../src/credentials';
import { PrometheusMetrics } from '../../src/metrics/prometheus-metrics';
import { answeredAt, Harness, isProgress, PEOPLE, secretIn, TEAM, useHarness } from '../support/harness';
import type { AppResponse } from '../support/slack-requests';
import { until } from '../support/until';

/**
 * The verify policy with Okta Verify, over HTTP against the real app: the Okta stand-in speaks the
 * Factors API, and the test plays the person's phone. The mail password (WorkMail) is the
 * credential: Okta Verify proves any credential, found by the same exact email.
 */
const OKTA: OktaSimUser[] = [
  { id: '00uann', email: 'ANN@example.com', status: 'ACTIVE', factors: [oktaVerify('ann')] },
  { id: '00ucarl', email: 'carl@example.com', status: 'ACTIVE', factors: [{ id: 'opfcarltotp', factorType: 'token:software:totp', provider: 'OKTA', status: 'ACTIVE' }] },
  { id: '00ubob', email: 'bob@example.com', status: 'ACTIVE', factors: [oktaVerify('bob')] },
];
const ENV = { RESET_POLICY: 'password=verify', VERIFY_WITH: 'okta', VERIFY_POLL_MS: '100', VERIFY_TIMEOUT_SECONDS: '2', VERIFY_MAX_PER_HOUR: '20' };

/** What the modal shows after the Reset click: the submission's own answer, else its views.update. */
async function modalAfter(h: Harness, submission: AppResponse, viewId: string, match: (view: Record<string, any>) => boolean) {
  const answered = submission.json?.view as Record<string, any> | undefined;
  if (answered && match(answered)) return answered;
  const call = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && match(c.args.view), 8000);
  return call.args.view as Record<string, any>;
}
const text = (view: Record<string, any>) => JSON.stringify(view.blocks);
/** The request of the person's push still waiting: its attempt is on record, its outcome not yet. */
async function waitingRequest(h: Harness, userId: string): Promise<string> {
  const records = await h.auditRecords(userId);
  const ended = new Set(records.filter((r) => r.phase !== 'attempt').map((r) => r.requestId));
  const waiting = records.filter((r) => r.phase === 'attempt' && !ended.has(r.requestId));
  if (waiting.length !== 1) throw new Error(`${waiting.length} requests of ${userId} waiting`);
  return waiting[0]!.requestId;
}
const linesSaying = (h: Harness, words: string) => h.logs.filter((l) => l.includes(words)).length;
const hasSecret = (view: Record<string, any>) => secretIn(view) !== undefined;
const isFailure = (view: Record<string, any>) => text(view).includes(':warning:');

describe('verify with Okta Verify', () => {
  const h = useHarness({ accounts: { okta_password: OKTA }, env: ENV }, (x) => {
    x.slack.clear();
    x.okta.clear();
    x.workmail.clear();
  });
  const pushesTo = (email: string) => h.okta.pushes().filter((p) => p.email.toLowerCase() === email).length;

  it("the confirmation says up front that a push to Okta Verify comes next, in the verifier's own words", async () => {
    const opened = await h.open('/reset-password', 'UANN');
    expect(JSON.stringify(opened.view.blocks)).toContain('Latchkey will send a push to Okta Verify on your phone; approve it to continue.');
    // A person whose phone is new, or whose Okta Verify is gone, is pointed to the reset of their factors (served here).
    expect(JSON.stringify(opened.view.blocks)).toContain('New phone, or no Okta Verify any more? Use `/reset-okta-mfa`.');
    expect(opened.view.submit?.text).toBe('Reset password');
    await h.close('UANN', opened.view);
    expect(h.okta.pushes()).toEqual([]);
  });

  it('approved: the modal shows the number to pick, and only after the approval is the password reset and shown', async () => {
    const opened = await h.open('/reset-password', 'UANN');
    expect(opened.view.submit).toBeDefined();
    const submission = await h.submit('UANN', opened.view);
    const push = await h.waitForPush('ann@example.com');
    const challenge = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Okta Verify request'));
    expect(text(challenge)).toContain(`Approve the Okta Verify request on your phone and pick *${push.correctAnswer}*.`);
    // The person waiting asked for it: they are not told to reject it, and the close button says it cancels.
    // Its wait as configured (VERIFY_TIMEOUT_SECONDS: 2), not "a minute" whatever the setting.
    expect(text(challenge)).toContain('Nothing changes until you approve; the request lapses after 2 seconds.');
    expect(text(challenge)).not.toContain("didn't ask");
    expect(challenge.close.text).toBe('Cancel request');
    // Okta sends the push to the phone Okta Verify is on: a person with a new phone gets nothing, and
    // is told here what to do, not only once the wait has lapsed.
    expect(text(challenge)).toContain('New phone, or no Okta Verify any more? *Cancel request*, then use `/reset-okta-mfa`.');
    expect(push.userAgent).toBe(USER_AGENT);
    expect(h.okta.callsTo('VerifyFactor').map((c) => JSON.parse(String(c.params.body)))).toEqual([{ useNumberMatchingChallenge: true }]);
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);

    expect(h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer })).toBe(true);
    const final = await modalAfter(h, submission, opened.viewId, hasSecret);
    expect(secretIn(final)).toBe(h.workmail.passwordOf('wm-ann'));
    expect(h.workmail.callsTo('ResetPassword')).toHaveLength(1);
    const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.verification === 'approved');
    expect(records.find((r) => r.phase === 'outcome' && r.verification === 'approved')).toMatchObject({ outcome: 'success', verifier: 'okta_verify', factorType: 'push', directory: 'workmail' });
  });

  it("on record under its policy, with the factor and transaction Okta's System Log knows the push by, never its number; the admin's look-up by reference shows them", async () => {
    const opened = await h.open('/reset-password', 'UANN');
    const before = pushesTo('ann@example.com');
    const submission = await h.submit('UANN', opened.view);
    const push = await h.waitForPush('ann@example.com', before + 1);
    h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer });
    await modalAfter(h, submission, opened.viewId, hasSecret);
    const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.verifierTransactionId === push.id);
    const outcome = records.find((r) => r.phase === 'outcome' && r.verifierTransactionId === push.id)!;
    const attempt = records.find((r) => r.phase === 'attempt' && r.requestId === outcome.requestId)!;
    // The factor the push went to and the transaction Okta made for it: what the stand-in issued, as Okta's own log names them.
    expect(push.factorId).toBe('opfannpush');
    expect(outcome).toMatchObject({ outcome: 'success', policy: 'verify', verifier: 'okta_verify', verification: 'approved', verifierFactorId: push.factorId, verifierTransactionId: push.id });
    // The attempt, before any push: its policy, and no push to name yet.
    expect(attempt).toMatchObject({ policy: 'verify' });
    expect(attempt.verifierTransactionId).toBeUndefined();
    // The number to pick is the person's alone: no field of any record holds it.
    for (const r of [attempt, outcome]) expect(Object.values(r).map(String)).not.toContain(String(push.correctAnswer));

    const lines = await h.lookUpReference('UADA', outcome.requestId);
    expect(lines).toEqual([expect.stringContaining('Policy `verify`: a push to Okta Verify')]);
    expect(lines[0]).toContain(`Okta Verify factor \`${push.factorId}\`, transaction \`${push.id}\``);
  });

  it('a bug of ours after the approved push, before the change is sent: the failure on record carries the push it was proven by, and nothing changes', async () => {
    const opened = await h.open('/reset-password', 'UANN');
    const before = pushesTo('ann@example.com');
    const resets = h.workmail.callsTo('ResetPassword').length;
    const count = PrometheusMetrics.prototype.count;
    // The step right before the change (counting it started) throws.
    const thrown = jest.spyOn(PrometheusMetrics.prototype, 'count').mockImplementation(function (this: PrometheusMetrics, ...args: Parameters<PrometheusMetrics['count']>) {
      if (args[0] === 'reset_started') throw new Error('TypeError: a bug of ours');
      return count.apply(this, args);
    });
    try {
      const submission = await h.submit('UANN', opened.view);
      const push = await h.waitForPush('ann@example.com', before + 1);
      h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer });
      const failed = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Something went wrong inside Latchkey'));
      expect(text(failed)).toContain('Nothing was changed.');
      const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.errorCode === 'INTERNAL', 10_000);
      // Before: the INTERNAL outcome without the push (no verification, factor or transaction).
      expect(records.find((r) => r.phase === 'outcome' && r.errorCode === 'INTERNAL')).toMatchObject({
        outcome: 'failure',
        policy: 'verify',
        verification: 'approved',
        verifierFactorId: push.factorId,
        verifierTransactionId: push.id,
      });
    } finally {
      thrown.mockRestore();
    }
    expect(h.workmail.callsTo('ResetPassword')).toHaveLength(resets);
  });

  it('rejected: nothing changes, the modal says what to do, the owner gets a DM without a secret, and it is logged as a security event', async () => {
    const opened = await h.open('/reset-password', 'UANN');
    const before = pushesTo('ann@example.com');
    const submission = await h.submit('UANN', opened.view);
    const push = await h.waitForPush('ann@example.com', before + 1);
    h.okta.answerPush(push.id, { approve: false });
    const final = await modalAfter(h, submission, opened.viewId, isFailure);
    expect(text(final)).toContain('The Okta Verify request was rejected on your phone, so nothing was changed.');
    // A wrong number picked is a rejection too: named, as the owner's message names it.
    expect(text(final)).toContain('If you rejected it or picked the wrong number by mistake, run `/reset-password` again and approve it.');
    expect(text(final)).toContain('someone may be using your Slack account: contact IT now');
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => String(c.args.text).includes('was rejected'));
    expect(dm.args.text).toMatch(/^Someone using your Slack account asked Latchkey to reset your .* and the Okta Verify request on your phone was rejected, so nothing was changed\./);
    // It may have been them, mis-tapping: they are told what to do then, and otherwise.
    expect(dm.args.text).toContain(
      'If you rejected it or picked the wrong number by mistake, run `/reset-password` again. If you did not ask for this, contact IT now: someone else may be signed in to Slack as you.',
    );
    await h.waitForLogs('"securityEvent":"push_rejected"', 1);
    const line = JSON.parse(h.logs.find((l) => l.includes('"securityEvent":"push_rejected"'))!);
    expect(line).toMatchObject({ slackUserId: 'UANN', verifier: 'okta_verify', kind: 'password' });
    expect(line.alert).toBeUndefined();
    const records = await h.waitForAudit('UANN', (r) => r.verification === 'rejected');
    // A security event a reviewer takes to Okta's System Log: the push's factor and transaction are on it.
    expect(records.find((r) => r.verification === 'rejected')).toMatchObject({
      phase: 'outcome',
      outcome: 'failure',
      errorCode: 'VERIFY_REJECTED',
      verifier: 'okta_verify',
      factorType: 'push',
      policy: 'verify',
      verifierFactorId: push.factorId,
      verifierTransactionId: push.id,
    });

    // The same Reset click again (replayed, or re-delivered by Slack): no new push, nothing changes,
    // and its answer, which replaces the modal's view, says the same: never "already used" over the warning.
    const pushesBefore = h.okta.callsTo('VerifyFactor').length;
    const turnedAway = linesSaying(h, '"code":"REQUEST_ALREADY_USED"');
    const replay = await answeredAt(h.submit('UANN', opened.view));
    await h.waitForLogs('"code":"REQUEST_ALREADY_USED"', turnedAway + 1);
    // Its answer, unless that had to be the waiting view, then its views.update (not the first click's, before it).
    const answered = replay.json?.response_action === 'update' && !isProgress(replay.json.view);
    if (!answered) await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && c.at >= replay.at);
    const again = h.lastShown(opened.viewId, [replay])!;
    expect(text(again)).toContain('The Okta Verify request was rejected on your phone, so nothing was changed.');
    expect(text(again)).toContain('someone may be using your Slack account: contact IT now');
    expect(text(again)).not.toContain('already used');
    expect(h.okta.callsTo('VerifyFactor')).toHaveLength(pushesBefore);
    // Told once: the replay sends no second DM. Its own answer, waited for above, is the marker: the
    // handler gives it only once the flow has returned, and the flow awaits the rejection's DM it
    // sends, so a second one would be posted by now (before: checked after a fixed 300 ms sleep).
    expect(h.slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).includes('was rejected'))).toHaveLength(1);
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);

    // Their Home tab's line of it says what to do next too, as the modal does. Before: only
    // ":no_entry: Rejected. The Okta Verify request was rejected on your phone, so nothing was changed."
    const rejectedLines = ((await h.openHome('UANN')).home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes(':no_entry: Rejected.'));
    expect(rejectedLines).toEqual([
      expect.stringContaining(
        '*Mail password reset* · :no_entry: Rejected. The Okta Verify request was rejected on your phone, so nothing was changed. ' +
          "If you rejected it or picked the wrong number by mistake, run `/reset-password` again and approve it. If it wasn't you, someone may be using your Slack account: contact IT now.\n",
      ),
    ]);
  });

  it('ignored: after the timeout the push is withdrawn (DELETE) and nothing changes; Okta\'s own TIMEOUT likewise', async () => {
    const ann = await h.open('/reset-password', 'UANN');
    const submission = await h.submit('UANN', ann.view);
    const final = await modalAfter(h, submission, ann.viewId, isFailure);
    expect(text(final)).toContain("You didn't approve the Okta Verify request in time, so nothing was changed.");
    // The wait as configured (VERIFY_TIMEOUT_SECONDS: 2): before, "within a minute" whatever the setting.
    expect(text(final)).toContain('Run `/reset-password` again and approve the request on your phone within 2 seconds. New phone, or no Okta Verify any more? Use `/reset-okta-mfa`.');
    expect(h.okta.callsTo('CancelFactorTransaction')).toHaveLength(1);
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
    const withdrawn = h.okta.pushes().at(-1)!;
    expect(h.okta.answerPush(withdrawn.id, { approve: true, pick: withdrawn.correctAnswer })).toBe(false);

    const second = await h.open('/reset-password', 'UANN');
    const before = pushesTo('ann@example.com');
    const submitted = await h.submit('UANN', second.view);
    h.okta.expirePush((await h.waitForPush('ann@example.com', before + 1)).id);
    expect(text(await modalAfter(h, submitted, second.viewId, isFailure))).toContain("You didn't approve the Okta Verify request in time");
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
    // Their Home tab says the same next step, with the wait as configured (before: "within a minute").
    const { home } = await h.openHome('UANN');
    expect(text(home)).toContain('Run `/reset-password` again and approve the request on your phone within 2 seconds.');
    // A push not answered is no sign of someone else: its line never says to contact IT about the Slack account.
    const unanswered = (home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes(':zzz: Not answered.'));
    expect(unanswered.length).toBeGreaterThan(0);
    for (const line of unanswered) expect(line).not.toContain('someone may be using your Slack account');
    // Each push's record (both on the tab, so both written) keeps the wait it had, VERIFY_TIMEOUT_SECONDS when it was sent, for its line to say later.
    const timedOut = (await h.auditRecords('UANN')).filter((r) => r.verification === 'timeout');
    expect(timedOut).toHaveLength(2);
    for (const r of timedOut) expect(r).toMatchObject({ phase: 'outcome', errorCode: 'VERIFY_TIMEOUT', verifyWaitMs: 2_000 });
  });

  it("a push not answered in time says, on its person's Home tab, the wait it had, not the one configured now (VERIFY_TIMEOUT_SECONDS since changed); a record from before the wait was kept says the configured one; the audit search reads both", async () => {
    const action = CREDENTIALS.find((c) => c.id === 'password')!.audit.action;
    const now = new Date();
    const at = now.toISOString();
    const unanswered = async (id: string, extra: Record<string, unknown>) => {
      const requestId = `${at}_${id}`;
      const common = { v: 1, pk: `ACTOR#${TEAM}#UROOM`, day: at.slice(0, 10), at, requestId, action, slackUserId: 'UROOM', slackTeamId: TEAM, expiresAt: Math.floor(now.getTime() / 1000) + 86_400 };
      await h.writeRawAudit({ ...common, sk: `${requestId}#1-claim`, phase: 'attempt', directory: 'workmail', directoryUserId: 'wm-room' });
      await h.writeRawAudit({ ...common, sk: `${requestId}#2-outcome`, phase: 'outcome', outcome: 'failure', errorCode: 'VERIFY_TIMEOUT', verifier: 'okta_verify', factorType: 'push', verification: 'timeout', ...extra });
    };
    // Sent when the wait was 2 minutes; configured now: 2 seconds.
    await unanswered('0000waited2m', { verifyWaitMs: 120_000 });
    // Written before the wait was kept on the record.
    await unanswered('0000waitedold', {});

    const lines = ((await h.openHome('UROOM')).home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes(':zzz: Not answered.'));
    // Before: "within 2 seconds" on both, though the first push waited 2 minutes.
    expect(lines.find((l) => l.includes('0000waited2m'))).toContain('Run `/reset-password` again and approve the request on your phone within 2 minutes.');
    expect(lines.find((l) => l.includes('0000waitedold'))).toContain('Run `/reset-password` again and approve the request on your phone within 2 seconds.');

    // The admins' search reads the new record and the old alike.
    const { home } = await h.openHome('UADA');
    const search = (home.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as any[]).find((b) => b.action_id === 'home_search');
    const { view: form } = await h.opening((t) => h.clickIn('UADA', search.action_id, search.value, { view: home, triggerId: t }));
    await h.submit('UADA', form, {
      values: {
        person: { person: { type: 'users_select', selected_user: 'UROOM' } },
        from: { from: { type: 'datepicker', selected_date: at.slice(0, 10) } },
        to: { to: { type: 'datepicker', selected_date: at.slice(0, 10) } },
      },
    });
    const found = ((await h.viewUpdate(form.id, 2)).blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes('Reference'));
    for (const id of ['0000waited2m', '0000waitedold']) {
      expect(found.find((l) => l.includes(id))).toContain(':zzz: Not answered in time: push not answered in Okta Verify; nothing was changed');
    }
  });

  it('closing the waiting modal withdraws the push (DELETE) and nothing changes, even if it is approved by habit; on record as cancelled, no security event', async () => {
    const logged = h.logs.length;
    const opened = await h.open('/reset-password', 'UANN');
    const before = pushesTo('ann@example.com');
    const submission = await h.submit('UANN', opened.view);
    const push = await h.waitForPush('ann@example.com', before + 1);
    const waiting = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Okta Verify request'));
    // Slack tells the app of a close only when the view asks for it.
    expect(waiting).toMatchObject({ callback_id: 'reset_password_waiting', notify_on_close: true });
    expect((await h.close('UANN', { ...waiting, id: opened.viewId })).status).toBe(200);
    await h.waitForLogs('push cancelled: the person closed the modal waiting for it', 1);
    expect(h.okta.callsTo('CancelFactorTransaction')).toHaveLength(1);
    // Approved by habit after the close: Okta has withdrawn it.
    expect(h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer })).toBe(false);
    const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.verification === 'cancelled');
    expect(records.find((r) => r.verification === 'cancelled')).toMatchObject({ outcome: 'failure', errorCode: 'VERIFY_CANCELLED', verifier: 'okta_verify', factorType: 'push', directory: 'workmail' });
    // The click's end: nothing it does comes after.
    await h.resetClicksHandled('UANN', 1, logged);
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
    expect(h.logs.slice(logged).some((l) => l.includes('securityEvent') || l.includes('"alert":true'))).toBe(false);
    // No DM (nothing happened that its owner must hear of), and nothing shown on the closed modal.
    expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
    expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId && isFailure(c.args.view))).toEqual([]);
    // The person's activity says what they did, that nothing was changed, and what to do next, as a
    // rejected or unanswered push's line does. Before: only ":leftwards_arrow_with_hook: Cancelled".
    expect(text((await h.openHome('UANN')).home)).toContain(
      '*Mail password reset* · :leftwards_arrow_with_hook: Cancelled. You closed the window before approving, so the Okta Verify request was cancelled and nothing was changed. ' +
        'Run `/reset-password` again if you still want to.\\n',
    );
  });

  it("a close sent as someone else, with the waiting modal's own ticket, ends nothing: the push stays, and its approval resets", async () => {
    const opened = await h.open('/reset-password', 'UANN');
    const before = pushesTo('ann@example.com');
    const submission = await h.submit('UANN', opened.view);
    const push = await h.waitForPush('ann@example.com', before + 1);
    const waiting = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Okta Verify request'));
    // Bob's own signed request: the signature is Slack's, so the closer is Bob, whatever the view carries.
    expect((await h.close('UBOB', { ...waiting, id: opened.viewId })).status).toBe(200);
    await h.waitForLogs('waiting modal closed by someone other than its requester', 1);
    expect(h.okta.callsTo('CancelFactorTransaction')).toEqual([]);
    expect(h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer })).toBe(true);
    const final = await modalAfter(h, submission, opened.viewId, hasSecret);
    expect(secretIn(final)).toBe(h.workmail.passwordOf('wm-ann'));
    expect(h.workmail.callsTo('ResetPassword')).toHaveLength(1);
  });

  it('a close handled by another instance of the app ends the wait this one runs, through DynamoDB: withdrawn (DELETE), nothing changes, even if it is approved by habit', async () => {
    const other = await h.startAnotherInstance();
    const cancelled = linesSaying(h, 'push cancelled: the person closed the modal waiting for it');
    const opened = await h.open('/reset-password', 'UANN');
    const before = pushesTo('ann@example.com');
    const submission = await h.submit('UANN', opened.view);
    const push = await h.waitForPush('ann@example.com', before + 1);
    const waiting = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Okta Verify request'));
    expect((await h.close('UANN', { ...waiting, id: opened.viewId }, { url: other })).status).toBe(200);
    await h.waitForLogs('the close is recorded for the instance that waits on its push', 1);
    expect(await h.closesOnRecord()).toEqual([expect.objectContaining({ pk: `close#${await waitingRequest(h, 'UANN')}`, closedBy: 'UANN', expiresAt: expect.any(Number) })]);
    await h.waitForLogs('push cancelled: the person closed the modal waiting for it', cancelled + 1);
    expect(h.okta.callsTo('CancelFactorTransaction')).toHaveLength(1);
    expect(h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer })).toBe(false);
    const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.verification === 'cancelled');
    expect(records.find((r) => r.verification === 'cancelled')).toMatchObject({ errorCode: 'VERIFY_CANCELLED', verifier: 'okta_verify' });
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
  });

  it("the bench's phone (approvePushesAfter): polls answer WAITING until the person has had their think time, then SUCCESS; off again, a push waits for the phone", async () => {
    h.okta.approvePushesAfter(600);
    const opened = await h.open('/reset-password', 'UANN');
    const before = pushesTo('ann@example.com');
    const submission = await h.submit('UANN', opened.view);
    const push = await h.waitForPush('ann@example.com', before + 1);
    // The real wire protocol all the same: the app showed the number from _embedded.challenge.
    const challenge = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Okta Verify request'));
    expect(text(challenge)).toContain(`pick *${push.correctAnswer}*`);
    const final = await modalAfter(h, submission, opened.viewId, hasSecret);
    expect(secretIn(final)).toBe(h.workmail.passwordOf('wm-ann'));
    expect(push.answeredAt).toBe(push.approveAt);
    // Polled (every 100 ms) while the person was reaching their phone, and only changed after.
    expect(h.okta.callsTo('GetFactorTransaction').filter((c) => c.at < push.approveAt!).length).toBeGreaterThanOrEqual(2);
    expect(h.workmail.callsTo('ResetPassword')[0]!.at).toBeGreaterThanOrEqual(push.approveAt!);

    h.okta.approvePushesAfter(undefined);
    const again = await h.open('/reset-password', 'UANN');
    const answered = await h.submit('UANN', again.view);
    const waiting = await h.waitForPush('ann@example.com', before + 2);
    expect(waiting.approveAt).toBeUndefined();
    // Checked twice since it was sent, and still waiting on the phone: nothing reset it meanwhile.
    const polls = h.okta.callsTo('GetFactorTransaction').length;
    await until('two checks of the push since it was sent', () => h.okta.callsTo('GetFactorTransaction').length >= polls + 2);
    expect(h.okta.phone!.waiting('ann@example.com').map((p) => p.id)).toEqual([waiting.id]);
    expect(h.okta.phone!.answer(waiting.id, { approve: true, pick: waiting.correctAnswer })).toBe(true);
    expect(hasSecret(await modalAfter(h, answered, again.viewId, hasSecret))).toBe(true);
  });

  it("the bench's phone approving at once (think time 0): the verify call still answers 201 WAITING with the number, and the first poll SUCCESS", async () => {
    h.okta.approvePushesAfter(0);
    const opened = await h.open('/reset-password', 'UANN');
    const submission = await h.submit('UANN', opened.view);
    const challenge = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Okta Verify request') || isFailure(v));
    expect(text(challenge)).toContain('Approve the Okta Verify request on your phone and pick');
    expect(hasSecret(await modalAfter(h, submission, opened.viewId, hasSecret))).toBe(true);
    expect(h.okta.callsTo('GetFactorTransaction')).toHaveLength(1);
  });

  it('no Okta Verify: the person is told they need it and how to get help, and no push is sent', async () => {
    const opened = await h.open('/reset-password', 'UCARL');
    expect(opened.view.submit).toBeUndefined();
    expect(text(opened.view)).toContain('you have no Okta Verify set up to receive one. Nothing was changed.');
    expect(text(opened.view)).toContain('Set up Okta Verify on your phone (IT can help you enrol)');
    expect(text(opened.view)).toContain('New phone, or no Okta Verify any more? Use `/reset-okta-mfa`.');
    expect(h.okta.callsTo('VerifyFactor')).toEqual([]);
    const records = await h.waitForAudit('UCARL', (r) => r.errorCode === 'VERIFY_NO_FACTOR');
    expect(records.find((r) => r.errorCode === 'VERIFY_NO_FACTOR')).toMatchObject({ phase: 'refused', verifier: 'okta_verify', verification: 'no_factor' });
  });

  it("the Home tab's button goes through the same push: nothing changes until it is approved", async () => {
    const { home } = await h.openHome('UANN');
    const button = (home.blocks as any[]).flatMap((b) => b.elements ?? (b.accessory ? [b.accessory] : [])).find((e: any) => e.action_id === homeResetActionId('password'));
    const opened = await h.opening((t) => h.clickIn('UANN', button.action_id, button.value, { view: home, triggerId: t }));
    const before = pushesTo('ann@example.com');
    const submission = await h.submit('UANN', { ...opened.view, id: opened.viewId });
    const push = await h.waitForPush('ann@example.com', before + 1);
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
    h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer });
    const final = await modalAfter(h, submission, opened.viewId, hasSecret);
    expect(secretIn(final)).toBe(h.workmail.passwordOf('wm-ann'));
  });

  it('a self-service credential beside it: no Okta call at all', async () => {
    const result = await h.reset('/reset-pin', 'UANN');
    expect(isProgress(result.final) || hasSecret(result.final)).toBe(true);
    expect(h.okta.calls).toEqual([]);
  });

  it('privacy: no secret in any log line, audit item, DM or stand-in record; the push number is no secret but only in the modal', async () => {
    const secrets = h.allSecrets();
    expect(secrets.length).toBeGreaterThan(0);
    const raw = await h.rawAuditTable();
    const dms = JSON.stringify(h.slack.callsTo('chat.postMessage'));
    for (const secret of secrets) {
      expect(h.logs.join('\n')).not.toContain(secret);
      expect(raw).not.toContain(secret);
      expect(dms).not.toContain(secret);
      expect(JSON.stringify(h.okta.calls)).not.toContain(secret);
    }
  });
});

describe("verify: a poll link Okta's answer gives is followed only when it is this very push's transaction", () => {
  const withCarlsPhone = OKTA.map((u) => (u.id === '00ucarl' ? { ...u, factors: [oktaVerify('carl')] } : u));
  const h = useHarness({ accounts: { okta_password: withCarlsPhone }, env: ENV });
  const pushesTo = (email: string) => h.okta.pushes().filter((p) => p.email.toLowerCase() === email).length;

  it("a link to another person's approved push (Carl's) is never taken for Ann's: nothing changes for her, she is told not to approve hers, and an operator is alerted; a link off the org likewise", async () => {
    // Carl asks, and approves his own push: his password is reset, and his transaction says SUCCESS from then on.
    const carl = await h.open('/reset-password', 'UCARL');
    const carls = await h.submit('UCARL', carl.view);
    const carlsPush = await h.waitForPush('carl@example.com');
    h.okta.answerPush(carlsPush.id, { approve: true, pick: carlsPush.correctAnswer });
    await modalAfter(h, carls, carl.viewId, hasSecret);
    expect(h.workmail.callsTo('ResetPassword')).toHaveLength(1);

    const tries: [string, string][] = [
      ["Carl's approved transaction", `${h.okta.url}/api/v1/users/00ucarl/factors/${carlsPush.factorId}/transactions/${carlsPush.id}`],
      ["Ann's own factor's path, on another host", `https://ops:hunter2@okta.attacker.example/api/v1/users/00uann/factors/opfannpush/transactions/v2mst.elsewhere`],
    ];
    let untrusted = 0;
    for (const [what, link] of tries) {
      const alerts = linesSaying(h, '"alert":true');
      const pushed = pushesTo('ann@example.com');
      h.okta.linkNextPushTo(link);
      const opened = await h.open('/reset-password', 'UANN');
      const submission = await h.submit('UANN', opened.view);
      // Okta made Ann's push, which waits on her phone: only its answer's link is amiss.
      await h.waitForPush('ann@example.com', pushed + 1);
      const final = await modalAfter(h, submission, opened.viewId, (v) => isFailure(v) || hasSecret(v));
      expect([what, hasSecret(final)]).toEqual([what, false]);
      expect([what, text(final)]).toEqual([what, expect.stringContaining('Latchkey sent the Okta Verify request, but the answer it got back was not for your request, so it stopped there. Nothing was changed.')]);
      expect(text(final)).toContain('If the Okta Verify request shows on your phone, do not approve it: it would change nothing. An admin has been alerted');
      expect(h.workmail.callsTo('ResetPassword')).toHaveLength(1);
      // Only Okta (or something between it and Latchkey) answers so, never a person: the operator is paged.
      await h.waitForLogs('"alert":true', alerts + 1);
      const alert = JSON.parse(h.logs.filter((l) => l.includes('"alert":true')).at(-1)!);
      expect(alert).toMatchObject({ slackUserId: 'UANN', code: 'VERIFY_ANSWER_UNTRUSTED' });
      // Which check it failed, and a link off the org by its origin alone: never the link, which someone else wrote.
      expect([what, alert.detail]).toEqual([what, expect.stringMatching(link.includes('attacker') ? /outside the org \(on https:\/\/okta\.attacker\.example\)/ : /of another user's or factor's push/)]);
      expect(h.logs.join('\n')).not.toMatch(/hunter2|v2mst\.elsewhere/);
      untrusted++;
      const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.errorCode === 'VERIFY_ANSWER_UNTRUSTED');
      const outcomes = records.filter((r) => r.phase === 'outcome');
      expect(outcomes.filter((r) => r.errorCode === 'VERIFY_ANSWER_UNTRUSTED')).toHaveLength(untrusted);
      expect(outcomes.every((r) => r.outcome === 'failure' && r.verifier === 'okta_verify' && r.verification === 'failed')).toBe(true);
    }
    expect(h.workmail.passwordOf('wm-ann')).toBeUndefined();
  });
});

describe('verify with Okta Verify where the MFA reset is off (no admins to approve it)', () => {
  const h = useHarness({ accounts: { okta_password: OKTA }, env: { ...ENV, APPROVALS_CHANNEL_ID: '', ADMIN_USER_IDS: '', ADMIN_USERGROUP_ID: '' } }, (x) => x.slack.clear());

  it('nothing points to a command this deployment does not serve: not the confirmation, nor the refusal of a person with no Okta Verify', async () => {
    expect((await h.command('/reset-okta-mfa', 'UANN')).json?.text).toContain('not enabled in this workspace');
    const opened = await h.open('/reset-password', 'UANN');
    expect(text(opened.view)).toContain('Latchkey will send a push to Okta Verify on your phone; approve it to continue.');
    expect(text(opened.view)).not.toMatch(/New phone|reset-okta-mfa/);
    // Nor the window waiting for the push.
    const submission = await h.submit('UANN', opened.view);
    const challenge = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Okta Verify request'));
    expect(text(challenge)).not.toMatch(/New phone|reset-okta-mfa/);
    await h.close('UANN', { ...challenge, id: opened.viewId });
    const refused = await h.open('/reset-password', 'UCARL');
    expect(text(refused.view)).toContain('you have no Okta Verify set up to receive one.');
    expect(text(refused.view)).not.toMatch(/New phone|reset-okta-mfa/);
  });
});

describe('verify: pushes count against the person (push-bombing)', () => {
  const h = useHarness({ accounts: { okta_password: OKTA }, env: { ...ENV, VERIFY_MAX_PER_HOUR: '2' } });
  // The pushes are counted per hour, in windows aligned to the hour: a second past the top of the
  // next one on the app's clock, the test's pushes share one, whatever the real time.
  beforeAll(() => h.clock.toJustPastNext('hour'));

  it('past VERIFY_MAX_PER_HOUR no confirmation opens and no push is sent; a closed confirmation gives its push back', async () => {
    const closed = await h.open('/reset-password', 'UANN');
    await h.close('UANN', closed.view);
    await h.waitForLogs('confirmation closed; its count given back', 1);
    for (let i = 1; i <= 2; i++) {
      const opened = await h.open('/reset-password', 'UANN');
      const submission = await h.submit('UANN', opened.view);
      const push = await h.waitForPush('ann@example.com', i);
      h.okta.answerPush(push.id, { approve: false });
      await modalAfter(h, submission, opened.viewId, isFailure);
    }
    const third = await h.open('/reset-password', 'UANN');
    expect(third.view.submit).toBeUndefined();
    expect(text(third.view)).toContain('Latchkey has sent as many Okta Verify requests to your phone as it allows in an hour. Nothing was changed.');
    expect(h.okta.callsTo('VerifyFactor')).toHaveLength(2);
    // Her Home tab says it in the modal's words: the app named, never "sign-in requests".
    await h.waitForAudit('UANN', (r) => r.errorCode === 'PUSH_LIMITED');
    const home = text((await h.openHome('UANN')).home);
    expect(home).toContain('Latchkey has sent as many Okta Verify requests to your phone as it allows in an hour. Nothing was changed.');
    expect(home).not.toContain('sign-in requests');
  });
});

describe('verify: two clicks of one Reset racing (a double click, a replay), the first losing its attempt to the second', () => {
  // Checks come seconds apart, as in a crowd: a close must end the push at once, not at the next one.
  // Max, with a phone and a mailbox: a fourth person, for a click replayed once the push is on the phone.
  const withCarlsPhone = [
    ...OKTA.map((u) => (u.id === '00ucarl' ? { ...u, factors: [oktaVerify('carl')] } : u)),
    { id: '00umax', email: 'max@example.com', status: 'ACTIVE' as const, factors: [oktaVerify('max')] },
  ];
  // Bob's mailbox enabled: a third person for a third double click.
  const mailboxes = [
    ...PEOPLE.workmail.map((u) => (u.Id === 'wm-bob' ? { ...u, State: 'ENABLED' as const } : u)),
    { Id: 'wm-max', Email: 'max@example.com', Name: 'max', State: 'ENABLED' as const, UserRole: 'USER' as const },
  ];
  const h = useHarness({ accounts: { okta_password: withCarlsPhone, password: mailboxes }, env: { ...ENV, VERIFY_POLL_MS: '5000', VERIFY_TIMEOUT_SECONDS: '20' }, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.workmail.clear();
  });
  const ANN = { slackId: 'UANN', email: 'ann@example.com', oktaId: '00uann' };
  const CARL = { slackId: 'UCARL', email: 'carl@example.com', oktaId: '00ucarl' };
  const BOB = { slackId: 'UBOB', email: 'bob@example.com', oktaId: '00ubob' };
  const MAX = { slackId: 'UMAX', email: 'max@example.com', oktaId: '00umax' };
  type Person = typeof ANN;
  const attemptOf = (who: Person) => (c: { operation: string; body: string }) => c.operation === 'PutItem' && c.body.includes(who.slackId) && c.body.includes('"attempt"');
  const attempts = (who: Person) => h.dynamoGate.seen.filter(attemptOf(who)).length;
  const oktaCalls = (who: Person, operation: string) => h.okta.callsTo(operation).filter((c) => c.params.userId === who.oktaId);

  /** `who` clicks Reset twice: the first click's attempt meets a DynamoDB that does not answer (the SDK sends it again once it is dropped); the second's is written and sends the push. */
  async function twoClicks(who: Person) {
    const opened = await h.open('/reset-password', who.slackId);
    const releaseFirst = h.dynamoGate.hold((c) => attemptOf(who)(c) && attempts(who) === 1);
    const first = answeredAt(h.submit(who.slackId, opened.view));
    await until("the first click's attempt PutItem", () => attempts(who) >= 1);
    const second = await answeredAt(h.submit(who.slackId, opened.view));
    const push = await h.waitForPush(who.email);
    const waiting = await modalAfter(h, second, opened.viewId, (v) => text(v).includes('Approve the Okta Verify request'));
    return { opened, first, second, releaseFirst, push, waiting };
  }

  /** The first click, released: its attempt, sent again, finds the second's, and it is turned away (logged, as any used confirmation). */
  async function firstTurnedAway(who: Person, releaseFirst: () => void) {
    const turnedAway = linesSaying(h, '"code":"REQUEST_ALREADY_USED"');
    const fromLog = h.logs.length;
    releaseFirst();
    await h.waitForLogs('"code":"REQUEST_ALREADY_USED"', turnedAway + 1, 8000);
    // Whatever it would show, it has shown: its end (the second click's, if it ended meanwhile, was cancelled).
    await h.resetClicksHandled(who.slackId, 1, fromLog, (l) => !l.includes('"code":"VERIFY_CANCELLED"'));
  }

  /** The one push sent, withdrawn before any check of it, and nothing changed: on record as cancelled. */
  async function cancelledAtOnce(who: Person, push: OktaSimPush) {
    expect(oktaCalls(who, 'VerifyFactor')).toHaveLength(1);
    expect(oktaCalls(who, 'CancelFactorTransaction').map((c) => c.params.pushId)).toEqual([push.id]);
    expect(oktaCalls(who, 'GetFactorTransaction')).toEqual([]);
    // Approved by habit after the close: Okta has withdrawn it.
    expect(h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer })).toBe(false);
    const records = await h.waitForAudit(who.slackId, (r) => r.phase === 'outcome');
    expect(records.map((r) => [r.phase, r.errorCode, r.verification])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'VERIFY_CANCELLED', 'cancelled'],
    ]);
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
  }

  it("closing the waiting modal while the first click is still on its way withdraws the second click's push at once (DELETE), and nothing changes, even if it is approved by habit", async () => {
    const { opened, releaseFirst, push, waiting } = await twoClicks(ANN);
    expect((await h.close('UANN', { ...waiting, id: opened.viewId })).status).toBe(200);
    await h.waitForLogs('push cancelled: the person closed the modal waiting for it', 1, 3000);
    // The first click's attempt, sent again, finds the second's: that click changes nothing.
    await firstTurnedAway(ANN, releaseFirst);
    await cancelledAtOnce(ANN, push);
  });

  it('after the double click the modal keeps the number to pick, whatever answered last: the click turned away shows nothing of its own, and closing the modal withdraws the push (DELETE)', async () => {
    const cancelled = linesSaying(h, 'push cancelled: the person closed the modal waiting for it');
    const { opened, first, second, releaseFirst, push } = await twoClicks(BOB);
    // Its attempt still on its way when its answer may be held no longer: the first click's "working…" answer, waited for.
    await first;
    await firstTurnedAway(BOB, releaseFirst);
    const shown = h.lastShown(opened.viewId, [await first, second])!;
    expect(text(shown)).toContain(`Approve the Okta Verify request on your phone and pick *${push.correctAnswer}*.`);
    expect(shown).toMatchObject({ callback_id: 'reset_password_waiting', notify_on_close: true });
    expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId && isFailure(c.args.view))).toEqual([]);
    expect((await h.close('UBOB', { ...shown, id: opened.viewId })).status).toBe(200);
    await h.waitForLogs('push cancelled: the person closed the modal waiting for it', cancelled + 1, 3000);
    await cancelledAtOnce(BOB, push);
  });

  it('… and closing it once the first click was turned away likewise: at once, not at the next check', async () => {
    const cancelled = linesSaying(h, 'push cancelled: the person closed the modal waiting for it');
    const { opened, releaseFirst, push, waiting } = await twoClicks(CARL);
    await firstTurnedAway(CARL, releaseFirst);
    expect((await h.close('UCARL', { ...waiting, id: opened.viewId })).status).toBe(200);
    await h.waitForLogs('push cancelled: the person closed the modal waiting for it', cancelled + 1, 3000);
    // Ended here, by the close itself: nothing left on record for a check to find.
    expect(await h.closesOnRecord()).toEqual([]);
    await cancelledAtOnce(CARL, push);
  });

  it('a click replayed while the push waits on the phone shows the same number to pick, never "already used"; approved, the password is reset once and shown', async () => {
    const opened = await h.open('/reset-password', MAX.slackId);
    const first = await answeredAt(h.submit(MAX.slackId, opened.view));
    const push = await h.waitForPush(MAX.email);
    await modalAfter(h, first, opened.viewId, (v) => text(v).includes('Approve the Okta Verify request'));
    const turnedAway = linesSaying(h, '"code":"REQUEST_ALREADY_USED"');
    const fromLog = h.logs.length;
    const again = await answeredAt(h.submit(MAX.slackId, opened.view));
    await h.waitForLogs('"code":"REQUEST_ALREADY_USED"', turnedAway + 1, 8000);
    // The replayed click's end (the first still waits on the phone).
    await h.resetClicksHandled(MAX.slackId, 1, fromLog);
    const shown = h.lastShown(opened.viewId, [first, again])!;
    expect(text(shown)).toContain(`Approve the Okta Verify request on your phone and pick *${push.correctAnswer}*.`);
    expect(shown).toMatchObject({ callback_id: 'reset_password_waiting', notify_on_close: true });
    expect(JSON.stringify([again, h.slack.callsTo('views.update')])).not.toContain('This confirmation was already used');

    expect(h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer })).toBe(true);
    const final = await modalAfter(h, first, opened.viewId, hasSecret);
    expect(secretIn(h.lastShown(opened.viewId, [first, again])!)).toBe(secretIn(final));
    expect(h.workmail.callsTo('ResetPassword').map((c) => c.params.UserId)).toEqual(['wm-max']);
    expect(oktaCalls(MAX, 'VerifyFactor')).toHaveLength(1);
  });
});

describe('verify with DynamoDB down: a close cannot be recorded, and a check cannot read one', () => {
  const h = useHarness({ accounts: { okta_password: OKTA }, env: ENV });

  it('the person is told, privately, that the push is still live and not to approve it; approved all the same, it changes nothing, and it is withdrawn', async () => {
    const other = await h.startAnotherInstance();
    const opened = await h.open('/reset-password', 'UANN');
    const submission = await h.submit('UANN', opened.view);
    const push = await h.waitForPush('ann@example.com');
    const waiting = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Okta Verify request'));
    await h.dynamo.close();
    expect((await h.close('UANN', { ...waiting, id: opened.viewId }, { url: other })).status).toBe(200);
    const told = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UANN', 8000);
    expect(told.args.text).toBe('Latchkey could not cancel the Okta Verify request for your Amazon WorkMail password. Do not approve it on your phone: left alone, it expires by itself and nothing changes.');
    expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
    // Approved by habit: the waiting instance cannot read whether it was closed, so it changes nothing.
    expect(h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer })).toBe(true);
    const final = await modalAfter(h, submission, opened.viewId, isFailure);
    // What failed: Latchkey's own check, while it waited (before: "could not save the request").
    expect(text(final)).toContain('Latchkey could not check its own records while it waited for the Okta Verify request, so nothing was changed.');
    expect(text(final)).toContain('If you approved it, approving changed nothing.');
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
    expect(h.okta.callsTo('CancelFactorTransaction')).toHaveLength(1);
  });
});

describe('verify on AWS Lambda: the worker follows the push and updates the modal by its view ID', () => {
  const h = useHarness({ entry: 'lambda', accounts: { okta_password: OKTA }, env: ENV });

  it('the answer says a push is on its way; the number, then the new password, arrive by views.update', async () => {
    const opened = await h.open('/reset-password', 'UANN');
    const submission = await h.submit('UANN', opened.view);
    // Lambda's answer goes out at once: the "sending" view, never the secret.
    expect(text(submission.json?.view)).toContain('Sending a request to Okta Verify on your phone');
    const push = await h.waitForPush('ann@example.com');
    const challenge = await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && text(c.args.view).includes('pick'));
    expect(text(challenge.args.view)).toContain(`pick *${push.correctAnswer}*`);
    h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer });
    const final = await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && hasSecret(c.args.view), 8000);
    expect(secretIn(final.args.view)).toBe(h.workmail.passwordOf('wm-ann'));
    await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.verification === 'approved');
  });

  /** Ann's Reset click, up to the number in her modal: the worker invocation now waits for her push (the `pushed + 1`th). */
  async function waitingOnLambda(pushed: number) {
    const opened = await h.open('/reset-password', 'UANN');
    await h.submit('UANN', opened.view);
    const push = await h.waitForPush('ann@example.com', pushed + 1);
    const challenge = await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && text(c.args.view).includes(`pick *${push.correctAnswer}*`));
    return { opened, push, challenge };
  }

  it('closing the waiting modal reaches the invocation that waits, through DynamoDB: the push is withdrawn (DELETE) and nothing changes, even if it is approved by habit', async () => {
    const logged = h.logs.length;
    const pushed = h.okta.pushes().length;
    const withdrawn = h.okta.callsTo('CancelFactorTransaction').length;
    const resets = h.workmail.callsTo('ResetPassword').length;
    const cancelled = linesSaying(h, 'push cancelled: the person closed the modal waiting for it');
    const { opened, push, challenge } = await waitingOnLambda(pushed);
    expect(challenge.args.view).toMatchObject({ callback_id: 'reset_password_waiting', notify_on_close: true });
    // Lambda runs one invocation per instance at a time: the worker that waits is busy, so the close is answered and worked elsewhere.
    h.coldNext(1);
    expect((await h.close('UANN', { ...challenge.args.view, id: opened.viewId })).status).toBe(200);
    await h.waitForLogs('the close is recorded for the instance that waits on its push', 1);
    await h.waitForLogs('push cancelled: the person closed the modal waiting for it', cancelled + 1);
    expect(h.okta.callsTo('CancelFactorTransaction')).toHaveLength(withdrawn + 1);
    expect(h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer })).toBe(false);
    await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.verification === 'cancelled');
    expect(h.workmail.callsTo('ResetPassword')).toHaveLength(resets);
    expect(h.logs.slice(logged).some((l) => l.includes('"alert":true') || l.includes('unhandled error') || l.includes('securityEvent'))).toBe(false);
  });

  it("a close sent as someone else, worked by another instance, records nothing and ends nothing; a close on record by anyone but the requester ends nothing either: the push stays, and its approval resets", async () => {
    const pushed = h.okta.pushes().length;
    const withdrawn = h.okta.callsTo('CancelFactorTransaction').length;
    const resets = h.workmail.callsTo('ResetPassword').length;
    const refused = linesSaying(h, 'waiting modal closed by someone other than its requester');
    const { opened, push, challenge } = await waitingOnLambda(pushed);
    const closes = (await h.closesOnRecord()).length;
    // Bob's own signed request, with Ann's waiting modal: the signature is Slack's, so the closer is Bob.
    h.coldNext(1);
    expect((await h.close('UBOB', { ...challenge.args.view, id: opened.viewId })).status).toBe(200);
    await h.waitForLogs('waiting modal closed by someone other than its requester', refused + 1);
    expect(await h.closesOnRecord()).toHaveLength(closes);
    // And a close on record for Ann's request that is not Ann's (the app never writes one): her wait reads it and goes on.
    await h.writeRawClose(await waitingRequest(h, 'UANN'), 'UBOB');
    // Two checks of the push since: the wait has read the closes on record after that one was written.
    const polls = h.okta.callsTo('GetFactorTransaction').length;
    await until('two checks of the push since that close was written', () => h.okta.callsTo('GetFactorTransaction').length >= polls + 2);
    expect(h.okta.callsTo('CancelFactorTransaction')).toHaveLength(withdrawn);
    expect(h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer })).toBe(true);
    const final = await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && hasSecret(c.args.view), 8000);
    expect(secretIn(final.args.view)).toBe(h.workmail.passwordOf('wm-ann'));
    expect(h.workmail.callsTo('ResetPassword')).toHaveLength(resets + 1);
  });
});

describe("the admins' Home tab: a rejected push is a security event", () => {
  const withCarlsPhone = OKTA.map((u) => (u.id === '00ucarl' ? { ...u, factors: [oktaVerify('carl')] } : u));
  const h = useHarness({ accounts: { okta_password: withCarlsPhone }, env: { ...ENV, VERIFY_MAX_PER_HOUR: '4' } });
  // Today and the pushes' hourly count are the app's UTC day and hour: a second past the next
  // midnight on its clock, every push, the refusal and the read share them, whatever the real time.
  beforeAll(() => h.clock.toJustPastNext('day'));

  it("Today counts rejected pushes on their own and the cancelled one; Needs attention lists who rejected pushes, once a person with how many (credential, the latest's time and reference), and who hit the push limit", async () => {
    const rejected: string[] = [];
    let sent = 0;
    const push = async (answer: (p: Awaited<ReturnType<Harness['waitForPush']>>) => void, close = false) => {
      const opened = await h.open('/reset-password', 'UANN');
      const submission = await h.submit('UANN', opened.view);
      const p = await h.waitForPush('ann@example.com', ++sent);
      if (close) {
        const waiting = await modalAfter(h, submission, opened.viewId, (v) => text(v).includes('Approve the Okta Verify request'));
        await h.close('UANN', { ...waiting, id: opened.viewId });
        await h.waitForAudit('UANN', (r) => r.verification === 'cancelled');
        return;
      }
      answer(p);
      await modalAfter(h, submission, opened.viewId, isFailure);
    };
    await push((p) => h.okta.answerPush(p.id, { approve: false }));
    await push((p) => h.okta.answerPush(p.id, { approve: false }));
    await push((p) => h.okta.expirePush(p.id));
    await push(() => undefined, true);
    for (const r of await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.verification === 'timeout')) if (r.verification === 'rejected') rejected.push(r.requestId);
    expect(rejected).toHaveLength(2);
    // Carl's is approved: done.
    const carl = await h.open('/reset-password', 'UCARL');
    const carls = await h.submit('UCARL', carl.view);
    const carlsPush = await h.waitForPush('carl@example.com');
    h.okta.answerPush(carlsPush.id, { approve: true, pick: carlsPush.correctAnswer });
    await modalAfter(h, carls, carl.viewId, hasSecret);
    // Ann's fifth: over the push limit, no confirmation.
    expect((await h.open('/reset-password', 'UANN')).view.submit).toBeUndefined();
    await h.waitForAudit('UANN', (r) => r.errorCode === 'PUSH_LIMITED');

    const { home } = await h.openHome('UADA');
    const blocks = home.blocks as any[];
    const today = JSON.stringify(blocks.slice(blocks.findIndex((b) => b.text?.text === 'Today'), blocks.findIndex((b) => b.text?.text === 'Needs attention (7 days)')));
    // The push left unanswered timed out: the person's doing, no failure of Latchkey's, counted apart.
    expect(today).toContain('*Mail password reset*: 1 done, 2 pushes rejected, 1 push not answered, 1 push cancelled by the person');
    expect(today).not.toContain('failed');
    const attention = blocks.slice(blocks.findIndex((b) => b.text?.text === 'Needs attention (7 days)')).map((b) => JSON.stringify(b)).join('\n');
    expect(attention).not.toContain('Nothing:');
    // Ann's two rejections are one line: how many, the latest's time and reference.
    const lines = blocks.filter((b) => b.type === 'section' && String(b.text?.text).includes('*Push rejected')).map((b) => b.text.text as string);
    expect(lines).toHaveLength(1);
    const [older, latest] = [...rejected].sort();
    expect(lines[0]).toContain(':rotating_light: *Push rejected in Okta Verify* 2 times · Mail password reset by <@UANN> · latest <!date^');
    expect(lines[0]).toContain('someone else may be using their Slack account');
    expect(lines[0]).toContain(`Reference of the latest \`${latest}\``);
    expect(attention).not.toContain(older);
    expect(attention).toContain('*Push limit reached* · Mail password reset by <@UANN>');
    expect(blocks.length).toBeLessThanOrEqual(100);
  });
});
