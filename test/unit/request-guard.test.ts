import { createHmac } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardSlackRequests, type RequestGuard } from '../../src/slack/request-guard';
import { SIGNATURE_WARN_EVERY_MS, SignatureWatch } from '../../src/slack/signature-watch';
import { until } from '../support/until';

/** A real HTTP server with the guard in front of `behind` (Bolt's place), for a describe block. */
function useGuardedServer(
  behind: (req: IncomingMessage, res: ServerResponse) => void,
  options: Omit<Parameters<typeof guardSlackRequests>[1], 'path' | 'bodyLimit'>,
): { readonly url: string; readonly flushRefusals: () => void } {
  let server: Server;
  let guard: RequestGuard | undefined;
  // As the server's stop does (app.ts).
  const at = { url: '', flushRefusals: () => guard?.flushRefusals() };
  beforeAll(async () => {
    const receiver = { requestListener: behind };
    guard = guardSlackRequests(receiver, { path: '/slack/events', bodyLimit: 1_000, ...options });
    server = createServer((req, res) => receiver.requestListener(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    at.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return at;
}

/**
 * The request guard's last line of defence, over a real HTTP server: whatever goes wrong behind
 * it, the request is answered, and the server goes on serving. An operator is alerted only when
 * the request was signed by Slack (our fault); what an outsider sends never alerts.
 * Bolt stands behind it in the app; here a listener that fails in the ways Bolt could.
 */
describe('the request guard', () => {
  type Listener = (req: IncomingMessage, res: ServerResponse) => void;
  let url: string;
  let behind: Listener;
  const secret = 'guard-test-secret';
  const logged: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const log = (level: string) => (fields: object, message: string) => logged.push({ level, fields: fields as Record<string, unknown>, message });
  const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

  const guarded = useGuardedServer((req, res) => behind(req, res), {
    logger,
    unansweredMs: 300,
    routes: [{ path: '/healthz', method: ['GET'] }],
    signingSecret: secret,
  });
  beforeEach(() => {
    url = guarded.url;
    guarded.flushRefusals();
    logged.length = 0;
  });

  const body = 'command=%2Freset-pin';
  const signedHeaders = (at = Math.floor(Date.now() / 1000), key = secret) => ({
    'x-slack-request-timestamp': String(at),
    'x-slack-signature': `v0=${createHmac('sha256', key).update(`v0:${at}:${body}`).digest('hex')}`,
  });
  const post = (path = '/slack/events', headers: Record<string, string> = signedHeaders()) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  const alerts = () => logged.filter((l) => l.level === 'error' && l.fields.alert === true);

  it('an error thrown while handling a request answers 500 and alerts, and the next request is served', async () => {
    behind = () => {
      throw new TypeError("Cannot read properties of null (reading 'ssl_check')");
    };
    expect((await post()).status).toBe(500);
    expect(alerts()).toEqual([expect.objectContaining({ message: 'request handling failed; answered 500' })]);
    expect(String(alerts()[0]!.fields.err)).toContain('ssl_check');

    behind = (_req, res) => res.writeHead(200).end();
    expect((await post()).status).toBe(200);
  });

  it('a request to the events path that nothing answers gets a 500 in the end, and an alert', async () => {
    behind = () => undefined; // its handling failed somewhere out of reach
    const started = Date.now();
    expect((await post()).status).toBe(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(alerts()).toEqual([expect.objectContaining({ fields: expect.objectContaining({ err: expect.stringContaining('no answer within 300 ms') }) })]);
  });

  it("a request without Slack's valid, recent signature is a 401 and, the first of its reason, an info line; it never reaches the listener and never alerts", async () => {
    let reached = 0;
    behind = () => {
      reached += 1;
      throw new TypeError('boom');
    };
    const now = Math.floor(Date.now() / 1000);
    const { 'x-slack-signature': good } = signedHeaders(now);
    const refused: Record<string, string>[] = [
      {},
      { 'x-slack-request-timestamp': String(now) },
      signedHeaders(now, 'another-apps-secret'),
      // Past 5 minutes either way, with room for the clock to tick while the test runs (now + 301
      // was accepted once a second had passed on a busy machine: 500, not 401).
      signedHeaders(now - 310),
      signedHeaders(now + 310),
      { 'x-slack-request-timestamp': String(now), 'x-slack-signature': good.toUpperCase() },
      { 'x-slack-request-timestamp': String(now), 'x-slack-signature': good.slice(0, -1) },
      { 'x-slack-request-timestamp': `${now}.0`, 'x-slack-signature': good },
    ];
    for (const headers of refused) expect((await post('/slack/events', headers)).status).toBe(401);
    expect(reached).toBe(0);
    expect(alerts()).toEqual([]);
    // The first of each reason says why at once: what an operator with a wrong secret or clock reads first.
    const none = 'no Slack signature or timestamp';
    const clock = "timestamp more than 5 minutes from this server's clock";
    const mismatch = 'signature does not match SLACK_SIGNING_SECRET';
    expect(logged.filter((l) => l.fields.status === 401).map((l) => [l.level, l.message, l.fields.reason])).toEqual([none, mismatch, clock].map((r) => ['info', 'request refused', r]));
    // The rest, one line for each reason, counted (here at once, as at shutdown).
    guarded.flushRefusals();
    const summaries = logged.filter((l) => l.message === 'requests refused');
    expect(summaries.map((l) => [l.level, l.fields.reason, l.fields.refused])).toEqual([['info', none, 2], ['info', clock, 1], ['info', mismatch, 2]]);
    // Slack's clock may be a little off either way.
    expect((await post('/slack/events', signedHeaders(now + 240))).status).toBe(500);
    expect(reached).toBe(1);
  });

  it("Slack's certificate check (ssl_check=1, maybe unsigned) is a 200 that never reaches the listener, whatever else the form holds", async () => {
    let reached = 0;
    behind = (_req, res) => {
      reached += 1;
      res.writeHead(500).end();
    };
    for (const form of ['ssl_check=1&token=abc', 'ssl_check=1&command=%2Freset-pin&user_id=U1&trigger_id=t']) {
      const res = await fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      expect(res.status).toBe(200);
    }
    expect(reached).toBe(0);
    // Anything else unsigned is still a 401.
    const other = await fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'ssl_check=0&command=%2Freset-pin' });
    expect(other.status).toBe(401);
  });

  it('a body still arriving when the time is up is the client\'s: 408, an info line, no alert', async () => {
    behind = (_req, res) => res.writeHead(200).end();
    const res = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '100' } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('command=%2Freset-pin'); // and the rest never comes
    });
    expect(res).toBe(408);
    expect(alerts()).toEqual([]);
    expect(logged).toContainEqual({ level: 'info', message: 'request refused', fields: { status: 408, reason: 'body not received within 300 ms' } });
  });

  it('paths and methods it does not serve are a 404 or 405 and a debug line, and never reach the listener', async () => {
    let reached = 0;
    behind = (_req, res) => {
      reached += 1;
      res.writeHead(200).end();
    };
    const cases: [string, string, number][] = [
      ['GET', '/nothing', 404],
      ['POST', '/wp-login.php', 404],
      ['GET', '/slack/events', 405],
      ['HEAD', '/healthz', 405],
      ['GET', '/healthz/', 404],
      ['GET', '/x/../healthz', 404],
    ];
    for (const [method, path, status] of cases) {
      const answered = await new Promise<number>((resolve, reject) => {
        const req = request(`${url}/`, { method, path }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect([method, path, answered]).toEqual([method, path, status]);
    }
    expect(reached).toBe(0);
    expect(logged.map((l) => l.level)).toEqual(cases.map(() => 'debug'));
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(reached).toBe(1);
  });
});

/**
 * A request the app can acknowledge on arrival (a slash command, a Home tab click) is offered to it
 * first, read once, and only after the guard's checks; what the app declines goes on to Bolt.
 */
describe('the request guard, answering on arrival', () => {
  const secret = 'guard-test-secret';
  const offered: Record<string, unknown>[] = [];
  const toBolt: string[] = [];
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const guarded = useGuardedServer(
    (req, res) => {
      toBolt.push(String((req as IncomingMessage & { rawBody?: Buffer }).rawBody));
      res.writeHead(200).end('from Bolt');
    },
    {
      logger,
      signingSecret: secret,
      answerOnArrival: (body, _req, res) => {
        offered.push(body);
        if (body.command !== '/reset-pin') return false;
        res.writeHead(200).end();
        return true;
      },
    },
  );
  beforeEach(() => {
    offered.length = 0;
    toBolt.length = 0;
  });

  const post = (body: string, key = secret) => {
    const at = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', key).update(`v0:${at}:${body}`).digest('hex')}`;
    return fetch(`${guarded.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(at), 'x-slack-signature': signature },
      body,
    });
  };

  it('answers what the app takes with the body read once, and Bolt never sees it', async () => {
    const res = await post('command=%2Freset-pin&user_id=U1&text=payload%3Dnull');
    expect([res.status, await res.text()]).toEqual([200, '']);
    expect(offered).toEqual([expect.objectContaining({ command: '/reset-pin', user_id: 'U1', text: 'payload=null' })]);
    expect(toBolt).toEqual([]);
  });

  it('hands what the app declines to Bolt, and an interactivity payload as its object', async () => {
    const payload = JSON.stringify({ type: 'view_submission', user: { id: 'U1' } });
    const res = await post(`payload=${encodeURIComponent(payload)}`);
    expect(await res.text()).toBe('from Bolt');
    expect(offered).toEqual([{ type: 'view_submission', user: { id: 'U1' } }]);
    expect(toBolt).toEqual([`payload=${encodeURIComponent(payload)}`]);
  });

  // A body may come in pieces, split anywhere, even inside a character: it is read as its bytes, whole.
  const postInPieces = (body: string, declined: boolean) => {
    const bytes = Buffer.from(body);
    const at = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${at}:${body}`).digest('hex')}`;
    const split = bytes.indexOf(Buffer.from('é')) + 1;
    return new Promise<string>((resolve, reject) => {
      const req = request(
        `${guarded.url}/slack/events`,
        { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(bytes.length), 'x-slack-request-timestamp': String(at), 'x-slack-signature': signature } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve(`${res.statusCode} ${text}`));
        },
      );
      req.on('error', reject);
      req.write(bytes.subarray(0, split));
      setTimeout(() => req.end(bytes.subarray(split)), declined ? 30 : 20);
    });
  };

  it('reads a body that came in pieces as the one it was signed as', async () => {
    expect(await postInPieces('command=%2Freset-pin&user_id=U1&text=caf\u00e9 cr\u00e8me', false)).toBe('200 ');
    expect(offered).toEqual([expect.objectContaining({ command: '/reset-pin', text: 'café crème' })]);
    const declined = 'command=%2Fother&text=r\u00e9sum\u00e9';
    expect(await postInPieces(declined, true)).toBe('200 from Bolt');
    expect(toBolt).toEqual([declined]);
  });

  it('offers nothing unsigned or unreadable', async () => {
    expect((await post('command=%2Freset-pin', 'another-secret')).status).toBe(401);
    expect((await post('payload=null')).status).toBe(400);
    expect([offered, toBolt]).toEqual([[], []]);
  });
});

/**
 * A wrong SLACK_SIGNING_SECRET (or a clock far off) refuses every request Slack sends: each is a
 * 401 at info, and nothing else said so. Slack's requests refused again and again are one warn
 * line saying what to check, rate-limited, and never an alert; an internet scanner's unsigned
 * requests are never counted towards it.
 */
describe("the request guard, when Slack's requests keep failing the signature check", () => {
  const secret = 'guard-test-secret';
  const logged: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const log = (level: string) => (fields: object, message: string) => logged.push({ level, fields: fields as Record<string, unknown>, message });
  const counted: Record<string, string>[] = [];
  const guarded = useGuardedServer((_req, res) => res.writeHead(200).end(), {
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    metrics: { count: (name, labels = {}) => counted.push({ name, ...labels }), duration: () => undefined },
    signingSecret: secret,
  });
  const body = 'command=%2Freset-pin';
  const post = (key?: string, at = Math.floor(Date.now() / 1000)) =>
    fetch(`${guarded.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(key !== undefined && { 'x-slack-request-timestamp': String(at), 'x-slack-signature': `v0=${createHmac('sha256', key).update(`v0:${at}:${body}`).digest('hex')}` }),
      },
      body,
    });
  const warnings = () => logged.filter((l) => l.level === 'warn');

  it('unsigned requests (a scanner) never warn; three of Slack\'s in a row with none passing warn once, saying what to check, never alerting; a pass starts the count again', async () => {
    for (let i = 0; i < 10; i++) expect((await post()).status).toBe(401);
    expect(warnings()).toEqual([]);
    expect(counted.filter((c) => c.code === 'UNSIGNED')).toHaveLength(10);

    // Two refused, then one passes: the count starts again.
    for (let i = 0; i < 2; i++) expect((await post('an-old-secret')).status).toBe(401);
    expect((await post(secret)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await post('an-old-secret')).status).toBe(401);
    expect(warnings()).toEqual([]);

    // The third in a row warns; later ones, within 10 minutes, do not again.
    expect((await post('an-old-secret', Math.floor(Date.now() / 1000) - 3600)).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await post('an-old-secret')).status).toBe(401);
    expect(warnings()).toHaveLength(1);
    const [warning] = warnings();
    expect(warning!.message).toContain('SLACK_SIGNING_SECRET (your Slack app → Basic Information → App Credentials → Signing Secret');
    expect(warning!.message).toContain("this server's clock");
    // Or not ours at all: anyone can send Slack's headers with a wrong signature.
    expect(warning!.message).toContain('If they work, someone is sending forged requests: each was refused and nothing needs changing here');
    expect(warning!.fields).toEqual(expect.objectContaining({ refusedInARow: 3, staleTimestamp: 1, signatureMismatch: 2, lastPassedAt: expect.stringMatching(/^\d{4}-/) }));
    expect(warning!.fields).not.toHaveProperty('alert');
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
    expect(counted.filter((c) => c.code === 'SIGNATURE_MISMATCH')).toHaveLength(9);
    expect(counted.filter((c) => c.code === 'TIMESTAMP_OUT_OF_RANGE')).toHaveLength(1);
    expect(new Set(counted.map((c) => `${c.name} ${c.action}`))).toEqual(new Set(['request_refused slack_request']));
  });

  it('warns again only after 10 minutes while they go on failing, and says when one last passed', () => {
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    let now = Date.parse('2026-12-05T03:00:00Z');
    const watch = new SignatureWatch({ debug: () => {}, info: () => {}, warn: (fields, message) => lines.push({ fields: fields as Record<string, unknown>, message }), error: () => {} }, () => now);
    for (let i = 0; i < 3; i++) watch.failed('mismatch', true);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.fields.lastPassedAt).toBe('none since start');
    now += SIGNATURE_WARN_EVERY_MS - 1;
    watch.failed('mismatch', true);
    expect(lines).toHaveLength(1);
    now += 1;
    watch.failed('stale', true);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.fields).toEqual(expect.objectContaining({ refusedInARow: 5, staleTimestamp: 1 }));
    // Headers missing, or a form that is not Slack's: never counted, however many.
    now += SIGNATURE_WARN_EVERY_MS;
    for (let i = 0; i < 10; i++) watch.failed('mismatch', false);
    for (let i = 0; i < 10; i++) watch.failed('unsigned', true);
    expect(lines).toHaveLength(2);
  });
});

