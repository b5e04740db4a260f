/**
 * A local stand-in for Duo's Auth API v2, on the wire as Duo speaks it: every request signed
 * (HTTP Basic, integration key and the hex HMAC-SHA512 or HMAC-SHA1 of the canonical request with
 * its Date header; a bad or stale signature is refused with Duo's 401 and code), form-encoded
 * parameters, and Duo's envelope (`{stat: "OK", response}` or `{stat: "FAIL", code, message}`).
 * `preauth`, `auth` (factor=push, async=1) and `auth_status`, long-polled as Duo's is: a push's
 * first status at once, then each only once it changes (the person answers, or it lapses). The
 * person's phone is the test's or the sandbox's (`answerPush`).
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { nextPlace, SimState, startSimServer, type SimRequest, type SimResponse, type StandIn } from '../../credentials/stand-in';
import { canonicalRequest, sign } from './duo-signature';

export interface DuoSimUser {
  /** The Duo username: the person's email. */
  username: string;
  status: 'active' | 'bypass' | 'disabled' | 'not_enrolled';
  /** Whether their one device takes pushes (Duo Mobile activated). */
  push: boolean;
}

export interface DuoSimPush {
  readonly txid: string;
  readonly username: string;
  readonly pushinfo?: string;
  readonly expiresAt: number;
  /** `bypass`: its user was in bypass when it was asked for, and Duo let it through unasked. */
  result: 'waiting' | 'allow' | 'deny' | 'timeout' | 'bypass';
}

type Operation = 'preauth' | 'auth' | 'auth_status' | 'refused';

/** A failure to answer with: Duo's error envelope, its HTTP status, code and message. */
export interface DuoFailure {
  readonly status: number;
  readonly code: number;
  readonly message: string;
}

export interface DuoSimulator extends StandIn {
  readonly integrationKey: string;
  readonly users: Map<string, DuoSimUser>;
  pushes(): DuoSimPush[];
  /** The person answers on their phone. False when the push is not waiting. */
  answerPush(txid: string, answer: { approve: boolean }): boolean;
  expirePush(txid: string): boolean;
  /** The next `times` (default 1) calls of `operation` fail this way, after being recorded. */
  failNext(operation: Operation, failure: DuoFailure, times?: number): void;
  /** What preauth answers as its `status_msg` from now on, whatever its type (a test's odd answer); undefined: Duo's own words. */
  preauthStatusMsg(value: unknown): void;
}

/** A Duo push lapses on the phone after 60 s. */
const PUSH_LIFETIME_MS = 60_000;
/** Duo refuses a request whose Date is further than this from its clock. */
const MAX_SKEW_MS = 5 * 60_000;

class DuoError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startDuoSimulator(opts: { users: readonly DuoSimUser[]; latencyMs?: number }): Promise<DuoSimulator> {
  const integrationKey = `DI${randomBytes(12).toString('hex').toUpperCase().slice(0, 18)}`;
  const secretKey = randomBytes(30).toString('base64url').slice(0, 40);
  const users = new Map(opts.users.map((u) => [u.username.toLowerCase(), { ...u }]));
  const pushes = new Map<string, DuoSimPush>();
  const state = new SimState<Operation, DuoFailure>(opts.latencyMs, (f) => new DuoError(f.status, f.code, f.message));
  let host = '';
  // preauthStatusMsg's: preauth's status_msg, when a test sets one.
  let statusMsg: unknown;
  /** The pushes whose status was answered once: a poll of one still waiting is held until it changes. */
  const polled = new Set<string>();
  /** The polls held open, by push: woken when it is answered or lapses. */
  const held = new Map<string, Set<() => void>>();
  const changed = (txid: string) => {
    for (const wake of held.get(txid) ?? []) wake();
  };

  const current = (p: DuoSimPush) => {
    if (p.result === 'waiting' && Date.now() >= p.expiresAt) p.result = 'timeout';
    return p;
  };

