import type { GuardedApp } from '../slack/guarded-app';
import type { Approvals } from '../flows/approvals/approvals';
import type { Logger, Requester } from '../flows/ports';
import { reviewOrigin } from './approval-review-action';
import { decisionResultView, decisionUnknownView, REVIEW_FORM, reviewClosedView, reviewFailureView, reviewFieldErrors, reviewRecordingView } from '../views/approval-review';
import { wordsOf, type ApprovalWords } from '../views/approval-words';
import { updateModal } from './modal-sequence';
import { actingUser, inputValue, viewSubmissionSchema } from './slack-payloads';

/** "Submit decision", for every kind: admin rights are checked again here, and the decision takes effect once. */
export function registerApprovalReviewSubmission(
  app: GuardedApp,
  flow: Approvals,
  words: ApprovalWords,
  logger: Logger,
  /** Publishes the admin's Home tab as of now; never throws. */
  republishHome?: (admin: Requester) => Promise<void>,
): void {
  const client = app.slack;
  app.view(REVIEW_FORM.callbackId, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const reviewer = parsed.success ? actingUser(parsed.data) : undefined;
    const anyKind = wordsOf(words, '');
    if (!parsed.success || !reviewer) {
      logger.warn({}, 'malformed review submission');
      await ack({ response_action: 'update', view: reviewFailureView({ code: 'REQUEST_INVALID' }, anyKind) });
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
    await ack({ response_action: 'update', view: reviewRecordingView() });

    // private_metadata only names the request (and whether it was opened from the Home tab); who may decide it comes from the signed user.id.
    const { requestId, fromHome } = reviewOrigin(parsed.data.view.private_metadata);
    const result = await flow.decide(reviewer, requestId, checked);
    const view = result.ok
      ? decisionResultView(result.request, wordsOf(words, result.request.kind), result.decidable, result.revocable, result)
      : result.request && (result.code === 'REQUEST_DECIDED' || result.code === 'REQUEST_EXPIRED' || result.code === 'REQUEST_WITHDRAWN')
        ? reviewClosedView(result.request, wordsOf(words, result.request.kind), result)
        : result.code === 'STORE_OUTCOME_UNKNOWN'
          ? decisionUnknownView(result.decidableAt ? { decidableAt: result.decidableAt } : undefined)
          : reviewFailureView(result, anyKind);
    await updateModal(client, parsed.data.view.id, view, logger, reviewer.userId);
    // Decided from the Home tab: that tab still lists the request with its Review, so it is
    // published anew, once the decision is written and its modal answered.
    if (fromHome && republishHome) await republishHome(reviewer);
  });
}
