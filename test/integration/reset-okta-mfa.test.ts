import { until } from '../support/until';
import { OktaDirectory } from '../../src/credentials/okta/okta-directory';
import { startOktaSimulator, type OktaSimFactor, type OktaSimulator, type OktaSimUser } from '../../src/credentials/okta-stand-in';
import { LatchkeyFailure } from '../../src/flows/failure';
import { httpFetch } from '../../src/http/fetch';
import { APPROVALS_CHANNEL, Harness, PEOPLE, secretIn, slackUser, useHarness } from '../support/harness';

/** /reset-okta-mfa (okta_mfa, issue 25): the enrolled factors removed, after an admin approves. */
const push = (who: string): OktaSimFactor => ({ id: `opf${who}`, factorType: 'push', provider: 'OKTA', status: 'ACTIVE' });
const totp = (who: string): OktaSimFactor => ({ id: `ost${who}`, factorType: 'token:software:totp', provider: 'GOOGLE', status: 'ACTIVE' });
const OKTA_PEOPLE: OktaSimUser[] = [
  { id: '00uann', email: 'ann@example.com', status: 'ACTIVE', factors: [push('ann'), totp('ann')] },
  { id: '00ubob', email: 'bob@example.com', status: 'ACTIVE', factors: [push('bob')] },
  { id: '00ususp', email: 'suspended@example.com', status: 'SUSPENDED', factors: [push('susp')] },
  { id: '00uada', email: 'ada@example.com', status: 'ACTIVE', roles: ['SUPER_ADMIN'], factors: [push('ada')] },
  { id: '00uleft', email: 'gone@example.com', status: 'DEPROVISIONED' },
  {
    id: '00umax',
    email: 'max@example.com',
    status: 'ACTIVE',
    lastLogin: '2026-11-29T07:45:00.000Z',
    passwordChanged: '2026-10-12T16:20:00.000Z',
    factors: [
      push('max'),
      { id: 'mblmaxsms', factorType: 'sms', provider: 'OKTA', status: 'ACTIVE', phoneNumber: '+1-415-555-0199' },
      { id: 'fwfmaxkey', factorType: 'webauthn', provider: 'FIDO', status: 'PENDING_ACTIVATION' },
    ],
  },
  { id: '00ucarl', email: 'carl@example.com', status: 'LOCKED_OUT', factors: [push('carl')] },
  // Deleted from Okta by a test after he asks.
  { id: '00uleo', email: 'leo@example.com', status: 'ACTIVE', factors: [push('leo')] },
  // Her factors removed by a test of her own: the others, in any order, find Bob's as they are.
  { id: '00ufay', email: 'fay@example.com', status: 'ACTIVE', factors: [push('fay')] },
];
const COMMAND = '/reset-okta-mfa';
const decide = (decision: string, comment?: string) => ({
  decision: { decision: { type: 'radio_buttons', selected_option: { value: decision } } },
  comment: { comment: { type: 'plain_text_input', value: comment ?? null } },
});

/** The person asks and confirms; returns what their modal then says, and the channel message's Review. */
async function asks(h: Harness, userId: string, command = COMMAND) {
  const opened = await h.open(command, userId);
  expect(opened.view.submit).toBeDefined();
  const submission = await h.submit(userId, opened.view);
  const answered = submission.json?.view as Record<string, any> | undefined;
  const shown = answered && JSON.stringify(answered).includes("needs an admin's approval") ? answered : await h.viewUpdate(opened.viewId, 2);
  const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(`<@${userId}>`));
  const review = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0];
  return { shown, post, approvalId: review.value as string, message: { channel: post.result!.channel as string, ts: post.result!.ts as string } };
}

async function decided(h: Harness, adminId: string, request: Awaited<ReturnType<typeof asks>>, decision: 'approve' | 'deny', comment?: string) {
  const review = await h.opening((trigger) => h.click(adminId, 'license_review', request.approvalId, request.message, trigger));
  await h.submit(adminId, review.view, { values: decide(decision, comment) });
  await h.viewUpdate(review.viewId, 2);
  return review;
}

async function finishButton(h: Harness, userId: string) {
  const call = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === `D${userId}` && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'));
  const button = (call.args.blocks as any[]).find((b) => b.type === 'actions').elements[0];
  return { value: button.value as string, message: { channel: call.result!.channel as string, ts: call.result!.ts as string } };
}

