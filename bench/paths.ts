/** The remote calls on a path, read from the fakes' logs (the Slack fake, every stand-in, the DynamoDB proxy). */
import { SETTINGS_OWNERS } from '../src/credentials';
import type { Harness } from '../test/support/harness';
import type { DelayProxy } from './delay-proxy';
import { dependencySteps, type TimedCall } from './stats';

export function callsBetween(h: Harness, dynamo: DelayProxy, from: number, to: number, latency: number): TimedCall[] {
  const all: TimedCall[] = [
    ...h.slack.calls.map((c) => ({ service: 'slack', operation: c.method, start: c.at, end: c.at + latency })),
    ...SETTINGS_OWNERS.flatMap((credential) =>
      h.standIns.get(credential.id)!.calls.map((c) => ({ service: credential.audit.directory, operation: c.operation, start: c.at, end: c.at + latency })),
    ),
    ...dynamo.calls,
  ];
  return all.filter((c) => c.start >= from && c.start <= to);
}

export interface PathShape {
  /** Remote calls made between the event and the moment it was shown, per run. */
  readonly calls: { min: number; max: number };
  /** How many of them were sequential (steps of the longest chain), per run; only with added latency. */
  readonly dependent?: { min: number; max: number };
  /** A typical run's calls, step by step; calls in one step ran in parallel. */
  readonly steps: string[][];
}

/** With no added latency calls take a millisecond or two, too quick to tell parallel from sequential: only counted. */
export function pathShape(windows: TimedCall[][], latency: number): PathShape {
  const analysed = windows.map((w) => ({ w, d: dependencySteps(w) }));
  const counts = analysed.map((a) => a.w.length);
  const depths = analysed.map((a) => a.d.depth);
  // A typical run: the one whose depth is the median.
  const typical = [...analysed].sort((a, b) => a.d.depth - b.d.depth)[Math.floor(analysed.length / 2)];
  const named = (calls: TimedCall[]) => calls.map((c) => `${c.service}:${c.operation}`);
  return {
    calls: { min: Math.min(...counts), max: Math.max(...counts) },
    dependent: latency > 0 ? { min: Math.min(...depths), max: Math.max(...depths) } : undefined,
    steps: latency > 0 ? (typical?.d.steps.map(named) ?? []) : [named([...(typical?.w ?? [])].sort((a, b) => a.start - b.start))],
  };
}
