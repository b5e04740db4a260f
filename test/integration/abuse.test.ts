import fc from 'fast-check';
import { secretIn, useHarness, SIGNING_SECRET, TEAM } from '../support/harness';
import { postSigned, postSlashCommand, viewSubmissionPayload } from '../support/slack-requests';

/** A self-service reset bot is an attack surface: limits, junk and replays, over real HTTP. */
describe('rate limits shared by every instance', () => {
  const h = useHarness({ env: { RESET_MAX_PER_HOUR: '2', RESET_MAX_PER_MINUTE_GLOBAL: '5' } });
  // The organization-wide count is per minute: these tests start one second into a minute (the
  // app's clock moved forward), so the count they build up is never split by the minute's end.
  beforeAll(() => {
    h.clock.toJustPastNext('minute');
  });

  it('a third PIN reset in the hour is refused, says when to try again, is audited, and never reaches Chime', async () => {
    const second = await h.startAnotherInstance();
    await h.open('/reset-pin', 'UANN');
    await h.open('/reset-pin', 'UANN', { url: second }); // the other instance counts too
    const lookups = h.chime.callsTo('ListUsers').length;

    const { view } = await h.open('/reset-pin', 'UANN');
    const text = JSON.stringify(view);
    expect(text).toContain('You have started as many PIN resets as Latchkey allows in an hour.');
    expect(text).toMatch(/You can try again after <!date\^\d+\^/);
    expect(view.submit).toBeUndefined();
    expect(h.chime.callsTo('ListUsers')).toHaveLength(lookups);
    await h.waitForAudit('UANN', (r) => r.phase === 'refused' && r.errorCode === 'RATE_LIMITED');

    // Per kind: the password is a separate allowance.
    const password = await h.open('/reset-password', 'UANN');
    expect(password.view.submit?.text).toBe('Reset password');
  });

  it('past the organization-wide ceiling, resets pause for everyone and an alert is logged', async () => {
    // Counted so far: Ann's two PINs and her password (her refused third counted nothing for
    // anyone else). Two more fill the minute's 5; the next is refused.
    await h.open('/reset-pin', 'UBOB');
    await h.open('/reset-pin', 'UADA');
    const { view } = await h.open('/reset-pin', 'UCARL');
    expect(JSON.stringify(view)).toContain('Latchkey has paused resets for a moment');
    expect(h.logs.join('')).toMatch(/"level":"error".*"alert":true.*organization-wide limit reached/);
    await h.waitForAudit('UCARL', (r) => r.errorCode === 'RESETS_PAUSED');
  });
});

describe('a confirmation closed without resetting', () => {
  const h = useHarness({ env: { RESET_MAX_PER_HOUR: '2' } });
  beforeAll(() => {
    // A second past the top of the next hour on the app's clock: the counts share one window.
    h.clock.toJustPastNext('hour');
  });
  const GIVEN_BACK = 'its count given back';
  const overLimit = 'You have started as many PIN resets as Latchkey allows in an hour.';

  it('costs nothing: opened and cancelled three times, the person can still reset twice', async () => {
    for (let i = 0; i < 3; i++) {
      const opened = await h.open('/reset-pin', 'UANN');
      expect(opened.view.notify_on_close).toBe(true);
      expect((await h.close('UANN', opened.view)).status).toBe(200);
      await h.waitForLogs(GIVEN_BACK, i + 1);
    }
    for (let i = 0; i < 2; i++) expect(secretIn((await h.reset('/reset-pin', 'UANN')).final)).toBeDefined();
    expect(JSON.stringify((await h.open('/reset-pin', 'UANN')).view)).toContain(overLimit);
  });

  it("gives back once: a replayed close, or someone else's close carrying the ticket, gives nothing more", async () => {
    const before = h.logs.filter((l) => l.includes(GIVEN_BACK)).length;
    const first = await h.open('/reset-pin', 'UBOB');
    const second = await h.open('/reset-pin', 'UBOB'); // Bob has used both
    for (let i = 0; i < 3; i++) await h.close('UBOB', first.view);
    await h.close('UCARL', second.view);
    await h.waitForLogs(GIVEN_BACK, before + 1);
    await h.waitForLogs('closed after it was used, or closed again; nothing given back', 2);
    await h.waitForLogs('closed confirmation not recognised', 1);

    expect((await h.open('/reset-pin', 'UBOB')).view.submit).toBeDefined();
    expect(JSON.stringify((await h.open('/reset-pin', 'UBOB')).view)).toContain(overLimit);
  });
});

