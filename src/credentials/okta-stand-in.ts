/**
 * A local stand-in for Okta's Users API, on the wire as Okta speaks it: `Authorization: SSWS
 * <token>`, `GET /api/v1/users?search=profile.email eq "…"`, `GET /api/v1/users/{id}`, user statuses, role assignments, the
 * unlock, expire-with-temporary-password and reset-factors lifecycle operations (an unlock of, or a
 * temporary password for, a user another directory masters is refused as Okta refuses it), Okta's error bodies
 * (`errorCode`, `errorSummary`, `errorLink`, `errorId`, `errorCauses`) and its rate-limit headers.
 *
 * And the Factors API for Okta Verify (the `verify` policy): a user's factors, a push with number
 * matching (`POST …/factors/{id}/verify` with a User-Agent answers 201 WAITING, `_links.poll` and
 * `_embedded.challenge.correctAnswer`), its transaction (`GET` until SUCCESS, REJECTED or TIMEOUT;
 * `DELETE` withdraws it). The person's phone is the test's or the sandbox's (`answerPush`), or,
 * for the benchmark, a person who approves every push a while after it arrives (`approvePushesAfter`).
 *
 * One Okta org for both Okta plug-ins, the credentials (okta/) and Okta Verify (src/verifiers/okta/):
 * here beside okta-api.ts, not in either folder, so that neither reaches into the other's.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { KeptSnapshot, SimState, startSimServer, type PhoneAnswer, type SimCall, type SimRequest, type SimResponse, type StandIn } from './stand-in';

export type OktaStatus = 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'LOCKED_OUT' | 'PASSWORD_EXPIRED' | 'SUSPENDED' | 'DEPROVISIONED';
const STATUSES: ReadonlySet<unknown> = new Set<OktaStatus>(['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'SUSPENDED', 'DEPROVISIONED']);

export interface OktaSimUser {
  id: string;
  email: string;
  firstName?: string;
  lastName?: string;
  status: OktaStatus;
  /** Admin role types assigned to the user (directly or through a group), e.g. SUPER_ADMIN. */
  roles?: string[];
  /** Where the user is mastered (`credentials.provider.type`): OKTA unless said, or ACTIVE_DIRECTORY, LDAP. */
  provider?: 'OKTA' | 'ACTIVE_DIRECTORY' | 'LDAP';
  /** The factors the user has enrolled; reset_factors removes them all. */
  factors?: OktaSimFactor[];
  /** When they last signed in (null: never); a day before the demo's "now" unless said. */
  lastLogin?: string | null;
  /** When their password last changed (null: never set by them); a month before unless said. */
  passwordChanged?: string | null;
}

/** An enrolled factor, as Okta lists it (its wire shape, trimmed). */
export interface OktaSimFactor {
  id: string;
  /** push (Okta Verify), token:software:totp, sms, webauthn, … */
  factorType: string;
  provider: string;
  status: 'ACTIVE' | 'PENDING_ACTIVATION' | 'INACTIVE';
  /** An SMS or voice factor's phone number, which Okta lists in the factor's profile. */
  phoneNumber?: string;
  /**
   * A push factor enrolled on a phone the person no longer has (a new phone, Okta Verify never
   * moved to it). Okta knows nothing of that and still sends the push, to the old phone: the phone
   * the person holds (the sandbox's phone panel) never shows it, so they cannot approve it.
   */
  onOldPhone?: boolean;
}

/** A push sent to a phone, as the phone (a test, the sandbox's phone panel) sees it. */
export interface OktaSimPush {
  readonly id: string;
  readonly userId: string;
  readonly email: string;
  readonly factorId: string;
  /** The number matching challenge: the number the person must pick on the phone. */
  readonly correctAnswer: number;
  /** The numbers the phone offers, the right one among them. */
  readonly choices: readonly number[];
  /** Asked with useNumberMatchingChallenge: the person must pick the right number to approve. */
  readonly numberMatching: boolean;
  readonly userAgent: string;
  readonly expiresAt: number;
  /** With approvePushesAfter: when the person approves it (the right number), whether or not anyone polls by then. */
  readonly approveAt?: number;
  result: 'WAITING' | 'SUCCESS' | 'REJECTED' | 'TIMEOUT' | 'CANCELLED';
  /** When it was approved or rejected on the phone: from then on a poll answers the result. */
  answeredAt?: number;
}

