import type { KnownBlock, ModalView } from '@slack/types';
import { APPROVAL_STEPS, approvalAction, OUTCOME_UNKNOWN, UNKNOWN_STATUS, type PendingRequest, type PendingStatus } from '../../src/flows/approvals/pending-request';
import { homeWords } from '../../src/handlers/home-words';
import { workmail } from '../../src/credentials/workmail';
import { resetWordsOf } from '../../src/handlers/reset-words';
import { resetKindWords } from '../../src/views/reset-approval-kind';
import { licenseStanding, type LicenseRequest } from '../../src/flows/license-request';
import { approvalMessage, REVIEW_ACTION_ID } from '../../src/views/approval-message';
import { decisionResultView, reviewClosedView, reviewCommentBlock, reviewFieldErrors, reviewView } from '../../src/views/approval-review';
import { LIMITS } from '../../src/views/blocks';
import { licenseKindWords } from '../../src/views/license-kind';
import { requesterNotice, withdrawOutcome } from '../../src/views/approval-withdraw';
import { licenseFieldErrors, licenseFormView, openRequestView, requestSentView } from '../../src/views/license-form';
import type { LicenseVocabulary } from '../../src/views/words';
import { chime } from '../../src/credentials/chime';
import { FAILURE_CODES } from '../../src/flows/failure';
import { failureMessage } from '../../src/views/failure-message';

const V: LicenseVocabulary = { words: { ...chime.licenses!.words, command: '/request-license' }, kinds: chime.licenses!.kinds };
const W = licenseKindWords(V);
const requestSentNotice = (r: LicenseRequest) => W.notice(r);
const decisionNotice = (r: LicenseRequest) => W.notice(r);
const details = (license: string) => ({ email: 'ann@example.com', license });

const STATUSES: PendingStatus[] = ['PENDING', 'APPROVED', 'APPLIED', 'APPLY_FAILED', 'DENIED', 'EXPIRED'];

function request(status: PendingStatus, overrides: Partial<LicenseRequest> = {}): LicenseRequest {
  return {
    kind: 'license',
    id: '2026-11-23T08:00:00.000Z_abc',
    requester: { userId: 'UANN', teamId: 'T1' },
    requesterEmail: 'ann@example.com',
    directoryUserId: 'chime-ann',
    detail: { from: 'Basic', to: 'Pro' },
    reason: 'Webinars <!channel> and <@U999>',
    status,
    createdAt: '2026-11-23T08:00:00.000Z',
    expiresAt: '2026-11-26T08:00:00.000Z',
    ...(status !== 'PENDING' && status !== 'EXPIRED' && { decidedBy: 'UADA', decidedAt: '2026-11-23T09:00:00.000Z', comment: 'ok <!here>' }),
    ...(status === 'APPLY_FAILED' && { errorCode: 'DIRECTORY_UNAVAILABLE' }),
    ...overrides,
  };
}

const buttons = (blocks: KnownBlock[]) =>
  blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).filter((e) => 'action_id' in e && e.action_id === REVIEW_ACTION_ID);

