import type { OktaSimulator, OktaSimUser } from '../../src/credentials/okta-stand-in';
import { Harness, isProgress, PEOPLE, secretIn, slackUser, TEAM, useHarness } from '../support/harness';
import { until } from '../support/until';

/** /unlock-okta end to end: Okta's unlock alone, over its REST API, against the Okta stand-in. */
const OKTA_PEOPLE: OktaSimUser[] = [
  { id: '00uann', email: 'ann@example.com', status: 'ACTIVE' },
  { id: '00ubob', email: 'Bob@Example.com', status: 'LOCKED_OUT', factors: [{ id: 'opfbob', factorType: 'push', provider: 'OKTA', status: 'ACTIVE' }] },
  { id: '00uxbob', email: 'xbob@example.com', status: 'LOCKED_OUT' },
  { id: '00ucarl', email: 'carl@example.com', status: 'PASSWORD_EXPIRED' },
  { id: '00ususp', email: 'suspended@example.com', status: 'SUSPENDED' },
  { id: '00uleft', email: 'gone@example.com', status: 'DEPROVISIONED' },
  { id: '00unew', email: 'new@example.com', status: 'STAGED' },
  { id: '00uada', email: 'ada@example.com', status: 'LOCKED_OUT', roles: ['SUPER_ADMIN'] },
  { id: '00umax', email: 'max@example.com', status: 'LOCKED_OUT' },
  { id: '00udana', email: 'dana@example.com', status: 'LOCKED_OUT', provider: 'ACTIVE_DIRECTORY' },
];
const SLACK_PEOPLE = [...PEOPLE.slack, slackUser('UGONE', 'gone@example.com'), slackUser('UNEW', 'new@example.com'), slackUser('UDANA', 'dana@example.com')];
const COMMAND = '/unlock-okta';

