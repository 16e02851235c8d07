/**
 * Scenario `startup` (SQLite and PostgreSQL): `createEngine` + `start()` in
 * the bench process (modules already loaded), then the first run (one step)
 * from `startRun` to its result, then disposal:
 * - on an empty store (a new file or schema each round: `start()` applies the migrations);
 * - on a store holding `runs` finished runs (default 100,000), created once
 *   per pass through the library: one engine runs runs of `noop` (no step:
 *   `run.started`, `run.completed`), 1,000 in flight, until there are that
 *   many (the time it took is in the result).
 *
 * Baseline, in the same round on the same store: open a connection with the
 * engine's driver and settings, one single-row INSERT+COMMIT (`open-baseline.ts`).
 */
import { createEngine } from "baton";
import { collectWarnings, type EngineWarnings, warningNotes } from "../lib/engine-warnings.js";
import { prepareOpenBaseline } from "../lib/open-baseline.js";
import { populateFinishedRuns } from "../lib/populate.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult, ScenarioSizes } from "../lib/scenario.js";
import { medianRows } from "../lib/stats.js";
import { steps } from "../workflows.js";

/** Options of `runStartup`; `runs` is the number of finished runs in the full store. */
export type StartupOptions = ScenarioSizes;

/** Figures of one round: the baseline, the empty store, the full store. */
export interface StartupRound {
  round: number;
  /** Warnings of the engine during the round. */
  warnings: { count: number; lines: string[] };
  rows: Row[];
}

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs in store" },
  { key: "startMs", title: "start ms", digits: 1 },
  { key: "firstRunMs", title: "first run ms", digits: 1 },
  { key: "readyMs", title: "ready ms", digits: 1 },
  { key: "stopMs", title: "stop ms", digits: 1 },
  { key: "ratio", title: "vs baseline", digits: 3 },
];

/** Starts an engine on `store`, runs one run, disposes of it; the times of each part. */
async function measureStart(warnings: EngineWarnings, store: string) {
  const began = performance.now();
  const engine = createEngine({ store, workflows: [steps], logger: warnings.logger });
  try {
    await engine.start();
    const started = performance.now();
    const run = await engine.startRun(steps, { steps: 1 });
    const output = await run.result();
    if (output?.i !== 0 || !output.ok) throw new Error(`run ${run.id} returned ${JSON.stringify(output)}`);
    const ran = performance.now();
    return { startMs: started - began, firstRunMs: ran - started, readyMs: ran - began, ran };
  } finally {
    await engine[Symbol.asyncDispose]();
  }
}

async function measureRow(warnings: EngineWarnings, config: string, store: string, runs: number, baselineMs: number) {
  const m = await measureStart(warnings, store);
  const row: Row = {
    config,
    runs,
    startMs: m.startMs,
    firstRunMs: m.firstRunMs,
    readyMs: m.readyMs,
    stopMs: performance.now() - m.ran,
    ratio: baselineMs / m.readyMs,
  };
  return row;
}

/** Runs the scenario on the context's store. */
export async function runStartup(context: ScenarioContext, options: StartupOptions): Promise<ScenarioResult> {
  const { runs, rounds } = options;
  const full = context.newStore("startup_full");
  const populating = collectWarnings(context, "populating");
  const populateMs = await populateFinishedRuns(context, populating, full, runs);
  context.log(`${runs} finished runs created in ${(populateMs / 1000).toFixed(1)} s`);
  const openBaseline = await prepareOpenBaseline(context, "startup_base");
  const results: StartupRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const baselineMs = await openBaseline();
    const warnings = collectWarnings(context);
    const empty = await measureRow(warnings, "empty store", context.newStore(`startup_empty_r${round}`), 0, baselineMs);
    const filled = await measureRow(warnings, `${runs} finished runs`, full, runs + round - 1, baselineMs);
    const rows: Row[] = [
      { config: "baseline (open + INSERT+COMMIT)", runs: null, readyMs: baselineMs, ratio: 1 },
      empty,
      filled,
    ];
    context.log(
      `round ${round}: ready in ${(empty.readyMs as number).toFixed(1)} ms (empty), ${(filled.readyMs as number).toFixed(1)} ms (full)`,
    );
    results.push({ round, warnings: { count: warnings.count, lines: warnings.lines }, rows });
  }
  return {
    params: { rounds, runs, populateMs: Math.round(populateMs), populateWarnings: populating.lines },
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

/** The `startup` scenario of the runner. */
export const startup: Scenario = {
  name: "startup",
  description: "createEngine + start() and a first run, on an empty store and on one with 100,000 finished runs",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 5, runs: 100_000 },
  run: (context, args) => runStartup(context, args),
};
