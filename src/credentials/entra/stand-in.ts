/**
 * A local stand-in for Microsoft Entra ID, on the wire as Microsoft speaks it: the identity
 * platform's token endpoint (`POST /{tenant}/oauth2/v2.0/token`, the client-credentials grant, its
 * `{error, error_description, error_codes}` answers) and the Graph calls Latchkey makes
 * (`/v1.0/users?$filter=mail eq '…'`, `/v1.0/users/{id}?$select=…` (its `signInActivity` answered only with
 * the application permission AuditLog.Read.All in a tenant with Entra ID P1), `transitiveMemberOf/microsoft.graph.directoryRole`, the
 * `passwordProfile` PATCH with Entra's complexity rule and its refusal for a user synced from
 * on-premises Active Directory without password writeback, `revokeSignInSessions`, and the tenant's
 * domains, `/v1.0/domains/{id}` and `/v1.0/domains`, whose `authenticationType` says whether a domain
 * signs in at Entra (`Managed`) or at another identity provider (`Federated`), answered only with the
 * application permission Domain.Read.All), with Graph's `{error: {code, message, innerError}}` bodies,
 * bearer tokens that expire, and 429 with Retry-After.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SimState, startSimServer, type SimRequest, type SimResponse, type StandIn } from '../stand-in';

/** Graph's default page of a user's memberships (transitiveMemberOf): 100 objects. */
const ROLE_PAGE = 100;

export interface EntraSimUser {
  id: string;
  /** The user's `mail`: what Latchkey looks them up by. */
  mail: string;
  userPrincipalName?: string;
  displayName?: string;
  accountEnabled?: boolean;
  userType?: 'Member' | 'Guest';
  /** Directory roles held (directly or through a group), e.g. "User Administrator". */
  roles?: string[];
  /**
   * Groups the user is in besides (none unless said). `transitiveMemberOf` lists them before the
   * roles, ROLE_PAGE of its memberships a page, and the `microsoft.graph.directoryRole` cast keeps
   * only each page's roles: a page may hold none of them and still be followed by an
   * `@odata.nextLink` (the case a reader of the first page alone takes for no role).
   */
  groups?: number;
  /**
   * Protected by Entra from the app's password reset though `roles` lists no role held: eligible for
   * an admin role through PIM, a member or owner of a role-assignable group, or in a restricted
   * management administrative unit. Graph refuses its password with 403 Authorization_RequestDenied
   * ("Insufficient privileges to complete the operation."), as it does every user's to an app without
   * the role that covers them.
   */
  protectedFromReset?: boolean;
  /** Synced from on-premises Active Directory (Entra Connect): its password is set there, unless the tenant writes passwords back. */
  onPremisesSyncEnabled?: boolean;
  /** When the account was made (null: Graph has none, as for accounts made before 2018); 2025-01-06 unless said. */
  createdDateTime?: string | null;
  /** When its password last changed (null: Graph gives none); 2026-11-01 unless said. */
  lastPasswordChangeDateTime?: string | null;
  /** Its last successful sign-in, in `signInActivity` (null: none recorded); 2026-11-30 unless said. */
  lastSignIn?: string | null;
  /** Its profile's phone numbers, which Graph gives with the user (details an approver is never shown). */
  mobilePhone?: string;
  businessPhones?: string[];
}

/** GetSignInActivity: a user read whose `$select` names `signInActivity`, which Graph answers only with AuditLog.Read.All and Entra ID P1. */
type Operation = 'Token' | 'ListUsers' | 'GetUser' | 'GetSignInActivity' | 'ListRoles' | 'SetPassword' | 'RevokeSessions' | 'GetDomain' | 'ListDomains';

/** How a domain's people sign in: at Entra itself, or at the identity provider the domain is federated to (AD FS, Okta, Ping…). */
export type DomainAuthentication = 'Managed' | 'Federated';

/** A failure to answer with: a Graph error, or throttling (429 with Retry-After). No answer at all: setLatency. */
export type GraphFailure = { status: number; code: string; message: string } | 'throttled';

