import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoCall } from '../support/dynamo-gate';
import { APPROVALS_CHANNEL, secretIn, useHarness } from '../support/harness';
import { until } from '../support/until';
import { LAMBDA_DYNAMODB_REQUEST_TIMEOUT_MS } from '../../src/aws-client';

/**
 * An AWS call that gets no answer within the clients' request timeout fails, and the person is told
 * what that means: nothing was changed when the call was a lookup or the audit's attempt, but a
 * change that was sent may have been made (DIRECTORY_OUTCOME_UNKNOWN), so it is never said to have
 * changed nothing. Real SDK clients against the stand-ins and dynalite; the stand-ins hold their
 * answers (StandIn.hold), and a gate in front of dynalite holds DynamoDB's (dynamo-gate.ts). The
 * timeout is 1 s here (the app's is 5 s), handed in through the composition as the app's own is.
 */
describe('an AWS call not answered within the request timeout', () => {
  const h = useHarness({ awsRequestTimeoutMs: 1_000, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
    x.workmail.clear();
  });
  let releases: (() => void)[] = [];
  afterEach(() => {
    for (const release of releases) release();
    releases = [];
  });
  const hold = (release: () => void) => releases.push(release);

  /** What reached the console while `act` ran: the SDK's own warnings would land there, unstructured. */
  async function console$<T>(act: () => Promise<T>): Promise<{ result: T; said: string[] }> {
    const said: string[] = [];
    const spies = (['log', 'info', 'warn', 'error'] as const).map((level) => jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void said.push(args.map(String).join(' '))));
    try {
      return { result: await act(), said };
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  }

  it.each([
    ['/reset-pin', 'UANN', () => h.chime, 'ResetPersonalPIN', 'Amazon Chime did not confirm the reset, so Latchkey cannot tell whether your PIN was reset.'],
    ['/reset-password', 'UCARL', () => h.workmail, 'ResetPassword', 'Amazon WorkMail did not confirm the reset, so Latchkey cannot tell whether your password was reset.'],
  ])(
    '%s: a reset the directory never answers ends, telling the person it may have been made (never "nothing was changed"); the audit says the outcome is unknown',
    async (command, userId, standIn, operation, told) => {
      const { result, said } = await console$(() => h.reset(command, userId, { beforeSubmit: () => hold(standIn().hold()) }));
      const shown = JSON.stringify(result.final);
      expect(shown).toContain(told);
      expect(shown).toContain('contact IT and quote the reference below');
      expect(shown).not.toContain('Nothing was changed');
      // The change was sent once, and never again: the directory may have made it (the stand-in
      // did), and a retry would make it again, or be refused and hide that it was made.
      expect(standIn().callsTo(operation)).toHaveLength(1);
      const records = await h.waitForAudit(userId, (r) => r.phase === 'outcome' && r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN');
      const mine = records.filter((r) => r.requestId === records.find((o) => o.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN')!.requestId);
      expect(mine.map((r) => [r.phase, r.outcome])).toEqual([
        ['attempt', undefined],
        ['outcome', 'failure'],
      ]);
      const reference = mine[0]!.requestId;
      // Their Home tab says the outcome is unknown, with the reference IT checks it by, not that it failed.
      const lines = async (viewer: string) => ((await h.openHome(viewer)).home.blocks as any[]).map((b) => (b.text?.text ?? '') as string);
      expect((await lines(userId)).filter((t) => t.includes(reference))).toEqual([expect.stringContaining('Outcome unknown: IT can check it with the reference')]);
      // Once any reset would have finished, it is in the admins' Needs attention as an unknown outcome.
      h.clock.offsetMs = 3 * 60_000;
      const admin = await lines('UADA').finally(() => (h.clock.offsetMs = 0));
      expect(admin.filter((t) => t.includes(reference) && t.includes(`<@${userId}>`))).toEqual([expect.stringContaining(':grey_question: *Outcome unknown*')]);
      // Nothing of the SDK's reached the console.
      expect(said).toEqual([]);
      expect(h.logs.join('')).toContain('"code":"DIRECTORY_OUTCOME_UNKNOWN"');
    },
    30_000,
  );

  it('a lookup the directory never answers, before anything changes: "not answering", and nothing was changed', async () => {
    hold(h.chime.hold());
    // Three attempts of 1 s each and the SDK's pauses between them: 3-4 s of work, waited for up to 15 s.
    const { view } = await h.open('/reset-pin', 'UANN', { timeoutMs: 15_000 });
    expect(JSON.stringify(view)).toContain('Amazon Chime is not answering right now. Nothing was changed.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  }, 30_000);

  it('a lookup not answered once is tried again (lookups keep the SDK\'s retries), and the reset then goes through', async () => {
    const release = h.chime.hold(['ListUsers']);
    hold(release);
    // Answers flow again once the retry has come (the first attempt timed out, at 1 s): the retry is
    // answered at once. Released on a timer from the first attempt, a busy machine could release it
    // after the retry had timed out too, and a third attempt was made.
    const retried = (async () => {
      const deadline = Date.now() + 15_000;
      while (h.chime.callsTo('ListUsers').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      release();
    })();
    const { final } = await h.reset('/reset-pin', 'UBOB', { timeoutMs: 15_000 });
    await retried;
    expect(secretIn(final)).toBe(h.chime.pinOf('chime-bob'));
    expect(h.chime.callsTo('ListUsers')).toHaveLength(2);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  }, 30_000);

  it('the audit attempt DynamoDB never answers: nothing changes (fail closed), and the person is told the audit could not be written', async () => {
    const { final } = await h.reset('/reset-pin', 'UBOB', {
      beforeSubmit: () => hold(h.dynamoGate.hold((call) => call.operation === 'PutItem' && call.body.includes('"attempt"') && call.body.includes('UBOB'))),
      // DynamoDB's three attempts of 1 s each: 3-4 s of work, waited for up to 15 s.
      timeoutMs: 15_000,
    });
    expect(JSON.stringify(final)).toContain('Latchkey could not write its audit record, so it changed nothing.');
    expect(h.dynamoGate.held.length).toBeGreaterThanOrEqual(1);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  }, 30_000);

  it("a reset's outcome record DynamoDB never answers: the person gets their PIN, and the alert names them, as docs/deploy.md tells the on-call to ask them", async () => {
    const outcome = (call: DynamoCall) => call.operation === 'PutItem' && call.body.includes('"outcome"') && call.body.includes('UCARL');
    const { final } = await h.reset('/reset-pin', 'UCARL', { beforeSubmit: () => hold(h.dynamoGate.hold(outcome)), timeoutMs: 15_000 });
    expect(secretIn(final)).toBe(h.chime.pinOf('chime-carl'));
    const attempt = (await h.auditRecords('UCARL')).filter((r) => r.phase === 'attempt').at(-1)!;
    const alerts = () =>
      h.logs.join('').split('\n').filter((l) => l.includes('"audit record could not be written"')).map((l) => JSON.parse(l)).filter((l) => l.requestId === attempt.requestId);
    await until("the outcome record's alert", () => alerts().length > 0, 15_000);
    expect(alerts()).toEqual([expect.objectContaining({ alert: true, phase: 'outcome', action: 'reset_pin', slackUserId: 'UCARL' })]);
  }, 30_000);

  it("a command while DynamoDB answers nothing at all is one page, its own, naming who and what failed; the refusal record it could not write is logged beside it under the same reference, not paged again", async () => {
    const logged = h.logs.length;
    hold(h.dynamoGate.hold(() => true));
    // The limit's read, the refusal's count and its record: DynamoDB's three attempts of 1 s each, one after another.
    const { view } = await h.open('/reset-pin', 'UBOB', { timeoutMs: 20_000 });
    expect(JSON.stringify(view)).toContain('An admin has been alerted.');
    const lines = () => h.logs.slice(logged).join('').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    await until('the lost refusal record\'s line', () => lines().some((l) => l.msg === 'audit record could not be written'), 15_000);
    // Before: two pages for one command, the second `audit record could not be written` (phase refused).
    const alerts = lines().filter((l) => l.alert === true);
    expect(alerts).toEqual([expect.objectContaining({ msg: 'reset failed: operator action needed', slackUserId: 'UBOB', code: 'STORE_UNAVAILABLE', kind: 'pin' })]);
    const lost = lines().filter((l) => l.msg === 'audit record could not be written');
    expect(lost).toEqual([expect.objectContaining({ level: 'error', phase: 'refused', slackUserId: 'UBOB', errorCode: 'STORE_UNAVAILABLE', requestId: alerts[0]!.requestId })]);
    expect(lost[0]!.alert).toBeUndefined();
  }, 40_000);

  it('a license change Chime never answers: the admin and the channel are told it may or may not have been applied, never that it was not', async () => {
    const { view } = await h.open('/request-license', 'UMAX');
    await h.submit('UMAX', view, {
      values: {
        license: { license: { type: 'radio_buttons', selected_option: { value: 'Pro' } } },
        reason: { reason: { type: 'plain_text_input', value: 'I run the customer webinars' } },
      },
    });
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes('<@UMAX>'));
    const button = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    const message = { channel: post.result!.channel as string, ts: post.result!.ts as string };
    const review = await h.opening((trigger) => h.click('UADA', 'license_review', button.value as string, message, trigger));
    // The change only: the reads before it are answered.
    hold(h.chime.hold(['UpdateUser']));
    await h.submit('UADA', review.view, {
      values: {
        decision: { decision: { type: 'radio_buttons', selected_option: { value: 'approve' } } },
        comment: { comment: { type: 'plain_text_input', value: null } },
      },
    });
    const result = JSON.stringify(await h.viewUpdate(review.viewId, 2));
    expect(result).toContain('but the change may or may not have been applied: Amazon Chime did not confirm the change, so Latchkey cannot tell whether your license was changed.');
    expect(result).not.toContain('was not applied');
    // Sent once, never again.
    expect(h.chime.callsTo('UpdateUser')).toHaveLength(1);
    const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === message.ts && JSON.stringify(c.args).includes('may or may not have been applied'));
    expect(JSON.stringify(update.args)).not.toContain('was not applied');
    await h.waitForAudit('UADA', (r) => r.action === 'license_apply' && r.phase === 'outcome' && r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN');
    // The requester's Home tab: never "the change was not made".
    const { home } = await h.openHome('UMAX');
    expect(JSON.stringify(home)).toContain('the directory did not confirm the change: it may or may not have been made');
    expect(JSON.stringify(home)).not.toContain('the change was not made');
  }, 30_000);
});

/**
 * A change's call keeps to the time its credential declares for it (Credential.changeTime: one
 * AWS call, connectionTimeout + requestTimeout, 2 s + 5 s, the app's own here), which
 * a Lambda work order counts on to still show the result: the SDK's retries of what never carried
 * the request (throttling, a 503, a connection never made) are sent only while they can still end
 * within it, measured from the call's first attempt. An attempt ends within its requestTimeout
 * (its timer runs from the attempt's start, the connection included), so a refusal answered within
 * the connection timeout's 2 s may still be tried again (reset-pin.test.ts, 'Chime throttling is
 * retried and then succeeds'); one answered later is not, and the person is told what the call's
 * own error says. Without the rule, three attempts and their waits.
 */
describe("a change's retries, within its call's declared time", () => {
  // The app's own timeouts: an attempt may outlast the 2.5 s a refusal is held for.
  const h = useHarness({}, (x) => {
    x.slack.clear();
    x.chime.clear();
    x.workmail.clear();
  });
  const held: (() => void)[] = [];
  afterEach(() => held.splice(0).forEach((release) => release()));

  /** The answers to `operation` held until 2.5 s after its first call came: past the 2 s a retry still fits in. */
  function answeredLate(standIn: { hold(operations?: readonly string[]): () => void; callsTo(operation: string): unknown[] }, operation: string): void {
    const release = standIn.hold([operation]);
    held.push(release);
    void (async () => {
      const deadline = Date.now() + 15_000;
      while (standIn.callsTo(operation).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 2_500));
      release();
    })();
  }

  it.each([
    ['/reset-pin', 'ThrottledClientException', 'UBOB', () => h.chime, 'ResetPersonalPIN', 'Amazon Chime is busy and asked Latchkey to slow down. Nothing was changed.', 'DIRECTORY_THROTTLED'],
    ['/reset-pin', 'ServiceUnavailableException', 'UCARL', () => h.chime, 'ResetPersonalPIN', 'Amazon Chime is not answering right now. Nothing was changed.', 'DIRECTORY_UNAVAILABLE'],
    ['/reset-password', 'ThrottlingException', 'UCARL', () => h.workmail, 'ResetPassword', 'Amazon WorkMail is busy and asked Latchkey to slow down. Nothing was changed.', 'DIRECTORY_THROTTLED'],
  ] as const)(
    '%s: a change refused (%s) only after 2.5 s is not sent again, since a second attempt could end past the call\'s declared time: the person is told nothing was changed',
    async (command, code, userId, standIn, operation, told, auditCode) => {
      const { final } = await h.reset(command, userId, {
        beforeSubmit: () => {
          (standIn() as { failNext(operation: string, code: string): void }).failNext(operation, code);
          answeredLate(standIn(), operation);
        },
        timeoutMs: 15_000,
      });
      expect(JSON.stringify(final)).toContain(told);
      expect(secretIn(final)).toBeUndefined();
      expect(standIn().callsTo(operation)).toHaveLength(1);
      await h.waitForAudit(userId, (r) => r.phase === 'outcome' && r.errorCode === auditCode);
    },
    30_000,
  );
});

/**
 * On Lambda the function has 30 s for Chime's PIN (lambdaTimeoutS), and a work order must end
 * inside them with its outcome on record. DynamoDB is given a bound that fits: each attempt
 * LAMBDA_DYNAMODB_REQUEST_TIMEOUT_MS (the app's own here: no shorter timeout is handed in), so a
 * call that never answers fails after its four attempts in about 4.4 s, not 20.
 */
describe('on Lambda, DynamoDB calls that are never answered', () => {
  const h = useHarness({ entry: 'lambda', dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  let releases: (() => void)[] = [];
  afterEach(() => {
    for (const release of releases) release();
    releases = [];
  });

  it("a click's work order whose claim and outcome record both hang: Bob gets his PIN, and the work ends well inside the function's 30 s (each hung call given up after LAMBDA_DYNAMODB_REQUEST_TIMEOUT_MS an attempt)", async () => {
    const claim = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"work#');
    const outcome = (c: DynamoCall) => c.operation === 'PutItem' && c.body.includes('"outcome"') && c.body.includes('UBOB');
    const opened = await h.open('/reset-pin', 'UBOB');
    releases.push(h.dynamoGate.hold(claim), h.dynamoGate.hold(outcome));
    await h.submit('UBOB', opened.view);
    const shown = await h.viewUpdate(opened.viewId, 2, 40_000);
    expect(secretIn(shown)).toBe(h.chime.pinOf('chime-bob'));
    await h.lambda.idle();
    const ended = h.lambda.worked.at(-1)!;
    expect(ended.error).toBeUndefined();
    // Each hung call was tried four times (the DynamoDB client's default), and then given up.
    expect(h.dynamoGate.held.filter(claim)).toHaveLength(4);
    expect(h.dynamoGate.held.filter(outcome)).toHaveLength(4);
    // Each gave up after LAMBDA_DYNAMODB_REQUEST_TIMEOUT_MS an attempt, as the SDK's error says: so
    // the two took at most 8 x 1 s and their backoffs, where at 5 s an attempt (AWS_REQUEST_TIMEOUT_MS)
    // they took about 41 s, past the function's 30 s, the outcome's failure unlogged. Proven by what
    // the client was bound to, not by timing the run (budgets are the bench's).
    const bound = `a request has exceeded the configured ${LAMBDA_DYNAMODB_REQUEST_TIMEOUT_MS} ms requestTimeout`;
    const said = (msg: string) => h.logs.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string; err?: string }).filter((line) => line.msg === msg);
    expect(said('could not claim the work order; working it anyway')).toEqual([expect.objectContaining({ err: expect.stringContaining(bound) })]);
    expect(said('audit record could not be written')).toEqual([expect.objectContaining({ phase: 'outcome', err: expect.stringContaining(bound) })]);
  }, 60_000);
});

describe('a change client (forChanges): what it still tries again', () => {
  it('a connection refused never carried the change: it is tried again, as the SDK does (3 attempts)', async () => {
    const { ChimeClient, ResetPersonalPINCommand } = await import('@aws-sdk/client-chime');
    const { awsClientSettings, forChanges } = await import('../../src/aws-client');
    // A port nothing listens on: every connection is refused.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const client = new ChimeClient({
      ...forChanges(awsClientSettings({ requestTimeoutMs: 1_000 })),
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' },
    });
    try {
      const err = (await client.send(new ResetPersonalPINCommand({ AccountId: 'a', UserId: 'u' })).then(() => undefined, (e: unknown) => e)) as Error & { $metadata?: { attempts?: number } };
      // (Under jest the SDK wraps Node's error, from another realm, keeping its message.)
      expect(err.message).toContain('ECONNREFUSED');
      expect(err.$metadata?.attempts).toBe(3);
    } finally {
      client.destroy();
    }
  });

  it("a connection timeout never carried the change, but came 2 s into the call: not tried again, since a second attempt (up to 5 s) could end past the call's 7 s (connectionTimeout + requestTimeout, as Credential.changeTime declares it)", async () => {
    const { ChimeClient, ResetPersonalPINCommand } = await import('@aws-sdk/client-chime');
    const { awsClientSettings, forChanges } = await import('../../src/aws-client');
    // One connection to the host, held by a call the server never answers: the change waits for it
    // until its connection timeout (the app's own, 2 s), never written.
    const received: string[] = [];
    const server = createServer((req) => void received.push(req.url ?? ''));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const settings = forChanges(awsClientSettings());
    const client = new ChimeClient({
      ...settings,
      requestHandler: { ...settings.requestHandler, httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) },
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' },
    });
    const holder = client.send(new ResetPersonalPINCommand({ AccountId: 'a', UserId: 'held' })).catch(() => undefined);
    try {
      await until('the held request at the server', () => received.length > 0);
      const err = (await client.send(new ResetPersonalPINCommand({ AccountId: 'a', UserId: 'change' })).then(() => undefined, (e: unknown) => e)) as Error & { $metadata?: { attempts?: number } };
      expect(err.message).toContain('did not establish a connection');
      expect(err.$metadata?.attempts).toBe(1);
      expect(received).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await holder;
      client.destroy();
    }
  }, 30_000);
});

/**
 * On Lambda a click's work order makes its Slack calls after the change (the modal that shows the
 * secret, the ephemeral message that shows it when the modal could not, then the receipt:
 * conversations.open and chat.postMessage), and must still end inside
 * the function's 30 s when Slack hangs. With the app's default SLACK_API_RETRIES (2) and 5 s an
 * attempt, a call Slack never answers took about 16.5 s, so two of them ran past the function's
 * end; on Lambda each call, its tries and waits together, gets LAMBDA_SLACK_CALL_MS.
 */
describe('on Lambda, Slack calls that are never answered', () => {
  const h = useHarness({ entry: 'lambda', env: { SLACK_API_RETRIES: '2' } }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const HUNG = ['views.update', 'conversations.open', 'chat.postMessage'];
  afterEach(() => {
    for (const method of HUNG) h.slack.setProcessingDelay(method, undefined);
  });

  it("a click's work order whose Slack calls after the change all hang: the change is made and on record, and the work ends well inside the function's 30 s", async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    // Past the 5 s an attempt: to the app, Slack never answers these.
    const tries: Record<string, number> = {};
    for (const method of HUNG) h.slack.setProcessingDelay(method, () => ((tries[method] = (tries[method] ?? 0) + 1), 6_000));
    await h.submit('UBOB', opened.view);
    await h.waitForAudit('UBOB', (r) => r.phase === 'outcome' && r.outcome === 'success', 40_000);
    await h.lambda.idle();
    const ended = h.lambda.worked.at(-1)!;
    expect(ended.error).toBeUndefined();
    // The secret's modal, then (its views.update unanswered) the DM channel for the secret's ephemeral
    // message (132b903), then the receipt's: each given up after one try though SLACK_API_RETRIES
    // allows three, at the call's bound (LAMBDA_SLACK_CALL_MS, 4 s), which leaves no room for a second
    // try after a 5 s attempt and its 500 ms backoff. So the three took at most 3 x 4 s, where at 5 s
    // an attempt and two retries each took about 16.5 s, and two of them ran past the function's 30 s
    // (33 s). Proven by what Slack was sent, not by timing the run.
    expect(tries).toEqual({ 'views.update': 1, 'conversations.open': 2 });
    // And well before the work's time for Slack calls was up (WORK_SLACK_RESERVE_MS before its end): none was left unmade.
    expect(h.logs.join('')).not.toContain("Slack call not made: the work order's time for Slack calls is up");
  }, 60_000);
});
