/**
 * A local stand-in for Amazon WorkMail (AWS JSON 1.1), faithful enough on the wire that an
 * unmodified `@aws-sdk/client-workmail` WorkMailClient pointed at `url` works against it.
 * Every request is `POST /` with `X-Amz-Target: WorkMailService.<Operation>`.
 */
import {
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

export interface WorkMailSimUser {
  Id: string;
  Email: string;
  Name: string;
  DisplayName?: string;
  State: 'ENABLED' | 'DISABLED' | 'DELETED';
  UserRole: 'USER' | 'RESOURCE' | 'SYSTEM_USER' | 'REMOTE_USER';
}

export type WorkMailErrorCode =
  | 'EntityNotFoundException'
  | 'EntityStateException'
  | 'InvalidPasswordException'
  | 'OrganizationNotFoundException'
  | 'OrganizationStateException'
  | 'DirectoryServiceAuthenticationFailedException'
  | 'DirectoryUnavailableException'
  | 'UnsupportedOperationException'
  | 'InvalidParameterException'
  | 'LimitExceededException'
  | 'ThrottlingException';

type WorkMailOperation = 'ListUsers' | 'DescribeUser' | 'ResetPassword';

/** A failure to answer with: WorkMail's exception, with its own message or with a stand-in's. */
export type WorkMailFailure = WorkMailErrorCode | { readonly code: WorkMailErrorCode; readonly message: string };

export interface WorkMailSimulator extends StandIn {
  readonly organizationId: string;
  /** By Id; tests may mutate. */
  readonly users: Map<string, WorkMailSimUser>;
  readonly calls: SimCall[];
  callsTo(operation: string): SimCall[];
  /** The next `times` (default 1) calls of `operation` fail with `failure`, after being recorded. */
  failNext(operation: WorkMailOperation, failure: WorkMailFailure, times?: number): void;
  /** The last password ResetPassword accepted for this user. */
  passwordOf(userId: string): string | undefined;
  setLatency(ms: number): void;
  /** Forgets calls and pending failures; keeps users and passwords. */
  clear(): void;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'WorkMailService.';
const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };
const MAX_RESULTS = 100;

type Body = Record<string, unknown>;

export async function startWorkMailSimulator(opts: {
  organizationId: string;
  users: WorkMailSimUser[];
  latencyMs?: number;
}): Promise<WorkMailSimulator> {
  const { organizationId } = opts;
  const users = new Map(opts.users.map((u) => [u.Id, { ...u }]));
  const passwords = new Map<string, string>();
  const state = new SimState<WorkMailOperation, WorkMailFailure>(opts.latencyMs, (f, operation) =>
    typeof f === 'string' ? new SimError(f, `Simulated ${f} for ${operation}`) : new SimError(f.code, f.message),
  );

  const userOrThrow = (body: Body): WorkMailSimUser => {
    const userId = requiredString(body, 'UserId');
    const user = users.get(userId);
    if (!user) throw new SimError('EntityNotFoundException', `The user ${userId} was not found.`);
    return user;
  };

  const operations: Record<WorkMailOperation, (body: Body) => Body> = {
    ListUsers(body) {
      const filters = (body.Filters ?? {}) as Body;
      const max = body.MaxResults ?? MAX_RESULTS;
      if (!Number.isInteger(max) || (max as number) < 1 || (max as number) > MAX_RESULTS) {
        throw new SimError('InvalidParameterException', `MaxResults must be an integer from 1 to ${MAX_RESULTS}`);
      }
      const token = optionalString(body, 'NextToken');
      const offset = token === undefined ? 0 : decodeToken(token);
      if (offset === undefined) throw new SimError('InvalidParameterException', 'Invalid NextToken');

      const wantedState = optionalString(filters, 'State');
      const matching = [...users.values()].filter(
        (u) =>
          hasPrefix(u.Name, optionalString(filters, 'UsernamePrefix')) &&
          hasPrefix(u.DisplayName, optionalString(filters, 'DisplayNamePrefix')) &&
          hasPrefix(u.Email, optionalString(filters, 'PrimaryEmailPrefix')) &&
          // Simulated users have no identity-provider id, so any such filter excludes them all.
          optionalString(filters, 'IdentityProviderUserIdPrefix') === undefined &&
          (wantedState === undefined || u.State === wantedState),
      );
      const { page, nextToken } = paginate(matching, offset, max as number);
      return {
        Users: page.map((u) => ({ Id: u.Id, Email: u.Email, Name: u.Name, DisplayName: u.DisplayName, State: u.State, UserRole: u.UserRole })),
        NextToken: nextToken,
      };
    },

    DescribeUser(body) {
      const u = userOrThrow(body);
      return { UserId: u.Id, Name: u.Name, Email: u.Email, DisplayName: u.DisplayName, State: u.State, UserRole: u.UserRole };
    },

    ResetPassword(body) {
      const user = userOrThrow(body);
      const password = requiredString(body, 'Password');
      if (user.State !== 'ENABLED') {
        throw new SimError('EntityStateException', `The user ${user.Id} is ${user.State}.`);
      }
      // Only mailbox users have a WorkMail password: resources and system users have none, and
      // remote users authenticate at their identity provider. The real service's code for this
      // case is not documented; UnsupportedOperationException is its "you can't do that here" error.
      if (user.UserRole !== 'USER') {
        throw new SimError('UnsupportedOperationException', `Cannot reset the password of a ${user.UserRole}.`);
      }
      const problem = passwordProblem(password, user.Name);
      if (problem) throw new SimError('InvalidPasswordException', `The password does not meet the policy: ${problem}.`);
      passwords.set(user.Id, password);
      return {};
    },
  };

  const handle = (req: SimRequest): SimResponse => {
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
      if (req.method !== 'POST' || req.url.pathname !== '/' || !isOperation(operation)) {
        throw new SimError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
      }
      checkSignature(req);
      const body = parseBody(req.body);
      // The password must never reach the call log.
      state.record(operation, 'Password' in body ? { ...body, Password: '[redacted]' } : body);
      if (requiredString(body, 'OrganizationId') !== organizationId) {
        throw new SimError('OrganizationNotFoundException', `Organization ${String(body.OrganizationId)} was not found.`);
      }
      return { status: 200, headers: JSON_11, body: JSON.stringify(operations[operation](body)) };
    } catch (err) {
      return errorResponse(err);
    }
  };

  const server = await startSimServer(handle, () => state.latencyMs, () => state.released());
  return {
    ...state.controls(server),
    name: 'Amazon WorkMail',
    env: { WORKMAIL_ORGANIZATION_ID: organizationId, AWS_ENDPOINT_URL_WORKMAIL: server.url },
    organizationId,
    users,
    passwordOf: (userId) => passwords.get(userId),
    secrets: () => [...passwords.values()],
    describe: (email) => {
      const user = [...users.values()].find((u) => u.Email.toLowerCase() === email.toLowerCase());
      return user && (user.UserRole === 'USER' ? user.State.toLowerCase() : `${user.UserRole.toLowerCase()}, ${user.State.toLowerCase()}`);
    },
  };
}

