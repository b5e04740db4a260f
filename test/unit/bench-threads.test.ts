import { isMainThread } from 'node:worker_threads';
import { ownThreadId, spentBetween, threadTimes } from '../../bench/threads';

describe("the bench's reading of who spends the cores (bench/threads.ts)", () => {
  it('splits the named threads from the rest, and counts a thread started since the first reading from zero', () => {
    const before = new Map([
      [10, { runMs: 100, waitMs: 5 }],
      [11, { runMs: 40, waitMs: 1 }],
      [12, { runMs: 7, waitMs: 0 }],
    ]);
    const after = new Map([
      [10, { runMs: 130, waitMs: 9 }],
      [11, { runMs: 45, waitMs: 3 }],
      [12, { runMs: 9, waitMs: 1 }],
      [13, { runMs: 4, waitMs: 2 }],
    ]);
    expect(spentBetween(before, after, { main: 10, loadgen: undefined })).toEqual({
      main: { runMs: 30, waitMs: 4 },
      other: { runMs: 5 + 2 + 4, waitMs: 2 + 1 + 2 },
    });
  });

  const linux = process.platform === 'linux' ? it : it.skip;
  linux("reads this process's threads, the calling one's CPU growing as it works", () => {
    const tid = ownThreadId()!;
    // The bench names the app's and its own main thread by the process ID: true of a main thread.
    if (isMainThread) expect(tid).toBe(process.pid);
    const before = threadTimes(process.pid);
    const end = Date.now() + 30;
    while (Date.now() < end) {
      // busy: the main thread's run time must grow by about this much
    }
    const spent = spentBetween(before, threadTimes(process.pid), { mine: tid });
    expect(spent.mine!.runMs).toBeGreaterThan(10);
  });
});
