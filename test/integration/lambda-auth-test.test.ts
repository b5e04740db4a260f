import { DeleteItemCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { LAMBDA_SLACK_CALL_MS } from '../../src/lambda/function-time';
import { ALERT_KEY_PREFIX } from '../../src/limits/rate-table';
import { SIGNING_SECRET, TEAM, useHarness } from '../support/harness';
import type { DynamoCall } from '../support/dynamo-gate';
import { homeOpenedEvent, postEvent } from '../support/slack-requests';
import { useResponseUrls } from '../support/response-urls';
import { until } from '../support/until';

/**
 * Without the bot's IDs (SLACK_BOT_ID, SLACK_BOT_USER_ID), an instance calls auth.test before the
 * first listener runs. On Lambda that call has the bound of every other Slack call there (LAMBDA_SLACK_CALL_MS, its
 * tries and waits together), whatever SLACK_API_RETRIES says: at 5 tries of 5 s, a Slack that did not
 * answer held the invocation about 37 s, past the function's 30 s.
 */
describe('Latchkey on Lambda without the bot IDs, when Slack does not answer auth.test', () => {
  const h = useHarness({ entry: 'lambda', env: { SLACK_API_RETRIES: '5' } }, (x) => x.slack.clear());

  /** Log lines written since `since` (an index into h.logs). */
  const logLines = (since: number) =>
    h.logs
      .slice(since)
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; alert?: boolean });
  const NOT_AUTHORIZED = 'Slack did not authorize the request; no listener ran';
  /** The tries of auth.test that met the hold since `since` (an index into h.slack.held). */
  const tries = (since: number) => h.slack.held.slice(since).filter((c) => c.method === 'auth.test');
  /**
   * `p`, or 'tried again' once Slack has seen more than `calls` tries of auth.test since `since`:
   * the bound leaves a call one try, where SLACK_API_RETRIES (5) alone would make six of 5 s each.
   * What ends the wait is the client's own doing, not a time of the test's, which a loaded machine outruns.
   */
  const unlessTriedAgain = async <T>(since: number, calls: number, p: Promise<T>): Promise<T | 'tried again'> => {
    let settled = false;
    const triedAgain = until('a try more', () => settled || tries(since).length > calls, Infinity).then(() => 'tried again' as const);
    try {
      return await Promise.race([p, triedAgain]);
    } finally {
      settled = true;
    }
  };
  /** Every try since `since` closed by the client before Slack answered it (the hold stands all the test), once the fake has seen them closed. */
  const givenUp = (since: number) => until('the client giving up its tries of auth.test', () => tries(since).every((t) => t.givenUp !== undefined));

  it('a cold start answering a request that needs it answers within the bound: an empty 200, a warning, no page', async () => {
    h.coldNext(1);
    h.slack.hold('auth.test');
    const logsBefore = h.logs.length;
    const heldBefore = h.slack.held.length;
    // The request's call, and its worker's, which may already have begun: at most two tries, one each.
    const answer = await unlessTriedAgain(heldBefore, 2, postEvent(h.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId: 'UANN', teamId: TEAM })));
    expect(answer).toMatchObject({ status: 200 });
    // Its worker meets the same Slack, and ends the same way.
    expect(await unlessTriedAgain(heldBefore, 2, h.lambda.idle())).not.toBe('tried again');
    // One try each, never answered (the hold stands), given up by the client and not tried again:
    // the call's bound ended them, not SLACK_API_RETRIES' tries.
    expect(tries(heldBefore)).toHaveLength(2);
    await givenUp(heldBefore);
    const lines = logLines(logsBefore);
    expect(lines.map((l) => l.msg)).toContain(NOT_AUTHORIZED);
    // Slack's outage, not ours: nobody is paged.
    expect(lines.filter((l) => l.alert === true)).toEqual([]);
  }, 30_000);

  it("a cold worker's auth.test ends within the bound too, so the work ends long before the function does", async () => {
    h.coldNext(2);
    h.slack.hold('auth.test');
    const logsBefore = h.logs.length;
    const workedBefore = h.lambda.worked.length;
    const heldBefore = h.slack.held.length;
    // A command is acknowledged on arrival, before Bolt's authorisation: the worker is the first to need it.
    const answer = await unlessTriedAgain(heldBefore, 1, h.command('/reset-pin', 'UANN', { triggerId: h.slack.newTriggerId() }));
    expect(answer).toMatchObject({ status: 200 });
    expect(await unlessTriedAgain(heldBefore, 1, h.lambda.idle())).not.toBe('tried again');
    const worked = h.lambda.worked.slice(workedBefore);
    expect(worked).toHaveLength(1);
    expect(worked[0]!.error).toBeUndefined();
    // The work ended on one try, never answered, that the client gave up itself: the call's bound,
    // not SLACK_API_RETRIES' 5 tries of 5 s (about 37 s, past the function's 30 s).
    expect(tries(heldBefore)).toHaveLength(1);
    await givenUp(heldBefore);
    expect(h.slack.callsTo('users.info')).toEqual([]);
    const lines = logLines(logsBefore);
    expect(lines.map((l) => l.msg)).toContain(NOT_AUTHORIZED);
    expect(lines.filter((l) => l.alert === true)).toEqual([]);
  }, 20_000);
});

