/**
 * Scenario `replay` (SQLite and PostgreSQL): how fast `engine.replayCheck`
 * goes through stored histories, against reading the same histories without
 * replaying them, in the same round on the same store.
 *
 * `runs` runs (default 2,000) of 10 steps are executed first (not timed).
 * Then, 200 at a time as the check does:
 * - baseline: each run's history read (`store.getHistory`);
 * - replay check: `engine.replayCheck({ includeFinished: true })`, which
 *   lists the runs, reads each history and re-executes the workflow
 *   against it.
 * Histories/s is the figure; `vs read` is the speed ratio of the check to
 * the reads alone (what replaying adds).
 */
import { createEngine, type Engine } from "baton";
import { collectWarnings, type RoundWarnings, warningNotes } from "../lib/engine-warnings.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult } from "../lib/scenario.js";
import { medianRows } from "../lib/stats.js";
import { waitForStatus } from "../lib/wait-for-status.js";
import { steps } from "../workflows.js";

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "histories", title: "histories" },
  { key: "totalMs", title: "total ms", digits: 0 },
  { key: "perSecond", title: "histories/s", digits: 0 },
  { key: "ratio", title: "vs read", digits: 2 },
];

/** Runs the scenario on the context's store. */
export async function runReplay(
  context: ScenarioContext,
  args: Parameters<Scenario["run"]>[1],
): Promise<ScenarioResult> {
  const { runs, rounds } = args;
  const all: (RoundWarnings & { rows: Row[] })[] = [];
  for (let round = 1; round <= rounds; round++) {
    const warnings = collectWarnings(context, `round ${round}`);
    context.log(`round ${round}: ${runs} runs of 10 steps, then their histories read, then checked`);
    await using engine: Engine = createEngine({
      store: context.newStore(`replay_${round}`),
      workflows: [steps],
      maxRunsInMemory: runs * 2,
      logger: warnings.logger,
    });
    await engine.start();
    await Promise.all(Array.from({ length: runs }, (_, n) => engine.startRun(steps, { steps: 10 }, { id: `r-${n}` })));
    await waitForStatus(engine, ["completed"], runs, { timeoutMs: 600_000, pollMs: 5 });
    await engine.stop();
    const ids = Array.from({ length: runs }, (_, n) => `r-${n}`);
    const readStart = performance.now();
    for (let i = 0; i < ids.length; i += 50)
      await Promise.all(ids.slice(i, i + 50).map((id) => engine.store.getHistory(id)));
    const readMs = performance.now() - readStart;
    const checkStart = performance.now();
    const result = await engine.replayCheck({ includeFinished: true });
    const checkMs = performance.now() - checkStart;
    if (result.checked !== runs || result.divergences.length > 0) {
      throw new Error(
        `replay check: ${result.checked} checked, ${result.divergences.length} diverged (expected ${runs}, 0)`,
      );
    }
    all.push({
      round,
      rows: [
        {
          config: "histories read (baseline)",
          histories: runs,
          totalMs: readMs,
          perSecond: runs / (readMs / 1000),
          ratio: 1,
        },
        {
          config: "replay check",
          histories: runs,
          totalMs: checkMs,
          perSecond: runs / (checkMs / 1000),
          ratio: readMs / checkMs,
        },
      ],
      warnings: { count: warnings.count, lines: warnings.lines },
    });
  }
  return {
    params: { runs, rounds },
    columns,
    rows: medianRows(all.map((round) => round.rows)),
    rounds: all,
    notes: ["vs read: the reads' time over the check's (the check reads every history too)", ...warningNotes(all)],
  };
}

/** The `replay` scenario. */
export const replay: Scenario = {
  name: "replay",
  description: "engine.replayCheck over stored 10-step histories vs reading them",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 1, runs: 2000 },
  options: {},
  run: runReplay,
};
