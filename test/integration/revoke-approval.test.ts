import { APPROVALS_CHANNEL, type Harness, secretIn, useHarness } from '../support/harness';
import type { DynamoCall } from '../support/dynamo-gate';
import type { SlackCall } from '../support/slack-fake';
import { expectEveryTryMade, writeOf } from '../support/approval-requests';
import { until } from '../support/until';

/**
 * An admin takes back an approval its requester has yet to finish (a reset under the `approval`
 * policy), over HTTP against the real app: from the modal that says it was approved, the review of
 * an approved request, or the admins' message. Admins only, only before the finish starts, and
 * exactly one of a revoke and the requester's Finish wins.
 */
const POLICY = { RESET_POLICY: 'pin=approval' };
const decide = (decision: string, comment?: string) => ({
  decision: { decision: { type: 'radio_buttons', selected_option: { value: decision } } },
  comment: { comment: { type: 'plain_text_input', value: comment ?? null } },
});

interface Approved {
  readonly requestId: string;
  /** Its message in the approvals channel. */
  readonly message: { channel: string; ts: string };
  /** The approving admin's modal, as it shows the decision's result (with its ID, for a click in it). */
  readonly result: Record<string, any>;
  readonly resultViewId: string;
  /** The requester's DM with the Finish button. */
  readonly finish: { channel: string; ts: string; value: string };
}

/** `userId` asks for a PIN reset, and `adminId` approves it from the review modal. */
async function approvedPinReset(h: Harness, userId: string, adminId = 'UADA'): Promise<Approved> {
  const opened = await h.open('/reset-pin', userId);
  await h.submit(userId, opened.view);
  const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(`<@${userId}>`));
  const requestId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
  const message = { channel: post.result!.channel as string, ts: post.result!.ts as string };
  const review = await h.opening((trigger) => h.click(adminId, 'license_review', requestId, message, trigger));
  await h.submit(adminId, review.view, { values: decide('approve') });
  const result = await h.viewUpdate(review.viewId, 2);
  const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === `D${userId}` && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'));
  const button = (dm.args.blocks as any[]).find((b) => b.type === 'actions').elements[0];
  return {
    requestId,
    message,
    result: { ...result, id: review.viewId },
    resultViewId: review.viewId,
    finish: { channel: dm.result!.channel as string, ts: dm.result!.ts as string, value: button.value as string },
  };
}

/** The Revoke button of a view or message's blocks, if there is one. */
/** Each message `userId` was told of the revoke in, in order: posted, or rewritten (by its ts). */
function revokedToldTo(h: Harness, userId: string): [string, string][] {
  return h.slack.calls
    .filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === `D${userId}` && String(c.args.text).includes('revoked'))
    .map((c) => [c.method, (c.method === 'chat.update' ? c.args.ts : c.result?.ts) as string]);
}

function revokeIn(blocks: readonly any[]): Record<string, any> | undefined {
  return blocks.flatMap((b) => b.elements ?? []).find((e: any) => e.action_id === 'approval_revoke');
}

/** A person's Home tab lines of one reference (a request's, and the change its first finish made). */
async function homeLines(h: Harness, userId: string, reference: string): Promise<string[]> {
  const { home } = await h.openHome(userId);
  return (home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes(`\`${reference}\``));
}

