import { APPROVALS_CHANNEL, type Harness, secretIn, useHarness } from '../support/harness';
import type { DynamoCall } from '../support/dynamo-gate';
import type { SlackCall } from '../support/slack-fake';
import { until } from '../support/until';
import { type Asked, asksForPinReset, decide, decidedUntold, decisionSteps, expectEveryTryMade, posted, review, writeOf } from '../support/approval-requests';

/**
 * A requester takes back a request an admin must decide, for both kinds (a license change, a reset
 * under the `approval` policy), over HTTP against the real app: from the DM that says it was sent,
 * or from their Home tab. Theirs alone, only while it waits, and exactly one of a withdraw and an
 * admin's decision wins.
 */
const POLICY = { RESET_POLICY: 'pin=approval' };

async function asksForLicense(h: Harness, userId: string, license: string): Promise<Asked> {
  await h.asksForLicense(userId, { license, reason: 'webinars' });
  return posted(h, userId);
}

/** The Withdraw button of the DM that says the request was sent. */
function withdrawIn(dm: SlackCall): Record<string, any> {
  const button = (dm.args.blocks as any[]).flatMap((b) => b.elements ?? []).find((e: any) => e.action_id === 'approval_withdraw');
  if (!button) throw new Error(`no Withdraw button in ${JSON.stringify(dm.args.blocks)}`);
  return button;
}

