/**
 * Closed-loop load: `total` tasks with `inFlight` of them under way at all
 * times (a new one starts as soon as one ends), until all have run.
 */

/**
 * Runs `task(0)` to `task(total - 1)`, at most `inFlight` at once, each
 * started as soon as a slot frees; resolves to their results in task order.
 * @throws the first error of a task (the others already under way still run to their end).
 */
export async function runInFlight<T>(total: number, inFlight: number, task: (n: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(total);
  let next = 0;
  const lane = async () => {
    while (next < total) {
      const n = next++;
      results[n] = await task(n);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(inFlight, total)) }, lane));
  return results;
}
