/**
 * A proxy in front of dynalite that can leave chosen DynamoDB requests unanswered: a DynamoDB that
 * never answers a call, for the app's request timeout to meet. Every other request passes as it is.
 *
 * `lose` is the other half of a timeout: DynamoDB gets the request and acts on it, and only its
 * answer is lost on the way back. The SDK then tries the call again, and that second try meets
 * what the first one wrote.
 */
import { Agent, createServer, request, type ServerResponse } from 'node:http';
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
  /** Every request that reached the gate so far, in order, held and lost ones included. */
  readonly seen: DynamoCall[];
  /**
   * The next `times` requests matching `which` (default 1) reach DynamoDB, which acts on them,
   * but their answers never reach the app: the connection is left silent until the app's client
   * gives up on it. Later requests, the SDK's own retry included, pass as usual, as do all after
   * the returned stop. `Infinity`: every one until stopped, for "every try of this call lost".
   * How many of a call's tries reach the gate is not a number a test can count on: on a loaded
   * machine a try can time out, or meet a kept-alive connection reset under it, before it arrives,
   * and its client still counts it as a try; a count left over would lose a later, unrelated write.
   */
  lose(which: (call: DynamoCall) => boolean, times?: number): () => void;
  /** The requests whose answers were lost so far, with DynamoDB's answer that was withheld. */
  readonly lost: Array<DynamoCall & { readonly answer: string; readonly status: number }>;
  /**
   * Requests matching `which` from now on reach DynamoDB, which acts on them at once, but their
   * answers wait until the returned release: then each goes back as DynamoDB gave it. A write
   * on record while its writer is still waiting to hear so.
   */
  delay(which: (call: DynamoCall) => boolean): () => void;
  /** The requests whose answers wait (or waited) on a `delay`, in order. */
  readonly delayed: DynamoCall[];
  close(): Promise<void>;
}

export async function startDynamoGate(target: string): Promise<DynamoGate> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const held: DynamoCall[] = [];
  const seen: DynamoCall[] = [];
  const holds = new Set<{ which: (call: DynamoCall) => boolean; released: Promise<void> }>();
  const losses = new Set<{ which: (call: DynamoCall) => boolean; left: number }>();
  const lost: Array<DynamoCall & { answer: string; status: number }> = [];
  const silent = new Set<ServerResponse>();
  const delays = new Set<{ which: (call: DynamoCall) => boolean; released: Promise<void> }>();
  const delayed: DynamoCall[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const call = { operation: String(req.headers['x-amz-target'] ?? '').replace(/^.*\./, ''), body: body.toString('utf8') };
      seen.push(call);
      const hold = [...holds].find((h) => h.which(call));
      if (hold) {
        held.push(call);
        void hold.released.then(() => res.destroy());
        return;
      }
      const loss = [...losses].find((l) => l.which(call));
      if (loss && --loss.left <= 0) losses.delete(loss);
      const delay = [...delays].find((d) => d.which(call));
      if (delay) delayed.push(call);
      const forward = (again: boolean) => {
        let answered = false;
        const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent }, (answer) => {
          answered = true;
          if (delay) {
            const parts: Buffer[] = [];
            answer.on('data', (c: Buffer) => parts.push(c));
            answer.on('end', () =>
              void delay.released.then(() => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                res.end(Buffer.concat(parts));
              }),
            );
            return;
          }
          if (loss) {
            const parts: Buffer[] = [];
            answer.on('data', (c: Buffer) => parts.push(c));
            answer.on('end', () => lost.push({ ...call, status: answer.statusCode ?? 0, answer: Buffer.concat(parts).toString('utf8') }));
            silent.add(res);
            res.on('close', () => silent.delete(res));
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.on('error', (error: NodeJS.ErrnoException) => {
          // A kept-alive connection dynalite closed as this request went out on it (its idle timer
          // ran out while the loaded test process stalled): the request never reached dynalite, and
          // the app must not see a reset the stand-in made. Sent once more, on a new connection.
          if (!again && !answered && out.reusedSocket && error.code === 'ECONNRESET') return forward(true);
          res.destroy();
        });
        out.end(body);
      };
      forward(false);
    });
  });
  const served = await serveOnLoopback(server);
  return {
    endpoint: served.url,
    held,
    seen,
    lost,
    delayed,
    delay(which) {
      let release!: () => void;
      const entry = { which, released: new Promise<void>((resolve) => (release = resolve)) };
      delays.add(entry);
      return () => {
        delays.delete(entry);
        release();
      };
    },
    lose(which, times = 1) {
      const entry = { which, left: times };
      losses.add(entry);
      return () => void losses.delete(entry);
    },
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
      losses.clear();
      delays.clear();
      for (const res of silent) res.destroy();
      await served.close();
      agent.destroy();
    },
  };
}
