/** Small statistics for the benchmark: nearest-rank percentiles over raw samples. */

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The nearest-rank percentile: the smallest sample with at least p% of the samples at or below
 * it. No interpolation, so every figure reported is a time that was really measured.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    n: samples.length,
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    max: round(samples.length === 0 ? Number.NaN : Math.max(...samples)),
  };
}

/** One remote call as seen by a fake: when the request arrived and when its answer left. */
export interface TimedCall {
  readonly service: string;
  readonly operation: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Which calls waited on which: calls are grouped into sequential steps, where a call belongs to
 * the first step after every step whose answer it started after (with `slackMs` of tolerance
 * for clock granularity). `depth` is the number of steps, i.e. the dependent remote calls on the
 * path; calls in the same step ran in parallel.
 */
export function dependencySteps(calls: readonly TimedCall[], slackMs = 1): { depth: number; steps: TimedCall[][] } {
  const sorted = [...calls].sort((a, b) => a.start - b.start || a.end - b.end);
  const level = new Map<TimedCall, number>();
  for (const call of sorted) {
    let l = 0;
    for (const before of sorted) {
      if (before === call) break;
      // `call` started only once `before` had answered: it (may have) waited on it.
      if (before.end <= call.start + slackMs) l = Math.max(l, (level.get(before) ?? 0) + 1);
    }
    level.set(call, l);
  }
  const steps: TimedCall[][] = [];
  for (const call of sorted) (steps[level.get(call)!] ??= []).push(call);
  return { depth: steps.length, steps };
}
