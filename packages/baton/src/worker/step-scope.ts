import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Which step (or compensation) body of a run is executing, for
 * `ctx.stepKey()`, at little cost to runs that execute one body at a time.
 *
 * A body that starts while no other body of its run is in flight runs as it
 * is: as long as it is in flight it is its run's only body without a scope
 * (`InFlightAttempts.unscopedKey`), so a call that finds no scope means it.
 * A body that starts while another of its run is in flight runs in an
 * `AsyncLocalStorage` scope. Under Node 20 an `AsyncLocalStorage` in use adds
 * work to every promise of the process (async hooks), so the storage is
 * switched off again whenever no scoped body is in flight.
 */
const storage = new AsyncLocalStorage<{ runId: string; key: string }>();
let scopedInFlight = 0;

/** Calls `body` in a scope naming the step `key` of run `runId`; `leave` ends the scope once the body is done. */
export function runScoped<T>(runId: string, key: string, body: () => T): { result: T; leave: () => void } {
  scopedInFlight++;
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    if (--scopedInFlight === 0) storage.disable();
  };
  return { result: storage.run({ runId, key }, body), leave };
}

/** The key of the scoped body of run `runId` executing in the current async context, if any. */
export function scopedStepKey(runId: string): string | undefined {
  const scope = storage.getStore();
  return scope?.runId === runId ? scope.key : undefined;
}
