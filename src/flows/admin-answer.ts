import { asFailure, describeError } from './failure';
import type { Logger } from './ports';

/**
 * Why someone may not do what admins do: not named one, a guest named one, the admin group
 * unreadable for our setup (alerted where it was read), Slack refusing the bot token when asked
 * (SLACK_MISCONFIGURED, alerted where it was met: no try again helps), or Slack not saying (Admins).
 */
export type AdminRefusal = 'NOT_ADMIN' | 'ADMIN_IS_GUEST' | 'ADMIN_GROUP_UNREADABLE' | 'SLACK_MISCONFIGURED' | 'SLACK_UNAVAILABLE';

/** Whether someone may do what admins do, asked now: ADMIN, or why not. */
export type AdminAnswer = 'ADMIN' | AdminRefusal;

/**
 * The one place the answer is made from an admin check: a guest named an admin is refused (Admins
 * logs it), and a check that failed is a refusal too (fail closed), logged here, as is a plain no.
 */
export async function adminAnswer(
  isAdmin: () => Promise<boolean>,
  logger: Logger,
  who: { slackUserId: string; action: string; approvalRequestId?: string },
  refusedLine = 'refused: not an admin',
): Promise<AdminAnswer> {
  try {
    if (await isAdmin()) return 'ADMIN';
    logger.warn(who, refusedLine);
    return 'NOT_ADMIN';
  } catch (err) {
    const failure = asFailure(err);
    const { code } = failure;
    if (code === 'ADMIN_IS_GUEST') return 'ADMIN_IS_GUEST';
    logger.warn({ slackUserId: who.slackUserId, action: who.action, err: describeError(err) }, 'admin check failed');
    if (code === 'ADMIN_GROUP_UNREADABLE') return code;
    // Slack refused the bot token, paged where it was met (`alerted`): Slack did answer, and no try again helps.
    return code === 'SLACK_MISCONFIGURED' && failure.alerted ? code : 'SLACK_UNAVAILABLE';
  }
}
