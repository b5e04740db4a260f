import { Approvals } from '../../src/flows/approvals/approvals';
import { HomeTab } from '../../src/flows/home-tab';
import { ResetCredential } from '../../src/flows/reset-credential';
import { WidespreadRefusals } from '../../src/flows/widespread-refusals';
import * as homeTabViews from '../../src/views/home-tab';
import { answeredAt, secretIn, SIGNING_SECRET, TEAM, useHarness, type Harness } from '../support/harness';
import { homeOpenedEvent, postEvent } from '../support/slack-requests';
import { until } from '../support/until';

/**
 * A bug of ours: a listener that throws an unexpected Error (not a LatchkeyFailure) once Slack's
 * signature was accepted and the command acknowledged. The on-call is paged (one `alert: true`
 * line, with no secret in it) and the person is told in words instead of being left at
 * "checking…", on the server and on Lambda alike. Slack's own failures are not an alert.
 * Before the fix the throw was logged at error without `alert`, and the modal never moved on.
 */
const BUG = 'TypeError: Cannot read properties of undefined (reading kind)';

function logLines(h: Harness, from = 0): Record<string, unknown>[] {
  return h.logs
    .slice(from)
    .flatMap((chunk) => chunk.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * What Slack holds for a modal (Harness.lastShown) once it shows `text`, or what it holds when
 * `boundMs` runs out: the wait for an update that comes after a record is written, with no fixed
 * sleep a loaded machine can outlast.
 */
async function shownOnce(h: Harness, viewId: string, answers: Parameters<Harness['lastShown']>[1], text: string, boundMs = 10_000): Promise<string> {
  const until = Date.now() + boundMs;
  for (;;) {
    const shown = JSON.stringify(h.lastShown(viewId, answers) ?? null);
    if (shown.includes(text) || Date.now() > until) return shown;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The alert lines logged since `from`, once the test has checked that none of them holds a secret (the signing secret, the bot token, a PIN or password given). */
function alertsWithNoSecret(h: Harness, from: number): Record<string, unknown>[] {
  const alerts = logLines(h, from).filter((l) => l.alert === true);
  const said = JSON.stringify(alerts);
  for (const secret of [SIGNING_SECRET, h.slack.botToken, ...h.allSecrets()]) expect(said).not.toContain(secret);
  return alerts;
}

/** Until the bug's line is logged since `from`: counted from the test's start, as the harness's earlier tests log it too. */
const bugLogged = (h: Harness, from: number) => until(`the line of "${BUG}"`, () => h.logs.slice(from).some((l) => l.includes(BUG)), 5_000);

/** How many of the harness's log chunks say `text` so far: to wait for one more. */
const saying = (h: Harness, text: string) => h.logs.filter((l) => l.includes(text)).length;

const CANNOT_TELL =
  'Something went wrong before Latchkey could finish, so it cannot tell whether the change was made. If your window shows the result (a new PIN or password, say), that is done: keep it. Otherwise look at your Home tab before you try again; IT has been alerted.';

describe.each(['server', 'lambda'] as const)('a listener that throws after the acknowledgement (%s)', (entry) => {
  const h = useHarness({ entry }, (x) => x.slack.clear());

  it('alerts once, with no secret, and tells the person in the modal that nothing was changed', async () => {
    const from = h.logs.length;
    const prepare = jest.spyOn(ResetCredential.prototype, 'prepare').mockRejectedValue(new Error(BUG));
    try {
      const triggerId = h.slack.newTriggerId();
      const ack = await h.command('/reset-pin', 'UANN', { triggerId });
      expect(ack.status).toBe(200);
      const opened = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
      const view = await h.viewUpdate(h.openedViewId(opened));
      expect(JSON.stringify(view)).toContain('Something went wrong, nothing was changed. Run the command again.');
    } finally {
      prepare.mockRestore();
    }
    await bugLogged(h, from);
    expect(alertsWithNoSecret(h, from)).toEqual([expect.objectContaining({ level: 'error', err: expect.stringContaining(BUG) })]);
  });

  it('a click whose work throws: the person is told Latchkey cannot tell whether the click changed anything, and to look before clicking again', async () => {
    // A license request waiting for an admin, and its requester's DM with Withdraw: a click that may change it.
    const { requestId } = await h.asksForLicense('UBOB');
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args.blocks ?? []).includes(requestId));
    const withdraw = (dm.args.blocks as any[]).flatMap((b) => b.elements ?? []).find((e: any) => e.action_id === 'approval_withdraw');
    const from = h.logs.length;
    const since = Date.now();
    const thrown = jest.spyOn(Approvals.prototype, 'withdraw').mockRejectedValue(new Error(BUG));
    try {
      const ack = await h.click('UBOB', 'approval_withdraw', withdraw.value, { channel: dm.result!.channel as string, ts: dm.result!.ts as string });
      expect(ack.status).toBe(200);
      // The click's message has a response_url Slack no longer answers here: the DM says it.
      const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && c.at >= since);
      expect(told.args.text).toContain('cannot tell whether your click changed anything');
      expect(told.args.text).toContain('Home tab');
      expect(told.args.text).not.toContain('nothing was changed');
      expect(told.args.text).not.toContain('Run the command again');
    } finally {
      thrown.mockRestore();
    }
    await bugLogged(h, from);
    expect(logLines(h, from).filter((l) => l.alert === true)).toEqual([expect.objectContaining({ level: 'error', err: expect.stringContaining(BUG) })]);
  });

  it('a Home tab whose drawing throws: the tab says it could not be shown and what to do, and one alert', async () => {
    const from = h.logs.length;
    const since = Date.now();
    const thrown = jest.spyOn(HomeTab.prototype, 'open').mockRejectedValue(new Error(BUG));
    try {
      expect((await postEvent(h.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId: 'UANN', teamId: TEAM }))).status).toBe(200);
      const published = await h.slack.waitForCall('views.publish', (c) => c.args.user_id === 'UANN' && c.at >= since);
      expect(JSON.stringify(published.args.view)).toContain('Latchkey could not show your Home tab just now. Open it again in a minute');
    } finally {
      thrown.mockRestore();
    }
    await bugLogged(h, from);
    expect(logLines(h, from).filter((l) => l.alert === true)).toEqual([expect.objectContaining({ level: 'error', msg: 'could not draw the home tab', err: expect.stringContaining(BUG) })]);
  });

  it('a Home tab whose view throws as it is drawn: the tab says it could not be shown and what to do, and one alert', async () => {
    const from = h.logs.length;
    const since = Date.now();
    const drawn = saying(h, 'could not draw the home tab');
    // The view itself (src/views/home-tab.ts), past every read: no data the tab reads makes it throw, so its function does.
    const thrown = jest.spyOn(homeTabViews, 'homeView').mockImplementation(() => {
      throw new Error(BUG);
    });
    try {
      expect((await postEvent(h.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId: 'UANN', teamId: TEAM }))).status).toBe(200);
      // Before: nothing published, the last tab left standing, and the error handler's alert.
      const published = await h.slack.waitForCall('views.publish', (c) => c.args.user_id === 'UANN' && c.at >= since, 10_000);
      expect(JSON.stringify(published.args.view)).toContain('Latchkey could not show your Home tab just now. Open it again in a minute');
      expect(thrown).toHaveBeenCalled();
    } finally {
      thrown.mockRestore();
    }
    await h.waitForLogs('could not draw the home tab', drawn + 1);
    expect(logLines(h, from).filter((l) => l.alert === true)).toEqual([expect.objectContaining({ level: 'error', msg: 'could not draw the home tab', err: expect.stringContaining(BUG) })]);
  });

  it('a Home tab Slack refuses as drawn (invalid_blocks): the tab says it could not be shown, and one alert; Slack failing otherwise is a warning that pages no one', async () => {
    const from = h.logs.length;
    const since = Date.now();
    const drawn = saying(h, 'could not draw the home tab');
    h.slack.failNext('views.publish', { error: 'invalid_blocks' }, 1, (args) => args.user_id === 'UANN');
    expect((await postEvent(h.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId: 'UANN', teamId: TEAM }))).status).toBe(200);
    // Before: a warning, and the last tab left standing.
    const published = await h.slack.waitForCall('views.publish', (c) => c.args.user_id === 'UANN' && c.at >= since && c.result?.ok === true, 10_000);
    expect(JSON.stringify(published.args.view)).toContain('Latchkey could not show your Home tab just now. Open it again in a minute');
    await h.waitForLogs('could not draw the home tab', drawn + 1);
    expect(logLines(h, from).filter((l) => l.alert === true)).toEqual([
      expect.objectContaining({ level: 'error', msg: 'could not draw the home tab', code: 'INTERNAL', err: expect.stringContaining('invalid_blocks') }),
    ]);

    // Slack having a bad minute is not our drawing: a warning, which pages no one.
    const later = h.logs.length;
    const unpublished = saying(h, 'could not publish the home tab');
    h.slack.failNext('views.publish', { error: 'fatal_error' }, 1, (args) => args.user_id === 'UANN');
    expect((await postEvent(h.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId: 'UANN', teamId: TEAM }))).status).toBe(200);
    await h.waitForLogs('could not publish the home tab', unpublished + 1, 10_000);
    expect(logLines(h, later).filter((l) => l.alert === true)).toEqual([]);
  });

  it('a Reset whose work throws after its attempt is on record, before the change is sent: its own window says something went wrong and nothing was changed, not "Resetting…" and a DM', async () => {
    const opened = await h.open('/reset-pin', 'UCARL');
    const from = h.logs.length;
    const since = Date.now();
    const resets = h.chime.callsTo('ResetPersonalPIN').length;
    // Everything between the attempt written and the change sent (the push, the time check) throws: a bug before the change.
    const thrown = jest.spyOn(ResetCredential.prototype as any, 'changeOnRecord').mockRejectedValue(new Error(BUG));
    try {
      const answer = await answeredAt(h.submit('UCARL', opened.view));
      await bugLogged(h, from);
      await h.waitForAudit('UCARL', (r) => r.phase === 'outcome' && r.errorCode === 'INTERNAL', 10_000);
      // Its update comes after the outcome is written: waited for, not slept for.
      const shown = await shownOnce(h, opened.viewId, [answer], 'Something went wrong inside Latchkey.');
      expect(shown).toContain('Something went wrong inside Latchkey.');
      expect(shown).toContain('An admin has been alerted. Nothing was changed.');
      expect(shown).not.toContain('Resetting');
    } finally {
      thrown.mockRestore();
    }
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(resets);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DUCARL' && c.at >= since)).toEqual([]);
    expect(alertsWithNoSecret(h, from)).toEqual([expect.objectContaining({ level: 'error', detail: expect.stringContaining(BUG), code: 'INTERNAL' })]);
  });

  it('a Reset whose work throws after its modal showed the new PIN: the PIN stays in the modal, and the person is told in a DM', async () => {
    const opened = await h.open('/reset-pin', 'UCARL');
    const from = h.logs.length;
    const since = Date.now();
    // The step right after the secret is shown in the modal (ResetCredential's followUp) throws: a bug after the change.
    const thrown = jest.spyOn(ResetCredential.prototype as any, 'followUp').mockRejectedValue(new Error(BUG));
    try {
      const answer = await answeredAt(h.submit('UCARL', opened.view));
      await bugLogged(h, from);
      // The error handler's telling is its last step: once its DM is sent, nothing of it is still to replace the modal.
      const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && c.at >= since && String(c.args.text).includes('Something went wrong'), 10_000);
      expect(told.args.text).toBe(CANNOT_TELL);
      const pin = h.chime.pinOf('chime-carl');
      expect(pin).toBeTruthy();
      // What Slack holds for the modal: the PIN, never replaced by the failure.
      expect(secretIn(h.lastShown(opened.viewId, [answer])!)).toBe(pin);
    } finally {
      thrown.mockRestore();
    }
    expect(alertsWithNoSecret(h, from)).toEqual([expect.objectContaining({ level: 'error', err: expect.stringContaining(BUG) })]);
  });

  it('a Reset whose work throws once its change was sent, before its result is shown: never "Nothing was changed", and a DM says Latchkey cannot tell', async () => {
    const opened = await h.open('/reset-pin', 'UCARL');
    const from = h.logs.length;
    const since = Date.now();
    const resets = h.chime.callsTo('ResetPersonalPIN').length;
    // Right after the directory reset the PIN: the change is made, and the flow has not shown it yet.
    const thrown = jest.spyOn(WidespreadRefusals.prototype, 'succeeded').mockImplementation(() => {
      throw new Error(BUG);
    });
    try {
      const answer = await answeredAt(h.submit('UCARL', opened.view));
      // With the change taken for not sent: no DM, and the modal's "Nothing was changed" over a PIN that was.
      const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && c.at >= since && String(c.args.text).includes('Something went wrong'), 10_000);
      expect(told.args.text).toBe(CANNOT_TELL);
      expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(resets + 1);
      const shown = JSON.stringify(h.lastShown(opened.viewId, [answer]) ?? null);
      expect(shown).not.toContain('Nothing was changed');
      expect(shown).not.toContain('Something went wrong inside Latchkey');
    } finally {
      thrown.mockRestore();
    }
    expect(alertsWithNoSecret(h, from)).toEqual([expect.objectContaining({ level: 'error', err: expect.stringContaining(BUG) })]);
  });
});

