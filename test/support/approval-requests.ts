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

/**
 * The request's write that moves it to `status` (APPROVED, DENIED, REVOKED, WITHDRAWN): its SET
 * puts status = `status`. Never a later write that only names it in its condition (a license's
 * apply, from APPROVED), which a test losing every try of the move must leave alone.
 */
export const writeOf = (status: string, request: Pick<Asked, 'requestId'>) => (c: DynamoCall) =>
  c.operation === 'UpdateItem' && c.body.includes(request.requestId) && setsStatus(c.body, status);

function setsStatus(body: string, status: string): boolean {
  const { UpdateExpression: update = '', ExpressionAttributeNames: names = {}, ExpressionAttributeValues: values = {} } = JSON.parse(body) as {
    UpdateExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, { S?: string }>;
  };
  return [...update.matchAll(/(#\w+) = (:\w+)/g)].some(([, name, value]) => names[name!] === 'status' && values[value!]?.S === status);
}

/**
 * Ada's decision of `request` (`values`, moving it to `status`), its write made with every answer
 * lost and its read-back failed: she is told Latchkey could not tell. Needs the harness's dynamoGate.
 */
export async function decidedUntold(h: Harness, request: Asked, values: ReturnType<typeof decide>, status: string): Promise<void> {
  const opened = await review(h, 'UADA', request);
  const decideWrite = writeOf(status, request);
  const stopLosing = h.dynamoGate.lose(decideWrite, Infinity);
  const releaseRead = h.dynamoGate.hold((c) => c.operation === 'GetItem' && c.body.includes(request.requestId) && h.dynamoGate.seen.some(decideWrite));
  let told: string;
  try {
    await h.submit('UADA', opened.view, { values });
    told = JSON.stringify(await h.viewUpdate(opened.viewId, 2, 50_000));
  } finally {
    stopLosing();
    releaseRead();
  }
  expectEveryTryMade(h, decideWrite);
  expect(told).toContain(':warning: Latchkey could not tell whether your decision was saved.');
}

/**
 * The write `which` was made, by each of its tries whose answer the gate lost (DynamoDB took them
 * all: 200), however many tries its client had time to make: up to 4 for DynamoDB's, fewer when
 * a loaded machine stalled one past its timeout, or under a reset connection, before it arrived.
 */
export function expectEveryTryMade(h: Harness, which: (c: DynamoCall) => boolean): void {
  const statuses = h.dynamoGate.lost.filter(which).map((c) => c.status);
  expect(statuses.length).toBeGreaterThan(0);
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
}
