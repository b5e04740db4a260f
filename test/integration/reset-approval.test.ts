import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { APPROVALS_CHANNEL, Harness, secretIn, useHarness } from '../support/harness';
import type { SlackCall } from '../support/slack-fake';
import { until } from '../support/until';
import type { EntraSimulator } from '../../src/credentials/entra/stand-in';
import { WORK_SLACK_RESERVE_MS } from '../../src/lambda/work-order';
import { LAMBDA_DYNAMODB_REQUEST_TIMEOUT_MS } from '../../src/aws-client';

/**
 * The `approval` policy for resets (issue 23), over HTTP against the real app: the request goes to
 * the admins, the approver never sees a secret, and the requester finishes it from a DM button that
 * works once, for them alone, in their own modal.
 */
const POLICY = { RESET_POLICY: 'pin=approval' };
const decide = (decision: string, comment?: string) => ({
  decision: { decision: { type: 'radio_buttons', selected_option: { value: decision } } },
  comment: { comment: { type: 'plain_text_input', value: comment ?? null } },
});

/** The person asks for a PIN reset (or another credential's) and confirms it; returns the pending modal, and the channel message's Review. */
async function asks(h: Harness, userId: string, command = '/reset-pin') {
  const opened = await h.open(command, userId);
  expect(opened.view.submit).toBeDefined();
  const submission = await h.submit(userId, opened.view);
  // The pending view is the answer itself, or (when the answer had to be "working…") the modal's next update.
  const answered = submission.json?.view as Record<string, any> | undefined;
  const shown = answered && JSON.stringify(answered).includes("needs an admin's approval") ? answered : await h.viewUpdate(opened.viewId, 2);
  const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(`<@${userId}>`));
  const review = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0];
  return { shown, post, approvalId: review.value as string, message: { channel: post.result!.channel as string, ts: post.result!.ts as string } };
}

async function reviews(h: Harness, adminId: string, request: { approvalId: string; message: { channel: string; ts: string } }) {
  return h.opening((trigger) => h.click(adminId, 'license_review', request.approvalId, request.message, trigger));
}

/** The person asks for a license change; returns the request's ID and its channel message. */
async function asksLicense(h: Harness, userId: string) {
  const { requestId, message } = await h.asksForLicense(userId);
  return { approvalId: requestId, message };
}

/** The DM with the finish button, once it came. */
async function finishButton(h: Harness, userId: string): Promise<{ call: SlackCall; value: string; message: { channel: string; ts: string } }> {
  const call = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === `D${userId}` && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'));
  const button = (call.args.blocks as any[]).find((b) => b.type === 'actions').elements[0];
  return { call, value: button.value, message: { channel: call.result!.channel as string, ts: call.result!.ts as string } };
}

async function approved(h: Harness, userId: string, comment?: string, command?: string) {
  const request = await asks(h, userId, command);
  const review = await reviews(h, 'UADA', request);
  await h.submit('UADA', review.view, { values: decide('approve', comment) });
  const decided = await h.viewUpdate(review.viewId, 2);
  return { request, review, decided, finish: await finishButton(h, userId) };
}

function finishing(h: Harness, userId: string, finish: { value: string; message: { channel: string; ts: string } }) {
  return h.opening((trigger) => h.click(userId, 'approval_finish', finish.value, finish.message, trigger));
}

/**
 * The finish that used the approval has ended here (its "finish click handled" line, the
 * handler's last step; one that gave it back used nothing): a click from now on joins none of its
 * clicks, and is told the approval was used.
 */
async function finishEnded(h: Harness, finish: { value: string }) {
  const ended = (l: string) =>
    l.includes('"msg":"finish click handled"') && l.includes(`"approvalRequestId":"${finish.value}"`) && l.includes('"ok":true') && !l.includes('"givenBack":true');
  await until(`the end of the Finish click that took ${finish.value} (its "finish click handled" line)`, () => h.logs.some(ended));
}

/**
 * `owner` clicks Finish, and while its new PIN is on its way to their modal (Slack slow to take that
 * views.update: held here), `other` clicks it too and is turned away (logged); then Slack takes the
 * PIN. The two clicks' modals, once shown.
 */
async function finishedAgainWhileShown(h: Harness, owner: string, other: string, finish: { value: string; message: { channel: string; ts: string } }) {
  const held = h.slack.held.length;
  const releaseShown = h.slack.hold('views.update', (args) => JSON.stringify(args.view ?? '').includes('"block_id":"secret"'));
  try {
    const own = finishing(h, owner, finish);
    // The owner's finish has made the change and is showing its PIN.
    await until(`the views.update showing ${owner}'s PIN, held at Slack`, () => h.slack.held.length > held, 5_000);
    expect(h.slack.held.length).toBe(held + 1);
    const refusedBefore = h.logs.filter((l) => l.includes('approved reset not finished')).length;
    const again = finishing(h, other, finish);
    await h.waitForLogs('approved reset not finished', refusedBefore + 1);
    releaseShown();
    return await Promise.all([own, again]);
  } finally {
    releaseShown();
  }
}

function everythingSlackSaw(h: Harness, except?: (c: SlackCall) => boolean): string {
  return JSON.stringify(h.slack.calls.filter((c) => !except?.(c)).map((c) => [c.method, c.args, c.result]));
}

describe('the approval policy for a reset', () => {
  const h = useHarness({ env: POLICY }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it('approved, then finished by the requester: their own modal shows the new PIN once; nobody else sees it', async () => {
    const pinBefore = h.chime.pinOf('chime-ann');
    const { request, review, decided, finish } = await approved(h, 'UANN', 'Go ahead');
    // Asking changed nothing and said so, with the reference.
    expect(JSON.stringify(request.shown)).toContain("needs an admin's approval");
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    // The approver saw who asks, for what, and their Slack profile; never a PIN.
    const reviewed = JSON.stringify(review.view);
    expect(reviewed).toContain('asks to reset their');
    expect(reviewed).toContain('Slack profile: <@UANN>');
    // Said to admins alone: never "an admin must approve it first" to the admin approving it, and
    // Slack's time zone name labelled (a bare "UTC" beside the email read as nothing in particular).
    const texts = (review.view.blocks as any[]).flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e: any) => e.text)]).filter((t): t is string => typeof t === 'string');
    expect(texts.find((t) => t.includes('asks to reset their'))).toMatch(/^\*<@UANN>\* asks to reset their \*Amazon Chime personal meeting PIN\*\n/);
    expect(reviewed).not.toContain('must approve');
    expect(texts.find((t) => t.startsWith('Slack profile:'))).toMatch(/ · time zone UTC$/);
    // Something to decide on: Latchkey knows only the Slack session, so the admin checks it is them.
    expect(reviewed).toContain(
      'Before you approve, make sure it is really them: call them or talk on video. Approving lets whoever uses their Slack account reset their Amazon Chime personal meeting PIN.',
    );
    expect(JSON.stringify(decided)).toContain('finishes it themselves');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);

    const finished = await finishing(h, 'UANN', finish);
    const pin = secretIn(finished.view);
    expect(pin).toBeDefined();
    expect(pin).toBe(h.chime.pinOf('chime-ann'));
    expect(pin).not.toBe(pinBefore);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    // A modal of the requester's own, opened with the finish click's trigger (h.opening waits for exactly that).
    expect(h.slack.callsTo('views.open').filter((c) => c.result?.view?.id === finished.viewId)).toHaveLength(1);

    // The channel message shows it done; the audit has the request, the decision (by the admin) and the reset (by the requester).
    const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes(':white_check_mark: Approved by'));
    expect(JSON.stringify(update.args.blocks)).not.toContain('license_review');
    // Who did what: the admin approved, the requester finished it; never 'applied', which an approval's click does.
    expect(JSON.stringify(update.args.blocks)).toMatch(/:white_check_mark: Approved by <@UADA> at <!date\^\d+\^[^>]+> and finished by <@UANN> at <!date\^\d+\^[^>]+>: “Go ahead”\./);
    expect(JSON.stringify(update.args.blocks)).not.toContain('applied');
    // Its fallback text (a notification, a screen reader) in the same words, never the stored status ("(applied)").
    expect(update.args.text).toBe('Meeting PIN reset request from <@UANN> (approved by <@UADA> and finished by <@UANN>)');
    const own = await h.waitForAudit('UANN', (r) => r.action === 'reset_pin' && r.phase === 'outcome');
    // The change under its policy: an admin's approval was its proof, on the attempt and the outcome.
    expect(own.filter((r) => r.action === 'reset_pin').map((r) => [r.phase, r.outcome, r.requestId, r.policy])).toEqual([
      ['attempt', undefined, request.shown.blocks.map((b: any) => b.elements?.[0]?.text ?? '').join('').match(/`([^`]+)`/)![1], 'approval'],
      ['outcome', 'success', expect.any(String), 'approval'],
    ]);
    // And the admins' look-up of its reference says so, on the line of the change.
    const lines = await h.lookUpReference('UADA', own.find((r) => r.action === 'reset_pin')!.requestId);
    expect(lines.find((l) => l.includes('*Meeting PIN reset* by <@UANN>'))).toContain("Policy `approval`: an admin's approval first");
    const admin = await h.waitForAudit('UADA', (r) => r.action === 'reset_decide' && r.phase === 'outcome');
    expect(admin.filter((r) => r.action === 'reset_decide').map((r) => [r.phase, r.decision, r.subjectSlackUserId, r.credential, r.approvalRequestId])).toEqual([
      ['attempt', 'approve', 'UANN', 'pin', request.approvalId],
      ['outcome', 'approve', 'UANN', 'pin', request.approvalId],
    ]);

    // One reset, one DM: the Finish button's message becomes the receipt (when, that the PIN was shown, the alarm), never a second message beside it.
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === finish.message.channel && c.args.ts === finish.message.ts);
    expect(JSON.stringify(dm.args)).not.toContain('approval_finish');
    expect(dm.args.text).toMatch(/^Your Amazon Chime meeting PIN was reset at <!date\^\d+\^\{time\} on \{date_short\}\|[^>]+>\. If this wasn't you, contact IT\.$/);
    // It was shown in her window: no hedge about where it may have gone.
    expect(JSON.stringify(dm.args)).not.toContain('if that was closed');
    expect(JSON.stringify(dm.args.blocks)).toContain('If you did not see your new PIN (or need it reset again), run `/reset-pin` to ask again; an admin must approve it again.');
    await finishEnded(h, finish);
    const toAnn = h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === finish.message.channel);
    expect(toAnn.filter((c) => /was reset at|You finished/.test(String(c.args.text)))).toEqual([]);
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === finish.message.ts)).toHaveLength(1);

    // Privacy: the PIN is in the requester's own finish modal only.
    const finishModal = (c: SlackCall) => c.method === 'views.update' && c.args.view_id === finished.viewId;
    expect(everythingSlackSaw(h, finishModal)).not.toContain(pin!);
    expect(h.logs.join('\n')).not.toContain(pin!);
  });

  it("finished while Slack refuses to rewrite the Finish button's DM into the receipt: the receipt is sent anew, never given up", async () => {
    const { finish } = await approved(h, 'UANN');
    h.slack.failNext('chat.update', { error: 'cant_update_message' }, 1, (args) => args.channel === finish.message.channel && args.ts === finish.message.ts);
    await finishing(h, 'UANN', finish);
    // The receipt is the alarm of someone else in the Slack account: a new DM when the old one cannot hold it.
    const receipt = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === finish.message.channel && /was reset at/.test(String(c.args.text)));
    expect(receipt.args.text).toMatch(/^Your Amazon Chime meeting PIN was reset at <!date\^\d+\^[^>]+>\. If this wasn't you, contact IT\.$/);
    await finishEnded(h, finish);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === finish.message.channel && /was reset at/.test(String(c.args.text)))).toHaveLength(1);
    expect(h.logs.some((l) => l.includes("the finish button's message could not be rewritten into the receipt: sent anew"))).toBe(true);
  });

  it('finished, but its modal closed while the change ran: the new PIN comes in an ephemeral message to the requester alone, and nowhere else', async () => {
    const { finish } = await approved(h, 'UBOB');
    const showsPin = (args: Record<string, any>) => JSON.stringify(args.view?.blocks ?? []).includes('"block_id":"secret"');
    const release = h.slack.hold('views.update', showsPin);
    await h.click('UBOB', 'approval_finish', finish.value, finish.message, h.slack.newTriggerId());
    await until('the held views.update that shows the PIN', () => h.slack.held.length > 0);
    const modal = h.slack.held[0]!.args.view_id as string;
    h.slack.closeView(modal);
    release();

    const pin = h.chime.pinOf('chime-bob');
    expect(pin).toMatch(/^\d{10}$/);
    const refused = await h.slack.waitForCall('views.update', (c) => c.args.view_id === modal && c.result?.ok === false);
    expect(refused.result?.error).toBe('not_found');
    const shown = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UBOB');
    expect(shown.args.channel).toBe('DUBOB');
    expect(JSON.stringify(shown.args.blocks)).toContain(pin);
    expect(JSON.stringify(shown.args.blocks)).toContain('Your Latchkey window was closed before your new Amazon Chime meeting PIN could be shown there');
    const records = await h.waitForAudit('UBOB', (r) => r.action === 'reset_pin' && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_pin').map((r) => [r.phase, r.outcome, r.deliveryFailed])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
    expect(everythingSlackSaw(h, (c) => c === shown || c === refused)).not.toContain(pin!);
    expect(h.logs.join('\n')).not.toContain(pin!);
    expect(await h.rawAuditTable()).not.toContain(pin!);
  });

  it('a Finish whose window Slack will not open (its trigger expired): nothing is changed and its DM keeps its button, which then works', async () => {
    const { finish } = await approved(h, 'UBOB');
    const from = h.logs.length;
    const trigger = h.slack.newTriggerId();
    h.slack.failNext('views.open', { error: 'expired_trigger_id' }, 1, (args) => args.trigger_id === trigger);
    await h.click('UBOB', 'approval_finish', finish.value, finish.message, trigger);
    // The click's end (its line says its window did not open): anything it changed came before it.
    const ended = (l: string) => l.includes('"msg":"finish click handled"') && l.includes('"slackUserId":"UBOB"');
    await until(`the end of Bob's Finish click (its "finish click handled" line)`, () => h.logs.slice(from).some(ended));
    expect(h.logs.slice(from).filter(ended)).toEqual([expect.stringContaining('"opened":false')]);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === finish.message.ts)).toEqual([]);
    const finished = await finishing(h, 'UBOB', finish);
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-bob'));
  });

  it("its requester's own Home tab, while it waits for them: in their words (never 'being applied'), with the DM's Finish button, which works from there once; the tab is published anew, finished by them, and never holds the PIN; their DM is rewritten without its button", async () => {
    const { finish } = await approved(h, 'UANN');
    const { home } = await h.openHome('UANN');
    const blocks = home.blocks as any[];
    const line = blocks.find((b) => b.accessory?.action_id === 'approval_finish');
    // Before: no button, and "waiting for <@UANN> to finish it" about herself.
    expect(line?.accessory).toMatchObject({ value: finish.value, text: { text: 'Finish the reset' } });
    expect(line.text.text).toMatch(/Approved by <@UADA> at <!date\^\d+\^[^>]+>: finish it by <!date\^\d+\^[^>]+>\./);
    const tab = JSON.stringify(blocks);
    expect(tab).not.toContain('<@UANN>');
    expect(tab).not.toContain('being applied');
    expect(blocks.map((b) => String(b.text?.text ?? '')).find((t) => t.startsWith('*Meeting PIN reset request*'))).toContain('Approved: yours to finish');

    const before = h.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'UANN').length;
    const finished = await h.opening((trigger) => h.clickIn('UANN', 'approval_finish', finish.value, { view: home, triggerId: trigger }));
    const pin = secretIn(finished.view);
    expect(pin).toBe(h.chime.pinOf('chime-ann'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    let seen = 0;
    const republished = await h.slack.waitForCall('views.publish', (c) => c.args.user_id === 'UANN' && ++seen > before);
    const after = JSON.stringify(republished.args.view);
    expect(after).toMatch(/Approved by <@UADA> at <!date\^\d+\^[^>]+> and finished by you at <!date/);
    expect(after).not.toContain('approval_finish');
    // The PIN is in her modal only: never in a published tab.
    expect(JSON.stringify(h.slack.callsTo('views.publish').map((c) => c.args))).not.toContain(pin!);
    // Her DM no longer says "Finish it by …" with a live button: rewritten in place into the receipt, as a finish clicked there would be.
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === finish.message.channel && c.args.ts === finish.message.ts);
    expect(JSON.stringify(dm.args)).not.toContain('approval_finish');
    expect(dm.args.text).toMatch(/^Your Amazon Chime meeting PIN was reset at <!date\^\d+\^\{time\} on \{date_short\}\|[^>]+>\. If this wasn't you, contact IT\.$/);
    expect(JSON.stringify(dm.args)).not.toContain(pin!);

    // Used once: the DM's button, clicked after, changes nothing.
    const again = await finishing(h, 'UANN', finish);
    expect(secretIn(again.view)).toBeUndefined();
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  });

  it("the finish clicked twice resets once, and the new PIN is in both modals, whichever Slack shows: the click turned away never says 'already used' while the other finishes it; a click after that is told it was used", async () => {
    const { finish } = await approved(h, 'UBOB');
    const refusedBefore = h.logs.filter((l) => l.includes('approved reset not finished')).length;
    // Each click opens a modal of its own: the one whose take wins shows the PIN, and the other's the same.
    const clicks = await Promise.all([finishing(h, 'UBOB', finish), finishing(h, 'UBOB', finish)]);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    const pin = h.chime.pinOf('chime-bob');
    for (const click of clicks) {
      const shown = h.lastShown(click.viewId, [])!;
      expect(secretIn(shown)).toBe(pin);
      expect(JSON.stringify(shown)).not.toContain('already used');
    }
    // Each modal updated once: nothing came over the PIN, and neither said, even for a moment, that the approval was used.
    for (const click of clicks) expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === click.viewId)).toHaveLength(1);
    // The PIN in no other call to Slack than the two modals' updates.
    const modals = (c: SlackCall) => c.method === 'views.update' && clicks.some((click) => c.args.view_id === click.viewId);
    expect(everythingSlackSaw(h, modals)).not.toContain(pin);
    // The click turned away is logged as refused, as before; the audit holds one attempt and one outcome.
    await h.waitForLogs('approved reset not finished', refusedBefore + 1);
    const ofThis = (r: { action: string; approvalRequestId?: string }) => r.action === 'reset_pin' && r.approvalRequestId === finish.value;
    await h.waitForAudit('UBOB', (r) => ofThis(r) && r.phase === 'outcome');
    expect((await h.auditRecords('UBOB')).filter(ofThis).map((r) => `${r.phase}:${r.outcome ?? ''}`).sort()).toEqual(['attempt:', 'outcome:success']);
    // Nothing of the request in progress any more: a later click is told it was used.
    await finishEnded(h, finish);
    const third = await finishing(h, 'UBOB', finish);
    expect(JSON.stringify(third.view)).toContain('already used');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  });

  it("a second Finish click that comes while the first one's new PIN is on its way to its modal shows the same PIN in its own modal, never 'already used'; the PIN is reset once and shown in the two modals alone", async () => {
    const { finish } = await approved(h, 'UBOB');
    const [a, b] = await finishedAgainWhileShown(h, 'UBOB', 'UBOB', finish);
    const pin = h.chime.pinOf('chime-bob');
    expect(secretIn(h.lastShown(a.viewId, [])!)).toBe(pin);
    const front = h.lastShown(b.viewId, [])!;
    expect(secretIn(front)).toBe(pin);
    expect(JSON.stringify(front)).not.toContain('already used');
    for (const click of [a, b]) expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === click.viewId)).toHaveLength(1);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    // The PIN in no other call to Slack than the two modals'.
    expect(everythingSlackSaw(h, (c) => c.method === 'views.update' && (c.args.view_id === a.viewId || c.args.view_id === b.viewId))).not.toContain(pin);
  });

  it("another person's forged finish click changes nothing and learns nothing", async () => {
    const { finish } = await approved(h, 'UCARL');
    const forged = await finishing(h, 'UBOB', finish);
    expect(JSON.stringify(forged.view)).toContain('not for your account');
    expect(JSON.stringify(forged.view)).not.toContain('UCARL');
    // What to do next names no command: not a placeholder shown as one, nor Carl's request's (which would tell Bob what Carl asked for).
    expect(JSON.stringify(forged.view)).toContain("To ask for a change of your own, use its command or the buttons on Latchkey's Home tab.");
    expect(JSON.stringify(forged.view)).not.toMatch(/Run `|reset-pin/);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    await h.waitForLogs('approved reset not finished', 1);
    // Still Carl's to finish.
    const own = await finishing(h, 'UCARL', finish);
    expect(secretIn(own.view)).toBe(h.chime.pinOf('chime-carl'));
  });

  it('denied: the requester is told, with the comment; nothing changes', async () => {
    const request = await asks(h, 'UMAX');
    const review = await reviews(h, 'UADA', request);
    const noComment = await h.submit('UADA', review.view, { values: decide('deny') });
    expect(noComment.json).toMatchObject({ response_action: 'errors', errors: { comment: expect.any(String) } });
    await h.submit('UADA', review.view, { values: decide('deny', 'Call the helpdesk instead') });
    await h.viewUpdate(review.viewId, 2);
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUMAX' && JSON.stringify(c.args).includes('denied'));
    expect(JSON.stringify(dm.args)).toContain('Call the helpdesk instead');
    expect(JSON.stringify(dm.args)).not.toContain('approval_finish');
    // The bot's DM is read-only: what it asks of Max is something he can do there.
    expect(JSON.stringify(dm.args.blocks)).toContain('If you think this is wrong, message <@UADA> directly, or ask IT.');
    expect(JSON.stringify(dm.args)).not.toMatch(/reply/i);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });

  it("approved while Slack refuses the DM with its requester's Finish: the approving admin is told they may not know, and to tell them where they finish it, never that they have been told; their Home tab still offers Finish", async () => {
    const request = await asks(h, 'UCARL');
    const review = await reviews(h, 'UADA', request);
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 1, (args) => args.channel === 'DUCARL' && JSON.stringify(args).includes('approval_finish'));
    await h.submit('UADA', review.view, { values: decide('approve') });
    const decided = (await h.viewUpdate(review.viewId, 2)).blocks.map((b: any) => String(b.text?.text ?? '')).join('\n');
    // Before: "Approved. <@UCARL> has been told, and finishes it themselves."
    expect(decided).not.toContain('been told');
    expect(decided).toContain(':white_check_mark: Approved: <@UCARL> finishes it themselves.');
    expect(decided).toMatch(/:warning: Slack did not confirm that Latchkey's message reached <@UCARL>, so they may not know yet: tell them yourself that it was approved, and that they finish it from their requests on Latchkey's Home tab, by <!date\^\d+\^/);
    const { home } = await h.openHome('UCARL');
    expect(JSON.stringify(home.blocks)).toContain('approval_finish');
  });

  it.each([
    ['refuses the DM', { error: 'channel_not_found' }],
    ['answers the DM ok but without saying where it is (no channel, no ts)', { answer: { ok: true } }],
  ] as const)('denied while Slack %s that tells its requester: the admin is told they may not know, and to tell them, with the comment, never that they have been told', async (_, failure) => {
    const request = await asks(h, 'UBOB');
    const review = await reviews(h, 'UADA', request);
    h.slack.failNext('chat.postMessage', failure, 1, (args) => args.channel === 'DUBOB' && JSON.stringify(args).includes('denied'));
    await h.submit('UADA', review.view, { values: decide('deny', 'Call the helpdesk instead') });
    const decided = JSON.stringify(await h.viewUpdate(review.viewId, 2));
    // Before: "Denied. <@UBOB> has been told, with your comment."
    expect(decided).not.toContain('been told');
    expect(decided).toContain(':no_entry: Denied.');
    expect(decided).toContain("Slack did not confirm that Latchkey's message reached <@UBOB>, so they may not know yet: tell them yourself that it was denied, with your comment.");
  });

  it('self-approval: an admin cannot review their own reset request', async () => {
    const request = await asks(h, 'UADA');
    const own = await reviews(h, 'UADA', request);
    expect(JSON.stringify(own.view)).toContain('You cannot review your own request.');
    expect(own.view.submit).toBeUndefined();
    const { home } = await h.openHome('UADA');
    const line = (home.blocks as any[]).find((b) => b.type === 'section' && String(b.text?.text).includes("<@UADA>'s"));
    expect(line.accessory).toBeUndefined();
    // Another admin can.
    const other = await reviews(h, 'UMAX', request);
    expect(other.view.callback_id).toBe('license_review_submit');
  });

  it("the confirmation says up front that an admin approves first, and its button asks one rather than saying 'Reset'", async () => {
    const opened = await h.open('/reset-pin', 'UANN');
    expect(JSON.stringify(opened.view.blocks)).toContain('An admin must approve this first; you finish it yourself once they do.');
    expect(opened.view.submit?.text).toBe('Ask an admin');
    await h.close('UANN', opened.view);
  });
});

describe('the approval policy: one reference per request', () => {
  const h = useHarness({ env: POLICY });

  /** An admin's look-up of a reference from their Home tab's search: the result's lines. */
  async function lookUp(admin: string, reference: string): Promise<string[]> {
    const { home } = await h.openHome(admin);
    const search = (home.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as any[]).find((b) => b.action_id === 'home_search');
    const { view: formView } = await h.opening((t) => h.clickIn(admin, search.action_id, search.value, { view: home, triggerId: t }));
    await h.submit(admin, formView, {
      values: { reference: { reference: { type: 'plain_text_input', value: reference } }, person: { person: { type: 'users_select', selected_user: null } } },
    });
    const found = await h.viewUpdate(formView.id, 2);
    return (found.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
  }
  const referencesIn = (text: string) => [...text.matchAll(/Reference:? `([^`]+)`/g)].map((m) => m[1]);

  it("the reference the requester is shown is the one their Home tab gives and the admins' search finds: the request while it waits, then its decision and its finish", async () => {
    const request = await asks(h, 'UANN');
    const [shown] = referencesIn(JSON.stringify(request.shown.blocks));
    expect(shown).toBeDefined();
    // The admins' message and her DM quote the same one.
    expect(referencesIn(JSON.stringify(request.post.args.blocks))).toEqual([shown]);
    const sent = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('was sent to the admins'));
    expect(referencesIn(JSON.stringify(sent.args.blocks))).toEqual([shown]);

    // Waiting: her Home tab's line for it gives that reference, and the admins' search finds it by it.
    await h.waitForAudit('UANN', (r) => r.action === 'reset_request' && r.phase === 'outcome');
    const home = JSON.stringify((await h.openHome('UANN')).home.blocks);
    const line = (JSON.parse(home) as any[]).map((b) => String(b.text?.text ?? '')).find((t) => t.includes('*Meeting PIN reset request*'));
    expect(line).toContain(':hourglass: Waiting for an admin');
    expect(referencesIn(line!)).toEqual([shown]);
    // Before: 'None: no record has this reference.'
    const waiting = await lookUp('UADA', shown!);
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toContain('*Meeting PIN reset request* by <@UANN> · :hourglass: Waiting for an admin');

    // Approved and finished: the same reference finds the request, the decision and the reset, each line giving it.
    const review = await reviews(h, 'UADA', request);
    await h.submit('UADA', review.view, { values: decide('approve') });
    const finish = await finishButton(h, 'UANN');
    const finished = await finishing(h, 'UANN', finish);
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-ann'));
    await h.waitForAudit('UANN', (r) => r.action === 'reset_pin' && r.phase === 'outcome');
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('finished by'));
    const done = await lookUp('UADA', shown!);
    expect(done).toHaveLength(3);
    // Its line already names her ("by <@UANN>"): the state says she finished it without naming her again.
    expect(done.find((l) => l.includes('*Meeting PIN reset request*'))).toContain('by <@UANN> · :white_check_mark: Approved and finished\n');
    expect(done.find((l) => l.includes('*Meeting PIN reset decision*'))).toContain('by <@UADA> for <@UANN> · :white_check_mark: Approved');
    expect(done.find((l) => !l.includes('*Meeting PIN reset request*') && !l.includes('*Meeting PIN reset decision*'))).toContain('by <@UANN> · :white_check_mark: Done');
    expect(done.flatMap(referencesIn)).toEqual([shown, shown, shown]);
    // Her Home tab: one request, one line, under its reference (before: her Finish's "Meeting PIN reset, finishing your approved request · Done" too, read as a second reset).
    const after = (await h.openHome('UANN')).home.blocks as any[];
    const lines = after.map((b) => String(b.text?.text ?? '')).filter((t) => t.includes('Reference'));
    expect(lines.filter((t) => referencesIn(t).includes(shown!))).toHaveLength(1);
    expect(lines.flatMap(referencesIn).every((r) => r === shown)).toBe(true);
    // She finished it herself: never "applied", as a license change its approval applies is.
    expect(lines[0]).toContain('*Meeting PIN reset request*');
    expect(lines[0]).toContain(':white_check_mark: Approved and finished by you');
  });

  it("a request refused because one is already waiting gives, in its modal, the reference its Home tab line and the admins' search give", async () => {
    // Two confirmations, opened before either was sent: the second's click is refused.
    const again = await h.open('/reset-pin', 'UBOB');
    await asks(h, 'UBOB');
    const submission = await h.submit('UBOB', again.view);
    const refused = JSON.stringify(submission.json?.view ?? (await h.viewUpdate(again.viewId, 2)));
    expect(refused).toContain('request is already waiting for an admin');
    const [shown] = referencesIn(refused);
    expect(shown).toBeDefined();
    await h.waitForAudit('UBOB', (r) => r.action === 'reset_request' && (r.phase === 'refused' || r.outcome === 'failure'));
    const lines = ((await h.openHome('UBOB')).home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes('*Meeting PIN reset request*'));
    expect(lines.flatMap(referencesIn)).toContain(shown);
    const found = await lookUp('UADA', shown!);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('*Meeting PIN reset request* by <@UBOB>');
    expect(referencesIn(found[0]!)).toEqual([shown]);
  });
});

