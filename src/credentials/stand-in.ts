/**
 * A credential's stand-in: a local server speaking its directory's real wire protocol, so the real
 * adapter (an unmodified AWS SDK client, or the REST client) runs against it in the tests, the
 * sandbox and the benchmark. Each credential's folder has one (stand-in.ts), loaded only by them.
 *
 * Here: what every stand-in offers, and the shared plumbing (an HTTP server on an ephemeral
 * loopback port, call recording, one-shot failure injection, SigV4 scope inspection). Each
 * stand-in adds only its own wire protocol and its service logic.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/** What the tests, the sandbox and the benchmark use of every stand-in. */
export interface StandIn {
  readonly url: string;
  /** The directory's name, for the sandbox's panels. */
  readonly name: string;
  /**
   * What points Latchkey at it: the credential's own settings, and for an AWS service its
   * AWS_ENDPOINT_URL_* (read by the SDK from the process environment).
   */
  readonly env: Readonly<Record<string, string>>;
  readonly calls: SimCall[];
  callsTo(operation: string): SimCall[];
  setLatency(ms: number): void;
  /**
   * Holds the answers from now on (to `operations` only, when given) until the returned release is
   * called. Each request is still served at once, as with latency: the change is made, its answer
   * withheld. A change kept under way as long as a test needs; past the client's request timeout,
   * a call never answered.
   */
  hold(operations?: readonly string[]): () => void;
  /** Forgets calls and pending failures; keeps accounts and secrets. */
  clear(): void;
  close(): Promise<void>;
  /** Every secret it issued or accepted: what privacy checks search for, and what the sandbox masks. */
  secrets(): string[];
  /** One line on the account with this email for the sandbox's people table ("Basic", "locked out"), or undefined. */
  describe(email: string): string | undefined;
  /**
   * A stand-in that sends pushes for the `verify` policy plays the person's phone too: the pushes
   * waiting on it, and their answer (the sandbox's phone panel).
   */
  readonly phone?: StandInPhone;
  /** State worth keeping across sandbox restarts (a license an admin changed), and putting back. */
  snapshot?(): unknown;
  restore?(state: unknown): void;
  /**
   * Given by whoever keeps snapshot() (the sandbox), once it has restored it: from then on, a
   * request that changes what snapshot() returns is answered once `save` has resolved, so a change
   * the directory said it made is kept whatever becomes of the process next (a kill, a crash).
   */
  keep?(save: () => Promise<void>): void;
}

/**
 * StandIn.keep for a stand-in with a snapshot: its `saved`, asked right after each request was
 * handled (beside SimState.released), resolves once a change that request made is saved.
 */
export class KeptSnapshot {
  private save?: () => Promise<void>;
  private last = '';

  constructor(private readonly snapshot: () => unknown) {}

  keep(save: () => Promise<void>): void {
    this.save = save;
    this.last = JSON.stringify(this.snapshot());
  }

  /** At once when nothing is kept or the request changed nothing kept (a look-up, a poll). */
  saved(): Promise<void> {
    if (!this.save) return Promise.resolve();
    const now = JSON.stringify(this.snapshot());
    if (now === this.last) return Promise.resolve();
    this.last = now;
    return this.save();
  }
}

export interface StandInPhone {
  /**
   * The pushes waiting on this person's phone (by email), oldest first. With number matching, the
   * numbers the phone offers: one is the number Slack shows, and the phone does not say which.
   */
  waiting(email: string): { readonly id: string; readonly app: string; readonly choices?: readonly number[] }[];
  /** Approve (picking a number, when the push offers some: a wrong pick rejects it) or reject; false when it no longer waits. */
  answer(id: string, answer: PhoneAnswer): boolean;
}

/** The person's answer on their phone: approve, with the number they picked when the push asks for one, or reject. */
export type PhoneAnswer = { readonly approve: true; readonly pick?: number } | { readonly approve: false };

/** One operation the simulator received. Never holds a PIN or password. */
export interface SimCall {
  operation: string;
  params: Record<string, unknown>;
  at: number;
  /** Its place among every stand-in's calls in this process (nextPlace): their order, where `at` can tie. */
  place: number;
}

let lastPlace = 0;

/**
 * The next place in the order things happened in this process: each call a stand-in records
 * (SimState, the tests' Slack fake) and each answer a test notes takes one. Calls to two stand-ins
 * in one millisecond still order, which their times cannot: sorted by Date.now(), they came out in
 * whichever order they were listed. A place orders calls as handled, not as they arrived: SimState
 * takes it when it logs the call, the Slack fake once its handler (and any hold) is done.
 */
export function nextPlace(): number {
  return ++lastPlace;
}

/**
 * A service error, thrown by a simulator's handlers and rendered in that service's wire format.
 * `status` overrides the status the service normally uses for `code`.
 */
export class SimError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface SimRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** How a stand-in answers a failure a test queued: the error its handler throws, rendered in its wire format. */
export type RaiseFailure<Op extends string, Failure> = (failure: Failure, operation: Op) => Error;

/**
 * Calls, pending failures and latency: the state every simulator exposes to tests. A failure is a
 * service error code (thrown as a SimError) unless the stand-in queues richer ones (a status and a
 * message, or throttling) and says how to raise them.
 */
