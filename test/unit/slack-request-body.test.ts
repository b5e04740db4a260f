import { parse } from 'node:querystring';
import { readSlackBody, SLACK_FORM } from '../../src/slack/slack-request-body';

/**
 * Bolt JSON-parses a form's `payload` and reads a property of the result outside any try, so a
 * signed `payload=null` would stop the process: every way of spelling the key `payload` must be caught.
 */
describe('a form body whose payload is not a JSON object', () => {
  const spellings = ['payload=null', 'a=1&payload=null', 'payloa%64=null', '%70ayload=7', 'x=1&PAYLOAD=1&payload=%5B%5D', 'payload=1&payload=2'];

  it.each(spellings)('%s is refused with 400', (body) => {
    expect(parse(body).payload).toBeDefined();
    expect(readSlackBody(body, SLACK_FORM)).toEqual({ ok: false, refusal: { status: 400, reason: 'payload is not a JSON object' } });
  });

  it.each([
    'command=%2Freset-pin&text=payload%3Dnull&user_id=U1',
    'payload=%7B%22type%22%3A%22block_actions%22%7D',
    'payloads=null&text=payload',
    '',
  ])('%s, a command or a payload that is an object, passes', (body) => {
    expect(readSlackBody(body, SLACK_FORM).ok).toBe(true);
  });
});
