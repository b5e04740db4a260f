import { APPROVALS_CHANNEL, SIGNING_SECRET, TEAM, secretIn, useHarness, type Harness } from '../support/harness';
import { homeOpenedEvent, postEvent } from '../support/slack-requests';
import { until } from '../support/until';
import { decide } from '../support/approval-requests';
import { useResponseUrls } from '../support/response-urls';

/**
 * Slack starts refusing the bot token while the server runs (a workspace admin revoked it, or
 * removed the app): every call answers 200 with ok:false. The operator is paged once for it, with
 * what to do, not once for each request a morning's employees make; each person who ran a command
 * is told through its response_url, which needs no token, that an admin has been alerted. Before,
 * every command paged (`reset failed: operator action needed`, and its kin), and a Home tab opened
 * paged nobody.
 */
const hooks = useResponseUrls();
/** What was posted to each response_url, in order: who it was for, and its text. */
const posted = () => hooks.received.map(({ who, body }) => ({ who, text: body.text }));
const bodies = hooks.received;

const PAGE = "Slack refuses the bot token: every command, click and Home tab fails until it takes it again. Reinstall the app (OAuth & Permissions), put its new bot token in SLACK_BOT_TOKEN and restart (on Lambda: force new instances); a restart alone does not help. invalid_auth with the token unchanged: check the app's allowed IP address ranges (OAuth & Permissions, Restrict API Token Usage)";
const TOLD = 'Latchkey is misconfigured. An admin has been alerted. Nothing was changed.';

