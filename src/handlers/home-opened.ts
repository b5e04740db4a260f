import type { GuardedApp } from '../slack/guarded-app';
import type { HomeView } from '@slack/types';
import { describeError, LatchkeyFailure } from '../flows/failure';
import type { HomeTab } from '../flows/home-tab';
import type { Logger, Requester } from '../flows/ports';
import { homeUnavailableView, homeView, type HomeWords } from '../views/home-tab';
import { slackErrorCode } from '../slack/slack-errors';
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

/**
 * What Slack answers for a view it will not take as drawn (a block too many, a text too long, a
 * field it does not know): only our drawing can cause them, as the rest of the call (the person,
 * from Slack's signed payload; no hash) is Slack's own, so they are a bug of ours.
 */
const DRAWING_REFUSED: ReadonlySet<string> = new Set(['invalid_blocks', 'invalid_blocks_format', 'invalid_arguments', 'view_too_large']);

/** Reads and publishes the person's Home tab as of now, then its follow-ups; failures are logged, never thrown. */
export async function publishHome(client: GuardedApp['slack'], home: HomeTab, words: HomeWords, requester: Requester, logger: Logger): Promise<void> {
  const started = Date.now();
  const fields = { slackUserId: requester.userId };
  // The person who opened the tab is told it could not be drawn, not left with the last one published as if it were today's.
  const publishUnavailable = () =>
    client.views
      .publish({ user_id: requester.userId, view: homeUnavailableView() })
      .catch((e: unknown) => logger.warn({ ...fields, err: describeError(e) }, 'could not publish the home tab'));
  let data: Awaited<ReturnType<HomeTab['open']>>;
  let view: HomeView;
  try {
    data = await home.open(requester);
    if (!data) return;
    view = homeView(data, words);
  } catch (err) {
    // The flow says each read that fails in its own part of the tab; what reaches here failed the
    // whole, reading or drawing it.
    home.notDrawn(requester, err);
    await publishUnavailable();
    return;
  }
  try {
    await client.views.publish({ user_id: requester.userId, view });
  } catch (err) {
    const code = slackErrorCode(err);
    if (code !== undefined && DRAWING_REFUSED.has(code)) {
      home.notDrawn(requester, new LatchkeyFailure('INTERNAL', `Slack refused the tab drawn: ${describeError(err)}`, { cause: err }));
      await publishUnavailable();
    } else logger.warn({ ...fields, err: describeError(err) }, 'could not publish the home tab');
  }
  // After the publication (so the tab never waits for it), and before returning (Lambda freezes
  // then); whether or not it was drawn, as what follows is the requests' own.
  await home.afterOpen(data);
  // Its reads, publication and follow-ups (requests expired, requesters told): the one line that
  // says how long a person's tab took, and that its work is over.
  logger.debug({ ...fields, ms: Date.now() - started }, 'home tab published and followed up');
}
