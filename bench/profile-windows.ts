/**
 * Where the app's time goes while a burst is being acknowledged: reads the CPU profile and the
 * burst windows that `npm run bench -- --profile` writes to bench/.build/prof/, and sums the
 * profile's samples inside each burst's window (from the first command sent to its ack p99) by
 * what they were doing.
 *
 *   npx tsx bench/profile-windows.ts [level=400] [--top=25] [--help]
 *
 * The profile and the bench share a clock (CLOCK_MONOTONIC, in µs), so the windows line up.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD } from './processes';

const HELP = `Where the app's time went while each burst was being acknowledged, from a profiled bench run.

  npx tsx bench/profile-windows.ts [level] [--top=N]

  level      the burst size to read (default 400): its bursts' windows, from the first command
             sent to the burst's ack p99
  --top=N    how many functions to list by self time (default 25)
  --help     this text

It reads the CPU profile and the burst windows in bench/.build/prof/: run
\`npm run bench -- --profile\` first, on a quiet machine. It prints, per burst, the milliseconds of
the app's main thread by what they were doing, the garbage collections, and the top functions.
`;

class UsageError extends Error {}

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}
interface Profile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}
interface Burst {
  readonly level: number;
  readonly latencyMs: number;
  readonly startUs: number;
  readonly ackP99Ms: number;
}

/** What a sample was doing, from its stack (innermost frame first). Order matters: the first match wins. */
const KINDS: [string, (frames: string) => boolean][] = [
  ['opening loading modals (views.open)', (f) => f.includes('openLoadingModal')],
  ['reading, checking, acknowledging requests', (f) => /request-guard|HTTPReceiver|HTTPModuleFunctions|HTTPResponseAck|slack-signature|acknowledgingFirst|guarded-app/.test(f) && !f.includes('processEvent@dist:App.js')],
  ['Bolt routing and listeners', (f) => f.includes('App.js')],
  ['Slack Web API calls (other)', (f) => /WebClient|slack-web-api/.test(f)],
  ['AWS SDK calls', (f) => /@smithy|@aws-sdk/.test(f)],
  ['node:http server (parse, sockets)', (f) => /_http_server|parserOnIncoming/.test(f)],
  ['node:http client (answers to our calls)', (f) => /_http_client|_http_agent|dist:http\/fetch/.test(f)],
  ['logging (pino)', (f) => f.includes('pino')],
];

function main(): void {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: { top: { type: 'string', default: '25' }, help: { type: 'boolean', short: 'h', default: false } }, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const [levelArg = '400', ...extra] = positionals;
  if (!/^\d+$/.test(levelArg) || extra.length > 0) throw new UsageError(`the level is one burst size, such as 400; got ${positionals.join(' ')}`);
  if (!/^\d+$/.test(values.top)) throw new UsageError(`--top must be a number, got ${values.top}`);
  const level = Number(levelArg);
  const top = Number(values.top);
  const dir = join(BUILD, 'prof');
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) : undefined;
  if (!file) throw new Error(`no .cpuprofile in ${dir}: run npm run bench -- --profile first`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const bursts = readFileSync(join(dir, 'bursts.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Burst)
    .filter((b) => b.level === level);
  if (bursts.length === 0) throw new Error(`no burst of ${level} in ${dir}/bursts.jsonl`);

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const short = (url: string) => url.replace(/^.*\/(node_modules|dist)\//, (_, d: string) => (d === 'dist' ? 'dist:' : ''));
  const stacks = new Map<number, string>();
  const stackOf = (id: number): string => {
    let s = stacks.get(id);
    if (s === undefined) {
      const frames: string[] = [];
      for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
        const f = byId.get(n)!.callFrame;
        frames.push(`${f.functionName}@${short(f.url)}`);
      }
      s = frames.join(' ');
      stacks.set(id, s);
    }
    return s;
  };
  const kindOf = (id: number): string => {
    const leaf = byId.get(id)!.callFrame.functionName;
    if (leaf === '(garbage collector)') return 'garbage collection';
    if (leaf === '(idle)') return 'idle';
    if (leaf === '(program)') return 'V8 (program)';
    const frames = stackOf(id);
    return KINDS.find(([, test]) => test(frames))?.[0] ?? 'other';
  };

  const kinds = new Map<string, number>();
  const leaves = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i]!;
    t += dt;
    if (!bursts.some((b) => t >= b.startUs && t <= b.startUs + b.ackP99Ms * 1000)) return;
    total += dt;
    const kind = kindOf(id);
    kinds.set(kind, (kinds.get(kind) ?? 0) + dt);
    const f = byId.get(id)!.callFrame;
    const leaf = `${f.functionName || '(anonymous)'} ${short(f.url)}:${f.lineNumber + 1}`;
    leaves.set(leaf, (leaves.get(leaf) ?? 0) + dt);
  });
  const perBurst = (us: number) => (us / 1000 / bursts.length).toFixed(1).padStart(7);
  const share = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const meanWindow = bursts.reduce((s, b) => s + b.ackP99Ms, 0) / bursts.length;
  console.log(`${bursts.length} bursts of ${level}; window = send → ack p99, mean ${meanWindow.toFixed(0)} ms; ms of the app's main thread per burst:`);
  for (const [kind, us] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`${perBurst(us)} ${share(us)}  ${kind}`);
  const gcFile = join(dir, 'gc.jsonl');
  if (existsSync(gcFile)) {
    const gcs = readFileSync(gcFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; startUs: number; ms: number });
    const inWindows = gcs.filter((g) => bursts.some((b) => g.startUs >= b.startUs && g.startUs <= b.startUs + b.ackP99Ms * 1000));
    const gcKinds = new Map<string, { n: number; ms: number }>();
    for (const g of inWindows) {
      const k = gcKinds.get(g.kind) ?? { n: 0, ms: 0 };
      gcKinds.set(g.kind, { n: k.n + 1, ms: k.ms + g.ms });
    }
    console.log('\ngarbage collections in those windows, per burst:');
    for (const [kind, { n, ms }] of gcKinds) console.log(`${(ms / bursts.length).toFixed(1).padStart(7)} ms in ${(n / bursts.length).toFixed(1)} × ${kind}`);
  }
  console.log(`\nthe ${top} functions with the most self time in those windows:`);
  for (const [leaf, us] of [...leaves].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${perBurst(us)} ${share(us)}  ${leaf}`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${err instanceof UsageError ? `\n${HELP}` : ''}`);
  process.exit(2);
}
