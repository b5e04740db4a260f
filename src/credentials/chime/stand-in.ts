/**
 * A local stand-in for the legacy Amazon Chime API (`chime`, REST-JSON), faithful enough on the
 * wire that an unmodified `@aws-sdk/client-chime` ChimeClient pointed at `url` works against it.
 * Paths, query names, members and status codes follow the SDK's own schemas.
 */
import { randomInt } from 'node:crypto';
import {
  KeptSnapshot,
  SimError,
  SimState,
  decodeToken,
  paginate,
  sigV4Scope,
  startSimServer,
  type SimCall,
  type SimRequest,
  type SimResponse,
  type StandIn,
} from '../stand-in';

export type { SimCall } from '../stand-in';

export type ChimeLicense = 'Basic' | 'Plus' | 'Pro' | 'ProTrial';

export interface ChimeSimUser {
  UserId: string;
  PrimaryEmail: string;
  DisplayName?: string;
  LicenseType: ChimeLicense;
  UserType?: 'PrivateUser' | 'SharedDevice';
  UserRegistrationStatus?: 'Unregistered' | 'Registered' | 'Suspended';
}

export type ChimeErrorCode =
  | 'BadRequestException'
  | 'ForbiddenException'
  | 'NotFoundException'
  | 'UnauthorizedClientException'
  | 'ThrottledClientException'
  | 'ServiceUnavailableException'
  | 'ServiceFailureException'
  | 'ResourceLimitExceededException'
  | 'ConflictException';

type ChimeOperation = 'ListUsers' | 'GetUser' | 'ResetPersonalPIN' | 'UpdateUser';

export interface ChimeSimulator extends StandIn {
  readonly accountId: string;
  /** By UserId; tests may mutate. */
  readonly users: Map<string, ChimeSimUser>;
  readonly calls: SimCall[];
  callsTo(operation: string): SimCall[];
  /** The next `times` (default 1) calls of `operation` fail with `code`, after being recorded. */
  failNext(operation: ChimeOperation, code: ChimeErrorCode, times?: number): void;
  /**
   * The next call of `operation` is carried out, and answered 200 with JSON broken where its last
   * string value begins (single quotes), or the string value `at` if given: a broken or
   * intercepting endpoint's answer, which the SDK cannot read. For ResetPersonalPIN the last value
   * is the new PIN; a lookup's can be broken at a person's email.
   */
  malformNext(operation: ChimeOperation, at?: string): void;
  /** The PIN set by the last ResetPersonalPIN of this user. */
  pinOf(userId: string): string | undefined;
  /** Delay added before every response. */
  setLatency(ms: number): void;
  /** Forgets calls and pending failures; keeps users and PINs. */
  clear(): void;
  close(): Promise<void>;
}

/** The `httpError` of each exception in the SDK's schema. */
const STATUS: Record<ChimeErrorCode, number> = {
  BadRequestException: 400,
  UnauthorizedClientException: 401,
  ForbiddenException: 403,
  NotFoundException: 404,
  ConflictException: 409,
  ResourceLimitExceededException: 400,
  ThrottledClientException: 429,
  ServiceFailureException: 500,
  ServiceUnavailableException: 503,
};

const LICENSES = new Set<string>(['Basic', 'Plus', 'Pro', 'ProTrial']);
const USER_TYPES = new Set<string>(['PrivateUser', 'SharedDevice']);
const MAX_RESULTS = { default: 100, min: 1, max: 200 };