/** An admin's audit search, from their Home tab, by a whole reference or (none) by a person's records of today: the lines of the first page. */
async function searchLines(h: Harness, admin: string, by: { reference: string } | { person: string }): Promise<string[]> {
  const { home } = await h.openHome(admin);
  const search = (home.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as any[]).find((b) => b.action_id === 'home_search');
  const { view: formView } = await h.opening((t) => h.clickIn(admin, search.action_id, search.value, { view: home, triggerId: t }));
  const today = new Date().toISOString().slice(0, 10);
  await h.submit(admin, formView, {
    values: {
      reference: { reference: { type: 'plain_text_input', value: 'reference' in by ? by.reference : null } },
      person: { person: { type: 'users_select', selected_user: 'person' in by ? by.person : null } },
      from: { from: { type: 'datepicker', selected_date: today } },
      to: { to: { type: 'datepicker', selected_date: today } },
    },
  });
  const found = await h.viewUpdate(formView.id, 2);
  return (found.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
}

/** A person's Home tab lines of one reference. */
async function homeLines(h: Harness, userId: string, reference: string): Promise<string[]> {
  const { home } = await h.openHome(userId);
  return (home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes(`\`${reference}\``));
}

/** One request's audit records of one action by `userId`, as [phase, outcome, errorCode], once its outcome is written. */
async function stepsOf(h: Harness, userId: string, action: string, requestId: string, timeoutMs?: number): Promise<unknown[][]> {
  const ofIt = (r: { action?: string; approvalRequestId?: string }) => r.action === action && r.approvalRequestId === requestId;
  const records = await h.waitForAudit(userId, (r) => ofIt(r) && r.phase === 'outcome', timeoutMs);
  return records.filter(ofIt).map((r) => [r.phase, r.outcome, r.errorCode]);
}

/** The log lines that say `text`, as [level, approvalRequestId]. */
function warnedOf(h: Harness, text: string): unknown[][] {
  return h.logs.join('').split('\n').filter((l) => l.includes(text)).map((l) => JSON.parse(l)).map((l) => [l.level, l.approvalRequestId]);
}

/**
 * `userId` clicks Withdraw in their request's DM while the DynamoDB call `held` is left unanswered:
 * the ephemeral answer they get, once it comes; the call is released after it.
 */
async function withdrawWhileHeld(h: Harness, userId: string, request: Asked, held: (c: DynamoCall) => boolean): Promise<SlackCall> {
  const release = h.dynamoGate.hold(held);
  try {
    await h.click(userId, 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    return await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === userId, 40_000);
  } finally {
    release();
  }
}

/** The requests the admin's Home tab lists under "Waiting for review". */
async function queueOf(h: Harness, adminId: string): Promise<string[]> {
  const blocks = (await h.openHome(adminId)).home.blocks as any[];
  const start = blocks.findIndex((b) => b.type === 'header' && b.text.text === 'Waiting for review');
  const end = blocks.findIndex((b, i) => i > start && b.type === 'header');
  return blocks.slice(start, end).flatMap((b) => (b.accessory?.action_id === 'license_review' ? [b.accessory.value as string] : []));
}

describe('withdrawing a request an admin must decide', () => {
  const h = useHarness({ env: POLICY }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it("withdrawn from its DM: the admins' message says so without Review, the queue drops it, an Approve from a modal opened before changes nothing, and it is audited", async () => {
    const request = await asksForLicense(h, 'UANN', 'Pro');
    const button = withdrawIn(request.dm.call);
    expect(button.value).toBe(request.requestId);
    expect(await queueOf(h, 'UMAX')).toContain(request.requestId);
    // Ada opens the review before Ann withdraws it.
    const before = await review(h, 'UADA', request);
    expect(before.view.callback_id).toBe('license_review_submit');

    await h.click('UANN', 'approval_withdraw', button.value, request.dm);
    // Her DM says it was withdrawn, without the button.
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts);
    expect(dm.args.text).toContain('You withdrew your request to change your Amazon Chime license to Pro');
    expect(dm.args.text).toContain('Nothing was changed');
    expect(JSON.stringify(dm.args.blocks)).not.toContain('approval_withdraw');
    // The admins' message says she withdrew it, with no Review.
    const channel = await h.slack.waitForCall('chat.update', (c) => c.args.channel === APPROVALS_CHANNEL && c.args.ts === request.message.ts);
    expect(JSON.stringify(channel.args.blocks)).toContain('Withdrawn by <@UANN>');
    expect(JSON.stringify(channel.args.blocks)).not.toContain('license_review');
    expect(await queueOf(h, 'UMAX')).not.toContain(request.requestId);

    // Ada's Approve, from the modal opened before: told it was withdrawn; nothing changes.
    await h.submit('UADA', before.view, { values: decide('approve') });
    const told = JSON.stringify(await h.viewUpdate(before.viewId, 2));
    expect(told).toContain('Withdrawn by <@UANN>');
    expect(told).toContain('before any decision; nothing was changed.');
    expect(told).toContain('Nobody can decide it now.');
    // Review on the old message: closed, nothing to decide.
    const again = await review(h, 'UMAX', request);
    expect(again.view.submit).toBeUndefined();
    expect(JSON.stringify(again.view)).toContain('Withdrawn by <@UANN>');
    expect(h.chime.callsTo('UpdateUser')).toEqual([]);
    expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Basic');

    // On record: Ann's withdraw; Ada's decision, which found it withdrawn, was never begun.
    const own = await h.waitForAudit('UANN', (r) => r.action === 'license_withdraw' && r.phase === 'outcome');
    expect(own.filter((r) => r.action === 'license_withdraw').map((r) => [r.phase, r.outcome, r.approvalRequestId, r.subjectSlackUserId])).toEqual([
      ['attempt', undefined, request.requestId, 'UANN'],
      ['outcome', 'success', request.requestId, 'UANN'],
    ]);
    expect((await h.auditRecords('UADA')).filter((r) => r.approvalRequestId === request.requestId)).toEqual([]);

    // Her Home tab says it was withdrawn, with no button; her open place is free: she can ask again at once.
    const home = JSON.stringify((await h.openHome('UANN')).home);
    expect(home).toContain('Withdrawn by you');
    expect(home).toContain('Withdrawn; nothing was changed');
    expect(home).not.toContain('approval_withdraw');
    const anew = await h.open('/request-license', 'UANN');
    expect(anew.view.submit).toBeDefined();
  });

  it('asking again while a request waits says how to take it back; once approved, it does not', async () => {
    const TAKE_IT_BACK = "To take it back, use *Withdraw request* in Latchkey's direct message about it, or on your Home tab.";
    await asksForLicense(h, 'UMAX', 'Plus');
    const license = await h.open('/request-license', 'UMAX');
    expect(license.view.submit).toBeUndefined();
    expect(JSON.stringify(license.view)).toContain(TAKE_IT_BACK);
    const reset = await asksForPinReset(h, 'UCARL');
    const again = await h.open('/reset-pin', 'UCARL');
    expect(JSON.stringify(again.view)).toContain('Your meeting PIN reset request is already waiting for an admin.');
    expect(JSON.stringify(again.view)).toContain(TAKE_IT_BACK);
    const opened = await review(h, 'UADA', reset);
    await h.submit('UADA', opened.view, { values: decide('approve') });
    await h.viewUpdate(opened.viewId, 2);
    const approved = JSON.stringify((await h.open('/reset-pin', 'UCARL')).view);
    expect(approved).toContain('An admin approved your meeting PIN reset request.');
    expect(approved).not.toContain('Withdraw');
  });

  it('the requester\'s own Withdraw on a request gone (purged) before the click is told Latchkey cannot find it, not that the button is not theirs', async () => {
    const request = await asksForLicense(h, 'UCARL', 'Plus');
    await h.purgeRequest(request.requestId);
    await h.click('UCARL', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    const answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UCARL');
    // Before: "This button is not for a request of yours, …", said to its own requester.
    expect(answer.args.text).toBe('Latchkey cannot find a request of yours for this button, so nothing was withdrawn or changed.');
  });

  it("another person's click on the Withdraw button (its value forged) changes nothing and learns nothing", async () => {
    const request = await asksForLicense(h, 'UCARL', 'Plus');
    const value = withdrawIn(request.dm.call).value as string;
    // From a DM of Bob's own, and from his Home tab.
    await h.click('UBOB', 'approval_withdraw', value, { channel: 'DUBOB', ts: '1700000000.000100' });
    const answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UBOB');
    expect(answer.args.text).toBe('Latchkey cannot find a request of yours for this button, so nothing was withdrawn or changed.');
    const home = (await h.openHome('UBOB')).home;
    const modal = await h.opening((trigger) => h.clickIn('UBOB', 'approval_withdraw', value, { view: home, triggerId: trigger }));
    expect(JSON.stringify(modal.view)).toContain('cannot find a request of yours for this button');
    expect(JSON.stringify(modal.view)).not.toContain('UCARL');
    expect(h.slack.callsTo('chat.update')).toEqual([]);
    await h.waitForLogs("withdraw refused: not the person's own request", 2);

    // Still Carl's, still waiting: an admin approves it and the change is made.
    expect(await queueOf(h, 'UADA')).toContain(request.requestId);
    const opened = await review(h, 'UADA', request);
    await h.submit('UADA', opened.view, { values: decide('approve') });
    expect(JSON.stringify(await h.viewUpdate(opened.viewId, 2))).toContain('Done: <@UCARL>');
    expect(h.chime.users.get('chime-carl')?.LicenseType).toBe('Plus');
    const records = [...(await h.auditRecords('UBOB')), ...(await h.auditRecords('UCARL'))];
    expect(records.filter((r) => r.action === 'license_withdraw')).toEqual([]);
    h.chime.users.set('chime-carl', { ...h.chime.users.get('chime-carl')!, LicenseType: 'Basic' });
  });

  it('a withdraw after an admin approved it is refused in words, and the approval stands', async () => {
    const request = await asksForPinReset(h, 'UANN');
    const opened = await review(h, 'UADA', request);
    await h.submit('UADA', opened.view, { values: decide('approve') });
    await h.viewUpdate(opened.viewId, 2);
    const finish = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'));

    // A click on the button as it was before the decision took it away (a client not yet refreshed).
    await h.click('UANN', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && String(c.args.text).includes('withdraw'));
    expect(dm.args.text).toContain('You could not withdraw your meeting PIN reset request:');
    expect(dm.args.text).toContain('<@UADA> already approved it.');
    expect(JSON.stringify(dm.args.blocks)).not.toContain('approval_withdraw');
    expect((await h.auditRecords('UANN')).filter((r) => r.action === 'reset_withdraw')).toEqual([]);

    // The approval stands: her Finish still makes the change, once, in her own window.
    const button = (finish.args.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    const finished = await h.opening((trigger) => h.click('UANN', 'approval_finish', button.value, { channel: finish.result!.channel as string, ts: finish.result!.ts as string }, trigger));
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-ann'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  });

  it("an approved reset's request withdrawn from the Home tab: a modal says so, the tab is published anew, and an admin's Approve hands out no finish", async () => {
    const request = await asksForPinReset(h, 'UBOB');
    const { home } = await h.openHome('UBOB');
    const line = (home.blocks as any[]).find((b) => b.accessory?.action_id === 'approval_withdraw');
    expect(line.accessory.value).toBe(request.requestId);
    const before = await review(h, 'UMAX', request);

    const publishes = h.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'UBOB').length;
    const modal = await h.opening((trigger) => h.clickIn('UBOB', 'approval_withdraw', request.requestId, { view: home, triggerId: trigger }));
    expect(JSON.stringify(modal.view)).toContain('You withdrew your meeting PIN reset request');
    let seen = 0;
    const published = await h.slack.waitForCall('views.publish', (c) => c.args.user_id === 'UBOB' && ++seen > publishes);
    const tab = JSON.stringify(published.args.view);
    expect(tab).toContain('Withdrawn by you');
    expect(tab).not.toContain('approval_withdraw');

    await h.submit('UMAX', before.view, { values: decide('approve') });
    const told = JSON.stringify(await h.viewUpdate(before.viewId, 2));
    expect(told).toContain('Withdrawn by <@UBOB>');
    expect(told).toContain('Nobody can decide it now.');
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'))).toEqual([]);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });
  it("a withdraw after an admin revoked its approval says who revoked it, and when, never that they decided it; nothing changes", async () => {
    const request = await asksForPinReset(h, 'UANN');
    const opened = await review(h, 'UADA', request);
    await h.submit('UADA', opened.view, { values: decide('approve') });
    await h.viewUpdate(opened.viewId, 2);
    await h.click('UMAX', 'approval_revoke', request.requestId, request.message);
    await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UMAX' && String(c.args.text).includes('Revoked'));

    // A click on the button as it was before the decision took it away (a client not yet refreshed).
    await h.click('UANN', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && String(c.args.text).includes('withdraw'));
    expect(dm.args.text).toMatch(/There was nothing to withdraw: <@UMAX> revoked the approval of your meeting PIN reset request at .*, before you finished it\./);
    expect(dm.args.text).not.toContain('already decided');
    // Told to Ann alone: about her, in the second person, never her own name.
    expect(JSON.stringify(dm.args.blocks)).not.toContain('<@UANN>');
    expect(JSON.stringify(dm.args.blocks)).toContain('before you finished it');
    expect(JSON.stringify(dm.args.blocks)).toContain('Run `/reset-pin` to ask again');
    expect(JSON.stringify(dm.args.blocks)).not.toContain('approval_withdraw');
    expect((await h.auditRecords('UANN')).filter((r) => r.action === 'reset_withdraw')).toEqual([]);
  });

  it('once an admin decides it, approved or denied, the DM that said it was sent keeps its words and loses Withdraw', async () => {
    const asked = [await asksForLicense(h, 'UANN', 'Pro'), await asksForPinReset(h, 'UBOB')];
    for (const [request, decision] of [[asked[0]!, decide('approve')], [asked[1]!, decide('deny', 'Not this week')]] as const) {
      const opened = await review(h, 'UADA', request);
      await h.submit('UADA', opened.view, { values: decision });
      const dm = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts);
      expect(dm.args.channel).toBe(request.dm.channel);
      expect(dm.args.text).toBe(request.dm.call.args.text);
      expect(JSON.stringify(dm.args.blocks)).toContain('was sent to the admins');
      expect(JSON.stringify(dm.args.blocks)).not.toContain('approval_withdraw');
    }
  });
});

/**
 * The race's two sides, one made to wait: the gate in front of dynalite loses every answer to one
 * side's audit attempt until the other side has been answered, so that side's SDK waits out its
 * timeout and sends it again, as often as that takes (up to its four tries). A single lost answer
 * gave the other side one timeout to write in, which a loaded machine can outlast: then the first
 * side wrote first. At the product's own request timeout (5 s) the other side has about 20 s; at
 * 2 s it had 8, which a loaded machine could outlast too: the waiting side's attempt then failed
 * closed, and the test failed for another reason.
 */
describe('a withdraw and an approval racing, one side made to wait for the other', () => {
  const h = useHarness({ env: POLICY, awsRequestTimeoutMs: 5_000, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const attemptOf = (action: string) => (c: DynamoCall) => c.operation === 'PutItem' && c.body.includes('"attempt"') && c.body.includes(`"${action}"`);
  /** Waits for a DynamoDB call of the app's (`which`, named `what`) to reach DynamoDB, held or not. */
  async function reached(what: string, which: (c: DynamoCall) => boolean): Promise<void> {
    await until(`${what} reaching DynamoDB`, () => h.dynamoGate.seen.some(which), 10_000);
  }

  it('the withdraw written first: the approval is refused, its admin told the requester withdrew it, and nothing changes', async () => {
    const request = await asksForLicense(h, 'UANN', 'Pro');
    const opened = await review(h, 'UADA', request);
    const stopLosing = h.dynamoGate.lose(attemptOf('license_decide'), Infinity);
    let dm: SlackCall;
    try {
      await h.submit('UADA', opened.view, { values: decide('approve') });
      await reached('the license_decide attempt record', attemptOf('license_decide'));
      await h.click('UANN', 'approval_withdraw', request.requestId, request.dm);
      dm = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts, 20_000);
    } finally {
      stopLosing();
    }
    expect(dm.args.text).toContain('You withdrew your request to change your Amazon Chime license to Pro');
    const admin = JSON.stringify(await h.viewUpdate(opened.viewId, 2, 20_000));
    expect(admin).toContain('Withdrawn by <@UANN>');
    expect(admin).toContain('Nobody can decide it now.');
    expect(h.chime.callsTo('UpdateUser')).toEqual([]);
    const decided = await h.waitForAudit('UADA', (r) => r.action === 'license_decide' && r.phase === 'outcome');
    expect(decided.filter((r) => r.action === 'license_decide').map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'REQUEST_WITHDRAWN'],
    ]);
  }, 60_000);

  it('the approval written first: the withdraw is refused in words, and the change is made', async () => {
    const request = await asksForLicense(h, 'UBOB', 'Plus');
    const opened = await review(h, 'UADA', request);
    const stopLosing = h.dynamoGate.lose(attemptOf('license_withdraw'), Infinity);
    let decided: string;
    try {
      await h.click('UBOB', 'approval_withdraw', request.requestId, request.dm);
      await reached('the license_withdraw attempt record', attemptOf('license_withdraw'));
      await h.submit('UADA', opened.view, { values: decide('approve') });
      decided = JSON.stringify(await h.viewUpdate(opened.viewId, 2, 20_000));
    } finally {
      stopLosing();
    }
    expect(decided).toContain('Done: <@UBOB>');
    // The approval also rewrites that DM without Withdraw; its answer to the withdraw is this one.
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && String(c.args.text).includes('withdraw'), 20_000);
    expect(dm.args.text).toContain('You could not withdraw your request to change your Amazon Chime license to Plus: <@UADA> already approved it.');
    expect(JSON.stringify(dm.args.blocks)).not.toContain('approval_withdraw');
    expect(h.chime.users.get('chime-bob')?.LicenseType).toBe('Plus');
    const withdraws = await h.waitForAudit('UBOB', (r) => r.action === 'license_withdraw' && r.phase === 'outcome');
    expect(withdraws.filter((r) => r.action === 'license_withdraw').map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'REQUEST_DECIDED'],
    ]);
    h.chime.users.set('chime-bob', { ...h.chime.users.get('chime-bob')!, LicenseType: 'Basic' });
  }, 60_000);
});

/**
 * A withdraw and an admin's approval, each reading the request while it waits, then writing: the
 * one whose conditional write comes first wins, and the other is refused and told which won.
 */
describe('a withdraw and an approval racing', () => {
  const h = useHarness({ env: POLICY, awsRequestTimeoutMs: 2_000, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const attemptOf = (action: string) => (c: DynamoCall) => c.operation === 'PutItem' && c.body.includes('"attempt"') && c.body.includes(`"${action}"`);
  /** Waits for a DynamoDB call of the app's (`which`, named `what`) to reach DynamoDB, held or not. */
  async function reached(what: string, which: (c: DynamoCall) => boolean): Promise<void> {
    await until(`${what} reaching DynamoDB`, () => h.dynamoGate.seen.some(which), 5_000);
  }

  it('a withdraw from its DM whose write was refused and that reads it back still waiting: the DM keeps its words and its Withdraw, and its answer says to click that again', async () => {
    const request = await asksForLicense(h, 'UCARL', 'Plus');
    const from = h.slack.calls.length;
    const withdrawWrite = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"WITHDRAWN"') && c.body.includes(request.requestId);
    // The request's time as stored ends while the withdraw is being recorded, so its write is
    // refused, and is given back before that write's answer arrives: read back, it still waits.
    const releaseAttempt = h.dynamoGate.delay(attemptOf('license_withdraw'));
    const releaseWrite = h.dynamoGate.delay(withdrawWrite);
    try {
      await h.click('UCARL', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
      await reached('the license_withdraw attempt record', attemptOf('license_withdraw'));
      await h.addRawRequestFields(request.requestId, { expiresAt: new Date(Date.now() - 60_000).toISOString() });
      releaseAttempt();
      await reached("the request's WITHDRAWN write", withdrawWrite);
      await h.addRawRequestFields(request.requestId, { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    } finally {
      releaseAttempt();
      releaseWrite();
    }
    const answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UCARL' && String(c.args.text).includes('not withdrawn'), 10_000);
    expect(answer.args.text).toMatch(/^:warning: Your request to change your Amazon Chime license to Plus was not withdrawn\. :hourglass: Waiting for an admin/);
    // Its next step points to the button where it is, the DM it was clicked in, as well as the Home tab.
    expect(JSON.stringify(answer.args.blocks)).toContain('Click *Withdraw request* on the message above again in a few minutes, or on your Home tab.');
    // Before: the DM was rewritten with that answer and without Withdraw, the button they need to try again.
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.update' && c.args.ts === request.dm.ts)).toEqual([]);
    const withdraws = await h.waitForAudit('UCARL', (r) => r.action === 'license_withdraw' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    expect(withdraws.filter((r) => r.action === 'license_withdraw' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'REQUEST_DECIDED'],
    ]);
    // It still waits, and its DM's Withdraw withdraws it.
    await h.click('UCARL', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    const withdrawn = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && String(c.args.text).includes('You withdrew'), 10_000);
    expect(withdrawn.args.text).toContain('You withdrew your request to change your Amazon Chime license to Plus');
  });

  it("a withdraw from its DM whose write lost to an approval and whose read-back fails: it is told its withdraw changed nothing and that where it stands could not be read, never that it still waits, and the DM is left as the approval rewrote it", async () => {
    const request = await asksForLicense(h, 'UANN', 'Pro');
    const opened = await review(h, 'UADA', request);
    const withdrawWrite = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"WITHDRAWN"') && c.body.includes(request.requestId);
    const release = h.dynamoGate.hold(attemptOf('license_withdraw'));
    let answer: SlackCall;
    let from: number;
    const releaseRead = h.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(request.requestId) && h.dynamoGate.seen.some(withdrawWrite));
    try {
      await h.click('UANN', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
      await reached('the license_withdraw attempt record', attemptOf('license_withdraw'));
      await h.submit('UADA', opened.view, { values: decide('approve') });
      expect(JSON.stringify(await h.viewUpdate(opened.viewId, 2, 10_000))).toContain('Done: <@UANN>');
      // The approval rewrote the DM without Withdraw.
      await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts, 10_000);
      from = h.slack.calls.length;
      release();
      answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UANN' && String(c.args.text).includes('withdraw'), 40_000);
    } finally {
      release();
      releaseRead();
    }
    // Before: ":warning: Your request … was not withdrawn. :hourglass: Waiting for an admin; …", the request as read before the write.
    expect(answer.args.text).toBe(':warning: Your withdraw changed nothing: your request to change your Amazon Chime license to Pro no longer waited for an admin, and Latchkey could not read where it stands now.');
    expect(JSON.stringify(answer.args.blocks)).toContain(
      `The message above shows where it stands: if it still offers *Withdraw request*, click it again in a few minutes. If Latchkey still cannot read it then, tell IT the reference \`${request.requestId}\``,
    );
    expect(JSON.stringify(answer.args.blocks)).not.toMatch(/Waiting for an admin|approval_withdraw/);
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.update' && c.args.ts === request.dm.ts)).toEqual([]);
    expect(await stepsOf(h, 'UANN', 'license_withdraw', request.requestId)).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'REQUEST_DECIDED'],
    ]);
    expect(warnedOf(h, 'reading back a withdraw whose write was refused or not answered failed')).toEqual([['warn', request.requestId]]);
    h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
  }, 60_000);

  it("an approval whose write lost to a withdraw and whose read-back fails: its admin is told the decision changed nothing and that where it stands could not be read, never offered to decide it again as if it still waited", async () => {
    const request = await asksForLicense(h, 'UCARL', 'Pro');
    const opened = await review(h, 'UADA', request);
    const decideWrite = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"APPROVED"') && c.body.includes(request.requestId);
    const release = h.dynamoGate.hold(attemptOf('license_decide'));
    let told: string;
    const releaseRead = h.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(request.requestId) && h.dynamoGate.seen.some(decideWrite));
    try {
      await h.submit('UADA', opened.view, { values: decide('approve') });
      await reached('the license_decide attempt record', attemptOf('license_decide'));
      await h.click('UCARL', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
      await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && String(c.args.text).includes('You withdrew'), 10_000);
      release();
      told = JSON.stringify(await h.viewUpdate(opened.viewId, 2, 40_000));
    } finally {
      release();
      releaseRead();
    }
    // Before: its line said it was waiting for an admin, above "Click *Review* on the message again to decide it."
    expect(told).toContain(":warning: Your decision changed nothing: <@UCARL>'s request to change their Amazon Chime license to Pro was no longer as you saw it, and Latchkey could not read where it stands now.");
    expect(told).toContain(
      `Its admins' message shows where it stands: if it still offers *Review*, click it again in a few minutes. If Latchkey still cannot read it then, tell IT the reference \`${request.requestId}\``,
    );
    expect(told).not.toMatch(/Waiting for an admin|again to decide it/);
    expect(h.chime.callsTo('UpdateUser')).toEqual([]);
    expect(await stepsOf(h, 'UADA', 'license_decide', request.requestId)).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'REQUEST_DECIDED'],
    ]);
    expect(warnedOf(h, 'reading back a decision whose write was refused or not answered failed')).toEqual([['warn', request.requestId]]);
  }, 60_000);

  it("a withdraw from its DM refused because its time ended while it was being recorded, and expiring it then fails: it is told its withdraw changed nothing and that where it stands could not be read, never that it still waits", async () => {
    const request = await asksForLicense(h, 'UANN', 'Pro');
    const expireWrite = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"EXPIRED"') && c.body.includes(request.requestId);
    const release = h.dynamoGate.hold(attemptOf('license_withdraw'));
    const releaseExpire = h.dynamoGate.hold(expireWrite);
    let answer: SlackCall;
    try {
      await h.click('UANN', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
      await reached('the license_withdraw attempt record', attemptOf('license_withdraw'));
      // Its time as stored ends while the withdraw is being recorded: its write is refused, and read back it is due.
      await h.addRawRequestFields(request.requestId, { expiresAt: new Date(Date.now() - 60_000).toISOString() });
      release();
      answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UANN' && String(c.args.text).includes('withdraw'), 40_000);
    } finally {
      release();
      releaseExpire();
    }
    expect(h.dynamoGate.seen.some(expireWrite)).toBe(true);
    // Before: ":warning: Your request … was not withdrawn. :hourglass: Waiting for an admin; expires at …", a time already past.
    expect(answer.args.text).toBe(':warning: Your withdraw changed nothing: your request to change your Amazon Chime license to Pro no longer waited for an admin, and Latchkey could not read where it stands now.');
    expect(JSON.stringify(answer.args.blocks)).not.toMatch(/Waiting for an admin|approval_withdraw/);
    expect(await stepsOf(h, 'UANN', 'license_withdraw', request.requestId, 10_000)).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'REQUEST_DECIDED'],
    ]);
    expect(warnedOf(h, 'expiring a request whose withdraw was refused failed')).toEqual([['warn', request.requestId]]);
  }, 60_000);

  it("the request cannot be read when its Withdraw is clicked in its DM: it is told its click withdrew nothing, where to click again and the reference for IT, never that Latchkey could not tell whether it was withdrawn", async () => {
    const request = await asksForLicense(h, 'UMAX', 'Pro');
    const answer = await withdrawWhileHeld(h, 'UMAX', request, (c) => c.operation === 'GetItem' && c.body.includes(request.requestId));
    // Before: "Latchkey could not save the request, so it changed nothing. Latchkey could not tell whether your request was withdrawn."
    expect(answer.args.text).toBe('Latchkey could not reach its records just now, so your click withdrew nothing.');
    expect(JSON.stringify(answer.args.blocks)).toContain(
      `An admin has been alerted. Click *Withdraw request* on the message above again in a few minutes, or on your Home tab. If it still fails then, tell IT the reference \`${request.requestId}\``,
    );
    expect(JSON.stringify(answer.args.blocks)).not.toMatch(/could not tell whether/);
    expect((await h.auditRecords('UMAX')).filter((r) => r.action === 'license_withdraw')).toEqual([]);
    // Its next step works: it still waited, and the DM's Withdraw withdraws it.
    await h.click('UMAX', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    const withdrawn = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && String(c.args.text).includes('You withdrew'), 10_000);
    expect(withdrawn.args.text).toContain('You withdrew your request to change your Amazon Chime license to Pro');
  }, 60_000);

  it("a withdraw whose write is made but every answer to it lost: read back, it is this requester's, so they are told it was withdrawn, and it is on record as a success", async () => {
    const request = await asksForLicense(h, 'UCARL', 'Plus');
    const withdrawWrite = writeOf('WITHDRAWN', request);
    // Every try of DynamoDB's client (up to four) loses its answer: the first makes the write, the others are its own, again.
    const stopLosing = h.dynamoGate.lose(withdrawWrite, Infinity);
    let answer: SlackCall;
    try {
      await h.click('UCARL', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
      answer = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && String(c.args.text).includes('withdr'), 15_000);
    } finally {
      stopLosing();
    }
    expectEveryTryMade(h, withdrawWrite);
    // Before: "Latchkey could not tell whether your request was withdrawn.", of a withdraw on record.
    expect(answer.args.text).toContain('You withdrew your request to change your Amazon Chime license to Plus');
    expect(JSON.stringify(h.slack.calls.filter((c) => c.args.user === 'UCARL' || c.args.channel === request.dm.channel))).not.toContain('could not tell');
    expect(await stepsOf(h, 'UCARL', 'license_withdraw', request.requestId, 10_000)).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
  }, 60_000);

  it("a withdraw whose write the store does not answer: it is told Latchkey could not tell whether it was withdrawn, never that its click withdrew nothing", async () => {
    const request = await asksForLicense(h, 'UADA', 'Plus');
    const withdrawWrite = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"WITHDRAWN"') && c.body.includes(request.requestId);
    const answer = await withdrawWhileHeld(h, 'UADA', request, withdrawWrite);
    expect(answer.args.text).toContain('Latchkey could not tell whether your request was withdrawn.');
    expect(answer.args.text).not.toMatch(/withdrew nothing|changed nothing/);
    expect(await stepsOf(h, 'UADA', 'license_withdraw', request.requestId, 10_000)).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'STORE_OUTCOME_UNKNOWN'],
    ]);
  }, 60_000);

  it("an approval whose write is made but every answer to it lost: read back, it is this admin's, so the change is made, its requester and the admins' message are told, and it is on record as a success", async () => {
    const request = await asksForLicense(h, 'UCARL', 'ProTrial');
    const before = h.chime.users.get('chime-carl')!;
    const opened = await review(h, 'UADA', request);
    const decideWrite = writeOf('APPROVED', request);
    // Every try of DynamoDB's client (up to four) loses its answer: the first makes the write.
    const stopLosing = h.dynamoGate.lose(decideWrite, Infinity);
    try {
      await h.submit('UADA', opened.view, { values: decide('approve', 'Enjoy') });
      const told = JSON.stringify(await h.viewUpdate(opened.viewId, 2, 40_000));
      stopLosing();
      expectEveryTryMade(h, decideWrite);
      // Before: "Latchkey could not save the request, so it changed nothing.", of an approval on record, and nothing that follows it done.
      expect(told).toContain('Done: <@UCARL>');
      expect(told).not.toMatch(/could not save|changed nothing|could not tell/);
      expect(h.chime.callsTo('UpdateUser').map((c) => [c.params.UserId, c.params.LicenseType])).toEqual([['chime-carl', 'ProTrial']]);
      const message = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args.blocks).includes('<@UADA>'), 10_000);
      expect(JSON.stringify(message.args.blocks)).not.toContain('license_review');
      await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && JSON.stringify(c.args).includes('Enjoy'), 10_000);
      expect(await stepsOf(h, 'UADA', 'license_decide', request.requestId, 10_000)).toEqual([
        ['attempt', undefined, undefined],
        ['outcome', 'success', undefined],
      ]);
    } finally {
      stopLosing();
      h.chime.users.set('chime-carl', before);
    }
  }, 60_000);

  it("a denial whose write the store does not answer: its admin is told Latchkey could not tell whether the decision was saved, and where to look, never that it changed nothing", async () => {
    // Not UBOB's or UCARL's, asked for again below: this one may be left waiting.
    const request = await asksForLicense(h, 'UANN', 'Plus');
    const opened = await review(h, 'UADA', request);
    const decideWrite = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"DENIED"') && c.body.includes(request.requestId);
    const release = h.dynamoGate.hold(decideWrite);
    let told: string;
    try {
      await h.submit('UADA', opened.view, { values: decide('deny', 'Not now') });
      told = JSON.stringify(await h.viewUpdate(opened.viewId, 2, 40_000));
    } finally {
      release();
    }
    // Before: "Latchkey could not save the request, so it changed nothing.", of a denial that may be on record.
    expect(told).toContain(':warning: Latchkey could not tell whether your decision was saved.');
    // Before: "its requester has not been told of it, and nothing else that follows a decision was done", never that a Review does it.
    expect(told).toContain('If it was, its requester has not been told of it yet.');
    expect(told).toContain("Click *Review* on its admins' message or on your Home tab in a few minutes: it shows where the request stands and, if your decision was saved, tells its requester then (so does their next look at it, or any admin's click on it)");
    expect(told).not.toMatch(/could not save|changed nothing/);
    expect(await stepsOf(h, 'UADA', 'license_decide', request.requestId, 10_000)).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'STORE_OUTCOME_UNKNOWN'],
    ]);
  }, 60_000);

  it("an approval of a change Latchkey makes (a license change) whose write the store does not answer: its admin is told that, if it was saved, the change was not made and nobody told its requester, when it comes back to be decided again, and that approving it then is safe; never that a Review tells its requester", async () => {
    // UMAX's earlier request was withdrawn; not asked for again below: this one may be left waiting.
    const request = await asksForLicense(h, 'UMAX', 'Plus');
    const opened = await review(h, 'UADA', request);
    const decideWrite = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"APPROVED"') && c.body.includes(request.requestId);
    const release = h.dynamoGate.hold(decideWrite);
    let told: string;
    const clicked = h.clock.now().getTime();
    try {
      await h.submit('UADA', opened.view, { values: decide('approve') });
      told = JSON.stringify(await h.viewUpdate(opened.viewId, 2, 40_000));
    } finally {
      release();
    }
    const answered = h.clock.now().getTime();
    expect(told).toContain(':warning: Latchkey could not tell whether your decision was saved.');
    // Before: "if your decision was saved, tells its requester then", of an approval nothing marks: nobody ever told them.
    expect(told).not.toMatch(/tells its requester|could not save|changed nothing/);
    expect(told).toContain('If it was, Latchkey has not made the change, and nobody has told its requester: the request shows as being applied, and nobody can decide it, until <!date^');
    expect(told).toContain(`comes back to the admins' Home tab as \\"did not finish\\", its outcome unknown, to be decided again; your click made no change, so approving it then is safe.`);
    expect(told).toContain("If your decision was not saved, the request still waits for one. Click *Review* on its admins' message or on your Home tab in a few minutes to see which.");
    // Ten minutes after the click, as Approvals rules a change under way that did not finish.
    const until = Number(told.match(/until <!date\^(\d+)\^/)![1]) * 1000;
    expect(until).toBeGreaterThanOrEqual(Math.floor((clicked + 10 * 60_000) / 1000) * 1000);
    expect(until).toBeLessThanOrEqual(answered + 10 * 60_000);
    expect(h.chime.callsTo('UpdateUser')).toEqual([]);
    expect(await stepsOf(h, 'UADA', 'license_decide', request.requestId, 10_000)).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'STORE_OUTCOME_UNKNOWN'],
    ]);
  }, 60_000);

  it('the request gone (purged) while a withdraw from its DM was being recorded: it is told Latchkey cannot find it and nothing was withdrawn, never that it still waits', async () => {
    const request = await asksForLicense(h, 'UBOB', 'Pro');
    const release = h.dynamoGate.hold(attemptOf('license_withdraw'));
    let answer: SlackCall;
    try {
      await h.click('UBOB', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
      await reached('the license_withdraw attempt record', attemptOf('license_withdraw'));
      await h.purgeRequest(request.requestId);
      release();
      answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UBOB' && String(c.args.text).includes('withdraw'), 40_000);
    } finally {
      release();
    }
    // Before: ":warning: Your request … was not withdrawn. :hourglass: Waiting for an admin; …", the request as read before the write.
    expect(answer.args.text).toBe('Latchkey cannot find that request. Your request was not withdrawn, and nothing was changed.');
    expect(JSON.stringify(answer.args.blocks)).not.toMatch(/Waiting for an admin|could not read|could not tell|approval_withdraw/);
    expect(await stepsOf(h, 'UBOB', 'license_withdraw', request.requestId, 10_000)).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'REQUEST_NOT_FOUND'],
    ]);
  }, 60_000);

  it('the request gone (purged) while its expiry was being recorded: the admin who opened it is told Latchkey cannot find it, never that it waits for an admin with a time already past', async () => {
    const request = await asksForLicense(h, 'UCARL', 'Pro');
    await h.addRawRequestFields(request.requestId, { expiresAt: new Date(Date.now() - 60_000).toISOString() });
    const expireWrite = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"EXPIRED"') && c.body.includes(request.requestId);
    const release = h.dynamoGate.hold(expireWrite);
    let shown: string;
    try {
      const opening = review(h, 'UADA', request);
      await reached("the request's EXPIRED write", expireWrite);
      await h.purgeRequest(request.requestId);
      release();
      shown = JSON.stringify((await opening).view);
    } finally {
      release();
    }
    // Before: the request as read before its expiry was written, still waiting, its form offered to decide it.
    expect(shown).toContain('Latchkey cannot find that request.');
    expect(shown).not.toMatch(/Waiting for an admin|expires at|Submit decision|license_review_submit/);
  }, 60_000);

  it('the request gone (purged) while an approval was being recorded: its admin is told Latchkey cannot find it, never offered to decide it as if it still waited', async () => {
    const request = await asksForLicense(h, 'UCARL', 'Pro');
    const opened = await review(h, 'UADA', request);
    const release = h.dynamoGate.hold(attemptOf('license_decide'));
    let told: string;
    try {
      await h.submit('UADA', opened.view, { values: decide('approve') });
      await reached('the license_decide attempt record', attemptOf('license_decide'));
      await h.purgeRequest(request.requestId);
      release();
      told = JSON.stringify(await h.viewUpdate(opened.viewId, 2, 40_000));
    } finally {
      release();
    }
    // Before: its line said it was waiting for an admin, above "Click *Review* on the message again to decide it."
    expect(told).toContain('Latchkey cannot find that request.');
    expect(told).not.toMatch(/Waiting for an admin|again to decide it|could not read/);
    expect(h.chime.callsTo('UpdateUser')).toEqual([]);
    expect(await stepsOf(h, 'UADA', 'license_decide', request.requestId, 10_000)).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'REQUEST_NOT_FOUND'],
    ]);
  }, 60_000);
});