describe('junk at the signed endpoint', () => {
  const h = useHarness();

  const post = (body: string, contentType = 'application/x-www-form-urlencoded') =>
    postSigned(h.eventsUrl, body, SIGNING_SECRET, { contentType });

  it('refuses an oversized body with 413', async () => {
    const res = await post(`payload=${'x'.repeat(70 * 1024)}`);
    expect(res.status).toBe(413);
  });

  // "Quickly", "at once": refused by Latchkey's own check as the body is read, which answers 400 and
  // says why; not by a timer. Bolt alone would have answered an unhandled request 404 after its 3 s
  // (and the request guard an unanswered one 500 after 4 s): the status and the line prove which it
  // was, where the milliseconds the answer took are a time a loaded machine stretches past any bound.
  /** The app's "request refused" lines since `from`. */
  const refusedLines = (from: number) => h.logs.slice(from).filter((l) => l.includes('"msg":"request refused"')).map((l) => JSON.parse(l) as Record<string, unknown>);

  it('refuses malformed JSON with 400, quickly', async () => {
    const from = h.logs.length;
    const res = await post('payload=%7Bnot-json');
    expect(res.status).toBe(400);
    expect(refusedLines(from)).toEqual([expect.objectContaining({ status: 400, reason: 'payload is not a JSON object' })]);
  });

  it('refuses a signed request of an unknown shape with 400 at once, not after Slack\'s 3 s', async () => {
    for (const body of ['a=1', `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', view: { callback_id: 'nope', id: 'V1' }, user: { id: 'U1' } }))}`]) {
      const from = h.logs.length;
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(refusedLines(from)).toEqual([expect.objectContaining({ status: 400, err: expect.stringContaining('signed request of a shape Latchkey does not handle') })]);
    }
    // The 400, not Bolt's 404 after its 3 s, is the proof: Bolt's "not acknowledged" line would come
    // only 3 s after the answer, so no check of the log read here could fail.
  });

  it('a command it cannot read is answered in its acknowledgement, not acknowledged blank, and opens nothing', async () => {
    // The acknowledgement is sent before routing only for commands that can be read (GuardedApp).
    for (const [userId, text] of [['ann-lowercase', ''], ['UANN', 'x'.repeat(4001)]] as const) {
      const res = await postSlashCommand(h.eventsUrl, SIGNING_SECRET, { command: '/reset-pin', user_id: userId, team_id: TEAM, trigger_id: h.slack.newTriggerId(), text });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ response_type: 'ephemeral', text: 'Latchkey could not read that request. Please try again.' });
    }
    expect(h.slack.callsTo('views.open')).toEqual([]);
  });

  it('refuses any content type but the two Slack uses with 415, and a body that is not what its type says with 400', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded; charset=utf-8', 'application/json; charset=utf-8']) {
      expect((await post('command=/reset-pin', type)).status).toBe(415);
    }
    expect((await post('command=/reset-pin', 'application/json')).status).toBe(400);
    expect((await post('[1,2]', 'application/json')).status).toBe(400);
    expect((await post('{"command":"/reset-pin"}', 'application/x-www-form-urlencoded')).status).toBe(400);
  });

  it('refuses a payload that is valid JSON but not an object (Bolt would crash on null) with 400', async () => {
    for (const payload of ['null', '42', '"text"', '[]']) {
      expect((await post(`payload=${encodeURIComponent(payload)}`)).status).toBe(400);
    }
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('property: random and mutated signed payloads get a 4xx or a 200, never a 5xx, and the app stays up', async () => {
    const submission = viewSubmissionPayload({ userId: 'UANN', teamId: TEAM, view: { id: 'V1', callback_id: 'reset_pin_confirm', private_metadata: 'x.y' } });
    const mutated = fc
      .record({ path: fc.constantFrom('user', 'team', 'view', 'type', 'view.callback_id', 'view.private_metadata', 'view.state'), value: fc.anything() })
      .map(({ path, value }) => {
        const copy: any = structuredClone(submission);
        const [a, b] = path.split('.') as [string, string | undefined];
        if (b) copy[a] = { ...copy[a], [b]: value };
        else copy[a] = value;
        return `payload=${encodeURIComponent(JSON.stringify(copy))}`;
      });
    const randomForm = fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 })).map((d) => new URLSearchParams(d).toString());
    const randomText = fc.string({ maxLength: 300 });
    const randomJson = fc.json().map((j) => `payload=${encodeURIComponent(j)}`);

    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, randomForm, randomText, randomJson), async (body) => {
        const res = await post(body);
        return res.status < 500 && res.ms < 3000;
      }),
      { numRuns: 150 },
    );
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('an unsigned or badly signed request is refused with 401 whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (body) => {
        const res = await postSigned(h.eventsUrl, body, SIGNING_SECRET, { badSignature: true });
        return res.status === 401;
      }),
      { numRuns: 40 },
    );
  });
});

