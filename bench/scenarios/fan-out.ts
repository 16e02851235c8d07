/**
 * Scenario `fan-out` (SQLite and PostgreSQL), on one engine in the bench process:
 * - one run of `width` steps at once (`Promise.all` of `ctx.step`, default 1,000);
 * - `runs` parent runs (default 100) started at once, each starting
 *   `children` children at once (default 10), each child `steps` steps in
 *   sequence (default 10): one child per 10 steps of work.
 * Each is timed from the first `startRun` to the last result (local clock).
 *
 * Next to each, in the same round on the same store, the raw baseline: one
 * single-row INSERT+COMMIT per step, all "runs" in flight at once (the parallel
 * steps: `width` runs of one insert; the children: one run of `steps` inserts
 * per child), on a pool of as many connections as the server accepts
 * (PostgreSQL) or on one SQLite connection (one insert at a time).
 */
import { createEngine } from "baton";
import { collectWarnings, type EngineWarnings, type RoundWarnings, warningNotes } from "../lib/engine-warnings.js";
import { measureInserts } from "../lib/insert-baseline.js";
import { openInsertTarget } from "../lib/insert-target.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult, ScenarioSizes } from "../lib/scenario.js";
import { optionValue } from "../lib/scenario.js";
import { medianRows } from "../lib/stats.js";
import { countByStatus } from "../lib/wait-for-status.js";
import { fanOut, parent, steps as stepsWorkflow } from "../workflows.js";

/** Options of `runFanOut`; `runs` is the number of parent runs. */
export interface FanOutOptions extends ScenarioSizes {
  /** Steps of the one wide run. Default 1000. */
  width?: number;
  /** Children of each parent. Default 10. */
  children?: number;
  /** Steps of each child. Default 10. */
  steps?: number;
}

/** Figures of one round: the wide run's baseline and engine rows, then the children's. */
export interface FanOutRound extends RoundWarnings {
  baselineClients: number[];
  rows: Row[];
}

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs" },
  { key: "steps", title: "steps" },
  { key: "ms", title: "time ms", digits: 0 },
  { key: "stepsPerSecond", title: "steps/s", digits: 0 },
  { key: "ratio", title: "vs baseline", digits: 2 },
];

const row = (config: string, runs: number, steps: number, ms: number, ratio: number | null): Row => ({
  config,
  runs,
  steps,
  ms,
  stepsPerSecond: steps / (ms / 1000),
  ratio,
});

/** Baseline: `runs` runs of `steps` inserts, all in flight; its span in ms and the connections used. */
async function measureBaseline(context: ScenarioContext, name: string, runs: number, steps: number) {
  const target = await openInsertTarget(context, name, runs);
  try {
    const { spanMs } = await measureInserts(target, { runs, steps });
    return { ms: spanMs, clients: target.clients };
  } finally {
    await target.close();
  }
}

async function withEngine<T>(
  context: ScenarioContext,
  warnings: EngineWarnings,
  name: string,
  work: (engine: ReturnType<typeof createEngine>) => Promise<T>,
) {
  await using engine = createEngine({
    store: context.newStore(name),
    workflows: [fanOut, parent, stepsWorkflow],
    logger: warnings.logger,
  });
  await engine.start();
  return await work(engine);
}

/** One run of `width` parallel steps: time to complete, checked output. */
function measureWide(context: ScenarioContext, warnings: EngineWarnings, round: number, width: number) {
  return withEngine(context, warnings, `fan_out_wide_r${round}`, async (engine) => {
    const began = performance.now();
    const run = await engine.startRun(fanOut, { width });
    const output = await run.result();
    const ms = performance.now() - began;
    const sum = (width * (width - 1)) / 2;
    if (output.steps !== width || output.sum !== sum) {
      throw new Error(`run ${run.id} returned ${JSON.stringify(output)}, expected { steps: ${width}, sum: ${sum} }`);
    }
    return ms;
  });
}

/** `runs` parents of `children` children of `steps` steps, all started at once: time until all completed. */
function measureChildren(
  context: ScenarioContext,
  warnings: EngineWarnings,
  round: number,
  runs: number,
  children: number,
  steps: number,
) {
  return withEngine(context, warnings, `fan_out_children_r${round}`, async (engine) => {
    const began = performance.now();
    const outputs = await Promise.all(
      Array.from({ length: runs }, async () => {
        const run = await engine.startRun(parent, { children, steps });
        return { id: run.id, output: await run.result() };
      }),
    );
    const ms = performance.now() - began;
    for (const { id, output } of outputs) {
      if (output.children !== children || output.ok !== children) {
        throw new Error(`run ${id} returned ${JSON.stringify(output)}, expected ${children} children that completed`);
      }
    }
    const completed = (await countByStatus(engine)).get("completed") ?? 0;
    if (completed !== runs * (1 + children)) {
      throw new Error(`${completed} runs completed, expected ${runs} parents and ${runs * children} children`);
    }
    return ms;
  });
}

/** Runs the scenario on the context's store. */
export async function runFanOut(context: ScenarioContext, options: FanOutOptions): Promise<ScenarioResult> {
  const width = options.width ?? 1000;
  const children = options.children ?? 10;
  const steps = options.steps ?? 10;
  const { runs, rounds } = options;
  const childSteps = runs * children * steps;
  const results: FanOutRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const wideBase = await measureBaseline(context, `fan_out_wide_base_r${round}`, width, 1);
    const warnings = collectWarnings(context);
    const wide = await measureWide(context, warnings, round, width);
    context.log(
      `round ${round}: ${width} parallel steps in ${wide.toFixed(0)} ms (baseline ${wideBase.ms.toFixed(0)} ms)`,
    );
    const childBase = await measureBaseline(context, `fan_out_children_base_r${round}`, runs * children, steps);
    const tree = await measureChildren(context, warnings, round, runs, children, steps);
    context.log(
      `round ${round}: ${runs} x ${children} children in ${tree.toFixed(0)} ms (baseline ${childBase.ms.toFixed(0)} ms)`,
    );
    results.push({
      round,
      warnings: { count: warnings.count, lines: warnings.lines },
      baselineClients: [wideBase.clients, childBase.clients],
      rows: [
        row(`baseline, ${width} inserts in flight`, width, width, wideBase.ms, 1),
        row(`1 run x ${width} parallel steps`, 1, width, wide, wideBase.ms / wide),
        row(`baseline, ${runs * children} x ${steps} inserts`, runs * children, childSteps, childBase.ms, 1),
        row(
          `${runs} runs x ${children} children x ${steps} steps`,
          runs * (1 + children),
          childSteps,
          tree,
          childBase.ms / tree,
        ),
      ],
    });
  }
  return {
    params: { rounds, runs, width, children, steps, baselineClients: results.map((r) => r.baselineClients) },
    columns,
    rows: medianRows(results.map((r) => r.rows)),
    rounds: results,
    notes: warningNotes(results),
  };
}

/** The `fan-out` scenario of the runner. */
export const fanOutScenario: Scenario = {
  name: "fan-out",
  description: "one run of 1,000 parallel steps, and 100 runs of 10 children of 10 steps, against raw INSERT+COMMITs",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 3, runs: 100 },
  options: {
    width: "parallel steps of the one wide run (default 1000)",
    children: "children of each parent run (default 10)",
    steps: "steps of each child (default 10)",
  },
  run: (context, args) =>
    runFanOut(context, {
      ...args,
      width: optionValue(args, "width", 1000),
      children: optionValue(args, "children", 10),
      steps: optionValue(args, "steps", 10),
    }),
};
