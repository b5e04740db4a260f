import { LatchkeyFailure } from '../../src/flows/failure';
import { Approvals } from '../../src/flows/approvals/approvals';
import { licenseKind, LicenseRequests } from '../../src/flows/license-requests';
import type { License } from '../../src/flows/ports';
import {
  ManualClock,
  member,
  MemoryAdmins,
  MemoryAnnouncer,
  MemoryAudit,
  MemoryLicenseDirectory,
  MemoryPendingRequests,
  MemoryLogger,
  MemoryMembers,
  MemoryRateLimiter,
  testSealer,
} from '../support/in-memory-ports';

const ANN = { userId: 'UANN', teamId: 'T0TEAM' };
const ADA = { userId: 'UADA', teamId: 'T0TEAM' }; // admin
const MAX = { userId: 'UMAX', teamId: 'T0TEAM' }; // admin
const BOB = { userId: 'UBOB', teamId: 'T0TEAM' }; // not an admin

function setup() {
  const clock = new ManualClock();
  const audit = new MemoryAudit();
  const store = new MemoryPendingRequests(clock);
  const announcer = new MemoryAnnouncer();
  const directory = new MemoryLicenseDirectory([
    { id: 'chime-ann', email: 'uann@example.com', status: 'active', license: 'Basic' },
    { id: 'chime-ada', email: 'uada@example.com', status: 'active', license: 'Pro' },
  ]);
  const logger = new MemoryLogger();
  const workspace = { teamId: 'T0TEAM' };
  const approvals = new Approvals({
    kinds: [licenseKind(directory, 'chime')],
    admins: new MemoryAdmins(new Set(['UADA', 'UMAX'])),
    store,
    announcer,
    audit,
    clock,
    logger,
    workspace,
    limiter: new MemoryRateLimiter(),
  });
  const licenses = new LicenseRequests({
    directory,
    licenses: ['Basic', 'Plus', 'Pro', 'ProTrial'],
    auditDirectory: 'chime',
    members: new MemoryMembers([member('UANN'), member('UADA'), member('UMAX'), member('UBOB')]),
    approvals,
    sealer: testSealer(),
    clock,
    logger,
    workspace,
    requestTtlHours: 72,
    maxRequestsPerDay: 5,
  });
  // Asking is the license kind's; reviewing and deciding are the approvals capability's.
  const flow = {
    start: licenses.start.bind(licenses),
    checkForm: licenses.checkForm.bind(licenses),
    submit: licenses.submit.bind(licenses),
    isAdmin: approvals.isAdmin.bind(approvals),
    review: approvals.review.bind(approvals),
    checkDecision: approvals.checkDecision.bind(approvals),
    decide: approvals.decide.bind(approvals),
  };
  return { clock, audit, store, announcer, directory, flow, approvals, logger };
}

async function fileRequest(flow: ReturnType<typeof setup>['flow'], requester = ANN, to: License = 'Pro', reason = 'I host customer calls') {
  const started = await flow.start(requester);
  if (!started.ok || started.state !== 'form') throw new Error(`start: ${JSON.stringify(started)}`);
  const checked = flow.checkForm(requester, started.ticket, to, reason);
  if (!('ticket' in checked)) throw new Error(`checkForm: ${JSON.stringify(checked)}`);
  const submitted = await flow.submit(requester, checked);
  if (!submitted.ok) throw new Error(`submit: ${submitted.code}`);
  return submitted.request;
}

