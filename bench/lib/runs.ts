/**
 * Starts a batch of runs through a client engine (one that is never started)
 * and waits until every one has finished, by polling the store's counts of runs
 * by status (one light query), then reads the finished runs once.
 * Times come from the store: a run's latency is its `finishedAt` minus its
 * `createdAt`, and the batch's span runs from the first `createdAt` to the
 * last `finishedAt` (on PostgreSQL both are the database's clock, whichever
 * process wrote them).
 */
import { type Engine, finishedStatuses, type StartOptions, type Workflow } from "baton";

/** What a batch of runs took. */
export interface BatchTimings {
  runs: number;
  /** First start to last completion, in ms. */
  spanMs: number;
  /** Until every `startRun` had returned, in ms (local clock, from the first call). */
  startsMs: number;
  /** Latency of each run (creation to completion), in ms. */
  latenciesMs: number[];
}

/** Options of `runBatch`. */
export interface BatchOptions {
  /** Fail when the runs have not all finished by then. Default 300000 ms. */
  timeoutMs?: number;
  /** Pause between two polls. Default 100 ms. */
  pollMs?: number;
  /** Start options of run `n` (queue, key...). Default none. */
  startOptions?: (n: number) => StartOptions;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every finished run of `workflow` in the client's store, paging through `listRuns`. */
async function finishedRuns(client: Engine, workflow: string) {
  const runs = [];
  let cursor: string | undefined;
  do {
    const page = await client.listRuns({
      workflow,
      status: [...finishedStatuses],
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    runs.push(...page.runs);
    cursor = page.nextCursor;
  } while (cursor);
  return runs;
}

/**
 * Starts `count` runs of `workflow` at once (input `input(n)`) and resolves when
 * every one has completed. The store must hold no other runs of `workflow`.
 * @throws when a run ends other than `completed`, or on timeout.
 */
export async function runBatch<I>(
  client: Engine,
  workflow: Workflow<I, unknown>,
  input: (n: number) => I,
  count: number,
  { timeoutMs = 300_000, pollMs = 100, startOptions }: BatchOptions = {},
): Promise<BatchTimings> {
  const began = performance.now();
  await Promise.all(Array.from({ length: count }, (_, n) => client.startRun(workflow, input(n), startOptions?.(n))));
  const startsMs = performance.now() - began;
  const deadline = began + timeoutMs;
  const finishedSet = new Set<string>(finishedStatuses);
  for (;;) {
    const counts = (await client.store.countRuns()).filter((c) => c.workflow === workflow.name);
    const finishedCount = counts.filter((c) => finishedSet.has(c.status)).reduce((sum, c) => sum + c.count, 0);
    const unsuccessfulCount = counts.filter(
      (c) => finishedSet.has(c.status) && c.status !== "completed" && c.count > 0,
    ).length;
    if (unsuccessfulCount > 0 || finishedCount >= count) {
      const runs = await finishedRuns(client, workflow.name);
      const unsuccessful = runs.filter((run) => run.status !== "completed");
      if (unsuccessful.length > 0) {
        const sample = unsuccessful.slice(0, 3).map((run) => `${run.id} ${run.status}`);
        throw new Error(`${unsuccessful.length} of ${count} runs did not complete (${sample.join(", ")})`);
      }
      const created = runs.map((run) => run.createdAt.getTime());
      const finished = runs.map((run) => (run.finishedAt as Date).getTime());
      return {
        runs: runs.length,
        spanMs: finished.reduce((a, b) => Math.max(a, b)) - created.reduce((a, b) => Math.min(a, b)),
        startsMs,
        latenciesMs: finished.map((at, i) => at - (created[i] as number)),
      };
    }
    if (performance.now() > deadline) {
      throw new Error(`only ${finishedCount} of ${count} runs completed within ${timeoutMs} ms`);
    }
    await pause(pollMs);
  }
}
