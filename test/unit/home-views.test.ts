import { CREDENTIALS } from '../../src/credentials';
import { checksSummary, failed, passed, sayCausesOnce, unchecked, waiting, warned, type SetupCheck } from '../../src/doctor/setup-check';
import { FAILURE_CODES, SENT_UNANSWERED } from '../../src/flows/failure';
import { activityOf, APPROVED_WAITING_SHOWN, type Activity, ATTENTION_SHOWN, AWAITING_RETRY_SHOWN, PENDING_SHOWN, RECENT_ACTIVITY, OWN_REQUESTS, SEARCH_PAGE, UNFINISHED_SHOWN, type HomeData } from '../../src/flows/home-tab';
import type { PendingRequest } from '../../src/flows/approvals/pending-request';
import type { AuditEvent } from '../../src/flows/ports';
import { homeWords } from '../../src/handlers/home-words';
import { auditReferenceView, auditResultsView, auditSearchForm, auditSearchRefused } from '../../src/views/audit-search';
import { approvalMessage } from '../../src/views/approval-message';
import { LIMITS } from '../../src/views/blocks';
import { attentionHandledRefused, homeView } from '../../src/views/home-tab';
import { resetWordsOf } from '../../src/handlers/reset-words';
import { licenseKindWords } from '../../src/views/license-kind';
import { resetKindWords } from '../../src/views/reset-approval-kind';
import { setupCheckView } from '../../src/views/setup-check';
import { capitalized } from '../../src/views/words';
import { DUO_BYPASS, DUO_DENIED } from '../../src/verifiers/duo';

const vocabulary = { words: { ...CREDENTIALS.find((c) => c.licenses)!.licenses!.words, command: '/request-license' }, kinds: [] };
const words = homeWords(vocabulary, { license: licenseKindWords(vocabulary) });
const now = new Date('2026-12-01T09:00:00Z');
const ann = { userId: 'UANN', teamId: 'T0TEAM' };

const request = (i: number): PendingRequest => ({
  kind: 'license',
  id: `2026-11-30T08:00:0${i % 10}.000Z_${i}`,
  requester: { userId: `U${i}X`, teamId: 'T0TEAM' },
  requesterEmail: `u${i}@example.com`,
  directoryUserId: `chime-${i}`,
  detail: { from: 'Basic', to: 'Pro' },
  reason: `<@UEVERYONE> <!here> ${'A long reason. '.repeat(40)}`,
  status: 'PENDING',
  createdAt: '2026-11-30T08:00:00.000Z',
  expiresAt: '2026-12-03T08:00:00.000Z',
});
const event = (i: number, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  at: new Date(now.getTime() - i * 60_000).toISOString(),
  requestId: `${new Date(now.getTime() - i * 60_000).toISOString()}_${String(i).padStart(12, '0')}`,
  phase: 'outcome',
  action: CREDENTIALS[i % CREDENTIALS.length]!.audit.action,
  actor: ann,
  outcome: i % 3 === 0 ? 'failure' : 'success',
  ...(i % 3 === 0 && { errorCode: FAILURE_CODES[i % FAILURE_CODES.length] }),
  ...extra,
});

/** The fullest tab there can be: every section at its bound. */
function fullData(admin: boolean): HomeData {
  return {
    requester: ann,
    credentials: CREDENTIALS.map((c) => c.id),
    licenses: true,
    activity: { ok: true, value: activityOf(Array.from({ length: RECENT_ACTIVITY }, (_, i) => event(i)), now) },
    requests: { ok: true, value: Array.from({ length: OWN_REQUESTS }, (_, i) => ({ ...request(i), decidable: true })) },
    ...(admin && {
      admin: {
        // Many changes that did not finish: the tab shows a few, and how many more.
        unfinished: {
          ok: true,
          value: { requests: Array.from({ length: 30 }, (_, i) => ({ ...request(i), status: 'APPROVED' as const, decidedBy: 'UADA', decidedAt: '2026-12-01T08:40:00.000Z' })), atLeast: false },
        },
        // Many changes that failed and wait for a retry: the same.
        awaitingRetry: {
          ok: true,
          value: {
            requests: Array.from({ length: 30 }, (_, i) => ({ ...request(i), status: 'APPLY_FAILED' as const, errorCode: FAILURE_CODES[i % FAILURE_CODES.length], decidedBy: 'UADA', decidedAt: '2026-12-01T08:40:00.000Z' })),
            atLeast: false,
          },
        },
        // Many approved requests waiting for their requester: the tab shows a few, each with Revoke, and how many more.
        pending: {
          ok: true,
          value: {
            requests: Array.from({ length: PENDING_SHOWN }, (_, i) => request(i)),
            expiring: [],
            approved: { requests: Array.from({ length: 30 }, (_, i) => ({ ...request(i), status: 'APPROVED' as const, decidedBy: 'UADA', decidedAt: '2026-12-01T08:40:00.000Z' })), atLeast: true },
          },
        },
        today: {
          ok: true,
          value: { day: '2026-12-01', resets: CREDENTIALS.map((c) => ({ action: c.audit.action, succeeded: 40, failed: 2, unknown: 1, rejected: 1, timedOut: 1, cancelled: 1 })), refusals: FAILURE_CODES.map((code) => ({ code, count: 1 })) },
        },
        attention: {
          ok: true,
          value: { items: Array.from({ length: ATTENTION_SHOWN }, (_, i) => ({ requestId: `r${i}`, action: 'reset_pin', at: now.toISOString(), actor: ann, kind: (['push_rejected', 'push_limited', 'unknown_outcome', 'unreadable'] as const)[i % 4]!, verifier: 'okta_verify', count: 3, ...(i % 4 === 3 && { unreadable: ['v', 'phase', 'outcome', 'factorType', 'verification', 'slackEnterpriseId'] }) })), more: 7, handled: 4 },
        },
      },
    }),
    now,
  };
}

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => (k === 'text' && typeof v === 'string' ? [v] : texts(v)));
  return [];
}

