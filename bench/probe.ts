/**
 * Preloaded into the app (`node -r probe.js`) only by `npm run bench -- --profile`: on SIGUSR2 it
 * appends the process's memory breakdown as one JSON line to $BENCH_PROBE_FILE. The app itself
 * is not changed; normal bench runs do not load this.
 */
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.space_size)]));
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), spaces })}\n`);
  });
}
