import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import { describeError } from '../flows/failure';
import type { AuditReader, Logger, Metrics } from '../flows/ports';
import type { HttpFetch } from '../http/fetch';
import { ARRIVED_AT, OPENED_MODAL, openLoadingModal, type OpenedModal } from '../slack/arrival-modal';
import { UnexpectedPayloadError, type GuardedApp } from '../slack/guarded-app';
import { bodyMatchesType, isSslCheck, parseSlackBody, readSlackBody, refuseContentType } from '../slack/slack-request-body';
import { loadingView, personWaiting, tellWorkFailed, unchangedView } from '../slack/work-failed';
import { EVENTS_PATH } from '../slack/events-path';
import { SIGNATURE_REFUSALS, signatureProblem, signedBySlack } from '../slack/slack-signature';
import { SignatureWatch } from '../slack/signature-watch';
import { tokenRefusalSaid } from '../slack/slack-errors';
import { notStartedReply, notStartedView } from '../views/not-started';
import type { HttpAnswer, HttpRequest } from './http-event';
import { withSlackDeadline } from '../slack/call-deadline';
import { changesSince } from './failed-work-changes';
import type { ResetWords } from '../views/words';
import { failedWorkMaxAgeMs, WORK_MAX_AGE_MS, WORK_SLACK_RESERVE_MS, WorkOrderSeal, type WorkClaims, type WorkOrder, type WorkQueue } from './work-order';


/**
 * Bolt in Lambda, in two invocations. Lambda freezes a function once it has answered, and Bolt's
 * own AwsLambdaReceiver answers only after every listener has finished: Slack's 3 s would then
 * cover all of the work, and a submission's acknowledgement ("Resetting…") would reach Slack after
 * the modal already showed the secret, and replace it.
 *
 * So the same listeners run twice. Answering Slack, `answer` runs them only until ack(): ack() sends
 * the answer and never returns, and the rest is dropped. Before answering, it queues a work order
 * (the signed request as received) for an asynchronous invocation of the same function. There,
 * `work` checks the signature again and runs the listeners to the end with an ack() that does
 * nothing, as Slack already has its answer. Everything a listener does before ack() is a pure
 * reading of the payload, so both runs reach the same ack().
 *
 * One thing is done in the answering invocation besides: a slash command's loading modal is opened
 * there, with the trigger_id, and the worker is handed its view ID. The trigger lives 3 s from the
 * moment the person pressed Enter; a worker that starts cold (its secrets, its clients) may be
 * past that. The answering invocation is past it too only if its own cold start took 2.5 s, and
 * then the person is told Latchkey is busy instead of seeing nothing.
 */
export class HandOffReceiver implements Receiver {
  private app?: GuardedApp;
  private readonly seal: WorkOrderSeal;
  /**
   * Slack's own requests refused again and again are one warn saying what to check, as on the
   * server (signature-watch.ts). Counted per container, which Lambda keeps warm between requests
   * and may run several of: each says it once in 10 minutes at most; a new secret (the app rebuilt,
   * lambda.ts) starts the count again.
   */
  private readonly watch: SignatureWatch;
  /** How late a failed work order may come back and still be told (failedWorkMaxAgeMs). */
  private readonly failedMaxAgeMs: number;
  /**
   * The requests Slack would not authorise here (the body Bolt was given): no listener of theirs ran.
   * True when it was Slack refusing the bot token, which the client's TokenWatch paged for.
   */
  private readonly unauthorized = new WeakMap<object, boolean>();

  /** `functionTimeoutS`: the function's timeout, as the stack sets it (functionTimeoutS in function-time.ts). */
  constructor(
    private readonly options: {
      signingSecret: string;
      queue: WorkQueue;
      claims: WorkClaims;
      logger: Logger;
      fetch: HttpFetch;
      metrics: Metrics;
      functionTimeoutS: number;
      /** What a failed work order's record reads of what its work may have changed (changesSince). */
      audit: AuditReader;
    },
  ) {
    this.seal = new WorkOrderSeal(options.signingSecret);
    this.watch = new SignatureWatch(options.logger);
    this.failedMaxAgeMs = failedWorkMaxAgeMs(options.functionTimeoutS);
  }