/** An admin's audit search of a person's records of today, from their Home tab: the lines of the first page. */
async function searchLines(h: Harness, admin: string, person: string): Promise<string[]> {
  const { home } = await h.openHome(admin);
  const search = (home.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as any[]).find((b) => b.action_id === 'home_search');
  const { view: form } = await h.opening((t) => h.clickIn(admin, search.action_id, search.value, { view: home, triggerId: t }));
  const today = new Date().toISOString().slice(0, 10);
  await h.submit(admin, form, {
    values: {
      reference: { reference: { type: 'plain_text_input', value: null } },
      person: { person: { type: 'users_select', selected_user: person } },
      from: { from: { type: 'datepicker', selected_date: today } },
      to: { to: { type: 'datepicker', selected_date: today } },
    },
  });
  const found = await h.viewUpdate(form.id, 2);
  return (found.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
}

/** The latest rewrite of the admins' message, once one matches. */
function channelUpdate(h: Harness, request: Approved, match: (c: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall> {
  return h.slack.waitForCall('chat.update', (c) => c.args.channel === APPROVALS_CHANNEL && c.args.ts === request.message.ts && match(c), timeoutMs);
}

describe('revoking an approval before its requester finishes it', () => {
  const h = useHarness({ env: POLICY }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it("revoked from the modal that says it was approved: its requester is told, their old Finish changes nothing and says who revoked it and what to do, the admins' message says so, and it is on record", async () => {
    const pinBefore = h.chime.pinOf('chime-ann');
    const request = await approvedPinReset(h, 'UANN');
    // The approving admin's modal and the admins' message offer Revoke while Ann has yet to finish it.
    expect(JSON.stringify(request.result)).toContain('Approved. <@UANN> has been told');
    const button = revokeIn(request.result.blocks);
    expect(button?.value).toBe(request.requestId);
    expect(button?.confirm).toBeDefined();
    const approvedMessage = await channelUpdate(h, request, (c) => JSON.stringify(c.args.blocks).includes('waiting for <@UANN> to finish it'));
    expect(revokeIn(approvedMessage.args.blocks)?.value).toBe(request.requestId);

    await h.clickIn('UADA', 'approval_revoke', button!.value, { view: request.result });
    const told = JSON.stringify(await h.viewUpdate(request.resultViewId, 3));
    expect(told).toContain('Revoked: <@UANN> can no longer finish');
    expect(told).toContain('nothing was changed');
    expect(revokeIn(JSON.parse(told).blocks)).toBeUndefined();
    // The modal keeps the kind's title its review and decision gave it (before: "Review request").
    expect(request.result.title.text).toBe('Meeting PIN reset');
    expect(JSON.parse(told).title.text).toBe('Meeting PIN reset');

    // The admins' message says who revoked it, with neither Revoke nor Review: Ada, who approved it, named once
    // (before, "Approved by <@UADA> at …, then revoked by <@UADA> at …").
    const channel = await channelUpdate(h, request, (c) => JSON.stringify(c.args.blocks).includes('then revoked by the same admin'));
    expect(JSON.stringify(channel.args.blocks)).toMatch(/Approved by <@UADA> at <!date[^>]*>, then revoked by the same admin at /);
    expect(JSON.stringify(channel.args.blocks).match(/revoked by <@UADA>/g)).toBeNull();
    expect(JSON.stringify(channel.args.blocks)).toContain('before <@UANN> finished it: nothing was changed');
    expect(JSON.stringify(channel.args.blocks)).not.toContain('approval_revoke');
    expect(JSON.stringify(channel.args.blocks)).not.toContain('license_review');
    // Ann is told in the DM that said "Finish it by …", rewritten, its button gone: who revoked it,
    // and what she can do; once, with no new DM repeating it below.
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === request.finish.channel && c.args.ts === request.finish.ts);
    expect(dm.args.text).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    expect(dm.args.text).toContain('Nothing was changed');
    expect(JSON.stringify(dm.args.blocks)).toContain('Run `/reset-pin` to ask again');
    expect(JSON.stringify(dm.args.blocks)).not.toContain('approval_finish');
    await h.waitForAudit('UADA', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    expect(revokedToldTo(h, 'UANN')).toEqual([['chat.update', request.finish.ts]]);

    // Her old Finish button: nothing changes, and she is told it was revoked, by whom, and what to do.
    const finished = await h.opening((trigger) => h.click('UANN', 'approval_finish', request.finish.value, request.finish, trigger));
    const shown = JSON.stringify(finished.view);
    expect(shown).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    expect(shown).toContain('Nothing was changed');
    expect(shown).toContain('Run `/reset-pin` to ask again; an admin must approve it again.');
    expect(shown).toContain('If you did not ask for this, tell IT now');
    expect(secretIn(finished.view)).toBeUndefined();
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    expect(h.chime.pinOf('chime-ann')).toBe(pinBefore);

    // On record: Ada's revoke, the approval it took back and whose request it was; Ann's Finish changed nothing.
    const records = await h.waitForAudit('UADA', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_revoke').map((r) => [r.phase, r.outcome, r.approvalRequestId, r.subjectSlackUserId, r.credential])).toEqual([
      ['attempt', undefined, request.requestId, 'UANN', 'pin'],
      ['outcome', 'success', request.requestId, 'UANN', 'pin'],
    ]);
    expect((await h.auditRecords('UANN')).filter((r) => r.action === 'reset_pin')).toEqual([]);

    // Her Home tab says it was revoked; her place is free: asking again goes to the admins anew.
    const home = JSON.stringify((await h.openHome('UANN')).home);
    expect(home).toContain('then revoked by <@UADA>');
    // Her activity line names the admin who revoked it, as her request's line does.
    expect((await homeLines(h, 'UANN', request.requestId)).filter((l) => l.includes(':no_entry: Approved, then revoked by <@UADA>; nothing was changed'))).toHaveLength(1);
    // About her, to her: never her own name in the third person.
    expect(home).toContain('before you finished it');
    expect(home).not.toContain('<@UANN>');
    const again = await h.open('/reset-pin', 'UANN');
    expect(again.view.submit).toBeDefined();

    // Ada's own activity says she approved it, then revoked it herself ("you", on her own tab): never that it was applied.
    const activity = JSON.stringify((await h.openHome('UADA')).home);
    expect(activity).toContain('Approved, then revoked by you; nothing was changed');
    expect(activity).not.toContain('Approved and applied');
    // The audit search names her as its revoker on Ann's line; on her own line (her decision and her
    // revoke, "by <@UADA>"), once: before, "… by <@UADA> for <@UANN> · :no_entry: Approved, then revoked by <@UADA>".
    const lines = await h.lookUpReference('UADA', request.requestId);
    expect(lines.filter((l) => l.includes('by <@UANN>'))).toEqual([expect.stringContaining(':no_entry: Approved, then revoked by <@UADA>; nothing was changed')]);
    const adas = lines.filter((l) => l.includes('by <@UADA> for <@UANN>'));
    expect(adas).toEqual([expect.stringContaining(' · :no_entry: Approved, then revoked by this admin; nothing was changed')]);
    expect(adas[0]!.split('<@UADA>')).toHaveLength(2);
  });

  it("revoked while Slack refuses the rewrite of the Finish DM: its requester is told in a new DM instead, once", async () => {
    const request = await approvedPinReset(h, 'UBOB');
    h.slack.failNext('chat.update', { error: 'message_not_found' }, 1, (args) => args.ts === request.finish.ts);
    await h.click('UADA', 'approval_revoke', request.requestId, request.message);
    await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UADA' && String(c.args.text).includes('Revoked'));
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && String(c.args.text).includes('revoked'));
    expect(dm.args.text).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    expect(JSON.stringify(dm.args.blocks)).not.toContain('approval_finish');
    await h.waitForLogs('finish DM rewrite failed', 1);
    expect(revokedToldTo(h, 'UBOB')).toEqual([
      ['chat.update', request.finish.ts],
      ['chat.postMessage', dm.result!.ts],
    ]);
  });

  it.each([
    ['refuses both the rewrite of the Finish DM and a new DM', { error: 'channel_not_found' }],
    ['refuses the rewrite of the Finish DM and answers a new DM ok but without saying where it is (no channel, no ts)', { answer: { ok: true } }],
  ] as const)("revoked while Slack %s: its admin is told its requester may not know, and to tell them, never that they have been told", async (_, failure) => {
    const request = await approvedPinReset(h, 'UBOB');
    h.slack.failNext('chat.update', { error: 'message_not_found' }, 1, (args) => args.ts === request.finish.ts);
    h.slack.failNext('chat.postMessage', failure, 1, (args) => args.channel === 'DUBOB' && String(args.text).includes('revoked'));
    await h.click('UADA', 'approval_revoke', request.requestId, request.message);
    const answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UADA' && String(c.args.text).includes('Revoked'));
    // Before: "Revoked: <@UBOB> can no longer finish … They have been told, and can ask again."
    expect(answer.args.text).not.toContain('been told');
    expect(answer.args.text).toContain('Revoked: <@UBOB> can no longer finish their meeting PIN reset request, and nothing was changed.');
    expect(answer.args.text).toContain("Slack did not confirm that Latchkey's message reached <@UBOB>, so they may not know yet: tell them yourself that it was revoked, and that they can ask again with `/reset-pin`.");
    await h.waitForLogs('requester DM failed', 1);
  });

  it("an approved reset's closed review offers Revoke; a revoke from the admins' message tells only the admin; a license change, which its approval applies, offers none", async () => {
    const request = await approvedPinReset(h, 'UCARL');
    // Max opens Review on the message (a stale button, or a link): closed, with Revoke.
    const review = await h.opening((trigger) => h.click('UMAX', 'license_review', request.requestId, request.message, trigger));
    expect(review.view.submit).toBeUndefined();
    expect(revokeIn(review.view.blocks)?.value).toBe(request.requestId);

    await h.click('UMAX', 'approval_revoke', request.requestId, request.message);
    const answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UMAX');
    expect(answer.args.channel).toBe(APPROVALS_CHANNEL);
    expect(answer.args.text).toContain('Revoked: <@UCARL> can no longer finish');
    await channelUpdate(h, request, (c) => JSON.stringify(c.args.blocks).includes('revoked by <@UMAX>'));
    // A second revoke (Ada's, from her modal) says Max did it already, and writes nothing.
    await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
    expect(JSON.stringify(await h.viewUpdate(request.resultViewId, 3))).toContain("<@UMAX> already revoked the approval of <@UCARL>'s meeting PIN reset request");
    expect((await h.auditRecords('UADA')).filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId)).toEqual([]);

    // A license change is applied by its approval: nothing to revoke, and no button says otherwise.
    const { view, viewId } = await h.open('/request-license', 'UBOB');
    await h.submit('UBOB', view, {
      values: {
        license: { license: { type: 'radio_buttons', selected_option: { value: 'Plus' } } },
        reason: { reason: { type: 'plain_text_input', value: 'webinars' } },
      },
    });
    await h.viewUpdate(viewId, 2);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes('<@UBOB>'));
    const licenseId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
    const licenseReview = await h.opening((trigger) => h.click('UADA', 'license_review', licenseId, { channel: APPROVALS_CHANNEL, ts: post.result!.ts as string }, trigger));
    await h.submit('UADA', licenseReview.view, { values: decide('approve') });
    const done = await h.viewUpdate(licenseReview.viewId, 2);
    expect(JSON.stringify(done)).toContain('Done: <@UBOB>');
    expect(revokeIn(done.blocks)).toBeUndefined();
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === post.result!.ts).some((c) => revokeIn(c.args.blocks as any[]))).toBe(false);
    h.chime.users.set('chime-bob', { ...h.chime.users.get('chime-bob')!, LicenseType: 'Basic' });
  });

  it("a non-admin's Revoke click (its value forged) is refused and changes nothing: not recorded, and the requester's Finish still works", async () => {
    const request = await approvedPinReset(h, 'UANN');
    const updates = h.slack.callsTo('chat.update').length;
    // Bob is no admin: from the admins' message (he can see the channel), and from a modal of his own.
    await h.click('UBOB', 'approval_revoke', request.requestId, request.message);
    const answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UBOB');
    expect(answer.args.text).toContain('Only Latchkey admins can revoke an approval. Nothing was changed.');
    await h.clickIn('UBOB', 'approval_revoke', request.requestId, { view: { ...request.result, id: 'VBOBS' } });
    const modal = await h.slack.waitForCall('views.update', (c) => c.args.view_id === 'VBOBS');
    expect(JSON.stringify(modal.args.view)).toContain('Only Latchkey admins can revoke an approval');
    expect(JSON.stringify(modal.args.view)).not.toContain('UANN');
    expect(h.slack.callsTo('chat.update')).toHaveLength(updates);
    expect(revokedToldTo(h, 'UANN')).toEqual([]);
    expect((await h.auditRecords('UBOB')).filter((r) => r.action === 'reset_revoke')).toEqual([]);

    // Still approved: Ann's Finish makes the change, once, in her own window.
    const finished = await h.opening((trigger) => h.click('UANN', 'approval_finish', request.finish.value, request.finish, trigger));
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-ann'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  });

  it("an admin's Revoke of the approval of their own request is refused and changes nothing: not recorded, and their Finish still works", async () => {
    // Max is an admin, and asked himself; Ada approved it.
    const request = await approvedPinReset(h, 'UMAX');
    const updates = h.slack.callsTo('chat.update').length;
    await h.click('UMAX', 'approval_revoke', request.requestId, request.message);
    const answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UMAX');
    expect(answer.args.text).toContain('You cannot revoke the approval of your own request. Nothing was changed.');
    expect(h.slack.callsTo('chat.update')).toHaveLength(updates);
    expect(revokedToldTo(h, 'UMAX')).toEqual([]);
    expect((await h.auditRecords('UMAX')).filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId)).toEqual([]);

    const finished = await h.opening((trigger) => h.click('UMAX', 'approval_finish', request.finish.value, request.finish, trigger));
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-max'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  });

  it("revoked after its requester's Finish sent nothing and gave the approval back (under a new reference): the revoke takes it back, and their next Finish changes nothing and says who revoked it", async () => {
    const request = await approvedPinReset(h, 'UBOB');
    // Slack cannot say who is clicking: nothing is sent, and the approval stays Bob's.
    h.slack.failNext('users.info', { error: 'fatal_error' });
    const first = await h.opening((trigger) => h.click('UBOB', 'approval_finish', request.finish.value, request.finish, trigger));
    expect(JSON.stringify(first.view)).toContain('Your approval still stands');

    await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
    expect(JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 10_000))).toContain('Revoked: <@UBOB> can no longer finish');
    const after = JSON.stringify((await h.opening((trigger) => h.click('UBOB', 'approval_finish', request.finish.value, request.finish, trigger))).view);
    expect(after).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });

  it("an admin's Home tab lists an approved request waiting for its requester, with Revoke: clicked there, it is revoked (its requester told, on record) and the tab, published anew, no longer lists it; the requester's own tab keeps Finish", async () => {
    const request = await approvedPinReset(h, 'UCARL');
    // Max, the other admin: who, what, who approved it and when, by when it must be finished, and Revoke (with Slack's confirm).
    const { home } = await h.openHome('UMAX');
    const line = (home.blocks as any[]).find((b) => b.accessory?.action_id === 'approval_revoke' && b.accessory.value === request.requestId);
    expect(line).toBeDefined();
    expect(line.text.text).toContain("<@UCARL>'s");
    expect(line.text.text).toContain('Approved by <@UADA> at');
    expect(line.text.text).toContain('waiting for <@UCARL> to finish it, by');
    expect(line.accessory.confirm).toBeDefined();
    expect(JSON.stringify(home)).toContain('Approved: waiting for the requester to finish');
    // Carl's own tab: his Finish, and no Revoke.
    const own = (await h.openHome('UCARL')).home;
    expect(JSON.stringify(own)).toContain('approval_finish');
    expect(JSON.stringify(own)).not.toContain('approval_revoke');

    const publishes = h.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'UMAX').length;
    const modal = await h.opening((trigger) => h.clickIn('UMAX', 'approval_revoke', request.requestId, { view: home, triggerId: trigger }));
    expect(JSON.stringify(modal.view)).toContain('Revoked: <@UCARL> can no longer finish');
    let seen = 0;
    const published = await h.slack.waitForCall('views.publish', (c) => c.args.user_id === 'UMAX' && ++seen > publishes);
    expect(JSON.stringify(published.args.view)).not.toContain(`"value":"${request.requestId}"`);
    expect(JSON.stringify(published.args.view)).not.toContain('Approved: waiting for the requester to finish');

    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === 'DUCARL' && String(c.args.text).includes('revoked'));
    expect(dm.args.text).toContain('<@UMAX> revoked the approval of your meeting PIN reset request');
    const records = await h.waitForAudit('UMAX', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome])).toEqual([
      ['attempt', undefined],
      ['outcome', 'success'],
    ]);
    // Carl's tab: revoked, no Finish.
    const after = JSON.stringify((await h.openHome('UCARL')).home);
    expect(after).toContain('then revoked by <@UMAX>');
    expect(after).not.toContain('approval_finish');
    // His activity line names Max, as his request's line does, never "an admin".
    expect((await homeLines(h, 'UCARL', request.requestId)).filter((l) => l.includes('Approved, then revoked by <@UMAX>; nothing was changed'))).toHaveLength(1);
    // Ada's own line of her approval, though none of her records is the revoke: Max took it back, never a bare "Approved".
    const ada = await homeLines(h, 'UADA', request.requestId);
    expect(ada).toEqual([expect.stringContaining(':no_entry: Approved, then revoked by <@UMAX>; nothing was changed')]);
    // Max's own line of his revoke: "you".
    expect((await homeLines(h, 'UMAX', request.requestId)).join('\n')).toContain('Approved, then revoked by you; nothing was changed');
    // The audit search: Ada's line of her approval and Carl's name Max as its revoker; Max's own line
    // of his revoke names him once, as its person ("by <@UMAX>"), its revoker "this admin" (as "you" on his tab).
    const lines = await h.lookUpReference('UADA', request.requestId);
    for (const who of ['UADA', 'UCARL']) {
      expect(lines.filter((l) => l.includes(`by <@${who}>`))).toEqual([expect.stringContaining(':no_entry: Approved, then revoked by <@UMAX>; nothing was changed')]);
    }
    const maxs = lines.filter((l) => l.includes('by <@UMAX> for '));
    // Before: "*Meeting PIN reset approval revoked* by <@UMAX> for <@UCARL> · :no_entry: Approved, then revoked by <@UMAX>; …".
    expect(maxs).toEqual([expect.stringContaining('*Meeting PIN reset approval revoked* by <@UMAX> for <@UCARL> · :no_entry: Approved, then revoked by this admin; nothing was changed')]);
    expect(maxs[0]!.split('<@UMAX>')).toHaveLength(2);
  });

  it("an admin's approval another admin revoked, older than the week her Home tab reads: her line still names who revoked it; one whose request is no longer stored says whether it was revoked could not be read, never a bare Approved", async () => {
    const kept = await approvedPinReset(h, 'UANN');
    const gone = await approvedPinReset(h, 'UBOB');
    for (const request of [kept, gone]) {
      await h.click('UMAX', 'approval_revoke', request.requestId, request.message);
      await h.waitForAudit('UMAX', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome' && r.outcome === 'success');
    }
    // Gone as the store purges a request 90 days past its time (the audit log keeps 400).
    await h.purgeRequest(gone.requestId);
    // Eight days on: Max's revokes, on his records, are before the seven UTC days Ada's tab reads.
    h.clock.offsetMs = 8 * 86_400_000;
    try {
      // Before: ":white_check_mark: Approved", a revoked approval read as one that stood.
      expect(await homeLines(h, 'UADA', kept.requestId)).toEqual([expect.stringContaining(':no_entry: Approved, then revoked by <@UMAX>; nothing was changed')]);
      expect(await homeLines(h, 'UADA', gone.requestId)).toEqual([
        expect.stringContaining('Approved; whether another admin revoked it later could not be read: search the audit log for its reference'),
      ]);
    } finally {
      h.clock.offsetMs = 0;
    }
  });
  it("the audit search of an admin's records: her approval another admin revoked, whose request is no longer stored, names who revoked it (its records read with the page's requests'), never a bare Approved; so does a look-up of its reference", async () => {
    const gone = await approvedPinReset(h, 'UANN');
    await h.click('UMAX', 'approval_revoke', gone.requestId, gone.message);
    await h.waitForAudit('UMAX', (r) => r.action === 'reset_revoke' && r.approvalRequestId === gone.requestId && r.phase === 'outcome' && r.outcome === 'success');
    // Gone as the store purges a request 90 days past its time (the audit log keeps 400).
    await h.purgeRequest(gone.requestId);
    const adas = (lines: string[]) => lines.filter((l) => l.includes(`\`${gone.requestId}\``) && l.includes('by <@UADA> for <@UANN>'));
    // Before: ":white_check_mark: Approved", a revoked approval read as one that stood.
    expect(adas(await searchLines(h, 'UADA', 'UADA'))).toEqual([expect.stringContaining(' · :no_entry: Approved, then revoked by <@UMAX>; nothing was changed')]);
    expect(adas(await h.lookUpReference('UADA', gone.requestId))).toEqual([expect.stringContaining(' · :no_entry: Approved, then revoked by <@UMAX>; nothing was changed')]);
  });
});

