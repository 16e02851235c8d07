/**
 * Helpers shared by the example tests: an engine on a throwaway SQLite file,
 * polling until a condition holds, and reading a run's history.
 */
import { type Engine, type HistoryEvent, RunFailedError } from "baton";
import { eventually } from "../packages/baton/test/helpers.js";

export { eventually, startEngine, tempDir } from "../packages/baton/test/helpers.js";

/** Waits until the run's history has an event of `type` (and `name`, when given), and returns it. */
export function waitForEvent(engine: Engine, runId: string, type: HistoryEvent["type"], name?: string) {
  return eventually(async () =>
    (await engine.getHistory(runId)).find((e) => e.type === type && (name === undefined || e.name === name)),
  );
}

/** The `RunFailedError` a run's `result()` rejects with (fails the test if it completes). */
export async function failureOf(result: Promise<unknown>): Promise<RunFailedError> {
  try {
    await result;
  } catch (error) {
    if (error instanceof RunFailedError) return error;
    throw error;
  }
  throw new Error("expected the run to end without completing, but it completed");
}

/** `[type, name]` of the compensation events of a history, in order. */
export function compensations(history: HistoryEvent[]): [string, string | undefined][] {
  return history.filter((e) => e.type.startsWith("compensation.")).map((e) => [e.type, e.name]);
}
