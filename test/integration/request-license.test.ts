import { APPROVALS_CHANNEL, Harness, TEAM, useHarness } from '../support/harness';
import type { SlackCall } from '../support/slack-fake';
import { decide } from '../support/approval-requests';
import { until } from '../support/until';

/** /request-license end to end over real HTTP: the requester, the approvals channel, the admins. */
describe('/request-license', () => {
  const h = useHarness({}, (x) => {
    x.slack.clear();
    x.chime.clear();
  });

  const choose = (license?: string, reason?: string) => ({
    license: { license: { type: 'radio_buttons', selected_option: license ? { value: license } : null } },
    reason: { reason: { type: 'plain_text_input', value: reason ?? null } },
  });
  const decide = (decision?: string, comment?: string) => ({
    decision: { decision: { type: 'radio_buttons', selected_option: decision ? { value: decision } : null } },
    comment: { comment: { type: 'plain_text_input', value: comment ?? null } },
  });

  /** Ann asks for Pro; returns the request id and its approvals-channel message. */
  async function annAsks(userId = 'UANN', license = 'Pro') {
    const { view, viewId } = await h.open('/request-license', userId);
    const submitted = await h.submit(userId, view, { values: choose(license, 'I run the customer webinars') });
    expect(submitted.status).toBe(200);
    const sent = await h.viewUpdate(viewId, 2);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args.blocks).includes(`<@${userId}>`));
    const button = findButton(post);
    return { requestId: button.value as string, message: { channel: post.result!.channel as string, ts: post.result!.ts as string }, sent };
  }

  function findButton(post: SlackCall): Record<string, any> {
    const actions = (post.args.blocks as any[]).find((b) => b.type === 'actions');
    const button = actions?.elements?.find((e: any) => e.action_id === 'license_review');
    if (!button) throw new Error(`no Review button in ${JSON.stringify(post.args.blocks)}`);
    return button;
  }

  async function review(userId: string, request: { requestId: string; message: { channel: string; ts: string } }) {
    return h.opening((trigger) => h.click(userId, 'license_review', request.requestId, request.message, trigger));
  }

  async function approveOrDeny(userId: string, view: Record<string, any>, viewId: string, decision: string, comment?: string) {
    await h.submit(userId, view, { values: decide(decision, comment) });
    return h.viewUpdate(viewId, 2);
  }

  it('the full approve path: one UpdateUser with the chosen license for the requester', async () => {
    const { view } = await h.open('/request-license', 'UANN');
    expect(JSON.stringify(view)).toContain('Basic');
    const options = view.blocks.flatMap((b: any) => b.element?.options ?? []).map((o: any) => o.value);
    expect(options.sort()).toEqual(['Plus', 'Pro', 'ProTrial']);

    const request = await annAsks();
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN');
    expect(dm.args.text).toBeTruthy();
    const post = h.slack.callsTo('chat.postMessage').find((c) => c.args.channel === APPROVALS_CHANNEL)!;
    expect(JSON.stringify(post.args.blocks)).toContain('I run the customer webinars');

    const opened = await review('UADA', request);
    expect(opened.view.callback_id).toBe('license_review_submit');
    const result = await approveOrDeny('UADA', opened.view, opened.viewId, 'approve', 'Enjoy');
    expect(JSON.stringify(result)).toContain('Pro');

    expect(h.chime.callsTo('UpdateUser').map((c) => [c.params.UserId, c.params.LicenseType])).toEqual([['chime-ann', 'Pro']]);
    expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Pro');
    const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts);
    expect(JSON.stringify(update.args.blocks)).toContain('<@UADA>');
    expect(JSON.stringify(update.args.blocks)).not.toContain('license_review');
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Enjoy'));

    const audit = await h.waitForAudit('UADA', (r) => r.action === 'license_apply' && r.phase === 'outcome');
    expect(audit.filter((r) => r.action === 'license_apply').map((r) => [r.phase, r.outcome, r.subjectSlackUserId, r.licenseFrom, r.licenseTo])).toEqual([
      ['attempt', undefined, 'UANN', 'Basic', 'Pro'],
      ['outcome', 'success', 'UANN', 'Basic', 'Pro'],
    ]);
    h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
  });

  it('an unchanged license or an empty reason is an inline field error, not a failed request', async () => {
    const { view } = await h.open('/request-license', 'UBOB');
    const unchanged = await h.submit('UBOB', view, { values: choose('Basic', 'why not') });
    expect(unchanged.json).toMatchObject({ response_action: 'errors', errors: { license: expect.any(String) } });
    const empty = await h.submit('UBOB', view, { values: choose('Pro', '  ') });
    expect(empty.json).toMatchObject({ response_action: 'errors', errors: { reason: expect.any(String) } });
    expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('the deny path changes nothing and requires a comment', async () => {
    const request = await annAsks('UBOB', 'Plus');
    const opened = await review('UADA', request);
    const noComment = await h.submit('UADA', opened.view, { values: decide('deny') });
    expect(noComment.json).toMatchObject({ response_action: 'errors', errors: { comment: expect.any(String) } });
    await approveOrDeny('UADA', opened.view, opened.viewId, 'deny', 'Plus is not in the budget');
    expect(h.chime.callsTo('UpdateUser')).toEqual([]);
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes('Plus is not in the budget'));
    // The bot's DM is read-only: what it asks of Bob is something he can do there.
    expect(JSON.stringify(dm.args.blocks)).toContain('If you think this is wrong, message <@UADA> directly, or ask IT.');
    expect(JSON.stringify(dm.args)).not.toMatch(/reply/i);
  });

  it("approved and applied while Slack refuses the DM that tells its requester: the admin is told they may not know, and to tell them, never that they have been told", async () => {
    const request = await annAsks('UANN', 'Plus');
    const opened = await review('UADA', request);
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 1, (args) => args.channel === 'DUANN' && JSON.stringify(args).includes('<@UADA> approved'));
    const result = JSON.stringify(await approveOrDeny('UADA', opened.view, opened.viewId, 'approve'));
    expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Plus');
    // Before: "Done: <@UANN> now has *Plus*. They have been told."
    expect(result).toContain(':white_check_mark: Done: <@UANN> now has *Plus*.');
    expect(result).not.toContain('been told');
    expect(result).toContain("Slack did not confirm that Latchkey's message reached <@UANN>, so they may not know yet: tell them yourself that it was done.");
    h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
  });

  it("the requester was deleted from Amazon Chime after they asked: the review says Chime no longer has their account and that approving could not work, offers only Deny, and nobody is paged", async () => {
    const request = await annAsks('UBOB', 'Pro');
    // Chime not answering is no answer about Bob: the review fails as before, offering no decision.
    h.chime.failNext('GetUser', 'ServiceUnavailableException', 5);
    const unanswered = await review('UADA', request);
    expect(unanswered.view.submit).toBeUndefined();
    expect(JSON.stringify(unanswered.view)).toContain('Amazon Chime is not answering right now');
    expect(JSON.stringify(unanswered.view)).not.toContain('no longer has');
    // A Chime admin deletes Bob: Chime answers NotFoundException (404) for his ID.
    const bob = h.chime.users.get('chime-bob')!;
    h.chime.users.delete('chime-bob');
    h.chime.clear();
    const logged = h.logs.length;
    try {
      const opened = await review('UADA', request);
      expect(opened.view.callback_id).toBe('license_review_submit');
      const text = JSON.stringify(opened.view.blocks);
      expect(text).toContain('Amazon Chime no longer has their Amazon Chime account');
      expect(text).toContain('Approving could not work: Latchkey would ask Amazon Chime to change the license of their Amazon Chime account, which it no longer has, and nothing would change. So this review offers only Deny.');
      expect(text).toContain('Deny it, saying why in the comment');
      // What was asked is still shown; what Chime said of the account before is not.
      expect(text).toContain('*Basic* → *Pro*');
      expect(text).not.toContain('current license');
      const decision = (opened.view.blocks as any[]).find((b) => b.block_id === 'decision');
      expect(decision.element.options.map((o: { value: string }) => o.value)).toEqual(['deny']);
      expect(h.chime.callsTo('GetUser').map((c) => c.params.UserId)).toEqual(['chime-bob']);
      // Chime answered: nothing failed, nobody is paged, and no warning says it could not be read.
      const lines = h.logs.slice(logged).filter((l) => l.includes(request.requestId)).join('');
      expect(lines).toContain('reviewed account no longer in the directory');
      expect(lines).not.toMatch(/"alert":true|"level":"(warn|error)"/);
      await approveOrDeny('UADA', opened.view, opened.viewId, 'deny', 'Your Chime account was removed: ask IT');
      await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes('Your Chime account was removed: ask IT'));
      expect(h.chime.callsTo('UpdateUser')).toEqual([]);
    } finally {
      h.chime.users.set('chime-bob', bob);
    }
  });

  it('a non-admin who clicks Review gets a private no, and no modal', async () => {
    // Once the app has read the admin group (here for Bob's Home tab) it knows he is not in it; before
    // (just started), his no comes in a window opened at the click (guest-admins, "after a restart").
    await h.openHome('UBOB');
    const request = await annAsks('UCARL', 'Pro');
    await h.click('UBOB', 'license_review', request.requestId, request.message);
    const ephemeral = await h.slack.waitForCall('chat.postEphemeral');
    expect(ephemeral.args).toMatchObject({ user: 'UBOB', channel: APPROVALS_CHANNEL, text: 'Only Latchkey admins can review requests.' });
    expect(h.slack.callsTo('views.open')).toHaveLength(1); // the requester's own form only
  });

  it('an admin through the user group can review, but not their own request', async () => {
    const request = await annAsks('UMAX', 'ProTrial');
    const own = await review('UMAX', request);
    expect(JSON.stringify(own.view)).toContain('You cannot review your own request.');
    expect(own.view.submit).toBeUndefined();
  });

  it('a double submission and two admins approving at once apply UpdateUser once', async () => {
    const request = await annAsks('UANN', 'Plus');
    const [a, b] = [await review('UADA', request), await review('UMAX', request)];
    await Promise.all([
      h.submit('UADA', a.view, { values: decide('approve') }),
      h.submit('UADA', a.view, { values: decide('approve') }),
      h.submit('UMAX', b.view, { values: decide('approve') }),
    ]);
    await Promise.all([h.viewUpdate(a.viewId, 3), h.viewUpdate(b.viewId, 2)]);
    expect(h.chime.callsTo('UpdateUser')).toHaveLength(1);
    const again = await review('UADA', request);
    expect(again.view.submit).toBeUndefined();
    h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
  });

  it('a Chime failure on apply is shown to the admin, recorded, and can be retried', async () => {
    const request = await annAsks('UANN', 'Pro');
    const first = await review('UADA', request);
    h.chime.failNext('UpdateUser', 'ServiceUnavailableException', 5);
    const failed = await approveOrDeny('UADA', first.view, first.viewId, 'approve');
    expect(JSON.stringify(failed)).toContain('Amazon Chime is not answering right now');
    expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Basic');

    const retry = await review('UADA', request);
    expect(retry.view.callback_id).toBe('license_review_submit');
    await approveOrDeny('UADA', retry.view, retry.viewId, 'approve');
    expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Pro');
    const records = await h.waitForAudit('UADA', (r) => r.action === 'license_apply' && r.outcome === 'failure');
    expect(records.some((r) => r.action === 'license_apply' && r.errorCode === 'DIRECTORY_UNAVAILABLE')).toBe(true);
    h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
  });

  it("asking again while an approved change that failed waits for a retry says so: approved, not applied and why, that an admin can retry or close it until its time ends; never that it waits for a decision", async () => {
    const request = await annAsks('UANN', 'Pro');
    const first = await review('UADA', request);
    h.chime.failNext('UpdateUser', 'ServiceUnavailableException', 5);
    await approveOrDeny('UADA', first.view, first.viewId, 'approve');
    try {
      const { view } = await h.open('/request-license', 'UANN');
      expect(view.submit).toBeUndefined();
      const said = JSON.stringify(view.blocks);
      // Before: "You already have a request waiting for an admin: *Basic* → *Pro*." and "You will get a direct message when it is decided".
      expect(said).toContain(':warning: <@UADA> approved your request to change your Amazon Chime license to Pro, but the change was not applied: Amazon Chime is not answering right now. Nothing was changed.');
      expect(said).toContain("It is on the admins' list of changes that failed: an admin can approve it again to retry it, or close it.");
      expect(said).toContain('You will get a direct message when it is made or closed, and can ask again after that. If nobody retries it by ');
      expect(said).not.toContain('waiting for an admin');
      expect(said).not.toContain('when it is decided');
      expect(said).not.toContain('Withdraw');
    } finally {
      const close = await review('UADA', request);
      await approveOrDeny('UADA', close.view, close.viewId, 'deny', 'Not now');
    }
  });

  it('two admins retrying a failed change at once: one retry runs, the other is told another admin is retrying it, never to ask again', async () => {
    const request = await annAsks('UANN', 'Pro');
    const first = await review('UADA', request);
    h.chime.failNext('UpdateUser', 'ServiceUnavailableException', 5);
    await approveOrDeny('UADA', first.view, first.viewId, 'approve');
    // Both admins open the failed request to retry it; Chime is still failing, so the retry that runs fails again.
    const [a, b] = [await review('UADA', request), await review('UMAX', request)];
    expect([a.view.callback_id, b.view.callback_id]).toEqual(['license_review_submit', 'license_review_submit']);
    h.chime.failNext('UpdateUser', 'ServiceUnavailableException', 5);
    await Promise.all([h.submit('UADA', a.view, { values: decide('approve') }), h.submit('UMAX', b.view, { values: decide('approve') })]);
    const shown = await Promise.all([h.viewUpdate(a.viewId, 2), h.viewUpdate(b.viewId, 2)]).then((views) => views.map((v) => JSON.stringify(v.blocks)));
    await h.waitForAudit('UMAX', (r) => r.action === 'license_decide' && r.phase === 'outcome');
    const decisions = [...(await h.auditRecords('UADA')), ...(await h.auditRecords('UMAX'))].filter((r) => r.action === 'license_decide' && r.approvalRequestId === request.requestId && r.phase === 'outcome');
    // The first approval, the retry that ran, and the one that lost the race (recorded as such).
    expect(decisions.map((r) => r.outcome).sort()).toEqual(['failure', 'success', 'success']);
    const loser = decisions.find((r) => r.outcome === 'failure')!;
    expect(loser.errorCode).toBe('REQUEST_DECIDED');
    const lost = shown[loser.slackUserId === 'UADA' ? 0 : 1]!;
    expect(lost).toMatch(/Another admin (is retrying this request now|retried this request at the same moment), so your decision was not recorded/);
    // Not closed for good: the change may fail again (it did), and then an admin can retry it.
    expect(lost).not.toContain('can ask again');
    expect(lost).not.toContain('cannot be decided again');
    const again = await review('UADA', request);
    expect(again.view.callback_id).toBe('license_review_submit');
    expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Basic');
    h.chime.clear(); // Chime answers again
    await approveOrDeny('UADA', again.view, again.viewId, 'approve');
    expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Pro');
    h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
  });

  /** A section of the Home tab, from its header to the next: its text, and the requests its Review buttons name (and which lines have none). */
  function homeSection(home: Record<string, any>, heading: string): { text: string; reviews: string[]; lines: any[] } {
    const blocks = home.blocks as any[];
    const start = blocks.findIndex((b) => b.type === 'header' && b.text.text === heading);
    if (start < 0) return { text: '', reviews: [], lines: [] };
    const end = blocks.findIndex((b, i) => i > start && b.type === 'header');
    const section = blocks.slice(start, end);
    return {
      text: JSON.stringify(section),
      reviews: section.flatMap((b) => (b.accessory?.action_id === 'license_review' ? [b.accessory.value as string] : [])),
      lines: section.filter((b) => b.type === 'section'),
    };
  }
  const FAILED = 'Failed: waiting for a retry';

  it("a change whose apply failed is in every admin's Home tab with why and Review (none on their own), never anyone else's, and leaves it once retried or denied", async () => {
    const ann = await annAsks('UANN', 'Pro');
    const ada = await annAsks('UADA', 'Plus');
    for (const [request, admin] of [
      [ann, 'UADA'],
      [ada, 'UMAX'],
    ] as const) {
      const opened = await review(admin, request);
      h.chime.clear();
      h.chime.failNext('UpdateUser', 'ServiceUnavailableException', 5);
      expect(JSON.stringify(await approveOrDeny(admin, opened.view, opened.viewId, 'approve'))).toContain('Amazon Chime is not answering right now');
    }
    h.chime.clear(); // Chime answers again
    try {
      // Every admin: both failed changes, oldest first, with what was asked, why it failed and what to do.
      const { home } = await h.openHome('UMAX');
      const listed = homeSection(home, FAILED);
      expect(listed.reviews).toEqual([ann.requestId, ada.requestId]);
      expect(listed.text).toContain('Its line says why, and whether the change may have been made: put that right first');
      expect(listed.text).toContain('approve it again to retry the change, or deny it to close it');
      expect(listed.lines[0].text.text).toContain("<@UANN>'s *license change*: *Basic* → *Pro*");
      expect(listed.lines[0].text.text).toContain('Approved by <@UADA>');
      expect(listed.lines[0].text.text).toContain('but the change was not applied: Amazon Chime is not answering right now');
      expect(listed.lines[0].text.text).toContain('An admin can approve it again to retry.');
      expect(home.blocks.length).toBeLessThanOrEqual(100);
      // The other admin sees them too; their own request is listed without Review.
      const forAda = homeSection((await h.openHome('UADA')).home, FAILED);
      expect(forAda.reviews).toEqual([ann.requestId]);
      expect(forAda.lines[1].text.text).toContain('_Your own request: another admin decides it._');
      expect(forAda.lines[1].accessory).toBeUndefined();
      // Someone who is not an admin sees none of it; Ann sees her own request as hers.
      expect(JSON.stringify((await h.openHome('UCARL')).home)).not.toContain(FAILED);
      const own = JSON.stringify((await h.openHome('UANN')).home);
      expect(own).not.toContain(FAILED);
      expect(own).toContain('but the change was not applied');

      // Review from the Home tab opens the decision; the retry applies it, and it leaves the list.
      const retry = await h.opening((trigger) => h.clickIn('UMAX', 'license_review', ann.requestId, { view: home, triggerId: trigger }));
      expect(retry.view.callback_id).toBe('license_review_submit');
      expect(JSON.stringify(await approveOrDeny('UMAX', retry.view, retry.viewId, 'approve'))).toContain('Done: <@UANN>');
      expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Pro');
      expect(homeSection((await h.openHome('UMAX')).home, FAILED).reviews).toEqual([ada.requestId]);
      // Denied, it leaves the list too, and the section with it.
      const deny = await review('UMAX', ada);
      await approveOrDeny('UMAX', deny.view, deny.viewId, 'deny', 'Not needed after all');
      expect(JSON.stringify((await h.openHome('UMAX')).home)).not.toContain(FAILED);
      expect(h.chime.users.get('chime-ada')?.LicenseType).toBe('Pro');
    } finally {
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  });

  it('a change whose applying died midway is shown, after 10 minutes, with its outcome unknown; an admin can apply it again, once', async () => {
    const request = await annAsks('UANN', 'Pro');
    // An admin approved it, and the process died after that write, before the change was applied or settled.
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: h.clock.now().toISOString(), list: 'UANN' });
    // Within the bound it is a change under way: nobody decides it.
    const early = await review('UADA', request);
    expect(early.view.submit).toBeUndefined();
    expect(JSON.stringify(early.view)).toContain('applying in Amazon Chime');

    h.clock.offsetMs = 11 * 60_000;
    try {
      const [a, b] = [await review('UADA', request), await review('UMAX', request)];
      expect(a.view.callback_id).toBe('license_review_submit');
      // Its review reads the record, which shows no apply began: nothing was sent.
      expect(JSON.stringify(a.view)).toContain('but it was never applied: Latchkey has no record of applying it, so nothing was sent to Amazon Chime.');
      const done = await approveOrDeny('UADA', a.view, a.viewId, 'approve');
      expect(JSON.stringify(done)).toContain('Done: <@UANN>');
      expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Pro');
      // The other admin's decision, from a modal opened while it was unknown, changes nothing.
      await h.submit('UMAX', b.view, { values: decide('deny', 'Stale') });
      expect(JSON.stringify(await h.viewUpdate(b.viewId, 2))).toContain('It cannot be decided again.');
      expect(h.chime.callsTo('UpdateUser')).toHaveLength(1);
      const decided = (await h.auditRecords('UMAX')).filter((r) => r.action === 'license_decide' && r.approvalRequestId === request.requestId);
      expect(decided).toEqual([]);
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  });

  it("asking again while an approved change is being applied says so, and once its applying died midway, that its outcome is unknown until an admin decides it again; never that it waits for a decision", async () => {
    const request = await annAsks('UANN', 'Pro');
    // An admin approved it; its change is under way (or its process died after that write).
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: h.clock.now().toISOString(), list: 'UANN' });
    const applying = JSON.stringify((await h.open('/request-license', 'UANN')).view.blocks);
    // Before: "You already have a request waiting for an admin: *Basic* → *Pro*." and "You will get a direct message when it is decided".
    expect(applying).toContain(':hourglass_flowing_sand: <@UMAX> approved your request to change your Amazon Chime license to Pro, and Latchkey is making the change in Amazon Chime now.');
    expect(applying).toContain('You will get a direct message when it is done, and can ask again after that.');
    expect(applying).not.toContain('waiting for an admin');
    expect(applying).not.toContain('Withdraw');

    // Its applying began (the change sent to Chime, its attempt on record) and the process died before any answer.
    const applyAt = new Date(h.clock.now().getTime() + 1000);
    await h.writeAudit(
      { requestId: `${applyAt.toISOString()}_0000000000a0`, phase: 'attempt', action: 'license_apply', actor: { userId: 'UMAX', teamId: TEAM }, approvalRequestId: request.requestId, directory: 'chime', directoryUserId: 'chime-ann' },
      applyAt,
    );
    h.clock.offsetMs = 11 * 60_000;
    try {
      const unknown = JSON.stringify((await h.open('/request-license', 'UANN')).view.blocks);
      expect(unknown).toContain(':warning: <@UMAX> approved your request to change your Amazon Chime license to Pro, but applying it did not finish, so Latchkey cannot tell whether your Amazon Chime license was changed.');
      expect(unknown).toContain("It is on the admins' list of changes that did not finish: an admin can approve it again, to make the change anew, or close it.");
      expect(unknown).toContain(`IT can check it with the reference \`${request.requestId}\``);
      expect(unknown).not.toContain('waiting for an admin');
      expect(unknown).not.toContain('is making the change');
      const close = await review('UADA', request);
      await approveOrDeny('UADA', close.view, close.viewId, 'deny', 'Not needed after all');
      expect(h.chime.callsTo('UpdateUser')).toEqual([]);
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it('a change whose applying died midway, denied after 10 minutes, is closed: the requester, the channel and the Home tab say it may have been made', async () => {
    const request = await annAsks('UANN', 'Pro');
    const decidedAt = h.clock.now();
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: decidedAt.toISOString(), list: 'UANN' });
    // Its applying began (the change sent to Chime, its attempt on record) and the process died before any answer.
    const applyAt = new Date(decidedAt.getTime() + 1000);
    await h.writeAudit(
      { requestId: `${applyAt.toISOString()}_0000000000a1`, phase: 'attempt', action: 'license_apply', actor: { userId: 'UMAX', teamId: TEAM }, approvalRequestId: request.requestId, directory: 'chime', directoryUserId: 'chime-ann' },
      applyAt,
    );
    h.clock.offsetMs = 11 * 60_000;
    try {
      const a = await review('UADA', request);
      expect(JSON.stringify(a.view)).toContain('applying it did not finish: the outcome is unknown');
      expect(JSON.stringify(await approveOrDeny('UADA', a.view, a.viewId, 'deny', 'Sent, then no answer'))).toContain('that the earlier change may have been made');
      const check = `the earlier change may have been made: IT can check it with the reference \`${request.requestId}\``;
      const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('was closed by <@UADA>'));
      expect(JSON.stringify(dm.args)).toContain('the earlier change may have been made');
      expect(JSON.stringify(dm.args)).not.toContain('was denied');
      const updated = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('Closed by <@UADA>'));
      expect(JSON.stringify(updated.args.blocks)).toContain(check);
      // Its line on her Home tab (her other requests are shown there too).
      const line = JSON.stringify(((await h.openHome('UANN')).home.blocks as any[]).filter((b) => JSON.stringify(b).includes('Sent, then no answer')));
      expect(line).toContain(check);
      expect(line).not.toContain('Denied by <@UADA>');
      expect(h.chime.callsTo('UpdateUser')).toEqual([]);
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it('an approval saved but never applied (no change sent: no apply attempt on record), denied after 10 minutes: the requester and the channel are told it was denied, never that the earlier change may have been made', async () => {
    const request = await annAsks('UANN', 'Pro');
    // The admin's approval was saved, and nothing after it: its click never began applying it.
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: h.clock.now().toISOString(), list: 'UANN' });
    h.clock.offsetMs = 11 * 60_000;
    try {
      const a = await review('UADA', request);
      // Its review says what the record shows: nothing was sent. Before: "applying it did not finish:
      // the outcome is unknown (the change may or may not have been made)", then a plain denial.
      const said = JSON.stringify(a.view);
      expect(said).toContain(':warning: Approved by <@UMAX> at <!date^');
      expect(said).toContain(', but it was never applied: Latchkey has no record of applying it, so nothing was sent to Amazon Chime. An admin can approve it again to apply it now, or deny it to close it.');
      expect(said).not.toContain('may or may not');
      const answered = JSON.stringify(await approveOrDeny('UADA', a.view, a.viewId, 'deny', 'Nothing was sent'));
      // Before: "Closed. <@UANN> has been told, with your comment, that the earlier change may have been made."
      expect(answered).not.toContain('may have been made');
      const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Nothing was sent'));
      // Before: "Your request ... was closed by <@UADA>; the earlier change may have been made."
      expect(JSON.stringify(dm.args)).toContain('was denied by <@UADA>');
      expect(JSON.stringify(dm.args)).not.toContain('may have been made');
      const updated = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('<@UADA>'));
      expect(JSON.stringify(updated.args.blocks)).toContain('Denied by <@UADA>');
      expect(JSON.stringify(updated.args.blocks)).not.toContain('may have been made');
      // Its line on her Home tab (her other requests are shown there too), and its activity line.
      const blocks = (await h.openHome('UANN')).home.blocks as any[];
      const line = JSON.stringify(blocks.filter((b) => JSON.stringify(b).includes('Nothing was sent')));
      expect(line).toContain(':no_entry: Denied by <@UADA>');
      expect(line).not.toContain('may have been made');
      expect(JSON.stringify(blocks.filter((b) => JSON.stringify(b).includes(request.requestId)))).not.toContain('may have been made');
      expect(h.chime.callsTo('UpdateUser')).toEqual([]);
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("an approval saved but never applied, past 10 minutes: the first Home tab to read it finds on record that nothing was sent, and the admins' message, the admins' list and the requester's Home tab say so, as its review does, never that the outcome is unknown; recorded with the message's rewrite, so later tabs say it with no read of the record", async () => {
    const request = await annAsks('UANN', 'Pro');
    // The admin's approval was saved (listed as a change under way, as its move lists it), and nothing after it.
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: h.clock.now().toISOString(), list: 'CHANGE_UNDERWAY' });
    h.clock.offsetMs = 11 * 60_000;
    const never = ', but it was never applied: Latchkey has no record of applying it, so nothing was sent to Amazon Chime. An admin can approve it again to apply it now, or deny it to close it.';
    const linesOf = (home: Record<string, any>) => (home.blocks as any[]).map((b) => JSON.stringify(b)).filter((b) => b.includes(request.requestId));
    try {
      // Before: "applying it did not finish: the outcome is unknown (the change may or may not have been made)", everywhere but its review.
      const adas = linesOf((await h.openHome('UADA')).home);
      expect(adas.join('\n')).toContain(never);
      expect(adas.join('\n')).not.toContain('may or may not');
      const rewritten = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('never applied'));
      expect(JSON.stringify(rewritten.args.blocks)).toContain(never);
      expect(JSON.stringify(rewritten.args.blocks)).toContain('"action_id":"license_review"');
      expect(JSON.stringify(rewritten.args.blocks)).not.toContain('may or may not');
      // Recorded with the rewrite: every later read says it from the request (no Query of the record).
      let stored: Awaited<ReturnType<Harness['storedRequest']>>;
      await until("the request's messageShownFor, recorded with the message's rewrite", async () => (stored = await h.storedRequest(request.requestId))?.messageShownFor !== undefined, 10_000);
      expect(stored?.neverAppliedFor).toBeDefined();
      expect(stored?.neverAppliedFor).toBe(stored?.messageShownFor);
      // Ann's tab: her request's line, and her activity line.
      const annHome = (await h.openHome('UANN')).home;
      expect(linesOf(annHome)).toEqual([
        expect.stringContaining('*License change request* (Basic → Pro) · :warning: Approved, but never applied: Latchkey has no record of applying it, so nothing was sent to Amazon Chime; an admin can approve it again'),
      ]);
      // Her requests' line (which names no reference: the only one of hers approved by <@UMAX> and open).
      const own = (annHome.blocks as any[]).map((b) => JSON.stringify(b)).filter((b) => b.includes('*License change*: *Basic* → *Pro*') && b.includes('Approved by <@UMAX>'));
      expect(own).toEqual([expect.stringContaining(never)]);
      // And asking again. Before: "but applying it did not finish, so Latchkey cannot tell whether your Amazon Chime license was changed."
      const asked = JSON.stringify((await h.open('/request-license', 'UANN')).view.blocks);
      expect(asked).toContain(':warning: <@UMAX> approved your request to change your Amazon Chime license to Pro, but it was never applied: Latchkey has no record of applying it, so nothing was sent to Amazon Chime and your Amazon Chime license was not changed.');
      expect(asked).not.toContain('cannot tell');
      // Approved again, it is applied, once.
      const again = await review('UADA', request);
      expect(JSON.stringify(await approveOrDeny('UADA', again.view, again.viewId, 'approve'))).toContain('Done: <@UANN>');
      expect(h.chime.callsTo('UpdateUser')).toHaveLength(1);
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  });

  it("an approval saved but never applied, past 10 minutes, that no Home tab has read: its requester's /request-license finds on record that nothing was sent and says so, never that Latchkey cannot tell; the admins' message follows and the finding is recorded, as the first Home tab's would be", async () => {
    const request = await annAsks('UANN', 'Pro');
    // The admin's approval was saved (listed as a change under way, as its move lists it), and nothing after it.
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: h.clock.now().toISOString(), list: 'CHANGE_UNDERWAY' });
    h.clock.offsetMs = 11 * 60_000;
    try {
      // No Home tab opened since. Before: "but applying it did not finish, so Latchkey cannot tell whether your Amazon Chime license was changed."
      const asked = JSON.stringify((await h.open('/request-license', 'UANN')).view.blocks);
      expect(asked).toContain(':warning: <@UMAX> approved your request to change your Amazon Chime license to Pro, but it was never applied: Latchkey has no record of applying it, so nothing was sent to Amazon Chime and your Amazon Chime license was not changed.');
      expect(asked).not.toContain('cannot tell');
      // The admins' message says so too, and the finding is kept with its rewrite: no later line reads the record for it.
      const rewritten = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('never applied'));
      expect(JSON.stringify(rewritten.args.blocks)).toContain(', but it was never applied: Latchkey has no record of applying it, so nothing was sent to Amazon Chime.');
      expect(JSON.stringify(rewritten.args.blocks)).toContain('"action_id":"license_review"');
      await until('the rewrite recorded on the request', async () => (await h.storedRequest(request.requestId))?.messageShownFor !== undefined, 10_000);
      const stored = await h.storedRequest(request.requestId);
      expect(stored?.neverAppliedFor).toBeDefined();
      expect(stored?.neverAppliedFor).toBe(stored?.messageShownFor);
      expect(JSON.stringify((await h.open('/request-license', 'UANN')).view.blocks)).toContain('but it was never applied');
      // Approved again, it is applied, once.
      const again = await review('UADA', request);
      expect(JSON.stringify(await approveOrDeny('UADA', again.view, again.viewId, 'approve'))).toContain('Done: <@UANN>');
      expect(h.chime.callsTo('UpdateUser')).toHaveLength(1);
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  });

  it('a retry saved but never applied, after an earlier apply whose change was sent and not confirmed, denied after 10 minutes: its requester is still told the earlier change may have been made', async () => {
    const request = await annAsks('UANN', 'Pro');
    // Its first apply's change went unconfirmed (DIRECTORY_OUTCOME_UNKNOWN); an admin's retry was saved, and nothing after it.
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: h.clock.now().toISOString(), errorCode: 'DIRECTORY_OUTCOME_UNKNOWN', list: 'UANN' });
    h.clock.offsetMs = 11 * 60_000;
    try {
      const a = await review('UADA', request);
      expect(JSON.stringify(await approveOrDeny('UADA', a.view, a.viewId, 'deny', 'Retry never sent'))).toContain('that the earlier change may have been made');
      const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Retry never sent'));
      expect(JSON.stringify(dm.args)).toContain('was closed by <@UADA>; the earlier change may have been made');
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it('a refusal before the form (no Chime account) has a reference, and the same reference on an audit record', async () => {
    const { view } = await h.open('/request-license', 'UNOCHIME');
    expect(view.submit).toBeUndefined();
    const reference = /Reference: `([^`]+)`/.exec(JSON.stringify(view))?.[1];
    expect(reference).toBeDefined();
    const records = await h.waitForAudit('UNOCHIME', (r) => r.requestId === reference);
    expect(records.filter((r) => r.requestId === reference).map((r) => [r.action, r.phase, r.errorCode, r.directory])).toEqual([
      ['license_request', 'refused', 'DIRECTORY_USER_NOT_FOUND', 'chime'],
    ]);
  });

  it('one open request per user: asking again shows the waiting request', async () => {
    await annAsks('UADA', 'Plus');
    const { view } = await h.open('/request-license', 'UADA');
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view)).toContain('Plus');
  });
});

describe('/request-license expiry', () => {
  let h: Harness;
  afterAll(async () => {
    await h?.stop();
  });

  /** `userId` asks for Pro (on the harness started once, its clock back to now): the request and its admins' message. */
  async function asksForPro(userId: string): Promise<{ requestId: string; message: { channel: string; ts: string } }> {
    h ??= await Harness.start({ env: { LICENSE_REQUEST_TTL_HOURS: '1' } });
    h.clock.offsetMs = 0;
    h.slack.clear();
    return h.asksForLicense(userId, { reason: 'webinars' });
  }

  /** `userId` asks for Pro, and Ada's approval fails to apply it (Chime not answering): the request, its message, a Review by an admin, and Ada's modal. */
  async function failedToApply(userId: string) {
    const { requestId, message } = await asksForPro(userId);
    const reviewing = (admin: string) => h.opening((trigger) => h.click(admin, 'license_review', requestId, message, trigger));
    const opened = await reviewing('UADA');
    h.chime.failNext('UpdateUser', 'ServiceUnavailableException', 5);
    await h.submit('UADA', opened.view, { values: decide('approve') });
    expect(JSON.stringify(await h.viewUpdate(opened.viewId, 2))).toContain('Amazon Chime is not answering right now');
    h.chime.clear();
    return { requestId, message, reviewing, opened };
  }

  /**
   * `userId` opens their Home tab while Slack holds a message's rewrite (the test's hold): the tab
   * as published, which was published before that rewrite was even sent (it never waited for it).
   */
  async function openedWhileRewriteHeld(userId: string): Promise<string> {
    const published = () => h.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId).length;
    const before = published();
    const opening = h.openHome(userId);
    await until("the message's rewrite, held at Slack", () => h.slack.held.length >= 1, 2_000);
    expect(h.slack.held.map((c) => c.method)).toEqual(['chat.update']);
    expect(published()).toBe(before + 1);
    return JSON.stringify((await opening).home);
  }

  it('an expired request shows that it expired and cannot be decided', async () => {
    h = await Harness.start({ env: { LICENSE_REQUEST_TTL_HOURS: '1' } });
    const { view, viewId } = await h.open('/request-license', 'UANN');
    await h.submit('UANN', view, {
      values: {
        license: { license: { type: 'radio_buttons', selected_option: { value: 'Pro' } } },
        reason: { reason: { type: 'plain_text_input', value: 'webinars' } },
      },
    });
    await h.viewUpdate(viewId, 2);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL);
    const requestId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value;

    h.clock.offsetMs = 2 * 3_600_000;
    const opened = await h.opening((trigger) =>
      h.click('UADA', 'license_review', requestId, { channel: post.result!.channel, ts: post.result!.ts }, trigger),
    );
    expect(opened.view.submit).toBeUndefined();
    expect(JSON.stringify(opened.view).toLowerCase()).toContain('expired');
    const refreshed = await h.slack.waitForCall('chat.update');
    expect(JSON.stringify(refreshed.args.blocks).toLowerCase()).toContain('expired');
    expect(h.chime.callsTo('UpdateUser')).toEqual([]);
  });

  it("a failed change not retried within its request's time is retried no more: it leaves every admin's list, its message loses Review, and its requester is told to ask again, which they can; the admin's Home tab never waits for that", async () => {
    const { requestId, message, reviewing, opened } = await failedToApply('UBOB');
    const failedList = async () => JSON.stringify((await h.openHome('UMAX')).home);
    expect(await failedList()).toContain(`"value":"${requestId}"`);

    // Its request's time (1 h) ends: its requester may ask anew, and this one is retried no more.
    h.clock.offsetMs = 2 * 3_600_000;
    // Slack is slow to rewrite its message and to take the DM: Max's tab is published meanwhile, without it.
    const releaseUpdate = h.slack.hold('chat.update', (args) => args.ts === message.ts);
    const releaseDm = h.slack.hold('chat.postMessage', (args) => args.channel === 'DUBOB');
    try {
      const home = await failedList();
      expect(home).not.toContain(`"value":"${requestId}"`);
      expect(home).not.toContain('Failed: waiting for a retry');
      await until("the rewrite of its message and the DM to Bob, both held at Slack", () => h.slack.held.length >= 2, 2_000);
      expect(h.slack.held.map((c) => c.method).sort()).toEqual(['chat.postMessage', 'chat.update']);
      releaseUpdate();
      releaseDm();
      const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === message.ts && JSON.stringify(c.args).includes('can ask again'));
      expect(JSON.stringify(update.args.blocks)).not.toContain('license_review');
      expect(JSON.stringify(update.args.blocks)).toContain('<@UBOB> can ask again with `/request-license`');
      const toldAgain = (c: SlackCall) => c.method === 'chat.postMessage' && c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes('to ask again');
      const dm = await h.slack.waitForCall('chat.postMessage', toldAgain);
      expect(dm.args.text).toContain("it was not retried before your request's time ended.");
      expect(JSON.stringify(dm.args)).toContain('Run `/request-license` to ask again');
      expect(JSON.stringify(dm.args)).toContain('Amazon Chime is not answering right now');
      // Told once: another admin's Home open changes nothing more.
      await h.openHome('UADA');
      expect(h.slack.calls.filter(toldAgain)).toHaveLength(1);
      // An admin who had it open, or clicks Review on its message, cannot retry it, and is told why:
      // its request's time ended, their click applied nothing, and its requester can ask again (told
      // so by the Home tab's close, not by their click: their modal never claims it).
      const said = (view: Record<string, any>) => (view.blocks as any[]).map((b) => b.text?.text ?? (b.elements ?? []).map((e: any) => e.text).join(' ')).join('\n');
      const lapsedWords = (text: string) => {
        expect(text).toContain("This request's time ended at <!date^");
        expect(text).toContain('before its change was retried, so it can no longer be applied. Nothing was applied by your click.');
        expect(text).toContain('<@UBOB> can ask again with `/request-license`');
        expect(text).not.toContain('has been told');
        expect(text).not.toContain('already');
      };
      const late = await reviewing('UADA');
      expect(late.view.submit).toBeUndefined();
      lapsedWords(said(late.view));
      const stale = await h.submit('UADA', opened.view, { values: decide('approve') });
      expect(stale.status).toBe(200);
      const staleView = await h.viewUpdate(opened.viewId, 3);
      expect(JSON.stringify(staleView)).toContain('<@UBOB> can ask again');
      lapsedWords(said(staleView));
      expect(h.chime.users.get('chime-bob')?.LicenseType).toBe('Basic');
      // Its requester asks again, and the new request goes to the admins.
      const again = await h.open('/request-license', 'UBOB');
      expect(again.view.submit).toBeDefined();
    } finally {
      releaseUpdate();
      releaseDm();
      h.clock.offsetMs = 0;
    }
  });

  it("a failed change past its request's time, closed by an admin's Review while Slack answers the DM to its requester ok but without saying where it is: the admin is told to tell them, never that they have been told", async () => {
    const { reviewing } = await failedToApply('UMAX');
    h.clock.offsetMs = 2 * 3_600_000;
    try {
      const toldAgain = (args: Record<string, any>) => args.channel === 'DUMAX' && JSON.stringify(args).includes('to ask again');
      h.slack.failNext('chat.postMessage', { answer: { ok: true } }, 1, toldAgain);
      const late = JSON.stringify((await reviewing('UADA')).view);
      expect(h.slack.callsTo('chat.postMessage').filter((c) => toldAgain(c.args))).toHaveLength(1);
      // Before: "<@UMAX> has been told to ask again with `/request-license`.", Slack's answer never saying where that DM is.
      expect(late).not.toContain('been told');
      expect(late).toContain(
        "Nothing was applied by your click. :warning: Slack did not confirm that Latchkey's message reached <@UMAX>, so they may not know yet: tell them yourself that its change can no longer be applied, and that they can ask again with `/request-license`.",
      );
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("a request nobody decided within its time leaves an admin's queue at once: their Home tab never waits for its expiry, which follows once (its message rewritten, its requester told), and a late Review is still refused", async () => {
    const { requestId, message } = await asksForPro('UCARL');
    expect(JSON.stringify((await h.openHome('UMAX')).home)).toContain(`"value":"${requestId}"`);

    // Its time (1 h) ends, nobody having decided it; Slack is slow to rewrite its message.
    h.clock.offsetMs = 2 * 3_600_000;
    const releaseUpdate = h.slack.hold('chat.update', (args) => args.ts === message.ts);
    try {
      // Max's tab is published before its message's rewrite is even sent, without the request in his queue.
      const home = await openedWhileRewriteHeld('UMAX');
      expect(home).not.toContain(`"value":"${requestId}"`);
      expect(home).toContain('No request is waiting.');

      releaseUpdate();
      const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === message.ts);
      expect(JSON.stringify(update.args.blocks).toLowerCase()).toContain('expired');
      expect(JSON.stringify(update.args.blocks)).not.toContain('license_review');
      const toldExpired = (c: SlackCall) => c.method === 'chat.postMessage' && c.args.channel === 'DUCARL' && JSON.stringify(c.args).includes('expired without a decision');
      await h.slack.waitForCall('chat.postMessage', toldExpired);

      // Once: Carl's own tab shows it expired, another admin's open changes nothing more, and a Review of it is refused.
      expect(JSON.stringify((await h.openHome('UCARL')).home)).toContain('Expired; nothing was changed');
      await h.openHome('UADA');
      const late = await h.opening((trigger) => h.click('UADA', 'license_review', requestId, message, trigger));
      expect(late.view.submit).toBeUndefined();
      expect(JSON.stringify(late.view).toLowerCase()).toContain('expired');
      expect(h.slack.calls.filter(toldExpired)).toHaveLength(1);
      expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === message.ts)).toHaveLength(1);
      expect(h.chime.users.get('chime-carl')?.LicenseType).toBe('Basic');
    } finally {
      releaseUpdate();
      h.clock.offsetMs = 0;
    }
  });

  it("its requester's own Home tab shows a request past its time as expired at once, never waiting for its expiry, which follows once", async () => {
    const { message } = await asksForPro('UCARL');
    h.clock.offsetMs = 2 * 3_600_000;
    const releaseUpdate = h.slack.hold('chat.update', (args) => args.ts === message.ts);
    try {
      const home = await openedWhileRewriteHeld('UCARL');
      expect(home).toContain('Expired; nothing was changed');
      expect(home).not.toContain('Waiting for an admin');

      releaseUpdate();
      const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === message.ts);
      expect(JSON.stringify(update.args.blocks).toLowerCase()).toContain('expired');
      const toldExpired = (c: SlackCall) => c.method === 'chat.postMessage' && c.args.channel === 'DUCARL' && JSON.stringify(c.args).includes('expired without a decision');
      await h.slack.waitForCall('chat.postMessage', toldExpired);
      await h.openHome('UCARL');
      await h.openHome('UMAX');
      expect(h.slack.calls.filter(toldExpired)).toHaveLength(1);
      expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === message.ts)).toHaveLength(1);
    } finally {
      releaseUpdate();
      h.clock.offsetMs = 0;
    }
  });
});

describe('/request-license expiry, decided as it lapses', () => {
  let h: Harness;
  afterAll(async () => {
    await h?.stop();
  });

  it("a failed change approved again just before its request's time ends, written just after: nothing is applied over its requester's new request, and the admin is told it can no longer be applied", async () => {
    h = await Harness.start({ env: { LICENSE_REQUEST_TTL_HOURS: '1' }, dynamoGate: true });
    const approve = { values: decide('approve') };
    const asks = async () => {
      const { view, viewId } = await h.open('/request-license', 'UBOB');
      await h.submit('UBOB', view, {
        values: {
          license: { license: { type: 'radio_buttons', selected_option: { value: 'Pro' } } },
          reason: { reason: { type: 'plain_text_input', value: 'webinars' } },
        },
      });
      return h.viewUpdate(viewId, 2);
    };
    await asks();
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes('<@UBOB>'));
    const requestId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
    const message = { channel: post.result!.channel as string, ts: post.result!.ts as string };
    const reviewing = (admin: string) => h.opening((trigger) => h.click(admin, 'license_review', requestId, message, trigger));
    const first = await reviewing('UADA');
    h.chime.failNext('UpdateUser', 'ServiceUnavailableException', 5);
    await h.submit('UADA', first.view, approve);
    expect(JSON.stringify(await h.viewUpdate(first.viewId, 2))).toContain('Amazon Chime is not answering right now');
    h.chime.clear();

    // Ada approves it again in time; her decision's audit step is slow to be written.
    const retry = await reviewing('UADA');
    expect(retry.view.submit).toBeDefined();
    const release = h.dynamoGate.hold((call) => call.operation === 'PutItem' && call.body.includes('"attempt"') && call.body.includes(requestId) && call.body.includes('decide'));
    try {
      await h.submit('UADA', retry.view, approve);
      await until("the attempt record of Ada's decision, held at DynamoDB", () => h.dynamoGate.held.length > 0, 2_000);
      expect(h.dynamoGate.held.length).toBeGreaterThanOrEqual(1);
      // Meanwhile its time ends: Max's Home tab closes it, and Bob asks anew.
      h.clock.offsetMs = 3_600_000 + 1_000;
      expect(JSON.stringify((await h.openHome('UMAX')).home)).not.toContain(`"value":"${requestId}"`);
      const again = await asks();
      expect(JSON.stringify(again)).not.toContain(requestId);
    } finally {
      release();
    }
    const result = JSON.stringify(await h.viewUpdate(retry.viewId, 2));
    expect(result).toContain('<@UBOB> can ask again');
    expect(result).toContain('so it can no longer be applied. Nothing was applied by your click.');
    expect(h.chime.callsTo('UpdateUser')).toEqual([]);
    expect(h.chime.users.get('chime-bob')?.LicenseType).toBe('Basic');
    h.clock.offsetMs = 0;
  }, 30_000);

  it("a waiting request approved just before its time ends, its decision written just after: the admin is told it expired, and nothing is applied", async () => {
    h ??= await Harness.start({ env: { LICENSE_REQUEST_TTL_HOURS: '1' }, dynamoGate: true });
    h.clock.offsetMs = 0;
    h.slack.clear();
    h.chime.clear();
    const { requestId, message } = await h.asksForLicense('UANN', { reason: 'webinars' });
    const opened = await h.opening((trigger) => h.click('UADA', 'license_review', requestId, message, trigger));
    expect(opened.view.submit).toBeDefined();

    // Ada approves it in time; her decision's audit step, before its write, is slow, and meanwhile its time ends.
    const release = h.dynamoGate.hold((call) => call.operation === 'PutItem' && call.body.includes('"attempt"') && call.body.includes(requestId) && call.body.includes('decide'));
    try {
      await h.submit('UADA', opened.view, { values: decide('approve') });
      await until("the attempt record of Ada's decision, held at DynamoDB", () => h.dynamoGate.held.length > 0, 2_000);
      expect(h.dynamoGate.held.length).toBeGreaterThanOrEqual(1);
      h.clock.offsetMs = 3_600_000 + 1_000;
    } finally {
      release();
    }
    try {
      const result = JSON.stringify(await h.viewUpdate(opened.viewId, 2));
      expect(result).toContain(':zzz: Expired at');
      expect(result).toContain('without a decision');
      expect(result).not.toContain('Done');
      expect(h.chime.callsTo('UpdateUser')).toEqual([]);
      expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Basic');
    } finally {
      h.clock.offsetMs = 0;
    }
  }, 30_000);

  it("a change approved in time whose apply fails just after its request's time ended: its requester is told, once, that it could not be applied before that time ended (never that nobody retried it), and to ask again", async () => {
    h ??= await Harness.start({ env: { LICENSE_REQUEST_TTL_HOURS: '1' }, dynamoGate: true });
    h.clock.offsetMs = 0;
    h.slack.clear();
    h.chime.clear();
    const { requestId, message } = await h.asksForLicense('UCARL', { reason: 'webinars' });
    const opened = await h.opening((trigger) => h.click('UADA', 'license_review', requestId, message, trigger));

    // Ada approves it in time; Chime is slow to answer, and fails, by when the request's time has ended.
    h.chime.failNext('UpdateUser', 'ServiceUnavailableException', 5);
    const release = h.chime.hold(['UpdateUser']);
    try {
      await h.submit('UADA', opened.view, { values: decide('approve') });
      await until("the approval's UpdateUser call reaching Chime", () => h.chime.callsTo('UpdateUser').length > 0, 2_000);
      expect(h.chime.callsTo('UpdateUser').length).toBeGreaterThanOrEqual(1);
      h.clock.offsetMs = 3_600_000 + 1_000;
    } finally {
      release();
    }
    try {
      expect(JSON.stringify(await h.viewUpdate(opened.viewId, 2))).toContain('<@UCARL> can ask again with `/request-license`');
      const toldAgain = (c: SlackCall) => c.method === 'chat.postMessage' && c.args.channel === 'DUCARL' && JSON.stringify(c.args).includes('to ask again');
      const dm = await h.slack.waitForCall('chat.postMessage', toldAgain);
      // Approved in time, its apply failed after: told so, never that nobody retried it.
      expect(dm.args.text).toBe(
        "Your request to change your Amazon Chime license to Pro was approved by <@UADA>, but it could not be applied before your request's time ended, so it cannot be retried: the change was not applied.",
      );
      expect(JSON.stringify(dm.args)).not.toContain('not retried');
      expect(JSON.stringify(dm.args)).toContain('Run `/request-license` to ask again');
      expect(JSON.stringify(dm.args)).toContain('Amazon Chime is not answering right now');
      // Told once: no admin's read tells them again.
      await h.openHome('UMAX');
      await h.openHome('UADA');
      expect(h.slack.calls.filter(toldAgain)).toHaveLength(1);
      expect(h.chime.users.get('chime-carl')?.LicenseType).toBe('Basic');
      // Carl's own Home tab shows it as it ended, and writes nothing for it, on this open or any other.
      const itsWrite = (call: { operation: string; body: string }) => call.operation === 'UpdateItem' && call.body.includes(requestId);
      const writes = h.dynamoGate.hold(itsWrite);
      try {
        const from = h.logs.length;
        expect(JSON.stringify((await h.openHome('UCARL')).home)).toContain('Nothing was changed. You can ask again with `/request-license`');
        // Until the tab's follow-ups have ended (a write of them held here would keep them from ending).
        await h.homeFollowedUp('UCARL', from, () => h.dynamoGate.held.some(itsWrite));
        expect(h.dynamoGate.held.filter(itsWrite)).toEqual([]);
      } finally {
        writes();
      }
    } finally {
      h.clock.offsetMs = 0;
    }
  }, 30_000);
});

describe('/request-license: a failed change past its time, older than its requester\'s newest requests', () => {
  let h: Harness;
  afterAll(async () => {
    await h?.stop();
  });

  it("is closed when its requester opens their own Home tab, though it is not among the newest shown: its message loses Review, and they are told to ask again, once", async () => {
    h = await Harness.start({ env: { LICENSE_REQUEST_TTL_HOURS: '1' } });
    const asks = async () => {
      h.slack.clear();
      const { view, viewId } = await h.open('/request-license', 'UBOB');
      await h.submit('UBOB', view, {
        values: {
          license: { license: { type: 'radio_buttons', selected_option: { value: 'Pro' } } },
          reason: { reason: { type: 'plain_text_input', value: 'webinars' } },
        },
      });
      await h.viewUpdate(viewId, 2);
      const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes('<@UBOB>'));
      const requestId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
      return { requestId, message: { channel: post.result!.channel as string, ts: post.result!.ts as string } };
    };
    const decides = async (request: { requestId: string; message: { channel: string; ts: string } }, decision: 'approve' | 'deny') => {
      const opened = await h.opening((trigger) => h.click('UADA', 'license_review', request.requestId, request.message, trigger));
      await h.submit('UADA', opened.view, {
        values: {
          decision: { decision: { type: 'radio_buttons', selected_option: { value: decision } } },
          comment: { comment: { type: 'plain_text_input', value: decision === 'deny' ? 'Not now' : null } },
        },
      });
      return JSON.stringify(await h.viewUpdate(opened.viewId, 2));
    };
    try {
      // Bob's change fails (Chime is down), and nobody retries it before its time (1 h) ends.
      const old = await asks();
      h.chime.failNext('UpdateUser', 'ServiceUnavailableException', 5);
      expect(await decides(old, 'approve')).toContain('Amazon Chime is not answering right now');
      h.chime.clear();
      h.clock.offsetMs = 2 * 3_600_000;
      // He asks five times since: four denied, one waiting. His tab shows those five, newest first.
      for (let i = 0; i < 4; i++) expect(await decides(await asks(), 'deny')).toContain('Denied');
      await asks();
      h.slack.clear();
      // Waited for to the end of its follow-ups, which tell him.
      const home = JSON.stringify((await h.openHomeToTheEnd('UBOB')).home);
      const own = home.slice(home.indexOf('Your requests'));
      expect(own).toContain(':hourglass: Waiting for an admin');
      expect(own.match(/:no_entry: Denied by/g)).toHaveLength(4);
      expect(own).not.toContain('Approved by');

      const toldAgain = (c: SlackCall) => c.method === 'chat.postMessage' && c.args.channel === 'DUBOB' && JSON.stringify(c.args).includes('to ask again');
      expect(h.slack.calls.filter(toldAgain).map((c) => c.args.text)).toEqual([
        "Your request to change your Amazon Chime license to Pro was approved by <@UADA>, but the change was not applied, and it was not retried before your request's time ended.",
      ]);
      const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === old.message.ts);
      expect(JSON.stringify(update.args.blocks)).not.toContain('license_review');
      expect(JSON.stringify(update.args.blocks)).toContain('<@UBOB> can ask again with `/request-license`');
      // Once: his next open writes and says nothing more (waited for to its follow-ups' end).
      await h.openHomeToTheEnd('UBOB');
      expect(h.slack.calls.filter(toldAgain)).toHaveLength(1);
    } finally {
      h.clock.offsetMs = 0;
    }
  }, 60_000);
});

describe('/request-license: an approval whose applying is not known to have begun', () => {
  const h = useHarness({ awsRequestTimeoutMs: 2_000, dynamoGate: true }, (x) => x.slack.clear());

  it("denied after 10 minutes while the audit log cannot be read: its requester is still told the earlier change may have been made, and the operator's log says why", async () => {
    const request = await h.asksForLicense('UANN', { license: 'Pro' });
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: h.clock.now().toISOString(), list: 'UANN' });
    h.clock.offsetMs = 11 * 60_000;
    let stopLosing = () => {};
    try {
      const opened = await h.opensReview('UADA', request);
      // Every read of the steps of its applying goes unanswered, however many tries: whether it began is not known.
      stopLosing = h.dynamoGate.lose((c) => c.operation === 'Query' && c.body.includes(request.requestId) && c.body.includes(':since'), Infinity);
      await h.submit('UADA', opened.view, { values: decide('deny', 'Not known if sent') });
      expect(JSON.stringify(await h.viewUpdate(opened.viewId, 2, 50_000))).toContain('that the earlier change may have been made');
      const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Not known if sent'), 10_000);
      expect(JSON.stringify(dm.args)).toContain('was closed by <@UADA>; the earlier change may have been made');
      expect(h.dynamoGate.lost.filter((c) => c.body.includes(':since')).length).toBeGreaterThan(0);
      expect(h.logs.join('')).toContain('reading whether an approval began applying failed: its denial says the change may have been made');
    } finally {
      stopLosing();
      h.clock.offsetMs = 0;
    }
  }, 90_000);

  it("an approval saved but never applied, past 10 minutes, whose audit record its requester's /request-license could not read (a DynamoDB blip): the next one reads it again and says nothing was sent, and the admins' message follows; never \"cannot tell\" for good, and the message is not rewritten again while the record still cannot be read", async () => {
    const request = await h.asksForLicense('UANN', { license: 'Pro' });
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: h.clock.now().toISOString(), list: 'CHANGE_UNDERWAY' });
    h.clock.offsetMs = 11 * 60_000;
    const stepsRead = (c: { operation: string; body: string }) => c.operation === 'Query' && c.body.includes(request.requestId) && c.body.includes(':since');
    const rewrites = () => h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts);
    let stopLosing = h.dynamoGate.lose(stepsRead, Infinity);
    try {
      const blipped = JSON.stringify((await h.open('/request-license', 'UANN', { timeoutMs: 50_000 })).view.blocks);
      expect(blipped).toContain('so Latchkey cannot tell whether your Amazon Chime license was changed');
      await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('outcome is unknown'), 10_000);
      // Asked again while it still cannot be read: read again, still said so, and the message is left as it is.
      const triedBefore = h.dynamoGate.lost.filter(stepsRead).length;
      expect(JSON.stringify((await h.open('/request-license', 'UANN', { timeoutMs: 50_000 })).view.blocks)).toContain('cannot tell');
      expect(h.dynamoGate.lost.filter(stepsRead).length).toBeGreaterThan(triedBefore);
      stopLosing();
      stopLosing = () => {};
      // Read at last. Before: "cannot tell" for good, the record never read again (the first read's rewrite recorded it as shown).
      const asked = JSON.stringify((await h.open('/request-license', 'UANN')).view.blocks);
      expect(asked).toContain(':warning: <@UMAX> approved your request to change your Amazon Chime license to Pro, but it was never applied: Latchkey has no record of applying it, so nothing was sent to Amazon Chime and your Amazon Chime license was not changed.');
      await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('never applied'), 10_000);
      await until('the finding recorded on the request', async () => (await h.storedRequest(request.requestId))?.neverAppliedFor !== undefined, 10_000);
      expect(rewrites().map((c) => (JSON.stringify(c.args).includes('never applied') ? 'never applied' : 'unknown'))).toEqual(['unknown', 'never applied']);
      const opened = await h.opensReview('UADA', request);
      await h.submit('UADA', opened.view, { values: decide('deny', 'Blip over') });
      await h.viewUpdate(opened.viewId, 2, 50_000);
    } finally {
      stopLosing();
      h.clock.offsetMs = 0;
    }
  }, 150_000);

  it("a change sent by a first apply (no outcome on record), approved again and that click lost before applying, denied after 10 more minutes: its requester is told the earlier change may have been made, never a plain denial", async () => {
    const request = await h.asksForLicense('UANN', { license: 'Pro' });
    const firstAt = h.clock.now();
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: firstAt.toISOString(), list: 'UANN' });
    // The first apply sent the change (its attempt on record) and died before any answer: no errorCode written.
    const applyAt = new Date(firstAt.getTime() + 1000);
    await h.writeAudit(
      { requestId: `${applyAt.toISOString()}_0000000000b1`, phase: 'attempt', action: 'license_apply', actor: { userId: 'UMAX', teamId: TEAM }, approvalRequestId: request.requestId, directory: 'chime', directoryUserId: 'chime-ann' },
      applyAt,
    );
    // 11 minutes on, an admin approved it again (a new decidedAt), and that click was lost before its apply began.
    h.clock.offsetMs = 11 * 60_000;
    try {
      await h.addRawRequestFields(request.requestId, { decidedBy: 'UADA', decidedAt: h.clock.now().toISOString() });
      h.clock.offsetMs = 22 * 60_000;
      const opened = await h.opensReview('UMAX', request);
      expect(JSON.stringify(opened.view)).toContain('applying it did not finish: the outcome is unknown');
      await h.submit('UMAX', opened.view, { values: decide('deny', 'Second click lost') });
      // Before: "Denied. <@UANN> has been told, with your comment." and a DM "was denied by <@UMAX>".
      expect(JSON.stringify(await h.viewUpdate(opened.viewId, 2, 50_000))).toContain('that the earlier change may have been made');
      const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Second click lost'), 10_000);
      expect(JSON.stringify(dm.args)).toContain('was closed by <@UMAX>; the earlier change may have been made');
      expect(JSON.stringify(dm.args)).not.toContain('was denied by');
    } finally {
      h.clock.offsetMs = 0;
    }
  }, 90_000);

  it("a first apply on record in a shape this version cannot read (a newer version's), denied after 10 minutes: its requester is told the earlier change may have been made, never a plain denial", async () => {
    const request = await h.asksForLicense('UANN', { license: 'Pro' });
    const decidedAt = h.clock.now();
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: decidedAt.toISOString(), list: 'UANN' });
    // Its apply's attempt, as a newer version wrote it: an action this one cannot read, so it cannot tell it is an apply.
    const applyAt = new Date(decidedAt.getTime() + 1000).toISOString();
    const applyId = `${applyAt}_0000000000c1`;
    await h.writeRawAudit({
      v: 2, pk: `ACTOR#${TEAM}#UMAX`, sk: `${applyId}#1-claim`, day: applyAt.slice(0, 10), at: applyAt, requestId: applyId, phase: 'attempt',
      action: { kind: 'license', step: 'apply' }, slackUserId: 'UMAX', slackTeamId: TEAM, approvalRequestId: request.requestId, expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    });
    h.clock.offsetMs = 11 * 60_000;
    try {
      const opened = await h.opensReview('UADA', request);
      await h.submit('UADA', opened.view, { values: decide('deny', 'Newer apply') });
      // Read past as no apply at all, it would be "Denied. <@UANN> has been told", a change that may have been sent left unsaid.
      expect(JSON.stringify(await h.viewUpdate(opened.viewId, 2, 50_000))).toContain('that the earlier change may have been made');
      const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Newer apply'), 10_000);
      expect(JSON.stringify(dm.args)).toContain('was closed by <@UADA>; the earlier change may have been made');
      expect(h.logs.join('')).toContain('reading whether an approval began applying failed: its denial says the change may have been made');
    } finally {
      h.clock.offsetMs = 0;
    }
  }, 90_000);

  it("a change made and on record whose request's final status write failed, read after 10 minutes: it is completed as applied, once (the channel message says so without Review, its requester is told, their Home tab shows it done), never offered to the admins again", async () => {
    const request = await h.asksForLicense('UANN', { license: 'Pro' });
    const approve = { values: decide('approve', 'Enjoy Pro') };
    // The change is made and its outcome written; the request's own APPROVED → APPLIED write never gets through.
    const release = h.dynamoGate.hold((c) => c.operation === 'UpdateItem' && c.body.includes(request.requestId) && c.body.includes('"APPLIED"'));
    try {
      const opened = await h.opensReview('UADA', request);
      await h.submit('UADA', opened.view, approve);
      await h.viewUpdate(opened.viewId, 2, 50_000);
    } finally {
      release();
    }
    expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Pro');
    const applied = await h.waitForAudit('UADA', (r) => r.action === 'license_apply' && r.phase === 'outcome');
    expect(applied.filter((r) => r.action === 'license_apply' && r.phase === 'outcome').map((r) => r.outcome)).toEqual(['success']);
    // Told by the applying click, which lived on: the completion does not tell her again.
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Enjoy Pro'));
    expect(JSON.stringify(dm.args)).not.toContain('may have been made');
    h.slack.clear();
    h.clock.offsetMs = 11 * 60_000;
    try {
      const a = await h.opensReview('UMAX', request);
      // Before: the decision modal, "applying it did not finish: the outcome is unknown".
      expect(a.view.submit).toBeUndefined();
      expect(JSON.stringify(a.view)).not.toContain('the outcome is unknown');
      const updated = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts);
      expect(JSON.stringify(updated.args.blocks)).not.toContain('license_review');
      expect(JSON.stringify(updated.args.blocks)).not.toContain('outcome is unknown');
      expect(JSON.stringify(updated.args.blocks)).toContain('<@UADA>');
      // Read again by another admin: nothing more is sent.
      const b = await h.opensReview('UADA', request);
      expect(b.view.submit).toBeUndefined();
      expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUANN')).toHaveLength(0);
      // Her Home tab shows it done; no admin's shows it among the changes whose outcome is unknown.
      const line = JSON.stringify(((await h.openHome('UANN')).home.blocks as any[]).filter((b) => JSON.stringify(b).includes('Enjoy Pro')));
      expect(line).not.toContain('outcome is unknown');
      expect(JSON.stringify((await h.openHome('UMAX')).home)).not.toContain(request.requestId);
      expect(h.chime.callsTo('UpdateUser')).toHaveLength(1);
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  }, 90_000);

  it("a change made and on record whose request's final status write failed, after 10 minutes, before anyone opens Review: an admin's Home tab completes it as applied, so the channel message says it was applied, never that its outcome is unknown, and its requester is told once", async () => {
    const changesBefore = h.chime.callsTo('UpdateUser').length;
    const request = await h.asksForLicense('UANN', { license: 'Pro' });
    // The change is made and its outcome written; the request's own APPROVED → APPLIED write never gets through.
    const release = h.dynamoGate.hold((c) => c.operation === 'UpdateItem' && c.body.includes(request.requestId) && c.body.includes('"APPLIED"'));
    try {
      const opened = await h.opensReview('UADA', request);
      await h.submit('UADA', opened.view, { values: decide('approve', 'Enjoy Pro') });
      await h.viewUpdate(opened.viewId, 2, 50_000);
    } finally {
      release();
    }
    await h.waitForAudit('UADA', (r) => r.action === 'license_apply' && r.phase === 'outcome' && r.outcome === 'success');
    // Told by the applying click, which lived on: the completion does not tell her again.
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Enjoy Pro'));
    expect(JSON.stringify(dm.args)).not.toContain('may have been made');
    h.slack.clear();
    h.clock.offsetMs = 11 * 60_000;
    try {
      // The admin's Home tab settles it before it is drawn; what follows the tab shows the message.
      await h.openHome('UMAX');
      const updated = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts);
      // Before: ":warning: Approved by <@UADA> ..., but applying it did not finish: the outcome is unknown".
      expect(JSON.stringify(updated.args.blocks)).not.toContain('outcome is unknown');
      expect(JSON.stringify(updated.args.blocks)).toContain(':white_check_mark: Approved by <@UADA>');
      expect(JSON.stringify(updated.args.blocks)).not.toContain('license_review');
      // Opened again, and by another admin and by her: nothing more is sent, and no admin's tab lists it.
      expect(JSON.stringify((await h.openHome('UMAX')).home)).not.toContain(request.requestId);
      expect(JSON.stringify((await h.openHome('UADA')).home)).not.toContain('Did not finish');
      await h.openHome('UANN');
      const b = await h.opensReview('UMAX', request);
      expect(b.view.submit).toBeUndefined();
      expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUANN')).toHaveLength(0);
      expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('outcome is unknown'))).toEqual([]);
      expect(h.chime.callsTo('UpdateUser').length - changesBefore).toBe(1);
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  }, 90_000);

  /** `userId`'s license change, approved by Ada and made (or failed, with `chimeFails`), whose request's own final status write (APPROVED → APPLIED or APPLY_FAILED) never gets through. */
  async function appliedButFinalWriteLost(userId: string, comment: string, chimeFails = false) {
    const request = await h.asksForLicense(userId, { license: 'Pro' });
    const final = chimeFails ? '"APPLY_FAILED"' : '"APPLIED"';
    if (chimeFails) h.chime.failNext('UpdateUser', 'ServiceUnavailableException', 5);
    const release = h.dynamoGate.hold((c) => c.operation === 'UpdateItem' && c.body.includes(request.requestId) && c.body.includes(final));
    try {
      const opened = await h.opensReview('UADA', request);
      await h.submit('UADA', opened.view, { values: decide('approve', comment) });
      await h.viewUpdate(opened.viewId, 2, 50_000);
    } finally {
      release();
    }
    await h.waitForAudit('UADA', (r) => r.action === 'license_apply' && r.phase === 'outcome' && r.approvalRequestId === request.requestId);
    return request;
  }

  it("a change made and on record whose request's final status write failed: the first Home tab an admin opens after 10 minutes draws it as it stands, never among the changes whose outcome is unknown, and the message follows", async () => {
    const request = await appliedButFinalWriteLost('UANN', 'First tab Pro');
    h.slack.clear();
    h.clock.offsetMs = 11 * 60_000;
    try {
      const first = JSON.stringify((await h.openHome('UMAX')).home);
      // Before: drawn under "Did not finish: outcome unknown" with Review, then settled after it was shown.
      expect(first).not.toContain('Did not finish');
      expect(first).not.toContain(request.requestId);
      const updated = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts);
      expect(JSON.stringify(updated.args.blocks)).toContain(':white_check_mark: Approved by <@UADA>');
      expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('outcome is unknown'))).toEqual([]);
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  }, 90_000);

  it("a change made and on record whose request's final status write failed: the first Home tab its requester opens after 10 minutes shows it applied, never that its outcome is unknown", async () => {
    await appliedButFinalWriteLost('UANN', 'Own tab Pro');
    h.clock.offsetMs = 11 * 60_000;
    try {
      const line = JSON.stringify(((await h.openHome('UANN')).home.blocks as any[]).filter((b) => JSON.stringify(b).includes('Own tab Pro')));
      // Before: ":grey_question: Approved; the change did not finish and its outcome is unknown".
      expect(line).toContain('applied');
      expect(line).not.toContain('outcome is unknown');
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  }, 90_000);

  it("a change made and on record whose request's final status write failed, that no Home tab has read: its requester's /request-license after 10 minutes finds it applied, shows her the form with her new license, and the channel message follows; never that Latchkey cannot tell", async () => {
    const request = await appliedButFinalWriteLost('UANN', 'Asked again Pro');
    const toldHer = () =>
      h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Your Amazon Chime license is now Pro: <@UADA> approved') && c.result?.ok === true);
    // Told by the applying click, which lived on (appliedToldFor): the completion does not tell her again.
    await until('the applying click tells her', async () => toldHer().length > 0, 10_000);
    h.slack.clear();
    h.clock.offsetMs = 11 * 60_000;
    try {
      const asked = JSON.stringify((await h.open('/request-license', 'UANN')).view.blocks);
      // Before: "but applying it did not finish, so Latchkey cannot tell whether your Amazon Chime license was changed."
      expect(asked).not.toContain('cannot tell');
      expect(asked).toContain('Your Amazon Chime license is *Pro*');
      // Said first, in her DMs' words, so the form opening instead of her request is no surprise.
      expect(asked).toContain(':white_check_mark: Your request to change your Amazon Chime license to Pro was applied.');
      const updated = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts);
      expect(JSON.stringify(updated.args.blocks)).toContain(':white_check_mark: Approved by <@UADA>');
      expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes('outcome is unknown'))).toEqual([]);
      // The completion told the channel (above) and nobody else; asked again, nothing more is sent to
      // her, and the form no longer speaks of that request (settled, it was not this read's).
      const again = JSON.stringify((await h.open('/request-license', 'UANN')).view.blocks);
      expect(again).toContain('Your Amazon Chime license is *Pro*');
      expect(again).not.toContain('was applied');
      expect(toldHer()).toEqual([]);
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  }, 90_000);

  it("a change made and on record whose request's final status write failed, and whose applying click could not DM its requester: her /request-license after 10 minutes completes it and tells her then, once, never again on another", async () => {
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 1, (args) => args.channel === 'DUANN' && JSON.stringify(args).includes('Untold asked Pro'));
    const request = await appliedButFinalWriteLost('UANN', 'Untold asked Pro');
    const toldHer = () =>
      h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Your Amazon Chime license is now Pro: <@UADA> approved') && c.result?.ok === true);
    expect(toldHer()).toEqual([]);
    h.clock.offsetMs = 11 * 60_000;
    try {
      expect(JSON.stringify((await h.open('/request-license', 'UANN')).view.blocks)).toContain('Your Amazon Chime license is *Pro*');
      await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts && JSON.stringify(c.args).includes(':white_check_mark: Approved by <@UADA>'));
      await until('she is told', async () => toldHer().length > 0, 10_000);
      await h.open('/request-license', 'UANN');
      await h.openHome('UANN');
      expect(toldHer()).toHaveLength(1);
      expect(JSON.stringify(toldHer()[0]?.args)).toContain('Untold asked Pro');
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  }, 90_000);

  it("a change made whose request's final status write failed, its applying click living on to tell its requester: completed from the record after 10 minutes, it is not told to her again (one DM in all), while the channel message still shows it applied", async () => {
    const request = await appliedButFinalWriteLost('UANN', 'Told once Pro');
    const toldHer = () => h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Told once Pro'));
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Told once Pro'));
    expect(toldHer()).toHaveLength(1);
    h.slack.clear();
    h.clock.offsetMs = 11 * 60_000;
    try {
      const a = await h.opensReview('UMAX', request);
      expect(a.view.submit).toBeUndefined();
      // The completion's rewrite of the channel message, made with its DM, had it sent one.
      const updated = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts);
      expect(JSON.stringify(updated.args.blocks)).toContain(':white_check_mark: Approved by <@UADA>');
      await h.openHome('UANN');
      await h.openHome('UMAX');
      // Before: a second "Told once Pro" DM, from the completion.
      expect(toldHer()).toHaveLength(0);
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  }, 90_000);

  it("a change made whose request's final status write failed, and whose applying click could not DM its requester: completed from the record after 10 minutes, she is told then, once, never told nothing", async () => {
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 1, (args) => args.channel === 'DUANN' && JSON.stringify(args).includes('Untold Pro'));
    await appliedButFinalWriteLost('UANN', 'Untold Pro');
    const toldHer = () => h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Untold Pro') && c.result?.ok === true);
    expect(toldHer()).toHaveLength(0);
    h.clock.offsetMs = 11 * 60_000;
    try {
      await h.openHome('UMAX');
      await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Untold Pro') && c.result?.ok === true);
      await h.openHome('UMAX');
      expect(toldHer()).toHaveLength(1);
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  }, 90_000);

  it("a change made whose request's final status write failed, and whose applying click's DM Slack answered ok but without saying where it is: completed from the record after 10 minutes, she is told then, never told nothing", async () => {
    h.slack.failNext('chat.postMessage', { answer: { ok: true } }, 1, (args) => args.channel === 'DUANN' && JSON.stringify(args).includes('Unplaced Pro'));
    await appliedButFinalWriteLost('UANN', 'Unplaced Pro');
    const toldHer = () => h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Unplaced Pro') && c.result?.ok === true && c.result?.ts !== undefined);
    // The click's DM was answered (no channel, no ts), and is not taken as sent.
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Unplaced Pro') && c.result?.ok === true);
    expect(toldHer()).toHaveLength(0);
    h.clock.offsetMs = 11 * 60_000;
    try {
      await h.openHome('UMAX');
      // Before: marked told by the click, so the completion sent her nothing.
      await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Unplaced Pro') && c.result?.ts !== undefined);
      await h.openHome('UMAX');
      expect(toldHer()).toHaveLength(1);
    } finally {
      h.clock.offsetMs = 0;
      h.chime.users.set('chime-ann', { ...h.chime.users.get('chime-ann')!, LicenseType: 'Basic' });
    }
  }, 90_000);

  it("a change that failed, on record, whose request's final status write failed: the first Home tab an admin opens after 10 minutes lists it among the failed changes waiting for a retry, never among those whose outcome is unknown", async () => {
    const request = await appliedButFinalWriteLost('UBOB', 'Failed tab Pro', true);
    h.clock.offsetMs = 11 * 60_000;
    try {
      const blocks = (await h.openHome('UMAX')).home.blocks as any[];
      const heading = (words: string) => blocks.findIndex((b) => b.type === 'header' && JSON.stringify(b).includes(words));
      const at = blocks.findIndex((b) => JSON.stringify(b).includes(request.requestId));
      // Before: under "Did not finish: outcome unknown".
      expect(heading('Did not finish')).toBe(-1);
      expect(heading('Failed: waiting for a retry')).toBeGreaterThan(-1);
      expect(at).toBeGreaterThan(heading('Failed: waiting for a retry'));
      expect(JSON.stringify(blocks[at])).toContain('not answering');
      // Closed, so Bob's next request is not one waiting behind a failed change.
      const opened = await h.opensReview('UADA', request);
      await h.submit('UADA', opened.view, { values: decide('deny', 'Closing the failed one') });
      await h.viewUpdate(opened.viewId, 2, 50_000);
    } finally {
      h.clock.offsetMs = 0;
    }
  }, 90_000);

  it("a failed apply on record with no failure code, its request's final status write lost, read after 10 minutes: the failed change says something went wrong inside Latchkey, never a reason nobody recorded", async () => {
    const request = await h.asksForLicense('UANN', { license: 'Pro' });
    const decidedAt = h.clock.now();
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: decidedAt.toISOString(), list: 'UANN' });
    const applyAt = new Date(decidedAt.getTime() + 1000);
    const apply = { requestId: `${applyAt.toISOString()}_0000000000c1`, action: 'license_apply', actor: { userId: 'UMAX', teamId: TEAM }, approvalRequestId: request.requestId, directory: 'chime', directoryUserId: 'chime-ann' } as const;
    await h.writeAudit({ ...apply, phase: 'attempt' }, applyAt);
    await h.writeAudit({ ...apply, phase: 'outcome', outcome: 'failure' }, new Date(applyAt.getTime() + 1000));
    h.clock.offsetMs = 11 * 60_000;
    try {
      const opened = await h.opensReview('UADA', request);
      const a = JSON.stringify(opened.view);
      expect(a).not.toContain('the outcome is unknown');
      // Before: "Amazon Chime is not answering right now", a reason nobody recorded.
      expect(a).toContain('Something went wrong inside Latchkey.');
      expect(a).not.toContain('not answering');
      expect(a).toContain("the change was not applied: Something went wrong inside Latchkey.");
      // Closed, so her next request is not one waiting behind a failed change.
      await h.submit('UADA', opened.view, { values: decide('deny', 'Closing the failed one') });
      await h.viewUpdate(opened.viewId, 2, 50_000);
    } finally {
      h.clock.offsetMs = 0;
    }
  }, 90_000);

  it("a change on record whose settling write fails again when an admin decides it: the admin's decision goes on, never turned back as already decided", async () => {
    const request = await h.asksForLicense('UANN', { license: 'Pro' });
    const decidedAt = h.clock.now();
    await h.addRawRequestFields(request.requestId, { status: 'APPROVED', decidedBy: 'UMAX', decidedAt: decidedAt.toISOString(), list: 'UANN' });
    const applyAt = new Date(decidedAt.getTime() + 1000);
    const apply = { requestId: `${applyAt.toISOString()}_0000000000d1`, action: 'license_apply', actor: { userId: 'UMAX', teamId: TEAM }, approvalRequestId: request.requestId, directory: 'chime', directoryUserId: 'chime-ann' } as const;
    h.clock.offsetMs = 11 * 60_000;
    let release = () => {};
    try {
      // Opened while its apply's outcome was not yet on record: the decision modal.
      const opened = await h.opensReview('UADA', request);
      expect(opened.view.callback_id).toBe('license_review_submit');
      await h.writeAudit({ ...apply, phase: 'attempt' }, applyAt);
      await h.writeAudit({ ...apply, phase: 'outcome', outcome: 'success' }, new Date(applyAt.getTime() + 1000));
      // Every APPROVED → APPLIED write of it goes unanswered: it stays APPROVED, decidable.
      release = h.dynamoGate.hold((c) => c.operation === 'UpdateItem' && c.body.includes(request.requestId) && c.body.includes('"APPLIED"'));
      await h.submit('UADA', opened.view, { values: decide('deny', 'Closing it') });
      const answered = JSON.stringify(await h.viewUpdate(opened.viewId, 2, 50_000));
      // Before: the decision not made, the modal showing it still undecided ("Click *Review* on the message again to decide it.").
      expect(answered).not.toContain('again to decide it');
      expect(answered).toContain('that the earlier change may have been made');
      const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Closing it'), 10_000);
      expect(JSON.stringify(dm.args)).toContain('was closed by <@UADA>; the earlier change may have been made');
      expect(h.dynamoGate.held.length).toBeGreaterThan(0);
    } finally {
      release();
      h.clock.offsetMs = 0;
    }
  }, 90_000);

  it("a change that failed, on record, whose request's final status write failed, read after 10 minutes: it is a failed change, shown with why and retried as one, never one whose outcome is unknown", async () => {
    const request = await h.asksForLicense('UANN', { license: 'Pro' });
    h.chime.failNext('UpdateUser', 'ServiceUnavailableException', 5);
    const release = h.dynamoGate.hold((c) => c.operation === 'UpdateItem' && c.body.includes(request.requestId) && c.body.includes('"APPLY_FAILED"'));
    try {
      const opened = await h.opensReview('UADA', request);
      await h.submit('UADA', opened.view, { values: decide('approve', '') });
      await h.viewUpdate(opened.viewId, 2, 50_000);
    } finally {
      release();
    }
    await h.waitForAudit('UADA', (r) => r.action === 'license_apply' && r.outcome === 'failure');
    h.slack.clear();
    h.clock.offsetMs = 11 * 60_000;
    try {
      const a = await h.opensReview('UMAX', request);
      // Before: "applying it did not finish: the outcome is unknown".
      expect(JSON.stringify(a.view)).not.toContain('the outcome is unknown');
      expect(JSON.stringify(a.view)).toContain('Amazon Chime is not answering right now');
      const updated = await h.slack.waitForCall('chat.update', (c) => c.args.ts === request.message.ts);
      expect(JSON.stringify(updated.args.blocks)).not.toContain('outcome is unknown');
      expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Basic');
    } finally {
      h.clock.offsetMs = 0;
    }
  }, 90_000);
});
