import type { GuardedApp } from '../slack/guarded-app';
import { z } from 'zod';
import type { Clock, Logger } from '../flows/ports';
import { AUDIT_SEARCH_AGAIN_CALLBACK_ID, auditSearchForm } from '../views/audit-search';
import { actingUser, viewSubmissionSchema } from './slack-payloads';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** What a person's results keep of the search (audit-search.ts): only to fill the form in again. A reference's keep nothing. */
const termsSchema = z.object({ person: z.string().regex(/^[A-Z0-9]{2,}$/).optional(), from: day, to: day });

/** The results' "New search": the form again, in the same modal, with a person's search filled in, or blank after a reference. */
export function registerAuditSearchAgain(app: GuardedApp, clock: Clock, logger: Logger): void {
  app.view(AUDIT_SEARCH_AGAIN_CALLBACK_ID, async ({ ack, body }) => {
    // Only the payload is read before the answer (on Lambda the answering invocation does nothing
    // more): the form shows nothing of the audit log, and the search it sends checks the admin again.
    const parsed = viewSubmissionSchema.safeParse(body);
    if (!parsed.success || !actingUser(parsed.data)) {
      logger.warn({ action: AUDIT_SEARCH_AGAIN_CALLBACK_ID }, 'malformed new search submission');
      await ack();
      return;
    }
    let terms: z.infer<typeof termsSchema> | undefined;
    try {
      terms = termsSchema.parse(JSON.parse(parsed.data.view.private_metadata));
    } catch {
      terms = undefined;
    }
    await ack({ response_action: 'update', view: auditSearchForm(clock.now(), terms) });
  });
}
