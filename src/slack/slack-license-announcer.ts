import type { WebClient } from '@slack/web-api';
import type { LicenseAnnouncer } from '../flows/license-requests';
import type { LicenseRequest } from '../flows/license-request';
import { approvalMessage } from '../views/license-approval-message';
import { decisionNotice, requestSentNotice } from '../views/license-notices';
import type { LicenseVocabulary } from '../views/words';
import { sendDirectMessage } from './direct-message';
import { toSlackFailure } from './slack-errors';

/** License requests in Slack: a message in the approvals channel, kept current, and DMs to the requester. */
export class SlackLicenseAnnouncer implements LicenseAnnouncer {
  constructor(
    private readonly client: WebClient,
    private readonly approvalsChannelId: string,
    private readonly vocabulary: LicenseVocabulary,
  ) {}

  async announce(request: LicenseRequest): Promise<{ channel: string; ts: string }> {
    try {
      const posted = await this.client.chat.postMessage({ channel: this.approvalsChannelId, ...approvalMessage(request, this.vocabulary) });
      if (!posted.channel || !posted.ts) throw new Error('chat.postMessage returned no message');
      return { channel: posted.channel, ts: posted.ts };
    } catch (err) {
      throw toSlackFailure(err, 'chat.postMessage to the approvals channel');
    }
  }

  async refresh(request: LicenseRequest): Promise<void> {
    if (!request.message) return;
    await this.client.chat.update({ channel: request.message.channel, ts: request.message.ts, ...approvalMessage(request, this.vocabulary) });
  }

  async tellRequester(request: LicenseRequest): Promise<void> {
    const notice = request.status === 'PENDING' ? requestSentNotice(request, this.vocabulary) : decisionNotice(request, this.vocabulary);
    await sendDirectMessage(this.client, request.requester.userId, notice);
  }
}
