import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { awsClientSettings, forChanges } from '../../src/aws-client';
import { fromAwsError } from '../../src/credentials/aws-errors';
import { unanswered } from '../../src/credentials/http-errors';
import { httpFetch } from '../../src/http/fetch';
import { unreadableAnswers } from '../support/raw-http';

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

const neverAnswers = async () => {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
};
const post = (timeoutMs: number) => (url: string) => httpFetch()(`${url}/change`, { method: 'POST', body: '{}', timeoutMs });

/** Would forChanges' client send it again? (It asks its retry strategy, as the SDK's retry middleware does, for an error the SDK takes for transient.) */
async function triedAgain(error: unknown): Promise<boolean> {
  const strategy = forChanges(awsClientSettings()).retryStrategy!;
  const token = await strategy.acquireInitialRetryToken('chime');
  return strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT', error: error as Parameters<typeof strategy.refreshRetryTokenForRetry>[1]['error'] }).then(() => true, () => false);
}

describe('a change with no answer: sent once exactly when it is told as one that may have been made, over REST and AWS alike', () => {
  it.each<[string, boolean, () => Promise<unknown>]>([
    ['an answer that came but cannot be read (Node: HPE_INVALID_CONSTANT)', true, () => failureOf(post(2_000), unreadableAnswers)],
    ['no answer within the time (our fetch: TimeoutError)', true, () => failureOf(post(200), neverAnswers)],
    ['a connection refused (Node: ECONNREFUSED, syscall connect)', false, () => failureOf(post(2_000), unreadableAnswers, true)],
    ["the SDK's request timeout (TimeoutError, ETIMEDOUT)", true, async () => Object.assign(new Error('a request has exceeded the configured 1000 ms requestTimeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' })],
    ["the SDK's connect timeout (TimeoutError with no code: it may have connected just then)", true, async () => Object.assign(new Error('did not establish a connection within the configured timeout'), { name: 'TimeoutError' })],
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