describe('the Home tab view', () => {
  it.each([false, true])('stays within Slack limits at its fullest (admin: %s)', (admin) => {
    const view = homeView(fullData(admin), words);
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    // Nothing cut off: every section fits whole.
    expect(JSON.stringify(view.blocks)).not.toContain('There is more than fits here.');
    if (admin) {
      const text = JSON.stringify(view.blocks);
      expect(text).toContain(`…and ${30 - UNFINISHED_SHOWN} more: each shows here as the ones above are decided.`);
      // The failed changes: the first few, each with why and Review, then how many more.
      const failed = view.blocks.slice(view.blocks.findIndex((b: any) => b.type === 'header' && b.text.text === 'Failed: waiting for a retry'));
      const lines = failed.slice(2, 2 + AWAITING_RETRY_SHOWN) as any[];
      for (const line of lines) expect(line).toMatchObject({ type: 'section', text: { text: expect.stringContaining('but the change was not applied:') }, accessory: { action_id: 'license_review' } });
      expect(failed[2 + AWAITING_RETRY_SHOWN]).toMatchObject({ type: 'context', elements: [{ text: `…and ${30 - AWAITING_RETRY_SHOWN} more: each shows here as the ones above are decided.` }] });
      const approved = view.blocks.slice(view.blocks.findIndex((b: any) => b.type === 'header' && b.text.text === 'Approved: waiting for the requester to finish'));
      for (const line of approved.slice(1, 1 + APPROVED_WAITING_SHOWN) as any[]) expect(line).toMatchObject({ type: 'section', accessory: { action_id: 'approval_revoke' } });
      expect(approved[1 + APPROVED_WAITING_SHOWN]).toMatchObject({ type: 'context', elements: [{ text: `…and at least ${30 - APPROVED_WAITING_SHOWN} more: each shows here as the ones above are finished, revoked or expire.` }] });
    }
    for (const t of texts(view.blocks)) expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
    for (const b of view.blocks.filter((x) => x.type === 'actions') as any[]) {
      for (const e of b.elements) expect(e.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
    }
  });

  it("a request's noun that starts a line of Your requests is capitalised there: \"*Mail password reset* · requested at…\"", () => {
    const resetWords = homeWords(vocabulary, { license: licenseKindWords(vocabulary), reset: resetKindWords(Object.fromEntries(CREDENTIALS.map((c) => [c.id, resetWordsOf(c)]))) });
    const workmail = CREDENTIALS.find((c) => c.words.request === 'mail password reset')!;
    const own = { ...request(1), kind: 'reset', detail: { credential: workmail.id, resetRequestId: 'r1' }, reason: '', decidable: true };
    const lines = texts(homeView({ ...fullData(false), requests: { ok: true, value: [own] } }, resetWords).blocks);
    expect(lines).toContainEqual(expect.stringMatching(/^\*Mail password reset\* · requested at /));
  });

  it('a license change on Your requests says what it is, as a reset\'s line names its credential: "*License change*: *Basic* → *Pro* · requested at…"', () => {
    const both = homeWords(vocabulary, { license: licenseKindWords(vocabulary), reset: resetKindWords(Object.fromEntries(CREDENTIALS.map((c) => [c.id, resetWordsOf(c)]))) });
    const chime = CREDENTIALS.find((c) => c.id === 'pin')!;
    const reset = { ...request(2), kind: 'reset', detail: { credential: chime.id, resetRequestId: 'r2' }, reason: '', decidable: true };
    const lines = texts(homeView({ ...fullData(false), requests: { ok: true, value: [{ ...request(1), decidable: true }, reset] } }, both).blocks).filter((t) => t.includes('requested at'));
    // Before: "*Basic* → *Pro* · requested at…" beside "*Meeting PIN reset* · requested at…": which change, of what, unsaid.
    expect(lines).toEqual([expect.stringMatching(/^\*License change\*: \*Basic\* → \*Pro\* · requested at /), expect.stringMatching(/^\*Meeting PIN reset\* · requested at /)]);
    // In the plug-in's words: the name its DMs, its review and its steps' lines call it by.
    expect(lines[0]).toContain(`*${capitalized(vocabulary.words.request)}*`);
  });

  it('a request its approving admin revoked names that admin once on Your requests, as the admins\' message does: "Approved by <@MAX> at …, then revoked by the same admin at …"', () => {
    const kinds = { license: licenseKindWords(vocabulary), reset: resetKindWords(Object.fromEntries(CREDENTIALS.map((c) => [c.id, resetWordsOf(c)]))) };
    const chime = CREDENTIALS.find((c) => c.id === 'pin')!;
    const approved = { ...request(1), kind: 'reset', detail: { credential: chime.id, resetRequestId: 'r1' }, reason: '', decidedBy: 'UMAX', decidedAt: '2026-11-30T08:10:00.000Z' };
    const revoked = (by: string): PendingRequest => ({ ...approved, status: 'REVOKED', revokedBy: by, revokedAt: '2026-11-30T08:20:00.000Z' });
    const own = (r: PendingRequest) => texts(homeView({ ...fullData(false), requests: { ok: true, value: [{ ...r, decidable: false }] } }, homeWords(vocabulary, kinds)).blocks).filter((t) => t.includes('requested at'));
    const message = (r: PendingRequest) => texts(approvalMessage(r, kinds.reset, false).blocks).filter((t) => t.includes('Approved by'));
    // Before: "Approved by <@UMAX> at …, then revoked by <@UMAX> at …".
    for (const [line, them] of [[own(revoked('UMAX'))[0]!, 'you'], [message(revoked('UMAX'))[0]!, '<@U1X>']] as const) {
      expect(line).toMatch(new RegExp(`:no_entry: Approved by <@UMAX> at <!date\\^\\d+\\^[^>]*>, then revoked by the same admin at <!date\\^\\d+\\^[^>]*>, before ${them} finished it: nothing was changed\\.`));
      expect(line.split('<@UMAX>')).toHaveLength(2);
    }
    // Another admin's revoke names them.
    expect(own(revoked('UADA'))[0]).toMatch(/Approved by <@UMAX> at .*, then revoked by <@UADA> at /);
  });

  it('the admins\' queue and lists name a license change as what it is, as a reset\'s row names its credential: "*<@U1X>*\'s *license change*: *Basic* → *Pro* · …"', () => {
    const both = homeWords(vocabulary, { license: licenseKindWords(vocabulary), reset: resetKindWords(Object.fromEntries(CREDENTIALS.map((c) => [c.id, resetWordsOf(c)]))) });
    const chime = CREDENTIALS.find((c) => c.id === 'pin')!;
    const reset = { ...request(2), kind: 'reset', detail: { credential: chime.id, resetRequestId: 'r2' }, reason: '' };
    const approved = { status: 'APPROVED' as const, decidedBy: 'UADA', decidedAt: '2026-12-01T08:40:00.000Z' };
    const full = fullData(true);
    const data: HomeData = {
      ...full,
      admin: {
        ...full.admin!,
        unfinished: { ok: true, value: { requests: [{ ...request(3), ...approved }], atLeast: false } },
        awaitingRetry: { ok: true, value: { requests: [{ ...request(4), status: 'APPLY_FAILED' as const, errorCode: 'DIRECTORY_UNAVAILABLE', decidedBy: 'UADA', decidedAt: '2026-12-01T08:40:00.000Z' }], atLeast: false } },
        pending: { ok: true, value: { requests: [request(1), reset], expiring: [], approved: { requests: [{ ...request(5), ...approved }, { ...reset, id: 'r6', requester: { userId: 'U6X', teamId: 'T0TEAM' }, ...approved }], atLeast: false } } },
      },
    };
    const rows = texts(homeView(data, both).blocks).filter((t) => t.startsWith('<@U')).map((t) => t.split('\n')[0]!);
    // Before: "*<@U1X>*: *Basic* → *Pro* · …" beside "*<@U2X>*: *meeting PIN reset* · …": which change, of what, unsaid.
    const license = (u: string) => expect.stringMatching(new RegExp(`^<@${u}>'s \\*license change\\*: \\*Basic\\* → \\*Pro\\* · `));
    const pin = (u: string) => expect.stringMatching(new RegExp(`^<@${u}>'s \\*meeting PIN reset\\* · `));
    // Waiting for a decision, not finished, failed, approved and waiting for their requester: each alike.
    expect(rows).toEqual(expect.arrayContaining([license('U1X'), pin('U2X'), license('U3X'), license('U4X'), license('U5X'), pin('U6X')]));
    expect(rows).toHaveLength(6);
    // In the plug-in's words: the name its DMs, its review and its steps' lines call it by.
    expect(rows.find((r) => r.startsWith('<@U1X>'))).toContain(`*${vocabulary.words.request}*`);
  });

  it("a rejected push in Your recent activity says it was rejected, never \"Failed\", names the verifier's app, and reads as a sentence when its app is unknown", () => {
    const okta = CREDENTIALS.find((c) => c.id === 'okta_password')!.audit.action;
    const rejected = (i: number, verifier: string) => event(i, { action: okta, outcome: 'failure', errorCode: 'VERIFY_REJECTED', verifier, verification: 'rejected' });
    const data = { ...fullData(false), activity: { ok: true as const, value: activityOf([rejected(1, 'okta_verify'), rejected(2, 'a_retired_verifier')], now) } };
    const text = JSON.stringify(homeView(data, words).blocks);
    // Told as what it is (and may be: someone else's doing), as the admins' counts tell it apart from failures.
    expect(text).toContain(':no_entry: Rejected. The Okta Verify request was rejected on your phone, so nothing was changed.');
    expect(text).toContain(':no_entry: Rejected. The request to your sign-in app was rejected on your phone, so nothing was changed.');
    // What to do next names a mis-tap as the verifier names it (a wrong number picked), or, its verifier unknown, plainly.
    expect(text).toContain('If you rejected it or picked the wrong number by mistake, run `/reset-okta-password` again and approve it.');
    expect(text).toContain('If you rejected it by mistake, run `/reset-okta-password` again and approve it.');
    expect(text).not.toContain(':x: Failed');
    expect(text).not.toContain('The your sign-in app');
  });

  it("a refusal by Duo in Your recent activity names Duo and the person's Duo account (never \"Duo Mobile account\", the app), and reads as a sentence when its verifier is unknown", () => {
    const okta = CREDENTIALS.find((c) => c.id === 'okta_password')!.audit.action;
    const denied = (i: number, verifier: string) => event(i, { action: okta, phase: 'refused', outcome: undefined, errorCode: 'VERIFY_USER_REFUSED', verifier, reason: DUO_DENIED });
    const data = { ...fullData(false), activity: { ok: true as const, value: activityOf([denied(1, 'duo'), denied(2, 'a_retired_verifier')], now) } };
    const text = JSON.stringify(homeView(data, words).blocks);
    expect(text).toContain("Duo isn't letting you sign in right now (your Duo account may be locked or disabled), so Latchkey can't send the push to your phone.");
    expect(text).toContain("Your sign-in app isn't letting you sign in right now (your account there may be locked or disabled)");
    expect(text).not.toContain('Duo Mobile');
  });

  it('a record this version cannot read is its own line in Your recent activity and the audit search, by its reference, naming the fields it could not read; one whose action is no word this version knows is called an audit record, never a blank', () => {
    const unreadable = (i: number, action: string) => ({ ...event(i, { action, phase: 'unreadable' as const, unreadable: ['factorType'] }), outcome: undefined, errorCode: undefined });
    const rows = activityOf([unreadable(1, CREDENTIALS[0]!.audit.action), unreadable(2, '')], now);
    const data = { ...fullData(false), activity: { ok: true as const, value: rows } };
    const lines = texts(homeView(data, words).blocks).filter((t) => t.includes('Reference `'));
    const said = ':grey_question: A record this version of Latchkey cannot read (its `factorType`): IT can look it up with the reference';
    expect(lines).toEqual([expect.stringContaining(`*${capitalized(words.actions[CREDENTIALS[0]!.audit.action]!.name)}* · ${said}`), expect.stringContaining(`*Audit record* · ${said}`)]);
    const found = JSON.stringify(auditResultsView({ from: '2026-12-01', to: '2026-12-01', page: 1, words, result: { ok: true, rows } }).blocks);
    expect(found).toContain(`*Audit record* by <@UANN> · ${said}`);
  });

  it("a push not answered in time in Your recent activity says so, that nothing was changed and what to do next, in its credential's and verifier's words, never \"Failed\"", () => {
    const okta = CREDENTIALS.find((c) => c.id === 'okta_password')!;
    const command = resetWordsOf(okta).command;
    const unanswered = (i: number, verifier: string) => event(i, { action: okta.audit.action, outcome: 'failure', errorCode: 'VERIFY_TIMEOUT', verifier, verification: 'timeout' });
    const data = { ...fullData(false), activity: { ok: true as const, value: activityOf([unanswered(1, 'okta_verify'), unanswered(2, 'a_retired_verifier')], now) } };
    // The wait as configured (VERIFY_TIMEOUT_SECONDS: 120), as the app passes it.
    const waiting = homeWords(vocabulary, { license: licenseKindWords(vocabulary) }, ['license'], 120_000);
    const lines = texts(homeView(data, waiting).blocks).filter((t) => t.includes('Reference `'));
    // Before: ":x: Failed. You didn't approve the Okta Verify request in time, so nothing was changed.", while Today counts these apart, and no next step.
    expect(lines).toEqual([
      expect.stringContaining(`:zzz: Not answered. You didn't approve the Okta Verify request in time, so nothing was changed. Run \`${command}\` again and approve the request on your phone within 2 minutes.\n`),
      expect.stringContaining(`:zzz: Not answered. You didn't approve the request to your sign-in app in time, so nothing was changed. Run \`${command}\` again and approve the request on your phone within 2 minutes.\n`),
    ]);
    expect(lines.join('\n')).not.toContain('Failed');
  });

  it('a push not answered in time in Your recent activity says the wait as configured (before: "within a minute" whatever VERIFY_TIMEOUT_SECONDS), or promises none when no verifier is configured now', () => {
    const okta = CREDENTIALS.find((c) => c.id === 'okta_password')!;
    const unanswered = event(1, { action: okta.audit.action, outcome: 'failure', errorCode: 'VERIFY_TIMEOUT', verifier: 'okta_verify', verification: 'timeout' });
    const data = { ...fullData(false), activity: { ok: true as const, value: activityOf([unanswered], now) } };
    const nextStep = (seconds?: number) => {
      const line = texts(homeView(data, homeWords(vocabulary, { license: licenseKindWords(vocabulary) }, ['license'], seconds === undefined ? undefined : seconds * 1000)).blocks).find((t) => t.includes('Reference `'))!;
      return /approve the request on your phone ([^.]*)\./.exec(line)?.[1];
    };
    expect([1, 45, 60, 90, 120, 300].map(nextStep)).toEqual([
      'within a second',
      'within 45 seconds',
      'within a minute',
      'within a minute and 30 seconds',
      'within 2 minutes',
      'within 5 minutes',
    ]);
    expect(nextStep()).toBe('as soon as it arrives');
  });

  it('has no admin section for a member who is not one', () => {
    const text = JSON.stringify(homeView(fullData(false), words).blocks);
    for (const admin of ['Did not finish', 'Failed: waiting for a retry', 'Waiting for review', 'Today', 'Needs attention', 'home_search', 'license_review']) expect(text).not.toContain(admin);
    expect(JSON.stringify(homeView(fullData(true), words).blocks)).toContain('Needs attention');
  });

  it('a guest is offered no reset or license change, one line says why in the words of their refusal, and an admin who is one keeps the admin sections', () => {
    const actionsOf = (view: ReturnType<typeof homeView>) => (view.blocks as any[]).flatMap((b) => (b.type === 'actions' ? (b.elements as any[]).map((e) => String(e.action_id)) : []));
    const guest = homeView({ ...fullData(true), guest: true }, words);
    expect(actionsOf(guest).filter((id) => id.startsWith('home_reset_') || id === 'home_request_license')).toEqual([]);
    const lines = JSON.stringify(guest.blocks);
    expect(lines).toContain("Guest accounts cannot use self-service resets or license changes. Ask your contact at the company or IT instead.");
    for (const admin of ['Needs attention', 'home_search']) expect(lines).toContain(admin);
    // Their own history still shows.
    expect(lines).toContain('Your recent activity');
    // Without license requests, the line names only resets.
    expect(JSON.stringify(homeView({ ...fullData(false), licenses: false, guest: true }, words).blocks)).toContain('Guest accounts cannot use self-service resets. Ask');
  });

  it("a guest's tab lists their activity and requests only when there are some: never \"Nothing yet\", \"None.\" or a list that could not be read", () => {
    const text = (data: HomeData) => JSON.stringify(homeView({ ...data, guest: true }, words).blocks);
    const member = fullData(false);
    // What they did or asked before they were a guest is still theirs (a pending request still theirs to withdraw).
    expect(text(member)).toContain('Your recent activity');
    expect(text(member)).toContain(words.approvals.ownHeading);
    expect(text(member)).toContain('approval_withdraw');
    const nothing = text({ ...member, activity: { ok: true, value: [] }, requests: { ok: true, value: [] } });
    const unread = text({ ...member, activity: { ok: false }, requests: { ok: false } });
    for (const tab of [nothing, unread]) {
      for (const gone of ['Your recent activity', 'Nothing yet', words.approvals.ownHeading, 'None.', 'cannot be shown', 'divider']) expect(tab).not.toContain(gone);
      expect(tab).toContain('Guest accounts cannot use self-service resets or license changes.');
    }
    // A member's empty lists still say so.
    const memberNothing = JSON.stringify(homeView({ ...member, activity: { ok: true, value: [] }, requests: { ok: true, value: [] } }, words).blocks);
    for (const kept of ['Your recent activity', 'Nothing yet', words.approvals.ownHeading, 'None.']) expect(memberNothing).toContain(kept);
  });

  it('without license requests, an admin has no review queue, but still today and what needs attention', () => {
    const data = fullData(true);
    const { pending: _pending, ...rest } = data.admin!;
    const text = JSON.stringify(homeView({ ...data, licenses: false, requests: undefined, admin: rest }, words).blocks);
    expect(text).not.toContain('Waiting for review');
    expect(text).not.toContain('Request a license change');
    expect(text).toContain('Needs attention (7 days)');
  });

  it('Needs attention emptied by marking items handled says plainly that nothing needs attention, in words that stay true of the ones handled', () => {
    const data = fullData(true);
    const admin = { ...data.admin!, attention: { ok: true as const, value: { items: [], more: 0, handled: 1 } } };
    const text = JSON.stringify(homeView({ ...data, admin }, words).blocks);
    // Before: "Nothing else: every other reset…", with nothing listed above it.
    expect(text).not.toContain('Nothing else');
    expect(text).toContain(
      'Nothing needs attention: every reset of the last 7 days that has no outcome or alerted an operator, and every push rejected or at its limit, was marked handled.',
    );
    expect(text).toContain('1 marked handled in the last 7 days');
  });

  it('a record this version cannot read, in Needs attention, names its fields and never a person or reference it could not read; with no reference it has no Mark handled, and the more it left out are named', () => {
    const data = fullData(true);
    const reference = '2026-12-01T08:30:00.000Z_0000000000a1';
    const items = [
      { requestId: reference, action: 'reset_pin', at: '2026-12-01T08:30:00.000Z', actor: { userId: 'UBEA', teamId: 'T0TEAM' }, kind: 'unreadable' as const, unreadable: ['v', 'phase'] },
      { requestId: '', action: '', at: '2026-12-01T00:00:00.000Z', actor: { userId: '', teamId: '' }, kind: 'unreadable' as const, unreadable: ['requestId', 'slackUserId'] },
    ];
    const admin = { ...data.admin!, attention: { ok: true as const, value: { items, more: 3, handled: 0, unreadableMore: 2 } } };
    const blocks = homeView({ ...data, admin }, words).blocks as any[];
    const [readable, bare] = ['(its `v`, `phase`)', '(its `requestId`, `slackUserId`)'].map((fields) => blocks.find((b) => String(b.text?.text).includes(fields)));
    expect(readable.text.text).toContain(':grey_question: *A record this version of Latchkey cannot read* (its `v`, `phase`) · Meeting PIN reset by <@UBEA> ·');
    // Its short form too, to read out: before, "… reference `…` (*Search the audit log*, …)".
    expect(readable.text.text).toContain(`look it up with its reference \`${reference}\` (short: *0000a1*, 1 Dec UTC): *Search the audit log*, or \`npm run audit -- export\` for its day.`);
    expect(JSON.parse(readable.accessory.value)).toEqual({ kind: 'unreadable', reference, person: 'UBEA', at: '2026-12-01T08:30:00.000Z' });
    expect(bare.text.text).not.toContain('<@');
    expect(bare.text.text).toContain('It has no reference this version can read');
    expect(bare.accessory).toBeUndefined();
    expect(JSON.stringify(blocks)).toContain('…and 3 more: `npm run audit -- unknown --days 7` lists every attempt with no outcome. 2 of them are records this version of Latchkey cannot read');
  });

  it('what a requester typed cannot mention or link anyone', () => {
    const text = JSON.stringify(homeView(fullData(true), words).blocks);
    expect(text).not.toContain('<@UEVERYONE>');
    expect(text).not.toContain('<!here>');
    expect(text).toContain('&lt;!here&gt;');
  });

  it('carries nothing secret-shaped: the data holds no secret, and no field beyond the listed ones is drawn', () => {
    const data = fullData(true);
    // A field a store might one day return by mistake is not drawn by the view.
    const leaky = { ...data, activity: { ok: true as const, value: data.activity.ok ? data.activity.value.map((a) => ({ ...a, pin: '90417733' }) as never) : [] } };
    expect(JSON.stringify(homeView(leaky, words))).not.toContain('90417733');
  });

  it("a list read up to its bound, with more left, says its count is a floor: 'at least N more', or 'perhaps more'", () => {
    const full = fullData(true);
    const failed = full.admin!.awaitingRetry!;
    if (!failed.ok) throw new Error('fullData has the failed changes');
    const atLeast = (requests: number) =>
      JSON.stringify(homeView({ ...full, admin: { ...full.admin!, awaitingRetry: { ok: true, value: { requests: failed.value.requests.slice(0, requests), atLeast: true } } } }, words).blocks);
    expect(atLeast(30)).toContain(`…and at least ${30 - AWAITING_RETRY_SHOWN} more: each shows here as the ones above are decided.`);
    expect(atLeast(AWAITING_RETRY_SHOWN)).toContain('…and perhaps more: each shows here as the ones above are decided.');
  });

  it("an unreadable part says so in a sentence that fits a plural heading, and what to do next; the buttons are still first", () => {
    const full = fullData(true);
    const data: HomeData = { ...full, activity: { ok: false }, requests: { ok: false }, admin: { ...full.admin!, awaitingRetry: { ok: false } } };
    const next = 'Open this tab again in a few minutes; if it keeps happening, tell IT.';
    const view = homeView(data, words);
    expect(view.blocks[2]).toMatchObject({ type: 'actions' });
    expect(JSON.stringify(view.blocks)).toContain(`Your activity cannot be shown right now. ${next}`);
    expect(JSON.stringify(view.blocks)).toContain(`Your license change requests cannot be shown right now. ${next}`);
    expect(JSON.stringify(view.blocks)).toContain(`The list of changes that failed cannot be shown right now. ${next}`);
    // More than one kind served: the heading is "Your requests", and the sentence still reads.
    const all = homeWords(vocabulary, { license: licenseKindWords(vocabulary), reset: resetKindWords(Object.fromEntries(CREDENTIALS.map((c) => [c.id, resetWordsOf(c)]))) });
    expect(JSON.stringify(homeView(data, all).blocks)).toContain(`Your requests cannot be shown right now. ${next}`);
    expect(JSON.stringify([view.blocks, homeView(data, all).blocks])).not.toMatch(/requests is /);
  });

  it("Mark handled, when Slack would not say whether the clicker is an admin, opens a modal that says so and offers no form to submit", () => {
    const view = attentionHandledRefused('SLACK_UNAVAILABLE');
    expect(view).toMatchObject({ type: 'modal', title: { text: 'Mark handled' }, close: { text: 'Close' } });
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('Slack did not answer whether you are an admin. Try again in a few minutes.');
  });

  it("Search the audit log, when Slack would not say whether the clicker is an admin, opens a modal that says so and offers no form to submit", () => {
    const view = auditSearchRefused('SLACK_UNAVAILABLE');
    expect(view).toMatchObject({ type: 'modal', title: { text: 'Search the audit log' }, close: { text: 'Close' } });
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('Slack did not answer whether you are an admin. Try again in a few minutes.');
  });
});

describe("a person's own activity gives each reference's short form to read out to IT", () => {
  it('after the whole reference, with its UTC day; the audit search lines keep the whole reference alone', () => {
    const done = { ...event(1), requestId: '2026-12-06T11:48:47.213Z_b1463b39c384' };
    const own = texts(homeView({ ...fullData(false), activity: { ok: true, value: activityOf([done], now) } }, words).blocks).filter((t) => t.includes('Reference `'));
    // Before: '… · Reference `2026-12-06T11:48:47.213Z_b1463b39c384`', 37 characters to read out.
    expect(own).toEqual([expect.stringContaining(' · Reference `2026-12-06T11:48:47.213Z_b1463b39c384` (short: *39c384*, 6 Dec UTC)')]);
    const search = JSON.stringify(auditResultsView({ from: '2026-12-06', to: '2026-12-06', page: 1, words, result: { ok: true, rows: activityOf([done], now) } }).blocks);
    expect(search).toContain('Reference `2026-12-06T11:48:47.213Z_b1463b39c384`');
    expect(search).not.toContain('(short:');
  });
});

describe('the audit search views', () => {
  it('the form asks for a reference, or a person and two days', () => {
    const form = auditSearchForm(now);
    expect(form.blocks.map((b: any) => b.element?.type).filter(Boolean)).toEqual(['plain_text_input', 'users_select', 'datepicker', 'datepicker']);
    expect(form.title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
  });

  it("the reference's hint says a short form is taken too, and that it is looked for on the day pasted with it, or else on the days picked, a week at most", () => {
    const hint = (auditSearchForm(now).blocks.find((b: any) => b.block_id === 'reference') as any).hint.text;
    // Before: 'The whole reference a message quoted, or its short form (its last 6 characters, such as 4facda), looked for on the day pasted with it …'
    expect(hint).toBe(
      'Paste a reference from a message, or its 6-character short form (4facda). Add its day (4facda, 5 Dec UTC) to search that day; otherwise the days below are searched (at most 7). Leave it empty to search by person, or everyone.',
    );
  });

  it('the form says how results are ordered (by when each request was asked) and what a line is (one person\'s part)', () => {
    const said = texts(auditSearchForm(now).blocks).join('\n');
    // Before: 'newest first, one line per request', while a request's decision and its change are lines of their own, and a request asked earlier but finished later sits below newer ones.
    expect(said).not.toContain('one line per request');
    expect(said).toContain('newest first by when each request was asked: one asked earlier and finished later is below newer ones');
    expect(said).toContain("Each person's part is a line of its own: a request, an admin's decision on it, the change made once it was approved.");
  });

  it("a short reference's results name the days searched; none found says what to try; a person picked is said not searched, the days are", () => {
    const none = texts(auditReferenceView({ reference: '39c384', byEnd: true, result: { ok: true, rows: [], days: { from: '2026-12-05', to: '2026-12-06', chosen: 'picked' } }, words, ignoredPerson: 'UANN' }).blocks);
    expect(none).toContain('The requests whose reference ends with `39c384`, from *2026-12-05* to *2026-12-06* (UTC days):');
    expect(none).toContain('Searched by reference only: <@UANN> was not searched. To search by person, leave the reference empty.');
    expect(none).toContain('None: no record of those days has a reference ending so. Check the day the message gave with its short reference (such as "6 Dec UTC") and pick days around it, or paste the whole reference.');
    // A whole reference's results stay as they were.
    const whole = texts(auditReferenceView({ reference: '2026-12-06T11:48:47.213Z_b1463b39c384', result: { ok: true, rows: [] }, words }).blocks);
    expect(whole).toContain('The records of reference `2026-12-06T11:48:47.213Z_b1463b39c384`:');
  });

  it("a short reference searched with no days picked says it read the last 7 UTC days, and none found says to pick the day the person reads out; one pasted with its day names that day", () => {
    const recent = texts(auditReferenceView({ reference: '39c384', byEnd: true, result: { ok: true, rows: [], days: { from: '2026-11-30', to: '2026-12-06', chosen: 'recent' } }, words }).blocks);
    expect(recent).toContain('The requests whose reference ends with `39c384`, from *2026-11-30* to *2026-12-06*, the last 7 UTC days (no days were picked):');
    expect(recent).toContain(
      'None: no record of the last 7 days has a reference ending so. Ask the person for the day their message gives with it (such as "6 Dec UTC") and pick that day, or paste the whole reference.',
    );
    const pasted = texts(auditReferenceView({ reference: '39c384', byEnd: true, result: { ok: true, rows: [], days: { from: '2026-11-02', to: '2026-11-02', chosen: 'pasted' } }, words }).blocks);
    expect(pasted).toContain('The requests whose reference ends with `39c384`, on *2026-11-02*, the UTC day given with it (and the day after, for clicks past midnight):');
    expect(pasted).toContain('None: no record of that day or the day after (read too, for clicks past midnight) has a reference ending so. Check the short form and its day with the person, or paste the whole reference.');
  });

  it('a full page of results stays within the limits, and offers the next page', () => {
    const events = Array.from({ length: SEARCH_PAGE }, (_, i) => event(i, { subject: { userId: 'UBOB', teamId: 'T0TEAM' }, directoryUserId: 'x'.repeat(64) }));
    const view = auditResultsView({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf(events, now), next: 'sk' }, page: 1, words });
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    const button = (view.blocks.find((b) => b.type === 'actions') as any).elements[0];
    expect(JSON.parse(button.value)).toEqual({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', after: 'sk', page: 2 });
    expect(button.value.length).toBeLessThanOrEqual(2000);
  });

  it("a decision's line quotes what its admin wrote, cut short to Slack's limit however much escaping lengthens it: 500 & or < (each five or four characters escaped) never fail the page", () => {
    const at = '2026-12-01T09:00:00.000Z';
    const fullest = (comment: string): Activity => ({
      requestId: `${at}_${'a'.repeat(12)}`,
      action: 'reset_decide',
      at,
      actor: { userId: 'UADA', teamId: 'T0TEAM' },
      subject: { userId: 'UBOB', teamId: 'T0TEAM' },
      credential: 'pin',
      state: 'failed',
      errorCode: 'SLACK_UNAVAILABLE',
      decision: 'approve',
      comment,
      policy: 'a_policy_a_newer_version_wrote'.repeat(3),
      verifier: 'okta_verify',
      verifierFactorId: 'f'.repeat(64),
      verifierTransactionId: 't'.repeat(64),
      directory: 'chime',
      directoryUserId: 'x'.repeat(64),
      deliveryFailed: true,
      revokeFailed: { code: 'SLACK_UNAVAILABLE', at },
      followUpsFailed: { code: 'SLACK_UNAVAILABLE', at, revokedBy: 'UMAX' },
      decidedBy: { userId: 'UMAX', decision: 'approve', at },
    });
    const lineOf = (comment: string) => texts(auditResultsView({ from: '2026-12-01', to: '2026-12-01', page: 1, words, result: { ok: true, rows: [fullest(comment)] } }).blocks).find((t) => t.includes('Reference'))!;
    for (const comment of ['&'.repeat(500), '<'.repeat(500), '&<>'.repeat(167).slice(0, 500)]) {
      const line = lineOf(comment);
      // Before: up to 3,139 characters, and Slack refused the whole page of results.
      expect(line.length).toBeLessThanOrEqual(LIMITS.sectionText);
      // Cut, if at all, between characters, never inside an entity.
      expect(line).toMatch(/\n>“(&amp;|&lt;|&gt;)+…?”\n/);
    }
    // Said to be cut when it is.
    expect(lineOf('&'.repeat(500))).toMatch(/\n>“(&amp;)+…”\n/);
    // One that fits is quoted whole.
    expect(lineOf('Call the helpdesk & ask for Ann')).toContain('\n>“Call the helpdesk &amp; ask for Ann”\n');
  });

  it("a push rejected on the person's phone reads as a rejection, as their own Home tab says it, never as a failure nor with the directory's internal user ID (the change never reached the directory)", () => {
    const okta = CREDENTIALS.find((c) => c.id === 'okta_password')!;
    const rejected: AuditEvent = { ...event(1), action: okta.audit.action, outcome: 'failure', errorCode: 'VERIFY_REJECTED', verifier: 'okta_verify', directoryUserId: '00u1ann0000000000000' };
    const search = auditResultsView({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf([rejected], now) }, page: 1, words });
    const line = texts(search.blocks).find((t) => t.includes('Reference'))!;
    // Before: ':x: Failed: push rejected', beside ':no_entry: Rejected.' on the person's own tab and
    // Today's own count: a rejection (maybe someone else's try, refused by the person) read as a failure.
    expect(line).toContain(' · :no_entry: Rejected: push rejected in Okta Verify; nothing was changed\n');
    expect(line).not.toMatch(/Failed/);
    // The record's label stays whole where the verifier is one this deployment no longer lists.
    const retired = auditResultsView({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf([{ ...rejected, verifier: 'a_retired_verifier' }], now) }, page: 1, words });
    expect(texts(retired.blocks).find((t) => t.includes('Reference'))).toContain(' · :no_entry: Rejected: push rejected; nothing was changed\n');
    // Before: '… · Okta user `00u1ann0000000000000`'.
    expect(line).not.toContain('00u1ann');
    expect(line).not.toMatch(/Okta user/);
    // A change the directory failed still names its account, for the operator who checks it there.
    const failed: AuditEvent = { ...rejected, errorCode: 'DIRECTORY_OUTCOME_UNKNOWN' };
    const unknown = auditResultsView({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf([failed], now) }, page: 1, words });
    expect(texts(unknown.blocks).join('\n')).toContain('Okta user `00u1ann0000000000000`');
  });

  it("a push not answered in time reads as what happened, as its person's Home tab and Today say it, never as a failure", () => {
    const okta = CREDENTIALS.find((c) => c.id === 'okta_password')!;
    const unanswered: AuditEvent = { ...event(1), action: okta.audit.action, outcome: 'failure', errorCode: 'VERIFY_TIMEOUT', verifier: 'okta_verify', verification: 'timeout' };
    const lineOf = (e: AuditEvent) =>
      texts(auditResultsView({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf([e], now) }, page: 1, words }).blocks).find((t) => t.includes('Reference'))!;
    // Before: ':x: Failed: push not answered'.
    expect(lineOf(unanswered)).toContain(' · :zzz: Not answered in time: push not answered in Okta Verify; nothing was changed\n');
    expect(lineOf(unanswered)).not.toMatch(/Failed/);
    expect(lineOf({ ...unanswered, verifier: 'a_retired_verifier' })).toContain(' · :zzz: Not answered in time: push not answered; nothing was changed\n');
  });

  it('a push the person did not answer has no internal user ID either; a verifier that failed on its own (misconfigured, no factor, unavailable) keeps the account, for the operator who checks its factor or settings', () => {
    const okta = CREDENTIALS.find((c) => c.id === 'okta_password')!;
    const lineOf = (errorCode: string) => {
      const e: AuditEvent = { ...event(1), action: okta.audit.action, outcome: 'failure', errorCode, verifier: 'okta_verify', directoryUserId: '00u1ann0000000000000' };
      const search = auditResultsView({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf([e], now) }, page: 1, words });
      return texts(search.blocks).find((t) => t.includes('Reference'))!;
    };
    expect(lineOf('VERIFY_TIMEOUT')).not.toContain('00u1ann');
    // Before: no Okta user on these lines either (every VERIFY_ code hid it).
    for (const code of ['VERIFY_MISCONFIGURED', 'VERIFY_NO_FACTOR', 'VERIFY_UNAVAILABLE']) expect(lineOf(code)).toContain('Okta user `00u1ann0000000000000`');
  });

  it('a verifier that stopped answering after its push was sent (SENT_UNANSWERED on record) reads so in the search and on its person\'s Home tab; one whose push never went out reads as before', () => {
    const okta = CREDENTIALS.find((c) => c.id === 'okta_password')!;
    const unavailable: AuditEvent = { ...event(1), action: okta.audit.action, outcome: 'failure', errorCode: 'VERIFY_UNAVAILABLE', verifier: 'okta_verify', verification: 'failed' };
    const sent: AuditEvent = { ...unavailable, reason: SENT_UNANSWERED };
    const lineOf = (e: AuditEvent) =>
      texts(auditResultsView({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf([e], now) }, page: 1, words }).blocks).find((t) => t.includes('Reference'))!;
    expect(lineOf(sent)).toContain(':x: Failed: verifier unavailable: push sent, then no answer\n');
    expect(lineOf(unavailable)).toContain(':x: Failed: verifier unavailable\n');
    expect(lineOf(unavailable)).not.toContain('push sent');
    const homeOf = (e: AuditEvent) => JSON.stringify(homeView({ ...fullData(false), activity: { ok: true as const, value: activityOf([e], now) } }, words).blocks);
    // Before: "could not send" for both, though the first push was on the phone.
    expect(homeOf(sent)).toContain('Latchkey sent the Okta Verify request to your phone, but could not hear back from Okta Verify. Nothing was changed.');
    expect(homeOf(sent)).not.toContain('could not send');
    expect(homeOf(unavailable)).toContain('Latchkey could not send the Okta Verify request to your phone just now.');
  });

  it("a Duo bypass refusal (its plug-in's own reason on record) reads as that in the search, not as a person with no push device; one of a verifier no longer listed, as recorded", () => {
    const okta = CREDENTIALS.find((c) => c.id === 'okta_password')!;
    const noFactor: AuditEvent = { ...event(1), action: okta.audit.action, outcome: 'failure', errorCode: 'VERIFY_NO_FACTOR', verifier: 'duo', verification: 'failed' };
    const lineOf = (e: AuditEvent) =>
      texts(auditResultsView({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf([e], now) }, page: 1, words }).blocks).find((t) => t.includes('Reference'))!;
    expect(lineOf({ ...noFactor, reason: DUO_BYPASS })).toContain(':x: Failed: no push device: in Duo bypass, allowed without a push\n');
    expect(lineOf(noFactor)).toContain(':x: Failed: no push device\n');
    expect(lineOf(noFactor)).not.toContain('bypass');
    expect(lineOf({ ...noFactor, verifier: 'a_retired_verifier', reason: DUO_BYPASS })).toContain('no push device, for a reason of its own, recorded as `bypass`');
  });

  it("a refusal by Duo (preauth's deny, its plug-in's own reason on record) reads as Duo's refusal of a locked-out or disabled user in the search, not as a person with no push device", () => {
    const okta = CREDENTIALS.find((c) => c.id === 'okta_password')!;
    const denied: AuditEvent = { ...event(1), action: okta.audit.action, phase: 'refused', outcome: undefined, errorCode: 'VERIFY_USER_REFUSED', verifier: 'duo', reason: DUO_DENIED };
    const lineOf = (e: AuditEvent) =>
      texts(auditResultsView({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf([e], now) }, page: 1, words }).blocks).find((t) => t.includes('Reference'))!;
    // Before: 'Refused: refused by the verifier: user locked out or disabled in Duo', the word twice.
    expect(lineOf(denied)).toContain(':no_entry_sign: Refused: person the verifier will not push to: user locked out or disabled in Duo\n');
    expect(lineOf(denied)).not.toContain('no push device');
    // Every verifier's alike: Okta Verify's, with no reason of its own on record, and one no longer listed.
    expect(lineOf({ ...denied, verifier: 'okta_verify', reason: undefined })).toContain(':no_entry_sign: Refused: person the verifier will not push to\n');
    expect(lineOf({ ...denied, verifier: 'a_retired_verifier' })).toContain(':no_entry_sign: Refused: person the verifier will not push to, for a reason of its own, recorded as `denied`\n');
    for (const e of [denied, { ...denied, verifier: 'okta_verify', reason: undefined }]) expect(lineOf(e)).not.toMatch(/Refused: refused/i);
  });

  it("a directory's own refusal by a credential this deployment no longer serves is said in words, its reason as recorded, in the search and in Today", () => {
    // An old record of an Okta password refused for mastered_elsewhere, read where no Okta credential is served.
    const gone = { action: 'reset_fax_password', reason: 'mastered_elsewhere' };
    const refused: AuditEvent = { ...event(1), ...gone, phase: 'refused', outcome: undefined, errorCode: 'DIRECTORY_USER_REFUSED' };
    const search = auditResultsView({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf([refused], now) }, page: 1, words });
    const line = texts(search.blocks).find((t) => t.includes('Reference'))!;
    // Before: 'Refused: refused by the directory: mastered_elsewhere'.
    // Then: 'Refused: refused by the directory, for a reason …' (the word twice).
    expect(line).toContain(':no_entry_sign: Refused: account Latchkey may not change, for a reason of its own, recorded as `mastered_elsewhere`');

    const today = { day: '2026-12-01', resets: [], refusals: [{ code: 'DIRECTORY_USER_REFUSED', count: 2, reasons: [gone, gone] }] };
    const home = homeView({ ...fullData(true), admin: { ...fullData(true).admin!, today: { ok: true, value: today } } }, words);
    // Before: '2 requests refused by the directory (mastered_elsewhere)'.
    // Then: 'Refused: 2 requests refused by the directory (…)'.
    expect(texts(home.blocks).join('\n')).toContain('Refused: 2 requests from accounts Latchkey may not change (for a reason of its own, recorded as `mastered_elsewhere`).');
  });
});

