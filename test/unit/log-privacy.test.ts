import { fromAwsError } from '../../src/credentials/aws-errors';
import { OktaDirectory } from '../../src/credentials/okta/okta-directory';
import { describeError, LatchkeyFailure } from '../../src/flows/failure';
import { matchByEmail } from '../../src/flows/pick-directory-user';
import { httpFetch } from '../../src/http/fetch';
import { createServer } from 'node:net';

/**
 * Issue 26 §2.3 and §2.7: no email or search URL in a log line, and the one exact-match function
 * folds ASCII case only. A failure's message is what the flows log (describeError).
 */
describe('emails stay out of log lines', () => {
  it('two directory users for one email: the failure says how many, not whose', () => {
    const users = [
      { id: 'a', email: 'dup@example.com', status: 'active' as const },
      { id: 'b', email: 'DUP@example.com', status: 'active' as const },
    ];
    const failure = (() => {
      try {
        matchByEmail(users, 'dup@example.com');
      } catch (err) {
        return err as LatchkeyFailure;
      }
    })()!;
    expect(failure.code).toBe('DIRECTORY_USER_AMBIGUOUS');
    expect(describeError(failure)).toContain('2 directory users');
    expect(describeError(failure)).not.toMatch(/dup@/i);
  });

  it('Okta unreachable: the failure names the network error by its code, not the search URL with the email in it', async () => {
    // A port that refuses connections: bound, then closed.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const okta = new OktaDirectory(httpFetch(), `http://127.0.0.1:${port}`, 'okta-token-0123456789abcdef');
    const err = await okta.findCandidates('kim.secret@example.com').catch((e: unknown) => e as LatchkeyFailure);
    expect(err).toBeInstanceOf(LatchkeyFailure);
    expect((err as LatchkeyFailure).code).toBe('DIRECTORY_UNAVAILABLE');
    expect(describeError(err)).toContain('ECONNREFUSED');
    expect(describeError(err)).not.toMatch(/kim|example\.com|search=|\/api\/v1/);
  });

  it('an AWS network error is named by its code, not its message', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED https://workmail.example/?filter=kim%40example.com'), { code: 'ECONNREFUSED' });
    const failure = fromAwsError(err, 'workmail', {});
    expect(failure.code).toBe('DIRECTORY_UNAVAILABLE');
    expect(describeError(failure)).toContain('ECONNREFUSED');
    expect(describeError(failure)).not.toContain('kim');
  });
});

// The one unit test of fromAwsError beyond its rules elsewhere: a call can reject with any value.
describe('fromAwsError of a value that is not an object', () => {
  it.each([['a string', 'boom'], ['a number', 42], ['undefined', undefined]])('%s is a failure, not a TypeError', (_what, value) => {
    const failure = fromAwsError(value, 'chime:ListUsers', {});
    expect(failure.code).toBe('DIRECTORY_UNAVAILABLE');
    expect(describeError(failure)).toContain('chime:ListUsers');
  });
});

describe('the exact email match folds ASCII case only (issue 26 §2.7)', () => {
  const kim = { id: 'kim', email: 'kim@example.com', status: 'active' as const };

  it('Kim@ and KIM@ match kim@', () => {
    expect(matchByEmail([kim], 'Kim@example.com')).toBe(kim);
    expect(matchByEmail([kim], 'KIM@EXAMPLE.COM')).toBe(kim);
  });

  it('\u212Aim@ (the Kelvin sign, which toLowerCase() folds to k) does not match kim@, either way round', () => {
    expect(() => matchByEmail([kim], '\u212Aim@example.com')).toThrow(expect.objectContaining({ code: 'DIRECTORY_USER_NOT_FOUND' }));
    expect(() => matchByEmail([{ ...kim, email: '\u212Aim@example.com' }], 'kim@example.com')).toThrow(expect.objectContaining({ code: 'DIRECTORY_USER_NOT_FOUND' }));
  });
});
