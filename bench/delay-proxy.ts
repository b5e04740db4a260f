/**
 * A small HTTP proxy that adds latency to every answer, for a service whose stand-in has no
 * latency setting of its own (dynalite). It also records each call (the DynamoDB operation from
 * X-Amz-Target) with when it arrived and when its answer left, like the other fakes' call logs.
 */
import { Agent, createServer, request } from 'node:http';
import { serveOnLoopback } from '../src/credentials/stand-in';
import type { TimedCall } from './stats';

export interface DelayProxy {
  readonly url: string;
  readonly calls: TimedCall[];
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export async function startDelayProxy(target: string, service: string): Promise<DelayProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const calls: TimedCall[] = [];
  let latencyMs = 0;

  const server = createServer((req, res) => {
    const start = Date.now();
    const operation = String(req.headers['x-amz-target'] ?? `${req.method} ${req.url}`).replace(/^.*\./, '');
    const out = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          // Like the simulators: the service does its work, then the answer takes `latencyMs` to arrive.
          setTimeout(() => {
            calls.push({ service, operation, start, end: Date.now() });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
          }, latencyMs);
        });
      },
    );
    out.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`delay proxy: ${err.message}`);
    });
    req.pipe(out);
  });
  const served = await serveOnLoopback(server);
  return {
    url: served.url,
    calls,
    setLatency(ms) {
      latencyMs = ms;
    },
    async close() {
      await served.close();
      agent.destroy();
    },
  };
}