type Operation = 'ListUsers' | 'GetUser' | 'ListRoles' | 'Unlock' | 'ExpirePassword' | 'ResetFactors' | 'ListFactors' | 'VerifyFactor' | 'GetFactorTransaction' | 'CancelFactorTransaction' | 'GetCurrentUser';

/** The admin the API token belongs to (Okta: the admin who created it); a test may change its roles. */
const TOKEN_OWNER_ID = '00utokenowner0000001';

/** An Okta Verify push lapses after 5 minutes (the verify call's tokenLifetimeSeconds default), as Okta's does. */
const PUSH_LIFETIME_MS = 5 * 60_000;

/** A failure to answer with: an Okta error, or a rate limit (429 with its reset time). No answer at all: setLatency. */
export type OktaFailure = { status: number; errorCode: string; summary: string } | 'rate-limited';

export interface OktaSimulator extends StandIn {
  readonly token: string;
  /** By id; tests may change them. */
  readonly users: Map<string, OktaSimUser>;
  /** The next `times` (default 1) calls of `operation` fail this way, after being recorded. */
  failNext(operation: Operation, failure: OktaFailure, times?: number): void;
  /** The last temporary password issued for this user. */
  tempPasswordOf(userId: string): string | undefined;
  /** The admin roles of the token's owner (SUPER_ADMIN, as Okta advises for a token, unless a test says otherwise). */
  readonly tokenOwnerRoles: string[];
  /**
   * Okta refusing the token's owner these users' roles (403 E0000006), or every user's but its own
   * ('others'), as for an admin whose role does not cover them (a Group admin's groups); [] ends it.
   */
  refuseRolesOf(who: readonly string[] | 'others'): void;
  /** Every push sent, oldest first (a phone's view of them). */
  pushes(): OktaSimPush[];
  /**
   * The person answers on their phone: approve by picking a number (the right one succeeds, a
   * wrong one is a rejection, as Okta Verify does), or reject. False when the push is not waiting.
   */
  answerPush(pushId: string, answer: { approve: true; pick: number } | { approve: false }): boolean;
  /** The push lapses on Okta's side (TIMEOUT), as if its lifetime had passed. */
  expirePush(pushId: string): boolean;
  /**
   * The benchmark's phone, which no browser has to play: every push sent from now on is approved
   * (the right number picked) `thinkMs` after it was sent, the time a person takes to reach their
   * phone, and the next poll answers SUCCESS. Undefined stops it for pushes sent after; the ones
   * already sent keep their time. Nothing else changes on the wire.
   */
  approvePushesAfter(thinkMs: number | undefined): void;
  /**
   * An Okta answering amiss (never Okta's own behaviour: a test of what Latchkey follows): the next
   * push is made and waits on the phone as ever, but its verify answer links poll and cancel to
   * `href` instead of its own transaction.
   */
  linkNextPushTo(href: string): void;
  /**
   * An Okta answering amiss, as linkNextPushTo: the next push is made and waits on the phone, but
   * its verify answer says `factorResult` instead of WAITING.
   */
  answerNextPushAs(factorResult: string): void;
}

