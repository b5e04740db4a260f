import { AckFirst } from '../../src/slack/ack-first';

/**
 * In a burst, the work after each ack() starts one piece per turn of the event loop, so Node
 * reads and acknowledges the requests that have arrived in between (the ack-first bench figures).
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

  it('a single request waits only one turn', async () => {
    const queue = new AckFirst();
    let started = false;
    void queue.turn().then(() => (started = true));
    await nextTurn();
    expect(started).toBe(true);
  });
});
