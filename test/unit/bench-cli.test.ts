import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELP, parseBenchArgs } from '../../bench/cli';

const ROOT = join(__dirname, '..', '..');

/** Whether the process is still there (a zombie waiting to be reaped is gone for our purposes). */
function alive(pid: number): boolean {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(status, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs = 5_000): Promise<boolean> {
  for (const end = Date.now() + withinMs; Date.now() < end; ) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

describe('bench/profile-windows.ts', () => {
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'profile-windows.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

  it('--help prints what it reads and its options, and reads no profile', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stderr).not.toContain('.cpuprofile');
    for (const text of ['npx tsx bench/profile-windows.ts [level] [--top=N]', '--top=N', 'npm run bench -- --profile']) expect(help.stdout).toContain(text);
  });

  it('refuses an option it does not know, with the help, and exit 2', () => {
    const bad = run(['--tpo=3']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--tpo'[\s\S]*--top=N/);
    expect(bad.stdout).toBe('');
  });
});

describe('npm run bench -- --help', () => {
  it('prints every option, what it measures and how long it takes, and runs nothing', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run.ts'), '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(HELP);
    for (const option of ['--quick', '--ack-only', '--ack-latency', '--ack-warm', '--home-only', '--verify-only', '--profile', '--no-write', '--no-build', '--help']) expect(run.stdout).toContain(option);
    expect(run.stdout).toMatch(/about 8 minutes/);
    // Nothing was built or started: the bench logs each step as it begins.
    expect(run.stderr).not.toContain('bench:');
  });

  it('refuses an option it does not know, with the help, before anything starts', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run.ts'), '--quik'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--quik'[\s\S]*--quick/);
    expect(run.stderr).not.toContain('bench:');
  });

  it('reads the options', () => {
    expect(parseBenchArgs([])).toEqual({ help: false, quick: false, ackOnly: false, ackLatency: 0, ackWarm: false, homeOnly: false, verifyOnly: false, profile: false, write: true, build: true });
    expect(parseBenchArgs(['--verify-only', '--quick'])).toMatchObject({ verifyOnly: true, quick: true, ackOnly: false, homeOnly: false });
    expect(parseBenchArgs(['--profile', '--no-write'])).toMatchObject({ profile: true, ackOnly: true, write: false });
    expect(parseBenchArgs(['--ack-only', '--ack-latency=50'])).toMatchObject({ ackOnly: true, ackLatency: 50, ackWarm: false });
    expect(parseBenchArgs(['--ack-warm'])).toMatchObject({ ackOnly: true, ackWarm: true });
    expect(() => parseBenchArgs(['--ack-latency=soon'])).toThrow('--ack-latency must be a number of milliseconds');
  });
});

describe('what the bench starts ends with it', () => {
  const start = (...args: string[]) => {
    // With a nice, in a session of its own, as a terminal's `nice -n -7 npm run bench` is: the
    // session's scheduling group is the bench's alone, not the test runner's.
    const detached = args.some((a) => a.startsWith('--nice='));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'fixtures', 'bench-stops.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const pid = new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
      });
      child.on('exit', () => reject(new Error(`exited before starting the app: ${out}`)));
    });
    return { child, exited, pid };
  };

  it.each(['SIGINT', 'SIGTERM'] as const)('interrupted (%s), it stops the app it started, which runs in a process group of its own', async (signal) => {
    const { child, exited, pid } = start();
    const app = await pid;
    expect(alive(app)).toBe(true);
    child.kill(signal);
    expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(await gone(app)).toBe(true);
  }, 30_000);

  // Linux shares the cores between sessions by each session's group nice (autogroups): the app,
  // detached, is a session of its own, and ran at nice 0 whatever the bench was started with. Raising
  // a priority needs root.
  const raisable = existsSync('/proc/self/autogroup') && process.getuid?.() === 0;
  (raisable ? it : it.skip)("started at a raised priority, the app it starts runs at it too, in the kernel's scheduling groups", async () => {
    const { child, exited, pid } = start('--nice=-7');
    const app = await pid;
    try {
      expect(readFileSync(`/proc/${child.pid}/autogroup`, 'utf8')).toContain(' nice -7\n');
      expect(readFileSync(`/proc/${app}/autogroup`, 'utf8')).toContain(' nice -7\n');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(await gone(app)).toBe(true);
  }, 30_000);

  it('failing, it stops the app it started', async () => {
    const { exited, pid } = start('--fail');
    const app = await pid;
    expect(await exited).toBe(1);
    expect(await gone(app)).toBe(true);
  }, 30_000);
});
