import { ANSWER_HOLD_MS } from '../../src/slack/held-answer';
import { Harness, isProgress, secretIn, slackUser, TEAM, useHarness } from '../support/harness';
import type { ChimeSimUser } from '../../src/credentials/chime/stand-in';
import { until } from '../support/until';

describe('50 employees run /reset-pin at the same moment', () => {
  const N = 50;
  const ids = Array.from({ length: N }, (_, i) => `UEMP${String(i).padStart(3, '0')}`);
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({
      slackUsers: ids.map((id) => slackUser(id, `${id.toLowerCase()}@example.com`)),
      accounts: {
        pin: ids.map((id): ChimeSimUser => ({ UserId: `chime-${id}`, PrimaryEmail: `${id.toLowerCase()}@example.com`, LicenseType: 'Pro' })),
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  // How fast each is acknowledged and answered in a burst is the bench's to measure (its ack and
  // hold figures), not a time this test reads on a loaded 2-core machine. Here: each is acknowledged
  // as on arrival (empty, 200), and each submission answered as the hold answers (ANSWER_HOLD_MS):
  // the PIN, or "working…" with the PIN to come by views.update, never an error or nothing.
  it('acknowledges every one, answers every submission, gives each exactly their own PIN, and writes 50 outcomes', async () => {
    const opened = await Promise.all(ids.map((id) => h.open('/reset-pin', id)));
    for (const o of opened) expect(o.ack).toMatchObject({ status: 200, body: '' });
    const finals = await Promise.all(
      opened.map(async (o, i) => {
        const submitted = await h.submit(ids[i]!, o.view);
        expect(submitted.status).toBe(200);
        const answered = submitted.json?.view as Record<string, any> | undefined;
        expect(submitted.json?.response_action).toBe('update');
        expect(isProgress(answered!) || secretIn(answered!) === h.chime.pinOf(`chime-${ids[i]}`)).toBe(true);
        return h.shownAfter(submitted, o.viewId);
      }),
    );
    finals.forEach((view, i) => expect(secretIn(view)).toBe(h.chime.pinOf(`chime-${ids[i]}`)));
    expect(new Set(finals.map(secretIn)).size).toBe(N);
    const outcomes = await Promise.all(ids.map((id) => h.waitForAudit(id, (r) => r.phase === 'outcome' && r.outcome === 'success')));
    expect(outcomes.flat().filter((r) => r.phase === 'outcome')).toHaveLength(N);
  }, 60_000);
});

describe('faults', () => {
  const h = useHarness({ env: { SLACK_API_RETRIES: '1' }, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.setLatency(0);
  });

  it("Slack's rate limit on views.update is waited out and retried; the PIN still arrives", async () => {
    const opened = await h.open('/reset-pin', 'UANN');
    // A reset slower than the answer may wait for: the PIN then goes by views.update.
    h.chime.setLatency(ANSWER_HOLD_MS + 100);
    h.slack.failNext('views.update', { status: 429, retryAfterSeconds: 1 });
    const submitted = await h.submit('UANN', opened.view);
    expect(isProgress(submitted.json.view)).toBe(true);
    const view = await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.viewId && c.result?.ok === true && !!secretIn(c.args.view));
    expect(secretIn(view.args.view)).toBe(h.chime.pinOf('chime-ann'));
  });

  it('when the secret cannot be shown at all (neither in its modal nor in an ephemeral message), the reset is audited as "delivery failed" and the owner told by DM to run it again', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    h.chime.setLatency(ANSWER_HOLD_MS + 100);
    h.slack.failNext('views.update', { error: 'not_found' }, 3);
    h.slack.failNext('chat.postEphemeral', { error: 'channel_not_found' }, 3);
    await h.submit('UBOB', opened.view);
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB');
    expect(dm.args.text).toContain('but Latchkey could not show you the new one. Run `/reset-pin` again');
    const records = await h.waitForAudit('UBOB', (r) => r.phase === 'outcome');
    expect(records.at(-1)).toMatchObject({ phase: 'outcome', outcome: 'success', deliveryFailed: true });
    expect(h.logs.join('')).toContain('reset done but the new credential could not be shown');
  });

  it('with DynamoDB not answering, /healthz says so by its own bound, and with DynamoDB down no reset happens', async () => {
    const opened = await h.open('/reset-pin', 'UCARL');
    const from = h.logs.length;
    const asked = h.dynamoGate.held.length;
    // DynamoDB leaves the probe's DescribeTable unanswered. /healthz keeps an answer 5 s (the start's
    // read of the table counts as one): probes until one asks DynamoDB, however long ago the app started.
    h.dynamoGate.hold((c) => c.operation === 'DescribeTable');
    let res: Response | undefined;
    await until('/healthz to say DynamoDB fails', async () => (res = await fetch(`${h.url}/healthz`)).status !== 200);
    expect(res!.status).toBe(503);
    expect(await res!.json()).toEqual({ status: 'degraded', checks: { dynamodb: 'failing' } });
    // "Quickly" is its bound (1 s), not a time read here, which a loaded machine stretches: the answer
    // came while DynamoDB still held the question, and the app says its call was aborted, which only
    // that bound does (the client's own 5 s timeout says otherwise).
    expect(h.dynamoGate.held.slice(asked).map((c) => c.operation)).toEqual(['DescribeTable']);
    const failing = h.logs.slice(from).filter((l) => l.includes('"msg":"health check: DynamoDB failing"'));
    expect(failing).toEqual([expect.stringContaining('"err":"Request aborted"')]);

    await h.dynamo.close();
    const resets = h.chime.callsTo('ResetPersonalPIN').length;
    const final = await h.shownAfter(await h.submit('UCARL', opened.view), opened.viewId);
    expect(JSON.stringify(final)).toContain('Latchkey could not write its audit record, so it changed nothing.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(resets);
  });
});

describe('AWS throttling that outlasts the retries', () => {
  const h = useHarness();

  it('tells the user to try again later and leaves an audited failure, nothing half done', async () => {
    const { final } = await h.reset('/reset-pin', 'UANN', { beforeSubmit: () => h.chime.failNext('ResetPersonalPIN', 'ThrottledClientException', 5) });
    expect(JSON.stringify(final)).toContain('Amazon Chime is busy and asked Latchkey to slow down. Nothing was changed.');
    const records = await h.waitForAudit('UANN', (r) => r.phase === 'outcome');
    expect(records.map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'DIRECTORY_THROTTLED'],
    ]);
    expect(h.chime.pinOf('chime-ann')).toBeUndefined();
    void TEAM;
  });
});
