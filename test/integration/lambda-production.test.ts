import pino from 'pino';
import { lambdaLogger } from '../../src/lambda';
import { nextPlace } from '../../src/credentials/stand-in';
import { failedWorkMaxAgeMs, NOT_STARTED_ERROR, WORK_MAX_AGE_MS, WorkOrderSeal, type WorkOrder } from '../../src/lambda/work-order';
import type { DynamoCall } from '../support/dynamo-gate';
import { APPROVALS_CHANNEL, secretIn, SIGNING_SECRET, TEAM, useHarness } from '../support/harness';
import { credentialSecretVariables, SECRET_ARNS } from '../support/lambda-entry';
import { postSlashCommand, slackSignature, slashCommandBody, viewSubmissionPayload } from '../support/slack-requests';
import { until } from '../support/until';

/**
 * Running in production on Lambda (issue 17): the trigger is used by the invocation Slack is waiting
 * on, before anything a worker does; and a worker that crashes leaves nobody at "checking…".
 */
describe('Latchkey on Lambda, cold', () => {
  const h = useHarness({ entry: 'lambda', env: { SLACK_BOT_ID: 'BLATCHKEY01', SLACK_BOT_USER_ID: 'UBOTLATCHKEY' } }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  /** Every remote call the function made, in the order the stand-ins saw them. */
  const callOrder = (since: number) =>
    [
      ...h.lambda.calls.map((c) => ({ place: c.place, name: `aws:${c.operation}` })),
      ...h.slack.calls.map((c) => ({ place: c.place, name: `slack:${c.method}` })),
      ...h.chime.calls.map((c) => ({ place: c.place, name: `chime:${c.operation}` })),
    ]
      // By their places, not their milliseconds: two stand-ins' calls of one millisecond came out in the order they are listed here.
      .filter((c) => c.place > since)
      .sort((a, b) => a.place - b.place)
      .map((c) => c.name);

  it('a cold answer opens the modal itself, right after its secrets, before the hand-off; the cold worker never needs the trigger, and makes no auth.test', async () => {
    h.coldNext(2); // the answering invocation and the worker, each a fresh instance
    const since = nextPlace();
    const opened = await h.open('/reset-pin', 'UANN');
    expect(opened.view.submit?.text).toBe('Reset PIN');
    const order = callOrder(since);
    // Answer: its secrets (Slack's two and each credential's own), then views.open, then the hand-off; the worker: its secrets, then the lookups.
    const secrets = Array.from({ length: 2 + credentialSecretVariables().length }, () => 'aws:GetSecretValue');
    expect(order.slice(0, secrets.length + 2)).toEqual([...secrets, 'slack:views.open', 'aws:Invoke']);
    expect(order).not.toContain('slack:auth.test');
    expect(order.filter((c) => c === 'slack:views.open')).toHaveLength(1);
    expect(order.indexOf('slack:views.open')).toBeLessThan(order.indexOf('slack:users.info'));
    expect(order.at(-1)).toBe('slack:views.update');
  });
});

describe('Latchkey on Lambda, when the work crashes', () => {
  // Through the gate: what the failed-work record asks DynamoDB for is read as it was sent.
  const h = useHarness({ entry: 'lambda', dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it('a crashed command: the modal says nothing was changed, and nothing was', async () => {
    h.lambda.crashNextWork();
    const triggerId = h.slack.newTriggerId();
    await h.command('/reset-pin', 'UANN', { triggerId });
    const open = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
    const viewId = open.result!.view.id as string;
    const shown = await h.viewUpdate(viewId, 1);
    expect(JSON.stringify(shown)).toContain('Something went wrong, nothing was changed. Run the command again.');
    expect(h.chime.calls).toEqual([]);
    expect(h.lambda.failuresDelivered).toEqual(['RetriesExhausted']);
    expect(h.logs.join('')).toMatch(/"alert":true.*work order failed; telling the person/);
  });

  it('a Reset click whose worker crashed before any change was written: its window, at "Resetting…", says nothing was changed, in the PIN\'s words, and IT is alerted; no DM', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    h.lambda.crashNextWork();
    const since = Date.now();
    const logsBefore = h.logs.length;
    const sentBefore = h.dynamoGate.seen.length;
    const submitted = await h.submit('UBOB', opened.view);
    expect(JSON.stringify(submitted.json)).toContain('Resetting');
    // Its first update is the confirmation.
    const shown = await h.viewUpdate(opened.viewId, 2, 15_000);
    expect(JSON.stringify(shown)).toContain('Something went wrong, and your Amazon Chime personal meeting PIN was not reset: nothing was changed. Run `/reset-pin` again.');
    await h.lambda.idle();
    // "Nothing was changed" is decided on a strongly consistent read of Bob's records: an eventually
    // consistent one could miss an attempt written a moment before the worker crashed. dynalite is
    // always consistent, so what is asked of DynamoDB is what can be checked.
    const readsOfBob = h.dynamoGate.seen
      .slice(sentBefore)
      .filter((c) => c.operation === 'Query' && c.body.includes(`"ACTOR#${TEAM}#UBOB"`))
      .map((c) => JSON.parse(c.body) as { ConsistentRead?: boolean });
    expect(readsOfBob.length).toBeGreaterThan(0);
    expect(readsOfBob.map((r) => r.ConsistentRead)).toEqual(readsOfBob.map(() => true));
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUBOB' && c.at >= since)).toEqual([]);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    const failed = h.logs.slice(logsBefore).join('').split('\n').filter((l) => l.includes('"msg":"work order failed; telling the person"'));
    expect(failed.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ alert: true, mayHaveChanged: false, slackUserId: 'UBOB' })]);
  });

  it("a Reset click whose worker crashed, by a person who reset the same PIN just before: that earlier change, written before the request, is not taken for this one's, and the window says nothing was changed", async () => {
    const earlier = await h.reset('/reset-pin', 'UANN', { timeoutMs: 15_000 });
    expect(secretIn(earlier.final)).toBe(h.chime.pinOf('chime-ann'));
    await h.lambda.idle();
    // Past the minute read before a request's signature for the clocks (CLOCK_MARGIN_MS).
    const realNow = Date.now.bind(Date);
    const ahead = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 2 * 60_000);
    try {
      const opened = await h.open('/reset-pin', 'UANN', { timeoutMs: 15_000 });
      h.lambda.crashNextWork();
      await h.submit('UANN', opened.view);
      const shown = await h.viewUpdate(opened.viewId, 2, 15_000);
      expect(JSON.stringify(shown)).toContain('Something went wrong, and your Amazon Chime personal meeting PIN was not reset: nothing was changed. Run `/reset-pin` again.');
      await h.lambda.idle();
    } finally {
      ahead.mockRestore();
    }
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  });

  it('a Reset whose first delivery crashed before it began, its person told nothing was changed: a late delivery of it is not worked', async () => {
    const opened = await h.open('/reset-pin', 'UMAX');
    const since = h.logs.length;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    h.lambda.crashNextWork();
    h.lambda.deliverNextTwice({ beforeSecond: () => released });
    try {
      await h.submit('UMAX', opened.view);
      const shown = await h.viewUpdate(opened.viewId, 2, 15_000);
      expect(JSON.stringify(shown)).toContain('nothing was changed. Run `/reset-pin` again.');
    } finally {
      release();
    }
    await h.lambda.idle();
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    expect(JSON.stringify(h.lastShown(opened.viewId, []))).toContain('nothing was changed. Run `/reset-pin` again.');
    expect(h.logs.slice(since).join('')).toContain('work order delivered again; already worked, so ignored');
  });

  it('a Reset click whose worker timed out once it showed the new PIN: the PIN stays in its window, and a DM says Latchkey cannot tell, in its words', async () => {
    const opened = await h.open('/reset-pin', 'UADA');
    h.lambda.timeOutNextWorkAfterIt();
    const at = Date.now();
    const submitted = await h.submit('UADA', opened.view);
    const final = await h.shownAfter(submitted, opened.viewId, 15_000);
    await h.lambda.idle();
    const pin = h.chime.pinOf('chime-ada');
    expect(secretIn(final)).toBe(pin);
    expect(h.lambda.failuresDelivered.at(-1)).toBe('RetriesExhausted');
    expect(secretIn(h.lastShown(opened.viewId, [])!)).toBe(pin);
    const dms = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUADA' && c.at >= at).map((c) => c.args.text as string);
    expect(dms).toContain(
      'Something went wrong before Latchkey could finish, so it cannot tell whether your Amazon Chime personal meeting PIN was reset. If your Latchkey window shows your new PIN, that is done: keep it. Otherwise look at your Home tab before you run `/reset-pin` again; IT has been alerted.',
    );
  });

  it("a command whose worker timed out once it showed the confirmation, its record back after the person reset: the new PIN stays in the window, never 'nothing was changed', and a DM says Latchkey cannot tell, in the PIN's words", async () => {
    const at = Date.now();
    const since = h.logs.length;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    h.lambda.timeOutNextWorkAfterIt({ beforeFailure: () => released });
    let reset: Awaited<ReturnType<typeof h.reset>>;
    try {
      reset = await h.reset('/reset-pin', 'UCARL', { timeoutMs: 15_000 });
    } finally {
      release();
    }
    await h.lambda.idle();
    const pin = h.chime.pinOf('chime-carl');
    expect(secretIn(reset.final)).toBe(pin);
    expect(h.lambda.failuresDelivered.at(-1)).toBe('RetriesExhausted');
    expect(secretIn(h.lastShown(reset.viewId, [])!)).toBe(pin);
    expect(h.slack.calls.filter((c) => c.at >= at && /nothing was changed/i.test(JSON.stringify(c.args)))).toEqual([]);
    const dms = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUCARL' && c.at >= at).map((c) => c.args.text as string);
    expect(dms).toContain(
      'Something went wrong before Latchkey could finish, so it cannot tell whether your Amazon Chime personal meeting PIN was reset. If your Latchkey window shows your new PIN, that is done: keep it. Otherwise look at your Home tab before you run `/reset-pin` again; IT has been alerted.',
    );
    const failed = h.logs.slice(since).join('').split('\n').filter((l) => l.includes('"msg":"work order failed; telling the person"'));
    expect(failed.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ alert: true, mayHaveChanged: true, slackUserId: 'UCARL' })]);
    expect(h.logs.slice(since).join('')).not.toContain(pin!);
  });
});