  init(app: App): void {
    this.app = app as GuardedApp;
  }

  /**
   * The app's `authorize`, noting each request it fails for. Bolt then runs no listener, tells only
   * the error handler (an AuthorizationError, which names no request), and acknowledges: the worker
   * would end as if it had worked, and its person wait on "checking…" for good.
   */
  authorizing<S, B, R>(authorize: (source: S, body?: B) => Promise<R>): (source: S, body?: B) => Promise<R> {
    return async (source, body) => {
      try {
        return await authorize(source, body);
      } catch (err) {
        if (typeof body === 'object' && body !== null) this.unauthorized.set(body, tokenRefusalSaid(err));
        throw err;
      }
    };
  }

  // Lambda starts and stops the process; there is nothing to listen on.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /**
   * The invocation Slack is waiting on: check, open the loading modal, acknowledge, queue the work,
   * answer. `receivedAt` (performance.now()) is when the invocation began, before any cold start.
   */
  async answer(request: HttpRequest, receivedAt = performance.now()): Promise<HttpAnswer> {
    const { logger } = this.options;
    if (request.method === 'GET' && request.path === '/healthz') return json(200, { status: 'ok' });
    if (request.method !== 'POST' || request.path !== EVENTS_PATH) return { statusCode: 404 };
    const contentType = request.headers['content-type'];
    const wrongType = refuseContentType(contentType);
    if (wrongType) {
      logger.info({ status: wrongType.status, reason: wrongType.reason }, 'request refused');
      return { statusCode: wrongType.status };
    }
    // Slack checks a slash command's certificate now and then with ssl_check=1, maybe unsigned; it needs only a 200.
    if (isSslCheck(request.body, contentType)) return { statusCode: 200 };
    const order: WorkOrder = {
      kind: 'latchkey.work',
      body: request.body,
      signature: request.headers['x-slack-signature'] ?? '',
      timestamp: request.headers['x-slack-request-timestamp'] ?? '',
      ...retryOf(request.headers),
    };
    const problem = signatureProblem(this.options.signingSecret, order);
    if (problem) {
      this.options.metrics.count('request_refused', SIGNATURE_REFUSALS[problem].labels);
      // Anyone can send a bad signature: info, as the server's request guard says it, never a page;
      // Slack's own refused three in a row are the watch's one warn.
      logger.info({ status: 401, reason: SIGNATURE_REFUSALS[problem].reason }, 'request refused');
      this.watch.failed(problem, request.headers['x-slack-signature'] !== undefined && request.headers['x-slack-request-timestamp'] !== undefined);
      return { statusCode: 401 };
    }
    this.watch.passed();
    const read = readSlackBody(request.body, contentType);
    if (!read.ok) {
      logger.info({ status: read.refusal.status, reason: read.refusal.reason }, 'request refused');
      return { statusCode: read.refusal.status };
    }
    if (!bodyMatchesType(order.body, contentType)) {
      logger.info({ status: 400 }, 'request refused: the body is not what its content type says');
      return { statusCode: 400 };
    }
    const body = read.body;
    // The Events API's check of the request URL: the challenge back, signed like every request.
    if (body.type === 'url_verification' && typeof body.challenge === 'string') return json(200, { challenge: body.challenge });

    const arrival = this.app!.arrivalModalFor(body);
    const [opened, acknowledged] = await Promise.all([
      arrival &&
        openLoadingModal({
          client: this.app!.slack,
          fetch: this.options.fetch,
          logger,
          metrics: this.options.metrics,
          ...arrival,
          arrivedAt: receivedAt,
          now: () => performance.now(),
        }),
      this.runUntilAck(body, order),
    ]);
    if (opened) order.opened = opened;
    if (acknowledged instanceof Error) {
      const refused = acknowledged instanceof UnexpectedPayloadError;
      logger.warn({ err: describeError(acknowledged), status: refused ? 400 : 500 }, 'request not handled');
      return { statusCode: refused ? 400 : 500 };
    }
    if (!acknowledged) {
      logger.warn({ status: 404 }, 'no listener acknowledged the request');
      return { statusCode: 404 };
    }
    try {
      await this.options.queue.handOff(this.seal.seal(order, Date.now()));
    } catch (err) {
      logger.error({ err: describeError(err) }, 'could not hand the work off');
      if (typeof body.command === 'string') return json(200, notStartedReply());
      if (body.type === 'view_submission') return json(200, { response_action: 'update', view: notStartedView() });
      return { statusCode: 200 };
    }
    return acknowledged;
  }

