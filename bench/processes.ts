/** The app and the yardstick as processes of their own: built once, spawned, measured from outside. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { buildSync } from 'esbuild';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { getPriority } from 'node:os';
import { join } from 'node:path';

const BENCH = __dirname;
const ROOT = join(BENCH, '..');
export const BUILD = join(BENCH, '.build');

export interface Built {
  /** The command that runs the app as `npm start` does: its Node flags and dist/main.js. */
  readonly app: string[];
  readonly yardstick: string[];
  /** The memory probe for --profile. */
  readonly probe: string;
  /** The load generator's worker script. */
  readonly loadgen: string;
  readonly how: string;
}

/**
 * Builds the app as `npm start` runs it (scripts/build.js into dist/), and the bench's own helper
 * scripts (the yardstick, the load generator, the memory probe) with esbuild into bench/.build.
 */
export function build(reuse = false): Built {
  if (!reuse) {
    const app = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, encoding: 'utf8' });
    if (app.status !== 0) throw new Error(`bench: the build failed:\n${app.stdout}${app.stderr}`);
    buildSync({
      entryPoints: ['yardstick.ts', 'probe.ts', 'loadgen.ts'].map((f) => join(BENCH, f)),
      outdir: join(BUILD, 'bench'),
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'warning',
    });
  }
  const helper = (name: string) => join(BUILD, 'bench', `${name}.js`);
  return {
    app: [...startFlags(), join(ROOT, 'dist', 'main.js')],
    yardstick: [helper('yardstick')],
    probe: helper('probe'),
    loadgen: helper('loadgen'),
    how: 'built by npm run build (dist/)',
  };
}

/**
 * The Node flags `npm start` gives the app (they size V8's heap; see the README's Benchmark
 * section), read from package.json so that the benchmark measures the app as it is run.
 */
export function startFlags(): string[] {
  const start: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const node = /\bnode((?:\s+--\S+)*)\s+dist\/main\.js/.exec(start);
  if (!node) throw new Error(`bench: package.json's start script does not run "node … dist/main.js": ${start}`);
  return node[1]!.trim().split(/\s+/).filter(Boolean);
}

/** A port nobody is listening on right now, so the start-up probe knows where to knock from the first millisecond. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface MemoryReading {
  /** Resident now (VmRSS), bytes. */
  readonly rss: number;
  /** The most it has ever been resident (VmHWM, the kernel's high-water mark), bytes. */
  readonly peakRss: number;
}

/** Read from /proc/<pid>/status: the kernel's own account, including memory outside V8's heap. */
export function memoryOf(pid: number): MemoryReading | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

/** CPU time (user + system) the process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMsOf(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces), so split after its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * Every process the bench started and has not stopped yet: the app and `npm start` run detached
 * (a process group of their own, so that npm's children go with them), which also means a Ctrl+C
 * in the terminal does not reach them. So they are ended here when the bench ends, however it ends:
 * a normal exit, an error, or a signal.
 */
const running = new Map<ChildProcess, { group: boolean }>();

function track(child: ChildProcess, group: boolean): void {
  endWithTheBench();
  running.set(child, { group });
  child.once('exit', () => running.delete(child));
  if (group && child.pid !== undefined) withTheBenchsPriority(child.pid);
}

/**
 * Linux schedules each session as one group (autogroups: /proc/sys/kernel/sched_autogroup_enabled),
 * and shares the cores between groups by the group's nice, not by its processes'. A detached child
 * starts a session, so a group of its own at nice 0: `nice -n -15 npm run bench` reached the load
 * generator and the bare server but not the app, and every other session's work on the machine
 * (tests run beside it) took the app's cores as an equal. So a bench started at a higher priority
 * than its group's raises its own group to it (put back when it ends), and each detached child's
 * group gets the bench's group's nice: the app is measured at the priority of the load generator
 * and the bare server beside it.
 */
const AUTOGROUP = '/proc/self/autogroup';
let groupNice: number | undefined;

function withTheBenchsPriority(pid: number): void {
  groupNice ??= ownGroupAtOwnNice();
  if (Number.isNaN(groupNice)) return;
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(groupNice));
  } catch {
    // The child has already gone.
  }
}

/** Raises the bench's own group to the bench's nice; returns the nice the bench's children get, NaN when autogroups are off. */
function ownGroupAtOwnNice(): number {
  const group = /nice (-?\d+)/.exec(existsSync(AUTOGROUP) ? readFileSync(AUTOGROUP, 'utf8') : '');
  if (!group) return Number.NaN;
  const was = Number(group[1]);
  const nice = getPriority();
  // Only a raise: a bench started politely (a positive nice) beside other work of the same
  // session, such as a test run, must not slow that whole session down.
  if (nice >= was) return was;
  try {
    writeFileSync(AUTOGROUP, String(nice));
    process.once('exit', () => {
      try {
        writeFileSync(AUTOGROUP, String(was));
      } catch {
        // Nothing to put back if the group is gone.
      }
    });
    return nice;
  } catch (err) {
    process.stderr.write(
      `bench: the app will not run at the bench's nice (${nice}): Linux schedules each session as a group, and this one's nice (${was}) could not be raised (${(err as NodeJS.ErrnoException).code ?? String(err)}). Other work on the machine competes with the app as with any other session.\n`,
    );
    return was;
  }
}