describe('/unlock-okta', () => {
  // UADA is an admin, for the admins' Today.
  const h = useHarness({ slackUsers: SLACK_PEOPLE, accounts: { okta_password: OKTA_PEOPLE }, env: { ADMIN_USER_IDS: 'UADA' } }, (x) => {
    x.slack.clear();
    okta(x).clear();
  });
  const okta = (x: Harness = h) => x.standIns.get('okta_unlock') as OktaSimulator;
  const changes = () => okta().calls.filter((c) => c.operation !== 'ListUsers' && c.operation !== 'ListRoles');

  it('unlocks a locked-out account and nothing else: the password and the factors stay as they are', async () => {
    okta().users.get('00ubob')!.status = 'LOCKED_OUT';
    const { view, final } = await h.reset(COMMAND, 'UBOB');
    expect(view.title.text).toBe('Unlock Okta account');
    expect(view.submit.text).toBe('Unlock');
    expect(JSON.stringify(view.blocks)).toContain('Your *Okta account* will be unlocked. Your password and your sign-in factors stay as they are.');

    expect(changes().map((c) => [c.operation, c.params.userId])).toEqual([['Unlock', '00ubob']]);
    expect(okta().users.get('00ubob')!.status).toBe('ACTIVE');
    expect(okta().users.get('00ubob')!.factors).toHaveLength(1);
    expect(okta().tempPasswordOf('00ubob')).toBeUndefined();
    // No secret: the modal says what was done and what comes next.
    expect(secretIn(final)).toBeUndefined();
    expect(final.title.text).toBe('Okta account unlocked');
    const said = (final.blocks as any[]).map((b) => b.text?.text ?? '').join(' ');
    expect(said).toContain('Your Okta account is unlocked. Sign in with your current password.');
    // Said once: the unlock is the change, not a step before one.
    expect(said).not.toContain('was locked out');

    const dm = await h.slack.waitForCall('chat.postMessage');
    expect(dm.args.text).toMatch(/^Your Okta account was unlocked at .* If this wasn't you, contact IT\.$/);
    expect(dm.args.text).not.toContain('was locked out');
    const records = await h.waitForAudit('UBOB', (r) => r.action === 'unlock_okta' && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'unlock_okta').map((r) => [r.phase, r.outcome, r.directory, r.directoryUserId, r.slackTeamId])).toEqual([
      ['attempt', undefined, 'okta', '00ubob', TEAM],
      ['outcome', 'success', 'okta', '00ubob', TEAM],
    ]);

    // The privacy sweep: nothing any stand-in issued, and not the API token, in Slack, the logs or DynamoDB.
    for (const place of [JSON.stringify(h.slack.calls), h.logs.join(''), await h.rawAuditTable()]) {
      for (const secret of [...h.allSecrets(), okta().token]) expect(place).not.toContain(secret);
    }
  });

  it('an account that is not locked is told so, and nothing is called', async () => {
    const { view } = await h.open(COMMAND, 'UANN');
    expect(view.submit).toBeUndefined();
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Your Okta account is not locked, so there is nothing to unlock.');
    expect(text).toContain("If you've forgotten it, run `/reset-okta-password`.");
    expect(changes()).toEqual([]);
    // Not even the roles: nothing would change whoever they are.
    expect(okta().callsTo('ListRoles')).toEqual([]);
    const records = await h.waitForAudit('UANN', (r) => r.action === 'unlock_okta' && r.phase === 'refused');
    expect(records.find((r) => r.action === 'unlock_okta')).toMatchObject({ errorCode: 'NOTHING_TO_CHANGE', reason: 'not_locked' });
  });

  it("an account that is not locked is no refusal in the admins' Today: counted apart as nothing to change, never as an account Latchkey may not change", async () => {
    await h.open(COMMAND, 'UANN');
    await h.waitForAudit('UANN', (r) => r.action === 'unlock_okta' && r.phase === 'refused');
    const today = JSON.stringify((await h.openHome('UADA')).home.blocks);
    expect(today).toContain('Today');
    expect(today).not.toContain('may not change');
    // The test before it asked too: one or two such requests, however the tests are picked.
    expect(today).toMatch(/Nobody was refused\. [12] requests? with nothing to change \(already as asked\)\./);
  });

  it.each([
    ['an expired password (not locked)', 'UCARL', 'Your Okta account is not locked'],
    ['a suspended account', 'USUSP', 'Your Okta account is suspended.'],
    ['a deprovisioned account', 'UGONE', 'Your Okta account is disabled.'],
    ['an account not activated yet', 'UNEW', 'Your Okta account is not activated yet'],
    ['a locked-out account with an admin role', 'UADA', 'Your Okta account has an admin role; admin accounts are never unlocked by self-service.'],
    ['an email unknown to Okta', 'UNOCHIME', "Latchkey cannot find your Okta account: no Okta account has your Slack email *nochime@example.com* as its main email address."],
  ])('refuses %s as the password reset does, and unlocks nothing', async (_what, userId, message) => {
    const { view } = await h.open(COMMAND, userId);
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks).replace(/\n/g, ' ')).toContain(message);
    expect(changes()).toEqual([]);
  });

  it('a suspended account is told to ask IT to reactivate it, not that a new one would not work', async () => {
    const { view } = await h.open(COMMAND, 'USUSP');
    expect(JSON.stringify(view.blocks)).toContain('Ask IT to reactivate it.');
    expect(JSON.stringify(view.blocks)).not.toContain('would not work');
  });

  it('an account Active Directory manages: refused at the lookup, in words that say to contact IT, and Okta is asked to unlock nothing', async () => {
    // Okta's unlock "works with Okta-sourced users. It doesn't support directory-sourced accounts such as Active Directory."
    const { view } = await h.open(COMMAND, 'UDANA');
    expect(view.submit).toBeUndefined();
    expect(okta().callsTo('Unlock')).toEqual([]);
    expect(okta().users.get('00udana')!.status).toBe('LOCKED_OUT');
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Your Okta account is managed by your company directory (such as Active Directory), so Latchkey cannot change it.');
    expect(text).toContain('Contact IT');
    const records = await h.waitForAudit('UDANA', (r) => r.action === 'unlock_okta' && r.phase === 'refused');
    expect(records.filter((r) => r.action === 'unlock_okta').map((r) => [r.phase, r.errorCode, r.reason])).toEqual([['refused', 'DIRECTORY_USER_REFUSED', 'mastered_elsewhere']]);
    // The person's account, not our fault: nobody is paged.
    expect(h.logs.join('')).not.toMatch(/"alert":true/);
  });

  it("an account mastered elsewhere only since the lookup: Okta's refusal at the unlock (E0000023) says the same, and is audited on the outcome", async () => {
    const max = okta().users.get('00umax')!;
    max.status = 'LOCKED_OUT';
    try {
      const { final } = await h.reset(COMMAND, 'UMAX', { beforeSubmit: () => { max.provider = 'ACTIVE_DIRECTORY'; } });
      expect(okta().callsTo('Unlock').map((c) => c.params.userId)).toEqual(['00umax']);
      expect(JSON.stringify(final.blocks)).toContain('Your Okta account is managed by your company directory (such as Active Directory), so Latchkey cannot change it.');
      const records = await h.waitForAudit('UMAX', (r) => r.action === 'unlock_okta' && r.phase === 'outcome');
      expect(records.find((r) => r.phase === 'outcome')).toMatchObject({ outcome: 'failure', errorCode: 'DIRECTORY_USER_REFUSED', reason: 'mastered_elsewhere' });
    } finally {
      max.provider = undefined;
    }
  });

  it('unlocked by someone else (or by Okta\'s timer) between the check and the click: still told it is unlocked', async () => {
    okta().users.get('00umax')!.status = 'LOCKED_OUT';
    const { final } = await h.reset(COMMAND, 'UMAX', { beforeSubmit: () => { okta().users.get('00umax')!.status = 'ACTIVE'; } });
    expect(JSON.stringify(final.blocks)).toContain('Your Okta account is unlocked.');
    expect(okta().callsTo('ExpirePassword')).toEqual([]);
  });

  it('only the exact address is unlocked: a look-alike stays locked', async () => {
    okta().users.get('00ubob')!.status = 'LOCKED_OUT';
    await h.reset(COMMAND, 'UBOB');
    expect(okta().users.get('00uxbob')!.status).toBe('LOCKED_OUT');
    expect(okta().callsTo('Unlock').map((c) => c.params.userId)).toEqual(['00ubob']);
  });
});

