/**
 * Scenario `sequential` (SQLite and PostgreSQL): runs of a `steps`-step
 * workflow one after another (start, await the result, start the next) on
 * one engine in the bench process, next to a raw baseline measured in the
 * same round on the same store: as many "runs" of `steps` single-row
 * INSERT+COMMITs, one insert at a time on one connection.
 *
 * Per-step time comes from a clock in the workflow: each step returns when
 * its body ran, and the time between the bodies of two consecutive steps of
 * a run is what the engine spends per step (the bodies do nothing). It is
 * compared with the latency of one raw INSERT+COMMIT.
 */
import { createEngine } from "baton";
import { collectWarnings, type EngineWarnings, type RoundWarnings, warningNotes } from "../lib/engine-warnings.js";
import { measureInserts } from "../lib/insert-baseline.js";
import { openInsertTarget } from "../lib/insert-target.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult, ScenarioSizes } from "../lib/scenario.js";
import { optionValue } from "../lib/scenario.js";
import { medianRows, percentile } from "../lib/stats.js";
import { clockedSteps } from "../workflows.js";

/** Options of `runSequential`. */
export interface SequentialOptions extends ScenarioSizes {
  /** Steps per run (and inserts per baseline run). Default 10. */
  steps?: number;
}

/** Figures of one round: the baseline's and the engine's rows. */
export interface SequentialRound extends RoundWarnings {
  rows: Row[];
}

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs" },
  { key: "runsPerSecond", title: "runs/s", digits: 1 },
  { key: "stepsPerSecond", title: "steps/s", digits: 0 },
  { key: "stepP50Ms", title: "step p50 ms", digits: 2 },
  { key: "stepP99Ms", title: "step p99 ms", digits: 2 },
  { key: "runP50Ms", title: "run p50 ms", digits: 1 },
  { key: "runP99Ms", title: "run p99 ms", digits: 1 },
  { key: "ratio", title: "step/commit", digits: 2 },
];

/** Runs `runs` runs one after another on an engine; returns the row and the per-step times. */
async function measureEngine(
  context: ScenarioContext,
  warnings: EngineWarnings,
  round: number,
  runs: number,
  steps: number,
) {
  await using engine = createEngine({
    store: context.newStore(`sequential_r${round}`),
    workflows: [clockedSteps],
    logger: warnings.logger,
  });
  await engine.start();
  const stepMs: number[] = [];
  const runMs: number[] = [];
  const began = performance.now();
  for (let n = 0; n < runs; n++) {
    const started = performance.now();
    const run = await engine.startRun(clockedSteps, { steps });
    const output = await run.result();
    runMs.push(performance.now() - started);
    if (output.steps !== steps || output.at.length !== steps) {
      throw new Error(`run ${run.id} returned ${JSON.stringify(output)}, expected ${steps} step times`);
    }
    for (let i = 1; i < steps; i++) stepMs.push((output.at[i] as number) - (output.at[i - 1] as number));
  }
  const spanMs = performance.now() - began;
  return { spanMs, stepMs, runMs };
}

/** Runs the scenario on the context's store. */
export async function runSequential(context: ScenarioContext, options: SequentialOptions): Promise<ScenarioResult> {
  const steps = options.steps ?? 10;
  const { runs, rounds } = options;
  const results: SequentialRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const target = await openInsertTarget(context, `sequential_base_r${round}`);
    const base = await measureInserts(target, { runs, steps, inFlight: 1 }).finally(() => target.close());
    const commitP50 = percentile(base.insertLatenciesMs, 50);
    const baseline: Row = {
      config: "baseline (INSERT+COMMIT)",
      runs,
      runsPerSecond: runs / (base.spanMs / 1000),
      stepsPerSecond: (runs * steps) / (base.spanMs / 1000),
      stepP50Ms: commitP50,
      stepP99Ms: percentile(base.insertLatenciesMs, 99),
      runP50Ms: percentile(base.latenciesMs, 50),
      runP99Ms: percentile(base.latenciesMs, 99),
      ratio: 1,
    };
    const warnings = collectWarnings(context);
    const measured = await measureEngine(context, warnings, round, runs, steps);
    const stepP50 = percentile(measured.stepMs, 50);
    const engine: Row = {
      config: "engine",
      runs,
      runsPerSecond: runs / (measured.spanMs / 1000),
      stepsPerSecond: (runs * steps) / (measured.spanMs / 1000),
      stepP50Ms: stepP50,
      stepP99Ms: percentile(measured.stepMs, 99),
      runP50Ms: percentile(measured.runMs, 50),
      runP99Ms: percentile(measured.runMs, 99),
      ratio: stepP50 / commitP50,
    };
    context.log(
      `round ${round}: commit p50 ${commitP50.toFixed(2)} ms, step p50 ${stepP50.toFixed(2)} ms, ${(engine.runsPerSecond as number).toFixed(1)} runs/s`,
    );
    results.push({ round, warnings: { count: warnings.count, lines: warnings.lines }, rows: [baseline, engine] });
  }
  return {
    params: { rounds, runs, steps },
    columns,
    rows: medianRows(results.map((r) => r.rows)),
    rounds: results,
    notes: warningNotes(results),
  };
}

/** The `sequential` scenario of the runner. */
export const sequential: Scenario = {
  name: "sequential",
  description: "10-step runs one after another on one in-process engine, against raw INSERT+COMMITs on one connection",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 3, runs: 1000 },
  options: { steps: "steps per run (default 10)" },
  run: (context, args) => runSequential(context, { ...args, steps: optionValue(args, "steps", 10) }),
};
