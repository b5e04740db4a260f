import { createServer, type IncomingMessage } from 'node:http';
import { callJson, failureOf, type CallPolicy } from '../../src/credentials/http-errors';
import { serveOnLoopback, type RunningServer } from '../../src/credentials/stand-in';
import { okta } from '../../src/credentials/okta';
import type { FailureCode } from '../../src/flows/failure';
import { resetWordsOf } from '../../src/handlers/reset-words';
import { httpFetch } from '../../src/http/fetch';
import { failureView } from '../../src/views/reset-modal';
import { unreadableAnswers } from '../support/raw-http';
import { until } from '../support/until';

/** A REST server that records what it received and answers from a queue (default 200 {}). */
async function restServer() {
  const received: { method: string; path: string; body: string; contentType?: string }[] = [];
  const answers: { status: number; body: unknown; headers?: Record<string, string> }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), contentType: req.headers['content-type'] });
      const next = answers.shift() ?? { status: 200, body: { ok: true } };
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(JSON.stringify(next.body));
    });
  });
  const running: RunningServer = await serveOnLoopback(server);
  return { ...running, received, answers };
}

const POLICY: CallPolicy = { timeoutMs: 2_000, patienceMs: 2_000, retryAt: () => new Date(Date.now() + 50) };
/** Google's way: a 403 whose reason says the rate limit was hit. */
const GOOGLE_LIKE: CallPolicy = {
  ...POLICY,
  throttled: (a) => a.status === 403 && JSON.stringify(a.body).includes('"userRateLimitExceeded"'),
};

describe('callJson', () => {
  let server: Awaited<ReturnType<typeof restServer>>;
  const fetch = httpFetch();
  beforeAll(async () => {
    server = await restServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.received.length = 0;
    server.answers.length = 0;
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const)('sends %s with its body as it is', async (method) => {
    const body = method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify({ passwordProfile: { forceChangePasswordNextSignIn: true } });
    const answer = await callJson(fetch, { method, url: `${server.url}/v1.0/users/u1`, headers: { 'content-type': 'application/json' }, body, operation: 'test:Call' }, POLICY);
    expect(answer).toMatchObject({ status: 200, body: { ok: true }, throttled: false });
    expect(server.received).toEqual([{ method, path: '/v1.0/users/u1', body: body ?? '', contentType: 'application/json' }]);
  });

  it("a directory's own throttling answer (403 userRateLimitExceeded) is retried, then succeeds", async () => {
    server.answers.push({ status: 403, body: { error: { code: 403, message: 'Rate Limit', errors: [{ reason: 'userRateLimitExceeded' }] } } });
    const answer = await callJson(fetch, { method: 'PUT', url: `${server.url}/u`, headers: {}, body: '{}', operation: 'test:Put' }, GOOGLE_LIKE);
    expect(answer.status).toBe(200);
    expect(server.received.map((r) => r.method)).toEqual(['PUT', 'PUT']);
  });

  it('past its patience it ends as DIRECTORY_THROTTLED, not as a misconfiguration', async () => {
    const limited = { status: 403, body: { error: { code: 403, errors: [{ reason: 'userRateLimitExceeded' }] } } };
    server.answers.push(limited, limited, limited);
    const answer = await callJson(fetch, { method: 'GET', url: `${server.url}/u`, headers: {}, operation: 'test:Get' }, GOOGLE_LIKE);
    expect(answer.throttled).toBe(true);
    expect(failureOf(answer, 'test:Get', 'rate limit', GOOGLE_LIKE).code).toBe('DIRECTORY_THROTTLED');
  });

  it('without the hook the same 403 is a misconfiguration, at once', async () => {
    server.answers.push({ status: 403, body: { error: { code: 403, errors: [{ reason: 'forbidden' }] } } });
    const answer = await callJson(fetch, { method: 'GET', url: `${server.url}/u`, headers: {}, operation: 'test:Get' }, GOOGLE_LIKE);
    expect(server.received).toHaveLength(1);
    expect(failureOf(answer, 'test:Get', 'forbidden', GOOGLE_LIKE).code).toBe('DIRECTORY_MISCONFIGURED');
  });
});

describe('callJson: a change that got no answer it could read', () => {
  const fetch = httpFetch();
  const call = (url: string, change: boolean) =>
    callJson(fetch, { method: change ? 'POST' : 'GET', url: `${url}/api/v1/users/u1/lifecycle/x`, headers: {}, ...(change && { body: '{}' }), operation: 'test:Call', change }, POLICY).then(
      () => undefined,
      (e: unknown) => e as { code?: string },
    );

  it('an answer that came but cannot be read: the change reached the directory, so it may have been made (sent once); a lookup so answered changed nothing', async () => {
    const server = await unreadableAnswers();
    try {
      expect(await call(server.url, true)).toMatchObject({ code: 'DIRECTORY_OUTCOME_UNKNOWN' });
      expect(server.received()).toBe(1);
      expect(await call(server.url, false)).toMatchObject({ code: 'DIRECTORY_UNAVAILABLE' });
    } finally {
      await server.close();
    }
  });

  it("a change given up while it waited for the host's one connection (held by a call never answered) never left: the person is told nothing was changed, not that Latchkey cannot tell", async () => {
    const received: string[] = [];
    const server = await serveOnLoopback(createServer((req) => void received.push(`${req.method} ${req.url}`)));
    const oneConnection = httpFetch({ maxSockets: 1 });
    const held = oneConnection(`${server.url}/held`, { timeoutMs: 10_000 }).catch(() => undefined);
    try {
      await until('the held request at the server', () => received.length > 0);
      const failure = await callJson(oneConnection, { method: 'POST', url: `${server.url}/api/v1/users/u1/lifecycle/x`, headers: {}, body: '{}', operation: 'okta:ExpirePassword', change: true }, { ...POLICY, timeoutMs: 300 }).then(
        () => undefined,
        (e: unknown) => e as { code: FailureCode },
      );
      expect(received).toEqual(['GET /held']);
      const said = JSON.stringify(failureView({ code: failure!.code, requestId: 'r1' }, resetWordsOf(okta)).blocks);
      expect(said).toContain('Okta is not answering right now. Nothing was changed.');
      expect(said).not.toContain('cannot tell');
    } finally {
      await server.close();
      await held;
    }
  });

  it('a connection refused never carried the change: nothing was changed', async () => {
    const server = await unreadableAnswers();
    await server.close();
    expect(await call(server.url, true)).toMatchObject({ code: 'DIRECTORY_UNAVAILABLE' });
  });
});
