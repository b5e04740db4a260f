import { CREDENTIALS } from '../../src/credentials';
import { ADMIN_CHECK_WAIT_MS } from '../../src/flows/home-tab';
import { GUEST_ANSWER_MAX_AGE_MS } from '../../src/flows/known-guests';
import type { AuditEntry } from '../../src/flows/ports';
import { shortRequestId } from '../../src/flows/request-id';
import * as homeTabViews from '../../src/views/home-tab';
import { homeOpenedEvent, postEvent } from '../support/slack-requests';
import { until } from '../support/until';
import { ADMIN_GROUP, APPROVALS_CHANNEL, secretIn, SIGNING_SECRET, TEAM, useHarness, type Harness } from '../support/harness';
import type { DynamoCall } from '../support/dynamo-gate';
import { asksForPinReset, decide, review, writeOf } from '../support/approval-requests';

/** The Home tab over real HTTP: the Events API in, views.publish out, and every click from it. */
const buttonsOf = (home: Record<string, any>) =>
  (home.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as any[]);
const textOf = (home: Record<string, any>) => JSON.stringify(home.blocks);

/** Files a license request for `userId` through /request-license; returns its ID. */
async function asksForLicense(h: Harness, userId: string, license = 'Pro'): Promise<string> {
  return (await h.asksForLicense(userId, { license, reason: 'I run the <!channel> webinars' })).requestId;
}

/** An admin's audit search form, opened from their Home tab, submitted with `values`. */
/** A PIN reset done, as the audit log holds one: its attempt written at `attemptAt`, its outcome at `outcomeAt`. */
async function writeDonePinReset(h: Harness, userId: string, requestId: string, attemptAt: Date, outcomeAt: Date): Promise<void> {
  const actor = { userId, teamId: TEAM };
  await h.writeAudit({ requestId, phase: 'attempt', action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-midnight' }, attemptAt);
  await h.writeAudit({ requestId, phase: 'outcome', outcome: 'success', action: 'reset_pin', actor, directory: 'chime' }, outcomeAt);
}

async function submitSearch(h: Harness, admin: string, values: Record<string, Record<string, any>>) {
  const { home } = await h.openHome(admin);
  const search = buttonsOf(home).find((b) => b.action_id === 'home_search');
  // Opened at the click, the form shown once the admin check answers.
  const { view: formView } = await h.opening((t) => h.clickIn(admin, search.action_id, search.value, { view: home, triggerId: t }));
  return { formView, answer: await h.submit(admin, formView, { values }) };
}

/** An admin's audit search from their Home tab: the form, filled in and submitted; the first page of results. */
async function searchAudit(h: Harness, admin: string, person: string, from: string, to: string) {
  const { formView, answer } = await submitSearch(h, admin, {
    person: { person: { type: 'users_select', selected_user: person } },
    from: { from: { type: 'datepicker', selected_date: from } },
    to: { to: { type: 'datepicker', selected_date: to } },
  });
  expect(JSON.stringify(answer.json)).toContain('Searching the audit log');
  return { formView, page1: await h.viewUpdate(formView.id, 2) };
}

/** Every page of an admin's search (`person` null: everyone), "Older records" clicked to the last: each page's lines. */
async function everyPage(h: Harness, admin: string, person: string | null, from: string, to: string): Promise<string[][]> {
  const { formView } = await submitSearch(h, admin, {
    person: { person: { type: 'users_select', selected_user: person } },
    from: { from: { type: 'datepicker', selected_date: from } },
    to: { to: { type: 'datepicker', selected_date: to } },
  });
  const pages: string[][] = [];
  for (;;) {
    const page = await h.viewUpdate(formView.id, pages.length + 2);
    pages.push((page.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string));
    const older = (page.blocks as any[]).find((b) => b.type === 'actions')?.elements.find((e: any) => e.text.text === 'Older records');
    if (!older) return pages;
    await h.clickIn(admin, older.action_id, older.value, { view: { id: formView.id, type: 'modal' } });
  }
}

describe('the Home tab', () => {
  const h = useHarness({}, (x) => x.slack.clear());

  it('an employee sees one button per enabled credential, the license button, and no admin section', async () => {
    const { ack, home } = await h.openHome('UBOB');
    expect(ack.status).toBe(200);
    expect(home.type).toBe('home');
    expect(buttonsOf(home).map((b) => b.text.text)).toEqual([...CREDENTIALS.map((c) => c.words.homeButton), 'Request a license change']);
    // Each of the person's own buttons reads alike, among the others: 'Reset my …', 'Unlock my …'.
    expect(buttonsOf(home).map((b) => b.text.text).filter((t) => !/^(Reset|Unlock) my /.test(t))).toEqual(['Request a license change']);
    expect(buttonsOf(home).map((b) => b.text.text)).toContain('Reset my Microsoft 365 password');
    expect(textOf(home)).toContain('Your recent activity');
    // License changes and (okta_mfa's approval policy) approved resets: one section for both.
    expect(textOf(home)).toContain('Your requests');
    for (const admin of ['Waiting for review', 'Needs attention', 'Search the audit log']) expect(textOf(home)).not.toContain(admin);
  });

  it('its button opens the same confirmation as the slash command, using the click\'s trigger once, and resets the same way', async () => {
    const { home } = await h.openHome('UANN');
    const pin = buttonsOf(home).find((b) => b.text.text === 'Reset my meeting PIN');
    let trigger = '';
    const fromHome = await h.opening((t) => h.clickIn('UANN', pin.action_id, pin.value, { view: home, triggerId: (trigger = t) }));
    const fromCommand = await h.open('/reset-pin', 'UANN');
    const withoutTicket = (v: Record<string, any>) => ({ ...v, id: undefined, private_metadata: undefined });
    expect(withoutTicket(fromHome.view)).toEqual(withoutTicket(fromCommand.view));
    // One views.open with the click's trigger (the loading modal), then updates only.
    expect(h.slack.callsTo('views.open').filter((c) => c.args.trigger_id === trigger)).toHaveLength(1);
    expect(h.slack.callsTo('views.open').filter((c) => c.result?.ok === false)).toEqual([]);

    const submission = await h.submit('UANN', fromHome.view);
    const final = await h.shownAfter(submission, fromHome.viewId);
    expect(secretIn(final)).toBe(h.chime.pinOf('chime-ann'));
  });

  it('recent activity: the person\'s own requests, newest first, each with its reference; never a secret', async () => {
    await h.reset('/reset-password', 'UCARL');
    const records = await h.waitForAudit('UCARL', (r) => r.phase === 'outcome');
    await h.open('/reset-pin', 'UNOCHIME'); // someone else's refusal
    const { home } = await h.openHome('UCARL');
    const text = textOf(home);
    expect(text).toContain('*Mail password reset* · :white_check_mark: Done');
    expect(text).toContain(`Reference \`${records.find((r) => r.phase === 'outcome')!.requestId}\``);
    expect(text).not.toContain('UNOCHIME');
    for (const secret of h.allSecrets()) {
      for (const publish of h.slack.callsTo('views.publish')) expect(JSON.stringify(publish.args)).not.toContain(secret);
    }
  });

  it("recent activity leaves out a confirmation closed before any click, and never names the person to themself", async () => {
    const opened = await h.open('/reset-pin', 'UMAX');
    await h.close('UMAX', { ...opened.view, id: opened.viewId });
    await h.waitForAudit('UMAX', (r) => r.phase === 'cancelled');
    await asksForLicense(h, 'UMAX', 'Plus');
    const own = textOf((await h.openHome('UMAX')).home);
    // Before: a '*Reset meeting PIN* · :leftwards_arrow_with_hook: Cancelled' line, and '… for <@UMAX>'.
    expect(own).not.toContain('Cancelled');
    expect(own).toMatch(/\*License change request\* \([A-Za-z]+ → Plus\) · /);
    expect(own).not.toContain('for <@UMAX>');
  });

  it('another workspace\'s event and the Messages tab are ignored: nothing is published', async () => {
    const other = await postEvent(h.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId: 'UOUTSIDE', teamId: 'T0OTHER' }));
    const messages = await postEvent(h.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId: 'UCARL', teamId: TEAM, tab: 'messages' }));
    expect([other.status, messages.status]).toEqual([200, 200]);
    await h.waitForLogs('home tab for another workspace ignored', 1);
    // A Home tab opened after both is published: theirs never were.
    await h.openHome('UBOB');
    expect(h.slack.callsTo('views.publish').map((c) => c.args.user_id)).toEqual(['UBOB']);
  });

  const GUEST_LINE = 'Guest accounts cannot use self-service resets or license changes. Ask your contact at the company or IT instead.';
  /** The Home tab's buttons that start a reset or a license change: what a guest is never offered. */
  const resetButtons = (home: Record<string, any>) => buttonsOf(home).filter((b) => b.action_id.startsWith('home_reset_') || b.action_id === 'home_request_license');

  it.each([
    ['a guest', 'UGUEST'],
    ['a single-channel guest', 'USINGLE'],
  ])('%s is offered no reset or license change, and told why in one line, with no section that could never hold anything of theirs; their own history still shows', async (_, guest) => {
    // Never having asked: the one line, and nothing else. Before: "Your recent activity" ("Nothing yet: what
    // you do with Latchkey will show here.") and "Your requests" ("None."), though a guest can ask for nothing.
    const first = (await h.openHome(guest)).home;
    expect(first.blocks).toEqual([{ type: 'header', text: { type: 'plain_text', text: 'Latchkey', emoji: true } }, { type: 'section', text: { type: 'mrkdwn', text: GUEST_LINE } }]);
    // Refused as ever when they ask (the command checks, whatever the tab offers): on their record.
    await h.open('/reset-pin', guest);
    await h.waitForAudit(guest, (r) => r.phase === 'refused');
    const { home } = await h.openHome(guest);
    expect(resetButtons(home)).toEqual([]);
    expect(textOf(home)).toContain(GUEST_LINE);
    expect(textOf(home)).not.toContain('Reset your own credentials here');
    expect(textOf(home)).toContain('Your recent activity');
    expect(textOf(home)).toContain('*Meeting PIN reset* · :no_entry_sign: Not done. Guest accounts cannot use self-service resets.');
    // A refused ask opens no request: still no section of requests, nor its "None.".
    expect(textOf(home)).not.toContain('Your requests');
    expect(textOf(home)).not.toContain('None.');
    // A member's tab, opened meanwhile, is as it was: every button, no word for guests.
    const member = (await h.openHome('UBOB')).home;
    expect(resetButtons(member).map((b) => b.text.text)).toEqual([...CREDENTIALS.map((c) => c.words.homeButton), 'Request a license change']);
    expect(textOf(member)).not.toContain('Guest accounts');
  });

  /** Moves the app's clock past what Slack said of anyone earlier in this file, for the test's own asking. */
  const pastGuestAnswers = (times = 1) => (h.clock.offsetMs = times * (GUEST_ANSWER_MAX_AGE_MS + 1_000));
  afterEach(() => (h.clock.offsetMs = 0));

  it('a guest whose users.info fails is shown the tab as a member is (a click is still checked), and an operator is told', async () => {
    pastGuestAnswers();
    h.slack.failNext('users.info', { error: 'internal_error' });
    const { home } = await h.openHome('UGUEST');
    expect(resetButtons(home).map((b) => b.text.text)).toEqual([...CREDENTIALS.map((c) => c.words.homeButton), 'Request a license change']);
    expect(textOf(home)).not.toContain(GUEST_LINE);
    expect(h.slack.callsTo('users.info').map((c) => [c.args.user, c.result?.ok])).toEqual([['UGUEST', false]]);
    await h.waitForLogs('guest check failed; offered as to a member', 1);
    // The click on one of them is refused as ever.
    const pin = resetButtons(home).find((b) => b.value === 'pin');
    const opened = await h.opening((t) => h.clickIn('UGUEST', pin.action_id, pin.value, { view: home, triggerId: t }));
    expect(opened.view.submit).toBeUndefined();
    expect(JSON.stringify(opened.view.blocks)).toContain('Guest accounts cannot use self-service resets.');
  });

  it("a guest whose users.info does not answer in time is shown the tab as a member is, without waiting longer", async () => {
    pastGuestAnswers(2);
    const release = h.slack.hold('users.info', (args) => args.user === 'UGUEST');
    try {
      const { home } = await h.openHome('UGUEST');
      expect(resetButtons(home).length).toBeGreaterThan(0);
      expect(h.slack.held.map((c) => [c.method, c.args.user])).toEqual([['users.info', 'UGUEST']]);
      await h.waitForLogs('guest check: Slack did not answer in time; offered as to a member', 1);
    } finally {
      release();
    }
  });

  it("what Slack said of a person, come late, is kept from when it was asked, not from when it came: the tab opened past its age from the ask asks Slack again", async () => {
    pastGuestAnswers(5);
    const bob = h.slack.users.get('UBOB')!;
    const fromLog = h.logs.length;
    // Slack's late answer says Bob is a guest; by the time the tab is opened again, he is a member.
    bob.is_restricted = true;
    const release = h.slack.hold('users.info', (args) => args.user === 'UBOB');
    try {
      try {
        await h.openHome('UBOB');
        await h.waitForLogs('guest check: Slack did not answer in time; offered as to a member', 1);
      } finally {
        // Slack answers four minutes after it was asked (on the app's clock): the answer is kept.
        h.clock.offsetMs += 4 * 60_000;
        release();
      }
      // Its answer reaches the app, which says so, before the tab is opened again.
      await until("the app's line that Slack's late answer of Bob came", () =>
        h.logs.slice(fromLog).some((l) => l.includes('"msg":"guest check: Slack answered late; its answer is kept"') && l.includes('"slackUserId":"UBOB"')),
      );
      bob.is_restricted = false;
      // Past its age from the ask, though not from its coming: Slack is asked again, and Bob offered a member's tab.
      // Before: kept from when it came, so not asked (the admin check's own users.info aside), and Bob offered nothing, as a guest.
      h.clock.offsetMs += GUEST_ANSWER_MAX_AGE_MS - 4 * 60_000 + 1_000;
      const { home } = await h.openHome('UBOB');
      expect(textOf(home)).not.toContain(GUEST_LINE);
      expect(resetButtons(home).length).toBeGreaterThan(0);
    } finally {
      bob.is_restricted = false;
    }
  });

  it("a person's Home tab opened again within minutes asks Slack nothing more of them; a reset still asks Slack who is asking", async () => {
    pastGuestAnswers(3);
    const askedOfAnn = () => h.slack.callsTo('users.info').filter((c) => c.args.user === 'UANN').length;
    for (let open = 0; open < 3; open++) expect(buttonsOf((await h.openHome('UANN')).home).length).toBeGreaterThan(0);
    // What is offered, asked of Slack once: users.info (Tier 4) is the one every reset's check of who is asking uses too.
    expect(askedOfAnn()).toBe(1);
    // Who is asking is never taken from it: the reset asks Slack afresh, and resets.
    const { final } = await h.reset('/reset-pin', 'UANN');
    expect(secretIn(final)).toBe(h.chime.pinOf('chime-ann'));
    expect(askedOfAnn()).toBeGreaterThan(1);
    // Past its age, the tab asks again.
    const before = askedOfAnn();
    pastGuestAnswers(4);
    await h.openHome('UANN');
    expect(askedOfAnn()).toBe(before + 1);
  });
});

