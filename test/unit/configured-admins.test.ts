import { ADMIN_ANSWER_MAX_AGE_MS, ConfiguredAdmins, USERGROUP_REREAD_MS } from '../../src/slack/configured-admins';
import type { SlackApi } from '../../src/slack/slack-web-api';
import { SharedAsks } from '../../src/slack/workspace-members';
import type { SlackMember, WorkspaceMembers } from '../../src/flows/ports';
import { ManualClock, MemoryLogger } from '../support/in-memory-ports';

/** Slack's users.info as the test answers it: each ask waits until the test says what Slack says. */
class HeldMembers implements WorkspaceMembers {
  readonly asks: ((guest: boolean) => void)[] = [];

  getMember(userId: string): Promise<SlackMember | undefined> {
    return new Promise((resolve) => {
      this.asks.push((isGuest) => resolve({ id: userId, teamId: 'T1', deleted: false, isBot: false, isGuest }));
    });
  }
}

describe("the admin check's answer from Slack, shared with an ask begun before it", () => {
  it('is kept no longer than ADMIN_ANSWER_MAX_AGE_MS from when that ask began: an admin Slack has made a guest since is refused then', async () => {
    const clock = new ManualClock();
    const slack = new HeldMembers();
    const shared = new SharedAsks(slack, clock);
    const admins = new ConfiguredAdmins(new Set(['UADA']), undefined, {} as SlackApi, shared, clock, new MemoryLogger());

    // The guest check of her Home tab asks Slack of Ada; Slack is slow, and the admin check joins that ask later.
    const guestCheck = shared.getMember('UADA');
    clock.advance(30_000);
    const first = admins.isAdmin('UADA');
    await new Promise((r) => setImmediate(r));
    expect(slack.asks).toHaveLength(1);
    slack.asks[0]!(false);
    await expect(first).resolves.toBe(true);
    await guestCheck;

    // Slack has made her a guest since. Her answer is older than the limit (counted from when Slack
    // was asked), though under it counted from when the admin check began: Slack is asked again.
    clock.advance(ADMIN_ANSWER_MAX_AGE_MS - 30_000 + 1);
    const later = admins.isAdmin('UADA');
    await new Promise((r) => setImmediate(r));
    expect(slack.asks).toHaveLength(2);
    slack.asks[1]!(true);
    await expect(later).rejects.toThrow('ADMIN_IS_GUEST');
  });

  it('an answer asked for by the admin check itself is kept the whole ADMIN_ANSWER_MAX_AGE_MS', async () => {
    const clock = new ManualClock();
    const slack = new HeldMembers();
    const admins = new ConfiguredAdmins(new Set(['UADA']), undefined, {} as SlackApi, new SharedAsks(slack, clock), clock, new MemoryLogger());
    const first = admins.isAdmin('UADA');
    await new Promise((r) => setImmediate(r));
    slack.asks[0]!(false);
    await expect(first).resolves.toBe(true);
    clock.advance(ADMIN_ANSWER_MAX_AGE_MS - 1);
    await expect(admins.isAdmin('UADA')).resolves.toBe(true);
    expect(slack.asks).toHaveLength(1);
  });
});

describe("the admin group's list", () => {
  /** usergroups.users.list as the test answers it: each read waits until the test says what Slack says. */
  const heldGroup = () => {
    const reads: { answer: (users: string[]) => void; fail: (error: string) => void }[] = [];
    const client = {
      usergroups: {
        users: {
          list: () =>
            new Promise((resolve, reject) => {
              reads.push({ answer: (users) => resolve({ ok: true, users }), fail: (error) => reject(Object.assign(new Error(error), { data: { ok: false, error } })) });
            }),
        },
      },
    } as unknown as SlackApi;
    return { client, reads };
  };
  const fullMembers: WorkspaceMembers = { getMember: async (id) => ({ id, teamId: 'T1', deleted: false, isBot: false, isGuest: false }) };
  const tick = () => new Promise((r) => setImmediate(r));

  it('not yet read, is listed once for checks made at once, and answers them all', async () => {
    const clock = new ManualClock();
    const { client, reads } = heldGroup();
    const admins = new ConfiguredAdmins(new Set(), 'S1', client, new SharedAsks(fullMembers, clock), clock, new MemoryLogger());
    const checks = ['UMAX', 'UBOB', 'UCARL'].map((id) => admins.isAdmin(id));
    await tick();
    expect(reads).toHaveLength(1);
    reads[0]!.answer(['UMAX']);
    expect(await Promise.all(checks)).toEqual([true, false, false]);
  });

  it('read again for a no that fails: the list last read still answers, a no stays a no and its member an admin (not "Slack did not answer")', async () => {
    const clock = new ManualClock();
    const { client, reads } = heldGroup();
    const logger = new MemoryLogger();
    const admins = new ConfiguredAdmins(new Set(), 'S1', client, new SharedAsks(fullMembers, clock), clock, logger);
    const first = admins.isAdmin('UMAX');
    await tick();
    reads[0]!.answer(['UMAX']);
    await expect(first).resolves.toBe(true);
    clock.advance(USERGROUP_REREAD_MS);
    const bob = admins.isAdmin('UBOB');
    await tick();
    expect(reads).toHaveLength(2);
    reads[1]!.fail('internal_error');
    await expect(bob).resolves.toBe(false);
    await expect(admins.isAdmin('UMAX')).resolves.toBe(true);
    // Not asked again before USERGROUP_REREAD_MS from the failed read.
    await expect(admins.isAdmin('UBOB')).resolves.toBe(false);
    expect(reads).toHaveLength(2);
  });
});
