import { z } from 'zod';
import type { GuardedApp } from '../slack/guarded-app';
import type { Approvals } from '../flows/approvals/approvals';
import { describeError } from '../flows/failure';
import type { Logger } from '../flows/ports';
import { slackErrorCode } from '../slack/slack-errors';
import { REVIEW_FORM, reviewWithDecision } from '../views/approval-review';
import { reviewOrigin } from './approval-review-action';
import { actingUser, blockActionsSchema } from './slack-payloads';

const text = z.object({ text: z.string().min(1).max(3000) });

/** A pick of Approve or Deny in a review form, as Slack sends it: the form it was made in, as Slack holds it now (its hash). */
const decisionPickedSchema = blockActionsSchema.extend({
  view: z.object({
    id: z.string().min(1),
    hash: z.string().min(1),
    callback_id: z.literal(REVIEW_FORM.callbackId),
    private_metadata: z.string().max(3000).default(''),
    title: text,
    close: text.nullish(),
    submit: text.nullish(),
    blocks: z.array(z.record(z.string(), z.unknown())).max(100),
  }),
  actions: z
    .array(z.object({ action_id: z.literal(REVIEW_FORM.decisionAction), block_id: z.literal(REVIEW_FORM.decisionBlock), selected_option: z.object({ value: z.string().max(150) }).nullish() }))
    .length(1),
});

/**
 * Slack's answers to an update of a form that moved on: a newer view of it (another pick, or the
 * submission's answer, came first: the hash no longer matches) or a form closed meanwhile.
 * Nothing is wrong: what Slack shows is newer than this pick.
 */
const OVERTAKEN = new Set(['hash_conflict', 'not_found']);

/**
 * Approve or Deny picked in the review form: its comment becomes required for a denial, optional
 * otherwise (reviewWithDecision), for an admin (asked again: the pick is an action as any other).
 * Anyone else's pick is acknowledged and nothing else. Submit checks the comment again whatever
 * the form showed, so an update Slack refuses only leaves the form as it was, still usable.
 */
export function registerApprovalReviewDecisionPicked(app: GuardedApp, flow: Approvals, logger: Logger): void {
  const client = app.slack;
  app.action(REVIEW_FORM.decisionAction, async ({ ack, body }) => {
    await ack();
    const parsed = decisionPickedSchema.safeParse(body);
    const picker = parsed.success ? actingUser(parsed.data) : undefined;
    if (!parsed.success || !picker) {
      logger.warn({ actionId: REVIEW_FORM.decisionAction }, 'malformed decision pick');
      return;
    }
    const { view } = parsed.data;
    // The pick's whole handling, to its update of the form (or why none): written at every end of a
    // pick with a picker, a refused one included, so that nothing of the pick comes after it. Not in
    // a finally: a throw goes on in the app's error handler.
    const handled = (how: { refused: string } | { shown: boolean }) => logger.debug({ slackUserId: picker.userId, ...how }, 'decision pick handled');
    // private_metadata only names the request, for the log line; who may pick comes from the signed user.id.
    const answer = await flow.reviewAnswer(picker, reviewOrigin(view.private_metadata).requestId, 'review_pick');
    if (answer !== 'ADMIN') return handled({ refused: answer });
    const updated = reviewWithDecision(view, parsed.data.actions[0]!.selected_option?.value);
    if (!updated) {
      logger.warn({ slackUserId: picker.userId, actionId: REVIEW_FORM.decisionAction }, 'decision pick in a form without its comment');
      return handled({ shown: false });
    }
    // The hash: Slack refuses this update if the form changed since the pick, rather than put it over a newer view.
    const shown = await client.views.update({ view_id: view.id, hash: view.hash, view: updated }).then(
      () => true,
      (err: unknown) => {
        const code = slackErrorCode(err);
        const fields = { slackUserId: picker.userId, err: describeError(err) };
        if (code && OVERTAKEN.has(code)) logger.info(fields, 'decision pick not shown: the form changed or closed meanwhile');
        else logger.warn(fields, 'decision pick not shown; submit still checks the comment');
        return false;
      },
    );
    handled({ shown });
  });
}