export class SimState<Op extends string, Failure = string> {
  readonly calls: SimCall[] = [];
  private readonly pending = new Map<Op, Failure[]>();
  private readonly raise: RaiseFailure<Op, Failure>;

  constructor(
    public latencyMs = 0,
    ...raise: [Failure] extends [string] ? [raise?: RaiseFailure<Op, Failure>] : [raise: RaiseFailure<Op, Failure>]
  ) {
    this.raise = raise[0] ?? ((code, operation) => new SimError(String(code), `Simulated ${String(code)} for ${operation}`));
  }

  callsTo(operation: string): SimCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  failNext(operation: Op, failure: Failure, times = 1): void {
    const queue = this.pending.get(operation) ?? [];
    queue.push(...Array.from({ length: times }, () => failure));
    this.pending.set(operation, queue);
  }

  /** Records the call, then throws if a failure is queued for it: tests see failed attempts too. */
  record(operation: Op, params: Record<string, unknown>): void {
    this.log(operation, params);
    this.failIfQueued(operation);
  }

  /** Records the call only: for a stand-in that checks the request itself before a queued failure applies. */
  log(operation: Op, params: Record<string, unknown>): void {
    this.calls.push({ operation, params, at: Date.now(), place: nextPlace() });
  }

  /** Throws the next failure queued for `operation`, if any, taking it off the queue. */
  failIfQueued(operation: Op): void {
    const failure = this.pending.get(operation)?.shift();
    if (failure !== undefined) throw this.raise(failure, operation);
  }

  clear(): void {
    this.calls.length = 0;
    this.pending.clear();
  }

  private readonly gates = new Set<{ readonly operations?: readonly string[]; readonly opened: Promise<void> }>();

  /** StandIn.hold: the answers to `operations` (every one when absent) wait until the release is called. */
  hold(operations?: readonly string[]): () => void {
    let open!: () => void;
    const gate = { operations, opened: new Promise<void>((resolve) => (open = resolve)) };
    this.gates.add(gate);
    return () => {
      this.gates.delete(gate);
      open();
    };
  }

  /**
   * Resolves once the answer to the request just served may go out: at once, unless held. Called
   * right after the handler, whose call is then the last recorded.
   */
  released(): Promise<void> {
    const operation = this.calls.at(-1)?.operation;
    const holding = [...this.gates].filter((g) => !g.operations || (operation !== undefined && g.operations.includes(operation)));
    return Promise.all(holding.map((g) => g.opened)).then(() => undefined);
  }

  /** The controls every simulator hands its tests, over the server it runs. */
  controls(server: RunningServer) {
    return {
      url: server.url,
      calls: this.calls,
      callsTo: (operation: string) => this.callsTo(operation),
      failNext: (operation: Op, failure: Failure, times?: number) => this.failNext(operation, failure, times),
      setLatency: (ms: number) => {
        this.latencyMs = ms;
      },
      hold: (operations?: readonly string[]) => this.hold(operations),
      clear: () => this.clear(),
      close: () => server.close(),
    };
  }
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `handle` on 127.0.0.1 at an ephemeral port. `latencyMs` is read per request so tests can
 * change it while the server runs; each answer goes out after it, once `released` (asked right
 * after `handle`) resolves: SimState.released, a test's hold. A handler whose service holds a
 * request open (Duo's long-polled auth_status) answers with a promise, once it has recorded the call.
 */
export async function startSimServer(
  handle: (req: SimRequest) => SimResponse | Promise<SimResponse>,
  latencyMs: () => number,
  released: () => Promise<void> = () => Promise.resolve(),
): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const out = handle({
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = (out: SimResponse) => {
        // The client gave up on it (its request timeout): nothing to answer.
        if (res.destroyed) return;
        // The SDK copies x-amzn-RequestId into $metadata.requestId, as with the real services.
        res.writeHead(out.status, {
          ...out.headers,
          'x-amzn-RequestId': randomUUID(),
          'content-length': String(Buffer.byteLength(out.body)),
        });
        res.end(out.body);
      };
      // Asked now, right after the handler recorded this call: whether a hold covers it.
      const sent = released();
      setTimeout(() => void Promise.all([out, sent]).then(([out]) => answer(out)), latencyMs());
    });
  });
  return serveOnLoopback(server);
}

/** Listens on 127.0.0.1 at an ephemeral port; close() also drops kept-alive sockets. */
export async function serveOnLoopback(server: Server): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // The SDK keeps sockets alive; without this, close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

/**
 * The region and service a SigV4 Authorization header is scoped to, e.g.
 * `AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/chime/aws4_request, ...`.
 * The signature itself is not verified: the scope is what proves how the client was configured.
 */
export function sigV4Scope(headers: IncomingHttpHeaders): { region: string; service: string } | undefined {
  const match = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request,/.exec(
    headers.authorization ?? '',
  );
  return match?.[1] && match[2] ? { region: match[1], service: match[2] } : undefined;
}

/** Opaque pagination tokens: the offset into the (insertion-ordered) user list. */
export function encodeToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

export function decodeToken(token: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** One page of `items` starting at the offset in `token`, with the token for the next page. */
export function paginate<T>(items: T[], offset: number, max: number): { page: T[]; nextToken?: string } {
  const page = items.slice(offset, offset + max);
  return offset + max < items.length ? { page, nextToken: encodeToken(offset + max) } : { page };
}
