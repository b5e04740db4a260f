import { LAMBDA_SLACK_CALL_MS } from '../../src/lambda/function-time';
import { SIGNING_SECRET, TEAM, useHarness } from '../support/harness';
import { homeOpenedEvent, postEvent } from '../support/slack-requests';

/**
 * Without the bot's IDs (SLACK_BOT_ID, SLACK_BOT_USER_ID), Bolt calls auth.test before any listener
 * runs. On Lambda that call has the bound of every other Slack call there (LAMBDA_SLACK_CALL_MS, its
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
  const within = <T>(ms: number, p: Promise<T>) => Promise.race([p, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms).unref())]);
  const NOT_AUTHORIZED = 'Slack did not authorize the request; no listener ran';

  it('a cold start answering a request that needs it answers within the bound: an empty 200, a warning, no page', async () => {
    h.coldNext(1);
    h.slack.hold('auth.test');
    const logsBefore = h.logs.length;
    const started = Date.now();
    const answer = await within(3 * LAMBDA_SLACK_CALL_MS, postEvent(h.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId: 'UANN', teamId: TEAM })));
    expect(answer).toMatchObject({ status: 200 });
    // The cold start's secrets, then the call's bound.
    expect(Date.now() - started).toBeLessThan(LAMBDA_SLACK_CALL_MS + 2_000);
    expect(h.slack.held.map((c) => c.method)).toContain('auth.test');
    // Its worker meets the same Slack, and ends the same way.
    await within(3 * LAMBDA_SLACK_CALL_MS, h.lambda.idle());
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
    const started = Date.now();
    // A command is acknowledged on arrival, before Bolt's authorisation: the worker is the first to need it.
    const answer = await within(3 * LAMBDA_SLACK_CALL_MS, h.command('/reset-pin', 'UANN', { triggerId: h.slack.newTriggerId() }));
    expect(answer).toMatchObject({ status: 200 });
    await within(3 * LAMBDA_SLACK_CALL_MS, h.lambda.idle());
    const worked = h.lambda.worked.slice(workedBefore);
    expect(worked).toHaveLength(1);
    expect(worked[0]!.error).toBeUndefined();
    expect(worked[0]!.at - started).toBeLessThan(LAMBDA_SLACK_CALL_MS + 2_000);
    expect(h.slack.callsTo('users.info')).toEqual([]);
    const lines = logLines(logsBefore);
    expect(lines.map((l) => l.msg)).toContain(NOT_AUTHORIZED);
    expect(lines.filter((l) => l.alert === true)).toEqual([]);
  }, 20_000);
});
