import type { App } from '@slack/bolt';
import type { LicenseRequests } from '../flows/license-requests';
import type { Logger } from '../flows/ports';
import { failureMessage } from '../views/failure-message';
import { REVIEW_ACTION_ID } from '../views/license-approval-message';
import { notAdminText } from '../views/license-notices';
import { reviewClosedView, reviewFailureView, reviewLoadingView, reviewView } from '../views/license-review';
import type { LicenseVocabulary } from '../views/words';
import { openModalWhile } from './modal-sequence';
import { actingUser, blockActionsSchema } from './slack-payloads';

/** "Review" on an approvals-channel message: admins get the decision modal, anyone else a private no. */
export function registerLicenseReviewAction(app: App, flow: LicenseRequests, vocabulary: LicenseVocabulary, logger: Logger): void {
  app.action(REVIEW_ACTION_ID, async ({ ack, body, client }) => {
    await ack();
    const parsed = blockActionsSchema.safeParse(body);
    const reviewer = parsed.success ? actingUser(parsed.data) : undefined;
    const requestId = parsed.success ? parsed.data.actions[0]?.value : undefined;
    if (!parsed.success || !reviewer || !requestId) {
      logger.warn({}, 'malformed review click');
      return;
    }
    const channel = parsed.data.channel?.id;
    const tellPrivately = async (text: string) => {
      if (!channel) return;
      await client.chat
        .postEphemeral({ channel, user: reviewer.userId, text })
        .catch((err: unknown) => logger.warn({ slackUserId: reviewer.userId, err: String(err) }, 'ephemeral reply failed'));
    };

    let admin: boolean;
    try {
      admin = await flow.isAdmin(reviewer);
    } catch (err) {
      logger.warn({ slackUserId: reviewer.userId, err: String(err) }, 'admin check failed');
      const m = failureMessage({ code: 'SLACK_UNAVAILABLE' }, vocabulary.words);
      await tellPrivately(`${m.headline} Try Review again in a few minutes.`);
      return;
    }
    if (!admin) {
      logger.warn({ slackUserId: reviewer.userId, licenseRequestId: requestId }, 'review refused: not an admin');
      await tellPrivately(notAdminText());
      return;
    }

    const work = flow.review(reviewer, requestId).then((result) => {
      const view = !result.ok
        ? reviewFailureView(result, vocabulary)
        : result.state === 'decide'
          ? reviewView(result, vocabulary)
          : reviewClosedView(result.request, vocabulary);
      return { view, fallbackText: 'Latchkey could not open the review window. Click Review again.' };
    });
    await openModalWhile({ client, triggerId: parsed.data.trigger_id, loading: reviewLoadingView(), work, logger, userId: reviewer.userId });
  });
}
