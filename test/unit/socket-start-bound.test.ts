/** Socket Mode's WebSocket at start (start-checks.ts socketModeWithinStartBound), on a stand-in for SocketModeClient's events. */
import { EventEmitter } from 'node:events';
import { socketModeWithinStartBound, StartFailure } from '../../src/start-checks';

function setUp(boundMs = 100) {
  const client = new EventEmitter();
  const warnings: Record<string, unknown>[] = [];
  const logger = { debug: () => undefined, info: () => undefined, warn: (fields: object, msg: string) => warnings.push({ ...fields, msg }), error: () => undefined };
  let stopped = 0;
  let settle: { resolve(v: string): void; reject(e: unknown): void } = { resolve: () => undefined, reject: () => undefined };
  const started = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const bounded = socketModeWithinStartBound(started, client, async () => void (stopped += 1), logger as never, { boundMs });
  return { client, warnings, bounded, settle, stopped: () => stopped };
}

const URL_GIVEN = { url: 'wss://wss-primary.slack.com/link/?ticket=t-onetime-secret&app_id=A1' };

test('a socket taken and never answered (no hello) stops the start when the bound has passed, naming what to check, and the client is stopped', async () => {
  const { client, bounded, stopped } = setUp(100);
  client.emit('authenticated', URL_GIVEN);
  await expect(bounded).rejects.toThrow(StartFailure);
  await expect(bounded).rejects.toThrow(
    "Slack's Socket Mode connection (wss://wss-primary.slack.com/link/) did not open at start (no hello within 0.1 s): check that this host may open a WebSocket (wss://, port 443) to wss-primary.slack.com: a proxy or firewall that lets Slack's API through may still refuse it",
  );
  expect(stopped()).toBe(1);
});

test('a socket that opens within the bound lets the start go on, and nothing is said or stopped', async () => {
  const { client, warnings, bounded, settle, stopped } = setUp(100);
  client.emit('authenticated', URL_GIVEN);
  settle.resolve('connected');
  await expect(bounded).resolves.toBe('connected');
  await new Promise((r) => setTimeout(r, 150));
  expect([warnings, stopped(), client.listenerCount('close')]).toEqual([[], 0, 0]);
});

test('each failed try is one warn line, without the one-time ticket; the 4th stops the start', async () => {
  const { client, warnings, bounded, stopped } = setUp(10_000);
  for (let i = 0; i < 4; i++) {
    client.emit('authenticated', URL_GIVEN);
    client.emit('error', Object.assign(new Error(''), { original: Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' }) }));
    client.emit('close');
  }
  await expect(bounded).rejects.toThrow(/\(wss:\/\/wss-primary\.slack\.com\/link\/\) did not open at start after 4 tries \(Error ECONNREFUSED\): check that this host/);
  expect(warnings.map((w) => [w.attempt, w.waitingFor, w.err])).toEqual([1, 2, 3].map((n) => [n, "Socket Mode's WebSocket at wss://wss-primary.slack.com/link/", 'Error ECONNREFUSED']));
  expect(JSON.stringify(warnings)).not.toContain('t-onetime-secret');
  expect(stopped()).toBe(1);
});

test("a start that fails otherwise (Slack refused the app token) is the start's own error", async () => {
  const { bounded, settle, stopped } = setUp(10_000);
  const refused = new Error('refused');
  settle.reject(refused);
  await expect(bounded).rejects.toBe(refused);
  expect(stopped()).toBe(0);
});
