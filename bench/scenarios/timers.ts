/**
 * Scenario `timers` (SQLite and PostgreSQL): `runs` runs (default 10,000)
 * that each sleep `sleep-ms` (default 1,000 ms, a durable timer) and then run
 * one step, executed by one worker process (`bench/worker.ts`); the bench
 * process starts them all through a client engine (never started, 200
 * `startRun` calls in flight) and waits until every one has completed.
 *
 * Lateness of a wake-up: the run's `timer.fired` history event minus the due
 * time recorded in its `timer.set` (both written by the worker, on the store's clock).
 *
 * Baseline, in the same round on the same store, in the bench process: for
 * each run an INSERT+COMMIT, then a `setTimeout` of `sleep-ms` from then, and
 * when it fires (lateness taken then, before its write) a second INSERT+COMMIT;
 * as many runs starting at once as the pool has connections (as many as the
 * server accepts) on PostgreSQL, one after another on SQLite.
 */

import { createEngine } from "baton";
import {
  collectWarnings,
  type EngineWarnings,
  type RoundWarnings,
  type RoundWorkerOutput,
  warningNotes,
  workerNotes,
} from "../lib/engine-warnings.js";
import { runInFlight } from "../lib/in-flight.js";
import { type InsertTarget, openInsertTarget } from "../lib/insert-target.js";
import { checkCompleted, eventOf, readHistories } from "../lib/read-histories.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult, ScenarioSizes } from "../lib/scenario.js";
import { optionValue } from "../lib/scenario.js";
import { startRuns } from "../lib/start-runs.js";
import { medianRows, percentile } from "../lib/stats.js";
import { waitForStatus } from "../lib/wait-for-status.js";
import { startWorkers } from "../lib/worker-processes.js";
import { sleeper } from "../workflows.js";

/** Options of `runTimers`. */
export interface TimersOptions extends ScenarioSizes {
  /** How long each run sleeps. Default 1000 ms. */
  sleepMs?: number;
  /** Longest wait for all runs to complete. Default 600000 ms. */
  timeoutMs?: number;
  /** Pass the worker's standard error on (default true). */
  echo?: boolean;
}

/** Figures of one round. */
export interface TimersRound extends RoundWarnings, RoundWorkerOutput {
  baselineClients: number;
  rows: Row[];
}

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs" },
  { key: "startsMs", title: "starts ms", digits: 0 },
  { key: "lateP50Ms", title: "late p50 ms", digits: 1 },
  { key: "lateP99Ms", title: "late p99 ms", digits: 1 },
  { key: "lateMaxMs", title: "late max ms", digits: 1 },
  { key: "spanMs", title: "span ms", digits: 0 },
  { key: "ratio", title: "vs baseline", digits: 2 },
];

const row = (config: string, runs: number, startsMs: number, lateMs: number[], spanMs: number): Row => ({
  config,
  runs,
  startsMs,
  lateP50Ms: percentile(lateMs, 50),
  lateP99Ms: percentile(lateMs, 99),
  lateMaxMs: Math.max(...lateMs),
  spanMs,
  ratio: null,
});

/** The baseline's runs: insert, sleep on a `setTimeout`, insert; lateness of each wake-up. */
async function measureBaseline(target: InsertTarget, runs: number, sleepMs: number) {
  const lateMs: number[] = [];
  const fired: Promise<void>[] = [];
  const began = performance.now();
  // As many runs start at once as there are connections (SQLite: one at a time, yielding after each insert so that due timers fire).
  await runInFlight(runs, target.clients, async (run) => {
    await target.insert(run, 0, JSON.stringify({ type: "timer.set" }));
    await new Promise<void>((resolve) => setImmediate(resolve));
    const dueAt = performance.now() + sleepMs;
    fired.push(
      new Promise<void>((resolve, reject) =>
        setTimeout(() => {
          lateMs.push(performance.now() - dueAt);
          target.insert(run, 1, JSON.stringify({ type: "timer.fired" })).then(resolve, reject);
        }, sleepMs),
      ),
    );
  });
  const startsMs = performance.now() - began;
  await Promise.all(fired);
  const spanMs = performance.now() - began;
  const count = await target.count();
  if (count !== 2 * runs) throw new Error(`baseline table holds ${count} rows, expected ${2 * runs}`);
  return { startsMs, lateMs, spanMs };
}

