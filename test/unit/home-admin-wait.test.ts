import { KnownGuests } from '../../src/flows/known-guests';
import { ADMIN_CHECK_WAIT_MS, HomeTab } from '../../src/flows/home-tab';
import type { Admins, AuditLog, AuditReader } from '../../src/flows/ports';
import { ManualClock, member, MemoryLogger, MemoryMembers } from '../support/in-memory-ports';

/**
 * How long the Home tab waits for an admin check that does not answer (Slack holding the admin
 * group's list): ADMIN_CHECK_WAIT_MS to the millisecond, on jest's clock, so that no machine's speed
 * decides it. home-tab.test.ts proves the same wait fires in the running app (its log line), with the
 * read still held; a wall-clock bound there raced on a loaded machine.
 */
describe("the Home tab's wait for an admin check that does not answer", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('draws the tab without admin sections when ADMIN_CHECK_WAIT_MS is over, not a millisecond before, and says so', async () => {
    const clock = new ManualClock();
    const logger = new MemoryLogger();
    const members = new MemoryMembers([member('UBOB')]);
    // Never answers: the check is over only by the tab's own wait.
    const admins: Admins = { isAdmin: () => new Promise<boolean>(() => undefined), mayBeAdmin: () => false, namedWhenLastRead: () => false };
    const audit = { latestOf: async () => [] } as unknown as AuditReader & AuditLog;
    const guests = new KnownGuests({ members: { getMember: (id) => members.getMember(id), getMemberAsked: async (id) => ({ member: await members.getMember(id), askedAt: clock.now().getTime() }) }, clock, logger });
    const tab = new HomeTab({ credentials: [], audit, admins, guests, workspace: { teamId: 'T0TEAM' }, clock, logger });

    let opened: Awaited<ReturnType<HomeTab['open']>> | 'not yet' = 'not yet';
    const open = tab.open({ userId: 'UBOB', teamId: 'T0TEAM' }).then((o) => (opened = o));
    await jest.advanceTimersByTimeAsync(ADMIN_CHECK_WAIT_MS - 1);
    expect(opened).toBe('not yet');
    await jest.advanceTimersByTimeAsync(1);
    await open;
    expect(opened).toMatchObject({ adminLater: expect.any(Promise) });
    expect(logger.lines.map((l) => l.message)).toContain(
      'admin check did not answer in time: home tab published without admin sections; published again only if it finds an admin (with them, or saying why not)',
    );
  });
});
