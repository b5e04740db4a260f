import type { GuardedApp } from '../slack/guarded-app';
import { handledNoteProblem, type HomeTab } from '../flows/home-tab';
import type { Logger, Requester } from '../flows/ports';
import { ATTENTION_HANDLED_FORM, attentionHandledProgressView, attentionHandledResultView, HANDLED_NOTE_PROBLEMS } from '../views/home-tab';
import { updateModal } from './modal-sequence';
import { actingUser, attentionTargetOf, inputValue, viewSubmissionSchema } from './slack-payloads';

/**
 * "Mark handled" submitted: the note is checked in the answer (an inline error), then "Recording
 * it…" while the flow checks the admin again (from the signed user.id) and the item against the
 * audit log (private_metadata only names it), and writes the record; then the admin's Home tab is
 * published anew, without the item.
 */
export function registerAttentionHandledSubmission(
  app: GuardedApp,
  home: HomeTab,
  logger: Logger,
  /** Publishes the admin's Home tab as of now; never throws. */
  republishHome: (admin: Requester) => Promise<void>,
): void {
  const client = app.slack;
  app.view(ATTENTION_HANDLED_FORM.callbackId, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const admin = parsed.success ? actingUser(parsed.data) : undefined;
    if (!parsed.success || !admin) {
      logger.warn({}, 'malformed mark handled submission');
      await ack({ response_action: 'update', view: attentionHandledResultView({ ok: false, code: 'NOT_AN_ITEM' }) });
      return;
    }
    const note = inputValue(parsed.data, ATTENTION_HANDLED_FORM.note, ATTENTION_HANDLED_FORM.note);
    // Slack asks for a note, but spaces pass its check and a forged submission may have none.
    const problem = handledNoteProblem(note);
    if (problem) {
      await ack({ response_action: 'errors', errors: { [ATTENTION_HANDLED_FORM.note]: HANDLED_NOTE_PROBLEMS[problem] } });
      return;
    }
    await ack({ response_action: 'update', view: attentionHandledProgressView() });
    const { kind, reference } = attentionTargetOf(parsed.data.view.private_metadata) ?? { kind: '', reference: '' };
    const result = await home.markHandled(admin, { kind, reference }, note);
    await updateModal(client, parsed.data.view.id, attentionHandledResultView(result), logger, admin.userId);
    if (result.ok) await republishHome(admin);
  });
}
