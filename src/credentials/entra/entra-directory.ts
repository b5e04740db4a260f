import { z } from 'zod';
import { LatchkeyFailure, asFailure, type FailureCode } from '../../flows/failure';
import type { ChangeResult, Directory, DirectoryUser } from '../../flows/ports';
import { Secret } from '../../flows/secret';
import type { HttpFetch } from '../../http/fetch';
import { callJson, failureOf, retryAfter, type CallPolicy, type JsonAnswer, type JsonCall } from '../http-errors';
import { generatePassword, type PasswordPolicy } from '../password-generator';

/**
 * Microsoft Entra ID's users, over Microsoft Graph's REST API on the app's own HTTP stack: a token
 * by the client-credentials grant, then four Graph calls (find, roles, set the password, revoke
 * sessions). @azure/msal-node only gets the token (Graph would still be REST), loads at +14 MB and
 * 630-740 ms in a bare process, and sends its requests over an HTTP client of its own.
 */
export interface EntraConnection {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly authorityUrl: string;
  readonly graphUrl: string;
}

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/** A token is used until this long before it expires: a call never carries one that dies on the way. */
const TOKEN_MARGIN_MS = 5 * 60_000;

/** A person waiting on a modal bears about this much waiting out Graph's throttling. */
const POLICY: CallPolicy = {
  timeoutMs: 5_000,
  patienceMs: 2_000,
  retryAt: (answer, now) => retryAfter(answer.headers.get('retry-after'), now),
};

