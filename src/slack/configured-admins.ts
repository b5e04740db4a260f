import type { SlackApi } from './slack-web-api';
import { LatchkeyFailure } from '../flows/failure';
import type { Admins, AskedMembers, Clock, Logger } from '../flows/ports';
import { toSlackFailure } from './slack-errors';

/** Long enough to spare Slack a call per click, short enough that removing an admin takes effect soon. */
const USERGROUP_CACHE_MS = 60_000;
/**
 * How long Slack's answer of whether a named admin is a guest is trusted: as long as the group's
 * members are, so an admin made a guest loses their rights as soon as one taken out of the group
 * does. users.info is Tier 4 and every reset's check of who is asking uses it: asked afresh on
 * every admin click, a Review (checked twice) and its decision would cost three calls.
 */
export const ADMIN_ANSWER_MAX_AGE_MS = 60_000;

type Standing = 'member' | 'guest' | 'gone';

/**
 * Admins named in configuration: ADMIN_USER_IDS, and the members of ADMIN_USERGROUP_ID
 * (usergroups.users.list, scope usergroups:read), less every guest: a guest is never an admin,
 * whoever named them. Who is named is known from memory (the group's list cached briefly); whether
 * they are a guest is Slack's answer (users.info, kept ADMIN_ANSWER_MAX_AGE_MS). When Slack cannot
 * be asked either, nobody named counts as an admin (SLACK_UNAVAILABLE); a guest named is refused
 * with ADMIN_IS_GUEST, so they are told why.
 */
export class ConfiguredAdmins implements Admins {
  private cached?: { members: Set<string>; until: number };
  /** What Slack said of named admins only: at most as many as there are admins. */
  private readonly standings = new Map<string, { standing: Standing; at: number }>();

  constructor(
    private readonly userIds: ReadonlySet<string>,
    private readonly usergroupId: string | undefined,
    private readonly client: SlackApi,
    private readonly members: AskedMembers,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async isAdmin(userId: string): Promise<boolean> {
    const listed = this.userIds.has(userId);
    const group = this.usergroupId;
    if (!listed && !group) return false;
    const now = this.clock.now().getTime();
    const lastRead = this.cached;
    if (!listed && lastRead && lastRead.until > now && !lastRead.members.has(userId)) return false;
    const named = listed ? Promise.resolve(true) : this.groupMembers(group!).then((m) => m.has(userId));
    // Asked together with the group's list when they were on it when it was last read (or are in
    // ADMIN_USER_IDS): no call after another. Anyone else is asked only once the list names them,
    // so a non-admin's click or Home tab costs no users.info.
    const early = listed || lastRead?.members.has(userId) ? this.standingOf(userId, now) : undefined;
    early?.catch(() => undefined);
    // Asked only once the list names them: what Slack says of them meanwhile to another asker (the
    // Home tab's guest check, begun with this one) is as new as this check, and answers it too.
    const keeping = early ? undefined : this.members.keepAnswers(userId);
    let standing: Standing;
    try {
      if (!(await named)) {
        this.standings.delete(userId);
        return false;
      }
      standing = await (early ?? this.standingOf(userId, now));
    } finally {
      keeping?.();
    }
    if (standing === 'guest') {
      this.logger.warn(
        { slackUserId: userId, namedIn: listed ? 'ADMIN_USER_IDS' : `admin group ${group}` },
        'admin refused: a guest in Slack; make them a full member of the workspace, or remove them from the admins',
      );
      throw new LatchkeyFailure('ADMIN_IS_GUEST', listed ? 'named in ADMIN_USER_IDS' : `in admin group ${group}`);
    }
    return standing === 'member';
  }

  mayBeAdmin(userId: string): boolean {
    if (this.userIds.has(userId)) return true;
    if (!this.usergroupId) return false;
    // The group as last read, however long ago: it only says where the answer goes. Unread (just
    // started, or a Lambda's cold instance), it cannot say who is not in it, and its member's check
    // lists it, then asks Slack of them, one call after the other: past a trigger's life on a slow
    // Slack. So anyone may be, and the window is opened at the click; the check still decides what
    // it shows (a no for anyone else, in that window once rather than in an ephemeral).
    return this.cached === undefined || this.cached.members.has(userId);
  }

  /** Whether Slack says a named admin is a full member, a guest, or gone: from what it said under a minute ago, or asked now. */
  private async standingOf(userId: string, now: number): Promise<Standing> {
    const known = this.standings.get(userId);
    // A clock gone back makes it unknown: never trusted longer than its age.
    if (known && now - known.at >= 0 && now - known.at < ADMIN_ANSWER_MAX_AGE_MS) return known.standing;
    // Stamped when Slack was asked, which an ask shared with another asker (SharedAsks) began before
    // this check did: kept from `now`, its answer would be trusted past ADMIN_ANSWER_MAX_AGE_MS.
    const { member, askedAt } = await this.members.getMemberAsked(userId, now);
    const standing: Standing = !member || member.deleted || member.isBot ? 'gone' : member.isGuest ? 'guest' : 'member';
    this.standings.set(userId, { standing, at: askedAt });
    return standing;
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
