import type { SlackApi } from './slack-web-api';
import { LatchkeyFailure } from '../flows/failure';
import type { Admins, AskedMembers, Clock, Logger } from '../flows/ports';
import { GRANT_SCOPES_HOW } from './scopes';
import { slackErrorCode, toSlackFailure } from './slack-errors';

/** Long enough to spare Slack a call per click, short enough that removing an admin takes effect soon. */
const USERGROUP_CACHE_MS = 60_000;
/**
 * The least time between two reads of the group's list, whoever asks: a no from the list as last
 * read is asked again (one just added is an admin at their first click, not a minute later), and
 * a failed read is not retried sooner, so no one's clicks make Latchkey call Slack without limit
 * (usergroups.users.list is Tier 2: at most 6 reads a minute here).
 */
export const USERGROUP_REREAD_MS = 10_000;
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
 * whoever named them. Who is named is known from memory (the group's list cached briefly, a no from
 * it read again first, at most every USERGROUP_REREAD_MS); whether they are a guest is Slack's
 * answer (users.info, kept ADMIN_ANSWER_MAX_AGE_MS), asked beside any read of the list, never
 * after it. When Slack cannot be asked either, nobody named counts as an admin (SLACK_UNAVAILABLE;
 * ADMIN_GROUP_UNREADABLE when the group cannot be read for our setup, alerted here); a guest named is
 * refused with ADMIN_IS_GUEST, so they are told why.
 */