function finishing(h: Harness, userId: string, finish: { value: string; message: { channel: string; ts: string } }) {
  return h.opening((trigger) => h.click(userId, 'approval_finish', finish.value, finish.message, trigger));
}

describe('/reset-okta-mfa', () => {
  const h = useHarness({ slackUsers: [...PEOPLE.slack, slackUser('UGONE', 'gone@example.com'), slackUser('ULEO', 'leo@example.com'), slackUser('UFAY', 'fay@example.com')], accounts: { okta_password: OKTA_PEOPLE } }, (x) => {
    x.slack.clear();
    okta(x).clear();
  });
  const okta = (x: Harness = h) => x.standIns.get('okta_mfa') as OktaSimulator;

  it('the confirmation says exactly what happens and what to have ready', async () => {
    const { view } = await h.open(COMMAND, 'UANN');
    expect(view.title.text).toBe('Reset Okta MFA');
    // Its default policy, approval: said before the click, and the button asks an admin.
    expect(view.submit.text).toBe('Ask an admin');
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('An admin must approve this first; you finish it yourself once they do.');
    expect(text).toContain('Every sign-in factor enrolled on your *Okta account* (Okta Verify, authenticator apps, text messages, security keys) will be removed');
    expect(text).toContain('your password stays as it is');
    expect(text).toContain('Okta will ask you to set up Okta Verify again');
    expect(text).toContain('*Have ready:* your Okta password, and your new phone with *Okta Verify* installed from its app store.');
    // Opening it changes nothing.
    expect(okta().callsTo('ResetFactors')).toEqual([]);
  });

  it('asked, approved, then finished by the requester: their factors are removed, no one else\'s; the audit names requester, approver and the factor reset', async () => {
    const request = await asks(h, 'UANN');
    // Asking changes nothing.
    expect(JSON.stringify(request.shown)).toContain("needs an admin's approval");
    expect(okta().callsTo('ResetFactors')).toEqual([]);
    expect(JSON.stringify(request.post.args)).toContain('Okta MFA');

    const review = await decided(h, 'UADA', request, 'approve', 'New phone, checked by video call');
    expect(JSON.stringify(review.view)).toContain('Slack profile: <@UANN>');
    expect(JSON.stringify(review.view)).toContain('Approving lets whoever uses their Slack account reset their Okta MFA.');
    // Approving changes nothing either: the requester finishes it, in their own modal.
    expect(okta().callsTo('ResetFactors')).toEqual([]);

    const finished = await finishing(h, 'UANN', await finishButton(h, 'UANN'));
    expect(okta().callsTo('ResetFactors').map((c) => c.params.userId)).toEqual(['00uann']);
    expect(okta().users.get('00uann')!.factors).toEqual([]);
    expect(okta().users.get('00ubob')!.factors).toHaveLength(1);
    expect(okta().calls.filter((c) => c.operation === 'ExpirePassword' || c.operation === 'Unlock')).toEqual([]);
    // No secret: the modal confirms what was done and what comes next.
    expect(secretIn(finished.view)).toBeUndefined();
    expect(finished.view.title.text).toBe('Okta MFA reset');
    const said = JSON.stringify(finished.view.blocks);
    expect(said).toContain('Your Okta sign-in factors have been removed.');
    expect(said).toContain('Okta will ask you to set up Okta Verify on it');

    // The owner's DM (its Finish button's, now the receipt), and the audit: the request and the reset by the requester, the decision by the approver.
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === 'DUANN' && String(c.args.text).startsWith('Your Okta MFA was reset'));
    expect(dm.args.text).toMatch(/^Your Okta MFA was reset at .* If this wasn't you, contact IT\.$/);
    // This request's records only: other tests of the describe, before or after this one, ask and approve too.
    const ofThis = (r: { approvalRequestId?: string }) => r.approvalRequestId === request.approvalId;
    const own = await h.waitForAudit('UANN', (r) => r.action === 'reset_okta_mfa' && r.phase === 'outcome' && ofThis(r));
    expect(own.filter((r) => r.action === 'reset_okta_mfa' && ofThis(r)).map((r) => [r.phase, r.outcome, r.directory, r.directoryUserId])).toEqual([
      ['attempt', undefined, 'okta', '00uann'],
      ['outcome', 'success', 'okta', '00uann'],
    ]);
    expect(own.some((r) => r.action === 'reset_request' && r.credential === 'okta_mfa')).toBe(true);
    const admin = await h.waitForAudit('UADA', (r) => r.action === 'reset_decide' && r.phase === 'outcome' && ofThis(r));
    expect(admin.filter((r) => r.action === 'reset_decide' && ofThis(r)).map((r) => [r.phase, r.decision, r.subjectSlackUserId, r.credential])).toEqual([
      ['attempt', 'approve', 'UANN', 'okta_mfa'],
      ['outcome', 'approve', 'UANN', 'okta_mfa'],
    ]);

    // The privacy sweep: no secret any stand-in issued, and not the API token, anywhere outside.
    for (const place of [JSON.stringify(h.slack.calls), h.logs.join(''), await h.rawAuditTable()]) {
      for (const secret of [...h.allSecrets(), okta().token]) expect(place).not.toContain(secret);
    }
  });

  it("the admin's review says what Okta knows of the account (status, the kinds of factor enrolled, the last password change and sign-in), never a factor's details", async () => {
    const request = await asks(h, 'UMAX');
    const review = await h.opening((trigger) => h.click('UADA', 'license_review', request.approvalId, request.message, trigger));
    const text = JSON.stringify(review.view.blocks);
    expect(text).toContain('*What Okta says of this account*');
    expect(text).toContain('Status: active, not locked out');
    expect(text).toContain('Sign-in factors: Okta Verify (push), SMS, security key or biometric (WebAuthn; not finished enrolling)');
    expect(text).toContain(`Password last changed: <!date^${Date.parse('2026-10-12T16:20:00.000Z') / 1000}^`);
    expect(text).toContain(`Last sign-in: <!date^${Date.parse('2026-11-29T07:45:00.000Z') / 1000}^`);
    // Kinds only: not the phone number, the phone's name, or a factor's ID.
    for (const detail of ['0199', 'iPhone', 'mblmaxsms', 'opfmax', 'fwfmaxkey']) expect(JSON.stringify(review.view)).not.toContain(detail);
    // Read, never changed: the user and its factors, by the ID the request was filed for.
    expect(okta().callsTo('GetUser').map((c) => c.params.userId)).toEqual(['00umax']);
    expect(okta().callsTo('ListFactors').map((c) => c.params.userId)).toEqual(['00umax']);
    expect(okta().callsTo('ResetFactors')).toEqual([]);
    expect(review.view.submit.text).toBe('Submit decision');
  });

  it('Okta could not be asked at review: the review says so, and the admin can still decide', async () => {
    const request = await asks(h, 'UCARL');
    okta().failNext('GetUser', { status: 403, errorCode: 'E0000006', summary: 'You do not have permission to perform the requested action' });
    const review = await h.opening((trigger) => h.click('UADA', 'license_review', request.approvalId, request.message, trigger));
    const text = JSON.stringify(review.view.blocks);
    expect(text).toContain('Latchkey could not ask Okta about this account just now');
    expect(text).not.toContain('What Okta says of this account');
    expect(text).toContain('Slack profile: <@UCARL>');
    expect(review.view.submit.text).toBe('Submit decision');
    await h.submit('UADA', review.view, { values: decide('approve') });
    await finishButton(h, 'UCARL');
  });

  it("the account was deleted from Okta after they asked: the review says Okta no longer has it and that approving could not work, offers only Deny, and nobody is paged", async () => {
    const request = await asks(h, 'ULEO');
    // An Okta admin deletes Leo (deactivated, then deleted): Okta answers 404 E0000007 for his ID.
    okta().users.delete('00uleo');
    okta().clear();
    const review = await h.opening((trigger) => h.click('UADA', 'license_review', request.approvalId, request.message, trigger));
    const text = JSON.stringify(review.view.blocks);
    expect(text).toContain('Okta no longer has their Okta account');
    expect(text).toContain('Approving could not work: when they click Finish, Latchkey looks them up in Okta again, finds no Okta account and changes nothing');
    expect(text).toContain('Deny it, saying why in the comment');
    expect(text).toContain('Slack profile: <@ULEO>');
    for (const wrong of ['could not ask', 'What Okta says of this account', 'Before you approve', 'If you approve']) expect(text).not.toContain(wrong);
    const decision = (review.view.blocks as any[]).find((b) => b.block_id === 'decision');
    expect(decision.element.options.map((o: { value: string }) => o.value)).toEqual(['deny']);
    expect(okta().callsTo('GetUser').map((c) => c.params.userId)).toEqual(['00uleo']);
    // Okta answered: nothing failed, nobody is paged, and no warning says it could not be read.
    const lines = h.logs.filter((l) => l.includes(request.approvalId)).join('');
    expect(lines).toContain('reviewed account no longer in the directory');
    expect(lines).not.toMatch(/"alert":true|"level":"(warn|error)"/);
    await h.submit('UADA', review.view, { values: decide('deny', 'Your Okta account was removed: ask IT') });
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DULEO' && JSON.stringify(c.args).includes('denied'));
    expect(JSON.stringify(dm.args)).toContain('Your Okta account was removed: ask IT');
  });

  it('denied: the requester is told, and no factor is removed', async () => {
    const request = await asks(h, 'UBOB');
    await decided(h, 'UADA', request, 'deny', 'Please come to the IT desk with your ID');
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes('denied'));
    expect(JSON.stringify(dm.args)).toContain('Please come to the IT desk with your ID');
    expect(JSON.stringify(dm.args)).not.toContain('approval_finish');
    expect(okta().callsTo('ResetFactors')).toEqual([]);
    expect(okta().users.get('00ubob')!.factors).toHaveLength(1);
  });

  it("the factors' reset answered 502 once approved: sent once, and its requester, the channel and their Home tab are told it may have been made, never that nothing was changed or that it was not applied", async () => {
    const request = await asks(h, 'UBOB');
    await decided(h, 'UADA', request, 'approve');
    okta().failNext('ResetFactors', { status: 502, errorCode: 'E0000009', summary: 'Bad Gateway' });
    const failed = await finishing(h, 'UBOB', await finishButton(h, 'UBOB'));
    const modal = JSON.stringify(failed.view);
    expect(modal).toContain('Okta did not confirm the reset, so Latchkey cannot tell whether your Okta MFA was reset.');
    expect(modal).not.toContain('Nothing was changed');
    expect(okta().callsTo('ResetFactors')).toHaveLength(1);

    const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('may or may not have been applied'));
    expect(JSON.stringify(update.args.blocks)).toContain('Okta did not confirm the reset');
    expect(JSON.stringify(update.args.blocks)).not.toContain('was not applied');
    await h.waitForAudit('UBOB', (r) => r.action === 'reset_okta_mfa' && r.phase === 'outcome' && r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN');
    const { home } = await h.openHome('UBOB');
    expect(JSON.stringify(home)).toContain('the directory did not confirm the change: it may or may not have been made');
    expect(JSON.stringify(home)).not.toContain('the change was not made');
  });

  it("the factors' reset not confirmed: the next step says how to tell whether it was made and to ask IT with the reference, never to run it again for a new one", async () => {
    const request = await asks(h, 'UANN');
    await decided(h, 'UADA', request, 'approve');
    okta().failNext('ResetFactors', { status: 500, errorCode: 'E0000009', summary: 'Internal Server Error' });
    const failed = await finishing(h, 'UANN', await finishButton(h, 'UANN'));
    const modal = JSON.stringify(failed.view);
    expect(modal).toContain('Okta did not confirm the reset');
    expect(modal).toContain('Sign in to Okta: if it asks you to set up Okta Verify, the reset was made');
    expect(modal).toContain('contact IT and quote the reference below');
    expect(modal).toMatch(/Reference: `[^`]+`/);
    expect(modal).not.toContain('may no longer work');
    expect(modal).not.toContain('for a new one');
  });

  it.each([
    ['a suspended account', 'USUSP', 'Your Okta account is suspended.'],
    ['a deprovisioned account', 'UGONE', 'Your Okta account is disabled.'],
    ['an account with an admin role', 'UADA', 'admin accounts are never reset by self-service'],
  ])('refuses %s before anyone is asked to approve', async (_what, userId, message) => {
    const { view } = await h.open(COMMAND, userId);
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain(message);
    expect(okta().callsTo('ResetFactors')).toEqual([]);
  });

  it.each([
    ['a suspended account', 'USUSP'],
    ['a deprovisioned (disabled) account', 'UGONE'],
  ])('tells %s what an MFA reset could not do until it is reactivated, never of a new Okta MFA (it makes no secret)', async (_what, userId) => {
    const { view } = await h.open(COMMAND, userId);
    const modal = JSON.stringify(view.blocks);
    expect(modal).toContain('Ask IT to reactivate it; setting up Okta MFA again would not work until then.');
    expect(modal).not.toContain('a new Okta MFA');
  });

  it('finished, and Slack refusing the update that shows it: a message only the requester sees says what was done, and the window says so and where, never stays on "Checking your account again…"', async () => {
    const request = await asks(h, 'UFAY');
    await decided(h, 'UADA', request, 'approve');
    const finish = await finishButton(h, 'UFAY');
    h.slack.failNext('views.update', { error: 'internal_error' }, 1, (args) => args.view?.title?.text === 'Okta MFA reset');
    const triggerId = h.slack.newTriggerId();
    const fromLog = h.logs.length;
    await h.click('UFAY', 'approval_finish', finish.value, finish.message, triggerId);
    const viewId = h.openedViewId(await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId));
    const refused = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && c.result?.ok === false);
    const aside = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UFAY');
    expect(aside.args.text).toMatch(/^What came of your Okta MFA reset could not be shown in your Latchkey window, so here it is: /);
    await h.waitForAudit('UFAY', (r) => r.action === 'reset_okta_mfa' && r.phase === 'outcome');
    // The window is told once the finish has ended (its receipt sent, the request marked finished):
    // the click's end waited for, as on a loaded machine that is later than any fixed pause.
    await until(`the end of Fay's Finish click (its "finish click handled" line)`, () =>
      h.logs.slice(fromLog).some((l) => l.includes('"msg":"finish click handled"') && l.includes('"slackUserId":"UFAY"')),
    );
    const told = h.slack.callsTo('views.update').find((c) => c.args.view_id === viewId && c.result?.ok === true && c.place > refused.place);
    expect(okta().callsTo('ResetFactors').map((c) => c.params.userId)).toEqual(['00ufay']);
    // Before: nothing after the refused update, and the window stayed on its loading view for good.
    const shown = h.slack.callsTo('views.update').filter((c) => c.args.view_id === viewId && c.result?.ok === true).at(-1);
    expect(shown).toBe(told);
    expect(shown?.args.view.title.text).toBe('Okta MFA reset');
    expect(JSON.stringify(shown?.args.view)).toMatch(/Your Okta MFA was reset at .*\. This window could not show it, so Latchkey told you in a message only you can see\./);
  });
});