describe('the approval policy: asking again while a request is open', () => {
  const h = useHarness({ env: POLICY });
  const referenceIn = (view: Record<string, any>) => /Reference: `([^`]+)`/.exec(JSON.stringify(view.blocks))?.[1];

  it("the command says where the open request stands, with its reference, and offers no second one: waiting, then approved, to finish from the DM's button by its time", async () => {
    const request = await asks(h, 'UBOB');
    const waiting = await h.open('/reset-pin', 'UBOB');
    expect(waiting.view.submit).toBeUndefined();
    expect(JSON.stringify(waiting.view.blocks)).toContain('Your meeting PIN reset request is already waiting for an admin.');
    expect(referenceIn(waiting.view)).toBe(request.approvalId);

    const review = await reviews(h, 'UADA', request);
    await h.submit('UADA', review.view, { values: decide('approve') });
    const finish = await finishButton(h, 'UBOB');
    const finishBy = /Finish it by (<!date\^\d+\^[^>]+>)/.exec(String(finish.call.args.text))![1]!;
    const approved = await h.open('/reset-pin', 'UBOB');
    // Before: 'Ask an admin' again, and its click said the request was still waiting for an admin.
    expect(approved.view.submit).toBeUndefined();
    const said = JSON.stringify(approved.view.blocks);
    expect(said).toContain('An admin approved your meeting PIN reset request.');
    expect(said).toContain(`Finish it from the button in your direct message from Latchkey by ${finishBy.replace(/"/g, '\\"')}`);
    expect(said).not.toContain('waiting for an admin');
    expect(referenceIn(approved.view)).toBe(request.approvalId);
    // Nothing asked, nothing refused: no record of either look.
    expect((await h.auditRecords('UBOB')).filter((r) => r.errorCode === 'REQUEST_OPEN')).toEqual([]);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });

  it("a second confirmation's click, opened before the first was sent: refused in words that say where the first stands, audited as a request already open (not a license request), and shown refused in the Home tab, never failed", async () => {
    const first = await h.open('/reset-pin', 'UCARL');
    const second = await h.open('/reset-pin', 'UCARL');
    expect(second.view.submit).toBeDefined();
    await h.submit('UCARL', first.view);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes('<@UCARL>'));
    const request = { approvalId: (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string, message: { channel: post.result!.channel as string, ts: post.result!.ts as string } };
    const review = await reviews(h, 'UADA', request);
    await h.submit('UADA', review.view, { values: decide('approve') });
    await finishButton(h, 'UCARL');

    const submission = await h.submit('UCARL', second.view);
    const refused = (submission.json?.view as Record<string, any> | undefined) ?? (await h.viewUpdate(second.viewId, 2));
    const said = JSON.stringify(refused.blocks);
    // Before: 'You already have a PIN request waiting for an admin.', though it was approved.
    expect(said).toContain('An admin approved your meeting PIN reset request.');
    expect(said).not.toContain('waiting for an admin');
    // The refusal's own reference (its Home tab line, below), and the open request's, which its DM and the admins' message name.
    expect(referenceIn(refused)).not.toBe(request.approvalId);
    expect(said).toContain(`Your open request's reference: \`${request.approvalId}\``);

    const records = await h.waitForAudit('UCARL', (r) => r.action === 'reset_request' && r.phase === 'refused');
    // A security reviewer reading an export: a second PIN request refused, not a license request, and not a failure.
    expect(records.filter((r) => r.errorCode === 'REQUEST_OPEN').map((r) => [r.action, r.phase])).toEqual([['reset_request', 'refused']]);
    const lines = ((await h.openHome('UCARL')).home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes('*Meeting PIN reset request*'));
    const line = lines.find((t) => t.includes(referenceIn(refused)!));
    // Before: ':x: Failed. You already have a PIN request waiting for an admin.'
    expect(line).toContain(':no_entry_sign: Not done.');
    expect(line).not.toContain('Failed');
    expect(line).not.toContain('waiting for an admin');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });

  it("a finish that died midway: under way, it is being finished; past the bound, the command says its outcome is unknown and an admin decides it, with a direct message, never that it is being finished now", async () => {
    const { request, finish } = await approved(h, 'UANN');
    // The change was made, but the process died before the request was settled: left FINISHING, and
    // on the list of changes under way, as the take wrote it.
    await finishing(h, 'UANN', finish);
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('finished by'));
    await h.addRawRequestFields(request.approvalId, { status: 'FINISHING', list: 'CHANGE_UNDERWAY' });
    try {
      const underway = await h.open('/reset-pin', 'UANN');
      expect(JSON.stringify(underway.view.blocks)).toContain('Your approved meeting PIN reset request is being finished now.');

      h.clock.offsetMs = 11 * 60_000;
      const lapsed = await h.open('/reset-pin', 'UANN');
      expect(lapsed.view.submit).toBeUndefined();
      const said = JSON.stringify(lapsed.view.blocks);
      // Before: 'Your approved PIN request is being finished now… you can ask again after that', though only an admin's decision moves it.
      expect(said).not.toContain('being finished now');
      expect(said).toContain('Your approved meeting PIN reset request did not finish, so Latchkey cannot tell whether your PIN was reset.');
      expect(said).toContain("It is on the admins' list of changes that did not finish");
      expect(said).toContain('you will get a direct message either way');
      expect(referenceIn(lapsed.view)).toBe(request.approvalId);
      // What it says of the admins is so: the request is on their list, for them to review.
      const admins = (await h.openHome('UADA')).home.blocks as any[];
      expect(JSON.stringify(admins)).toContain('Did not finish: outcome unknown');
      expect(admins.filter((b) => b.accessory?.action_id === 'license_review').map((b) => b.accessory.value)).toEqual([request.approvalId]);
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("a request in a state this version does not know: the command says so in neutral words, never that it waits for an admin or expires if nobody decides it", async () => {
    const request = await asks(h, 'UMAX');
    await h.addRawRequestFields(request.approvalId, { status: 'ESCALATED' });
    const opened = await h.open('/reset-pin', 'UMAX');
    expect(opened.view.submit).toBeUndefined();
    const said = JSON.stringify(opened.view.blocks);
    // Before: 'You already have a PIN request waiting for an admin… it expires at … if nobody decides it.'
    expect(said).not.toContain('waiting for an admin');
    expect(said).not.toContain('if nobody decides it');
    expect(said).toContain('Your meeting PIN reset request is already open, in a state this version of Latchkey cannot show.');
    expect(referenceIn(opened.view)).toBe(request.approvalId);
  });
});