describe('the Home tab for admins', () => {
  // Each test starts on the real time; a test that moves the app's clock moves it for itself.
  // Through the DynamoDB gate, which passes everything: a test can count the app's Queries.
  const h = useHarness({ dynamoGate: true }, (x) => {
    x.slack.clear();
    x.clock.offsetMs = 0;
  });

  it("a request's approvals-channel message, and its review window opened from Home, give its reference with the short form and day its requester's message gives, to read out", async () => {
    const requestId = await asksForLicense(h, 'UBOB');
    const short = shortRequestId(requestId)!;
    const printed = `Reference \`${requestId}\` (short: *${short.end}*, ${short.day} UTC)`;
    const post = h.slack.callsTo('chat.postMessage').find((c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(requestId))!;
    const facts = (post.args.blocks as any[]).map((b) => String(b.text?.text ?? '')).find((t) => t.includes('Requested at'))!;
    // Before: '… · Reference `2026-…_…`', its whole reference alone.
    expect(facts).toContain(printed);

    const { home } = await h.openHome('UADA');
    const review = (home.blocks as any[]).find((b) => b.accessory?.value === requestId).accessory;
    const opened = await h.opening((trigger) => h.clickIn('UADA', review.action_id, review.value, { view: home, triggerId: trigger }));
    expect(opened.view.callback_id).toBe('license_review_submit');
    expect((opened.view.blocks as any[]).map((b) => String(b.text?.text ?? '')).find((t) => t.includes('Requested at'))).toContain(printed);
    // Decided, so that Bob may ask again in the tests after this one.
    await h.submit('UADA', opened.view, {
      values: { decision: { decision: { type: 'radio_buttons', selected_option: { value: 'deny' } } }, comment: { comment: { type: 'plain_text_input', value: 'Not this quarter' } } },
    });
    await h.waitForAudit('UADA', (r) => r.action === 'license_decide' && r.phase === 'outcome' && r.approvalRequestId === requestId);
  });

  it('an admin sees the pending request, oldest first, and reviews it from Home; decided, it is gone on the next open', async () => {
    const requestId = await asksForLicense(h, 'UBOB');
    const { home } = await h.openHome('UADA');
    expect(textOf(home)).toContain('Waiting for review');
    const review = (home.blocks as any[]).find((b) => b.accessory?.value === requestId)?.accessory;
    expect(review).toMatchObject({ action_id: 'license_review' });
    // What the requester typed is shown, but cannot mention anyone.
    expect(textOf(home)).toContain('&lt;!channel&gt;');

    const opened = await h.opening((trigger) => h.clickIn('UADA', review.action_id, review.value, { view: home, triggerId: trigger }));
    expect(opened.view.callback_id).toBe('license_review_submit');
    await h.submit('UADA', opened.view, {
      values: {
        decision: { decision: { type: 'radio_buttons', selected_option: { value: 'approve' } } },
        comment: { comment: { type: 'plain_text_input', value: null } },
      },
    });
    await h.waitForAudit('UADA', (r) => r.action === 'license_apply' && r.phase === 'outcome');

    const after = await h.openHome('UADA');
    expect((after.home.blocks as any[]).some((b) => b.accessory?.value === requestId)).toBe(false);
    // And the requester sees where their request stands.
    const bob = await h.openHome('UBOB');
    expect(textOf(bob.home)).toContain('*Basic* → *Pro*');
    expect(textOf(bob.home)).toMatch(/Approved by <@UADA>/);
  });

  it("an admin who decides from their Home tab sees it republished without the request (approve and deny); a decision from the channel's message publishes nobody's tab", async () => {
    // Bob's earlier request made him Pro: he asks for Plus.
    const approvedId = await asksForLicense(h, 'UBOB', 'Plus');
    const deniedId = await asksForLicense(h, 'UCARL');
    const decide = async (requestId: string, decision: 'approve' | 'deny') => {
      const { home } = await h.openHome('UADA');
      const review = (home.blocks as any[]).find((b) => b.accessory?.value === requestId)?.accessory;
      expect(review).toMatchObject({ action_id: 'license_review' });
      const opened = await h.opening((trigger) => h.clickIn('UADA', review.action_id, review.value, { view: home, triggerId: trigger }));
      const published = h.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'UADA').length;
      await h.submit('UADA', opened.view, {
        values: { decision: { decision: { type: 'radio_buttons', selected_option: { value: decision } } }, comment: { comment: { type: 'plain_text_input', value: decision === 'deny' ? 'Not this quarter' : null } } },
      });
      let seen = 0;
      const republished = await h.slack.waitForCall('views.publish', (c) => c.args.user_id === 'UADA' && ++seen > published);
      // Published after the decision was written and answered: its modal says it is recorded.
      expect((await h.auditRecords('UADA')).some((r) => r.approvalRequestId === requestId && r.phase === 'outcome')).toBe(true);
      expect(JSON.stringify(republished.args.view)).not.toContain(`"value":"${requestId}"`);
      expect(JSON.stringify(republished.args.view)).toContain('Waiting for review');
    };
    await decide(approvedId, 'approve');
    await decide(deniedId, 'deny');
    // From the channel's message: no tab is published.
    const fromChannel = await asksForLicense(h, 'UANN');
    const post = h.slack.callsTo('chat.postMessage').find((c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(fromChannel))!;
    const published = h.slack.callsTo('views.publish').length;
    const opened = await h.opening((trigger) => h.click('UADA', 'license_review', fromChannel, { channel: post.result!.channel as string, ts: post.result!.ts as string }, trigger));
    await h.submit('UADA', opened.view, {
      values: { decision: { decision: { type: 'radio_buttons', selected_option: { value: 'deny' } } }, comment: { comment: { type: 'plain_text_input', value: 'Not this quarter' } } },
    });
    await h.viewUpdate(opened.viewId, 2);
    await h.waitForAudit('UADA', (r) => r.approvalRequestId === fromChannel && r.phase === 'outcome');
    // A republish would follow the modal's update at once; Ada's next open of her tab comes after
    // it, so the one publish since the decision is that open's (not a timer that a slow machine outlasts).
    await h.openHome('UADA');
    expect(h.slack.callsTo('views.publish')).toHaveLength(published + 1);
    expect(h.slack.callsTo('views.publish').filter((c) => c.args.user_id !== 'UADA')).toEqual([]);
  });

  it('a request holding fields a newer version wrote, which this one does not name, is still queued, reviewed, decided and shown to its requester', async () => {
    const requestId = await asksForLicense(h, 'UCARL');
    await h.addRawRequestFields(requestId, { priority: 'high', attachments: ['quote.pdf'], escalation: { to: 'UMAX', at: 1 } });
    const { home } = await h.openHome('UADA');
    const review = (home.blocks as any[]).find((b) => b.accessory?.value === requestId)?.accessory;
    expect(review).toMatchObject({ action_id: 'license_review' });
    const opened = await h.opening((trigger) => h.clickIn('UADA', review.action_id, review.value, { view: home, triggerId: trigger }));
    expect(opened.view.callback_id).toBe('license_review_submit');
    await h.submit('UADA', opened.view, {
      values: {
        decision: { decision: { type: 'radio_buttons', selected_option: { value: 'deny' } } },
        comment: { comment: { type: 'plain_text_input', value: 'Not this quarter' } },
      },
    });
    await h.waitForAudit('UADA', (r) => r.action === 'license_decide' && r.phase === 'outcome' && r.approvalRequestId === requestId);
    const carl = textOf((await h.openHome('UCARL')).home);
    expect(carl).not.toContain('cannot be shown right now');
    expect(carl).toMatch(/Denied by <@UADA>/);
  });

  it('a request in a status a newer version wrote is shown as such, never decidable, and the rest of the queue still works (Home, review, decision, request form)', async () => {
    const unknown = await asksForLicense(h, 'UANN');
    const live = await asksForLicense(h, 'UCARL');
    // A newer version moved it to a status of its own, still in the queue, and was rolled back.
    await h.addRawRequestFields(unknown, { status: 'ESCALATED' });

    const { home } = await h.openHome('UADA');
    expect(textOf(home)).not.toContain('cannot be shown right now');
    const row = (home.blocks as any[]).find((b) => b.type === 'section' && String(b.text?.text).includes("<@UANN>'s"));
    expect(row.text.text).toContain('In a state this version of Latchkey does not know (`ESCALATED`)');
    expect(row.accessory).toBeUndefined();
    expect(JSON.stringify(home)).not.toContain(`"value":"${unknown}"`);
    expect((home.blocks as any[]).find((b) => b.accessory?.value === live)?.accessory).toMatchObject({ action_id: 'license_review' });

    // Its requester's own list says where it stands, not that the list is unavailable.
    const ann = textOf((await h.openHome('UANN')).home);
    expect(ann).not.toContain('cannot be shown right now');
    expect(ann).toContain('does not know (`ESCALATED`)');

    // Review from a Home tab (or channel message) shown before: a closed view, no form.
    const opened = await h.opening((trigger) => h.clickIn('UADA', 'license_review', unknown, { view: home, triggerId: trigger }));
    expect(opened.view.submit).toBeUndefined();
    expect(JSON.stringify(opened.view.blocks)).toContain('nobody can decide or change it here');

    // A decision submitted from a review modal opened before the rollback changes nothing.
    const form = { id: 'VSTALE', callback_id: 'license_review_submit', type: 'modal', private_metadata: unknown };
    await h.submit('UADA', form, { values: { decision: { decision: { type: 'radio_buttons', selected_option: { value: 'approve' } } }, comment: { comment: { type: 'plain_text_input', value: null } } } });
    expect(JSON.stringify((await h.viewSent('VSTALE', 1)).blocks)).toContain('does not know (`ESCALATED`)');
    expect(h.chime.users.get('chime-ann')?.LicenseType).toBe('Basic');
    expect((await h.auditRecords('UADA')).filter((r) => r.approvalRequestId === unknown)).toEqual([]);
    expect(textOf((await h.openHome('UADA')).home)).toContain('does not know (`ESCALATED`)');

    // It holds its requester's place until its time ends, and the form says so.
    const again = await h.open('/request-license', 'UANN');
    expect(JSON.stringify(again.view.blocks)).toContain('Your request to change your Amazon Chime license to Pro is already open, in a state this version of Latchkey does not know.');
  });

  it("an admin's own request is in their queue without a Review button, marked as theirs; another admin can review it", async () => {
    const requestId = await asksForLicense(h, 'UMAX', 'Plus');
    const own = await h.openHome('UMAX');
    const line = (own.home.blocks as any[]).find((b) => b.type === 'section' && String(b.text?.text).includes("<@UMAX>'s"));
    expect(line.text.text).toContain('Your own request: another admin decides it.');
    expect(line.accessory).toBeUndefined();
    // The one button that names it on their tab is their own Withdraw, in their own requests.
    expect((own.home.blocks as any[]).filter((b) => JSON.stringify(b).includes(`"value":"${requestId}"`)).map((b) => b.accessory?.action_id)).toEqual(['approval_withdraw']);
    const other = await h.openHome('UADA');
    expect((other.home.blocks as any[]).find((b) => b.accessory?.value === requestId)?.accessory).toMatchObject({ action_id: 'license_review' });
  });

  it('today counts resets by credential and outcome, and refusals by reason; needs attention is empty when all is well', async () => {
    // Today is the app's UTC day: a second past the next midnight on its clock, the reset, the
    // refusal and the read share one, whatever the real time (a run across midnight read a new day).
    h.clock.toJustPastNext('day');
    await h.reset('/reset-pin', 'UANN');
    await h.open('/reset-pin', 'UNOCHIME');
    await h.waitForAudit('UANN', (r) => r.phase === 'outcome');
    const { home } = await h.openHome('UMAX'); // an admin through the user group
    const text = textOf(home);
    expect(text).toMatch(/\*Meeting PIN reset\*: [1-9]\d* done(\\n|")/);
    expect(text).toMatch(/Refused: (.*, )?[1-9]\d* requests? with no directory account/);
    expect(text).toContain('Needs attention (7 days)');
  });

  it("Today counts a reset done since the admin's last open without reading the day whole again: only what was written after the day's latest record is read", async () => {
    // Half a day into the app's next day: past every record the tests before wrote on it, each from a
    // second past its midnight (toJustPastNext) plus its own run. At that second, a test before that
    // took longer to its last record than this one to its reset left a record later than the reset's:
    // read as a writer's clock behind, the day was read whole again (['since', 'read'], seen under load).
    h.clock.toJustPastNext('day');
    h.clock.offsetMs += 12 * 3_600_000;
    const day = h.clock.now().toISOString().slice(0, 10);
    const resets = (text: string) => Number(/\*Meeting PIN reset\*: (\d+) done/.exec(text)?.[1] ?? 0);
    const ofToday = (from: number) =>
      h.dynamoGate.seen.slice(from).filter((c) => c.operation === 'Query' && c.body.includes(`"${day}"`)).map((c) => (/ > :after$/.test(JSON.parse(c.body).FilterExpression ?? '') ? 'since' : 'read'));
    const before = resets(textOf((await h.openHome('UADA')).home));
    await h.reset('/reset-pin', 'UANN');
    await h.waitForAudit('UANN', (r) => r.phase === 'outcome');
    const seen = h.dynamoGate.seen.length;
    expect(resets(textOf((await h.openHome('UADA')).home))).toBe(before + 1);
    // Before: today's every record was read on every admin's open, a busy day's thousand among them.
    expect(ofToday(seen)).toEqual(['since']);
  });

  const countToday = async () => {
    // Counted on one UTC day of the app's clock, whatever the real time.
    h.clock.toJustPastNext('day');
    const now = h.clock.now();
    const actor = { userId: 'UCOUNT', teamId: TEAM };
    const refused = async (id: string, action: string, errorCode: string, reason?: string) =>
      h.writeAudit({ requestId: `${now.toISOString()}_${id}`, phase: 'refused', action, actor, errorCode: errorCode as never, ...(reason && { reason }) }, now);
    const today = async () => ((await h.openHome('UADA')).home.blocks as any[]).map((b) => JSON.stringify(b)).find((b) => b.includes('Counted since midnight UTC'))!;
    return { refused, today };
  };

  it("Today counts requests as requests: one person refused four times is '4 requests', and a directory's own refusals for one reason are said in its words", async () => {
    const { refused, today } = await countToday();
    for (const id of ['0000countsus1', '0000countsus2', '0000countsus3', '0000countsus4']) await refused(id, 'reset_pin', 'DIRECTORY_USER_SUSPENDED');
    // Okta's password of an account Active Directory holds, twice: one reason, the credential's label.
    await refused('0000countad01', 'reset_okta_password', 'DIRECTORY_USER_REFUSED', 'mastered_elsewhere');
    await refused('0000countad02', 'reset_okta_password', 'DIRECTORY_USER_REFUSED', 'mastered_elsewhere');
    const line = await today();
    expect(line).toMatch(/[:,] 4 requests from suspended accounts[,.]/);
    // Before: '2 requests refused by the directory (managed by …)', after "Refused:".
    expect(line).toMatch(/[:,] 2 requests from accounts Latchkey may not change \(managed by another directory\)[,.]/);
    // Two reasons among them: counted together, each reason named, so an admin sees what to fix.
    // Before: '3 requests from accounts their directory refuses', no reason.
    await refused('0000countgu01', 'reset_entra_password', 'DIRECTORY_USER_REFUSED', 'directory_guest');
    expect(await today()).toMatch(/[:,] 3 requests from accounts Latchkey may not change \(managed by another directory; Entra ID guest account\)[,.]/);
  });

  it("Today counts a request already open once, whether recorded under its old name (LICENSE_REQUEST_OPEN) or its new (REQUEST_OPEN): the switch day", async () => {
    const { refused, today } = await countToday();
    await refused('0000countold1', 'license_request', 'LICENSE_REQUEST_OPEN');
    await refused('0000countnew1', 'license_request', 'REQUEST_OPEN');
    const line = await today();
    expect(line).toMatch(/[:,] 2 requests while another was open[,.]/);
    expect(line.match(/while another was open/g)).toHaveLength(1);
  });

  it('needs attention: an attempt left with no outcome, and a failure that alerted an operator, with reference and person', async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    const actor = { userId: 'UBOB', teamId: TEAM };
    await h.writeAudit({ requestId: `${tenMinutesAgo.toISOString()}_0000000000aa`, phase: 'attempt', action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-bob' }, tenMinutesAgo);
    await h.writeAudit(
      { requestId: `${tenMinutesAgo.toISOString()}_0000000000bb`, phase: 'outcome', action: 'reset_password', actor, outcome: 'failure', errorCode: 'DIRECTORY_MISCONFIGURED' },
      tenMinutesAgo,
    );
    // A fresh attempt is still under way, not a question.
    const now = new Date();
    await h.writeAudit({ requestId: `${now.toISOString()}_0000000000cc`, phase: 'attempt', action: 'reset_pin', actor }, now);
    const { home } = await h.openHome('UADA');
    const attention = (home.blocks as any[]).slice((home.blocks as any[]).findIndex((b) => b.text?.text === 'Needs attention (7 days)'));
    const text = JSON.stringify(attention);
    expect(text).toContain('*Outcome unknown* · Meeting PIN reset by <@UBOB>');
    expect(text).toContain('0000000000aa');
    expect(text).toContain('*Failed: directory misconfigured* · Mail password reset by <@UBOB>');
    expect(text).not.toContain('0000000000cc');
  });

  it('search: an admin finds a person\'s records, newest first, and pages through them', async () => {
    // 22 refusals, one record each: more than a page. At most 3 refusals for one reason are recorded
    // in an hour (issue 26 §2.4), so they are spread over the last 8 hours of the app's clock, three
    // to each hour's window, from a second past its top: a run across the top of an hour would put
    // two hours' refusals in one window, 3 of them unrecorded, and leave no second page.
    const hour = 3_600_000;
    const pastThisHour = Math.floor(Date.now() / hour) * hour + 1_000 - Date.now();
    try {
      for (let i = 0; i < 22; i++) {
        h.clock.offsetMs = pastThisHour - Math.floor(i / 3) * hour;
        await h.open('/reset-pin', 'UNOCHIME');
      }
    } finally {
      h.clock.offsetMs = 0;
    }
    await h.reset('/reset-pin', 'UBOB');
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const { formView, page1 } = await searchAudit(h, 'UADA', 'UNOCHIME', yesterday, today);
    const lines = (page1.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference'));
    // One line per request, with its outcome and the person; a page ends between requests (20 records at most).
    expect(lines.length).toBeGreaterThanOrEqual(19);
    expect(lines.length).toBeLessThanOrEqual(20);
    for (const line of lines) expect(line.text.text).toMatch(/\*Meeting PIN reset\* by <@UNOCHIME> · :no_entry_sign: Refused: no directory account\nReference `/);
    expect(JSON.stringify(page1.blocks)).not.toContain('UBOB');
    const times = lines.map((b) => /Reference `([^`]+)`/.exec(b.text.text)![1]!);
    expect([...times].sort().reverse()).toEqual(times);

    const older = (page1.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    await h.clickIn('UADA', older.action_id, older.value, { view: { id: formView.id, type: 'modal' } });
    const page2 = await h.viewUpdate(formView.id, 3);
    expect(JSON.stringify(page2.blocks)).toContain('page 2');
    const more = (page2.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference'));
    expect(more.length).toBeGreaterThan(0);
    expect(more.some((b) => times.some((t) => b.text.text.includes(t)))).toBe(false);

    // "First page" goes back to the same search; "New search" is the form with the search filled in.
    const first = (page2.blocks as any[]).find((b) => b.type === 'actions').elements.find((e: any) => e.text.text === 'First page');
    await h.clickIn('UADA', first.action_id, first.value, { view: { id: formView.id, type: 'modal' } });
    const again = await h.viewUpdate(formView.id, 4);
    expect(JSON.stringify(again.blocks)).not.toContain('page 2');
    expect(JSON.stringify(again.blocks)).toContain(times[0]!);
    expect(again.submit.text).toBe('New search');
    const renewed = await h.submit('UADA', { ...again, id: formView.id }, {});
    const form2 = (renewed.json as any).view;
    expect((renewed.json as any).response_action).toBe('update');
    expect(form2.callback_id).toBe('audit_search');
    expect(form2.blocks.map((b: any) => b.element?.initial_user ?? b.element?.initial_date).filter(Boolean)).toEqual(['UNOCHIME', yesterday, today]);
  });

  it('search: every page but the last has the same number of lines, whatever records each line takes', async () => {
    // UPAGE on 2026-03-04: 30 requests, one a minute: a PIN reset (two records) and a refusal (one), in turn.
    const actor = { userId: 'UPAGE', teamId: TEAM };
    const references: string[] = [];
    for (let i = 0; i < 30; i++) {
      const at = new Date(Date.UTC(2026, 2, 4, 8, i));
      const requestId = `${at.toISOString()}_${String(i).padStart(12, '0')}`;
      references.push(requestId);
      if (i % 2 === 0) {
        await h.writeAudit({ requestId, phase: 'attempt', action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-page' }, at);
        await h.writeAudit({ requestId, phase: 'outcome', outcome: 'success', action: 'reset_pin', actor, directory: 'chime' }, at);
      } else {
        await h.writeAudit({ requestId, phase: 'refused', action: 'reset_pin', actor, errorCode: 'DIRECTORY_USER_NOT_FOUND' }, at);
      }
    }
    const { formView, page1 } = await searchAudit(h, 'UADA', 'UPAGE', '2026-03-04', '2026-03-04');
    const linesOf = (page: Record<string, any>) => (page.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => /Reference `([^`]+)`/.exec(b.text.text)![1]!);
    const older = (page1.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    await h.clickIn('UADA', older.action_id, older.value, { view: { id: formView.id, type: 'modal' } });
    const page2 = await h.viewUpdate(formView.id, 3);
    // Before: 13 lines (20 records), then 13, then 4.
    expect(linesOf(page1)).toHaveLength(20);
    expect(linesOf(page2)).toHaveLength(10);
    expect([...linesOf(page1), ...linesOf(page2)]).toEqual([...references].reverse());
    expect((page2.blocks as any[]).find((b) => b.type === 'actions').elements.map((e: any) => e.text.text)).toEqual(['First page']);
  });

  it('search: a quiet day of a person with many records in the week before reads a bounded number of records a page, and still finds the requests of the day', async () => {
    // UQUIET: 600 refusals over 2026-02-12 to 19 (the 8 days before the day searched); on 2026-02-20
    // a PIN reset, and the finish of one asked for on 2026-02-14 (its records under that day's reference).
    const actor = { userId: 'UQUIET', teamId: TEAM };
    const start = Date.UTC(2026, 1, 12, 0, 10);
    for (let batch = 0; batch < 600; batch += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) => {
          const at = new Date(start + (batch + k) * 19 * 60_000);
          return h.writeAudit({ requestId: `${at.toISOString()}_${String(batch + k).padStart(12, 'q')}`, phase: 'refused', action: 'reset_pin', actor, errorCode: 'DIRECTORY_USER_NOT_FOUND' }, at);
        }),
      );
    }
    const today = '2026-02-20T09:00:00.000Z_0000000000q1';
    const asked = '2026-02-14T10:00:30.000Z_0000000000q2';
    for (const [requestId, at] of [[today, '2026-02-20T09:00:01.000Z'], [asked, '2026-02-20T08:00:00.000Z']] as const) {
      await h.writeAudit({ requestId, phase: 'attempt', action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-quiet' }, new Date(at));
      await h.writeAudit({ requestId, phase: 'outcome', outcome: 'success', action: 'reset_pin', actor, directory: 'chime' }, new Date(at));
    }
    const gate = h.dynamoGate;
    const queries = (from: number) => gate.seen.slice(from).filter((c) => c.operation === 'Query' && c.body.includes('UQUIET')).length;
    const linesOf = (page: Record<string, any>) => (page.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    const notes = (page: Record<string, any>) => (page.blocks as any[]).filter((b) => b.type === 'context').map((b) => b.elements[0].text as string);
    const olderOf = (page: Record<string, any>) => (page.blocks as any[]).find((b) => b.type === 'actions')?.elements.find((e: any) => e.text.text === 'Older records');

    let seen = gate.seen.length;
    const { formView, page1 } = await searchAudit(h, 'UADA', 'UQUIET', '2026-02-20', '2026-02-20');
    // At most 200 records a page, shown or passed: 5 Queries of 40, and one more to end between two requests.
    // Before: 16 Queries (every record of the 8 days before), for 2 lines and no Older records.
    expect(queries(seen)).toBeLessThanOrEqual(6);
    expect(linesOf(page1)).toHaveLength(1);
    expect(linesOf(page1)[0]).toContain('Reference `2026-02-20T09:00:00.000Z_0000000000q1`');
    expect(linesOf(page1)[0]).toContain(':white_check_mark: Done');
    const pages = [page1];
    for (let n = 2; olderOf(pages.at(-1)!) && n <= 6; n++) {
      const older = olderOf(pages.at(-1)!);
      seen = gate.seen.length;
      await h.clickIn('UADA', older.action_id, older.value, { view: { id: formView.id, type: 'modal' } });
      pages.push(await h.viewUpdate(formView.id, n + 1));
      expect(queries(seen)).toBeLessThanOrEqual(6);
    }
    // Page 2 read 200 refusals and showed none: it says so, and Older records goes on; page 3 has the finish.
    expect(pages).toHaveLength(4);
    expect(linesOf(pages[1]!)).toEqual([]);
    expect(notes(pages[1]!)).toContain('Nothing in that range among the records this page read. *Older records* reads on.');
    expect(linesOf(pages[2]!)).toHaveLength(1);
    expect(linesOf(pages[2]!)[0]).toContain(`Reference \`${asked}\``);
    expect(linesOf(pages[2]!)[0]).toContain(':white_check_mark: Done');
    expect(notes(pages[3]!)).toContain('Nothing more in that range.');
    expect(JSON.stringify(pages)).not.toContain('Refused');
  });

  it('search: confirmations opened and closed without a click are one line a page, with how many, of what, and each reference, not a line each', async () => {
    // UCLOSE on 2026-03-07: three PIN resets done, and five confirmations closed (three PIN, two mail password) in between.
    const actor = { userId: 'UCLOSE', teamId: TEAM };
    const closed: string[] = [];
    for (let i = 0; i < 8; i++) {
      const at = new Date(Date.UTC(2026, 2, 7, 9, i));
      const requestId = `${at.toISOString()}_${String(i).padStart(12, 'c')}`;
      if (i % 3 === 0) {
        await h.writeAudit({ requestId, phase: 'attempt', action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-close' }, at);
        await h.writeAudit({ requestId, phase: 'outcome', outcome: 'success', action: 'reset_pin', actor, directory: 'chime' }, at);
      } else {
        closed.push(requestId);
        await h.writeAudit({ requestId, phase: 'cancelled', action: i < 5 ? 'reset_pin' : 'reset_password', actor }, at);
      }
    }
    const { page1 } = await searchAudit(h, 'UADA', 'UCLOSE', '2026-03-07', '2026-03-07');
    const sections = (page1.blocks as any[]).filter((b) => b.type === 'section').map((b) => b.text.text as string);
    // Before: five ':leftwards_arrow_with_hook: Cancelled' lines among the three resets.
    expect(sections.filter((l) => l.includes('Cancelled'))).toEqual([]);
    expect(sections.filter((l) => l.includes(':white_check_mark: Done'))).toHaveLength(3);
    const folded = sections.find((l) => l.includes('without a click'))!;
    expect(folded).toContain(':leftwards_arrow_with_hook: <@UCLOSE> also opened 5 confirmations and closed them without a click, so nothing was changed: meeting PIN reset ×3, mail password reset ×2');
    for (const reference of closed) expect(folded).toContain(reference);
  });

  it("search: nobody picked is everyone's records over the days, newest first, paged, this workspace's only; more than a week is refused on the form", async () => {
    // 25 requests by five people over 2026-03-05 and 06, and one in another workspace.
    const references: string[] = [];
    for (let i = 0; i < 25; i++) {
      const at = new Date(Date.UTC(2026, 2, 5, 20 + Math.floor(i / 4), (i % 4) * 10));
      const requestId = `${at.toISOString()}_${String(i).padStart(12, 'e')}`;
      references.push(requestId);
      const actor = { userId: `UALL${i % 5}`, teamId: TEAM };
      await h.writeAudit({ requestId, phase: 'attempt', action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-all' }, at);
      await h.writeAudit({ requestId, phase: 'outcome', outcome: 'success', action: 'reset_pin', actor, directory: 'chime' }, at);
    }
    const elsewhere = '2026-03-05T21:05:00.000Z_0000000e1sew';
    await h.writeAudit({ requestId: elsewhere, phase: 'refused', action: 'reset_pin', actor: { userId: 'UOUT', teamId: 'T0ELSEWHERE' }, errorCode: 'DIRECTORY_USER_NOT_FOUND' }, new Date('2026-03-05T21:05:00.000Z'));

    const days = (from: string, to: string) => ({ person: { person: { type: 'users_select', selected_user: null } }, from: { from: { type: 'datepicker', selected_date: from } }, to: { to: { type: 'datepicker', selected_date: to } } });
    // Before: 'Pick a person and both days, or paste a reference above.'
    const { formView, answer } = await submitSearch(h, 'UADA', days('2026-03-05', '2026-03-06'));
    expect(JSON.stringify(answer.json)).toContain('Searching the audit log');
    const page1 = await h.viewUpdate(formView.id, 2);
    expect(JSON.stringify(page1.blocks)).toContain('What everyone did from *2026-03-05* to *2026-03-06* (UTC days):');
    const linesOf = (page: Record<string, any>) => (page.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    expect(linesOf(page1)).toHaveLength(20);
    expect(linesOf(page1)[0]).toMatch(/\*Meeting PIN reset\* by <@UALL4> · :white_check_mark: Done/);
    const older = (page1.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    await h.clickIn('UADA', older.action_id, older.value, { view: { id: formView.id, type: 'modal' } });
    const page2 = await h.viewUpdate(formView.id, 3);
    const shown = [...linesOf(page1), ...linesOf(page2)].map((l) => /Reference `([^`]+)`/.exec(l)![1]!);
    expect(shown).toEqual([...references].reverse());
    expect(JSON.stringify([page1.blocks, page2.blocks])).not.toContain('UOUT');

    const tooLong = await submitSearch(h, 'UADA', days('2026-03-01', '2026-03-08'));
    expect(tooLong.answer.json).toEqual({ response_action: 'errors', errors: { to: 'Search everyone at most 7 days at a time, or pick a person.' } });
  });

  it("search: everyone's pages keep a request's records on one page, though its outcome was written the day after its attempt (a reset across midnight)", async () => {
    // 2026-03-13: 19 requests. Ann's PIN reset confirmed at 23:59:58 on 2026-03-12, answered at 00:00:03:
    // its attempt is in the 12th's records, its outcome in the 13th's. Then Bob's, done at 23:59:59, and 5 more that day.
    const write = (userId: string, requestId: string, attemptAt: Date, outcomeAt = attemptAt) => writeDonePinReset(h, userId, requestId, attemptAt, outcomeAt);
    const references: string[] = [];
    for (let i = 0; i < 5; i++) {
      const at = new Date(Date.UTC(2026, 2, 12, 20, i));
      references.push(`${at.toISOString()}_0000edgeold${i}`);
      await write(`UEDGE${i}`, references.at(-1)!, at);
    }
    const ann = '2026-03-12T23:59:58.000Z_00000edgeann';
    await write('UEDGEANN', ann, new Date('2026-03-12T23:59:58.000Z'), new Date('2026-03-13T00:00:03.000Z'));
    const bob = '2026-03-12T23:59:59.000Z_00000edgebob';
    await write('UEDGEBOB', bob, new Date('2026-03-12T23:59:59.000Z'));
    references.push(ann, bob);
    for (let i = 0; i < 19; i++) {
      const at = new Date(Date.UTC(2026, 2, 13, 8, i));
      references.push(`${at.toISOString()}_000edgenew${String(i).padStart(2, '0')}`);
      await write(`UEDGE${i % 4}`, references.at(-1)!, at);
    }

    const { formView } = await submitSearch(h, 'UADA', {
      person: { person: { type: 'users_select', selected_user: null } },
      from: { from: { type: 'datepicker', selected_date: '2026-03-12' } },
      to: { to: { type: 'datepicker', selected_date: '2026-03-13' } },
    });
    const page1 = await h.viewUpdate(formView.id, 2);
    const older = (page1.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    await h.clickIn('UADA', older.action_id, older.value, { view: { id: formView.id, type: 'modal' } });
    const page2 = await h.viewUpdate(formView.id, 3);
    const linesOf = (page: Record<string, any>) => (page.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    const lines = [...linesOf(page1), ...linesOf(page2)];
    // Before: Ann's reset on both pages: 'Done' on the first (its outcome), its attempt alone on the second.
    expect(lines.map((l) => /Reference `([^`]+)`/.exec(l)![1]!)).toEqual([...references].reverse());
    expect(lines.find((l) => l.includes(ann))).toMatch(/\*Meeting PIN reset\* by <@UEDGEANN> · :white_check_mark: Done/);
    expect(linesOf(page1)).toHaveLength(20);
  });

  it("search: everyone's records of a day show a reset confirmed just before its midnight with its outcome, written just after, not as outcome unknown; on the page its line is on", async () => {
    // 2026-03-16, searched alone. Ann's PIN reset confirmed at 23:59:58 and answered at 00:00:03: its attempt
    // is in the 16th's records, its outcome in the 17th's. Bob's likewise at 23:59:59.500, the newest line;
    // 19 done between, so Ann's is the 21st line (the second page's first); two done that evening.
    // Cal's request ID was taken at 23:59:59.900, but its records were all written on the 17th: none of the 16th's.
    const write = (userId: string, requestId: string, attemptAt: Date, outcomeAt = attemptAt) => writeDonePinReset(h, userId, requestId, attemptAt, outcomeAt);
    const references: string[] = [];
    for (let i = 0; i < 2; i++) {
      const at = new Date(Date.UTC(2026, 2, 16, 20, i));
      references.push(`${at.toISOString()}_0000lateold${i}`);
      await write(`ULATE${i}`, references.at(-1)!, at);
    }
    const ann = '2026-03-16T23:59:58.000Z_00000lateann';
    await write('ULATEANN', ann, new Date('2026-03-16T23:59:58.000Z'), new Date('2026-03-17T00:00:03.000Z'));
    references.push(ann);
    for (let i = 0; i < 19; i++) {
      const at = new Date(Date.UTC(2026, 2, 16, 23, 59, 59, i * 10));
      references.push(`${at.toISOString()}_000latenew${String(i).padStart(2, '0')}`);
      await write(`ULATE${i % 4}`, references.at(-1)!, at);
    }
    const bob = '2026-03-16T23:59:59.500Z_00000latebob';
    await write('ULATEBOB', bob, new Date('2026-03-16T23:59:59.500Z'), new Date('2026-03-17T00:00:01.000Z'));
    references.push(bob);
    const cal = '2026-03-16T23:59:59.900Z_00000latecal';
    await write('ULATECAL', cal, new Date('2026-03-17T00:00:00.100Z'), new Date('2026-03-17T00:00:02.000Z'));
    // The 17th's own.
    await write('ULATE0', '2026-03-17T08:00:00.000Z_0000latenext', new Date('2026-03-17T08:00:00.000Z'));

    const { formView } = await submitSearch(h, 'UADA', {
      person: { person: { type: 'users_select', selected_user: null } },
      from: { from: { type: 'datepicker', selected_date: '2026-03-16' } },
      to: { to: { type: 'datepicker', selected_date: '2026-03-16' } },
    });
    const page1 = await h.viewUpdate(formView.id, 2);
    const older = (page1.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    await h.clickIn('UADA', older.action_id, older.value, { view: { id: formView.id, type: 'modal' } });
    const page2 = await h.viewUpdate(formView.id, 3);
    const linesOf = (page: Record<string, any>) => (page.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    const lines = [...linesOf(page1), ...linesOf(page2)];
    expect(lines.map((l) => /Reference `([^`]+)`/.exec(l)![1]!)).toEqual([...references].reverse());
    // Before: ':grey_question: Outcome unknown: IT can check it with the reference' for both.
    expect(linesOf(page1)[0]).toMatch(/\*Meeting PIN reset\* by <@ULATEBOB> · :white_check_mark: Done/);
    expect(linesOf(page2)[0]).toMatch(/\*Meeting PIN reset\* by <@ULATEANN> · :white_check_mark: Done/);
    expect(JSON.stringify([page1.blocks, page2.blocks])).not.toContain('Outcome unknown');
    expect(linesOf(page1)).toHaveLength(20);
  });

  it("search: a page button whose place in the log is not one this search made (tampered, or from another search) is refused quietly as out of date, not as the audit log unavailable", async () => {
    const actor = { userId: 'UCURSOR', teamId: TEAM };
    for (let i = 0; i < 22; i++) {
      const at = new Date(Date.UTC(2026, 2, 8, 9, i));
      await h.writeAudit({ requestId: `${at.toISOString()}_${String(i).padStart(12, 'f')}`, phase: 'refused', action: 'reset_pin', actor, errorCode: 'DIRECTORY_USER_NOT_FOUND' }, at);
    }
    const { formView, page1 } = await searchAudit(h, 'UADA', 'UCURSOR', '2026-03-08', '2026-03-08');
    const older = (page1.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    const cursor = JSON.parse(older.value);
    const everyone = { from: '2026-03-08', to: '2026-03-08', page: 2 };
    const tampered = [
      // A person's place, where it ends inside the days searched but not in this log's order.
      { ...cursor, after: 'x' },
      // Everyone's search, with a person's place; with a place that is no JSON; with a day outside the days searched.
      { ...everyone, after: cursor.after },
      { ...everyone, after: '{"day":' },
      { ...everyone, after: JSON.stringify({ day: '2026-03-01', pk: `ACTOR#${TEAM}#UCURSOR`, sk: cursor.after }) },
    ];
    let nth = 2;
    for (const value of tampered) {
      await h.clickIn('UADA', older.action_id, JSON.stringify(value), { view: { id: formView.id, type: 'modal' } });
      const shown = await h.viewUpdate(formView.id, ++nth);
      const text = JSON.stringify(shown.blocks);
      // Before: ':warning: The audit log could not be read just now. Try again in a few minutes.'
      expect(text).toContain('This page of results is out of date: run the search again.');
      expect(text).not.toContain('could not be read');
      expect(text).not.toMatch(/Reference `/);
      expect(shown.submit.text).toBe('New search');
    }
    expect(h.logs.filter((l) => l.includes('audit search failed'))).toEqual([]);
    expect(h.logs.filter((l) => l.includes('"alert":true'))).toEqual([]);
    await h.waitForLogs('audit search page refused: not a place this search made', tampered.length);
  });

  it('search: a page button whose value is no page of a search at all tells an admin the page is out of date, and someone else that only admins can search', async () => {
    const where = { view: { id: 'VOLDPAGE', type: 'modal' } };
    const forged = ['not json', JSON.stringify({ from: '2026-03-08', to: '2026-03-08', page: 'two' })];
    let nth = 0;
    for (const value of forged) {
      await h.clickIn('UADA', 'audit_search_page', value, where);
      // Before: nothing shown, the click only logged.
      const shown = await h.viewSent('VOLDPAGE', ++nth);
      expect(JSON.stringify(shown.blocks)).toContain(':warning: This page of results is out of date: run the search again.');
      expect(shown.submit.text).toBe('New search');
    }
    await h.clickIn('UBOB', 'audit_search_page', 'not json', { view: { id: 'VBOBPAGE', type: 'modal' } });
    await h.waitForLogs('malformed search page click', forged.length + 1);
    // As a page of a search he clicked would: why not, and no New search. Before: nothing shown.
    const bob = await h.viewSent('VBOBPAGE', 1);
    expect(JSON.stringify(bob.blocks)).toContain(':warning: Only Latchkey admins can search the audit log.');
    expect(JSON.stringify(bob.blocks)).not.toContain('out of date');
    expect(bob.submit).toBeUndefined();
    expect(h.logs.filter((l) => l.includes('"alert":true'))).toEqual([]);
  });

  it('search: a page button naming a day no calendar has (2026-02-30) tells an admin the page is out of date, and nothing is read', async () => {
    const searched = h.logs.filter((l) => l.includes('"audit searched"')).length;
    const where = { view: { id: 'VBADDAY', type: 'modal' } };
    const pages = [
      { person: 'UBOB', from: '2026-02-30', to: '2026-03-08', page: 2 },
      { from: '2026-03-01', to: '2026-02-31', page: 2 },
    ];
    let nth = 0;
    for (const value of pages) {
      await h.clickIn('UADA', 'audit_search_page', JSON.stringify(value), where);
      // Before: the search of the days Date made of it (2 March on), as if asked for.
      const shown = await h.viewSent('VBADDAY', ++nth);
      expect(JSON.stringify(shown.blocks)).toContain(':warning: This page of results is out of date: run the search again.');
      expect(shown.submit.text).toBe('New search');
    }
    expect(h.logs.filter((l) => l.includes('"audit searched"')).length).toBe(searched);
    expect(h.logs.filter((l) => l.includes('"alert":true'))).toEqual([]);
  });

  it('search: newest first by the time each line shows, not by reference: a reset confirmed after a later one was opened, and a request decided later, sit where their time says', async () => {
    // UORDER, at known times on 2026-03-02: a license request at 07:53 that she decided herself at
    // 07:57; a PIN reset opened at 07:54:50 and confirmed at 07:56; another opened and done at 07:55.
    const actor = { userId: 'UORDER', teamId: TEAM };
    const at = (hms: string) => new Date(`2026-03-02T${hms}.000Z`);
    const id = (hms: string, tail: string) => `2026-03-02T${hms}.000Z_${tail}`;
    const license = { action: 'license_request', actor, subject: actor, directory: 'chime', directoryUserId: 'chime-order', approvalRequestId: id('07:53:00', '00000000lic0'), licenseFrom: 'Pro', licenseTo: 'Plus' } as const;
    await h.writeAudit({ ...license, requestId: id('07:53:00', '00000000lic1'), phase: 'attempt' }, at('07:53:00'));
    await h.writeAudit({ ...license, requestId: id('07:53:00', '00000000lic1'), phase: 'outcome', outcome: 'success' }, at('07:53:01'));
    const decide = { ...license, action: 'license_decide', requestId: id('07:57:00', '00000000dec1'), decision: 'deny' } as const;
    await h.writeAudit({ ...decide, phase: 'attempt' }, at('07:57:00'));
    await h.writeAudit({ ...decide, phase: 'outcome', outcome: 'success' }, at('07:57:01'));
    const pin = { action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-order' } as const;
    await h.writeAudit({ ...pin, requestId: id('07:54:50', '0000000slow1'), phase: 'attempt' }, at('07:56:00'));
    await h.writeAudit({ ...pin, requestId: id('07:54:50', '0000000slow1'), phase: 'outcome', outcome: 'success' }, at('07:56:02'));
    await h.writeAudit({ ...pin, requestId: id('07:55:10', '0000000fast1'), phase: 'attempt' }, at('07:55:12'));
    await h.writeAudit({ ...pin, requestId: id('07:55:10', '0000000fast1'), phase: 'outcome', outcome: 'success' }, at('07:55:13'));

    const { page1 } = await searchAudit(h, 'UADA', 'UORDER', '2026-03-02', '2026-03-02');
    const lines = (page1.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    const shown = lines.map((l) => /\|2026-03-02 (\d\d:\d\d) UTC>/.exec(l)?.[1]);
    // Before: 07:53 (the license request, placed by its decision), 07:55, 07:56.
    expect(shown).toEqual(['07:56', '07:55', '07:53']);
  });

  it('a record an earlier version wrote, in words this one no longer lists, is still read and shown as written (Home, counts, search)', async () => {
    // APPROVAL_UNAVAILABLE was removed from the failure codes in 70bacb2; reset_fax and its words
    // stand for a plug-in since removed. Each read (the person's activity, the day's counts, the
    // admin's search) once refused the whole range over one such record.
    // Written and counted on one UTC day of the app's clock, whatever the real time.
    h.clock.toJustPastNext('day');
    const now = h.clock.now();
    const at = now.toISOString();
    const item = (id: string, extra: Record<string, unknown>) => ({
      v: 1,
      pk: `ACTOR#${TEAM}#UROOM`,
      sk: `${at}_${id}#${extra.phase === 'refused' ? '0-refused' : '2-outcome'}`,
      day: at.slice(0, 10),
      at,
      requestId: `${at}_${id}`,
      slackUserId: 'UROOM',
      slackTeamId: TEAM,
      expiresAt: Math.floor(now.getTime() / 1000) + 86_400,
      ...extra,
    });
    await h.writeRawAudit(item('00000000old1', { phase: 'refused', action: 'reset_pin', errorCode: 'APPROVAL_UNAVAILABLE' }));
    await h.writeRawAudit(
      item('00000000old2', {
        phase: 'outcome',
        action: 'reset_fax',
        directory: 'fax',
        directoryUserId: 'fax-room',
        outcome: 'partial',
        incomplete: 'notifyFax:FAX_OFFLINE',
        verifier: 'carrier_pigeon',
        verification: 'lost',
      }),
    );

    const own = textOf((await h.openHome('UROOM')).home);
    expect(own).toContain('*Meeting PIN reset* · :no_entry_sign: Not done. Recorded as `APPROVAL_UNAVAILABLE`.');
    expect(own).toContain('00000000old2');
    expect(own).not.toContain('Your activity cannot be shown');

    const admin = textOf((await h.openHome('UADA')).home);
    expect(admin).toMatch(/Refused: (.*, )?1 refusal coded `APPROVAL_UNAVAILABLE`/);
    expect(admin).toContain(':warning: *Done, but a step after the change failed* · reset_fax by <@UROOM>');

    const { page1 } = await searchAudit(h, 'UADA', 'UROOM', at.slice(0, 10), at.slice(0, 10));
    const lines = (page1.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes('00000000old1'))).toContain('*Meeting PIN reset* by <@UROOM> · :no_entry_sign: Refused: `APPROVAL_UNAVAILABLE`');
    expect(lines.find((l) => l.includes('00000000old2'))).toContain('*reset_fax* by <@UROOM> · :white_check_mark: Done, but these steps failed: notifyFax (`FAX_OFFLINE`)');
  });

  it('a record a newer version wrote, with fields this one does not name, is still read (Home, search, audit export), the fields left out', async () => {
    // A newer version wrote these, and was rolled back: each read (the person's activity, the
    // admin's search, the export's day) once refused the whole range over one such field.
    const now = new Date();
    const at = now.toISOString();
    const requestId = `${at}_00000000new1`;
    const common = { v: 1, pk: `ACTOR#${TEAM}#USUSP`, day: at.slice(0, 10), at, requestId, action: 'reset_pin', slackUserId: 'USUSP', slackTeamId: TEAM, expiresAt: Math.floor(now.getTime() / 1000) + 86_400 };
    await h.writeRawAudit({ ...common, sk: `${requestId}#1-claim`, phase: 'attempt', directory: 'chime', directoryUserId: 'chime-newer', approvedOnDevice: 'iPhone 17' });
    await h.writeRawAudit({ ...common, sk: `${requestId}#2-outcome`, phase: 'outcome', outcome: 'success', directory: 'chime', riskScore: 3, session: { kind: 'web', region: 'eu' } });

    const own = textOf((await h.openHome('USUSP')).home);
    expect(own).toContain('*Meeting PIN reset* · :white_check_mark: Done');
    expect(own).toContain('00000000new1');
    expect(own).not.toContain('Your activity cannot be shown');

    const { page1 } = await searchAudit(h, 'UADA', 'USUSP', at.slice(0, 10), at.slice(0, 10));
    const lines = (page1.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('*Meeting PIN reset* by <@USUSP> · :white_check_mark: Done');

    // What an export reads (npm run audit): the records as this version names them, nothing else.
    const records = await h.auditRecords('USUSP');
    expect(records.map((r) => r.phase)).toEqual(['attempt', 'outcome']);
    for (const field of ['approvedOnDevice', 'riskScore', 'session']) expect(records.some((r) => field in r)).toBe(false);
  });

  it('a record a newer version wrote, of its schema v2 and a phase this one does not know, is shown as a record this version cannot read, by its reference, and the rest of its day still is (Home, search, everyone\'s search)', async () => {
    // A newer version wrote it, and was rolled back: each read of its day once refused the whole
    // day over its v: 2 and its phase (README: "neither a rollback nor an upgrade hides a record").
    h.clock.toJustPastNext('day');
    const now = h.clock.now();
    const at = now.toISOString();
    const day = at.slice(0, 10);
    const common = { pk: `ACTOR#${TEAM}#UNEWV`, day, at, action: 'reset_pin', slackUserId: 'UNEWV', slackTeamId: TEAM, expiresAt: Math.floor(now.getTime() / 1000) + 86_400 };
    const normal = `${at}_00000000nrm1`;
    await h.writeRawAudit({ ...common, v: 1, requestId: normal, sk: `${normal}#1-claim`, phase: 'attempt', directory: 'chime', directoryUserId: 'chime-newv' });
    await h.writeRawAudit({ ...common, v: 1, requestId: normal, sk: `${normal}#2-outcome`, phase: 'outcome', outcome: 'success', directory: 'chime' });
    const newer = `${at}_00000000v2p1`;
    await h.writeRawAudit({ ...common, v: 2, requestId: newer, sk: `${newer}#1-claim`, phase: 'handover', directory: 'chime' });

    const own = textOf((await h.openHome('UNEWV')).home);
    expect(own).not.toContain('cannot be shown');
    expect(own).toContain('00000000nrm1');
    expect(own).toContain('A record this version of Latchkey cannot read (its `v`, `phase`)');
    expect(own).not.toContain('handover');

    const admin = textOf((await h.openHome('UADA')).home);
    expect(admin).not.toContain('cannot be shown');

    const { page1 } = await searchAudit(h, 'UADA', 'UNEWV', day, day);
    const lines = (page1.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes('00000000nrm1'))).toContain('*Meeting PIN reset* by <@UNEWV> · :white_check_mark: Done');
    // Its action is one this version knows: named. How it went is not guessed from a phase it does not know.
    expect(lines.find((l) => l.includes('00000000v2p1'))).toContain('*Meeting PIN reset* by <@UNEWV> · :grey_question: A record this version of Latchkey cannot read (its `v`, `phase`): IT can look it up with the reference');

    const everyone = (await everyPage(h, 'UADA', null, day, day)).flat();
    expect(everyone.some((l) => l.includes('00000000nrm1') && l.includes(':white_check_mark: Done'))).toBe(true);
    expect(everyone.some((l) => l.includes('00000000v2p1') && l.includes('cannot read (its `v`, `phase`)'))).toBe(true);
  });

  it('a record this version cannot read (a factorType no version writes, a time that is no time) is shown as unreadable by its reference, never its content, and the rest of its day still is (Home, admin Home, search, everyone\'s search, look-up); an operator is warned of its key, never paged', async () => {
    // Once, either record made every read of its day fail: the person's activity and the admin's
    // search "cannot be shown", Needs attention and today's counts unavailable.
    h.clock.toJustPastNext('day');
    const now = h.clock.now();
    const at = now.toISOString();
    const day = at.slice(0, 10);
    const common = { v: 1, pk: `ACTOR#${TEAM}#UBADR`, day, action: 'reset_pin', slackUserId: 'UBADR', slackTeamId: TEAM, directory: 'chime', expiresAt: Math.floor(now.getTime() / 1000) + 86_400 };
    const good = `${at}_000000000a01`;
    await h.writeRawAudit({ ...common, at, requestId: good, sk: `${good}#1-claim`, phase: 'attempt', directoryUserId: 'chime-badr' });
    await h.writeRawAudit({ ...common, at, requestId: good, sk: `${good}#2-outcome`, phase: 'outcome', outcome: 'success' });
    // A factorType no version writes (its own words, and a mention), on an outcome that says success.
    const factor = `${at}_00000000fac7`;
    await h.writeRawAudit({ ...common, at, requestId: factor, sk: `${factor}#2-outcome`, phase: 'outcome', outcome: 'success', factorType: 'push <!channel> code=hunter2' });
    // A time that is no time.
    const time = `${at}_0000000bad01`;
    await h.writeRawAudit({ ...common, at: 'last Tuesday', requestId: time, sk: `${time}#1-claim`, phase: 'attempt' });
    const UNREADABLE = (fields: string) => `:grey_question: A record this version of Latchkey cannot read (its ${fields}): IT can look it up with the reference`;

    const own = textOf((await h.openHome('UBADR')).home);
    expect(own).not.toContain('cannot be shown');
    expect(own).toContain('*Meeting PIN reset* · :white_check_mark: Done');
    expect(own).toContain(`*Meeting PIN reset* · ${UNREADABLE('`factorType`')}`);
    expect(own).toContain(`*Meeting PIN reset* · ${UNREADABLE('`at`')}`);
    for (const reference of [good, factor, time]) expect(own).toContain(reference);

    const admin = textOf((await h.openHome('UADA')).home);
    expect(admin).not.toContain('cannot be shown');

    const { page1 } = await searchAudit(h, 'UADA', 'UBADR', day, day);
    const lines = (page1.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes(good))).toContain('*Meeting PIN reset* by <@UBADR> · :white_check_mark: Done');
    expect(lines.find((l) => l.includes(factor))).toContain(`*Meeting PIN reset* by <@UBADR> · ${UNREADABLE('`factorType`')}`);
    expect(lines.find((l) => l.includes(time))).toContain(`*Meeting PIN reset* by <@UBADR> · ${UNREADABLE('`at`')}`);

    const everyone = (await everyPage(h, 'UADA', null, day, day)).flat();
    expect(everyone.some((l) => l.includes(good) && l.includes(':white_check_mark: Done'))).toBe(true);
    expect(everyone.some((l) => l.includes(factor) && l.includes(UNREADABLE('`factorType`')))).toBe(true);
    expect(everyone.some((l) => l.includes(time) && l.includes(UNREADABLE('`at`')))).toBe(true);

    const search = await submitSearch(h, 'UADA', { reference: { reference: { type: 'plain_text_input', value: factor } }, person: { person: { type: 'users_select', selected_user: null } } });
    const found = JSON.stringify((await h.viewUpdate(search.formView.id, 2)).blocks);
    expect(found).toContain(UNREADABLE('`factorType`'));

    // Its content reaches no view and no log line; its key reaches an operator, as a warning.
    const shown = [own, admin, ...lines, ...everyone, found].join('\n');
    expect(shown).not.toContain('hunter2');
    expect(shown).not.toContain('last Tuesday');
    const warned = h.logs.filter((l) => l.includes('audit record this version cannot read') && l.includes('UBADR'));
    expect(warned.some((l) => l.includes(`${factor}#2-outcome`) && l.includes('"factorType"'))).toBe(true);
    expect(warned.some((l) => l.includes(`${time}#1-claim`) && l.includes('"at"'))).toBe(true);
    for (const line of warned) expect(JSON.parse(line)).toMatchObject({ level: 'warn', pk: `ACTOR#${TEAM}#UBADR` });
    expect(warned.some((l) => l.includes('"alert":true'))).toBe(false);
    expect(h.logs.join('')).not.toContain('hunter2');
    expect(h.logs.join('')).not.toContain('last Tuesday');
  });

  it('search: days in the wrong order, too far apart, missing, or not days at all are an error on the form, under the day at fault, and nothing is read', async () => {
    const form = { id: 'VSEARCH', callback_id: 'audit_search', type: 'modal', private_metadata: '' };
    const submit = (from: string | null, to: string | null) =>
      h.submit('UADA', form, {
        values: {
          person: { person: { type: 'users_select', selected_user: 'UBOB' } },
          from: { from: { type: 'datepicker', selected_date: from } },
          to: { to: { type: 'datepicker', selected_date: to } },
        },
      });
    const searched = h.logs.filter((l) => l.includes('"audit searched"')).length;
    expect((await submit('2026-03-02', '2026-03-01')).json).toEqual({ response_action: 'errors', errors: { to: 'This day is before the first one.' } });
    expect((await submit('2024-01-01', '2026-03-01')).json).toEqual({ response_action: 'errors', errors: { to: 'Search at most 400 days at a time.' } });
    expect((await submit('2026-13-01', '2026-03-01')).json).toEqual({ response_action: 'errors', errors: { to: 'Pick both days from the calendars.' } });
    // A day no calendar has, sent by hand: before, searched as the day Date makes of it (2 March, 1 May).
    expect((await submit('2026-02-30', '2026-03-03')).json).toEqual({ response_action: 'errors', errors: { to: 'Pick both days from the calendars.' } });
    expect((await submit('2026-03-01', '2026-04-31')).json).toEqual({ response_action: 'errors', errors: { to: 'Pick both days from the calendars.' } });
    // A day left empty: the error under that day, not under another field.
    const PICK = 'Pick a day here, or paste a reference above.';
    expect((await submit('2026-03-01', null)).json).toEqual({ response_action: 'errors', errors: { to: PICK } });
    expect((await submit(null, '2026-03-01')).json).toEqual({ response_action: 'errors', errors: { from: PICK } });
    expect(h.logs.filter((l) => l.includes('"audit searched"')).length).toBe(searched);
  });

  it("a day is read whole once, then only for what was written after it: a record written there later is on the next tab without the day read again; one the index showed late, or from a clock behind, has the day read whole; as has an hour", async () => {
    // A day of its own in the week (four days ago), so that other tests' records are not on it.
    const day = new Date(Date.now() - 4 * 86_400_000).toISOString().slice(0, 10);
    const ten = Date.parse(`${day}T10:00:00.000Z`);
    /** An attempt with no outcome, written at `at`: an outcome unknown in Needs attention, under its reference. */
    const stopped = async (id: string, at = new Date(ten)) => {
      const requestId = `${at.toISOString()}_${id}`;
      await h.writeAudit({ requestId, phase: 'attempt', action: 'reset_pin', actor: { userId: 'UBOB', teamId: TEAM }, directory: 'chime', directoryUserId: 'chime-bob' }, at);
      return requestId;
    };
    /** The Queries an open made of that day: for what was written after its latest record, or the whole day. */
    const ofTheDay = (from: number) =>
      h.dynamoGate.seen.slice(from).filter((c) => c.operation === 'Query' && c.body.includes(`"${day}"`)).map((c) => (/ > :after$/.test(JSON.parse(c.body).FilterExpression ?? '') ? 'since' : 'read'));
    // Opened once first, so that the day is kept as of now whatever the tests before read of it.
    await h.openHome('UADA');
    const first = await stopped('000000dc0001');

    let seen = h.dynamoGate.seen.length;
    expect(textOf((await h.openHome('UADA')).home)).toContain(first);
    expect(ofTheDay(seen)).toEqual(['since']);

    // Before: every open of today read the whole day again, its records unmarshalled and parsed each time.
    seen = h.dynamoGate.seen.length;
    expect(textOf((await h.openHome('UADA')).home)).toContain(first);
    expect(ofTheDay(seen)).toEqual(['since']);

    /** How many times a tab names a reference: as often as a whole read of its day has it, never twice for once. */
    const times = (text: string, reference: string) => text.split(reference).length - 1;
    const once = times(textOf((await h.openHome('UADA')).home), first);
    expect(once).toBeGreaterThan(0);

    // Written later than any the day held: read alone, and shown with the rest, each as often as before.
    const next = await stopped('000000dc0003', new Date(ten + 60_000));
    seen = h.dynamoGate.seen.length;
    const withNext = textOf((await h.openHome('UADA')).home);
    expect(times(withNext, first)).toBe(once);
    expect(times(withNext, next)).toBe(once);
    expect(ofTheDay(seen)).toEqual(['since']);

    // Written at an earlier time than the day's latest (a writer's clock behind, or the index late):
    // the filter passes it by, but the day's count does not add up, so the day is read whole.
    const late = await stopped('000000dc0002');
    seen = h.dynamoGate.seen.length;
    const again = textOf((await h.openHome('UADA')).home);
    expect([first, late, next].map((r) => times(again, r))).toEqual([once, once, once]);
    expect(ofTheDay(seen)).toEqual(['since', 'read']);

    // A record whose stored time is no time (a hand edit), which DynamoDB compares as written (after
    // any ISO time) while it is read as another: with one record of the day's latest time written
    // late beside it, the count adds up, but the day is read whole all the same, never the edited
    // record twice and the late one missed.
    await h.writeRawAudit({ v: 1, pk: `ACTOR#${TEAM}#UBOB`, sk: `${new Date(ten).toISOString()}_000000dc0004#1-claim`, day, at: 'unknown', requestId: `${new Date(ten).toISOString()}_000000dc0004`, phase: 'attempt', action: 'reset_pin', slackUserId: 'UBOB', slackTeamId: TEAM, expiresAt: Math.floor(Date.now() / 1000) + 86_400 });
    seen = h.dynamoGate.seen.length;
    await h.openHome('UADA');
    expect(ofTheDay(seen)).toEqual(['since', 'read']);
    const sameTime = await stopped('000000dc0005', new Date(ten + 60_000));
    seen = h.dynamoGate.seen.length;
    const edited = textOf((await h.openHome('UADA')).home);
    expect(ofTheDay(seen)).toEqual(['since', 'read']);
    expect(times(edited, sameTime)).toBe(once);

    // An hour on, it is read whole whatever its count (a record edited in place by hand keeps it).
    h.clock.offsetMs = 3_600_000;
    seen = h.dynamoGate.seen.length;
    expect(textOf((await h.openHome('UADA')).home)).toContain(late);
    expect(ofTheDay(seen)).toEqual(['read']);
  });

  it('a non-admin crafting admin actions is told why and shown nothing, and each attempt is logged', async () => {
    // Counted from here: earlier tests of this harness log the same line.
    const refusedBefore = h.logs.filter((l) => l.includes('refused: not an admin')).length;
    const { home } = await h.openHome('UBOB');
    const { view: refused } = await h.opening((t) => h.clickIn('UBOB', 'home_search', 'search', { view: home, triggerId: t }));
    await h.waitForLogs('refused: not an admin', refusedBefore + 1);
    expect(JSON.stringify(refused.blocks)).toContain('Only Latchkey admins can search the audit log.');
    expect(refused.submit).toBeUndefined();

    // A search submitted by hand, and a page of results asked for by hand: no record is shown.
    const fake = { id: 'VFAKE', callback_id: 'audit_search', type: 'modal', private_metadata: '' };
    const submitted = await h.submit('UBOB', fake, {
      values: {
        person: { person: { type: 'users_select', selected_user: 'UANN' } },
        from: { from: { type: 'datepicker', selected_date: '2026-01-01' } },
        to: { to: { type: 'datepicker', selected_date: new Date().toISOString().slice(0, 10) } },
      },
    });
    expect(submitted.status).toBe(200);
    await h.waitForLogs('refused: not an admin', refusedBefore + 2);
    const cursor = JSON.stringify({ person: 'UANN', from: '2026-01-01', to: '2099-01-01', after: 'x', page: 2 });
    await h.clickIn('UBOB', 'audit_search_page', cursor, { view: { id: 'VFAKE', type: 'modal' } });
    await h.waitForLogs('refused: not an admin', refusedBefore + 3);
    for (const update of h.slack.callsTo('views.update')) expect(JSON.stringify(update.args.view)).not.toMatch(/Reference `/);

    // And a Review click made by hand, from a Home tab that never had the button.
    await h.clickIn('UBOB', 'license_review', 'whatever', { view: home });
    await h.waitForLogs('review refused: not an admin', 1);
  });

  it('Setup check: an admin sees every check of npm run doctor in a modal, read-only (issue 26 §5)', async () => {
    const { home } = await h.openHome('UADA');
    const button = buttonsOf(home).find((b) => b.action_id === 'home_setup_check');
    expect(button?.text.text).toBe('Setup check');
    const chimeCalls = h.chime.calls.length;
    const opened = await h.opening((t) => h.clickIn('UADA', button.action_id, button.value, { view: home, triggerId: t }));
    const text = JSON.stringify(opened.view.blocks);
    expect(opened.view.title.text).toBe('Setup check');
    expect(text).toMatch(/All \d+ checks passed/);
    for (const name of ['Slack token', 'Approvals channel', 'Table AUDIT_TABLE_NAME', 'Amazon Chime: credentials and permissions', 'Okta: admin role']) expect(text).toContain(`✓ *${name}*`);
    // The click itself came signed by Slack and passed the check with the signing secret: that proves it, as npm run doctor cannot.
    expect(text).toContain("✓ *Slack signing secret*: set; Slack's signed requests are arriving: this Setup check's own click came signed by Slack, and passed the check with it");
    expect(h.chime.calls.slice(chimeCalls).map((c) => c.operation)).toEqual(['ListUsers']);
    expect(text).not.toContain(h.slack.botToken);
  });

  it('Setup check: a click made by hand by someone who is not an admin shows nothing of the setup', async () => {
    const refusals = h.logs.filter((l) => l.includes('refused: not an admin')).length;
    const { home } = await h.openHome('UBOB');
    expect(buttonsOf(home).some((b) => b.action_id === 'home_setup_check')).toBe(false);
    const opened = await h.opening((t) => h.clickIn('UBOB', 'home_setup_check', 'setup_check', { view: home, triggerId: t }));
    expect(JSON.stringify(opened.view.blocks)).toContain('Only Latchkey admins can run the setup check.');
    expect(JSON.stringify(opened.view.blocks)).not.toMatch(/✓|✗/);
    await h.waitForLogs('refused: not an admin', refusals + 1);
  });
});

describe("the Home tab while Slack is slow to say who is an admin (usergroups.users.list)", () => {
  // Each test moves the app's clock past what the process keeps of the admin group's list (and of
  // Slack's word on a named admin), so its open reads the group from Slack: the read a test holds.
  const h = useHarness({}, (x) => x.slack.clear());
  let offset = 0;
  const pastWhatIsKept = () => (h.clock.offsetMs = offset += 10 * 60_000);
  const ADMIN_PARTS = ['Waiting for review', 'Needs attention', 'Search the audit log'];
  const publishesTo = (userId: string) => h.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId);

  /** `userId` opens the tab while Slack holds the admin group's list: their first tab, published before the read is answered, by the tab's wait. */
  async function openedWhileTheGroupIsHeld(userId: string) {
    pastWhatIsKept();
    const from = h.logs.length;
    const release = h.slack.hold('usergroups.users.list');
    try {
      // Waited for longer than the Slack client gives the read (5 s), so that a tab which waited for
      // its failure is seen, and refused below, rather than racing this wait.
      const { home } = await h.openHome(userId, { waitMs: 15_000 });
      // Published while the read was still held: nothing of Slack's answer on who is an admin was in it.
      expect(h.slack.held.map((c) => c.method)).toEqual(['usergroups.users.list']);
      expect(h.slack.callsTo('usergroups.users.list')).toEqual([]);
      // And before the client gave the read up: a tab that waited for the read to fail also comes with
      // it still held at this fake, and says its wait was over too.
      const givenUp = h.slack.held[0]!.givenUp;
      if (givenUp !== undefined) expect(givenUp).toBeGreaterThan(publishesTo(userId)[0]!.place);
      // And by the tab's own wait (ADMIN_CHECK_WAIT_MS; its length, home-admin-wait.test.ts), not the
      // read's failure when the client gave it up (5 s a try): the app says the check did not answer in
      // time, which it says only when the wait was over first. Not the milliseconds the tab took,
      // which a loaded machine stretches past any bound.
      await until(`the app saying ${userId}'s admin check did not answer in time`, () =>
        h.logs.slice(from).some((l) => l.includes('"msg":"admin check did not answer in time') && l.includes(`"slackUserId":"${userId}"`) && l.includes(`"waitMs":${ADMIN_CHECK_WAIT_MS}`)),
      );
      return { home, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  it("an employee's tab is published within the wait, with no admin section; the group's list answering no publishes nothing more", async () => {
    const from = h.logs.length;
    const { home, release } = await openedWhileTheGroupIsHeld('UBOB');
    release();
    // Before: no tab at all until the group's list answered (up to 5 s, 30 s when Slack rate-limits).
    expect(buttonsOf(home).map((b) => b.text.text)).toContain('Reset my meeting PIN');
    for (const part of ADMIN_PARTS) expect(textOf(home)).not.toContain(part);
    await h.homeFollowedUp('UBOB', from);
    expect(h.slack.callsTo('usergroups.users.list')).toHaveLength(1);
    expect(publishesTo('UBOB')).toHaveLength(1);
  });

  it("an admin's tab is published within the wait without the admin sections, then again with them once the group's list names him, over that tab only", async () => {
    const from = h.logs.length;
    const { home, release } = await openedWhileTheGroupIsHeld('UMAX');
    release();
    expect(buttonsOf(home).length).toBeGreaterThan(0);
    for (const part of ADMIN_PARTS) expect(textOf(home)).not.toContain(part);
    await h.homeFollowedUp('UMAX', from);
    const [first, again] = publishesTo('UMAX');
    expect(publishesTo('UMAX')).toHaveLength(2);
    for (const part of ADMIN_PARTS) expect(textOf(again!.args.view)).toContain(part);
    // Only over the tab it follows: Slack refuses it (hash_conflict) if another was published between.
    expect(again!.args.hash).toBe(first!.result?.view?.hash);
    expect(again!.result?.ok).toBe(true);
  });

  it("an admin who opens the tab again while the group's list is on its way is left with the newest tab: the first open's admin tab is never put over the second's", async () => {
    const from = h.logs.length;
    const { release } = await openedWhileTheGroupIsHeld('UMAX');
    try {
      await h.openHome('UMAX');
    } finally {
      release();
    }
    await until("both opens' ends", () => h.logs.slice(from).filter((l) => l.includes('"msg":"home tab published and followed up"') && l.includes('"slackUserId":"UMAX"')).length === 2);
    const published = publishesTo('UMAX').filter((c) => c.result?.ok);
    // Two member's tabs, then one admin tab: the later open's. The first open's was refused as overtaken.
    expect(published).toHaveLength(3);
    for (const part of ADMIN_PARTS) expect(textOf(published[2]!.args.view)).toContain(part);
    expect(publishesTo('UMAX').filter((c) => c.result?.error === 'hash_conflict')).toHaveLength(1);
    for (const part of ADMIN_PARTS) expect(textOf(h.slack.homeOf('UMAX')!)).toContain(part);
  });

  /**
   * `userId`, named in the group's list as last read, opens the tab while Slack holds the list's
   * next read; `answering` readies how Slack answers it, then it is released. The tab published
   * again over the first one, as the open ends.
   */
  async function lateTabOfNamed(userId: string, answering: () => void = () => undefined) {
    // This open reads the group, naming them.
    pastWhatIsKept();
    await h.openHomeToTheEnd(userId);
    h.slack.clear();
    const from = h.logs.length;
    const { release } = await openedWhileTheGroupIsHeld(userId);
    answering();
    release();
    await h.homeFollowedUp(userId, from);
    const [first, again] = publishesTo(userId);
    // Before: one tab, a member's, saying nothing of why one named an admin saw no admin section.
    expect(publishesTo(userId)).toHaveLength(2);
    expect(again!.args.hash).toBe(first!.result?.view?.hash);
    expect(again!.result?.ok).toBe(true);
    for (const part of ADMIN_PARTS) expect(textOf(again!.args.view)).not.toContain(part);
    return textOf(again!.args.view);
  }

  it("an admin named in the group as last read, whose late check finds the group unreadable (missing_scope), is left with a tab that says why it has no admin sections and what to do, over the member's tab only", async () => {
    const tab = await lateTabOfNamed('UMAX', () => h.slack.failNext('usergroups.users.list', { error: 'missing_scope' }));
    expect(tab).toContain('Latchkey cannot read its admin group');
    expect(tab).toContain('This tab shows no admin sections meanwhile.');
  });

  it("a guest in the admin group, whose late check names him, is left with a tab that says a guest is never an admin and what to do, over the member's tab only", async () => {
    h.slack.usergroups.set(ADMIN_GROUP, ['UMAX', 'USINGLE']);
    try {
      const tab = await lateTabOfNamed('USINGLE');
      expect(tab).toContain('Slack says you are a guest in this workspace, and a guest is never a Latchkey admin');
    } finally {
      h.slack.usergroups.set(ADMIN_GROUP, ['UMAX']);
    }
  });

  it("an admin's tab that cannot be drawn while the check is on its way says so, and the open's work ends only once the late check's has: nothing more is published", async () => {
    const from = h.logs.length;
    const ended = () => h.logs.slice(from).some((l) => l.includes('"msg":"home tab not drawn, and its work is over"') && l.includes('"slackUserId":"UMAX"'));
    const thrown = jest.spyOn(homeTabViews, 'homeView').mockImplementationOnce(() => {
      throw new Error('a bug of ours drawing the tab');
    });
    const { home, release } = await openedWhileTheGroupIsHeld('UMAX').finally(() => thrown.mockRestore());
    expect(textOf(home)).toContain('Latchkey could not show your Home tab just now.');
    // Before: the open's work ended here, with the late check's reads and writes left running
    // (on Lambda, frozen partway). Now it waits on them, the group's read still held.
    expect(ended()).toBe(false);
    release();
    await until("the end of Max's open", ended);
    expect(h.slack.callsTo('usergroups.users.list')).toHaveLength(1);
    expect(publishesTo('UMAX')).toHaveLength(1);
  });

  it("an admin's tab whose check answers within the wait is published once, with the admin sections", async () => {
    pastWhatIsKept();
    const from = h.logs.length;
    h.slack.setProcessingDelay('usergroups.users.list', () => ADMIN_CHECK_WAIT_MS / 4);
    try {
      const { home } = await h.openHome('UMAX');
      for (const part of ADMIN_PARTS) expect(textOf(home)).toContain(part);
      await h.homeFollowedUp('UMAX', from);
    } finally {
      h.slack.setProcessingDelay('usergroups.users.list', undefined);
    }
    expect(h.slack.callsTo('usergroups.users.list')).toHaveLength(1);
    expect(publishesTo('UMAX')).toHaveLength(1);
  });
});

describe("an admin's Home tab: her approvals decided before the week it reads", () => {
  const h = useHarness({ env: { RESET_POLICY: 'pin=approval' }, awsRequestTimeoutMs: 1_000, dynamoGate: true }, (x) => {
    x.slack.clear();
    x.clock.offsetMs = 0;
  });

  it('one whose request is gone (purged) is asked of the store once a process, not on each open; one whose read failed is asked again on the next', async () => {
    const approved = async (requester: string) => {
      const request = await asksForPinReset(h, requester);
      const { view } = await review(h, 'UADA', request);
      await h.submit('UADA', view, { values: decide('approve') });
      await h.waitForAudit('UADA', (r) => r.action === 'reset_decide' && r.approvalRequestId === request.requestId && r.phase === 'outcome' && r.outcome === 'success');
      return request.requestId;
    };
    const kept = await approved('UANN');
    const gone = await approved('UBOB');
    // Gone as the store purges a request 90 days past its time; nothing stores one again under its ID.
    await h.purgeRequest(gone);
    const getsOf = (id: string, from: number) => h.dynamoGate.seen.slice(from).filter((c) => c.operation === 'GetItem' && c.body.includes(`REQUEST#${id}`)).length;
    const lineOf = (home: Record<string, any>, id: string) => (home.blocks as any[]).map((b) => String(b.text?.text ?? '')).filter((t) => t.includes(`\`${id}\``));
    const UNREAD = 'whether another admin revoked it later could not be read';
    // Eight days on: both approvals are before the seven UTC days Ada's tab reads.
    h.clock.offsetMs = 8 * 86_400_000;

    // The store does not answer for the one still kept: neither is known gone from that read.
    const release = h.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(`REQUEST#${kept}`));
    let { home } = await h.openHomeToTheEnd('UADA').finally(release);
    expect(lineOf(home, kept)).toEqual([expect.stringContaining(UNREAD)]);
    expect(lineOf(home, gone)).toEqual([expect.stringContaining(UNREAD)]);

    // Answering again: both asked, the kept one read as it stands, the gone one found gone.
    let seen = h.dynamoGate.seen.length;
    ({ home } = await h.openHomeToTheEnd('UADA'));
    expect([getsOf(kept, seen), getsOf(gone, seen)]).toEqual([1, 1]);
    expect(lineOf(home, kept)).toEqual([expect.not.stringContaining(UNREAD)]);
    expect(lineOf(home, gone)).toEqual([expect.stringContaining(UNREAD)]);

    // Before: the gone one cost a GetItem on every open, for the same line.
    seen = h.dynamoGate.seen.length;
    ({ home } = await h.openHomeToTheEnd('UADA'));
    expect([getsOf(kept, seen), getsOf(gone, seen)]).toEqual([1, 0]);
    expect(lineOf(home, kept)).toEqual([expect.not.stringContaining(UNREAD)]);
    expect(lineOf(home, gone)).toEqual([expect.stringContaining(UNREAD)]);
  });
});

describe('the Home tab with DynamoDB down', () => {
  const h = useHarness();

  it('still publishes the buttons, and says the activity cannot be shown', async () => {
    await h.dynamo.close();
    const { home } = await h.openHome('UADA');
    expect(buttonsOf(home).map((b) => b.text.text)).toContain('Reset my meeting PIN');
    expect(textOf(home)).toContain('Your activity cannot be shown right now. Open this tab again in a few minutes; if it keeps happening, tell IT.');
    expect(textOf(home)).toContain('The review queue cannot be shown right now.');
  }, 20_000);
});

describe('the Home tab on Lambda', () => {
  const h = useHarness({ entry: 'lambda' });

  it('is acknowledged by the answering invocation and published by the worker', async () => {
    const invokes = h.lambda.callsTo('Invoke').length;
    const { ack, home } = await h.openHome('UANN');
    expect(ack.status).toBe(200);
    expect(buttonsOf(home).length).toBeGreaterThan(0);
    expect(h.lambda.callsTo('Invoke').length).toBe(invokes + 1);
  });

  it('its button\'s loading modal is opened by the answering invocation, and the worker fills it in', async () => {
    const { home } = await h.openHome('UCARL');
    const button = buttonsOf(home).find((b) => b.text.text === 'Reset my mail password');
    const invokes = h.lambda.callsTo('Invoke').length;
    let trigger = '';
    const opened = await h.opening((t) => h.clickIn('UCARL', button.action_id, button.value, { view: home, triggerId: (trigger = t) }));
    const open = h.slack.callsTo('views.open').find((c) => c.args.trigger_id === trigger)!;
    // The modal was open before the work order was handed off.
    expect(open.place).toBeLessThan(h.lambda.callsTo('Invoke')[invokes]!.place);
    expect(opened.view.submit?.text).toBe('Reset password');
  });

  it('answers the Events API URL check with its challenge', async () => {
    const answer = await postEvent(h.eventsUrl, SIGNING_SECRET, { token: 'x', challenge: 'c0ffee', type: 'url_verification' });
    expect(answer.json).toEqual({ challenge: 'c0ffee' });
  });
});

describe("the admins' Today: an outcome unknown is counted on its own, never as failed", () => {
  const h = useHarness();

  it('a change the directory did not confirm, and an attempt that stopped midway, are "outcome unknown"; a failure is "failed"', async () => {
    // Today's records, a few minutes apart, all past the grace in which a reset is still under way.
    // The app's clock is at 00:09 of their day, whatever the real time: a run across midnight would
    // read the next day's counts.
    const day = new Date().toISOString().slice(0, 10);
    const at = (minute: number) => new Date(Date.parse(`${day}T00:0${minute}:00.000Z`));
    h.clock.offsetMs = at(9).getTime() - Date.now();
    const actor = { userId: 'UBOB', teamId: TEAM };
    const reset = async (minute: number, id: string, outcome?: { outcome: 'success' | 'failure'; errorCode?: string }) => {
      const requestId = `${at(minute).toISOString()}_0000000000${id}`;
      await h.writeAudit({ requestId, phase: 'attempt', action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-bob' }, at(minute));
      if (outcome) await h.writeAudit({ requestId, phase: 'outcome', action: 'reset_pin', actor, ...outcome } as Parameters<Harness['writeAudit']>[0], at(minute));
    };
    try {
      await reset(1, 'a1', { outcome: 'success' });
      await reset(2, 'a2', { outcome: 'failure', errorCode: 'DIRECTORY_OUTCOME_UNKNOWN' });
      await reset(3, 'a3', { outcome: 'failure', errorCode: 'DIRECTORY_UNAVAILABLE' });
      await reset(4, 'a4');
      const { home } = await h.openHome('UADA');
      expect(textOf(home)).toContain('*Meeting PIN reset*: 1 done, 1 failed, 2 outcome unknown');
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it('a reset whose outcome was written again (its PIN, shown aside after it was recorded, never reached the person) is one reset: counted once, listed once in Needs attention, and its line says the person was not shown it', async () => {
    // The day before the test above's, so that neither reads the other's records.
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const at = (minute: number) => new Date(Date.parse(`${day}T00:0${minute}:00.000Z`));
    h.clock.offsetMs = at(9).getTime() - Date.now();
    const actor = { userId: 'UCAT', teamId: TEAM };
    const reset = async (minute: number, id: string, outcome: Pick<AuditEntry, 'outcome' | 'incomplete'>) => {
      const requestId = `${at(minute).toISOString()}_0000000000${id}`;
      const step = { requestId, action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-cat' };
      await h.writeAudit({ ...step, phase: 'attempt' }, at(minute));
      await h.writeAudit({ ...step, phase: 'outcome', ...outcome }, at(minute));
      await h.writeAudit({ ...step, phase: 'outcome', ...outcome, deliveryFailed: true, restated: true }, at(minute));
    };
    try {
      await reset(1, 'b1', { outcome: 'success' });
      await reset(2, 'b2', { outcome: 'partial', incomplete: [{ step: 'signOut', code: 'DIRECTORY_UNAVAILABLE' }] });
      expect((await h.auditRecords('UCAT')).map((r) => r.sk.split('#')[1])).toEqual(['1-claim', '2-outcome', '3-restated', '1-claim', '2-outcome', '3-restated']);
      const admin = textOf((await h.openHome('UADA')).home);
      expect(admin).toContain('*Meeting PIN reset*: 2 done');
      expect(admin.split('*Done, but a step after the change failed* · ').length - 1).toBe(1);

      const { page1 } = await searchAudit(h, 'UADA', 'UCAT', day, day);
      const lines = (page1.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line).toContain('not shown to the person (Slack failed)');
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it('a reset recorded just before midnight, whose outcome is written again just after, is counted on its own day only: the next day\'s Today does not count it again', async () => {
    // Days of their own, before both tests above' (today's and yesterday's).
    const day = new Date(Date.now() - 4 * 86_400_000).toISOString().slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
    const at = (time: string) => new Date(Date.parse(time));
    const actor = { userId: 'UDAN', teamId: TEAM };
    const step = (requestId: string) => ({ requestId, action: 'reset_pin', actor, directory: 'chime', directoryUserId: 'chime-dan' });
    const late = step(`${day}T23:59:58.000Z_0000000000c1`);
    await h.writeAudit({ ...late, phase: 'attempt' }, at(`${day}T23:59:58.000Z`));
    await h.writeAudit({ ...late, phase: 'outcome', outcome: 'partial', incomplete: [{ step: 'signOut', code: 'DIRECTORY_UNAVAILABLE' }] }, at(`${day}T23:59:59.000Z`));
    await h.writeAudit({ ...late, phase: 'outcome', outcome: 'partial', incomplete: [{ step: 'signOut', code: 'DIRECTORY_UNAVAILABLE' }], deliveryFailed: true, restated: true }, at(`${next}T00:00:01.000Z`));
    // The next day's own reset, so that its Today has a count to read.
    const own = step(`${next}T00:01:00.000Z_0000000000c2`);
    await h.writeAudit({ ...own, phase: 'attempt' }, at(`${next}T00:01:00.000Z`));
    await h.writeAudit({ ...own, phase: 'outcome', outcome: 'success' }, at(`${next}T00:01:01.000Z`));
    try {
      h.clock.offsetMs = Date.parse(`${day}T23:59:59.500Z`) - Date.now();
      expect(textOf((await h.openHome('UADA')).home)).toContain('*Meeting PIN reset*: 1 done');
      h.clock.offsetMs = Date.parse(`${next}T00:09:00.000Z`) - Date.now();
      const admin = textOf((await h.openHome('UADA')).home);
      expect(admin).toContain('*Meeting PIN reset*: 1 done');
      expect(admin).not.toContain('*Meeting PIN reset*: 2 done');
      // Its step that failed is one item still, from the day its outcome was first written.
      expect(admin.split('*Done, but a step after the change failed* · ').length - 1).toBe(1);
    } finally {
      h.clock.offsetMs = 0;
    }
  });
});

describe("the audit search: a pending request's steps", () => {
  const h = useHarness({ env: { RESET_POLICY: 'pin=approval' } }, (x) => x.slack.clear());
  const decide = (decision: string, comment?: string) => ({
    decision: { decision: { type: 'radio_buttons', selected_option: { value: decision } } },
    comment: { comment: { type: 'plain_text_input', value: comment ?? null } },
  });

  /** `userId` asks for a PIN reset, and Ada denies it. */
  async function deniedReset(userId: string) {
    const opened = await h.open('/reset-pin', userId);
    await h.submit(userId, opened.view);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(`<@${userId}>`));
    const review = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    const message = { channel: post.result!.channel as string, ts: post.result!.ts as string };
    const form = await h.opening((trigger) => h.click('UADA', 'license_review', review.value, message, trigger));
    await h.submit('UADA', form.view, { values: decide('deny', 'Call the helpdesk instead') });
    await h.waitForAudit('UADA', (r) => r.action === 'reset_decide' && r.phase === 'outcome' && r.approvalRequestId === review.value);
  }

  /** `userId` asks for a license change, and Ada denies it; returns its request's ID. */
  async function deniedLicense(userId: string): Promise<string> {
    const requestId = await asksForLicense(h, userId);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(requestId));
    const form = await h.opening((trigger) => h.click('UADA', 'license_review', requestId, { channel: post.result!.channel as string, ts: post.result!.ts as string }, trigger));
    await h.submit('UADA', form.view, { values: decide('deny', 'Not this quarter') });
    await h.waitForAudit('UADA', (r) => r.action === 'license_decide' && r.phase === 'outcome' && r.approvalRequestId === requestId);
    return requestId;
  }

  it("name the credential in its plug-in's words, and the requester once when they asked for themselves", async () => {
    await deniedReset('UANN');
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const lines = (page: Record<string, any>) => (page.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);

    const asked = lines((await searchAudit(h, 'UADA', 'UANN', yesterday, today)).page1);
    expect(asked).toHaveLength(1);
    // Before: '*Reset request* by <@UANN> for <@UANN>'.
    expect(asked[0]).toContain('*Meeting PIN reset request* by <@UANN> · ');
    const decided = lines((await searchAudit(h, 'UADA', 'UADA', yesterday, today)).page1);
    expect(decided.find((l) => l.includes('Meeting PIN reset decision'))).toContain('*Meeting PIN reset decision* by <@UADA> for <@UANN> · :no_entry: Denied');
  });

  it("a request's line says how it ended, as its requester's own Home tab does, not only that it was sent", async () => {
    await deniedLicense('UBOB');
    h.slack.clear();
    await deniedReset('UBOB');
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

    const { page1 } = await searchAudit(h, 'UADA', 'UBOB', yesterday, today);
    const lines = (page1.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    // Before: each ':outbox_tray: Sent to the admins', while Bob's own Home tab said Denied.
    expect(lines.find((l) => l.includes('*License change request*'))).toContain('by <@UBOB> · :no_entry: Denied');
    expect(lines.find((l) => l.includes('*Meeting PIN reset request*'))).toContain('by <@UBOB> · :no_entry: Denied');
    expect(textOf((await h.openHome('UBOB')).home)).toContain(':no_entry: Denied');
  });

  it("a requester's line says who decided their request, and when, though the decision is audited under the admin; so does one the approvals store no longer holds", async () => {
    await deniedReset('UANN');
    const today = new Date().toISOString().slice(0, 10);
    const lines = (page: Record<string, any>) => (page.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    const asked = lines((await searchAudit(h, 'UADA', 'UANN', today, today)).page1);
    // Before: '… by <@UANN> · :no_entry: Denied', and nothing of Ada.
    expect(asked.find((l) => l.includes('*Meeting PIN reset request*'))).toMatch(/by <@UANN> · :no_entry: Denied\nReference `[^`]+` · Denied by <@UADA> <!date\^\d+\^/);

    // Records alone (its stored request gone, as 90 days past its time): UOLD asked on 2026-03-02, UMAX approved the next day.
    const actor = { userId: 'UOLD', teamId: TEAM };
    const pending = '2026-03-02T09:00:00.000Z_00000000old0';
    const request = { action: 'license_request', actor, subject: actor, directory: 'chime', directoryUserId: 'chime-old', approvalRequestId: pending, licenseFrom: 'Basic', licenseTo: 'Pro' } as const;
    await h.writeAudit({ ...request, requestId: '2026-03-02T09:00:00.000Z_00000000old1', phase: 'attempt' }, new Date('2026-03-02T09:00:00.000Z'));
    await h.writeAudit({ ...request, requestId: '2026-03-02T09:00:00.000Z_00000000old1', phase: 'outcome', outcome: 'success' }, new Date('2026-03-02T09:00:01.000Z'));
    const decide = { ...request, action: 'license_decide', actor: { userId: 'UMAX', teamId: TEAM }, requestId: '2026-03-03T10:00:00.000Z_00000000old2', decision: 'approve' } as const;
    await h.writeAudit({ ...decide, phase: 'attempt' }, new Date('2026-03-03T10:00:00.000Z'));
    await h.writeAudit({ ...decide, phase: 'outcome', outcome: 'success' }, new Date('2026-03-03T10:00:01.000Z'));
    const old = lines((await searchAudit(h, 'UADA', 'UOLD', '2026-03-02', '2026-03-02')).page1);
    expect(old).toHaveLength(1);
    // Before: ':outbox_tray: Sent to the admins'.
    expect(old[0]).toContain('*License change request* (Basic → Pro) by <@UOLD> · :white_check_mark: Approved\n');
    expect(old[0]).toContain('Approved by <@UMAX> <!date^1772532001^');
  });

  it("everyone's search names the deciding admin once on their decision's line, and on its requester's line says who decided it", async () => {
    await deniedReset('UMAX');
    const today = new Date().toISOString().slice(0, 10);
    const lines = (await everyPage(h, 'UADA', null, today, today)).flat();
    const decision = lines.filter((l) => l.includes('*Meeting PIN reset decision* by <@UADA> for <@UMAX>'));
    expect(decision).toEqual([expect.stringContaining(' · :no_entry: Denied\n>“Call the helpdesk instead”\nReference `')]);
    // Before: "… · Denied by <@UADA> <time>" after its reference, Ada named twice on the line of her own decision.
    expect(decision[0]!.split('<@UADA>')).toHaveLength(2);
    // Max's line of his request says who denied it, and when: there, Ada is someone else.
    expect(lines.find((l) => l.includes('*Meeting PIN reset request* by <@UMAX>'))).toMatch(/ · Denied by <@UADA> <!date\^\d+\^/);
  });

  it("a decision's line quotes what the admin wrote to its requester, a denial's reason, so a reviewer reads why in the log itself: in the admin's search and in everyone's", async () => {
    await deniedReset('UCARL');
    const today = new Date().toISOString().slice(0, 10);
    const decisionOf = (lines: string[]) => lines.find((l) => l.includes('*Meeting PIN reset decision* by <@UADA> for <@UCARL>'));
    const own = (await searchAudit(h, 'UADA', 'UADA', today, today)).page1;
    const ownLines = (own.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    // Before: ':no_entry: Denied', and the reason only in the requester's DM and the admins' message.
    expect(decisionOf(ownLines)).toMatch(/ · :no_entry: Denied\n>“Call the helpdesk instead”\nReference `/);
    expect(decisionOf((await everyPage(h, 'UADA', null, today, today)).flat())).toContain('\n>“Call the helpdesk instead”\n');
    // The requester's own line is the request's, not the decision's: it says who decided, as before.
    expect((await everyPage(h, 'UADA', null, today, today)).flat().find((l) => l.includes('*Meeting PIN reset request* by <@UCARL>'))).not.toContain('Call the helpdesk');
  });

  it("a reset asked for on one day, approved and finished the next, is found by a search of the next day alone, with its outcome: the person's, and everyone's", async () => {
    const opened = await h.open('/reset-pin', 'UCARL');
    await h.submit('UCARL', opened.view);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes('<@UCARL>'));
    const review = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    const asked = new Date().toISOString().slice(0, 10);
    // Ada approves it, and its requester finishes it, a second past the next UTC midnight (within its 24 hours).
    h.clock.toJustPastNext('day');
    try {
      const day2 = h.clock.now().toISOString().slice(0, 10);
      expect(day2).not.toBe(asked);
      const form = await h.opening((trigger) => h.click('UADA', 'license_review', review.value, { channel: post.result!.channel as string, ts: post.result!.ts as string }, trigger));
      await h.submit('UADA', form.view, { values: decide('approve') });
      const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && JSON.stringify(c.args.blocks ?? []).includes('approval_finish'));
      const finish = (dm.args.blocks as any[]).find((b) => b.type === 'actions').elements[0];
      const finished = await h.opening((trigger) => h.click('UCARL', 'approval_finish', finish.value, { channel: dm.result!.channel as string, ts: dm.result!.ts as string }, trigger));
      expect(secretIn(finished.view)).toBeDefined();
      const records = await h.waitForAudit('UCARL', (r) => r.action === 'reset_pin' && r.phase === 'outcome');
      // Written on day 2, under the reference its request was given on day 1.
      expect(records.filter((r) => r.action === 'reset_pin').map((r) => [r.phase, r.day, r.requestId.slice(0, 10)])).toEqual([
        ['attempt', day2, asked],
        ['outcome', day2, asked],
      ]);
      const lines = (page: Record<string, any>) => (page.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);

      // Before: 'None' for the person on the day the PIN was reset.
      const person = lines((await searchAudit(h, 'UADA', 'UCARL', day2, day2)).page1);
      expect(person.find((l) => l.includes('*Meeting PIN reset*'))).toContain('by <@UCARL> · :white_check_mark: Done');
      const everyone = await submitSearch(h, 'UADA', {
        person: { person: { type: 'users_select', selected_user: null } },
        from: { from: { type: 'datepicker', selected_date: day2 } },
        to: { to: { type: 'datepicker', selected_date: day2 } },
      });
      const all = lines(await h.viewUpdate(everyone.formView.id, 2));
      expect(all.find((l) => l.includes('*Meeting PIN reset*') && l.includes('<@UCARL>'))).toContain('by <@UCARL> · :white_check_mark: Done');
      // Day 1 alone still shows what was done that day: the request.
      const first = lines((await searchAudit(h, 'UADA', 'UCARL', asked, asked)).page1);
      expect(first.find((l) => l.includes('*Meeting PIN reset request*'))).toContain('by <@UCARL> · ');
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("a reference finds its request's decision made days later, within the request's time, not only the records of its first two days", async () => {
    const requestId = await asksForLicense(h, 'UBOB');
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(requestId));
    // Ada decides it 60 hours later (its time is 72): two or three days after the reference's.
    h.clock.offsetMs = 60 * 3_600_000;
    try {
      const form = await h.opening((trigger) => h.click('UADA', 'license_review', requestId, { channel: post.result!.channel as string, ts: post.result!.ts as string }, trigger));
      await h.submit('UADA', form.view, { values: decide('deny', 'Not this quarter') });
      await h.waitForAudit('UADA', (r) => r.action === 'license_decide' && r.phase === 'outcome' && r.approvalRequestId === requestId);
      const search = await submitSearch(h, 'UADA', { reference: { reference: { type: 'plain_text_input', value: requestId } }, person: { person: { type: 'users_select', selected_user: null } } });
      const found = await h.viewUpdate(search.formView.id, 2);
      const lines = (found.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
      // Before: only the request's line; the decision, on the third day, was not read.
      expect(lines.find((l) => l.includes('*License change decision*'))).toContain('by <@UADA> for <@UBOB> · :no_entry: Denied');
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("a request withdrawn more than a page of lines later is one line, on its request's page, saying it was withdrawn: the person's search and everyone's", async () => {
    // Carl asks for Pro; 22 refusals of his follow, one a second; a minute after asking, he withdraws it from his DM.
    const asked = await h.asksForLicense('UCARL', { license: 'Pro', reason: 'webinars' });
    const requestId = asked.requestId;
    const at = Date.parse(requestId.slice(0, 24));
    for (let i = 1; i <= 22; i++) {
      const refusedAt = new Date(at + i * 1_000);
      await h.writeAudit({ requestId: `${refusedAt.toISOString()}_${String(i).padStart(12, 'b')}`, phase: 'refused', action: 'reset_pin', actor: { userId: 'UCARL', teamId: TEAM }, errorCode: 'DIRECTORY_USER_NOT_FOUND' }, refusedAt);
    }
    const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUCARL' && JSON.stringify(c.args.blocks ?? []).includes('approval_withdraw'));
    h.clock.offsetMs = 60_000;
    try {
      await h.click('UCARL', 'approval_withdraw', requestId, { channel: dm.result!.channel as string, ts: dm.result!.ts as string });
      await h.waitForAudit('UCARL', (r) => r.action === 'license_withdraw' && r.phase === 'outcome' && r.outcome === 'success');
      const from = requestId.slice(0, 10);
      const to = h.clock.now().toISOString().slice(0, 10);
      for (const person of ['UCARL', null]) {
        const pages = await everyPage(h, 'UADA', person, from, to);
        const found = pages.flatMap((lines, i) => lines.filter((l) => l.includes(requestId)).map((line) => ({ page: i + 1, line })));
        // Before: twice, '*License request withdrawn* … Withdrawn' on page 1 (the withdraw, a minute later), and '*License request*' on page 2.
        expect(found).toHaveLength(1);
        expect(found[0]!.line).toContain('*License change request* (Basic → Pro) by <@UCARL> · :leftwards_arrow_with_hook: Withdrawn; nothing was changed');
        expect(found[0]!.page).toBe(2);
        // Each page but the last is whole: the withdraw took no line of its own.
        expect(pages.slice(0, -1).every((lines) => lines.length === 20)).toBe(true);
      }
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("everyone's search of a day shows each request asked that day as it ended, though its later steps came days after the day searched and the approvals store no longer holds it; one whose end is on no record read says so", async () => {
    // Records alone (requests kept 90 days past their time are gone from the approvals store), all asked on 2026-04-06:
    // Wes withdrew his on the 9th; Max approved Amy's on the 8th and its change was applied then; Nat's has no later step on record.
    const day = '2026-04-06';
    const lic = (userId: string, hour: number) => {
      const actor = { userId, teamId: TEAM };
      const pending = `${day}T${hour}:00:00.000Z_00000000${userId.slice(1).toLowerCase()}0`;
      return { actor, pending, request: { action: 'license_request', actor, subject: actor, directory: 'chime', directoryUserId: `chime-${userId}`, approvalRequestId: pending, licenseFrom: 'Basic', licenseTo: 'Pro' } as const };
    };
    type Entry = Parameters<Harness['writeAudit']>[0];
    const step = async (entry: Omit<Entry, 'phase'>, at: string, outcome: Pick<Entry, 'outcome' | 'errorCode'> = { outcome: 'success' }) => {
      await h.writeAudit({ ...entry, phase: 'attempt' }, new Date(at));
      await h.writeAudit({ ...entry, phase: 'outcome', ...outcome }, new Date(Date.parse(at) + 1_000));
    };
    const wes = lic('UWES', 19);
    await step({ ...wes.request, requestId: `${wes.pending.slice(0, 24)}_0000000wes01` }, wes.pending.slice(0, 24));
    await step({ ...wes.request, action: 'license_withdraw', requestId: '2026-04-09T15:00:00.000Z_0000000wes02' }, '2026-04-09T15:00:00.000Z');
    const amy = lic('UAMY', 10);
    await step({ ...amy.request, requestId: `${amy.pending.slice(0, 24)}_0000000amy01` }, amy.pending.slice(0, 24));
    const max = { userId: 'UMAX', teamId: TEAM };
    await step({ ...amy.request, action: 'license_decide', actor: max, decision: 'approve', requestId: '2026-04-08T11:00:00.000Z_0000000amy02' }, '2026-04-08T11:00:00.000Z');
    await step({ ...amy.request, action: 'license_apply', actor: max, requestId: '2026-04-08T11:00:02.000Z_0000000amy03' }, '2026-04-08T11:00:02.000Z');
    const nat = lic('UNAT', 11);
    await step({ ...nat.request, requestId: `${nat.pending.slice(0, 24)}_0000000nat01` }, nat.pending.slice(0, 24));
    // Max approved Ivy's on the 8th, and its change failed then.
    const ivy = lic('UIVY', 12);
    await step({ ...ivy.request, requestId: `${ivy.pending.slice(0, 24)}_0000000ivy01` }, ivy.pending.slice(0, 24));
    await step({ ...ivy.request, action: 'license_decide', actor: max, decision: 'approve', requestId: '2026-04-08T12:00:00.000Z_0000000ivy02' }, '2026-04-08T12:00:00.000Z');
    await step({ ...ivy.request, action: 'license_apply', actor: max, requestId: '2026-04-08T12:00:02.000Z_0000000ivy03' }, '2026-04-08T12:00:02.000Z', { outcome: 'failure', errorCode: 'DIRECTORY_UNAVAILABLE' });
    // PIN resets: Max approved Rex's on the 8th and revoked it ten minutes later; he approved Zoe's then, and she finished it.
    const reset = (userId: string, hour: number) => {
      const actor = { userId, teamId: TEAM };
      const pending = `${day}T${hour}:00:00.000Z_00000000${userId.slice(1).toLowerCase()}0`;
      return { actor, pending, request: { action: 'reset_request', actor, subject: actor, directory: 'chime', credential: 'pin', approvalRequestId: pending } as const };
    };
    const rex = reset('UREX', 13);
    await step({ ...rex.request, requestId: `${rex.pending.slice(0, 24)}_0000000rex01` }, rex.pending.slice(0, 24));
    await step({ ...rex.request, action: 'reset_decide', actor: max, decision: 'approve', requestId: '2026-04-08T13:00:00.000Z_0000000rex02' }, '2026-04-08T13:00:00.000Z');
    await step({ ...rex.request, action: 'reset_revoke', actor: max, requestId: '2026-04-08T13:10:00.000Z_0000000rex03' }, '2026-04-08T13:10:00.000Z');
    const zoe = reset('UZOE', 14);
    await step({ ...zoe.request, requestId: `${zoe.pending.slice(0, 24)}_0000000zoe01` }, zoe.pending.slice(0, 24));
    await step({ ...zoe.request, action: 'reset_decide', actor: max, decision: 'approve', requestId: '2026-04-08T14:00:00.000Z_0000000zoe02' }, '2026-04-08T14:00:00.000Z');
    await step({ action: 'reset_pin', actor: zoe.actor, directory: 'chime', directoryUserId: 'chime-zoe', approvalRequestId: zoe.pending, requestId: zoe.pending }, '2026-04-08T14:05:00.000Z');

    const lines = (await everyPage(h, 'UADA', null, day, day)).flat();
    const lineOf = (pending: string) => lines.filter((l) => l.includes(pending));
    // Before: ':outbox_tray: Sent to the admins' (withdrawn three days later), ':white_check_mark: Approved' (and applied, two days later).
    expect(lineOf(wes.pending)).toEqual([expect.stringContaining('*License change request* (Basic → Pro) by <@UWES> · :leftwards_arrow_with_hook: Withdrawn; nothing was changed')]);
    expect(lineOf(amy.pending)).toEqual([expect.stringContaining('*License change request* (Basic → Pro) by <@UAMY> · :white_check_mark: Approved and applied')]);
    // Before: ':outbox_tray: Sent to the admins', as though it still waited.
    expect(lineOf(nat.pending)).toEqual([
      expect.stringContaining('by <@UNAT> · :grey_question: Sent to the admins. No decision or withdrawal of it is on record in the week after, and where it stands is no longer kept: it may have expired, or been decided later.'),
    ]);
    expect(lineOf(ivy.pending)).toEqual([expect.stringContaining('*License change request* (Basic → Pro) by <@UIVY> · :warning: Approved, but the change failed.')]);
    expect(lineOf(rex.pending)).toEqual([expect.stringContaining('*Meeting PIN reset request* by <@UREX> · :no_entry: Approved, then revoked by <@UMAX>; nothing was changed')]);
    expect(lineOf(zoe.pending).find((l) => l.includes('*Meeting PIN reset request*'))).toContain('by <@UZOE> · :white_check_mark: Approved and finished\n');
    // A person's search says the same.
    const wesOwn = (await everyPage(h, 'UADA', 'UWES', day, day)).flat();
    expect(wesOwn).toEqual([expect.stringContaining('*License change request* (Basic → Pro) by <@UWES> · :leftwards_arrow_with_hook: Withdrawn; nothing was changed')]);
  });

  it("a search shows an approved reset whose Finish stopped before anything was sent (its approval handed back), and that nobody finished after, as not finished and nothing changed, never as a change that failed", async () => {
    // Records alone, the request gone from the approvals store: Uma asked on 2026-04-13, Max approved it
    // the next day, and her Finish then ran out of time before the change was sent (OUT_OF_TIME: the
    // approval was handed back to her), and no Finish after it is on record.
    const day = '2026-04-13';
    const uma = { userId: 'UUMA', teamId: TEAM };
    const max = { userId: 'UMAX', teamId: TEAM };
    const pending = `${day}T09:00:00.000Z_000000000uma0`;
    type Entry = Parameters<Harness['writeAudit']>[0];
    const step = async (entry: Omit<Entry, 'phase'>, at: string, outcome: Pick<Entry, 'outcome' | 'errorCode'> = { outcome: 'success' }) => {
      await h.writeAudit({ ...entry, phase: 'attempt' }, new Date(at));
      await h.writeAudit({ ...entry, phase: 'outcome', ...outcome }, new Date(Date.parse(at) + 1_000));
    };
    const request = { action: 'reset_request', actor: uma, subject: uma, directory: 'chime', credential: 'pin', approvalRequestId: pending } as const;
    await step({ ...request, requestId: `${day}T09:00:00.000Z_0000000uma01` }, `${day}T09:00:00.000Z`);
    await step({ ...request, action: 'reset_decide', actor: max, decision: 'approve', requestId: '2026-04-14T10:00:00.000Z_0000000uma02' }, '2026-04-14T10:00:00.000Z');
    await step(
      { action: 'reset_pin', actor: uma, directory: 'chime', directoryUserId: 'chime-uma', approvalRequestId: pending, requestId: '2026-04-14T10:05:00.000Z_0000000uma03' },
      '2026-04-14T10:05:00.000Z',
      { outcome: 'failure', errorCode: 'OUT_OF_TIME' },
    );
    const lines = (await everyPage(h, 'UADA', null, day, day)).flat();
    const line = lines.find((l) => l.includes(pending) && l.includes('*Meeting PIN reset request*'));
    // Before: ':warning: Approved, but the change failed.'
    expect(line).toContain('by <@UUMA> · :zzz: Approved, but not finished: a Finish stopped before anything was changed, and none after it is on record; nothing was changed');
    expect(line).not.toContain('the change failed');
  });

  it('an admin pastes a reference, with no person picked, and sees that request\'s records, whoever wrote them; its end alone, with no days picked, finds it among the last 7 days', async () => {
    const requestId = await deniedLicense('UBOB');
    // Someone else's request at the same time is not shown.
    await h.open('/reset-pin', 'UNOCHIME');
    const reference = (text: string) => ({ reference: { reference: { type: 'plain_text_input', value: text } }, person: { person: { type: 'users_select', selected_user: null } } });
    const linesOf = (view: Record<string, any>) => (view.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);

    // The request's own reference, as its requester's messages quote it: Bob's request, and Ada's decision.
    const byRequest = await submitSearch(h, 'UADA', reference(requestId));
    expect(JSON.stringify(byRequest.answer.json)).toContain('Searching the audit log');
    const found = await h.viewUpdate(byRequest.formView.id, 2);
    expect(JSON.stringify(found.blocks)).toContain(`The records of reference \`${requestId}\``);
    const lines = linesOf(found);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes('*License change request*'))).toContain('(Basic → Pro) by <@UBOB> · :no_entry: Denied');
    expect(lines.find((l) => l.includes('*License change decision*'))).toContain('(Basic → Pro) by <@UADA> for <@UBOB> · :no_entry: Denied');
    expect(JSON.stringify(found.blocks)).not.toContain('UNOCHIME');

    // Each line gives the request's own reference, never a step's of its own: pasted back (as a line quotes it), the same lines.
    expect(lines.map((l) => /Reference `([^`]+)`/.exec(l)![1])).toEqual([requestId, requestId]);
    const again = await submitSearch(h, 'UADA', reference(`\`${requestId}\``));
    expect(linesOf(await h.viewUpdate(again.formView.id, 2))).toEqual(lines);

    // Its short form (its end) with no days picked: looked for over the last 7 UTC days, today's included.
    const byEnd = await submitSearch(h, 'UADA', reference(requestId.split('_')[1]!.slice(-6)));
    // Before: { response_action: 'errors', errors: { to: 'Pick the days to look for this short reference in.' } }
    expect(JSON.stringify(byEnd.answer.json)).toContain('Searching the audit log');
    expect(linesOf(await h.viewUpdate(byEnd.formView.id, 2))).toEqual(lines);
    // Neither a reference nor days.
    const neither = await submitSearch(h, 'UADA', reference(''));
    const PICK = 'Pick a day here, or paste a reference above.';
    expect(neither.answer.json).toEqual({ response_action: 'errors', errors: { from: PICK, to: PICK } });
  });

  it('a reference pasted with the label Latchkey prints before it ("Reference: `…`") is searched; any other words before it are still refused', async () => {
    const requestId = await deniedLicense('UBOB');
    const reference = (text: string) => ({ reference: { reference: { type: 'plain_text_input', value: text } }, person: { person: { type: 'users_select', selected_user: null } } });
    // As the messages, windows and Home tab print it, copied whole (Slack's copy may keep or drop the backticks).
    const pasted = [
      `Reference: \`${requestId}\``,
      ` reference: ${requestId} `,
      `Reference \`${requestId}\``,
      `REFERENCE:${requestId}`,
      `Reference of the latest \`${requestId}\``,
      `Your open request's reference: \`${requestId}\``,
      // As the messages now print it, its short form after it.
      `Reference: \`${requestId}\` (short: *${requestId.slice(-6)}*, 6 Dec UTC)`,
    ];
    for (const text of pasted) {
      const search = await submitSearch(h, 'UADA', reference(text));
      // Before: { response_action: 'errors', errors: { reference: 'That is not a reference. Paste it whole, such as …' } }
      expect(JSON.stringify(search.answer.json)).toContain('Searching the audit log');
      const found = await h.viewUpdate(search.formView.id, 2);
      expect(JSON.stringify(found.blocks)).toContain(`The records of reference \`${requestId}\``);
      expect(JSON.stringify(found.blocks)).toContain('*License change request*');
    }
    // Nothing looser: other words, or a label with no whole reference after it, are refused as before.
    for (const text of [`Ref: ${requestId}`, `Request ${requestId}`, `Reference: ${requestId} please`, `References ${requestId}`, `the reference \`${requestId}\``, 'Reference:']) {
      const refused = await submitSearch(h, 'UADA', reference(text));
      expect(refused.answer.json).toEqual({ response_action: 'errors', errors: { reference: expect.stringContaining('That is not a reference. Give its last 6 characters') } });
    }
    const labelledEnd = await submitSearch(h, 'UADA', reference(`Reference: \`${requestId.split('_')[1]}\``));
    expect(JSON.stringify(labelledEnd.answer.json)).toContain('Searching the audit log');
    expect(JSON.stringify((await h.viewUpdate(labelledEnd.formView.id, 2)).blocks)).toContain('*License change request*');
  });

  it("an admin given a short reference over the phone (a reference's last 6 characters) finds its request among the days picked; two with the same end both, each by its whole reference; none outside those days, saying what to try", async () => {
    // Written as its requester's reset would be, on the days their references start with.
    const ann = '2026-03-02T08:01:00.000Z_aaaaaac0ffee';
    const ben = '2026-03-02T09:30:00.000Z_bbbbbbc0ffee';
    const cat = '2026-03-05T10:00:00.000Z_cccccc5ca1ab';
    await writeDonePinReset(h, 'UANN', ann, new Date('2026-03-02T08:01:00.000Z'), new Date('2026-03-02T08:01:02.000Z'));
    await writeDonePinReset(h, 'UBEN', ben, new Date('2026-03-02T09:30:00.000Z'), new Date('2026-03-02T09:30:02.000Z'));
    await writeDonePinReset(h, 'UCAT', cat, new Date('2026-03-05T10:00:00.000Z'), new Date('2026-03-05T10:00:02.000Z'));
    const short = (text: string, from: string, to: string) => ({
      reference: { reference: { type: 'plain_text_input', value: text } },
      person: { person: { type: 'users_select', selected_user: null } },
      from: { from: { type: 'datepicker', selected_date: from } },
      to: { to: { type: 'datepicker', selected_date: to } },
    });
    const found = async (text: string, from: string, to: string) => {
      const search = await submitSearch(h, 'UADA', short(text, from, to));
      // Before: { response_action: 'errors', errors: { reference: 'Paste the whole reference, time and all …' } }
      expect(JSON.stringify(search.answer.json)).toContain('Searching the audit log');
      const view = await h.viewUpdate(search.formView.id, 2);
      const lines = (view.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
      return { text: JSON.stringify(view.blocks), lines };
    };

    // On its day, as read out (capitals too): that request, by its whole reference.
    const one = await found('5CA1AB', '2026-03-05', '2026-03-05');
    expect(one.text).toContain('The requests whose reference ends with `5ca1ab`, from *2026-03-05* to *2026-03-05* (UTC days):');
    expect(one.lines).toHaveLength(1);
    expect(one.lines[0]).toContain('by <@UCAT>');
    expect(one.lines[0]).toContain(`Reference \`${cat}\``);

    // Its short form as the message prints it, copied alone (bold or not): looked for as that short form, not dropped for everyone's search.
    // (Its day left out here: pasted with it, that day is searched, whatever the days picked; see "the day pasted with it".)
    for (const pasted of ['(short: *5ca1ab*)', ' (short: 5CA1AB) ']) {
      const alone = await found(pasted, '2026-03-05', '2026-03-05');
      // Before: "What everyone did from *2026-03-05* …", the text typed ignored.
      expect(alone.text).toContain('The requests whose reference ends with `5ca1ab`, from *2026-03-05* to *2026-03-05* (UTC days):');
      expect(alone.lines).toEqual(one.lines);
    }

    // Two requests whose references end alike: both, each with its whole reference, and the admin told to ask which.
    const two = await found('c0ffee', '2026-03-01', '2026-03-03');
    expect(two.lines).toHaveLength(2);
    expect(two.lines.map((l) => /Reference `([^`]+)`/.exec(l)![1])).toEqual([ben, ann]);
    expect(two.text).toContain('More than one request ends so: each line gives its whole reference.');

    // Outside the days picked: nothing, and what to try.
    const none = await found('5ca1ab', '2026-03-01', '2026-03-03');
    expect(none.lines).toEqual([]);
    expect(none.text).toContain('None: no record of those days has a reference ending so. Check the day the message gave with its short reference');
    expect(none.text).not.toContain('UCAT');

    // Too short, not hex, or over more days than everyone's search: refused on the form, saying what to give.
    const refused = async (text: string, from = '2026-03-01', to = '2026-03-03') => (await submitSearch(h, 'UADA', short(text, from, to))).answer.json;
    expect(await refused('c0ffe')).toEqual({ response_action: 'errors', errors: { reference: 'Too short: give at least the last 6 characters of the reference (such as 4facda), or paste it whole.' } });
    expect(await refused('zz0ffee')).toEqual({
      response_action: 'errors',
      errors: { reference: expect.stringContaining('That is not a reference. Give its last 6 characters (0-9 and a-f, such as 4facda), or paste it whole') },
    });
    expect(await refused('c0ffee', '2026-03-01', '2026-03-09')).toEqual({ response_action: 'errors', errors: { to: 'Look for a short reference over at most 7 days, or paste it whole.' } });
  });

  it("a short form with no days picked is looked for over the last 7 UTC days, one Query of each, the results saying so; pasted with the day its message prints, that day (and the day after) instead, whatever the days picked", async () => {
    const DAY = 86_400_000;
    const now = h.clock.now();
    const dayOf = (at: Date) => at.toISOString().slice(0, 10);
    const week = Array.from({ length: 7 }, (_, i) => dayOf(new Date(now.getTime() - (6 - i) * DAY)));
    // Two requests this week ending alike (today's, and three days ago), one eight days ago ending so too, and one
    // 20 days ago begun at 23:55 UTC whose records are of the day after.
    const at = (daysAgo: number, time: string) => new Date(`${dayOf(new Date(now.getTime() - daysAgo * DAY))}T${time}Z`);
    const todays = new Date(Math.min(now.getTime() - 60_000, at(0, '00:00:00.000').getTime() + 1_000));
    const ann = `${todays.toISOString()}_aaaaaa5e7e11`;
    const ben = `${at(3, '09:00:00.000').toISOString()}_bbbbbb5e7e11`;
    const cat = `${at(8, '09:00:00.000').toISOString()}_cccccc5e7e11`;
    const dan = `${at(20, '23:55:00.000').toISOString()}_dddddd0da7ed`;
    await writeDonePinReset(h, 'UANN', ann, todays, todays);
    await writeDonePinReset(h, 'UBEN', ben, new Date(ben.slice(0, 24)), new Date(ben.slice(0, 24)));
    await writeDonePinReset(h, 'UCAT', cat, new Date(cat.slice(0, 24)), new Date(cat.slice(0, 24)));
    await writeDonePinReset(h, 'UDAN', dan, new Date(Date.parse(dan.slice(0, 24)) + 7 * 60_000), new Date(Date.parse(dan.slice(0, 24)) + 7 * 60_000 + 2_000));
    const values = (text: string, days?: { from?: string; to?: string }) => ({
      reference: { reference: { type: 'plain_text_input', value: text } },
      person: { person: { type: 'users_select', selected_user: null } },
      ...(days?.from && { from: { from: { type: 'datepicker', selected_date: days.from } } }),
      ...(days?.to && { to: { to: { type: 'datepicker', selected_date: days.to } } }),
    });
    const daysLogged = () => JSON.parse(h.logs.filter((l) => l.includes("audit looked up by a reference's end")).at(-1)!).days as string[];
    const found = async (text: string, days?: { from?: string; to?: string }) => {
      const search = await submitSearch(h, 'UADA', values(text, days));
      // Before: { response_action: 'errors', errors: { to: 'Pick the days to look for this short reference in.' } }
      expect(JSON.stringify(search.answer.json)).toContain('Searching the audit log');
      const view = await h.viewUpdate(search.formView.id, 2);
      const lines = (view.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => /Reference `([^`]+)`/.exec(b.text.text)![1]);
      return { text: JSON.stringify(view.blocks), lines, days: daysLogged() };
    };

    // No days: the last 7 UTC days, today's included, one Query of each (no day after today's).
    const recent = await found('5e7e11');
    expect(recent.lines).toEqual([ann, ben]);
    expect(recent.text).toContain(`The requests whose reference ends with \`5e7e11\`, from *${week[0]}* to *${week[6]}*, the last 7 UTC days (no days were picked):`);
    expect(recent.days).toEqual(week);
    expect(recent.text).not.toContain('UCAT');
    // None there: said, with the day to ask for.
    const none = await found('0da7ed');
    expect(none.lines).toEqual([]);
    expect(none.text).toContain('None: no record of the last 7 days has a reference ending so. Ask the person for the day their message gives with it (such as \\"6 Dec UTC\\") and pick that day');

    // Pasted as the message prints it, with its day (20 days ago): that day and the day after are read, with no days picked or the form's week.
    const short = shortRequestId(dan)!;
    expect(short.end).toBe('0da7ed');
    for (const [pasted, days] of [
      [`(short: *${short.end}*, ${short.day} UTC)`, undefined],
      [`${short.end}, ${short.day} UTC`, undefined],
      [` ${short.end.toUpperCase()}, ${short.day.toLowerCase()} `, { from: week[0], to: week[6] }],
    ] as const) {
      const byDay = await found(pasted, days);
      // Before: "That is not a reference…" (without the brackets), or none found among the days picked.
      expect(byDay.lines).toEqual([dan]);
      expect(byDay.text).toContain(`The requests whose reference ends with \`0da7ed\`, on *${dan.slice(0, 10)}*, the UTC day given with it (and the day after, for clicks past midnight):`);
      expect(byDay.days).toEqual([dan.slice(0, 10), dayOf(new Date(Date.parse(dan.slice(0, 10)) + DAY))]);
    }
    const notThere = await found(`(short: *5e7e11*, ${shortRequestId(dan)!.day} UTC)`);
    expect(notThere.lines).toEqual([]);
    expect(notThere.text).toContain('None: no record of that day or the day after (read too, for clicks past midnight) has a reference ending so. Check the short form and its day with the person, or paste the whole reference.');

    // A day that is none, or one day picked of two: refused on the form, saying what to give.
    const refused = async (text: string, days?: { from?: string; to?: string }) => (await submitSearch(h, 'UADA', values(text, days))).answer.json;
    expect(await refused('0da7ed, 31 Feb UTC')).toEqual({
      response_action: 'errors',
      errors: { reference: 'That day is not one a message gives: paste it as printed, such as 4facda, 5 Dec UTC, or give the short form alone.' },
    });
    expect(await refused('0da7ed', { from: week[0] })).toEqual({ response_action: 'errors', errors: { to: 'Pick both days, or neither to look for this short reference over the last 7 days.' } });

    // Someone not an admin submitting the same by hand: refused, nothing read.
    const lookUps = h.logs.filter((l) => l.includes("audit looked up by a reference's end")).length;
    const refusals = h.logs.filter((l) => l.includes('refused: not an admin')).length;
    await h.submit('UBOB', { id: 'VFAKE', callback_id: 'audit_search', type: 'modal', private_metadata: '' }, { values: values('5e7e11') });
    await h.waitForLogs('refused: not an admin', refusals + 1);
    expect(h.logs.filter((l) => l.includes("audit looked up by a reference's end")).length).toBe(lookUps);
  });

  it("a short form whose day is the evening before its records (a reset begun at 23:55 UTC, clicked past midnight) is found on the day its message gives; one taken the day after is not", async () => {
    const evening = '2026-03-09T23:55:00.000Z_dddddd0dd1ce';
    const morning = '2026-03-10T08:00:00.000Z_eeeeee0dd1ce';
    await writeDonePinReset(h, 'UDAN', evening, new Date('2026-03-10T00:02:00.000Z'), new Date('2026-03-10T00:02:02.000Z'));
    await writeDonePinReset(h, 'UEVE', morning, new Date('2026-03-10T08:00:00.000Z'), new Date('2026-03-10T08:00:02.000Z'));
    const search = await submitSearch(h, 'UADA', {
      reference: { reference: { type: 'plain_text_input', value: '0dd1ce' } },
      person: { person: { type: 'users_select', selected_user: null } },
      from: { from: { type: 'datepicker', selected_date: '2026-03-09' } },
      to: { to: { type: 'datepicker', selected_date: '2026-03-09' } },
    });
    const view = await h.viewUpdate(search.formView.id, 2);
    const lines = (view.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    // Before: [] ("None: no record of those days has a reference ending so").
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('by <@UDAN>');
    expect(lines[0]).toContain(`Reference \`${evening}\``);
    expect(JSON.stringify(view.blocks)).not.toContain('UEVE');
  });

  it("more requests than a page ending with the same short form: the newest 20 shown, and the admin told to give more of the reference", async () => {
    const references = Array.from({ length: 21 }, (_, i) => `2026-03-12T08:${String(i).padStart(2, '0')}:00.000Z_${String(i).padStart(6, '0')}abc123`);
    for (const reference of references) await writeDonePinReset(h, 'UFAY', reference, new Date(reference.slice(0, 24)), new Date(Date.parse(reference.slice(0, 24)) + 2_000));
    const search = await submitSearch(h, 'UADA', {
      reference: { reference: { type: 'plain_text_input', value: 'abc123' } },
      person: { person: { type: 'users_select', selected_user: null } },
      from: { from: { type: 'datepicker', selected_date: '2026-03-12' } },
      to: { to: { type: 'datepicker', selected_date: '2026-03-12' } },
    });
    const view = await h.viewUpdate(search.formView.id, 2);
    const lines = (view.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    expect(lines.map((l) => /Reference `([^`]+)`/.exec(l)![1])).toEqual(references.slice(1).reverse());
    // Before: the oldest left out with nothing said.
    expect(JSON.stringify(view.blocks)).toContain('More than 20 requests end so: only the newest 20 are shown. Give more of the reference (up to 12 characters), or paste it whole.');
  });

  it("a pending license request's short form, and a pending approval reset's, as their requesters' messages print them, find each request on its day, by its whole reference", async () => {
    const byEnd = async (reference: string) => {
      const day = reference.slice(0, 10);
      const search = await submitSearch(h, 'UADA', {
        reference: { reference: { type: 'plain_text_input', value: reference.slice(-6) } },
        person: { person: { type: 'users_select', selected_user: null } },
        from: { from: { type: 'datepicker', selected_date: day } },
        to: { to: { type: 'datepicker', selected_date: day } },
      });
      expect(JSON.stringify(search.answer.json)).toContain('Searching the audit log');
      const view = await h.viewUpdate(search.formView.id, 2);
      return (view.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
    };
    // Asked through /request-license: its steps are audited under references of their own, its own only in approvalRequestId.
    const license = await asksForLicense(h, 'UCARL');
    const licenseLines = await byEnd(license);
    // Before: [] ("None: no record of those days has a reference ending so").
    expect(licenseLines).toHaveLength(1);
    expect(licenseLines[0]).toContain('*License change request*');
    expect(licenseLines[0]).toContain('by <@UCARL>');
    expect(licenseLines[0]).toContain(`Reference \`${license}\``);

    // A PIN reset asked under the approval policy, still waiting for the admins.
    h.slack.clear();
    const opened = await h.open('/reset-pin', 'UCARL');
    await h.submit('UCARL', opened.view);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes('<@UCARL>'));
    const reset = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
    await h.waitForAudit('UCARL', (r) => r.action === 'reset_request' && r.phase === 'outcome' && r.approvalRequestId === reset);
    const resetLines = await byEnd(reset);
    expect(resetLines).toHaveLength(1);
    expect(resetLines[0]).toContain('*Meeting PIN reset request* by <@UCARL>');
    expect(resetLines[0]).toContain(`Reference \`${reset}\``);
  });

  it("New search after a reference opens a blank form; a reference and a person both given: the reference is searched, and the results say the person was not", async () => {
    const requestId = await deniedLicense('UBOB');
    await deniedReset('UANN');
    const byReference = await submitSearch(h, 'UADA', { reference: { reference: { type: 'plain_text_input', value: requestId } }, person: { person: { type: 'users_select', selected_user: null } } });
    const found = await h.viewUpdate(byReference.formView.id, 2);
    expect(found.submit.text).toBe('New search');

    // Before: the form came back with the reference filled in, so picking Ann and searching found Bob's request again.
    const renewed = await h.submit('UADA', { ...found, id: byReference.formView.id }, {});
    const form = (renewed.json as any).view;
    expect(form.callback_id).toBe('audit_search');
    const reference = form.blocks.find((b: any) => b.block_id === 'reference');
    expect(reference.element.initial_value).toBeUndefined();
    expect(form.blocks.find((b: any) => b.block_id === 'person').element.initial_user).toBeUndefined();

    // Both given (a reference left in the field, and Ann picked): the results say which was searched, and that Ann was not.
    const today = new Date().toISOString().slice(0, 10);
    const both = await h.submit('UADA', { ...form, id: byReference.formView.id }, {
      values: {
        reference: { reference: { type: 'plain_text_input', value: requestId } },
        person: { person: { type: 'users_select', selected_user: 'UANN' } },
        from: { from: { type: 'datepicker', selected_date: today } },
        to: { to: { type: 'datepicker', selected_date: today } },
      },
    });
    expect(JSON.stringify(both.json)).toContain('Searching the audit log');
    const results = JSON.stringify((await h.viewUpdate(byReference.formView.id, 3)).blocks);
    expect(results).toContain(`The records of reference \`${requestId}\``);
    expect(results).toContain('Searched by reference only: <@UANN> and the days picked were not searched. To search by person, leave the reference empty.');
  });
});

describe('the audit search while the approvals store does not answer', () => {
  const APPROVALS_TABLE = 'latchkey-approvals-unanswered';
  const h = useHarness({ awsRequestTimeoutMs: 1_000, dynamoGate: true, env: { APPROVALS_TABLE_NAME: APPROVALS_TABLE } }, (x) => x.slack.clear());
  /**
   * Ada's search of one day's records (of `person`, or everyone's), with the DynamoDB calls `held` left unanswered until its
   * first page is shown: that page's lines naming `reference`.
   */
  const searchLinesWhileHeld = async (person: string | null, day: string, held: (call: DynamoCall) => boolean, reference: string, withinMs: number) => {
    const release = h.dynamoGate.hold(held);
    try {
      const { formView } = await submitSearch(h, 'UADA', {
        person: { person: { type: 'users_select', selected_user: person } },
        from: { from: { type: 'datepicker', selected_date: day } },
        to: { to: { type: 'datepicker', selected_date: day } },
      });
      const page = await h.viewUpdate(formView.id, 2, withinMs);
      return (page.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes(reference)).map((b) => b.text.text as string);
    } finally {
      release();
    }
  };

  it("a request whose end nothing read says is shown as not known just now, not as waiting for the admins", async () => {
    // Records alone: Nia asked on 2026-04-13, and no later step is on record.
    const actor = { userId: 'UNIA', teamId: TEAM };
    const pending = '2026-04-13T11:00:00.000Z_000000000ni0';
    const request = { requestId: '2026-04-13T11:00:00.000Z_000000000ni1', action: 'license_request', actor, subject: actor, directory: 'chime', directoryUserId: 'chime-nia', approvalRequestId: pending, licenseFrom: 'Basic', licenseTo: 'Pro' } as const;
    await h.writeAudit({ ...request, phase: 'attempt' }, new Date('2026-04-13T11:00:00.000Z'));
    await h.writeAudit({ ...request, phase: 'outcome', outcome: 'success' }, new Date('2026-04-13T11:00:01.000Z'));
    const lines = await searchLinesWhileHeld(null, '2026-04-13', (call) => call.operation === 'GetItem' && call.body.includes(`"${APPROVALS_TABLE}"`), pending, 15_000);
    // Before: ':outbox_tray: Sent to the admins', as though it still waited.
    expect(lines).toEqual([expect.stringContaining('by <@UNIA> · :grey_question: Sent to the admins; where it stands could not be read just now. Search again in a few minutes.')]);
    expect(h.dynamoGate.held.length).toBeGreaterThan(0);
  }, 30_000);

  it("an admin's approval whose request the store does not say of, and whose records cannot be read either: its line says whether another admin revoked it could not be read, never a bare Approved", async () => {
    const ada = { userId: 'UADA', teamId: TEAM };
    const pending = '2026-04-14T09:00:00.000Z_000000000ad0';
    const decide = { requestId: '2026-04-14T09:05:00.000Z_000000000ad1', action: 'reset_decide', actor: ada, subject: { userId: 'UNIA', teamId: TEAM }, approvalRequestId: pending, decision: 'approve' } as const;
    await h.writeAudit({ ...decide, phase: 'attempt' }, new Date('2026-04-14T09:05:00.000Z'));
    await h.writeAudit({ ...decide, phase: 'outcome', outcome: 'success' }, new Date('2026-04-14T09:05:01.000Z'));
    // The store unread, and the Queries that would read the request's records (another admin's revoke among them).
    const lines = await searchLinesWhileHeld(
      'UADA',
      '2026-04-14',
      (call) => (call.operation === 'GetItem' && call.body.includes(`"${APPROVALS_TABLE}"`)) || (call.operation === 'Query' && call.body.includes(pending)),
      pending,
      20_000,
    );
    // Before: ':white_check_mark: Approved', an approval read as one that stood.
    expect(lines).toEqual([expect.stringContaining('by <@UADA> for <@UNIA> · :white_check_mark: Approved; whether another admin revoked it later could not be read: search the audit log for its reference')]);
    expect(h.dynamoGate.held.some((call) => call.operation === 'Query' && call.body.includes(pending))).toBe(true);
  }, 40_000);
});

describe('Needs attention: an admin marks an item handled', () => {
  const h = useHarness({}, (x) => x.slack.clear());
  const NOTE = 'Checked Chime: the PIN was changed at 09:12; told Bob by phone';
  /** The Needs attention section of a published tab: from its header to the admin buttons. */
  const attentionIn = (home: Record<string, any>) => {
    const blocks = home.blocks as any[];
    const from = blocks.findIndex((b) => b.type === 'header' && b.text.text === 'Needs attention (7 days)');
    return blocks.slice(from, blocks.findIndex((b, i) => i > from && b.type === 'actions'));
  };
  const lineOf = (home: Record<string, any>, reference: string) => attentionIn(home).find((b) => String(b.text?.text).includes(reference));
  const handledRecords = async (userId: string) => (await h.auditRecords(userId)).filter((r) => r.action === 'attention_handled');

  /** `admin` clicks Mark handled on the line of `reference` in their tab; returns the modal Slack opened. */
  async function markHandledForm(admin: string, reference: string) {
    const { home } = await h.openHome(admin);
    const button = lineOf(home, reference)?.accessory;
    expect(button).toMatchObject({ type: 'button', action_id: 'home_attention_handled', text: { text: 'Mark handled' } });
    const opened = await h.opening((t) => h.clickIn(admin, button.action_id, button.value, { view: home, triggerId: t }));
    return { button, form: opened.view };
  }

  /** …then submits it with `note`; returns the modal's result and the tab published anew after it. */
  async function markHandled(admin: string, reference: string, note: string | null) {
    const { form } = await markHandledForm(admin, reference);
    const published = h.slack.callsTo('views.publish').filter((c) => c.args.user_id === admin).length;
    const answer = await h.submit(admin, form, { values: { note: { note: { type: 'plain_text_input', value: note } } } });
    expect(answer.status).toBe(200);
    const result = await h.viewUpdate(form.id, 2);
    let seen = 0;
    const republished = await h.slack.waitForCall('views.publish', (c) => c.args.user_id === admin && ++seen > published);
    return { result, home: republished.args.view as Record<string, any> };
  }

  it("an item's line, and the Mark handled window it opens, give its reference with the short form and day to read out, as the person's own messages do", async () => {
    const reference = await unknownOutcome('00000a5e7e11');
    const short = shortRequestId(reference)!;
    const printed = `Reference \`${reference}\` (short: *${short.end}*, ${short.day} UTC)`;
    const { home } = await h.openHome('UADA');
    // Before: '…\nReference `2026-…_00000a5e7e11`', its whole reference alone.
    expect(lineOf(home, reference)?.text.text).toContain(printed);
    const { form } = await markHandledForm('UADA', reference);
    expect((form.blocks as any[]).map((b) => String(b.text?.text ?? '')).find((t) => t.includes(reference))).toContain(printed);
  });

  const tenMinutesAgo = () => new Date(Date.now() - 10 * 60_000);
  /** An attempt that stopped midway: an outcome unknown of Bob's. */
  async function unknownOutcome(id: string): Promise<string> {
    const at = tenMinutesAgo();
    const requestId = `${at.toISOString()}_${id}`;
    await h.writeAudit({ requestId, phase: 'attempt', action: 'reset_pin', actor: { userId: 'UBOB', teamId: TEAM }, directory: 'chime', directoryUserId: 'chime-bob' }, at);
    return requestId;
  }

  it('an admin marks an outcome unknown handled with a note: it leaves the list, is counted as handled, and the audit log (and its search) has who, when and the note', async () => {
    const reference = await unknownOutcome('0000000ad001');
    const other = await unknownOutcome('0000000ad002');
    const { form } = await markHandledForm('UADA', reference);
    expect(form.callback_id).toBe('attention_handled');
    expect(JSON.stringify(form.blocks)).toContain(reference);
    expect(JSON.stringify(form.blocks)).toContain('Outcome unknown');

    const { result, home } = await markHandled('UADA', reference, NOTE);
    expect(JSON.stringify(result.blocks)).toContain('Marked handled');
    // Gone from the list; the other one stays; the count says where it went.
    expect(lineOf(home, reference)).toBeUndefined();
    expect(lineOf(home, other)?.text.text).toContain('*Outcome unknown*');
    expect(JSON.stringify(attentionIn(home))).toContain('1 marked handled in the last 7 days');

    // One record, under the admin who clicked (from the signed payload), naming the item, its kind, its person and the note.
    const records = await handledRecords('UADA');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ phase: 'outcome', outcome: 'success', slackUserId: 'UADA', slackTeamId: TEAM, handledRequestId: reference, attentionKind: 'unknown_outcome', subjectSlackUserId: 'UBOB', note: NOTE });
    // Typed text: in the audit record, never in a log line.
    expect(h.logs.join('')).not.toContain('told Bob by phone');

    // The audit search by the item's reference shows who marked it, when, and the note.
    const { formView } = await submitSearch(h, 'UADA', { reference: { reference: { type: 'plain_text_input', value: reference } }, person: { person: { type: 'users_select', selected_user: null } } });
    const found = JSON.stringify((await h.viewUpdate(formView.id, 2)).blocks);
    expect(found).toMatch(/\*Marked handled\* by <@UADA> · Outcome unknown · about <@UBOB>/);
    expect(found).toContain(NOTE);

    // Marked again (a second click from a tab published before): nothing more is written, and it says by whom.
    const again = await h.submit('UADA', { ...form, id: 'VAGAIN' }, { values: { note: { note: { type: 'plain_text_input', value: 'again' } } } });
    expect(again.status).toBe(200);
    expect(JSON.stringify((await h.viewSent('VAGAIN', 1)).blocks)).toContain('already marked handled by <@UADA>');
    expect(await handledRecords('UADA')).toHaveLength(1);
  });

  it("a non-admin's forged click and submit are refused and write nothing; an admin's forged reference changes nothing", async () => {
    const reference = await unknownOutcome('0000000ad003');
    const marked = (await handledRecords('UADA')).length;
    const refusals = h.logs.filter((l) => l.includes('refused: not an admin')).length;
    const { home } = await h.openHome('UBOB');
    expect(JSON.stringify(home.blocks)).not.toContain('home_attention_handled');
    const { view: refused } = await h.opening((t) => h.clickIn('UBOB', 'home_attention_handled', JSON.stringify({ kind: 'unknown_outcome', reference }), { view: home, triggerId: t }));
    await h.waitForLogs('refused: not an admin', refusals + 1);
    expect(JSON.stringify(refused.blocks)).toContain('Only Latchkey admins can mark an item handled.');
    expect(refused.submit).toBeUndefined();

    const forged = { id: 'VFORGED', callback_id: 'attention_handled', type: 'modal', private_metadata: JSON.stringify({ kind: 'unknown_outcome', reference }) };
    expect((await h.submit('UBOB', forged, { values: { note: { note: { type: 'plain_text_input', value: 'done' } } } })).status).toBe(200);
    await h.waitForLogs('refused: not an admin', refusals + 2);
    expect(JSON.stringify((await h.viewSent('VFORGED', 1)).blocks)).toContain('Only Latchkey admins');
    expect(await handledRecords('UBOB')).toEqual([]);

    // An admin's submit naming something that is not on the list (a reference made up, a kind it is not): nothing is written.
    for (const [kind, forgedReference] of [['unknown_outcome', `${new Date().toISOString()}_00000000f0f0`], ['push_rejected', reference], ['unknown_outcome', 'not a reference']] as const) {
      const view = { ...forged, id: `VFORGED_${kind}_${forgedReference.length}`, private_metadata: JSON.stringify({ kind, reference: forgedReference }) };
      await h.submit('UADA', view, { values: { note: { note: { type: 'plain_text_input', value: 'done' } } } });
      expect(JSON.stringify((await h.viewSent(view.id, 1)).blocks)).toContain('not on the Needs attention list');
    }
    expect(await handledRecords('UADA')).toHaveLength(marked);
    // Still listed for every admin.
    expect(lineOf((await h.openHome('UMAX')).home, reference)?.text.text).toContain('*Outcome unknown*');

    // An admin's own item (their session may be someone else's) has no button, and a submit made by hand marks nothing.
    const at = tenMinutesAgo();
    const own = `${at.toISOString()}_0000000ad0ad`;
    await h.writeAudit({ requestId: own, phase: 'attempt', action: 'reset_pin', actor: { userId: 'UADA', teamId: TEAM } }, at);
    const line = lineOf((await h.openHome('UADA')).home, own);
    expect(line.text.text).toContain('Your own: another admin marks it handled.');
    expect(line.accessory).toBeUndefined();
    const byHand = { ...forged, id: 'VFORGED_OWN', private_metadata: JSON.stringify({ kind: 'unknown_outcome', reference: own }) };
    await h.submit('UADA', byHand, { values: { note: { note: { type: 'plain_text_input', value: 'done' } } } });
    expect(JSON.stringify((await h.viewSent(byHand.id, 1)).blocks)).toContain('another admin marks it handled');
    expect(await handledRecords('UADA')).toHaveLength(marked);
  });

  it('a note of what was done is needed: a blank or spaces-only note is refused on the form, and nothing is written', async () => {
    const reference = await unknownOutcome('0000000ad004');
    const marked = (await handledRecords('UADA')).length;
    const { form } = await markHandledForm('UADA', reference);
    // Slack itself asks for it…
    expect(form.blocks.find((b: any) => b.block_id === 'note')).toMatchObject({ type: 'input', optional: false });
    // …and a submission without one (spaces pass Slack's check; a forged one may have none) is refused inline.
    for (const note of [null, '', '   \n\t  ']) {
      const answer = await h.submit('UADA', form, { values: { note: { note: { type: 'plain_text_input', value: note } } } });
      expect(answer.json).toEqual({ response_action: 'errors', errors: { note: 'Say what was done: for example, whom you asked and what they said.' } });
    }
    // The one update that showed the form, and none since.
    expect(h.slack.callsTo('views.update').filter((c) => c.args.view_id === form.id)).toHaveLength(1);
    expect(await handledRecords('UADA')).toHaveLength(marked);
    expect(lineOf((await h.openHome('UADA')).home, reference)?.accessory).toMatchObject({ action_id: 'home_attention_handled' });
  });

  it('a rejected push handled leaves the list; a newer rejection by the same person shows it again, counted from the handled one', async () => {
    const rejected = async (at: Date, id: string) => {
      const requestId = `${at.toISOString()}_${id}`;
      const common = { requestId, action: 'reset_okta_password', actor: { userId: 'UCARL', teamId: TEAM }, directory: 'okta' } as const;
      await h.writeAudit({ ...common, phase: 'attempt' }, at);
      await h.writeAudit({ ...common, phase: 'outcome', outcome: 'failure', errorCode: 'VERIFY_REJECTED', verifier: 'okta_verify', verification: 'rejected' }, at);
      return requestId;
    };
    await rejected(new Date(Date.now() - 40 * 60_000), '00000dec0001');
    const second = await rejected(new Date(Date.now() - 30 * 60_000), '00000dec0002');
    const before = (await h.openHome('UADA')).home;
    expect(lineOf(before, second)?.text.text).toMatch(/Push rejected in Okta Verify\* 2 times · Okta password reset by <@UCARL>/);

    // The modal names whom it is about and when (the latest of the two), besides the kind and reference.
    const { form } = await markHandledForm('UMAX', second);
    const said = JSON.stringify(form.blocks);
    expect(said).toContain('*Push rejected* 2 times · about <@UCARL> · latest <!date^');
    expect(said).toContain(`<!date^${Math.floor(new Date(second.slice(0, 24)).getTime() / 1000)}^`);
    expect(said).toContain(second);

    const { home } = await markHandled('UMAX', second, 'Called Carl: it was him, on a new phone');
    expect(JSON.stringify(attentionIn(home))).not.toContain('<@UCARL>');
    expect((await handledRecords('UMAX'))[0]).toMatchObject({ handledRequestId: second, attentionKind: 'push_rejected', subjectSlackUserId: 'UCARL', slackUserId: 'UMAX' });

    const newer = await rejected(new Date(Date.now() - 60_000), '00000dec0003');
    const after = (await h.openHome('UADA')).home;
    const line = lineOf(after, newer)?.text.text as string;
    expect(line).toMatch(/Push rejected in Okta Verify\* · Okta password reset by <@UCARL>/);
    expect(line).not.toContain('times');
  });
});

describe('Needs attention: a record this version cannot read', () => {
  const h = useHarness({}, (x) => x.slack.clear());
  const attentionIn = (home: Record<string, any>) => {
    const blocks = home.blocks as any[];
    const from = blocks.findIndex((b) => b.type === 'header' && b.text.text === 'Needs attention (7 days)');
    return from < 0 ? [] : blocks.slice(from, blocks.findIndex((b, i) => i > from && b.type === 'actions'));
  };
  const lineOf = (home: Record<string, any>, reference: string) => attentionIn(home).find((b) => String(b.text?.text).includes(reference));

  it("is listed in an admin's Needs attention by its reference, time and person, never its values nor in an employee's tab, and leaves it once marked handled with a note", async () => {
    // Among good records of Bob's: a newer version's (schema v2, a phase this one does not know) and
    // one with a factorType no version writes (its words a mention and a secret-looking text).
    const now = new Date(Date.now() - 10 * 60_000);
    const at = now.toISOString();
    const common = { pk: `ACTOR#${TEAM}#UBOB`, day: at.slice(0, 10), at, action: 'reset_pin', slackUserId: 'UBOB', slackTeamId: TEAM, directory: 'chime', expiresAt: Math.floor(now.getTime() / 1000) + 86_400 };
    const good = `${at}_0000000ca001`;
    await h.writeRawAudit({ ...common, v: 1, requestId: good, sk: `${good}#1-claim`, phase: 'attempt', directoryUserId: 'chime-bob' });
    await h.writeRawAudit({ ...common, v: 1, requestId: good, sk: `${good}#2-outcome`, phase: 'outcome', outcome: 'success' });
    const unknown = `${at}_0000000ca002`;
    await h.writeRawAudit({ ...common, v: 1, requestId: unknown, sk: `${unknown}#1-claim`, phase: 'attempt', directoryUserId: 'chime-bob' });
    const newer = `${at}_0000000ca0b2`;
    await h.writeRawAudit({ ...common, v: 2, requestId: newer, sk: `${newer}#1-claim`, phase: 'handover' });
    const factor = `${at}_0000000caf7c`;
    await h.writeRawAudit({ ...common, v: 1, requestId: factor, sk: `${factor}#2-outcome`, phase: 'outcome', outcome: 'success', factorType: 'push <!channel> code=hunter2' });

    const { home } = await h.openHome('UADA');
    const said = JSON.stringify(attentionIn(home));
    for (const [reference, fields] of [[newer, '`v`, `phase`'], [factor, '`factorType`']] as const) {
      const line = lineOf(home, reference);
      expect(line?.text.text).toContain(`:grey_question: *A record this version of Latchkey cannot read* (its ${fields}) · Meeting PIN reset by <@UBOB> · <!date^${Math.floor(now.getTime() / 1000)}^`);
      expect(line?.text.text).toContain(`look it up with its reference \`${reference}\``);
      expect(line?.accessory).toMatchObject({ type: 'button', action_id: 'home_attention_handled', text: { text: 'Mark handled' } });
    }
    // Each once, after the questions this version can say more of; the good records are not listed.
    expect(said.split(newer)).toHaveLength(3); // its line's text and its button's value
    expect(lineOf(home, unknown)?.text.text).toContain('*Outcome unknown*');
    expect(lineOf(home, good)).toBeUndefined();
    expect(said).not.toContain('hunter2');
    expect(said).not.toContain('handover');
    expect(said).not.toContain('<!channel>');

    // An employee's tab has no Needs attention, and no button to mark anything.
    const own = (await h.openHome('UBOB')).home;
    expect(attentionIn(own)).toEqual([]);
    expect(JSON.stringify(own.blocks)).not.toContain('home_attention_handled');
    expect(JSON.stringify(own.blocks)).not.toContain('Needs attention');

    // Marked handled like any item: the admin's note is kept, and it leaves the list; the other stays.
    const button = lineOf(home, newer).accessory;
    const { view: form } = await h.opening((t) => h.clickIn('UADA', button.action_id, button.value, { view: home, triggerId: t }));
    expect(JSON.stringify(form.blocks)).toContain('*A record this version cannot read* · about <@UBOB>');
    const published = h.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'UADA').length;
    const note = 'Asked IT: written by 2.0 before the rollback, a handover step of a reset Bob asked for';
    expect((await h.submit('UADA', form, { values: { note: { note: { type: 'plain_text_input', value: note } } } })).status).toBe(200);
    expect(JSON.stringify((await h.viewUpdate(form.id, 2)).blocks)).toContain('Marked handled');
    let seen = 0;
    const after = (await h.slack.waitForCall('views.publish', (c) => c.args.user_id === 'UADA' && ++seen > published)).args.view as Record<string, any>;
    expect(lineOf(after, newer)).toBeUndefined();
    expect(lineOf(after, factor)?.text.text).toContain('cannot read');
    expect(JSON.stringify(attentionIn(after))).toContain('1 marked handled in the last 7 days');
    const records = (await h.auditRecords('UADA')).filter((r) => r.action === 'attention_handled');
    expect(records).toEqual([expect.objectContaining({ handledRequestId: newer, attentionKind: 'unreadable', subjectSlackUserId: 'UBOB', note })]);
    expect(lineOf((await h.openHome('UMAX')).home, newer)).toBeUndefined();
    // Nobody was paged for it.
    expect(h.logs.some((l) => l.includes('"alert":true'))).toBe(false);
  });

  it("an attempt whose outcome is on file but cannot be read (a factorType this version does not know) is no outcome unknown: listed once, as a record this version cannot read, and Today counts it apart", async () => {
    // The app's clock at 00:09 of a day of its own, so that Today reads only these records.
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const at = (minute: number) => new Date(Date.parse(`${day}T00:0${minute}:00.000Z`)).toISOString();
    h.clock.offsetMs = Date.parse(at(9)) - Date.now();
    try {
      const common = { v: 1, pk: `ACTOR#${TEAM}#UBOB`, day, action: 'reset_pin', slackUserId: 'UBOB', slackTeamId: TEAM, directory: 'chime', expiresAt: Math.floor(Date.parse(at(9)) / 1000) + 86_400 };
      const read = `${at(1)}_0000000ca5e1`;
      await h.writeRawAudit({ ...common, at: at(1), requestId: read, sk: `${read}#1-claim`, phase: 'attempt', directoryUserId: 'chime-bob' });
      await h.writeRawAudit({ ...common, at: at(1), requestId: read, sk: `${read}#2-outcome`, phase: 'outcome', outcome: 'success', factorType: 'a-factor-of-2.0' });
      // One that stopped midway, beside it: still an outcome unknown.
      const stopped = `${at(2)}_0000000ca5e2`;
      await h.writeRawAudit({ ...common, at: at(2), requestId: stopped, sk: `${stopped}#1-claim`, phase: 'attempt', directoryUserId: 'chime-bob' });

      const { home } = await h.openHome('UADA');
      const lines = attentionIn(home).filter((b) => String(b.text?.text).includes(read)).map((b) => b.text.text as string);
      // Before: two lines, "Outcome unknown" as well, of a reset whose outcome is on record.
      expect(lines).toEqual([expect.stringContaining('*A record this version of Latchkey cannot read* (its `factorType`)')]);
      expect(lineOf(home, stopped)?.text.text).toContain('*Outcome unknown*');
      // Before: "0 done, 2 outcome unknown".
      expect(textOf(home)).toContain('*Meeting PIN reset*: 0 done, 1 outcome unknown, 1 outcome this version cannot read');
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("a record unreadable in fields the day's counts do not use (a push's ID, its retention) is listed in Needs attention, as the audit search shows it, and not counted as done", async () => {
    // The app's clock at 00:09 of a day of its own, so that Today reads only these records.
    const day = new Date(Date.now() + 4 * 86_400_000).toISOString().slice(0, 10);
    const at = (minute: number) => `${day}T00:0${minute}:00.000Z`;
    h.clock.offsetMs = Date.parse(at(9)) - Date.now();
    try {
      const common = { v: 1, pk: `ACTOR#${TEAM}#UBOB`, day, action: 'reset_pin', slackUserId: 'UBOB', slackTeamId: TEAM, directory: 'chime', expiresAt: Math.floor(Date.parse(at(9)) / 1000) + 86_400 };
      // Hand edits of what the counts never read: an outcome's push ID that is no ID, another's retention that is no time.
      const pushId = `${at(1)}_0000000cab01`;
      await h.writeRawAudit({ ...common, at: at(1), requestId: pushId, sk: `${pushId}#1-claim`, phase: 'attempt', directoryUserId: 'chime-bob' });
      await h.writeRawAudit({ ...common, at: at(1), requestId: pushId, sk: `${pushId}#2-outcome`, phase: 'outcome', outcome: 'success', verifierFactorId: 'push <!channel> code=hunter2' });
      const kept = `${at(2)}_0000000cab02`;
      await h.writeRawAudit({ ...common, at: at(2), requestId: kept, sk: `${kept}#1-claim`, phase: 'attempt', directoryUserId: 'chime-bob' });
      await h.writeRawAudit({ ...common, at: at(2), requestId: kept, sk: `${kept}#2-outcome`, phase: 'outcome', outcome: 'success', expiresAt: 1.5 });
      const { home } = await h.openHome('UADA');
      // Before: neither listed, both counted "2 done"; the audit search said each cannot be read.
      expect(lineOf(home, pushId)?.text.text).toContain('*A record this version of Latchkey cannot read* (its `verifierFactorId`)');
      expect(lineOf(home, kept)?.text.text).toContain('*A record this version of Latchkey cannot read* (its `expiresAt`)');
      expect(textOf(home)).toContain('*Meeting PIN reset*: 0 done, 2 outcome this version cannot read');
      expect(textOf(home)).not.toContain('hunter2');
      expect(textOf(home)).not.toContain('<!channel>');
      const { page1 } = await searchAudit(h, 'UADA', 'UBOB', day, day);
      const found = (page1.blocks as any[]).filter((b) => b.type === 'section').map((b) => String(b.text.text));
      for (const reference of [pushId, kept]) expect(found.find((l) => l.includes(reference))).toContain('cannot read');
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it("an attempt begun at 23:58 UTC the day before, still with no outcome, and a record of that evening this version cannot read are still in Needs attention past midnight (it reads 7 days, not Today's)", async () => {
    const day = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const eve = new Date(Date.parse(`${day}T00:00:00.000Z`) - 86_400_000).toISOString().slice(0, 10);
    h.clock.offsetMs = Date.parse(`${day}T00:10:00.000Z`) - Date.now();
    try {
      const common = { v: 1, pk: `ACTOR#${TEAM}#UBOB`, day: eve, action: 'reset_pin', slackUserId: 'UBOB', slackTeamId: TEAM, directory: 'chime', expiresAt: Math.floor(Date.now() / 1000) + 9 * 86_400 };
      const stopped = `${eve}T23:58:00.000Z_0000000ceb01`;
      await h.writeRawAudit({ ...common, at: `${eve}T23:58:00.000Z`, requestId: stopped, sk: `${stopped}#1-claim`, phase: 'attempt', directoryUserId: 'chime-bob' });
      const odd = `${eve}T23:58:30.000Z_0000000ceb02`;
      await h.writeRawAudit({ ...common, v: 2, at: `${eve}T23:58:30.000Z`, requestId: odd, sk: `${odd}#1-claim`, phase: 'handover' });
      const { home } = await h.openHome('UADA');
      expect(lineOf(home, stopped)?.text.text).toContain('*Outcome unknown*');
      expect(lineOf(home, odd)?.text.text).toContain('cannot read');
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it('an operator is warned of a record this version cannot read once, not again on each read of its day (every admin Home tab reads 7 days)', async () => {
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    const reference = `${at}_0000000ca5e3`;
    await h.writeRawAudit({ v: 2, pk: `ACTOR#${TEAM}#UBOB`, sk: `${reference}#1-claim`, day: at.slice(0, 10), at, requestId: reference, action: 'reset_pin', slackUserId: 'UBOB', slackTeamId: TEAM, phase: 'handover', expiresAt: Math.floor(Date.now() / 1000) + 86_400 });
    const warned = () => h.logs.filter((l) => l.includes('audit record this version cannot read') && l.includes(`${reference}#1-claim`)).length;
    expect(lineOf((await h.openHome('UADA')).home, reference)?.text.text).toContain('cannot read');
    expect(warned()).toBe(1);
    // Before: one more warning of it at each read of its day.
    expect(lineOf((await h.openHome('UMAX')).home, reference)?.text.text).toContain('cannot read');
    expect(lineOf((await h.openHome('UADA')).home, reference)?.text.text).toContain('cannot read');
    expect(warned()).toBe(1);
  });

  it('records this version cannot read with no reference to read are each a line of their own, in Needs attention and in a search, never one line "Reference ``"', async () => {
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    const day = at.slice(0, 10);
    for (const n of [1, 2]) {
      await h.writeRawAudit({ v: 2, pk: `ACTOR#${TEAM}#UZED`, sk: `hand edit <${n}>`, day, at, requestId: 'not a reference', action: 'reset_pin', slackUserId: 'UZED', slackTeamId: TEAM, phase: 'handover', expiresAt: Math.floor(Date.now() / 1000) + 86_400 });
    }
    const attention = attentionIn((await h.openHome('UADA')).home).filter((b) => String(b.text?.text).includes('by <@UZED>'));
    expect(attention).toHaveLength(2);
    // Everyone's search of its day (a person's reads their records by time: a key that is no time is none of them).
    const lines = (await everyPage(h, 'UADA', null, day, day)).flat().filter((l) => l.includes('<@UZED>'));
    // Before: one line, "Reference ``", for both.
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toContain('cannot read');
      expect(line).toMatch(/Reference `key-[0-9a-f]{16}`/);
      expect(line).not.toContain('hand edit');
    }
  });
});

describe('Needs attention in an Enterprise Grid org', () => {
  const ORG = 'E0EXAMPLE';
  const SECOND_WORKSPACE = 'T0SECOND';
  const h = useHarness({ env: { SLACK_ENTERPRISE_ID: ORG } }, (x) => x.slack.clear());

  it("an item of another workspace of the org, listed for every admin, is marked handled as one of the admin's own workspace is", async () => {
    const at = new Date(Date.now() - 10 * 60_000);
    const reference = `${at.toISOString()}_0000000e0001`;
    await h.writeAudit({ requestId: reference, phase: 'attempt', action: 'reset_pin', actor: { userId: 'UBOB', teamId: SECOND_WORKSPACE, enterpriseId: ORG }, directory: 'chime', directoryUserId: 'chime-bob' }, at);
    const lineIn = (home: Record<string, any>) => (home.blocks as any[]).find((b) => String(b.text?.text).includes(reference) && b.accessory?.action_id === 'home_attention_handled');

    const { home } = await h.openHome('UADA');
    const button = lineIn(home)?.accessory;
    expect(button).toMatchObject({ type: 'button', text: { text: 'Mark handled' } });
    const { view: form } = await h.opening((t) => h.clickIn('UADA', button.action_id, button.value, { view: home, triggerId: t }));
    expect(form.callback_id).toBe('attention_handled');
    const answer = await h.submit('UADA', form, { values: { note: { note: { type: 'plain_text_input', value: 'Checked Chime: the PIN was changed; told Bob' } } } });
    expect(answer.status).toBe(200);
    expect(JSON.stringify((await h.viewUpdate(form.id, 2)).blocks)).toContain('Marked handled');

    const records = (await h.auditRecords('UADA')).filter((r) => r.action === 'attention_handled');
    expect(records).toEqual([expect.objectContaining({ handledRequestId: reference, attentionKind: 'unknown_outcome', subjectSlackUserId: 'UBOB', subjectSlackTeamId: SECOND_WORKSPACE })]);
    expect(lineIn((await h.openHome('UMAX')).home)).toBeUndefined();
  });

  it("a request decided by an admin acting from another workspace of the org: the audit search names that admin's decision, by its reference and on its requester's line", async () => {
    const requestId = await asksForLicense(h, 'UANN');
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(requestId));
    const from = { teamId: SECOND_WORKSPACE, enterpriseId: ORG };
    const form = await h.opening((trigger) => h.click('UMAX', 'license_review', requestId, { channel: post.result!.channel as string, ts: post.result!.ts as string }, trigger, from));
    const values = { decision: { decision: { type: 'radio_buttons', selected_option: { value: 'deny' } } }, comment: { comment: { type: 'plain_text_input', value: 'Not this quarter' } } };
    await h.submit('UMAX', form.view, { ...from, values });
    await h.waitForAudit('UMAX', (r) => r.action === 'license_decide' && r.phase === 'outcome', 5000, SECOND_WORKSPACE);

    const { formView } = await submitSearch(h, 'UADA', { reference: { reference: { type: 'plain_text_input', value: requestId } }, person: { person: { type: 'users_select', selected_user: null } } });
    expect(JSON.stringify((await h.viewUpdate(formView.id, 2)).blocks)).toMatch(/\*License change decision\* \(Basic → Pro\) by <@UMAX> for <@UANN> · :no_entry: Denied/);
    const today = new Date().toISOString().slice(0, 10);
    const { page1 } = await searchAudit(h, 'UADA', 'UANN', today, today);
    const line = (page1.blocks as any[]).map((b) => String(b.text?.text)).find((t) => t.includes('*License change request*'));
    expect(line).toContain('<@UMAX>');
  });

  describe("a decision's answer lost", () => {
    const g = useHarness({ env: { SLACK_ENTERPRISE_ID: ORG }, awsRequestTimeoutMs: 2_000, dynamoGate: true }, (x) => x.slack.clear());

    it("a denial by an admin acting from another workspace of the org, whose click could not tell it was saved, found made by its requester's Home tab: the reference's look-up names that admin's denial, not could not tell", async () => {
      const requestId = await asksForLicense(g, 'UANN');
      const post = await g.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(requestId));
      const from = { teamId: SECOND_WORKSPACE, enterpriseId: ORG };
      const form = await g.opening((trigger) => g.click('UMAX', 'license_review', requestId, { channel: post.result!.channel as string, ts: post.result!.ts as string }, trigger, from));
      // Max's denial is written, every answer to it lost, and its read-back too: his click cannot tell it was saved.
      const decideWrite = writeOf('DENIED', { requestId });
      const stopLosing = g.dynamoGate.lose(decideWrite, Infinity);
      const releaseRead = g.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(requestId) && g.dynamoGate.seen.some(decideWrite));
      try {
        const values = { decision: { decision: { type: 'radio_buttons', selected_option: { value: 'deny' } } }, comment: { comment: { type: 'plain_text_input', value: 'Not this quarter' } } };
        await g.submit('UMAX', form.view, { ...from, values });
        expect(JSON.stringify(await g.viewUpdate(form.viewId, 2, 50_000))).toContain('Latchkey could not tell whether your decision was saved.');
      } finally {
        stopLosing();
        releaseRead();
      }

      // Ann's Home tab finds it made: its outcome is recorded again under Max, in his workspace.
      await g.openHome('UANN');
      await g.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUANN' && JSON.stringify(c.args).includes('Not this quarter'), 10_000);
      await g.waitForAudit('UMAX', (r) => r.action === 'license_decide' && r.restated === true, 10_000, SECOND_WORKSPACE);

      // Before: the restated record had no org, so Ada's look-up hid it and said Max's click could not tell.
      const { formView } = await submitSearch(g, 'UADA', { reference: { reference: { type: 'plain_text_input', value: requestId } }, person: { person: { type: 'users_select', selected_user: null } } });
      const lines = ((await g.viewUpdate(formView.id, 2)).blocks as any[]).map((b) => String(b.text?.text));
      const maxs = lines.filter((l) => l.includes('*License change decision*') && l.includes('by <@UMAX> for <@UANN>'));
      expect(maxs).toEqual([expect.stringContaining(':no_entry: Denied')]);
      expect(maxs.join('\n')).not.toMatch(/could not tell|did not confirm|Failed/);
    }, 90_000);
  });
});
