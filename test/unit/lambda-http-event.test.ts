import { readHttpEvent } from '../../src/lambda/http-event';

/** The same Slack request must read the same whichever AWS front end delivers it to Lambda. */
describe('readHttpEvent', () => {
  const body = 'command=%2Freset-pin&user_id=UANN';

  it('reads a function URL / HTTP API event (payload 2.0), decoding a base64 body', () => {
    const request = readHttpEvent({
      version: '2.0',
      rawPath: '/slack/events',
      requestContext: { http: { method: 'POST' } },
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': 'v0=abc' },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    });
    expect(request).toEqual({
      method: 'POST',
      path: '/slack/events',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': 'v0=abc' },
      body,
    });
  });

  it('reads an API Gateway REST event (payload 1.0), lower-casing header names as Node does', () => {
    const request = readHttpEvent({
      httpMethod: 'post',
      path: '/slack/events',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': '1700000000' },
      body,
      isBase64Encoded: false,
    });
    expect(request?.method).toBe('POST');
    expect(request?.headers['x-slack-request-timestamp']).toBe('1700000000');
    expect(request?.body).toBe(body);
  });

  it('is undefined for anything that is not an HTTP request, such as a work order', () => {
    expect(readHttpEvent({ kind: 'latchkey.work', body })).toBeUndefined();
    expect(readHttpEvent(null)).toBeUndefined();
    expect(readHttpEvent('POST /slack/events')).toBeUndefined();
  });

  it('treats a missing body as empty', () => {
    expect(readHttpEvent({ version: '2.0', rawPath: '/healthz', requestContext: { http: { method: 'GET' } } })?.body).toBe('');
  });
});