/**
 * A revoke and the requester's Finish, each reading the request while it is approved, then writing:
 * the one whose conditional write comes first wins, and the other is refused and told which won.
 * The gate in front of dynalite holds the Finish's take, or loses the answer to the revoke's audit
 * attempt, so that side's SDK waits out its timeout (2 s here) and sends it again while the other
 * side writes. Held for good, the revoke's audit attempt is never written, and nothing changes.
 */
describe('revoking an approval given again after a finish whose outcome was unknown', () => {
  const h = useHarness({ env: POLICY });

  it("the earlier change may have been made: the revoking admin's answer, Home tab and audit search say so, as the admins' message and the DM do, never that nothing was changed", async () => {
    const request = await approvedPinReset(h, 'UCARL');
    // Finished, then left FINISHING (as if it died before it was settled), and approved again 11 minutes on.
    await h.opening((trigger) => h.click('UCARL', 'approval_finish', request.finish.value, request.finish, trigger));
    const first = (await h.waitForAudit('UCARL', (r) => r.action === 'reset_pin' && r.phase === 'outcome')).find((r) => r.action === 'reset_pin')!;
    await channelUpdate(h, request, (c) => JSON.stringify(c.args).includes('finished by'));
    await h.addRawRequestFields(request.requestId, { status: 'FINISHING' });
    h.clock.offsetMs = 11 * 60_000;
    try {
      const review = await h.opening((trigger) => h.click('UMAX', 'license_review', request.requestId, request.message, trigger));
      await h.submit('UMAX', review.view, { values: decide('approve') });
      await h.viewUpdate(review.viewId, 2);

      await h.click('UADA', 'approval_revoke', request.requestId, request.message);
      const answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UADA');
      const check = `IT can check it with the reference \`${first.requestId}\``;
      expect(answer.args.text).toContain('Revoked: <@UCARL> can no longer finish');
      expect(answer.args.text).toContain('the earlier change may have been made');
      expect(answer.args.text).not.toContain('nothing was changed');
      const channel = await channelUpdate(h, request, (c) => JSON.stringify(c.args.blocks).includes('revoked by <@UADA>'));
      expect(JSON.stringify(channel.args.blocks)).toContain(`the earlier change may have been made: ${check}`);
      const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === 'DUCARL' && String(c.args.text).includes('revoked'));
      expect(JSON.stringify(dm.args.blocks)).toContain(check);

      const said = ':warning: Approved again, then revoked by <@UADA>; the earlier change may have been made';
      // Ada's own line (she approved it first, and revoked it): the store is not read for it; she revoked it, "you".
      const ada = await homeLines(h, 'UADA', request.requestId);
      expect(ada).toEqual([expect.stringContaining(':warning: Approved again, then revoked by you; the earlier change may have been made')]);
      expect(ada.join('\n')).not.toContain('nothing was changed');
      // Max's own line of his approval again, which Ada took back: none of his records is the revoke.
      expect(await homeLines(h, 'UMAX', request.requestId)).toEqual([expect.stringContaining(said)]);
      // Carl's own line, from where his request stands (beside his first reset's, done).
      expect((await homeLines(h, 'UCARL', request.requestId)).filter((l) => l.includes(said))).toHaveLength(1);
      // The audit search: Ada's line and Carl's, never "nothing was changed"; Ada's own names her once ("this admin" revoked it).
      const lines = await h.lookUpReference('UADA', request.requestId);
      const adas = lines.filter((l) => l.includes('by <@UADA> for '));
      expect(adas.length).toBeGreaterThan(0);
      for (const line of adas) expect(line).toContain(said.replace('<@UADA>', 'this admin'));
      for (const line of adas) expect(line.split('<@UADA>')).toHaveLength(2);
      expect(lines.join('\n')).not.toContain('nothing was changed');
      // On record: the revoke names the earlier finish IT checks.
      const revoke = (await h.auditRecords('UADA')).filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId);
      expect(revoke.map((r) => [r.phase, r.earlierFinishRequestId])).toEqual([
        ['attempt', first.requestId],
        ['outcome', first.requestId],
      ]);
    } finally {
      h.clock.offsetMs = 0;
    }
  });
});

