import { ANSWER_HOLD_MS } from '../../src/slack/held-answer';
import { answeredAt, attemptWriteOf, type Harness, isProgress, SIGNING_SECRET, slackUser, useHarness, secretIn, TEAM } from '../support/harness';
import { until } from '../support/until';

/**
 * /reset-pin end to end: the real Bolt app over HTTP, signed like Slack, talking to the Slack
 * Web API fake, the Chime REST-JSON simulator and dynalite through the real SDK clients.
 */
// An account showing Bob's address, which Slack says its owner never confirmed (sec-s55 S2), must not reach Bob's PIN.
async function openAsClaimant(h: Harness, confirmed: boolean | undefined) {
  h.slack.users.set('UCLAIM', slackUser('UCLAIM', 'bob@example.com', { is_email_confirmed: confirmed }));
  try {
    return (await h.open('/reset-pin', 'UCLAIM')).view;
  } finally {
    h.slack.users.delete('UCLAIM');
  }
}

describe('/reset-pin', () => {
  const h = useHarness({}, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it('resets the PIN and shows it to the requester alone: not in messages, logs or DynamoDB', async () => {
    const { ack, view, viewId } = await h.open('/reset-pin', 'UANN');
    const sent = Date.now();
    const submission = await h.submit('UANN', view);
    const answeredMs = Date.now() - sent;
    const final = await h.shownAfter(submission, viewId);

    expect(ack.status).toBe(200);
    expect(view.submit.text).toBe('Reset PIN');
    expect(JSON.stringify(view.blocks)).toContain('will be replaced; the old one stops working');

    const pin = secretIn(final);
    expect(pin).toMatch(/^\d{10}$/);
    expect(pin).toBe(h.chime.pinOf('chime-ann'));
    expect(h.chime.callsTo('ResetPersonalPIN').map((c) => c.params.UserId)).toEqual(['chime-ann']);
    // A quick reset comes back in the answer to the click: no views.update after the confirmation.
    // One slower than the answer may be held (a loaded machine: 1 run in 7 of this suite beside two
    // others) answers "working…" only once that time is up, and the PIN follows by views.update.
    if (isProgress(submission.json.view)) {
      expect(answeredMs).toBeGreaterThanOrEqual(ANSWER_HOLD_MS - 5);
      expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === viewId)).toHaveLength(2);
    } else {
      expect(submission.json.view).toEqual(final);
      expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === viewId)).toHaveLength(1);
    }

    // The owner's receipt, without the PIN.
    const dm = await h.slack.waitForCall('chat.postMessage');
    expect(dm.args.text).toMatch(/Chime meeting PIN was reset at .* If this wasn't you, contact IT\./);
    expect(dm.args.channel).toBe('DUANN');

    const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome');
    // Under its policy: the signed Slack request was the only proof (pin is self-service here); no push to name.
    expect(records.map((r) => [r.phase, r.outcome, r.directoryUserId, r.slackTeamId, r.policy])).toEqual([
      ['attempt', undefined, 'chime-ann', TEAM, 'self-service'],
      ['outcome', 'success', 'chime-ann', TEAM, 'self-service'],
    ]);
    expect(records.filter((r) => r.verifierFactorId || r.verifierTransactionId || r.verifier)).toEqual([]);
    expect(await h.lookUpReference('UADA', records[1]!.requestId)).toEqual([expect.stringContaining('Policy `self-service`: the signed Slack request alone')]);

    const elsewhere = [
      JSON.stringify(h.slack.calls.filter((c) => !(c.method === 'views.update' && c.args.view?.blocks?.some((b: any) => b.block_id === 'secret')))),
      h.logs.join(''),
      await h.rawAuditTable(),
      JSON.stringify(h.chime.calls),
    ];
    for (const place of elsewhere) expect(place).not.toContain(pin);
  });

  it('acknowledges the command at once and opens the modal with the trigger', async () => {
    // "At once": acknowledged before the modal's views.open, held at Slack, ended: an acknowledgement
    // that waited for the command's work would come only once the client gave that call up. By
    // their places (nextPlace), not the milliseconds the answer took, which a loaded machine stretches.
    const triggerId = h.slack.newTriggerId();
    const opening = () => h.slack.held.filter((c) => c.method === 'views.open' && c.args.trigger_id === triggerId);
    const release = h.slack.hold('views.open', (args) => args.trigger_id === triggerId);
    try {
      const ack = await answeredAt(h.command('/reset-pin', 'UANN', { triggerId }));
      expect(ack).toMatchObject({ status: 200, body: '' });
      await until('views.open to reach Slack', () => opening().length > 0);
      expect(opening()).toHaveLength(1);
      expect(opening()[0]!.givenUp ?? Infinity).toBeGreaterThan(ack.place);
      expect(h.slack.callsTo('views.open')).toEqual([]);
    } finally {
      release();
    }
    await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
    expect(h.slack.callsTo('views.open')).toHaveLength(1);
  });

  it.each([
    ['a guest', 'UGUEST', 'Guest accounts cannot use self-service resets.'],
    ['a single-channel guest', 'USINGLE', 'Guest accounts cannot use self-service resets.'],
    ['a bot', 'UBOT', 'Bots and apps cannot use self-service resets.'],
    ['a deactivated user', 'ULEFT', 'Your Slack account is deactivated'],
    ['a member of another workspace', 'UOUTSIDE', 'Latchkey only serves members of its own Slack workspace.'],
    ['a user with no email', 'UNOMAIL', 'Your Slack profile has no email'],
    ['an email unknown to Chime', 'UNOCHIME', "Latchkey cannot find your Amazon Chime account: no Amazon Chime account has your Slack email *nochime@example.com* as its main email address."],
    ['a suspended Chime user', 'USUSP', 'Your Amazon Chime account is suspended.'],
  ])('refuses %s with a clear message and resets nothing', async (_what, userId, message) => {
    const { view } = await h.open('/reset-pin', userId);
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain(message);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    await h.waitForAudit(userId, (r) => r.phase === 'refused');
  });

  it("refuses a member whose email Slack has not confirmed, says how to confirm it, and never asks the directory", async () => {
    const from = h.logs.length;
    const view = await openAsClaimant(h, false);
    expect(view.submit).toBeUndefined();
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Slack has not confirmed the email address on your profile');
    expect(text).toContain('confirmation email Slack sent you');
    // Someone who joined through SSO cannot confirm it so: they are sent to IT, who can set SLACK_EMAILS_VERIFIED_BY_SSO.
    expect(text).toContain("single sign-on, ask your IT team");
    expect(text).not.toContain('alerted');
    const [refused] = await h.waitForAudit('UCLAIM', (r) => r.phase === 'refused');
    expect(refused).toMatchObject({ phase: 'refused', errorCode: 'SLACK_EMAIL_UNCONFIRMED' });
    expect(h.chime.calls).toEqual([]);
    // No alert on any line since the test began, not only on those naming UCLAIM: read once the
    // refusal's own line (where an alert would be) is written.
    await until("the refusal's log line", () => h.logs.slice(from).some((l) => l.includes('"slackUserId":"UCLAIM"') && l.includes('SLACK_EMAIL_UNCONFIRMED')));
    expect(h.logs.slice(from).filter((l) => l.includes('"alert":true'))).toEqual([]);
  });

  it.each([
    ['true', true],
    ['absent (Slack does not document when it is false)', undefined],
  ])('a member whose is_email_confirmed is %s is served, as before', async (_what, confirmed) => {
    expect((await openAsClaimant(h, confirmed)).submit.text).toBe('Reset PIN');
  });

  it('refuses a request signed for another workspace', async () => {
    const before = h.slack.callsTo('views.open').length;
    await h.command('/reset-pin', 'UANN', { teamId: 'T0OTHER' });
    const update = await h.slack.waitForCall('views.update', () => h.slack.callsTo('views.open').length > before);
    expect(JSON.stringify(update.args.view)).toContain('Latchkey only serves members of its own Slack workspace.');
  });

  it('rejects a bad signature and a stale timestamp with 401, and does nothing', async () => {
    const bad = await h.command('/reset-pin', 'UANN', {}, { badSignature: true });
    const stale = await h.command('/reset-pin', 'UANN', {}, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect([bad.status, stale.status]).toEqual([401, 401]);
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('/reset-pin <@UBOB> from Ann resets only Ann', async () => {
    const opened = await h.open('/reset-pin', 'UANN', { text: '<@UBOB|bob>' });
    expect(JSON.stringify(opened.view.blocks)).toContain('Latchkey resets only your own PIN');
    await h.shownAfter(await h.submit('UANN', opened.view), opened.viewId);
    expect(h.chime.callsTo('ResetPersonalPIN').map((c) => c.params.UserId)).toEqual(['chime-ann']);
  });

  it("tampered private_metadata, or Ann's modal submitted by Bob, resets no one", async () => {
    const opened = await h.open('/reset-pin', 'UANN');
    const tampered = { ...opened.view, private_metadata: opened.view.private_metadata.replace(/^./, 'x') };
    const first = await h.shownAfter(await h.submit('UANN', tampered), opened.viewId);
    expect(JSON.stringify(first)).toContain('This confirmation is not valid for your account.');

    const opened2 = await h.open('/reset-pin', 'UANN');
    const second = await h.shownAfter(await h.submit('UBOB', opened2.view), opened2.viewId);
    expect(JSON.stringify(second)).toContain('This confirmation is not valid for your account.');

    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });

  it('a double submission resets once, and the new PIN stays on screen: the click turned away shows nothing of its own', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    const turnedAway = h.logs.filter((l) => l.includes('"code":"REQUEST_ALREADY_USED"')).length;
    const fromLog = h.logs.length;
    const submissions = await Promise.all([answeredAt(h.submit('UBOB', opened.view)), answeredAt(h.submit('UBOB', opened.view))]);
    await h.waitForLogs('"code":"REQUEST_ALREADY_USED"', turnedAway + 1);
    // Each click's end, after the last thing it sent the modal (a reset slower than the answer may be held answers "working…", and its PIN follows by views.update).
    await h.resetClicksHandled('UBOB', 2, fromLog);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    expect(secretIn(h.lastShown(opened.viewId, submissions)!)).toBe(h.chime.pinOf('chime-bob'));
    expect(JSON.stringify([submissions, h.slack.callsTo('views.update')])).not.toContain('This confirmation was already used');
  });

  it("a click that comes once the first click's reset failed (Chime found no such user) is told the same, what happened and what to do next, never 'already used'; the PIN is reset once; another person's click of that modal learns nothing of it", async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    h.chime.failNext('ResetPersonalPIN', 'NotFoundException');
    const first = await answeredAt(h.submit('UBOB', opened.view));
    const failed = JSON.stringify(await h.shownAfter(first, opened.viewId));
    const HAPPENED = 'no Amazon Chime account has your Slack email';
    const NEXT = 'ask IT to make it the same as your Slack email';
    expect(failed).toContain(HAPPENED);
    const requestId = /Reference: `([^`]+)`/.exec(failed)![1]!;
    await h.waitForAudit('UBOB', (r) => r.requestId === requestId && r.phase === 'outcome');

    // The same Reset click again (a double click's second, or re-delivered by Slack): its answer replaces what the modal shows.
    const turnedAway = h.logs.filter((l) => l.includes('"code":"REQUEST_ALREADY_USED"')).length;
    const fromLog = h.logs.length;
    const again = await answeredAt(h.submit('UBOB', opened.view));
    await h.waitForLogs('"code":"REQUEST_ALREADY_USED"', turnedAway + 1);
    // Its answer, unless that had to be "working…", then its views.update: its end comes after either.
    await h.resetClicksHandled('UBOB', 1, fromLog);
    const shown = JSON.stringify(h.lastShown(opened.viewId, [first, again]));
    expect(shown).toContain(HAPPENED);
    expect(shown).toContain(NEXT);
    expect(shown).toContain(requestId);
    expect(shown).not.toContain('already used');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    expect((await h.auditRecords('UBOB')).filter((r) => r.requestId === requestId).map((r) => `${r.phase}:${r.errorCode ?? ''}`)).toEqual(['attempt:', 'outcome:DIRECTORY_USER_NOT_FOUND']);

    // Someone else submitting Bob's modal is refused as before, and told nothing of what happened to Bob's.
    const other = JSON.stringify(await h.shownAfter(await h.submit('UANN', opened.view), opened.viewId));
    expect(other).toContain('This confirmation is not valid for your account.');
    expect(other).not.toContain(HAPPENED);
    expect(other).not.toContain(requestId);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  });

  it.each([
    ['NotFoundException', "account has your Slack email", 'DIRECTORY_USER_NOT_FOUND'],
    ['ForbiddenException', 'Latchkey is misconfigured.', 'DIRECTORY_MISCONFIGURED'],
    ['ServiceUnavailableException', 'Amazon Chime is not answering right now. Nothing was changed.', 'DIRECTORY_UNAVAILABLE'],
  ] as const)('Chime %s on reset: a clear message and a failure outcome', async (code, message, auditCode) => {
    // ServiceUnavailable is retried by the SDK: fail every attempt.
    const { final } = await h.reset('/reset-pin', 'UBOB', { beforeSubmit: () => h.chime.failNext('ResetPersonalPIN', code, 5) });
    expect(JSON.stringify(final)).toContain(message);
    expect(secretIn(final)).toBeUndefined();
    await h.waitForAudit('UBOB', (r) => r.phase === 'outcome' && r.errorCode === auditCode);
    if (code === 'ForbiddenException') {
      expect(h.logs.join('')).toMatch(/"level":"error".*"alert":true.*operator action needed/);
    }
  });

  it('Chime failing midway on the reset (500): sent once, never again, and the person is told it may have been made', async () => {
    const { final } = await h.reset('/reset-pin', 'UBOB', { beforeSubmit: () => h.chime.failNext('ResetPersonalPIN', 'ServiceFailureException', 3) });
    // A retry could reset the PIN again, or be refused and hide that the first one was reset.
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    expect(JSON.stringify(final)).toContain('Latchkey cannot tell whether your PIN was reset.');
    expect(JSON.stringify(final)).not.toContain('Nothing was changed');
    expect(secretIn(final)).toBeUndefined();
    await h.waitForAudit('UBOB', (r) => r.phase === 'outcome' && r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN');
  });

  it("Chime's answer to the reset, malformed around the new PIN (a broken or intercepting endpoint): the PIN is in no log line and no message, and the person is told it may have been reset and what to do", async () => {
    const { final } = await h.reset('/reset-pin', 'UBOB', { beforeSubmit: () => h.chime.malformNext('ResetPersonalPIN') });
    const pin = h.chime.pinOf('chime-bob')!;
    expect(pin).toMatch(/^\d+$/);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    const shown = JSON.stringify(final);
    expect(shown).toContain('Latchkey cannot tell whether your PIN was reset.');
    expect(shown).not.toContain('Nothing was changed');
    await h.waitForAudit('UBOB', (r) => r.phase === 'outcome' && r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN');
    // The SyntaxError's message quotes the answer around the fault: its name alone is kept.
    expect(h.logs.join('')).toMatch(/"detail":"chime:ResetPersonalPIN SyntaxError"/);
    // V8 quotes the PIN's first nine digits, not all ten.
    for (const said of [h.logs.join(''), JSON.stringify(h.slack.calls)]) expect(said).not.toContain(pin.slice(0, 9));
  });

  it("Chime's answer to the lookup, malformed around the person's email: the email is in no log line, and the person is told what happened", async () => {
    const from = h.logs.length;
    h.chime.malformNext('ListUsers', 'bob@example.com');
    const { view } = await h.open('/reset-pin', 'UBOB');
    // Told as for any answer Latchkey cannot use (DIRECTORY_REJECTED), with what to do next.
    const shown = JSON.stringify(view);
    expect(shown).toContain('Amazon Chime refused the change.');
    expect(shown).toContain('Run `/reset-pin` again later; if it keeps happening, contact IT and quote the reference below.');
    // The line that reports the failure, read once written, so that the check below reads it too.
    const failed = () => h.logs.slice(from).filter((l) => l.includes('"msg":"reset refused or failed"'));
    await until("the lookup's failure to be logged", () => failed().length > 0);
    expect(failed().map((l) => JSON.parse(l).detail)).toEqual(['chime:ListUsers SyntaxError']);
    // V8 quotes the answer around the fault ("bob@examp"): neither the address nor its local part.
    for (const said of [h.logs.slice(from).join(''), shown]) expect(said).not.toContain('bob');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });

  it('Chime unavailable (503) on the reset is retried and then succeeds: the service did not take the first one on', async () => {
    const { final } = await h.reset('/reset-pin', 'UBOB', { beforeSubmit: () => h.chime.failNext('ResetPersonalPIN', 'ServiceUnavailableException', 1) });
    expect(secretIn(final)).toBe(h.chime.pinOf('chime-bob'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(2);
  });

  it('Chime throttling is retried and then succeeds', async () => {
    const { final } = await h.reset('/reset-pin', 'UBOB', { beforeSubmit: () => h.chime.failNext('ResetPersonalPIN', 'ThrottledClientException', 1) });
    expect(secretIn(final)).toBe(h.chime.pinOf('chime-bob'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(2);
  });

  it('Chime throttling on lookup that outlasts the retries says to try again in a few minutes', async () => {
    h.chime.failNext('ListUsers', 'ThrottledClientException', 5);
    const { view } = await h.open('/reset-pin', 'UBOB');
    expect(JSON.stringify(view)).toContain('Amazon Chime is busy and asked Latchkey to slow down. Nothing was changed.');
  });
});

describe('/reset-pin clicked twice, the first click losing its attempt to the second (a double click, a replay)', () => {
  // Each test with a Slack of its own: a failure one queued and did not use (a refused message to Bob) is not met by the next.
  const h = useHarness({ dynamoGate: true }, (x) => x.slack.clear());

  it('the new PIN stays on screen, whatever answered last: the click turned away shows nothing of its own', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    const attemptOf = attemptWriteOf('UBOB');
    const attempts = () => h.dynamoGate.seen.filter(attemptOf).length;
    // The first click's attempt meets a DynamoDB that does not answer; the SDK sends it again once it is dropped.
    const releaseFirst = h.dynamoGate.hold((c) => attemptOf(c) && attempts() === 1);
    const fromLog = h.logs.length;
    const first = answeredAt(h.submit('UBOB', opened.view));
    await until("the first click's attempt PutItem", () => attempts() >= 1);
    const second = await answeredAt(h.submit('UBOB', opened.view));
    const pin = h.chime.pinOf('chime-bob');
    expect(secretIn(await h.shownAfter(second, opened.viewId))).toBe(pin);
    // Its attempt still on its way when its answer may be held no longer: the first click's "working…" answer, waited for.
    expect(isProgress((await first).json!.view)).toBe(true);
    const turnedAway = h.logs.filter((l) => l.includes('"code":"REQUEST_ALREADY_USED"')).length;
    releaseFirst();
    await h.waitForLogs('"code":"REQUEST_ALREADY_USED"', turnedAway + 1, 8000);
    await h.resetClicksHandled('UBOB', 2, fromLog);

    const shown = h.lastShown(opened.viewId, [await first, second])!;
    expect(secretIn(shown)).toBe(pin);
    expect(JSON.stringify(h.slack.callsTo('views.update').map((c) => c.args.view))).not.toContain('This confirmation was already used');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    const records = await h.waitForAudit('UBOB', (r) => r.phase === 'outcome');
    expect(records.map((r) => [r.phase, r.outcome])).toEqual([
      ['attempt', undefined],
      ['outcome', 'success'],
    ]);
  });

  it('a second click that comes while the first shows the new PIN answers with the same PIN, never "already used", even when its answer reaches Slack last', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    // The first click is slow past its answer, so its PIN goes by views.update, which Slack is slow to take.
    const resetsBefore = h.chime.callsTo('ResetPersonalPIN').length;
    const heldBefore = h.slack.held.length;
    const releaseShown = h.slack.hold('views.update', (args) => JSON.stringify(args.view ?? '').includes('"block_id":"secret"'));
    const fromLog = h.logs.length;
    const firstClick = await h.submitAttemptDelayed('UBOB', opened.view);
    const first = firstClick.answer;
    // Its "working…" answer out before its attempt is answered, so its PIN goes by views.update: waited for, not slept for.
    expect(isProgress((await first).json!.view)).toBe(true);
    firstClick.release();
    await until('the held Slack call', () => h.slack.held.length > heldBefore);

    // The second click comes while the PIN is on its way to the modal; its answer reaches Slack after the PIN.
    const turnedAway = h.logs.filter((l) => l.includes('"code":"REQUEST_ALREADY_USED"')).length;
    const secondClick = await h.submitAttemptDelayed('UBOB', opened.view);
    const second = secondClick.answer;
    releaseShown();
    await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && secretIn(c.args.view) !== undefined);
    secondClick.release();
    await h.waitForLogs('"code":"REQUEST_ALREADY_USED"', turnedAway + 1);
    await h.waitForAudit('UBOB', (r) => r.phase === 'outcome');
    await h.resetClicksHandled('UBOB', 2, fromLog);

    const pin = h.chime.pinOf('chime-bob');
    expect(secretIn(h.lastShown(opened.viewId, [await first, await second])!)).toBe(pin);
    expect(JSON.stringify([await first, await second, h.slack.callsTo('views.update')])).not.toContain('This confirmation was already used');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(resetsBefore + 1);
    // Shown again only in the requester's own modal: never in a message, a log or DynamoDB.
    const elsewhere = [JSON.stringify(h.slack.calls.filter((c) => c.method !== 'views.update')), h.logs.join(''), await h.rawAuditTable()];
    for (const place of elsewhere) expect(place).not.toContain(pin);
  });

  /**
   * Bob's Reset clicked, its change kept under way here (its receipt held) once its PIN is shown;
   * then the same click again (a double click's second, or re-delivered by Slack), its attempt's
   * answer slow, so that its "working…" answer goes out over the PIN, and Slack refuses the update
   * that puts the PIN back (and, with `asideFails`, the message only Bob would see). `releaseReceipt`
   * lets the first click end.
   */
  async function shownOverByWorking(asideFails: boolean) {
    const opened = await h.open('/reset-pin', 'UBOB');
    const resetsBefore = h.chime.callsTo('ResetPersonalPIN').length;
    const turnedAway = h.logs.filter((l) => l.includes('"code":"REQUEST_ALREADY_USED"')).length;
    const { first, second, releaseReceipt, releaseSecond } = await h.submitTwiceFirstUnderWay('UBOB', opened.view);
    try {
      const pin = h.chime.pinOf('chime-bob');
      // In the click's answer, or (the change slower than the answer may be held) in the update after its "working…".
      expect(secretIn(h.lastShown(opened.viewId, [first])!)).toBe(pin);
      const answered = await second;
      expect(isProgress(answered.json!.view)).toBe(true);
      h.slack.failNext('views.update', { error: 'internal_error' }, 1, (args) => args.view_id === opened.viewId && secretIn(args.view) !== undefined);
      if (asideFails) h.slack.failNext('chat.postEphemeral', { error: 'channel_not_found' }, 3, (args) => args.user === 'UBOB');
      releaseSecond();
      await h.waitForLogs('"code":"REQUEST_ALREADY_USED"', turnedAway + 1);
      await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && c.result?.ok === false);
      // The modal is not left on "working…": what Slack shows once the update after it is in (the refused one changed nothing).
      const update = await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && c.result?.ok === true && c.place > answered.place);
      const shown = update.args.view as Record<string, any>;
      expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId && c.result?.ok === true).at(-1)).toBe(update);
      expect(isProgress(shown)).toBe(false);
      expect(secretIn(shown)).toBeUndefined();
      expect(JSON.stringify(shown)).not.toContain('already used');
      expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(resetsBefore + 1);
      // The reference the reset is audited under, as the modal gives it.
      const reference = /Reference: `([^`]+)`/.exec(JSON.stringify(shown))![1]!;
      return { opened, pin: pin!, shown: JSON.stringify(shown), reference, releaseReceipt };
    } catch (err) {
      releaseReceipt();
      throw err;
    } finally {
      releaseSecond();
    }
  }

  /** The PIN in no other call to Slack than the modal's updates and the messages to Bob alone, in no log line, in no audit record. */
  async function pinNowhereElse(viewId: string, pin: string) {
    const allowed = (c: { method: string; args: Record<string, any> }) => (c.method === 'views.update' && c.args.view_id === viewId) || (c.method === 'chat.postEphemeral' && c.args.user === 'UBOB');
    expect(JSON.stringify(h.slack.calls.filter((c) => !allowed(c)))).not.toContain(pin);
    expect(h.logs.join('')).not.toContain(pin);
    expect(await h.rawAuditTable()).not.toContain(pin);
  }

  it("a second click whose \"working…\" answer reaches Slack after the new PIN, and whose update of the modal Slack then refuses: the PIN comes in a message only the requester sees, and the modal says where it went and what to do if it was not seen, never stays on \"working…\"", async () => {
    const { opened, pin, shown, reference, releaseReceipt } = await shownOverByWorking(false);
    releaseReceipt();
    const aside = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UBOB' && JSON.stringify(c.args.blocks ?? []).includes(pin));
    expect(aside.args.channel).toBe('DUBOB');
    expect(aside.args.text).toBe('Your new Amazon Chime meeting PIN could not be shown in your Latchkey window, so here it is. It is shown once, only to you, in this message.');
    expect(shown).toContain('Your new Amazon Chime meeting PIN could not be shown in this window, so Latchkey showed it to you in a message only you can see. If you did not see your new PIN, run `/reset-pin` again for another.');
    // Recorded as shown: it reached him, aside.
    const records = (await h.waitForAudit('UBOB', (r) => r.requestId === reference && r.phase === 'outcome')).filter((r) => r.requestId === reference);
    expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
    await pinNowhereElse(opened.viewId, pin);
  });

  it("… and whose message only the requester would see fails too: the modal and the receipt say the PIN could not be shown and to run the command again, and the audit records that it was not", async () => {
    const { opened, pin, shown, reference, releaseReceipt } = await shownOverByWorking(true);
    releaseReceipt();
    expect(shown).toContain('but Latchkey could not show you the new one. Run `/reset-pin` again to get a new one.');
    const tried = h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === 'UBOB' && JSON.stringify(c.args.blocks ?? []).includes(pin));
    expect(tried.length).toBeGreaterThan(0);
    expect(tried.every((c) => c.result?.ok === false)).toBe(true);
    const receipt = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && c.result?.ok === true && JSON.stringify(c.args.blocks ?? []).includes(reference));
    const rewritten = await h.slack.waitForCall('chat.update', (c) => c.args.ts === receipt.result?.ts);
    expect(rewritten.args.text).toContain('but Latchkey could not show you the new one. Run `/reset-pin` again to get a new one.');
    const records = (await h.waitForAudit('UBOB', (r) => r.requestId === reference && r.deliveryFailed === true)).filter((r) => r.requestId === reference);
    expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed, r.restated])).toEqual([
      ['attempt', undefined, undefined, undefined],
      ['outcome', 'success', undefined, undefined],
      ['outcome', 'success', true, true],
    ]);
    await pinNowhereElse(opened.viewId, pin);
  });
  /**
   * Bob's Reset clicked, its change kept under way here (its receipt held) once its PIN is shown;
   * then the same click again, its attempt's answer held until the first click has ended (its
   * outcome written for the last time), its "working…" answer out over the PIN meanwhile. With
   * `refused`, Slack refuses the update of the window that comes after that. What the second click
   * did: its window's updates, its messages only Bob sees, and the reset's records.
   */
  async function joinedOnceCounted(refused: boolean) {
    const opened = await h.open('/reset-pin', 'UBOB');
    const resetsBefore = h.chime.callsTo('ResetPersonalPIN').length;
    const logsBefore = h.logs.length;
    // The first click kept under way (its receipt held) once its PIN is shown, so that the second joins its change.
    const { first, second, releaseReceipt, releaseSecond, firstEndsThenSecond } = await h.submitTwiceFirstUnderWay('UBOB', opened.view);
    try {
      const pin = h.chime.pinOf('chime-bob')!;
      expect(secretIn(h.lastShown(opened.viewId, [first])!)).toBe(pin);
      const answered = await second;
      expect(isProgress(answered.json!.view)).toBe(true);
      // The first click ends: its outcome written for the last time, then its attempt's answer comes to the second.
      const { updatesBefore, ephemeralsBefore } = await firstEndsThenSecond({ viewId: opened.viewId, answered, refused });

      expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(resetsBefore + 1);
      const updates = h.slack.callsTo('views.update').slice(updatesBefore).filter((c) => c.args.view_id === opened.viewId);
      const aside = h.slack.callsTo('chat.postEphemeral').slice(ephemeralsBefore).filter((c) => c.args.user === 'UBOB');
      // Nothing the second click sent carries the PIN.
      expect(JSON.stringify(h.slack.callsTo('views.update').slice(updatesBefore))).not.toContain(pin);
      expect(JSON.stringify(h.slack.callsTo('chat.postEphemeral').slice(ephemeralsBefore))).not.toContain(pin);
      // The reference the reset is audited under, as the second click's window is given it.
      const reference = /Reference: `([^`]+)`/.exec(JSON.stringify(updates[0]!.args.view))![1]!;
      const records = (await h.waitForAudit('UBOB', (r) => r.requestId === reference && r.phase === 'outcome')).filter((r) => r.requestId === reference);
      await pinNowhereElse(opened.viewId, pin);
      return { opened, updates, aside, records, reference, alerts: h.logs.slice(logsBefore).filter((l) => l.includes('"alert":true')) };
    } finally {
      releaseReceipt();
      releaseSecond();
    }
  }

  it("a second click whose attempt is answered only once the first click has written its outcome for the last time shows the PIN no more: its window says the PIN was shown there and what to do if it was not seen, never stays on \"working…\", and the audit says shown", async () => {
    const { opened, updates, aside, records } = await joinedOnceCounted(false);
    // Said once, over the second click's "working…": what the window ends on.
    expect(updates).toHaveLength(1);
    const update = updates[0]!;
    expect(update.result?.ok).toBe(true);
    expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId && c.result?.ok === true).at(-1)).toBe(update);
    const shown = JSON.stringify(update.args.view);
    expect(isProgress(update.args.view as Record<string, any>)).toBe(false);
    expect(shown).toContain('Your new Amazon Chime meeting PIN was shown in this window at');
    expect(shown).toContain('If you did not see your new PIN, run `/reset-pin` again for another.');
    expect(shown).not.toContain('already used');
    expect(aside).toEqual([]);
    expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
  });

  it('… and Slack refusing that update of its window: one message only the requester sees says where the PIN was shown and when, and what to do if it was not seen, never the PIN; the audit still says shown, once, and no alert', async () => {
    const { updates, aside, records, reference, alerts } = await joinedOnceCounted(true);
    expect(updates.map((c) => c.result?.ok)).toEqual([false]);
    // Before: the refused update was the window's last, left on "working…" for good, with nothing said aside.
    expect(aside).toHaveLength(1);
    const said = aside[0]!;
    expect(said.result?.ok).toBe(true);
    expect(said.args.channel).toBe('DUBOB');
    expect(said.args.text).toMatch(/^Your new Amazon Chime meeting PIN was shown in your Latchkey window at .+\. If you did not see your new PIN, run `\/reset-pin` again for another\.$/);
    expect(JSON.stringify(said.args.blocks)).toContain(reference);
    expect(JSON.stringify(said.args.blocks)).not.toMatch(/"block_id":"secret"/);
    expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
    expect(alerts).toEqual([]);
  });
});

describe('/reset-pin when DynamoDB is unreachable', () => {
  const h = useHarness();

  it('resets nothing and tells the user', async () => {
    const { final } = await h.reset('/reset-pin', 'UANN', { beforeSubmit: () => h.dynamo.close() });
    expect(JSON.stringify(final)).toContain('Latchkey could not write its audit record, so it changed nothing.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });
});

describe('/reset-pin, with SLACK_SIGNING_SECRET set with a carriage return after it (an env file saved on Windows)', () => {
  const h = useHarness({ env: { SLACK_SIGNING_SECRET: `${SIGNING_SECRET}\r` } });

  it("Slack's signed requests are accepted: the secret is read without it", async () => {
    const { view } = await h.open('/reset-pin', 'UANN');
    expect(JSON.stringify(view.blocks)).toContain('Your *Amazon Chime personal meeting PIN* will be replaced');
    expect(view.submit).toBeDefined();
  });
});

// Slack marks some members who joined through SSO as unconfirmed (getsentry/eng-pipes#142): where the
// workspace requires SSO, the identity provider verified the address, and the flag is not read.
describe('/reset-pin, with SLACK_EMAILS_VERIFIED_BY_SSO=true', () => {
  const h = useHarness({ env: { SLACK_EMAILS_VERIFIED_BY_SSO: 'true' } }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it('serves a member whose email Slack calls unconfirmed, matched to the directory user of that address', async () => {
    const view = await openAsClaimant(h, false);
    expect(view.submit.text).toBe('Reset PIN');
    expect(JSON.stringify(view.blocks)).not.toContain('Slack has not confirmed');
  });
});