const ERRORS = {
  invalidToken: { status: 401, errorCode: 'E0000011', summary: 'Invalid token provided' },
  notFound: { status: 404, errorCode: 'E0000007', summary: 'Not found: Resource not found' },
  notLocked: { status: 403, errorCode: 'E0000032', summary: 'Unlock is not allowed for this user.' },
  masteredElsewhere: { status: 403, errorCode: 'E0000023', summary: 'Operation failed because user profile is mastered under another system.' },
  badStatus: { status: 403, errorCode: 'E0000038', summary: "This operation is not allowed in the user's current status." },
  badSearch: { status: 400, errorCode: 'E0000031', summary: 'Invalid search criteria.' },
  rateLimited: { status: 429, errorCode: 'E0000047', summary: 'API call exceeded rate limit due to too many requests.' },
  validation: { status: 400, errorCode: 'E0000001', summary: 'Api validation failed: User-Agent' },
  factorNotPush: { status: 400, errorCode: 'E0000001', summary: 'Api validation failed: factor' },
  forbidden: { status: 403, errorCode: 'E0000006', summary: 'You do not have permission to perform the requested action' },
  noSuchResource: { status: 404, errorCode: 'E0000022', summary: 'The endpoint does not support the provided HTTP method' },
} as const;

/** The statuses Okta lets expire_password_with_temp_password act on. */
const EXPIRABLE = new Set<OktaStatus>(['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY']);
/** The statuses whose factors Okta resets: a user who can sign in, or is locked out of signing in. */
const FACTORS_RESETTABLE = new Set<OktaStatus>(['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY', 'LOCKED_OUT']);

type Routed = { operation: Operation; params: Record<string, unknown>; run: () => unknown };

class OktaError extends Error {
  constructor(
    readonly error: { status: number; errorCode: string; summary: string },
    readonly headers: Record<string, string> = {},
  ) {
    super(error.summary);
  }
}