describe('a revoke racing a Finish, and one the audit log cannot record', () => {
  const h = useHarness({ env: POLICY, awsRequestTimeoutMs: 2_000, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const revokeAttempt = (c: DynamoCall) => c.operation === 'PutItem' && c.body.includes('"attempt"') && c.body.includes('"reset_revoke"');
  const finishTake = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"FINISHING"');
  /** Waits for a DynamoDB call of the app's (`which`, named `what`) to reach DynamoDB, held or not. */
  async function reached(what: string, which: (c: DynamoCall) => boolean): Promise<void> {
    await until(`${what} reaching DynamoDB`, () => h.dynamoGate.seen.some(which), 5_000);
  }

  it('the revoke written first: the Finish clicked before it changes nothing and says who revoked it', async () => {
    const request = await approvedPinReset(h, 'UANN');
    const release = h.dynamoGate.hold(finishTake);
    const trigger = h.slack.newTriggerId();
    await h.click('UANN', 'approval_finish', request.finish.value, request.finish, trigger);
    const opened = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === trigger);
    await reached("the Finish's taking of the request (its FINISHING write)", finishTake);

    await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
    expect(JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 10_000))).toContain('Revoked: <@UANN> can no longer finish');
    release();

    const shown = JSON.stringify(await h.viewUpdate(h.openedViewId(opened), 1, 10_000));
    expect(shown).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    expect(shown).toContain('Nothing was changed');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    const records = await h.waitForAudit('UADA', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome])).toEqual([
      ['attempt', undefined],
      ['outcome', 'success'],
    ]);
    expect((await h.auditRecords('UANN')).filter((r) => r.action === 'reset_pin')).toEqual([]);
  });

  it("the revoke's audit attempt cannot be written: nothing is revoked (fail closed), its admin is told so, and the Finish still works", async () => {
    const request = await approvedPinReset(h, 'UBOB');
    const release = h.dynamoGate.hold(revokeAttempt);
    await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
    const told = JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 20_000));
    release();
    expect(told).toContain('Latchkey could not write its audit record, so it changed nothing. The approval was not revoked.');
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts && JSON.stringify(c.args.blocks).includes('revoked by'))).toEqual([]);
    expect(revokedToldTo(h, 'UBOB')).toEqual([]);
    const finished = await h.opening((trigger) => h.click('UBOB', 'approval_finish', request.finish.value, request.finish, trigger), 10_000);
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-bob'));
  }, 30_000);

  it("the request cannot be read when the revoke is clicked: its admin is told their click revoked nothing, with a Revoke to try again and the reference for IT, never that Latchkey could not tell whether it was revoked", async () => {
    const request = await approvedPinReset(h, 'UCARL');
    const release = h.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(request.requestId));
    let told: string;
    try {
      await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
      told = JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 40_000));
    } finally {
      release();
    }
    // Before: "Latchkey could not tell whether the approval was revoked." and "Its requester may still be able to finish it. …", of a click that wrote nothing.
    expect(told).toContain(':warning: Latchkey could not reach its records just now, so your click revoked nothing.');
    expect(told).toContain(`An admin has been alerted. Click *Revoke approval* below in a few minutes to try again. If it still fails then, tell IT the reference \`${request.requestId}\``);
    expect(told).not.toMatch(/could not tell whether|may still be able/);
    expect(revokeIn(JSON.parse(told).blocks)?.value).toBe(request.requestId);
    expect((await h.auditRecords('UADA')).filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId)).toEqual([]);
    expect(revokedToldTo(h, 'UCARL')).toEqual([]);
    // Its next step works: the approval still stood, and the Revoke in the answer revokes it.
    const shown = { ...JSON.parse(told), id: request.resultViewId };
    await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: shown });
    expect(JSON.stringify(await h.viewUpdate(request.resultViewId, 4, 10_000))).toContain('Revoked: <@UCARL> can no longer finish');
  }, 60_000);

  it("the revoke's write fails and the read-back shows it was not made: its admin is told their click revoked nothing, never that Latchkey could not tell whether it was revoked", async () => {
    const request = await approvedPinReset(h, 'UCARL');
    const revokeWrite = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"REVOKED"') && c.body.includes(request.requestId);
    const release = h.dynamoGate.hold(revokeWrite);
    let answer: SlackCall;
    try {
      await h.click('UADA', 'approval_revoke', request.requestId, request.message);
      answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UADA', 40_000);
    } finally {
      release();
    }
    expect(answer.args.text).toBe(':warning: Latchkey could not reach its records just now, so your click revoked nothing.');
    expect(JSON.stringify(answer.args.blocks)).toContain(`tell IT the reference \`${request.requestId}\``);
    expect(JSON.stringify(answer.args.blocks)).not.toMatch(/could not tell whether|may still be able/);
    const records = await h.waitForAudit('UADA', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'STORE_UNAVAILABLE'],
    ]);
    expect(revokedToldTo(h, 'UCARL')).toEqual([]);
    // The approval still stood: a click again revokes it.
    await h.click('UADA', 'approval_revoke', request.requestId, request.message);
    const again = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UADA' && String(c.args.text).includes('Revoked:'), 10_000);
    expect(again.args.text).toContain('Revoked: <@UCARL> can no longer finish');
  }, 60_000);

  it("a Finish that sent nothing and gave the approval back while the revoke was being recorded: the revoke still takes back the approval (the same one), never 'There was no approval to revoke', and the next Finish changes nothing", async () => {
    const request = await approvedPinReset(h, 'UANN');
    const release = h.dynamoGate.hold(revokeAttempt);
    await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
    await reached('the reset_revoke attempt record', revokeAttempt);
    // The revoke read the request; meanwhile Ann's Finish is taken, and Slack cannot say who is
    // clicking: nothing is sent, and the approval is given back to her under a new reference.
    h.slack.failNext('users.info', { error: 'fatal_error' });
    const first = await h.opening((trigger) => h.click('UANN', 'approval_finish', request.finish.value, request.finish, trigger), 10_000);
    expect(JSON.stringify(first.view)).toContain('Your approval still stands');
    release();

    const admin = JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 20_000));
    expect(admin).toContain('Revoked: <@UANN> can no longer finish');
    expect(admin).not.toContain('There was no approval to revoke');
    const after = JSON.stringify((await h.opening((trigger) => h.click('UANN', 'approval_finish', request.finish.value, request.finish, trigger), 10_000)).view);
    expect(after).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    const records = await h.waitForAudit('UADA', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome])).toEqual([
      ['attempt', undefined],
      ['outcome', 'success'],
    ]);
  }, 30_000);

  it("the revoke's write made but every answer to it lost: it is this revoke's, so its admin is told it was revoked, the admins' message and the requester are told, and it is on record as a success", async () => {
    const request = await approvedPinReset(h, 'UANN');
    const revokeWrite = writeOf('REVOKED', request);
    // Every try of DynamoDB's client (up to four) loses its answer: the first makes the write, the others are its own, again.
    const stopLosing = h.dynamoGate.lose(revokeWrite, Infinity);
    let told: string;
    try {
      await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
      told = JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 25_000));
    } finally {
      stopLosing();
    }
    expectEveryTryMade(h, revokeWrite);
    expect(told).toContain('Revoked: <@UANN> can no longer finish');
    await channelUpdate(h, request, (c) => JSON.stringify(c.args.blocks).includes('then revoked by the same admin'), 10_000);
    await h.slack.waitForCall('chat.update', (c) => c.args.channel === 'DUANN' && String(c.args.text).includes('<@UADA> revoked the approval'), 10_000);
    const records = await h.waitForAudit('UADA', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
    const finished = await h.opening((trigger) => h.click('UANN', 'approval_finish', request.finish.value, request.finish, trigger), 10_000);
    expect(JSON.stringify(finished.view)).toContain('<@UADA> revoked the approval');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  }, 40_000);

  it("the revoke's write made, every answer to it lost, and the read-back that would tell fails too: its admin is told Latchkey could not tell whether it was revoked, the audit search says whether it took could not be told (never that it changed nothing); clicking Revoke again tells its requester, rewrites the admins' message and retires the Finish DM then, once, and a third click does nothing more", async () => {
    const request = await approvedPinReset(h, 'UANN');
    const revokeWrite = writeOf('REVOKED', request);
    const stopLosing = h.dynamoGate.lose(revokeWrite, Infinity);
    // Every read of the request after the revoke's write is left unanswered: the read-back cannot tell.
    const release = h.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(request.requestId) && h.dynamoGate.seen.some(revokeWrite));
    let told: string;
    try {
      await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
      told = JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 40_000));
    } finally {
      stopLosing();
      release();
    }
    expectEveryTryMade(h, revokeWrite);
    expect(told).toContain('Latchkey could not tell whether the approval was revoked');
    expect(told).not.toMatch(/no approval to revoke|nothing was changed/i);
    // The Home tab lists only the oldest few approved requests, and says so of the rest: never that it lists this one whatever.
    expect(told).toContain('your Home tab lists it with *Revoke approval* if it is among the 5 oldest approved requests waiting for their requesters to finish; past those, it says how many more there are.');
    // The admins' message was not rewritten (the flow could not tell what to write): it is no place to look.
    expect(told).not.toContain('approvals channel');
    const finishRewrites = () => h.slack.callsTo('chat.update').filter((c) => c.args.channel === request.finish.channel && c.args.ts === request.finish.ts);
    const channelRewrites = () => h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts && JSON.stringify(c.args.blocks).includes('revoked by'));
    expect(channelRewrites()).toEqual([]);
    expect(revokedToldTo(h, 'UANN')).toEqual([]);
    expect(finishRewrites()).toEqual([]);
    // The Revoke it asks for is there, in what the admin was shown: the Home tab no longer lists a revoked request.
    expect(told).toContain('Click *Revoke approval* below');
    const shown = { ...JSON.parse(told), id: request.resultViewId };
    const button = revokeIn(shown.blocks);
    expect(button?.value).toBe(request.requestId);
    expect(button?.confirm).toBeDefined();

    // A security reviewer's audit search: the revoke was tried, and whether it took could not be told; never "changed nothing".
    const before = (await h.lookUpReference('UADA', request.requestId)).filter((l) => l.includes('by <@UADA> for '));
    expect(before).toEqual([expect.stringMatching(/Revoke tried .*; whether it took could not be told/)]);
    expect(before.join('\n')).not.toContain('changed nothing');

    // Clicked again, as told: revoked indeed, and what that revoke left undone is done now.
    await h.clickIn('UADA', button!.action_id, button!.value, { view: shown });
    const again = JSON.stringify(await h.viewUpdate(request.resultViewId, 4, 10_000));
    expect(again).toContain('You revoked it; its requester has now been told');
    await channelUpdate(h, request, (c) => JSON.stringify(c.args.blocks).includes('then revoked by the same admin'), 10_000);
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === 'DUANN' && String(c.args.text).includes('revoked'), 10_000);
    expect(dm.args.text).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    const retired = await h.slack.waitForCall('chat.update', (c) => c.args.channel === request.finish.channel && c.args.ts === request.finish.ts, 10_000);
    expect(JSON.stringify(retired.args.blocks)).not.toContain('approval_finish');

    // A third click (a stale copy of that button): already revoked, and nothing is sent again.
    await h.clickIn('UADA', button!.action_id, button!.value, { view: shown });
    expect(JSON.stringify(await h.viewUpdate(request.resultViewId, 5, 10_000))).toContain("You already revoked the approval of <@UANN>'s meeting PIN reset request");
    expect(revokedToldTo(h, 'UANN')).toEqual([['chat.update', request.finish.ts]]);
    expect(finishRewrites()).toHaveLength(1);
    expect(channelRewrites()).toHaveLength(1);

    // On record: the revoke whose outcome was unknown, then the click that found it made and told everyone; the third click wrote nothing.
    const records = await h.waitForAudit('UADA', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.outcome === 'success');
    expect(records.filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'STORE_OUTCOME_UNKNOWN'],
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
    // The audit search: Ada's line is her revoke, never as if another's she only told them of; her line names her once.
    const after = (await h.lookUpReference('UADA', request.requestId)).filter((l) => l.includes('by <@UADA> for '));
    expect(after).toEqual([expect.stringContaining('Approved, then revoked by this admin; nothing was changed')]);
    expect(after.join('\n')).not.toContain('only told');
    const finished = await h.opening((trigger) => h.click('UANN', 'approval_finish', request.finish.value, request.finish, trigger), 10_000);
    expect(JSON.stringify(finished.view)).toContain('<@UADA> revoked the approval');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  }, 90_000);

  /** Ada's revoke by `act`, its write made with every answer lost and its read-back failing: what she was shown comes from `shown`. */
  async function revokeUnknown<T>(request: Approved, act: () => Promise<unknown>, shown: () => Promise<T>): Promise<T> {
    const revokeWrite = writeOf('REVOKED', request);
    const stopLosing = h.dynamoGate.lose(revokeWrite, Infinity);
    const release = h.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(request.requestId) && h.dynamoGate.seen.some(revokeWrite));
    try {
      await act();
      return await shown();
    } finally {
      stopLosing();
      release();
    }
  }

  /** Ann's approved PIN reset, revoked by Ada from her window with its outcome unknown (revokeUnknown); the Revoke button the admins' message, still saying approved, holds. */
  async function revokedUnknownByAda(): Promise<{ request: Approved; button: Record<string, any> | undefined }> {
    const request = await approvedPinReset(h, 'UANN');
    await revokeUnknown(
      request,
      () => h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result }),
      () => h.viewUpdate(request.resultViewId, 3, 40_000),
    );
    const approved = await channelUpdate(h, request, (c) => JSON.stringify(c.args.blocks).includes('waiting for <@UANN> to finish it'));
    return { request, button: revokeIn(approved.args.blocks as any[]) };
  }

  it("a revoke whose write is made, every answer to it lost, and whose read-back fails too: its admin is told Latchkey could not tell, and the operator's log says reading back that revoke failed", async () => {
    const request = await approvedPinReset(h, 'UBOB');
    const told = await revokeUnknown(
      request,
      () => h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result }),
      async () => JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 40_000)),
    );
    expect(told).toContain('Latchkey could not tell whether the approval was revoked');
    // Before: the read-back's failure was swallowed, and nothing in the log said where the outcome went unknown.
    const warned = h.logs.join('').split('\n').filter((l) => l.includes('reading back a revoke whose write was refused or not answered failed') && l.includes(request.requestId));
    expect(warned.map((l) => JSON.parse(l)).map((l) => [l.level, l.approvalRequestId])).toEqual([['warn', request.requestId]]);
  }, 90_000);

  it("a revoke from the admins' message whose outcome could not be told: the admin's answer holds a Revoke button, and clicking it tells the requester, once", async () => {
    const request = await approvedPinReset(h, 'UANN');
    const answer = await revokeUnknown(
      request,
      () => h.click('UADA', 'approval_revoke', request.requestId, request.message),
      () => h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UADA', 40_000),
    );
    expect(answer.args.text).toContain('Latchkey could not tell whether the approval was revoked');
    const button = revokeIn(answer.args.blocks as any[]);
    expect(button?.value).toBe(request.requestId);
    expect(revokedToldTo(h, 'UANN')).toEqual([]);

    // The click is on the ephemeral answer itself, in the approvals channel.
    const ephemeral = { channel: answer.args.channel as string, ts: '1700000000.000999' };
    await h.click('UADA', button!.action_id, button!.value, ephemeral);
    const again = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UADA' && String(c.args.text).includes('has now been told'), 10_000);
    expect(again.args.text).toContain('You revoked it; its requester has now been told: <@UANN> can no longer finish');
    await channelUpdate(h, request, (c) => JSON.stringify(c.args.blocks).includes('then revoked by the same admin'), 10_000);
    await h.slack.waitForCall('chat.update', (c) => c.args.channel === 'DUANN' && String(c.args.text).includes('<@UADA> revoked the approval'), 10_000);
    await h.click('UADA', button!.action_id, button!.value, ephemeral);
    await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UADA' && String(c.args.text).includes('already revoked'), 10_000);
    expect(revokedToldTo(h, 'UANN')).toEqual([['chat.update', request.finish.ts]]);
  }, 90_000);

  it("a revoke whose outcome could not be told, then the requester's Finish: it finds it revoked and does what the revoke left undone (the admins' message and the Finish DM say so), once, on record as a revoke's follow-ups under the requester naming the admin who revoked it, as the audit search and the requester's Home tab say; an admin's Revoke after sends nothing", async () => {
    const request = await approvedPinReset(h, 'UANN');
    const told = await revokeUnknown(
      request,
      () => h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result }),
      async () => JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 40_000)),
    );
    expect(told).toContain('Latchkey could not tell whether the approval was revoked');
    const finishRewrites = () => h.slack.callsTo('chat.update').filter((c) => c.args.channel === request.finish.channel && c.args.ts === request.finish.ts);
    const channelRewrites = () => h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts && JSON.stringify(c.args.blocks).includes('revoked by'));
    expect(channelRewrites()).toEqual([]);

    const finished = await h.opening((trigger) => h.click('UANN', 'approval_finish', request.finish.value, request.finish, trigger), 10_000);
    expect(JSON.stringify(finished.view)).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    await channelUpdate(h, request, (c) => JSON.stringify(c.args.blocks).includes('then revoked by the same admin'), 10_000);
    const retired = await h.slack.waitForCall('chat.update', (c) => c.args.channel === request.finish.channel && c.args.ts === request.finish.ts, 10_000);
    expect(retired.args.text).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    expect(JSON.stringify(retired.args.blocks)).not.toContain('approval_finish');
    // On record as the admin-click path records it: the revoke's action, under whoever did the follow-ups (Ann's Finish), naming Ada's revoke; ids only.
    const ofAnn = (await h.waitForAudit('UANN', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome')).filter(
      (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId,
    );
    expect(ofAnn.map((r) => [r.phase, r.outcome, r.approvalRequestId, r.subjectSlackUserId, r.revokedBy])).toEqual([
      ['attempt', undefined, request.requestId, 'UANN', 'UADA'],
      ['outcome', 'success', request.requestId, 'UANN', 'UADA'],
    ]);
    // A security reviewer's audit search of the request: Ann's line says whose revoke it was, and that her Finish only told the admins.
    const anns = (await h.lookUpReference('UMAX', request.requestId)).filter((l) => l.includes('by <@UANN>'));
    expect(anns).toEqual([expect.stringContaining(' · This Finish only told the admins')]);
    // Ann named once, as the line's person ("by <@UANN>"): never again as the one whose Finish it was.
    expect(anns[0]!.match(/<@UANN>/g)).toEqual(['<@UANN>']);
    // Ada named as its revoker once, by the line's state: never "revoked by <@UADA>" again in its details.
    expect(anns[0]!.match(/revoked by <@UADA>/gi)).toEqual(['revoked by <@UADA>']);
    // Ann's own Home tab: her activity line says whose revoke it was, to her as "your", never as if she revoked it.
    const annsHome = ((await h.openHome('UANN')).home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes('revoked') && t.includes('Reference'));
    expect(annsHome).toContainEqual(expect.stringContaining(' · Your Finish only told the admins'));
    for (const line of annsHome) expect(line.match(/revoked by <@UADA>/gi)).toEqual(['revoked by <@UADA>']);

    // Done once: Ada's Revoke now says it was revoked, and sends nothing more.
    const button = revokeIn(JSON.parse(told).blocks);
    await h.clickIn('UADA', button!.action_id, button!.value, { view: { ...JSON.parse(told), id: request.resultViewId } });
    expect(JSON.stringify(await h.viewUpdate(request.resultViewId, 4, 10_000))).toContain("You already revoked the approval of <@UANN>'s meeting PIN reset request");
    expect(finishRewrites()).toHaveLength(1);
    expect(channelRewrites()).toHaveLength(1);
    expect(revokedToldTo(h, 'UANN')).toEqual([['chat.update', request.finish.ts]]);
  }, 90_000);

  it("a revoke whose outcome could not be told, then the requester's Finish while the audit log cannot record its follow-ups: nothing more is done (fail closed), and an admin's Revoke after does them, once", async () => {
    const request = await approvedPinReset(h, 'UANN');
    const told = await revokeUnknown(
      request,
      () => h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result }),
      async () => (await h.viewUpdate(request.resultViewId, 3, 40_000)) as Record<string, any>,
    );
    const channelRewrites = () => h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts && JSON.stringify(c.args.blocks).includes('revoked by'));
    const finishRewrites = () => h.slack.callsTo('chat.update').filter((c) => c.args.channel === request.finish.channel && c.args.ts === request.finish.ts);
    const release = h.dynamoGate.hold((c) => revokeAttempt(c) && c.body.includes(request.requestId));
    try {
      const finished = await h.opening((trigger) => h.click('UANN', 'approval_finish', request.finish.value, request.finish, trigger), 40_000);
      expect(JSON.stringify(finished.view)).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    } finally {
      release();
    }
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    expect(channelRewrites()).toEqual([]);
    expect(finishRewrites()).toEqual([]);
    expect((await h.auditRecords('UANN')).filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId)).toEqual([]);
    // Our own fault, as on an admin's Revoke: the operator is alerted.
    const logged = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.approvalRequestId === request.requestId && l.code === 'AUDIT_UNAVAILABLE');
    expect(logged).toEqual([expect.objectContaining({ slackUserId: 'UANN', step: 'revoke', alert: true })]);

    const button = revokeIn(told.blocks);
    await h.clickIn('UADA', button!.action_id, button!.value, { view: { ...told, id: request.resultViewId } });
    expect(JSON.stringify(await h.viewUpdate(request.resultViewId, 4, 10_000))).toContain('You revoked it; its requester has now been told');
    await channelUpdate(h, request, (c) => JSON.stringify(c.args.blocks).includes('then revoked by the same admin'), 10_000);
    await h.slack.waitForCall('chat.update', (c) => c.args.channel === request.finish.channel && c.args.ts === request.finish.ts, 10_000);
    expect(channelRewrites()).toHaveLength(1);
    expect(finishRewrites()).toHaveLength(1);
  }, 120_000);

  const followUpsClaim = (request: Approved) => (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('revokeFollowUpsBy') && c.body.includes(request.requestId);
  const revokedDmsTo = (user: string) => revokedToldTo(h, user);

  it("revoked while another click takes over telling its requester: its admin is never told they have been told (that click's DM may fail as well), only what to tell them should they say they heard nothing", async () => {
    const request = await approvedPinReset(h, 'UBOB');
    const release = h.dynamoGate.hold(followUpsClaim(request));
    try {
      await h.click('UADA', 'approval_revoke', request.requestId, request.message);
      await reached("the revoke's claim of the follow-ups (revokeFollowUpsBy)", followUpsClaim(request));
      // Another click takes the follow-ups while Ada's taking of them is on its way.
      await h.removeRawRequestFields(request.requestId, ['revokeFollowUpsDue']);
    } finally {
      release();
    }
    const answer = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UADA' && String(c.args.text).includes('Revoked'), 10_000);
    // Before: "They have been told, and can ask again.", whatever became of the other click's DM (here, none was sent).
    expect(answer.args.text).not.toContain('been told');
    expect(answer.args.text).toContain(
      "Revoked: <@UBOB> can no longer finish their meeting PIN reset request, and nothing was changed. :information_source: Another click took over telling <@UBOB>, so whether Latchkey's message reached them is not known here: if they say they heard nothing, tell them yourself that it was revoked, and that they can ask again with `/reset-pin`.",
    );
    // Told nothing by this click: telling them is the other click's.
    expect(revokedDmsTo('UBOB')).toEqual([]);
  }, 60_000);

  /** Ann's Finish of a revoke whose outcome could not be told, its taking of the follow-ups held; `meanwhile` runs once that taking is seen. */
  async function finishWhileClaimHeld(request: Approved, meanwhile: () => Promise<void>): Promise<Record<string, any>> {
    await revokeUnknown(
      request,
      () => h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result }),
      () => h.viewUpdate(request.resultViewId, 3, 40_000),
    );
    const release = h.dynamoGate.hold(followUpsClaim(request));
    try {
      const finishing = h.opening((trigger) => h.click('UANN', 'approval_finish', request.finish.value, request.finish, trigger), 40_000);
      await reached("the revoke's claim of the follow-ups (revokeFollowUpsBy)", followUpsClaim(request));
      await meanwhile();
      release();
      return (await finishing).view;
    } finally {
      release();
    }
  }

  /** Ann's reset_revoke records of the request, once one ends her attempt, by phase (a refusal's slot sorts before the attempt's). */
  async function annsRevokeRecords(request: Approved) {
    const mine = (r: { action: string; approvalRequestId?: string }) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId;
    const records = (await h.waitForAudit('UANN', (r) => mine(r) && r.phase !== 'attempt', 10_000)).filter(mine);
    return records.map((r) => [r.phase, r.outcome, r.errorCode]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  }

  it("a revoke whose outcome could not be told, then the requester's Finish that loses the taking of its follow-ups to another click: on record as her Finish turned away (a refusal), never as a revoke she tried, and the audit search never says she tried to revoke", async () => {
    const request = await approvedPinReset(h, 'UANN');
    // Another click takes the follow-ups while Ann's taking of them is on its way.
    const view = await finishWhileClaimHeld(request, () => h.removeRawRequestFields(request.requestId, ['revokeFollowUpsDue']));
    expect(JSON.stringify(view)).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    expect(await annsRevokeRecords(request)).toEqual([
      ['attempt', undefined, undefined],
      ['refused', undefined, 'APPROVAL_REVOKED'],
    ]);
    const anns = (await h.lookUpReference('UMAX', request.requestId)).filter((l) => l.includes('by <@UANN>'));
    expect(anns).not.toEqual([]);
    expect(anns.join('\n')).not.toContain('Revoke tried');
  }, 120_000);

  it("a revoke whose outcome could not be told, then the requester's Finish whose taking of the follow-ups cannot be written: on record as failed under her, the operator alerted, and the audit search and her own Home tab say her Finish could not tell the admins, Ada named once, never that she tried to revoke", async () => {
    const request = await approvedPinReset(h, 'UANN');
    const view = await finishWhileClaimHeld(request, async () => {
      // Held until DynamoDB's client gives up on it.
      await until(
        "the log line of Ann's revoke step (her Finish's taking of the follow-ups failed)",
        () => h.logs.some((l) => l.includes(request.requestId) && l.includes('"step":"revoke"') && l.includes('"slackUserId":"UANN"')),
        30_000,
      );
    });
    expect(JSON.stringify(view)).toContain('<@UADA> revoked the approval of your meeting PIN reset request');
    expect(await annsRevokeRecords(request)).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'STORE_UNAVAILABLE'],
    ]);
    const logged = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.approvalRequestId === request.requestId && l.code === 'STORE_UNAVAILABLE');
    expect(logged).toEqual([expect.objectContaining({ slackUserId: 'UANN', step: 'revoke', alert: true })]);
    const anns = (await h.lookUpReference('UMAX', request.requestId)).filter((l) => l.includes('by <@UANN>'));
    // As an admin's failed Revoke shows on their line: whose revoke it was, and that her Finish's follow-ups failed.
    // Ada named once, by the line's state ("revoked by <@UADA>"): before, again in "Revoked by <@UADA>; this Finish could not tell…".
    expect(anns).toEqual([expect.stringMatching(/ · :no_entry: Approved, then revoked by <@UADA>; nothing was changed\n.* · This Finish could not tell the admins <!date\^\d+\^[^>]*>: storage unavailable$/)]);
    expect(anns[0]!.match(/<@UADA>/g)).toEqual(['<@UADA>']);
    // Ann named once, as the line's person ("by <@UANN>").
    expect(anns[0]!.match(/<@UANN>/g)).toEqual(['<@UANN>']);
    expect(anns.join('\n')).not.toContain('Revoke tried');
    // Ann's own Home tab says it to her: before, her request's line alone, never that her Finish could not tell the admins.
    const annsHome = ((await h.openHome('UANN')).home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes(`Reference \`${request.requestId}\``));
    expect(annsHome).toEqual([expect.stringMatching(/ · (Revoked by <@UADA>; y|Y)our Finish could not tell the admins <!date\^\d+\^[^>]*>: storage unavailable$/)]);
    expect(annsHome[0]).not.toContain('<@UANN>');
    expect(annsHome[0]!.match(/<@UADA>/g)).toEqual(['<@UADA>']);
  }, 120_000);

  it("a revoke whose outcome could not be told, then a Revoke whose taking of the follow-ups is made but every answer to it lost: it reads its own mark back, so its requester is told, once, never 'already revoked'", async () => {
    const request = await approvedPinReset(h, 'UANN');
    const told = await revokeUnknown(
      request,
      () => h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result }),
      async () => (await h.viewUpdate(request.resultViewId, 3, 40_000)) as Record<string, any>,
    );
    const button = revokeIn(told.blocks);
    const stopLosing = h.dynamoGate.lose(followUpsClaim(request), Infinity);
    let again: string;
    try {
      await h.clickIn('UADA', button!.action_id, button!.value, { view: { ...told, id: request.resultViewId } });
      again = JSON.stringify(await h.viewUpdate(request.resultViewId, 4, 40_000));
    } finally {
      stopLosing();
    }
    // Every try of the claim lost its answer: as many as the client made in its time (up to 4; fewer on a slow machine), each told lost once its answer came back.
    const tries = () => h.dynamoGate.seen.filter(followUpsClaim(request)).length;
    const lost = () => h.dynamoGate.lost.filter(followUpsClaim(request)).length;
    expect(tries()).toBeGreaterThan(0);
    await until("the lost answer of every try of the follow-ups' claim", () => lost() >= tries(), 5_000);
    expect(lost()).toBe(tries());
    expect(again).not.toContain('already revoked');
    expect(again).toContain('You revoked it; its requester has now been told');
    await channelUpdate(h, request, (c) => JSON.stringify(c.args.blocks).includes('then revoked by the same admin'), 10_000);
    await h.slack.waitForCall('chat.update', (c) => c.args.channel === 'DUANN' && String(c.args.text).includes('<@UADA> revoked the approval'), 10_000);
    expect(revokedDmsTo('UANN')).toHaveLength(1);
  }, 120_000);

  it.each([
    ['its audit attempt cannot be written', (request: Approved) => (c: DynamoCall) => revokeAttempt(c) && c.body.includes(request.requestId)],
    ['its taking of the follow-ups cannot be written', followUpsClaim],
  ])("a revoke whose outcome could not be told, then a Revoke that finds it revoked but %s: its admin is told the requester has not been told yet and to try again (never 'already revoked'), and the next click tells them, once", async (_, which) => {
    const request = await approvedPinReset(h, 'UANN');
    const told = await revokeUnknown(
      request,
      () => h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result }),
      async () => (await h.viewUpdate(request.resultViewId, 3, 40_000)) as Record<string, any>,
    );
    const button = revokeIn(told.blocks);
    const release = h.dynamoGate.hold(which(request));
    let failed: Record<string, any>;
    try {
      await h.clickIn('UADA', button!.action_id, button!.value, { view: { ...told, id: request.resultViewId } });
      failed = await h.viewUpdate(request.resultViewId, 4, 40_000);
    } finally {
      release();
    }
    const shown = JSON.stringify(failed);
    expect(shown).toContain('You revoked this approval, but its requester has not been told yet');
    expect(shown).toContain('Try again in a few minutes');
    expect(shown).not.toContain('already revoked');
    expect(revokedDmsTo('UANN')).toEqual([]);
    const retry = revokeIn(failed.blocks);
    expect(retry?.value).toBe(request.requestId);

    await h.clickIn('UADA', retry!.action_id, retry!.value, { view: { ...failed, id: request.resultViewId } });
    expect(JSON.stringify(await h.viewUpdate(request.resultViewId, 5, 10_000))).toContain('You revoked it; its requester has now been told');
    await h.slack.waitForCall('chat.update', (c) => c.args.channel === 'DUANN' && String(c.args.text).includes('<@UADA> revoked the approval'), 10_000);
    expect(revokedDmsTo('UANN')).toHaveLength(1);
  }, 120_000);

  it("a revoke whose outcome could not be told, followed up by another admin: they are told who revoked it and that its requester has now been told (never as if they revoked it), the record names the admin who revoked it, and so do the audit search and their Home tab", async () => {
    const { request, button } = await revokedUnknownByAda();
    // Max clicks the Revoke on the admins' message, which still says approved.
    await h.click('UMAX', button!.action_id, button!.value, request.message);
    const shown = String((await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UMAX', 10_000)).args.text);
    expect(shown).toContain('<@UADA> revoked it; its requester has now been told');
    expect(shown).not.toContain('Revoked: <@UANN> can no longer finish');
    await h.slack.waitForCall('chat.update', (c) => c.args.channel === 'DUANN' && String(c.args.text).includes('<@UADA> revoked the approval'), 10_000);
    const records = await h.waitForAudit('UMAX', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome, r.revokedBy])).toEqual([
      ['attempt', undefined, 'UADA'],
      ['outcome', 'success', 'UADA'],
    ]);
    // A security reviewer's audit search of the request: Max's line says whose revoke it was, and that his click only told them.
    const maxs = (await h.lookUpReference('UADA', request.requestId)).filter((l) => l.includes('by <@UMAX>'));
    expect(maxs).toEqual([expect.stringContaining(' · This Revoke only told its requester and the admins')]);
    // Its title says what Max did, never as if the revoke were his: before, "*Meeting PIN reset approval revoked* by <@UMAX>".
    expect(maxs[0]).toContain(' · *Meeting PIN reset revoke followed up* by <@UMAX> for <@UANN> · :no_entry: Approved, then revoked by <@UADA>; nothing was changed\n');
    // Max named once, as the line's person ("by <@UMAX>"): never again as the one who told them.
    expect(maxs[0]!.match(/<@UMAX>/g)).toEqual(['<@UMAX>']);
    // Ada named as its revoker once, by the line's state: never "revoked by <@UADA>" again in its details.
    expect(maxs[0]!.match(/revoked by <@UADA>/gi)).toEqual(['revoked by <@UADA>']);
    // Max's own Home tab: his activity line says the revoke was Ada's and his click only told, to him as "you".
    const maxsHome = ((await h.openHome('UMAX')).home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes('for <@UANN>') && t.includes('Reference'));
    expect(maxsHome).toEqual([expect.stringContaining(' · You only told its requester and the admins')]);
    expect(maxsHome[0]).toMatch(/^\*Meeting PIN reset revoke followed up\* for <@UANN> · :no_entry: Approved, then revoked by <@UADA>; nothing was changed\n/);
    expect(maxsHome[0]!.match(/revoked by <@UADA>/gi)).toEqual(['revoked by <@UADA>']);
  }, 90_000);

  it("a revoke whose outcome could not be told, followed up by another admin whose taking of the follow-ups cannot be written: the audit search's line of his Revoke, and his own Home tab's, says whose revoke it was and that his click could not tell its requester and the admins, never a bare failure read as his own revoke", async () => {
    const { request, button } = await revokedUnknownByAda();
    // Held until DynamoDB's client gives up on it.
    const release = h.dynamoGate.hold(followUpsClaim(request));
    try {
      await h.click('UMAX', button!.action_id, button!.value, request.message);
      await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UMAX', 40_000);
    } finally {
      release();
    }
    const records = await h.waitForAudit('UMAX', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome, r.errorCode, r.revokedBy])).toEqual([
      ['attempt', undefined, undefined, 'UADA'],
      ['outcome', 'failure', 'STORE_UNAVAILABLE', 'UADA'],
    ]);
    const maxs = (await h.lookUpReference('UADA', request.requestId)).filter((l) => l.includes('by <@UMAX>'));
    expect(maxs).toEqual([expect.stringMatching(/ · \*Meeting PIN reset revoke followed up\* by <@UMAX> for <@UANN> · :x: Failed: storage unavailable\n.* · Revoked by <@UADA>; this Revoke could not tell its requester and the admins$/)]);
    // Max named once, as the line's person ("by <@UMAX>").
    expect(maxs[0]!.match(/<@UMAX>/g)).toEqual(['<@UMAX>']);
    expect(maxs.join('\n')).not.toContain('only told');
    // Max's own Home tab says the same to him: before, ":x: Failed. Latchkey could not save the request, so it changed nothing." then the reference alone, Ada unnamed.
    const maxsHome = ((await h.openHome('UMAX')).home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes(`Reference \`${request.requestId}\``));
    expect(maxsHome).toEqual([expect.stringMatching(/^\*Meeting PIN reset revoke followed up\* for <@UANN> · :x: Failed\. .*\n.* · Revoked by <@UADA>; you could not tell its requester and the admins$/)]);
    expect(maxsHome[0]).not.toMatch(/<@UMAX>|only told/);
    // Why, and what to do next, as his answer said: no request was being saved (before, "Latchkey could not save the request, so it changed nothing.").
    expect(maxsHome[0]).toContain(":x: Failed. Latchkey could not save what your Revoke was doing, so it told nobody. Try again in a few minutes with *Revoke approval* in its admins' message.\n");
    // That button is there: the admins' message still offers Revoke approval, no click having told them.
    const message = h.slack.callsTo('chat.update').filter((c) => c.args.channel === request.message.channel && c.args.ts === request.message.ts).at(-1);
    expect(revokeIn(message!.args.blocks as any[])?.value).toBe(request.requestId);
  }, 120_000);

  it("a revoke whose outcome could not be told, followed up by another admin whose taking of the follow-ups loses to another click: the audit search's line of his Revoke, and his own Home tab's, says, once, that it did nothing since another click had told them, and whose revoke it was", async () => {
    const { request, button } = await revokedUnknownByAda();
    const release = h.dynamoGate.hold(followUpsClaim(request));
    try {
      await h.click('UMAX', button!.action_id, button!.value, request.message);
      await reached("the revoke's claim of the follow-ups (revokeFollowUpsBy)", followUpsClaim(request));
      // Another click takes the follow-ups while Max's taking of them is on its way.
      await h.removeRawRequestFields(request.requestId, ['revokeFollowUpsDue']);
    } finally {
      release();
    }
    const records = await h.waitForAudit('UMAX', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome', 10_000);
    expect(records.filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome, r.errorCode, r.revokedBy])).toEqual([
      ['attempt', undefined, undefined, 'UADA'],
      ['outcome', 'failure', 'APPROVAL_REVOKED', 'UADA'],
    ]);
    const maxs = (await h.lookUpReference('UADA', request.requestId)).filter((l) => l.includes('by <@UMAX>'));
    // His click did nothing, said once: before, ":x: Failed: approval revoked by an admin" and then "Revoked by <@UADA>; another click had told…".
    expect(maxs).toEqual([
      expect.stringMatching(/ · \*Meeting PIN reset revoke followed up\* by <@UMAX> for <@UANN> · :heavy_minus_sign: Nothing done: another click had already told its requester and the admins\n.* · Revoked by <@UADA>$/),
    ]);
    expect(maxs.join('\n')).not.toMatch(/only told|could not tell|Failed|revoked by an admin/);
    // Max's own Home tab says the same to him: before, ":x: Failed. An admin revoked the approval of this request, so nothing was changed.", Ada unnamed.
    const maxsHome = ((await h.openHome('UMAX')).home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes(`Reference \`${request.requestId}\``));
    expect(maxsHome).toEqual([
      expect.stringMatching(/^\*Meeting PIN reset revoke followed up\* for <@UANN> · :heavy_minus_sign: Nothing done: another click had already told its requester and the admins\n.* · Revoked by <@UADA>$/),
    ]);
    expect(maxsHome[0]).not.toMatch(/<@UMAX>|Failed|an admin/);
  }, 120_000);

  it("the revoke's write refused (the Finish was taken first) and the read-back fails: its admin is told the revoke changed nothing on that named request and that where it stands could not be read, with what to do next, never above a line saying it is approved and waiting for its requester", async () => {
    const request = await approvedPinReset(h, 'UCARL');
    const release = h.dynamoGate.hold(revokeAttempt);
    await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
    await reached('the reset_revoke attempt record', revokeAttempt);
    const finished = await h.opening((trigger) => h.click('UCARL', 'approval_finish', request.finish.value, request.finish, trigger), 10_000);
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-carl'));
    const revokeWrite = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"REVOKED"') && c.body.includes(request.requestId);
    const releaseRead = h.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(request.requestId) && h.dynamoGate.seen.some(revokeWrite));
    let told: string;
    try {
      release();
      told = JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 40_000));
    } finally {
      releaseRead();
    }
    expect(h.dynamoGate.seen.some(revokeWrite)).toBe(true);
    // Before: "There was no approval to revoke, so nothing was changed.", the words of a request found decided, naming none.
    expect(told).toContain(":warning: Your revoke changed nothing: the approval of <@UCARL>'s meeting PIN reset request no longer stood, and Latchkey could not read where it stands now.");
    expect(told).toContain(`Its admins' message shows where it stands: if it still offers *Revoke approval*, click it again in a few minutes. If Latchkey still cannot read it then, tell IT the reference \`${request.requestId}\``);
    expect(told).not.toContain('There was no approval to revoke');
    expect(told).not.toContain('waiting for <@UCARL> to finish it');
    expect(told).not.toMatch(/Approved by <@UADA>[^"]*waiting/);
  }, 60_000);

  it("the request gone (purged) while the revoke was being recorded: its admin is told Latchkey cannot find it, never that where it stands could not be read", async () => {
    const request = await approvedPinReset(h, 'UCARL');
    const release = h.dynamoGate.hold(revokeAttempt);
    await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
    await reached('the reset_revoke attempt record', revokeAttempt);
    await h.purgeRequest(request.requestId);
    release();
    const told = JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 40_000));
    expect(told).toContain('Latchkey cannot find that request. The approval was not revoked.');
    expect(told).not.toMatch(/could not be read|could not read|no approval to revoke/);
    const records = await h.waitForAudit('UADA', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome', 10_000);
    expect(records.filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'REQUEST_NOT_FOUND'],
    ]);
  }, 60_000);

  it("the revoke's write lost to a Finish that then sent nothing and gave the approval back: its admin's answer holds a real Revoke button, and clicking it revokes the approval", async () => {
    const request = await approvedPinReset(h, 'UCARL');
    const revokeWrite = (c: DynamoCall) => c.operation === 'UpdateItem' && c.body.includes('"REVOKED"') && c.body.includes(request.requestId);
    const releaseAttempt = h.dynamoGate.hold(revokeAttempt);
    await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
    await reached('the reset_revoke attempt record', revokeAttempt);
    // Carl's Finish takes the approval, then waits on Slack (who is clicking), which will not say: it sends nothing and gives it back.
    const fromCarl = (args: Record<string, any>) => args.user === 'UCARL';
    h.slack.failNext('users.info', { error: 'fatal_error' }, 1, fromCarl);
    const releaseInfo = h.slack.hold('users.info', fromCarl);
    const releaseRead = h.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(request.requestId) && h.dynamoGate.seen.some(revokeWrite));
    try {
      const trigger = h.slack.newTriggerId();
      await h.click('UCARL', 'approval_finish', request.finish.value, request.finish, trigger);
      const opened = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === trigger);
      await reached("the Finish's taking of the request (its FINISHING write)", finishTake);
      // The revoke's write meets the Finish's take and is refused; its read-back waits until the approval is given back.
      releaseAttempt();
      await reached("the request's REVOKED write", revokeWrite);
      releaseInfo();
      expect(JSON.stringify(await h.viewUpdate(h.openedViewId(opened), 1, 10_000))).toContain('Your approval still stands');
    } finally {
      releaseAttempt();
      releaseInfo();
      releaseRead();
    }
    const told = await h.viewUpdate(request.resultViewId, 3, 20_000);
    expect(JSON.stringify(told)).toContain('Your revoke changed nothing: <@UCARL> had already started finishing their meeting PIN reset request');
    expect(JSON.stringify(told)).toContain('Their approval stands again since: click *Revoke approval* below to revoke it.');
    const button = revokeIn(told.blocks);
    expect(button?.value).toBe(request.requestId);
    expect(button?.confirm).toBeDefined();

    await h.clickIn('UADA', button!.action_id, button!.value, { view: { ...told, id: request.resultViewId } });
    expect(JSON.stringify(await h.viewUpdate(request.resultViewId, 4, 10_000))).toContain('Revoked: <@UCARL> can no longer finish');
    await h.slack.waitForCall('chat.update', (c) => c.args.channel === request.finish.channel && c.args.ts === request.finish.ts && String(c.args.text).includes('<@UADA> revoked the approval'), 10_000);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  }, 60_000);
});