describe('the Setup check view', () => {
  it('a ⚠ line (passed, worth a read) is its own mark, after the failures and before the passes, and fails nothing', () => {
    const text = (checks: SetupCheck[]) => JSON.stringify(setupCheckView(checks).blocks);
    const checks = [passed('Slack token', 'fine'), warned('LOG_FORMAT unknown', 'likely another program’s'), failed('Table AUDIT_TABLE_NAME', 'missing')];
    const all = text(checks);
    expect(all).toContain(':x: 1 of 3 checks failed: each says what to do next. 1 with a warning (⚠): worth a read, nothing fails for it.');
    expect(all.indexOf('✗ *Table AUDIT_TABLE_NAME*')).toBeLessThan(all.indexOf('⚠ *LOG_FORMAT unknown*'));
    expect(all.indexOf('⚠ *LOG_FORMAT unknown*')).toBeLessThan(all.indexOf('✓ *Slack token*'));
    expect(text(checks.slice(0, 2))).toContain(':white_check_mark: All 2 checks passed. 1 with a warning (⚠)');
  });

  it('a – line (not checked from here) is neither passed nor failed: its own mark, after the warnings, and not counted as a check that passed', () => {
    const text = (checks: SetupCheck[]) => JSON.stringify(setupCheckView(checks).blocks);
    const checks = [passed('Slack token', 'fine'), unchecked('Slack signing secret', 'set, and not used'), warned('LOG_FORMAT unknown', 'likely another program’s')];
    const all = text(checks);
    expect(all).toContain(':white_check_mark: All 2 checks passed. 1 with a warning (⚠): worth a read, nothing fails for it. 1 could not be checked from here (–): read it.');
    expect(all).toContain('– *Slack signing secret*: set, and not used');
    expect(all).not.toContain('✓ *Slack signing secret*');
    expect(all.indexOf('⚠ *LOG_FORMAT unknown*')).toBeLessThan(all.indexOf('– *Slack signing secret*'));
    expect(all.indexOf('– *Slack signing secret*')).toBeLessThan(all.indexOf('✓ *Slack token*'));
  });

  it('a – line not checked because a check it depends on failed is counted as such, not as one that cannot be checked from here', () => {
    const checks = [
      failed('Okta: API token', 'refused'),
      waiting('Okta Verify', 'Okta', 'not checked, Okta failed above'),
      unchecked('Slack signing secret', 'set, and not used'),
      passed('Slack token', 'fine'),
    ];
    const all = JSON.stringify(setupCheckView(checks).blocks);
    expect(all).toContain(':x: 1 of 2 checks failed: each says what to do next. 1 more was not checked because Okta failed (–). 1 could not be checked from here (–): read it.');
    expect(all.indexOf('✗ *Okta: API token*')).toBeLessThan(all.indexOf('– *Okta Verify*: not checked, Okta failed above'));
    expect(checksSummary(checks)).toBe('1 of 2 checks failed, and 1 more was not checked because Okta failed (–). 1 could not be checked from here (–): read it.');
  });

  it('the lines not checked are counted by the check each waits on, never put on every failure', () => {
    const checks = [
      failed('Okta: API token', 'refused'),
      failed('Slack scopes', 'missing users:read'),
      waiting('Okta Verify', 'Okta', 'not checked, Okta failed above'),
      passed('Slack token', 'fine'),
    ];
    expect(JSON.stringify(setupCheckView(checks).blocks)).toContain(':x: 2 of 3 checks failed: each says what to do next. 1 more was not checked because Okta failed (–).');
    expect(checksSummary(checks)).toBe('2 of 3 checks failed, and 1 more was not checked because Okta failed (–).');
    const more = [
      ...checks,
      failed('AWS credentials', 'no AWS credentials found'),
      waiting('Person UANN, /reset-okta-password', 'Okta', 'not checked, Okta failed above'),
      waiting('Person UANN, /reset-pin', 'AWS credentials', 'not checked, AWS credentials failed above'),
    ];
    expect(checksSummary(more)).toBe('3 of 4 checks failed, and 3 more were not checked: 2 because Okta failed, 1 because AWS credentials failed (–).');
  });

  it('one ✗ line saying a cause shared by several checks is counted as one problem affecting them all, not as one check that failed', () => {
    const aws = { name: 'AWS credentials', detail: 'no AWS credentials found' };
    const checks = sayCausesOnce([
      passed('Slack token', 'fine'),
      { ...failed('Table AUDIT_TABLE_NAME', 'no credentials'), cause: aws },
      { ...failed('Table APPROVALS_TABLE_NAME', 'no credentials'), cause: aws },
      { ...failed('Amazon Chime: credentials and permissions', 'no credentials'), cause: aws },
      passed('Okta: API token', 'fine'),
    ]);
    expect(JSON.stringify(setupCheckView(checks).blocks)).toContain(':x: 1 problem, affecting 3 of 5 checks: each ✗ line says what to do next.');
    expect(checksSummary(checks)).toBe('1 problem, affecting 3 of 5 checks.');
    expect(checksSummary([...checks, failed('Slack scopes', 'missing users:read')])).toBe('2 problems, affecting 4 of 6 checks.');
  });
});

