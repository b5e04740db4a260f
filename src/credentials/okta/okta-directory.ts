import { z } from 'zod';
import { asFailure, LatchkeyFailure, type FailureCode } from '../../flows/failure';
import type { ChangeResult, Directory, DirectoryUser, ReviewFact } from '../../flows/ports';
import { Secret } from '../../flows/secret';
import type { HttpFetch } from '../../http/fetch';
import { OKTA_REFUSALS, OKTA_STEPS, type OktaAction } from './okta-actions';
import type { JsonAnswer } from '../http-errors';
import { callOkta, OKTA_DIRECTORY_POLICY, oktaFailure, TOKEN_ERRORS } from '../okta-api';

/**
 * Okta's users, over its REST API on the app's own HTTP stack: Okta's SDK loaded at 133 MB
 * resident and 412 ms in a bare process, more than the whole app.
 */
const userSchema = z.object({
  id: z.string(),
  status: z.string(),
  profile: z.looseObject({ email: z.string().optional(), firstName: z.string().nullish(), lastName: z.string().nullish() }),
  /** Who holds the password: OKTA, ACTIVE_DIRECTORY, LDAP, FEDERATION, SOCIAL or IMPORT. */
  credentials: z.looseObject({ provider: z.looseObject({ type: z.string() }).nullish() }).nullish(),
});

/** What an approver is shown of a user (GET /api/v1/users/{id}): never its profile beyond this. */
const reviewedUserSchema = z.object({ status: z.string(), lastLogin: z.string().nullish(), passwordChanged: z.string().nullish() });
/** A factor's kind (GET /api/v1/users/{id}/factors): its profile (a phone number, a device) is never read. */
const factorSchema = z.object({ factorType: z.string(), provider: z.string().nullish(), status: z.string().nullish() });

/** Okta's user statuses as an approver reads them. */
const STATUS_WORDS: Readonly<Record<string, string>> = {
  ACTIVE: 'active, not locked out',
  LOCKED_OUT: 'locked out',
  PASSWORD_EXPIRED: 'active, password expired (not locked out)',
  RECOVERY: 'active, in password recovery (not locked out)',
  SUSPENDED: 'suspended',
  STAGED: 'not activated',
  PROVISIONED: 'not activated (activation pending)',
  DEPROVISIONED: 'deactivated',
};

/** Okta's factor types in an approver's words (kinds only). */
const FACTOR_WORDS: Readonly<Record<string, string>> = {
  push: 'Okta Verify (push)',
  signed_nonce: 'Okta FastPass',
  sms: 'SMS',
  call: 'voice call',
  email: 'email',
  question: 'security question',
  webauthn: 'security key or biometric (WebAuthn)',
  u2f: 'security key (U2F)',
  'token:hotp': 'hardware token (HOTP)',
  'token:hardware': 'hardware token',
  token: 'hardware token',
  web: 'Duo',
};

function factorWords(f: z.infer<typeof factorSchema>): string {
  const kind =
    f.factorType === 'token:software:totp'
      ? f.provider === 'OKTA'
        ? 'Okta Verify (code)'
        : f.provider === 'GOOGLE'
          ? 'Google Authenticator'
          : 'authenticator app'
      : (FACTOR_WORDS[f.factorType] ?? f.factorType);
  const state = f.status === 'PENDING_ACTIVATION' ? 'not finished enrolling' : f.status && f.status !== 'ACTIVE' ? f.status.toLowerCase() : undefined;
  if (!state) return kind;
  // "security key or biometric (WebAuthn)" + state → "(WebAuthn; not finished enrolling)"
  return kind.endsWith(')') ? `${kind.slice(0, -1)}; ${state})` : `${kind} (${state})`;
}

/**
 * The users whose password a directory Okta delegates to holds (`credentials.provider.type`). Okta
 * unlocks only Okta-sourced users ("It doesn't support directory-sourced accounts such as Active
 * Directory"), and its temporary password is for Okta-sourced passwords: such a user is refused at
 * the lookup, before the confirmation and before any push or approval, rather than by Okta after
 * them (E0000023, still mapped below). The factors are Okta's whoever holds the password, so their
 * reset goes on; a federated, social or imported user is left to Okta's own answer.
 */
const DIRECTORY_SOURCED: ReadonlySet<string> = new Set(['ACTIVE_DIRECTORY', 'LDAP']);
const REFUSED_WHEN_DIRECTORY_SOURCED: Readonly<Record<OktaAction, boolean>> = { password: true, unlock: true, factors: false };

