import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireOption } from '../support/node-options';
import { accountLine, buttonShown, modalShown, pagePost } from '../support/sandbox-page';

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

  async function start(env: NodeJS.ProcessEnv = process.env): Promise<{ npm: number; page: string; app: string; readyMs: number; waitedMs: number }> {
    // A restart's output only: the URLs it prints are its own.
    out = '';
    const spawned = performance.now();
    child = spawn('npm', ['run', 'sandbox', '--', '--port', '0', '--data-dir', dataDir], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    closed = new Promise((resolve) => child!.once('close', () => resolve()));
    await waitFor(() => /ready in \d+ ms/.test(out), 'the sandbox to say it is ready', 40_000);
    const waitedMs = performance.now() - spawned;
    await waitFor(() => out.includes('Ctrl+C stops'), 'the sandbox to be ready', 40_000);
    const [, readyMs, page] = /ready in (\d+) ms \(since node started\):\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out) ?? [];
    const app = /The app itself listens on (http:\/\/127\.0\.0\.1:\d+) /.exec(out)?.[1];
    expect({ page, app }).toEqual({ page: expect.any(String), app: expect.any(String) });
    return { npm: child.pid!, page: page!, app: app!, readyMs: Number(readyMs), waitedMs };
  }

  it('says where the app listens, and /healthz answers there and at the page, as npm start serves it; its "ready in" is the wait the command was, but for npm\'s own start', async () => {
    // Before, it counted from the sandbox's own start, after tsx had transpiled the tree: 518 ms said of
    // a 4.35 s wait. "Since node started" is the sandbox's node's own clock, performance.now(): here
    // read an hour ahead in that process alone (a preload), as if it had started an hour before. A
    // count begun anywhere later (main.ts's first line, the sandbox's start) says under an hour, and a
    // count from its start can say no more than the test waited. Not a share of the wait, which a
    // loaded machine's stalls move either way.
    const AHEAD_MS = 3_600_000;
    const preload = join(dataDir, 'clock-ahead.cjs');
    writeFileSync(
      preload,
      `if (/sandbox[\\/]main\\.ts$/.test(process.argv[1] ?? '')) { const now = performance.now.bind(performance); performance.now = () => now() + ${AHEAD_MS}; }\n`,
    );
    const { page, app, readyMs, waitedMs } = await start({ ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${requireOption(preload)}`.trim() });
    expect(readyMs).toBeGreaterThanOrEqual(AHEAD_MS);
    expect(readyMs - AHEAD_MS).toBeLessThanOrEqual(waitedMs);
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

  /** kill -9 on the whole group, as a closed terminal or a crash ends it: no stop, nothing flushed on the way out. */
  async function killed(npm: number): Promise<void> {
    process.kill(-npm, 'SIGKILL');
    await waitFor(() => !groupAlive(npm), 'every process of the sandbox to end', 20_000);
    await closed;
  }

  it("an Okta change made just before it was killed (SIGKILL: a closed terminal, a crash) is kept: Bob's /unlock-okta stays done", async () => {
    let { npm, page } = await start();
    expect(await accountLine(page, 'UBOB', 'Okta')).toBe('locked out, Okta Verify');
    await pagePost(page, 'command', { user: 'UBOB', channel: 'C0GENERAL01', text: '/unlock-okta' });
    const confirm = await modalShown(page, 'UBOB', (v) => v.callback_id === 'reset_okta_unlock_confirm');
    await pagePost(page, 'submit', { user: 'UBOB', viewId: String(confirm.id), values: {} });
    await modalShown(page, 'UBOB', (v) => JSON.stringify(v.blocks).includes('Your Okta account is unlocked.'));
    await killed(npm);
    ({ npm, page } = await start());
    // Before: 'locked out, Okta Verify' again, while the chat and the audit said it was unlocked.
    expect(await accountLine(page, 'UBOB', 'Okta')).toBe('active, Okta Verify');
  }, 90_000);

  it("a Chime license change made just before it was killed is kept: Ann's Pro license, approved by Ada, stays hers", async () => {
    let { npm, page } = await start();
    expect(await accountLine(page, 'UANN', 'Amazon Chime')).toBe('Basic');
    await pagePost(page, 'command', { user: 'UANN', channel: 'C0GENERAL01', text: '/request-license' });
    const asked = await modalShown(page, 'UANN', (v) => v.callback_id === 'license_request_submit');
    await pagePost(page, 'submit', { user: 'UANN', viewId: String(asked.id), values: { license: { license: 'Pro' }, reason: { reason: 'I run the customer webinars' } } });
    const review = await buttonShown(page, 'UADA', 'C0APPROVALS', 'license_review');
    await pagePost(page, 'click', { user: 'UADA', target: review });
    const decision = await modalShown(page, 'UADA', (v) => v.callback_id === 'license_review_submit');
    await pagePost(page, 'submit', { user: 'UADA', viewId: String(decision.id), values: { decision: { decision: 'approve' }, comment: { comment: null } } });
    await modalShown(page, 'UADA', (v) => v.id === decision.id && v.callback_id !== 'license_review_submit' && JSON.stringify(v.blocks).includes('Pro'));
    await killed(npm);
    ({ npm, page } = await start());
    // Before: 'Basic' again.
    expect(await accountLine(page, 'UANN', 'Amazon Chime')).toBe('Pro');
  }, 90_000);
});
