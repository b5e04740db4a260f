import { CREDENTIALS } from '../credentials';
import type { Credential } from '../credentials/credential';
import { describeError } from '../flows/failure';
import type { AuditEvent, AuditReader, Logger, Requester } from '../flows/ports';
import { resetWordsOf } from '../handlers/reset-words';
import { actingUser, commandUser, interactionUserSchema, slashCommandSchema } from '../handlers/slack-payloads';
import { resetCallbackId } from '../views/reset-modal';
import type { ResetWords } from '../views/words';

/**
 * How long before a request's Slack timestamp its person's records are read from: Slack's clock and
 * the function's differ a little, and a change missed would be said to be no change.
 */
const CLOCK_MARGIN_MS = 60_000;

/**
 * What the failed work behind a request (its worker crashed or timed out) may have changed, as the
 * audit log tells it, read once the failed-work record comes back. Every change writes its attempt
 * before anything is sent, and fails closed without it, and no window shows a new secret before its
 * attempt is written. So an attempt or an outcome of the person's written since the request was
 * signed means a change may have been made, and the window may show its new secret (the worker
 * itself got that far, or the person went on from the confirmation it showed); none means nothing
 * was changed. Read by the person (their partition, a few records), not by a request ID: a
 * command's request ID is made by the work that failed, and an approved reset's finish is recorded
 * under a reference of days before. Read strongly consistent (writtenSince): a worker that wrote its
 * attempt and sent the change just before it crashed is never missed. The log not read: taken as a
 * change that may have been made.
 * `words`: the credential the request asked about (a command's, a Reset's), for what the person is
 * told, when nothing was changed or a change found is their own reset of it; otherwise none, and the
 * request's own words are used (a click's, a submission's).
 */
export async function changesSince(
  audit: AuditReader,
  body: Record<string, any>,
  signedAtMs: number,
  now: Date,
  logger: Logger,
): Promise<{ mayHaveChanged: boolean; words?: ResetWords }> {
  const actor = actorOf(body);
  const asked = credentialAsked(body);
  if (!actor) return { mayHaveChanged: true, ...(asked && { words: resetWordsOf(asked) }) };
  const since = new Date(Math.min(signedAtMs, now.getTime()) - CLOCK_MARGIN_MS);
  try {
    const changes = (await audit.writtenSince(actor, since)).filter(isChange);
    if (changes.length === 0) return { mayHaveChanged: false, ...(asked && { words: resetWordsOf(asked) }) };
    // The credential's words ("your password", its command) only for a reset of the person's own of
    // the very credential asked for: an admin's approval step names the credential it was about too,
    // and an approver who clicked Revoke was never asked for a password.
    const own = asked !== undefined && changes.some((e) => e.subject === undefined && e.action === asked.audit.action);
    return { mayHaveChanged: true, ...(own && { words: resetWordsOf(asked) }) };
  } catch (err) {
    logger.warn({ slackUserId: actor.userId, err: describeError(err) }, 'could not read what the failed work may have changed; telling the person Latchkey cannot tell');
    return { mayHaveChanged: true, ...(asked && { words: resetWordsOf(asked) }) };
  }
}

/** An attempt (a change about to be sent), an outcome, or a record this version cannot read (which may be either). */
function isChange(e: AuditEvent): boolean {
  return e.phase === 'attempt' || e.phase === 'outcome' || e.phase === 'unreadable';
}

/**
 * Who asked, from the signed payload, by the very rules the handlers key the person's records by
 * (a command's, an interaction's): read otherwise, the read would look in another partition, find
 * nothing, and say nothing was changed.
 */
function actorOf(body: Record<string, any>): Requester | undefined {
  if (typeof body.command === 'string') {
    const command = slashCommandSchema.pick({ user_id: true, team_id: true, enterprise_id: true }).safeParse(body);
    return command.success ? commandUser(command.data) : undefined;
  }
  const interaction = interactionUserSchema.safeParse(body);
  return interaction.success ? actingUser(interaction.data) : undefined;
}

/** The credential a request names: its command's, or the reset confirmation it submitted. */
function credentialAsked(body: Record<string, any>): Credential | undefined {
  if (typeof body.command === 'string') return CREDENTIALS.find((c) => c.command === body.command);
  const callbackId: unknown = body.type === 'view_submission' ? body.view?.callback_id : undefined;
  return typeof callbackId === 'string' ? CREDENTIALS.find((c) => resetCallbackId(c.id) === callbackId) : undefined;
}