describe('/reset-okta-mfa on AWS Lambda', () => {
  const h = useHarness({ entry: 'lambda', accounts: { okta_password: OKTA_PEOPLE } });

  it('asked, approved and finished through the function', async () => {
    const okta = h.standIns.get('okta_mfa') as OktaSimulator;
    const request = await asks(h, 'UANN');
    await decided(h, 'UADA', request, 'approve');
    const finished = await finishing(h, 'UANN', await finishButton(h, 'UANN'));
    expect(JSON.stringify(finished.view.blocks)).toContain('Your Okta sign-in factors have been removed.');
    expect(okta.callsTo('ResetFactors').map((c) => c.params.userId)).toEqual(['00uann']);
  });
});

describe('/reset-okta-mfa with no admin to approve', () => {
  // No Chime: the harness then configures no admins (they come with license requests).
  const h = useHarness({ without: ['pin'] });

  it('is off, and says so; the other Okta commands are served', async () => {
    const res = await h.command(COMMAND, 'UANN');
    expect(res.json).toEqual({ response_type: 'ephemeral', text: 'Okta MFA resets are not enabled in this workspace. Ask IT how to reset it.' });
    const unlock = await h.command('/unlock-okta', 'UANN');
    expect(JSON.stringify(unlock.json ?? {})).not.toContain('not enabled');
  });

  it('the start says so, in a warn line naming the command, why it is off and what to set to offer it (the start still succeeds)', () => {
    const warnings = h.logs.map((l) => JSON.parse(l)).filter((l) => l.level === 'warn' && l.subject === 'okta_mfa');
    expect(warnings).toEqual([
      expect.objectContaining({
        variable: 'ADMIN_USER_IDS',
        msg:
          "/reset-okta-mfa is off: Okta is set up, but okta_mfa's policy is approval (its default), and there are no admins to approve and no approvals channel where admins see requests. " +
          'To offer it, set ADMIN_USER_IDS, ADMIN_USERGROUP_ID or both, and APPROVALS_CHANNEL_ID; or give okta_mfa another policy in RESET_POLICY: okta_mfa=verify (with VERIFY_WITH=duo and its settings). ' +
          'If you do not mean to offer it, there is nothing to do',
      }),
    ]);
  });
});

