import { LatchkeyFailure } from './failure';
import type { Requester, SlackMember, WorkspaceMembers } from './ports';
import { servesMember, servesRequest, type Workspace } from './workspace';

type VerifiedMember = SlackMember & { readonly email: string };

/**
 * Self-service is for full, active members of our own workspace (or org), known by an email Slack
 * has not said is unconfirmed (its is_email_confirmed), or, where the workspace signs in only
 * through SSO (`emailsVerifiedBySso`), by the identity provider's email. Guests, bots, deactivated
 * accounts and people from other workspaces (Slack Connect) are turned away: their Slack email says
 * nothing we can trust about a mailbox or a PIN.
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
  // An address its owner never confirmed may be someone else's: mapped, it would be their account.
  // Only Slack's explicit false refuses, since Slack does not document when it is false. Under SSO
  // Slack says false of some who joined that way, whose address the identity provider verified.
  if (member.emailConfirmed === false && workspace.emailsVerifiedBySso !== true) throw new LatchkeyFailure('SLACK_EMAIL_UNCONFIRMED');
  return { ...member, email: member.email };
}
