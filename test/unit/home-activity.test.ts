import { CREDENTIALS } from '../../src/credentials';
import { activityOf, oneLinePerRequest, type Activity } from '../../src/flows/home-tab';
import type { PendingRequest } from '../../src/flows/approvals/pending-request';
import type { AuditEvent } from '../../src/flows/ports';
import { homeWords } from '../../src/handlers/home-words';
import { homeView } from '../../src/views/home-tab';
import { licenseKindWords } from '../../src/views/license-kind';
import { resetKindWords } from '../../src/views/reset-approval-kind';
import { resetWordsOf } from '../../src/handlers/reset-words';
import { capitalized } from '../../src/views/words';

/** "Your recent activity": one row per thing the person did, with where it stands. */
const licensed = CREDENTIALS.find((c) => c.licenses)!;
const vocabulary = { words: { ...licensed.licenses!.words, command: '/request-license' }, kinds: [] };
const words = homeWords(vocabulary, { license: licenseKindWords(vocabulary) });
const now = new Date('2026-12-04T13:25:00Z');
const ada = { userId: 'UADA', teamId: 'T1' };
const bob = { userId: 'UBOB', teamId: 'T1' };
const reset = CREDENTIALS[0]!.audit.action;

const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
const record = (requestId: string, minutesAgo: number, extra: Partial<AuditEvent>): AuditEvent => ({ requestId, at: at(minutesAgo), phase: 'attempt', action: reset, actor: ada, ...extra });
const license = { approvalRequestId: 'L1', subject: bob, licenseFrom: 'Basic', licenseTo: 'Pro' };

/** Newest first, as the audit log gives them. */
const APPROVAL: AuditEvent[] = [
  record('r-apply', 0.9, { ...license, action: 'license_apply', phase: 'outcome', outcome: 'success' }),
  record('r-apply', 0.9, { ...license, action: 'license_apply', phase: 'attempt' }),
  record('r-decide', 1, { ...license, action: 'license_decide', phase: 'outcome', outcome: 'success', decision: 'approve' }),
  record('r-decide', 1, { ...license, action: 'license_decide', phase: 'attempt', decision: 'approve' }),
  record('r-reset', 5, { phase: 'outcome', outcome: 'success' }),
  record('r-reset', 5, { phase: 'attempt' }),
];

function rows(events: AuditEvent[], requests: PendingRequest[] = [], shownWith = words): string[] {
  const view = homeView(
    { requester: ada, credentials: [], licenses: false, activity: { ok: true, value: activityOf(events, now, requests) }, now },
    shownWith,
  );
  const blocks = view.blocks as unknown as { type: string; text?: { text: string } }[];
  const start = blocks.findIndex((b) => b.type === 'header' && b.text?.text === 'Your recent activity');
  return blocks.slice(start + 1).flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
}

