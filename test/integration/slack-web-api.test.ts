import { LogLevel, WebClient } from '@slack/web-api';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpFetch } from '../../src/http/fetch';
import { slackErrorCode, toSlackFailure } from '../../src/slack/slack-errors';
import { SlackApiError, SlackWebApi, type SlackWebApiOptions } from '../../src/slack/slack-web-api';

/**
 * The app's Slack Web API client over its HTTP stack, against a local server that answers as
 * Slack does: what it sends, how it reads Slack's answers and failures, and when it tries again.
 */
describe('the Slack Web API client over httpFetch', () => {
  let server: Server;
  let url: string;
  let answer: (req: IncomingMessage, body: string, res: ServerResponse) => void;
  const connections: unknown[] = [];
  const warnings: unknown[] = [];
  const logger = { debug() {}, info() {}, warn: (o: unknown) => void warnings.push(o), error() {} };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => answer(req, body, res));
    });
    server.on('connection', (socket) => connections.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = (options: Partial<SlackWebApiOptions> = {}) =>
    new SlackWebApi({ token: 'xoxb-test', apiUrl: url, fetch: httpFetch(), logger, retries: 0, backoffMs: { first: 10, most: 20 }, ...options });
  const ok = (res: ServerResponse, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify({ ok: true, ...body }));
  };
  const view = (text: string) => ({ type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Reset' }, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }] });

  it('posts the form body with the token, objects as JSON, reads the answer and the granted scopes, and keeps one connection for calls in turn', async () => {
    const seen: { path?: string; auth?: string; type?: string; body: string }[] = [];
    answer = (req, body, res) => {
      seen.push({ path: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
      ok(res, { user: { id: 'UANN', profile: { email: 'ann@example.com' } } }, { 'x-oauth-scopes': 'users:read, users:read.email,chat:write' });
    };
    const before = connections.length;
    const web = client();
    const first = await web.users.info({ user: 'UANN' });
    await web.views.update({ view_id: 'V1', view: view('a & b = c') });

    expect(first.user?.profile?.email).toBe('ann@example.com');
    expect(first.response_metadata?.scopes).toEqual(['users:read', 'users:read.email', 'chat:write']);
    expect(seen[0]).toEqual({ path: '/api/users.info', auth: 'Bearer xoxb-test', type: 'application/x-www-form-urlencoded', body: 'user=UANN' });
    expect(seen[1]!.path).toBe('/api/views.update');
    expect(Object.fromEntries(new URLSearchParams(seen[1]!.body))).toEqual({ view_id: 'V1', view: JSON.stringify(view('a & b = c')) });
    expect(connections.length - before).toBe(1);
  });

  it("turns Slack's ok:false into the error the flows read, and never puts the arguments in it: a view can hold the new password", async () => {
    answer = (_req, _body, res) => ok(res, { ok: false, error: 'not_found' });
    const err: unknown = await client()
      .views.update({ view_id: 'V1', view: view('Your new password: Kx7-secret-Qp2') })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'slack_webapi_platform_error', data: { error: 'not_found' } });
    expect(slackErrorCode(err)).toBe('not_found');
    expect(toSlackFailure(err, 'views.update')).toMatchObject({ code: 'SLACK_UNAVAILABLE', detail: 'views.update: not_found' });
    expect(`${String(err)} ${JSON.stringify(err)} ${(err as Error).stack}`).not.toContain('Kx7-secret-Qp2');
  });

  it('reads a refused token as a setup problem', async () => {
    answer = (_req, _body, res) => ok(res, { ok: false, error: 'invalid_auth' });
    const err = await client().auth.test().catch((e: unknown) => e);
    expect(toSlackFailure(err, 'auth.test').code).toBe('SLACK_MISCONFIGURED');
  });

  it("waits out a 429 for Slack's Retry-After and tries again, within the retries", async () => {
    let calls = 0;
    answer = (_req, _body, res) => {
      if (++calls === 1) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end();
      } else ok(res, { view: { id: 'V9' } });
    };
    const started = Date.now();
    const opened = await client({ retries: 1 }).views.open({ trigger_id: '1.2', view: view('x') });
    expect(opened.view?.id).toBe('V9');
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once on a 429 whose wait is past its patience, or with no retries left, saying how long Slack asked for', async () => {
    let calls = 0;
    answer = (_req, _body, res) => {
      calls++;
      // An hour: a client that waited it would never end, and jest's timeout would fail the test.
      res.writeHead(429, { 'retry-after': '3600' });
      res.end();
    };
    await expect(client({ retries: 2, patienceMs: 5_000 }).chat.postMessage({ channel: 'D1', text: 'hi' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 3600,
    });
    await expect(client({ retries: 0 }).chat.postMessage({ channel: 'D1', text: 'hi' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error' });
    // Each call was sent once, and not again.
    expect(calls).toBe(2);
  });

  it("reads an answer that is not JSON as not Slack's, and a 429 without Retry-After as a second's wait; a refused redirect is not tried again", async () => {
    let calls = 0;
    answer = (req, _body, res) => {
      calls++;
      if (req.url === '/api/users.info') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>intranet</html>');
      else if (req.url === '/api/conversations.info') res.writeHead(301, { location: '/elsewhere' }).end();
      else res.writeHead(429).end();
    };
    await expect(client({ retries: 2 }).users.info({ user: 'UANN' })).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 200, message: "users.info: Slack's answer was not JSON" });
    await expect(client({ retries: 0 }).chat.postMessage({ channel: 'D1', text: 'hi' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 1 });
    calls = 0;
    await expect(client({ retries: 2 }).conversations.info({ channel: 'C1' })).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    expect(calls).toBe(1);
  });

  it('tries a 5xx again and succeeds; a 4xx is not tried again', async () => {
    let calls = 0;
    answer = (_req, _body, res) => {
      if (++calls === 1) {
        res.writeHead(503);
        res.end('busy');
      } else ok(res, { channel: { id: 'DANN' } });
    };
    await expect(client({ retries: 1 }).conversations.open({ users: 'UANN' })).resolves.toMatchObject({ channel: { id: 'DANN' } });
    expect(calls).toBe(2);

    calls = 0;
    answer = (_req, _body, res) => {
      calls++;
      res.writeHead(404);
      res.end('no such method');
    };
    await expect(client({ retries: 2 }).conversations.info({ channel: 'C1' })).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 404 });
    expect(calls).toBe(1);
  });

  it("a failure as the operator reads it (toSlackFailure's detail) names the call once: 'users.info: Slack answered HTTP 503', not 'users.info: users.info: …'", async () => {
    answer = (_req, _body, res) => {
      res.writeHead(503);
      res.end('busy');
    };
    const http = await client({ retries: 0 }).users.info({ user: 'UANN' }).catch((e: unknown) => e);
    expect(toSlackFailure(http, 'users.info')).toMatchObject({ code: 'SLACK_UNAVAILABLE', detail: 'users.info: Slack answered HTTP 503' });
    // A call said in more words keeps them, and the method it failed in.
    const posted = await client({ retries: 0 }).chat.postMessage({ channel: 'C1', text: 'hi' }).catch((e: unknown) => e);
    expect(toSlackFailure(posted, 'chat.postMessage to the approvals channel').detail).toBe('chat.postMessage to the approvals channel: chat.postMessage: Slack answered HTTP 503');
    answer = (_req, _body, res) => ok(res, { ok: false, error: 'invalid_auth' });
    const refused = await client({ retries: 0 }).users.info({ user: 'UANN' }).catch((e: unknown) => e);
    expect(toSlackFailure(refused, 'users.info')).toMatchObject({ code: 'SLACK_MISCONFIGURED', detail: 'users.info: invalid_auth' });
  });

  it('gives up at the timeout instead of waiting on a silent server, after its retries, naming the cause but not the URL', async () => {
    let calls = 0;
    answer = () => void calls++; // never answers
    const err = await client({ timeoutMs: 200, retries: 1 })
      .users.info({ user: 'UANN' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'slack_webapi_request_error' });
    expect((err as Error).message).toMatch(/^users\.info: no answer from Slack \((AbortError|TimeoutError)/);
    expect((err as Error).message).not.toContain('127.0.0.1');
    // Two attempts, the last given up at the timeout it was given (the first was too, or there would be no second).
    expect(calls).toBe(2);
    expect(((err as SlackApiError).original as Error).message).toBe('no answer within 200 ms');
  });

  it('with callMs, one call ends by then, tries and waits together: a silent server, and a Retry-After past it; a fast 5xx is still tried again within it', async () => {
    let calls = 0;
    answer = () => void calls++; // never answers
    // An attempt's own timeout of an hour: only the call's bound can end it (or jest's timeout fails the test).
    const err = await client({ timeoutMs: 3_600_000, retries: 2, callMs: 300 })
      .users.info({ user: 'UANN' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'slack_webapi_request_error' });
    // Its one attempt was given up at what was left of the call's 300 ms, and not tried again.
    const within = Number(/^no answer within (\d+) ms$/.exec(((err as SlackApiError).original as Error).message)?.[1]);
    expect(within).toBeGreaterThan(0);
    expect(within).toBeLessThanOrEqual(300);
    expect(calls).toBe(1);

    calls = 0;
    answer = (_req, _body, res) => {
      calls++;
      res.writeHead(429, { 'retry-after': '3600' });
      res.end();
    };
    // Within the client's patience, past the call's bound: not waited (an hour's wait would meet jest's timeout), not tried again.
    await expect(client({ retries: 2, callMs: 1_000, patienceMs: 7_200_000 }).chat.postMessage({ channel: 'D1', text: 'hi' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 3600,
    });
    expect(calls).toBe(1);

    calls = 0;
    answer = (_req, _body, res) => {
      if (++calls === 1) res.writeHead(502).end('bad gateway');
      else ok(res, { channel: { id: 'DANN' } });
    };
    await expect(client({ retries: 2, callMs: 1_000 }).conversations.open({ users: 'UANN' })).resolves.toMatchObject({ channel: { id: 'DANN' } });
    expect(calls).toBe(2);
  });

  it('refuses a redirect rather than following it with the token', async () => {
    const followed: string[] = [];
    answer = (req, _body, res) => {
      if (req.url === '/elsewhere') followed.push(req.url);
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    };
    await expect(client().users.info({ user: 'UANN' })).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    expect(followed).toEqual([]);
  });

  it("logs Slack's warnings about a call that worked, for the operator", async () => {
    warnings.length = 0;
    answer = (_req, _body, res) => ok(res, { ts: '1.2', channel: 'C1', response_metadata: { warnings: ['missing_charset'] } });
    await client().chat.update({ channel: 'C1', ts: '1.2', text: 'x' });
    expect(warnings).toEqual([{ method: 'chat.update', warnings: ['missing_charset'] }]);
  });

  it("still carries Bolt's own WebClient, which makes its auth.test at start over the same stack", async () => {
    const seen: unknown[] = [];
    answer = (req, _body, res) => {
      seen.push([req.url, req.headers.authorization]);
      ok(res, { user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' });
    };
    const web = new WebClient('xoxb-test', { slackApiUrl: url, fetch: httpFetch(), retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    await expect(web.auth.test()).resolves.toMatchObject({ user_id: 'UBOT', bot_id: 'BBOT' });
    expect(seen).toEqual([['/api/auth.test', 'Bearer xoxb-test']]);
  });
});