describe('/reset-okta-password for a locked-out account: "Unlock only (keep my password)"', () => {
  const h = useHarness({ slackUsers: SLACK_PEOPLE, accounts: { okta_password: OKTA_PEOPLE } }, (x) => {
    x.slack.clear();
    okta(x).clear();
  });
  const okta = (x: Harness = h) => x.standIns.get('okta_password') as OktaSimulator;
  const insteadButton = (view: Record<string, any>) => (view.blocks as any[]).find((b) => b.block_id === 'instead')?.elements?.[0];

  it('the confirmation offers it; the click swaps in the unlock\'s own confirmation, and confirming that unlocks with no password change', async () => {
    okta().users.get('00ubob')!.status = 'LOCKED_OUT';
    const opened = await h.open('/reset-okta-password', 'UBOB');
    expect(opened.view.title.text).toBe('Reset Okta password');
    const button = insteadButton(opened.view);
    expect(button.text.text).toBe('Unlock only (keep my password)');

    await h.clickIn('UBOB', button.action_id, button.value, { view: opened.view });
    expect(isProgress(await h.viewUpdate(opened.viewId, 2))).toBe(true);
    const unlock: Record<string, any> = { ...(await h.viewUpdate(opened.viewId, 3)), id: opened.viewId };
    expect(unlock.title.text).toBe('Unlock Okta account');
    expect(unlock.submit.text).toBe('Unlock');
    expect(insteadButton(unlock)).toBeUndefined();

    const submission = await h.submit('UBOB', unlock);
    const answered = submission.json?.view as Record<string, any> | undefined;
    const final = answered && !isProgress(answered) ? answered : await h.viewUpdate(opened.viewId, 4);
    expect(JSON.stringify(final.blocks)).toContain('Your Okta account is unlocked.');
    expect(okta().calls.filter((c) => c.operation === 'Unlock' || c.operation === 'ExpirePassword').map((c) => c.operation)).toEqual(['Unlock']);
    expect(okta().tempPasswordOf('00ubob')).toBeUndefined();
    // The receipt's next step fits an unlock. Before: "Run `/unlock-okta` to do it again."
    const receipt = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && String(c.args.text).includes('was unlocked at'));
    expect(JSON.stringify(receipt.args.blocks)).toContain('If you need it unlocked again, run `/unlock-okta`. Reference: `');
    expect(JSON.stringify(receipt.args.blocks)).not.toContain('do it again');

    // The password reset it left is cancelled: its ticket, replayed, changes nothing.
    await h.waitForAudit('UBOB', (r) => r.action === 'reset_okta_password' && r.phase === 'cancelled');
    const replay = await h.submit('UBOB', opened.view);
    const replayed = replay.json?.view as Record<string, any> | undefined;
    const shown = replayed && !isProgress(replayed) ? replayed : await h.viewUpdate(opened.viewId, 5);
    expect(JSON.stringify(shown)).toContain('already used');
    expect(okta().callsTo('ExpirePassword')).toEqual([]);

    // Bob's activity shows what he did, the unlock, not a password reset cancelled.
    const own = JSON.stringify((await h.openHome('UBOB')).home.blocks);
    expect(own).toContain('Unlock');
    expect(own).not.toContain('Cancelled');
  });

  it('an account that is not locked is not offered it', async () => {
    const { view } = await h.open('/reset-okta-password', 'UCARL');
    expect(view.submit.text).toBe('Reset password');
    expect(insteadButton(view)).toBeUndefined();
  });

  it("another person's click with Bob's confirmation changes nothing: not his count, not his modal (fails without the ticket's owner check)", async () => {
    okta().users.get('00ubob')!.status = 'LOCKED_OUT';
    const opened = await h.open('/reset-okta-password', 'UBOB');
    const button = insteadButton(opened.view);
    const from = h.logs.length;
    await h.clickIn('UMAX', button.action_id, button.value, { view: opened.view });
    await h.waitForLogs('closed confirmation not recognised; nothing given back', 1);
    // The click's end (its line): anything it sent came before it.
    const ended = (l: string) => l.includes('"msg":"instead click handled"') && l.includes('"slackUserId":"UMAX"');
    await until(`the end of Max's click (its "instead click handled" line)`, () => h.logs.slice(from).some(ended));
    // Bob's modal was updated once (his confirmation), never swapped by someone else's click.
    expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId)).toHaveLength(1);
    expect(okta().callsTo('Unlock')).toEqual([]);
    // His confirmation still works.
    const final = await h.shownAfter(await h.submit('UBOB', opened.view), opened.viewId);
    expect(secretIn(final)).toBe(okta().tempPasswordOf('00ubob'));
  });
});

