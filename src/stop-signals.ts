/**
 * Runs `stop` on the first SIGTERM or SIGINT, once. Ctrl+C in a terminal arrives twice under npm:
 * the terminal signals npm's whole process group, and npm forwards the signal to its child as
 * well. So the same signal again within a second is that one press, and changes nothing; a later
 * one, while stopping, is someone who will not wait: `force` ends the process at once.
 */
export function onStopSignals(stop: (signal: NodeJS.Signals) => void, force: () => void = () => process.exit(1)): void {
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!first) {
      first = { signal, at: performance.now() };
      stop(signal);
    } else if (signal !== first.signal || performance.now() - first.at >= 1_000) {
      force();
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
