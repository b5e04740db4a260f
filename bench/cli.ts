/** `npm run bench`'s command line: its options, read and checked before anything starts. */
import { parseArgs } from 'node:util';

export const HELP = `Latchkey's benchmark: the real app as its own process (started as \`npm start\` starts it),
against the local stand-ins (Slack, every credential's directory, DynamoDB behind a proxy that adds
latency), driven with signed requests as Slack sends them. Prints the figures beside the budgets
(README, Figures) and writes them to bench/results/<date>-<host>.json. Run it on a quiet
machine: other work on the same cores changes the figures.

  npm run bench [-- options]

  (no option)        everything, about 8 minutes: acknowledgements at 1, 50, 200 and 400 commands at
                     once (+0 and +50 ms per remote answer), each command's two waits and the remote
                     calls on its path, the Home tab, memory, start-up, the SDK-only yardstick, and
                     the verify policy's pushes (--verify-only)
  --quick            the same with fewer samples, about 50 s: rough figures, for trying a change
  --ack-only         only the acknowledgement bursts at +0 ms, each 200 and 400 burst followed by the
                     same burst to a bare node:http server (the floor the ack targets are read
                     against, measured beside the app, burst for burst), about 60 s
  --ack-latency=<ms> with --ack-only: the remote answers' added latency (50 for the +50 ms rows)
  --ack-warm         --ack-only's bursts twice in one app, the second pass (rows marked
                     "warm", each with its own bare-server floor) on the code V8 optimised during the
                     first: how a burst meets an instance that has served for a while
  --home-only        only the Home tab (app_home_opened → views.publish) after the warm-up, and the
                     app's peak RSS (VmHWM) before and after it
  --verify-only      only the verify policy (the PIN on Okta Verify, the stand-in's phone approving),
                     about 3 minutes: click → push and its remote calls, approved → secret, one person
                     at a time at +50 ms; 200 Reset clicks at once left waiting (peak RSS, their
                     answers and 200 commands' acks against the bare server), then all approved
  --profile          the acknowledgement bursts with a V8 CPU profile, a memory breakdown and every
                     garbage collection of the app, written to bench/.build/prof/; then
                     \`npx tsx bench/profile-windows.ts [400]\` says where the app's time went while
                     each burst was being acknowledged. With BENCH_ALLOCATIONS=1 in the environment,
                     also a sampling allocation profile (allocations.heapprofile)
  --no-write         print the table only; nothing is written to bench/results/
  --no-build         run what is already built (dist/, bench/.build) instead of building it first
  --help             this text; nothing is built, started or measured

Started with a nice (\`nice -n -15 npm run bench\`, as root, on a machine where other work runs), the
bench gives it to the app as well: on Linux to the app's session's scheduling group, and for the
run to the terminal's session's group, put back when the bench ends, however it ends, except by
SIGKILL (then \`echo 0 > /proc/self/autogroup\` in that terminal puts it back).

Everything the bench starts (the app, \`npm start\`, the yardstick) is stopped when it ends, fails,
or is interrupted (Ctrl+C).
`;

export interface BenchOptions {
  readonly help: boolean;
  readonly quick: boolean;
  readonly ackOnly: boolean;
  readonly ackLatency: number;
  readonly ackWarm: boolean;
  readonly homeOnly: boolean;
  readonly verifyOnly: boolean;
  readonly profile: boolean;
  readonly write: boolean;
  readonly build: boolean;
}

/** Throws with a message fit for the terminal when an option is unknown or malformed. */
export function parseBenchArgs(args: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      quick: { type: 'boolean', default: false },
      'ack-only': { type: 'boolean', default: false },
      'ack-latency': { type: 'string', default: '0' },
      'ack-warm': { type: 'boolean', default: false },
      'home-only': { type: 'boolean', default: false },
      'verify-only': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
    },
  });
  const latency = values['ack-latency'];
  if (!/^\d{1,4}$/.test(latency)) throw new Error(`--ack-latency must be a number of milliseconds, got ${latency}`);
  return {
    help: values.help,
    quick: values.quick,
    // --profile runs only the acknowledgement bursts, under the profiler.
    ackOnly: values.profile || values['ack-only'] || values['ack-warm'],
    ackLatency: Number(latency),
    ackWarm: values['ack-warm'],
    homeOnly: values['home-only'],
    verifyOnly: values['verify-only'],
    profile: values.profile,
    write: !values['no-write'],
    build: !values['no-build'],
  };
}