/** Okta's and Slack's people, for the tests that hold DynamoDB's answers back (dynamoGate). */
const GATED = { dynamoGate: true, slackUsers: SLACK_PEOPLE, accounts: { okta_password: OKTA_PEOPLE } };

/** Bob locked out again and his Unlock confirmation open; `unlocksBefore`: the unlocks Okta was asked for until then. */
async function bobsUnlockOpened(h: Harness) {
  const okta = h.standIns.get('okta_unlock') as OktaSimulator;
  okta.users.get('00ubob')!.status = 'LOCKED_OUT';
  const unlocksBefore = okta.calls.filter((c) => c.operation === 'Unlock').length;
  return { opened: await h.open(COMMAND, 'UBOB'), unlocksBefore };
}

describe('/unlock-okta clicked twice, the second click\'s "working…" answer reaching Slack after the unlock', () => {
  const h = useHarness(GATED, (x) => x.slack.clear());
  const okta = () => h.standIns.get('okta_unlock') as OktaSimulator;

  /**
   * Bob's Unlock clicked, its change kept under way here (its receipt held) once the unlock is
   * shown; then the same click again, its attempt's answer slow, so that its "working…" answer goes
   * out over the result, and Slack refuses the update that puts the result back (and, with
   * `asideFails`, the message only Bob would see). What Slack shows at the end, once the first click ended.
   */
  async function shownOverByWorking(asideFails: boolean) {
    const { opened, unlocksBefore } = await bobsUnlockOpened(h);
    const turnedAway = h.logs.filter((l) => l.includes('"code":"REQUEST_ALREADY_USED"')).length;
    const fromLog = h.logs.length;
    const { first, second, releaseReceipt, releaseSecond } = await h.submitTwiceFirstUnderWay('UBOB', opened.view);
    try {
      expect(h.lastShown(opened.viewId, [first])!.title.text).toBe('Okta account unlocked');
      const answered = await second;
      expect(isProgress(answered.json!.view)).toBe(true);
      h.slack.failNext('views.update', { error: 'internal_error' }, 1, (args) => args.view_id === opened.viewId);
      if (asideFails) h.slack.failNext('chat.postEphemeral', { error: 'channel_not_found' }, 3, (args) => args.user === 'UBOB');
      releaseSecond();
      await h.waitForLogs('"code":"REQUEST_ALREADY_USED"', turnedAway + 1);
      await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && c.result?.ok === false);
      // The modal is not left on "working…": what Slack shows once the update after it is in (the refused one changed nothing).
      const update = await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && c.result?.ok === true && c.place > answered.place);
      releaseReceipt();
      await h.waitForAudit('UBOB', (r) => r.action === 'unlock_okta' && r.phase === 'outcome');
      // Both clicks' ends, after the last thing each sent the modal.
      await h.resetClicksHandled('UBOB', 2, fromLog);
      expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId && c.result?.ok === true).at(-1)).toBe(update);
      expect(okta().calls.filter((c) => c.operation === 'Unlock')).toHaveLength(unlocksBefore + 1);
      return { shown: update.args.view as Record<string, any> };
    } finally {
      releaseReceipt();
      releaseSecond();
    }
  }

  it('and Slack refusing the update that puts the result back: a message only the requester sees says the account is unlocked, and the modal says so and where it was said, never stays on "working…"', async () => {
    const { shown } = await shownOverByWorking(false);
    expect(isProgress(shown)).toBe(false);
    expect(shown.title.text).toBe('Okta account unlocked');
    const said = JSON.stringify(shown);
    expect(said).toMatch(/Your Okta account was unlocked at .*\. This window could not show it, so Latchkey told you in a message only you can see\./);
    expect(said).toContain('Sign in with your current password.');
    expect(said).not.toContain('already used');
    const aside = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UBOB');
    expect(aside.args.channel).toBe('DUBOB');
    expect(aside.args.text).toBe('What came of your Okta account unlock could not be shown in your Latchkey window, so here it is: Your Okta account is unlocked. Sign in with your current password.');
    // Slack refusing an update is not our fault: no operator is paged for it.
    const refused = h.logs.filter((l) => l.includes('"slackUserId":"UBOB"') && l.includes('the modal could not show what was done'));
    expect(refused.length).toBeGreaterThan(0);
    for (const line of refused) expect(line).toContain('"level":"warn"');
    expect(h.logs.filter((l) => l.includes('"alert":true'))).toEqual([]);
  });

  it('… and the message only the requester would see failing too: the modal still says the account is unlocked, never stays on "working…"', async () => {
    const { shown } = await shownOverByWorking(true);
    expect(isProgress(shown)).toBe(false);
    const said = JSON.stringify(shown);
    expect(said).toMatch(/Your Okta account was unlocked at /);
    expect(said).toContain('Sign in with your current password.');
    expect(said).not.toContain('message only you can see');
    const tried = h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === 'UBOB');
    expect(tried.length).toBeGreaterThan(0);
    expect(tried.every((c) => c.result?.ok === false)).toBe(true);
  });

  /**
   * Bob's Unlock clicked, its change kept under way here (its receipt held) once the unlock is
   * shown; then the same click again, its attempt's answer held until the first click has ended
   * (its outcome written for the last time), its "working…" answer out over the result meanwhile.
   * With `refused`, Slack refuses the update that comes after that. What the second click did:
   * its window's updates, its messages only Bob sees, and the receipts and records of the unlock.
   */
  async function joinedOnceCounted(refused: boolean) {
    const earlier = new Set((await h.auditRecords('UBOB')).map((r) => r.requestId));
    const { opened, unlocksBefore } = await bobsUnlockOpened(h);
    const { first, second, releaseReceipt, releaseSecond, firstEndsThenSecond } = await h.submitTwiceFirstUnderWay('UBOB', opened.view);
    try {
      expect(h.lastShown(opened.viewId, [first])!.title.text).toBe('Okta account unlocked');
      const answered = await second;
      expect(isProgress(answered.json!.view)).toBe(true);
      // The first click ends: its outcome written for the last time, then its attempt's answer comes to the second.
      const { updatesBefore, ephemeralsBefore } = await firstEndsThenSecond({ viewId: opened.viewId, answered, refused });
      expect(okta().calls.filter((c) => c.operation === 'Unlock')).toHaveLength(unlocksBefore + 1);
      const updates = h.slack.callsTo('views.update').slice(updatesBefore).filter((c) => c.args.view_id === opened.viewId);
      const aside = h.slack.callsTo('chat.postEphemeral').slice(ephemeralsBefore).filter((c) => c.args.user === 'UBOB');
      // This unlock's records: its reference is the one new since before it.
      const records = (await h.waitForAudit('UBOB', (r) => !earlier.has(r.requestId) && r.phase === 'outcome')).filter((r) => !earlier.has(r.requestId));
      const receipts = h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes(records[0]!.requestId));
      return { updates, aside, receipts, records };
    } finally {
      releaseReceipt();
      releaseSecond();
    }
  }

  it('a second click whose attempt is answered only once the first click has written its outcome for the last time: its window says once that the account was unlocked, never stays on "working…", and no second unlock, receipt or message is reported', async () => {
    const { updates, aside, receipts, records } = await joinedOnceCounted(false);
    // Said once, over the second click's "working…": one update of the window.
    expect(updates).toHaveLength(1);
    expect(updates[0]!.result?.ok).toBe(true);
    const shown = updates[0]!.args.view as Record<string, any>;
    expect(isProgress(shown)).toBe(false);
    expect(shown.title.text).toBe('Okta account unlocked');
    const said = JSON.stringify(shown);
    expect(said).toMatch(/Your Okta account (is|was) unlocked/);
    expect(said).toContain('Sign in with your current password.');
    expect(said).not.toContain('already used');
    expect(said).not.toContain('message only you can see');
    // One unlock (counted by joinedOnceCounted), one receipt, nothing said aside, one outcome on record.
    expect(aside).toEqual([]);
    expect(receipts).toHaveLength(1);
    expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
  });

  it('… and Slack refusing the update that comes after its "working…": a message only the requester sees says the account is unlocked, once, and the window says so and where, never stays on "working…"', async () => {
    const { updates, aside, receipts, records } = await joinedOnceCounted(true);
    expect(updates[0]!.result?.ok).toBe(false);
    // Before: the refused update was the last, and the window stayed on "Unlocking your Okta account…" for good, with nothing said aside.
    expect(aside.map((c) => [c.args.channel, c.args.text, c.result?.ok])).toEqual([
      ['DUBOB', 'What came of your Okta account unlock could not be shown in your Latchkey window, so here it is: Your Okta account is unlocked. Sign in with your current password.', true],
    ]);
    const last = updates.at(-1)!;
    expect(last.result?.ok).toBe(true);
    expect(isProgress(last.args.view as Record<string, any>)).toBe(false);
    expect(JSON.stringify(last.args.view)).toMatch(/Your Okta account was unlocked at .*\. This window could not show it, so Latchkey told you in a message only you can see\./);
    expect(receipts).toHaveLength(1);
    expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
  });
});