describe("Okta's factors reset, over HTTP against the stand-in", () => {
  let okta: OktaSimulator;
  beforeEach(async () => {
    okta = await startOktaSimulator({ users: OKTA_PEOPLE });
  });
  afterEach(() => okta.close());
  const adapter = () => new OktaDirectory(httpFetch(), okta.url, okta.token, 'factors');

  it("removes the person's factors and no one else's, and leaves the password alone", async () => {
    const result = await adapter().resetCredential({ id: '00uann' });
    expect(result).toEqual({});
    expect(okta.users.get('00uann')!.factors).toEqual([]);
    expect(okta.users.get('00ubob')!.factors).toHaveLength(1);
    expect(okta.calls.map((c) => [c.operation, c.params.userId])).toEqual([['ResetFactors', '00uann']]);
    expect(okta.tempPasswordOf('00uann')).toBeUndefined();
    expect(okta.users.get('00uann')!.status).toBe('ACTIVE');
  });

  it('a deprovisioned account: Okta refuses, and nothing changes', async () => {
    await expect(adapter().resetCredential({ id: '00uleft' })).rejects.toEqual(expect.objectContaining({ code: 'DIRECTORY_REJECTED' }));
    await expect(adapter().resetCredential({ id: '00unobody' })).rejects.toBeInstanceOf(LatchkeyFailure);
  });

  it('a locked-out person may have their factors reset, and stays locked (the reset is not an unlock)', async () => {
    okta.users.get('00ubob')!.status = 'LOCKED_OUT';
    const [bob] = await adapter().findCandidates('bob@example.com');
    const inspected = await adapter().inspect(bob!);
    // Not marked locked: "it is unlocked now" is never said of a factors reset.
    expect(inspected.locked).toBeUndefined();
    await adapter().resetCredential(inspected);
    expect(okta.users.get('00ubob')!.status).toBe('LOCKED_OUT');
    expect(okta.callsTo('Unlock')).toEqual([]);
  });

  it("an account whose password Active Directory holds still has its factors reset: they are Okta's, and only the password and the unlock are refused at the lookup", async () => {
    okta.users.get('00ubob')!.provider = 'ACTIVE_DIRECTORY';
    const [bob] = await adapter().findCandidates('bob@example.com');
    expect(bob!.refusal).toBeUndefined();
    await adapter().resetCredential(await adapter().inspect(bob!));
    expect(okta.users.get('00ubob')!.factors).toEqual([]);
    const password = new OktaDirectory(httpFetch(), okta.url, okta.token, 'password');
    expect((await password.findCandidates('bob@example.com'))[0]!.refusal).toBe('mastered_elsewhere');
  });
});

