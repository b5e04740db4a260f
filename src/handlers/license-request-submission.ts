import type { GuardedApp } from '../slack/guarded-app';
import type { LicenseRequests } from '../flows/license-requests';
import type { Logger } from '../flows/ports';
import { LICENSE_FORM, licenseFailureView, licenseFieldErrors, licenseSendingView, requestSentView } from '../views/license-form';
import type { LicenseVocabulary } from '../views/words';
import { updateModal } from './modal-sequence';
import { actingUser, inputValue, viewSubmissionSchema } from './slack-payloads';

/** "Send request": field errors inline, then the request is filed and announced to admins. */
export function registerLicenseRequestSubmission(app: GuardedApp, flow: LicenseRequests, vocabulary: LicenseVocabulary, logger: Logger): void {
  const client = app.slack;
  app.view(LICENSE_FORM.callbackId, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const requester = parsed.success ? actingUser(parsed.data) : undefined;
    if (!parsed.success || !requester) {
      logger.warn({}, 'malformed license request submission');
      await ack({ response_action: 'update', view: licenseFailureView({ code: 'REQUEST_INVALID' }, vocabulary) });
      return;
    }
    const checked = flow.checkForm(
      requester,
      parsed.data.view.private_metadata,
      inputValue(parsed.data, LICENSE_FORM.licenseBlock, LICENSE_FORM.licenseAction),
      inputValue(parsed.data, LICENSE_FORM.reasonBlock, LICENSE_FORM.reasonAction),
    );
    if ('fieldErrors' in checked) {
      await ack({ response_action: 'errors', errors: licenseFieldErrors(checked.fieldErrors) });
      return;
    }
    if ('ok' in checked) {
      await ack({ response_action: 'update', view: licenseFailureView(checked, vocabulary) });
      return;
    }
    await ack({ response_action: 'update', view: licenseSendingView(vocabulary) });

    const result = await flow.submit(requester, checked);
    const view = result.ok ? requestSentView(result.request, vocabulary) : licenseFailureView(result, vocabulary);
    await updateModal(client, parsed.data.view.id, view, logger, requester.userId);
  });
}