describe('/unlock-okta clicked twice, both its windows\' updates refused', () => {
  const h = useHarness(GATED, (x) => x.slack.clear());
  const okta = () => h.standIns.get('okta_unlock') as OktaSimulator;

  it('says what was done in one message only the requester sees, not one for each click', async () => {
    const { opened } = await bobsUnlockOpened(h);
    const aside = () => h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === 'UBOB' && c.result?.ok === true);
    const refused = () => h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId && c.result?.ok === false);
    const heldBefore = h.slack.held.length;
    const releaseReceipt = h.slack.hold('chat.postMessage', (args) => args.channel === 'DUBOB');
    let releaseAttempt = () => {};
    try {
      // The first click: its "working…" answer out before the unlock, and its update refused.
      const first = await h.submitAttemptDelayed('UBOB', opened.view);
      releaseAttempt = first.release;
      expect(isProgress((await first.answer).json!.view)).toBe(true);
      h.slack.failNext('views.update', { error: 'internal_error' }, 2, (args) => args.view_id === opened.viewId);
      releaseAttempt();
      await until("the first click's refused update, its message aside and its held receipt", () => refused().length >= 1 && aside().length >= 1 && h.slack.held.length > heldBefore);
      // The second, turned away while the first's change is under way: its "working…" answer out, and its update refused too.
      const turnedAway = h.logs.filter((l) => l.includes('"code":"REQUEST_ALREADY_USED"')).length;
      const second = await h.submitAttemptDelayed('UBOB', opened.view);
      releaseAttempt = second.release;
      expect(isProgress((await second.answer).json!.view)).toBe(true);
      releaseAttempt();
      await h.waitForLogs('"code":"REQUEST_ALREADY_USED"', turnedAway + 1);
      await until("the second click's refused update", () => refused().length >= 2);
      releaseReceipt();
      await h.waitForAudit('UBOB', (r) => r.action === 'unlock_okta' && r.phase === 'outcome');
      // Each click's window is then told where it was said (the first's once its receipt is sent): the
      // last thing each click does, after any message aside of its own. So once both are told, every
      // message of the request has come, and a second one would be counted below.
      const told = () => h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId && c.result?.ok === true && c.place > refused()[0]!.place);
      await until("both clicks' windows told where it was said", () => told().length >= 2);
      // Before: the same "here it is" message twice.
      expect(aside().map((c) => c.args.text)).toEqual([
        'What came of your Okta account unlock could not be shown in your Latchkey window, so here it is: Your Okta account is unlocked. Sign in with your current password.',
      ]);
      const shown = h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId && c.result?.ok === true).at(-1)!.args.view;
      expect(JSON.stringify(shown)).toMatch(/Your Okta account was unlocked at .*\. This window could not show it, so Latchkey told you in a message only you can see\./);
      expect(okta().calls.filter((c) => c.operation === 'Unlock')).toHaveLength(1);
    } finally {
      releaseReceipt();
      releaseAttempt();
    }
  });
});