/** Okta's error codes in our words, where its HTTP status alone would say it differently. */
const OKTA_ERRORS: Partial<Record<string, FailureCode>> = {
  ...TOKEN_ERRORS, // an invalid token (401), or one that may not do that (403)
  E0000007: 'DIRECTORY_USER_NOT_FOUND', // no such user (404)
  E0000038: 'DIRECTORY_REJECTED', // not allowed in the user's current status
};
/** Unlock refused because the account is not locked (any more): the reset goes on. */
const NOT_LOCKED = 'E0000032';
/**
 * The user is mastered by another system (Active Directory, LDAP): Okta unlocks, and changes the
 * credentials of, only Okta-mastered users. The person is told to ask IT, who unlock it there.
 * Known at the lookup for most (DIRECTORY_SOURCED); this is for a user mastered elsewhere since.
 */
const MASTERED_ELSEWHERE = 'E0000023';

const POLICY = OKTA_DIRECTORY_POLICY;

export class OktaDirectory implements Directory {
  constructor(
    private readonly fetch: HttpFetch,
    private readonly orgUrl: string,
    private readonly apiToken: string,
    private readonly action: OktaAction = 'password',
  ) {}

  async findCandidates(email: string): Promise<DirectoryUser[]> {
    const search = `profile.email eq "${email.replace(/["\\]/g, '\\$&')}"`;
    const answer = await this.call('GET', `/api/v1/users?search=${encodeURIComponent(search)}&limit=10`, 'okta:ListUsers');
    const users = z.array(userSchema).safeParse(answer.body);
    if (!users.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'okta:ListUsers answered with something other than a list of users');
    return users.data.map((u) => {
      const user = toDirectoryUser(u);
      const heldElsewhere = DIRECTORY_SOURCED.has(u.credentials?.provider?.type ?? 'OKTA') && REFUSED_WHEN_DIRECTORY_SOURCED[this.action];
      return heldElsewhere ? { ...user, refusal: OKTA_REFUSALS.masteredElsewhere } : user;
    });
  }

