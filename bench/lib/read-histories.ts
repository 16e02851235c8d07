/**
 * Reads the histories of many runs (a bounded number of reads at a time) and
 * checks that a run completed with the output it should have.
 */
import { isDeepStrictEqual } from "node:util";
import type { Engine, HistoryEvent } from "baton";
import { runInFlight } from "./in-flight.js";

/** The history of each run of `ids`, in the same order, `inFlight` reads at a time (default 20). */
export function readHistories(client: Engine, ids: readonly string[], inFlight = 20): Promise<HistoryEvent[][]> {
  return runInFlight(ids.length, inFlight, (n) => client.getHistory(ids[n] as string));
}

/** The first event of `type` in `history`. @throws when there is none, naming the run. */
export function eventOf(history: readonly HistoryEvent[], type: HistoryEvent["type"], runId: string): HistoryEvent {
  const event = history.find((e) => e.type === type);
  if (!event) throw new Error(`run ${runId} has no ${type} event (it has ${history.map((e) => e.type).join(", ")})`);
  return event;
}

/**
 * Checks that the history ends with `run.completed` and, when `expected` is
 * given, that the output equals it.
 * @throws naming the run and what it found.
 */
export function checkCompleted(history: readonly HistoryEvent[], runId: string, expected?: unknown): HistoryEvent {
  const last = history[history.length - 1];
  if (last?.type !== "run.completed")
    throw new Error(`run ${runId} ended with ${last?.type ?? "no event"}, not run.completed`);
  if (expected !== undefined && !isDeepStrictEqual(last.output, expected)) {
    throw new Error(`run ${runId} returned ${JSON.stringify(last.output)}, expected ${JSON.stringify(expected)}`);
  }
  return last;
}

/** The store's time of `client` (PostgreSQL: the database's clock, as the engine reads it), in epoch ms. */
export function storeNow(client: Engine): number {
  return client.store.clock?.now() ?? Date.now();
}