  /**
   * The asynchronous invocation: the same request, run to the end, once. 'refused' when its
   * signature or seal fails; one older than 5 minutes is dropped, and claimed so that no later
   * delivery of it runs. `endsAt()` (epoch ms): when Lambda stops the invocation, read as needed; its Slack calls end
   * WORK_SLACK_RESERVE_MS before, and any asked for later are not made (logged), so what follows
   * them (the audit's outcome) is written and the logs flushed before Lambda stops it.
   */
  async work(order: WorkOrder, endsAt?: () => number): Promise<'done' | 'refused'> {
    const { logger, claims } = this.options;
    const now = Date.now();
    if (!this.signedBySlack(order, { anyAge: true }) || !this.seal.holds(order, now, Infinity)) {
      logger.error({}, 'work order refused: not signed by Slack and sealed by Latchkey');
      return 'refused';
    }
    if (!this.signedBySlack(order) || !this.seal.holds(order, now, WORK_MAX_AGE_MS)) {
      // Ours, but older than Lambda delivers an order: not worked. Claimed all the same, so that no
      // later delivery of it is worked either: to an instance whose clock is behind this one's it
      // could still look young enough, and run after this one dropped it.
      const claimed = await claims.claim(order).catch((err: unknown) => logger.warn({ err: describeError(err) }, 'could not claim the work order dropped as too old'));
      logger.error({ ageMs: now - order.sealedAt! }, 'work order dropped: older than 5 minutes; claimed, so no later delivery of it is worked');
      // Sealed by this function, so a person is waiting at "checking…" or "Resetting…", and nothing
      // brings the order back (this invocation succeeds). Claimed by this delivery, no delivery can
      // work it from now on; but an earlier one may have, its own claim not written (it works the
      // order anyway), so the audit log says whether anything was changed, as for failed work: told
      // once, that nothing was, or that Latchkey cannot tell. Not claimed, another delivery has it, and tells.
      if (claimed === true) {
        const body = parseSlackBody(order.body) as Record<string, any>;
        const changed = await changesSince(this.options.audit, body, Number(order.timestamp) * 1000, new Date(now), logger);
        await this.tellNotRun(body, order, { mayHaveChanged: changed.mayHaveChanged, ...(changed.words && { words: changed.words }) });
      }
      return 'done';
    }
    // Without the claim the work still runs: a second delivery is rare, and the audit log's
    // conditional writes still stop a second reset; a person left waiting is not.
    const first = await claims.claim(order).catch((err: unknown) => {
      logger.warn({ err: describeError(err) }, 'could not claim the work order; working it anyway');
      return true;
    });
    if (!first) {
      logger.info({}, 'work order delivered again; already worked, so ignored');
      return 'done';
    }
    const body = parseSlackBody(order.body);
    await withSlackDeadline(endsAt === undefined ? undefined : () => endsAt() - WORK_SLACK_RESERVE_MS, async () => {
      await this.app!.processEvent(this.event(body, order, async () => {}));
      const refused = this.unauthorized.get(body);
      if (refused !== undefined) await this.tellNotRun(body as Record<string, any>, order, { tokenRefused: refused });
    }).catch((err: unknown) => logger.error({ err: describeError(err), alert: true }, 'work failed'));
    return 'done';
  }