describe('Latchkey on Lambda, when the work of an approver\'s click times out', () => {
  const h = useHarness({ entry: 'lambda', env: { RESET_POLICY: 'pin=approval' } }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it("a Revoke whose worker timed out once it had revoked: the admin is told, in a click's words, that Latchkey cannot tell what their click changed, never about their PIN or to run /reset-pin", async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    await h.submit('UBOB', opened.view);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes('<@UBOB>'), 15_000);
    const requestId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
    const message = { channel: post.result!.channel as string, ts: post.result!.ts as string };
    const review = await h.opening((trigger) => h.click('UADA', 'license_review', requestId, message, trigger), 15_000);
    await h.submit('UADA', review.view, {
      values: {
        decision: { decision: { type: 'radio_buttons', selected_option: { value: 'approve' } } },
        comment: { comment: { type: 'plain_text_input', value: null } },
      },
    });
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'), 15_000);
    await h.lambda.idle();
    h.lambda.timeOutNextWorkAfterIt();
    const at = Date.now();
    await h.click('UADA', 'approval_revoke', requestId, message);
    await h.waitForAudit('UADA', (r) => r.action === 'reset_revoke' && r.phase === 'outcome', 15_000);
    const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUADA' && c.at >= at && /went wrong/.test(String(c.args.text)), 15_000);
    expect(told.args.text).toBe(
      'Something went wrong, and Latchkey cannot tell whether your click changed anything. Look at the request on your Home tab (or in its message) before you click again; IT has been alerted.',
    );
    await h.lambda.idle();
    expect(h.lambda.failuresDelivered.at(-1)).toBe('RetriesExhausted');
    const toAda = h.slack.calls.filter((c) => c.at >= at && (c.args.channel === 'DUADA' || c.args.user === 'UADA')).map((c) => JSON.stringify(c.args));
    expect(toAda.length).toBeGreaterThan(0);
    expect(toAda.filter((t) => /PIN was reset|reset-pin/.test(t))).toEqual([]);
  });
});