/**
 * Without the bot's IDs, Bolt's own authorisation of a token asks auth.test before every request's
 * listeners: on Lambda, every piece of work. Latchkey asks once per instance, and again only after a
 * failure. Its own Slack, whose calls no other test's hold answers late.
 */
describe('Latchkey on Lambda without the bot IDs, on a warm instance', () => {
  const h = useHarness({ entry: 'lambda' }, (x) => x.slack.clear());
  const within = <T>(ms: number, p: Promise<T>) => Promise.race([p, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms).unref())]);

  /** A command on the warm instance, worked to its end: the worker is the one that authorises it. */
  const commandWorked = async (userId: string) => {
    const workedBefore = h.lambda.worked.length;
    await expect(within(3 * LAMBDA_SLACK_CALL_MS, h.command('/reset-pin', userId, { triggerId: h.slack.newTriggerId() }))).resolves.toMatchObject({ status: 200 });
    await within(3 * LAMBDA_SLACK_CALL_MS, h.lambda.idle());
    expect(h.lambda.worked.slice(workedBefore)).toHaveLength(1);
  };
  const looked = () => h.slack.callsTo('users.info').map((c) => c.args.user as string);

  it('asks auth.test once, not once per request: two workers, one call', async () => {
    h.coldNext(1);
    await commandWorked('UANN');
    await commandWorked('UBOB');
    expect(h.slack.callsTo('auth.test')).toHaveLength(1);
    // Both were authorised: each worker went on to look its person up.
    expect(looked()).toEqual(expect.arrayContaining(['UANN', 'UBOB']));
  }, 20_000);

  it("does not keep a failed auth.test: the instance's next request asks again, and is served", async () => {
    h.coldNext(1);
    // Slack's own bad minute (a refused token pages: below).
    h.slack.failNext('auth.test', { error: 'internal_error' });
    const logsBefore = h.logs.length;
    await commandWorked('UANN');
    const lines = () =>
      h.logs
        .slice(logsBefore)
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { msg: string; alert?: boolean });
    expect(lines().map((l) => l.msg)).toContain('Slack did not authorize the request; no listener ran');
    expect(looked()).toEqual([]);
    await commandWorked('UBOB');
    expect(h.slack.callsTo('auth.test')).toHaveLength(2);
    expect(looked()).toContain('UBOB');
    expect(lines().filter((l) => l.alert === true)).toEqual([]);
  }, 20_000);
});

/**
 * A worker Slack will not authorise runs no listener: the person whose command opened a window, or
 * who clicked, would wait on it for good. They are told that nothing ran and what to do. Our token
 * refused is our setup, so the on-call is paged, and the person is told so, not to try again in a
 * minute, which would meet the same refusal; Slack's outage is not (above).
 */
