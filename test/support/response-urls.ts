import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A post Latchkey made to a response_url: who it was for (the URL path's last part) and its JSON body. */
export interface ResponseUrlPost {
  readonly who: string;
  readonly body: Record<string, unknown>;
}

/**
 * A local server standing in for Slack's response_url hooks, for the suite (or describe) it is
 * called in: a request given `responseUrl: hooks.url + who` is answered through it, and what the app
 * posted there is in `received`, in order.
 */
export function useResponseUrls(): { readonly url: string; readonly received: ResponseUrlPost[] } {
  const received: ResponseUrlPost[] = [];
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += String(c)));
      req.on('end', () => {
        received.push({ who: new URL(req.url ?? '/', 'http://hooks').pathname.slice(1), body: JSON.parse(text) as Record<string, unknown> });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    get url() {
      return url;
    },
    received,
  };
}
