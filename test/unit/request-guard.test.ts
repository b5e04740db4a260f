import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardSlackRequests } from '../../src/slack/request-guard';

/**
 * The request guard's last line of defence, over a real HTTP server: whatever goes wrong behind
 * it, the request is answered (500) and an operator is alerted, and the server goes on serving.
 * Bolt stands behind it in the app; here a listener that fails in the ways Bolt could.
 */
describe('the request guard', () => {
  type Listener = (req: IncomingMessage, res: ServerResponse) => void;
  let server: Server;
  let url: string;
  let behind: Listener;
  const logged: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const log = (level: string) => (fields: object, message: string) => logged.push({ level, fields: fields as Record<string, unknown>, message });
  const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

  beforeAll(async () => {
    const receiver = { requestListener: ((req, res) => behind(req, res)) as Listener };
    guardSlackRequests(receiver, { path: '/slack/events', bodyLimit: 1_000, logger, unansweredMs: 300 });
    server = createServer((req, res) => receiver.requestListener(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    logged.length = 0;
  });

  const post = (path = '/slack/events') =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'command=%2Freset-pin' });
  const alerts = () => logged.filter((l) => l.level === 'error' && l.fields.alert === true);

  it('an error thrown while handling a request answers 500 and alerts, and the next request is served', async () => {
    behind = () => {
      throw new TypeError("Cannot read properties of null (reading 'ssl_check')");
    };
    expect((await post()).status).toBe(500);
    expect(alerts()).toEqual([expect.objectContaining({ message: 'request handling failed; answered 500' })]);
    expect(String(alerts()[0]!.fields.err)).toContain('ssl_check');

    behind = (_req, res) => res.writeHead(200).end();
    expect((await post()).status).toBe(200);
  });

  it('a request to the events path that nothing answers gets a 500 in the end, and an alert', async () => {
    behind = () => undefined; // its handling failed somewhere out of reach
    const started = Date.now();
    expect((await post()).status).toBe(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(alerts()).toEqual([expect.objectContaining({ fields: expect.objectContaining({ err: expect.stringContaining('no answer within 300 ms') }) })]);
  });
});