describe('the approval policy: expiry', () => {
  let h: Harness;
  afterAll(async () => {
    await h?.stop();
  });

  it('a request nobody decides expires and its requester is told; an approval not finished in time expires too', async () => {
    h = await Harness.start({ env: POLICY });
    const undecided = await asks(h, 'UANN');
    h.clock.offsetMs = 25 * 3_600_000;
    const review = await reviews(h, 'UADA', undecided);
    expect(review.view.submit).toBeUndefined();
    expect(JSON.stringify(review.view)).toContain('Expired');
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('expired without a decision'));

    const { finish } = await approved(h, 'UBOB');
    h.clock.offsetMs += 31 * 60_000;
    const late = await finishing(h, 'UBOB', finish);
    expect(JSON.stringify(late.view)).toContain('expired');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    // Told in the DM that held Finish, rewritten: once.
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === finish.message.ts && JSON.stringify(c.args).includes('expired before you finished it'));
  });
});

describe('the approval policy: approved as it lapses', () => {
  const h = useHarness({ env: POLICY, dynamoGate: true });
  afterEach(() => (h.clock.offsetMs = 0));

  it('a request approved just before its time ends, its decision written just after: the admin is told it expired, and its requester gets no Finish button', async () => {
    const request = await asks(h, 'UANN');
    const review = await reviews(h, 'UADA', request);
    expect(review.view.submit).toBeDefined();
    // Ada approves it in time; her decision's audit step, before its write, is slow, and meanwhile its time ends.
    const release = h.dynamoGate.hold((call) => call.operation === 'PutItem' && call.body.includes('"attempt"') && call.body.includes(request.approvalId) && call.body.includes('decide'));
    try {
      await h.submit('UADA', review.view, { values: decide('approve') });
      await until("the attempt record of Ada's decision, held at DynamoDB", () => h.dynamoGate.held.length > 0, 2_000);
      expect(h.dynamoGate.held.length).toBeGreaterThanOrEqual(1);
      h.clock.offsetMs = 25 * 3_600_000;
    } finally {
      release();
    }
    const result = JSON.stringify(await h.viewUpdate(review.viewId, 2));
    expect(result).toContain(':zzz: Expired at');
    expect(result).toContain('without a decision');
    expect(result).not.toContain('finishes it themselves');
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('expired without a decision'));
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUANN' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'))).toEqual([]);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  }, 30_000);
});

describe('the approval policy: expiry noticed while the change is made', () => {
  const h = useHarness({ env: POLICY });
  afterEach(() => h.chime.setLatency(0));

  it('a read past the deadline while the finish is resetting does not expire it: the change is told as done, never as expired', async () => {
    const { request, finish } = await approved(h, 'UCARL');
    // Chime answers the reset slowly; its call is recorded on arrival, so the change is under way once it shows.
    h.chime.setLatency(1500);
    const finished = finishing(h, 'UCARL', finish);
    const started = Date.now();
    while (h.chime.callsTo('ResetPersonalPIN').length === 0 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    // Past the finish deadline, the requester's own Home tab reads the request (expiry is noticed on read).
    h.clock.offsetMs = 31 * 60_000;
    const { home } = await h.openHome('UCARL');
    expect(JSON.stringify(home)).not.toContain('Expired');

    const done = await finished;
    expect(secretIn(done.view)).toBe(h.chime.pinOf('chime-carl'));
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('finished by'));
    const dms = h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUCARL');
    expect(JSON.stringify(dms.map((c) => c.args))).not.toContain('expired');
    const after = await h.openHome('UCARL');
    expect(JSON.stringify(after.home)).not.toContain('Expired');
  });
});

describe("the approval policy: an approval never finished, older than its requester's newest requests", () => {
  const h = useHarness({ env: POLICY });
  afterEach(() => (h.clock.offsetMs = 0));

  it("expires when its requester opens their own Home tab, though it is not among the newest shown: its message says so, and they are told, once", async () => {
    const { request, finish } = await approved(h, 'UBOB');
    // Bob never finishes it; past its 30 minutes, he asks for a license five times: four denied, one waiting.
    h.clock.offsetMs = 31 * 60_000;
    for (let i = 0; i < 4; i++) {
      h.slack.clear();
      const review = await reviews(h, 'UADA', await asksLicense(h, 'UBOB'));
      await h.submit('UADA', review.view, { values: decide('deny', 'Not now') });
      expect(JSON.stringify(await h.viewUpdate(review.viewId, 2))).toContain('Denied');
    }
    h.slack.clear();
    await asksLicense(h, 'UBOB');
    h.slack.clear();
    // His tab shows those five, newest first; not the approval.
    const home = JSON.stringify((await h.openHome('UBOB')).home);
    const own = home.slice(home.indexOf('Your requests'));
    expect(own).toContain(':hourglass: Waiting for an admin');
    expect(own.match(/:no_entry: Denied by/g)).toHaveLength(4);
    expect(own).not.toContain('Approved by');
    // The approval expires all the same: the admins' message says so, and Bob is told in the DM
    // that said "Finish it by …", its button gone.
    const expired = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts);
    expect(JSON.stringify(expired.args.blocks)).toContain(':zzz: Expired at');
    const told = (c: SlackCall) => c.method === 'chat.update' && c.args.channel === finish.message.channel && c.args.ts === finish.message.ts;
    const rewritten = await h.slack.waitForCall('chat.update', told);
    expect(rewritten.args.text).toBe('Your approved meeting PIN reset request expired before you finished it. Nothing was changed.');
    expect(JSON.stringify(rewritten.args.blocks)).not.toContain('approval_finish');
    // Once: his next open finds it expired.
    expect(JSON.stringify((await h.openHome('UBOB')).home)).not.toContain('Approved by');
    expect(h.slack.calls.filter(told)).toHaveLength(1);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  }, 60_000);
});

describe('the approval policy: an approval that expires unfinished, told once', () => {
  const h = useHarness({ env: POLICY }, (x) => x.slack.clear());
  afterEach(() => (h.clock.offsetMs = 0));
  const EXPIRED = 'Your approved meeting PIN reset request expired before you finished it. Nothing was changed.';

  it('its requester is told in the DM that held Finish, rewritten without the button: no new DM, and the DM that said it was sent is left as the decision left it', async () => {
    const { request, finish } = await approved(h, 'UANN');
    const from = h.slack.calls.length;
    h.clock.offsetMs = 31 * 60_000;
    // A review past its time expires it, and answers once that is done.
    const review = await reviews(h, 'UADA', request);
    expect(JSON.stringify(review.view)).toContain('Expired');
    const toAnn = h.slack.calls.slice(from).filter((c) => c.args.channel === finish.message.channel);
    expect(toAnn.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
    const rewrites = toAnn.filter((c) => c.method === 'chat.update');
    expect(rewrites.map((c) => c.args.ts)).toEqual([finish.message.ts]);
    expect(rewrites[0]!.args.text).toBe(EXPIRED);
    expect(JSON.stringify(rewrites[0]!.args.blocks)).not.toContain('approval_finish');
  });

  it('its Finish DM not rewritten (Slack refused it): told in a new DM instead', async () => {
    const { request, finish } = await approved(h, 'UBOB');
    h.slack.failNext('chat.update', { error: 'message_not_found' }, 1, (args) => args.ts === finish.message.ts);
    const from = h.slack.calls.length;
    h.clock.offsetMs = 31 * 60_000;
    await reviews(h, 'UADA', request);
    const posted = h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === finish.message.channel);
    expect(posted.map((c) => c.args.text)).toEqual([EXPIRED]);
  });
});

describe('the approval policy: a finish whose change fails', () => {
  // The mail password is not the registry's first credential: its words must be its own, not the PIN's.
  const h = useHarness({ env: { RESET_POLICY: 'pin=approval,password=approval,entra_password=approval' } });
  const entra = () => h.standIns.get('entra_password') as EntraSimulator;

  it("says what happened in that credential's words and that asking again is what is left, and asking again works at once", async () => {
    const opened = await h.open('/reset-password', 'UCARL');
    await h.submit('UCARL', opened.view);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes('<@UCARL>'));
    const approvalId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
    const review = await reviews(h, 'UADA', { approvalId, message: { channel: post.result!.channel as string, ts: post.result!.ts as string } });
    await h.submit('UADA', review.view, { values: decide('approve') });
    const finish = await finishButton(h, 'UCARL');

    h.workmail.failNext('ResetPassword', 'DirectoryUnavailableException');
    const failed = await finishing(h, 'UCARL', finish);
    const modal = JSON.stringify(failed.view);
    expect(modal).toContain('Amazon WorkMail is not answering right now. Nothing was changed.');
    expect(modal).toContain('This approval is used up. Run `/reset-password` to ask again; an admin must approve it again.');
    expect(secretIn(failed.view)).toBeUndefined();
    // The DM's Finish button is gone: the message says what happened and what is left.
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === finish.message.channel && c.args.ts === finish.message.ts);
    expect(JSON.stringify(dm.args)).not.toContain('approval_finish');
    expect(dm.args.text).toMatch(/^Your approved mail password reset request could not be finished at <!date.*>: Amazon WorkMail is not answering right now\. Nothing was changed\.$/);
    expect(JSON.stringify(dm.args.blocks)).toContain('This approval is used up. Run `/reset-password` to ask again; an admin must approve it again.');

    // The admins' message: what happened to the mail password, and who can do what next; never "approve it again" (nobody can).
    const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === post.result!.ts && JSON.stringify(c.args).includes('was not applied'));
    const line = JSON.stringify(update.args.blocks);
    expect(line).toContain('Amazon WorkMail is not answering right now.');
    expect(line).toContain('<@UCARL> can ask again with `/reset-password`; an admin must approve it again.');
    expect(line).not.toContain('Chime');
    expect(line).not.toContain('An admin can approve it again');
    // Nor a Review button: the flow rules a failed finish undecidable (its approval is used).
    expect((update.args.blocks as any[]).filter((b) => b.type === 'actions')).toEqual([]);
    // The requester's Home tab says the same of their own request.
    const { home } = await h.openHome('UCARL');
    expect(JSON.stringify(home)).toContain('can ask again with `/reset-password`');
    expect(JSON.stringify(home)).not.toContain('an admin can retry');
    // Their activity names what they asked to reset, in the mail password's own words.
    const activity = (home.blocks as any[]).map((b) => (b.text?.text ?? '') as string).filter((t) => t.startsWith('*Mail password reset request*'));
    expect(activity).toEqual([expect.stringMatching(/^\*Mail password reset request\* · /)]);

    // And it is true: asking again goes to the admins at once, not "you already have a request waiting".
    const again = await h.open('/reset-password', 'UCARL');
    const submitted = await h.submit('UCARL', again.view);
    const shown = JSON.stringify(submitted.json?.view ?? (await h.viewUpdate(again.viewId, 2)));
    expect(shown).toContain("needs an admin's approval");
    expect(shown).not.toContain('already have');
  });

  it("Microsoft's failure in each reader's name for it: its requester reads of Microsoft 365 (modal, DM, Home tab), never of Entra; the admins' message names the directory, Microsoft Entra ID", async () => {
    const { request, finish } = await approved(h, 'UANN', undefined, '/reset-entra-password');
    entra().failNext('SetPassword', { status: 503, code: 'serviceNotAvailable', message: 'Service unavailable' });
    const failed = await finishing(h, 'UANN', finish);
    const modal = JSON.stringify(failed.view);
    expect(modal).toContain('Microsoft 365 is not answering right now. Nothing was changed.');
    expect(modal).not.toContain('Entra');
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === finish.message.channel && c.args.ts === finish.message.ts);
    expect(dm.args.text).toMatch(/^Your approved Microsoft password reset request could not be finished at <!date.*>: Microsoft 365 is not answering right now\. Nothing was changed\.$/);
    expect(JSON.stringify(dm.args)).not.toContain('Entra');
    // Their own Home tab (their request's line, their activity): the same name.
    const { home } = await h.openHome('UANN');
    expect(JSON.stringify(home)).toContain('Microsoft 365 is not answering right now.');
    expect(JSON.stringify(home)).not.toContain('Entra');

    const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('was not applied'));
    expect(JSON.stringify(update.args.blocks)).toContain('Microsoft Entra ID is not answering right now.');
    expect(JSON.stringify(update.args.blocks)).not.toContain('Microsoft 365 is not answering');
  });
});