function checkModal(view: ModalView) {
  expect(view.title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
  if (view.submit) expect(view.submit.text.length).toBeLessThanOrEqual(LIMITS.modalButton);
  expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(LIMITS.privateMetadata);
}

describe('license views', () => {
  it('a license request is never called a reset, in any refusal (a guest, another workspace, an admin account, not enabled here)', () => {
    const said = FAILURE_CODES.flatMap((code) => Object.values(failureMessage({ code }, V.words)));
    expect(said.filter((line) => /\breset/i.test(line))).toEqual([]);
    expect(said).toEqual(expect.arrayContaining(['Guest accounts cannot use self-service changes.', 'Amazon Chime license changes are not enabled in this workspace.']));
  });

  it('the form offers exactly the other three licenses, and both inputs are required', () => {
    const view = licenseFormView({ email: 'ann@example.com', current: 'Basic', ticket: 't' }, V);
    checkModal(view);
    const inputs = view.blocks.filter((b) => b.type === 'input') as any[];
    expect(inputs.map((b) => b.block_id)).toEqual(['license', 'reason']);
    expect(inputs.every((b) => !b.optional)).toBe(true);
    expect(inputs[0].element.options.map((o: any) => o.value)).toEqual(['Plus', 'Pro', 'ProTrial']);
  });

  it.each(STATUSES)('the approvals message (%s) escapes what people typed and shows Review only when the flow says it can be decided', (status) => {
    const message = approvalMessage(request(status), W, status === 'PENDING');
    const text = JSON.stringify(message);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<@U999>');
    expect(buttons(message.blocks)).toHaveLength(status === 'PENDING' ? 1 : 0);
    expect(buttons(approvalMessage(request(status), W, true).blocks)).toHaveLength(1);
    if (status === 'DENIED' || status === 'APPLIED') expect(text).toContain('<@UADA>');
    if (status === 'EXPIRED') expect(text).toContain('Expired');
    expect(text).not.toMatch(/DIRECTORY_[A-Z]+/);
  });

  it.each(STATUSES)('every modal and notice for a %s request stays within Slack limits', (status) => {
    for (const view of [openRequestView({ request: request(status), stands: licenseStanding(request(status), false) }, V), openRequestView({ request: request(status), stands: licenseStanding(request(status), true) }, V), requestSentView(request(status), V), reviewView({ request: request(status), details: details('Basic') }, W), reviewClosedView(request(status), W), decisionResultView(request(status), W, status === 'APPLY_FAILED')]) {
      checkModal(view);
      expect(JSON.stringify(view)).not.toContain('<!channel>');
    }
    for (const notice of [requestSentNotice(request(status)), decisionNotice(request(status))]) {
      expect(notice.blocks.length).toBeLessThanOrEqual(50);
      expect(notice.text.length).toBeGreaterThan(10);
    }
  });

  it("/request-license, finding a request open in a state this version does not know, names it in a sentence as its DMs do, never in brackets", () => {
    const unknown = request('PENDING', { status: UNKNOWN_STATUS });
    const said = JSON.stringify(openRequestView({ request: unknown, stands: licenseStanding(unknown, false) }, V).blocks);
    // Before: "You already have a request (*Basic* → *Pro*) in a state this version of Latchkey does not know."
    expect(said).toContain(':grey_question: Your request to change your Amazon Chime license to Pro is already open, in a state this version of Latchkey does not know.');
    expect(said).toContain("with the reference `" + request('PENDING').id + "`");
    expect(said).not.toMatch(/request \(/);
  });

  it('the review modal carries only the request id, and flags a license that changed since', () => {
    const view = reviewView({ request: request('PENDING'), details: details('Plus') }, W);
    expect(view.private_metadata).toBe('2026-11-23T08:00:00.000Z_abc');
    expect(JSON.stringify(view)).toContain('Their license changed to *Plus* since they asked.');
  });

  it('the review modal labels its comment as it behaves: optional to approve, needed to deny', () => {
    const comment = reviewView({ request: request('PENDING'), details: details('Basic') }, W).blocks.find((b) => b.block_id === 'comment') as any;
    // Slack appends "(optional)" to an optional input's label itself, so neither the label nor the hint under it may say "required".
    expect(comment.label.text).toBe('Comment for the requester');
    expect(comment.label.text).not.toMatch(/optional|required/i);
    expect(comment.hint.text).not.toMatch(/required|optional/i);
    // Both hints say who reads it and that the audit log keeps it (its admins' search quotes it): before, only the requester.
    expect(comment.hint.text).toBe('Needed if you deny; you may leave it empty to approve. It is kept in the audit log.');
    expect((reviewCommentBlock('deny') as any).hint.text).toBe('The requester reads this with the denial, and it is kept in the audit log.');
    expect(comment.optional).toBe(true);
    // The rule is said once, by the hint above, seen before Deny is picked (the label reads "(optional)"):
    // before, Deny's description, the denial's hint and its error each said it again.
    const decision = reviewView({ request: request('PENDING'), details: details('Basic') }, W).blocks.find((b) => b.block_id === 'decision') as any;
    expect(decision.element.options.map((o: any) => [o.text.text, o.description?.text])).toEqual([
      ['Approve: change to Pro', undefined],
      ['Deny', undefined],
    ]);
  });

  it("the modal after sending says the change asked for, from what they have to what they asked for, as its DM does; never \"Pro (now Basic)\"", () => {
    const sent = JSON.stringify(requestSentView(request('PENDING'), V).blocks);
    expect(sent).toContain(':white_check_mark: Your request to change your Amazon Chime license from *Basic* to *Pro* is with the admins.');
    expect(sent).not.toContain('(now');
  });

  it('a withdrawn request, reviewed, says once that it was withdrawn and nothing was changed: its status line, then only that nobody can decide it', () => {
    const withdrawn = request('WITHDRAWN', { decidedAt: '2026-11-23T09:00:00.000Z' });
    const shown = reviewClosedView(withdrawn, W).blocks.flatMap((b: any) => [b.text?.text, ...(b.elements ?? []).map((e: any) => e.text)]).filter((t): t is string => typeof t === 'string');
    expect(shown.filter((t) => /withdr[ae]w/i.test(t))).toHaveLength(1);
    expect(shown.filter((t) => /nothing was changed/i.test(t))).toHaveLength(1);
    expect(shown.at(-1)).toBe('Nobody can decide it now.');
    // A revoked one too: its status line names who revoked it and that nothing was changed; never again under it.
    const revoked = request('REVOKED', { revokedBy: 'UMAX', revokedAt: '2026-11-23T10:00:00.000Z' });
    const closed = reviewClosedView(revoked, W).blocks.flatMap((b: any) => [b.text?.text, ...(b.elements ?? []).map((e: any) => e.text)]).filter((t): t is string => typeof t === 'string');
    expect(closed.filter((t) => /nothing was changed/i.test(t))).toHaveLength(1);
    expect(closed.at(-1)).toBe('Nobody can decide it now; its requester can ask again.');
  });

  it('field errors land on the right blocks', () => {
    expect(Object.keys(licenseFieldErrors({ license: 'UNCHANGED', reason: 'REASON_EMPTY' }))).toEqual(['license', 'reason']);
    expect(reviewFieldErrors({ comment: 'COMMENT_REQUIRED' })).toEqual({ comment: 'Write why you deny it.' });
  });

  it("a failed change past its request's time, to the admin who clicked it: says its requester has been told to ask again only when that click's close told them", () => {
    const lapsed = request('APPLY_FAILED');
    const text = (view: ModalView) => JSON.stringify(view);
    const told = text(reviewClosedView(lapsed, W, { lapsed: true, toldToAskAgain: true }));
    expect(told).toContain('Nothing was applied by your click. <@UANN> has been told to ask again with `/request-license`.');
    // Closed by someone else's read, or its close failed: never said to have been told.
    const untold = text(reviewClosedView(lapsed, W, { lapsed: true }));
    expect(untold).toContain('so it can no longer be applied. Nothing was applied by your click.');
    expect(untold).not.toContain('told');
    expect(untold).toContain('<@UANN> can ask again with `/request-license`');
    // Its DM sent but not confirmed by Slack: what to tell them, as of a decision's DM (before: nothing to do).
    const unconfirmed = text(reviewClosedView(lapsed, W, { lapsed: true, toldToAskAgain: false }));
    expect(unconfirmed).not.toContain('been told');
    expect(unconfirmed).toContain(
      "Nothing was applied by your click. :warning: Slack did not confirm that Latchkey's message reached <@UANN>, so they may not know yet: tell them yourself that its change can no longer be applied, and that they can ask again with `/request-license`.",
    );
  });

  it("a decision whose follow-ups another click took over never says its requester was told, nor that Slack refused: only what to tell them should they say they heard nothing", () => {
    const said = JSON.stringify(decisionResultView(request('DENIED', { comment: 'Not now' }), W, false, false, { requesterUnconfirmed: 'another click' }));
    // Before: "Denied. <@UANN> has been told, with your comment."
    expect(said).not.toContain('been told');
    expect(said).toContain(':no_entry: Denied.');
    expect(said).toContain(
      "Another click took over telling <@UANN>, so whether Latchkey's message reached them is not known here: if they say they heard nothing, tell them yourself that it was denied, with your comment.",
    );
  });

  it("a decision whose DM to its requester Slack did not confirm never says they were told: a denial, and a close after a change whose outcome is unknown, say what to tell them", () => {
    const unconfirmed = { requesterUnconfirmed: 'dm' } as const;
    const said = (r: PendingRequest) => JSON.stringify(decisionResultView(r, W, false, false, unconfirmed));
    const denied = said(request('DENIED', { comment: 'Not now' }));
    expect(denied).not.toContain('been told');
    expect(denied).toContain("Slack did not confirm that Latchkey's message reached <@UANN>, so they may not know yet: tell them yourself that it was denied, with your comment.");
    // Before: "Closed. <@UANN> has been told, with your comment, that the earlier change may have been made."
    const closed = said(request('DENIED', { comment: 'Not now', errorCode: OUTCOME_UNKNOWN }));
    expect(closed).not.toContain('been told');
    expect(closed).toContain(':warning: Closed: the earlier change may have been made. IT can check it with the reference');
    expect(closed).toContain('tell them yourself that it was closed, with your comment, and that the earlier change may have been made.');
    // Confirmed, as before.
    expect(JSON.stringify(decisionResultView(request('DENIED', { comment: 'Not now' }), W, false))).toContain(':no_entry: Denied. <@UANN> has been told, with your comment.');
  });

  it('a failed change whose stored code this version no longer lists shows the code as written (an earlier version wrote it)', () => {
    // APPROVAL_UNAVAILABLE was removed from the failure codes in 70bacb2; a stored request keeps it.
    const failed = request('APPLY_FAILED', { errorCode: 'APPROVAL_UNAVAILABLE' });
    const said = JSON.stringify([approvalMessage(failed, W, false), reviewClosedView(failed, W), decisionResultView(failed, W, true)]);
    expect(said).toContain('but the change was not applied: Recorded as `APPROVAL_UNAVAILABLE`.');
  });

  it.each([true, false])("a failed change says who can try again by the flow's rule, the one that shows Review (decidable: %s), for either kind", (decidable) => {
    const license = request('APPLY_FAILED');
    const reset: PendingRequest = { ...license, kind: 'reset', detail: { credential: workmail.id, resetRequestId: 'r1' }, reason: '' };
    const resetKind = resetKindWords({ [workmail.id]: resetWordsOf(workmail) });
    for (const [failed, words, command] of [[license, W, '/request-license'], [reset, resetKind, workmail.command]] as const) {
      const message = approvalMessage(failed, words, decidable);
      const said = JSON.stringify([message, decisionResultView(failed, words, decidable)]);
      expect(buttons(message.blocks)).toHaveLength(decidable ? 1 : 0);
      expect(said.includes('An admin can approve it again to retry.')).toBe(decidable);
      expect(said.includes('Click *Review* on the message again to retry.')).toBe(decidable);
      expect(said.includes(`<@UANN> can ask again with \`${command}\`; an admin must approve it again.`)).toBe(!decidable);
    }
  });

  it.each([
    ['DIRECTORY_OUTCOME_UNKNOWN', 'the change may or may not have been applied'],
    ['DIRECTORY_UNAVAILABLE', 'the change was not applied'],
  ])('a failed change (%s) is said the same way to its admins and, once retried no more, to its requester: "%s"', (errorCode, words) => {
    const failed = request('APPLY_FAILED', { errorCode });
    expect(JSON.stringify(approvalMessage(failed, W, false))).toContain(`but ${words}: `);
    expect(decisionNotice(failed).text).toBe(`Your request to change your Amazon Chime license to Pro was approved by <@UADA>, but ${words}, and it was not retried before your request's time ended.`);
  });

  it.each([
    ['DIRECTORY_OUTCOME_UNKNOWN', 'the change may or may not have been applied'],
    ['DIRECTORY_UNAVAILABLE', 'the change was not applied'],
  ])("a change approved in time whose apply failed (%s) just after its request's time ended is told so, never as one left unretried: \"%s\"", (errorCode, words) => {
    const notice = W.notice(request('APPLY_FAILED', { errorCode }), 'failed_past_time');
    expect(notice.text).toBe(
      `Your request to change your Amazon Chime license to Pro was approved by <@UADA>, but it could not be applied before your request's time ended, so it cannot be retried: ${words}.`,
    );
    const said = JSON.stringify(notice.blocks);
    expect(said).not.toContain('not retried');
    expect(said).toContain('Run `/request-license` to ask again.');
  });

  it('the requester hears the outcome with the comment', () => {
    expect(decisionNotice(request('DENIED')).text).toBe('Your request to change your Amazon Chime license to Pro was denied by <@UADA>.');
    expect(JSON.stringify(decisionNotice(request('DENIED')).blocks)).toContain('ok &lt;!here&gt;');
    expect(JSON.stringify(decisionNotice(request('DENIED')).blocks)).toContain('If you think this is wrong, message <@UADA> directly, or ask IT. Run `/request-license` to ask again.');
    // Named as a reset's DM names it ("<@UADA> approved your mail password reset request."); before: "… approved your request."
    expect(decisionNotice(request('APPLIED')).text).toBe('Your Amazon Chime license is now Pro: <@UADA> approved your license change request.');
    expect(decisionNotice(request('APPLIED', { decidedBy: undefined })).text).toBe('Your Amazon Chime license is now Pro: an admin approved your license change request.');
  });
});

describe("the requester's DM about their request", () => {
  const text = (m: { blocks: KnownBlock[] }) => JSON.stringify(m.blocks);
  it('while it waits: how soon IT usually answers, when configured, and Withdraw; neither once it is decided', () => {
    const sent = requesterNotice(request('PENDING'), W, { responseTime: '4 working hours' });
    expect(text(sent)).toContain('IT usually answers within 4 working hours.');
    expect(text(sent)).toContain('"action_id":"approval_withdraw"');
    expect(text(requesterNotice(request('PENDING'), W))).not.toContain('usually answers');
    for (const status of ['APPROVED', 'APPLIED', 'DENIED', 'EXPIRED', 'WITHDRAWN'] as const) {
      const later = text(requesterNotice(request(status), W, { responseTime: '4 working hours' }));
      expect(later).not.toContain('usually answers');
      expect(later).not.toContain('approval_withdraw');
    }
  });
});

describe("the new DM that answers a Withdraw which found its request past its time, when the click's own answer reached nobody", () => {
  it('says what its modal and its rewritten DM say: it had already expired, so there was nothing to withdraw; an expiry nobody clicked still says it expired without a decision', () => {
    const expired = request('EXPIRED', { expiredAtWithdraw: true });
    const answer = withdrawOutcome({ ok: false, code: 'REQUEST_EXPIRED', request: expired }, { license: W });
    const dm = requesterNotice(expired, W, { responseTime: '4 working hours' });
    // Before: "Your request to change your Amazon Chime license to Pro expired without a decision."
    expect(dm.text).toBe(':zzz: Your request to change your Amazon Chime license to Pro had already expired, so there was nothing to withdraw. Nothing was changed.');
    expect(dm).toEqual(answer);
    expect(requesterNotice(request('EXPIRED'), W).text).toBe('Your request to change your Amazon Chime license to Pro expired without a decision.');
  });
});

describe("what the requester is told when their Withdraw could not be carried out", () => {
  it('a store that did not answer its write may have taken the withdraw: never "it still waits", but where to see it and that clicking again is safe', () => {
    const m = withdrawOutcome({ ok: false, code: 'STORE_OUTCOME_UNKNOWN' }, { license: W });
    expect(m.text).toBe('Latchkey could not tell whether your request was withdrawn.');
    expect(m.text).not.toContain('still waits');
    expect(JSON.stringify(m.blocks)).toContain('Home tab shows where it stands');
  });
  it('a refused audit attempt changed nothing (fail closed): the request still waits, and it says so', () => {
    const m = withdrawOutcome({ ok: false, code: 'AUDIT_UNAVAILABLE' }, { license: W });
    expect(m.text).toContain('Your request was not withdrawn: it still waits for an admin.');
  });
});

describe('a license change has one name wherever a person reads it', () => {
  it("its review's title, its admins' message, each step of it on the Home tab and in the audit search, its requester's heading and DMs, and its limit", () => {
    // The review's title is the request's one name (words.request, capitalised): every other place says the same.
    const name = reviewView({ request: request('PENDING'), details: details('Basic') }, W).title.text;
    expect(name).toBe('License change');
    expect(approvalMessage(request('PENDING'), W, true).text).toBe('License change request from <@UANN>: Basic → Pro (waiting for an admin)');
    const home = homeWords(V, { license: W }, ['license']);
    const steps = APPROVAL_STEPS.map((step) => home.actions[approvalAction('license', step)]!.name);
    // Before: "License request", "License decision", "License change", "License request withdrawn", "License approval revoked".
    expect(steps).toEqual(['License change request', 'License change decision', 'Approved license change', 'License change request withdrawn', 'License change approval revoked']);
    for (const step of steps) expect(step.toLowerCase()).toContain(name.toLowerCase());
    expect(home.approvals.ownHeading).toBe('Your license change requests');
    const statuses = [...STATUSES, 'WITHDRAWN'] as const;
    const read = [
      ...statuses.flatMap((status) => [W.notice(request(status)).text, withdrawOutcome({ ok: true, request: request(status) }, { license: W }).text]),
      W.notice(request('FINISHING')).text,
      failureMessage({ code: 'RATE_LIMITED' }, V.words).headline,
    ];
    // Before: "Your license request (Basic → Pro) is now finishing.", "You have sent as many license requests as…".
    expect(read.filter((text) => /license request/i.test(text))).toEqual([]);
    expect(failureMessage({ code: 'RATE_LIMITED' }, V.words).headline).toBe('You have sent as many license change requests as Latchkey allows in a day.');
  });
});