describe('replays', () => {
  const h = useHarness();

  it('a view submission delivered again (X-Slack-Retry-Num) performs the reset once: while the first is still under way the retry shows the same PIN (Slack, which timed the first answer out, shows the retry\'s), and once it is over, "already used"', async () => {
    const opened = await h.open('/reset-pin', 'UANN');
    const body = `payload=${encodeURIComponent(JSON.stringify(viewSubmissionPayload({ userId: 'UANN', teamId: TEAM, view: opened.view })))}`;
    // The first click's work goes on after its answer (its receipt DM), held here so that the retry comes while it does.
    const releaseReceipt = h.slack.hold('chat.postMessage');
    let retried;
    let first;
    try {
      first = await postSigned(h.eventsUrl, body, SIGNING_SECRET);
      retried = await postSigned(h.eventsUrl, body, SIGNING_SECRET, { extraHeaders: { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' } });
    } finally {
      releaseReceipt();
    }
    const [firstView, retriedView] = await h.shownAfterAll([first, retried], opened.viewId);
    const pin = h.chime.pinOf('chime-ann');
    expect(secretIn(firstView!)).toBe(pin);
    expect(secretIn(retriedView!)).toBe(pin);
    await h.waitForAudit('UANN', (r) => r.phase === 'outcome');
    await h.slack.waitForCall('chat.postMessage', (c) => JSON.stringify(c.args).includes('PIN'));
    const late = await postSigned(h.eventsUrl, body, SIGNING_SECRET, { extraHeaders: { 'X-Slack-Retry-Num': '2', 'X-Slack-Retry-Reason': 'http_timeout' } });
    const [lateView] = await h.shownAfterAll([late], opened.viewId);
    expect(JSON.stringify(lateView)).toContain('This confirmation was already used');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  });
});

describe('commands and clicks acknowledged on arrival', () => {
  const h = useHarness();
  const post = (body: string) => postSigned(h.eventsUrl, body, SIGNING_SECRET, { contentType: 'application/x-www-form-urlencoded' });

  it('refuses with 400, and no alert, a click or command of a shape no listener reads, even one acknowledged on arrival', async () => {
    const click = (actions: unknown) => `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'UANN' }, trigger_id: 'T1', actions }))}`;
    for (const body of [click([null]), click([7]), click(null), click([{ action_id: 7 }]), `command=%2Freset-pin&user_id=UANN&team_id=${TEAM}&trigger_id=${'t'.repeat(300)}`]) {
      const res = await post(body);
      expect([body, res.status]).toEqual([body, 400]);
    }
    expect(h.slack.callsTo('views.open')).toEqual([]);
  });

  it('answers a command acknowledged on arrival without Bolt reading it again, and hands Bolt what it answers itself', async () => {
    const bolt = jest.requireActual<typeof import('@slack/bolt/dist/receivers/HTTPModuleFunctions')>('@slack/bolt/dist/receivers/HTTPModuleFunctions');
    const parse = jest.spyOn(bolt, 'parseHTTPRequestBody');
    try {
      const opened = await h.open('/reset-pin', 'UANN');
      expect(opened.ack.status).toBe(200);
      expect(parse).not.toHaveBeenCalled();
      await postSlashCommand(h.eventsUrl, SIGNING_SECRET, { command: '/reset-pin', user_id: 'ann-lowercase', team_id: TEAM, trigger_id: h.slack.newTriggerId() });
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });
});
