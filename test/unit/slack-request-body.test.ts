import { parse } from 'node:querystring';
import { parseSlackBody, readSlackBody, SLACK_FORM } from '../../src/slack/slack-request-body';

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

/**
 * Lambda reads a request twice: the answering invocation checks it (readSlackBody), the worker reads
 * the work order's copy (parseSlackBody). Both must see the same request, or the one that answered
 * and the one that works could disagree (a repeated key read as its first value by one only).
 */
describe("a work order's body", () => {
  it.each([
    ['command=%2Freset-pin&user_id=U1&user_id=U2&team_id=T1', SLACK_FORM],
    [`payload=${encodeURIComponent('{"type":"block_actions","user":{"id":"U1"}}')}`, SLACK_FORM],
    ['{"type":"event_callback","event":{"type":"app_home_opened"}}', 'application/json'],
  ])('%s reads as it read when it was checked', (body, contentType) => {
    const checked = readSlackBody(body, contentType);
    expect(checked.ok && { ...checked.body }).toEqual({ ...parseSlackBody(body) });
  });
});

/**
 * A slash command's fields are read from the signed form exactly as querystring reads them, and a
 * field's name never reads as anything inherited: Bolt and the handlers read `body.command`,
 * `body.text` and the rest, and a form that sends `constructor` or `__proto__` (or leaves out a
 * field) must not reach a function or a prototype where a string or nothing was expected.
 */
describe("a slash command's fields", () => {
  const forms = [
    'command=%2Freset-pin&text=&user_id=U1&team_id=T1&trigger_id=1.2.3&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F1%2Fx',
    'command=%2Freset-pin&__proto__=x&constructor=y&toString=z&hasOwnProperty=w',
    'command=%2Freset-pin&text=a&text=b&te%78t=c&user_id=U%C3%A9',
    '__proto__[polluted]=1&command=%2Freset-pin&a+b=c+d',
  ];

  it.each(forms)('%s: the same fields and values as querystring', (form) => {
    const read = readSlackBody(form, SLACK_FORM);
    if (!read.ok) throw new Error('refused');
    const expected = parse(form);
    expect(Object.keys(read.body)).toEqual(Object.keys(expected));
    for (const key of Object.keys(expected)) expect(read.body[key]).toEqual(expected[key]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a name not sent reads as nothing, whatever Object.prototype has', () => {
    const read = readSlackBody('command=%2Freset-pin&user_id=U1', SLACK_FORM);
    if (!read.ok) throw new Error('refused');
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf']) {
      expect(read.body[name]).toBeUndefined();
      expect(name in read.body).toBe(false);
    }
  });
});
