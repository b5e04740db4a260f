/**
 * Preloaded into the app (`node -r probe.js`) only by `npm run bench -- --profile`: on SIGUSR2 it
 * appends the process's memory breakdown as one JSON line to $BENCH_PROBE_FILE, and every garbage
 * collection goes to gc.jsonl beside it (kind, start on CLOCK_MONOTONIC in µs, duration), which
 * bench/profile-windows.ts lines up with the bursts. The app itself is not changed; normal bench
 * runs do not load this.
 */
import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.space_size)]));
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), spaces })}\n`);
  });

  const gcFile = join(dirname(file), 'gc.jsonl');
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  // performance.now() is CLOCK_MONOTONIC less the process's time origin: this recovers the clock the CPU profile uses.
  const originUs = () => Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
  let pending: string[] = [];
  new PerformanceObserver((list) => {
    const origin = originUs();
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1;
      pending.push(JSON.stringify({ kind: kinds[kind] ?? String(kind), startUs: Math.round(origin + e.startTime * 1000), ms: Math.round(e.duration * 100) / 100 }));
    }
    if (pending.length >= 200) flush();
  }).observe({ entryTypes: ['gc'] });
  const flush = () => {
    if (pending.length > 0) appendFileSync(gcFile, `${pending.join('\n')}\n`);
    pending = [];
  };
  process.on('SIGUSR2', flush);
  process.on('exit', flush);
}

// BENCH_ALLOCATIONS=1 (with --profile): a sampling allocation profile that keeps what the young
// generation collected, written to allocations.heapprofile beside the probe file at exit.
if (file && process.env.BENCH_ALLOCATIONS === '1') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Session } = require('node:inspector') as typeof import('node:inspector');
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as object);
  // The in-process inspector answers synchronously, so this works in 'exit', after the app's own drain.
  process.on('exit', () => {
    session.post('HeapProfiler.stopSampling', (err, result) => {
      if (!err) require('node:fs').writeFileSync(join(dirname(file), 'allocations.heapprofile'), JSON.stringify((result as { profile: unknown }).profile));
    });
  });
}
