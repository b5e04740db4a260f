import type { HttpFetch } from '../http/fetch';
import type { Logger } from '../flows/ports';
import { describeError } from '../flows/failure';
import { workFailedText, workFailedView, type WorkFailedKind } from '../views/not-started';
import type { ResetWords } from '../views/words';
import type { OpenedModal } from './arrival-modal';
import { sendDirectMessage } from './direct-message';
import { slackErrorCode } from './slack-errors';
import type { SlackApi } from './slack-web-api';

/** Only a person's own request (a command, a click, a submission) has someone waiting on it to be told. */
export function personWaiting(body: Record<string, any>): boolean {
  return typeof body.command === 'string' || body.type === 'block_actions' || body.type === 'view_submission';
}

/** A window a failure may be shown in, and Slack's hash of it as it was last known, when known. */
export interface FailureWindow {
  readonly viewId: string;
  readonly hash?: string;
}

/**
 * The window a failure may be shown in: a command's or a click's loading modal, as opened on
 * arrival, with its hash then: anything shown in it since (a confirmation, a new PIN) makes Slack
 * refuse the update. A submission's own modal is never replaced (tellWorkFailed), so it has none.
 */
export function loadingView(body: Record<string, any>, opened: OpenedModal | undefined): FailureWindow | undefined {
  return body.type !== 'view_submission' && opened?.ok ? { viewId: opened.viewId, ...(opened.hash && { hash: opened.hash }) } : undefined;
}

/**
 * The window a failure may be shown in once the audit log tells that the work changed nothing (no
 * attempt or outcome of the person's since the request): the loading modal (loadingView), or a
 * submission's own modal, which can then show no new secret, since none is shown before its
 * change's attempt is written.
 */
export function unchangedView(body: Record<string, any>, opened: OpenedModal | undefined): FailureWindow | undefined {
  const loading = loadingView(body, opened);
  if (loading) return loading;
  // No hash: the one submitted is already gone, replaced by the submission's answer ("Resetting…"),
  // whose own hash Slack never tells.
  return body.type === 'view_submission' && typeof body.view?.id === 'string' ? { viewId: body.view.id } : undefined;
}

/**
 * Tells the person that the work behind their request failed where no listener caught it (our
 * bug, a crash, a timeout). After a command nothing was changed yet; after a click (a Revoke, a
 * Withdraw, a decision's button) or a submission (Reset, a decision) Latchkey cannot tell, and a
 * click has no command to run again. A command's or a click's loading modal (`view`) says it,
 * else the command's response_url privately, else a DM. A `view` with its hash is replaced only if
 * it is still the view that hash is of (else Slack refuses, hash_conflict: the person is then told
 * privately that Latchkey cannot tell). A submission's modal is never replaced: the
 * work may have failed after that modal showed a new PIN or password, which would be lost for good
 * (the change made, the secret never seen), so a DM says it. `notRun`: none of the work ran, and
 * the words say so, whatever the request. `maybeWorkedElsewhere`: none of it ran here, but another
 * delivery of the same order may have worked it (its claim could not be read): no window is
 * replaced (the loading modal may since show a new secret), and no words say nothing was changed.
 * `mayHaveChanged`: the work may have changed something (the audit log holds a change of the
 * person's since the request, or could not be read): no window is replaced (it may show the new
 * secret), and the person is told Latchkey cannot tell, in the credential's `words` when given (the
 * person's own reset of it), else in the click's or the submission's own words.
 * `nothingChanged`: the audit log tells that the work changed nothing (no attempt of the person's
 * since the request): a submission's modal (`view`, unchangedView) may then be replaced too, as
 * it can show no new secret, with words that say so instead of leaving it at "Resetting…".
 * Throws when even the DM fails.
 */
export async function tellWorkFailed(args: {
  client: SlackApi;
  fetch: HttpFetch;
  logger: Logger;
  body: Record<string, any>;
  view?: FailureWindow;
  notRun?: boolean;
  maybeWorkedElsewhere?: boolean;
  mayHaveChanged?: boolean;
  nothingChanged?: boolean;
  /** With notRun: none of it ran because Slack refused the bot token, which the client's TokenWatch paged for. */
  tokenRefused?: boolean;
  words?: ResetWords;
}): Promise<void> {
  const { client, body, logger } = args;
  const userId: string | undefined = body.user_id ?? body.user?.id;
  const submission = body.type === 'view_submission';
  const click = body.type === 'block_actions';
  const asked: WorkFailedKind = submission ? (args.nothingChanged ? 'not-changed' : 'unknown') : click ? 'click' : 'nothing-changed';
  const mayHaveChanged: WorkFailedKind = args.words ? 'maybe-changed' : click ? 'click' : 'unknown';
  let kind: WorkFailedKind = args.maybeWorkedElsewhere
    ? asked === 'nothing-changed'
      ? 'maybe-opened'
      : asked
    : args.notRun
      ? args.tokenRefused
        ? 'token-refused'
        : 'not-run'
      : args.mayHaveChanged
        ? mayHaveChanged
        : asked;
  const replaceable = !args.maybeWorkedElsewhere && !args.mayHaveChanged && (!submission || args.nothingChanged === true);
  const { view } = args;
  if (view && replaceable) {
    const shown = await client.views
      .update({ view_id: view.viewId, ...(view.hash && { hash: view.hash }), view: workFailedView(kind, args.words) })
      .then(
        () => 'shown' as const,
        (err: unknown) => {
          // The window changed since it was known (another request of the person's showed a
          // confirmation or a new PIN there): whatever it shows stays, and nothing said was changed
          // is certain any more, so the person is told Latchkey cannot tell.
          if (slackErrorCode(err) === 'hash_conflict') {
            logger.info({ slackUserId: userId }, 'the window changed since it was known; telling the person privately instead');
            return 'changed' as const;
          }
          logger.warn({ slackUserId: userId, err: describeError(err) }, 'could not show the failure in the modal');
          return 'refused' as const;
        },
      );
    if (shown === 'shown') return;
    if (shown === 'changed') kind = mayHaveChanged;
  }
  const text = workFailedText(kind, args.words);
  if (typeof body.response_url === 'string' && !submission) {
    const res = await args
      .fetch(body.response_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        timeoutMs: 5_000,
      })
      .catch(() => undefined);
    if (res?.ok) return;
  }
  if (!userId) throw new Error('a failed request names nobody to tell');
  await sendDirectMessage(client, userId, { text });
}
