import type { GuardedApp } from '../slack/guarded-app';
import { z } from 'zod';
import { describeError } from '../flows/failure';
import type { HomeTab } from '../flows/home-tab';
import type { Logger } from '../flows/ports';
import { AUDIT_SEARCH_PAGE_ACTION_ID, auditPageOutOfDateView, auditResultsView, auditSearchRefused } from '../views/audit-search';
import type { HomeWords } from '../views/home-tab';
import { clickedBy } from './slack-payloads';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** What the page button carries (audit-search.ts): only what to search; who may is asked again. */
const cursorSchema = z.object({ person: z.string().regex(/^[A-Z0-9]{2,}$/).optional(), from: day, to: day, after: z.string().min(1).max(500).optional(), page: z.number().int().min(1).max(10_000) });

/** "Older records" and "First page" in the results: that page of the same search, in the same modal, for an admin (checked again). */
export function registerAuditSearchPage(app: GuardedApp, home: HomeTab, words: HomeWords, logger: Logger): void {
  const client = app.slack;
  app.action(AUDIT_SEARCH_PAGE_ACTION_ID, async ({ ack, body }) => {
    await ack();
    const clicked = clickedBy(body);
    const viewId = clicked?.click.view?.id;
    let cursor: z.infer<typeof cursorSchema> | undefined;
    try {
      cursor = cursorSchema.parse(JSON.parse(clicked?.click.actions[0]?.value ?? ''));
    } catch {
      cursor = undefined;
    }
    if (!clicked || !viewId || !cursor) {
      logger.warn({ actionId: AUDIT_SEARCH_PAGE_ACTION_ID }, 'malformed search page click');
      if (!clicked || !viewId) return;
      // An admin (asked again) is told to search again; anyone else why not, as a page of a search would say.
      const answer = await home.adminAnswer(clicked.requester, 'audit_search');
      await client.views
        .update({ view_id: viewId, view: answer === 'ADMIN' ? auditPageOutOfDateView() : auditSearchRefused(answer) })
        .catch((err: unknown) => logger.warn({ slackUserId: clicked.requester.userId, err: describeError(err) }, 'could not show the next page'));
      return;
    }
    const result = await home.search(clicked.requester, cursor);
    await client.views
      .update({ view_id: viewId, view: auditResultsView({ ...cursor, result, page: cursor.page, words }) })
      .catch((err: unknown) => logger.warn({ slackUserId: clicked.requester.userId, err: describeError(err) }, 'could not show the next page'));
  });
}
