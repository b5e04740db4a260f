import type { App } from '@slack/bolt';
import type { LicenseRequests } from '../flows/license-requests';
import type { Logger } from '../flows/ports';
import { progressView } from '../views/blocks';
import { decisionResultView, REVIEW_FORM, reviewClosedView, reviewFailureView, reviewFieldErrors } from '../views/license-review';
import type { LicenseVocabulary } from '../views/words';
import { updateModal } from './modal-sequence';
import { actingUser, inputValue, viewSubmissionSchema } from './slack-payloads';

/** "Submit decision": admin rights are checked again here, and the decision takes effect once. */
export function registerLicenseReviewSubmission(app: App, flow: LicenseRequests, vocabulary: LicenseVocabulary, logger: Logger): void {
  app.view(REVIEW_FORM.callbackId, async ({ ack, body, client }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const reviewer = parsed.success ? actingUser(parsed.data) : undefined;
    if (!parsed.success || !reviewer) {
      logger.warn({}, 'malformed review submission');
      await ack({ response_action: 'update', view: reviewFailureView({ code: 'REQUEST_INVALID' }, vocabulary) });
      return;
    }
    const checked = flow.checkDecision(
      inputValue(parsed.data, REVIEW_FORM.decisionBlock, REVIEW_FORM.decisionAction),
      inputValue(parsed.data, REVIEW_FORM.commentBlock, REVIEW_FORM.commentAction),
    );
    if ('fieldErrors' in checked) {
      await ack({ response_action: 'errors', errors: reviewFieldErrors(checked.fieldErrors) });
      return;
    }
    await ack({ response_action: 'update', view: progressView('Review request', 'Recording your decision…') });

    // private_metadata only names the request; who may decide it comes from the signed user.id.
    const result = await flow.decide(reviewer, parsed.data.view.private_metadata, checked);
    const view = result.ok
      ? decisionResultView(result.request, vocabulary)
      : result.request && (result.code === 'REQUEST_DECIDED' || result.code === 'REQUEST_EXPIRED')
        ? reviewClosedView(result.request, vocabulary)
        : reviewFailureView(result, vocabulary);
    await updateModal(client, parsed.data.view.id, view, logger, reviewer.userId);
  });
}
