/**
 * DynamoDB for tests: dynalite (DynamoDB's API on an in-memory LevelDB) on an ephemeral port,
 * so tests exercise the real AWS SDK client and wire format without Docker or Java.
 */
import dynalite from 'dynalite';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalDynamo {
  /** e.g. http://127.0.0.1:PORT, for DynamoDBClient `endpoint` or AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  close(): Promise<void>;
}

export interface DynaliteOptions {
  /** A directory for a LevelDB store that outlives the process (the sandbox's `.data/`); in memory when absent. */
  path?: string;
}

export async function startDynalite(options: DynaliteOptions = {}): Promise<LocalDynamo> {
  // Real DynamoDB keeps new tables CREATING for a while; tests don't need to wait for that.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.path !== undefined && { path: options.path }) });
  const serving = answeredBeforeClose(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      await serving.drain();
      await new Promise<void>((resolve, reject) => {
        server.close((err?: Error) => (err ? reject(err) : resolve()));
        // The AWS SDK keeps connections alive; close() would otherwise wait for them to idle out.
        server.closeAllConnections();
      });
    },
  };
}

/** Long enough for any one request to dynalite's in-memory store; a request still unanswered then is dropped as before. */
const DRAIN_MS = 5_000;

/**
 * dynalite closes its store as soon as its HTTP server has stopped, once the store's operations of
 * that moment are done. A request whose action has more steps (an UpdateItem writes the item's
 * index entries, then the item) then finds the store closed, and dynalite throws that from a
 * callback: it ends the whole test process (the CI's jest worker died of it). So closing first turns
 * new requests away and waits until every request being served has been answered.
 */
function answeredBeforeClose(server: Server): { drain(): Promise<void> } {
  const serve = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  let closing = false;
  const unanswered = new Set<ServerResponse>();
  let drained: (() => void) | undefined;
  const answered = (res: ServerResponse): void => {
    if (unanswered.delete(res) && unanswered.size === 0) drained?.();
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (closing) {
      req.socket.destroy();
      return;
    }
    unanswered.add(res);
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      answered(res);
      return end(...args);
    }) as ServerResponse['end'];
    // A request whose body never came in whole is never acted on, so nothing is left to wait for.
    res.once('close', () => {
      if (!req.complete) answered(res);
    });
    for (const listener of serve) listener.call(server, req, res);
  });
  // One wait, however many close it: a second close would otherwise take over the first's.
  let draining: Promise<void> | undefined;
  return {
    drain: () => {
      closing = true;
      draining ??=
        unanswered.size === 0
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, DRAIN_MS);
              drained = () => {
                clearTimeout(timer);
                resolve();
              };
            });
      return draining;
    },
  };
}