describe('the approval policy: a finish that stopped before anything was sent', () => {
  // The app's AWS calls give up after 1 s here (5 s in production); DynamoDB's answers can be held.
  const h = useHarness({ env: POLICY, awsRequestTimeoutMs: 1_000, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  let releases: (() => void)[] = [];
  afterEach(() => {
    for (const release of releases) release();
    releases = [];
  });
  const STILL_STANDS = "Your approval still stands: click *Finish the reset* in Latchkey's message again";

  /** Its Finish clicked while `fault` holds (released once the modal shows); the modal's text. */
  const finishedDuring = async (userId: string, finish: { value: string; message: { channel: string; ts: string } }, fault: () => () => void) => {
    const release = fault();
    releases.push(release);
    try {
      return JSON.stringify((await h.opening((trigger) => h.click(userId, 'approval_finish', finish.value, finish.message, trigger), 15_000)).view);
    } finally {
      release();
    }
  };

  /** Given back: the DM keeps its button, the next click resets the PIN once, and each finish is on record under its own reference. */
  const finishesOnSecondClick = async (userId: string, chimeId: string, finish: { value: string; message: { channel: string; ts: string } }) => {
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    expect(h.slack.calls.filter((c) => c.method === 'chat.update' && c.args.ts === finish.message.ts)).toEqual([]);
    const second = await finishing(h, userId, finish);
    expect(secretIn(second.view)).toBe(h.chime.pinOf(chimeId));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    await finishEnded(h, finish);
    const third = await finishing(h, userId, finish);
    expect(JSON.stringify(third.view)).toContain('This approval was already used, so nothing more was changed.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    return (await h.waitForAudit(userId, (r) => r.action === 'reset_pin' && r.outcome === 'success')).filter((r) => r.action === 'reset_pin');
  };

  it("the directory not answering the re-check before the change: nothing is sent, so the approval is given back (nothing was changed; click Finish again), and the next click resets the PIN once, under a reference of its own", async () => {
    const { finish } = await approved(h, 'UANN');
    // Three attempts of 1 s each at the lookup, and the SDK's pauses between them.
    const modal = await finishedDuring('UANN', finish, () => h.chime.hold(['ListUsers']));
    expect(modal).toContain('Amazon Chime is not answering right now. Nothing was changed.');
    expect(modal).toContain(STILL_STANDS);
    expect(modal).not.toContain('This approval is used up');
    const records = await finishesOnSecondClick('UANN', 'chime-ann', finish);
    expect(records.map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['refused', undefined, 'DIRECTORY_UNAVAILABLE'],
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
    expect(new Set(records.map((r) => r.requestId)).size).toBe(2);
  }, 30_000);

  it("the audit attempt not written: nothing is sent (fail closed), so the approval is given back (nothing was changed; click Finish again), and the next click resets the PIN once, under a reference of its own", async () => {
    const { request, finish } = await approved(h, 'UBOB');
    const modal = await finishedDuring('UBOB', finish, () =>
      h.dynamoGate.hold((call) => call.operation === 'PutItem' && call.body.includes('"attempt"') && call.body.includes('reset_pin') && call.body.includes('UBOB')),
    );
    expect(h.dynamoGate.held.length).toBeGreaterThanOrEqual(1);
    expect(modal).toContain('Latchkey could not write its audit record, so it changed nothing.');
    expect(modal).toContain(STILL_STANDS);
    expect(modal).not.toContain('This approval is used up');
    const records = await finishesOnSecondClick('UBOB', 'chime-bob', finish);
    // The held attempt was never written: only the second click's finish is on record, under a
    // reference of its own, not the first finish's (the request's own).
    expect(records.map((r) => [r.phase, r.outcome])).toEqual([
      ['attempt', undefined],
      ['outcome', 'success'],
    ]);
    expect(records[0]!.approvalRequestId).toBe(request.approvalId);
    expect(records[0]!.requestId).not.toBe(request.approvalId);
  }, 30_000);

  it("a re-check that finds another directory user than the one approved, a refusal no click can get past: the approval is used up, and a later click changes nothing", async () => {
    const { request, finish } = await approved(h, 'UCARL');
    // Carl's email now names another Chime user than the one approved.
    const carl = h.chime.users.get('chime-carl')!;
    h.chime.users.delete('chime-carl');
    h.chime.users.set('chime-carl-2', { ...carl, UserId: 'chime-carl-2' });
    releases.push(() => {
      h.chime.users.delete('chime-carl-2');
      h.chime.users.set('chime-carl', carl);
    });
    const modal = JSON.stringify((await finishing(h, 'UCARL', finish)).view);
    expect(modal).toContain('This confirmation is not valid for your account. Nothing was changed.');
    expect(modal).not.toContain(STILL_STANDS);
    expect(modal).toContain('This approval is used up. Run `/reset-pin` to ask again; an admin must approve it again.');
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === finish.message.channel && c.args.ts === finish.message.ts);
    expect(JSON.stringify(dm.args)).not.toContain('approval_finish');
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('was not applied'));
    const later = await finishing(h, 'UCARL', finish);
    expect(JSON.stringify(later.view)).toContain('This approval was already used, so nothing more was changed.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  }, 30_000);
});

describe('the approval policy: Finish clicked twice, the first click failing', () => {
  const h = useHarness({ env: POLICY, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  let releases: (() => void)[] = [];
  afterEach(() => {
    for (const release of releases) release();
    releases = [];
  });
  /**
   * Two Finish clicks of `userId`'s approval, each opening a modal of its own: the first takes it
   * and is held at its check of who is asking; the second comes meanwhile, and its refusal (the
   * approval is taken) reaches it only once the first has ended, with `fault` met. The modals' text.
   */
  const doubleFinish = async (userId: string, finish: { value: string; message: { channel: string; ts: string } }) => {
    const checks = h.slack.held.length;
    const releaseCheck = h.slack.hold('users.info', (args) => args.user === userId);
    releases.push(releaseCheck);
    const first = finishing(h, userId, finish);
    await until("the first click's held users.info", () => h.slack.held.length > checks);
    let reads = 0;
    const readOf = (c: { operation: string; body: string }) => c.operation === 'GetItem' && c.body.includes(finish.value) && reads++ === 0;
    const delayedBefore = h.dynamoGate.delayed.length;
    const releaseRead = h.dynamoGate.delay(readOf);
    releases.push(releaseRead);
    const second = finishing(h, userId, finish);
    await until("the second click's delayed read of its approval", () => h.dynamoGate.delayed.length > delayedBefore);
    const refused = h.logs.filter((l) => l.includes('approved reset not finished')).length;
    releaseCheck();
    const firstShown = JSON.stringify((await first).view);
    releaseRead();
    await h.waitForLogs('approved reset not finished', refused + 1);
    const secondClick = await second;
    // Each modal is updated once: nothing came over what it shows.
    for (const click of [await first, secondClick]) expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === click.viewId)).toHaveLength(1);
    return { first: firstShown, second: JSON.stringify(secondClick.view) };
  };

  it("the first click's change refused by Chime: the second click's modal, in front, says the same (what happened, and that asking again is what is left), never 'already used'; the PIN is reset once", async () => {
    const { finish } = await approved(h, 'UBOB');
    h.chime.failNext('ResetPersonalPIN', 'NotFoundException');
    const { first, second } = await doubleFinish('UBOB', finish);
    const HAPPENED = 'no Amazon Chime account has your Slack email';
    const NEXT = 'This approval is used up. Run `/reset-pin` to ask again; an admin must approve it again.';
    expect(first).toContain(HAPPENED);
    expect(second).toContain(HAPPENED);
    expect(second).toContain(NEXT);
    expect(second).not.toContain('already used');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    const ofThis = (r: { action: string; approvalRequestId?: string }) => r.action === 'reset_pin' && r.approvalRequestId === finish.value;
    await h.waitForAudit('UBOB', (r) => ofThis(r) && r.phase === 'outcome');
    expect((await h.auditRecords('UBOB')).filter(ofThis).map((r) => `${r.phase}:${r.errorCode ?? ''}`).sort()).toEqual(['attempt:', 'outcome:DIRECTORY_USER_NOT_FOUND']);
  });

  it("the first click sending nothing (Chime not answering its check), so the approval is given back: the second click's modal, in front, says the approval still stands, never 'already used'; and Finish then resets the PIN once", async () => {
    const { finish } = await approved(h, 'UCARL');
    h.chime.failNext('ListUsers', 'ThrottledClientException', 5);
    const { first, second } = await doubleFinish('UCARL', finish);
    const STANDS = "Your approval still stands: click *Finish the reset* in Latchkey's message again";
    expect(first).toContain(STANDS);
    expect(second).toContain(STANDS);
    expect(second).not.toContain('already used');
    expect(second).not.toContain('This approval is used up');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    // And it is true: the next click finishes it, once.
    const again = await finishing(h, 'UCARL', finish);
    expect(secretIn(again.view)).toBe(h.chime.pinOf('chime-carl'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  });
});

describe("the approval policy: another person's Finish click while its requester's finish is under way", () => {
  const h = useHarness({ env: POLICY }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it("another person's finish click made while its requester's finish is showing the new PIN learns nothing of it: not in their modal, nor aside", async () => {
    const { finish } = await approved(h, 'UCARL');
    const [carls, forged] = await finishedAgainWhileShown(h, 'UCARL', 'UBOB', finish);
    await finishEnded(h, finish);
    const pin = h.chime.pinOf('chime-carl');
    expect(secretIn(h.lastShown(carls.viewId, [])!)).toBe(pin);
    const bobsModal = h.lastShown(forged.viewId, [])!;
    expect(secretIn(bobsModal)).toBeUndefined();
    expect(JSON.stringify(bobsModal)).toContain('not for your account');
    // The PIN in Carl's modal alone: no ephemeral, nothing to Bob.
    expect(h.slack.callsTo('chat.postEphemeral')).toEqual([]);
    expect(everythingSlackSaw(h, (c) => c.method === 'views.update' && c.args.view_id === carls.viewId)).not.toContain(pin);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  });
});

describe("the approval policy: Finish clicked twice, Slack putting the second click's modal in place of the first", () => {
  const h = useHarness({ env: POLICY }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  /**
   * Bob's approved reset, Slack putting each new modal in place of the last, and two Finish clicks:
   * the first takes the approval and is held at its check of who is asking (users.info, Slack slow
   * to answer) until `releaseCheck()`, the second is turned away meanwhile. The two modals' IDs.
   */
  async function finishedTwiceWhileTheFirstChecks() {
    const { finish } = await approved(h, 'UBOB');
    h.slack.setViewsOpen('replace');
    const held = h.slack.held.length;
    const releaseCheck = h.slack.hold('users.info', (args) => args.user === 'UBOB');
    /** A Finish click of Bob's, with a trigger Slack knows to be his: the ID of the modal it opens. */
    const click = async () => {
      const trigger = h.slack.newTriggerId('UBOB');
      await h.click('UBOB', 'approval_finish', finish.value, finish.message, trigger);
      return (await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === trigger)).result!.view.id as string;
    };
    try {
      const first = await click();
      await until("the first click's window update (held)", () => h.slack.held.length > held, 5_000);
      expect(h.slack.held.length).toBe(held + 1);
      const refusedBefore = h.logs.filter((l) => l.includes('approved reset not finished')).length;
      const second = await click();
      await h.waitForLogs('approved reset not finished', refusedBefore + 1);
      return { finish, first, second, releaseCheck };
    } catch (err) {
      releaseCheck();
      throw err;
    }
  }

  it("a double Finish where Slack puts the second click's modal in place of the first: the modal that stays shows the new PIN, never only where it went; the PIN is reset once, in the two modals alone", async () => {
    const { finish, first, second, releaseCheck } = await finishedTwiceWhileTheFirstChecks();
    try {
      releaseCheck();
      await Promise.all([h.viewUpdate(first, 1), h.viewUpdate(second, 1), finishEnded(h, finish)]);
      const pin = h.chime.pinOf('chime-bob');
      expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
      // Slack shows Bob the second modal alone, in place of the first: it holds his new PIN.
      const front = h.slack.modalShownTo('UBOB')!;
      expect(front.id).toBe(second);
      expect(secretIn(front)).toBe(pin);
      expect(JSON.stringify(front)).not.toContain('already used');
      expect(secretIn(h.slack.viewById(first)!)).toBe(pin);
      // The PIN in no other call to Slack than the two modals' updates, and in no log line.
      const modals = (c: SlackCall) => c.method === 'views.update' && (c.args.view_id === first || c.args.view_id === second);
      expect(everythingSlackSaw(h, modals)).not.toContain(pin);
      expect(h.logs.join('\n')).not.toContain(pin);
    } finally {
      releaseCheck();
    }
  });

  it("a double Finish whose turned-away click's modal Slack will not update (the only window left, in place of the first): the new PIN comes in a message only the requester sees, and that window says the request was finished and what to do if the PIN was not seen, never stays on its check; the PIN nowhere else", async () => {
    const { finish, first, second, releaseCheck } = await finishedTwiceWhileTheFirstChecks();
    try {
      // Slack refuses the turned-away click's modal its PIN (an error, not a closed window).
      h.slack.failNext('views.update', { error: 'internal_error' }, 1, (args) => args.view_id === second && JSON.stringify(args.view ?? '').includes('"block_id":"secret"'));
      releaseCheck();
      await finishEnded(h, finish);
      const pin = h.chime.pinOf('chime-bob');
      expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
      const refused = await h.slack.waitForCall('views.update', (c) => c.args.view_id === second && c.result?.ok === false);
      // Bob gets his PIN in a message only he can see, in his own DM.
      const aside = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UBOB' && JSON.stringify(c.args.blocks ?? []).includes(pin!));
      expect(aside.args.channel).toBe('DUBOB');
      // The window in front of him is not left on its check: it says the request was finished, and what to do if he did not see his PIN.
      await h.viewUpdate(second, 1);
      const front = h.slack.modalShownTo('UBOB')!;
      expect(front.id).toBe(second);
      expect(JSON.stringify(front)).not.toContain('Checking');
      expect(JSON.stringify(front)).toContain('You finished your');
      expect(JSON.stringify(front)).toContain('If you did not see your new PIN, run `/reset-pin` to ask again; an admin must approve it again.');
      expect(secretIn(front)).toBeUndefined();
      // The PIN in no other call to Slack than the first modal's update, the refused one and the ephemeral, in no log line, in no audit record.
      const allowed = (c: SlackCall) => c === aside || c === refused || (c.method === 'views.update' && c.args.view_id === first);
      expect(everythingSlackSaw(h, allowed)).not.toContain(pin);
      expect(h.logs.join('\n')).not.toContain(pin);
      expect(await h.rawAuditTable()).not.toContain(pin!);
    } finally {
      releaseCheck();
    }
  });

  it("a double Finish whose turned-away click's modal (the only window left, in place of the first) and its aside both refuse the new PIN: the audit says it was not shown, the receipt and that window say to run the command to ask again, for an admin to approve again; the PIN nowhere else", async () => {
    const { finish, first, second, releaseCheck } = await finishedTwiceWhileTheFirstChecks();
    try {
      // Slack refuses the turned-away click's modal its PIN, and the message only Bob would see.
      h.slack.failNext('views.update', { error: 'internal_error' }, 1, (args) => args.view_id === second && JSON.stringify(args.view ?? '').includes('"block_id":"secret"'));
      h.slack.failNext('chat.postEphemeral', { error: 'channel_not_found' }, 3, (args) => args.user === 'UBOB');
      releaseCheck();
      await finishEnded(h, finish);
      const pin = h.chime.pinOf('chime-bob');
      expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
      // The first modal's update "succeeded", but Slack shows Bob the second alone, which never held his PIN.
      expect(secretIn(h.slack.viewById(first)!)).toBe(pin);
      const tried = h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === 'UBOB');
      expect(tried.length).toBeGreaterThan(0);
      expect(tried.every((c) => c.result?.ok === false)).toBe(true);

      // Bob is told what to do: in his receipt (his Finish button's DM, rewritten), and in the window in front of him.
      const receipt = await h.slack.waitForCall('chat.update', (c) => c.args.ts === finish.message.ts && String(c.args.text).includes('was reset at'));
      // Before: "Run `/reset-pin` again to get a new one.", as if running it gave a new one at once, not a new request.
      expect(receipt.args.text).toContain('but Latchkey could not show you the new one. Run `/reset-pin` to ask again; an admin must approve it again.');
      // Said once: not again in the line under it.
      expect(JSON.stringify(receipt.args.blocks)).not.toContain('If you did not see your new PIN');
      expect(JSON.stringify(receipt.args)).not.toMatch(/to get a new one|to reset it again\./);
      const reference = JSON.stringify(receipt.args.blocks).match(/Reference: `([^`]+)`/)![1]!;
      // A reviewer reading the audit sees that the PIN was changed and not shown to him.
      const records = (await h.waitForAudit('UBOB', (r) => r.requestId === reference && r.phase === 'outcome')).filter((r) => r.requestId === reference);
      expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed])).toEqual([
        ['attempt', undefined, undefined],
        ['outcome', 'success', true],
      ]);
      // And so does an operator reading the log.
      expect(h.logs.find((l) => l.includes('"msg":"credential reset"') && l.includes(reference))).toContain('"deliveryFailed":true');
      await h.viewUpdate(second, 1);
      const front = h.slack.modalShownTo('UBOB')!;
      expect(front.id).toBe(second);
      expect(JSON.stringify(front)).toContain('If you did not see your new PIN, run `/reset-pin` to ask again; an admin must approve it again.');
      expect(secretIn(front)).toBeUndefined();

      // The PIN in no other call to Slack than the ones that tried to show it to Bob, in no log line, in no audit record.
      const allowed = (c: SlackCall) => (c.method === 'views.update' && (c.args.view_id === first || c.args.view_id === second)) || (c.method === 'chat.postEphemeral' && c.args.user === 'UBOB');
      expect(everythingSlackSaw(h, allowed)).not.toContain(pin);
      expect(h.logs.join('\n')).not.toContain(pin);
      expect(await h.rawAuditTable()).not.toContain(pin!);
    } finally {
      releaseCheck();
    }
  });

  it("… the second click coming once the first's outcome is on record, while its receipt is on its way: the outcome is written again saying the PIN was not shown, and the receipt rewritten to say to run the command to ask again, for an admin to approve again", async () => {
    const { finish } = await approved(h, 'UBOB');
    h.slack.setViewsOpen('replace');
    const held = h.slack.held.length;
    const releaseReceipt = h.slack.hold('chat.update', (args) => args.ts === finish.message.ts && String(args.text).includes('was reset at'));
    try {
      const trigger = h.slack.newTriggerId('UBOB');
      await h.click('UBOB', 'approval_finish', finish.value, finish.message, trigger);
      const first = (await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === trigger)).result!.view.id as string;
      await until("the first click's window update (held)", () => h.slack.held.length > held, 5_000);
      expect(h.slack.held.length).toBe(held + 1);
      const pin = h.chime.pinOf('chime-bob');
      expect(secretIn(h.slack.viewById(first)!)).toBe(pin);
      // Recorded as shown: its window's update succeeded.
      const ours = (r: { action?: string; approvalRequestId?: string }) => r.action === 'reset_pin' && r.approvalRequestId === finish.value;
      const before = (await h.waitForAudit('UBOB', (r) => ours(r) && r.phase === 'outcome')).filter(ours);
      const reference = before[0]!.requestId;
      expect(before.map((r) => [r.phase, r.deliveryFailed])).toEqual([
        ['attempt', undefined],
        ['outcome', undefined],
      ]);
      // Bob clicks again: the new window takes the first's place, and Slack refuses it and the aside his PIN.
      const trigger2 = h.slack.newTriggerId('UBOB');
      h.slack.failNext('views.update', { error: 'internal_error' }, 1, (args) => JSON.stringify(args.view ?? '').includes('"block_id":"secret"'));
      h.slack.failNext('chat.postEphemeral', { error: 'channel_not_found' }, 3, (args) => args.user === 'UBOB');
      await h.click('UBOB', 'approval_finish', finish.value, finish.message, trigger2);
      const second = (await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === trigger2)).result!.view.id as string;
      await h.slack.waitForCall('views.update', (c) => c.args.view_id === second && c.result?.ok === false);
      await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UBOB' && c.result?.ok === false);
      releaseReceipt();

      // The receipt in place of the Finish button's DM, then rewritten there.
      await h.slack.waitForCall('chat.update', (c) => c.args.ts === finish.message.ts && c.result?.ok === true && String(c.args.text).includes('was reset at'));
      const rewritten = await h.slack.waitForCall('chat.update', (c) => c.args.ts === finish.message.ts && String(c.args.text).includes('could not show you'));
      // Before: "Run `/reset-pin` again to get a new one."
      expect(rewritten.args.text).toContain('but Latchkey could not show you the new one. Run `/reset-pin` to ask again; an admin must approve it again.');
      expect(JSON.stringify(rewritten.args)).not.toContain('to get a new one');
      const records = (await h.waitForAudit('UBOB', (r) => ours(r) && r.deliveryFailed === true)).filter(ours);
      expect(new Set(records.map((r) => r.requestId))).toEqual(new Set([reference]));
      expect(records.map((r) => [r.phase, r.outcome, r.deliveryFailed, r.restated])).toEqual([
        ['attempt', undefined, undefined, undefined],
        ['outcome', 'success', undefined, undefined],
        ['outcome', 'success', true, true],
      ]);
      await finishEnded(h, finish);
      await h.viewUpdate(second, 1);
      const front = h.slack.modalShownTo('UBOB')!;
      expect(front.id).toBe(second);
      expect(JSON.stringify(front)).toContain('If you did not see your new PIN, run `/reset-pin` to ask again; an admin must approve it again.');
      expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
      const allowed = (c: SlackCall) => (c.method === 'views.update' && (c.args.view_id === first || c.args.view_id === second)) || (c.method === 'chat.postEphemeral' && c.args.user === 'UBOB');
      expect(everythingSlackSaw(h, allowed)).not.toContain(pin);
      expect(h.logs.join('\n')).not.toContain(pin);
      expect(await h.rawAuditTable()).not.toContain(pin!);
    } finally {
      releaseReceipt();
    }
  });
});

describe('the approval policy: a finish whose change Chime never answers', () => {
  // The app's AWS calls give up after 1 s here (5 s in production).
  const h = useHarness({ env: POLICY, awsRequestTimeoutMs: 1_000 });

  it('its requester, the channel and their Home tab are told the change may have been made, never that nothing was changed or that it was not applied', async () => {
    const { request, finish } = await approved(h, 'UANN');
    // Chime makes the change but its answer never comes.
    const release = h.chime.hold(['ResetPersonalPIN']);
    const failed = await h.opening((trigger) => h.click('UANN', 'approval_finish', finish.value, finish.message, trigger), 15_000).finally(release);
    const modal = JSON.stringify(failed.view);
    expect(modal).toContain('Amazon Chime did not confirm the reset, so Latchkey cannot tell whether your PIN was reset.');
    expect(modal).not.toContain('Nothing was changed');
    expect(secretIn(failed.view)).toBeUndefined();
    expect(h.chime.callsTo('ResetPersonalPIN').length).toBeGreaterThanOrEqual(1);

    const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('may or may not have been applied'));
    expect(JSON.stringify(update.args.blocks)).toContain('Amazon Chime did not confirm the reset');
    expect(JSON.stringify(update.args.blocks)).not.toContain('was not applied');
    await h.waitForAudit('UANN', (r) => r.action === 'reset_pin' && r.phase === 'outcome' && r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN');
    const { home } = await h.openHome('UANN');
    expect(JSON.stringify(home)).toContain('the directory did not confirm the change: it may or may not have been made');
    expect(JSON.stringify(home)).not.toContain('the change was not made');
  }, 30_000);
});

describe('the approval policy: a status a newer version wrote', () => {
  const h = useHarness({ env: POLICY });

  it('the Finish click shows where the request stands (a state this version does not know), never that it is not theirs, and changes nothing', async () => {
    const { request, finish } = await approved(h, 'UANN');
    await h.addRawRequestFields(request.approvalId, { status: 'ESCALATED' });
    const clicked = JSON.stringify((await finishing(h, 'UANN', finish)).view);
    expect(clicked).toContain('In a state this version of Latchkey does not know (`ESCALATED`)');
    expect(clicked).toContain(`Ask IT to check it with the reference \`${request.approvalId}\``);
    expect(clicked).not.toContain('not for your account');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });
});

describe('the approval policy: a Finish click on a request that is not approved', () => {
  const h = useHarness({ env: POLICY });

  it("denied, or closed after an unknown outcome: its requester's click shows the request's own line, never that it is not theirs; anyone else's learns nothing; nothing changes", async () => {
    const { request, finish } = await approved(h, 'UANN');
    await h.addRawRequestFields(request.approvalId, { status: 'DENIED', decidedBy: 'UMAX', decidedAt: '2026-12-01T09:00:00.000Z', comment: 'Not this week' });
    const denied = JSON.stringify((await finishing(h, 'UANN', finish)).view);
    expect(denied).toContain(':no_entry: Denied by <@UMAX>');
    expect(denied).toContain('Not this week');
    expect(denied).toContain('Nothing was changed. Run `/reset-pin` to ask again');
    expect(denied).toContain('Reference: `');
    expect(denied).not.toContain('not for your account');
    // Someone else's click on it: REQUEST_INVALID, nothing about the request.
    const forged = JSON.stringify((await finishing(h, 'UBOB', finish)).view);
    expect(forged).toContain('not for your account');
    expect(forged).not.toContain('UMAX');
    expect(forged).not.toContain('Not this week');

    // The reference its earlier finish was audited under, which IT checks the change with.
    await h.addRawRequestFields(request.approvalId, { errorCode: 'OUTCOME_UNKNOWN', finishRequestId: 'reset-earlier-finish' });
    const closed = JSON.stringify((await finishing(h, 'UANN', finish)).view);
    expect(closed).toContain(':warning: Closed by <@UMAX>');
    expect(closed).toContain('the earlier change may have been made: IT can check it with the reference `reset-earlier-finish`');
    expect(closed).toContain('Nothing more was changed now.');
    expect(closed).not.toContain('not for your account');
    expect(closed).not.toContain('Denied by');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
  });
});

describe('the approval policy: a requester made a guest before they finish', () => {
  const h = useHarness({ env: POLICY });
  // Carl asked, and was approved, as a member; Slack says he is a guest now (a new entry: the shared PEOPLE are left as they are).
  const madeGuest = () => h.slack.users.set('UCARL', { ...h.slack.users.get('UCARL')!, is_restricted: true });

  it("their Home tab shows the approved request without Finish, and one line says why and what to do, in the refusal's words; a Finish clicked anyway (the DM's) is refused, nothing changes", async () => {
    const { request, finish } = await approved(h, 'UCARL');
    madeGuest();
    const { home } = await h.openHome('UCARL');
    const blocks = home.blocks as any[];
    // Before: the line had *Finish the reset*, whose click only refuses (SLACK_USER_IS_GUEST).
    expect(JSON.stringify(blocks)).not.toContain('approval_finish');
    const line = blocks.map((b) => String(b.text?.text ?? '')).find((t) => t.startsWith('*Meeting PIN reset* · requested at') && t.includes('Approved by <@UADA>'))!;
    expect(line).toContain('Guest accounts cannot use self-service resets. Ask your contact at the company or IT to reset it for you.');
    // Never a promise of a button that is not there.
    expect(line).not.toContain('finish it by');
    // Their activity's line of it says where to read why, never "yours to finish, with its button".
    expect(blocks.map((b) => String(b.text?.text ?? '')).find((t) => t.startsWith('*Meeting PIN reset request*'))).toContain(
      '*Meeting PIN reset request* · :warning: Approved, but a guest account cannot finish it: see Your requests\n',
    );
    expect(JSON.stringify(blocks)).not.toContain('yours to finish');

    // The DM's button, clicked anyway: refused as ever, and nothing changes.
    const refused = await finishing(h, 'UCARL', finish);
    const modal = JSON.stringify(refused.view);
    expect(modal).toContain('Guest accounts cannot use self-service resets.');
    expect(secretIn(refused.view)).toBeUndefined();
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);

    // The approval is used up, and a guest cannot ask again (self-service is for members): every
    // place says what they can do instead, in the refusal's words, never "run `/reset-pin` to ask again".
    expect(modal).toContain('This approval is used up.');
    expect(modal).toContain('Ask your contact at the company or IT to reset it for you.');
    expect(modal).not.toContain('ask again');
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === finish.message.channel && c.args.ts === finish.message.ts);
    expect(JSON.stringify(dm.args.blocks)).toContain('This approval is used up. Ask your contact at the company or IT to reset it for you.');
    expect(JSON.stringify(dm.args.blocks)).not.toContain('ask again');
    // The admins' message says the same of them.
    const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('was not applied'));
    expect(JSON.stringify(update.args.blocks)).toContain('Guest accounts cannot use self-service resets. <@UCARL> can ask their contact at the company or IT to reset it for them.');
    expect(JSON.stringify(update.args.blocks)).not.toContain('ask again');
    // Their Home tab's line of the failed request.
    const after = ((await h.openHome('UCARL')).home.blocks as any[]).map((b) => String(b.text?.text ?? ''));
    expect(after.find((t) => t.startsWith('*Meeting PIN reset* · requested at'))).toContain(
      'Guest accounts cannot use self-service resets. Ask your contact at the company or IT to reset it for you.',
    );
    expect(JSON.stringify(after)).not.toContain('ask again');
  });
});

describe('the approval policy on Lambda', () => {
  const h = useHarness({ entry: 'lambda', env: POLICY });

  it('asked, approved and finished through the function: the finish click is an interaction like any other', async () => {
    const { finish } = await approved(h, 'UANN');
    const finished = await finishing(h, 'UANN', finish);
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-ann'));
    const pin = secretIn(finished.view)!;
    expect(everythingSlackSaw(h, (c) => c.method === 'views.update' && c.args.view_id === finished.viewId)).not.toContain(pin);
  });
});

/**
 * On Lambda a work order's Slack calls end WORK_SLACK_RESERVE_MS before the invocation's end (its
 * context's remaining time, here the simulator's): a call asked for later is not made, only logged,
 * so the audit's outcome and the request's settlement that follow are written before Lambda stops
 * the function. Shown with the invocation's time shortened, as Lambda's context gives it, and Slack
 * holding every call it is sent: what the fake was sent is what the work waited on.
 */
describe("the approval policy on Lambda, past the work order's time for Slack calls", () => {
  // The Chime change may be held past the Slack deadline without timing out (the app's own bound is 5 s).
  const h = useHarness({ entry: 'lambda', env: POLICY, awsRequestTimeoutMs: 20_000 }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const SLACK = ['users.info', 'views.update', 'conversations.open', 'chat.postMessage', 'chat.update'];
  let releases: (() => void)[] = [];
  afterEach(() => {
    h.lambda.functionTimeoutMs = h.lambda.deployedTimeoutMs;
    for (const release of releases) release();
    releases = [];
  });
  /** The Slack calls the work did not make, by method, in order, as logged since the log's line `from`. */
  const notMade = (from: number) =>
    h.logs
      .slice(from)
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; method?: string })
      .filter((line) => line.msg === "Slack call not made: the work order's time for Slack calls is up")
      .map((line) => line.method);

  it("an admin's approval whose invocation has no time left for Slack, every Slack call hung: the decision is made and on record, and no Slack call is made (each logged)", async () => {
    const request = await asks(h, 'UANN');
    const review = await reviews(h, 'UADA', request);
    for (const method of SLACK) releases.push(h.slack.hold(method));
    // Less than the reserve: the work's Slack deadline has passed when it starts.
    h.lambda.functionTimeoutMs = WORK_SLACK_RESERVE_MS - 1_000;
    const [sent, logged] = [h.slack.held.length, h.logs.length];
    await h.submit('UADA', review.view, { values: decide('approve') });
    await h.lambda.idle();
    expect(h.lambda.worked.at(-1)!.error).toBeUndefined();
    // The decision on record, attempt and outcome, as without Slack.
    const admin = await h.auditRecords('UADA');
    expect(admin.filter((r) => r.action === 'reset_decide').map((r) => [r.phase, r.outcome, r.decision])).toEqual([
      ['attempt', undefined, 'approve'],
      ['outcome', 'success', 'approve'],
    ]);
    // Slack was sent nothing: the admins' message, the rewrite of the requester's DM that said it was
    // sent, their new DM and the admin's modal were each given up, and said.
    expect(h.slack.held.slice(sent)).toEqual([]);
    expect(notMade(logged).sort()).toEqual(['chat.update', 'chat.update', 'conversations.open', 'views.update']);
    // Without the deadline the work waited on each, 4 s each (LAMBDA_SLACK_CALL_MS), two rounds one after the other.
  }, 30_000);

  it("the requester's Finish click whose Slack deadline passes during the change: the PIN is reset once, its outcome on record as not delivered, the request settled; no Slack call is made after the deadline", async () => {
    const { finish } = await approved(h, 'UBOB');
    const pinBefore = h.chime.pinOf('chime-bob');
    releases.push(h.chime.hold(['ResetPersonalPIN']));
    // Time enough, when the change is sent, for its bound (20 s here) and the modal's call after it.
    h.lambda.functionTimeoutMs = 60_000;
    await h.click('UBOB', 'approval_finish', finish.value, finish.message, h.slack.newTriggerId());
    await until("Chime's ResetPersonalPIN call", () => h.chime.callsTo('ResetPersonalPIN').length > 0);
    const [sent, logged] = [h.slack.held.length, h.logs.length];
    for (const method of SLACK) releases.push(h.slack.hold(method));
    // While the change is under way, the invocation's context says the work's time for Slack is up
    // (as a change slower than its bound would find it), and only then does the change answer.
    h.lambda.functionTimeoutMs = Date.now() - h.lambda.invocations.at(-1)!.at + WORK_SLACK_RESERVE_MS - 1_000;
    releases.shift()!();
    await h.lambda.idle();
    expect(h.lambda.worked.at(-1)!.error).toBeUndefined();
    const pin = h.chime.pinOf('chime-bob');
    expect(pin).not.toBe(pinBefore);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    // The record says the reset was made and its PIN not shown.
    const records = await h.waitForAudit('UBOB', (r) => r.action === 'reset_pin' && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_pin').map((r) => [r.phase, r.outcome, r.deliveryFailed])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', true],
    ]);
    // Nothing was sent to Slack after the change: the PIN's modal, the ephemeral message that stands in for it, the receipt (in place of the
    // Finish button's DM, then as a DM of its own), the admins' message and the rewrite of the Finish button's DM were each given up, and said.
    expect(h.slack.held.slice(sent)).toEqual([]);
    expect(notMade(logged)).toEqual(['views.update', 'conversations.open', 'chat.update', 'conversations.open', 'chat.update', 'chat.update']);
    expect(JSON.stringify(h.slack.calls)).not.toContain(pin);
    // What followed the deadline, the outcome record and the settlement, fits in the reserve at the
    // DynamoDB client's bound (four attempts, backoffs of at most 350 ms in all), a second to spare.
    expect(2 * (4 * LAMBDA_DYNAMODB_REQUEST_TIMEOUT_MS + 350) + 1_000).toBeLessThan(WORK_SLACK_RESERVE_MS);
    // Settled: the requester's Home tab (Slack answering again) says the change was made.
    for (const release of releases.splice(0)) release();
    h.lambda.functionTimeoutMs = h.lambda.deployedTimeoutMs;
    expect(JSON.stringify((await h.openHome('UBOB')).home)).toContain('Approved by <@UADA>');
    expect(JSON.stringify((await h.openHome('UBOB')).home)).toContain('and finished by you at');
  }, 40_000);
});