describe('Latchkey on Lambda, when the person goes on while a failed-work record is read', () => {
  const h = useHarness({ entry: 'lambda', dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it("a command whose worker timed out once it showed the confirmation, read as having changed nothing just before the person reset: the new PIN shown meanwhile is never replaced (Slack's hash), and a DM says Latchkey cannot tell, in the PIN's words", async () => {
    let releaseFailure!: () => void;
    const failureHeld = new Promise<void>((r) => (releaseFailure = r));
    h.lambda.timeOutNextWorkAfterIt({ beforeFailure: () => failureHeld });
    const at = Date.now();
    const opened = await h.open('/reset-pin', 'UANN', { timeoutMs: 15_000 });
    // The record's read of Ann's records is answered only once she has reset: it finds nothing.
    const readOfAnn = (c: DynamoCall) => c.operation === 'Query' && c.body.includes('"ConsistentRead":true') && c.body.includes(`"ACTOR#${TEAM}#UANN"`);
    const releaseRead = h.dynamoGate.delay(readOfAnn);
    let pin: string | undefined;
    try {
      releaseFailure();
      await until("the record's read of Ann's records, delayed at DynamoDB", () => h.dynamoGate.delayed.some(readOfAnn), 15_000);
      expect(h.dynamoGate.delayed.some(readOfAnn)).toBe(true);
      const submitted = await h.submit('UANN', opened.view);
      const final = await h.shownAfter(submitted, opened.viewId, 15_000);
      pin = h.chime.pinOf('chime-ann');
      expect(secretIn(final)).toBe(pin);
    } finally {
      releaseRead();
    }
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && c.at >= at && /went wrong/.test(String(c.args.text)), 15_000);
    expect(dm.args.text).toBe(
      'Something went wrong before Latchkey could finish, so it cannot tell whether your Amazon Chime personal meeting PIN was reset. If your Latchkey window shows your new PIN, that is done: keep it. Otherwise look at your Home tab before you run `/reset-pin` again; IT has been alerted.',
    );
    await h.lambda.idle();
    expect(secretIn(h.lastShown(opened.viewId, [])!)).toBe(pin);
    const refused = h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId && c.at >= at && c.result?.error === 'hash_conflict');
    expect(refused).toHaveLength(1);
  });
});

