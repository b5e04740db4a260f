import { useHarness } from '../support/harness';
import type { DynamoCall } from '../support/dynamo-gate';
import type { SlackCall } from '../support/slack-fake';
import { until } from '../support/until';
import { asksForPinReset, decide, decidedUntold, decisionSteps, expectEveryTryMade, review, writeOf } from '../support/approval-requests';

/**
 * An approval to finish whose admin's click could not tell it was saved (its write made, every
 * answer lost, its read-back failed), so its requester was never told of it, that then ends before
 * any touch told them: they are told what came of it in one message, in words for someone who never
 * heard of the approval, and nothing later tells them it was approved. Over HTTP against the real app.
 */
const POLICY = { RESET_POLICY: 'pin=approval' };

describe('an approval to finish its admin could not tell was saved, which ends before its requester is told', () => {
  const h = useHarness({ env: POLICY, awsRequestTimeoutMs: 2_000, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  afterEach(() => (h.clock.offsetMs = 0));
  const dmsTo = (userId: string) => h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${userId}`);
  const ephemeralsTo = (userId: string) => h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === userId).length;

  it("expired, found by its requester's Home tab: he is told in one DM that Ada approved it and it expired before Latchkey could tell him, never with a Finish button nor as an approval they knew of; the DM that said it was sent loses Withdraw; Ada's approval is on record as made; later touches tell nothing more", async () => {
    const request = await asksForPinReset(h, 'UCARL');
    await decidedUntold(h, request, decide('approve'), 'APPROVED');
    const before = dmsTo('UCARL').length;

    h.clock.offsetMs = 31 * 60_000;
    await h.openHomeToTheEnd('UCARL');
    const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && String(c.args.text).includes('expired'), 10_000);
    // Before: "Your approved meeting PIN reset request expired before you finished it.", of an approval Carl never heard of.
    expect(told.args.text).toMatch(
      /^<@UADA> approved your meeting PIN reset request at <!date\^\d+\^[^>]*>, but Latchkey could not tell you then, and the approval expired at <!date\^\d+\^[^>]*> before you could finish it\. Nothing was changed\.$/,
    );
    expect(JSON.stringify(told.args.blocks)).toContain('Run `/reset-pin` to ask again; an admin must approve it again.');
    // Before: the DM that said it was sent kept its Withdraw button.
    const sent = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts, 10_000);
    expect(JSON.stringify(sent.args.blocks)).not.toContain('approval_withdraw');
    const message = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args.blocks).includes('Expired at'), 10_000);
    expect(JSON.stringify(message.args.blocks)).not.toMatch(/license_review|approval_revoke/);
    // Before: Ada's approval stayed "could not tell" on record for good.
    const { steps } = await decisionSteps(h, 'UADA', 'reset_decide', request);
    expect(steps).toEqual([
      ['attempt', undefined, undefined, 'approve', undefined],
      ['outcome', 'failure', 'STORE_OUTCOME_UNKNOWN', 'approve', undefined],
      ['outcome', 'success', undefined, 'approve', true],
    ]);

    // Later touches (his Home tab, an admin's Review) tell him nothing more: never "approved", never a Finish button.
    // Its Review's follow-up is done before its window shows what it found.
    await h.openHomeToTheEnd('UCARL');
    await review(h, 'UMAX', request);
    expect(dmsTo('UCARL').slice(before)).toEqual([told]);
    expect(JSON.stringify(dmsTo('UCARL').map((c) => c.args.blocks))).not.toContain('approval_finish');
  }, 90_000);

  it("expired, approved again (untold) after an earlier finish whose outcome is unknown: he is told in one DM who approved it and when, that this approval changed nothing and that the earlier change may have been made, never as an approval he knew of", async () => {
    const request = await asksForPinReset(h, 'UCARL');
    await decidedUntold(h, request, decide('approve'), 'APPROVED');
    // As an approval given again after a finish that died midway (its change may have been made).
    await h.addRawRequestFields(request.requestId, { earlierFinishRequestId: 'reset-earlier-finish' });
    const before = dmsTo('UCARL').length;

    h.clock.offsetMs = 31 * 60_000;
    await h.openHomeToTheEnd('UCARL');
    const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && String(c.args.text).includes('expired'), 10_000);
    // Before: "Your approved meeting PIN reset request expired before you finished it; …", of an approval Carl never heard of.
    expect(told.args.text).toMatch(
      /^<@UADA> approved your meeting PIN reset request at <!date\^\d+\^[^>]*>, but Latchkey could not tell you then, and the approval expired at <!date\^\d+\^[^>]*> before you could finish it\. This approval changed nothing\.$/,
    );
    const blocks = JSON.stringify(told.args.blocks);
    expect(blocks).toContain('The earlier change may have been made: IT can check it with the reference `reset-earlier-finish`');
    expect(blocks).not.toContain('Nothing was changed');
    expect(blocks).not.toContain('Your approved');
    expect(dmsTo('UCARL').slice(before)).toEqual([told]);
  }, 90_000);

  it("expired, whose approval cannot be written on record as made when its requester's Home tab finds it: nothing is moved or told (fail closed) and nothing alerts; his next Home tab writes it, expires it and tells him, once", async () => {
    const request = await asksForPinReset(h, 'UBOB');
    await decidedUntold(h, request, decide('approve'), 'APPROVED');
    const before = dmsTo('UBOB').length;
    const restated = (c: DynamoCall) => c.operation === 'PutItem' && c.body.includes('3-restated') && c.body.includes(request.requestId);
    const fromLog = h.logs.length;
    const lines = () => h.logs.slice(fromLog).join('').split('\n');
    h.clock.offsetMs = 31 * 60_000;
    const release = h.dynamoGate.hold(restated);
    try {
      await h.openHome('UBOB');
      // Until the app gives up on that write (its tries, 2 s each here), and says so in its log.
      await until("the app's giving up on that write", () => lines().some((l) => l.includes('expiring a request failed') && l.includes(request.requestId)), 20_000);
      await h.homeFollowedUp('UBOB', fromLog);
    } finally {
      release();
    }
    expect(h.dynamoGate.held.filter(restated)).not.toEqual([]);
    // Before this change: expired and told "Your approved … expired", Ada's approval left "could not tell" on record.
    expect(dmsTo('UBOB').slice(before)).toEqual([]);
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts || c.args.ts === request.dm.ts)).toEqual([]);
    expect(lines().filter((l) => l.includes('"alert":true'))).toEqual([]);

    await h.openHomeToTheEnd('UBOB');
    const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && String(c.args.text).includes('expired'), 10_000);
    expect(told.args.text).toMatch(/^<@UADA> approved your meeting PIN reset request at .*, but Latchkey could not tell you then/);
    await decisionSteps(h, 'UADA', 'reset_decide', request);
    await h.openHomeToTheEnd('UBOB');
    expect(dmsTo('UBOB').slice(before)).toEqual([told]);
    expect(lines().filter((l) => l.includes('"alert":true'))).toEqual([]);
  }, 90_000);

  it("revoked by another admin from the admins' message: she is told in one DM that Ada approved it and Max revoked it before Latchkey could tell her, never with a Finish button nor as an approval she knew of; the DM that said it was sent loses Withdraw; Ada's approval is on record as made before Max's revoke; later touches tell nothing more", async () => {
    const request = await asksForPinReset(h, 'UANN');
    await decidedUntold(h, request, decide('approve'), 'APPROVED');
    const before = dmsTo('UANN').length;

    await h.click('UMAX', 'approval_revoke', request.requestId, request.message);
    await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UMAX' && String(c.args.text).includes('Revoked'), 10_000);
    const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && String(c.args.text).includes('revoked'), 10_000);
    // Before: "<@UMAX> revoked the approval of your meeting PIN reset request at …, before you finished it.", of an approval Ann never heard of.
    expect(told.args.text).toMatch(
      /^<@UADA> approved your meeting PIN reset request at <!date\^\d+\^[^>]*>, but Latchkey could not tell you then, and <@UMAX> revoked the approval at <!date\^\d+\^[^>]*>, before you could finish it\. Nothing was changed\.$/,
    );
    expect(JSON.stringify(told.args.blocks)).toContain('Run `/reset-pin` to ask again; an admin must approve it again.');
    // Before: the DM that said it was sent kept its Withdraw button.
    const sent = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.dm.ts, 10_000);
    expect(JSON.stringify(sent.args.blocks)).not.toContain('approval_withdraw');
    // Before: Ada's approval stayed "could not tell" on record for good.
    const { records: ofAda, steps } = await decisionSteps(h, 'UADA', 'reset_decide', request);
    expect(steps).toEqual([
      ['attempt', undefined, undefined, 'approve', undefined],
      ['outcome', 'failure', 'STORE_OUTCOME_UNKNOWN', 'approve', undefined],
      ['outcome', 'success', undefined, 'approve', true],
    ]);
    const ofMax = (await h.waitForAudit('UMAX', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome', 10_000)).filter(
      (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId,
    );
    expect(ofMax.map((r) => [r.phase, r.outcome])).toEqual([
      ['attempt', undefined],
      ['outcome', 'success'],
    ]);
    // Ada's approval on record as made before Max's revoke was tried.
    expect(Date.parse(ofAda[2]!.at)).toBeLessThanOrEqual(Date.parse(ofMax[0]!.at));

    // Its Review's follow-up is done before its window shows what it found.
    await h.openHomeToTheEnd('UANN');
    await review(h, 'UADA', request);
    expect(dmsTo('UANN').slice(before)).toEqual([told]);
    expect(JSON.stringify(dmsTo('UANN').map((c) => c.args.blocks))).not.toContain('approval_finish');
  }, 90_000);

  it("revoked by another admin while the approval cannot be written on record as made: nothing is revoked or told (fail closed), no revoke is on record, and his next Revoke revokes it and tells its requester, once, of both", async () => {
    const request = await asksForPinReset(h, 'UBOB');
    await decidedUntold(h, request, decide('approve'), 'APPROVED');
    const before = dmsTo('UBOB').length;
    const restated = (c: DynamoCall) => c.operation === 'PutItem' && c.body.includes('3-restated') && c.body.includes(request.requestId);
    const release = h.dynamoGate.hold(restated);
    let refused: SlackCall;
    try {
      await h.click('UMAX', 'approval_revoke', request.requestId, request.message);
      refused = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UMAX', 30_000);
    } finally {
      release();
    }
    expect(h.dynamoGate.held.filter(restated)).not.toEqual([]);
    // Max is told his click revoked nothing, and what to do next: click Revoke again (never another kind's command).
    expect(refused!.args.text).toBe(':warning: Latchkey could not write its audit record, so it changed nothing. The approval was not revoked.');
    const next = JSON.stringify(refused!.args.blocks);
    expect(next).toContain(`An admin has been alerted. Click *Revoke approval* below in a few minutes to try again. If it still fails then, tell IT the reference \`${request.requestId}\``);
    expect(next).toContain('"action_id":"approval_revoke"');
    expect(next).not.toMatch(/Run `\//);
    // That ephemeral is the last thing the click does.
    // Before this change: revoked, and Bob told "<@UMAX> revoked the approval of your …" while Ada's approval stayed "could not tell".
    expect(dmsTo('UBOB').slice(before)).toEqual([]);
    expect((await h.auditRecords('UMAX')).filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId)).toEqual([]);

    const answered = ephemeralsTo('UMAX');
    await h.click('UMAX', 'approval_revoke', request.requestId, request.message);
    const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && String(c.args.text).includes('revoked'), 10_000);
    expect(told.args.text).toMatch(/^<@UADA> approved your meeting PIN reset request at .*, but Latchkey could not tell you then, and <@UMAX> revoked the approval at /);
    await until("the second Revoke's ephemeral (the last thing it does)", () => ephemeralsTo('UMAX') > answered);
    await decisionSteps(h, 'UADA', 'reset_decide', request);
    await h.openHomeToTheEnd('UBOB');
    expect(dmsTo('UBOB').slice(before)).toEqual([told]);
  }, 90_000);

  it("revoked by another admin whose revoke could not tell it was made (its write made, every answer lost, its read-back failed): his next Revoke tells its requester, once, that Ada approved it and Max revoked it, never as an approval she knew of", async () => {
    const request = await asksForPinReset(h, 'UANN');
    await decidedUntold(h, request, decide('approve'), 'APPROVED');
    const before = dmsTo('UANN').length;
    const revokeWrite = writeOf('REVOKED', request);
    const stopLosing = h.dynamoGate.lose(revokeWrite, Infinity);
    const releaseRead = h.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(request.requestId) && h.dynamoGate.seen.some(revokeWrite));
    try {
      await h.click('UMAX', 'approval_revoke', request.requestId, request.message);
      const unsure = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UMAX', 50_000);
      expect(unsure.args.text).toContain('Latchkey could not tell whether the approval was revoked');
    } finally {
      stopLosing();
      releaseRead();
    }
    expectEveryTryMade(h, revokeWrite);
    expect(dmsTo('UANN').slice(before)).toEqual([]);

    const answered = ephemeralsTo('UMAX');
    await h.click('UMAX', 'approval_revoke', request.requestId, request.message);
    const told = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && String(c.args.text).includes('revoked'), 10_000);
    // Before: "<@UMAX> revoked the approval of your meeting PIN reset request at …", of an approval Ann never heard of.
    expect(told.args.text).toMatch(
      /^<@UADA> approved your meeting PIN reset request at <!date\^\d+\^[^>]*>, but Latchkey could not tell you then, and <@UMAX> revoked the approval at <!date\^\d+\^[^>]*>, before you could finish it\. Nothing was changed\.$/,
    );
    await until("the second Revoke's ephemeral (the last thing it does)", () => ephemeralsTo('UMAX') > answered);
    await h.openHomeToTheEnd('UANN');
    expect(dmsTo('UANN').slice(before)).toEqual([told]);
  }, 120_000);
});