/** What /healthz answers: its status and its body. */
async function healthOf(h: Harness): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${h.url}/healthz`);
  return { status: res.status, body: (await res.json()) as unknown };
}
/** How many times the page has been logged so far. */
const pagesIn = (h: Harness) => h.logs.filter((l) => l.includes(PAGE)).length;
/**
 * Called before a /reset-pin refused for the token: waits for that command's end (its refusal logged,
 * after users.info, the call after the page). A call of it still in flight when a test has Slack take
 * the token again can be answered refused after /healthz's own question, and keep it degraded.
 */
const commandEnded = (h: Harness) => {
  const refusals = h.logs.filter((l) => l.includes('"reset refused or failed"')).length;
  return () => h.waitForLogs('"reset refused or failed"', refusals + 1);
};

describe('the bot token refused while the server runs', () => {
  const h = useHarness({ entry: 'server' }, (x) => x.slack.clear());
  afterEach(() => {
    h.slack.refuseToken(undefined);
    h.clock.offsetMs = 0;
  });

  /** The alert lines logged since `from`, once the test has checked that no line since then holds the token. */
  const alertsSince = (from: number) => {
    const lines = h.logs.slice(from).join('');
    expect(lines).not.toContain(h.slack.botToken);
    return lines
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.alert === true);
  };

  it('pages once, saying what to do, however many commands meet it; each person is told through the command that an admin has been alerted', async () => {
    // Slack took the token just now: what follows is one burst of refusals.
    await h.open('/reset-pin', 'UCARL');
    const from = h.logs.length;
    const postedBefore = posted().length;
    h.slack.refuseToken('token_revoked');
    const commands = [
      ['/reset-pin', 'UANN'],
      ['/reset-password', 'UBOB'],
      ['/request-license', 'UCARL'],
      ['/reset-pin', 'UADA'],
    ] as const;
    for (const [command, userId] of commands) expect((await h.command(command, userId, { responseUrl: `${hooks.url}${userId}` })).status).toBe(200);
    await until('every command answered through its response_url', () => posted().length - postedBefore >= commands.length);
    // Each told once, and nobody else: the answers may come in any order.
    const byWho = (a: { who: string }, b: { who: string }) => a.who.localeCompare(b.who);
    expect(posted().slice(postedBefore).sort(byWho)).toEqual(commands.map(([, userId]) => ({ who: userId, text: TOLD })).sort(byWho));
    expect(alertsSince(from)).toEqual([expect.objectContaining({ level: 'error', msg: PAGE, slackError: 'token_revoked' })]);
  }, 30_000);

  it('pages once for a burst even when, within it, a call sent before the refusal is answered ok, or Slack fails a call another way', async () => {
    await h.openHome('UANN');
    // UBOB's Home tab is published by a call sent before the revocation and answered after it.
    const release = h.slack.hold('views.publish', (a) => a.user_id === 'UBOB');
    expect((await postEvent(h.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId: 'UBOB', teamId: TEAM }))).status).toBe(200);
    await until("UBOB's Home tab to be on its way", () => h.slack.held.some((c) => c.method === 'views.publish' && c.args.user_id === 'UBOB'));
    const from = h.logs.length;
    const postedBefore = posted().length;
    h.slack.refuseToken('token_revoked');
    await h.command('/reset-pin', 'UANN', { responseUrl: `${hooks.url}UANN` });
    await until("UANN's answer", () => posted().length - postedBefore >= 1);
    h.slack.failNext('views.publish', { answer: { ok: true, view: { id: 'VLATE' } } });
    release();
    await h.slack.waitForCall('views.publish', (c) => c.args.user_id === 'UBOB' && c.result?.ok === true);
    // A Slack fault that says nothing about the token, on each call of the command.
    for (const method of ['users.info', 'views.open']) h.slack.failNext(method, { error: 'fatal_error' });
    await h.command('/reset-pin', 'UCARL', { responseUrl: `${hooks.url}UCARL` });
    await until("UCARL's answer", () => posted().length - postedBefore >= 2);
    await h.command('/reset-pin', 'UADA', { responseUrl: `${hooks.url}UADA` });
    await until("UADA's answer", () => posted().length - postedBefore >= 3);
    expect(posted().slice(postedBefore).filter((p) => p.who !== 'UCARL')).toEqual([
      { who: 'UANN', text: TOLD },
      { who: 'UADA', text: TOLD },
    ]);
    expect(alertsSince(from).filter((l) => l.msg === PAGE)).toEqual([expect.objectContaining({ slackError: 'token_revoked' })]);
  }, 30_000);

  it('pages again once Slack took the token between, even when only a Home tab meets the refusal', async () => {
    await h.openHome('UANN');
    const from = h.logs.length;
    h.slack.refuseToken('account_inactive');
    const unpublished = h.logs.filter((l) => l.includes('could not publish the home tab')).length;
    // UMAX is an admin through ADMIN_USERGROUP_ID: their tab reads the group again once its list is a
    // minute old, which Slack refuses too (before, a second page, telling to check usergroups:read).
    h.clock.offsetMs += 120_000;
    for (const userId of ['UANN', 'UMAX']) expect((await postEvent(h.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId, teamId: TEAM }))).status).toBe(200);
    await h.waitForLogs('could not publish the home tab', unpublished + 2);
    expect(alertsSince(from)).toEqual([expect.objectContaining({ msg: PAGE, slackError: 'account_inactive' })]);
  });

  it("a button of /reset's list, clicked, is answered through its message's response_url", async () => {
    const picker = await h.command('/reset', 'UBOB');
    expect(JSON.stringify(picker.json)).toContain('home_reset_pin');
    h.slack.refuseToken('token_revoked');
    const postedBefore = posted().length;
    await h.click('UBOB', 'home_reset_pin', 'pin', { channel: 'C0GENERAL', ts: '' }, h.slack.newTriggerId(), { responseUrl: `${hooks.url}UBOB-picked` });
    await until("the click's answer through its response_url", () => posted().length > postedBefore);
    expect(posted().slice(postedBefore)).toEqual([{ who: 'UBOB-picked', text: TOLD }]);
    // Privately, under the list, which stays.
    expect(bodies.at(-1)!.body).toEqual({ response_type: 'ephemeral', replace_original: false, text: TOLD });
  });

  const health = () => healthOf(h);
  const pages = () => pagesIn(h);
  const workEnded = () => commandEnded(h);

  it('/healthz stays 200 and says the token is refused, until Slack takes it again', async () => {
    await h.openHome('UANN');
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', checks: { dynamodb: 'ok' } } });
    h.slack.refuseToken('token_revoked');
    const ended = workEnded();
    await h.command('/reset-pin', 'UANN');
    // Once the app has read Slack's answer (the page), not once the fake has recorded it.
    await h.waitForLogs(PAGE, pages() + 1);
    await ended();
    expect(await health()).toEqual({ status: 200, body: { status: 'degraded', checks: { dynamodb: 'ok', slack: 'token_refused' } } });
    h.slack.refuseToken(undefined);
    await h.openHome('UANN');
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', checks: { dynamodb: 'ok' } } });
  });

});

/** Its own server: /healthz keeps its last question to Slack for 5 s, which the tests above would share. */
describe('/healthz after Slack refused the bot token', () => {
  const h = useHarness({ entry: 'server' }, (x) => x.slack.clear());
  afterEach(() => h.slack.refuseToken(undefined));
  const health = () => healthOf(h);
  const pages = () => pagesIn(h);
  const workEnded = () => commandEnded(h);

  it('says ok once Slack takes the token again with no request since: it asks Slack itself, only while the token is refused, at most once in 5 s', async () => {
    await h.openHome('UANN');
    const asked = () => h.slack.callsTo('auth.test').length;
    const before = asked();
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', checks: { dynamodb: 'ok' } } });
    expect(asked()).toBe(before);
    h.slack.refuseToken('token_revoked');
    const ended = workEnded();
    await h.command('/reset-pin', 'UANN');
    await h.waitForLogs(PAGE, pages() + 1);
    await ended();
    // A revocation of a minute, and no request since.
    h.slack.refuseToken(undefined);
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', checks: { dynamodb: 'ok' } } });
    expect(asked()).toBe(before + 1);
    // A new burst: within 5 s of its last question, /healthz goes by the watch alone.
    h.slack.refuseToken('account_inactive');
    await h.command('/reset-pin', 'UANN');
    await h.waitForLogs(PAGE, pages() + 1);
    const during = asked();
    expect(await health()).toEqual({ status: 200, body: { status: 'degraded', checks: { dynamodb: 'ok', slack: 'token_refused' } } });
    expect(await health()).toEqual({ status: 200, body: { status: 'degraded', checks: { dynamodb: 'ok', slack: 'token_refused' } } });
    expect(asked() - during).toBeLessThanOrEqual(1);
  });
});

/**
 * The buttons of other messages (Review on the admins' message, Finish and Withdraw in a DM, Revoke
 * on the admins' message) answered a click with chat.postEphemeral, a DM or a window, all of which
 * need the token: with it refused, the clicker saw nothing. Each now says what came of it through
 * the message's response_url, privately to the clicker, never over the message nor to the channel.
 */
describe("a message's buttons while the bot token is refused", () => {
  const h = useHarness({ entry: 'server', env: { RESET_POLICY: 'pin=approval' } }, (x) => x.slack.clear());
  afterEach(() => {
    h.slack.refuseToken(undefined);
    h.clock.offsetMs = 0;
    // Whatever was said, and wherever, never the token.
    expect(h.logs.join('')).not.toContain(h.slack.botToken);
    expect(JSON.stringify(bodies)).not.toContain(h.slack.botToken);
  });

  /** `userId` asks for a PIN reset, which waits for an admin: the request's ID, its admins' message, and the DM that says it was sent. */
  const asks = async (userId: string) => {
    const request = await h.asksForReset('/reset-pin', userId);
    const sent = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === `D${userId}` && JSON.stringify(c.args.blocks ?? []).includes('approval_withdraw'));
    return { ...request, dm: { channel: sent.result!.channel as string, ts: sent.result!.ts as string } };
  };
  /** What the click (`who`, its response_url's name) was told through its response_url, once it was. */
  const toldThrough = async (who: string) => {
    await until(`an answer through ${who}'s response_url`, () => bodies.some((b) => b.who === who));
    return bodies.filter((b) => b.who === who).map((b) => b.body);
  };

  it("Review on the admins' message tells the admin alone, never the channel, that Latchkey is misconfigured", async () => {
    const request = await asks('UANN');
    expect(request.message.channel).toBe(APPROVALS_CHANNEL);
    h.slack.refuseToken('token_revoked');
    await h.click('UADA', 'license_review', request.requestId, request.message, h.slack.newTriggerId(), { responseUrl: `${hooks.url}UADA-review` });
    // The admin check itself met the refusal (before, "Slack did not answer Latchkey just now… Try
    // Review again in a few minutes", which would meet it again): nothing of the request is said.
    expect(await toldThrough('UADA-review')).toEqual([{ response_type: 'ephemeral', replace_original: false, text: TOLD }]);
  });

  it('Finish in the DM says Latchkey is misconfigured, and nothing was changed: the approval still works', async () => {
    const request = await asks('UBOB');
    const review = await h.opensReview('UADA', request);
    await h.submit('UADA', review.view, { values: decide('approve') });
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'));
    const finish = { value: (dm.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string, message: { channel: dm.result!.channel as string, ts: dm.result!.ts as string } };
    h.slack.refuseToken('token_revoked');
    await h.click('UBOB', 'approval_finish', finish.value, finish.message, h.slack.newTriggerId(), { responseUrl: `${hooks.url}UBOB-finish` });
    expect(await toldThrough('UBOB-finish')).toEqual([{ response_type: 'ephemeral', replace_original: false, text: TOLD }]);
    h.slack.refuseToken(undefined);
    const again = await h.opening((trigger) => h.click('UBOB', 'approval_finish', finish.value, finish.message, trigger));
    expect(secretIn(again.view)).toBeDefined();
  });

  it("Revoke on the admins' message tells the admin alone what came of it", async () => {
    const request = await asks('UCARL');
    const review = await h.opensReview('UADA', request);
    await h.submit('UADA', review.view, { values: decide('approve') });
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'));
    h.slack.refuseToken('token_revoked');
    await h.click('UADA', 'approval_revoke', request.requestId, request.message, h.slack.newTriggerId(), { responseUrl: `${hooks.url}UADA-revoke` });
    const told = await toldThrough('UADA-revoke');
    expect(told).toEqual([expect.objectContaining({ response_type: 'ephemeral', replace_original: false })]);
    expect(told[0]!.text).toContain('Revoked: <@UCARL> can no longer finish their meeting PIN reset request, and nothing was changed.');
  });

  it("Revoke whose admin check meets the refusal tells the admin it was not revoked, not that Latchkey cannot tell", async () => {
    // Bob's earlier request, if any, is finished: he may ask again.
    const request = await asks('UBOB');
    const review = await h.opensReview('UADA', request);
    await h.submit('UADA', review.view, { values: decide('approve') });
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && c.args.ts === undefined && JSON.stringify(c.args.blocks ?? []).includes(request.requestId) && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'));
    // Ada's standing as Slack last said it is too old to trust: her check asks Slack again.
    h.clock.offsetMs += 120_000;
    h.slack.refuseToken('token_revoked');
    await h.click('UADA', 'approval_revoke', request.requestId, request.message, h.slack.newTriggerId(), { responseUrl: `${hooks.url}UADA-revoke-checked` });
    const told = await toldThrough('UADA-revoke-checked');
    expect(told).toEqual([expect.objectContaining({ response_type: 'ephemeral', replace_original: false })]);
    expect(told[0]!.text).toBe(':warning: Latchkey is misconfigured. An admin has been alerted. The approval was not revoked.');
    expect(JSON.stringify(told[0]!.blocks)).toContain('The approval still stands: its requester can still finish it once Latchkey works again. Click *Revoke approval* below again then.');
    // The next step is this admin's click again, once Latchkey works: its button is here.
    const buttons = (told[0]!.blocks as any[]).flatMap((b) => b.elements ?? []).filter((e: any) => e.type === 'button');
    expect(buttons).toEqual([expect.objectContaining({ action_id: 'approval_revoke', value: expect.stringContaining(request.requestId) })]);
    h.slack.refuseToken(undefined);
    expect((await h.storedRequest(request.requestId))?.status).toBe('APPROVED');
  });

  it('Withdraw in the DM tells its requester what came of it', async () => {
    const request = await asks('UMAX');
    const withdraw = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUMAX' && JSON.stringify(c.args.blocks ?? []).includes('approval_withdraw'));
    const value = (withdraw.args.blocks as any[]).flatMap((b) => b.elements ?? []).find((e: any) => e.action_id === 'approval_withdraw').value as string;
    h.slack.refuseToken('token_revoked');
    await h.click('UMAX', 'approval_withdraw', value, request.dm, h.slack.newTriggerId(), { responseUrl: `${hooks.url}UMAX-withdraw` });
    const told = await toldThrough('UMAX-withdraw');
    expect(told).toEqual([expect.objectContaining({ response_type: 'ephemeral', replace_original: false })]);
    expect(told[0]!.text).toContain('You withdrew your meeting PIN reset request');
  });
});
