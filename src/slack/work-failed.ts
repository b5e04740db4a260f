import type { HttpFetch } from '../http/fetch';
import type { Logger } from '../flows/ports';
import { describeError } from '../flows/failure';
import { workFailedText, workFailedView, type WorkFailedKind } from '../views/not-started';
import type { ResetWords } from '../views/words';
import type { OpenedModal } from './arrival-modal';
import { sendDirectMessage } from './direct-message';
import type { SlackApi } from './slack-web-api';

/** Only a person's own request (a command, a click, a submission) has someone waiting on it to be told. */
export function personWaiting(body: Record<string, any>): boolean {
  return typeof body.command === 'string' || body.type === 'block_actions' || body.type === 'view_submission';
}

/**
 * The window a failure may be shown in: a command's or a click's loading modal, as opened on
 * arrival. A submission's own modal is never replaced (tellWorkFailed), so it has none.
 */
export function loadingViewId(body: Record<string, any>, opened: OpenedModal | undefined): string | undefined {
  return body.type !== 'view_submission' && opened?.ok ? opened.viewId : undefined;
}

/**
 * The window a failure may be shown in once the audit log tells that the work changed nothing (no
 * attempt or outcome of the person's since the request): the loading modal (loadingViewId), or a
 * submission's own modal, which can then show no new secret, since none is shown before its
 * change's attempt is written.
 */
export function unchangedViewId(body: Record<string, any>, opened: OpenedModal | undefined): string | undefined {
  const loading = loadingViewId(body, opened);
  if (loading) return loading;
  return body.type === 'view_submission' && typeof body.view?.id === 'string' ? body.view.id : undefined;
}

/**
 * Tells the person that the work behind their request failed where no listener caught it (our
 * bug, a crash, a timeout). After a command nothing was changed yet; after a click (a Revoke, a
 * Withdraw, a decision's button) or a submission (Reset, a decision) Latchkey cannot tell, and a
 * click has no command to run again. A command's or a click's loading modal (`viewId`) says it,
 * else the command's response_url privately, else a DM. A submission's modal is never replaced: the
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
 * since the request): a submission's modal (`viewId`, unchangedViewId) may then be replaced too, as
 * it can show no new secret, with words that say so instead of leaving it at "Resetting…".
 * Throws when even the DM fails.
 */
export async function tellWorkFailed(args: {
  client: SlackApi;
  fetch: HttpFetch;
  logger: Logger;
  body: Record<string, any>;
  viewId?: string;
  notRun?: boolean;
  maybeWorkedElsewhere?: boolean;
  mayHaveChanged?: boolean;
  nothingChanged?: boolean;
  words?: ResetWords;
}): Promise<void> {
  const { client, body, logger } = args;
  const userId: string | undefined = body.user_id ?? body.user?.id;
  const submission = body.type === 'view_submission';
  const click = body.type === 'block_actions';
  const asked: WorkFailedKind = submission ? (args.nothingChanged ? 'not-changed' : 'unknown') : click ? 'click' : 'nothing-changed';
  const kind: WorkFailedKind = args.maybeWorkedElsewhere
    ? asked === 'nothing-changed'
      ? 'maybe-opened'
      : asked
    : args.notRun
      ? 'not-run'
      : args.mayHaveChanged
        ? args.words
          ? 'maybe-changed'
          : click
            ? 'click'
            : 'unknown'
        : asked;
  const text = workFailedText(kind, args.words);
  const replaceable = !args.maybeWorkedElsewhere && !args.mayHaveChanged && (!submission || args.nothingChanged === true);
  if (args.viewId && replaceable) {
    const shown = await client.views.update({ view_id: args.viewId, view: workFailedView(kind, args.words) }).then(
      () => true,
      (err: unknown) => (logger.warn({ slackUserId: userId, err: describeError(err) }, 'could not show the failure in the modal'), false),
    );
    if (shown) return;
  }
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