export async function startOktaSimulator(opts: { users: readonly OktaSimUser[]; token?: string; latencyMs?: number }): Promise<OktaSimulator> {
  const token = opts.token ?? `00${randomBytes(20).toString('base64url')}`;
  // Copies, so a test that unlocks someone never changes a fixture another test reuses.
  const users = new Map(opts.users.map((u) => [u.id, { ...u, roles: [...(u.roles ?? [])], factors: (u.factors ?? []).map((f) => ({ ...f })) }]));
  const tokenOwnerRoles = ['SUPER_ADMIN'];
  let rolesRefused: readonly string[] | 'others' = [];
  const tokenOwner: OktaSimUser = { id: TOKEN_OWNER_ID, email: 'latchkey-service@example.com', firstName: 'Latchkey', lastName: 'Service', status: 'ACTIVE', roles: tokenOwnerRoles };
  const pushes = new Map<string, OktaSimPush>();
  let thinkMs: number | undefined;
  /** linkNextPushTo: the link the next verify answer gives instead of its own. */
  let nextLink: string | undefined;
  /** answerNextPushAs: the factorResult the next verify answer gives instead of its own. */
  let nextResult: string | undefined;
  const temps = new Map<string, string>();
  const state = new SimState<Operation, OktaFailure>(opts.latencyMs, (failure) =>
    failure === 'rate-limited'
      ? new OktaError(ERRORS.rateLimited, {
          'x-rate-limit-limit': '600',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 1),
        })
      : new OktaError(failure),
  );
  let url = '';

  const userOr404 = (id: string) => {
    const user = id === TOKEN_OWNER_ID ? tokenOwner : users.get(id);
    if (!user) throw new OktaError(ERRORS.notFound);
    return user;
  };

  const toWire = (u: OktaSimUser) => ({
    id: u.id,
    status: u.status,
    created: '2025-01-06T09:00:00.000Z',
    activated: u.status === 'STAGED' ? null : '2025-01-06T09:05:00.000Z',
    statusChanged: '2026-11-01T09:00:00.000Z',
    lastLogin: u.lastLogin === undefined ? '2026-11-30T08:00:00.000Z' : u.lastLogin,
    lastUpdated: '2026-11-01T09:00:00.000Z',
    passwordChanged: u.passwordChanged === undefined ? '2026-11-01T09:00:00.000Z' : u.passwordChanged,
    type: { id: 'oty1default' },
    profile: { firstName: u.firstName ?? null, lastName: u.lastName ?? null, login: u.email, email: u.email, mobilePhone: null, secondEmail: null },
    credentials: { provider: u.provider && u.provider !== 'OKTA' ? { type: u.provider, name: 'example.local' } : { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `${url}/api/v1/users/${u.id}` } },
  });

  /** `profile.email eq "…"`: the one search filter Latchkey sends; Okta compares case-insensitively. */
  const listUsers = (query: URLSearchParams) => {
    const search = query.get('search');
    const match = search === null ? undefined : /^profile\.email eq "((?:[^"\\]|\\.)*)"$/.exec(search);
    // No filter: the org's users, the token's owner among them (a setup check reads two).
    if (search === null) return [tokenOwner, ...users.values()].slice(0, Math.min(Number(query.get('limit') ?? 200) || 200, 200)).map(toWire);
    if (!match) throw new OktaError(ERRORS.badSearch);
    const wanted = match[1]!.replace(/\\(.)/g, '$1').toLowerCase();
    const limit = Math.min(Number(query.get('limit') ?? 200) || 200, 200);
    return [...users.values()].filter((u) => u.email.toLowerCase() === wanted).slice(0, limit).map(toWire);
  };

  const route = (req: SimRequest): Routed => {
    const path = req.url.pathname;
    if (req.method === 'GET' && path === '/api/v1/users') {
      return { operation: 'ListUsers', params: { search: req.url.searchParams.get('search') }, run: () => listUsers(req.url.searchParams) };
    }
    const factors = /^\/api\/v1\/users\/([^/]+)\/factors(?:\/([^/]+)(?:\/(verify|transactions\/([^/]+)))?)?$/.exec(path);
    if (factors) return routeFactors(req, decodeURIComponent(factors[1]!), factors[2] && decodeURIComponent(factors[2]), factors[3], factors[4] && decodeURIComponent(factors[4]));
    // The token's own user: what a setup check reads (GET /api/v1/users/me).
    if (req.method === 'GET' && path === '/api/v1/users/me') {
      return { operation: 'GetCurrentUser', params: {}, run: () => toWire(tokenOwner) };
    }
    const one = /^\/api\/v1\/users\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && one) {
      const id = decodeURIComponent(one[1]!);
      return { operation: 'GetUser', params: { userId: id }, run: () => toWire(userOr404(id)) };
    }
    const user = /^\/api\/v1\/users\/([^/]+)\/(roles|lifecycle\/unlock|lifecycle\/expire_password_with_temp_password|lifecycle\/reset_factors)$/.exec(path);
    if (!user) throw new OktaError(ERRORS.noSuchResource);
    const named = decodeURIComponent(user[1]!);
    const id = named === 'me' ? TOKEN_OWNER_ID : named;
    const what = user[2]!;
    if (req.method === 'GET' && what === 'roles') {
      return {
        operation: 'ListRoles',
        params: { userId: id },
        run: () => {
          if (id !== TOKEN_OWNER_ID && (rolesRefused === 'others' || rolesRefused.includes(id))) throw new OktaError(ERRORS.forbidden);
          return userOr404(id).roles!.map((type) => ({ id: `ra1${type.toLowerCase()}`, label: type, type, status: 'ACTIVE', assignmentType: 'USER' }));
        },
      };
    }
    if (req.method === 'POST' && what === 'lifecycle/unlock') {
      return {
        operation: 'Unlock',
        params: { userId: id },
        run: () => {
          const u = userOr404(id);
          // Okta unlocks only the users it masters; another directory's are unlocked there.
          if (u.provider && u.provider !== 'OKTA') throw new OktaError(ERRORS.masteredElsewhere);
          if (u.status !== 'LOCKED_OUT') throw new OktaError(ERRORS.notLocked);
          u.status = 'ACTIVE';
          return {};
        },
      };
    }
    if (req.method === 'POST' && what === 'lifecycle/expire_password_with_temp_password') {
      return {
        operation: 'ExpirePassword',
        params: { userId: id, revokeSessions: req.url.searchParams.get('revokeSessions') },
        run: () => {
          const u = userOr404(id);
          // A temporary password is for Okta-sourced passwords; another directory's are set there.
          if (u.provider && u.provider !== 'OKTA') throw new OktaError(ERRORS.masteredElsewhere);
          if (!EXPIRABLE.has(u.status)) throw new OktaError(ERRORS.badStatus);
          const temp = freshTempPassword();
          temps.set(id, temp);
          u.status = 'PASSWORD_EXPIRED';
          return { tempPassword: temp };
        },
      };
    }
    if (req.method === 'POST' && what === 'lifecycle/reset_factors') {
      return {
        operation: 'ResetFactors',
        params: { userId: id },
        run: () => {
          const u = userOr404(id);
          if (!FACTORS_RESETTABLE.has(u.status)) throw new OktaError(ERRORS.badStatus);
          u.factors = [];
          return {};
        },
      };
    }
    throw new OktaError(ERRORS.noSuchResource);
  };

  const factorWire = (userId: string, f: OktaSimFactor) => ({
    id: f.id,
    factorType: f.factorType,
    provider: f.provider,
    vendorName: f.provider,
    status: f.status,
    created: '2025-01-06T09:10:00.000Z',
    lastUpdated: '2025-01-06T09:10:00.000Z',
    profile: factorProfile(users.get(userId)?.email, f),
    _links: { verify: { href: `${url}/api/v1/users/${userId}/factors/${f.id}/verify`, hints: { allow: ['POST'] } } },
  });

  /** A transaction as Okta answers it: the links while it waits, the number while it waits. */
  const transactionWire = (p: OktaSimPush, justSent = false) => {
    const now = Date.now();
    // Nobody has answered a push that is only now being sent: the verify call answers WAITING, as Okta's does.
    if (!justSent && p.result === 'WAITING' && p.approveAt !== undefined && now >= p.approveAt && p.approveAt < p.expiresAt) {
      p.result = 'SUCCESS';
      p.answeredAt = p.approveAt;
    }
    if (p.result === 'WAITING' && now >= p.expiresAt) p.result = 'TIMEOUT';
    const href = `${url}/api/v1/users/${p.userId}/factors/${p.factorId}/transactions/${p.id}`;
    const factorHref = `${url}/api/v1/users/${p.userId}/factors/${p.factorId}`;
    if (p.result === 'WAITING') {
      return {
        factorResult: 'WAITING',
        expiresAt: new Date(p.expiresAt).toISOString(),
        profile: { credentialId: users.get(p.userId)?.email },
        _links: { poll: { href, hints: { allow: ['GET'] } }, cancel: { href, hints: { allow: ['DELETE'] } } },
        _embedded: { challenge: { correctAnswer: p.correctAnswer } },
      };
    }
    return {
      factorResult: p.result === 'CANCELLED' ? 'TIMEOUT' : p.result,
      ...(p.result !== 'SUCCESS' && { _links: { verify: { href: `${factorHref}/verify`, hints: { allow: ['POST'] } }, factor: { href: factorHref, hints: { allow: ['GET', 'DELETE'] } } } }),
    };
  };

  const routeFactors = (req: SimRequest, userId: string, factorId: string | undefined, what: string | undefined, pushId: string | undefined): Routed => {
    if (req.method === 'GET' && factorId === undefined) {
      return { operation: 'ListFactors', params: { userId }, run: () => userOr404(userId).factors!.map((f) => factorWire(userId, f)) };
    }
    const factorOr404 = () => {
      const f = userOr404(userId).factors!.find((x) => x.id === factorId);
      if (!f) throw new OktaError(ERRORS.notFound);
      return f;
    };
    if (req.method === 'POST' && what === 'verify') {
      return {
        operation: 'VerifyFactor',
        params: { userId, factorId, userAgent: req.headers['user-agent'] ?? null, body: req.body },
        run: () => {
          const f = factorOr404();
          if (f.factorType !== 'push' || f.status !== 'ACTIVE') throw new OktaError(ERRORS.factorNotPush);
          // Okta: "User-Agent … required to verify push factors".
          if (!req.headers['user-agent']) throw new OktaError(ERRORS.validation);
          const numberMatching = (JSON.parse(req.body || '{}') as { useNumberMatchingChallenge?: boolean }).useNumberMatchingChallenge === true;
          const correctAnswer = 10 + randomInt(90);
          const others = new Set<number>();
          while (others.size < 2) {
            const n = 10 + randomInt(90);
            if (n !== correctAnswer) others.add(n);
          }
          const push: OktaSimPush = {
            id: `v2mst.${randomBytes(12).toString('base64url')}`,
            userId,
            email: users.get(userId)!.email,
            factorId: f.id,
            correctAnswer,
            choices: [correctAnswer, ...others].sort(() => randomInt(3) - 1),
            numberMatching,
            userAgent: String(req.headers['user-agent']),
            expiresAt: Date.now() + PUSH_LIFETIME_MS,
            ...(thinkMs !== undefined && { approveAt: Date.now() + thinkMs }),
            result: 'WAITING',
          };
          pushes.set(push.id, push);
          const wire = transactionWire(push, true);
          if (!numberMatching) delete (wire as { _embedded?: unknown })._embedded;
          if (nextLink !== undefined && '_links' in wire) {
            wire._links = { poll: { href: nextLink, hints: { allow: ['GET'] } }, cancel: { href: nextLink, hints: { allow: ['DELETE'] } } };
            nextLink = undefined;
          }
          if (nextResult !== undefined) {
            (wire as { factorResult: string }).factorResult = nextResult;
            nextResult = undefined;
          }
          return { status: 201, body: wire };
        },
      };
    }
    if (pushId !== undefined && (req.method === 'GET' || req.method === 'DELETE')) {
      const pushOr404 = () => {
        const p = pushes.get(pushId);
        if (!p || p.userId !== userId || p.factorId !== factorId) throw new OktaError(ERRORS.notFound);
        return p;
      };
      if (req.method === 'GET') return { operation: 'GetFactorTransaction', params: { userId, factorId, pushId }, run: () => transactionWire(pushOr404()) };
      return {
        operation: 'CancelFactorTransaction',
        params: { userId, factorId, pushId },
        run: () => {
          const p = pushOr404();
          if (p.result === 'WAITING') p.result = 'CANCELLED';
          return { status: 204, body: undefined };
        },
      };
    }
    throw new OktaError(ERRORS.noSuchResource);
  };

  const handle = (req: SimRequest): SimResponse => {
    try {
      if (req.headers.authorization !== `SSWS ${token}`) throw new OktaError(ERRORS.invalidToken);
      const found = route(req);
      state.record(found.operation, found.params);
      const ran = found.run();
      const answer = ran instanceof Object && 'status' in ran && typeof ran.status === 'number' && 'body' in ran ? (ran as { status: number; body: unknown }) : { status: 200, body: ran };
      return {
        status: answer.status,
        headers: { 'content-type': 'application/json', 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '599', 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 60) },
        body: answer.body === undefined ? '' : JSON.stringify(answer.body),
      };
    } catch (err) {
      const e = err instanceof OktaError ? err : new OktaError({ status: 500, errorCode: 'E0000009', summary: `Internal Server Error (stand-in: ${String(err)})` });
      return {
        status: e.error.status,
        headers: { 'content-type': 'application/json', ...e.headers },
        body: JSON.stringify({
          errorCode: e.error.errorCode,
          errorSummary: e.error.summary,
          errorLink: e.error.errorCode,
          errorId: `oae${randomUUID().replace(/-/g, '').slice(0, 20)}`,
          errorCauses: [],
        }),
      };
    }
  };

  // What Latchkey changed in an earlier run of the sandbox (an unlock, a temporary password, a
  // factor reset) is still so: each person's status and the IDs of the factors they still have.
  // Never a temporary password: the person was shown it once, in their own modal.
  const snapshot = () => Object.fromEntries([...users.values()].map((u) => [u.id, { status: u.status, factors: (u.factors ?? []).map((f) => f.id) }]));
  const keeper = new KeptSnapshot(snapshot);
  const server = await startSimServer(handle, () => state.latencyMs, () => Promise.all([state.released(), keeper.saved()]).then(() => undefined));
  url = server.url;
  const controls = state.controls(server);
  const factorOf = (p: OktaSimPush) => users.get(p.userId)?.factors?.find((f) => f.id === p.factorId);
  /** Number matching, as Okta does it: approved only with the right number picked; a wrong pick (or none) rejects the push. */
  const answer = (pushId: string, a: PhoneAnswer): boolean => {
    const p = pushes.get(pushId);
    if (!p || transactionWire(p).factorResult !== 'WAITING') return false;
    p.result = a.approve && (!p.numberMatching || a.pick === p.correctAnswer) ? 'SUCCESS' : 'REJECTED';
    p.answeredAt = Date.now();
    return true;
  };

  return {
    ...controls,
    name: 'Okta',
    env: { OKTA_ORG_URL: server.url, OKTA_API_TOKEN: token },
    token,
    users,
    clear: () => {
      controls.clear();
      thinkMs = undefined;
      nextLink = undefined;
      nextResult = undefined;
    },
    tempPasswordOf: (userId) => temps.get(userId),
    tokenOwnerRoles,
    refuseRolesOf: (who) => {
      rolesRefused = who;
    },
    pushes: () => [...pushes.values()].map((p) => (transactionWire(p), p)),
    answerPush: answer,
    phone: {
      // The numbers the phone offers, never which one is right: the person reads that in Slack. A
      // push to a factor on the old phone went there, not to the phone in the person's hand.
      waiting: (email) =>
        [...pushes.values()]
          .filter((p) => p.email.toLowerCase() === email.toLowerCase() && !factorOf(p)?.onOldPhone && transactionWire(p).factorResult === 'WAITING')
          .map((p) => ({ id: p.id, app: 'Okta Verify', ...(p.numberMatching && { choices: p.choices }) })),
      answer,
    },
    expirePush: (pushId) => {
      const p = pushes.get(pushId);
      if (!p || p.result !== 'WAITING') return false;
      p.result = 'TIMEOUT';
      return true;
    },
    approvePushesAfter: (ms) => {
      thinkMs = ms;
    },
    linkNextPushTo: (href) => {
      nextLink = href;
    },
    answerNextPushAs: (factorResult) => {
      nextResult = factorResult;
    },
    secrets: () => [...temps.values()],
    describe: (email) => {
      const user = [...users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
      const factors = user?.factors?.length ? `, ${user.factors.map((f) => `${FACTOR_NAMES[f.factorType] ?? f.factorType}${f.onOldPhone ? ' (on an old phone)' : ''}`).join(' + ')}` : ', no factors';
      const source = user?.provider && user.provider !== 'OKTA' ? `, from ${user.provider === 'LDAP' ? 'LDAP' : 'Active Directory'}` : '';
      return user && `${user.status.toLowerCase().replace('_', ' ')}${user.roles?.length ? ', admin' : ''}${source}${factors}`;
    },
    snapshot,
    keep: (save) => keeper.keep(save),
    restore: (saved) => {
      for (const [id, kept] of Object.entries((saved ?? {}) as Record<string, { status?: unknown; factors?: unknown }>)) {
        const user = users.get(id);
        if (!user || typeof kept !== 'object' || kept === null) continue;
        if (STATUSES.has(kept.status)) user.status = kept.status as OktaStatus;
        // Only ever fewer factors than the person starts with: a reset removes them, nothing here enrolls one.
        if (Array.isArray(kept.factors)) user.factors = (user.factors ?? []).filter((f) => (kept.factors as unknown[]).includes(f.id));
      }
    },
  };
}