/**
 * A worker whose instance cannot start (its secrets not read: Secrets Manager throttling, a secret
 * being replaced) after the answering invocation, which did start, opened the person's window.
 */
describe('Latchkey on Lambda, when a worker cannot start', () => {
  const h = useHarness({ entry: 'lambda' }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  /** What one cold start reads: Slack's two secrets and each credential's own. */
  const READS = 2 + credentialSecretVariables().length;
  // None of the work ran: not "something went wrong", which for a click or a submission cannot tell whether anything changed.
  const NOT_RUN = 'Latchkey could not start that just now. Nothing was changed.';
  const fatalLines = (since: number) => h.logs.slice(since).join('').split('\n').filter((l) => l.includes('"msg":"Latchkey could not start"'));

  /**
   * A command whose answering invocation starts and opens the window, and whose worker starts cold
   * with the next `failedReads` reads of Secrets Manager refused. Its loading window's ID.
   */
  const commandWithColdWorker = async (userId: string, failedReads: number): Promise<string> => {
    // The answering invocation is warm: only the worker starts cold.
    await h.open('/reset-pin', 'UANN');
    const triggerId = h.slack.newTriggerId();
    const release = h.slack.hold('views.open', (args) => args.trigger_id === triggerId);
    const acked = h.command('/reset-pin', userId, { triggerId });
    try {
      // Bounded for a loaded machine; a pass costs none of it.
      const deadline = Date.now() + 15_000;
      while (!h.slack.held.some((c) => c.args.trigger_id === triggerId)) {
        if (Date.now() > deadline) throw new Error('the answering invocation never opened the window');
        await new Promise((r) => setTimeout(r, 10));
      }
      h.coldNext(1);
      // Refused, not failed: the SDK would try a 500 again, and read it.
      h.lambda.failNext('GetSecretValue', 'AccessDeniedException', failedReads);
    } finally {
      release();
    }
    expect((await acked).status).toBe(200);
    await h.lambda.idle();
    const opened = h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId)!;
    return h.openedViewId(opened);
  };

  it('the person is told in their window that nothing was changed, once; the operator gets the fatal line', async () => {
    const since = h.logs.length;
    const viewId = await commandWithColdWorker('UBOB', 1);
    const updates = h.slack.callsTo('views.update').filter((c) => c.args.view_id === viewId);
    expect(updates.map((c) => JSON.stringify(c.args.view)).filter((v) => v.includes(NOT_RUN))).toHaveLength(1);
    expect(JSON.stringify(h.lastShown(viewId, []))).toContain(NOT_RUN);
    expect(JSON.stringify(h.lastShown(viewId, []))).toContain('Try again in a minute. If it keeps happening, tell IT.');
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUBOB')).toEqual([]);
    expect(fatalLines(since)).toHaveLength(1);
    // The fatal line pages (FatalAlarm); the person's record is a warning, not one more page per person waiting.
    const failedLines = h.logs.slice(since).join('').split('\n').filter((l) => l.includes('"msg":"work order failed; telling the person"'));
    expect(failedLines).toHaveLength(1);
    expect(JSON.parse(failedLines[0]!)).toMatchObject({ level: 'warn', notStarted: true, slackUserId: 'UBOB' });
    expect(failedLines[0]).not.toContain('"alert"');
    // Nothing ran for Bob: not even his account's look-up.
    expect(h.chime.calls.filter((c) => c.params.UserEmail === 'bob@example.com')).toEqual([]);
  });

  it('and when the instance reading the failed work cannot start either at first, the queue brings it back and the person is told, once', async () => {
    const since = h.logs.length;
    // Every read of the worker's start, then the first of the failed work's first receive.
    const viewId = await commandWithColdWorker('UCARL', READS + 1);
    expect(h.lambda.deadLetters).toEqual([]);
    const told = h.slack.callsTo('views.update').filter((c) => c.args.view_id === viewId && JSON.stringify(c.args.view).includes(NOT_RUN));
    expect(told).toHaveLength(1);
    expect(fatalLines(since)).toHaveLength(2);
    const said = h.logs.slice(since).join('');
    for (const secret of [SIGNING_SECRET, h.slack.botToken, ...h.allSecrets()]) expect(said).not.toContain(secret);
  });

  it('a Reset click whose worker could not start: a DM says nothing ran and to try again, never that Latchkey cannot tell; its window is left as it is', async () => {
    const seal = new WorkOrderSeal(SIGNING_SECRET);
    const at = Date.now();
    const timestamp = Math.floor(at / 1000);
    const view = { id: 'V0RESETCLICK', type: 'modal', callback_id: 'reset_pin', private_metadata: '', blocks: [] };
    const body = new URLSearchParams({ payload: JSON.stringify(viewSubmissionPayload({ userId: 'UADA', teamId: TEAM, view })) }).toString();
    const order = seal.seal({ kind: 'latchkey.work', body, timestamp: String(timestamp), signature: slackSignature(SIGNING_SECRET, timestamp, body) }, at);
    const since = Date.now();
    await h.lambda.deliverFailedWork(order, NOT_STARTED_ERROR);
    const dms = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUADA' && c.at >= since);
    expect(dms.map((c) => c.args.text)).toEqual([`${NOT_RUN} Try again in a minute. If it keeps happening, tell IT.`]);
    expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === view.id)).toEqual([]);
  });

  it("a not-started record whose telling failed is told when its queue brings it back: its own claim is not taken for another delivery's", async () => {
    const seal = new WorkOrderSeal(SIGNING_SECRET);
    const at = Date.now();
    const timestamp = Math.floor(at / 1000);
    const view = { id: 'V0RESETAGAIN', type: 'modal', callback_id: 'reset_pin', private_metadata: '', blocks: [] };
    const body = new URLSearchParams({ payload: JSON.stringify(viewSubmissionPayload({ userId: 'UMAX', teamId: TEAM, view })) }).toString();
    const order = seal.seal({ kind: 'latchkey.work', body, timestamp: String(timestamp), signature: slackSignature(SIGNING_SECRET, timestamp, body) }, at);
    const receives = h.lambda.failuresDelivered.length;
    h.slack.failNext('chat.postMessage', { error: 'internal_error' }, 1, (args) => args.channel === 'DUMAX');
    await h.lambda.deliverFailedWork(order, NOT_STARTED_ERROR);
    expect(h.lambda.failuresDelivered.length - receives).toBe(2);
    const told = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUMAX' && c.at >= at && c.result?.ok === true);
    expect(told.map((c) => c.args.text)).toEqual([`${NOT_RUN} Try again in a minute. If it keeps happening, tell IT.`]);
    expect(h.lambda.deadLetters).toEqual([]);
  });

  /** A late delivery, held until `release`: its hook for deliverNextTwice. */
  const lateDelivery = () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    return { released, release };
  };
  /** Every Slack call since `at` whose arguments carry `text`, whatever its method. */
  const saying = (text: string, at: number) => h.slack.calls.filter((c) => c.at >= at && JSON.stringify(c.args).includes(text));

  it("a command Lambda delivers twice, its late duplicate on an instance that cannot start: the new PIN stays in the window, and nobody is told nothing was changed", async () => {
    const since = h.logs.length;
    const at = Date.now();
    const late = lateDelivery();
    h.lambda.deliverNextTwice({
      beforeSecond: async () => {
        await late.released;
        h.coldNext(1);
        h.lambda.failNext('GetSecretValue', 'AccessDeniedException', 1);
      },
    });
    let reset: Awaited<ReturnType<typeof h.reset>>;
    try {
      reset = await h.reset('/reset-pin', 'UCARL');
    } finally {
      late.release();
    }
    await h.lambda.idle();
    const pin = h.chime.pinOf('chime-carl');
    expect(secretIn(reset.final)).toBe(pin);
    // The duplicate's failed-work record came back, met the first delivery's claim, and told nobody.
    expect(fatalLines(since)).toHaveLength(1);
    expect(h.lambda.deadLetters).toEqual([]);
    const updates = h.slack.callsTo('views.update').filter((c) => c.args.view_id === reset.viewId);
    expect(secretIn(updates.at(-1)!.args.view)).toBe(pin);
    expect(saying('Nothing was changed', at)).toEqual([]);
    expect(saying('could not start', at)).toEqual([]);
    expect(h.logs.slice(since).join('')).toContain('failed work order already worked by another delivery; nobody told');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  });

  it('a Reset whose first delivery met an instance that could not start, its person told so: a late delivery of it is not worked', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    const at = Date.now();
    const updatesOf = () => h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId);
    // The confirmation's own update may carry this very millisecond: counted, not timed.
    const updatesBefore = updatesOf().length;
    const late = lateDelivery();
    h.lambda.deliverNextTwice({
      beforeFirst: () => {
        h.coldNext(1);
        h.lambda.failNext('GetSecretValue', 'AccessDeniedException', 1);
      },
      beforeSecond: () => late.released,
    });
    try {
      const submitted = await h.submit('UBOB', opened.view);
      expect(JSON.stringify(submitted.json)).toContain('Resetting');
      const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && c.at >= at, 15_000);
      expect(dm.args.text).toBe(`${NOT_RUN} Try again in a minute. If it keeps happening, tell IT.`);
    } finally {
      late.release();
    }
    await h.lambda.idle();
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    expect(updatesOf().slice(updatesBefore)).toEqual([]);
    expect(h.logs.join('')).toContain('work order delivered again; already worked, so ignored');
  });
});