describe('/unlock-okta clicked once, its "working…" answer out before the unlock and Slack refusing the update that shows it', () => {
  const h = useHarness(GATED, (x) => x.slack.clear());
  const okta = () => h.standIns.get('okta_unlock') as OktaSimulator;

  /**
   * Bob's one Unlock click, its attempt's answer slow, so that its "working…" answer goes out first;
   * then Slack refuses the update that shows the unlock (and, with `asideFails`, the message only
   * Bob would see). What Slack shows at the end, once the click ended.
   */
  async function workingThenRefused(asideFails: boolean) {
    const { opened, unlocksBefore } = await bobsUnlockOpened(h);
    const fromLog = h.logs.length;
    const click = await h.submitAttemptDelayed('UBOB', opened.view);
    const release = click.release;
    try {
      const answered = await click.answer;
      expect(isProgress(answered.json!.view)).toBe(true);
      h.slack.failNext('views.update', { error: 'internal_error' }, 1, (args) => args.view_id === opened.viewId);
      if (asideFails) h.slack.failNext('chat.postEphemeral', { error: 'channel_not_found' }, 3, (args) => args.user === 'UBOB');
      release();
      await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && c.result?.ok === false);
      // Before: nothing after the refused update, and the modal stayed on "Unlocking your Okta account…" for good.
      const update = await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && c.result?.ok === true && c.place > answered.place);
      await h.waitForAudit('UBOB', (r) => r.action === 'unlock_okta' && r.phase === 'outcome');
      // The click's end, after the last thing it sent the modal.
      await h.resetClicksHandled('UBOB', 1, fromLog);
      expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId && c.result?.ok === true).at(-1)).toBe(update);
      expect(okta().calls.filter((c) => c.operation === 'Unlock')).toHaveLength(unlocksBefore + 1);
      const outcomes = (await h.auditRecords('UBOB')).filter((r) => r.action === 'unlock_okta' && r.phase === 'outcome');
      return { shown: update.args.view as Record<string, any>, outcome: outcomes.at(-1)! };
    } finally {
      release();
    }
  }

  it('a message only the requester sees says the account is unlocked, and the modal says so and where it was said, never stays on "working…"', async () => {
    const { shown } = await workingThenRefused(false);
    expect(isProgress(shown)).toBe(false);
    expect(shown.title.text).toBe('Okta account unlocked');
    const said = JSON.stringify(shown);
    expect(said).toMatch(/Your Okta account was unlocked at .*\. This window could not show it, so Latchkey told you in a message only you can see\./);
    expect(said).toContain('Sign in with your current password.');
    const aside = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UBOB');
    expect(aside.args.channel).toBe('DUBOB');
    expect(aside.args.text).toBe('What came of your Okta account unlock could not be shown in your Latchkey window, so here it is: Your Okta account is unlocked. Sign in with your current password.');
    // Slack refusing an update is not our fault: no operator is paged for it.
    expect(h.logs.filter((l) => l.includes('"alert":true'))).toEqual([]);
  });

  it('… the record says the person was told (as of a secret shown aside), so the audit search never says "not shown to the person"; told nowhere, it says they were not', async () => {
    const told = await workingThenRefused(false);
    expect(told.outcome.outcome).toBe('success');
    expect(told.outcome.deliveryFailed).toBeUndefined();
    const untold = await workingThenRefused(true);
    expect(untold.outcome.outcome).toBe('success');
    expect(untold.outcome.deliveryFailed).toBe(true);
  });

  it('… and the message only the requester would see failing too: the modal still says the account is unlocked, never stays on "working…"', async () => {
    const { shown } = await workingThenRefused(true);
    expect(isProgress(shown)).toBe(false);
    const said = JSON.stringify(shown);
    expect(said).toMatch(/Your Okta account was unlocked at /);
    expect(said).toContain('Sign in with your current password.');
    expect(said).not.toContain('message only you can see');
    const tried = h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === 'UBOB');
    expect(tried.length).toBeGreaterThan(0);
    expect(tried.every((c) => c.result?.ok === false)).toBe(true);
  });
});

