import type { SlackApi } from './slack-web-api';
import type { Admins, Clock } from '../flows/ports';
import { toSlackFailure } from './slack-errors';

/** Long enough to spare Slack a call per click, short enough that removing an admin takes effect soon. */
const USERGROUP_CACHE_MS = 60_000;

/**
 * Admins named in configuration: ADMIN_USER_IDS, and the members of ADMIN_USERGROUP_ID
 * (usergroups.users.list, scope usergroups:read). The group's member list is cached briefly;
 * when Slack cannot be asked, nobody outside ADMIN_USER_IDS counts as an admin.
 */
export class ConfiguredAdmins implements Admins {
  private cached?: { members: Set<string>; until: number };

  constructor(
    private readonly userIds: ReadonlySet<string>,
    private readonly usergroupId: string | undefined,
    private readonly client: SlackApi,
    private readonly clock: Clock,
  ) {}

  async isAdmin(userId: string): Promise<boolean> {
    if (this.userIds.has(userId)) return true;
    if (!this.usergroupId) return false;
    return (await this.groupMembers(this.usergroupId)).has(userId);
  }

  private async groupMembers(usergroup: string): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    if (this.cached && this.cached.until > now) return this.cached.members;
    try {
      const { users = [] } = await this.client.usergroups.users.list({ usergroup });
      this.cached = { members: new Set(users), until: now + USERGROUP_CACHE_MS };
      return this.cached.members;
    } catch (err) {
      throw toSlackFailure(err, 'usergroups.users.list');
    }
  }
}
