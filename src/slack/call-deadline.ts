import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * When (epoch ms) the Slack calls of the work under way must have ended, for work with an end of
 * its own: a Lambda work order, whose invocation Lambda stops at the function's timeout
 * (hand-off-receiver.ts). Carried with the work's async context, so no flow or port passes it on;
 * SlackWebApi reads it for every call. Work with none (the server) has no such end. Read when
 * asked (from Lambda's context.getRemainingTimeInMillis), never kept from the start.
 */
const deadlines = new AsyncLocalStorage<() => number>();

/** Runs `work` with its Slack calls ending by `at()`; without `at`, as it is. */
export function withSlackDeadline<T>(at: (() => number) | undefined, work: () => Promise<T>): Promise<T> {
  return at === undefined ? work() : deadlines.run(at, work);
}

/** The end of the Slack calls of the work this runs in, if it has one. */
export function slackDeadline(): number | undefined {
  return deadlines.getStore()?.();
}

/** How long the work this runs in has left for Slack calls (ms, 0 or less when none), if it has an end. */
export function slackTimeLeftMs(): number | undefined {
  const at = slackDeadline();
  return at === undefined ? undefined : at - Date.now();
}