export interface EntraSimulator extends StandIn {
  readonly tenantId: string;
  readonly clientId: string;
  /** The client secret it accepts now (rotateSecret changes it). */
  readonly clientSecret: string;
  /** By id; tests may change them. */
  readonly users: Map<string, EntraSimUser>;
  failNext(operation: Operation, failure: GraphFailure, times?: number): void;
  /** The password last set for this user, and whether they must change it at next sign-in. */
  passwordOf(userId: string): string | undefined;
  mustChangePassword(userId: string): boolean | undefined;
  /** How often each user's sessions were revoked. */
  revocations(userId: string): number;
  /** A new client secret: the old one is refused from now on, and every token issued with it too. */
  rotateSecret(): string;
  /** Every token issued so far stops working (as after a revocation): Graph answers 401. */
  expireTokens(): void;
  /** Password writeback (off unless set): Graph sets the password of a user synced from on-premises only with it. */
  setPasswordWriteback(on: boolean): void;
  /**
   * A domain of the tenant, and how its people sign in. Every domain a user's userPrincipalName is
   * in is the tenant's (Graph takes no other), Managed unless set here, as is the initial
   * `contoso.onmicrosoft.com`.
   */
  setDomain(domain: string, authentication: DomainAuthentication): void;
  /** The app registration's Graph application permission Domain.Read.All (granted unless set): without it the domains answer 403 Authorization_RequestDenied. */
  setDomainReadGranted(granted: boolean): void;
  /**
   * Whether Graph lets the app list a user's directory roles (`transitiveMemberOf`; granted unless
   * set): Graph's reference names User.Read.All as the least application permission for it (or
   * Directory.Read.All, Group.Read.All, GroupMember.Read.All). Without, 403 Authorization_RequestDenied.
   */
  setRoleReadGranted(granted: boolean): void;
  /**
   * A Graph answering amiss (never Graph's own behaviour: a test of what Latchkey follows): the
   * memberships' next page links are given on this origin instead of Graph's; undefined, Graph's again.
   */
  linkNextPagesTo(origin: string | undefined): void;
  /**
   * Whether a user's `signInActivity` can be read (`readable` unless set): without the application
   * permission AuditLog.Read.All Graph answers 403 Authorization_RequestDenied; in a tenant without
   * Entra ID P1 (or P2), 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant.
   */
  setSignInActivity(state: SignInActivityAccess): void;
}

export type SignInActivityAccess = 'readable' | 'no-permission' | 'no-license';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const COMPLEXITY = 'The specified password does not comply with password complexity requirements. Please provide a different password.';
const ON_PREMISES_MASTERED = 'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';
const INITIAL_DOMAIN = 'contoso.onmicrosoft.com';
const INSUFFICIENT_PRIVILEGES = 'Insufficient privileges to complete the operation.';
const NOT_PREMIUM = "Neither tenant is B2C or tenant doesn't have premium license";
/** What Graph gives of a user read without `$select`. */
const DEFAULT_USER_FIELDS = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The identity platform's own error shape, on the token endpoint only. */
class TokenError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    description: string,
  ) {
    super(`AADSTS${aadsts}: ${description}`);
  }
}

/** Entra's rule: 8 to 256 characters, and three of upper case, lower case, digits and symbols. */
export function meetsComplexity(password: string): boolean {
  if (password.length < 8 || password.length > 256) return false;
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return classes >= 3;
}

