import type { SlackApi } from './slack-web-api';
import type { ApprovalAnnouncer, RequesterNotice, SentMessageNotice } from '../flows/approvals/approvals';
import type { PendingRequest } from '../flows/approvals/pending-request';
import { approvalMessage } from '../views/approval-message';
import { wordsOf, type ApprovalWords } from '../views/approval-words';
import { requesterNotice, sentMessageAfter } from '../views/approval-withdraw';
import { postDirectMessage } from './direct-message';
import { toSlackFailure } from './slack-errors';

/** Pending requests in Slack, of every kind: a message in the approvals channel, kept current, and DMs to the requester. */
export class SlackApprovalAnnouncer implements ApprovalAnnouncer {
  constructor(
    private readonly client: SlackApi,
    private readonly approvalsChannelId: string,
    private readonly words: ApprovalWords,
    /** How soon IT usually answers (APPROVAL_RESPONSE_TIME), told to a requester once their request is sent. */
    private readonly responseTime?: string,
  ) {}

  async announce(request: PendingRequest, decidable: boolean): Promise<{ channel: string; ts: string }> {
    try {
      const posted = await this.client.chat.postMessage({ channel: this.approvalsChannelId, ...approvalMessage(request, wordsOf(this.words, request.kind), decidable) });
      if (!posted.channel || !posted.ts) throw new Error('chat.postMessage returned no message');
      return { channel: posted.channel, ts: posted.ts };
    } catch (err) {
      throw toSlackFailure(err, 'chat.postMessage to the approvals channel');
    }
  }

  async refresh(request: PendingRequest, decidable: boolean, revocable = false): Promise<void> {
    if (!request.message) return;
    await this.client.chat.update({ channel: request.message.channel, ts: request.message.ts, ...approvalMessage(request, wordsOf(this.words, request.kind), decidable, revocable) });
  }

  async tellRequester(request: PendingRequest, occasion?: RequesterNotice): Promise<{ channel: string; ts: string } | undefined> {
    return postDirectMessage(this.client, request.requester.userId, requesterNotice(request, wordsOf(this.words, request.kind), { occasion, responseTime: this.responseTime }));
  }

  async rewriteSentMessage(request: PendingRequest, notice: SentMessageNotice): Promise<void> {
    if (!request.sentMessage) return;
    await this.client.chat.update({ channel: request.sentMessage.channel, ts: request.sentMessage.ts, ...sentMessageAfter(request, this.words, notice) });
  }

  async rewriteFinishMessage(request: PendingRequest): Promise<void> {
    if (!request.finishMessage) return;
    await this.client.chat.update({ channel: request.finishMessage.channel, ts: request.finishMessage.ts, ...requesterNotice(request, wordsOf(this.words, request.kind), { responseTime: this.responseTime }) });
  }
}
