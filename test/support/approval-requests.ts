import { APPROVALS_CHANNEL, type Harness } from './harness';
import type { AuditRecord } from '../../src/audit/audit-record';
import type { DynamoCall } from './dynamo-gate';
import type { SlackCall } from './slack-fake';

/**
 * A request an admin must decide, as the approval suites drive it over HTTP against the real app:
 * a person asks, the approvals channel and their DM say so, an admin reviews it and decides.
 */

/** The review form's values for a decision (approve or deny) with an optional comment. */
export const decide = (decision: string, comment?: string) => ({
  decision: { decision: { type: 'radio_buttons', selected_option: { value: decision } } },
  comment: { comment: { type: 'plain_text_input', value: comment ?? null } },
});

export interface Asked {
  readonly requestId: string;
  /** Its message in the approvals channel. */
  readonly message: { channel: string; ts: string };
  /** The requester's DM that says it was sent, with Withdraw. */
  readonly dm: { channel: string; ts: string; call: SlackCall };
}

/** The approvals-channel post of `userId`'s request, and the DM that told them it was sent. */
export async function posted(h: Harness, userId: string): Promise<Asked> {
  const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(`<@${userId}>`));
  const requestId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
  const dm = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === `D${userId}` && JSON.stringify(c.args.blocks ?? []).includes(requestId));
  return { requestId, message: { channel: post.result!.channel as string, ts: post.result!.ts as string }, dm: { channel: dm.result!.channel as string, ts: dm.result!.ts as string, call: dm } };
}

/** `userId` asks for a PIN reset under the approval policy. */
export async function asksForPinReset(h: Harness, userId: string): Promise<Asked> {
  const opened = await h.open('/reset-pin', userId);
  await h.submit(userId, opened.view);
  return posted(h, userId);
}

/** `adminId` clicks Review on the request's message in the approvals channel. */
export function review(h: Harness, adminId: string, request: Pick<Asked, 'requestId' | 'message'>) {
  return h.opening((trigger) => h.click(adminId, 'license_review', request.requestId, request.message, trigger));
}

/**
 * `adminId`'s records of their decision (`action`) of `request`, once its outcome is recorded again
 * as made (restated) after their click could not tell: the records, and each one's step as
 * [phase, outcome, errorCode, decision, restated].
 */
export async function decisionSteps(h: Harness, adminId: string, action: 'license_decide' | 'reset_decide', request: Pick<Asked, 'requestId'>) {
  const ofRequest = (r: AuditRecord) => r.action === action && r.approvalRequestId === request.requestId;
  const records = (await h.waitForAudit(adminId, (r) => ofRequest(r) && r.restated === true, 10_000)).filter(ofRequest);
  return { records, steps: records.map((r) => [r.phase, r.outcome, r.errorCode, r.decision, r.restated]) };
}

/** The request's write that moves it to `status` (APPROVED, DENIED, REVOKED). */
export const writeOf = (status: string, request: Pick<Asked, 'requestId'>) => (c: DynamoCall) =>
  c.operation === 'UpdateItem' && c.body.includes(`"${status}"`) && c.body.includes(request.requestId);

/**
 * Ada's decision of `request` (`values`, moving it to `status`), its write made with every answer
 * lost and its read-back failed: she is told Latchkey could not tell. Needs the harness's dynamoGate.
 */
export async function decidedUntold(h: Harness, request: Asked, values: ReturnType<typeof decide>, status: string): Promise<void> {
  const opened = await review(h, 'UADA', request);
  const decideWrite = writeOf(status, request);
  h.dynamoGate.lose(decideWrite, 4);
  const releaseRead = h.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(request.requestId) && h.dynamoGate.seen.some(decideWrite));
  let told: string;
  try {
    await h.submit('UADA', opened.view, { values });
    told = JSON.stringify(await h.viewUpdate(opened.viewId, 2, 50_000));
  } finally {
    releaseRead();
  }
  expect(h.dynamoGate.lost.filter(decideWrite).map((c) => c.status)).toEqual([200, 200, 200, 200]);
  expect(told).toContain(':warning: Latchkey could not tell whether your decision was saved.');
}
