import { ChimeClient, ResetPersonalPINCommand } from '@aws-sdk/client-chime';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import tls, { type ConnectionOptions } from 'node:tls';
import { join } from 'node:path';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { awsClientSettings, forChanges } from '../../src/aws-client';
import { fromAwsError } from '../../src/credentials/aws-errors';
import { unanswered } from '../../src/credentials/http-errors';
import { httpFetch } from '../../src/http/fetch';
import { unreadableAnswers } from '../support/raw-http';
import { until } from '../support/until';

/**
 * One rule for a change that got no answer, over both stacks (http/network-errors.ts
 * mayHaveArrived): a REST change is told as one that may have been made (unanswered), an AWS change
 * is not sent again (forChanges' retries) and is told so (fromAwsError), for the same errors.
 * Node's own errors where a socket can make them (as node:http gives them to our fetch and to the
 * SDK's handler alike), the SDK's by their shape.
 */
async function failureOf(call: (url: string) => Promise<unknown>, serve: () => Promise<{ url: string; close: () => Promise<void> }>, closeFirst = false): Promise<unknown> {
  const server = await serve();
  if (closeFirst) await server.close();
  try {
    return await call(server.url).then(() => new Error('it answered'), (e: unknown) => e);
  } finally {
    if (!closeFirst) await server.close();
  }
}

/** A server that takes each request and never answers; `received` lists the paths that reached it. */
const neverAnswers = async () => {
  const received: string[] = [];
  const server = createServer((req) => void received.push(req.url ?? ''));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
};
const post = (timeoutMs: number) => (url: string) => httpFetch()(`${url}/change`, { method: 'POST', body: '{}', timeoutMs });
/**
 * Long past any connect or TLS handshake on this machine, however loaded: a timeout that must fire
 * once the request is on the wire never races the connection (the servers never answer anyway).
 */
const WELL_AFTER_SENDING_MS = 3_000;

/**
 * The change given up while it waits for the host's one connection (maxSockets 1), which a call the
 * server never answers holds: `end` is our fetch's timeout or an abort. Only the holder reached the server.
 */
async function givenUpWaitingForAConnection(end: 'timeout' | 'abort'): Promise<unknown> {
  const server = await neverAnswers();
  const fetch = httpFetch({ maxSockets: 1 });
  const holder = fetch(`${server.url}/held`, { method: 'POST', body: '{}', timeoutMs: 10_000 }).catch(() => undefined);
  await until('the held request at the server', () => server.received.length === 1);
  try {
    const time = end === 'timeout' ? { timeoutMs: 200 } : { signal: AbortSignal.timeout(200) };
    const err = await fetch(`${server.url}/change`, { method: 'POST', body: '{}', ...time }).then(() => new Error('it answered'), (e: unknown) => e);
    expect(server.received).toEqual(['/held']);
    return err;
  } finally {
    await server.close();
    await holder;
  }
}

