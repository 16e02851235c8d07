/**
 * Scenario `concurrent` (SQLite and PostgreSQL): `steps`-step runs on one
 * engine in the bench process with a fixed number of runs in flight (50 and
 * 500 by default): the bench keeps that many started at all times (a new run
 * starts as soon as one ends) until it has started `runs` in all.
 *
 * Next to each, in the same round on the same store, the raw baseline: as
 * many "runs" of `steps` single-row INSERT+COMMITs with the same number in
 * flight, on a pool of that many connections (PostgreSQL, capped by what the
 * server accepts) or on one SQLite connection (its inserts are synchronous:
 * they run one at a time whatever is in flight).
 *
 * Last, the engine again with the most runs in flight, on a store that
 * already holds `filled` finished runs (default 100,000, created once per
 * pass, as `startup` creates them; each round adds its runs), against that
 * configuration's baseline: what a store that has served for a while costs.
 *
 * Each row also says where the processors went meanwhile (`cpu-meter.ts`):
 * cores busy in all, those of the bench process (which holds the engine, or
 * the baseline's client) and, on PostgreSQL, those of the server.
 */
import { createEngine } from "baton";
import { type CpuUse, startCpuMeter } from "../lib/cpu-meter.js";
import { collectWarnings, type EngineWarnings, type RoundWarnings, warningNotes } from "../lib/engine-warnings.js";
import { runInFlight } from "../lib/in-flight.js";
import { measureInserts } from "../lib/insert-baseline.js";
import { openInsertTarget } from "../lib/insert-target.js";
import { populateFinishedRuns } from "../lib/populate.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult, ScenarioSizes } from "../lib/scenario.js";
import { optionValue } from "../lib/scenario.js";
import { medianRows, percentile } from "../lib/stats.js";
import { steps as stepsWorkflow } from "../workflows.js";

/** Options of `runConcurrent`. */
export interface ConcurrentOptions extends ScenarioSizes {
  /** Runs in flight, one configuration each. Default [50, 500]. */
  inFlight?: number[];
  /** Steps per run (and inserts per baseline run). Default 10. */
  steps?: number;
  /** Finished runs in the store of the last configuration. Default 100,000. */
  filled?: number;
}

/** Figures of one round: per configuration the baseline's row, then the engine's. */
export interface ConcurrentRound extends RoundWarnings {
  /** Connections of each baseline, by configuration. */
  baselineClients: number[];
  rows: Row[];
}

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs" },
  { key: "runsPerSecond", title: "runs/s", digits: 1 },
  { key: "stepsPerSecond", title: "steps/s", digits: 0 },
  { key: "p50Ms", title: "p50 ms", digits: 1 },
  { key: "p99Ms", title: "p99 ms", digits: 1 },
  { key: "ratio", title: "vs baseline", digits: 2 },
  { key: "busyCores", title: "cores busy", digits: 2 },
  { key: "benchCores", title: "bench", digits: 2 },
  { key: "postgresCores", title: "PostgreSQL", digits: 2 },
];

/** What one configuration measured. */
interface Measured {
  spanMs: number;
  latenciesMs: number[];
  cpu: CpuUse;
}

const row = (context: ScenarioContext, config: string, runs: number, steps: number, measured: Measured): Row => ({
  config,
  runs,
  runsPerSecond: runs / (measured.spanMs / 1000),
  stepsPerSecond: (runs * steps) / (measured.spanMs / 1000),
  p50Ms: percentile(measured.latenciesMs, 50),
  p99Ms: percentile(measured.latenciesMs, 99),
  ratio: null,
  busyCores: measured.cpu.busy,
  benchCores: measured.cpu.bench,
  postgresCores: context.store === "postgres" ? measured.cpu.postgres : null,
});

/** `runs` runs with `inFlight` in flight at all times on an engine of its own on `store`; span and latencies (local clock). */
async function measureEngine(
  warnings: EngineWarnings,
  store: string,
  runs: number,
  steps: number,
  inFlight: number,
): Promise<Measured> {
  await using engine = createEngine({
    store,
    workflows: [stepsWorkflow],
    logger: warnings.logger,
  });
  await engine.start();
  const meter = startCpuMeter();
  const began = performance.now();
  const latenciesMs = await runInFlight(runs, inFlight, async () => {
    const started = performance.now();
    const run = await engine.startRun(stepsWorkflow, { steps });
    const output = await run.result();
    if (output?.i !== steps - 1 || !output.ok) {
      throw new Error(`run ${run.id} returned ${JSON.stringify(output)}, expected { i: ${steps - 1}, ok: true }`);
    }
    return performance.now() - started;
  });
  return { spanMs: performance.now() - began, latenciesMs, cpu: meter.stop() };
}

