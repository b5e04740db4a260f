import { request as httpRequest } from 'node:http';
import { startAppProcess, type AppProcess } from '../support/app-process';
import { APPROVALS_CHANNEL, Harness, SIGNING_SECRET, secretIn, slackUser, PEOPLE, useHarness } from '../support/harness';
import { slackSignature } from '../support/slack-requests';
import { until } from '../support/until';

/**
 * The findings of a security review (issue 14), each over HTTP against the real app and the
 * stand-ins, each written to fail on the code the review found.
 */
const ORG = 'E0EXAMPLE';
const SECOND_WORKSPACE = 'T0SECOND';

describe('self-review across the workspaces of an Enterprise Grid org', () => {
  // Ada and Max are members of the org: they act from either workspace of it.
  const inOrg = (id: string, email: string) => slackUser(id, email, { enterprise_user: { enterprise_id: ORG } });
  const h = useHarness({
    slackUsers: [...PEOPLE.slack.filter((u) => u.id !== 'UADA' && u.id !== 'UMAX'), inOrg('UADA', 'ada@example.com'), inOrg('UMAX', 'max@example.com')],
    env: { SLACK_ENTERPRISE_ID: ORG },
  });

  const choose = { license: { license: { type: 'radio_buttons', selected_option: { value: 'ProTrial' } } }, reason: { reason: { type: 'plain_text_input', value: 'Demo week' } } };

  async function asks(userId: string) {
    const { view } = await h.open('/request-license', userId);
    await h.submit(userId, view, { values: choose });
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(userId));
    const actions = (post.args.blocks as any[]).find((b) => b.type === 'actions');
    return { requestId: actions.elements[0].value as string, message: { channel: post.result!.channel as string, ts: post.result!.ts as string } };
  }

  it('an admin clicking Review on their own request from another workspace of the org is told they cannot, and nothing changes', async () => {
    const request = await asks('UADA');
    const opened = await h.opening((trigger) => h.click('UADA', 'license_review', request.requestId, request.message, trigger, { teamId: SECOND_WORKSPACE, enterpriseId: ORG }));
    expect(JSON.stringify(opened.view)).toContain('You cannot review your own request.');
    expect(opened.view.submit).toBeUndefined();
    expect(h.chime.callsTo('UpdateUser')).toHaveLength(0);
  });

  it('another admin of the org reviews it from that workspace', async () => {
    // A request of its own (Ann's, as Ada's waits from the test above): run alone, it has one to review.
    const request = await asks('UANN');
    const opened = await h.opening((trigger) => h.click('UMAX', 'license_review', request.requestId, request.message, trigger, { teamId: SECOND_WORKSPACE, enterpriseId: ORG }));
    expect(opened.view.callback_id).toBe('license_review_submit');
  });

  it("a reset asked from another workspace of the org is on record with that workspace and the org, from Slack's signed request", async () => {
    const from = { teamId: SECOND_WORKSPACE, enterpriseId: ORG };
    const opened = await h.open('/reset-pin', 'UMAX', from);
    await h.shownAfter(await h.submit('UMAX', opened.view, from), opened.viewId);
    const records = await h.waitForAudit('UMAX', (r) => r.phase === 'outcome', 5000, SECOND_WORKSPACE);
    expect(records.map((r) => r.phase).sort()).toEqual(['attempt', 'outcome']);
    for (const record of records) expect(record).toMatchObject({ slackUserId: 'UMAX', slackTeamId: SECOND_WORKSPACE, slackEnterpriseId: ORG });
    // A request from the deployment's own workspace with no org in its payload names none.
    const home = await h.open('/reset-pin', 'UANN');
    await h.shownAfter(await h.submit('UANN', home.view), home.viewId);
    const own = await h.waitForAudit('UANN', (r) => r.phase === 'outcome');
    expect(own.every((r) => r.slackEnterpriseId === undefined)).toBe(true);
  });

  it('a workspace outside the org is refused, as before', async () => {
    const { view } = await h.open('/reset-pin', 'UANN', { teamId: 'T0ELSEWHERE', enterpriseId: 'E0OTHERORG' });
    expect(JSON.stringify(view)).toContain('Latchkey only serves members of its own Slack workspace.');
  });
});

