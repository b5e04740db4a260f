import type { GuardedApp } from '../slack/guarded-app';
import type { HomeView } from '@slack/types';
import { describeError, LatchkeyFailure } from '../flows/failure';
import type { HomeData, HomeOpened, HomeTab } from '../flows/home-tab';
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

/** Slack refused a tab as drawn (DRAWING_REFUSED): a bug of ours. */
const drawingRefused = (err: unknown) => new LatchkeyFailure('INTERNAL', `Slack refused the tab drawn: ${describeError(err)}`, { cause: err });

/** Reads and publishes the person's Home tab as of now, then its follow-ups; failures are logged, never thrown. */
export async function publishHome(client: GuardedApp['slack'], home: HomeTab, words: HomeWords, requester: Requester, logger: Logger): Promise<void> {
  const started = Date.now();
  const fields = { slackUserId: requester.userId };
  // The person who opened the tab is told it could not be drawn, not left with the last one published as if it were today's.
  const publishUnavailable = () =>
    client.views
      .publish({ user_id: requester.userId, view: homeUnavailableView() })
      .catch((e: unknown) => logger.warn({ ...fields, err: describeError(e) }, 'could not publish the home tab'));
  let opened: HomeOpened | undefined;
  let view: HomeView;
  try {
    opened = await home.open(requester);
    if (!opened) return;
    view = homeView(opened.data, words);
  } catch (err) {
    // The flow says each read that fails in its own part of the tab; what reaches here failed the
    // whole, reading or drawing it.
    home.notDrawn(requester, err);
    await publishUnavailable();
    // A late admin check's work (its reads, the writes that settle what they find) ends before this
    // returns, as Lambda freezes then; its tab is not published, as a member's tab drawn from the
    // same reads could not be.
    await opened?.adminLater;
    logger.debug({ ...fields, ms: Date.now() - started }, 'home tab not drawn, and its work is over');
    return;
  }
  let hash: string | undefined;
  try {
    hash = (await client.views.publish({ user_id: requester.userId, view })).view?.hash;
  } catch (err) {
    const code = slackErrorCode(err);
    if (code !== undefined && DRAWING_REFUSED.has(code)) {
      home.notDrawn(requester, drawingRefused(err));
      await publishUnavailable();
    } else logger.warn({ ...fields, err: describeError(err) }, 'could not publish the home tab');
  }
  // After the publication (so the tab never waits for it), and before returning (Lambda freezes
  // then); whether or not it was drawn, as what follows is the requests' own. Beside it, the
  // admin's tab, when the admin check answered past its wait.
  const { data, adminLater } = opened;
  await Promise.all([home.afterOpen(data), adminLater && publishAdminLater(client, home, words, requester, logger, adminLater, hash)]);
  // Its reads, publication and follow-ups (requests expired, requesters told): the one line that
  // says how long a person's tab took, and that its work is over.
  logger.debug({ ...fields, ms: Date.now() - started }, 'home tab published and followed up');
}

/**
 * The admin's tab, once a late admin check says yes (or the tab saying why a named admin has no
 * admin sections, once it says that), published over the tab just published only (`hash`, Slack's
 * of it): a tab published since, by a newer open (of this process or another), is newer than this
 * one, and Slack refuses it (hash_conflict). Without the first (not published), it is not tried
 * over whatever the person has. Its admin sections' follow-ups are done either way.
 */
async function publishAdminLater(
  client: GuardedApp['slack'],
  home: HomeTab,
  words: HomeWords,
  requester: Requester,
  logger: Logger,
  adminLater: Promise<HomeData | undefined>,
  hash: string | undefined,
): Promise<void> {
  const data = await adminLater;
  if (!data) return;
  const fields = { slackUserId: requester.userId };
  const what = data.admin ? 'with the admin sections' : 'saying why it has no admin sections';
  let view: HomeView | undefined;
  try {
    view = homeView(data, words);
  } catch (err) {
    // The member's tab published before stands: better than one that says the tab could not be drawn.
    home.notDrawn(requester, err);
  }
  if (hash === undefined) logger.info(fields, `home tab not published again ${what}: the one before it was not published`);
  else if (view) {
    try {
      await client.views.publish({ user_id: requester.userId, view, hash });
      logger.info(fields, `home tab published again ${what}: the admin check answered past its wait`);
    } catch (err) {
      const code = slackErrorCode(err);
      if (code === 'hash_conflict') logger.info(fields, `home tab not published again ${what}: a newer tab was published meanwhile`);
      else if (code !== undefined && DRAWING_REFUSED.has(code)) home.notDrawn(requester, drawingRefused(err));
      // Not the first publish's words: the member's tab did go out, and stands.
      else logger.warn({ ...fields, err: describeError(err) }, `home tab not published again ${what}: Slack did not take it; the member's tab published before stands`);
    }
  }
  await home.afterOpen(data);
}