/** Runs the scenario on the context's store. */
export async function runConcurrent(context: ScenarioContext, options: ConcurrentOptions): Promise<ScenarioResult> {
  const steps = options.steps ?? 10;
  const configs = options.inFlight ?? [50, 500];
  const filled = options.filled ?? 100_000;
  const { runs, rounds } = options;
  const most = Math.max(...configs);
  const full = context.newStore("concurrent_filled");
  const populating = collectWarnings(context, "populating");
  const populateMs = await populateFinishedRuns(context, populating, full, filled);
  context.log(`${filled} finished runs created in ${(populateMs / 1000).toFixed(1)} s`);
  const results: ConcurrentRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const rows: Row[] = [];
    const baselineClients: number[] = [];
    const warnings = collectWarnings(context);
    let mostBaseline: Row | undefined;
    for (const inFlight of configs) {
      const target = await openInsertTarget(context, `concurrent_base_r${round}_f${inFlight}`, inFlight);
      baselineClients.push(target.clients);
      const meter = startCpuMeter();
      const base = await measureInserts(target, { runs, steps, inFlight }).finally(() => target.close());
      const baseline = row(context, `baseline, ${inFlight} in flight`, runs, steps, { ...base, cpu: meter.stop() });
      baseline.ratio = 1;
      if (inFlight === most) mostBaseline = baseline;
      const store = context.newStore(`concurrent_r${round}_f${inFlight}`);
      const measured = await measureEngine(warnings, store, runs, steps, inFlight);
      const engine = row(context, `engine, ${inFlight} in flight`, runs, steps, measured);
      engine.ratio = (engine.runsPerSecond as number) / (baseline.runsPerSecond as number);
      context.log(
        `round ${round}, ${inFlight} in flight: baseline ${(baseline.runsPerSecond as number).toFixed(1)} runs/s, engine ${(engine.runsPerSecond as number).toFixed(1)} runs/s`,
      );
      rows.push(baseline, engine);
    }
    const measured = await measureEngine(warnings, full, runs, steps, most);
    const engine = row(
      context,
      `engine, ${most} in flight, ${filled.toLocaleString("en-US")} runs in store`,
      runs,
      steps,
      measured,
    );
    engine.ratio = (engine.runsPerSecond as number) / (mostBaseline?.runsPerSecond as number);
    context.log(
      `round ${round}, ${most} in flight on the filled store: engine ${(engine.runsPerSecond as number).toFixed(1)} runs/s`,
    );
    rows.push(engine);
    results.push({ round, baselineClients, warnings: { count: warnings.count, lines: warnings.lines }, rows });
  }
  return {
    params: {
      rounds,
      runs,
      steps,
      inFlight: configs,
      filled,
      populateMs: Math.round(populateMs),
      baselineClients: results.map((r) => r.baselineClients),
    },
    columns,
    rows: medianRows(results.map((r) => r.rows)),
    rounds: results,
    notes: [
      ...(populating.count > 0
        ? [`creating the finished runs: ${populating.count} warning line(s) (first: ${populating.lines[0]})`]
        : []),
      ...warningNotes(results),
    ],
  };
}

/** The `concurrent` scenario of the runner. */
export const concurrent: Scenario = {
  name: "concurrent",
  description:
    "10-step runs with 50 and 500 in flight on one in-process engine, against raw INSERT+COMMITs as many in flight",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 3, runs: 2000 },
  options: {
    "in-flight": "runs kept in flight, one configuration each (default 50,500)",
    steps: "steps per run (default 10)",
    filled: "finished runs in the store of the last configuration (default 100000)",
  },
  run: (context, args) =>
    runConcurrent(context, {
      ...args,
      inFlight: args.options["in-flight"],
      steps: optionValue(args, "steps", 10),
      filled: optionValue(args, "filled", 100_000),
    }),
};
