/**
 * The raw baseline: what the driver alone achieves on the same store. A
 * baseline "run" is `steps` single-row INSERT+COMMITs in sequence (see
 * `insert-target.ts` for the driver and its settings); `inFlight` runs are
 * under way at all times, on the target's connections.
 */
import { runInFlight } from "./in-flight.js";
import { type InsertTarget, openPostgresTarget } from "./insert-target.js";
import type { BatchTimings } from "./runs.js";

/** Options of `measureInserts`. */
export interface InsertOptions {
  runs: number;
  /** INSERT+COMMITs per run. */
  steps: number;
  /** Runs under way at once. Default: all of them. */
  inFlight?: number;
  /** Awaited before each insert, off the insert's clock (a step's own work). Default: none. */
  beforeInsert?: () => Promise<void>;
}

/** Timings of baseline runs (local clock), with each insert's latency. */
export interface InsertTimings extends BatchTimings {
  /** Latency of each INSERT+COMMIT, in ms. */
  insertLatenciesMs: number[];
}

/**
 * Measures baseline runs on `target` and checks that the table holds every row.
 * Runs start at once, or `inFlight` at a time; a run's latency counts from its own start.
 */
export async function measureInserts(target: InsertTarget, options: InsertOptions): Promise<InsertTimings> {
  const { runs, steps, beforeInsert } = options;
  const before = await target.count();
  const insertLatenciesMs: number[] = [];
  const began = performance.now();
  const latenciesMs = await runInFlight(runs, options.inFlight ?? runs, async (run) => {
    const started = performance.now();
    for (let i = 0; i < steps; i++) {
      if (beforeInsert) await beforeInsert();
      const at = performance.now();
      await target.insert(run, i, JSON.stringify({ i, ok: true }));
      insertLatenciesMs.push(performance.now() - at);
    }
    return performance.now() - started;
  });
  const spanMs = performance.now() - began;
  const count = (await target.count()) - before;
  if (count !== runs * steps) throw new Error(`baseline table holds ${count} new rows, expected ${runs * steps}`);
  return { runs, spanMs, startsMs: 0, latenciesMs, insertLatenciesMs };
}

/** Options of `measureInsertBaseline`. */
export interface BaselineOptions {
  /** Database to create the baseline table in. */
  databaseUrl: string;
  /** New schema for the table (lower-case letters, digits, `_`). */
  schema: string;
  runs: number;
  steps: number;
  /** Connections in the pool. */
  clients: number;
}

/** PostgreSQL baseline with every run in flight at once on a pool of `clients` connections. */
export async function measureInsertBaseline(options: BaselineOptions): Promise<BatchTimings> {
  const target = await openPostgresTarget(options.databaseUrl, options.schema, options.clients);
  try {
    return await measureInserts(target, { runs: options.runs, steps: options.steps });
  } finally {
    await target.close();
  }
}