describe("a credential's request is named on the Home tab and in the audit search by its one name, the credential's noun", () => {
  const all = homeWords(vocabulary, { license: licenseKindWords(vocabulary), reset: resetKindWords(Object.fromEntries(CREDENTIALS.map((c) => [c.id, resetWordsOf(c)]))) });
  const ada = { userId: 'UADA', teamId: 'T0TEAM' };
  it.each(CREDENTIALS.map((c) => [c.id, c] as const))('%s', (_, credential) => {
    const { request: noun, title, what } = resetWordsOf(credential);
    const named = capitalized(noun);
    const done = event(1, { action: credential.audit.action, outcome: 'success' });
    const pending = { approvalRequestId: event(5).requestId, credential: credential.id, outcome: 'success' as const };
    const asked = event(5, { action: 'reset_request', ...pending });
    const decided = event(4, { action: 'reset_decide', ...pending, actor: ada, subject: ann, decision: 'approve' });
    const own = texts(homeView({ ...fullData(false), activity: { ok: true, value: activityOf([done, asked], now) } }, all).blocks).filter((t) => t.includes('Reference `'));
    const search = texts(auditResultsView({ person: 'UANN', from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf([done, asked, decided], now) }, page: 1, words: all }).blocks).filter((t) =>
      t.includes('Reference `'),
    );
    // Before: "*Reset Okta password* · …" for a reset, "*Reset request* (Okta password) · …" for the request an admin decided.
    expect(own).toEqual([expect.stringMatching(new RegExp(`^\\*${named}\\* · `)), expect.stringMatching(new RegExp(`^\\*${named} request\\* · `))]);
    expect(search).toEqual([
      expect.stringMatching(new RegExp(`· \\*${named}\\* by <@UANN> · `)),
      expect.stringMatching(new RegExp(`· \\*${named} request\\* by <@UANN> · `)),
    ]);
    const admin = texts(homeView(fullData(true), all).blocks);
    // Before: "*Reset Okta password*: 40 done…" in Today.
    expect(admin).toContainEqual(expect.stringContaining(`*${named}*: 40 done`));
    for (const line of [...own, ...search, ...admin]) {
      expect(line).not.toContain(title);
      expect(line).not.toContain(`(${what})`);
      expect(line).not.toContain('Reset request');
    }
  });
});