  /**
   * An admin role, directly or through a group, is never reset by self-service. An unlock of an
   * account that is not locked is refused before that: there is nothing to do, and nothing is called.
   */
  async inspect(user: DirectoryUser): Promise<DirectoryUser> {
    if (this.action === 'unlock' && !user.locked) return { ...user, nothingToChange: OKTA_REFUSALS.notLocked };
    // Only the password reset unlocks on the way; the unlock is the change itself, and the factors'
    // reset leaves the lock alone: neither may say "it is unlocked now" of a step it never took.
    if (this.action !== 'password') user = { ...user, locked: undefined };
    const answer = await this.call('GET', `/api/v1/users/${encodeURIComponent(user.id)}/roles`, 'okta:ListRoles');
    if (!Array.isArray(answer.body)) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'okta:ListRoles answered with something other than a list');
    return answer.body.length > 0 ? { ...user, status: 'privileged' } : user;
  }

  /**
   * For an admin reviewing a request: the account's status (a lock is one), the kinds of factor
   * enrolled, the last password change and sign-in. Two reads at once; nothing of a factor but its kind.
   */
  async reviewFacts(user: { id: string }): Promise<readonly ReviewFact[]> {
    const id = encodeURIComponent(user.id);
    const [u, f] = await Promise.all([this.call('GET', `/api/v1/users/${id}`, 'okta:GetUser'), this.call('GET', `/api/v1/users/${id}/factors`, 'okta:ListFactors')]);
    const found = reviewedUserSchema.safeParse(u.body);
    const factors = z.array(factorSchema).safeParse(f.body);
    if (!found.success || !factors.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'okta:GetUser or okta:ListFactors answered with something other than a user and its factors');
    const facts: ReviewFact[] = [
      { label: 'Status', text: STATUS_WORDS[found.data.status] ?? found.data.status.toLowerCase() },
      { label: 'Sign-in factors', text: factors.data.length ? factors.data.map(factorWords).join(', ') : 'none enrolled' },
    ];
    const at = (iso: string | null | undefined) => (iso && !Number.isNaN(Date.parse(iso)) ? new Date(iso) : undefined);
    const changed = at(found.data.passwordChanged);
    const login = at(found.data.lastLogin);
    facts.push(changed ? { label: 'Password last changed', at: changed } : { label: 'Password last changed', text: 'never' });
    facts.push(login ? { label: 'Last sign-in', at: login } : { label: 'Last sign-in', text: 'never' });
    return facts;
  }

  async resetCredential(user: { id: string; locked?: boolean }): Promise<ChangeResult> {
    const id = encodeURIComponent(user.id);
    switch (this.action) {
      case 'unlock':
        // Unlocked by someone else (or by Okta's own timer) since the check: the person's wish stands.
        await this.call('POST', `/api/v1/users/${id}/lifecycle/unlock`, 'okta:Unlock', [NOT_LOCKED]);
        return {};
      case 'factors':
        // Every enrolled factor goes; Okta asks the person to enrol again at their next sign-in.
        await this.call('POST', `/api/v1/users/${id}/lifecycle/reset_factors`, 'okta:ResetFactors');
        return {};
      case 'password':
        return this.resetPassword(id, user.locked);
    }
  }

  /** Unlocks a locked account first; then a temporary password, and every other session signed out. */
  private async resetPassword(id: string, locked: boolean | undefined): Promise<ChangeResult> {
    if (!locked) return this.expirePassword(id);
    await this.unlockFirst(id);
    try {
      return await this.expirePassword(id);
    } catch (err) {
      throw afterUnlock(err);
    }
  }

  private async expirePassword(id: string): Promise<ChangeResult> {
    const answer = await this.call('POST', `/api/v1/users/${id}/lifecycle/expire_password_with_temp_password?revokeSessions=true`, 'okta:ExpirePassword');
    const temp = (answer.body as { tempPassword?: unknown } | undefined)?.tempPassword;
    if (typeof temp !== 'string' || temp === '') throw new LatchkeyFailure('DIRECTORY_REJECTED', 'okta:ExpirePassword returned no temporary password');
    return { secret: new Secret(temp) };
  }

  /**
   * The unlock a password reset makes first. Unconfirmed, only its outcome is unknown: the reset is
   * not sent, and the failure says which step (OKTA_STEPS), so the person is not told the password may have been reset.
   */
  private async unlockFirst(id: string): Promise<void> {
    try {
      await this.call('POST', `/api/v1/users/${id}/lifecycle/unlock`, 'okta:Unlock', [NOT_LOCKED]);
    } catch (err) {
      if (err instanceof LatchkeyFailure && err.code === 'DIRECTORY_OUTCOME_UNKNOWN') {
        throw new LatchkeyFailure(err.code, err.detail, { cause: err.cause, reason: OKTA_STEPS.unlock });
      }
      throw err;
    }
  }

  /**
   * One call; a failure answer becomes ours (an error code in `tolerated` is taken as done). Every
   * POST here is a change (unlock, factors, password): unanswered, it may have been made.
   */
  private async call(method: 'GET' | 'POST', path: string, operation: string, tolerated: readonly string[] = []): Promise<JsonAnswer> {
    const { answer, error } = await callOkta(this.fetch, { orgUrl: this.orgUrl, apiToken: this.apiToken }, { method, path, operation, change: method === 'POST' }, POLICY);
    if (!error || (error.code && tolerated.includes(error.code))) return answer;
    if (error.code === MASTERED_ELSEWHERE) throw new LatchkeyFailure('DIRECTORY_USER_REFUSED', `${operation} ${answer.status}: ${error.detail}`, { reason: OKTA_REFUSALS.masteredElsewhere });
    throw oktaFailure(answer, error, operation, POLICY, OKTA_ERRORS);
  }
}

/**
 * A reset that failed after its unlock was confirmed: the account is unlocked, which "nothing was
 * changed" would deny, so the failure says which step stood (OKTA_STEPS.unlockedNotReset), for the
 * person's words and the audit. Kept as it is: a reset Okta did not confirm (it may have been made,
 * and its words say so), and a refusal with its own reason.
 */
function afterUnlock(err: unknown): unknown {
  const failure = asFailure(err);
  if (failure.code === 'DIRECTORY_OUTCOME_UNKNOWN' || failure.reason !== undefined) return err;
  return new LatchkeyFailure(failure.code, failure.detail, { cause: failure.cause, retryAt: failure.retryAt, reason: OKTA_STEPS.unlockedNotReset });
}

/** Okta's user statuses in Latchkey's terms: who may reset, and who must be unlocked first. */
function toDirectoryUser(u: z.infer<typeof userSchema>): DirectoryUser {
  const base = { id: u.id, email: u.profile.email ?? '', displayName: [u.profile.firstName, u.profile.lastName].filter(Boolean).join(' ') || undefined };
  switch (u.status) {
    case 'ACTIVE':
    case 'PASSWORD_EXPIRED':
    case 'RECOVERY':
      return { ...base, status: 'active' };
    case 'LOCKED_OUT':
      return { ...base, status: 'active', locked: true };
    case 'SUSPENDED':
      return { ...base, status: 'suspended' };
    case 'STAGED':
    case 'PROVISIONED':
      return { ...base, status: 'not_activated' };
    default:
      // DEPROVISIONED, and any status Okta adds later: not resettable until someone looks.
      return { ...base, status: 'disabled' };
  }
}