/** A failed-work record that met an instance that could not start, when the work claims cannot be read. */
describe('Latchkey on Lambda, when a worker cannot start and its work claim cannot be read', () => {
  const h = useHarness({ entry: 'lambda', dynamoGate: true, awsRequestTimeoutMs: 1_000 }, (x) => x.slack.clear());
  const seal = new WorkOrderSeal(SIGNING_SECRET);

  it("a command's record: told privately, never that nothing was changed, and its window (which may since show a new PIN) is not replaced", async () => {
    const at = Date.now();
    const timestamp = Math.floor(at / 1000);
    const body = slashCommandBody({ command: '/reset-pin', user_id: 'UANN', team_id: TEAM, trigger_id: h.slack.newTriggerId() });
    const order = seal.seal(
      { kind: 'latchkey.work', body, timestamp: String(timestamp), signature: slackSignature(SIGNING_SECRET, timestamp, body), opened: { ok: true, viewId: 'V0LOADING' } },
      at,
    );
    const release = h.dynamoGate.hold((c) => c.operation === 'UpdateItem' && c.body.includes('failed-work#'));
    try {
      await h.lambda.deliverFailedWork(order, NOT_STARTED_ERROR);
    } finally {
      release();
    }
    expect(h.dynamoGate.held.length).toBeGreaterThan(0);
    const dms = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUANN' && c.at >= at);
    expect(dms.map((c) => c.args.text)).toEqual([
      'Latchkey could not start part of that just now. If your Latchkey window still says it is checking, close it and run the command again in a minute; if it shows anything else, carry on there. If it keeps happening, tell IT.',
    ]);
    expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === 'V0LOADING')).toEqual([]);
    expect(h.logs.join('')).toContain('could not claim the failed work order');
  }, 60_000);
});