  /** Duo's check of a request's signature: the same canonical request, either hash, and a Date near now. */
  const verify = (req: SimRequest, params: Record<string, string>) => {
    const date = String(req.headers.date ?? '');
    const auth = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
    if (!date || !auth) throw new DuoError(401, 40101, 'Missing request credentials');
    const [ikey, signature] = Buffer.from(auth[1]!, 'base64').toString('utf8').split(':') as [string, string | undefined];
    if (ikey !== integrationKey) throw new DuoError(401, 40102, 'Invalid integration key in request credentials');
    const canonical = canonicalRequest({ date, method: req.method, host, path: req.url.pathname, params });
    const expected = sign(secretKey, canonical, signature?.length === 40 ? 'sha1' : 'sha512');
    if (!signature || signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
      throw new DuoError(401, 40103, 'Invalid signature in request credentials');
    }
    const at = Date.parse(date.replace(/-0000$/, 'GMT'));
    if (!Number.isFinite(at) || Math.abs(at - Date.now()) > MAX_SKEW_MS) throw new DuoError(401, 40105, 'Request has expired: the Date header is too far from now');
  };

  const handle = (req: SimRequest): SimResponse | Promise<SimResponse> => {
    try {
      const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? req.url.search : req.body));
      try {
        verify(req, params);
      } catch (err) {
        state.calls.push({ operation: 'refused', params: { path: req.url.pathname }, at: Date.now(), place: nextPlace() });
        throw err;
      }
      const path = req.url.pathname;
      if (req.method === 'GET' && path === '/auth/v2/check') return ok({ time: Math.floor(Date.now() / 1000) });
      if (req.method === 'POST' && path === '/auth/v2/preauth') {
        state.record('preauth', { username: params.username });
        const said = (words: string) => (statusMsg === undefined ? words : statusMsg);
        const user = users.get(String(params.username ?? '').toLowerCase());
        if (!params.username) throw new DuoError(400, 40001, 'Missing required request parameters: username');
        if (!user || user.status === 'not_enrolled') return ok({ result: 'enroll', status_msg: said('Enroll an authentication device.'), enroll_portal_url: `http://${host}/portal` });
        if (user.status === 'bypass') return ok({ result: 'allow', status_msg: said('Allowing unknown user') });
        if (user.status === 'disabled') return ok({ result: 'deny', status_msg: said('Your account is disabled.') });
        const capabilities = user.push ? ['auto', 'push', 'sms', 'phone', 'mobile_otp'] : ['sms', 'phone'];
        return ok({
          result: 'auth',
          status_msg: said('Account is active'),
          devices: [{ device: 'DPFZRS9FB0D46QFTM891', type: 'phone', number: 'XXX-XXX-0100', name: 'iPhone', display_name: 'iOS (XXX-XXX-0100)', capabilities }],
        });
      }
      if (req.method === 'POST' && path === '/auth/v2/auth') {
        state.record('auth', { username: params.username, factor: params.factor, device: params.device, async: params.async, pushinfo: params.pushinfo });
        const user = users.get(String(params.username ?? '').toLowerCase());
        if (params.factor !== 'push' || !params.device) throw new DuoError(400, 40002, 'Invalid request parameters: factor');
        if (params.async !== '1') throw new DuoError(400, 40002, 'Invalid request parameters: the stand-in answers only async=1');
        // A user in bypass is let through without asking any phone: allowed at once (status bypass).
        const bypass = user?.status === 'bypass';
        if (!user || (!bypass && (user.status !== 'active' || !user.push))) throw new DuoError(400, 40002, 'Invalid request parameters: username');
        const push: DuoSimPush = { txid: randomUUID(), username: user.username, ...(params.pushinfo && { pushinfo: params.pushinfo }), expiresAt: Date.now() + PUSH_LIFETIME_MS, result: bypass ? 'bypass' : 'waiting' };
        pushes.set(push.txid, push);
        return ok({ txid: push.txid });
      }
      if (req.method === 'GET' && path === '/auth/v2/auth_status') {
        state.record('auth_status', { txid: params.txid });
        const push = pushes.get(String(params.txid ?? ''));
        if (!push) throw new DuoError(400, 40002, 'Invalid request parameters: txid');
        // Duo long-polls: once a push's status was answered, the next poll waits for it to change.
        if (current(push).result !== 'waiting' || !polled.has(push.txid)) {
          polled.add(push.txid);
          return statusOf(current(push));
        }
        return new Promise<SimResponse>((resolve) => {
          const waiting = held.get(push.txid) ?? new Set<() => void>();
          held.set(push.txid, waiting);
          const wake = () => {
            clearTimeout(lapse);
            waiting.delete(wake);
            resolve(statusOf(current(push)));
          };
          const lapse = setTimeout(wake, Math.max(0, push.expiresAt - Date.now())).unref();
          waiting.add(wake);
        });
      }
      throw new DuoError(404, 40401, 'Resource not found');
    } catch (err) {
      const e = err instanceof DuoError ? err : new DuoError(500, 50000, `Internal error (stand-in: ${String(err)})`);
      return { status: e.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stat: 'FAIL', code: e.code, message: e.message }) };
    }
  };

  const statusOf = (p: DuoSimPush): SimResponse => {
    if (p.result === 'waiting') return ok({ result: 'waiting', status: 'pushed', status_msg: 'Pushed a login request to your device...' });
    if (p.result === 'allow') return ok({ result: 'allow', status: 'allow', status_msg: 'Success. Logging you in...' });
    if (p.result === 'bypass') return ok({ result: 'allow', status: 'bypass', status_msg: 'Allowing user in bypass mode' });
    if (p.result === 'timeout') return ok({ result: 'deny', status: 'timeout', status_msg: 'Login timed out.' });
    return ok({ result: 'deny', status: 'deny', status_msg: 'Login request denied.' });
  };

  const server = await startSimServer(handle, () => state.latencyMs, () => state.released());
  host = server.url.replace(/^http:\/\//, '');
  const controls = state.controls(server);
  return {
    ...controls,
    name: 'Duo',
    env: { DUO_API_HOSTNAME: host, DUO_INTEGRATION_KEY: integrationKey, DUO_SECRET_KEY: secretKey },
    integrationKey,
    users,
    pushes: () => [...pushes.values()].map(current),
    answerPush: (txid, answer) => {
      const p = pushes.get(txid);
      if (!p || current(p).result !== 'waiting') return false;
      p.result = answer.approve ? 'allow' : 'deny';
      changed(txid);
      return true;
    },
    phone: {
      waiting: (email) => [...pushes.values()].filter((p) => p.username.toLowerCase() === email.toLowerCase() && current(p).result === 'waiting').map((p) => ({ id: p.txid, app: 'Duo Mobile' })),
      // A Duo push has no number to pick: Approve or Deny.
      answer: (id, answer) => {
        const p = pushes.get(id);
        if (!p || current(p).result !== 'waiting') return false;
        p.result = answer.approve ? 'allow' : 'deny';
        changed(id);
        return true;
      },
    },
    preauthStatusMsg: (value) => {
      statusMsg = value;
    },
    expirePush: (txid) => {
      const p = pushes.get(txid);
      if (!p || current(p).result !== 'waiting') return false;
      p.result = 'timeout';
      changed(txid);
      return true;
    },
    // The secret key signs; it must never show up anywhere either.
    secrets: () => [secretKey],
    describe: (email) => {
      const user = users.get(email.toLowerCase());
      return user && (user.status === 'active' ? (user.push ? 'Duo Mobile' : 'no Duo push') : user.status.replace('_', ' '));
    },
  };
}

function ok(response: unknown): SimResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stat: 'OK', response }) };
}

/** The demo company's Duo users (by email; see sandbox/demo-users.yml). */
export const DEMO_USERS: DuoSimUser[] = [
  { username: 'ann@example.com', status: 'active', push: true },
  { username: 'bob@example.com', status: 'active', push: true },
  { username: 'ada@example.com', status: 'active', push: true },
  { username: 'max@example.com', status: 'active', push: true },
  { username: 'erin@example.com', status: 'not_enrolled', push: false },
];

/** The verifier's stand-in module: the demo users, or a test's own. */
export function start(options: { users?: readonly unknown[] } = {}): Promise<DuoSimulator> {
  return startDuoSimulator({ users: (options.users as DuoSimUser[] | undefined) ?? DEMO_USERS });
}
