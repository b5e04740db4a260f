import { LogLevel, WebClient } from '@slack/web-api';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpFetch as slackFetch } from '../../src/http/fetch';

/**
 * The Slack Web API client over slackFetch, against a local server: what the client relies on
 * from its fetch (body, headers, status, Retry-After, timeouts, redirects refused) still holds.
 */
describe('the Web API client over slackFetch', () => {
  let server: Server;
  let url: string;
  let answer: (req: IncomingMessage, body: string, res: ServerResponse) => void;
  const connections: unknown[] = [];

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

  const client = (options: ConstructorParameters<typeof WebClient>[1] = {}) =>
    new WebClient('xoxb-test', { slackApiUrl: url, fetch: slackFetch(), retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR, ...options });

  it('sends the form body and token, reads the JSON answer, and keeps one connection for calls in turn', async () => {
    const seen: { path?: string; auth?: string; type?: string; body: string }[] = [];
    answer = (req, body, res) => {
      seen.push({ path: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ ok: true, user: { id: 'UANN', profile: { email: 'ann@example.com' } } }));
    };
    const before = connections.length;
    const web = client();
    const first = await web.users.info({ user: 'UANN' });
    await web.users.info({ user: 'UBOB' });

    expect(first.user?.profile?.email).toBe('ann@example.com');
    expect(seen[0]).toEqual({ path: '/api/users.info', auth: 'Bearer xoxb-test', type: 'application/x-www-form-urlencoded', body: 'user=UANN' });
    expect(connections.length - before).toBe(1);
  });

  it('turns a Slack error into the client error the flows translate', async () => {
    answer = (_req, _body, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: false, error: 'expired_trigger_id' }));
    };
    await expect(client().views.open({ trigger_id: '1.2', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { error: 'expired_trigger_id' },
    });
  });

  it('reads Retry-After on 429, as the client needs to back off', async () => {
    answer = (_req, _body, res) => {
      res.writeHead(429, { 'retry-after': '7' });
      res.end();
    };
    await expect(client({ rejectRateLimitedCalls: true }).chat.postMessage({ channel: 'D1', text: 'hi' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 7,
    });
  });

  it('gives up at the client timeout instead of waiting on a silent server', async () => {
    answer = () => undefined; // never answers
    const started = Date.now();
    await expect(client({ timeout: 200 }).users.info({ user: 'UANN' })).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    expect(Date.now() - started).toBeLessThan(2_000);
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

  it('refuses a multipart body instead of sending it as text', async () => {
    const form = new FormData();
    form.append('file', new Blob(['x']), 'x.txt');
    await expect(slackFetch()(`${url}files.upload`, { method: 'POST', body: form })).rejects.toThrow(/only text bodies/);
  });
});