describe('Latchkey on Lambda, a work order delivered older than 5 minutes', () => {
  const h = useHarness({ entry: 'lambda', dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it('is dropped and claimed: a later delivery of it, to an instance whose clock is 30 s behind (to which it is not yet 5 minutes old), changes nothing; its person, left at "Resetting…", is told once that nothing was changed, in the PIN\'s words', async () => {
    const opened = await h.open('/reset-pin', 'UMAX');
    const updatesBefore = h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId).length;
    const seal = new WorkOrderSeal(SIGNING_SECRET);
    const at = Date.now() - (WORK_MAX_AGE_MS + 10_000);
    const timestamp = Math.floor(at / 1000);
    const body = new URLSearchParams({ payload: JSON.stringify(viewSubmissionPayload({ userId: 'UMAX', teamId: TEAM, view: opened.view })) }).toString();
    const order = seal.seal({ kind: 'latchkey.work', body, timestamp: String(timestamp), signature: slackSignature(SIGNING_SECRET, timestamp, body) }, at);
    const since = h.logs.length;
    // Counted, not timed: the late delivery below runs on a clock 30 s behind, and so would the stand-in's record of a DM it sent.
    const toldFrom = h.slack.calls.length;
    await h.lambda.deliverWork(order);
    expect(h.logs.slice(since).join('')).toContain('work order dropped: older than 5 minutes');
    const told = 'Something went wrong, and your Amazon Chime personal meeting PIN was not reset: nothing was changed. Run `/reset-pin` again.';
    const dms = () => h.slack.calls.slice(toldFrom).filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUMAX').map((c) => c.args.text);
    expect(dms()).toEqual([told]);
    const realNow = Date.now.bind(Date);
    const behind = jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 30_000);
    try {
      await h.lambda.deliverWork(order);
    } finally {
      behind.mockRestore();
    }
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId)).toHaveLength(updatesBefore);
    expect((await h.auditRecords('UMAX')).filter((r) => r.phase === 'attempt')).toEqual([]);
    expect(h.logs.slice(since).join('')).toContain('work order delivered again; already worked, so ignored');
    expect(dms()).toEqual([told]);
  });

  it('dropped after an earlier delivery of it reset the PIN without its claim (the claim write failed): its person is not told nothing was changed, but that Latchkey cannot tell, in the PIN\'s words', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    const seal = new WorkOrderSeal(SIGNING_SECRET);
    const at = Date.now();
    const timestamp = Math.floor(at / 1000);
    const body = new URLSearchParams({ payload: JSON.stringify(viewSubmissionPayload({ userId: 'UBOB', teamId: TEAM, view: opened.view })) }).toString();
    const order = seal.seal({ kind: 'latchkey.work', body, timestamp: String(timestamp), signature: slackSignature(SIGNING_SECRET, timestamp, body) }, at);
    const since = h.logs.length;
    // The first delivery: its claim never reaches DynamoDB, and it resets the PIN anyway.
    const release = h.dynamoGate.hold((c) => c.operation === 'UpdateItem' && c.body.includes('"work#'));
    try {
      await h.lambda.deliverWork(order);
    } finally {
      release();
    }
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    expect(h.logs.slice(since).join('')).toContain('could not claim the work order; working it anyway');
    // Lambda's duplicate, delivered past 5 minutes: dropped, and its claim is the first written.
    // Counted, not timed: the first delivery's receipt can be recorded in the very millisecond read here.
    const toldFrom = h.slack.calls.length;
    const realNow = Date.now.bind(Date);
    const later = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + WORK_MAX_AGE_MS + 10_000);
    try {
      await h.lambda.deliverWork(order);
    } finally {
      later.mockRestore();
    }
    expect(h.logs.slice(since).join('')).toContain('work order dropped: older than 5 minutes');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    const dms = h.slack.calls.slice(toldFrom).filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUBOB').map((c) => String(c.args.text));
    expect(dms).toHaveLength(1);
    expect(dms[0]).not.toContain('nothing was changed');
    expect(dms[0]).toContain('Amazon Chime personal meeting PIN');
    expect(dms[0]).toMatch(/cannot tell/);
  }, 60_000);
});