/**
 * The DM that said a request was sent offers Withdraw only while it can be withdrawn: expired, or
 * withdrawn from the Home tab, it keeps its words and loses the button, and a click on the button
 * as it was (a client not yet refreshed) is told why there was nothing to withdraw.
 */
describe("the DM that said it was sent, once its request can no longer be withdrawn", () => {
  const h = useHarness({ env: POLICY }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  afterEach(() => (h.clock.offsetMs = 0));
  const rewritesOf = (dm: Asked['dm'], from: number) => h.slack.calls.slice(from).filter((c) => c.method === 'chat.update' && c.args.channel === dm.channel && c.args.ts === dm.ts);

  it('expired waiting: it keeps its words and loses Withdraw; a click on the button as it was says it had expired', async () => {
    const request = await asksForLicense(h, 'UANN', 'Pro');
    const from = h.slack.calls.length;
    h.clock.offsetMs = 100 * 3_600_000;
    // A review past its time expires it, and answers once that is done.
    expect(JSON.stringify((await review(h, 'UMAX', request)).view)).toContain('Expired');
    const rewrites = rewritesOf(request.dm, from);
    expect(rewrites).toHaveLength(1);
    expect(rewrites[0]!.args.text).toBe(request.dm.call.args.text);
    expect(JSON.stringify(rewrites[0]!.args.blocks)).toContain('was sent to the admins');
    // Nobody decided it: the time it waited by is still the one it names.
    expect(JSON.stringify(rewrites[0]!.args.blocks)).toMatch(/It expires at <!date\^\d+\^[^>]+> if nobody decides it/);
    expect(JSON.stringify(rewrites[0]!.args.blocks)).not.toContain('approval_withdraw');
    // What came of it is told in a DM of its own, as a decision is.
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === request.dm.channel).map((c) => c.args.text)).toEqual([
      'Your request to change your Amazon Chime license to Pro expired without a decision.',
    ]);

    await h.click('UANN', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    const answer = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && String(c.args.text).includes('withdraw'));
    expect(answer.args.text).toBe(':zzz: Your request to change your Amazon Chime license to Pro had already expired, so there was nothing to withdraw. Nothing was changed.');
    expect(JSON.stringify(answer.args.blocks)).not.toContain('approval_withdraw');
    expect(JSON.stringify((answer.args.blocks as any[]).at(-1))).toContain('Run `/request-license` to ask again.');
  });

  it('past its time and not yet expired, withdrawn from that DM: it expires, and the DM is rewritten once, with what came of the click, and no other DM tells it again', async () => {
    const request = await asksForLicense(h, 'UANN', 'Pro');
    const from = h.slack.calls.length;
    h.clock.offsetMs = 100 * 3_600_000;
    await h.click('UANN', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    const answer = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && String(c.args.text).includes('withdraw'));
    expect(answer.args.text).toBe(':zzz: Your request to change your Amazon Chime license to Pro had already expired, so there was nothing to withdraw. Nothing was changed.');
    expect(JSON.stringify(answer.args.blocks)).not.toContain('approval_withdraw');
    // Its next step, as the withdrawn and the expired-without-a-decision messages end.
    expect(JSON.stringify((answer.args.blocks as any[]).at(-1))).toContain('Run `/request-license` to ask again.');
    expect(rewritesOf(request.dm, from)).toEqual([answer]);
    // The clicked DM already says it expired: no new DM says so a second time.
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === request.dm.channel).map((c) => c.args.text)).toEqual([]);
  });

  it('past its time and not yet expired, withdrawn from that DM whose rewrite and the ephemeral both fail: its requester is told it expired in a new DM, and the failure is logged with its request', async () => {
    const request = await asksForLicense(h, 'UANN', 'Pro');
    const from = h.slack.calls.length;
    h.clock.offsetMs = 100 * 3_600_000;
    h.slack.failNext('chat.update', { error: 'message_not_found' }, 1, (args) => args.ts === request.dm.ts);
    h.slack.failNext('chat.postEphemeral', { error: 'channel_not_found' });
    await h.click('UANN', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === request.dm.channel && c.args.text !== request.dm.call.args.text);
    // It answers the Withdraw, as its modal or the rewritten DM would have; before: "… expired without a decision."
    expect(told.args.text).toBe(':zzz: Your request to change your Amazon Chime license to Pro had already expired, so there was nothing to withdraw. Nothing was changed.');
    // Told once; the DM that said it was sent loses Withdraw, as any expiry's does, its rewrite tried
    // again saying what the new DM says; before: its words as sent, as if the request were still waiting.
    let seen = 0;
    const retired = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && h.slack.calls.indexOf(c) >= from && ++seen === 2);
    expect(retired.args.text).toBe(told.args.text);
    expect(JSON.stringify(retired.args.blocks)).not.toContain('approval_withdraw');
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === request.dm.channel)).toEqual([told]);
    await h.waitForLogs('its expiry told in a new DM', 1);
    expect(warnedOf(h, 'its expiry told in a new DM')).toEqual([['warn', request.requestId]]);
  });

  it('past its time and not yet expired, withdrawn from the Home tab: its modal says it had already expired, the DM that said it was sent is rewritten once to say so, and no other DM tells it again', async () => {
    const request = await asksForLicense(h, 'UANN', 'Pro');
    const { home } = await h.openHome('UANN');
    const from = h.slack.calls.length;
    h.clock.offsetMs = 100 * 3_600_000;
    const modal = await h.opening((trigger) => h.clickIn('UANN', 'approval_withdraw', request.requestId, { view: home, triggerId: trigger }));
    expect(JSON.stringify(modal.view.blocks)).toContain('had already expired, so there was nothing to withdraw');
    expect(JSON.stringify(modal.view.blocks.at(-1))).toContain('Run `/request-license` to ask again.');
    // The DM reads as a click in it would have left it: what came of the Withdraw, without the button.
    const rewrites = rewritesOf(request.dm, from);
    expect(rewrites.map((c) => c.args.text)).toEqual([':zzz: Your request to change your Amazon Chime license to Pro had already expired, so there was nothing to withdraw. Nothing was changed.']);
    expect(JSON.stringify(rewrites[0]!.args.blocks)).not.toContain('approval_withdraw');
    expect(JSON.stringify((rewrites[0]!.args.blocks as any[]).at(-1))).toContain('Run `/request-license` to ask again.');
    // Told in the modal and in that DM: no new DM says it "expired without a decision" as well.
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === request.dm.channel).map((c) => c.args.text)).toEqual([]);
  });

  it('past its time and not yet expired, withdrawn from the Home tab, with no DM that said it was sent on record: only its modal says it had already expired, and no DM says it', async () => {
    // The DM that would have said it was sent could not be posted: there is none to rewrite.
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 1, (args) => args.channel === 'DUANN');
    const request = await h.asksForLicense('UANN', { license: 'Pro' });
    const { home } = await h.openHome('UANN');
    const from = h.slack.calls.length;
    h.clock.offsetMs = 100 * 3_600_000;
    const modal = await h.opening((trigger) => h.clickIn('UANN', 'approval_withdraw', request.requestId, { view: home, triggerId: trigger }));
    // Titled as it says, not "Withdraw request"; :zzz: once, in its headline (before: again on "Expired at …").
    expect(modal.view.title.text).toBe('Nothing to withdraw');
    expect(modal.view.blocks.map((b: any) => JSON.stringify(b))).toEqual([
      expect.stringContaining(':zzz: Your request to change your Amazon Chime license to Pro had already expired, so there was nothing to withdraw. Nothing was changed.'),
      expect.stringMatching(/"Expired at <!date\^\d+\^[^>]+> without a decision/),
      expect.stringContaining('Run `/request-license` to ask again.'),
    ]);
    // The modal is the click's answer, and tells it: no DM says it again.
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUANN')).toEqual([]);
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.update' && c.args.channel !== APPROVALS_CHANNEL)).toEqual([]);
  });

  it("past its time and not yet expired, withdrawn from the Home tab, the DM that said it was sent failing its rewrite: only its modal says it had already expired, that DM is left as it was, and the failure is logged with its request", async () => {
    const request = await asksForLicense(h, 'UANN', 'Pro');
    const { home } = await h.openHome('UANN');
    const from = h.slack.calls.length;
    h.clock.offsetMs = 100 * 3_600_000;
    h.slack.failNext('chat.update', { error: 'message_not_found' }, 1, (args) => args.ts === request.dm.ts);
    const modal = await h.opening((trigger) => h.clickIn('UANN', 'approval_withdraw', request.requestId, { view: home, triggerId: trigger }));
    expect(JSON.stringify(modal.view.blocks)).toContain(':zzz: Your request to change your Amazon Chime license to Pro had already expired, so there was nothing to withdraw. Nothing was changed.');
    expect(JSON.stringify(modal.view.blocks.at(-1))).toContain('Run `/request-license` to ask again.');
    await h.waitForLogs('sent DM rewrite failed', 1);
    expect(warnedOf(h, 'sent DM rewrite failed')).toEqual([['warn', request.requestId]]);
    // Its one rewrite was tried, and failed; no new DM says it.
    expect(rewritesOf(request.dm, from)).toHaveLength(1);
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === request.dm.channel)).toEqual([]);
  });

  it('past its time and not yet expired, withdrawn from the Home tab, with no DM that said it was sent on record and its modal failing to open: its requester is told it expired in a new DM, once', async () => {
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 1, (args) => args.channel === 'DUANN');
    const request = await h.asksForLicense('UANN', { license: 'Pro' });
    const { home } = await h.openHome('UANN');
    const from = h.slack.calls.length;
    h.clock.offsetMs = 100 * 3_600_000;
    const trigger = h.slack.newTriggerId();
    h.slack.failNext('views.open', { error: 'expired_trigger_id' }, 1, (args) => args.trigger_id === trigger);
    await h.clickIn('UANN', 'approval_withdraw', request.requestId, { view: home, triggerId: trigger });
    const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && h.slack.calls.indexOf(c) >= from);
    // It answers the Withdraw, as its modal or the rewritten DM would have; before: "… expired without a decision."
    expect(told.args.text).toBe(':zzz: Your request to change your Amazon Chime license to Pro had already expired, so there was nothing to withdraw. Nothing was changed.');
    expect(JSON.stringify(told.args.blocks)).toContain('Run `/request-license` to ask again.');
    await h.waitForLogs('its expiry told in a new DM', 1);
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUANN')).toEqual([told]);
  });

  it("past its time and not yet expired, withdrawn from the Home tab, the DM that said it was sent failing its rewrite and the modal failing to show what came of it: its requester is told it expired in a new DM, once, and that DM's rewrite is tried again", async () => {
    const request = await asksForLicense(h, 'UANN', 'Pro');
    const { home } = await h.openHome('UANN');
    const from = h.slack.calls.length;
    h.clock.offsetMs = 100 * 3_600_000;
    h.slack.failNext('chat.update', { error: 'message_not_found' }, 1, (args) => args.ts === request.dm.ts);
    h.slack.failNext('views.update', { error: 'not_found' }, 1, (args) => JSON.stringify(args.view ?? {}).includes('had already expired'));
    const trigger = h.slack.newTriggerId();
    await h.clickIn('UANN', 'approval_withdraw', request.requestId, { view: home, triggerId: trigger });
    const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === request.dm.channel && h.slack.calls.indexOf(c) >= from);
    // It answers the Withdraw, as its modal or the rewritten DM would have; before: "… expired without a decision."
    expect(told.args.text).toBe(':zzz: Your request to change your Amazon Chime license to Pro had already expired, so there was nothing to withdraw. Nothing was changed.');
    // The DM that said it was sent loses Withdraw, as any expiry's does, once its rewrite works, and
    // says what the new DM says; before: its words as sent, as if the request were still waiting.
    let seen = 0;
    const retired = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && h.slack.calls.indexOf(c) >= from && ++seen === 2);
    expect(retired.args.text).toBe(told.args.text);
    expect(JSON.stringify(retired.args.blocks)).toContain('Run `/request-license` to ask again.');
    expect(JSON.stringify(retired.args.blocks)).not.toContain('approval_withdraw');
    expect(rewritesOf(request.dm, from)).toHaveLength(2);
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === request.dm.channel)).toEqual([told]);
  });

  it('withdrawn from the Home tab: it says it was withdrawn, as a click in it would have, and loses Withdraw; no other DM says it; a click on the button as it was says it was withdrawn already', async () => {
    const request = await asksForPinReset(h, 'UBOB');
    const { home } = await h.openHome('UBOB');
    const from = h.slack.calls.length;
    const modal = await h.opening((trigger) => h.clickIn('UBOB', 'approval_withdraw', request.requestId, { view: home, triggerId: trigger }));
    expect(JSON.stringify(modal.view)).toContain('You withdrew your meeting PIN reset request');
    const rewritten = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts);
    expect(rewritten.args.channel).toBe(request.dm.channel);
    expect(rewritten.args.text).toMatch(/^:leftwards_arrow_with_hook: You withdrew your meeting PIN reset request at <!date\^\d+\^[^>]+>\. Nothing was changed, and the admins are no longer asked to decide it\.$/);
    expect(JSON.stringify(rewritten.args.blocks)).toContain('Run `/reset-pin` to ask again.');
    expect(JSON.stringify(rewritten.args.blocks)).not.toContain('approval_withdraw');
    expect(rewritesOf(request.dm, from)).toHaveLength(1);
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === request.dm.channel)).toEqual([]);

    await h.click('UBOB', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    const answer = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && String(c.args.text).includes('already withdrew'));
    // Still what is true: withdrawn, and the admins no longer asked (before: "… Nothing was changed." alone).
    expect(answer.args.text).toMatch(/^:leftwards_arrow_with_hook: You already withdrew your meeting PIN reset request at <!date\^\d+\^[^>]+>\. Nothing was changed, and the admins are no longer asked to decide it\.$/);
    expect(JSON.stringify(answer.args.blocks)).not.toContain('approval_withdraw');
  });

  it('withdrawn from that DM: the DM is rewritten once, with what came of the click', async () => {
    const request = await asksForLicense(h, 'UCARL', 'Plus');
    const from = h.slack.calls.length;
    await h.click('UCARL', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    // The click's own answer is written last, after the withdraw is done.
    const answer = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts && String(c.args.text).includes('You withdrew'));
    expect(rewritesOf(request.dm, from)).toEqual([answer]);
  });
});