export async function startChimeSimulator(opts: {
  accountId: string;
  users: ChimeSimUser[];
  latencyMs?: number;
}): Promise<ChimeSimulator> {
  const { accountId } = opts;
  // Copies, so UpdateUser never changes a fixture another test reuses.
  const users = new Map(opts.users.map((u) => [u.UserId, { ...u }]));
  const pins = new Map<string, string>();
  const state = new SimState<ChimeOperation, ChimeErrorCode>(opts.latencyMs);
  const malformed = new Map<ChimeOperation, string | undefined>();

  const userOrThrow = (userId: string): ChimeSimUser => {
    const user = users.get(userId);
    if (!user) throw new SimError('NotFoundException', `The requested user ${userId} was not found.`);
    return user;
  };

  const toWire = (u: ChimeSimUser) => ({
    UserId: u.UserId,
    AccountId: accountId,
    PrimaryEmail: u.PrimaryEmail,
    DisplayName: u.DisplayName,
    LicenseType: u.LicenseType,
    UserType: u.UserType ?? 'PrivateUser',
    UserRegistrationStatus: u.UserRegistrationStatus ?? 'Registered',
  });

  const operations = {
    ListUsers(query: URLSearchParams) {
      const email = query.get('user-email')?.toLowerCase();
      const userType = query.get('user-type');
      if (userType !== null && !USER_TYPES.has(userType)) throw badRequest(`Invalid user-type: ${userType}`);
      const max = intInRange(query.get('max-results'), MAX_RESULTS, 'max-results');
      const token = query.get('next-token');
      const offset = token === null ? 0 : decodeToken(token);
      if (offset === undefined) throw badRequest('Invalid next-token');

      const matching = [...users.values()].filter(
        (u) =>
          (email === undefined || u.PrimaryEmail.toLowerCase() === email) &&
          (userType === null || (u.UserType ?? 'PrivateUser') === userType),
      );
      const { page, nextToken } = paginate(matching, offset, max);
      return { Users: page.map(toWire), NextToken: nextToken };
    },

    GetUser(userId: string) {
      return { User: toWire(userOrThrow(userId)) };
    },

    ResetPersonalPIN(userId: string) {
      const user = userOrThrow(userId);
      if (user.UserRegistrationStatus === 'Suspended') {
        throw new SimError('ForbiddenException', `User ${userId} is suspended.`);
      }
      const pin = freshPin(pins.get(userId));
      pins.set(userId, pin);
      return { User: { ...toWire(user), PersonalPIN: pin } };
    },

    UpdateUser(userId: string, body: Record<string, unknown>) {
      const user = userOrThrow(userId);
      const { LicenseType, UserType } = body;
      if (LicenseType !== undefined && !LICENSES.has(String(LicenseType))) {
        throw badRequest(`Invalid LicenseType: ${String(LicenseType)}`);
      }
      if (UserType !== undefined && !USER_TYPES.has(String(UserType))) {
        throw badRequest(`Invalid UserType: ${String(UserType)}`);
      }
      if (LicenseType !== undefined) user.LicenseType = LicenseType as ChimeLicense;
      if (UserType !== undefined) user.UserType = UserType as ChimeSimUser['UserType'];
      return { User: toWire(user) };
    },
  };

  /** Routes as the SDK's `http` traits do; undefined means no such operation. */
  const route = (req: SimRequest): { operation: ChimeOperation; params: Record<string, unknown>; run: () => unknown } | undefined => {
    const match = /^\/accounts\/([^/]+)\/users(?:\/([^/]+))?$/.exec(req.url.pathname);
    if (!match?.[1]) return undefined;
    const account = decodeURIComponent(match[1]);
    const userId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const query = req.url.searchParams;
    const op = query.get('operation');

    if (req.method === 'GET' && userId === undefined) {
      const params = { AccountId: account, ...queryParams(query) };
      return { operation: 'ListUsers', params, run: () => operations.ListUsers(query) };
    }
    if (userId === undefined) return undefined;
    const ids = { AccountId: account, UserId: userId };
    if (req.method === 'GET' && op === null) {
      return { operation: 'GetUser', params: ids, run: () => operations.GetUser(userId) };
    }
    if (req.method === 'POST' && op === 'reset-personal-pin') {
      return { operation: 'ResetPersonalPIN', params: ids, run: () => operations.ResetPersonalPIN(userId) };
    }
    if (req.method === 'POST' && op === null) {
      const body = parseBody(req.body);
      return { operation: 'UpdateUser', params: { ...ids, ...body }, run: () => operations.UpdateUser(userId, body) };
    }
    return undefined;
  };

  const handle = (req: SimRequest): SimResponse => {
    try {
      const found = route(req);
      if (!found) {
        throw new SimError('UnknownOperationException', `No Chime operation at ${req.method} ${req.url.pathname}`, 404);
      }
      const scope = sigV4Scope(req.headers);
      if (scope?.region !== 'us-east-1' || scope.service !== 'chime') {
        // The legacy Chime API only exists in us-east-1: a client built for another region is a setup bug.
        throw new SimError(
          'UnauthorizedClientException',
          `Request must be SigV4-signed for us-east-1/chime, got ${scope ? `${scope.region}/${scope.service}` : 'no signature'}`,
          403,
        );
      }
      state.record(found.operation, found.params);
      if (found.params.AccountId !== accountId) {
        throw new SimError('ForbiddenException', `Account ${String(found.params.AccountId)} is not accessible.`);
      }
      const body = JSON.stringify(found.run());
      if (!malformed.has(found.operation)) return { status: 200, headers: { 'content-type': 'application/json' }, body };
      const at = malformed.get(found.operation);
      malformed.delete(found.operation);
      const broken = at === undefined
        ? body.replace(/"([^"]*)"(}*)$/, (_, last: string, closing: string) => `'${last}'${closing}`)
        : body.replace(JSON.stringify(at), `'${at}'`);
      return { status: 200, headers: { 'content-type': 'application/json' }, body: broken };
    } catch (err) {
      return errorResponse(err);
    }
  };

  // A license an admin approved in an earlier run of the sandbox is still the person's license.
  const snapshot = () => Object.fromEntries([...users.values()].map((u) => [u.UserId, u.LicenseType]));
  const keeper = new KeptSnapshot(snapshot);
  const server = await startSimServer(handle, () => state.latencyMs, () => Promise.all([state.released(), keeper.saved()]).then(() => undefined));
  return {
    ...state.controls(server),
    clear: () => {
      state.clear();
      malformed.clear();
    },
    malformNext: (operation, at) => void malformed.set(operation, at),
    name: 'Amazon Chime',
    env: { CHIME_ACCOUNT_ID: accountId, AWS_ENDPOINT_URL_CHIME: server.url },
    accountId,
    users,
    pinOf: (userId) => pins.get(userId),
    secrets: () => [...pins.values()],
    describe: (email) => {
      const user = [...users.values()].find((u) => u.PrimaryEmail.toLowerCase() === email.toLowerCase());
      if (!user) return undefined;
      const status = user.UserRegistrationStatus ?? 'Registered';
      return `${user.LicenseType}${status === 'Registered' ? '' : ` (${status.toLowerCase()})`}`;
    },
    snapshot,
    keep: (save) => keeper.keep(save),
    restore: (saved) => {
      for (const [userId, license] of Object.entries((saved ?? {}) as Record<string, unknown>)) {
        const user = users.get(userId);
        if (user && LICENSES.has(String(license))) user.LicenseType = license as ChimeLicense;
      }
    },
  };
}