async function measureEngine(
  context: ScenarioContext,
  clientWarnings: EngineWarnings,
  round: number,
  options: TimersOptions,
  sleepMs: number,
) {
  const { runs } = options;
  const store = context.newStore(`timers_r${round}`);
  await using client = createEngine({
    store,
    workflows: [sleeper],
    logger: clientWarnings.logger,
  });
  await client.listRuns({ limit: 1 }); // migrates the schema and syncs the clock before the worker starts
  const worker = await startWorkers(1, store, { prefix: `timers-r${round}-`, echo: options.echo ?? true });
  try {
    const { ids, startsMs } = await startRuns(client, sleeper, (n) => ({ n, ms: sleepMs }), runs);
    await waitForStatus(client, ["completed"], runs, { timeoutMs: options.timeoutMs ?? 600_000 });
    const lateMs: number[] = [];
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    (await readHistories(client, ids)).forEach((history, n) => {
      const id = ids[n] as string;
      const completed = checkCompleted(history, id, { n, ok: true });
      const dueAt = eventOf(history, "timer.set", id).dueAt?.getTime() as number;
      lateMs.push(eventOf(history, "timer.fired", id).at.getTime() - dueAt);
      first = Math.min(first, eventOf(history, "run.started", id).at.getTime());
      last = Math.max(last, completed.at.getTime());
    });
    return { startsMs, lateMs, spanMs: last - first, stderr: worker.stderr, stderrCount: worker.stderrCount };
  } finally {
    const exits = await worker.stop();
    const unclean = exits.filter((exit) => !exit.endsWith("exited with 0"));
    if (unclean.length > 0) context.log(`worker did not stop cleanly: ${unclean.join(", ")}`);
  }
}

/** Runs the scenario on the context's store. */
export async function runTimers(context: ScenarioContext, options: TimersOptions): Promise<ScenarioResult> {
  const sleepMs = options.sleepMs ?? 1000;
  const { runs, rounds } = options;
  const results: TimersRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const target = await openInsertTarget(context, `timers_base_r${round}`, runs);
    const base = await measureBaseline(target, runs, sleepMs).finally(() => target.close());
    const baseline = row("baseline (setTimeout + INSERT+COMMIT)", runs, base.startsMs, base.lateMs, base.spanMs);
    baseline.ratio = 1;
    const clientWarnings = collectWarnings(context, "client");
    const m = await measureEngine(context, clientWarnings, round, options, sleepMs);
    const engine = row("engine, 1 worker process", runs, m.startsMs, m.lateMs, m.spanMs);
    engine.ratio = base.spanMs / m.spanMs;
    context.log(
      `round ${round}: late p50 ${(engine.lateP50Ms as number).toFixed(0)} ms, p99 ${(engine.lateP99Ms as number).toFixed(0)} ms (baseline ${(baseline.lateP99Ms as number).toFixed(0)} ms)`,
    );
    results.push({
      round,
      warnings: { count: clientWarnings.count, lines: clientWarnings.lines },
      baselineClients: target.clients,
      workerStderr: m.stderr,
      workerStderrCount: m.stderrCount,
      rows: [baseline, engine],
    });
  }
  const notes = [...workerNotes(results), ...warningNotes(results)];
  return {
    params: { rounds, runs, sleepMs, baselineClients: results.map((r) => r.baselineClients) },
    columns,
    rows: medianRows(results.map((r) => r.rows)),
    rounds: results,
    notes,
  };
}

/** The `timers` scenario of the runner. */
export const timers: Scenario = {
  name: "timers",
  description:
    "10,000 runs sleeping 1 s in one worker process: lateness of the wake-ups, against setTimeout and raw INSERT+COMMITs",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 3, runs: 10_000 },
  options: { "sleep-ms": "how long each run sleeps, in ms (default 1000)" },
  run: (context, args) => runTimers(context, { ...args, sleepMs: optionValue(args, "sleep-ms", 1000) }),
};
