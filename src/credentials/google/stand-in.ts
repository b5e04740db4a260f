/**
 * A local stand-in for Google Workspace's Admin SDK Directory API, on the wire as Google speaks
 * it: the OAuth 2.0 token endpoint with the JWT-bearer grant (RFC 7523; the assertion's RS256
 * signature checked against the service account's public key, its `sub` an admin who delegated),
 * `users.get` by primary email, alias or ID (with what an admin's view gives: 2-Step Verification,
 * the last sign-in, recovery and profile phone numbers…), `users.update` (PUT) with Google's password rule,
 * `users.signOut`, and Google's error bodies `{error: {code, message, errors: [{reason}]}}`,
 * including its 403 `userRateLimitExceeded`. Its key pair is made at start: none is ever committed.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { SimState, startSimServer, type SimRequest, type SimResponse, type StandIn } from '../stand-in';

export interface GoogleSimUser {
  id: string;
  primaryEmail: string;
  aliases?: string[];
  fullName?: string;
  suspended?: boolean;
  archived?: boolean;
  isAdmin?: boolean;
  isDelegatedAdmin?: boolean;
  /** 2-Step Verification: enrolled (false unless said), and enforced for them (false unless said). null: left out of the answer. */
  isEnrolledIn2Sv?: boolean | null;
  isEnforcedIn2Sv?: boolean | null;
  /** When they last signed in (null: never, which Google gives as 1970-01-01T00:00:00.000Z); 2026-11-30 unless said. */
  lastLoginTime?: string | null;
  /** When the account was made (null: left out of the answer); 2025-01-06 unless said. */
  creationTime?: string | null;
  /** Must change their password at next sign-in before any password was set here (false unless said). */
  changePasswordAtNextLogin?: boolean;
  /**
   * In an organizational unit the admin's role does not cover (a delegated admin assigned to some
   * units only): every call on them answers 403 forbidden, "Not Authorized to access this resource/api".
   */
  beyondAdminReach?: boolean;
  /** Phone numbers Google gives with the user (details an approver is never shown). */
  recoveryPhone?: string;
  phones?: { value: string; type: string }[];
}

/** How Google says "never signed in". */
const NEVER = '1970-01-01T00:00:00.000Z';

type Operation = 'Token' | 'GetUser' | 'UpdateUser' | 'SignOut';

/** A failure to answer with: a Google error, or its throttling (403 userRateLimitExceeded, or 429). No answer at all: setLatency. */
export type GoogleFailure = { status: number; reason: string; message: string } | 'user-rate-limit' | 'too-many-requests';

export interface GoogleSimulator extends StandIn {
  readonly clientEmail: string;
  readonly adminEmail: string;
  /** The service account key (JSON) it accepts now: what GOOGLE_SERVICE_ACCOUNT_KEY holds. */
  readonly serviceAccountKey: string;
  readonly users: Map<string, GoogleSimUser>;
  failNext(operation: Operation, failure: GoogleFailure, times?: number): void;
  passwordOf(userId: string): string | undefined;
  mustChangePassword(userId: string): boolean | undefined;
  signOuts(userId: string): number;
  /** A new key for the service account: the old one (and every token it got) is refused from now on. Returns the new key's JSON. */
  rotateKey(): string;
  /** The last assertion's claims, as the token endpoint read them. */
  lastClaims(): Record<string, unknown> | undefined;
  /**
   * Whether the admin GOOGLE_ADMIN_EMAIL names has a role that reads users (true unless a test says
   * otherwise). False, as an admin whose role lost the Users rights: every users call answers 403
   * forbidden, its own read included; the token is still issued.
   */
  adminReadsUsers: boolean;
}

/** The scopes domain-wide delegation grants the service account: users, and users' sessions (signOut). */
const USER_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user';
const SECURITY_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.security';
const DELEGATED = new Set([USER_SCOPE, SECURITY_SCOPE]);
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

class GoogleError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

/** A service account key of its own, made now. */
function newKey(clientEmail: string, tokenUri: string): { json: string; publicKey: KeyObject; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyId = randomBytes(20).toString('hex');
  const json = JSON.stringify({
    type: 'service_account',
    project_id: 'latchkey-sandbox',
    private_key_id: keyId,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: '100000000000000000001',
    token_uri: tokenUri,
  });
  return { json, publicKey: createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })), keyId };
}

