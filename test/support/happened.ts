/**
 * The order things happened in this test process: each call the Slack fake records, and each
 * answer a test notes as it arrives (answeredAt), takes the next place. Two in one millisecond
 * still order, which Date.now() cannot: sorted by it, an update and an answer in the same
 * millisecond could come out either way.
 */
let last = 0;

export function nextPlace(): number {
  return ++last;
}
