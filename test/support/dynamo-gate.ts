/**
 * A proxy in front of dynalite that can leave chosen DynamoDB requests unanswered: a DynamoDB that
 * never answers a call, for the app's request timeout to meet. Every other request passes as it is.
 */
import { Agent, createServer, request } from 'node:http';
import { serveOnLoopback } from '../../src/credentials/stand-in';

export interface DynamoCall {
  /** From X-Amz-Target: "PutItem". */
  readonly operation: string;
  /** The request's JSON, as sent. */
  readonly body: string;
}

export interface DynamoGate {
  readonly endpoint: string;
  /**
   * Requests matching `which` from now on never reach DynamoDB and get no answer, until the
   * returned release: then they are dropped (their client has given up on them by then).
   */
  hold(which: (call: DynamoCall) => boolean): () => void;
  /** The requests held so far. */
  readonly held: DynamoCall[];
  close(): Promise<void>;
}

export async function startDynamoGate(target: string): Promise<DynamoGate> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const held: DynamoCall[] = [];
  const holds = new Set<{ which: (call: DynamoCall) => boolean; released: Promise<void> }>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const call = { operation: String(req.headers['x-amz-target'] ?? '').replace(/^.*\./, ''), body: body.toString('utf8') };
      const hold = [...holds].find((h) => h.which(call));
      if (hold) {
        held.push(call);
        void hold.released.then(() => res.destroy());
        return;
      }
      const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  const served = await serveOnLoopback(server);
  return {
    endpoint: served.url,
    held,
    hold(which) {
      let release!: () => void;
      const entry = { which, released: new Promise<void>((resolve) => (release = resolve)) };
      holds.add(entry);
      return () => {
        holds.delete(entry);
        release();
      };
    },
    async close() {
      for (const entry of holds) holds.delete(entry);
      await served.close();
      agent.destroy();
    },
  };
}