export async function startEntraSimulator(opts: {
  users: readonly EntraSimUser[];
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  latencyMs?: number;
}): Promise<EntraSimulator> {
  const tenantId = opts.tenantId ?? '7c3f9a52-1b6e-4d8a-9f0c-2e5b8d4a6c11';
  const clientId = opts.clientId ?? 'b2d4f6a8-3c5e-4a7b-8d9f-1e2c3b4a5d6e';
  let clientSecret = opts.clientSecret ?? `Lk~${randomBytes(24).toString('base64url')}`;
  const users = new Map(opts.users.map((u) => [u.id, { ...u, roles: [...(u.roles ?? [])] }]));
  const issued: string[] = [];
  let valid = new Set<string>();
  const passwords = new Map<string, { password: string; forceChange: boolean }>();
  const revoked = new Map<string, number>();
  let writeback = false;
  // By lower-case name; a user's UPN domain not named here is Managed.
  const domains = new Map<string, DomainAuthentication>([[INITIAL_DOMAIN, 'Managed']]);
  let domainRead = true;
  let roleRead = true;
  let pagesOrigin: string | undefined;
  let signInActivity: SignInActivityAccess = 'readable';
  // A failure queued for the token endpoint is answered in the identity platform's shape, except throttling.
  const state = new SimState<Operation, GraphFailure>(opts.latencyMs, (failure, operation) => {
    if (failure === 'throttled') return new GraphError(429, 'TooManyRequests', 'Too many requests.', { 'retry-after': '1' });
    if (operation === 'Token') return new TokenError(failure.status, failure.code, 50000, failure.message);
    return new GraphError(failure.status, failure.code, failure.message);
  });
  let url = '';

  const userOr404 = (id: string) => {
    const user = users.get(id);
    if (!user) throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    return user;
  };

  const token = (req: SimRequest): SimResponse => {
    const tenant = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(req.url.pathname)?.[1];
    const form = new URLSearchParams(req.body);
    state.log('Token', { tenant, clientId: form.get('client_id'), grantType: form.get('grant_type'), scope: form.get('scope') });
    if (tenant !== tenantId) throw new TokenError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`);
    if (form.get('grant_type') !== 'client_credentials') throw new TokenError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.get('client_id') !== clientId) throw new TokenError(400, 'unauthorized_client', 700016, `Application with identifier '${form.get('client_id')}' was not found in the directory.`);
    if (form.get('client_secret') !== clientSecret) throw new TokenError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    if (form.get('scope') !== GRAPH_SCOPE) throw new TokenError(400, 'invalid_scope', 1002012, `The provided value for scope ${form.get('scope')} is not valid.`);
    state.failIfQueued('Token');
    const access = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes(48).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    issued.push(access);
    valid.add(access);
    return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: access });
  };

  /**
   * `mail eq '…'` with a quote written twice, the one filter Latchkey sends, compared
   * case-insensitively as Graph does; or, with no filter, the first `$top` users (1 to 999).
   */
  const listUsers = (query: URLSearchParams) => {
    const filter = query.get('$filter');
    const top = Number(query.get('$top') ?? 100);
    if (filter === null && !(Number.isInteger(top) && top >= 1 && top <= 999)) throw new GraphError(400, 'Request_BadRequest', `Invalid page size specified: '${query.get('$top')}'. Must be between 1 and 999 inclusive.`);
    const match = /^mail eq '((?:[^']|'')*)'$/.exec(filter ?? '');
    if (filter !== null && !match) throw new GraphError(400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified for property \'mail\' of resource \'User\'.');
    const wanted = match?.[1]!.replace(/''/g, "'").toLowerCase();
    const select = (query.get('$select') ?? 'id,displayName,mail,userPrincipalName').split(',');
    const found = wanted === undefined ? [...users.values()].slice(0, top) : [...users.values()].filter((u) => u.mail.toLowerCase() === wanted);
    return {
      '@odata.context': `${url}/v1.0/$metadata#users(${select.join(',')})`,
      value: found.map((u) => Object.fromEntries(select.map((field) => [field, wire(u)[field as keyof ReturnType<typeof wire>] ?? null]))),
    };
  };
  /** The tenant's domains as Graph lists them: the ones set, and every user's UPN domain. */
  const allDomains = (): Map<string, DomainAuthentication> => {
    const all = new Map(domains);
    for (const u of users.values()) {
      const domain = wire(u).userPrincipalName.split('@').pop()!.toLowerCase();
      if (!all.has(domain)) all.set(domain, 'Managed');
    }
    return all;
  };
  const domainWire = (id: string, authenticationType: DomainAuthentication, select: string[] | undefined) => {
    const whole = { id, authenticationType, availabilityStatus: null, isAdminManaged: true, isDefault: id === INITIAL_DOMAIN, isInitial: id === INITIAL_DOMAIN, isRoot: true, isVerified: true, supportedServices: ['Email', 'OfficeCommunicationsOnline'], passwordValidityPeriodInDays: null, passwordNotificationWindowInDays: null, state: null };
    return select ? Object.fromEntries(select.map((field) => [field, whole[field as keyof typeof whole] ?? null])) : whole;
  };
  const requireDomainRead = () => {
    if (!domainRead) throw new GraphError(403, 'Authorization_RequestDenied', INSUFFICIENT_PRIVILEGES);
  };
  const wire = (u: EntraSimUser) => {
    const lastSignIn = u.lastSignIn === undefined ? '2026-11-30T08:00:00Z' : u.lastSignIn;
    return {
      id: u.id,
      displayName: u.displayName ?? null,
      givenName: null,
      surname: null,
      jobTitle: null,
      officeLocation: null,
      preferredLanguage: null,
      mail: u.mail,
      mobilePhone: u.mobilePhone ?? null,
      businessPhones: u.businessPhones ?? [],
      userPrincipalName: u.userPrincipalName ?? (u.userType === 'Guest' ? `${u.mail.replace('@', '_')}#EXT#@${INITIAL_DOMAIN}` : u.mail),
      accountEnabled: u.accountEnabled ?? true,
      userType: u.userType ?? 'Member',
      onPremisesSyncEnabled: u.onPremisesSyncEnabled ? true : null,
      createdDateTime: u.createdDateTime === undefined ? '2025-01-06T09:00:00Z' : u.createdDateTime,
      lastPasswordChangeDateTime: u.lastPasswordChangeDateTime === undefined ? '2026-11-01T09:00:00Z' : u.lastPasswordChangeDateTime,
      // Graph gives a user no sign-in has been recorded for a null signInActivity.
      signInActivity: lastSignIn
        ? { lastSignInDateTime: lastSignIn, lastSignInRequestId: randomUUID(), lastNonInteractiveSignInDateTime: lastSignIn, lastNonInteractiveSignInRequestId: randomUUID(), lastSuccessfulSignInDateTime: lastSignIn, lastSuccessfulSignInRequestId: randomUUID() }
        : null,
    };
  };
  /** GET /v1.0/users/{id}: the fields `$select` names (Graph's default set without it); signInActivity only where it may be read. */
  const getUser = (id: string, select: string[]) => {
    if (select.includes('signInActivity') && signInActivity === 'no-permission') throw new GraphError(403, 'Authorization_RequestDenied', INSUFFICIENT_PRIVILEGES);
    if (select.includes('signInActivity') && signInActivity === 'no-license') throw new GraphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', NOT_PREMIUM);
    const whole = wire(userOr404(id)) as Record<string, unknown>;
    return { '@odata.context': `${url}/v1.0/$metadata#users(${select.join(',')})/$entity`, ...Object.fromEntries(select.map((field) => [field, whole[field] ?? null])) };
  };

  const route = (req: SimRequest): { operation: Operation; params: Record<string, unknown>; run: () => SimResponse } => {
    const path = req.url.pathname;
    if (req.method === 'GET' && path === '/v1.0/users') {
      return {
        operation: 'ListUsers',
        params: { filter: req.url.searchParams.get('$filter'), ...(req.url.searchParams.has('$top') && { top: req.url.searchParams.get('$top') }), select: req.url.searchParams.get('$select') },
        run: () => json(200, listUsers(req.url.searchParams)),
      };
    }
    const roles = /^\/v1\.0\/users\/([^/]+)\/transitiveMemberOf\/microsoft\.graph\.directoryRole$/.exec(path);
    if (req.method === 'GET' && roles) {
      const id = decodeURIComponent(roles[1]!);
      return {
        operation: 'ListRoles',
        params: { userId: id, ...(req.url.searchParams.has('$skiptoken') && { skiptoken: req.url.searchParams.get('$skiptoken') }) },
        run: () => {
          if (!roleRead) throw new GraphError(403, 'Authorization_RequestDenied', INSUFFICIENT_PRIVILEGES);
          const u = userOr404(id);
          // Its groups first, then its roles; one page of them, from $skiptoken (the page's number here).
          const memberships: (string | undefined)[] = [...Array<undefined>(u.groups ?? 0), ...u.roles!];
          const page = Number(req.url.searchParams.get('$skiptoken') ?? '0');
          const next = (page + 1) * ROLE_PAGE < memberships.length;
          const nextLink = new URL(`${pagesOrigin ?? url}${path}`);
          nextLink.search = req.url.search;
          nextLink.searchParams.set('$skiptoken', String(page + 1));
          return json(200, {
            '@odata.context': `${url}/v1.0/$metadata#directoryObjects`,
            ...(next && { '@odata.nextLink': nextLink.toString() }),
            value: memberships
              .slice(page * ROLE_PAGE, (page + 1) * ROLE_PAGE)
              .filter((name) => name !== undefined)
              .map((name) => ({ '@odata.type': '#microsoft.graph.directoryRole', id: randomUUID(), displayName: name, roleTemplateId: randomUUID() })),
          });
        },
      };
    }
    if (req.method === 'GET' && path === '/v1.0/domains') {
      const select = req.url.searchParams.get('$select')?.split(',');
      return {
        operation: 'ListDomains',
        params: { select: select?.join(',') },
        run: () => {
          requireDomainRead();
          return json(200, { '@odata.context': `${url}/v1.0/$metadata#domains`, value: [...allDomains()].map(([id, type]) => domainWire(id, type, select)) });
        },
      };
    }
    const domain = /^\/v1\.0\/domains\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && domain) {
      // Graph finds a domain by its name in any case.
      const id = decodeURIComponent(domain[1]!).toLowerCase();
      const select = req.url.searchParams.get('$select')?.split(',');
      return {
        operation: 'GetDomain',
        params: { domain: id, select: select?.join(',') },
        run: () => {
          requireDomainRead();
          const type = allDomains().get(id);
          if (!type) throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
          return json(200, { '@odata.context': `${url}/v1.0/$metadata#domains/$entity`, ...domainWire(id, type, select) });
        },
      };
    }
    const revoke = /^\/v1\.0\/users\/([^/]+)\/revokeSignInSessions$/.exec(path);
    if (req.method === 'POST' && revoke) {
      const id = decodeURIComponent(revoke[1]!);
      return {
        operation: 'RevokeSessions',
        params: { userId: id },
        run: () => {
          userOr404(id);
          revoked.set(id, (revoked.get(id) ?? 0) + 1);
          return json(200, { '@odata.context': `${url}/v1.0/$metadata#Edm.Boolean`, value: true });
        },
      };
    }
    const user = /^\/v1\.0\/users\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && user) {
      const id = decodeURIComponent(user[1]!);
      const select = req.url.searchParams.get('$select')?.split(',') ?? DEFAULT_USER_FIELDS;
      return { operation: select.includes('signInActivity') ? 'GetSignInActivity' : 'GetUser', params: { userId: id, select: select.join(',') }, run: () => json(200, getUser(id, select)) };
    }
    if (req.method === 'PATCH' && user) {
      const id = decodeURIComponent(user[1]!);
      // The password itself is never recorded among the calls.
      let body: { passwordProfile?: { password?: unknown; forceChangePasswordNextSignIn?: unknown } } = {};
      try {
        body = JSON.parse(req.body) as typeof body;
      } catch {
        throw new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
      }
      return {
        operation: 'SetPassword',
        params: { userId: id, forceChangePasswordNextSignIn: body.passwordProfile?.forceChangePasswordNextSignIn },
        run: () => {
          const target = userOr404(id);
          if (body.passwordProfile && target.protectedFromReset) throw new GraphError(403, 'Authorization_RequestDenied', INSUFFICIENT_PRIVILEGES);
          if (body.passwordProfile && target.onPremisesSyncEnabled && !writeback) throw new GraphError(400, 'Request_BadRequest', ON_PREMISES_MASTERED);
          const password = body.passwordProfile?.password;
          if (typeof password !== 'string' || !meetsComplexity(password)) throw new GraphError(400, 'Request_BadRequest', COMPLEXITY);
          passwords.set(id, { password, forceChange: body.passwordProfile?.forceChangePasswordNextSignIn === true });
          return { status: 204, headers: {}, body: '' };
        },
      };
    }
    throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').pop()}'.`);
  };

  const handle = (req: SimRequest): SimResponse => {
    const requestId = randomUUID();
    try {
      if (req.method === 'POST' && req.url.pathname.endsWith('/oauth2/v2.0/token')) return token(req);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
      if (!valid.has(bearer)) throw new GraphError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
      const found = route(req);
      state.record(found.operation, found.params);
      return found.run();
    } catch (err) {
      if (err instanceof TokenError) {
        return json(err.status, {
          error: err.error,
          error_description: `${err.message}\r\nTrace ID: ${requestId}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
          error_codes: [err.aadsts],
          timestamp: new Date().toISOString(),
          trace_id: requestId,
          correlation_id: randomUUID(),
        });
      }
      const e = err instanceof GraphError ? err : new GraphError(500, 'generalException', `An internal server error occurred (stand-in: ${String(err)})`);
      return json(e.status, { error: { code: e.code, message: e.message, innerError: { date: new Date().toISOString(), 'request-id': requestId, 'client-request-id': requestId } } }, e.headers);
    }
  };

  const server = await startSimServer(handle, () => state.latencyMs, () => state.released());
  url = server.url;
  const controls = state.controls(server);
  return {
    ...controls,
    name: 'Microsoft Entra ID',
    env: {
      ENTRA_TENANT_ID: tenantId,
      ENTRA_CLIENT_ID: clientId,
      ENTRA_CLIENT_SECRET: clientSecret,
      ENTRA_AUTHORITY_URL: server.url,
      ENTRA_GRAPH_URL: server.url,
    },
    tenantId,
    clientId,
    get clientSecret() {
      return clientSecret;
    },
    users,
    passwordOf: (userId) => passwords.get(userId)?.password,
    mustChangePassword: (userId) => passwords.get(userId)?.forceChange,
    revocations: (userId) => revoked.get(userId) ?? 0,
    rotateSecret: () => {
      clientSecret = `Lk~${randomBytes(24).toString('base64url')}`;
      valid = new Set();
      return clientSecret;
    },
    expireTokens: () => {
      valid = new Set();
    },
    setPasswordWriteback: (on) => {
      writeback = on;
    },
    setDomain: (name, authentication) => {
      domains.set(name.toLowerCase(), authentication);
    },
    setDomainReadGranted: (granted) => {
      domainRead = granted;
    },
    setRoleReadGranted: (granted) => {
      roleRead = granted;
    },
    linkNextPagesTo: (origin) => {
      pagesOrigin = origin;
    },
    setSignInActivity: (state) => {
      signInActivity = state;
    },
    secrets: () => [clientSecret, ...issued, ...[...passwords.values()].map((p) => p.password)],
    describe: (email) => {
      const u = [...users.values()].find((x) => x.mail.toLowerCase() === email.toLowerCase());
      if (!u) return undefined;
      const what = [u.accountEnabled === false ? 'disabled' : 'enabled', u.userType === 'Guest' ? 'guest' : undefined, u.onPremisesSyncEnabled ? 'synced from Active Directory' : undefined, allDomains().get(wire(u).userPrincipalName.split('@').pop()!.toLowerCase()) === 'Federated' ? 'federated: signs in at another identity provider' : undefined, u.roles?.length ? u.roles.join(', ') : undefined, u.protectedFromReset ? 'protected from password resets by apps (eligible admin role, role-assignable group)' : undefined];
      return what.filter(Boolean).join(', ');
    },
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** The demo company's Entra people (by email; see sandbox/demo-users.yml): members, a disabled account, guests, admins. */
export const DEMO_USERS: EntraSimUser[] = [
  { id: 'a1f0c3e2-0001-4000-8000-00000000a001', mail: 'ann@example.com', displayName: 'Ann Archer' },
  { id: 'a1f0c3e2-0002-4000-8000-00000000b002', mail: 'bob@example.com', displayName: 'Bob Baker' },
  { id: 'a1f0c3e2-0003-4000-8000-00000000c003', mail: 'carl@example.com', displayName: 'Carl Chen', accountEnabled: false },
  // Invited from her own company's tenant: a full Slack member, but a guest in this directory.
  { id: 'a1f0c3e2-0004-4000-8000-00000000d004', mail: 'dana@example.com', displayName: 'Dana Diaz', userType: 'Guest' },
  { id: 'a1f0c3e2-0005-4000-8000-00000000e005', mail: 'gwen@partner.example', displayName: 'Gwen Guest', userType: 'Guest' },
  { id: 'a1f0c3e2-0007-4000-8000-00000000a007', mail: 'ada@example.com', displayName: 'Ada Admin', roles: ['Global Administrator'] },
  { id: 'a1f0c3e2-0008-4000-8000-00000000b008', mail: 'max@example.com', displayName: 'Max Moss', roles: ['User Administrator'] },
];

/** The credential's stand-in module (Credential.standIn): the demo tenant, or a test's own users. */
export function start(options: { users?: readonly unknown[] } = {}): Promise<EntraSimulator> {
  return startEntraSimulator({ users: (options.users as EntraSimUser[] | undefined) ?? DEMO_USERS });
}
