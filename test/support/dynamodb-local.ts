/**
 * DynamoDB for tests: dynalite (DynamoDB's API on an in-memory LevelDB) on an ephemeral port,
 * so tests exercise the real AWS SDK client and wire format without Docker or Java.
 */
import dynalite from 'dynalite';
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err?: Error) => (err ? reject(err) : resolve()));
        // The AWS SDK keeps connections alive; close() would otherwise wait for them to idle out.
        server.closeAllConnections();
      }),
  };
}
