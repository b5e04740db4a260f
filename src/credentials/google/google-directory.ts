import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { LatchkeyFailure, type FailureCode } from '../../flows/failure';
import type { ChangeResult, Directory, DirectoryUser, ReviewFact } from '../../flows/ports';
import { retryAfter, SAID_MESSAGE, SAID_WORD, saidBack } from '../../http/answers';
import type { HttpFetch } from '../../http/fetch';
import { warned, type SetupCheck } from '../../doctor/setup-check';
import { BearerApi, bearerChangeTime, PasswordRefused, setPasswordThenSignOut } from '../bearer-directory';
import { failureOf, PERSON_WAITING, type CallPolicy, type JsonAnswer, type JsonCall } from '../http-errors';
import { callCheck } from '../call-check';
import { generatePassword, type PasswordPolicy } from '../password-generator';

/**
 * Google Workspace's users, over the Admin SDK Directory API on the app's own HTTP stack: a token
 * by the JWT-bearer grant (the assertion signed RS256 with node:crypto), then three calls (get,
 * update, sign out). googleapis loads at +107 MB resident and 4.8-6.1 s in a bare process;
 * google-auth-library alone, which would only sign the token request, at +13 MB.
 */
export interface GoogleConnection {
  readonly clientEmail: string;
  readonly privateKey: string;
  readonly privateKeyId?: string;
  readonly adminEmail: string;
  readonly tokenUrl: string;
  readonly apiUrl: string;
}

/** Users (read, update) and users.signOut, which Google puts under its own scope: both must be delegated. */
const SCOPE = ['https://www.googleapis.com/auth/admin.directory.user', 'https://www.googleapis.com/auth/admin.directory.user.security'].join(' ');
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google's reasons for "slow down", which it sends with a 403. */
const THROTTLING = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'quotaExceeded']);

const errorSchema = z.looseObject({
  error: z.looseObject({ code: z.number().optional(), message: z.string().optional(), errors: z.array(z.looseObject({ reason: z.string().optional() })).optional() }),
});
const reasonOf = (body: unknown) => errorSchema.safeParse(body).data?.error.errors?.[0]?.reason;

/** What a person waiting on a modal bears of a Directory API call (PERSON_WAITING, which the credential's declared time is counted in). */
const POLICY: CallPolicy = {
  ...PERSON_WAITING,
  retryAt: (answer, now) => retryAfter(answer.headers.get('retry-after'), now),
  throttled: (answer) => answer.status === 403 && THROTTLING.has(reasonOf(answer.body) ?? ''),
};

const userSchema = z.looseObject({
  id: z.string(),
  primaryEmail: z.string(),
  name: z.looseObject({ fullName: z.string().optional() }).optional(),
  suspended: z.boolean().optional(),
  archived: z.boolean().optional(),
  isAdmin: z.boolean().optional(),
  isDelegatedAdmin: z.boolean().optional(),
  // What an approver is shown besides (reviewFacts), never the phone numbers or recovery details
  // the same answer holds. Only for the review: one of another shape is left out, never a failed lookup.
  isEnrolledIn2Sv: z.boolean().optional().catch(undefined),
  isEnforcedIn2Sv: z.boolean().optional().catch(undefined),
  changePasswordAtNextLogin: z.boolean().optional().catch(undefined),
  lastLoginTime: z.string().optional().catch(undefined),
  creationTime: z.string().optional().catch(undefined),
});
/** How Google gives the last sign-in of an account that never signed in. */
const NEVER_SIGNED_IN = Date.UTC(1970, 0, 1);
const tokenErrorSchema = z.looseObject({ error: z.string(), error_description: z.string().optional() });
/**
 * How Google's token endpoint refuses a `sub` that is no user of the Workspace (its documented
 * errors for service accounts: invalid_grant, "Not a valid email" or "Invalid email or User ID"):
 * the admin GOOGLE_ADMIN_EMAIL names is not there, which no other answer says.
 */
const UNKNOWN_SUBJECT = /^(Invalid email or User ID|Not a valid email)\.?$/;

/** A refused grant for the log line and the setup check: the error's name, and what an unknown admin means; never what was sent. */
function tokenRefusal(body: unknown): string {
  const refused = tokenErrorSchema.safeParse(body).data;
  if (!refused) return 'no token in the answer';
  return refused.error === 'invalid_grant' && UNKNOWN_SUBJECT.test(refused.error_description ?? '') ? `${refused.error}: GOOGLE_ADMIN_EMAIL is not a user of this Workspace` : saidBack(refused.error, SAID_WORD);
}

