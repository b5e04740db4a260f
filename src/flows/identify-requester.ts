import { asFailure, describeError, LatchkeyFailure } from './failure';
import type { Logger, Requester, SlackMember, WorkspaceMembers } from './ports';
import { servesMember, servesRequest, type Workspace } from './workspace';

type VerifiedMember = SlackMember & { readonly email: string };

/**
 * Self-service is for full, active members of our own workspace (or org), known by a verified
 * email. Guests, bots, deactivated accounts and people from other workspaces (Slack Connect) are
 * turned away: their Slack email says nothing we can trust about a mailbox or a PIN.
 */
export async function identifyRequester(
  requester: Requester,
  members: WorkspaceMembers,
  workspace: Workspace,
): Promise<VerifiedMember> {
  if (!servesRequest(workspace, requester)) {
    throw new LatchkeyFailure('SLACK_WRONG_WORKSPACE', `request from team ${requester.teamId}, org ${requester.enterpriseId ?? 'none'}`);
  }
  const member = await members.getMember(requester.userId);
  if (!member) throw new LatchkeyFailure('SLACK_USER_NOT_FOUND');
  if (member.deleted) throw new LatchkeyFailure('SLACK_USER_DEACTIVATED');
  if (member.isBot) throw new LatchkeyFailure('SLACK_USER_IS_BOT');
  if (member.isGuest) throw new LatchkeyFailure('SLACK_USER_IS_GUEST');
  // A Slack Connect user from another company can act in our workspace: their home is not ours.
  if (!servesMember(workspace, member)) {
    throw new LatchkeyFailure('SLACK_WRONG_WORKSPACE', `member of team ${member.teamId}, org ${member.enterpriseId ?? 'none'}`);
  }
  if (!member.email) throw new LatchkeyFailure('SLACK_USER_NO_EMAIL');
  return { ...member, email: member.email };
}

/**
 * Whether Slack says this person is a guest, for what Latchkey offers them (the Home tab's
 * buttons, `/reset`'s): a guest would be refused every request, so none is offered. Never a check
 * of what they may do: identifyRequester asks again on every request, whatever was offered.
 * Not knowing is not being a guest: when users.info fails or has not answered within `waitMs`,
 * the offer is a member's (logged at warn) and a click is still checked.
 */
export async function knownGuest(requester: Requester, members: WorkspaceMembers, logger: Logger, waitMs: number): Promise<boolean> {
  const asked = members.getMember(requester.userId).then(
    (member) => ({ member }),
    (err: unknown) => ({ err }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, waitMs))));
  const answer = await Promise.race([asked, late]).finally(() => clearTimeout(timer));
  if (answer === 'late') {
    logger.warn({ slackUserId: requester.userId, waitMs }, 'guest check: Slack did not answer in time; offered as to a member');
    return false;
  }
  if ('err' in answer) {
    logger.warn({ slackUserId: requester.userId, code: asFailure(answer.err).code, err: describeError(answer.err) }, 'guest check failed; offered as to a member');
    return false;
  }
  return answer.member?.isGuest === true;
}
