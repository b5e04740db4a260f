import { z } from 'zod';
import { LatchkeyFailure, type FailureCode } from '../../flows/failure';
import type { PushAbout, PushResult, PushStarted, Verifier, VerifierAccount } from '../../flows/verification';
import type { HttpFetch } from '../../http/fetch';
import { callJson, fromHttpStatus, type CallPolicy, type JsonAnswer } from '../../credentials/http-errors';
import { retryAfter, SAID_MESSAGE, SAID_WORD, saidBack } from '../../http/answers';
import { mayHaveArrived } from '../../http/network-errors';
import { DUO_BYPASS, DUO_DENIED, type DuoSettings } from '.';
import { authorization, canonicalParams, canonicalRequest, duoDate, sign } from './duo-signature';

/**
 * Duo Push through Duo's Auth API v2, signed as Duo specifies (duo-signature.ts), on the app's own
 * HTTP stack: `preauth` while the confirmation opens (is the person enrolled, with a device that
 * takes pushes?), then `auth` with factor=push, device=auto, async=1, and `auth_status` until the
 * person answers. The Duo username is the person's email (their Slack email, matched exactly).
 */
const envelope = z.looseObject({ stat: z.string(), response: z.unknown().optional(), code: z.number().optional(), message: z.string().optional() });
const preauthSchema = z.looseObject({
  result: z.string(),
  // Read only for the log line: never a reason to refuse the answer, whatever its type.
  status_msg: z.unknown().optional(),
  devices: z.array(z.looseObject({ device: z.string(), capabilities: z.array(z.string()).default([]) })).default([]),
});
const authSchema = z.looseObject({ txid: z.string() });
const statusSchema = z.looseObject({ result: z.string(), status: z.string().optional() });

const POLICY: CallPolicy = {
  timeoutMs: 5_000,
  patienceMs: 1_000,
  retryAt: (answer, now) => retryAfter(answer.headers.get('retry-after'), now),
};

/** Duo's error codes in our words: its own credentials refused are the operator's to fix. */
const DUO_ERRORS: Partial<Record<number, FailureCode>> = {
  40101: 'DIRECTORY_MISCONFIGURED', // missing request credentials
  40102: 'DIRECTORY_MISCONFIGURED', // invalid integration key
  40103: 'DIRECTORY_MISCONFIGURED', // invalid signature
  40104: 'DIRECTORY_MISCONFIGURED', // not allowed to use this API
  40105: 'DIRECTORY_MISCONFIGURED', // request date too far off
  42901: 'DIRECTORY_THROTTLED',
};

export class DuoAuth implements Verifier {
  private readonly baseUrl: string;
  /** auth_status's: how long a poll Duo holds open is waited on before it is asked again. */
  private readonly polling: CallPolicy;
  /**
   * The pushes whose status Duo has answered at least once. Only past that does Duo hold a poll
   * open: a push's first status it answers at once, so a first poll left unanswered is Duo not
   * answering, never a push still waiting.
   */
  private readonly answered = new WeakSet<PushStarted>();

  constructor(
    private readonly fetch: HttpFetch,
    private readonly settings: DuoSettings,
    private readonly now: () => Date = () => new Date(),
    longPollMs: number = POLICY.timeoutMs,
  ) {
    this.baseUrl = `${settings.scheme}://${settings.hostname}`;
    this.polling = { ...POLICY, timeoutMs: longPollMs };
  }

  async find(email: string): Promise<VerifierAccount | undefined> {
    const answer = preauthSchema.safeParse(await this.call('POST', '/auth/v2/preauth', { username: email }, 'duo:preauth'));
    if (!answer.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'duo:preauth answered without a result');
    // 'auth' is the one answer under which a push proves anything: 'allow' (in Duo's words, a user
    // configured to bypass secondary authentication) would approve without asking the phone,
    // 'enroll' (not enrolled) and 'deny' have no phone to ask. The bypass is told as no push device,
    // but on record as itself (DUO_BYPASS), as when Duo lets such a user through at auth_status.
    if (answer.data.result === 'allow') throw new LatchkeyFailure('VERIFY_NO_FACTOR', 'duo:preauth allowed without a push (bypass)', { reason: DUO_BYPASS });
    // 'deny' (in Duo's words, a user not permitted to authenticate at this time: locked out or
    // disabled in Duo) is Duo refusing the person, who may well have Duo Mobile: told so, and to ask
    // IT, never to set up the app. Duo's status_msg, bounded and quoted, says which in the log line.
    if (answer.data.result === 'deny') {
      const msg = answer.data.status_msg;
      const said = msg === undefined ? 'none' : typeof msg === 'string' ? JSON.stringify(saidBack(msg, SAID_MESSAGE)) : `not a string: ${msg === null ? 'null' : typeof msg}`;
      throw new LatchkeyFailure('VERIFY_USER_REFUSED', `duo:preauth denied (status_msg ${said})`, { reason: DUO_DENIED });
    }
    if (answer.data.result !== 'auth') return undefined;
    if (!answer.data.devices.some((d) => d.capabilities.includes('push'))) return undefined;
    return { userId: email, factorId: 'auto', factorType: 'duo_push' };
  }

