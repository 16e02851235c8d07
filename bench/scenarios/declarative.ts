/**
 * Scenario `declarative` (SQLite and PostgreSQL): what running a definition
 * costs against the same workflow written in code, in the same round on the
 * same store kind, on one engine in the bench process.
 *
 * Both do the same work: three steps in a row, each reading the input and
 * the step before (`double`, `add`, `double`), then a choice on the result
 * and one more step. The code workflow calls `ctx.step` with functions; the
 * definition calls task handlers through `task` nodes whose inputs are
 * JSONata expressions, and an `if` node.
 * - one at a time: `runs / 10` runs (at most 200), each started once the
 *   one before finished (latency);
 * - in flight: `runs` runs started at once (throughput).
 * Each engine first runs 50 runs untimed (warm-up). The ratios are speed
 * ratios: the code's time over the definition's.
 */
import { createEngine, defineTask, defineWorkflow, type Engine } from "baton";
import { collectWarnings, type RoundWarnings, warningNotes } from "../lib/engine-warnings.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult } from "../lib/scenario.js";
import { medianRows } from "../lib/stats.js";
import { waitForStatus } from "../lib/wait-for-status.js";

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs" },
  { key: "totalMs", title: "total ms", digits: 0 },
  { key: "runsPerSecond", title: "runs/s", digits: 0 },
  { key: "ratio", title: "vs code", digits: 2 },
];

const double = (n: number) => ({ n: n * 2 });
const add = (n: number, m: number) => ({ n: n + m });

/** The workflow in code. */
const inCode = defineWorkflow("bench-code-pipeline", async (ctx, input: { n: number }) => {
  const a = await ctx.step("a", () => double(input.n));
  const b = await ctx.step("b", () => add(a.n, input.n));
  const c = await ctx.step("c", () => double(b.n));
  return c.n > 100 ? ctx.step("big", () => ({ big: true })) : ctx.step("small", () => ({ big: false }));
});

/** The same workflow as a definition. */
const definition = {
  name: "bench-definition-pipeline",
  steps: [
    { id: "a", task: { name: "double", input: { n: "{% $input.n %}" } } },
    { id: "b", task: { name: "add", input: { n: "{% $steps.a.n %}", m: "{% $input.n %}" } } },
    { id: "c", task: { name: "double", input: { n: "{% $steps.b.n %}" } } },
    {
      id: "size",
      if: {
        condition: "{% $steps.c.n > 100 %}",
        // biome-ignore lint/suspicious/noThenProperty: the if node's branch is named "then"
        then: [{ id: "big", task: { name: "flag", input: { big: true } } }],
        else: [{ id: "small", task: { name: "flag", input: { big: false } } }],
      },
    },
  ],
};

const tasks = [
  defineTask("double", (input: { n: number }) => double(input.n)),
  defineTask("add", (input: { n: number; m: number }) => add(input.n, input.m)),
  defineTask("flag", (input: { big: boolean }) => input),
];

/** Runs `count` runs one at a time, then `runs` at once; the two times. */
async function measure(
  context: ScenarioContext,
  name: string,
  runs: number,
  declarative: boolean,
  logger: { warn(message: string, error?: unknown): void },
): Promise<{ oneMs: number; oneRuns: number; flightMs: number }> {
  await using engine: Engine = createEngine({
    store: context.newStore(name),
    workflows: declarative ? [] : [inCode],
    tasks,
    maxRunsInMemory: runs * 2,
    logger,
  });
  await engine.start();
  if (declarative) await engine.definitions.deploy(definition);
  const target = declarative ? definition.name : inCode;
  const oneRuns = Math.max(1, Math.min(200, Math.floor(runs / 10)));
  // Warm-up (not timed): the first runs of a process pay for compiling its code.
  const warm = 50;
  await Promise.all(Array.from({ length: warm }, (_, n) => engine.startRun(target, { n }, { id: `warm-${n}` })));
  await waitForStatus(engine, ["completed"], warm, { timeoutMs: 600_000, pollMs: 5 });
  const began = performance.now();
  for (let n = 0; n < oneRuns; n++) await (await engine.startRun(target, { n }, { id: `one-${n}` })).result();
  const oneMs = performance.now() - began;
  const flight = performance.now();
  await Promise.all(Array.from({ length: runs }, (_, n) => engine.startRun(target, { n }, { id: `r-${n}` })));
  await waitForStatus(engine, ["completed"], warm + oneRuns + runs, { timeoutMs: 600_000, pollMs: 5 });
  return { oneMs, oneRuns, flightMs: performance.now() - flight };
}

/** Runs the scenario on the context's store. */
export async function runDeclarative(
  context: ScenarioContext,
  args: Parameters<Scenario["run"]>[1],
): Promise<ScenarioResult> {
  const { runs, rounds } = args;
  const all: (RoundWarnings & { rows: Row[] })[] = [];
  for (let round = 1; round <= rounds; round++) {
    const warnings = collectWarnings(context, `round ${round}`);
    context.log(`round ${round}: the pipeline in code, then as a definition`);
    const code = await measure(context, `d_code_${round}`, runs, false, warnings.logger);
    const data = await measure(context, `d_definition_${round}`, runs, true, warnings.logger);
    const row = (config: string, count: number, ms: number, baselineMs: number): Row => ({
      config,
      runs: count,
      totalMs: ms,
      runsPerSecond: count / (ms / 1000),
      ratio: baselineMs / ms,
    });
    all.push({
      round,
      rows: [
        row("code, one at a time (baseline)", code.oneRuns, code.oneMs, code.oneMs),
        row("definition, one at a time", data.oneRuns, data.oneMs, code.oneMs),
        row("code, in flight (baseline)", runs, code.flightMs, code.flightMs),
        row("definition, in flight", runs, data.flightMs, code.flightMs),
      ],
      warnings: { count: warnings.count, lines: warnings.lines },
    });
  }
  return {
    params: { runs, rounds },
    columns,
    rows: medianRows(all.map((round) => round.rows)),
    rounds: all,
    notes: ["vs code: a speed ratio, the code workflow's time over the definition's", ...warningNotes(all)],
  };
}

/** The `declarative` scenario. */
export const declarative: Scenario = {
  name: "declarative",
  description: "a definition (task nodes with JSONata inputs, an if node) vs the same workflow in code",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 1, runs: 2000 },
  options: {},
  run: runDeclarative,
};
