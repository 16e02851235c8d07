/**
 * Waits until a store holds a number of runs in given statuses, by polling
 * `countRuns` (one query, however many runs there are).
 */
import { type Engine, finishedStatuses, type RunStatus } from "baton";

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Options of `waitForStatus`. */
export interface WaitOptions {
  /** Fail when the count is not reached by then. Default 300000 ms. */
  timeoutMs?: number;
  /** Pause between two polls. Default 200 ms. */
  pollMs?: number;
}

/** Runs of the store in each status. */
export async function countByStatus(client: Engine): Promise<Map<RunStatus, number>> {
  const counts = new Map<RunStatus, number>();
  for (const row of await client.countRuns()) counts.set(row.status, (counts.get(row.status) ?? 0) + row.count);
  return counts;
}

/**
 * Resolves once at least `count` runs of the store are in one of `statuses`.
 * @throws as soon as a run ends other than `completed` (unless `statuses` lists that status), or on timeout.
 */
export async function waitForStatus(
  client: Engine,
  statuses: readonly RunStatus[],
  count: number,
  { timeoutMs = 300_000, pollMs = 200 }: WaitOptions = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const counts = await countByStatus(client);
    const unsuccessful = finishedStatuses.filter((s) => s !== "completed" && !statuses.includes(s) && counts.get(s));
    if (unsuccessful.length > 0) {
      const listed = unsuccessful.map((s) => `${counts.get(s)} ${s}`).join(", ");
      throw new Error(`runs did not complete: ${listed}`);
    }
    const reached = statuses.reduce((sum, s) => sum + (counts.get(s) ?? 0), 0);
    if (reached >= count) return;
    if (performance.now() > deadline) {
      const seen = [...counts].map(([s, n]) => `${n} ${s}`).join(", ");
      throw new Error(`only ${reached} of ${count} runs ${statuses.join("/")} within ${timeoutMs} ms (${seen})`);
    }
    await pause(pollMs);
  }
}