/**
 * A revoke or an expiry that lands while the requester's DM with the Finish button is still on its
 * way (Slack's answer to that post, with where it is, comes back after it): it found no Finish DM
 * to rewrite and told its requester in a new DM, so the Finish DM loses its button once its place
 * is known, and nothing more is told.
 */
/**
 * A revoke made to wait for a Finish: every answer to its audit attempt is lost until the Finish
 * was answered, and its SDK sends it again at each timeout, up to its four tries. At the product's
 * own request timeout (5 s) the Finish has about 20 s; at 2 s it had 8, which a loaded machine
 * could outlast: the revoke's attempt then failed closed, and the test failed for another reason.
 */
describe('a revoke made to wait for a Finish taken first', () => {
  const h = useHarness({ env: POLICY, awsRequestTimeoutMs: 5_000, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const revokeAttempt = (c: DynamoCall) => c.operation === 'PutItem' && c.body.includes('"attempt"') && c.body.includes('"reset_revoke"');
  /** Waits for a DynamoDB call of the app's (`which`, named `what`) to reach DynamoDB, held or not. */
  async function reached(what: string, which: (c: DynamoCall) => boolean): Promise<void> {
    await until(`${what} reaching DynamoDB`, () => h.dynamoGate.seen.some(which), 10_000);
  }

  it('the Finish taken first: the revoke changes nothing, its admin is told the finish had already started, and the PIN is reset', async () => {
    const request = await approvedPinReset(h, 'UCARL');
    // Every answer to Ada's audit attempt is lost until Carl's Finish has shown him his PIN: her
    // client sends it again each 5 s (up to four tries), so the Finish is taken first however slow
    // the machine. A single lost answer gave it one timeout, which a loaded machine can outlast.
    const stopLosing = h.dynamoGate.lose(revokeAttempt, Infinity);
    let finished: Awaited<ReturnType<Harness['opening']>>;
    try {
      await h.clickIn('UADA', 'approval_revoke', request.requestId, { view: request.result });
      await reached('the reset_revoke attempt record', revokeAttempt);
      finished = await h.opening((trigger) => h.click('UCARL', 'approval_finish', request.finish.value, request.finish, trigger), 20_000);
    } finally {
      stopLosing();
    }
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-carl'));
    const admin = JSON.stringify(await h.viewUpdate(request.resultViewId, 3, 20_000));
    expect(admin).toContain('Your revoke changed nothing: <@UCARL> had already started finishing their meeting PIN reset request');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    expect(revokedToldTo(h, 'UCARL')).toEqual([]);
    const records = await h.waitForAudit('UADA', (r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_revoke' && r.approvalRequestId === request.requestId).map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'FINISH_STARTED'],
    ]);
    // A security reviewer's audit search: Ada's line, her approval, shows her revoke was tried and changed nothing.
    const adas = (await h.lookUpReference('UADA', request.requestId)).filter((l) => l.includes('by <@UADA>'));
    expect(adas).toEqual([expect.stringMatching(/Revoke tried .*, changed nothing: requester's finish already started/)]);
  }, 60_000);
});

describe('a revoke or an expiry before the Finish DM is known to be posted', () => {
  const h = useHarness({ env: POLICY }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  afterEach(() => (h.clock.offsetMs = 0));
  const finishDm = (userId: string) => (args: Record<string, any>) => args.channel === `D${userId}` && JSON.stringify(args.blocks ?? []).includes('approval_finish');
  const dmsTo = (userId: string, words: string) => h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === `D${userId}` && String(c.args.text).includes(words));

  /** `userId` asks for a PIN reset and Ada approves it, while the post of the DM with the Finish button waits for Slack. */
  async function approvedWhileFinishDmHeld(userId: string): Promise<{ requestId: string; message: { channel: string; ts: string }; release: () => void }> {
    const release = h.slack.hold('chat.postMessage', finishDm(userId));
    const opened = await h.open('/reset-pin', userId);
    await h.submit(userId, opened.view);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(`<@${userId}>`));
    const requestId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
    const message = { channel: post.result!.channel as string, ts: post.result!.ts as string };
    const review = await h.opening((trigger) => h.click('UADA', 'license_review', requestId, message, trigger));
    await h.submit('UADA', review.view, { values: decide('approve') });
    await until(`the DM with ${userId}'s Finish button, held at Slack`, () => h.slack.held.some((c) => finishDm(userId)(c.args)), 2_000);
    expect(h.slack.held.filter((c) => finishDm(userId)(c.args))).toHaveLength(1);
    return { requestId, message, release };
  }

  /** The Finish DM once its post is answered, and its rewrites. */
  async function finishDmOf(userId: string): Promise<{ dm: SlackCall; rewrites: () => SlackCall[] }> {
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => finishDm(userId)(c.args));
    await h.slack.waitForCall('chat.update', (c) => c.args.channel === dm.result!.channel && c.args.ts === dm.result!.ts);
    return { dm, rewrites: () => h.slack.callsTo('chat.update').filter((c) => c.args.channel === dm.result!.channel && c.args.ts === dm.result!.ts) };
  }

  it('revoked: the Finish DM loses its button when its answer comes back and says who revoked it; its requester is told in one new DM, never a second', async () => {
    const { requestId, message, release } = await approvedWhileFinishDmHeld('UANN');
    try {
      await h.click('UMAX', 'approval_revoke', requestId, message);
      await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UMAX' && String(c.args.text).includes('Revoked'));
      // No Finish DM known yet: Ann is told in a new DM.
      await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && String(c.args.text).includes('revoked'));
    } finally {
      release();
    }
    const { rewrites } = await finishDmOf('UANN');
    const [rewritten] = rewrites();
    expect(rewritten!.args.text).toContain('<@UMAX> revoked the approval of your meeting PIN reset request');
    expect(JSON.stringify(rewritten!.args.blocks)).not.toContain('approval_finish');
    expect(rewrites()).toHaveLength(1);
    expect(dmsTo('UANN', 'revoked')).toHaveLength(1);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });

  it('expired: the Finish DM loses its button when its answer comes back and says it expired; its requester is told in one new DM, never a second', async () => {
    const { requestId, message, release } = await approvedWhileFinishDmHeld('UBOB');
    try {
      h.clock.offsetMs = 31 * 60_000;
      // A review past its time expires it, and answers once that is done.
      const review = await h.opening((trigger) => h.click('UMAX', 'license_review', requestId, message, trigger));
      expect(JSON.stringify(review.view)).toContain('Expired at');
      await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && String(c.args.text).includes('expired'));
    } finally {
      release();
    }
    const { rewrites } = await finishDmOf('UBOB');
    const [rewritten] = rewrites();
    expect(rewritten!.args.text).toBe('Your approved meeting PIN reset request expired before you finished it. Nothing was changed.');
    expect(JSON.stringify(rewritten!.args.blocks)).not.toContain('approval_finish');
    expect(rewrites()).toHaveLength(1);
    expect(dmsTo('UBOB', 'expired')).toHaveLength(1);
  });
});