/** The change given up in the TLS handshake: a server takes the connection and never answers its hello. The request's bytes never reached it. */
async function givenUpInTheHandshake(): Promise<unknown> {
  let bytes = '';
  const server = createNetServer((socket) => socket.on('data', (d: Buffer) => (bytes += d.toString('latin1'))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const err = await httpFetch()(`https://127.0.0.1:${(server.address() as AddressInfo).port}/change`, { method: 'POST', body: '{}', timeoutMs: 300 }).then(() => new Error('it answered'), (e: unknown) => e);
    expect(bytes.length).toBeGreaterThan(0); // its hello came
    expect(bytes).not.toContain('/change');
    return err;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Timed out on a TLS connection whose handshake was done, new or (`reused`) kept alive from a call
 * answered before: the request went out (the server has it). A throwaway certificate for
 * 127.0.0.1, trusted for these calls alone: the HTTPS agent's connects are handed it as their CA.
 */
async function timedOutOnATlsConnection(reused: boolean): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'sent-once-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const [key, cert] = [readFileSync(join(dir, 'key.pem')), readFileSync(join(dir, 'cert.pem'))];
  rmSync(dir, { recursive: true });
  const received: string[] = [];
  const server = createHttpsServer({ key, cert }, (req, res) => {
    received.push(req.url ?? '');
    if (req.url === '/first') res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const connect = tls.connect;
  const trusting = jest.spyOn(tls, 'connect').mockImplementation(((options: ConnectionOptions) => connect({ ...options, ca: cert })) as typeof tls.connect);
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fetch = httpFetch({ maxSockets: 1 });
  try {
    if (reused) await fetch(`${url}/first`);
    const err = await fetch(`${url}/change`, { method: 'POST', body: '{}', timeoutMs: WELL_AFTER_SENDING_MS }).then(() => new Error('it answered'), (e: unknown) => e);
    expect(received).toEqual([...(reused ? ['/first'] : []), '/change']);
    return err;
  } finally {
    trusting.mockRestore();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Aborted once the server had the request (not on a timer, which a slow connect could beat): it may have acted on it. */
async function abortedAfterSending(): Promise<unknown> {
  const server = await neverAnswers();
  try {
    const abort = new AbortController();
    const call = httpFetch()(`${server.url}/change`, { method: 'POST', body: '{}', signal: abort.signal }).then(() => new Error('it answered'), (e: unknown) => e);
    await until('the held request at the server', () => server.received.length === 1);
    abort.abort();
    const err = await call;
    expect(server.received).toEqual(['/change']);
    return err;
  } finally {
    await server.close();
  }
}

/**
 * The AWS SDK's own handler (as every client here sends with it) with one connection to the host,
 * held by a call never answered: its next call waits for that connection until the connection
 * timeout. Only the holder reached the server.
 */
async function sdkWaitingForAConnection(): Promise<unknown> {
  const server = await neverAnswers();
  const client = new ChimeClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }), connectionTimeout: 300, requestTimeout: 10_000, throwOnRequestTimeout: true },
  });
  const holder = client.send(new ResetPersonalPINCommand({ AccountId: 'a', UserId: 'held' })).catch(() => undefined);
  await until('the held request at the server', () => server.received.length === 1);
  try {
    const err = await client.send(new ResetPersonalPINCommand({ AccountId: 'a', UserId: 'change' })).then(() => new Error('it answered'), (e: unknown) => e);
    expect(server.received).toHaveLength(1);
    return err;
  } finally {
    await server.close();
    await holder;
    client.destroy();
  }
}

/** Would forChanges' client send it again? (It asks its retry strategy, as the SDK's retry middleware does, for an error the SDK takes for transient.) */
async function triedAgain(error: unknown): Promise<boolean> {
  const strategy = forChanges(awsClientSettings()).retryStrategy!;
  const token = await strategy.acquireInitialRetryToken('chime');
  return strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT', error: error as Parameters<typeof strategy.refreshRetryTokenForRetry>[1]['error'] }).then(() => true, () => false);
}

describe('a change with no answer: sent once exactly when it is told as one that may have been made, over REST and AWS alike', () => {
  it.each<[string, boolean, () => Promise<unknown>]>([
    ['an answer that came but cannot be read (Node: HPE_INVALID_CONSTANT)', true, () => failureOf(post(2_000), unreadableAnswers)],
    ['no answer within the time (our fetch: TimeoutError)', true, () => failureOf(post(WELL_AFTER_SENDING_MS), neverAnswers)],
    ['a connection refused (Node: ECONNREFUSED, syscall connect)', false, () => failureOf(post(2_000), unreadableAnswers, true)],
    ["the SDK's request timeout (TimeoutError, ETIMEDOUT)", true, async () => Object.assign(new Error('a request has exceeded the configured 1000 ms requestTimeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' })],
    // Given up before the request was on a connection: nothing of it left.
    ["our fetch's timeout while it waits for one of its host's connections (all in use)", false, () => givenUpWaitingForAConnection('timeout')],
    ['an abort while it waits for one of its host\'s connections', false, () => givenUpWaitingForAConnection('abort')],
    ["our fetch's timeout in the TLS handshake, before the request was written", false, givenUpInTheHandshake],
    ['an abort once the server had the request (our fetch: AbortError, ABORT_ERR)', true, abortedAfterSending],
    ["our fetch's timeout once on a TLS connection (the handshake done, the request written)", true, () => timedOutOnATlsConnection(false)],
    ["our fetch's timeout on a kept-alive TLS connection reused from a call answered before (the request written)", true, () => timedOutOnATlsConnection(true)],
    // The SDK's connection timeout is cleared when its request is on a connected socket: it fires only before.
    ["the SDK's connection timeout, while it waits for one of the agent's connections (the real handler)", false, sdkWaitingForAConnection],
    [
      "the SDK's connection timeout (TimeoutError with no code, its own words)",
      false,
      async () => Object.assign(new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 2000 ms.'), { name: 'TimeoutError' }),
    ],
    [
      "the SDK's socket timeout, on a connection (TimeoutError with no code, other words)",
      true,
      async () => Object.assign(new Error('@smithy/node-http-handler - the request socket timed out after 6000 ms of inactivity (configured by client requestHandler).'), { name: 'TimeoutError' }),
    ],
    ['a TimeoutError with no code and words not known (not known to be before the connection)', true, async () => Object.assign(new Error('did not establish a connection within the configured timeout'), { name: 'TimeoutError' })],
    ['a connection reset on the way (ECONNRESET, syscall read)', true, async () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' })],
    ['a host not found (ENOTFOUND, syscall getaddrinfo)', false, async () => Object.assign(new Error('getaddrinfo ENOTFOUND chime.example'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' })],
    ['a wrapper whose cause is a reset', true, async () => new Error('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) })],
    ["a server's certificate refused in the handshake (DEPTH_ZERO_SELF_SIGNED_CERT: a TLS-intercepting proxy)", false, async () => Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })],
    ['a certificate for another host (ERR_TLS_CERT_ALTNAME_INVALID), inside the SDK\'s wrapper', false, async () => new Error('wrapped', { cause: Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }) })],
    ['no AWS credentials: refused before it was sent', false, async () => Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })],
  ])('%s: may have been made, %s', async (_what, mayHaveBeenMade, failure) => {
    const err = await failure();
    const unknown = mayHaveBeenMade ? 'DIRECTORY_OUTCOME_UNKNOWN' : expect.not.stringMatching(/^DIRECTORY_OUTCOME_UNKNOWN$/);
    expect(unanswered(err, 'test:Change', true).code).toEqual(unknown);
    expect(fromAwsError(err, 'chime:ResetPersonalPIN', {}, { change: true }).code).toEqual(unknown);
    expect(await triedAgain(err)).toBe(!mayHaveBeenMade);
    // A lookup so failed changed nothing, whatever the error.
    expect(unanswered(err, 'test:Lookup').code).toBe('DIRECTORY_UNAVAILABLE');
  });
});
