import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkErrorCode } from '../../src/http/network-errors';
import { httpFetch } from '../../src/http/fetch';
import { until } from '../support/until';

/** The app's own fetch (src/http/fetch.ts), which every Slack, directory and verifier call goes through, against a local server. */
describe("the app's HTTP stack", () => {
  let server: Server;
  let url: string;
  let opened = 0;
  let closed = 0;
  let holdMs = 0;
  let followed = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (req.url === '/echo') {
          res.setHeader('set-cookie', ['a=1', 'b=2']);
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ method: req.method, body, length: req.headers['content-length'], auth: req.headers.authorization, encoding: req.headers['accept-encoding'] ?? null }));
        } else if (req.url === '/moved') {
          res.writeHead(302, { location: `${url}elsewhere` });
          res.end();
        } else if (req.url === '/elsewhere') {
          followed += 1;
          res.end('{}');
        } else if (req.url === '/endless-redirect') {
          res.writeHead(302, { location: `${url}elsewhere` });
          res.write('never ending');
        } else if (req.url === '/huge') {
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(1024 * 1024, 'x');
          for (let i = 0; i < 9; i++) res.write(chunk);
          res.end();
        } else if (req.url === '/cut') {
          res.writeHead(200, { 'content-length': '1000' });
          res.write('{"ok":tr');
          setTimeout(() => res.socket?.destroy(), 20);
        } else if (req.url === '/silent') {
          // never answers
        } else setTimeout(() => res.end('{}'), holdMs);
      });
    });
    server.keepAliveTimeout = 30_000;
    server.on('connection', (socket) => {
      opened += 1;
      socket.on('close', () => (closed += 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  // A server closes idle kept-alive connections after its own limit (Node's: 5 s). A request sent on
  // one as it closes is reset, and the person sees "could not send the Okta Verify request" (found by
  // the verify bench: a burst 5.0 s after the last push). The app closes its idle connections first.
  it('keeps a connection for the next request, and closes it itself once it has been idle for a while', async () => {
    const fetch = httpFetch({ idleSocketMs: 150 });
    const [opened0, closed0] = [opened, closed];
    await (await fetch(url)).text();
    await (await fetch(url)).text();
    expect([opened - opened0, closed - closed0]).toEqual([1, 0]);
    // Waited for, not slept for: after a stall (a loaded machine) this timer and the app's idle one fire together, before the server hears the close.
    await until('the idle connection closed by the app (the server would keep it 30 s)', () => closed - closed0 > 0, 5_000);
    expect(closed - closed0).toBe(1);
    await (await fetch(url)).text();
    expect(opened - opened0).toBe(2);
  });

  it('sends the method, the text body with its length and the headers, asks for no compression, and reads status, headers (any case, repeated ones joined) and JSON', async () => {
    const res = await httpFetch()(`${url}echo`, { method: 'POST', headers: { Authorization: 'Bearer xoxb-1' }, body: 'user=UANN&text=caf\u00e9' });
    expect([res.status, res.ok, res.statusText]).toEqual([200, true, 'OK']);
    expect(res.headers.get('CONTENT-TYPE')).toBe('application/json');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(res.headers.get('x-absent')).toBeNull();
    expect(await res.json()).toEqual({ method: 'POST', body: 'user=UANN&text=caf\u00e9', length: '20', auth: 'Bearer xoxb-1', encoding: null });
  });

  it('never follows a redirect, which could carry a bearer token to another host: refused when asked, else returned as it is', async () => {
    const err = await httpFetch()(`${url}moved`, { redirect: 'error' }).catch((e: unknown) => e);
    expect(networkErrorCode(err)).toBe('HttpFetchError REDIRECT_REFUSED');
    const res = await httpFetch()(`${url}moved`, { method: 'POST', body: 'token=x' });
    expect([res.status, res.ok, res.headers.get('location')]).toEqual([302, false, `${url}elsewhere`]);
    expect(followed).toBe(0);
  });

  it('gives up at its signal, an answer cut short, or one too large to be an answer of ours, with a code and not the URL', async () => {
    const timedOut = await httpFetch()(`${url}silent`, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(networkErrorCode(timedOut)).toBe('TimeoutError: no answer in time');
    const aborted = await httpFetch()(`${url}silent`, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect(networkErrorCode(aborted)).toBe('AbortError: no answer in time');
    const cut = await httpFetch()(`${url}cut`).catch((e: unknown) => e);
    expect(networkErrorCode(cut)).toBe('Error ECONNRESET');
    const huge = await httpFetch()(`${url}huge`).catch((e: unknown) => e);
    expect(networkErrorCode(huge)).toBe('HttpFetchError BODY_TOO_LARGE');
    for (const err of [timedOut, cut, huge]) expect(String((err as Error).message)).not.toContain('127.0.0.1');
  });

  it('clears its timer once a call with a timeout has answered: nothing of the call outlives it', async () => {
    const set = jest.spyOn(global, 'setTimeout');
    const clear = jest.spyOn(global, 'clearTimeout');
    try {
      await Promise.all(Array.from({ length: 20 }, async () => (await httpFetch()(`${url}echo`, { method: 'POST', body: 'x=1', timeoutMs: 60_000 })).text()));
      const timers = set.mock.results.filter((_r, i) => set.mock.calls[i]![1] === 60_000).map((r) => r.value as unknown);
      expect(timers).toHaveLength(20);
      const cleared = new Set(clear.mock.calls.map((c) => c[0] as unknown));
      expect(timers.filter((t) => !cleared.has(t))).toEqual([]);
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
  });

  it("fails at its timeout or its signal even while it waits for one of its host's connections, and ends by itself when given neither", async () => {
    const fetch = httpFetch({ maxSockets: 2, defaultTimeoutMs: 300 });
    const busy = [0, 1].map(() => fetch(`${url}silent`).catch((e: unknown) => e)); // both connections taken, ended by the default
    let freed = 0;
    for (const call of busy) void call.then(() => freed++);
    const [byTimer, bySignal] = await Promise.all([
      fetch(`${url}silent`, { timeoutMs: 100 }).catch((e: unknown) => e),
      fetch(`${url}silent`, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e),
    ]);
    expect([networkErrorCode(byTimer), networkErrorCode(bySignal)]).toEqual(['TimeoutError: no answer in time', 'AbortError: no answer in time']);
    // Both ended by their own 100 ms while both connections were still taken (until the default's
    // 300 ms), not once one came free: timers keep that order on a busy machine, where a bound on
    // the time taken (280 ms) failed once the process lost the CPU for 0.2 s.
    expect(freed).toBe(0);
    expect((await Promise.all(busy)).map(networkErrorCode)).toEqual(['TimeoutError: no answer in time', 'TimeoutError: no answer in time']);
  });

  it("gives a refused redirect's connection up, so a redirect whose body never ends holds nothing; and reads a scheme in capitals", async () => {
    const fetch = httpFetch({ maxSockets: 1 });
    const refused = await fetch(`${url}endless-redirect`, { redirect: 'error', timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(networkErrorCode(refused)).toBe('HttpFetchError REDIRECT_REFUSED');
    const next = await fetch(`${url.replace('http:', 'HTTP:')}echo`, { timeoutMs: 1_000 });
    expect(next.status).toBe(200);
  });

  it('refuses a body that is not text, and a URL that is not http or https, without sending anything', async () => {
    const form = new FormData();
    form.append('file', new Blob(['x']), 'x.txt');
    await expect(httpFetch()(url, { method: 'POST', body: form })).rejects.toThrow(/only text bodies/);
    await expect(httpFetch()('file:///etc/passwd')).rejects.toThrow(/http: and https: URLs only/);
  });

  it('opens at most 100 connections to one host, however many calls are made at once; the rest wait their turn', async () => {
    const fetch = httpFetch();
    const before = opened;
    holdMs = 200;
    try {
      const answers = await Promise.all(Array.from({ length: 150 }, async () => (await fetch(url)).status));
      expect(answers.filter((s) => s === 200)).toHaveLength(150);
    } finally {
      holdMs = 0;
    }
    expect(opened - before).toBe(100);
  });
});
