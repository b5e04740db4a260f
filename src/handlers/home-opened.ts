import type { GuardedApp } from '../slack/guarded-app';
import { asFailure, describeError } from '../flows/failure';
import type { HomeTab } from '../flows/home-tab';
import type { Logger, Requester } from '../flows/ports';
import { homeUnavailableView, homeView, type HomeWords } from '../views/home-tab';
import { homeOpenedSchema, homeOpener } from './slack-payloads';

export const HOME_OPENED_EVENT = 'app_home_opened';

/**
 * The Home tab, published each time the person opens it (Events API, app_home_opened), so what it
 * shows is as of that moment: a request decided elsewhere is gone on the next open. Slack has its
 * acknowledgement before any of this runs (Bolt acknowledges events at once; on Lambda the worker
 * publishes).
 */
export function registerHomeOpened(app: GuardedApp, home: HomeTab, words: HomeWords, logger: Logger): void {
  const client = app.slack;
  app.event(HOME_OPENED_EVENT, async ({ body }) => {
    const parsed = homeOpenedSchema.safeParse(body);
    if (!parsed.success) {
      logger.warn({ issues: parsed.error.issues.length }, 'malformed app_home_opened');
      return;
    }
    // The Messages tab is Slack's own; only the Home tab is Latchkey's to draw.
    if (parsed.data.event.tab !== 'home') return;
    await publishHome(client, home, words, homeOpener(parsed.data), logger);
  });
}

/** Reads and publishes the person's Home tab as of now, then its follow-ups; failures are logged, never thrown. */
export async function publishHome(client: GuardedApp['slack'], home: HomeTab, words: HomeWords, requester: Requester, logger: Logger): Promise<void> {
  let data: Awaited<ReturnType<HomeTab['open']>>;
  try {
    data = await home.open(requester);
  } catch (err) {
    // The flow says each read that fails in its own part of the tab; what reaches here failed the
    // whole (a bug of ours: an alert; any other failure, as its code says). The person who opened
    // the tab is told, not left with the last one published as if it were today's.
    const failure = asFailure(err);
    const fields = { slackUserId: requester.userId, err: describeError(err), code: failure.code };
    if (failure.needsOperator) logger.error({ ...fields, alert: true }, 'could not draw the home tab');
    else logger.warn(fields, 'could not draw the home tab');
    await client.views
      .publish({ user_id: requester.userId, view: homeUnavailableView() })
      .catch((e: unknown) => logger.warn({ slackUserId: requester.userId, err: describeError(e) }, 'could not publish the home tab'));
    return;
  }
  if (!data) return;
  await client.views
    .publish({ user_id: requester.userId, view: homeView(data, words) })
    .catch((err: unknown) => logger.warn({ slackUserId: requester.userId, err: describeError(err) }, 'could not publish the home tab'));
  // After the publication (so the tab never waits for it), and before returning (Lambda freezes then).
  await home.afterOpen(data);
}