describe("Latchkey on Lambda, with the verify policy's longest wait (300 s) before an Entra password", () => {
  // The function's timeout is Entra's 51 s and the wait, 351 s; a failed work order comes back
  // through FailedWork up to 5 min + 6 × 351 s after it was handed off, past 40 minutes.
  const h = useHarness({ entry: 'lambda', env: { RESET_POLICY: 'entra_password=verify', VERIFY_WITH: 'okta', VERIFY_TIMEOUT_SECONDS: '300' } }, (x) => x.slack.clear());
  const seal = new WorkOrderSeal(SIGNING_SECRET);
  /** The work order of a command run `ageMs` ago, as the answering invocation sealed it then. */
  const orderFrom = (userId: string, ageMs: number): WorkOrder => {
    const at = Date.now() - ageMs;
    const timestamp = Math.floor(at / 1000);
    const body = slashCommandBody({ command: '/reset-entra-password', user_id: userId, team_id: TEAM, trigger_id: h.slack.newTriggerId() });
    return seal.seal({ kind: 'latchkey.work', body, timestamp: String(timestamp), signature: slackSignature(SIGNING_SECRET, timestamp, body) }, at + 1_000);
  };
  const dmsTo = (channel: string) => h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel);

  it('a failed work order back 35 minutes after the command is told to the person; one back after 45 minutes, later than it could come, is refused', async () => {
    await h.lambda.deliverFailedWork(orderFrom('UANN', 35 * 60_000));
    expect(dmsTo('DUANN').map((c) => c.args.text)).toEqual(['Something went wrong, nothing was changed. Run the command again.']);
    await h.lambda.deliverFailedWork(orderFrom('UBOB', 45 * 60_000));
    expect(dmsTo('DUBOB')).toEqual([]);
    expect(h.logs.join('')).toContain('failed work order refused');
  });
});

describe('Latchkey on Lambda, its timeout raised by hand past what the stack set', () => {
  // Read at the cold start: a failed work order may come back as late as the longer timeout lets it.
  const h = useHarness({ entry: 'lambda' }, (x) => x.slack.clear());
  const seal = new WorkOrderSeal(SIGNING_SECRET);
  const orderFrom = (userId: string, ageMs: number): WorkOrder => {
    const at = Date.now() - ageMs;
    const timestamp = Math.floor(at / 1000);
    const body = slashCommandBody({ command: '/reset-pin', user_id: userId, team_id: TEAM, trigger_id: h.slack.newTriggerId() });
    return seal.seal({ kind: 'latchkey.work', body, timestamp: String(timestamp), signature: slackSignature(SIGNING_SECRET, timestamp, body) }, at + 1_000);
  };

  it('a failed work order back later than the stack\'s timeout allows, but within the function\'s own, is told to the person', async () => {
    const setS = h.lambda.deployedTimeoutMs / 1000;
    h.lambda.functionTimeoutMs = h.lambda.deployedTimeoutMs + 120_000;
    h.coldNext(1);
    try {
      await h.lambda.deliverFailedWork(orderFrom('UANN', failedWorkMaxAgeMs(setS) + 5 * 60_000));
      const dms = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUANN');
      expect(dms.map((c) => c.args.text)).toEqual(['Something went wrong, nothing was changed. Run the command again.']);
    } finally {
      h.lambda.functionTimeoutMs = h.lambda.deployedTimeoutMs;
    }
  });
});