describe('Latchkey on Lambda, a worker Slack will not authorise', () => {
  const h = useHarness({ entry: 'lambda', dynamoGate: true }, (x) => x.slack.clear());
  const TOLD = 'Latchkey is misconfigured. An admin has been alerted. Nothing was changed.';
  const REFUSED =
    "Slack refuses the bot token: every command, click and Home tab fails until it takes it again. Reinstall the app (OAuth & Permissions), put its new bot token in SLACK_BOT_TOKEN and restart (on Lambda: force new instances); a restart alone does not help. invalid_auth with the token unchanged: check the app's allowed IP address ranges (OAuth & Permissions, Restrict API Token Usage)";
  const hooks = useResponseUrls();
  const posted = hooks.received;

  const alerts = (since: number) =>
    h.logs
      .slice(since)
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { alert?: boolean; msg: string })
      .filter((l) => l.alert === true);

  const table = () => h.env.RATE_LIMIT_TABLE_NAME ?? 'latchkey-rate-limits';
  const markKey = { pk: { S: `${ALERT_KEY_PREFIX}slack-token-refused` } };
  /** The hour of the last page for the refused token ends (the Lambda runs on the real clock): its mark goes. */
  const anHourPasses = () => new DynamoDBClient({ endpoint: h.dynamo.endpoint }).send(new DeleteItemCommand({ TableName: table(), Key: markKey }));
  /** The mark as an older version of Latchkey writes it, straight to the table. */
  const markWritten = (update: string, values: Record<string, { N: string } | { S: string }>) =>
    new DynamoDBClient({ endpoint: h.dynamo.endpoint }).send(new UpdateItemCommand({ TableName: table(), Key: markKey, UpdateExpression: update, ExpressionAttributeValues: values }));

  /** A command on a fresh instance whose auth.test Slack answers with `error`; its window's ID. */
  const commandUnauthorised = async (userId: string, error: string) => {
    h.coldNext(1);
    h.slack.failNext('auth.test', { error });
    const triggerId = h.slack.newTriggerId();
    const answer = await h.command('/reset-pin', userId, { triggerId, responseUrl: `${hooks.url}${userId}` });
    expect(answer.status).toBe(200);
    await h.lambda.idle();
    return h.openedViewId(h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId)!);
  };
  /**
   * The same, with the token refused for every call its worker makes: auth.test, then the window's
   * update (the person is told through the response_url). With the update taken, the instance has
   * seen Slack take the token again: the outage over, the next one may page within the hour.
   */
  const commandInOutage = async (userId: string, error: string) => {
    h.slack.failNext('views.update', { error });
    await commandUnauthorised(userId, error);
  };

  it('its window says Latchkey is misconfigured, an admin has been alerted and nothing was changed, and the on-call is paged: our token refused is our setup, as it is on the server', async () => {
    const since = h.logs.length;
    const viewId = await commandUnauthorised('UANN', 'invalid_auth');
    expect(h.slack.callsTo('users.info')).toEqual([]);
    const shown = JSON.stringify(h.lastShown(viewId, []));
    expect(shown).toContain(TOLD);
    // Before: "Try again in a minute", which would meet the same refusal.
    expect(shown).not.toContain('Try again');
    expect(posted.filter((p) => p.who === 'UANN')).toEqual([]);
    // Before, a warning only: a revoked token on Lambda paged nobody, every person told to try again in a minute.
    // Paged where the app's client met the refusal (token-watch.ts), once, not again by the handler.
    expect(alerts(since)).toEqual([expect.objectContaining({ msg: REFUSED, method: 'auth.test', slackError: 'invalid_auth' })]);
  });

  it('with our token refused for the window too, the command hears it privately through its response_url, which needs no token', async () => {
    // Past the hour of the page before, which would stand for this instance too.
    await anHourPasses();
    const since = h.logs.length;
    h.slack.failNext('views.update', { error: 'token_revoked' });
    await commandUnauthorised('UBOB', 'token_revoked');
    expect(posted.filter((p) => p.who === 'UBOB').map((p) => p.body)).toEqual([{ response_type: 'ephemeral', replace_original: false, text: TOLD }]);
    expect(alerts(since)).toEqual([expect.objectContaining({ msg: REFUSED, method: 'auth.test', slackError: 'token_revoked' })]);
  });

  it('each new instance that meets the refusal within the hour of a page does not page again (the alarm would, after 5 quiet minutes); one after the hour does', async () => {
    await anHourPasses();
    const since = h.logs.length;
    await commandInOutage('UCARL', 'token_revoked');
    await commandInOutage('UADA', 'token_revoked');
    expect(alerts(since)).toEqual([expect.objectContaining({ msg: REFUSED, slackError: 'token_revoked' })]);
    expect(h.logs.slice(since).join('')).toContain('Slack refuses the bot token; another instance paged for it within the hour');
    await anHourPasses();
    await commandUnauthorised('UANN', 'token_revoked');
    expect(alerts(since)).toEqual([expect.objectContaining({ msg: REFUSED }), expect.objectContaining({ msg: REFUSED })]);
  });

  /** Runs `act` with DynamoDB's answer to the first write `which` picks lost (the write made, its answer dropped): the statuses DynamoDB gave the writes lost. */
  const answerLost = async (which: (c: DynamoCall) => boolean, act: () => Promise<unknown>) => {
    const before = h.dynamoGate.lost.filter(which).length;
    const stop = h.dynamoGate.lose(which, 1);
    try {
      await act();
    } finally {
      stop();
    }
    return h.dynamoGate.lost.filter(which).slice(before).map((c) => c.status);
  };

  it("an instance whose write of the mark was made but whose answer was lost pages: the SDK's retry meets its own mark, not another instance's", async () => {
    await anHourPasses();
    const since = h.logs.length;
    const mark = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes(`${ALERT_KEY_PREFIX}slack-token-refused`);
    expect(await answerLost(mark, () => commandUnauthorised('UADA', 'token_revoked'))).toEqual([200]);
    expect(alerts(since)).toEqual([expect.objectContaining({ msg: REFUSED, slackError: 'token_revoked' })]);
  }, 30_000);

  /** A command on the instance that served the last one, worked to its end by Slack, which takes the token again: the person is looked up. */
  const commandServed = async (userId: string) => {
    const looked = h.slack.callsTo('users.info').length;
    expect((await h.command('/reset-pin', userId, { triggerId: h.slack.newTriggerId() })).status).toBe(200);
    await h.lambda.idle();
    expect(h.slack.callsTo('users.info').slice(looked).map((c) => c.args.user)).toEqual([userId]);
  };
  const ANOTHER_PAGED = 'Slack refuses the bot token; another instance paged for it within the hour';

  it('a second outage within the hour of the first page pages again, once an instance saw Slack take the token between', async () => {
    await anHourPasses();
    const since = h.logs.length;
    await commandInOutage('UANN', 'token_revoked');
    expect(alerts(since)).toHaveLength(1);
    // Mended: the instance that met the refusal is served again.
    await commandServed('UBOB');
    // Refused again (the new token revoked too), met by another instance. Before, only a warning:
    // the operator paged for the first outage was never paged for this one.
    await commandInOutage('UCARL', 'invalid_auth');
    expect(alerts(since)).toEqual([expect.objectContaining({ msg: REFUSED, slackError: 'token_revoked' }), expect.objectContaining({ msg: REFUSED, slackError: 'invalid_auth' })]);
    expect(h.logs.slice(since).join('')).not.toContain(ANOTHER_PAGED);
  }, 30_000);

  it('a flapping token (refused, taken, refused, taken…) pages at most 3 times in the hour of its first page', async () => {
    await anHourPasses();
    const since = h.logs.length;
    for (const userId of ['UANN', 'UBOB', 'UCARL', 'UADA', 'UMAX']) {
      await commandInOutage(userId, 'token_revoked');
      await commandServed(userId);
    }
    expect(alerts(since)).toHaveLength(3);
    expect(h.logs.slice(since).filter((l) => l.includes(ANOTHER_PAGED))).toHaveLength(2);
    // The hour over, it pages again.
    await anHourPasses();
    await commandInOutage('UANN', 'token_revoked');
    expect(alerts(since)).toHaveLength(4);
  }, 60_000);

  it("a page within the hour whose write's answer was lost is counted once: after the SDK's retry and an end, the next outage still pages", async () => {
    await anHourPasses();
    const since = h.logs.length;
    await commandInOutage('UANN', 'token_revoked');
    await commandServed('UANN');
    // The second page's count, made by DynamoDB, its answer lost: the SDK sends the same write again.
    const counted = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes(`${ALERT_KEY_PREFIX}slack-token-refused`) && c.body.includes('ADD ');
    expect(await answerLost(counted, () => commandInOutage('UBOB', 'token_revoked'))).toEqual([200]);
    await commandServed('UBOB');
    // The third outage in the hour: its page is the hour's third, not a fourth. Before, the retry
    // counted the second page twice, and this one was only a warning.
    await commandInOutage('UCARL', 'invalid_auth');
    expect(alerts(since).map((a) => (a as { slackError?: string }).slackError)).toEqual(['token_revoked', 'token_revoked', 'invalid_auth']);
    expect(h.logs.slice(since).join('')).not.toContain(ANOTHER_PAGED);
  }, 60_000);

  it("an end seen in the hour before is not taken for one in this hour: an older version's new-hour write leaves it on the mark", async () => {
    await anHourPasses();
    const since = h.logs.length;
    await commandInOutage('UANN', 'token_revoked');
    await commandServed('UANN');
    // An instance still on the version before counts (during a deploy) meets the mark past and
    // writes its new hour: its expiresAt only, the end seen and the pages of the last hour left.
    await markWritten('SET expiresAt = expiresAt + :hour', { ':hour': { N: '3600' } });
    await commandInOutage('UBOB', 'token_revoked');
    expect(alerts(since)).toHaveLength(1);
    expect(h.logs.slice(since).filter((l) => l.includes(ANOTHER_PAGED))).toHaveLength(1);
  }, 30_000);

  it('a mark written with the version before as a number of pages stands its hour, its end seen or not', async () => {
    await anHourPasses();
    const now = Math.floor(Date.now() / 1000);
    await markWritten('SET expiresAt = :until, pages = :one, endedAt = :now', { ':until': { N: String(now + 3_600) }, ':one': { N: '1' }, ':now': { N: String(now) } });
    const since = h.logs.length;
    await commandInOutage('UANN', 'token_revoked');
    expect(alerts(since)).toEqual([]);
    expect(h.logs.slice(since).join('')).toContain(ANOTHER_PAGED);
  }, 30_000);

  it("an instance that cannot mark the outage ended serves the request without waiting out DynamoDB's tries, and says so in a warning, not a page", async () => {
    await anHourPasses();
    await commandInOutage('UANN', 'token_revoked');
    const since = h.logs.length;
    const stop = h.dynamoGate.lose((c) => c.operation === 'UpdateItem' && c.body.includes(`${ALERT_KEY_PREFIX}slack-token-refused`), Infinity);
    try {
      await commandServed('UBOB');
      // Before, the Slack call that saw the token taken waited out every try (about 3.2 s on Lambda), to say 'failed'.
      expect(h.logs.slice(since).join('')).toContain('Slack takes the bot token again, but marking its refusal ended had no answer within 0.5 s');
      // The write goes on while the instance lives, and its failure is still said; once every try is
      // lost, so that none lands on the next test's mark.
      await until('the failed write of the end', () => h.logs.slice(since).join('').includes('Slack takes the bot token again, but marking its refusal ended failed'));
    } finally {
      stop();
    }
    expect(alerts(since)).toEqual([]);
  }, 30_000);

  it('an instance that cannot write the mark pages (fail open), though another paged within the hour', async () => {
    await anHourPasses();
    await commandInOutage('UBOB', 'token_revoked');
    const since = h.logs.length;
    const stop = h.dynamoGate.lose((c) => c.operation === 'UpdateItem' && c.body.includes(`${ALERT_KEY_PREFIX}slack-token-refused`), Infinity);
    try {
      await commandInOutage('UCARL', 'token_revoked');
    } finally {
      stop();
    }
    expect(alerts(since)).toEqual([expect.objectContaining({ msg: REFUSED, slackError: 'token_revoked' })]);
  }, 30_000);
});