/** Stops what is still running: synchronous, so it can run in an 'exit' handler. */
export function stopEverything(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const [child, { group }] of running) {
    try {
      if (group) process.kill(-child.pid!, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

let installed = false;
function endWithTheBench(): void {
  if (installed) return;
  installed = true;
  process.once('exit', () => stopEverything('SIGKILL'));
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping what it started…\n`);
      stopEverything('SIGTERM');
      process.exit(code);
    });
  }
}

export interface RunningApp {
  readonly child: ChildProcess;
  /** The app's own process: the child itself, or through npm the node process npm started. */
  readonly appPid: number;
  readonly url: string;
  readonly eventsUrl: string;
  /** Milliseconds from spawn until /healthz answered 200. */
  readonly healthyAfterMs: number;
  /** Milliseconds from spawn until the app logged "Latchkey is ready". */
  readonly readyAfterMs: number;
  /** The first of the app's log lines at error level or above, and of what it wrote that is not a log line, for the report. */
  readonly errors: string[];
  stop(): Promise<void>;
}

/**
 * An app's output line the report shows: a log line at error level or above, or one that pages, or
 * anything that is not a log line (a Node warning, a crash's stack). The app's logger writes levels
 * as their names (src/logger.ts); pino's numbers are read too, for a logger without that formatter.
 */
export function worthReporting(line: string): boolean {
  if (line.trim() === '') return false;
  if (!line.startsWith('{')) return true;
  return /"level":(?:"(?:error|fatal)"|(?:5\d|60)\b)/.test(line) || line.includes('"alert":true');
}

/**
 * The report's few lines of what the app logged: its own log lines first, so that a warning Node
 * prints at every start (seven lines on Node 20) never hides the errors behind it.
 */
export function reportedFirst(lines: readonly string[], count = 5): string[] {
  return [...lines.filter((l) => l.startsWith('{')), ...lines.filter((l) => !l.startsWith('{'))].slice(0, count);
}

/** `npm start` itself, as an operator runs it: npm, its shell, the build check, then the app. */
export const NPM_START = ['npm', 'start', '--silent'] as const;

/**
 * Spawns the app and waits for /healthz to answer 200, polling every few milliseconds. The command
 * is node's arguments, or NPM_START; either way the process group is stopped at the end.
 */
export async function startApp(command: readonly string[], env: Record<string, string>, timeoutMs = 20_000): Promise<RunningApp> {
  const port = await freePort();
  const viaNpm = command === NPM_START;
  const started = performance.now();
  const child = spawn(viaNpm ? 'npm' : process.execPath, viaNpm ? command.slice(1) : command, {
    // bench/ has no .env. npm runs scripts in the repository root, where a developer's .env is read,
    // but only for what the bench's environment leaves unset.
    cwd: viaNpm ? ROOT : BENCH,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  track(child, true);
  const errors: string[] = [];
  let readyAfterMs = Number.NaN;
  let tail = '';
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const onOutput = (d: Buffer) => {
    const text = tail + d.toString();
    const lines = text.split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) {
      if (Number.isNaN(readyAfterMs) && line.includes('"Latchkey is ready"')) readyAfterMs = performance.now() - started;
      if (worthReporting(line) && errors.length < 20) errors.push(line);
    }
  };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);

  const url = `http://127.0.0.1:${port}`;
  let healthyAfterMs = Number.NaN;
  while (Number.isNaN(healthyAfterMs)) {
    if (exited) throw new Error(`the app exited before it was healthy:\n${errors.join('\n')}${tail}`);
    if (performance.now() - started > timeoutMs) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`the app was not healthy within ${timeoutMs} ms:\n${errors.join('\n')}`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) healthyAfterMs = performance.now() - started;
    else await new Promise((r) => setTimeout(r, 5));
  }
  return {
    child,
    appPid: viaNpm ? (descendantRunning(child.pid!, 'dist/main.js') ?? child.pid!) : child.pid!,
    url,
    eventsUrl: `${url}/slack/events`,
    healthyAfterMs,
    readyAfterMs,
    errors,
    async stop() {
      // The group: through npm, the app is npm's grandchild.
      if (!exited) process.kill(-child.pid!, 'SIGTERM');
      await exit;
    },
  };
}

/** The first process under `pid` whose command line mentions `script` (from /proc/<pid>/task/<tid>/children). */
function descendantRunning(pid: number, script: string): number | undefined {
  const children = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  for (const child of children(pid)) {
    try {
      if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(script)) return child;
    } catch {
      continue;
    }
    const deeper = descendantRunning(child, script);
    if (deeper) return deeper;
  }
  return undefined;
}

/** Runs the yardstick to completion and returns its JSON line, with how long the whole process took. */
export async function runYardstick(
  command: string[],
  env: Record<string, string>,
): Promise<{ out: YardstickOutput; wallMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, command, { cwd: BENCH, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child, false);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`yardstick failed (${code}):\n${stderr}`);
  return { out: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as YardstickOutput, wallMs };
}

export interface YardstickOutput {
  lookupMs: number[];
  resetMs: number[];
  readyMs: number;
  firstResetMs: number;
  maxRssBytes: number;
}