/** The password reset behind an admin's approval, with these helpers: a locked-out account is unlocked before its reset. */
describe('/reset-okta-password approved by an admin, for a locked-out account', () => {
  const h = useHarness({ env: { RESET_POLICY: 'okta_password=approval' }, accounts: { okta_password: [{ id: '00ubob', email: 'bob@example.com', status: 'LOCKED_OUT' }] } }, (x) => {
    x.slack.clear();
    okta(x).clear();
  });
  const okta = (x: Harness = h) => x.standIns.get('okta_password') as OktaSimulator;

  it.each([
    ["its unlock answered 500 (not confirmed)", () => okta().failNext('Unlock', { status: 500, errorCode: 'E0000009', summary: 'Internal Server Error' }), 'Okta did not confirm the unlock before the reset (the account may or may not be unlocked), and the password was not reset', 'Okta did not confirm unlocking your Okta account'],
    ['its unlock made, then its reset answered 403 E0000038', () => okta().failNext('ExpirePassword', { status: 403, errorCode: 'E0000038', summary: "This operation is not allowed in the user's current status." }), 'the account was unlocked, and the password was not reset', 'Your Okta account is unlocked, but your Okta password was not reset'],
  ])('%s: the channel says what is known of it, never that the change may or may not have been applied', async (_what, fail, applied, headline) => {
    okta().users.get('00ubob')!.status = 'LOCKED_OUT';
    const request = await asks(h, 'UBOB', '/reset-okta-password');
    await decided(h, 'UADA', request, 'approve');
    fail();
    const failed = await finishing(h, 'UBOB', await finishButton(h, 'UBOB'));
    expect(JSON.stringify(failed.view)).toContain(headline);
    expect(okta().callsTo('ExpirePassword').length).toBeLessThanOrEqual(1);
    const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes(':warning: Approved by'));
    const said = JSON.stringify(update.args.blocks);
    expect(said).toContain(`but ${applied}: ${headline}`);
    expect(said).not.toContain('may or may not have been applied');
    expect(said).not.toContain('the change was not applied');
  });
});