  /**
   * Slack would not authorise the work's request (our token refused, or Slack not answering
   * auth.test), so none of it ran: its person is told so, in the window the answering invocation
   * opened, else privately through the command, else in a DM (tellWorkFailed; the token may be the
   * very thing refused, and a command's response_url needs none). Slack's outage or our token, not
   * a bug: the operator's line is the error handler's (an alert for our token refused, our setup; a
   * warning for Slack not answering), none is logged here. The last chance to tell
   * them: nothing brings this order back. Likewise an order dropped as too old, told in its
   * credential's `words` when it has one ("…PIN was not reset: nothing was changed. Run `/reset-pin` again."),
   * or, `mayHaveChanged` (an earlier delivery may have worked it), that Latchkey cannot tell, with
   * no window replaced.
   */
  private async tellNotRun(
    body: Record<string, any>,
    order: WorkOrder,
    { words, mayHaveChanged = false, tokenRefused = false }: { words?: ResetWords; mayHaveChanged?: boolean; tokenRefused?: boolean } = {},
  ): Promise<void> {
    if (!personWaiting(body)) return;
    const view = loadingView(body, order.opened);
    const { logger, fetch } = this.options;
    const told = mayHaveChanged ? { mayHaveChanged: true } : { notRun: true, ...(tokenRefused && { tokenRefused }) };
    await tellWorkFailed({ client: this.app!.slack, fetch, logger, body, ...told, ...(words && { words }), ...(view && { view }) }).catch((err: unknown) =>
      logger.warn({ slackUserId: body.user_id ?? body.user?.id, err: describeError(err) }, 'could not tell the person their request did not run'),
    );
  }

  /**
   * A work order that failed where no listener could catch it (a crash, a timeout), brought back
   * by Lambda's on-failure destination: the person is told, in the modal the work was for, else
   * privately through the command's response_url, else in a DM. Nothing is retried: a reset is
   * audited once per request, and the person can simply run the command again. `notRun`: the
   * invocation failed because Latchkey could not start, so none of the work ran, and the words say
   * so rather than "cannot tell whether your click changed anything". `recordId`: the failed-work
   * record's, the same each time its queue brings it back. A work order that crashed or timed out may
   * have changed something first, or shown a confirmation its person went on from: the audit log
   * (changesSince) says whether, and if it may have, no window is replaced and nobody is told that
   * nothing was changed.
   */
  async failed(order: WorkOrder, condition: string, { notRun = false, recordId }: { notRun?: boolean; recordId?: string } = {}): Promise<void> {
    const { logger } = this.options;
    // Signed by Slack and sealed by us, within the longest a failure can take to come back through
    // the queue (failedWorkMaxAgeMs, by the function's timeout) rather than Slack's 5 minutes: a
    // failure comes back later than that (the order's age is what may have failed it).
    const now = Date.now();
    if (
      !this.signedBySlack(order, { anyAge: true }) ||
      now - Number(order.timestamp) * 1000 > this.failedMaxAgeMs ||
      !this.seal.holds(order, now, this.failedMaxAgeMs)
    ) {
      logger.error({ condition }, 'failed work order refused: not signed by Slack and sealed by Latchkey, or too old');
      return;
    }
    const body = parseSlackBody(order.body) as Record<string, any>;
    const userId: string | undefined = body.user_id ?? body.user?.id;
    const request = body.type === 'view_submission' ? 'view_submission' : (body.command ?? body.type);
    // An order that met an instance that could not start may be Lambda's second delivery of one
    // another instance worked: its person may since have seen the form, the reset, its new PIN in
    // the very window this would replace. So it is claimed as a worker claims it: taken before, it
    // was worked, and nobody is told; taken now, no late delivery of it can do the work after its
    // person was told none was done. Claimed under the record's ID, so that the record brought
    // back (its telling failed) knows its own claim.
    // An order that crashed or timed out is claimed too: its worker claimed it first thing, unless it
    // crashed before that, and then a late delivery could make the change after its person was told
    // nothing was changed. Taken before (its worker, or another delivery), the audit log says what
    // was changed.
    let maybeWorkedElsewhere = false;
    const first = await this.options.claims.claim(order, `failed-work#${recordId ?? randomUUID()}`).catch((err: unknown) => {
      logger.warn(
        { slackUserId: userId, err: describeError(err) },
        notRun ? 'could not claim the failed work order; telling the person without saying nothing was changed' : 'could not claim the failed work order',
      );
      return undefined;
    });
    if (notRun) {
      if (first === false) {
        logger.info({ slackUserId: userId, condition, request }, 'failed work order already worked by another delivery; nobody told');
        return;
      }
      maybeWorkedElsewhere = first === undefined;
    }
    // Crashed or timed out: its worker may have got as far as a change, or shown the confirmation the
    // person went on from, and its window may show the new secret. The audit log says whether.
    const changed = notRun ? undefined : await changesSince(this.options.audit, body, Number(order.timestamp) * 1000, new Date(now), logger);
    // Not started: the fatal line pages (FatalAlarm), once, not once for each person it left waiting.
    const failure = {
      slackUserId: userId,
      condition,
      request,
      ...(changed && { mayHaveChanged: changed.mayHaveChanged }),
      ...(notRun ? { notStarted: true } : { alert: true }),
    };
    if (notRun) logger.warn(failure, 'work order failed; telling the person');
    else logger.error(failure, 'work order failed; telling the person');
    this.options.metrics.count('work_failed', { condition });
    // Nothing of the person's changed since: no window of theirs can show a new secret, so even a
    // submission's (a Reset left at "Resetting…") is told in place.
    const view = maybeWorkedElsewhere || changed?.mayHaveChanged ? undefined : changed ? unchangedView(body, order.opened) : loadingView(body, order.opened);
    // If even the DM fails, the message goes back to the queue, then to its dead-letter queue.
    await tellWorkFailed({
      client: this.app!.slack,
      fetch: this.options.fetch,
      logger,
      body,
      notRun,
      maybeWorkedElsewhere,
      ...(changed && (changed.mayHaveChanged ? { mayHaveChanged: true } : { nothingChanged: true })),
      ...(changed?.words && { words: changed.words }),
      ...(view && { view }),
    });
  }

