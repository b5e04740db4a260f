/**
 * Waits for `done()` to hold, looking every 10 ms; if it does not within `withinMs`, throws saying
 * that `what` never came. A test waiting for something that never comes then fails saying what it
 * waited for, instead of hanging until jest's timeout with nothing said. 15 s by default: a step
 * of a click's work on a loaded 2-core machine, and short of jest's 20 s per test. `done` may read
 * something (a stored item) each time: the next look comes once it has answered.
 */
export async function until(what: string, done: () => boolean | Promise<boolean>, withinMs = 15_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} never came (waited ${withinMs} ms)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