describe('Slack refusing the token on Lambda (its AuthorizationError)', () => {
  const h = useHarness({ entry: 'lambda' }, (x) => x.slack.clear());

  /** The log lines of a /reset-pin whose auth.test Slack fails with `slackError`, up to the error handler's own line on it. */
  async function authorizationFailed(slackError: string, handlerLine: string): Promise<Record<string, unknown>[]> {
    const from = h.logs.length;
    const said = saying(h, handlerLine);
    h.slack.failNext('auth.test', { error: slackError }, 5);
    await h.command('/reset-pin', 'UANN');
    await h.waitForLogs(handlerLine, said + 1, 10_000);
    h.slack.clear();
    return logLines(h, from);
  }

  it('is an alert: our setup, as on the server; no bug of ours', async () => {
    const lines = await authorizationFailed('invalid_auth', 'Slack refused the bot token; no listener ran');
    // Paged where the app's client met the refusal, once (token-watch.ts); the handler's own line is a warning.
    expect(lines.filter((l) => l.alert === true)).toEqual([expect.objectContaining({ level: 'error', msg: expect.stringContaining('Slack refuses the bot token'), method: 'auth.test', slackError: 'invalid_auth' })]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'Slack refused the bot token; no listener ran', slackError: 'invalid_auth' }));
    expect(lines.some((l) => l.msg === 'unhandled error in a Slack listener')).toBe(false);
  });

  it('Slack failing auth.test (its own error) is no alert', async () => {
    const lines = await authorizationFailed('internal_error', 'Slack did not authorize the request; no listener ran');
    expect(lines.filter((l) => l.alert === true)).toEqual([]);
  });
});
