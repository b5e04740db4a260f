import { SIGNING_SECRET, TEAM, useHarness, type Harness } from '../support/harness';
import { asksForPinReset, decide, review, type Asked } from '../support/approval-requests';
import { blockActionsPayload, postInteraction } from '../support/slack-requests';
import { until } from '../support/until';

/**
 * The review form's comment follows the decision picked: required to deny (Slack refuses an empty
 * one, and labels it as the reason), optional to approve. Over HTTP against the real app, with the
 * picks signed as Slack sends them; submit checks again whatever the form showed.
 */
describe('picking a decision in the review form', () => {
  const h = useHarness({ env: { RESET_POLICY: 'pin=approval' } }, (x) => x.slack.clear());

  /** `userId` picks `value` (null: none) in the form `viewId` as Slack holds it now (its hash), or as `shown` says. */
  function pick(userId: string, viewId: string, value: string | null, shown = h.slack.viewById(viewId)!) {
    const view = { ...shown, state: { values: { decision: { decision: { type: 'radio_buttons', selected_option: value === null ? null : { value } } } } } };
    return postInteraction(
      h.eventsUrl,
      SIGNING_SECRET,
      blockActionsPayload({ userId, teamId: TEAM, actionId: 'decision', blockId: 'decision', picked: value === null ? null : { value }, view, triggerId: h.slack.newTriggerId(userId) }),
    );
  }

  const comment = (view: Record<string, any>) => view.blocks.find((b: any) => b.block_id === 'comment');
  const others = (view: Record<string, any>) => view.blocks.filter((b: any) => b.block_id !== 'comment');
  const updatesOf = (viewId: string) => h.slack.callsTo('views.update').filter((c) => c.args.view_id === viewId);

  async function opened(asked: Asked) {
    const review_ = await review(h, 'UADA', asked);
    return { viewId: review_.viewId, form: h.slack.viewById(review_.viewId)! };
  }

  async function licenseAsked(h: Harness, userId: string): Promise<Asked> {
    const { requestId, message } = await h.asksForLicense(userId);
    return { requestId, message } as Asked;
  }

  it.each([
    ['a license change', (x: Harness) => licenseAsked(x, 'UANN')],
    ['a PIN reset under the approval policy', (x: Harness) => asksForPinReset(x, 'UCARL')],
  ])('%s: Deny makes the comment the required reason, Approve makes it optional again; same IDs, sent with the hash Slack gave', async (_kind, asks) => {
    const { viewId, form } = await opened(await asks(h));
    const decision = form.blocks.find((b: any) => b.block_id === 'decision');
    expect(decision).toMatchObject({ type: 'input', dispatch_action: true, element: { type: 'radio_buttons', action_id: 'decision' } });
    expect(comment(form)).toMatchObject({ optional: true, label: { text: 'Comment for the requester' }, element: { action_id: 'comment' } });

    expect((await pick('UADA', viewId, 'deny')).status).toBe(200);
    const denying = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && c.args.hash !== undefined);
    // Sent with the hash of the form the pick was made in: Slack refuses it over a newer view.
    expect(denying.args.hash).toBe(form.hash);
    expect(denying.result?.ok).toBe(true);
    const required = denying.args.view;
    // Slack keeps what was typed only across an update with the same block_id and action_id.
    expect(comment(required)).toMatchObject({ type: 'input', block_id: 'comment', optional: false, label: { text: 'Reason for the denial' }, element: { type: 'plain_text_input', action_id: 'comment' } });
    expect([comment(required).label.text, comment(required).hint?.text ?? '']).not.toContainEqual(expect.stringMatching(/optional|empty/i));
    // Everything else as it was: the request, the decision's block, where the form submits, which request it names.
    expect(others(required)).toEqual(others(form));
    expect([required.callback_id, required.private_metadata, required.title.text, required.submit.text]).toEqual([form.callback_id, form.private_metadata, form.title.text, form.submit.text]);

    const afterDeny = h.slack.viewById(viewId)!;
    expect((await pick('UADA', viewId, 'approve')).status).toBe(200);
    const approving = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && c.args.hash === afterDeny.hash);
    expect(approving.result?.ok).toBe(true);
    expect(comment(approving.args.view)).toEqual(comment(form));
    expect(others(approving.args.view)).toEqual(others(form));
    expect(h.logs.filter((l) => l.includes('"alert":true'))).toEqual([]);
  });

  it("a pick by someone who is not an admin changes nothing: acknowledged, no update, no message", async () => {
    const asked = await licenseAsked(h, 'UBOB');
    const { viewId, form } = await opened(asked);
    h.slack.clear();
    const from = h.logs.length;
    // Bob sends a pick in the admin's form (its ID, its request in private_metadata): who picks is the signed user.
    const answer = await pick('UBOB', viewId, 'deny', form);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    // Logged as the pick it was, not as a Review click (before: 'review refused: not an admin', action 'review').
    await h.waitForLogs('decision pick refused: not an admin', 1);
    expect(h.logs.filter((l) => l.includes('refused: not an admin'))).toEqual([expect.stringContaining('"action":"review_pick"')]);
    // The pick's end (its line): anything it sent came before it.
    const ended = (l: string) => l.includes('"msg":"decision pick handled"') && l.includes('"slackUserId":"UBOB"');
    await until(`the end of Bob's pick (its "decision pick handled" line)`, () => h.logs.slice(from).some(ended));
    expect(updatesOf(viewId)).toEqual([]);
    expect(h.slack.calls.map((c) => c.method).filter((m) => m.startsWith('views.') || m.startsWith('chat.'))).toEqual([]);
    expect(h.slack.viewById(viewId)).toEqual(form);
    // The same pick by the admin does change it: the refusal above was Bob's, not the pick's.
    expect((await pick('UADA', viewId, 'deny', form)).status).toBe(200);
    expect(comment((await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId)).args.view).optional).toBe(false);
  });

  it('an update Slack refuses (a newer view, a closed form, an error) is logged, never alerted, and submit still refuses a denial without a reason', async () => {
    const asked = await licenseAsked(h, 'UMAX');
    const { viewId, form } = await opened(asked);
    const logged = h.logs.length;

    // Deny, then Approve picked in the same form before Deny's update came back: Approve's update carries the old hash.
    expect((await pick('UADA', viewId, 'deny', form)).status).toBe(200);
    await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && c.result?.ok === true);
    expect((await pick('UADA', viewId, 'approve', form)).status).toBe(200);
    const stale = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && c.result?.ok === false);
    expect(stale.result?.error).toBe('hash_conflict');
    await h.waitForLogs('the form changed or closed meanwhile', 1);
    // Slack kept the newer view (the reason required), not the stale pick's.
    expect(comment(h.slack.viewById(viewId)!).optional).toBe(false);

    // A Slack fault: warned, not alerted.
    h.slack.failNext('views.update', { error: 'internal_error' }, 1, (args) => args.view_id === viewId);
    expect((await pick('UADA', viewId, 'approve')).status).toBe(200);
    await h.waitForLogs('decision pick not shown; submit still checks the comment', 1);
    const lines = h.logs.slice(logged).filter((l) => l.includes('decision pick not shown'));
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(['info', 'warn']);
    expect(h.logs.slice(logged).filter((l) => l.includes('"alert":true'))).toEqual([]);

    // The server is the authority: a denial without a reason is refused whatever the form showed.
    const refused = await h.submit('UADA', form, { values: decide('deny', '   ') });
    expect(refused.json).toEqual({ response_action: 'errors', errors: { comment: 'Write why you deny it.' } });
    expect((await h.auditRecords('UADA')).filter((r) => r.approvalRequestId === asked.requestId && r.action === 'license_decide')).toEqual([]);
  });

  it("a comment of the most the form takes once trimmed (500 UTF-16 units, an emoji 2 of them) is decided, and kept as its decide records' note, never refused by the audit write; one unit more is refused, nothing written", async () => {
    const asked = await licenseAsked(h, 'UCARL');
    const { form } = await opened(asked);
    const reason = `🙅 Not this quarter & not over <budget> for the team, sorry:${' Ask again in January.'.repeat(20)}`;
    // The form counts UTF-16 units (checkDecision), zod the note's code points: never more, so the write takes what the form does.
    expect([reason.length, [...reason].length]).toEqual([500, 499]);
    const ofRequest = async () => (await h.auditRecords('UADA')).filter((r) => r.approvalRequestId === asked.requestId && r.action === 'license_decide');

    // One unit over, once trimmed: refused before anything is written (Slack's max_length aside).
    const over = await h.submit('UADA', form, { values: decide('deny', `  ${reason}! \n `) });
    expect(over.json).toEqual({ response_action: 'errors', errors: { comment: 'Keep the comment to 500 characters at most.' } });
    expect(await ofRequest()).toEqual([]);
    // Nobody was told it: the request still waits, as the next submit finds.
    expect(h.slack.calls.filter((c) => JSON.stringify(c.args).includes('Ask again in January'))).toEqual([]);

    // At the bound, with spaces the trim removes: decided, and the audit keeps it as typed (escaped only where shown).
    await h.submit('UADA', form, { values: decide('deny', `  ${reason} \n `) });
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && JSON.stringify(c.args).includes('Ask again in January'));
    await h.waitForAudit('UADA', (r) => r.approvalRequestId === asked.requestId && r.action === 'license_decide' && r.phase === 'outcome');
    expect((await ofRequest()).map((r) => [r.phase, r.outcome, r.decision, r.note])).toEqual([
      ['attempt', undefined, 'deny', reason],
      ['outcome', 'success', 'deny', reason],
    ]);
    expect(h.logs.filter((l) => l.includes('"alert":true'))).toEqual([]);
  });
});
