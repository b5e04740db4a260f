import { z } from 'zod';
import { passed, warned, type SetupCheck } from '../../doctor/setup-check';
import { asFailure, LatchkeyFailure, unanswered, type FailureCode } from '../../flows/failure';
import type { ChangeResult, Clock, Directory, DirectoryUser, Logger, ReviewFact } from '../../flows/ports';
import { retryAfter, SAID_MESSAGE, SAID_WORD, saidBack } from '../../http/answers';
import type { HttpFetch } from '../../http/fetch';
import { BearerApi, bearerChangeTime, PasswordRefused, setPasswordThenSignOut } from '../bearer-directory';
import { failedCall } from '../call-check';
import { failureOf, PERSON_WAITING, type CallPolicy, type JsonAnswer, type JsonCall } from '../http-errors';
import { generatePassword, type PasswordPolicy } from '../password-generator';

/**
 * Microsoft Entra ID's users, over Microsoft Graph's REST API on the app's own HTTP stack: a token
 * by the client-credentials grant, then Graph calls (find; roles and the sign-in domain, side by
 * side; set the password, revoke sessions). @azure/msal-node only gets the token (Graph would still
 * be REST), loads at +14 MB and 630-740 ms in a bare process, and sends its requests over an HTTP
 * client of its own.
 */