describe('LicenseRequests', () => {
  it('shows the current license, files the request, announces it and confirms to the requester', async () => {
    const { flow, announcer, store, audit } = setup();
    const started = await flow.start(ANN);
    expect(started).toMatchObject({ ok: true, state: 'form', current: 'Basic' });

    const request = await fileRequest(flow);
    expect(request).toMatchObject({ kind: 'license', status: 'PENDING', detail: { from: 'Basic', to: 'Pro' }, reason: 'I host customer calls' });
    expect(Date.parse(request.expiresAt) - Date.parse(request.createdAt)).toBe(72 * 3_600_000);
    expect(announcer.announced.map((r) => r.id)).toEqual([request.id]);
    expect(announcer.decidable.get(request.id)).toBe(true);
    expect(announcer.told.map((r) => r.status)).toEqual(['PENDING']);
    expect((await store.get(request.id))?.message).toEqual({ channel: 'CAPPROVALS', ts: '1.0001' });
    expect(audit.entries.map((e) => [e.action, e.phase, e.outcome])).toEqual([
      ['license_request', 'attempt', undefined],
      ['license_request', 'outcome', 'success'],
    ]);
  });

  it.each([
    ['the current license', 'Basic', 'because', { license: 'UNCHANGED' }],
    ['no license', undefined, 'because', { license: 'NO_CHOICE' }],
    ['a license that does not exist', 'Enterprise', 'because', { license: 'NO_CHOICE' }],
    ['an empty reason', 'Pro', '   ', { reason: 'REASON_EMPTY' }],
    ['a reason that is too long', 'Pro', 'x'.repeat(501), { reason: 'REASON_TOO_LONG' }],
  ])('flags %s as a field error', async (_what, choice, reason, fieldErrors) => {
    const { flow } = setup();
    const started = await flow.start(ANN);
    if (!started.ok || started.state !== 'form') throw new Error('no form');
    expect(flow.checkForm(ANN, started.ticket, choice, reason)).toEqual({ fieldErrors });
  });

  it("refuses a form ticket made for someone else", async () => {
    const { flow } = setup();
    const started = await flow.start(ANN);
    if (!started.ok || started.state !== 'form') throw new Error('no form');
    expect(flow.checkForm(BOB, started.ticket, 'Pro', 'me too')).toEqual({ ok: false, code: 'REQUEST_INVALID' });
  });

  it('allows one open request per user, and shows it instead of a new form', async () => {
    const { flow } = setup();
    const first = await fileRequest(flow);
    expect(await flow.start(ANN)).toMatchObject({ ok: true, state: 'open', request: { id: first.id } });
  });

  it('when the request cannot be announced, it is closed and the requester told', async () => {
    const { flow, announcer, store } = setup();
    announcer.announceFailure = new LatchkeyFailure('SLACK_UNAVAILABLE');
    const started = await flow.start(ANN);
    if (!started.ok || started.state !== 'form') throw new Error('no form');
    const checked = flow.checkForm(ANN, started.ticket, 'Pro', 'calls');
    if (!('ticket' in checked)) throw new Error('bad form');
    expect(await flow.submit(ANN, checked)).toMatchObject({ ok: false, code: 'SLACK_UNAVAILABLE' });
    expect(await store.findOpen(ANN, 'OPEN')).toBeUndefined();
  });

  describe('a record lost with its command paged: the lost record\'s line is found by the reference the page names', () => {
    const said = (logger: MemoryLogger, message: string) => logger.lines.filter((l) => l.message === message).map((l) => l.fields as Record<string, unknown>);

    it('a request the store could not file: the page names the request (approvalRequestId), and so does its lost outcome', async () => {
      const { flow, audit, store, logger } = setup();
      const started = await flow.start(ANN);
      if (!started.ok || started.state !== 'form') throw new Error('no form');
      const checked = flow.checkForm(ANN, started.ticket, 'Pro', 'calls');
      if (!('ticket' in checked)) throw new Error('bad form');
      store.failWith = new LatchkeyFailure('STORE_UNAVAILABLE');
      const write = audit.record.bind(audit);
      audit.record = async (entry) => (entry.phase === 'outcome' ? Promise.reject(new LatchkeyFailure('AUDIT_UNAVAILABLE')) : write(entry));
      const submitted = await flow.submit(ANN, checked);
      expect(submitted).toMatchObject({ ok: false, code: 'STORE_UNAVAILABLE' });
      const [page] = said(logger, 'approval request failed: operator action needed');
      expect(page).toMatchObject({ slackUserId: 'UANN', code: 'STORE_UNAVAILABLE', approvalRequestId: expect.any(String) });
      // The step's own requestId is fresh (the attempt's); only the request's reference joins the two lines.
      expect(said(logger, 'audit record could not be written')).toEqual([expect.objectContaining({ phase: 'outcome', approvalRequestId: page!.approvalRequestId })]);
    });

    it('a request refused before its form: the page names the reference its lost refusal is logged under', async () => {
      const { flow, audit, store, logger } = setup();
      store.findOpen = async () => Promise.reject(new LatchkeyFailure('STORE_UNAVAILABLE'));
      audit.failWith = new LatchkeyFailure('AUDIT_UNAVAILABLE');
      const started = await flow.start(ANN);
      expect(started).toMatchObject({ ok: false, code: 'STORE_UNAVAILABLE' });
      const [page] = said(logger, 'approval request failed: operator action needed');
      expect(page).toMatchObject({ slackUserId: 'UANN', step: 'start', requestId: expect.any(String) });
      expect(said(logger, 'audit record could not be written')).toEqual([expect.objectContaining({ phase: 'refused', requestId: page!.requestId })]);
      // The reference the person is given is the same one.
      expect(started).toMatchObject({ requestId: page!.requestId });
    });

    it('a refusal for a directory fault of ours whose record the audit table refused pages for both: the page for the directory does not say the audit table failed', async () => {
      const { flow, audit, directory, logger } = setup();
      directory.getLicensedUser = async () => Promise.reject(new LatchkeyFailure('DIRECTORY_MISCONFIGURED', 'Chime: AccessDenied'));
      audit.failWith = new LatchkeyFailure('AUDIT_UNAVAILABLE', 'AccessDeniedException: AppendAuditRecords');
      expect(await flow.start(ANN)).toMatchObject({ ok: false, code: 'DIRECTORY_MISCONFIGURED' });
      expect(said(logger, 'approval request failed: operator action needed')).toEqual([expect.objectContaining({ code: 'DIRECTORY_MISCONFIGURED', alert: true })]);
      expect(said(logger, 'audit record could not be written')).toEqual([expect.objectContaining({ phase: 'refused', alert: true, err: expect.stringContaining('AppendAuditRecords') })]);
    });
  });

  it('an admin approves: the license is changed exactly once and everyone is told', async () => {
    const { flow, directory, announcer, audit } = setup();
    const request = await fileRequest(flow);
    const review = await flow.review(ADA, request.id);
    expect(review).toMatchObject({ ok: true, state: 'decide', details: { license: 'Basic' } });

    const decided = await flow.decide(ADA, request.id, { decision: 'approve', comment: 'ok' });
    expect(decided).toMatchObject({ ok: true, request: { status: 'APPLIED', decidedBy: 'UADA', comment: 'ok' } });
    expect(directory.changes).toEqual([['chime-ann', 'Pro']]);
    expect(announcer.refreshed.at(-1)?.status).toBe('APPLIED');
    expect(announcer.decidable.get(request.id)).toBe(false);
    expect(announcer.told.at(-1)?.status).toBe('APPLIED');
    expect(audit.entries.filter((e) => e.action !== 'license_request').map((e) => [e.action, e.phase, e.outcome, e.actor.userId, e.subject?.userId])).toEqual([
      ['license_decide', 'attempt', undefined, 'UADA', 'UANN'],
      ['license_decide', 'outcome', 'success', 'UADA', 'UANN'],
      ['license_apply', 'attempt', undefined, 'UADA', 'UANN'],
      ['license_apply', 'outcome', 'success', 'UADA', 'UANN'],
    ]);
  });

  it('a denial changes nothing and tells the requester', async () => {
    const { flow, directory, announcer } = setup();
    const request = await fileRequest(flow);
    expect(await flow.decide(ADA, request.id, { decision: 'deny', comment: 'Use Plus' })).toMatchObject({
      ok: true,
      request: { status: 'DENIED', comment: 'Use Plus' },
    });
    expect(directory.changes).toEqual([]);
    expect(announcer.told.at(-1)).toMatchObject({ status: 'DENIED', comment: 'Use Plus' });
  });

  it('requires a comment to deny, and a decision', () => {
    const { flow } = setup();
    expect(flow.checkDecision('deny', ' ')).toEqual({ fieldErrors: { comment: 'COMMENT_REQUIRED' } });
    expect(flow.checkDecision(undefined, 'x')).toEqual({ fieldErrors: { decision: 'NO_DECISION' } });
    expect(flow.checkDecision('approve', '')).toEqual({ decision: 'approve', comment: undefined });
  });

  it('non-admins cannot review or decide', async () => {
    const { flow, directory } = setup();
    const request = await fileRequest(flow);
    expect(await flow.isAdmin(BOB)).toBe(false);
    expect(await flow.review(BOB, request.id)).toMatchObject({ ok: false, code: 'NOT_ADMIN' });
    expect(await flow.decide(BOB, request.id, { decision: 'approve' })).toMatchObject({ ok: false, code: 'NOT_ADMIN' });
    expect(directory.changes).toEqual([]);
  });

  it('an admin cannot decide their own request', async () => {
    const { flow, directory } = setup();
    const request = await fileRequest(flow, ADA, 'Plus');
    expect(await flow.review(ADA, request.id)).toMatchObject({ ok: false, code: 'SELF_REVIEW' });
    expect(await flow.decide(ADA, request.id, { decision: 'approve' })).toMatchObject({ ok: false, code: 'SELF_REVIEW' });
    expect(directory.changes).toEqual([]);
  });

  it('two admins deciding at once apply the change once; the loser is told who decided', async () => {
    const { flow, directory } = setup();
    const request = await fileRequest(flow);
    const results = await Promise.all([
      flow.decide(ADA, request.id, { decision: 'approve' }),
      flow.decide(MAX, request.id, { decision: 'approve' }),
    ]);
    expect(directory.changes).toEqual([['chime-ann', 'Pro']]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: 'REQUEST_DECIDED', request: { decidedBy: expect.stringMatching(/UADA|UMAX/) } });
  });

  it('an expired request cannot be decided, and shows as expired', async () => {
    const { flow, clock, directory, announcer } = setup();
    const request = await fileRequest(flow);
    clock.advance(72 * 3_600_000 + 1);
    expect(await flow.review(ADA, request.id)).toMatchObject({ ok: true, state: 'closed', request: { status: 'EXPIRED' } });
    expect(await flow.decide(ADA, request.id, { decision: 'approve' })).toMatchObject({ ok: false, code: 'REQUEST_EXPIRED' });
    expect(directory.changes).toEqual([]);
    expect(announcer.refreshed.at(-1)?.status).toBe('EXPIRED');
    expect(announcer.decidable.get(request.id)).toBe(false);
  });

  it('a Chime failure on apply is recorded (APPLY_FAILED) and an admin can retry', async () => {
    const { flow, directory, audit, announcer } = setup();
    const request = await fileRequest(flow);
    directory.changeFailure = new LatchkeyFailure('DIRECTORY_UNAVAILABLE');
    expect(await flow.decide(ADA, request.id, { decision: 'approve' })).toMatchObject({
      ok: true,
      request: { status: 'APPLY_FAILED', errorCode: 'DIRECTORY_UNAVAILABLE' },
    });
    expect(audit.entries.at(-1)).toMatchObject({ action: 'license_apply', outcome: 'failure', errorCode: 'DIRECTORY_UNAVAILABLE' });
    // The admins' message keeps its Review button: the flow says the request can be decided again.
    expect(announcer.decidable.get(request.id)).toBe(true);

    directory.changeFailure = undefined;
    expect(await flow.review(MAX, request.id)).toMatchObject({ ok: true, state: 'decide' });
    expect(await flow.decide(MAX, request.id, { decision: 'approve' })).toMatchObject({ ok: true, request: { status: 'APPLIED', decidedBy: 'UMAX' } });
    expect(directory.changes).toEqual([['chime-ann', 'Pro']]);
  });

  it('the failed changes an admin reads say when the read stopped at its bound (250) with more left, so "…and N more" says "at least"', async () => {
    const { flow, directory, store, approvals } = setup();
    const request = await fileRequest(flow);
    directory.changeFailure = new LatchkeyFailure('DIRECTORY_UNAVAILABLE');
    const decided = await flow.decide(ADA, request.id, { decision: 'approve' });
    if (!decided.ok) throw new Error(decided.code);
    expect(decided.request).toMatchObject({ status: 'APPLY_FAILED' });
    const listAs = (n: number) => {
      for (let i = 0; i < n; i++) {
        const id = `${request.id}-${String(i).padStart(3, '0')}`;
        store.requests.set(id, { ...decided.request, id });
        store.retryIds.add(id);
      }
    };
    listAs(29);
    expect(await approvals.awaitingRetry()).toMatchObject({ requests: expect.arrayContaining([expect.objectContaining({ id: request.id })]), atLeast: false });
    expect((await approvals.awaitingRetry()).requests).toHaveLength(30);
    listAs(260);
    const partly = await approvals.awaitingRetry();
    expect(partly.atLeast).toBe(true);
    expect(partly.requests).toHaveLength(250);
  });

  it('fails closed: no audit, no decision and no change', async () => {
    const { flow, audit, directory, store } = setup();
    const request = await fileRequest(flow);
    audit.failWith = new LatchkeyFailure('AUDIT_UNAVAILABLE');
    expect(await flow.decide(ADA, request.id, { decision: 'approve' })).toMatchObject({ ok: false, code: 'AUDIT_UNAVAILABLE' });
    expect((await store.get(request.id))?.status).toBe('PENDING');
    expect(directory.changes).toEqual([]);
  });

  it('a decided request cannot be decided again', async () => {
    const { flow, directory } = setup();
    const request = await fileRequest(flow);
    await flow.decide(ADA, request.id, { decision: 'deny', comment: 'no' });
    expect(await flow.decide(MAX, request.id, { decision: 'approve' })).toMatchObject({ ok: false, code: 'REQUEST_DECIDED', request: { status: 'DENIED', decidedBy: 'UADA' } });
    expect(await flow.review(MAX, request.id)).toMatchObject({ ok: true, state: 'closed' });
    expect(directory.changes).toEqual([]);
  });
});
