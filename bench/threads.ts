/**
 * Who spends the two cores while a burst is acknowledged: the CPU each thread ran, and the time it
 * waited, runnable, for a core, read from the kernel's per-thread scheduler statistics
 * (/proc/<pid>/task/<tid>/schedstat, in ns). The app's ack p99 is read against a bare server's on
 * the same cores, and the load generator that times both shares them: a thread of the app's (its
 * main thread, or V8's collector helpers) that runs while the load generator waits shows here, where
 * no profile of the app alone can show it. docs/performance.md, issue 28's thirteenth pass.
 * Linux only: elsewhere every reading is empty.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Per thread ID: ms run on a core, and ms waited runnable for one, so far. */
export type ThreadTimes = ReadonlyMap<number, { readonly runMs: number; readonly waitMs: number }>;

export function threadTimes(pid: number): ThreadTimes {
  const times = new Map<number, { runMs: number; waitMs: number }>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return times;
  }
  for (const tid of tids) {
    try {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      times.set(Number(tid), { runMs: run! / 1e6, waitMs: wait! / 1e6 });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return times;
}

/** The calling thread's kernel thread ID (a worker's is not its process's), or undefined off Linux. */
export function ownThreadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
}

export interface ThreadSpend {
  readonly runMs: number;
  readonly waitMs: number;
}

/**
 * What each named thread (name → thread ID) ran and waited between two readings, and all the
 * process's other threads together as `other` (V8's collector and compiler helpers, libuv's pool).
 */
export function spentBetween(before: ThreadTimes, after: ThreadTimes, named: Readonly<Record<string, number | undefined>>): Record<string, ThreadSpend> {
  const spent: Record<string, { runMs: number; waitMs: number }> = {};
  const nameOf = new Map(Object.entries(named).flatMap(([name, tid]) => (tid === undefined ? [] : [[tid, name] as const])));
  for (const name of [...nameOf.values(), 'other']) spent[name] = { runMs: 0, waitMs: 0 };
  for (const [tid, now] of after) {
    const then = before.get(tid) ?? { runMs: 0, waitMs: 0 };
    const into = spent[nameOf.get(tid) ?? 'other']!;
    into.runMs += now.runMs - then.runMs;
    into.waitMs += now.waitMs - then.waitMs;
  }
  return spent;
}