describe('the organization-wide limit counts only requests that are allowed', () => {
  const h = useHarness({ env: { RESET_MAX_PER_MINUTE_GLOBAL: '2', RESET_MAX_PER_HOUR: '1' } });
  beforeAll(() => {
    // A second past the top of the next hour on the app's clock: every open below falls in one
    // minute's window and one hour's (a run that crossed a minute once let Ada through).
    h.clock.toJustPastNext('hour');
  });

  it('guests, bots, outsiders, people over their own limit and people the directory refuses pause nobody', async () => {
    // Bob's first reset counts; his second is over his own limit and counts nothing for anyone else.
    expect((await h.open('/reset-pin', 'UBOB')).view.submit).toBeDefined();
    for (const userId of ['UGUEST', 'USINGLE', 'UBOT', 'ULEFT', 'UOUTSIDE', 'UNOMAIL', 'UBOB', 'UNOCHIME', 'UNOCHIME', 'USUSP']) {
      expect((await h.open('/reset-pin', userId)).view.submit).toBeUndefined();
    }
    await h.command('/reset-pin', 'UCARL', { teamId: 'T0OTHER' });
    // Ann gets her confirmation: the second of the minute's two.
    expect((await h.open('/reset-pin', 'UANN')).view.submit?.text).toBe('Reset PIN');
    expect(h.logs.join('')).not.toContain('organization-wide limit reached');

    // The ceiling still holds for allowed requests.
    const { view } = await h.open('/reset-pin', 'UADA');
    expect(JSON.stringify(view)).toContain('Latchkey has paused resets for a moment');
    expect(h.logs.join('')).toMatch(/"alert":true.*organization-wide limit reached/);
  });
});

describe('a close and a Reset click on one confirmation', () => {
  const h = useHarness({ env: { RESET_MAX_PER_HOUR: '2' } }, (x) => x.chime.setLatency(0));
  beforeAll(() => {
    // A second past the top of the next hour on the app's clock: the counts share one window.
    h.clock.toJustPastNext('hour');
  });
  const overLimit = 'You have started as many PIN resets as Latchkey allows in an hour.';

  it('a close that arrives while the reset runs gives nothing back: the reset counts', async () => {
    const opened = await h.open('/reset-pin', 'UANN');
    const release = h.chime.hold(['ResetPersonalPIN']);
    const resets = h.chime.callsTo('ResetPersonalPIN').length;
    const submitting = h.submit('UANN', opened.view);
    await until("Chime's ResetPersonalPIN call", () => h.chime.callsTo('ResetPersonalPIN').length > resets);
    await h.close('UANN', opened.view); // × on the confirmation before the click's answer came
    await h.waitForLogs('confirmation closed while its reset ran', 1);
    release();
    await submitting;
    // The modal is gone: the PIN comes aside, in an ephemeral message to Ann (closed-modal.test.ts).
    const shown = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UANN');
    expect(JSON.stringify(shown.args.blocks)).toContain(h.chime.pinOf('chime-ann'));

    expect((await h.open('/reset-pin', 'UANN')).view.submit).toBeDefined(); // the second of two
    expect(JSON.stringify((await h.open('/reset-pin', 'UANN')).view)).toContain(overLimit);
    const cancelled = (await h.auditRecords('UANN')).filter((r) => r.phase === 'cancelled');
    expect(cancelled).toHaveLength(0);
  });

  it('a Reset click that arrives after the close resets nothing', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    await h.close('UBOB', opened.view);
    await h.waitForAudit('UBOB', (r) => r.phase === 'cancelled');
    const resets = h.chime.callsTo('ResetPersonalPIN').length;
    const final = await h.shownAfter(await h.submit('UBOB', opened.view), opened.viewId);
    expect(secretIn(final)).toBeUndefined();
    expect(JSON.stringify(final)).toContain('This confirmation was already used');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(resets);
  });
});

describe('another spelling of the events path', () => {
  let h: Harness;
  let proc: AppProcess;
  beforeAll(async () => {
    h = await Harness.start();
    proc = await startAppProcess(h.env);
  });
  afterAll(async () => {
    proc?.child.kill('SIGKILL');
    await h?.stop();
  });

  /** A signed POST with a request target of our choosing, byte for byte (fetch would normalise it). */
  function post(target: string, body: string, contentType: string): Promise<number> {
    const url = new URL(proc.url);
    const timestamp = Math.floor(Date.now() / 1000);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: target,
          headers: {
            'content-type': contentType,
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
          },
          timeout: 8_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error(`no answer to ${target}`)));
      req.end(body);
    });
  }

  const spellings = ['/slack/events', '/slack/events#x', `http://${'127.0.0.1'}/slack/events`, '/slack/x/../events', '/slack/events?x=1'];

  it.each(spellings)('%s: a signed payload=null and a signed JSON null get a 4xx, and the app keeps serving', async (target) => {
    expect(await post(target, 'payload=null', 'application/x-www-form-urlencoded')).toBeGreaterThanOrEqual(400);
    expect(await post(target, 'null', 'application/json')).toBeGreaterThanOrEqual(400);
    for (const status of [await post(target, 'payload=null', 'application/x-www-form-urlencoded')]) expect(status).toBeLessThan(500);
    const { view } = await h.open('/reset-pin', 'UANN', { url: proc.url });
    expect(view.submit?.text).toBe('Reset PIN');
    expect(proc.child.exitCode).toBeNull();
  }, 20_000);

  it('none of them crashed the process or logged an unhandled error', () => {
    expect(proc.child.exitCode).toBeNull();
    expect(proc.output()).not.toMatch(/Cannot read properties of null|unhandled/);
  });
});
