/**
 * One sandbox per data folder. dynalite opens its LevelDB store lazily, so a second sandbox on the
 * same folder starts without error and crashes at its first table call ("Database is closed"): the
 * store's own lock cannot be asked in time. This file is claimed before anything starts instead.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'sandbox.lock';

interface Holder {
  pid: number;
  url?: string;
}

export interface DataLock {
  readonly file: string;
  /** Records the page's URL, for the message a second sandbox prints. */
  announce(url: string): void;
  release(): void;
}

/** Throws with a one-line message when a live sandbox holds dataDir; a dead one's claim is taken over. */
export function claimDataDir(dataDir: string): DataLock {
  const file = join(dataDir, LOCK_FILE);
  const mine: Holder = { pid: process.pid };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(file);
      if (holder && isRunning(holder.pid)) {
        const where = [holder.url, `PID ${holder.pid}`].filter(Boolean).join(', ');
        throw new Error(
          `another sandbox is running on ${dataDir} (${where}): stop it (Ctrl+C in its terminal), or run another beside it with its own folder and port: npm run sandbox -- --data-dir <dir> --port <n> (--port 0 picks a free one)`,
        );
      }
      // Left by a sandbox that was killed: take it over, once (a racing start then finds ours).
      if (attempt > 0) throw err;
      unlinkSync(file);
    }
  }
  return {
    file,
    announce: (url) => writeFileSync(file, JSON.stringify({ ...mine, url })),
    release: () => {
      if (readHolder(file)?.pid === process.pid) unlinkSync(file);
    },
  };
}

function readHolder(file: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, ...(typeof parsed.url === 'string' && { url: parsed.url }) } : undefined;
  } catch {
    return undefined; // unreadable or half-written: nobody's
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