/** Google's reasons in our words, where its HTTP status alone would say it differently. */
const GOOGLE_ERRORS: Partial<Record<string, FailureCode>> = {
  notFound: 'DIRECTORY_USER_NOT_FOUND',
  forbidden: 'DIRECTORY_MISCONFIGURED',
  authError: 'DIRECTORY_MISCONFIGURED',
};

export class GoogleDirectory implements Directory {
  private readonly api: BearerApi;

  constructor(
    fetch: HttpFetch,
    private readonly connection: GoogleConnection,
    private readonly password: PasswordPolicy,
    private readonly generate: typeof generatePassword = generatePassword,
  ) {
    let key: KeyObject;
    try {
      key = createPrivateKey(connection.privateKey);
    } catch {
      // Never the key's text, nor the error (which may quote it): only that it cannot be read.
      throw new LatchkeyFailure('DIRECTORY_MISCONFIGURED', "google: the service account key's private_key cannot be read");
    }
    this.api = new BearerApi(fetch, connection.apiUrl, POLICY, () => ({
      url: connection.tokenUrl,
      form: { grant_type: JWT_BEARER, assertion: assertion(connection, key) },
      operation: 'google:Token',
      detailOf: tokenRefusal,
    }));
  }

  /**
   * Google answers for a primary email and for an alias alike: the user it returns is a candidate
   * whose primary email the flow compares, so an alias that belongs to someone else finds nobody.
   */
  async findCandidates(email: string): Promise<DirectoryUser[]> {
    return this.lookup(email, true);
  }

  private async lookup(email: string, forbiddenIsMissing: boolean): Promise<DirectoryUser[]> {
    let user: GoogleUser;
    try {
      user = await this.getUser(email);
    } catch (err) {
      if (err instanceof LatchkeyFailure && err.code === 'DIRECTORY_USER_NOT_FOUND') return [];
      if (forbiddenIsMissing && forbidden(err)) return this.forbiddenLookup(email);
      throw err;
    }
    return [toDirectoryUser(user)];
  }

  /**
   * Google answers users.get 403 forbidden ("Not Authorized to access this resource/api") alike for
   * an address in a domain this Workspace does not hold (a contractor's own, a personal one: no
   * account here) and for a user the admin it acts as may not read: its role does not reach them (a
   * delegated admin limited to some organizational units), or reads no user at all. Only on that
   * answer, one more read tells them apart: the admin itself, as the setup check reads it. Refused
   * too, the admin reads no user: ours to fix (every lookup fails so), misconfigured, with what to
   * grant. Read, the admin's domain says whose the address is: in it (or a subdomain of it), the
   * person's account is beyond the admin's reach, their words say to ask IT, and the log line says
   * what to give the admin; elsewhere, no account here, and nobody is paged either way (a Slack
   * member must never be able to page the on-call by asking). A Workspace's secondary domain, which
   * nothing the admin may read names, is taken for another's.
   */
  private async forbiddenLookup(email: string): Promise<DirectoryUser[]> {
    const adminEmail = this.connection.adminEmail;
    let admin: GoogleUser;
    try {
      admin = await this.getUser(adminEmail);
    } catch (err) {
      if (forbidden(err)) throw new LatchkeyFailure('DIRECTORY_MISCONFIGURED', `google:GetUser 403: forbidden, for the person and for GOOGLE_ADMIN_EMAIL itself: ${ADMIN_READS_NO_USER}`);
      throw err;
    }
    const domain = domainOf(email);
    const own = domainOf(admin.primaryEmail);
    if (domain !== own && !domain.endsWith(`.${own}`)) return [];
    throw new LatchkeyFailure('DIRECTORY_USER_REFUSED', `google:GetUser 403: forbidden for a person in GOOGLE_ADMIN_EMAIL's domain (${own}), while the admin reads itself: ${BEYOND_ADMIN_FIX}`, { reason: BEYOND_ADMIN });
  }

  /** users.get, by primary email, alias or ID (the one read the lookup and the review share). */
  private async getUser(userKey: string): Promise<GoogleUser> {
    const answer = await this.call('GET', `/admin/directory/v1/users/${encodeURIComponent(userKey)}?projection=basic&viewType=admin_view`, 'google:GetUser');
    const user = userSchema.safeParse(answer.body);
    if (!user.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'google:GetUser answered with something other than a user');
    return user.data;
  }

