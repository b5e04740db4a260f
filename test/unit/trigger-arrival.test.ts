import { ARRIVED_AT, TRIGGER_SAFE_MS, triggerArrival, triggerNow, triggerUsable } from '../../src/slack/arrival-modal';

/**
 * A window opened on arrival counts its trigger's age from the click (ARRIVED_AT, epoch ms). A
 * request can wait for its turn in a burst; a step of the wall clock meanwhile (chrony) must not
 * change whether its trigger is sent to Slack. The step is the wall clock's alone: Date.now moves,
 * the monotonic clock does not.
 */
describe("a trigger's age, as a window opened on arrival counts it", () => {
  afterEach(() => jest.restoreAllMocks());
  const stepWallClock = (ms: number) => {
    const now = Date.now;
    jest.spyOn(Date, 'now').mockImplementation(() => now() + ms);
  };

  it('a live trigger stays live when the wall clock steps forward while its request waits: the person is not told "busy" for nothing', () => {
    const arrivedAt = triggerArrival({ [ARRIVED_AT]: Date.now() - 100 });
    stepWallClock(60_000);
    expect(triggerUsable(arrivedAt, triggerNow())).toBe(true);
  });

  it('a dead trigger stays dead when the wall clock steps back while its request waits: it is never sent to Slack', () => {
    const arrivedAt = triggerArrival({ [ARRIVED_AT]: Date.now() - (TRIGGER_SAFE_MS + 100) });
    expect(triggerUsable(arrivedAt, triggerNow())).toBe(false);
    stepWallClock(-60_000);
    expect(triggerUsable(arrivedAt, triggerNow())).toBe(false);
  });

  it('a stamp ahead of our clock counts as now, and no stamp as now: the age is never negative', () => {
    for (const context of [{ [ARRIVED_AT]: Date.now() + 30_000 }, {}, { [ARRIVED_AT]: 'soon' }]) {
      const arrivedAt = triggerArrival(context);
      const age = triggerNow() - arrivedAt;
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(1_000);
    }
  });
});
