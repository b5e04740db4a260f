import { oktaVerify, type OktaSimulator, type OktaSimUser } from '../../src/credentials/okta-stand-in';
import { Harness, PEOPLE, expectUnansweredChange, expectUnconfirmedChange, secretIn, slackUser, TEAM, useHarness } from '../support/harness';

/** /reset-okta-password end to end: the Okta credential over its REST API, against the Okta stand-in. */
const OKTA_PEOPLE: OktaSimUser[] = [
  { id: '00uann', email: 'Ann@Example.com', firstName: 'Ann', status: 'ACTIVE' },
  { id: '00uxann', email: 'xann@example.com', status: 'ACTIVE' },
  { id: '00uannau', email: 'ann@example.com.au', status: 'ACTIVE' },
  { id: '00ubob', email: 'bob@example.com', status: 'LOCKED_OUT' },
  { id: '00ucarl', email: 'carl@example.com', status: 'PASSWORD_EXPIRED' },
  { id: '00ususp', email: 'suspended@example.com', status: 'SUSPENDED' },
  { id: '00uleft', email: 'gone@example.com', status: 'DEPROVISIONED' },
  { id: '00unew', email: 'new@example.com', status: 'STAGED' },
  { id: '00uprov', email: 'prov@example.com', status: 'PROVISIONED' },
  { id: '00uada', email: 'ada@example.com', status: 'ACTIVE', roles: ['SUPER_ADMIN'] },
  { id: '00umax', email: 'max@example.com', status: 'ACTIVE' },
];
const SLACK_PEOPLE = [
  ...PEOPLE.slack,
  slackUser('UGONE', 'gone@example.com'),
  slackUser('UNEW', 'new@example.com'),
  slackUser('UPROV', 'prov@example.com'),
  slackUser('UXAVI', 'avi@example.com'),
];
const COMMAND = '/reset-okta-password';