/**
 * A license change request filed by `userId`, the DM that says it was sent held at Slack until
 * `release()` (the caller releases it once what must happen while that post waits is done): the
 * request's ID and the admins' message, read from that message, and the form's view.
 */
async function filedWithSentDmHeld(h: Harness, userId: string, license = 'Pro') {
  const sentDm = (args: Record<string, any>) => args.channel === `D${userId}` && JSON.stringify(args.blocks ?? []).includes('approval_withdraw');
  const release = h.slack.hold('chat.postMessage', sentDm);
  try {
    const opened = await h.open('/request-license', userId);
    await h.submit(userId, opened.view, {
      values: {
        license: { license: { type: 'radio_buttons', selected_option: { value: license } } },
        reason: { reason: { type: 'plain_text_input', value: 'webinars' } },
      },
    });
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(`<@${userId}>`));
    const requestId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
    await until(`the DM telling ${userId} the request was sent, held at Slack`, () => h.slack.held.some((c) => sentDm(c.args)), 2_000);
    expect(h.slack.held.filter((c) => sentDm(c.args))).toHaveLength(1);
    return { sentDm, release, viewId: opened.viewId, post, requestId };
  } catch (err) {
    release();
    throw err;
  }
}

/**
 * An admin's decision that lands while the DM saying the request was sent is still on its way
 * (Slack's answer to that post, with where it is, comes back after the decision): the decision
 * found no place to rewrite, so the DM loses Withdraw once its place is known.
 */