describe('Home activity: one row per thing the person did, with its state', () => {
  it("groups a reset's attempt and outcome, and an approval's decision and change, into one row each", () => {
    const activity = activityOf(APPROVAL, now);
    expect(activity.map((a) => [a.action, a.state, a.applied])).toEqual([
      ['license_decide', 'succeeded', 'succeeded'],
      [reset, 'succeeded', undefined],
    ]);
    const [approval, done] = rows(APPROVAL);
    expect(approval).toMatch(/^\*License change decision\* \(Basic → Pro\) for <@UBOB> · :white_check_mark: Approved and applied\n/);
    // The reference is the request's, which each of its steps names (the step that made the change is found by it too).
    expect(approval).toContain('Reference `L1`');
    expect(approval).not.toContain('`r-apply`');
    expect(done).toContain(':white_check_mark: Done');
  });

  it('an approval whose change failed says so, and a denial is a denial', () => {
    const failed = APPROVAL.slice(0, 4).map((e) => (e.phase === 'outcome' && e.action === 'license_apply' ? { ...e, outcome: 'failure' as const, errorCode: 'DIRECTORY_UNAVAILABLE' as const } : e));
    expect(rows(failed)[0]).toMatch(/:warning: Approved, but the change failed\. .* is not answering right now/);
    const denied = APPROVAL.slice(2, 4).map((e) => ({ ...e, decision: 'deny' as const }));
    expect(rows(denied)).toEqual([expect.stringContaining(':no_entry: Denied')]);
  });

  it('a license request that was sent is not "Done": it shows where the request stands now', () => {
    const sent = [
      record('r-req', 2, { actor: bob, action: 'license_request', phase: 'outcome', outcome: 'success', approvalRequestId: 'L1', licenseTo: 'Pro' }),
      record('r-req', 2, { actor: bob, action: 'license_request', phase: 'attempt', approvalRequestId: 'L1', licenseTo: 'Pro' }),
    ];
    const stored = (status: PendingRequest['status']): PendingRequest => ({
      kind: 'license',
      id: 'L1',
      requester: bob,
      requesterEmail: 'bob@example.com',
      directoryUserId: 'chime-bob',
      detail: { from: 'Basic', to: 'Pro' },
      reason: 'webinars',
      status,
      createdAt: at(2),
      expiresAt: at(-60),
    });
    expect(rows(sent)).toEqual([expect.stringContaining(':outbox_tray: Sent to the admins')]);
    expect(rows(sent, [stored('PENDING')])).toEqual([expect.stringContaining(':hourglass: Waiting for an admin')]);
    expect(rows(sent, [stored('APPLIED')])).toEqual([expect.stringContaining('Approved and applied')]);
    expect(rows(sent, [stored('DENIED')])).toEqual([expect.stringContaining(':no_entry: Denied')]);
    for (const status of ['PENDING', 'APPROVED', 'APPLY_FAILED', 'DENIED', 'EXPIRED'] as const) {
      expect(rows(sent, [stored(status)])[0]).not.toContain('Done');
    }
  });
});

describe('an approved reset its requester finished herself', () => {
  const chime = CREDENTIALS.find((c) => c.id === 'pin')!;
  const withResets = homeWords(vocabulary, { license: licenseKindWords(vocabulary), reset: resetKindWords({ [chime.id]: resetWordsOf(chime) }) });
  const asked = { actor: ada, subject: ada, credential: chime.id, approvalRequestId: 'P1' };
  const sent = [
    record('r-req', 30, { ...asked, action: 'reset_request', phase: 'outcome', outcome: 'success' }),
    record('r-req', 30, { ...asked, action: 'reset_request', phase: 'attempt' }),
  ];
  const stored: PendingRequest = {
    kind: 'reset',
    id: 'P1',
    requester: ada,
    requesterEmail: 'ada@example.com',
    directoryUserId: 'chime-ada',
    detail: { credential: chime.id },
    reason: '',
    status: 'APPLIED',
    createdAt: at(30),
    expiresAt: at(-30),
    decidedBy: 'UMAX',
  };
  it('says she finished it ("Approved and finished by you" on her own tab), never "Approved and applied", which an approval that applied its change says', () => {
    // From where the request stands (the audit search says it from her Finish's records too: home-tab.test.ts).
    const shown = rows(sent, [stored], withResets);
    expect(shown).toEqual([expect.stringMatching(/^\*Meeting PIN reset request\* · :white_check_mark: Approved and finished by you\n/)]);
    // A license change, which its approval applies, is still "Approved and applied".
    expect(rows(APPROVAL, [], withResets)[0]).toContain(':white_check_mark: Approved and applied');
  });
});