/**
 * On Lambda a change is sent only while the work's time for Slack still holds the change's own
 * time, as its credential declares it (Credential.changeTime), and the call that shows its result:
 * a Finish click slowed before the change (Slack or DynamoDB near their bounds) must not set a new
 * PIN or password it can no longer show. Chime's PIN is one AWS call (7 s); Entra's password a
 * token request and the password's PATCH one after another, each up to 7 s, and the sign-out after
 * the password is shown (a token and the call, the same): 32 s with the modal's 4 s, where the PIN
 * needs 11 s; WorkMail's password (a second when its policy refuses the first) and Okta's password
 * of a locked-out account (the unlock, then the reset) two calls, 18 s. The
 * function is given that much longer (lambdaTimeoutS).
 */
describe("the approval policy on Lambda, too little time left for the change", () => {
  const h = useHarness({ entry: 'lambda', env: { RESET_POLICY: 'pin=approval,password=approval,entra_password=approval,okta_password=approval' } }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const entra = () => h.standIns.get('entra_password') as EntraSimulator;
  let releases: (() => void)[] = [];
  afterEach(() => {
    h.lambda.functionTimeoutMs = h.lambda.deployedTimeoutMs;
    for (const release of releases) release();
    releases = [];
  });
  /**
   * A Finish click Slack is slow to say who is clicking for: when users.info answers, the work has
   * `forSlackMs` left for Slack. `meanwhile` runs while it is held (the request taken, nothing sent).
   * The modal it ends with.
   */
  const finishSlowed = async (userId: string, finish: { value: string; message: { channel: string; ts: string } }, forSlackMs: number, meanwhile?: () => Promise<void>) => {
    const release = h.slack.hold('users.info', (args) => args.user === userId);
    releases.push(release);
    const shown = h.opening((trigger) => h.click(userId, 'approval_finish', finish.value, finish.message, trigger), 15_000);
    await until('the held users.info', () => h.slack.held.some((c) => c.method === 'users.info' && c.args.user === userId));
    await meanwhile?.();
    h.lambda.functionTimeoutMs = Date.now() - h.lambda.invocations.at(-1)!.at + WORK_SLACK_RESERVE_MS + forSlackMs;
    release();
    const modal = JSON.stringify((await shown).view);
    await h.lambda.idle();
    return modal;
  };

  it("a Finish click slowed before the change, its time for Slack no longer holding the change's bound and the modal's call: no change is sent, the modal says nothing was changed, and the audit says why", async () => {
    const { finish } = await approved(h, 'UCARL');
    const pinBefore = h.chime.pinOf('chime-carl');
    // 10 s left for Slack: less than the change's bound (2 s to connect and 5 s to answer) and one Slack call (4 s) together.
    const modal = await finishSlowed('UCARL', finish, 10_000);
    // Chime never heard of it: the old PIN still works.
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    expect(h.chime.pinOf('chime-carl')).toBe(pinBefore);
    expect(modal).toContain('Latchkey was held up and had too little time left to reset your PIN and show you the result. Nothing was changed.');
    // Nothing was sent: its approval is given back, and Finish works again.
    expect(modal).toContain("Your approval still stands: click *Finish the reset* in Latchkey's message again");
    const records = await h.waitForAudit('UCARL', (r) => r.action === 'reset_pin' && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_pin').map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'OUT_OF_TIME'],
    ]);
  }, 30_000);

  it("a Finish click refused OUT_OF_TIME sent nothing, so its approval is given back: the modal says to click Finish again, the DM keeps its button, and a second click within the window resets the PIN once; a third changes nothing", async () => {
    const { finish } = await approved(h, 'UBOB');
    const modal = await finishSlowed('UBOB', finish, 10_000);
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    expect(modal).toContain('Latchkey was held up and had too little time left to reset your PIN and show you the result. Nothing was changed.');
    expect(modal).toContain("Your approval still stands: click *Finish the reset* in Latchkey's message again");
    expect(modal).not.toContain('This approval is used up');
    // The DM keeps its Finish button: it is not rewritten as a finish that was used.
    expect(h.slack.calls.filter((c) => c.method === 'chat.update' && c.args.ts === finish.message.ts)).toEqual([]);

    h.lambda.functionTimeoutMs = h.lambda.deployedTimeoutMs;
    const second = await finishing(h, 'UBOB', finish);
    expect(secretIn(second.view)).toBe(h.chime.pinOf('chime-bob'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    // Used now: the same click again changes nothing.
    await finishEnded(h, finish);
    const third = await finishing(h, 'UBOB', finish);
    expect(JSON.stringify(third.view)).toContain('This approval was already used, so nothing more was changed.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    await h.lambda.idle();
    // Two finishes on record, each under its own reference: the one refused, then the one that reset it.
    const records = (await h.waitForAudit('UBOB', (r) => r.action === 'reset_pin' && r.outcome === 'success')).filter((r) => r.action === 'reset_pin');
    expect(records.map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'OUT_OF_TIME'],
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
    expect(new Set(records.map((r) => r.requestId)).size).toBe(2);
  }, 60_000);

  it("a Finish click refused OUT_OF_TIME once the request's time to finish has ended uses its approval up: the modal and the admins' message say so, and a later click changes nothing", async () => {
    const { request, finish } = await approved(h, 'UANN');
    const pinBefore = h.chime.pinOf('chime-ann');
    // Its time to finish ends while the click is held up, after the take and before anything is sent
    // (its end moved to just past: the function's clock is real time, not the harness's).
    const modal = await finishSlowed('UANN', finish, 10_000, () => h.addRawRequestFields(request.approvalId, { expiresAt: new Date(Date.now() - 1_000).toISOString() }));
    expect(modal).toContain('Latchkey was held up and had too little time left to reset your PIN and show you the result. Nothing was changed.');
    // Past its time, nothing is given back: the approval is used, and the modal never offers the button again.
    expect(modal).not.toContain('Your approval still stands');
    expect(modal).toContain('This approval is used up. Run `/reset-pin` to ask again; an admin must approve it again.');
    const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('was not applied'));
    expect(JSON.stringify(update.args.blocks)).toContain('an admin must approve it again');
    const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === finish.message.channel && c.args.ts === finish.message.ts);
    expect(JSON.stringify(dm.args)).not.toContain('approval_finish');
    // The same button again: refused as used, and Chime never heard of it.
    const later = await finishing(h, 'UANN', finish);
    expect(JSON.stringify(later.view)).toContain('This approval was already used, so nothing more was changed.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    expect(h.chime.pinOf('chime-ann')).toBe(pinBefore);
  }, 30_000);

  it("a stale Finish click refused OUT_OF_TIME, landing after an admin approved the request again and its requester took it anew: it says its own outcome under its own reference, never 'used up', and leaves its DM alone; the newer finish stands, resets the PIN once, and its approval is used", async () => {
    const { request, finish } = await approved(h, 'UBOB');
    // The first click is taken, then held up before anything is sent (Slack slow to say who is clicking).
    let caught = false;
    const releaseFirst = h.slack.hold('users.info', (args) => args.user === 'UBOB' && !caught && (caught = true));
    releases.push(releaseFirst);
    const first = h.opening((trigger) => h.click('UBOB', 'approval_finish', finish.value, finish.message, trigger), 30_000);
    await until("the first click's held users.info", () => caught);
    const firstStarted = h.lambda.invocations.at(-1)!.at;
    // Ten minutes on, as the admins see it, it did not finish (its take moved back: the function's
    // clock is real time); Ada approves it again, and Bob gets a new button.
    await h.addRawRequestFields(request.approvalId, { takenAt: new Date(Date.now() - 11 * 60_000).toISOString() });
    const review = await reviews(h, 'UADA', request);
    expect(review.view.callback_id).toBe('license_review_submit');
    await h.submit('UADA', review.view, { values: decide('approve') });
    let buttons = 0;
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish') && ++buttons === 2, 15_000);
    const renewed = { value: (dm.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string, message: { channel: dm.result!.channel as string, ts: dm.result!.ts as string } };
    // He clicks it: taken anew, under a new reference, and held up before anything is sent too.
    const heldBefore = h.slack.held.length;
    const releaseSecond = h.slack.hold('users.info', (args) => args.user === 'UBOB');
    releases.push(releaseSecond);
    const second = h.opening((trigger) => h.click('UBOB', 'approval_finish', renewed.value, renewed.message, trigger), 30_000);
    await until("the second click's held users.info", () => h.slack.held.length > heldBefore);
    // The first click goes on, with too little time left: refused OUT_OF_TIME, nothing sent. It
    // gives nothing back: the request is the newer take's.
    h.lambda.functionTimeoutMs = Date.now() - firstStarted + WORK_SLACK_RESERVE_MS + 10_000;
    releaseFirst();
    const stale = JSON.stringify((await first).view);
    expect(stale).toContain('Latchkey was held up and had too little time left to reset your PIN and show you the result. Nothing was changed.');
    expect(stale).not.toContain('Your approval still stands');
    expect(h.chime.callsTo('ResetPersonalPIN')).toEqual([]);
    // It tells the truth: its outcome stands under its own reference, and the newer approval is
    // left as it is (never 'used up'), its DM not rewritten (its button finishes the newer approval too).
    const ofThis = (r: { action?: string; approvalRequestId?: string; errorCode?: string }) => r.action === 'reset_pin' && r.approvalRequestId === request.approvalId && r.errorCode === 'OUT_OF_TIME';
    const refused = (await h.waitForAudit('UBOB', ofThis)).find(ofThis)!;
    expect(stale).toContain(`Reference: \`${refused.requestId}\``);
    expect(stale).toContain("While this click was under way, an admin decided your request again. This click leaves that newer decision as it is: Latchkey's newer message to you says where your request stands.");
    expect(stale).not.toContain('used up');
    // The newer finish goes on and resets the PIN, once.
    h.lambda.functionTimeoutMs = h.lambda.deployedTimeoutMs;
    releaseSecond();
    const newer = await second;
    expect(secretIn(newer.view)).toBe(h.chime.pinOf('chime-bob'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    // Its approval is used: the admins' message says who finished it, and its button again changes nothing.
    // (Clicked before that finish settled, it says that click is finishing it.)
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('finished by <@UBOB>'));
    const again = await finishing(h, 'UBOB', renewed);
    expect(JSON.stringify(again.view)).toContain('This approval was already used, so nothing more was changed.');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    await h.lambda.idle();
    // The stale click left its DM alone; the newer finish rewrote its own.
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === finish.message.ts)).toEqual([]);
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === renewed.message.ts)).not.toEqual([]);
  }, 60_000);

  it("an Entra password's Finish click slowed before the change, with time left for one AWS call and the modal but not for Entra's calls: nothing reaches Entra, the modal says nothing was changed, and the audit says why", async () => {
    const { finish } = await approved(h, 'UANN', undefined, '/reset-entra-password');
    const ann = [...entra().users.values()].find((u) => u.mail === 'ann@example.com')!;
    const before = entra().passwordOf(ann.id);
    // 20 s left for Slack: more than a change of one AWS call and the modal's call need (11 s), less than Entra's 32 s.
    const modal = await finishSlowed('UANN', finish, 20_000);
    // Entra never heard of a new password, nor of a sign-out.
    expect(entra().calls.filter((c) => c.operation === 'SetPassword' || c.operation === 'RevokeSessions')).toEqual([]);
    expect(entra().passwordOf(ann.id)).toBe(before);
    expect(modal).toContain('Latchkey was held up and had too little time left to reset your Microsoft 365 password and show you the result. Nothing was changed.');
    expect(modal).toContain("Your approval still stands: click *Finish the reset* in Latchkey's message again");
    const records = await h.waitForAudit('UANN', (r) => r.action === 'reset_entra_password' && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_entra_password').map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'OUT_OF_TIME'],
    ]);
  }, 30_000);

  it("a WorkMail password's Finish click slowed before the change, with time left for one AWS call and the modal but not for a second password: nothing reaches WorkMail, and the audit says why", async () => {
    const { finish } = await approved(h, 'UCARL', undefined, '/reset-password');
    const before = h.workmail.passwordOf('wm-carl');
    // 14 s left for Slack: more than one AWS call and the modal's call need (11 s), less than two calls and the modal (18 s).
    const modal = await finishSlowed('UCARL', finish, 14_000);
    expect(h.workmail.callsTo('ResetPassword')).toEqual([]);
    expect(h.workmail.passwordOf('wm-carl')).toBe(before);
    expect(modal).toContain('Latchkey was held up and had too little time left to reset your password and show you the result. Nothing was changed.');
    expect(modal).toContain("Your approval still stands: click *Finish the reset* in Latchkey's message again");
    const records = await h.waitForAudit('UCARL', (r) => r.action === 'reset_password' && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_password').map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'OUT_OF_TIME'],
    ]);
  }, 30_000);

  it("a locked-out Okta account's Finish click slowed before the change, with time left for one Okta call and the modal but not for the unlock and the reset: nothing reaches Okta, the account stays locked, and the audit says why", async () => {
    const { finish } = await approved(h, 'UBOB', undefined, '/reset-okta-password');
    expect(h.okta.users.get('00ubob')?.status).toBe('LOCKED_OUT');
    // 14 s left for Slack: more than one Okta call and the modal's call need (11 s), less than the unlock, the reset and the modal (18 s).
    const modal = await finishSlowed('UBOB', finish, 14_000);
    // Okta was sent neither the unlock nor the reset.
    expect(h.okta.calls.filter((c) => c.operation === 'Unlock' || c.operation === 'ExpirePassword')).toEqual([]);
    expect(h.okta.users.get('00ubob')?.status).toBe('LOCKED_OUT');
    expect(modal).toContain('Latchkey was held up and had too little time left to reset your Okta password and show you the result. Nothing was changed.');
    expect(modal).toContain("Your approval still stands: click *Finish the reset* in Latchkey's message again");
    const records = await h.waitForAudit('UBOB', (r) => r.action === 'reset_okta_password' && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_okta_password').map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'failure', 'OUT_OF_TIME'],
    ]);
  }, 30_000);

  it("an Okta account that is not locked, its Finish click slowed the same (time left for one Okta call and the modal, not two): the reset is one call, so it goes through and the person sees their temporary password", async () => {
    const { finish } = await approved(h, 'UANN', undefined, '/reset-okta-password');
    expect(h.okta.users.get('00uann')?.status).toBe('ACTIVE');
    // 14 s left for Slack, as for the locked account above: the reset (7 s) and the modal (4 s) fit; no unlock is made.
    const modal = await finishSlowed('UANN', finish, 14_000);
    expect(modal).toContain('Your temporary Okta password:');
    expect(h.okta.calls.filter((c) => c.operation === 'Unlock' || c.operation === 'ExpirePassword').map((c) => c.operation)).toEqual(['ExpirePassword']);
    const records = await h.waitForAudit('UANN', (r) => r.action === 'reset_okta_password' && r.phase === 'outcome');
    expect(records.filter((r) => r.action === 'reset_okta_password').map((r) => [r.phase, r.outcome, r.errorCode])).toEqual([
      ['attempt', undefined, undefined],
      ['outcome', 'success', undefined],
    ]);
  }, 30_000);
});

