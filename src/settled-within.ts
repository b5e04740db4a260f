/**
 * What `work` settles to, or `late` if it has not settled within `ms` (a rejection within it is
 * thrown, as `work` throws it). The timer is cleared either way, so nothing is left to hold the
 * process or fire later. One bound for every "answer in time, or go on without it" the app makes.
 */
export async function settledWithin<T, L>(work: Promise<T>, ms: number, late: L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<L>((resolve) => {
    timer = setTimeout(() => resolve(late), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