/** The sandbox's Chime account, and the demo company's people in it (by email; see sandbox/demo-users.yml). */
export const DEMO_ACCOUNT_ID = '5a2d3c4b-0000-4000-8000-5a2d3c4b0001';
export const DEMO_USERS: ChimeSimUser[] = [
  { UserId: 'chime-ann', PrimaryEmail: 'ann@example.com', DisplayName: 'Ann Archer', LicenseType: 'Basic' },
  { UserId: 'chime-bob', PrimaryEmail: 'bob@example.com', DisplayName: 'Bob Baker', LicenseType: 'Plus' },
  { UserId: 'chime-carl', PrimaryEmail: 'carl@example.com', DisplayName: 'Carl Chen', LicenseType: 'Basic' },
  { UserId: 'chime-dana', PrimaryEmail: 'dana@example.com', DisplayName: 'Dana Diaz', LicenseType: 'Pro', UserRegistrationStatus: 'Suspended' },
  { UserId: 'chime-gwen', PrimaryEmail: 'gwen@partner.example', DisplayName: 'Gwen Guest', LicenseType: 'Basic' },
  { UserId: 'chime-ada', PrimaryEmail: 'ada@example.com', DisplayName: 'Ada Admin', LicenseType: 'Pro' },
  { UserId: 'chime-max', PrimaryEmail: 'max@example.com', DisplayName: 'Max Moss', LicenseType: 'Pro' },
];

/** The credential's stand-in module (Credential.standIn): the demo account, or a test's own users. */
export function start(options: { users?: readonly unknown[] } = {}): Promise<ChimeSimulator> {
  return startChimeSimulator({ accountId: DEMO_ACCOUNT_ID, users: (options.users as ChimeSimUser[] | undefined) ?? DEMO_USERS });
}

/**
 * The SDK picks the exception class from `x-amzn-ErrorType`. The body's `Code` is the model's
 * `ErrorCode` enum ("NotFound", "Throttled", ...), not the exception name: that is what the SDK
 * types `err.Code` as, and what the service sends.
 */
function errorResponse(err: unknown): SimResponse {
  const e = err instanceof SimError ? err : new SimError('ServiceFailureException', `Simulator bug: ${String(err)}`);
  const status = e.status ?? STATUS[e.code as ChimeErrorCode] ?? 500;
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': e.code },
    body: JSON.stringify({ Code: e.code.replace(/(Client)?Exception$/, ''), Message: e.message }),
  };
}

function badRequest(message: string): SimError {
  return new SimError('BadRequestException', message);
}

/** A 10-digit PIN that differs from the previous one, so tests can tell a reset happened. */
function freshPin(previous: string | undefined): string {
  let pin: string;
  do pin = String(randomInt(0, 10_000_000_000)).padStart(10, '0');
  while (pin === previous);
  return pin;
}

function intInRange(raw: string | null, range: { default: number; min: number; max: number }, name: string): number {
  if (raw === null) return range.default;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    throw badRequest(`${name} must be an integer from ${range.min} to ${range.max}`);
  }
  return n;
}

/** ListUsers query parameters under the SDK's member names, for SimCall.params. */
function queryParams(query: URLSearchParams): Record<string, unknown> {
  const names = { 'user-email': 'UserEmail', 'user-type': 'UserType', 'max-results': 'MaxResults', 'next-token': 'NextToken' };
  const params: Record<string, unknown> = {};
  for (const [wire, member] of Object.entries(names)) {
    const value = query.get(wire);
    if (value !== null) params[member] = wire === 'max-results' ? Number(value) : value;
  }
  return params;
}

function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw badRequest('Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('Request body must be a JSON object');
  return parsed as Record<string, unknown>;
}