  /**
   * For an admin reviewing a request: whether the account is active, its 2-Step Verification,
   * whether it must change its password at next sign-in, its last sign-in and when it was made. The
   * lookup's one read, by the user's ID (an address could be someone else's alias); a fact Google
   * does not give is left out.
   */
  async reviewFacts(user: { id: string }): Promise<readonly ReviewFact[]> {
    const u = await this.getUser(user.id);
    const status = u.suspended ? 'suspended' : u.archived ? 'archived' : u.suspended === false ? 'active' : undefined;
    const twoStep = u.isEnrolledIn2Sv === undefined ? undefined : [u.isEnrolledIn2Sv ? 'enrolled' : 'not enrolled', ...(u.isEnforcedIn2Sv === undefined ? [] : [u.isEnforcedIn2Sv ? 'enforced for them' : 'not enforced for them'])].join(', ');
    const login = dateOf(u.lastLoginTime);
    const created = dateOf(u.creationTime);
    const facts: (ReviewFact | undefined)[] = [
      status ? { label: 'Status', text: status } : undefined,
      twoStep ? { label: '2-Step Verification', text: twoStep } : undefined,
      u.changePasswordAtNextLogin === undefined ? undefined : { label: 'Must change password at next sign-in', text: u.changePasswordAtNextLogin ? 'yes' : 'no' },
      login ? (login.getTime() === NEVER_SIGNED_IN ? { label: 'Last sign-in', text: 'never' } : { label: 'Last sign-in', at: login }) : undefined,
      created ? { label: 'Account created', at: created } : undefined,
    ];
    return facts.filter((f) => f !== undefined);
  }

  /**
   * Read-only: a token by the JWT-bearer grant, then one user read (the admin it acts as) proves
   * the key, the domain-wide delegation for the scope, and the admin's right to read users.
   */
  async check(): Promise<SetupCheck[]> {
    // Here a 403 forbidden is ours to fix, and so is an admin not found: the admin it acts as must read itself.
    // (Google refuses the token for an admin that is no user at all: tokenRefusal says so.)
    let delegated = false;
    const readAdmin = async () => {
      let admin: GoogleUser;
      try {
        admin = await this.getUser(this.connection.adminEmail);
      } catch (err) {
        if (err instanceof LatchkeyFailure && err.code === 'DIRECTORY_USER_NOT_FOUND') throw new LatchkeyFailure('DIRECTORY_MISCONFIGURED', 'GOOGLE_ADMIN_EMAIL is not a user of this Workspace');
        if (forbidden(err)) throw new LatchkeyFailure('DIRECTORY_MISCONFIGURED', `google:GetUser 403: forbidden, for GOOGLE_ADMIN_EMAIL itself: ${ADMIN_READS_NO_USER}`);
        throw err;
      }
      delegated = admin.isAdmin !== true;
    };
    const lines = await callCheck('service account and delegation', readAdmin, {
      // In the Admin SDK's own terms: google:GetUser is only Latchkey's name for the call.
      proves: "a token was issued, and the Admin SDK answers users.get for GOOGLE_ADMIN_EMAIL's own account (the admin.directory.user scope)",
      // Google refuses the token when either scope it asks for (SCOPE) is not delegated: both are named.
      fix: 'check GOOGLE_SERVICE_ACCOUNT_KEY, its domain-wide delegation for both scopes the token asks for, https://www.googleapis.com/auth/admin.directory.user and https://www.googleapis.com/auth/admin.directory.user.security, and that GOOGLE_ADMIN_EMAIL is an admin allowed to manage users',
    });
    // Which organizational units a delegated admin's role covers is not readable with the delegated
    // scopes: said as what to check, a warning (its people refused are told to ask IT, nobody paged).
    if (!delegated) return lines;
    return [
      ...lines,
      warned(
        "admin's reach",
        `GOOGLE_ADMIN_EMAIL is a delegated admin, not a super admin: a person its role does not reach is refused and told to ask IT (Google answers their lookup 403 forbidden). If its role is assigned to some organizational units only, ${BEYOND_ADMIN_FIX.slice(BEYOND_ADMIN_FIX.indexOf('in the Admin console'))}`,
      ),
    ];
  }

  /** The lookup already says whether the account is an admin's. */
  async inspect(user: DirectoryUser): Promise<DirectoryUser> {
    return user;
  }