describe('a request its requester withdrew', () => {
  const asked = (extra: Partial<AuditEvent>) => ({ actor: bob, approvalRequestId: 'L1', licenseFrom: 'Basic', licenseTo: 'Pro', ...extra });
  const withdrawn = (outcome: Partial<AuditEvent>) => [
    record('r-wd', 1, asked({ action: 'license_withdraw', phase: 'outcome', ...outcome })),
    record('r-wd', 1, asked({ action: 'license_withdraw', phase: 'attempt' })),
    record('r-req', 2, asked({ action: 'license_request', phase: 'outcome', outcome: 'success' })),
    record('r-req', 2, asked({ action: 'license_request', phase: 'attempt' })),
  ];

  it('is one line, its request\'s, that says it was withdrawn, even where the request itself is no longer read', () => {
    const [line, ...more] = rows(withdrawn({ outcome: 'success' }));
    expect(more).toEqual([]);
    expect(line).toMatch(/^\*License change request\* \(Basic → Pro\) · :leftwards_arrow_with_hook: Withdrawn; nothing was changed\n/);
    // The request's own reference, as every line of a pending request gives.
    expect(line).toContain('Reference `L1`');
  });

  it('a withdraw that lost to a decision leaves the line as the request stands, never "withdrawn"', () => {
    const lost = rows(withdrawn({ outcome: 'failure', errorCode: 'REQUEST_DECIDED' }));
    expect(lost).toEqual([expect.stringContaining(':outbox_tray: Sent to the admins')]);
    expect(lost[0]).not.toContain('Withdrawn');
  });

  it("the admin's decision that lost to it says the requester withdrew it", () => {
    const decision = [
      record('r-dec', 1, { ...license, action: 'license_decide', phase: 'outcome', outcome: 'failure', errorCode: 'REQUEST_WITHDRAWN', decision: 'approve' }),
      record('r-dec', 1, { ...license, action: 'license_decide', phase: 'attempt', decision: 'approve' }),
    ];
    expect(rows(decision)).toEqual([expect.stringContaining(':x: Failed. Its requester withdrew this request, so nothing was changed.')]);
  });
});

describe("the admin's Today, as a person would say it", () => {
  it('reads "Refused: 2 requests from guests, 1 request from a suspended account": requests, never people', () => {
    const view = homeView(
      {
        requester: ada,
        credentials: [],
        licenses: false,
        activity: { ok: true, value: [] },
        admin: {
          today: {
            ok: true,
            value: {
              day: '2026-12-04',
              resets: [{ action: reset, succeeded: 3, failed: 0, unknown: 0, rejected: 0, timedOut: 0, cancelled: 0 }],
              refusals: [
                { code: 'SLACK_USER_IS_GUEST', count: 2 },
                { code: 'DIRECTORY_USER_SUSPENDED', count: 1 },
              ],
            },
          },
          attention: { ok: true, value: { items: [], more: 0, handled: 0 } },
        },
        now,
      },
      words,
    );
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Refused: 2 requests from guests, 1 request from a suspended account.');
    expect(text).toContain(`*${capitalized(words.actions[reset]!.name)}*: 3 done"`);
    expect(text).not.toMatch(/Turned away|: 2 ·|a guest: /);
  });
});

describe("the person's own lines: one per request (oneLinePerRequest)", () => {
  // An approved request its requester finished, and that Finish's own line under the same reference.
  const request: Activity = { requestId: 'REF1', action: reset, at: '2026-12-04T13:00:00Z', state: 'succeeded', actor: ada, pendingRequestId: 'P1', standing: 'APPLIED' };
  const finish: Activity = { requestId: 'REF1', action: reset, at: '2026-12-04T13:05:00Z', state: 'succeeded', actor: ada, finishesApproval: true };

  it('leaves out the Finish that says no more than its request\'s line', () => {
    expect(oneLinePerRequest([request, finish])).toEqual([request]);
  });

  it('keeps the Finish whose secret was not shown: two lines, as that is what the person must act on', () => {
    const undelivered = { ...finish, deliveryFailed: true };
    expect(oneLinePerRequest([request, undelivered])).toEqual([request, undelivered]);
  });

  it('keeps the Finish with a step after the change not done: two lines', () => {
    const incomplete: Activity = { ...finish, state: 'partial', incomplete: [{ step: 'signOut', code: 'DIRECTORY_UNAVAILABLE' }] };
    expect(oneLinePerRequest([request, incomplete])).toEqual([request, incomplete]);
    // Even on a line that says succeeded: the step left undone is what keeps it.
    const stillIncomplete: Activity = { ...incomplete, state: 'succeeded' };
    expect(oneLinePerRequest([request, stillIncomplete])).toEqual([request, stillIncomplete]);
  });
});