  async push(account: VerifierAccount, about?: PushAbout): Promise<PushStarted> {
    // A Duo push has no number to match: what it approves, shown on the phone under the request
    // (pushinfo: URL-encoded pairs), is what tells a person who asked for nothing not to approve it.
    const info: [string, string][] = [['from', 'Latchkey in Slack'], ...(about ? [['request', about.request] as [string, string]] : [])];
    const pushinfo = info.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
    const params = { username: account.userId, factor: 'push', device: 'auto', async: '1', type: 'Latchkey', pushinfo };
    const answer = authSchema.safeParse(await this.call('POST', '/auth/v2/auth', params, 'duo:auth'));
    if (!answer.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'duo:auth answered without a txid');
    // Duo's authentication log names the push by its txid. The device is Duo's pick (device=auto),
    // which no answer names: the record gives none rather than a guess.
    return { transaction: answer.data.txid, audit: { transactionId: answer.data.txid } };
  }

  async check(_account: VerifierAccount, push: PushStarted): Promise<'waiting' | PushResult> {
    let status: unknown;
    try {
      status = await this.call('GET', '/auth/v2/auth_status', { txid: push.transaction }, 'duo:auth_status', this.polling);
    } catch (err) {
      // Duo long-polls auth_status: past a push's first status, it answers only once that changes (the
      // person answers, or the push lapses). A poll sent and not answered within its time, once Duo has
      // answered this push's status before, is a push still waiting, never a failed check (three of
      // which would end the wait before the person could reach their phone); the next poll asks again.
      // One never sent (no connection) fails, and so does a push's first poll left unanswered: a Duo
      // that takes connections and never answers is the verifier unavailable (the operator's to see),
      // not a person who did not approve.
      if (err instanceof LatchkeyFailure && err.code === 'DIRECTORY_UNAVAILABLE' && heldOpen(err.cause) && this.answered.has(push)) return 'waiting';
      throw err;
    }
    this.answered.add(push);
    const answer = statusSchema.safeParse(status);
    if (!answer.success) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'duo:auth_status answered without a result');
    if (answer.data.result === 'waiting') return 'waiting';
    // Only a push the person approved proves anything (status `allow`). Duo answers `allow` too, with
    // status `bypass`, for a user an admin put in bypass since the confirmation's preauth, asked nothing;
    // the same person told as at the confirmation, and no change.
    if (answer.data.result === 'allow') {
      if (answer.data.status === 'allow') return 'approved';
      // Duo's word, bounded as any answer said back in a log line is (saidBack), and quoted.
      const said = answer.data.status === undefined ? 'none' : JSON.stringify(saidBack(answer.data.status, SAID_WORD));
      throw new LatchkeyFailure('VERIFY_NO_FACTOR', `duo:auth_status allowed without a push (status ${said})`, answer.data.status === 'bypass' ? { reason: DUO_BYPASS } : undefined);
    }
    // A denial: the person said no (deny, fraud), or the push lapsed (timeout).
    return answer.data.status === 'timeout' ? 'timeout' : 'rejected';
  }

  /** Duo's own check of the keys and the signature (`/auth/v2/check`): read-only, no person involved. */
  async checkKeys(): Promise<void> {
    await this.call('GET', '/auth/v2/check', {}, 'duo:check');
  }

  /** Duo's Auth API has no way to withdraw a push: it lapses on the phone by itself. */
  async cancel(): Promise<void> {}

  private async call(method: 'GET' | 'POST', path: string, params: Record<string, string>, operation: string, policy: CallPolicy = POLICY): Promise<unknown> {
    const date = duoDate(this.now());
    const signature = sign(this.settings.secretKey, canonicalRequest({ date, method, host: this.settings.hostname, path, params }));
    const body = canonicalParams(params);
    const answer: JsonAnswer = await callJson(
      this.fetch,
      {
        method,
        url: method === 'GET' ? `${this.baseUrl}${path}?${body}` : `${this.baseUrl}${path}`,
        headers: {
          date,
          authorization: authorization(this.settings.integrationKey, signature),
          accept: 'application/json',
          ...(method === 'POST' && { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(method === 'POST' && { body }),
        operation,
      },
      policy,
    );
    const parsed = envelope.safeParse(answer.body);
    if (answer.status >= 200 && answer.status < 300 && parsed.success && parsed.data.stat === 'OK') return parsed.data.response;
    const code = parsed.success ? parsed.data.code : undefined;
    // Duo's message names the problem, never a secret: fit for a log line, bounded (saidBack).
    const detail = parsed.success ? `${code ?? ''} ${saidBack(parsed.data.message ?? '', SAID_MESSAGE)}`.trim() : 'no Duo error body';
    throw fromHttpStatus(answer.status >= 400 ? answer.status : 502, operation, detail, code === undefined ? undefined : DUO_ERRORS[code]);
  }
}

/** A call timed out once it was sent: what a long poll Duo holds open until its push changes ends in. */
function heldOpen(cause: unknown): boolean {
  return cause instanceof Error && cause.name === 'TimeoutError' && mayHaveArrived(cause);
}