describe('the approval policy: nothing secret at rest', () => {
  const h = useHarness({ env: POLICY });

  it('no secret in any DynamoDB table, log line, post, publish or approver view', async () => {
    const { finish } = await approved(h, 'UCARL');
    const finished = await finishing(h, 'UCARL', finish);
    await h.waitForAudit('UCARL', (r) => r.action === 'reset_pin' && r.phase === 'outcome');
    await h.openHome('UADA');
    await h.openHome('UCARL');
    const secrets = h.allSecrets();
    expect(secrets.length).toBeGreaterThan(0);
    const client = new DynamoDBClient({ endpoint: h.dynamo.endpoint });
    const tables = await Promise.all(
      ['latchkey-audit-test', 'latchkey-approvals', 'latchkey-rate-limits'].map(async (t) => JSON.stringify((await client.send(new ScanCommand({ TableName: t }))).Items)),
    );
    client.destroy();
    const outside = everythingSlackSaw(h, (c) => c.method === 'views.update' && c.args.view_id === finished.viewId);
    for (const secret of secrets) {
      for (const table of tables) expect(table).not.toContain(secret);
      expect(outside).not.toContain(secret);
      expect(h.logs.join('\n')).not.toContain(secret);
    }
  });
});

describe('the approval policy: a finish that completes after its bound', () => {
  const h = useHarness({ env: POLICY });
  afterEach(() => (h.clock.offsetMs = 0));

  it("a finish that completes after an admin approved it again (past the bound): its receipt is a new DM, never a rewrite of a DM the newer approval may own", async () => {
    const { request, finish } = await approved(h, 'UANN');
    // Its change is made, and the PIN on its way to the modal when Slack stalls: the finish hangs.
    const release = h.slack.hold('views.update', (args) => JSON.stringify(args.view?.blocks ?? []).includes('"block_id":"secret"'));
    try {
      await h.click('UANN', 'approval_finish', finish.value, finish.message, h.slack.newTriggerId());
      await until('the held views.update that shows the PIN', () => h.slack.held.length > 0);
      // Past the bound, an admin approves it again: the requester gets a new Finish DM.
      h.clock.offsetMs = 11 * 60_000;
      const review = await reviews(h, 'UADA', request);
      await h.submit('UADA', review.view, { values: decide('approve') });
      expect(JSON.stringify(await h.viewUpdate(review.viewId, 2))).toContain('finishes it themselves');
      let buttons = 0;
      await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish') && ++buttons === 2);
    } finally {
      release();
    }
    // The late finish's receipt comes anew; neither Finish DM is rewritten into it.
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && /was reset at/.test(String(c.args.text)));
    await finishEnded(h, finish);
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.channel === 'DUANN' && /was reset at/.test(String(c.args.text)))).toEqual([]);
  });
});

