import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpFetch } from '../../src/http/fetch';

/**
 * A server closes idle kept-alive connections after its own limit (Node's: 5 s). A request sent on
 * one as it closes is reset, and the person sees "could not send the Okta Verify request" (found by
 * the verify bench: a burst 5.0 s after the last push). The app closes its idle connections first.
 */
describe("the app's HTTP stack", () => {
  let server: Server;
  let url: string;
  let opened = 0;
  let closed = 0;
  let holdMs = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => void setTimeout(() => res.end('{}'), holdMs));
    server.keepAliveTimeout = 30_000;
    server.on('connection', (socket) => {
      opened += 1;
      socket.on('close', () => (closed += 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps a connection for the next request, and closes it itself once it has been idle for a while', async () => {
    const fetch = httpFetch({ idleSocketMs: 150 });
    await (await fetch(url)).text();
    await (await fetch(url)).text();
    expect([opened, closed]).toEqual([1, 0]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(closed).toBe(1);
    await (await fetch(url)).text();
    expect(opened).toBe(2);
  });

  it('opens at most 100 connections to one host, however many calls are made at once; the rest wait their turn', async () => {
    const fetch = httpFetch();
    const before = opened;
    holdMs = 200;
    try {
      const answers = await Promise.all(Array.from({ length: 150 }, async () => (await fetch(url)).status));
      expect(answers.filter((s) => s === 200)).toHaveLength(150);
    } finally {
      holdMs = 0;
    }
    expect(opened - before).toBe(100);
  });
});
