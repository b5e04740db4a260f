import type { Requester } from './ports';

/**
 * The Slack workspace a deployment serves (SLACK_TEAM_ID), or with `enterpriseId` every workspace
 * of an Enterprise Grid org (SLACK_ENTERPRISE_ID). Checked on every request, against the IDs in
 * Slack's signed payload.
 */
export interface Workspace {
  readonly teamId: string;
  readonly enterpriseId?: string;
  /**
   * Its members sign in to Slack only through the company's SSO (SLACK_EMAILS_VERIFIED_BY_SSO), so
   * their profile email is the identity provider's, verified there, and Slack's is_email_confirmed,
   * false for some who joined that way, is not read. Unset: it is read.
   */
  readonly emailsVerifiedBySso?: boolean;
}

/** The signed request comes from our workspace, or from a workspace of our org. */
export function servesRequest(workspace: Workspace, requester: Requester): boolean {
  return requester.teamId === workspace.teamId || (workspace.enterpriseId !== undefined && requester.enterpriseId === workspace.enterpriseId);
}

/** The member belongs to our workspace, or to our org (users.info's team_id and enterprise_user). */
export function servesMember(workspace: Workspace, member: { teamId: string; enterpriseId?: string }): boolean {
  return member.teamId === workspace.teamId || (workspace.enterpriseId !== undefined && member.enterpriseId === workspace.enterpriseId);
}