describe('the approval policy: a finish that died midway', () => {
  const h = useHarness({ env: POLICY });

  it("is shown as not finished, its outcome unknown, after 10 minutes; only an admin's new decision moves it, once", async () => {
    const { request, finish } = await approved(h, 'UANN');
    // The requester's click took it and the change was made and audited (attempt and outcome), but
    // the process died before the request was settled: it is left FINISHING, as the take wrote it.
    const first = await finishing(h, 'UANN', finish);
    expect(secretIn(first.view)).toBe(h.chime.pinOf('chime-ann'));
    const isReset = (r: { action: string; phase: string }) => r.action === 'reset_pin' && r.phase === 'outcome';
    const firstReset = (await h.waitForAudit('UANN', isReset)).find(isReset)!;
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('finished by'));
    await h.addRawRequestFields(request.approvalId, { status: 'FINISHING' });
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    // Within the bound it is a finish under way: nobody decides it.
    const early = await reviews(h, 'UADA', request);
    expect(early.view.submit).toBeUndefined();
    expect(JSON.stringify(early.view)).toContain('is finishing it now');

    h.clock.offsetMs = 11 * 60_000;
    // Its requester clicks Finish again: nothing changes; they are told what happened and what to do; the admins' message gets Review.
    const again = await finishing(h, 'UANN', finish);
    expect(JSON.stringify(again.view)).toContain('did not complete, and Latchkey cannot tell whether the change was made');
    expect(JSON.stringify(again.view)).toContain(`Reference: \`${firstReset.requestId}\``);
    const updated = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('the outcome is unknown'));
    expect(JSON.stringify(updated.args.blocks)).toContain('"action_id":"license_review"');
    // The reference IT checks the change with is the one the earlier finish was audited under.
    expect(JSON.stringify(updated.args.blocks)).toContain(`IT can check the change with the reference \`${firstReset.requestId}\``);
    const home = JSON.stringify((await h.openHome('UANN')).home);
    expect(home).toContain('but it did not finish: the outcome is unknown');
    // Their activity says the same, never that the change is being made.
    expect(home).toContain('*Meeting PIN reset request* · :grey_question: Approved; the change did not finish and its outcome is unknown');
    expect(home).not.toContain('the change is being made');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);

    // Two admins open it; one approves it again: the requester gets a new button.
    const [a, b] = [await reviews(h, 'UADA', request), await reviews(h, 'UMAX', request)];
    expect([a.view.callback_id, b.view.callback_id]).toEqual(['license_review_submit', 'license_review_submit']);
    expect(JSON.stringify(a.view)).toContain('the outcome is unknown');
    await h.submit('UADA', a.view, { values: decide('approve') });
    expect(JSON.stringify(await h.viewUpdate(a.viewId, 2))).toContain('finishes it themselves');
    let buttons = 0;
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish') && ++buttons === 2);

    // Replayed, the approval changes nothing; the requester's finish is theirs once; the other admin's stale decision changes nothing.
    await h.submit('UADA', a.view, { values: decide('approve') });
    expect(JSON.stringify(await h.viewUpdate(a.viewId, 3))).toContain('It cannot be decided while <@UANN> can finish it.');
    // Its new Finish changes the PIN once more, though the earlier finish's records are on file.
    const pinBefore = h.chime.pinOf('chime-ann');
    const finished = await finishing(h, 'UANN', finish);
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-ann'));
    expect(h.chime.pinOf('chime-ann')).not.toBe(pinBefore);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(2);
    await h.submit('UMAX', b.view, { values: decide('deny', 'Stale') });
    // Settled by now, or still being settled by the finish that just showed its PIN: either way, not decided by this.
    expect(JSON.stringify(await h.viewUpdate(b.viewId, 2))).toMatch(/It cannot be decided (again|while the change is being made)\./);
    // A replayed click of it changes nothing: the take is used.
    const replayed = await finishing(h, 'UANN', finish);
    expect(JSON.stringify(replayed.view)).not.toContain('did not complete');
    expect(secretIn(replayed.view)).toBeUndefined();
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(2);
    // Both resets audited, each once under its own take's reference: attempt and outcome.
    await h.waitForAudit('UANN', (r) => r.action === 'reset_pin' && r.phase === 'outcome' && r.requestId !== firstReset.requestId);
    const resets = (await h.auditRecords('UANN')).filter((r) => r.action === 'reset_pin');
    const byRequest = new Map<string, string[]>();
    for (const r of resets) byRequest.set(r.requestId, [...(byRequest.get(r.requestId) ?? []), `${r.phase}:${r.outcome ?? ''}`]);
    expect([...byRequest.values()].map((phases) => phases.sort())).toEqual([
      ['attempt:', 'outcome:success'],
      ['attempt:', 'outcome:success'],
    ]);

    // Each decision on record, by whom: the first approval and the one after the unknown outcome; nothing by the stale ones.
    const decisions = [...(await h.auditRecords('UADA')), ...(await h.auditRecords('UMAX'))].filter(
      (r) => r.action === 'reset_decide' && r.approvalRequestId === request.approvalId && r.phase === 'outcome',
    );
    expect(decisions.map((r) => [r.slackUserId, r.outcome])).toEqual([
      ['UADA', 'success'],
      ['UADA', 'success'],
    ]);
  });

  it("its requester's Home tab never waits for the admins' message to be rewritten, and rewrites it once", async () => {
    h.clock.offsetMs = 0;
    const { request, finish } = await approved(h, 'UCARL');
    await finishing(h, 'UCARL', finish);
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('finished by'));
    await h.addRawRequestFields(request.approvalId, { status: 'FINISHING' });
    h.clock.offsetMs = 11 * 60_000;
    const unknown = (c: SlackCall) => c.method === 'chat.update' && c.args.ts === request.message.ts && JSON.stringify(c.args).includes('the outcome is unknown');
    try {
      // Slack is slow to update messages: the tab is published first, whatever the rewrite takes.
      h.slack.setProcessingDelay('chat.update', () => 1_500);
      const home = JSON.stringify((await h.openHome('UCARL')).home);
      expect(home).toContain('but it did not finish: the outcome is unknown');
      expect(h.slack.calls.filter(unknown)).toEqual([]);
      await h.slack.waitForCall('chat.update', (c) => unknown(c));
      h.slack.setProcessingDelay('chat.update', undefined);
      // Opened again, it shows the same, and the message, which shows it already, is not rewritten again.
      await h.openHome('UCARL');
      await h.openHome('UCARL');
      expect(h.slack.calls.filter(unknown)).toHaveLength(1);
    } finally {
      h.slack.setProcessingDelay('chat.update', undefined);
      h.clock.offsetMs = 0;
    }
  });

  it('denied then, it is closed, never said to be denied as if nothing changed: the change may have been made, with the reference IT checks', async () => {
    h.clock.offsetMs = 0;
    const { request, finish } = await approved(h, 'UBOB');
    // Finished to the end (the PIN reset and audited), then left FINISHING as if the process died before settling it.
    const before = new Set((await h.auditRecords('UBOB')).map((r) => r.requestId));
    await finishing(h, 'UBOB', finish);
    const isNewReset = (r: { action: string; phase: string; requestId: string }) => r.action === 'reset_pin' && r.phase === 'outcome' && !before.has(r.requestId);
    const reset = (await h.waitForAudit('UBOB', isNewReset)).find(isNewReset)!;
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('finished by'));
    await h.addRawRequestFields(request.approvalId, { status: 'FINISHING' });
    h.clock.offsetMs = 11 * 60_000;
    try {
      const review = await reviews(h, 'UMAX', request);
      await h.submit('UMAX', review.view, { values: decide('deny', 'Checked with Ann') });
      expect(JSON.stringify(await h.viewUpdate(review.viewId, 2))).toContain('Closed. <@UBOB> has been told, with your comment, that the earlier change may have been made.');
      const closed = `Closed by <@UMAX>`;
      const check = `the earlier change may have been made: IT can check it with the reference \`${reset.requestId}\``;
      // The requester's message, the channel message and their Home tab say it was closed and may have been made.
      const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes('was closed by <@UMAX>'));
      expect(JSON.stringify(dm.args)).toContain('the earlier change may have been made');
      expect(JSON.stringify(dm.args)).toContain(`IT can check it with the reference \`${reset.requestId}\``);
      expect(JSON.stringify(dm.args)).not.toContain('was denied');
      const updated = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes(closed));
      expect(JSON.stringify(updated.args.blocks)).toContain(check);
      expect(JSON.stringify(updated.args.blocks)).not.toContain('Denied by');
      const home = JSON.stringify((await h.openHome('UBOB')).home);
      expect(home).toContain(check);
      expect(home).toContain(':warning: Closed by an admin; the earlier change may have been made');
      expect(home).not.toContain(':no_entry: Denied');
      // Stored as DENIED, which older versions read, with why.
      const client = new DynamoDBClient({ endpoint: h.dynamo.endpoint });
      const { Item } = await client.send(new GetItemCommand({ TableName: 'latchkey-approvals', Key: { pk: { S: `REQUEST#${request.approvalId}` }, sk: { S: 'REQUEST' } } }));
      client.destroy();
      expect([Item?.status?.S, Item?.errorCode?.S]).toEqual(['DENIED', 'OUTCOME_UNKNOWN']);
    } finally {
      h.clock.offsetMs = 0;
    }
  });
});

describe('the approval policy: a request filed before the finish reference was kept (71eeee6)', () => {
  const h = useHarness({ env: POLICY });

  it('its outcome-unknown and closed lines, DM and result modal give the reference its reset was audited under, never the approval ID', async () => {
    const { request, finish } = await approved(h, 'UANN');
    await finishing(h, 'UANN', finish);
    const isReset = (r: { action: string; phase: string }) => r.action === 'reset_pin' && r.phase === 'outcome';
    await h.waitForAudit('UANN', isReset);
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('finished by'));
    // As an older version wrote it: no finishRequestId, its finish audited under the confirmation's
    // reference, kept as detail.resetRequestId; left FINISHING.
    const reset = { requestId: '2026-01-05T09:00:00.000Z_0123456789ab' };
    await h.removeRawRequestFields(request.approvalId, ['finishRequestId']);
    await h.addRawRequestFields(request.approvalId, { status: 'FINISHING', detail: { credential: 'pin', resetRequestId: reset.requestId } });
    h.clock.offsetMs = 11 * 60_000;
    try {
      const unknownHome = JSON.stringify((await h.openHome('UANN')).home);
      expect(unknownHome).toContain(`IT can check the change with the reference \`${reset.requestId}\``);
      const unknownLine = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('the outcome is unknown'));
      expect(JSON.stringify(unknownLine.args.blocks)).toContain(`IT can check the change with the reference \`${reset.requestId}\``);
      const review = await reviews(h, 'UMAX', request);
      expect(JSON.stringify(review.view)).toContain(`\`${reset.requestId}\``);
      await h.submit('UMAX', review.view, { values: decide('deny', 'Checked with Ann') });
      const result = JSON.stringify(await h.viewUpdate(review.viewId, 2));
      expect(result).toContain(`IT can check it with the reference \`${reset.requestId}\``);
      const check = `the earlier change may have been made: IT can check it with the reference \`${reset.requestId}\``;
      const closed = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('Closed by <@UMAX>'));
      expect(JSON.stringify(closed.args.blocks)).toContain(check);
      const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('was closed by <@UMAX>'));
      expect(JSON.stringify(dm.args)).toContain(`IT can check it with the reference \`${reset.requestId}\``);
      expect(JSON.stringify((await h.openHome('UANN')).home)).toContain(check);
      expect(everythingSlackSaw(h)).not.toContain(`reference \`${request.approvalId}\``);
    } finally {
      h.clock.offsetMs = 0;
    }
  });

});

describe('the approval policy: the audit', () => {
  const h = useHarness({ env: POLICY });

  it('the audit ties each approval to the finish references it hands out, and each reset to its approval', async () => {
    const { request, finish } = await approved(h, 'UBOB');
    const decisions = async () =>
      [...(await h.auditRecords('UADA'))].filter((r) => r.action === 'reset_decide' && r.approvalRequestId === request.approvalId && r.phase === 'attempt').sort((a, b) => a.at.localeCompare(b.at));
    await finishing(h, 'UBOB', finish);
    const isReset = (r: { action: string; phase: string }) => r.action === 'reset_pin' && r.phase === 'outcome';
    const first = (await h.waitForAudit('UBOB', isReset)).find(isReset)!;
    // The first approval, on record before it took effect, names the reference its finish was audited under.
    const [approval] = await decisions();
    expect(approval!.finishRequestId).toBe(first.requestId);
    expect(approval!.earlierFinishRequestId).toBeUndefined();
    // The reset's own records (attempt and outcome) name the approval they finish.
    expect((await h.auditRecords('UBOB')).filter((r) => r.requestId === first.requestId).map((r) => [r.phase, r.approvalRequestId])).toEqual(
      expect.arrayContaining([
        ['attempt', request.approvalId],
        ['outcome', request.approvalId],
      ]),
    );

    // Left FINISHING (died before it was settled), approved again: the new reference and the earlier one, on record.
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('finished by'));
    await h.addRawRequestFields(request.approvalId, { status: 'FINISHING' });
    h.clock.offsetMs = 11 * 60_000;
    try {
      const review = await reviews(h, 'UADA', request);
      await h.submit('UADA', review.view, { values: decide('approve') });
      await h.viewUpdate(review.viewId, 2);
      const again = (await decisions())[1]!;
      expect(again.earlierFinishRequestId).toBe(first.requestId);
      expect(again.finishRequestId).toBeDefined();
      expect(again.finishRequestId).not.toBe(first.requestId);
      await finishing(h, 'UBOB', finish);
      const isSecond = (r: { action: string; phase: string; requestId: string }) => isReset(r) && r.requestId !== first.requestId;
      const second = (await h.waitForAudit('UBOB', isSecond)).find(isSecond)!;
      expect([second.requestId, second.approvalRequestId]).toEqual([again.finishRequestId, request.approvalId]);
      // The Home tab still shows each reset as a thing of its own, under its own reference.
      const home = JSON.stringify((await h.openHome('UBOB')).home);
      expect(home).toContain(`Reference \`${second.requestId}\``);
      expect(home).toContain(`Reference \`${first.requestId}\``);
    } finally {
      h.clock.offsetMs = 0;
    }
  });
});

describe('the approval policy: approved again after an unknown outcome, then not finished', () => {
  const h = useHarness({ env: POLICY });

  /** Finished to the end, left FINISHING (died before it was settled), approved again after 11 minutes; returns the first reset's reference. */
  async function approvedAgain(userId: string) {
    h.clock.offsetMs = 0;
    const { request, finish } = await approved(h, userId);
    await finishing(h, userId, finish);
    const isReset = (r: { action: string; phase: string }) => r.action === 'reset_pin' && r.phase === 'outcome';
    const first = (await h.waitForAudit(userId, isReset)).find(isReset)!;
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('finished by'));
    await h.addRawRequestFields(request.approvalId, { status: 'FINISHING' });
    h.clock.offsetMs = 11 * 60_000;
    const review = await reviews(h, 'UADA', request);
    await h.submit('UADA', review.view, { values: decide('approve') });
    await h.viewUpdate(review.viewId, 2);
    let buttons = 0;
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === `D${userId}` && JSON.stringify(c.args.blocks ?? []).includes('approval_finish') && ++buttons === 2);
    return { request, finish, first };
  }

  it('expired: never said to have changed nothing; the earlier change may have been made, with its reference', async () => {
    try {
      const { request, first } = await approvedAgain('UANN');
      h.clock.offsetMs = (11 + 31) * 60_000;
      const home = JSON.stringify((await h.openHome('UANN')).home);
      const check = `the earlier change may have been made: IT can check it with the reference \`${first.requestId}\``;
      expect(home).toContain(check);
      expect(home).toContain(':warning: Approved again, but not finished; the earlier change may have been made');
      expect(home).not.toContain('nothing was changed');
      // Told in the DM that held the new Finish, rewritten.
      const dm = await h.slack.waitForCall('chat.update', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('expired before you finished it'));
      expect(JSON.stringify(dm.args)).toContain('the earlier change may have been made');
      expect(JSON.stringify(dm.args)).toContain(`IT can check it with the reference \`${first.requestId}\``);
      expect(JSON.stringify(dm.args)).not.toContain('Nothing was changed');
      const line = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('Expired at'));
      expect(JSON.stringify(line.args.blocks)).toContain(check);
      expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it('its new finish failed: the earlier change may have been made, with its reference', async () => {
    try {
      const { request, finish, first } = await approvedAgain('UCARL');
      h.chime.failNext('ResetPersonalPIN', 'ServiceUnavailableException', 5);
      const failed = JSON.stringify((await finishing(h, 'UCARL', finish)).view);
      const check = `The earlier change may have been made: IT can check it with the reference \`${first.requestId}\``;
      const line = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('the change was not applied'));
      expect(JSON.stringify(line.args.blocks)).toContain(check);
      // Their own modal says so, besides what this finish did not do.
      expect(failed).toContain(check);
      const home = JSON.stringify((await h.openHome('UCARL')).home);
      expect(home).toContain(check);
      expect(home).toContain(':warning: Approved again, but not finished; the earlier change may have been made');
    } finally {
      h.clock.offsetMs = 0;
    }
  });
});