/**
 * Requests anyone can send, refused before their signature is accepted, as fast as they like:
 * 3,000 forged ones were 3,000 lines (walk-operator finding 4), billed by the log's ingestion and
 * burying the lines that matter. The first of each reason is its line as before; the rest, one
 * line with how many when the window ends (or the server stops). Slack's signed requests are
 * still a line each.
 */
describe('the request guard, under a flood of requests refused on arrival', () => {
  const secret = 'guard-test-secret';
  const logged: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const log = (level: string) => (fields: object, message: string) => logged.push({ level, fields: fields as Record<string, unknown>, message });
  const counted: Record<string, string>[] = [];
  const options = {
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    metrics: { count: (name: string, labels = {}) => counted.push({ name, ...labels }), duration: () => undefined },
    signingSecret: secret,
  };
  // A window no flood outlasts on a loaded machine, and one short enough to wait for.
  const flood = useGuardedServer((_req, res) => res.writeHead(200).end(), { ...options, refusalWindowMs: 60_000 });
  const shortWindowMs = 1_500;
  const timed = useGuardedServer((_req, res) => res.writeHead(200).end(), { ...options, refusalWindowMs: shortWindowMs });
  // Slow bodies answered 408 after half a second, not the app's 4.
  const slow = useGuardedServer((_req, res) => res.writeHead(200).end(), { ...options, refusalWindowMs: 60_000, unansweredMs: 500 });
  beforeEach(() => {
    flood.flushRefusals();
    timed.flushRefusals();
    slow.flushRefusals();
    logged.length = 0;
    counted.length = 0;
  });
  const post = (url: string, body: string, { key, contentType = 'application/x-www-form-urlencoded' }: { key?: string; contentType?: string } = {}) => {
    const at = Math.floor(Date.now() / 1000);
    return fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        ...(key !== undefined && { 'x-slack-request-timestamp': String(at), 'x-slack-signature': `v0=${createHmac('sha256', key).update(`v0:${at}:${body}`).digest('hex')}` }),
      },
      body,
    });
  };
  const lines = (message: string) => logged.filter((l) => l.message === message);
  const mismatch = 'signature does not match SLACK_SIGNING_SECRET';
  const unsigned = 'no Slack signature or timestamp';
  const command = 'command=%2Freset-pin';

  it("300 forged, 50 unsigned and 20 of other content types are the first of each reason's line, then one line per reason with how many more; each is still counted, the warning still comes, and Slack's own requests pass", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) statuses.push((await post(flood.url, command, { key: 'a-forger' })).status);
    for (let i = 0; i < 50; i++) statuses.push((await post(flood.url, command)).status);
    // Whatever content type each names, they are one reason.
    for (let i = 0; i < 20; i++) statuses.push((await post(flood.url, command, { contentType: `text/x-${i}` })).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(350);
    expect(statuses.filter((s) => s === 415)).toHaveLength(20);
    expect((await post(flood.url, command, { key: secret })).status).toBe(200);

    expect(lines('request refused').map((l) => [l.level, l.fields.status, l.fields.reason])).toEqual([
      ['info', 401, mismatch],
      ['info', 401, unsigned],
      ['info', 415, 'content type text/x-0'],
    ]);
    expect(lines('requests refused')).toEqual([]);
    flood.flushRefusals();
    expect(lines('requests refused').map((l) => [l.level, l.fields])).toEqual([
      ['info', { status: 401, reason: unsigned, refused: 49, windowSeconds: 60 }],
      ['info', { status: 401, reason: mismatch, refused: 299, windowSeconds: 60 }],
      ['info', { status: 415, reason: 'content type not one Slack sends', refused: 19, windowSeconds: 60 }],
    ]);
    expect(logged.filter((l) => l.level === 'error' || l.fields.alert !== undefined)).toEqual([]);
    // What the dashboard and the operator see of it otherwise is as before: every request counted, the forged ones' warning once.
    expect(counted.filter((c) => c.code === 'SIGNATURE_MISMATCH')).toHaveLength(300);
    expect(counted.filter((c) => c.code === 'UNSIGNED')).toHaveLength(50);
    expect(logged.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([expect.stringContaining("requests with Slack's signature headers keep failing the signature check")]);
  });

  it('the rest are written when the window ends, by a timer that then stops: idle, nothing more is written, and the next refusal is a line in full', async () => {
    const sent = await Promise.all([0, 1, 2, 3, 4].map(() => post(timed.url, command, { key: 'a-forger' })));
    expect(sent.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(lines('request refused')).toHaveLength(1);
    await until('the refusals summary', () => lines('requests refused').length > 0, shortWindowMs * 4);
    expect(lines('requests refused').map((l) => l.fields)).toEqual([{ status: 401, reason: mismatch, refused: 4, windowSeconds: shortWindowMs / 1000 }]);

    const written = logged.length;
    await new Promise((r) => setTimeout(r, shortWindowMs * 2));
    expect(logged.length).toBe(written);
    expect((await post(timed.url, command, { key: 'a-forger' })).status).toBe(401);
    expect(logged.slice(written).map((l) => [l.message, l.fields.reason])).toEqual([['request refused', mismatch]]);
  });

  it('what was refused since the last line is written once when the server stops (flushRefusals), not lost, nor written again when the window ends', async () => {
    for (let i = 0; i < 5; i++) expect((await post(timed.url, command, { key: 'a-forger' })).status).toBe(401);
    timed.flushRefusals();
    expect(lines('requests refused').map((l) => [l.fields.reason, l.fields.refused])).toEqual([[mismatch, 4]]);
    await new Promise((r) => setTimeout(r, shortWindowMs * 2));
    expect(lines('requests refused')).toHaveLength(1);
  });

  it('100 clients holding their bodies back at once are one line at the first 408 and one with how many more, not a line each, and no alert', async () => {
    const statuses = await Promise.all(
      Array.from(
        { length: 100 },
        () =>
          new Promise<number>((resolve, reject) => {
            const req = request(`${slow.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '100' } }, (r) => {
              r.resume();
              resolve(r.statusCode ?? 0);
            });
            req.on('error', reject);
            req.write(command); // and the rest never comes
          }),
      ),
    );
    expect(statuses.filter((s) => s === 408)).toHaveLength(100);
    // Before: 100 lines, `request body not received in time` each.
    expect(logged.map((l) => [l.level, l.message, l.fields])).toEqual([['info', 'request refused', { status: 408, reason: 'body not received within 500 ms' }]]);
    slow.flushRefusals();
    expect(logged.map((l) => [l.level, l.message, l.fields])).toEqual([
      ['info', 'request refused', { status: 408, reason: 'body not received within 500 ms' }],
      ['info', 'requests refused', { status: 408, reason: 'body not received within 500 ms', refused: 99, windowSeconds: 60 }],
    ]);
  });

  it("Slack's signed requests refused for their body are still a line each, never folded", async () => {
    for (let i = 0; i < 3; i++) expect((await post(flood.url, 'payload=null', { key: secret })).status).toBe(400);
    expect(lines('request refused').map((l) => [l.fields.status, l.fields.reason])).toEqual([0, 1, 2].map(() => [400, 'payload is not a JSON object']));
    flood.flushRefusals();
    expect(lines('requests refused')).toEqual([]);
  });
});
