/**
 * Starts many runs through an engine (a client that is never started, or a
 * started one), a bounded number of `startRun` calls at a time.
 */
import type { Engine, Workflow } from "baton";
import { runInFlight } from "./in-flight.js";

/** Runs started by `startRuns`. */
export interface StartedRuns {
  /** Run ids, in input order. */
  ids: string[];
  /** Until every `startRun` had returned, in ms (local clock). */
  startsMs: number;
}

/** Starts `count` runs of `workflow` (input `input(n)`), `inFlight` calls at a time (default 200). */
export async function startRuns<I>(
  client: Engine,
  workflow: Workflow<I, unknown>,
  input: (n: number) => I,
  count: number,
  inFlight = 200,
): Promise<StartedRuns> {
  const began = performance.now();
  const ids = await runInFlight(count, inFlight, async (n) => (await client.startRun(workflow, input(n))).id);
  return { ids, startsMs: performance.now() - began };
}