describe("the approval policy: a change that did not finish, in the admins' Home tab", () => {
  // Chime's answers are held while a change must stay under way: the app's AWS calls wait for them
  // longer here than the 5 s they wait in production, so nothing but the test's release ends the hold.
  const h = useHarness({ env: POLICY, awsRequestTimeoutMs: 60_000 }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  let release = () => {};
  afterEach(() => {
    release();
    h.clock.offsetMs = 0;
  });

  /** The Home tab's section of changes that did not finish, as an admin sees it: its text, and the requests its Review buttons name. */
  function unfinishedSection(home: Record<string, any>): { text: string; reviews: string[] } {
    const blocks = home.blocks as any[];
    const start = blocks.findIndex((b) => b.type === 'header' && b.text.text.startsWith('Did not finish'));
    if (start < 0) return { text: '', reviews: [] };
    const end = blocks.findIndex((b, i) => i > start && b.type === 'header');
    const section = blocks.slice(start, end);
    return { text: JSON.stringify(section), reviews: section.flatMap((b) => (b.accessory?.action_id === 'license_review' ? [b.accessory.value as string] : [])) };
  }

  it('an approved reset whose finish, and a license change whose apply, did not finish in 10 minutes are in every admin\'s queue with their line, reference and Review, and their channel messages say so once an admin opens the tab; never before, never for anyone else, and gone once settled', async () => {
    const reset = await approved(h, 'UANN');
    const reference = (reset.request.shown.blocks as any[]).map((b) => b.elements?.[0]?.text ?? '').join('').match(/`([^`]+)`/)![1];
    const license = await asksLicense(h, 'UBOB');
    const review = await reviews(h, 'UADA', license);
    h.chime.clear();
    // Chime's answers are held, so both changes are under way as a process that died midway left them:
    // the license's apply (an admin approved it) and the reset's finish (its requester took it).
    release = h.chime.hold();
    const decided = h.submit('UADA', review.view, { values: decide('approve') });
    await until("Chime's UpdateUser call (the license being applied)", () => h.chime.callsTo('UpdateUser').length === 1);
    const finished = h.click('UANN', 'approval_finish', reset.finish.value, reset.finish.message);
    await until("Chime's call finishing the reset", () => h.chime.calls.some((c) => c.operation !== 'UpdateUser'));

    // Under way for less than 10 minutes: nobody is asked to decide them.
    expect(unfinishedSection((await h.openHome('UMAX')).home).reviews).toEqual([]);

    h.clock.offsetMs = 11 * 60_000;
    const { home } = await h.openHome('UMAX');
    const listed = unfinishedSection(home);
    expect(listed.reviews.sort()).toEqual([license.approvalId, reset.request.approvalId].sort());
    // What to do: check the change by its reference, then decide; each with its own line and reference.
    expect(listed.text).toContain('Check the change with the reference its line gives, then *Review* it');
    expect(listed.text).toContain('<@UANN> started finishing it at');
    expect(listed.text).toContain(`IT can check the change with the reference \`${reference}\``);
    expect(listed.text).toContain('Approved by <@UADA>');
    expect(listed.text).toContain(`applying it did not finish: the outcome is unknown (the change may or may not have been made). An admin can approve it again to apply it again, or deny it to close it; IT can check the change with the reference \`${license.approvalId}\``);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    // Their channel messages say so too, with Review, though neither requester has opened their Home tab or clicked since.
    for (const request of [license, reset.request]) {
      const rewritten = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('the outcome is unknown'));
      expect(JSON.stringify(rewritten.args.blocks)).toContain('"action_id":"license_review"');
    }
    expect(h.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'UANN' || c.args.user_id === 'UBOB')).toEqual([]);
    // Review from the Home tab opens the decision, as from the channel.
    const opened = await h.opening((trigger) => h.clickIn('UMAX', 'license_review', reset.request.approvalId, { view: home, triggerId: trigger }));
    expect(opened.view.callback_id).toBe('license_review_submit');
    expect(JSON.stringify(opened.view)).toContain('but it did not finish: the outcome is unknown');
    // Someone who is not an admin sees none of it.
    expect(JSON.stringify((await h.openHome('UCARL')).home)).not.toContain('Did not finish');

    // Once settled, they leave the list.
    release();
    await Promise.all([decided, finished]);
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === license.message.ts && JSON.stringify(c.args).includes('applied'), 15_000);
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === reset.request.message.ts && JSON.stringify(c.args).includes('finished by'), 15_000);
    expect(unfinishedSection((await h.openHome('UMAX')).home).reviews).toEqual([]);
    h.chime.users.set('chime-bob', { ...h.chime.users.get('chime-bob')!, LicenseType: 'Basic' });
  }, 60_000);

  it("an approved change's closed review says it comes back to the admins if it does not finish (a reset's finish only when cut off midway: one that sends nothing stays its requester's), never that it cannot be decided again", async () => {
    const reset = await approved(h, 'UCARL');
    const license = await asksLicense(h, 'UBOB');
    const review = await reviews(h, 'UADA', license);
    const closed = async (request: { approvalId: string; message: { channel: string; ts: string } }) => {
      const opened = await reviews(h, 'UMAX', request);
      expect(opened.view.submit).toBeUndefined();
      return JSON.stringify(opened.view);
    };
    // Approved, waiting for its requester's finish: not decidable now, but not for good.
    const waiting = await closed(reset.request);
    // One time, the one its status line gives ('by' it): never a second span beside it.
    const expires = /waiting for <@UCARL> to finish it, by (<!date\^\d+\^[^>]+>)/.exec(waiting)![1]!;
    // A finish that sends nothing goes back to its requester; only one cut off midway comes back to the admins.
    expect(waiting).toContain(
      `It cannot be decided while <@UCARL> can finish it. If they have not finished it by ${expires}, it expires. ` +
        `A finish of theirs that stops before anything reaches Amazon Chime leaves it theirs to finish again; ` +
        `one cut off midway, its outcome unknown, comes back to the admins' Home tab as \\"did not finish\\", to be decided again.`,
    );
    expect(waiting).not.toMatch(/within \d+ minutes/);
    expect(waiting).not.toContain('It cannot be decided again');

    // Being applied (the license) and being finished (the reset), as a process that dies midway leaves them.
    h.chime.clear();
    release = h.chime.hold();
    const decided = h.submit('UADA', review.view, { values: decide('approve') });
    await until("Chime's UpdateUser call (the license being applied)", () => h.chime.callsTo('UpdateUser').length === 1);
    const approvedAt = Date.now();
    const finished = h.click('UCARL', 'approval_finish', reset.finish.value, reset.finish.message);
    await until("Chime's call finishing the reset", () => h.chime.calls.some((c) => c.operation !== 'UpdateUser'));
    const takenAt = Date.now();
    // By when, to the minute: 10 minutes after the approval (or the take), give or take the second these steps took.
    const by = (at: number) => [-1, 0, 1].map((s) => new Date(Math.floor(at / 60_000) * 60_000 + 10 * 60_000 + s * 60_000).toISOString().slice(11, 16));
    const comesBack = (view: string, at: number) =>
      by(at).some((hhmm) => view.includes(`It cannot be decided while the change is being made. If the change has not finished by <!date^`) && view.includes(`|${hhmm} UTC on`));
    for (const [request, at] of [
      [license, approvedAt],
      [reset.request, takenAt],
    ] as const) {
      const view = await closed(request);
      expect(comesBack(view, at)).toBe(true);
      expect(view).toContain('it comes back to the admins\' Home tab as \\"did not finish\\", to be decided again.');
      expect(view).not.toContain('It cannot be decided again');
    }

    release();
    await Promise.all([decided, finished]);
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === license.message.ts && JSON.stringify(c.args).includes('applied'), 15_000);
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === reset.request.message.ts && JSON.stringify(c.args).includes('finished by'), 15_000);
    // Settled, it is closed for good, and says so.
    expect(await closed(license)).toContain('It cannot be decided again.');
    h.chime.users.set('chime-bob', { ...h.chime.users.get('chime-bob')!, LicenseType: 'Basic' });
  }, 60_000);

  /** The person's approved reset, taken to finish and held there by Chime's answer: a finish under way, as one that died leaves it. */
  async function finishHeld(userId: string) {
    const reset = await approved(h, userId);
    h.chime.clear();
    release = h.chime.hold();
    const finished = h.click(userId, 'approval_finish', reset.finish.value, reset.finish.message);
    await until("Chime's call finishing the reset", () => h.chime.calls.length > 0);
    return { reset, finished };
  }

  it("a rewrite of its channel message claimed by a process that died before Slack took it: an admin's Home open rewrites it once that claim has lapsed", async () => {
    const { reset, finished } = await finishHeld('UMAX');
    const unknown = (c: SlackCall) => c.method === 'chat.update' && c.args.ts === reset.request.message.ts && JSON.stringify(c.args).includes('the outcome is unknown');
    // Another process read it as not finished, claimed the rewrite of its message, and died before its chat.update.
    h.clock.offsetMs = 11 * 60_000;
    await h.claimMessageRewriteAndDie(reset.request.approvalId);
    // Six minutes on (the claim holds five): an admin opens their Home tab, and the message says what happened, with Review.
    h.clock.offsetMs = 17 * 60_000;
    expect(unfinishedSection((await h.openHome('UADA')).home).reviews).toEqual([reset.request.approvalId]);
    const rewritten = await h.slack.waitForCall('chat.update', unknown);
    expect(JSON.stringify(rewritten.args.blocks)).toContain('"action_id":"license_review"');
    expect(JSON.stringify(rewritten.args.blocks)).toContain('<@UMAX> started finishing it at');
    // Recorded as shown: the next opens leave it.
    await h.openHome('UADA');
    await h.openHome('UMAX');
    expect(h.slack.calls.filter(unknown)).toHaveLength(1);

    release();
    await finished;
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === reset.request.message.ts && JSON.stringify(c.args).includes('finished by'), 15_000);
  }, 60_000);

  it("an admin's Home open that read it as not finished, and rewrites its channel message late, after another admin closed it: the message stays closed, never 'the outcome is unknown' again", async () => {
    const { reset, finished } = await finishHeld('UCARL');
    h.clock.offsetMs = 11 * 60_000;
    const ofIt = (c: SlackCall) => c.method === 'chat.update' && c.args.ts === reset.request.message.ts;
    // UADA's Home reads it as not finished; Slack is slow to take the tab, and the message's rewrite follows it.
    const publishing = h.slack.hold('views.publish', (args) => args.user_id === 'UADA');
    const opening = h.openHome('UADA');
    await until("the held views.publish of UADA's tab", () => h.slack.held.some((c) => c.method === 'views.publish' && c.args.user_id === 'UADA'));
    // Meanwhile UMAX closes it from the channel message, and the message says so.
    const review = await reviews(h, 'UMAX', reset.request);
    await h.submit('UMAX', review.view, { values: decide('deny', 'Checked with Carl') });
    const closed = await h.slack.waitForCall('chat.update', (c) => ofIt(c) && JSON.stringify(c.args).includes('Closed by <@UMAX>'));
    publishing();
    expect(unfinishedSection((await opening).home).reviews).toEqual([reset.request.approvalId]);
    // UADA's late rewrite, from what their tab read, is refused: nothing after the closing message puts Review back.
    const after = () => h.slack.calls.slice(h.slack.calls.indexOf(closed) + 1).filter(ofIt);
    await until("UADA's rewrite, or its refusal", () => after().length > 0 || h.logs.some((l) => l.includes('approvals message rewrite not claimed') && l.includes(reset.request.approvalId)));
    expect(after().filter((c) => JSON.stringify(c.args).includes('the outcome is unknown'))).toEqual([]);
    expect(after().filter((c) => JSON.stringify(c.args.blocks).includes('"action_id":"license_review"'))).toEqual([]);

    release();
    await finished;
  }, 60_000);

  it("its channel message's rewrite claimed in time but taken by Slack only after another admin closed it: the message is put back to closed", async () => {
    const { reset, finished } = await finishHeld('UCARL');
    h.clock.offsetMs = 11 * 60_000;
    const ofIt = (c: SlackCall) => c.method === 'chat.update' && c.args.ts === reset.request.message.ts;
    const unknown = (args: Record<string, any>) => args.ts === reset.request.message.ts && JSON.stringify(args).includes('the outcome is unknown');
    // UADA's Home open claims the rewrite while it is still not finished; Slack is slow to take it.
    const slow = h.slack.hold('chat.update', unknown);
    await h.openHome('UADA');
    await until("UADA's rewrite at Slack (the held chat.update)", () => h.slack.held.some((c) => c.method === 'chat.update' && unknown(c.args)));
    // Meanwhile UMAX closes it, and the message says so; then Slack takes UADA's older rewrite.
    const review = await reviews(h, 'UMAX', reset.request);
    await h.submit('UMAX', review.view, { values: decide('deny', 'Checked with Carl') });
    await h.slack.waitForCall('chat.update', (c) => ofIt(c) && JSON.stringify(c.args).includes('Closed by <@UMAX>'));
    slow();
    const late = await h.slack.waitForCall('chat.update', (c) => unknown(c.args));
    // The message ends closed: UADA's process, finding it moved since its read, shows it as it stands.
    await until('the message closed again ("Closed by <@UMAX>")', () => h.slack.calls.slice(h.slack.calls.indexOf(late) + 1).some((c) => ofIt(c) && JSON.stringify(c.args).includes('Closed by <@UMAX>')));
    const last = h.slack.calls.filter(ofIt).at(-1)!;
    expect(JSON.stringify(last.args)).toContain('Closed by <@UMAX>');
    expect(JSON.stringify(last.args.blocks)).not.toContain('"action_id":"license_review"');

    release();
    await finished;
  }, 60_000);
});

/**
 * Each conditional write of a request knows its own retry. The AWS clients' request timeout (1 s
 * here) meets a write DynamoDB made whose answer was lost (the gate's `lose`), and the SDK sends it
 * again: that retry meets what the first try wrote, and must be taken as the write it is, never as
 * another writer's (a used approval, another admin's decision, an open request of the person's).
 */
describe('the approval policy: a write whose answer was lost, and the SDK sent again', () => {
  const h = useHarness({ env: POLICY, awsRequestTimeoutMs: 1_000, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const approvalsWrite = (operation: string, ...parts: string[]) => (call: { operation: string; body: string }) =>
    call.operation === operation && call.body.includes('"latchkey-approvals"') && parts.every((p) => call.body.includes(p));

  it("the take (Finish): its requester gets their new PIN once, and the audit one attempt and one outcome; never 'already used'", async () => {
    const { request, finish } = await approved(h, 'UANN');
    const lostBefore = h.dynamoGate.lost.length;
    h.dynamoGate.lose(approvalsWrite('UpdateItem', '"FINISHING"', '"takenAt"'));
    const finished = await finishing(h, 'UANN', finish);
    expect(h.dynamoGate.lost).toHaveLength(lostBefore + 1);
    expect(JSON.stringify(finished.view)).not.toContain('already used');
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-ann'));
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('finished by'));
    await h.waitForAudit('UANN', (r) => r.action === 'reset_pin' && r.phase === 'outcome');
    expect((await h.auditRecords('UANN')).filter((r) => r.action === 'reset_pin').map((r) => [r.phase, r.outcome])).toEqual([
      ['attempt', undefined],
      ['outcome', 'success'],
    ]);
    // Used once: a second click changes nothing.
    await finishEnded(h, finish);
    expect(JSON.stringify((await finishing(h, 'UANN', finish)).view)).toContain('already used');
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
  }, 30_000);

  it("an admin's decision: they are told it was recorded, never that another admin decided; the requester can finish", async () => {
    const request = await asks(h, 'UBOB');
    const review = await reviews(h, 'UADA', request);
    const lostBefore = h.dynamoGate.lost.length;
    h.dynamoGate.lose(approvalsWrite('UpdateItem', '"decidedBy"', '"APPROVED"'));
    await h.submit('UADA', review.view, { values: decide('approve') });
    const decided = JSON.stringify(await h.viewUpdate(review.viewId, 2));
    expect(h.dynamoGate.lost).toHaveLength(lostBefore + 1);
    expect(decided).toContain('finishes it themselves');
    expect(decided).not.toContain('already been decided');
    const admin = await h.waitForAudit('UADA', (r) => r.action === 'reset_decide' && r.phase === 'outcome' && r.approvalRequestId === request.approvalId);
    expect(admin.filter((r) => r.action === 'reset_decide' && r.approvalRequestId === request.approvalId).map((r) => [r.phase, r.outcome])).toEqual([
      ['attempt', undefined],
      ['outcome', 'success'],
    ]);
    const finished = await finishing(h, 'UBOB', await finishButton(h, 'UBOB'));
    expect(secretIn(finished.view)).toBe(h.chime.pinOf('chime-bob'));
  }, 30_000);

  it("an admin's approval of a license change: applied once, and they are told so", async () => {
    const review = await reviews(h, 'UADA', await asksLicense(h, 'UCARL'));
    const lostBefore = h.dynamoGate.lost.length;
    h.dynamoGate.lose(approvalsWrite('UpdateItem', '"decidedBy"', '"APPROVED"'));
    await h.submit('UADA', review.view, { values: decide('approve') });
    const decided = JSON.stringify(await h.viewUpdate(review.viewId, 2));
    expect(h.dynamoGate.lost).toHaveLength(lostBefore + 1);
    expect(decided).toContain('Done: <@UCARL>');
    expect(h.chime.callsTo('UpdateUser')).toHaveLength(1);
  }, 30_000);

  it('the request as filed: one request, posted once, that an admin can decide and its requester finish', async () => {
    const lostBefore = h.dynamoGate.lost.length;
    h.dynamoGate.lose(approvalsWrite('PutItem', '"REQUEST#'));
    const request = await asks(h, 'UMAX');
    expect(h.dynamoGate.lost).toHaveLength(lostBefore + 1);
    expect(JSON.stringify(request.shown)).toContain("needs an admin's approval");
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === APPROVALS_CHANNEL)).toHaveLength(1);
    const client = new DynamoDBClient({ endpoint: h.dynamo.endpoint });
    const { Items } = await client.send(new ScanCommand({ TableName: 'latchkey-approvals' }));
    client.destroy();
    expect((Items ?? []).filter((i) => i.sk?.S === 'REQUEST' && i.requesterUserId?.S === 'UMAX').map((i) => [i.id?.S, i.status?.S])).toEqual([[request.approvalId, 'PENDING']]);
    expect((await h.auditRecords('UMAX')).filter((r) => r.action === 'reset_request').map((r) => [r.phase, r.outcome])).toEqual([
      ['attempt', undefined],
      ['outcome', 'success'],
    ]);
    const review = await reviews(h, 'UADA', request);
    await h.submit('UADA', review.view, { values: decide('approve') });
    expect(JSON.stringify(await h.viewUpdate(review.viewId, 2))).toContain('finishes it themselves');
    expect(secretIn((await finishing(h, 'UMAX', await finishButton(h, 'UMAX'))).view)).toBe(h.chime.pinOf('chime-max'));
  }, 30_000);

  it("the person's open place, taken over from their closed request: the new request is filed, never refused as one already open", async () => {
    const first = await asks(h, 'UANN');
    const review = await reviews(h, 'UADA', first);
    await h.submit('UADA', review.view, { values: decide('deny', 'Not now') });
    await h.viewUpdate(review.viewId, 2);
    h.slack.clear();
    const lostBefore = h.dynamoGate.lost.length;
    h.dynamoGate.lose(approvalsWrite('PutItem', '"OPEN#UANN"', 'requestId = :previous'));
    const again = await asks(h, 'UANN');
    expect(h.dynamoGate.lost).toHaveLength(lostBefore + 1);
    expect(JSON.stringify(again.shown)).toContain("needs an admin's approval");
    expect(again.approvalId).not.toBe(first.approvalId);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === APPROVALS_CHANNEL)).toHaveLength(1);
  }, 30_000);
});

describe('the approval policy: Finish clicked twice, the clicks reaching two instances (Lambda, or several servers)', () => {
  const h = useHarness({ env: POLICY }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  it("the click turned away on the other instance, which never saw the first, says the first took it and where its result should be shown, and to ask an admin if nothing comes within a minute, never to ask again; once finished, a click there says so and to ask again only if the PIN was not seen", async () => {
    const other = { url: await h.startAnotherInstance() };
    const { finish } = await approved(h, 'UBOB');
    const finishingThere = (from?: { url: string }) => h.opening((trigger) => h.click('UBOB', 'approval_finish', finish.value, finish.message, trigger, from));
    // The first click (this instance) has reset the PIN and is showing it: Slack slow to take that update.
    const held = h.slack.held.length;
    const releaseShown = h.slack.hold('views.update', (args) => JSON.stringify(args.view ?? '').includes('"block_id":"secret"'));
    try {
      const first = finishingThere();
      await until("the first click's window update (held)", () => h.slack.held.length > held, 5_000);
      expect(h.slack.held.length).toBe(held + 1);
      // The second click reaches the other instance, whose memory holds nothing of the first.
      const second = await finishingThere(other);
      const said = JSON.stringify(second.view);
      expect(said).toContain('Your other click of *Finish the reset* at ');
      // What the record says (that click took it), never that the PIN is on its way: that click may fail, or have died.
      expect(said).toContain('took this approval to finish your meeting PIN reset, so this click changed nothing.');
      expect(said).toContain("That click should show you what came of it (your new PIN, if it worked) to you alone: in that click's window or, if that was closed, in a message only you can see.");
      expect(said).toContain('If nothing has come within a minute, ask an admin to look at your request in the approvals channel.');
      // Before: "is finishing your meeting PIN reset now … Latchkey shows your new PIN to you alone".
      expect(said).not.toContain('finishing your meeting PIN reset now');
      expect(said).not.toContain('Latchkey shows your new PIN');
      // Before: "This approval was already used, so nothing more was changed. Run `/reset-pin` to ask again." while the PIN was on its way.
      expect(said).not.toContain('ask again');
      releaseShown();
      const pin = h.chime.pinOf('chime-bob');
      expect(secretIn(h.lastShown((await first).viewId, [])!)).toBe(pin);
      expect(secretIn(second.view)).toBeUndefined();
      await finishEnded(h, finish);
      // Finished: a later click on the other instance says so, where the PIN went, and what to do if it was not seen.
      const later = JSON.stringify((await finishingThere(other)).view);
      expect(later).toContain('This approval was already used, so nothing more was changed.');
      expect(later).toContain('Your click of *Finish the reset* at ');
      expect(later).toContain("finished your meeting PIN reset. Latchkey shows your new PIN to you alone: in that click's window or, if that was closed, in a message only you can see.");
      expect(later).toContain('If you did not see your new PIN, run `/reset-pin` to ask again; an admin must approve it again.');
      expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
      // The PIN only in the first click's modal.
      expect(everythingSlackSaw(h, (c) => c.method === 'views.update' && JSON.stringify(c.args.view ?? '').includes('"block_id":"secret"'))).not.toContain(pin);
    } finally {
      releaseShown();
    }
  });
});
