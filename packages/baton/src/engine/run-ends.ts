/**
 * How `RunHandle.result()` learns that a run ended: from this process's
 * worker when it executes the run (no read), else by reading the run once
 * per poll interval.
 */
import type { RunRecord } from "../store/store.js";
import { isFinished } from "../types.js";
import type { RunEnd } from "../worker/run-executor.js";

/** The waits for the end of runs this process executes, by run id (the engine's worker resolves them). */
export type RunEndWaiters = Map<string, Set<(end?: RunEnd) => void>>;

/** What `waitForRunEnd` needs of its engine. */
export interface RunEndDeps {
  endWaiters: RunEndWaiters;
  pollIntervalMs: number;
  /** True when this process's worker executes the run. */
  executes(runId: string): boolean;
  /** The run. @throws `RUN_NOT_FOUND`. */
  requireRun(runId: string): Promise<RunRecord>;
}

/** Resolves when this process's worker ends the run (with how), or after a poll interval (undefined). */
function nextEnd(runId: string, { endWaiters, pollIntervalMs }: RunEndDeps) {
  const waiters = endWaiters.get(runId) ?? new Set();
  endWaiters.set(runId, waiters);
  let wake!: (end?: RunEnd) => void;
  const ended = new Promise<RunEnd | undefined>((resolve) => {
    wake = (end) => {
      clearTimeout(timer);
      waiters.delete(wake);
      if (waiters.size === 0) endWaiters.delete(runId);
      resolve(end);
    };
  });
  const timer = setTimeout(wake, pollIntervalMs);
  waiters.add(wake);
  return { ended, cancel: () => wake() };
}

/** Waits until run `runId` has finished; answers how it ended. */
export async function waitForRunEnd(
  runId: string,
  deps: RunEndDeps,
): Promise<Pick<RunRecord, "status" | "output" | "error">> {
  for (;;) {
    const next = nextEnd(runId, deps);
    // A run this process executes has not finished: its end comes from the worker, with no read.
    if (!deps.executes(runId)) {
      const run = await deps.requireRun(runId);
      if (isFinished(run.status)) {
        next.cancel();
        return run;
      }
    }
    const end = await next.ended;
    if (end) return end;
  }
}