export async function startGoogleSimulator(opts: { users: readonly GoogleSimUser[]; adminEmail?: string; latencyMs?: number }): Promise<GoogleSimulator> {
  const clientEmail = 'latchkey@latchkey-sandbox.iam.gserviceaccount.com';
  const users = new Map(opts.users.map((u) => [u.id, { ...u, aliases: [...(u.aliases ?? [])] }]));
  const adminEmail = opts.adminEmail ?? ([...users.values()].find((u) => u.isAdmin)?.primaryEmail ?? 'admin@example.com');
  const passwords = new Map<string, { password: string; change: boolean }>();
  const signOuts = new Map<string, number>();
  const issued: string[] = [];
  let valid = new Set<string>();
  const scopesOf = new Map<string, Set<string>>();
  let claims: Record<string, unknown> | undefined;
  // A failure queued for the token endpoint is answered as OAuth 2.0 errors are (throttling: 429).
  const state = new SimState<Operation, GoogleFailure>(opts.latencyMs, (failure, operation) => {
    if (operation === 'Token') return new OAuthError(typeof failure === 'object' ? failure.status : 429, typeof failure === 'object' ? failure.reason : 'rate_limit_exceeded', 'Simulated token failure');
    if (failure === 'user-rate-limit') return new GoogleError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded');
    if (failure === 'too-many-requests') return new GoogleError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', { 'retry-after': '1' });
    return new GoogleError(failure.status, failure.reason, failure.message);
  });
  let url = '';
  let key: ReturnType<typeof newKey>;
  const keys: string[] = [];

  const byKey = (userKey: string) => {
    const k = userKey.toLowerCase();
    return [...users.values()].find((u) => u.id === userKey || u.primaryEmail.toLowerCase() === k || u.aliases!.some((a) => a.toLowerCase() === k));
  };
  let adminReadsUsers = true;
  const forbidden = () => new GoogleError(403, 'forbidden', 'Not Authorized to access this resource/api');
  /** The domains this Workspace holds: its users' (a test's users stand for the whole Workspace). */
  const held = () => new Set([...users.values()].flatMap((u) => [u.primaryEmail, ...u.aliases!]).map((e) => e.slice(e.lastIndexOf('@') + 1).toLowerCase()));
  const userOr404 = (userKey: string) => {
    // As Google answers: an admin without the Users rights reads nobody; an address in a domain this
    // Workspace does not hold (another customer's, a personal one), and a user beyond the admin's
    // role, are 403 forbidden alike, never "not found".
    if (!adminReadsUsers) throw forbidden();
    if (userKey.includes('@') && !held().has(userKey.slice(userKey.lastIndexOf('@') + 1).toLowerCase())) throw forbidden();
    const user = byKey(userKey);
    if (user?.beyondAdminReach) throw forbidden();
    if (!user) throw new GoogleError(404, 'notFound', 'Resource Not Found: userKey');
    return user;
  };
  const wire = (u: GoogleSimUser) => {
    // A field set to null is left out of the answer.
    const given = <T>(name: string, value: T | null | undefined, otherwise: T) => (value === null ? {} : { [name]: value ?? otherwise });
    return {
      kind: 'admin#directory#user',
      id: u.id,
      etag: `"${randomBytes(8).toString('hex')}"`,
      primaryEmail: u.primaryEmail,
      name: { fullName: u.fullName ?? u.primaryEmail.split('@')[0] },
      isAdmin: u.isAdmin ?? false,
      isDelegatedAdmin: u.isDelegatedAdmin ?? false,
      lastLoginTime: u.lastLoginTime === null ? NEVER : (u.lastLoginTime ?? '2026-11-30T08:00:00.000Z'),
      ...given('creationTime', u.creationTime, '2025-01-06T09:00:00.000Z'),
      agreedToTerms: true,
      suspended: u.suspended ?? false,
      archived: u.archived ?? false,
      changePasswordAtNextLogin: passwords.get(u.id)?.change ?? u.changePasswordAtNextLogin ?? false,
      ipWhitelisted: false,
      ...(u.phones && { phones: u.phones }),
      ...(u.recoveryPhone && { recoveryPhone: u.recoveryPhone }),
      ...(u.aliases!.length > 0 && { aliases: u.aliases }),
      customerId: 'C01abcdef',
      orgUnitPath: '/',
      isMailboxSetup: true,
      ...given('isEnrolledIn2Sv', u.isEnrolledIn2Sv, false),
      ...given('isEnforcedIn2Sv', u.isEnforcedIn2Sv, false),
      includeInGlobalAddressList: true,
    };
  };

  /** RFC 7523: the assertion is a JWT signed RS256 by the service account, for this endpoint, acting as `sub`. */
  const token = (req: SimRequest): SimResponse => {
    const form = new URLSearchParams(req.body);
    const assertion = form.get('assertion') ?? '';
    const [h, p, sig] = assertion.split('.');
    let header: Record<string, unknown> = {};
    try {
      header = JSON.parse(Buffer.from(h ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      claims = undefined;
    }
    state.log('Token', { grantType: form.get('grant_type'), iss: claims?.iss, sub: claims?.sub, scope: claims?.scope, aud: claims?.aud, alg: header.alg, kid: header.kid });
    if (form.get('grant_type') !== JWT_BEARER) throw new OAuthError(400, 'unsupported_grant_type', 'Invalid grant_type: ' + form.get('grant_type'));
    if (!claims || header.alg !== 'RS256' || !sig) throw new OAuthError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe');
    if (!verify('sha256', Buffer.from(`${h}.${p}`), key.publicKey, Buffer.from(sig, 'base64url'))) throw new OAuthError(400, 'invalid_grant', 'Invalid JWT Signature.');
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = claims as { iat?: number; exp?: number };
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp <= now || exp - iat > 3600 || iat > now + 300) {
      throw new OAuthError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    if (claims.iss !== clientEmail) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (claims.aud !== `${url}/token`) throw new OAuthError(400, 'invalid_grant', 'Invalid JWT: audience does not match the token endpoint.');
    const sub = byKey(String(claims.sub ?? ''));
    // As Google answers a `sub` that is no user of the Workspace (its service-account error table: invalid_grant, "Invalid email or User ID").
    if (!sub) throw new OAuthError(400, 'invalid_grant', 'Invalid email or User ID');
    // Domain-wide delegation was granted for this one scope, and only an admin can act on users.
    // A token asks for space-separated scopes; Google refuses the grant if any is not delegated.
    const requested = String(claims.scope ?? '').split(' ').filter(Boolean);
    if (requested.length === 0 || requested.some((scope) => !DELEGATED.has(scope)) || !(sub.isAdmin || sub.isDelegatedAdmin)) {
      throw new OAuthError(401, 'unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.');
    }
    state.failIfQueued('Token');
    const access = `ya29.${randomBytes(60).toString('base64url')}`;
    issued.push(access);
    valid.add(access);
    scopesOf.set(access, new Set(requested));
    return json(200, { access_token: access, expires_in: 3599, token_type: 'Bearer' });
  };

  const route = (req: SimRequest): { operation: Operation; params: Record<string, unknown>; run: () => SimResponse } => {
    const m = /^\/admin\/directory\/v1\/users\/([^/]+)(\/signOut)?$/.exec(req.url.pathname);
    if (!m) throw new GoogleError(404, 'notFound', 'Not Found');
    const userKey = decodeURIComponent(m[1]!);
    if (req.method === 'GET' && !m[2]) return { operation: 'GetUser', params: { userKey }, run: () => json(200, wire(userOr404(userKey))) };
    if (req.method === 'POST' && m[2]) {
      return {
        operation: 'SignOut',
        params: { userKey },
        run: () => {
          const u = userOr404(userKey);
          signOuts.set(u.id, (signOuts.get(u.id) ?? 0) + 1);
          return { status: 204, headers: {}, body: '' };
        },
      };
    }
    if (req.method === 'PUT' && !m[2]) {
      let body: { password?: unknown; changePasswordAtNextLogin?: unknown } = {};
      try {
        body = JSON.parse(req.body) as typeof body;
      } catch {
        throw new GoogleError(400, 'parseError', 'Parse Error');
      }
      // The password itself is never recorded among the calls.
      return {
        operation: 'UpdateUser',
        params: { userKey, fields: Object.keys(body).sort(), changePasswordAtNextLogin: body.changePasswordAtNextLogin },
        run: () => {
          const u = userOr404(userKey);
          if (body.password !== undefined) {
            // Google's rule: 8 to 100 characters of printable ASCII.
            if (typeof body.password !== 'string' || !/^[\x20-\x7e]{8,100}$/.test(body.password)) throw new GoogleError(400, 'invalid', 'Invalid Password');
            passwords.set(u.id, { password: body.password, change: body.changePasswordAtNextLogin === true });
          }
          return json(200, wire(u));
        },
      };
    }
    throw new GoogleError(405, 'httpMethodNotAllowed', 'Method Not Allowed');
  };

  const handle = (req: SimRequest): SimResponse => {
    try {
      if (req.method === 'POST' && req.url.pathname === '/token') return token(req);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !valid.has(bearer)) {
        throw new GoogleError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
      }
      const found = route(req);
      // users.signOut needs the user.security scope; everything else here, the user scope.
      const needs = found.operation === 'SignOut' ? SECURITY_SCOPE : USER_SCOPE;
      if (!scopesOf.get(bearer)?.has(needs)) throw new GoogleError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
      state.record(found.operation, found.params);
      return found.run();
    } catch (err) {
      if (err instanceof OAuthError) return json(err.status, { error: err.error, error_description: err.message });
      const e = err instanceof GoogleError ? err : new GoogleError(500, 'backendError', `Backend Error (stand-in: ${String(err)})`);
      return json(e.status, { error: { code: e.status, message: e.message, errors: [{ message: e.message, domain: e.status === 403 && e.reason.includes('RateLimit') ? 'usageLimits' : 'global', reason: e.reason }] } }, e.headers);
    }
  };

  const server = await startSimServer(handle, () => state.latencyMs, () => state.released());
  url = server.url;
  key = newKey(clientEmail, `${url}/token`);
  keys.push(key.json);
  const controls = state.controls(server);
  const env: Record<string, string> = {
    GOOGLE_SERVICE_ACCOUNT_KEY: key.json,
    GOOGLE_ADMIN_EMAIL: adminEmail,
    GOOGLE_API_URL: server.url,
  };
  return {
    ...controls,
    name: 'Google Workspace',
    env,
    clientEmail,
    adminEmail,
    get serviceAccountKey() {
      return key.json;
    },
    users,
    passwordOf: (userId) => passwords.get(userId)?.password,
    mustChangePassword: (userId) => passwords.get(userId)?.change,
    signOuts: (userId) => signOuts.get(userId) ?? 0,
    rotateKey: () => {
      key = newKey(clientEmail, `${url}/token`);
      keys.push(key.json);
      valid = new Set();
      return key.json;
    },
    lastClaims: () => claims,
    get adminReadsUsers() {
      return adminReadsUsers;
    },
    set adminReadsUsers(reads: boolean) {
      adminReadsUsers = reads;
    },
    // The keys' private parts, every token issued, every password set.
    secrets: () => [...keys.map((k) => (JSON.parse(k) as { private_key: string }).private_key), ...issued, ...[...passwords.values()].map((p) => p.password)],
    describe: (email) => {
      const u = byKey(email);
      if (!u) return undefined;
      if (u.primaryEmail.toLowerCase() !== email.toLowerCase()) return `an alias of ${u.primaryEmail}`;
      return [u.suspended ? 'suspended' : u.archived ? 'archived' : 'active', u.isAdmin ? 'super admin' : u.isDelegatedAdmin ? 'delegated admin' : undefined].filter(Boolean).join(', ');
    },
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/json; charset=UTF-8', ...headers }, body: JSON.stringify(body) };
}

/** The demo company's Google people (by email; see sandbox/demo-users.yml): active, suspended, archived, admins, an alias. */
export const DEMO_USERS: GoogleSimUser[] = [
  { id: '100000000000000000011', primaryEmail: 'ann@example.com', fullName: 'Ann Archer' },
  { id: '100000000000000000012', primaryEmail: 'bob@example.com', fullName: 'Bob Baker', aliases: ['erin@example.com'] },
  { id: '100000000000000000013', primaryEmail: 'carl@example.com', fullName: 'Carl Chen', suspended: true },
  { id: '100000000000000000014', primaryEmail: 'dana@example.com', fullName: 'Dana Diaz', archived: true },
  { id: '100000000000000000015', primaryEmail: 'ada@example.com', fullName: 'Ada Admin', isAdmin: true },
  { id: '100000000000000000016', primaryEmail: 'max@example.com', fullName: 'Max Moss', isDelegatedAdmin: true },
];

/** The credential's stand-in module (Credential.standIn): the demo domain, or a test's own users. */
export function start(options: { users?: readonly unknown[] } = {}): Promise<GoogleSimulator> {
  return startGoogleSimulator({ users: (options.users as GoogleSimUser[] | undefined) ?? DEMO_USERS });
}
