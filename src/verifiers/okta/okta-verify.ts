import { z } from 'zod';
import { LatchkeyFailure } from '../../flows/failure';
import { sameEmail } from '../../flows/pick-directory-user';
import type { PushResult, PushStarted, Verifier, VerifierAccount } from '../../flows/verification';
import { SAID_MESSAGE, SAID_WORD, saidBack } from '../../http/answers';
import type { HttpFetch } from '../../http/fetch';
import type { JsonAnswer } from '../../credentials/http-errors';
import { callOkta, oktaFailure, oktaPolicy, TOKEN_ERRORS } from '../../credentials/okta-api';

/**
 * Okta Verify through Okta's Factors API, on the app's own HTTP stack (as the Okta credential
 * does: Okta's SDK costs more memory than the whole app). Four calls: the user by exact email, the
 * user's factors (while the confirmation opens), the push, and its transaction, followed until it
 * ends or withdrawn with DELETE.
 */
const userSchema = z.object({ id: z.string(), status: z.string(), profile: z.looseObject({ email: z.string().optional() }) });
const factorSchema = z.looseObject({ id: z.string(), factorType: z.string(), provider: z.string(), status: z.string() });
const linkSchema = z.object({ href: z.string() });
const transactionSchema = z.looseObject({
  factorResult: z.string(),
  _links: z.looseObject({ poll: linkSchema.optional(), cancel: linkSchema.optional() }).optional(),
  _embedded: z.looseObject({ challenge: z.looseObject({ correctAnswer: z.union([z.number(), z.string()]).optional() }).optional() }).optional(),
});

/** Okta refuses a push without one ("required to verify push factors"); it names us in the user's Okta Verify and in the System Log. */
export const USER_AGENT = 'Latchkey/1.0 (Slack self-service credential reset)';

/** A poll must not wait long: the waiter checks again at the next interval. */
const POLICY = oktaPolicy(1_000);

/** Okta's results that end a push, in our words. FAILED is a wrong number picked on the phone: a refusal, not a lapse. */
const RESULTS: Readonly<Record<string, 'waiting' | PushResult>> = {
  WAITING: 'waiting',
  SUCCESS: 'approved',
  REJECTED: 'rejected',
  FAILED: 'rejected',
  TIMEOUT: 'timeout',
  EXPIRED: 'timeout',
  TIME_WINDOW_EXCEEDED: 'timeout',
};

export class OktaVerify implements Verifier {
  constructor(
    private readonly fetch: HttpFetch,
    private readonly orgUrl: string,
    private readonly apiToken: string,
  ) {}

  async find(email: string): Promise<VerifierAccount | undefined> {
    const search = `profile.email eq "${email.replace(/["\\]/g, '\\$&')}"`;
    const users = z.array(userSchema).safeParse((await this.call('GET', `/api/v1/users?search=${encodeURIComponent(search)}&limit=10`, 'okta:ListUsers')).body);
    if (!users.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'okta:ListUsers answered with something other than a list of users');
    // The same exact, case-insensitive match as every directory's: never a look-alike.
    const exact = users.data.filter((u) => sameEmail(u.profile.email ?? '', email));
    if (exact.length !== 1) return undefined;
    const user = exact[0]!;
    const factors = z.array(factorSchema).safeParse((await this.call('GET', `/api/v1/users/${encodeURIComponent(user.id)}/factors`, 'okta:ListFactors')).body);
    if (!factors.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'okta:ListFactors answered with something other than a list of factors');
    const push = factors.data.find((f) => f.factorType === 'push' && f.provider === 'OKTA' && f.status === 'ACTIVE');
    return push && { userId: user.id, factorId: push.id, factorType: 'push' };
  }

  async push(account: VerifierAccount): Promise<PushStarted> {
    const path = `/api/v1/users/${encodeURIComponent(account.userId)}/factors/${encodeURIComponent(account.factorId)}/verify`;
    const answer = await this.call('POST', path, 'okta:VerifyFactor', JSON.stringify({ useNumberMatchingChallenge: true }));
    const tx = transactionSchema.safeParse(answer.body);
    const poll = tx.success ? tx.data._links?.poll?.href : undefined;
    if (!tx.success || tx.data.factorResult !== 'WAITING' || !poll) {
      throw new LatchkeyFailure('DIRECTORY_REJECTED', `okta:VerifyFactor answered ${tx.success ? JSON.stringify(saidBack(tx.data.factorResult, SAID_WORD)) : 'something else'}, not WAITING with a poll link`);
    }
    const answerNumber = tx.data._embedded?.challenge?.correctAnswer;
    const transaction = this.ownPath(poll, account);
    // Okta's System Log names the push by its factor and its transaction (the poll link's last
    // segment): the audit record keeps both, never the number to pick.
    const transactionId = transaction.slice(transaction.lastIndexOf('/') + 1);
    return { transaction, ...(answerNumber !== undefined && { challenge: String(answerNumber) }), audit: { factorId: account.factorId, transactionId } };
  }

  async check(_account: VerifierAccount, push: PushStarted): Promise<'waiting' | PushResult> {
    const tx = transactionSchema.safeParse((await this.call('GET', push.transaction, 'okta:GetFactorTransaction')).body);
    if (!tx.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'okta:GetFactorTransaction answered without a factorResult');
    // Anything else Okta may answer (ERROR, CANCELLED, a result added later) ends the push without an approval.
    return RESULTS[tx.data.factorResult] ?? 'rejected';
  }

  async cancel(_account: VerifierAccount, push: PushStarted): Promise<void> {
    await this.call('DELETE', push.transaction, 'okta:CancelFactorTransaction');
  }

  /**
   * The poll link's path, once it is known to be this very push's: on our org (the token is sent
   * only there, whatever a link says), and the transaction of the user and factor the push went to.
   * Okta answers no other, so any other is an answer not to follow: a link to another person's
   * transaction would make their approval this request's proof. It was sent and may be on the phone,
   * but nothing waits for it (its own transaction is not known to withdraw it).
   */
  private ownPath(href: string, account: VerifierAccount): string {
    // Which check failed, and where a link off the org points (its origin alone): never the link
    // itself, which someone else wrote and may carry anything (userinfo, a token in its path).
    const refused = (what: string) => new LatchkeyFailure('VERIFY_ANSWER_UNTRUSTED', `okta:VerifyFactor answered with a poll link ${what}, not this push's transaction: not followed`);
    let url: URL;
    try {
      url = new URL(href, this.orgUrl);
    } catch {
      throw refused('that is not a URL');
    }
    if (url.origin !== this.orgUrl) throw refused(`outside the org (on ${saidBack(url.origin, SAID_MESSAGE)})`);
    const parts = /^\/api\/v1\/users\/([^/]+)\/factors\/([^/]+)\/transactions\/([^/]+)$/.exec(url.pathname);
    if (!parts) throw refused('that is no factor transaction');
    const [user, factor] = [decoded(parts[1]!), decoded(parts[2]!)];
    if (user !== account.userId || factor !== account.factorId) throw refused("of another user's or factor's push");
    return url.pathname;
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, operation: string, body?: string): Promise<JsonAnswer> {
    const { answer, error } = await callOkta(this.fetch, { orgUrl: this.orgUrl, apiToken: this.apiToken }, { method, path, operation, body, userAgent: USER_AGENT }, POLICY);
    if (!error) return answer;
    throw oktaFailure(answer, error, operation, POLICY, TOKEN_ERRORS);
  }
}

/** A path segment as it names an ID; one that does not decode names none. */
function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