/** The sandbox's WorkMail organization, and the demo company's mailboxes (by email; see sandbox/demo-users.yml). */
export const DEMO_ORGANIZATION_ID = `m-${'5a2d3c4b00004000'.repeat(2)}`;
const mailbox = (name: string, displayName: string, state: WorkMailSimUser['State'] = 'ENABLED'): WorkMailSimUser => ({
  Id: `wm-${name}`,
  Email: `${name}@example.com`,
  Name: name,
  DisplayName: displayName,
  State: state,
  UserRole: 'USER',
});
export const DEMO_USERS: WorkMailSimUser[] = [
  mailbox('ann', 'Ann Archer'),
  mailbox('bob', 'Bob Baker'),
  mailbox('carl', 'Carl Chen', 'DISABLED'),
  mailbox('dana', 'Dana Diaz'),
  mailbox('erin', 'Erin Evans'),
  mailbox('ada', 'Ada Admin'),
  mailbox('max', 'Max Moss'),
];

/** The credential's stand-in module (Credential.standIn): the demo organization, or a test's own users. */
export function start(options: { users?: readonly unknown[] } = {}): Promise<WorkMailSimulator> {
  return startWorkMailSimulator({ organizationId: DEMO_ORGANIZATION_ID, users: (options.users as WorkMailSimUser[] | undefined) ?? DEMO_USERS });
}

function isOperation(name: string): name is WorkMailOperation {
  return name === 'ListUsers' || name === 'DescribeUser' || name === 'ResetPassword';
}

/** Any region will do (WorkMail has several), but the request must be signed for `workmail`. */
function checkSignature(req: SimRequest): void {
  const scope = sigV4Scope(req.headers);
  if (!scope) throw new SimError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
  if (scope.service !== 'workmail') {
    throw new SimError('InvalidSignatureException', "Credential should be scoped to correct service: 'workmail'.");
  }
}

/**
 * JSON 1.1 errors are `{"__type": ...}` with status 400 for every client error, throttling included;
 * the SDK reads the class from `__type`. A simulator bug shows up as a 500 InternalFailure.
 */
function errorResponse(err: unknown): SimResponse {
  const e = err instanceof SimError ? err : new SimError('InternalFailure', `Simulator bug: ${String(err)}`, 500);
  return { status: e.status ?? 400, headers: JSON_11, body: JSON.stringify({ __type: e.code, Message: e.message }) };
}

/** Why `password` breaks the simulated policy, or undefined if it is acceptable. */
function passwordProblem(password: string, name: string): string | undefined {
  if (password.length < 8) return 'it is shorter than 8 characters';
  if (!/[A-Z]/.test(password)) return 'it has no upper-case letter';
  if (!/[a-z]/.test(password)) return 'it has no lower-case letter';
  if (!/[0-9]/.test(password)) return 'it has no digit';
  if (name !== '' && password.toLowerCase().includes(name.toLowerCase())) return 'it contains the user name';
  return undefined;
}

function hasPrefix(value: string | undefined, prefix: string | undefined): boolean {
  return prefix === undefined || (value ?? '').toLowerCase().startsWith(prefix.toLowerCase());
}

function optionalString(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SimError('InvalidParameterException', `${key} must be a string`);
  return value;
}

function requiredString(body: Body, key: string): string {
  const value = optionalString(body, key);
  if (!value) throw new SimError('InvalidParameterException', `${key} is required`);
  return value;
}

function parseBody(raw: string): Body {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw === '' ? '{}' : raw);
  } catch {
    throw new SimError('SerializationException', 'Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SimError('SerializationException', 'Request body must be a JSON object');
  }
  return parsed as Body;
}
