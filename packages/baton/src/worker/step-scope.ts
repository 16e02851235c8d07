import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Which step (or compensation) body of a run is executing, for
 * `ctx.stepKey()`, at little cost to runs that execute one body at a time.
 *
 * A body that starts while no other body of its run is running runs as it
 * is: until it settles it is its run's only body without a scope
 * (`InFlightAttempts.unscopedKey`), so a call that finds no scope means it.
 * A body that starts while another of its run is running runs in an
 * `AsyncLocalStorage` scope. Under Node 20 an `AsyncLocalStorage` in use adds
 * work to every promise of the process (async hooks), so the storage is
 * switched off again whenever no scoped body is running.
 */
const storage = new AsyncLocalStorage<{ runId: string; key: string }>();
let scopedRunning = 0;

/**
 * Calls `body` in a scope naming the step `key` of run `runId`; the body
 * calls `settled` (given to it) once it has settled.
 */
export function runScoped<T>(runId: string, key: string, body: (settled: () => void) => T): T {
  scopedRunning++;
  let left = false;
  const settled = () => {
    if (left) return;
    left = true;
    if (--scopedRunning === 0) storage.disable();
  };
  return storage.run({ runId, key }, body, settled);
}

/** The key of the scoped body of run `runId` executing in the current async context, if any. */
export function scopedStepKey(runId: string): string | undefined {
  const scope = storage.getStore();
  return scope?.runId === runId ? scope.key : undefined;
}
