import { LatchkeyFailure } from '../../src/flows/failure';
import type { HttpFetch, HttpResponse } from '../../src/http/fetch';
import { DuoAuth } from '../../src/verifiers/duo/duo-auth';

/** A Duo that answers every call with `response`, as its Auth API does (stat OK): what a tampered or changed answer would look like. */
function answering(response: unknown): HttpFetch {
  return async (url) => {
    const body = JSON.stringify({ stat: 'OK', response });
    const answer: HttpResponse = {
      status: 200,
      statusText: 'OK',
      ok: true,
      url: String(url),
      headers: { get: (name) => (name.toLowerCase() === 'content-type' ? 'application/json' : null), entries: () => new Map([['content-type', 'application/json']]).entries() },
      text: async () => body,
      json: async () => JSON.parse(body) as unknown,
      arrayBuffer: async () => new TextEncoder().encode(body).buffer as ArrayBuffer,
    };
    return answer;
  };
}

const settings = { hostname: 'api-1a2b3c4d.duosecurity.com', scheme: 'https' as const, integrationKey: 'DIWJ8X6AEYOR5OMC6TQ1', secretKey: 'k'.repeat(40) };
const account = { userId: 'ann@example.com', factorId: 'auto', factorType: 'duo_push' };

describe("Duo's auth_status answer in a failure's detail", () => {
  it('a status of any length is said cut to 40 characters (the cut marked), as one word in quotes: the detail (a log line) does not grow with what Duo sends', async () => {
    const status = `bypass${'<!channel> '.repeat(1000)}`;
    const duo = new DuoAuth(answering({ result: 'allow', status }), settings);
    const failure = await duo.check(account, { transaction: 'tx-1' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(LatchkeyFailure);
    const { code, detail } = failure as LatchkeyFailure;
    expect(code).toBe('VERIFY_NO_FACTOR');
    // Before: the whole 11,006 characters.
    expect(detail).toBe(`duo:auth_status allowed without a push (status ${JSON.stringify(`${status.slice(0, 40)}…`)})`);
    expect(detail!.length).toBeLessThan(120);
  });

  it("Duo's bypass is said as its word, and kept as the plug-in's own reason", async () => {
    const duo = new DuoAuth(answering({ result: 'allow', status: 'bypass' }), settings);
    await expect(duo.check(account, { transaction: 'tx-1' })).rejects.toMatchObject({ code: 'VERIFY_NO_FACTOR', reason: 'bypass', detail: 'duo:auth_status allowed without a push (status "bypass")' });
  });
});
