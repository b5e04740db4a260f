/**
 * What a slash command costs the app's main thread as it arrives, measured in ways a busy machine
 * does not spoil as it spoils the bench's milliseconds: the app's allocation per command while a
 * burst of 400 arrives, what each of the 400 holds while it waits for its turn (the young
 * collections copy all of it), the scavenges per burst, and the main thread's CPU per command (the
 * one figure load still moves). The exact code of the app's arrival path (the request guard,
 * GuardedApp, the arrival checks) runs in a process of its own with the app's memory flags, without
 * sockets; node:http's own work is left out. docs/performance.md, issue 28's twelfth pass.
 *
 *   npx tsx bench/arrival-path.ts [dist…] [--runs=N]
 *
 * Each dist is a built app (`npm run build`'s dist/, the default; another commit's built in a
 * worktree of its own to compare): their processes are interleaved, N runs each (default 3), and the
 * medians printed.
 */
import { spawnSync } from 'node:child_process';
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSync } from 'esbuild';
import { BUILD } from './processes';

const ROOT = join(__dirname, '..');
const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '3' } }, allowPositionals: true });
const runs = Number(values.runs);
const dists = (positionals.length > 0 ? positionals : [join(ROOT, 'dist')]).map((d) => resolve(d));
if (positionals.length === 0) {
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build failed:\n${built.stdout}${built.stderr}`);
}
const runner = join(BUILD, 'bench', 'arrival-burst.js');
buildSync({ entryPoints: [join(__dirname, 'arrival-burst.ts')], outfile: runner, bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });

type Row = Record<string, number>;
const rows = new Map<string, Row[]>(dists.map((d) => [d, []]));
for (let run = 0; run < runs; run++) {
  for (const dist of dists) {
    const row: Row = {};
    for (const mode of ['cpu', 'alloc']) {
      const out = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=1', '--max-old-space-size=128', runner, dist, mode], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`${dist} (${mode}) failed:\n${out.stderr}`);
      Object.assign(row, JSON.parse(out.stdout.trim().split('\n').pop()!) as Row);
    }
    rows.get(dist)!.push(row);
    console.log(`run ${run + 1}, ${dist}: ${JSON.stringify(row)}`);
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(`\nmedians of ${runs} runs, 400 commands a burst:`);
for (const [dist, r] of rows) {
  const keys = Object.keys(r[0]!);
  console.log(`${dist}: ${keys.map((k) => `${k} ${median(r.map((x) => x[k]!))}`).join(', ')}`);
}