  private async runUntilAck(body: Record<string, unknown>, order: WorkOrder): Promise<HttpAnswer | Error | undefined> {
    let answered!: (answer: HttpAnswer) => void;
    const acked = new Promise<HttpAnswer>((resolve) => (answered = resolve));
    const ack = async (response?: unknown) => {
      answered(ackAnswer(response));
      // Never settles: what follows ack() belongs to the worker.
      return new Promise<void>(() => {});
    };
    const finished = this.app!.processEvent(this.event(body, order, ack)).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
    return Promise.race([acked, finished]);
  }

  private event(body: Record<string, unknown>, order: WorkOrder, ack: ReceiverEvent['ack']): ReceiverEvent {
    const opened: OpenedModal | undefined = order.opened;
    return {
      body,
      ack,
      retryNum: order.retryNum,
      retryReason: order.retryReason,
      customProperties: { ...(opened && { [OPENED_MODAL]: Promise.resolve(opened) }), [ARRIVED_AT]: arrivedBy(order) },
    };
  }

  private signedBySlack(order: WorkOrder, { anyAge = false } = {}): boolean {
    return signedBySlack(this.options.signingSecret, order, anyAge ? { maxAgeS: Infinity } : {});
  }
}

function ackAnswer(response: unknown): HttpAnswer {
  if (response === undefined || response === '') return { statusCode: 200 };
  if (typeof response === 'string') return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: response };
  return json(200, response);
}

function json(statusCode: number, body: unknown): HttpAnswer {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function retryOf(headers: Readonly<Record<string, string>>): Pick<WorkOrder, 'retryNum' | 'retryReason'> {
  const num = Number(headers['x-slack-retry-num']);
  return {
    ...(Number.isInteger(num) && { retryNum: num }),
    ...(headers['x-slack-retry-reason'] && { retryReason: headers['x-slack-retry-reason'] }),
  };
}

/**
 * The latest the request can have reached Latchkey (epoch ms), for the listener's ARRIVED_AT: when
 * the answering invocation sealed the order, or within the second of Slack's signed timestamp
 * (whole seconds), whichever is earlier: the seal misses the answering invocation's cold start.
 * Never before the click reached us (Slack's clock and ours agree well within that second), so a
 * trigger's age is never overstated.
 */
function arrivedBy(order: WorkOrder): number {
  const sentBy = (Number(order.timestamp) + 1) * 1000;
  return Math.min(order.sealedAt ?? Date.now(), Number.isFinite(sentBy) ? sentBy : Infinity);
}
