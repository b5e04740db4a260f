import { createHmac } from 'node:crypto';
import { SIGNATURE_MAX_AGE_S, signedBySlack } from '../../src/slack/slack-signature';

/** Every request, the server's and Lambda's, passes this check before anything reads its body. */
describe("Slack's request signature", () => {
  const secret = 'signing-secret-for-this-test';
  const body = 'command=%2Freset-pin&user_id=U1';
  const now = 1_800_000_000_000;
  const sign = (timestamp: string, key = secret, signed = body) => `v0=${createHmac('sha256', key).update(`v0:${timestamp}:${signed}`).digest('hex')}`;
  const at = (offsetS: number) => String(now / 1000 + offsetS);
  const check = (timestamp: string, signature: string | undefined, options: { maxAgeS?: number } = {}) =>
    signedBySlack(secret, { body, timestamp, signature }, { nowMs: now, ...options });

  it('holds for the body Slack signed, up to five minutes either side of our clock', () => {
    for (const offset of [0, -SIGNATURE_MAX_AGE_S, SIGNATURE_MAX_AGE_S]) expect(check(at(offset), sign(at(offset)))).toBe(true);
  });

  it('fails a second past five minutes, before or after, however well signed: a replay or a wrong clock', () => {
    for (const offset of [-SIGNATURE_MAX_AGE_S - 1, SIGNATURE_MAX_AGE_S + 1, -86_400]) expect(check(at(offset), sign(at(offset)))).toBe(false);
  });

  it('fails for another secret, another body, another timestamp, or a signature cut, re-cased or missing', () => {
    const t = at(0);
    const good = sign(t);
    expect(check(t, sign(t, 'another-apps-secret'))).toBe(false);
    expect(check(t, sign(t, secret, `${body}&text=more`))).toBe(false);
    expect(check(at(1), good)).toBe(false);
    expect(check(t, good.slice(0, -2))).toBe(false);
    expect(check(t, `${good}00`)).toBe(false);
    expect(check(t, good.toUpperCase())).toBe(false);
    expect(check(t, good.replace('v0=', 'v1='))).toBe(false);
    expect(check(t, undefined)).toBe(false);
    expect(signedBySlack('', { body, timestamp: t, signature: createHmac('sha256', '').update(`v0:${t}:${body}`).digest('hex') }, { nowMs: now })).toBe(false);
  });

  it('checks each request against the secret it is given, after another was used (a rotated secret, a second app)', () => {
    const t = at(0);
    const other = 'the-rotated-signing-secret';
    const byOther = sign(t, other);
    expect(check(t, sign(t))).toBe(true);
    expect(signedBySlack(other, { body, timestamp: t, signature: byOther }, { nowMs: now })).toBe(true);
    expect(check(t, byOther)).toBe(false);
    expect(signedBySlack(other, { body, timestamp: t, signature: sign(t) }, { nowMs: now })).toBe(false);
    expect(check(t, sign(t))).toBe(true);
  });

  it('reads the timestamp as Slack sends it, whole seconds in digits only', () => {
    for (const t of [`${at(0)}.0`, ` ${at(0)}`, '1.8e9', '', '-1', '0x6b49d200']) expect(check(t, sign(t))).toBe(false);
  });

  it("Lambda's failed-work path checks the signature of an order of any age (its own limit and seal bound it)", () => {
    const old = at(-3_600);
    expect(check(old, sign(old))).toBe(false);
    expect(check(old, sign(old), { maxAgeS: Infinity })).toBe(true);
    expect(check(old, sign(old, 'another-apps-secret'), { maxAgeS: Infinity })).toBe(false);
  });
});