describe('Latchkey on Lambda, when the signing secret is rotated', () => {
  const h = useHarness({ entry: 'lambda' });
  const ROTATED = 'rotated-signing-secret-0123456789abcdef';

  it('the first request signed with the new secret is answered, and a bad signature reads the secret again at most once a minute', async () => {
    await h.open('/reset-pin', 'UANN'); // warm, with the old secret
    h.lambda.secrets.set(SECRET_ARNS.signingSecret, ROTATED);
    const reads = () => h.lambda.callsTo('GetSecretValue').length;
    const before = reads();
    const triggerId = h.slack.newTriggerId();
    const res = await postSlashCommand(h.eventsUrl, ROTATED, { command: '/reset-pin', user_id: 'UBOB', team_id: TEAM, trigger_id: triggerId });
    expect(res.status).toBe(200);
    await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
    expect(reads()).toBeGreaterThan(before);

    const afterRotation = reads();
    for (let i = 0; i < 3; i++) {
      const forged = await postSlashCommand(h.eventsUrl, 'not-the-secret-at-all-0123456789ab', { command: '/reset-pin', user_id: 'UBOB', team_id: TEAM, trigger_id: h.slack.newTriggerId() });
      expect(forged.status).toBe(401);
    }
    expect(reads()).toBe(afterRotation);
    await h.lambda.idle();
  });
});

describe('Latchkey on Lambda, when a forged request meets secrets that cannot be read again', () => {
  const h = useHarness({ entry: 'lambda' });

  it('answers 401 and pages nobody: the read it set off is a warning saying what to check, as an outsider times it', async () => {
    await h.open('/reset-pin', 'UANN'); // warm: Slack's own requests never read the secrets again
    const since = h.logs.length;
    h.lambda.failNext('GetSecretValue', 'AccessDeniedException', 1000);
    const forged = await postSlashCommand(h.eventsUrl, 'not-the-secret-at-all-0123456789ab', { command: '/reset-pin', user_id: 'UBOB', team_id: TEAM, trigger_id: h.slack.newTriggerId() });
    expect(forged.status).toBe(401);
    await h.lambda.idle();
    const lines = h.logs
      .slice(since)
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: string | number; msg: string; alert?: boolean; err?: string });
    expect(lines.filter((l) => l.alert === true)).toEqual([]);
    const reread = lines.filter((l) => l.msg.startsWith('could not read the secrets again'));
    expect(reread).toHaveLength(1);
    expect(reread[0]).toMatchObject({ level: 'warn', err: expect.stringContaining('AccessDeniedException') });
    expect(reread[0]!.msg).toContain("check the secrets and the function role's ReadSecrets");
  });
});

describe('Latchkey on Lambda, when the secrets read again after a rotation are refused', () => {
  const h = useHarness({ entry: 'lambda' });

  it('pages with its own words (the secrets were read, the configuration refused them, and which), not "could not read", and keeps serving with the secret it had', async () => {
    await h.open('/reset-pin', 'UANN'); // warm, with the old secret
    const ROTATED = 'rotated-signing-secret-0123456789abcdef';
    h.lambda.secrets.set(SECRET_ARNS.signingSecret, ROTATED);
    h.lambda.secrets.set(SECRET_ARNS.botToken, 'not-a-bot-token');
    const res = await postSlashCommand(h.eventsUrl, ROTATED, { command: '/reset-pin', user_id: 'UBOB', team_id: TEAM, trigger_id: h.slack.newTriggerId() });
    expect(res.status).toBe(401);
    const alerts = h.logs
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; alert?: boolean; err?: string })
      .filter((line) => line.alert === true);
    expect(alerts.map((a) => a.msg)).toEqual(['the Slack signing secret changed, but Latchkey could not start with the secrets read again: it goes on with the old one']);
    expect(alerts[0]!.err).toMatch(/the configuration has problems\.\n {2}- SLACK_BOT_TOKEN: must be a bot token/);
    expect(h.logs.join('')).not.toContain(ROTATED);
    // The instance serves as before, with the secret it had.
    expect((await h.open('/reset-pin', 'UANN')).view.submit).toBeDefined();
    await h.lambda.idle();
  });
});

describe("Lambda's log lines", () => {
  it('go to stdout synchronously: nothing waits in a buffer when Lambda freezes the process after the answer', () => {
    const stream = (lambdaLogger('info') as unknown as Record<symbol, { sync?: boolean; fd?: number }>)[pino.symbols.streamSym];
    expect(stream).toMatchObject({ sync: true, fd: 1 });
  });
});