describe("a decision made before the DM that said it was sent is known to be posted", () => {
  const h = useHarness({ env: POLICY }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it('the DM keeps its words and loses Withdraw when its answer comes back', async () => {
    const { sentDm, release, post, requestId } = await filedWithSentDmHeld(h, 'UANN');
    try {
      // Ada approves it while that DM's post waits for Slack.
      const reviewed = await review(h, 'UADA', { requestId, message: { channel: post.result!.channel as string, ts: post.result!.ts as string } });
      await h.submit('UADA', reviewed.view, { values: decide('approve') });
      expect(JSON.stringify(await h.viewUpdate(reviewed.viewId, 2))).toContain('Done: <@UANN>');
    } finally {
      release();
    }
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => sentDm(c.args));
    const rewritten = await h.slack.waitForCall('chat.update', (c) => c.args.channel === dm.result!.channel && c.args.ts === dm.result!.ts);
    expect(rewritten.args.text).toBe(dm.args.text);
    expect(JSON.stringify(rewritten.args.blocks)).toContain('was sent to the admins');
    expect(JSON.stringify(rewritten.args.blocks)).not.toContain('approval_withdraw');
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === dm.result!.ts)).toHaveLength(1);
  });

  it("the requester's modal says it was decided, not that it is with the admins", async () => {
    const { release, viewId, post, requestId } = await filedWithSentDmHeld(h, 'UCARL', 'Plus');
    try {
      // Ada denies it while the DM that says it was sent waits for Slack (the modal is still "sending").
      const reviewed = await review(h, 'UADA', { requestId, message: { channel: post.result!.channel as string, ts: post.result!.ts as string } });
      await h.submit('UADA', reviewed.view, { values: decide('deny', 'Not this quarter') });
      await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && String(c.args.text).includes('was denied'));
    } finally {
      release();
    }
    const shown = JSON.stringify((await h.viewUpdate(viewId, 2)).blocks);
    expect(shown).toContain('Your request to change your Amazon Chime license to Plus was denied by <@UADA>.');
    expect(shown).not.toContain('is with the admins');
    expect(shown).not.toContain('when it is decided');
  });
});

