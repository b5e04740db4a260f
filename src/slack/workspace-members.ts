import type { SlackApi } from './slack-web-api';
import type { SlackMember, WorkspaceMembers } from '../flows/ports';
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