describe('/reset-okta-password', () => {
  const h = useHarness({ slackUsers: SLACK_PEOPLE, accounts: { okta_password: OKTA_PEOPLE } }, (x) => {
    x.slack.clear();
    okta(x).clear();
    okta(x).setLatency(0);
  });
  const okta = (x: Harness = h) => x.standIns.get('okta_password') as OktaSimulator;
  const lifecycle = () => okta().calls.filter((c) => c.operation === 'Unlock' || c.operation === 'ExpirePassword');

  it('replaces the password with a temporary one, signs other sessions out, and shows it to the requester alone', async () => {
    const { view, final } = await h.reset(COMMAND, 'UANN');
    expect(view.title.text).toBe('Reset Okta password');
    expect(JSON.stringify(view.blocks)).toContain("You'll choose a new password when you next sign in, and you'll be signed out of Okta everywhere else.");
    // Ann's account is not locked: the confirmation says nothing of locks.
    expect(JSON.stringify(view.blocks)).not.toMatch(/lock/i);

    const temp = secretIn(final)!;
    expect(temp).toBe(okta().tempPasswordOf('00uann'));
    expect(final.title.text).toBe('Your temporary password');
    expect(okta().callsTo('ExpirePassword').map((c) => c.params)).toEqual([{ userId: '00uann', revokeSessions: 'true' }]);
    expect(okta().users.get('00uann')?.status).toBe('PASSWORD_EXPIRED');
    // Only the exact address, whatever its case: the look-alikes are never touched.
    expect(lifecycle().map((c) => c.params.userId)).toEqual(['00uann']);
    expect(okta().callsTo('ListRoles').map((c) => c.params.userId)).toEqual(['00uann']);

    const dm = await h.slack.waitForCall('chat.postMessage');
    expect(dm.args.text).toMatch(/^Your Okta password was reset at .* If this wasn't you, contact IT\.$/);
    expect(dm.args.text).not.toContain('unlocked');
    const records = await h.waitForAudit('UANN', (r) => r.action === 'reset_okta_password' && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_okta_password').map((r) => [r.phase, r.outcome, r.directory, r.directoryUserId, r.slackTeamId])).toEqual([
      ['attempt', undefined, 'okta', '00uann', TEAM],
      ['outcome', 'success', 'okta', '00uann', TEAM],
    ]);

    const secretViews = (c: { method: string; args: any }) => c.method === 'views.update' && c.args.view?.blocks?.some((b: any) => b.block_id === 'secret');
    for (const place of [
      JSON.stringify(h.slack.calls.filter((c) => !secretViews(c))),
      h.logs.join(''),
      await h.rawAuditTable(),
      JSON.stringify([...h.standIns.values()].map((s) => s.calls)),
    ]) {
      expect(place).not.toContain(temp);
    }
  });

  it('a locked-out account is unlocked, then reset, and the person is told it was unlocked', async () => {
    const { view, final } = await h.reset(COMMAND, 'UBOB');
    // The look-up found it locked: the confirmation says so plainly, and that this reset unlocks it.
    expect(JSON.stringify(view.blocks)).toContain('Your *Okta account* is locked out. This reset unlocks it too.');
    expect(JSON.stringify(view.blocks)).not.toContain('If your account is locked');
    expect(secretIn(final)).toBe(okta().tempPasswordOf('00ubob'));
    expect(JSON.stringify(final.blocks)).toContain('Your Okta account was locked out; it is unlocked now.');
    const dm = await h.slack.waitForCall('chat.postMessage');
    expect(dm.args.text).toContain('Your Okta account was locked out; it is unlocked now.');
    expect(lifecycle().map((c) => [c.operation, c.params.userId])).toEqual([
      ['Unlock', '00ubob'],
      ['ExpirePassword', '00ubob'],
    ]);
    expect(okta().users.get('00ubob')?.status).toBe('PASSWORD_EXPIRED');
  });

  it('an account unlocked by someone else between the check and the click is still reset', async () => {
    okta().users.get('00ubob')!.status = 'LOCKED_OUT';
    const { final } = await h.reset(COMMAND, 'UBOB', { beforeSubmit: () => { okta().users.get('00ubob')!.status = 'ACTIVE'; } });
    expect(secretIn(final)).toBe(okta().tempPasswordOf('00ubob'));
  });

  it('a password that has expired may be reset', async () => {
    expect(secretIn((await h.reset(COMMAND, 'UCARL')).final)).toBeDefined();
  });

  it.each([
    ['a suspended account', 'USUSP', 'Your Okta account is suspended.'],
    ['a deprovisioned account', 'UGONE', 'Your Okta account is disabled.'],
    ['a staged account', 'UNEW', 'Your Okta account is not activated yet'],
    ['a provisioned account', 'UPROV', 'Your Okta account is not activated yet'],
    ['an account with an admin role', 'UADA', 'Your Okta account has an admin role; admin accounts are never reset by self-service.'],
    ['an email unknown to Okta', 'UNOCHIME', "Latchkey cannot find your Okta account: no Okta account has your Slack email *nochime@example.com* as its main email address."],
    ['an email only look-alikes match', 'UXAVI', "account has your Slack email"],
  ])('refuses %s with a clear message and touches nothing', async (_what, userId, message) => {
    const { view } = await h.open(COMMAND, userId);
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks).replace(/\n/g, ' ')).toContain(message);
    expect(lifecycle()).toEqual([]);
  });

  it.each([
    ['401 E0000011 (invalid token)', { status: 401, errorCode: 'E0000011', summary: 'Invalid token provided' }, 'Latchkey is misconfigured.', 'DIRECTORY_MISCONFIGURED'],
    ['403 E0000006 (not allowed)', { status: 403, errorCode: 'E0000006', summary: 'You do not have permission' }, 'Latchkey is misconfigured.', 'DIRECTORY_MISCONFIGURED'],
    ['404 E0000007 (not found)', { status: 404, errorCode: 'E0000007', summary: 'Not found' }, "account has your Slack email", 'DIRECTORY_USER_NOT_FOUND'],
    // A 503 says Okta did not take the request on (read-only mode): nothing was changed.
    ['503', { status: 503, errorCode: 'E0000010', summary: 'Service is in read only mode' }, 'Okta is not answering right now. Nothing was changed.', 'DIRECTORY_UNAVAILABLE'],
  ])('the reset answered %s: the person is told, and it is audited', async (_what, failure, message, code) => {
    const { final } = await h.reset(COMMAND, 'UMAX', { beforeSubmit: () => okta().failNext('ExpirePassword', failure) });
    expect(secretIn(final)).toBeUndefined();
    expect(JSON.stringify(final)).toContain(message);
    await h.waitForAudit('UMAX', (r) => r.phase === 'outcome' && r.errorCode === code);
    if (code === 'DIRECTORY_MISCONFIGURED') expect(h.logs.join('')).toMatch(/"alert":true.*operator action needed/);
  });

  it.each([
    ['500 (Okta failed midway)', 500, 'E0000009', 'Internal Server Error'],
    ['502 (a gateway in front of Okta failed)', 502, 'E0000009', 'Bad Gateway'],
    ['504 (a gateway gave up waiting on Okta)', 504, 'E0000009', 'Gateway Timeout'],
  ])('the reset answered %s: Okta may have made it, so it is sent once and the person is never told nothing was changed', async (_what, status, errorCode, summary) => {
    await expectUnconfirmedChange(h, {
      command: COMMAND,
      userId: 'UMAX',
      standIn: okta(),
      operation: 'ExpirePassword',
      fail: () => okta().failNext('ExpirePassword', { status, errorCode, summary }),
      told: 'Okta did not confirm the reset, so Latchkey cannot tell whether your Okta password was reset.',
    });
  });

  it("a locked-out account whose unlock, the step before the reset, is answered 500: told that the unlock's outcome is unknown and the password was not reset, never that Latchkey cannot tell whether it was", async () => {
    okta().users.get('00ubob')!.status = 'LOCKED_OUT';
    const { final } = await h.reset(COMMAND, 'UBOB', { beforeSubmit: () => okta().failNext('Unlock', { status: 500, errorCode: 'E0000009', summary: 'Internal Server Error' }) });
    const said = JSON.stringify(final.blocks);
    expect(said).toContain('Okta did not confirm unlocking your Okta account, so Latchkey cannot tell whether it is unlocked. Your Okta password was not reset.');
    expect(said).toContain('If you remember your password, try signing in with it. Otherwise run `/reset-okta-password` again in a few minutes; if it keeps failing, contact IT and quote the reference below.');
    expect(said).not.toContain('whether your Okta password was reset');
    expect(secretIn(final)).toBeUndefined();
    // The unlock was sent once; the reset itself never.
    expect(okta().callsTo('Unlock')).toHaveLength(1);
    expect(okta().callsTo('ExpirePassword')).toEqual([]);
    const records = await h.waitForAudit('UBOB', (r) => r.action === 'reset_okta_password' && r.phase === 'outcome' && r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN');
    expect(records.filter((r) => r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN')).toEqual([expect.objectContaining({ outcome: 'failure', reason: 'unlock_unconfirmed' })]);
  });

  it.each([
    ["429 past the person's patience", () => okta().failNext('ExpirePassword', 'rate-limited', 5), 'DIRECTORY_THROTTLED'],
    ["403 E0000038 (not allowed in the user's status)", () => okta().failNext('ExpirePassword', { status: 403, errorCode: 'E0000038', summary: "This operation is not allowed in the user's current status." }), 'DIRECTORY_REJECTED'],
  ])('a locked-out account unlocked, then its reset answered %s: told it is unlocked and the password was not reset, never that nothing was changed, and audited so', async (_what, fail, code) => {
    okta().users.get('00ubob')!.status = 'LOCKED_OUT';
    const { final } = await h.reset(COMMAND, 'UBOB', { beforeSubmit: fail });
    const said = JSON.stringify(final.blocks);
    expect(said).toContain('Your Okta account is unlocked, but your Okta password was not reset: Okta did not make the reset.');
    expect(said).toContain('If you remember your password, sign in with it now. Otherwise run `/reset-okta-password` again in a few minutes; if it keeps failing, contact IT and quote the reference below.');
    expect(said).not.toContain('Nothing was changed');
    expect(secretIn(final)).toBeUndefined();
    expect(okta().callsTo('Unlock')).toHaveLength(1);
    expect(okta().users.get('00ubob')?.status).toBe('ACTIVE');
    const records = await h.waitForAudit('UBOB', (r) => r.action === 'reset_okta_password' && r.phase === 'outcome' && r.errorCode === code);
    expect(records.filter((r) => r.action === 'reset_okta_password' && r.errorCode === code)).toEqual([expect.objectContaining({ phase: 'outcome', outcome: 'failure', reason: 'unlocked_not_reset' })]);
  });

  it('the lookup answered 500, before any change: Okta is "not answering", and nothing was changed', async () => {
    okta().failNext('ListUsers', { status: 500, errorCode: 'E0000009', summary: 'Internal Server Error' });
    const { view } = await h.open(COMMAND, 'UMAX');
    expect(JSON.stringify(view)).toContain('Okta is not answering right now. Nothing was changed.');
    expect(lifecycle()).toEqual([]);
  });

  it('rate limited once: waits for X-Rate-Limit-Reset within the person\'s patience, then succeeds', async () => {
    okta().failNext('ListUsers', 'rate-limited');
    const { view } = await h.open(COMMAND, 'UMAX');
    expect(view.submit?.text).toBe('Reset password');
    expect(okta().callsTo('ListUsers')).toHaveLength(2);
  });

  it('rate limited past the person\'s patience: "busy, try again", and nothing changes', async () => {
    okta().failNext('ListUsers', 'rate-limited', 5);
    const { view } = await h.open(COMMAND, 'UMAX');
    expect(JSON.stringify(view)).toContain('Okta is busy and asked Latchkey to slow down. Nothing was changed.');
    expect(okta().callsTo('ListUsers').length).toBeLessThanOrEqual(3);
    expect(lifecycle()).toEqual([]);
  });

  it('no answer within the request timeout to the lookup, before any change: Okta is "not answering", and nothing was changed', async () => {
    const release = okta().hold(['ListUsers']);
    const { view } = await h.open(COMMAND, 'UMAX', { timeoutMs: 10_000 }).finally(release);
    expect(JSON.stringify(view)).toContain('Okta is not answering right now. Nothing was changed.');
    expect(lifecycle()).toEqual([]);
  }, 15_000);

  it('the change itself not answered within the request timeout: Okta may have made it, so the person is never told nothing was changed', async () => {
    await expectUnansweredChange(h, { command: COMMAND, userId: 'UMAX', standIn: okta(), operation: 'ExpirePassword', told: 'Okta did not confirm the reset, so Latchkey cannot tell whether your Okta password was reset.' });
  }, 30_000);

  it('a token Okta refuses when checking roles is an operator alert, not a reset', async () => {
    okta().failNext('ListRoles', { status: 403, errorCode: 'E0000006', summary: 'You do not have permission to perform the requested action' });
    const { view } = await h.open(COMMAND, 'UMAX');
    expect(JSON.stringify(view)).toContain('Latchkey is misconfigured.');
    expect(lifecycle()).toEqual([]);
  });
});

describe('/reset-okta-password with the wrong API token', () => {
  const h = useHarness({ accounts: { okta_password: OKTA_PEOPLE }, env: { OKTA_API_TOKEN: 'not-the-token-okta-issued-0123' } });

  it('says Latchkey is misconfigured, alerts, and never shows the token', async () => {
    const { view } = await h.open(COMMAND, 'UANN');
    expect(JSON.stringify(view)).toContain('Latchkey is misconfigured.');
    expect(h.logs.join('')).toMatch(/"detail":"okta:ListUsers 401: E0000011 Invalid token provided","alert":true/);
    expect(h.logs.join('')).not.toContain('not-the-token-okta-issued-0123');
  });
});

describe('/reset-okta-password where Okta is not set up', () => {
  const h = useHarness({ without: ['okta_password'] });

  it('answers "not enabled here" privately and opens nothing', async () => {
    const res = await h.command(COMMAND, 'UANN');
    expect(res.json).toEqual({ response_type: 'ephemeral', text: 'Okta password resets are not enabled in this workspace. Ask IT how to reset it.' });
    expect(h.slack.callsTo('views.open')).toEqual([]);
  });
});

describe('/reset-okta-password for an account whose password Active Directory (or LDAP) holds, with the Okta Verify push', () => {
  const PEOPLE_HERE: OktaSimUser[] = [
    { id: '00udana', email: 'dana@example.com', status: 'ACTIVE', provider: 'ACTIVE_DIRECTORY', factors: [oktaVerify('dana')] },
    { id: '00uleo', email: 'leo@example.com', status: 'LOCKED_OUT', provider: 'LDAP', factors: [oktaVerify('leo')] },
    { id: '00umax', email: 'max@example.com', status: 'ACTIVE', factors: [oktaVerify('max')] },
  ];
  const h = useHarness(
    {
      slackUsers: [...PEOPLE.slack, slackUser('UDANA', 'dana@example.com'), slackUser('ULEO', 'leo@example.com')],
      accounts: { okta_password: PEOPLE_HERE },
      env: { RESET_POLICY: 'okta_password=verify', VERIFY_WITH: 'okta', VERIFY_POLL_MS: '100', VERIFY_TIMEOUT_SECONDS: '2' },
    },
    (x) => {
      x.slack.clear();
      okta(x).clear();
    },
  );
  const okta = (x: Harness = h) => x.standIns.get('okta_password') as OktaSimulator;

  it.each([
    ['Active Directory, signed in', 'UDANA', '00udana'],
    ['LDAP, locked out', 'ULEO', '00uleo'],
  ])('%s: refused at the lookup in words that say where to reset it, before the confirmation and before any push', async (_what, userId, oktaId) => {
    const { view } = await h.open(COMMAND, userId);
    expect(view.submit).toBeUndefined();
    const said = JSON.stringify(view.blocks);
    // In the unlock's words for the same account (unlock-okta.test.ts): one phrase for who manages it.
    expect(said).toContain('Your Okta password is managed by your company directory (such as Active Directory), so Latchkey cannot reset it.');
    expect(said).toContain('Reset it where you reset your company directory password, or contact IT');
    // Shared by Active Directory and LDAP: never "Windows", which an LDAP directory rarely is.
    expect(said).not.toContain('Windows');
    // No push reached the person's phone, and Okta was asked to change nothing.
    expect(okta().callsTo('VerifyFactor')).toEqual([]);
    expect(okta().pushes().filter((p) => p.userId === oktaId)).toEqual([]);
    expect(okta().calls.filter((c) => c.operation === 'Unlock' || c.operation === 'ExpirePassword')).toEqual([]);

    const records = await h.waitForAudit(userId, (r) => r.action === 'reset_okta_password' && r.phase === 'refused');
    expect(records.filter((r) => r.action === 'reset_okta_password').map((r) => [r.phase, r.errorCode, r.reason, r.directory])).toEqual([
      ['refused', 'DIRECTORY_USER_REFUSED', 'mastered_elsewhere', 'okta'],
    ]);
    // The person's account, not our fault: nobody is paged.
    expect(h.logs.join('')).not.toMatch(/"alert":true/);
  });

  it('an account Okta holds the password of is still offered the reset, behind the push', async () => {
    const { view } = await h.open(COMMAND, 'UMAX');
    expect(view.submit?.text).toBe('Reset password');
  });
});

describe('/reset-okta-password with a verifier set (VERIFY_WITH) and RESET_POLICY not naming it: a push first, its default there', () => {
  const h = useHarness(
    {
      accounts: { okta_password: [{ id: '00umax', email: 'max@example.com', status: 'ACTIVE', factors: [oktaVerify('max')] }] },
      env: { VERIFY_WITH: 'okta', VERIFY_POLL_MS: '100' },
    },
    (x) => {
      x.slack.clear();
      x.okta.clear();
    },
  );

  it('the confirmation says a push comes next, the password changes only once it is approved, and the audit says verify', async () => {
    const opened = await h.open(COMMAND, 'UMAX');
    expect(JSON.stringify(opened.view.blocks)).toContain('Latchkey will send a push to Okta Verify on your phone; approve it to continue.');
    await h.submit('UMAX', opened.view);
    const push = await h.waitForPush('max@example.com');
    // The push waits for its answer: nothing is changed before it.
    expect(h.okta.callsTo('ExpirePassword')).toEqual([]);
    expect(h.okta.answerPush(push.id, { approve: true, pick: push.correctAnswer })).toBe(true);
    const shown = await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && secretIn(c.args.view) !== undefined, 8000);
    expect(secretIn(shown.args.view)).toBe(h.okta.tempPasswordOf('00umax'));
    const records = await h.waitForAudit('UMAX', (r) => r.action === 'reset_okta_password' && r.phase === 'outcome');
    expect(records.find((r) => r.phase === 'outcome')).toMatchObject({ outcome: 'success', policy: 'verify', verification: 'approved', verifier: 'okta_verify' });
  });
});
