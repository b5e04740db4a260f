import { startAppProcess, type AppProcess } from '../support/app-process';
import { Harness, SIGNING_SECRET } from '../support/harness';
import { rawRequest } from '../support/raw-http';
import { until } from '../support/until';
import { slackSignature, slashCommandBody } from '../support/slack-requests';

/**
 * Issue 26 §1, each example over HTTP against the real process (dist/main.js): nobody on the
 * internet can page the on-call. A request we don't serve is a quiet 4xx with at most a debug or
 * info line; a slow client is a 408 and no alert. Before the fix each of these answered 500 and
 * logged `alert: true`.
 */
describe('requests Latchkey does not serve', () => {
  let h: Harness;
  let proc: AppProcess;
  let base: string;
  beforeAll(async () => {
    h = await Harness.start();
    proc = await startAppProcess({ ...h.env, LOG_LEVEL: 'debug' });
    base = new URL(proc.url).origin;
  });
  afterAll(async () => {
    proc?.child.kill('SIGKILL');
    await h?.stop();
  });

  const lines = () =>
    proc
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  /** Waits for the line the process writes as it answers a request (before the answer, which may reach us first). */
  const logged = (what: string, from: number, match: (l: Record<string, unknown>) => boolean) => until(what, () => lines().slice(from).some(match));
  const loudSince = (from: number) => lines().slice(from).filter((l) => l.alert === true || ['warn', 'error', 'fatal'].includes(String(l.level)));

  function signed(body: string) {
    const timestamp = Math.floor(Date.now() / 1000);
    return {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
    };
  }
  const command = slashCommandBody({ command: '/reset-pin', user_id: 'UANN', team_id: 'T0TEST', trigger_id: 'trigger-1' });

  it.each([
    ['GET', '/nothing', 404],
    ['GET', '/robots.txt', 404],
    ['POST', '/wp-login.php', 404],
    ['GET', '/slack/events', 405],
    ['HEAD', '/healthz', 405],
    ['GET', '/%', 404],
    ['GET', '/HEALTHZ', 404],
  ])('%s %s answers %i, with nothing above an info line', async (method, target, status) => {
    const from = lines().length;
    const res = await rawRequest(base, method, target, method === 'POST' ? { body: 'log=admin&pwd=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {});
    expect(res.status).toBe(status);
    await logged(`its "request not served" line`, from, (l) => l.msg === 'request not served' && l.status === status);
    expect(loudSince(from)).toEqual([]);
  });

  it('a signed body sent to //slack/events answers 404, with nothing above an info line', async () => {
    const from = lines().length;
    const res = await rawRequest(base, 'POST', '//slack/events', { body: command, headers: signed(command) });
    expect(res.status).toBe(404);
    await logged(`its "request not served" line`, from, (l) => l.msg === 'request not served' && l.status === 404);
    expect(loudSince(from)).toEqual([]);
  });

  it('an unsigned POST to /slack/events whose body comes slowly gets a 408 and no alert', async () => {
    const from = lines().length;
    const res = await rawRequest(base, 'POST', '/slack/events', {
      body: command,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(command.length) },
      slowly: { pieces: 10, everyMs: 600 },
    });
    expect(res.status).toBe(408);
    // The process wrote its line before answering; it may reach us after the answer.
    await logged('its "request refused" line (status 408)', from, (l) => l.msg === 'request refused' && l.status === 408);
    expect(lines().slice(from)).toContainEqual(expect.objectContaining({ level: 'info', msg: 'request refused', status: 408, reason: 'body not received within 4000 ms' }));
    expect(lines().slice(from).filter((l) => l.alert === true)).toEqual([]);
  }, 20_000);

  it('an unsigned POST to /slack/events is a 401 and no alert', async () => {
    const from = lines().length;
    const res = await rawRequest(base, 'POST', '/slack/events', { body: command, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(401);
    // The first refusal of its kind is a line of its own, written at once (RefusalLog).
    await logged(`its "request refused" line`, from, (l) => l.msg === 'request refused' && l.status === 401);
    expect(lines().slice(from).filter((l) => l.alert === true)).toEqual([]);
  });

  it('what it does serve still answers: /healthz, and a signed command', async () => {
    expect((await rawRequest(base, 'GET', '/healthz')).status).toBe(200);
    expect((await rawRequest(base, 'GET', '/healthz?probe=1')).status).toBe(200);
    const { view } = await h.open('/reset-pin', 'UANN', { url: proc.url });
    expect(view.submit?.text).toBe('Reset PIN');
    expect(lines().filter((l) => l.alert === true)).toEqual([]);
    expect(proc.child.exitCode).toBeNull();
  });
});
