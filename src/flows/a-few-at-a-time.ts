/**
 * Runs `work` over `items`, at most `limit` at once, in order: a read that finds many things to
 * write or post (closing lapsed requests, rewriting messages) never starts them all together.
 * `work` handles its own failures; one that throws stops its lane and rejects the whole.
 */
export async function aFewAtATime<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