export interface EntraConnection {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly authorityUrl: string;
  readonly graphUrl: string;
}

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** What a person waiting on a modal bears of a Graph call (PERSON_WAITING, which the credential's declared time is counted in). */
const POLICY: CallPolicy = {
  ...PERSON_WAITING,
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
/** What an approver is shown of a user (GET /v1.0/users/{id}, REVIEW_SELECT): never its profile beyond this (a phone number). */
const reviewedUserSchema = z.object({
  accountEnabled: z.boolean().nullish(),
  userType: z.string().nullish(),
  onPremisesSyncEnabled: z.boolean().nullish(),
  lastPasswordChangeDateTime: z.string().nullish(),
  createdDateTime: z.string().nullish(),
});
const REVIEW_SELECT = 'accountEnabled,userType,onPremisesSyncEnabled,lastPasswordChangeDateTime,createdDateTime';
/** The last successful sign-in (since December 2023; null before, or when none is recorded). */
const signInSchema = z.object({ signInActivity: z.looseObject({ lastSuccessfulSignInDateTime: z.string().nullish() }).nullish() });
/**
 * Graph answers `signInActivity` only with the application permission AuditLog.Read.All, in a
 * tenant with Entra ID P1 or P2 (403 Authentication_RequestFromNonPremiumTenantOrB2CTenant
 * without): read apart from the rest, at the same time, so a deployment without either still shows
 * the other facts, and the approver sees no "Last sign-in" line.
 */
const NOT_PREMIUM = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';
/**
 * How long Graph's refusal of a read for want of a permission (or, for the last sign-in, a licence)
 * is remembered, by the app's clock: meanwhile that read is not asked (reviews show no last sign-in;
 * lookups go on without the domain check), so a tenant without it makes at most two refused calls an
 * hour, however many reviews or lookups. Past it Graph is asked again, so a grant made later is
 * picked up: a licence bought within this time, a permission within this time of the first token
 * carrying it (an app token lists its permissions as issued; Entra issues them for about an hour, and
 * BearerApi keeps one until shortly before it expires), so within about an hour and a half of the
 * grant at worst. Shorter would mostly ask with the same token and be refused again; longer would keep
 * an admin's grant unseen for longer.
 */
const REFUSAL_KEPT_MS = 30 * 60_000;

/** An approver's words for what Graph says of an account. */
const REVIEW_WORDS = {
  enabled: { true: 'enabled (can sign in)', false: 'disabled (cannot sign in)' },
  userType: { Member: 'member', Guest: 'guest (invited from another organization)' } as Readonly<Record<string, string>>,
  // onPremisesSyncEnabled: true synced now, false synced once and no longer, null never synced.
  synced: { true: 'yes', false: 'no longer (it was once)', null: 'no (a cloud account)' },
} as const;

const listSchema = <T extends z.ZodType>(item: T) => z.looseObject({ value: z.array(item) });
const roleListSchema = z.looseObject({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() });
/**
 * The pages of a user's memberships the role check reads at most (Graph's default page: 100), one
 * call after another while the person waits: a person in more groups than that, none of them with a
 * role on those pages, is refused (ROLES_UNREAD), never taken for one without a role.
 */
const ROLE_PAGES = 10;
/** Its refusal reason, a key of the credential's `words.refusals` (index.ts). */
const ROLES_UNREAD = 'roles_unread';
const domainSchema = z.looseObject({ id: z.string(), authenticationType: z.string() });
const graphErrorSchema = z.looseObject({ error: z.looseObject({ code: z.string(), message: z.string().optional() }) });
const tokenErrorSchema = z.looseObject({ error: z.string(), error_codes: z.array(z.number()).optional() });

/**
 * Graph's error codes in our words, where the HTTP status alone would say it differently. A 403
 * Authorization_RequestDenied is the app's own missing permission on any call but the password's
 * (PROTECTED_ACCOUNT): the token, the user lookup and the role check ask alike for every person.
 */
const GRAPH_ERRORS: Partial<Record<string, FailureCode>> = {
  InvalidAuthenticationToken: 'DIRECTORY_MISCONFIGURED',
  Authorization_RequestDenied: 'DIRECTORY_MISCONFIGURED',
  Request_ResourceNotFound: 'DIRECTORY_USER_NOT_FOUND',
};
/** The set-password answer when the password does not meet the tenant's rule. */
const COMPLEXITY = /complexity|password policy|PasswordProfile/i;
/**
 * The set-password answer for a user synced from on-premises Active Directory whose password the
 * cloud may not set (no password writeback): 400 Request_BadRequest, "Unable to update the
 * specified properties for on-premises mastered Directory Sync objects or objects currently
 * undergoing migration." Not refused at the lookup (onPremisesSyncEnabled): Microsoft lets an admin
 * reset such a user's password where the tenant has password writeback and the domain is managed,
 * and the password the person chooses at their next sign-in is written back to Active Directory;
 * only Graph's answer says whether this tenant has it. The person's account, not our fault: their
 * own words, nobody paged.
 */
const ON_PREMISES_MASTERED = /on-premises mastered/i;
/** Its refusal reason, a key of the credential's `words.refusals` (index.ts). */
const SYNCED_FROM_ON_PREMISES = 'synced_from_on_premises';
/**
 * The set-password answer 403 Authorization_RequestDenied ("Insufficient privileges to complete the
 * operation."): Graph will not let this app set this one user's password. Entra protects some
 * accounts the role check (transitiveMemberOf directoryRole, roles held now) does not see: one
 * eligible for an admin role through PIM, a member or owner of a role-assignable group (an owner
 * holds no role at all), one in a restricted management administrative unit; only an admin such as a
 * Privileged Authentication Administrator resets them. The person's account, not our fault: their own
 * words, nobody paged (an alert here would let any such person page the on-call at will). Graph
 * answers the same to an app without the role that covers ordinary users (User Administrator), and
 * nothing in the answer tells the two apart: the warning logged with it names that cause too, and the
 * refusal carries PROTECTED_EVERYWHERE, so that several different people refused so (as everyone is
 * in a deployment whose app lost its role) page the on-call once.
 */
const PROTECTED_ACCOUNT = 'protected_account';
const PROTECTED_CAUSES =
  "Graph refuses this app this user's password: protected by Entra (eligible for an admin role through PIM, a member or owner of a role-assignable group, or in a restricted management administrative unit); if every Entra reset is refused so, the app's service principal lacks the User Administrator role or User-PasswordProfile.ReadWrite.All";
/** What that 403 means when several different people get it (the alert of WidespreadRefusals), and what to check. */
const PROTECTED_EVERYWHERE =
  "Every Entra password reset is being refused (Graph's 403 Authorization_RequestDenied on the password): the app's service principal has likely lost its directory role (User Administrator, or Privileged Authentication Administrator, whichever it was given), or the app registration its Microsoft Graph application permission User-PasswordProfile.ReadWrite.All. " +
  'Check in the Microsoft Entra admin center: Roles & admins → User Administrator → Assignments lists the app; App registrations → the app → API permissions lists User-PasswordProfile.ReadWrite.All, granted with admin consent. ' +
  "If both are there, each of those accounts is one Entra protects (eligible for an admin role through PIM, a member or owner of a role-assignable group): nothing to fix, IT resets them.";

/**
 * A user whose domain is federated signs in at another identity provider (AD FS, Okta, Ping…),
 * which checks its own password: Graph documents passwordProfile as one that "can't be used for
 * federated users", and a cloud password Graph did set is not the one they sign in with. Nothing
 * on the user says so; their sign-in domain's `authenticationType` does ("Managed" or
 * "Federated"), read with the application permission Domain.Read.All. Refused at the lookup, with
 * the credential's words (`words.refusals`).
 *
 * A check of usefulness, not of safety (the role check is that, and fails closed): when Graph
 * refuses the domain for want of Domain.Read.All, or does not answer, the reset goes on without it,
 * as it did before the check existed (Graph documents passwordProfile as not for federated users;
 * a refusal at the change gets the directory's refusal words). Failing closed would refuse every
 * Entra reset of a deployment that has not granted the permission since it was added. An operator
 * is alerted once per process that the permission is missing (again after a lookup Graph answered).
 */
const FEDERATED_SIGN_IN = 'federated_sign_in';
/**
 * What a domain answered is taken as true for this long: a domain is federated or converted back
 * by an admin, rarely, and a lookup past it asks again beside the role lookup; a conversion is seen
 * within this time. At most this many domains are remembered.
 */
const DOMAIN_MAX_AGE_MS = 10 * 60_000;
const DOMAINS_REMEMBERED = 100;
/** What a reset goes without when the sign-in domain is not read: said in the alert and the setup check's fix. */
const UNCHECKED =
  "a person whose sign-in domain is federated (they sign in at AD FS, Okta, Ping… with its password) is not refused before the reset with words saying where to reset it: Graph refuses the password, or sets one they do not sign in with";
/**
 * The Graph application permission a call needs, named in its failure when Graph refuses it (403).
 * A user's directory roles (transitiveMemberOf): User.Read.All is the least Graph's reference lists
 * for an app reading another user's memberships (Directory.Read.All, Group.Read.All and
 * GroupMember.Read.All also do); a role it may not read in full is still listed, by its id, which
 * is all the role check reads.
 */
const PERMISSION: Partial<Record<string, string>> = {
  'entra:GetDomain': 'Domain.Read.All',
  'entra:ListDomains': 'Domain.Read.All',
  'entra:GetSignInActivity': 'AuditLog.Read.All',
  'entra:ListRoles': 'User.Read.All',
};
/**
 * What to grant when Graph refuses the role check, and where. Without it every lookup fails
 * (fail closed: an admin is never reset for want of knowing), each a "Latchkey is misconfigured" and a page.
 */
const ROLE_READ_FIX =
  "grant the app registration the Microsoft Graph application permission User.Read.All (or Directory.Read.All), with admin consent: Microsoft Entra admin center → App registrations → the app → API permissions → Add a permission → Microsoft Graph → Application permissions, then Grant admin consent. Every reset reads the person's directory roles to refuse admins: without it every Entra reset fails, and each pages the on-call";

/** Graph refused a call for want of an application permission (403 Authorization_RequestDenied): ours to grant. */
class PermissionMissing extends LatchkeyFailure {
  constructor(
    readonly permission: string,
    detail: string,
  ) {
    super('DIRECTORY_MISCONFIGURED', detail);
  }
}

/** A user as Graph found it: with the name they sign in with, whose domain says where they sign in. */
interface EntraUser extends DirectoryUser {
  readonly userPrincipalName?: string;
}

export class EntraDirectory implements Directory {
  private readonly api: BearerApi;
  private readonly graphOrigin: string;
  /** By lower-case domain name: federated or not, and when Graph said so. */
  private readonly domains = new Map<string, { readonly federated: boolean; readonly at: number }>();
  /** An operator was alerted that the domains cannot be read, and Graph has answered no domain lookup since. */
  private domainReadAlerted = false;
  /** When Graph last refused a domain lookup for want of Domain.Read.All (epoch ms, the app's clock). */
  private domainReadRefusedAt?: number;
  /** An operator was told once that reviews show no last sign-in, and why (again after Graph gave one). */
  private signInUnreadTold = false;
  /** When Graph last refused the last sign-in for want of AuditLog.Read.All or Entra ID P1 (epoch ms, the app's clock). */
  private signInRefusedAt?: number;

  constructor(
    fetch: HttpFetch,
    connection: EntraConnection,
    private readonly password: PasswordPolicy,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly generate: typeof generatePassword = generatePassword,
  ) {
    const { authorityUrl, tenantId, clientId, clientSecret } = connection;
    this.graphOrigin = new URL(connection.graphUrl).origin;
    // The client-credentials grant.
    this.api = new BearerApi(fetch, connection.graphUrl, POLICY, () => ({
      url: `${authorityUrl}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`,
      form: { client_id: clientId, client_secret: clientSecret, scope: GRAPH_SCOPE, grant_type: 'client_credentials' },
      operation: 'entra:Token',
      detailOf: (body) => {
        const error = tokenErrorSchema.safeParse(body);
        // Only the error name and its AADSTS number: the description can echo what was sent.
        return error.success ? `${saidBack(error.data.error, SAID_WORD)}${error.data.error_codes?.length ? ` AADSTS${saidBack(error.data.error_codes.join(','), SAID_WORD)}` : ''}` : 'no token in the answer';
      },
    }));
  }

  async findCandidates(email: string): Promise<EntraUser[]> {
    // OData string literal: a quote in the address is written twice.
    const filter = `mail eq '${email.replace(/'/g, "''")}'`;
    const select = 'id,accountEnabled,mail,userPrincipalName,userType,displayName';
    const answer = await this.graph('GET', `/v1.0/users?$filter=${encodeURIComponent(filter)}&$select=${select}`, 'entra:ListUsers');
    const users = listSchema(userSchema).safeParse(answer.body);
    if (!users.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'entra:ListUsers answered with something other than a list of users');
    return users.data.value.map(toDirectoryUser);
  }

  /**
   * Any directory role, held directly or through a group, makes the account an admin's: never reset
   * by self-service. A user whose sign-in domain is federated is refused: its password is not
   * Entra's (where the domain cannot be read, not checked: FEDERATED_SIGN_IN). Both asked at once:
   * the lookup takes the longer of the two, so a domain lookup that is slow, or not answered until
   * its timeout and retries, delays the person by that much (an unanswered one then goes on without
   * the check).
   */
  async inspect(user: DirectoryUser): Promise<DirectoryUser> {
    const [privileged, federated] = await Promise.all([this.holdsRole(user.id), this.federated(signInDomain(user))]);
    if (privileged) return { ...user, status: 'privileged' };
    if (privileged === undefined) return { ...user, refusal: ROLES_UNREAD };
    return federated ? { ...user, refusal: FEDERATED_SIGN_IN } : user;
  }

  /**
   * The setup check's line on the tenant's domains: one read, proving the permission
   * Domain.Read.All every lookup needs, and naming the federated ones (their people are refused).
   * Without the permission, a warning (⚠), not a failure: resets work without it (FEDERATED_SIGN_IN),
   * and a failed line would leave every person's Entra line unchecked ("failed above").
   */
  async checkDomains(): Promise<SetupCheck> {
    const name = 'sign-in domains';
    try {
      const answer = await this.graph('GET', '/v1.0/domains?$select=id,authenticationType', 'entra:ListDomains');
      const domains = listSchema(domainSchema).safeParse(answer.body);
      if (!domains.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'entra:ListDomains answered with something other than a list of domains');
      const federated = domains.data.value.filter((d) => isFederated(d, 'entra:ListDomains')).map((d) => d.id);
      const which = federated.length > 0 ? `federated (their people sign in at another identity provider and are refused): ${federated.join(', ')}` : 'none federated';
      return passed(name, `Domain.Read.All granted: ${domains.data.value.length} domains; ${which}`);
    } catch (err) {
      const failure = asFailure(err);
      const fix = `grant the app registration the Microsoft Graph application permission Domain.Read.All, with admin consent: without it ${UNCHECKED}`;
      if (failure instanceof PermissionMissing) return warned(name, `${failure.detail}: ${fix}`);
      return failedCall(name, failure, { fix });
    }
  }

  /**
   * The setup check's line on the role check every lookup makes (holdsRole): the very same call,
   * on the tenant's first user (any user will do: only Graph's leave to read roles is proved, and
   * the line names nobody). Failed, with what to grant, when Graph refuses it.
   */
  async checkRoleRead(): Promise<SetupCheck> {
    const name = 'admin role check';
    try {
      const answer = await this.graph('GET', '/v1.0/users?$top=1&$select=id', 'entra:ListUsers');
      const users = listSchema(z.object({ id: z.string() })).safeParse(answer.body);
      if (!users.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'entra:ListUsers answered with something other than a list of users');
      const someone = users.data.value[0];
      if (!someone) return warned(name, "not checked: the tenant has no user to read the directory roles of. Run the check again once it has one");
      await this.holdsRole(someone.id);
      return passed(name, "a user's directory roles can be read (transitiveMemberOf): a person holding any is refused before anything is offered");
    } catch (err) {
      return failedCall(name, asFailure(err), { fix: ROLE_READ_FIX });
    }
  }

  /**
   * For an admin reviewing a request: whether the account is enabled, a member or a guest, synced
   * from on-premises Active Directory, when its password last changed, when it last signed in and
   * when it was made. Two reads at once (the last sign-in apart: NOT_PREMIUM); a fact Graph does not
   * give is left out, and so is the last sign-in when it cannot be read.
   */
  async reviewFacts(user: { id: string }): Promise<readonly ReviewFact[]> {
    const id = encodeURIComponent(user.id);
    const [answer, lastSignIn] = await Promise.all([this.graph('GET', `/v1.0/users/${id}?$select=${REVIEW_SELECT}`, 'entra:GetUser'), this.lastSignIn(id)]);
    const found = reviewedUserSchema.safeParse(answer.body);
    if (!found.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'entra:GetUser answered with something other than a user');
    const u = found.data;
    const synced = u.onPremisesSyncEnabled === undefined ? undefined : REVIEW_WORDS.synced[`${u.onPremisesSyncEnabled}`];
    const facts: (ReviewFact | undefined)[] = [
      typeof u.accountEnabled === 'boolean' ? { label: 'Status', text: REVIEW_WORDS.enabled[`${u.accountEnabled}`] } : undefined,
      u.userType ? { label: 'Account type', text: REVIEW_WORDS.userType[u.userType] ?? u.userType.toLowerCase() } : undefined,
      synced ? { label: 'Synced from on-premises Active Directory', text: synced } : undefined,
      moment('Password last changed', u.lastPasswordChangeDateTime),
      moment('Last sign-in', lastSignIn),
      moment('Account created', u.createdDateTime),
    ];
    return facts.filter((f) => f !== undefined);
  }

  /**
   * The last successful sign-in, or undefined when Graph gives none or it cannot be read: without
   * AuditLog.Read.All or Entra ID P1 (NOT_PREMIUM) an operator is told once, not alerted (neither is
   * needed), and the refusal is remembered for REFUSAL_KEPT_MS, when Graph is not asked; no such
   * user is left to the user read beside it; any other failure is a warning. The review goes on without it either way.
   */
  private async lastSignIn(id: string): Promise<string | undefined> {
    if (this.stillRefused(this.signInRefusedAt)) return undefined;
    try {
      const answer = await this.graph('GET', `/v1.0/users/${id}?$select=signInActivity`, 'entra:GetSignInActivity');
      this.signInRefusedAt = undefined;
      this.signInUnreadTold = false;
      return signInSchema.safeParse(answer.body).data?.signInActivity?.lastSuccessfulSignInDateTime ?? undefined;
    } catch (err) {
      const failure = asFailure(err);
      if (failure instanceof PermissionMissing || failure.detail?.includes(NOT_PREMIUM)) {
        if (!this.signInUnreadTold) {
          this.logger.info(
            { operation: 'entra:GetSignInActivity', detail: failure.detail },
            `an admin's review shows no last sign-in: Graph gives it only with the application permission AuditLog.Read.All, in a tenant with Entra ID P1 or P2 (asked again ${REFUSAL_KEPT_MS / 60_000} minutes on)`,
          );
        }
        this.signInUnreadTold = true;
        this.signInRefusedAt = this.clock.now().getTime();
      } else if (failure.code === 'DIRECTORY_USER_NOT_FOUND') {
        // No such user is an answer, not a fault: the user read beside this one says it (ACCOUNT_GONE).
      } else {
        this.logger.warn({ operation: 'entra:GetSignInActivity', code: failure.code, detail: failure.detail }, "last sign-in not read: the admin's review goes on without it");
      }
      return undefined;
    }
  }

  /** Whether a refusal Graph gave at `at` is within REFUSAL_KEPT_MS; a clock set back since (a negative age) asks again rather than keep it longer. */
  private stillRefused(at: number | undefined): boolean {
    if (at === undefined) return false;
    const age = this.clock.now().getTime() - at;
    return age >= 0 && age < REFUSAL_KEPT_MS;
  }

  /**
   * Whether the user holds a directory role, directly or through a group; undefined when that is not
   * known within ROLE_PAGES. Graph pages a user's memberships (100 a page unless asked otherwise), and
   * a page with no role is no answer while an `@odata.nextLink` follows it: the cast to directoryRole
   * may keep none of a page's memberships, the roles being on a later one. So pages are read until a
   * role, or until none follows; a next link is followed only on Graph itself (the token is sent
   * nowhere else), and any other fails the lookup.
   */
  private async holdsRole(id: string): Promise<boolean | undefined> {
    let path = `/v1.0/users/${encodeURIComponent(id)}/transitiveMemberOf/microsoft.graph.directoryRole?$select=id`;
    for (let page = 1; ; page++) {
      const answer = await this.graph('GET', path, 'entra:ListRoles');
      const roles = roleListSchema.safeParse(answer.body);
      if (!roles.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'entra:ListRoles answered with something other than a list');
      if (roles.data.value.length > 0) return true;
      const next = roles.data['@odata.nextLink'];
      if (next === undefined) return false;
      if (page >= ROLE_PAGES) return undefined;
      path = this.onGraph(next, 'entra:ListRoles');
    }
  }

  /** A link Graph gave (`@odata.nextLink`) as a path on Graph, once it is known to be there: never a call elsewhere with the token. */
  private onGraph(link: string, operation: string): string {
    let url: URL | undefined;
    try {
      url = new URL(link);
    } catch {
      url = undefined;
    }
    // Only the link's origin is said: the rest is someone else's text (a user:password@ included).
    if (!url || url.origin !== this.graphOrigin) throw new LatchkeyFailure('DIRECTORY_REJECTED', `${operation} answered with a next page off Graph (${url ? `on ${saidBack(url.origin, SAID_MESSAGE)}` : 'not a URL'}): not followed`);
    return `${url.pathname}${url.search}`;
  }

  /**
   * Whether the domain signs in at another identity provider: Graph's answer, or one it gave within
   * DOMAIN_MAX_AGE_MS. Not federated, as far as Latchkey can tell, when Graph refuses the domain for
   * want of Domain.Read.All or does not answer (FEDERATED_SIGN_IN): nothing is remembered of the
   * domain, but a refusal is remembered for REFUSAL_KEPT_MS, when no domain is asked (the permission
   * is the tenant's, not the domain's).
   */
  private async federated(domain: string): Promise<boolean> {
    const known = this.domains.get(domain);
    // A clock set back since (a negative age) asks again rather than keep the answer longer.
    const age = known && this.clock.now().getTime() - known.at;
    if (known && age !== undefined && age >= 0 && age < DOMAIN_MAX_AGE_MS) return known.federated;
    if (this.stillRefused(this.domainReadRefusedAt)) return false;
    let answer: JsonAnswer;
    try {
      answer = await this.graph('GET', `/v1.0/domains/${encodeURIComponent(domain)}?$select=id,authenticationType`, 'entra:GetDomain');
    } catch (err) {
      const failure = asFailure(err);
      if (failure instanceof PermissionMissing) {
        if (!this.domainReadAlerted) {
          this.logger.error(
            { operation: 'entra:GetDomain', detail: failure.detail, alert: true },
            `Entra resets go on, but ${UNCHECKED}: grant the app registration the Microsoft Graph application permission ${failure.permission}, with admin consent (asked again ${REFUSAL_KEPT_MS / 60_000} minutes on)`,
          );
        }
        this.domainReadAlerted = true;
        this.domainReadRefusedAt = this.clock.now().getTime();
        return false;
      }
      // Not our fault, and the reset need not wait for it: nobody paged.
      if (unanswered(failure.code)) {
        this.logger.warn({ operation: 'entra:GetDomain', code: failure.code, detail: failure.detail }, `sign-in domain not answered: this lookup goes on, but ${UNCHECKED}`);
        return false;
      }
      throw err;
    }
    this.domainReadAlerted = false;
    this.domainReadRefusedAt = undefined;
    const parsed = domainSchema.safeParse(answer.body);
    if (!parsed.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'entra:GetDomain answered with something other than a domain');
    const federated = isFederated(parsed.data, 'entra:GetDomain');
    // Newest last: the oldest goes first once more are remembered than the bound.
    this.domains.delete(domain);
    this.domains.set(domain, { federated, at: this.clock.now().getTime() });
    for (const oldest of this.domains.keys()) {
      if (this.domains.size <= DOMAINS_REMEMBERED) break;
      this.domains.delete(oldest);
    }
    return federated;
  }

  /** A generated temporary password the person must change at their next sign-in; then, once it is shown, every session signed out. */
  async resetCredential(user: { id: string }): Promise<ChangeResult> {
    const id = encodeURIComponent(user.id);
    return setPasswordThenSignOut({
      generate: () => this.generate(this.password),
      set: (password, until) => this.graph('PATCH', `/v1.0/users/${id}`, 'entra:SetPassword', JSON.stringify({ passwordProfile: { password, forceChangePasswordNextSignIn: true } }), until),
      operation: 'entra:SetPassword',
      signOut: { step: 'revokeSignInSessions', run: (until) => this.graph('POST', `/v1.0/users/${id}/revokeSignInSessions`, 'entra:RevokeSessions', undefined, until) },
      time: bearerChangeTime(POLICY),
    });
  }

  /** A Graph call with the token; a failure answer becomes ours (a password the tenant's rule refuses, PasswordRefused). */
  private async graph(method: JsonCall['method'], path: string, operation: string, body?: string, until?: number): Promise<JsonAnswer> {
    const answer = await this.api.call(method, path, operation, body, until);
    if (answer.status >= 200 && answer.status < 300) return answer;
    const error = graphErrorSchema.safeParse(answer.body);
    const code = error.success ? error.data.error.code : undefined;
    // Graph's whole error, which the refusals below are read from.
    const said = error.success ? `${code} ${error.data.error.message ?? ''}`.trim() : 'no Graph error body';
    // Its messages name the problem, never a password: fit for a log line, bounded (saidBack).
    const message = saidBack(said, SAID_MESSAGE);
    const permission = answer.status === 403 ? PERMISSION[operation] : undefined;
    const detail = permission ? `${message} (needs the Graph application permission ${permission})` : message;
    if (permission && code === 'Authorization_RequestDenied') throw new PermissionMissing(permission, `${operation} ${answer.status}: ${detail}`);
    // Graph's one message also covers "objects currently undergoing migration" (a user whose source
    // of authority is moving between Active Directory and the cloud), which its answer does not tell
    // apart from a synced user. Both get the synced user's words: the cloud will not take the password
    // now, and IT, whom the words name, can tell which it is (the log line keeps Graph's message).
    if (operation === 'entra:SetPassword' && answer.status === 400 && ON_PREMISES_MASTERED.test(said)) {
      throw new LatchkeyFailure('DIRECTORY_USER_REFUSED', `${operation} ${answer.status}: ${detail}`, { reason: SYNCED_FROM_ON_PREMISES });
    }
    if (operation === 'entra:SetPassword' && answer.status === 400 && COMPLEXITY.test(said)) throw new PasswordRefused(detail);
    if (operation === 'entra:SetPassword' && answer.status === 403 && code === 'Authorization_RequestDenied') {
      throw new LatchkeyFailure('DIRECTORY_USER_REFUSED', `${operation} ${answer.status}: ${detail} (${PROTECTED_CAUSES})`, { reason: PROTECTED_ACCOUNT, oursIfWidespread: PROTECTED_EVERYWHERE });
    }
    // A domain Graph does not have is no answer about the person: their UPN's domain is always the tenant's.
    const specific = operation === 'entra:GetDomain' && answer.status === 404 ? 'DIRECTORY_REJECTED' : code ? GRAPH_ERRORS[code] : undefined;
    throw failureOf(answer, operation, detail, POLICY, specific);
  }
}

/** A moment Graph gave, as a fact; none (or one that is no date) leaves the fact out. */
function moment(label: string, iso: string | null | undefined): ReviewFact | undefined {
  return iso && !Number.isNaN(Date.parse(iso)) ? { label, at: new Date(iso) } : undefined;
}

/** "Federated" or "Managed", the two values Graph documents; any other is not taken for either. */
function isFederated(domain: z.infer<typeof domainSchema>, operation: string): boolean {
  const type = domain.authenticationType.toLowerCase();
  if (type === 'federated') return true;
  if (type === 'managed') return false;
  throw new LatchkeyFailure('DIRECTORY_REJECTED', `${operation}: domain ${saidBack(domain.id, SAID_MESSAGE)} has the authenticationType ${JSON.stringify(saidBack(domain.authenticationType, SAID_WORD))}, neither Managed nor Federated`);
}

/** The domain the user signs in with: their userPrincipalName's (federation is per domain), else their mail's. */
function signInDomain(user: EntraUser): string {
  const name = user.userPrincipalName || user.email;
  return name.slice(name.lastIndexOf('@') + 1).toLowerCase();
}

/** Graph's users in Latchkey's terms; the flow keeps the one whose `mail` equals the Slack email. */
function toDirectoryUser(u: z.infer<typeof userSchema>): EntraUser {
  const base = { id: u.id, email: u.mail ?? '', displayName: u.displayName ?? undefined, userPrincipalName: u.userPrincipalName ?? undefined };
  if (u.accountEnabled === false) return { ...base, status: 'disabled' };
  // A guest's password belongs to their home organization: not ours to reset.
  if (u.userType === 'Guest') return { ...base, status: 'active', refusal: 'directory_guest' };
  return { ...base, status: 'active' };
}