/** A factor's profile as Okta lists it: the enrolled device or number (details an approver is never shown). */
function factorProfile(email: string | undefined, f: OktaSimFactor): Record<string, unknown> {
  switch (f.factorType) {
    case 'push':
      return { credentialId: email, deviceType: 'SmartPhone_IPhone', name: 'iPhone', platform: 'IOS', version: '17.4' };
    case 'sms':
    case 'call':
      return { phoneNumber: f.phoneNumber ?? '+1-415-555-0100' };
    case 'token:software:totp':
      return { credentialId: email };
    case 'webauthn':
      return { credentialId: `l3Br0n-7H3g047NqESqJynFtIgf3Ix9O${f.id}`, authenticatorName: 'YubiKey 5 NFC' };
    default:
      return {};
  }
}

/** How the sandbox's people table names a factor. */
const FACTOR_NAMES: Record<string, string> = { push: 'Okta Verify', 'token:software:totp': 'authenticator app', sms: 'SMS', webauthn: 'security key' };

/** Okta's temporary passwords look like this: letters and digits, easy to type. */
function freshTempPassword(): string {
  return `${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** An active Okta Verify push factor. */
export function oktaVerify(name: string): OktaSimFactor {
  return { id: `opf${name}push`, factorType: 'push', provider: 'OKTA', status: 'ACTIVE' };
}

const verify = (id: string): OktaSimFactor => ({ id: `opf${id}`, factorType: 'push', provider: 'OKTA', status: 'ACTIVE' });
const totp = (id: string): OktaSimFactor => ({ id: `ost${id}`, factorType: 'token:software:totp', provider: 'GOOGLE', status: 'ACTIVE' });

/**
 * The demo company's Okta people (by email; see sandbox/demo-users.yml): active, locked out (one
 * of them mastered by Active Directory), suspended, a password expired (Erin, whose reset still works:
 * the sandbox's Okta policy is a push, so she has Okta Verify), an admin, Nina, whose Okta Verify
 * is on the phone she no longer has, and Finn, who has no Okta Verify (an authenticator app only).
 */
export const DEMO_USERS: OktaSimUser[] = [
  { id: '00uann', email: 'ann@example.com', firstName: 'Ann', lastName: 'Archer', status: 'ACTIVE', factors: [verify('ann'), totp('ann')] },
  { id: '00ubob', email: 'bob@example.com', firstName: 'Bob', lastName: 'Baker', status: 'LOCKED_OUT', factors: [verify('bob')] },
  { id: '00ucarl', email: 'carl@example.com', firstName: 'Carl', lastName: 'Chen', status: 'SUSPENDED' },
  { id: '00udana', email: 'dana@example.com', firstName: 'Dana', lastName: 'Diaz', status: 'LOCKED_OUT', provider: 'ACTIVE_DIRECTORY', factors: [verify('dana')] },
  { id: '00uerin', email: 'erin@example.com', firstName: 'Erin', lastName: 'Evans', status: 'PASSWORD_EXPIRED', factors: [verify('erin')] },
  { id: '00uada', email: 'ada@example.com', firstName: 'Ada', lastName: 'Admin', status: 'ACTIVE', roles: ['SUPER_ADMIN'], factors: [verify('ada')] },
  { id: '00umax', email: 'max@example.com', firstName: 'Max', lastName: 'Moss', status: 'ACTIVE', factors: [verify('max')] },
  { id: '00unina', email: 'nina@example.com', firstName: 'Nina', lastName: 'Novak', status: 'ACTIVE', factors: [{ ...verify('nina'), onOldPhone: true }] },
  { id: '00ufinn', email: 'finn@example.com', firstName: 'Finn', lastName: 'Fischer', status: 'ACTIVE', factors: [totp('finn')] },
];

/** The credential's stand-in module (Credential.standIn): the demo org, or a test's own users. */
export function start(options: { users?: readonly unknown[] } = {}): Promise<OktaSimulator> {
  return startOktaSimulator({ users: (options.users as OktaSimUser[] | undefined) ?? DEMO_USERS });
}

export type { SimCall };