describe("another admin's follow-up of a revoke is titled as what its admin did, never as their revoke", () => {
  const all = homeWords(vocabulary, { license: licenseKindWords(vocabulary), reset: resetKindWords(Object.fromEntries(CREDENTIALS.map((c) => [c.id, resetWordsOf(c)]))) });
  const max = { userId: 'UMAX', teamId: 'T0TEAM' };
  const chime = CREDENTIALS.find((c) => c.id === 'pin')!;
  const kinds = [
    ['reset approval', 'reset_revoke', { credential: chime.id }, `${capitalized(resetWordsOf(chime).request)} revoke followed up`, ''],
    ['license change', 'license_revoke', { licenseFrom: 'Basic', licenseTo: 'Pro' }, 'License change revoke followed up', ' (Basic → Pro)'],
  ] as const;
  it.each(kinds)('%s', (_, action, detail, title, what) => {
    const approval = event(9).requestId;
    // Ada's revoke, whose outcome she could not be told; Max's Revoke after only told its requester and the admins (its records name her revoke, revokedBy).
    const step = { action, actor: max, subject: ann, approvalRequestId: approval, revokedBy: 'UADA', ...detail };
    const records: AuditEvent[] = [event(2, { ...step, phase: 'attempt', outcome: undefined }), { ...event(2, step), outcome: 'success' }];
    const search = texts(auditResultsView({ from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf(records, now) }, page: 1, words: all }).blocks).filter((t) => t.includes('Reference `'));
    // Before: "*Meeting PIN reset approval revoked* by <@UMAX> for <@UANN> · Approved, then revoked by <@UADA>…", read as Max's revoke.
    expect(search).toEqual([
      expect.stringMatching(new RegExp(`· \\*${title}\\*${escape(what)} by <@UMAX> for <@UANN> · :no_entry: Approved, then revoked by <@UADA>; nothing was changed\n.* · This Revoke only told its requester and the admins$`)),
    ]);
    // Each person named once.
    for (const user of ['UMAX', 'UANN', 'UADA']) expect(search[0]!.split(`<@${user}>`)).toHaveLength(2);
    // Max's own Home tab: the same title, his click "you".
    const own = texts(homeView({ ...fullData(false), requester: max, activity: { ok: true, value: activityOf(records, now) } }, all).blocks).filter((t) => t.includes('Reference `'));
    expect(own).toEqual([expect.stringMatching(new RegExp(`^\\*${title}\\*${escape(what)} for <@UANN> · :no_entry: Approved, then revoked by <@UADA>; nothing was changed\n.* · You only told its requester and the admins$`))]);
    for (const line of [...search, ...own]) expect(line.toLowerCase()).not.toContain('approval revoked');
  });
  const escape = (text: string) => text.replace(/[()*]/g, '\\$&');

  it("a revoking admin's own line is still their revoke, and names them once: \"this admin\" revoked it, as their own Home tab says \"you\"", () => {
    const approval = event(9).requestId;
    const step = { action: 'reset_revoke', actor: max, subject: ann, approvalRequestId: approval, credential: chime.id };
    const rows = activityOf([{ ...event(2, step), outcome: 'success' }], now);
    const search = texts(auditResultsView({ from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows }, page: 1, words: all }).blocks).filter((t) => t.includes('Reference `'));
    // Before: "… by <@UMAX> for <@UANN> · :no_entry: Approved, then revoked by <@UMAX>".
    expect(search).toEqual([expect.stringContaining(`*${capitalized(resetWordsOf(chime).request)} approval revoked* by <@UMAX> for <@UANN> · :no_entry: Approved, then revoked by this admin; nothing was changed\n`)]);
    for (const user of ['UMAX', 'UANN']) expect(search[0]!.split(`<@${user}>`)).toHaveLength(2);
    const own = texts(homeView({ ...fullData(false), requester: max, activity: { ok: true, value: rows } }, all).blocks).filter((t) => t.includes('Reference `'));
    expect(own).toEqual([expect.stringContaining(' for <@UANN> · :no_entry: Approved, then revoked by you; nothing was changed\n')]);
  });

  it("an admin's follow-up that lost to another click says once that it did nothing, that click having told them, and whose revoke it was", () => {
    const approval = event(9).requestId;
    // Max's Revoke found Ada's revoke, but another click took its follow-ups first: on record as failed, APPROVAL_REVOKED.
    const step = { action: 'reset_revoke', actor: max, subject: ann, approvalRequestId: approval, revokedBy: 'UADA', credential: chime.id };
    const records: AuditEvent[] = [event(2, { ...step, phase: 'attempt', outcome: undefined }), { ...event(2, step), outcome: 'failure', errorCode: 'APPROVAL_REVOKED' }];
    const search = texts(auditResultsView({ from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf(records, now) }, page: 1, words: all }).blocks).filter((t) => t.includes('Reference `'));
    // Before: "· :x: Failed: approval revoked by an admin\n… · Revoked by <@UADA>; another click had told its requester and the admins": the revoke said twice, and his click "failed".
    expect(search).toEqual([
      expect.stringMatching(
        new RegExp(`· \\*${capitalized(resetWordsOf(chime).request)} revoke followed up\\* by <@UMAX> for <@UANN> · :heavy_minus_sign: Nothing done: another click had already told its requester and the admins\n.* · Revoked by <@UADA>$`),
      ),
    ]);
    expect(search[0]!.match(/\brevoked?\b/gi)).toEqual(['revoke', 'Revoked']);
    expect(search[0]).not.toMatch(/Failed|an admin/);
    for (const user of ['UMAX', 'UANN', 'UADA']) expect(search[0]!.split(`<@${user}>`)).toHaveLength(2);
  });

  it("an admin's follow-up that lost to another click reads on his own Home tab as in the audit search: it did nothing, that click having told them, and whose revoke it was", () => {
    const approval = event(9).requestId;
    const step = { action: 'reset_revoke', actor: max, subject: ann, approvalRequestId: approval, revokedBy: 'UADA', credential: chime.id };
    const records: AuditEvent[] = [event(2, { ...step, phase: 'attempt', outcome: undefined }), { ...event(2, step), outcome: 'failure', errorCode: 'APPROVAL_REVOKED' }];
    const own = texts(homeView({ ...fullData(false), requester: max, activity: { ok: true, value: activityOf(records, now) } }, all).blocks).filter((t) => t.includes('Reference `'));
    // Before: "· :x: Failed. An admin revoked the approval of this request, so nothing was changed.", Ada never named.
    expect(own).toEqual([
      expect.stringMatching(
        new RegExp(`^\\*${capitalized(resetWordsOf(chime).request)} revoke followed up\\* for <@UANN> · :heavy_minus_sign: Nothing done: another click had already told its requester and the admins\n.* · Revoked by <@UADA>$`),
      ),
    ]);
    expect(own[0]!.match(/\brevoked?\b/gi)).toEqual(['revoke', 'Revoked']);
    expect(own[0]).not.toMatch(/Failed|an admin/);
    // Max is "you" on his own tab, never named; Ann and Ada once each.
    expect(own[0]).not.toContain('<@UMAX>');
    for (const user of ['UANN', 'UADA']) expect(own[0]!.split(`<@${user}>`)).toHaveLength(2);
  });

  it("an admin's follow-up that could not be saved reads on his own Home tab as in the audit search: whose revoke it was, and that his click could not tell its requester and the admins", () => {
    const approval = event(9).requestId;
    // Max's Revoke found Ada's revoke, but its taking of the follow-ups could not be written: on record as failed, STORE_UNAVAILABLE.
    const step = { action: 'reset_revoke', actor: max, subject: ann, approvalRequestId: approval, revokedBy: 'UADA', credential: chime.id };
    const records: AuditEvent[] = [event(2, { ...step, phase: 'attempt', outcome: undefined }), { ...event(2, step), outcome: 'failure', errorCode: 'STORE_UNAVAILABLE' }];
    const search = texts(auditResultsView({ from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf(records, now) }, page: 1, words: all }).blocks).filter((t) => t.includes('Reference `'));
    expect(search).toEqual([expect.stringMatching(/ · Revoked by <@UADA>; this Revoke could not tell its requester and the admins$/)]);
    const own = texts(homeView({ ...fullData(false), requester: max, activity: { ok: true, value: activityOf(records, now) } }, all).blocks).filter((t) => t.includes('Reference `'));
    // Before: "· :x: Failed. Latchkey could not save the request, so it changed nothing." then the reference alone: Ada never named, nor who was not told.
    expect(own).toEqual([
      expect.stringMatching(
        new RegExp(`^\\*${capitalized(resetWordsOf(chime).request)} revoke followed up\\* for <@UANN> · :x: Failed\\. .*\n.* · Revoked by <@UADA>; you could not tell its requester and the admins$`),
      ),
    ]);
    // What happened to his click, and what to do next, as the answer to it said ("… Try again in a few minutes with *Revoke approval* below"):
    // no request was being saved, and his Revoke told nobody (before, "could not save the request, so it changed nothing").
    expect(own[0]).toContain(
      " · :x: Failed. Latchkey could not save what your Revoke was doing, so it told nobody. Try again in a few minutes with *Revoke approval* in its admins' message.\n",
    );
    expect(own[0]).not.toContain('save the request');
    // Max is "you" on his own tab, never named; Ann and Ada once each.
    expect(own[0]).not.toContain('<@UMAX>');
    for (const user of ['UANN', 'UADA']) expect(own[0]!.split(`<@${user}>`)).toHaveLength(2);
  });

  describe("a requester's Finish that could not do another admin's revoke's follow-ups reads on her own Home tab as in the audit search: whose revoke it was, and that her Finish could not tell the admins", () => {
    const approval = event(9).requestId;
    const pending = { approvalRequestId: approval, credential: chime.id };
    // Ada's revoke, whose outcome she could not be told; Ann's Finish after found it, but its taking of the follow-ups could not be written.
    const finish = { ...pending, action: 'reset_revoke', actor: ann, subject: ann, revokedBy: 'UADA' };
    const anns: AuditEvent[] = [
      { ...event(9, { action: 'reset_request', ...pending }), outcome: 'success' },
      event(3, { ...finish, phase: 'attempt', outcome: undefined }),
      { ...event(3, finish), outcome: 'failure', errorCode: 'STORE_UNAVAILABLE' },
    ];
    const adas: AuditEvent[] = [
      { ...event(8, { action: 'reset_decide', ...pending, actor: { userId: 'UADA', teamId: 'T0TEAM' }, subject: ann, decision: 'approve' }), outcome: 'success' },
      event(5, { action: 'reset_revoke', ...pending, actor: { userId: 'UADA', teamId: 'T0TEAM' }, subject: ann, phase: 'attempt', outcome: undefined }),
    ];
    const revoked: PendingRequest = {
      kind: 'reset',
      id: approval,
      requester: ann,
      requesterEmail: 'ann@example.com',
      directoryUserId: 'chime-ann',
      detail: { credential: chime.id },
      status: 'REVOKED',
      revokedBy: 'UADA',
      createdAt: event(9).at,
      expiresAt: '2026-12-03T08:00:00.000Z',
    } as unknown as PendingRequest;
    const failedAt = new RegExp(`<!date\\^${Date.parse(event(3).at) / 1000}\\^[^>]*>: storage unavailable$`);
    it.each([
      ['her request as read (revoked by Ada)', [revoked], 'Your Finish could not tell the admins'],
      ['her request not read', [], 'Revoked by <@UADA>; your Finish could not tell the admins'],
    ])('%s', (_, requests, told) => {
      const search = texts(auditResultsView({ from: '2026-11-01', to: '2026-12-01', result: { ok: true, rows: activityOf([...anns, ...adas], now, requests) }, page: 1, words: all }).blocks).filter((t) =>
        t.includes('by <@UANN>'),
      );
      // The audit search says it alike, "this" Finish, Ada named once there too (before, also after "revoked by <@UADA>" in the state).
      expect(search).toEqual([expect.stringContaining(` · ${told.replace('your', 'this').replace('Your', 'This')} `)]);
      expect(search[0]).toMatch(failedAt);
      expect(search[0]!.split('<@UADA>')).toHaveLength(2);
      const own = texts(homeView({ ...fullData(false), activity: { ok: true, value: activityOf(anns, now, requests) } }, all).blocks).filter((t) => t.includes(`Reference \`${approval}\``));
      // Before: the request's line alone, never saying her Finish could not tell the admins, nor (its request not read) whose revoke it was.
      expect(own).toEqual([expect.stringContaining(` · ${told} `)]);
      expect(own[0]).toMatch(failedAt);
      // Ann is "you" on her own tab, never named; Ada once, by the state or the detail.
      expect(own[0]).not.toContain('<@UANN>');
      expect(own[0]!.split('<@UADA>')).toHaveLength(2);
    });
  });
});