/**
 * A Withdraw clicked on the Home tab while the DM saying the request was sent is still on its way:
 * the withdraw found no place to rewrite, so the DM says it was withdrawn, and loses Withdraw, once
 * its place is known, as a decision made in that moment leaves it.
 */
describe('a request withdrawn from the Home tab before the DM that said it was sent is known to be posted', () => {
  const h = useHarness({ env: POLICY }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  afterEach(() => (h.clock.offsetMs = 0));

  it("the DM says it was withdrawn and loses Withdraw when its answer comes back, rewritten once; the requester's modal says they withdrew it", async () => {
    const { sentDm, release, viewId, requestId } = await filedWithSentDmHeld(h, 'UBOB');
    try {
      // Bob withdraws it from his Home tab while that DM's post waits for Slack.
      const { home } = await h.openHome('UBOB');
      const modal = await h.opening((trigger) => h.clickIn('UBOB', 'approval_withdraw', requestId, { view: home, triggerId: trigger }));
      expect(JSON.stringify(modal.view.blocks)).toContain('You withdrew your request');
    } finally {
      release();
    }
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => sentDm(c.args));
    const rewritten = await h.slack.waitForCall('chat.update', (c) => c.args.channel === dm.result!.channel && c.args.ts === dm.result!.ts);
    expect(rewritten.args.text).toMatch(/^:leftwards_arrow_with_hook: You withdrew your request to change your Amazon Chime license to Pro at <!date\^\d+\^[^>]+>\. Nothing was changed, and the admins are no longer asked to decide it\.$/);
    expect(JSON.stringify(rewritten.args.blocks)).toContain('Run `/request-license` to ask again.');
    expect(JSON.stringify(rewritten.args.blocks)).not.toContain('approval_withdraw');
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === dm.result!.ts)).toHaveLength(1);
    // No other DM says it.
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUBOB')).toEqual([dm]);
    // The form's modal, answered once the DM is kept: he withdrew it, never that it is with the admins.
    const shown = JSON.stringify((await h.viewUpdate(viewId, 2)).blocks);
    expect(shown).toMatch(/You withdrew your request to change your Amazon Chime license to Pro at <!date\^\d+\^[^>]+>\. Nothing was changed/);
    expect(shown).not.toContain('is with the admins');
  });

  it("past its time, withdrawn from the Home tab: the DM says it had already expired, as the modal did, and loses Withdraw when its answer comes back, rewritten once; no other DM says it", async () => {
    const { sentDm, release, viewId, requestId } = await filedWithSentDmHeld(h, 'UANN');
    try {
      // Ann's Home tab, shown in time, offers Withdraw; she clicks it once the request's time has passed.
      const { home } = await h.openHome('UANN');
      h.clock.offsetMs = 100 * 3_600_000;
      const modal = await h.opening((trigger) => h.clickIn('UANN', 'approval_withdraw', requestId, { view: home, triggerId: trigger }));
      expect(JSON.stringify(modal.view.blocks)).toContain('had already expired, so there was nothing to withdraw');
    } finally {
      release();
    }
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => sentDm(c.args));
    const rewritten = await h.slack.waitForCall('chat.update', (c) => c.args.channel === dm.result!.channel && c.args.ts === dm.result!.ts);
    // What came of her Withdraw, as the modal said it, never the words it was sent with.
    expect(rewritten.args.text).toBe(':zzz: Your request to change your Amazon Chime license to Pro had already expired, so there was nothing to withdraw. Nothing was changed.');
    expect(JSON.stringify(rewritten.args.blocks)).not.toContain('was sent to the admins');
    expect(JSON.stringify((rewritten.args.blocks as any[]).at(-1))).toContain('Run `/request-license` to ask again.');
    expect(JSON.stringify(rewritten.args.blocks)).not.toContain('approval_withdraw');
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === dm.result!.ts)).toHaveLength(1);
    // No other DM says it expired.
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUANN')).toEqual([dm]);
    // The form's modal, answered once the DM is kept: it expired, never that it is with the admins.
    const shown = JSON.stringify((await h.viewUpdate(viewId, 2)).blocks);
    expect(shown).toContain('Your request to change your Amazon Chime license to Pro expired without a decision.');
    expect(shown).not.toContain('is with the admins');
  });
});

