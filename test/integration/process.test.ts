import { join } from 'node:path';
import { unknownOutcomes } from '../../src/flows/unknown-outcomes';
import { startAppProcess, type AppProcess } from '../support/app-process';
import { Harness, secretIn } from '../support/harness';
import { requireOption } from '../support/node-options';
import { slackSignature, slashCommandBody } from '../support/slack-requests';

/** What only a real process shows: being killed mid-reset, and shutting down on SIGTERM. */
describe('Latchkey as a process', () => {
  let h: Harness;
  let proc: AppProcess | undefined;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterEach(() => {
    proc?.child.kill('SIGKILL');
    h.chime.setLatency(0);
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function openIn(p: AppProcess, userId: string) {
    return h.open('/reset-pin', userId, { url: p.url });
  }

  async function waitFor(check: () => boolean, what: string, ms = 10_000) {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('a promise that fails with nobody awaiting it is logged as an alert, and the process keeps serving', async () => {
    const fixture = join(__dirname, '..', 'fixtures', 'unhandled-rejection.js');
    proc = await startAppProcess({ ...h.env, NODE_OPTIONS: requireOption(fixture) });
    proc.child.kill('SIGUSR2');
    await waitFor(() => proc!.output().includes('unhandled promise rejection'), 'the rejection to be logged');
    const line = JSON.parse(proc.output().split('\n').find((l) => l.includes('unhandled promise rejection'))!);
    expect(line).toMatchObject({ alert: true, err: expect.stringContaining('a promise nobody awaited') });
    const { view } = await openIn(proc, 'UANN');
    expect(view.submit?.text).toBe('Reset PIN');
    expect(proc.child.exitCode).toBeNull();
  }, 30_000);

  it('killed between the reset and its outcome record: the attempt reads as "unknown outcome"', async () => {
    proc = await startAppProcess(h.env);
    const opened = await openIn(proc, 'UANN');
    h.chime.setLatency(1_000); // the reset is in Chime's hands when the process dies
    const before = h.chime.callsTo('ResetPersonalPIN').length;
    const submitting = h.submit('UANN', opened.view, { url: proc.url }).catch(() => undefined);
    await waitFor(() => h.chime.callsTo('ResetPersonalPIN').length > before, 'the reset to reach Chime');
    proc.child.kill('SIGKILL');
    await proc.exited;
    await submitting;

    const records = await h.auditRecords('UANN');
    const later = new Date(Date.now() + 5 * 60_000);
    const unknown = unknownOutcomes(records, later);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ phase: 'attempt', action: 'reset_pin', directoryUserId: 'chime-ann' });
    expect(records.filter((r) => r.requestId === unknown[0]!.requestId).map((r) => r.phase)).toEqual(['attempt']);
  }, 40_000);

  it('on SIGTERM just after a command is acknowledged, still opens its confirmation, then exits 0', async () => {
    proc = await startAppProcess(h.env);
    h.slack.setLatency(300); // the work behind the acknowledgement is still going when the signal comes
    try {
      const triggerId = h.slack.newTriggerId();
      const ack = await h.command('/reset-pin', 'UCARL', { url: proc.url, triggerId });
      expect(ack.status).toBe(200);
      proc.child.kill('SIGTERM');

      const opened = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
      const confirmation = await h.slack.waitForCall('views.update', (c) => c.args.view_id === opened.result?.view?.id);
      expect(confirmation.args.view.submit?.text).toBe('Reset PIN');
      expect(await proc.exited).toBe(0);
    } finally {
      h.slack.setLatency(0);
    }
  }, 40_000);

  /** A PIN reset held in Chime (800 ms) while `signal` reaches the process: it still finishes (the PIN is shown, the outcome written), then the process exits 0. */
  async function finishesThrough(userId: string, chimeUserId: string, signal: (p: AppProcess) => Promise<void>): Promise<AppProcess> {
    const p = await startAppProcess(h.env);
    proc = p;
    const opened = await openIn(p, userId);
    h.chime.setLatency(800);
    const before = h.chime.callsTo('ResetPersonalPIN').length;
    const submitting = h.submit(userId, opened.view, { url: p.url });
    await waitFor(() => h.chime.callsTo('ResetPersonalPIN').length > before, 'the reset to reach Chime');
    await signal(p);

    const final = await h.shownAfter(await submitting, opened.viewId);
    expect(secretIn(final)).toBe(h.chime.pinOf(chimeUserId));
    expect(await p.exited).toBe(0);
    await h.waitForAudit(userId, (r) => r.phase === 'outcome' && r.outcome === 'success');
    return p;
  }

  it('on SIGTERM, finishes the reset in flight (the PIN is shown, the outcome written), then exits 0', async () => {
    const p = await finishesThrough('UBOB', 'chime-bob', async (app) => void app.child.kill('SIGTERM'));
    await expect(fetch(p.url, { method: 'POST' })).rejects.toThrow();
  }, 40_000);

  it('Ctrl+C under npm start (SIGINT twice, a moment apart: the terminal signals the group, then npm forwards it) still finishes the reset in flight, then exits 0', async () => {
    await finishesThrough('UANN', 'chime-ann', async (p) => {
      // npm's copy comes a moment after the terminal's, once npm's own handler has run: here, once the app is shutting down.
      p.child.kill('SIGINT');
      await waitFor(() => p.output().includes('shutting down'), 'the shutdown to begin');
      p.child.kill('SIGINT');
    });
  }, 40_000);

  /** A command signed with another secret, sent to `p`: its answer's status. */
  function forgeTo(p: AppProcess): Promise<number> {
    const body = slashCommandBody({ command: '/reset-pin', user_id: 'UANN', team_id: 'T0TEST', trigger_id: 'forged' });
    const at = Math.floor(Date.now() / 1000);
    return fetch(p.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(at), 'x-slack-signature': slackSignature('a-forger', at, body) },
      body,
    }).then((r) => r.status);
  }

  it("on SIGTERM after a flood of forged requests, writes how many it refused since the first one's line, then exits 0; a genuine command among them is served and logged as before", async () => {
    const p = await startAppProcess(h.env);
    proc = p;
    const forge = () => forgeTo(p);
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push(await forge());
    const genuineFrom = p.output().length;
    const { view } = await openIn(p, 'UCARL');
    expect(view.submit?.text).toBe('Reset PIN');
    const genuine = lines(p.output().slice(genuineFrom));
    for (let i = 0; i < 100; i++) statuses.push(await forge());
    expect(statuses).toEqual(statuses.map(() => 401));
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);

    const all = lines(p.output());
    const mismatch = 'signature does not match SLACK_SIGNING_SECRET';
    const full = all.filter((l) => l.msg === 'request refused');
    const summaries = all.filter((l) => l.msg === 'requests refused');
    // One window of 10 s, unless this machine took longer to send them: then each window is its first line and its count.
    expect(full.length).toBeLessThanOrEqual(3);
    expect(full.map((l) => [l.level, l.status, l.reason])).toEqual(full.map(() => ['info', 401, mismatch]));
    expect(summaries.map((l) => [l.level, l.status, l.reason, l.windowSeconds])).toEqual(summaries.map(() => ['info', 401, mismatch, 10]));
    expect(full.length + summaries.reduce((n, l) => n + Number(l.refused), 0)).toBe(200);
    // The last of them written on the way out, after the signal: by the time each line says it was
    // written, not its place in the output, for the logger's writes are asynchronous and at exit its
    // last lines are flushed synchronously, so they can reach stdout before one still being written.
    const shuttingDown = all.find((l) => l.msg === 'shutting down');
    if (!(shuttingDown && String(summaries.at(-1)!.time) >= String(shuttingDown.time))) throw new Error(p.output());
    expect(all.filter((l) => l.alert === true)).toEqual([]);
    // The genuine command's own lines: none of them a refusal.
    expect(genuine.filter((l) => String(l.msg).includes('refused'))).toEqual([]);
  }, 40_000);

  it('stopped by force (another signal while a command\'s work holds the stop), still writes how many it refused since the first line, then exits 1', async () => {
    const p = await startAppProcess(h.env);
    proc = p;
    for (let i = 0; i < 3; i++) expect(await forgeTo(p)).toBe(401);
    h.slack.setLatency(1_000); // the work behind the acknowledgement holds the stop while the second signal comes
    try {
      expect((await h.command('/reset-pin', 'UCARL', { url: p.url })).status).toBe(200);
      p.child.kill('SIGTERM');
      await waitFor(() => p.output().includes('shutting down'), 'the shutdown to begin');
      p.child.kill('SIGINT');
      expect(await p.exited).toBe(1);
    } finally {
      h.slack.setLatency(0);
    }
    const summaries = lines(p.output()).filter((l) => l.msg === 'requests refused');
    expect(summaries.map((l) => [l.status, l.reason, l.refused])).toEqual([[401, 'signature does not match SLACK_SIGNING_SECRET', 2]]);
  }, 40_000);
});

function lines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