describe('/unlock-okta where Okta is not set up', () => {
  const h = useHarness({ without: ['okta_password'] });

  it('answers "not enabled here" privately, in its own words', async () => {
    const res = await h.command(COMMAND, 'UANN');
    expect(res.json).toEqual({ response_type: 'ephemeral', text: 'Okta account unlocks are not enabled in this workspace. Ask IT.' });
  });
});

describe('/unlock-okta on AWS Lambda', () => {
  const h = useHarness({ entry: 'lambda', slackUsers: SLACK_PEOPLE, accounts: { okta_password: OKTA_PEOPLE } });

  it('unlocks across the answering and the working invocation, with no password change', async () => {
    const okta = h.standIns.get('okta_unlock') as OktaSimulator;
    const { final } = await h.reset(COMMAND, 'UMAX');
    expect(JSON.stringify(final.blocks)).toContain('Your Okta account is unlocked.');
    expect(okta.users.get('00umax')!.status).toBe('ACTIVE');
    expect(okta.calls.map((c) => c.operation).filter((o) => o !== 'ListUsers' && o !== 'ListRoles')).toEqual(['Unlock']);
    await h.waitForAudit('UMAX', (r) => r.action === 'unlock_okta' && r.phase === 'outcome' && r.outcome === 'success');
  });

  it('"Unlock only (keep my password)" is an interaction like any other: the swap happens in the working invocation', async () => {
    const opened = await h.open('/reset-okta-password', 'UBOB');
    const button = (opened.view.blocks as any[]).find((b) => b.block_id === 'instead').elements[0];
    const click = await h.clickIn('UBOB', button.action_id, button.value, { view: opened.view });
    expect(click.status).toBe(200);
    // Two invocations and the Invoke call between them: 130–410 ms here, and once past 5 s (no update at all by then) beside two other suites on a loaded machine.
    const unlock = await h.viewUpdate(opened.viewId, 3, 15_000);
    expect(unlock.title.text).toBe('Unlock Okta account');
  }, 30_000);
});
