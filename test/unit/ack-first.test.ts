import { AckFirst } from '../../src/slack/ack-first';

/**
 * In a burst, the work after each acknowledgement waits while requests are still arriving, then
 * starts one piece per turn of the event loop (the ack-first bench figures), but never waits so
 * long that a modal misses its trigger_id.
 */
describe('AckFirst', () => {
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('starts no work in the tick that acknowledged, then one piece per turn, in order', async () => {
    const queue = new AckFirst();
    const started: number[] = [];
    const all = [0, 1, 2].map((i) => queue.turn().then(() => started.push(i)));

    await Promise.resolve();
    expect(started).toEqual([]);
    await nextTurn();
    expect(started).toEqual([0]);
    await nextTurn();
    expect(started).toEqual([0, 1]);
    await Promise.all(all);
    expect(started).toEqual([0, 1, 2]);
  });

  it('a single request waits only a turn after the one it arrived in', async () => {
    const queue = new AckFirst();
    let started = false;
    queue.arrived();
    void queue.turn().then(() => (started = true));
    await nextTurn();
    expect(started).toBe(false);
    await nextTurn();
    expect(started).toBe(true);
  });

  it('starts nothing while requests keep arriving, and starts once a turn passes without one', async () => {
    const queue = new AckFirst();
    const started: number[] = [];
    queue.arrived();
    void queue.turn().then(() => started.push(0));
    for (let i = 0; i < 20; i++) {
      queue.arrived();
      await nextTurn();
    }
    expect(started).toEqual([]);
    await nextTurn();
    expect(started).toEqual([0]);
  });

  it('requests that never stop arriving hold work back at most maxWaitMs', async () => {
    let now = 0;
    const queue = new AckFirst(250, () => now);
    const started: number[] = [];
    queue.arrived();
    void queue.turn().then(() => started.push(0));
    void queue.turn().then(() => started.push(1));
    for (; now < 249; now += 10) {
      queue.arrived();
      await nextTurn();
    }
    expect(started).toEqual([]);
    now = 250;
    queue.arrived();
    await nextTurn();
    expect(started).toEqual([0]);
    queue.arrived();
    await nextTurn();
    expect(started).toEqual([0, 1]); // one piece per turn, even when all have waited their longest
  });
});

describe('AckFirst: opens before work', () => {
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('starts every urgent piece at the next turn, ahead of work that was waiting longer', async () => {
    const queue = new AckFirst();
    const started: string[] = [];
    void queue.turn().then(() => started.push('work 1'));
    void queue.turn().then(() => started.push('work 2'));
    for (const i of [1, 2, 3]) void queue.urgent().then(() => started.push(`open ${i}`));
    await nextTurn();
    expect(started).toEqual(['open 1', 'open 2', 'open 3']);
    await nextTurn();
    expect(started).toEqual(['open 1', 'open 2', 'open 3', 'work 1']);
  });

  it('holds urgent pieces while requests keep arriving (their acknowledgements first), at most maxUrgentWaitMs', async () => {
    let now = 0;
    const queue = new AckFirst(250, () => now, 100);
    const started: string[] = [];
    void queue.turn().then(() => started.push('work'));
    for (; now < 90; now += 10) {
      queue.arrived();
      void queue.urgent().then(() => started.push(`open ${now}`));
      await nextTurn();
    }
    expect(started).toEqual([]);
    now = 100;
    queue.arrived();
    await nextTurn();
    expect(started).toHaveLength(9);
    expect(started.every((s) => s.startsWith('open'))).toBe(true);
    await nextTurn();
    await nextTurn();
    expect(started.at(-1)).toBe('work');
  });
});

describe('AckFirst: many opens at once', () => {
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('starts them ten a turn, so that a request arriving meanwhile is read between', async () => {
    const queue = new AckFirst();
    let started = 0;
    for (let i = 0; i < 25; i++) void queue.urgent().then(() => (started += 1));
    await nextTurn();
    expect(started).toBe(10);
    await nextTurn();
    expect(started).toBe(20);
    await nextTurn();
    expect(started).toBe(25);
  });
});

describe('AckFirst: the work of requests acknowledged on arrival is bounded', () => {
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await nextTurn();
  };

  it('starts at most maxArrivalsUnderWay; the next starts once one ends, and ending it twice frees no more', async () => {
    const queue = new AckFirst(250, undefined, 250, 2);
    const releases: (() => void)[] = [];
    for (let i = 0; i < 4; i++) void queue.arrivalTurn('/reset-pin').then((release) => releases.push(release));
    await turns(10);
    expect(releases).toHaveLength(2);
    releases[0]!();
    releases[0]!();
    await turns(10);
    expect(releases).toHaveLength(3);
    releases[1]!();
    await turns(10);
    expect(releases).toHaveLength(4);
  });

  it('other work (a submission, a close) is not held behind commands waiting for their place', async () => {
    const queue = new AckFirst(250, undefined, 250, 1);
    const started: string[] = [];
    void queue.arrivalTurn('/reset-pin').then(() => started.push('command 1'));
    void queue.arrivalTurn('/reset-pin').then(() => started.push('command 2'));
    await turns(5);
    void queue.turn().then(() => started.push('submission'));
    await turns(5);
    expect(started).toEqual(['command 1', 'submission']);
  });

  it("one command's bound never holds up another command's work (a slow directory keeps its own places)", async () => {
    const queue = new AckFirst(250, undefined, 250, 1);
    const started: string[] = [];
    void queue.arrivalTurn('/reset-okta-password').then(() => started.push('okta 1'));
    void queue.arrivalTurn('/reset-okta-password').then(() => started.push('okta 2'));
    void queue.arrivalTurn('/reset-pin').then(() => started.push('pin'));
    await turns(10);
    expect(started).toEqual(['okta 1', 'pin']);
  });

  it('requests that never stop arriving hold a command back at most maxWaitMs, as other work', async () => {
    let now = 0;
    const queue = new AckFirst(250, () => now);
    let started = false;
    queue.arrived();
    void queue.arrivalTurn('/reset-pin').then(() => (started = true));
    for (; now < 249; now += 10) {
      queue.arrived();
      await nextTurn();
    }
    expect(started).toBe(false);
    now = 250;
    queue.arrived();
    await nextTurn();
    expect(started).toBe(true);
  });
});