describe('the DM that said it was sent, once an admin approved it to finish', () => {
  const h = useHarness({ env: POLICY }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it("once approved to finish, the DM that said it was sent claims no expiry: the Finish deadline is the approval's, in the DM after it", async () => {
    const request = await asksForPinReset(h, 'UCARL');
    expect(JSON.stringify(request.dm.call.args.blocks)).toMatch(/It expires at <!date\^\d+\^[^>]+> if nobody decides it/);
    const opened = await review(h, 'UADA', request);
    await h.submit('UADA', opened.view, { values: decide('approve') });
    const finish = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'));
    expect(finish.args.text).toMatch(/approved your .* reset request\. Finish it by <!date/);
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts);
    const words = JSON.stringify(dm.args.blocks);
    expect(words).toContain('was sent to the admins');
    expect(words).toContain(`Reference: \`${request.requestId}\``);
    expect(words).not.toContain('expires');
    expect(words).not.toContain('if nobody decides it');
  });
});

/**
 * An admin's decision whose write DynamoDB made, but whose every answer was lost (the gate loses
 * them; the SDK gives up after its tries, 2 s each here): its click is told so, or could not tell.
 */
describe('a decision whose write was made but whose answer was lost', () => {
  const h = useHarness({ env: POLICY, awsRequestTimeoutMs: 2_000, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  /** The operator's log of a decision found made: which touch found it, and whose. */
  const foundMadeBy = (request: Asked) =>
    h.logs
      .join('')
      .split('\n')
      .filter((l) => l.includes('decision found made: its requester and admins told now') && l.includes(request.requestId))
      .map((l) => JSON.parse(l))
      .map((l) => [l.touch, l.slackUserId]);

  it("a denial whose write is made, every answer to it lost, and whose read-back fails too: its admin is told Latchkey could not tell, and the operator's log says reading back that decision failed", async () => {
    const request = await asksForLicense(h, 'UANN', 'Plus');
    await decidedUntold(h, request, decide('deny', 'Not now'), 'DENIED');
    // Before: nothing in the log said the read-back of a write that was not answered failed.
    expect(warnedOf(h, 'reading back a decision whose write was refused or not answered failed')).toEqual([['warn', request.requestId]]);
  }, 90_000);

  it("a denial its admin could not tell was saved: the next touches, another admin's Review and its requester's Home tab opened at once, tell its requester once, with the comment, and rewrite the admins' message and the DM that said it was sent; a later Review tells nothing more", async () => {
    const request = await asksForLicense(h, 'UBOB', 'Plus');
    await decidedUntold(h, request, decide('deny', 'Budget is spent'), 'DENIED');
    const toldBob = () => h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes('Budget is spent'));
    // Nothing that follows a denial was done by Ada's click.
    expect(toldBob()).toEqual([]);
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts)).toEqual([]);

    // Before: the Review said it was denied, and nobody ever told Bob or rewrote the admins' message.
    const [opened] = await Promise.all([review(h, 'UMAX', request), h.openHomeToTheEnd('UBOB')]);
    expect(JSON.stringify(opened.view)).toContain('<@UADA>');
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes('Budget is spent'), 10_000);
    expect(JSON.stringify(dm.args)).toMatch(/denied/i);
    const message = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args.blocks).includes('<@UADA>'), 10_000);
    expect(JSON.stringify(message.args.blocks)).not.toContain('license_review');
    const sent = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts, 10_000);
    expect(JSON.stringify(sent.args.blocks)).not.toContain('approval_withdraw');

    // Its Review's follow-up is done before its window shows what it found.
    await review(h, 'UADA', request);
    await h.openHomeToTheEnd('UBOB');
    expect(toldBob()).toEqual([dm]);
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts)).toEqual([message]);
  }, 90_000);

  it("an approval to finish its admin could not tell was saved: its requester's Home tab tells them, once, in a DM with the Finish button, and the admins' message says it was approved; opened again, nothing more", async () => {
    const request = await asksForPinReset(h, 'UCARL');
    await decidedUntold(h, request, decide('approve'), 'APPROVED');
    const finishDms = () => h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUCARL' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'));
    expect(finishDms()).toEqual([]);

    // Before: Carl was never sent the Finish button, and the admins' message still said it waited.
    await h.openHomeToTheEnd('UCARL');
    const finish = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'), 10_000);
    expect(finish.args.text).toMatch(/approved your .* reset request\. Finish it by <!date/);
    const message = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args.blocks).includes('<@UADA>'), 10_000);
    expect(JSON.stringify(message.args.blocks)).not.toContain('license_review');

    // Its Review's follow-up is done before its window shows what it found.
    await h.openHomeToTheEnd('UCARL');
    await review(h, 'UMAX', request);
    expect(finishDms()).toEqual([finish]);
  }, 90_000);

  it("a denial its admin could not tell was saved, followed up by another admin's Review: its outcome is recorded again under its admin, as a denial made then, and the audit search and her Home tab say she denied it; nothing on record says the admin who only touched it decided it", async () => {
    const request = await asksForLicense(h, 'UCARL', 'Plus');
    await decidedUntold(h, request, decide('deny', 'Not this quarter'), 'DENIED');
    await review(h, 'UMAX', request);
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && JSON.stringify(c.args).includes('Not this quarter'), 10_000);
    // The operator's log says what found it, and whose touch it was: before, neither.
    expect(foundMadeBy(request)).toEqual([['review', 'UMAX']]);

    // Before: Ada's decision stood on record as "could not tell" and nothing after, though it was made and Carl was told.
    const { records: ofAda, steps } = await decisionSteps(h, 'UADA', 'license_decide', request);
    expect(ofAda.map((r) => r.sk.split('#')[1])).toEqual(['1-claim', '2-outcome', '3-restated']);
    expect(steps).toEqual([
      ['attempt', undefined, undefined, 'deny', undefined],
      ['outcome', 'failure', 'STORE_OUTCOME_UNKNOWN', 'deny', undefined],
      ['outcome', 'success', undefined, 'deny', true],
    ]);
    // Recorded again with the reason Ada wrote to Carl, as her click's records hold it: before, the restated outcome had none.
    expect(ofAda.map((r) => r.note)).toEqual(['Not this quarter', 'Not this quarter', 'Not this quarter']);
    // One decision: its own reference, about Carl.
    expect(new Set(ofAda.map((r) => `${r.requestId} ${r.subjectSlackUserId}`))).toEqual(new Set([`${ofAda[0]!.requestId} UCARL`]));
    for (const toucher of ['UMAX', 'UCARL']) {
      expect((await h.auditRecords(toucher)).filter((r) => r.action === 'license_decide' && r.approvalRequestId === request.requestId)).toEqual([]);
    }

    // A security reviewer's audit search of the request: Ada denied it; Max is named nowhere.
    const lines = await searchLines(h, 'UMAX', { reference: request.requestId });
    const adas = lines.filter((l) => l.includes('by <@UADA> for <@UCARL>'));
    expect(adas).toEqual([expect.stringContaining(':no_entry: Denied\n>“Not this quarter”\n')]);
    expect(adas.join('\n')).not.toMatch(/could not tell|did not confirm|Failed/);
    expect(lines.filter((l) => l.includes('by <@UCARL>'))).toEqual([expect.stringContaining('by <@UCARL> · :no_entry: Denied')]);
    expect(lines.join('\n')).not.toContain('<@UMAX>');
    // Carl's records searched: denied by Ada at her click (her attempt's time), not when Max's Review found it made.
    const clicked = Math.floor(Date.parse(ofAda[0]!.at) / 1000);
    expect(Math.floor(Date.parse(ofAda[2]!.at) / 1000)).toBeGreaterThan(clicked);
    const carls = (await searchLines(h, 'UMAX', { person: 'UCARL' })).filter((l) => l.includes(`\`${request.requestId}\``));
    expect(carls).toEqual([expect.stringContaining(`Denied by <@UADA> <!date^${clicked}^`)]);
    expect(carls.join('\n')).not.toContain('<@UMAX>');
    // Her own Home tab says so too.
    const home = await homeLines(h, 'UADA', request.requestId);
    expect(home).toEqual([expect.stringMatching(/Denied/)]);
    expect(home.join('\n')).not.toMatch(/could not tell|did not confirm|Failed/);
    // Nor do the admins' Needs attention: before, "Failed: storage did not confirm the write: outcome unknown · License change decision by <@UADA>".
    for (const admin of ['UADA', 'UMAX']) expect(await homeLines(h, admin, ofAda[0]!.requestId)).toEqual([]);
  }, 90_000);

  it("a denial its admin could not tell was saved, then its requester's Withdraw from the DM that said it was sent: they are told it was denied, once, the admins' message is rewritten, and it is recorded again under its admin as a denial, with nothing alerting", async () => {
    const request = await asksForLicense(h, 'UANN', 'Pro');
    await decidedUntold(h, request, decide('deny', 'Ask in January'), 'DENIED');
    const fromLog = h.logs.length;
    // Before: the Withdraw said it was decided, and the admins' message still offered Review.
    await h.click('UANN', 'approval_withdraw', withdrawIn(request.dm.call).value, request.dm);
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Ask in January'), 10_000);
    const message = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args.blocks).includes('<@UADA>'), 10_000);
    expect(JSON.stringify(message.args.blocks)).not.toContain('license_review');
    // The Withdraw's last act: its answer, in the DM it was clicked in (the follow-up leaves that DM to it).
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts, 10_000);
    await h.openHomeToTheEnd('UANN');
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Ask in January'))).toEqual([dm]);
    // Ada's denial on record as made, under her; Ann's Withdraw decided nothing.
    const { steps } = await decisionSteps(h, 'UADA', 'license_decide', request);
    expect(steps).toEqual([
      ['attempt', undefined, undefined, 'deny', undefined],
      ['outcome', 'failure', 'STORE_OUTCOME_UNKNOWN', 'deny', undefined],
      ['outcome', 'success', undefined, 'deny', true],
    ]);
    expect((await h.auditRecords('UANN')).filter((r) => r.action === 'license_decide')).toEqual([]);
    expect(foundMadeBy(request)).toEqual([['withdraw', 'UANN']]);
    // Ann's own touch found it: nothing of ours went wrong.
    expect(h.logs.slice(fromLog).join('').split('\n').filter((l) => l.includes('"alert":true'))).toEqual([]);
  }, 90_000);

  it("a denial its admin could not tell was saved, whose record as made cannot be written at its requester's Home tab: they are not told yet, and nothing alerts; their next Home tab writes it and tells them, once", async () => {
    const request = await asksForLicense(h, 'UBOB', 'Pro');
    await decidedUntold(h, request, decide('deny', 'Try in spring'), 'DENIED');
    const toldBob = () => h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes('Try in spring'));
    const restated = (c: DynamoCall) => c.operation === 'PutItem' && c.body.includes('3-restated');
    const fromLog = h.logs.length;
    const lines = () => h.logs.slice(fromLog).join('').split('\n');
    const release = h.dynamoGate.hold(restated);
    try {
      await h.openHome('UBOB');
      // Until the app gives up on that write (its tries, 2 s each here), and says so in its log.
      const gaveUp = () => lines().some((l) => l.includes('writing a decision found made on record failed') || l.includes('audit record could not be written'));
      await until("the app's giving up on that write", gaveUp, 20_000);
      await h.homeFollowedUp('UBOB', fromLog);
    } finally {
      release();
    }
    expect(h.dynamoGate.held.filter(restated)).not.toEqual([]);
    // Before: the mark was taken first and Bob told, while Ada's decision stayed "could not tell" for good, with an alert.
    expect(toldBob()).toEqual([]);
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts)).toEqual([]);
    const warned = lines().filter((l) => l.includes('writing a decision found made on record failed')).map((l) => JSON.parse(l));
    expect(warned.map((l) => [l.level, l.approvalRequestId, l.touch, l.slackUserId])).toEqual([['warn', request.requestId, 'home tab', 'UBOB']]);
    expect(lines().filter((l) => l.includes('"alert":true'))).toEqual([]);

    await h.openHomeToTheEnd('UBOB');
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes('Try in spring'), 10_000);
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args.blocks).includes('<@UADA>'), 10_000);
    const { steps } = await decisionSteps(h, 'UADA', 'license_decide', request);
    expect(steps).toEqual([
      ['attempt', undefined, undefined, 'deny', undefined],
      ['outcome', 'failure', 'STORE_OUTCOME_UNKNOWN', 'deny', undefined],
      ['outcome', 'success', undefined, 'deny', true],
    ]);
    await h.openHomeToTheEnd('UBOB');
    expect(toldBob()).toEqual([dm]);
    expect(foundMadeBy(request)).toEqual([['home tab', 'UBOB']]);
    expect(lines().filter((l) => l.includes('"alert":true'))).toEqual([]);
  }, 90_000);

  it("an approval to finish its admin could not tell was saved, found made by its requester's Home tab: it is recorded again under its admin as an approval handing out the finish reference its click recorded, and nothing alerts", async () => {
    const request = await asksForPinReset(h, 'UBOB');
    await decidedUntold(h, request, decide('approve'), 'APPROVED');
    const fromLog = h.logs.length;
    await h.openHome('UBOB');
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'), 10_000);

    const { records: ofAda, steps } = await decisionSteps(h, 'UADA', 'reset_decide', request);
    expect(steps).toEqual([
      ['attempt', undefined, undefined, 'approve', undefined],
      ['outcome', 'failure', 'STORE_OUTCOME_UNKNOWN', 'approve', undefined],
      ['outcome', 'success', undefined, 'approve', true],
    ]);
    // The finish it handed out is the one its click put on record: what IT checks Bob's change by.
    expect(ofAda[0]!.finishRequestId).toEqual(expect.any(String));
    expect(ofAda.map((r) => r.finishRequestId)).toEqual([ofAda[0]!.finishRequestId, ofAda[0]!.finishRequestId, ofAda[0]!.finishRequestId]);
    expect((await h.auditRecords('UBOB')).filter((r) => r.action === 'reset_decide')).toEqual([]);
    // Bob's own touch found it: nothing of ours went wrong.
    expect(h.logs.slice(fromLog).join('').split('\n').filter((l) => l.includes('"alert":true'))).toEqual([]);
  }, 90_000);
});