const userSchema = z.object({
  id: z.string(),
  accountEnabled: z.boolean().nullish(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  displayName: z.string().nullish(),
  userType: z.string().nullish(),
});
const listSchema = <T extends z.ZodType>(item: T) => z.looseObject({ value: z.array(item) });
const graphErrorSchema = z.looseObject({ error: z.looseObject({ code: z.string(), message: z.string().optional() }) });
const tokenSchema = z.looseObject({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });
const tokenErrorSchema = z.looseObject({ error: z.string(), error_codes: z.array(z.number()).optional() });

/** Graph's error codes in our words, where the HTTP status alone would say it differently. */
const GRAPH_ERRORS: Partial<Record<string, FailureCode>> = {
  InvalidAuthenticationToken: 'DIRECTORY_MISCONFIGURED',
  Authorization_RequestDenied: 'DIRECTORY_MISCONFIGURED',
  Request_ResourceNotFound: 'DIRECTORY_USER_NOT_FOUND',
};
/** The set-password answer when the password does not meet the tenant's rule. */
const COMPLEXITY = /complexity|password policy|PasswordProfile/i;

export class EntraDirectory implements Directory {
  private token?: { value: string; until: number };
  private fetching?: Promise<string>;

  constructor(
    private readonly fetch: HttpFetch,
    private readonly connection: EntraConnection,
    private readonly password: PasswordPolicy,
    private readonly generate: typeof generatePassword = generatePassword,
  ) {}

  async findCandidates(email: string): Promise<DirectoryUser[]> {
    // OData string literal: a quote in the address is written twice.
    const filter = `mail eq '${email.replace(/'/g, "''")}'`;
    const select = 'id,accountEnabled,mail,userPrincipalName,userType,displayName';
    const answer = await this.graph('GET', `/v1.0/users?$filter=${encodeURIComponent(filter)}&$select=${select}`, 'entra:ListUsers');
    const users = listSchema(userSchema).safeParse(answer.body);
    if (!users.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'entra:ListUsers answered with something other than a list of users');
    return users.data.value.map(toDirectoryUser);
  }

  /** Any directory role, held directly or through a group, makes the account an admin's: never reset by self-service. */
  async inspect(user: DirectoryUser): Promise<DirectoryUser> {
    const answer = await this.graph('GET', `/v1.0/users/${encodeURIComponent(user.id)}/transitiveMemberOf/microsoft.graph.directoryRole?$select=id`, 'entra:ListRoles');
    const roles = listSchema(z.unknown()).safeParse(answer.body);
    if (!roles.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'entra:ListRoles answered with something other than a list');
    return roles.data.value.length > 0 ? { ...user, status: 'privileged' } : user;
  }

  /**
   * A generated temporary password the person must change at their next sign-in, then every
   * session signed out. The password stands once set: a revocation that fails is reported, not thrown.
   */
  async resetCredential(user: { id: string }): Promise<ChangeResult> {
    const id = encodeURIComponent(user.id);
    let password: string | undefined;
    for (let attempt = 1; password === undefined; attempt++) {
      const candidate = this.generate(this.password);
      const body = JSON.stringify({ passwordProfile: { password: candidate, forceChangePasswordNextSignIn: true } });
      try {
        await this.graph('PATCH', `/v1.0/users/${id}`, 'entra:SetPassword', body);
        password = candidate;
      } catch (err) {
        // The tenant's rule may be stricter than ours: one fresh try, then a clear failure.
        if (!(err instanceof ComplexityRefused)) throw err;
        if (attempt >= 2) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'entra:SetPassword refused two generated passwords as too weak');
      }
    }
    const secret = new Secret(password);
    try {
      await this.graph('POST', `/v1.0/users/${id}/revokeSignInSessions`, 'entra:RevokeSessions');
      return { secret };
    } catch (err) {
      return { secret, incomplete: [{ step: 'revokeSignInSessions', code: asFailure(err).code }] };
    }
  }

  /** A Graph call with a bearer token; after a 401, one more try with a fresh token. */
  private async graph(method: JsonCall['method'], path: string, operation: string, body?: string): Promise<JsonAnswer> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken(attempt > 1);
      const answer = await callJson(
        this.fetch,
        {
          method,
          url: `${this.connection.graphUrl}${path}`,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }) },
          body,
          operation,
        },
        POLICY,
      );
      if (answer.status >= 200 && answer.status < 300) return answer;
      if (answer.status === 401 && attempt === 1) continue;
      const error = graphErrorSchema.safeParse(answer.body);
      const code = error.success ? error.data.error.code : undefined;
      // Graph's messages name the problem, never a password: fit for a log line.
      const detail = error.success ? `${code} ${error.data.error.message ?? ''}`.trim() : 'no Graph error body';
      if (operation === 'entra:SetPassword' && answer.status === 400 && COMPLEXITY.test(detail)) throw new ComplexityRefused(detail);
      throw failureOf(answer, operation, detail, POLICY, code ? GRAPH_ERRORS[code] : undefined);
    }
  }

  /** The cached token, or a new one by the client-credentials grant (one request however many wait for it). */
  private accessToken(fresh: boolean): Promise<string> {
    if (fresh) this.token = undefined;
    if (this.token && Date.now() < this.token.until) return Promise.resolve(this.token.value);
    this.fetching ??= this.requestToken().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async requestToken(): Promise<string> {
    const { authorityUrl, tenantId, clientId, clientSecret } = this.connection;
    const operation = 'entra:Token';
    const answer = await callJson(
      this.fetch,
      {
        method: 'POST',
        url: `${authorityUrl}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, scope: GRAPH_SCOPE, grant_type: 'client_credentials' }).toString(),
        operation,
      },
      POLICY,
    );
    const issued = tokenSchema.safeParse(answer.body);
    if (answer.status === 200 && issued.success) {
      this.token = { value: issued.data.access_token, until: Date.now() + Math.max(0, issued.data.expires_in * 1000 - TOKEN_MARGIN_MS) };
      return issued.data.access_token;
    }
    const error = tokenErrorSchema.safeParse(answer.body);
    // Only the error name and its AADSTS number: the description can echo what was sent.
    const detail = error.success ? `${error.data.error}${error.data.error_codes?.length ? ` AADSTS${error.data.error_codes.join(',')}` : ''}` : 'no token in the answer';
    if (answer.throttled || answer.status >= 500) throw failureOf(answer, operation, detail, POLICY);
    // invalid_client (a wrong or expired secret), unauthorized_client, an unknown tenant, a bad scope: ours to fix.
    throw new LatchkeyFailure('DIRECTORY_MISCONFIGURED', `${operation} ${answer.status}: ${detail}`);
  }
}

class ComplexityRefused extends Error {}

/** Graph's users in Latchkey's terms; the flow keeps the one whose `mail` equals the Slack email. */
function toDirectoryUser(u: z.infer<typeof userSchema>): DirectoryUser {
  const base = { id: u.id, email: u.mail ?? '', displayName: u.displayName ?? undefined };
  if (u.accountEnabled === false) return { ...base, status: 'disabled' };
  // A guest's password belongs to their home organisation: not ours to reset.
  if (u.userType === 'Guest') return { ...base, status: 'active', refusal: 'directory_guest' };
  return { ...base, status: 'active' };
}
