/**
 * Scenario `human-tasks` (SQLite and PostgreSQL): what a human task costs
 * against the nearest thing without one, a run waiting for a signal, in the
 * same round on the same store kind, on one engine in the bench process.
 *
 * `runs` runs (default 2,000) each wait for a person, then make one step:
 * - baseline: `ctx.waitForSignal("go")`, answered by `engine.signal`;
 * - human task: `ctx.humanTask` with a form, answered by
 *   `engine.humanTasks.complete` (the data checked against the form).
 * All runs are started and left to wait (the time to reach the wait of
 * every run: `to wait`), then every run is answered, 50 answers in flight
 * (`answered`: from the first answer to the last run's end). The ratios
 * are speed ratios: the baseline's time over the human task's.
 */
import { createEngine, type Engine } from "baton";
import { collectWarnings, type RoundWarnings, warningNotes } from "../lib/engine-warnings.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult } from "../lib/scenario.js";
import { medianRows } from "../lib/stats.js";
import { waitForStatus } from "../lib/wait-for-status.js";
import { askPerson, waitForGo } from "../workflows.js";

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs" },
  { key: "toWaitMs", title: "to wait ms", digits: 0 },
  { key: "answeredMs", title: "answered ms", digits: 0 },
  { key: "answersPerSecond", title: "answers/s", digits: 0 },
  { key: "ratio", title: "vs baseline", digits: 2 },
];

/** Runs `answer` over `ids`, `inFlight` at a time. */
async function answerAll(ids: string[], inFlight: number, answer: (id: string) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: inFlight }, async () => {
    while (next < ids.length) await answer(ids[next++] as string);
  });
  await Promise.all(lanes);
}

/** Starts `runs` runs of the kind, waits until all wait, answers them all; the two times. */
async function measure(
  context: ScenarioContext,
  name: string,
  runs: number,
  human: boolean,
  logger: { warn(message: string, error?: unknown): void },
): Promise<{ toWaitMs: number; answeredMs: number }> {
  await using engine: Engine = createEngine({
    store: context.newStore(name),
    workflows: [human ? askPerson : waitForGo],
    maxRunsInMemory: runs * 2,
    logger,
  });
  await engine.start();
  const ids = Array.from({ length: runs }, (_, n) => `r-${n}`);
  const began = performance.now();
  await Promise.all(ids.map((id, n) => engine.startRun(human ? askPerson : waitForGo, { n }, { id })));
  // A human task is stored by the write that makes its run wait.
  await waitForStatus(engine, ["waiting"], runs, { timeoutMs: 600_000, pollMs: 5 });
  const waited = performance.now();
  await answerAll(ids, 50, (id) =>
    human
      ? engine.humanTasks.complete(`${id}:0`, { by: "bench", data: { ok: true } })
      : engine.signal(id, "go", { n: Number(id.slice(2)) }),
  );
  await waitForStatus(engine, ["completed"], runs, { timeoutMs: 600_000, pollMs: 5 });
  return { toWaitMs: waited - began, answeredMs: performance.now() - waited };
}

/** Runs the scenario on the context's store. */
export async function runHumanTasks(
  context: ScenarioContext,
  args: Parameters<Scenario["run"]>[1],
): Promise<ScenarioResult> {
  const { runs, rounds } = args;
  const all: (RoundWarnings & { rows: Row[] })[] = [];
  for (let round = 1; round <= rounds; round++) {
    const warnings = collectWarnings(context, `round ${round}`);
    context.log(`round ${round}: ${runs} runs waiting for a signal, then for a person`);
    const signal = await measure(context, `h_signal_${round}`, runs, false, warnings.logger);
    const person = await measure(context, `h_human_${round}`, runs, true, warnings.logger);
    const row = (config: string, m: { toWaitMs: number; answeredMs: number }): Row => ({
      config,
      runs,
      toWaitMs: m.toWaitMs,
      answeredMs: m.answeredMs,
      answersPerSecond: runs / (m.answeredMs / 1000),
      ratio: signal.answeredMs / m.answeredMs,
    });
    const rows = [row("signal wait (baseline)", signal), row("human task", person)];
    rows.push({
      config: "to wait, vs baseline",
      runs,
      toWaitMs: null,
      answeredMs: null,
      answersPerSecond: null,
      ratio: signal.toWaitMs / person.toWaitMs,
    });
    all.push({ round, rows, warnings: { count: warnings.count, lines: warnings.lines } });
  }
  return {
    params: { runs, rounds },
    columns,
    rows: medianRows(all.map((round) => round.rows)),
    rounds: all,
    notes: [
      "vs baseline: a speed ratio, the signal wait's time over the human task's (answered; the last row: reaching the wait)",
      ...warningNotes(all),
    ],
  };
}

/** The `human-tasks` scenario. */
export const humanTasks: Scenario = {
  name: "human-tasks",
  description: "runs waiting for a person (a human task answered through engine.humanTasks) vs for a signal",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 1, runs: 2000 },
  options: {},
  run: runHumanTasks,
};