export class ConfiguredAdmins implements Admins {
  private cached?: { members: Set<string>; until: number };
  /** The read under way, shared by every check that needs it. */
  private reading?: Promise<Set<string>>;
  /** When Slack was last asked for the list, and its failure if it failed. */
  private lastAsked?: { at: number; failure?: LatchkeyFailure };
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
    // A no from the list as last read, still fresh, is asked again (no sooner than
    // USERGROUP_REREAD_MS after the last read) before refusing: someone just added to the group is
    // an admin at once. That read failing, the no stands.
    const recheck = !listed && lastRead !== undefined && lastRead.until > now && !lastRead.members.has(userId);
    const named = listed
      ? Promise.resolve(true)
      : (recheck ? this.readGroup(group!, now).catch(() => lastRead.members) : this.groupMembers(group!, now)).then((m) => m.has(userId));
    // Slack is asked of them together with the group's list, never after it: when the list as last
    // read names them (or ADMIN_USER_IDS does), or when this check waits on a read of it (one just
    // added to the group: their window waits on one call, not two in a row, within a trigger's life).
    // Its answer counts only once the list names them, and is kept only then: a non-admin is shown
    // nothing of it, and their click or Home tab asks Slack of them only beside a read, at most one
    // every USERGROUP_REREAD_MS a process (each Lambda instance reads for itself; their Home tab's
    // guest check asks the same, at once, and shares it).
    const asked = listed || lastRead?.members.has(userId) || this.reading !== undefined ? this.standingOf(userId, now) : undefined;
    asked?.catch(() => undefined);
    if (!(await named)) {
      this.standings.delete(userId);
      return false;
    }
    // Left out above only where the list is the one in memory, which does not name them: a fallback.
    const { standing, at } = await (asked ?? this.standingOf(userId, now));
    // Kept once named; another check's answer, asked later, may be kept already.
    if (!((this.standings.get(userId)?.at ?? -Infinity) > at)) this.standings.set(userId, { standing, at });
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
    // started, or a Lambda's cold instance), it cannot say who is not in it, and a member's check
    // waits on its read (and Slack's answer of them, asked alongside): past a trigger's life on a
    // slow Slack. So anyone may be, and the window is opened at the click; the check still decides what
    // it shows (a no for anyone else, in that window once rather than in an ephemeral). One added
    // since the last read is not foreseen: their check reads the list again before refusing, asking
    // Slack of them alongside, and their window opens once both have answered: one call's wait.
    return this.cached === undefined || this.cached.members.has(userId);
  }

  namedWhenLastRead(userId: string): boolean {
    return this.userIds.has(userId) || this.cached?.members.has(userId) === true;
  }

  /** Whether Slack says a named admin is a full member, a guest, or gone, and when it was asked: what it said under a minute ago, or asked now. */
  private async standingOf(userId: string, now: number): Promise<{ standing: Standing; at: number }> {
    const known = this.standings.get(userId);
    // A clock gone back makes it unknown: never trusted longer than its age.
    if (known && now - known.at >= 0 && now - known.at < ADMIN_ANSWER_MAX_AGE_MS) return known;
    // Stamped when Slack was asked, which an ask shared with another asker (SharedAsks) began before
    // this check did: kept from `now`, its answer would be trusted past ADMIN_ANSWER_MAX_AGE_MS.
    const { member, askedAt } = await this.members.getMemberAsked(userId);
    return { standing: !member || member.deleted || member.isBot ? 'gone' : member.isGuest ? 'guest' : 'member', at: askedAt };
  }

  private groupMembers(usergroup: string, now: number): Promise<Set<string>> {
    if (this.cached && this.cached.until > now) return Promise.resolve(this.cached.members);
    return this.readGroup(usergroup, now);
  }

  /**
   * The group's list as Slack says it now: one read at a time, and none sooner than
   * USERGROUP_REREAD_MS after the last (its list, or its failure, answers meanwhile). A failure is
   * logged with what to do: until it is put right, nobody in the group is an admin.
   */
  private readGroup(usergroup: string, now: number): Promise<Set<string>> {
    if (this.reading) return this.reading;
    const last = this.lastAsked;
    // A clock gone back does not hold a read off.
    if (last && now - last.at >= 0 && now - last.at < USERGROUP_REREAD_MS) {
      if (last.failure) return Promise.reject(last.failure);
      if (this.cached) return Promise.resolve(this.cached.members);
    }
    const asked: { at: number; failure?: LatchkeyFailure } = { at: now };
    this.lastAsked = asked;
    const reading = this.client.usergroups.users.list({ usergroup }).then(
      ({ users = [] }) => {
        this.cached = { members: new Set(users), until: now + USERGROUP_CACHE_MS };
        return this.cached.members;
      },
      (err: unknown) => {
        const slackFailure = toSlackFailure(err, 'usergroups.users.list');
        const code = slackErrorCode(err);
        // What only the operator can put right (a scope the app lacks, a group ID that is not one) is
        // our setup, and strips the group's admins of their rights until fixed: an alert, as a token
        // Slack refuses is. A click only shows it, at most once a USERGROUP_REREAD_MS, and cannot cause
        // it. Slack having a bad minute is a warning. Ours, the clicker is told so (ADMIN_GROUP_UNREADABLE),
        // not that Slack did not answer, and nothing after this alerts again for it.
        const ours = slackFailure.code === 'SLACK_MISCONFIGURED' || code === 'no_such_subteam';
        const failure = ours ? new LatchkeyFailure('ADMIN_GROUP_UNREADABLE', slackFailure.detail, { cause: err }) : slackFailure;
        asked.failure = failure;
        const fields = { usergroup, slackError: code ?? failure.message };
        // The alert's words are written out where it is logged: the runbook test (alert-runbook.test.ts) reads them there.
        const until = unreadGroupUntil(code);
        // A token Slack refuses was paged where the client met it (token-watch.ts), for every part alike.
        if (ours && !slackFailure.alerted) this.logger.error({ ...fields, alert: true }, `admin group ADMIN_USERGROUP_ID ${usergroup} cannot be read (usergroups.users.list): ${until}`);
        else this.logger.warn(fields, `admin group ADMIN_USERGROUP_ID ${usergroup} cannot be read (usergroups.users.list): ${until}`);
        throw failure;
      },
    );
    this.reading = reading;
    void reading.catch(() => undefined).finally(() => {
      if (this.reading === reading) this.reading = undefined;
    });
    return reading;
  }
}

/** The rest of the log line for an admin group Slack will not list: what it means, and what to do for the error Slack gave. */
function unreadGroupUntil(code: string | undefined): string {
  const what = 'until it can, nobody in it is an admin (once the list last read, if any, is a minute old)';
  if (code === 'no_such_subteam') return `${what}: no user group of this workspace has this ID; correct ADMIN_USERGROUP_ID (a user group ID, S…)`;
  if (code === 'missing_scope') return `${what}: to grant the usergroups:read scope, ${GRANT_SCOPES_HOW}`;
  return `${what}: if it goes on, run npm run doctor (or the Setup check on an admin's Home tab); it checks the usergroups:read scope and that ADMIN_USERGROUP_ID is the group's ID`;
}
