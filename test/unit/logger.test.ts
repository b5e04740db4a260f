import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';

/** The logger as the app builds it, writing its JSON lines here. */
function captured() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', destination), lines };
}

describe("the logger's second lock: fields that may hold a secret are redacted wherever a log call puts them", () => {
  it("Okta's temporary password, a number-matching challenge and its answer, and an admin's note never reach a log line", () => {
    const { logger, lines } = captured();
    const body = { tempPassword: 'Tmp-Okta-7731', temporaryPassword: 'Tmp-Other-4412', note: 'gave her pw Hunter2', correctAnswer: 73 };
    // At the top, one level down (an error's body) and two (Okta's `_embedded.challenge`).
    logger.info({ ...body, challenge: '73' }, 'top');
    logger.warn({ err: { body } }, 'nested');
    logger.warn({ answer: { _embedded: { challenge: { correctAnswer: 73 } } } }, 'deeper');
    const written = lines.join('');
    // The numbers are checked field by field below: a line's time may hold the digits.
    for (const secret of ['Tmp-Okta-7731', 'Tmp-Other-4412', 'Hunter2']) expect(written).not.toContain(secret);
    const [top, nested, deeper] = lines.map((l) => JSON.parse(l));
    expect(top).toMatchObject({ tempPassword: '[redacted]', temporaryPassword: '[redacted]', note: '[redacted]', correctAnswer: '[redacted]', challenge: '[redacted]' });
    expect(nested.err.body).toEqual({ tempPassword: '[redacted]', temporaryPassword: '[redacted]', note: '[redacted]', correctAnswer: '[redacted]' });
    expect(deeper.answer._embedded).toEqual({ challenge: '[redacted]' });
  });
});
