import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** `npm run sandbox` as a newcomer runs it: npm, in a process group of its own, as a terminal starts it. */
describe('npm run sandbox, as a process', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  /** Once every process of the group has exited and its output has all been read. */
  let closed: Promise<void> = Promise.resolve();
  let out = '';
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'latchkey-sandbox-process-'));
    out = '';
  });
  afterEach(() => {
    // Whatever the test found, nothing of the group outlives it.
    if (child?.pid) groupAlive(child.pid) && process.kill(-child.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  function groupAlive(pgid: number): boolean {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }

  async function waitFor(check: () => boolean, what: string, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; it printed:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function start(): Promise<{ npm: number; page: string; app: string }> {
    child = spawn('npm', ['run', 'sandbox', '--', '--port', '0', '--data-dir', dataDir], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    closed = new Promise((resolve) => child!.once('close', () => resolve()));
    await waitFor(() => out.includes('Ctrl+C stops'), 'the sandbox to be ready', 40_000);
    const page = /ready in \d+ ms:\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
    const app = /The app itself listens on (http:\/\/127\.0\.0\.1:\d+) /.exec(out)?.[1];
    expect({ page, app }).toEqual({ page: expect.any(String), app: expect.any(String) });
    return { npm: child.pid!, page: page!, app: app! };
  }

  it('says where the app listens, and /healthz answers there and at the page, as npm start serves it', async () => {
    const { page, app } = await start();
    for (const url of [`${app}/healthz`, `${page}healthz`]) {
      const res = await fetch(url);
      expect([url, res.status, await res.json()]).toEqual([url, 200, { status: 'ok', checks: { dynamodb: 'ok' } }]);
    }
  }, 60_000);

  it.each([
    ['SIGTERM to npm alone (a process manager, kill)', (npm: number) => process.kill(npm, 'SIGTERM')],
    ['Ctrl+C: SIGINT to the whole group, which npm forwards again', (npm: number) => process.kill(-npm, 'SIGINT')],
  ])('%s: it all stops cleanly, nothing left running, the data folder released', async (_how, signal) => {
    const { npm } = await start();
    signal(npm);
    await waitFor(() => !groupAlive(npm), 'every process of the sandbox to end', 20_000);
    // The group can be gone before its last lines are read from the pipe (a timer runs before the
    // loop reads): its output is whole once the pipes have closed.
    await closed;
    expect(out).toContain('stopping…');
    // Released only at the end of a clean stop: a process killed midway leaves it behind.
    expect(existsSync(join(dataDir, 'sandbox.lock'))).toBe(false);
  }, 60_000);
});
