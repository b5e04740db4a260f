import { request as httpRequest } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * One HTTP request with the request target sent byte for byte (fetch would resolve `/x/../metrics`,
 * refuse `/%` and drop a HEAD's body), and, with `slowly`, a body sent a piece at a time.
 */
export function rawRequest(
  base: string,
  method: string,
  target: string,
  options: { headers?: Record<string, string>; body?: string; slowly?: { pieces: number; everyMs: number } } = {},
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path: target, headers: options.headers, timeout: 15_000 },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${target}`)));
    const body = options.body ?? '';
    if (!options.slowly) return void req.end(body);
    const size = Math.ceil(body.length / options.slowly.pieces);
    let sent = 0;
    const timer = setInterval(() => {
      if (req.destroyed) return clearInterval(timer);
      req.write(body.slice(sent, sent + size));
      sent += size;
      if (sent >= body.length) {
        clearInterval(timer);
        req.end();
      }
    }, options.slowly.everyMs);
    req.on('close', () => clearInterval(timer));
  });
}

/**
 * A server that takes each request whole, as a directory that acts on it would, then answers with
 * bytes that are not HTTP: the request arrived, its answer cannot be read. `received` counts them.
 */
export async function unreadableAnswers(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = createNetServer((socket) => {
    let head = '';
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head.slice(0, end))?.[1] ?? 0);
      if (head.length - end - 4 < length) return;
      received += 1;
      head = '';
      socket.end('this is not HTTP\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
