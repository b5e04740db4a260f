import type { SlackApi } from './slack-web-api';
import type { AskedMember, AskedMembers, Clock, SlackMember, WorkspaceMembers } from '../flows/ports';
import { slackErrorCode, toSlackFailure } from './slack-errors';

/** Reads people from Slack's users.info (scopes users:read and users:read.email). */
export class SlackWorkspaceMembers implements WorkspaceMembers {
  constructor(private readonly client: SlackApi) {}

  async getMember(userId: string): Promise<SlackMember | undefined> {
    let user;
    try {
      ({ user } = await this.client.users.info({ user: userId }));
    } catch (err) {
      if (slackErrorCode(err) === 'user_not_found') return undefined;
      throw toSlackFailure(err, 'users.info');
    }
    if (!user?.id) return undefined;
    return {
      id: user.id,
      teamId: user.team_id ?? '',
      ...(user.enterprise_user?.enterprise_id && { enterpriseId: user.enterprise_user.enterprise_id }),
      email: user.profile?.email || undefined,
      ...(user.is_email_confirmed !== undefined && { emailConfirmed: user.is_email_confirmed }),
      deleted: user.deleted === true,
      // Slackbot is a bot in every way that matters but is not flagged is_bot.
      isBot: user.is_bot === true || user.is_app_user === true || user.id === 'USLACKBOT',
      isGuest: user.is_restricted === true || user.is_ultra_restricted === true,
      timeZone: user.tz,
      ...(user.profile?.real_name && { realName: user.profile.real_name }),
      ...(user.profile?.title && { title: user.profile.title }),
    };
  }
}

/**
 * Asks Slack once of a person however many ask at the same moment: an admin's Home tab checks
 * them as an admin (a guest is never one) and, alongside, whether to offer them a guest's buttons,
 * and both are users.info (Tier 4). Only a question still unanswered is shared, never an answer
 * once given: each asker keeps Slack's answer as long as its own rule says, from when it asked.
 */
export class SharedAsks implements AskedMembers {
  private readonly asking = new Map<string, Promise<AskedMember>>();

  constructor(
    private readonly members: WorkspaceMembers,
    private readonly clock: Clock,
  ) {}

  async getMember(userId: string): Promise<SlackMember | undefined> {
    return (await this.getMemberAsked(userId)).member;
  }

  /** Joined to an ask under way, its answer is as old as that ask: `askedAt` is when it began, not when this caller came. */
  getMemberAsked(userId: string): Promise<AskedMember> {
    const asked = this.asking.get(userId);
    if (asked) return asked;
    const askedAt = this.clock.now().getTime();
    const asking = this.members
      .getMember(userId)
      .then((member) => ({ member, askedAt }))
      .finally(() => this.asking.delete(userId));
    this.asking.set(userId, asking);
    return asking;
  }
}