  /** A generated password the person must change at their next sign-in; then, once it is shown, every session signed out. */
  async resetCredential(user: { id: string }): Promise<ChangeResult> {
    const id = encodeURIComponent(user.id);
    return setPasswordThenSignOut({
      generate: () => this.generate(this.password),
      set: (password, until) => this.call('PUT', `/admin/directory/v1/users/${id}`, 'google:UpdateUser', JSON.stringify({ password, changePasswordAtNextLogin: true }), until),
      operation: 'google:UpdateUser',
      signOut: { step: 'signOut', run: (until) => this.call('POST', `/admin/directory/v1/users/${id}/signOut`, 'google:SignOut', undefined, until) },
      time: bearerChangeTime(POLICY),
    });
  }

  /** A Directory API call with the token; a failure answer becomes ours (a password Google's rule refuses, PasswordRefused). */
  private async call(method: JsonCall['method'], path: string, operation: string, body?: string, until?: number): Promise<JsonAnswer> {
    const answer = await this.api.call(method, path, operation, body, until);
    if (answer.status >= 200 && answer.status < 300) return answer;
    const error = errorSchema.safeParse(answer.body);
    const reason = reasonOf(answer.body);
    // Google's whole error, which a password refused is read from.
    const said = error.success ? `${reason ?? ''} ${error.data.error.message ?? ''}`.trim() : 'no Google error body';
    // Its messages name the problem, never a password: fit for a log line, bounded (saidBack).
    const detail = saidBack(said, SAID_MESSAGE);
    if (operation === 'google:UpdateUser' && answer.status === 400 && reason === 'invalid' && /password/i.test(said)) throw new PasswordRefused(detail);
    throw failureOf(answer, operation, detail, POLICY, reason ? GOOGLE_ERRORS[reason] : undefined);
  }
}

/** RFC 7523: a JWT signed RS256 by the service account, acting as the admin (domain-wide delegation). */
function assertion(connection: GoogleConnection, key: KeyObject): string {
  const { clientEmail, adminEmail, tokenUrl, privateKeyId } = connection;
  const now = Math.floor(Date.now() / 1000);
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT', ...(privateKeyId && { kid: privateKeyId }) })}.${part({ iss: clientEmail, sub: adminEmail, scope: SCOPE, aud: tokenUrl, iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), key).toString('base64url')}`;
}

type GoogleUser = z.infer<typeof userSchema>;

/** An archived user's refusal reason, a key of the credential's `words.refusals` (index.ts). */
export const ARCHIVED = 'archived';
/** A user the admin it acts as may not read (forbiddenLookup): a key of the credential's `words.refusals`. */
export const BEYOND_ADMIN = 'beyond_admin';
/** What to give the admin when its role does not reach every user: the log line's and the setup check's. */
const BEYOND_ADMIN_FIX =
  "the admin's role does not reach this user (a delegated admin whose role is assigned to some organizational units only): in the Admin console → Account → Admin roles, assign GOOGLE_ADMIN_EMAIL's role (User Management Admin, or one with the Users read and update rights) to the whole organization, or make GOOGLE_ADMIN_EMAIL a super admin";
/** What to grant when the admin reads no user at all, itself included. */
const ADMIN_READS_NO_USER =
  "the admin Latchkey acts as may read no user: in the Admin console → Account → Admin roles, give GOOGLE_ADMIN_EMAIL a role with the Users read and update rights over the whole organization (User Management Admin), or make it a super admin; then run npm run doctor";

/** Google's 403 forbidden on a Directory API call, the admin's own right refused (never its throttling, which is its own reason). */
function forbidden(err: unknown): boolean {
  return err instanceof LatchkeyFailure && err.code === 'DIRECTORY_MISCONFIGURED' && / 403: forbidden\b/.test(err.detail ?? '');
}

/** An address's domain, lower case. */
function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** A time Google gave, or undefined when it gave none (or one that is no date). */
function dateOf(iso: string | undefined): Date | undefined {
  return iso && !Number.isNaN(Date.parse(iso)) ? new Date(iso) : undefined;
}

function toDirectoryUser(u: GoogleUser): DirectoryUser {
  const base = { id: u.id, email: u.primaryEmail, displayName: u.name?.fullName };
  if (u.suspended) return { ...base, status: 'suspended' };
  // Archived (kept for its data, after its person left): it cannot sign in, and "disabled" is not what its owner knows it as.
  if (u.archived) return { ...base, status: 'active', refusal: ARCHIVED };
  // A super admin or a delegated admin: never reset by self-service.
  if (u.isAdmin || u.isDelegatedAdmin) return { ...base, status: 'privileged' };
  return { ...base, status: 'active' };
}
