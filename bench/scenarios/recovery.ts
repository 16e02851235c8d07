/**
 * Scenario `recovery` (SQLite and PostgreSQL): a worker process holding
 * `runs` runs in flight (default 1,000; each `steps` steps whose bodies sleep
 * `sleep-ms`) is killed with SIGKILL once every run is `running`; then:
 * - PostgreSQL: a second worker process, started before the kill (once the
 *   first held every run), takes the runs over when their leases expire;
 * - SQLite: a new worker process is started on the same file after the kill
 *   (its start-up counts), and takes the runs over when their leases expire.
 * Both workers have a short lease, `lease-ms` (default 2,000 ms).
 *
 * A run is running again at its first history event after the kill (the
 * killed worker writes nothing more; times on the store's clock). The bench
 * waits until every run has completed with its output.
 *
 * Baseline, in the same round on the same store: the same work with no
 * crash and no engine: `runs` "runs" at once, each `steps` times a sleep of
 * `sleep-ms` then a single-row INSERT+COMMIT, on a pool of as many
 * connections as the server accepts (PostgreSQL) or one SQLite connection.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createEngine, type HistoryEvent } from "baton";
import {
  collectWarnings,
  type EngineWarnings,
  type RoundWarnings,
  type RoundWorkerOutput,
  warningNotes,
  workerNotes,
} from "../lib/engine-warnings.js";
import { measureInserts } from "../lib/insert-baseline.js";
import { openInsertTarget } from "../lib/insert-target.js";
import { checkCompleted, eventOf, readHistories, storeNow } from "../lib/read-histories.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult, ScenarioSizes } from "../lib/scenario.js";
import { optionValue } from "../lib/scenario.js";
import { startRuns } from "../lib/start-runs.js";
import { medianRows, percentile } from "../lib/stats.js";
import { countByStatus, waitForStatus } from "../lib/wait-for-status.js";
import { startWorkers, type WorkerProcesses } from "../lib/worker-processes.js";
import { slowSteps } from "../workflows.js";

/** Options of `runRecovery`. */
export interface RecoveryOptions extends ScenarioSizes {
  /** Steps per run. Default 10. */
  steps?: number;
  /** Sleep in each step's body, in ms. Default 1000. */
  sleepMs?: number;
  /** Lease of the workers, in ms. Default 2000. */
  leaseMs?: number;
  /** Pass the workers' standard error on (default true). */
  echo?: boolean;
}

/** Figures of one round. */
export interface RecoveryRound extends RoundWarnings, RoundWorkerOutput {
  baselineClients: number;
  /** Exits of the workers (the first one killed). */
  exits: string[];
  rows: Row[];
}

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs" },
  { key: "totalMs", title: "total ms", digits: 0 },
  { key: "resumeP50Ms", title: "resume p50 ms", digits: 0 },
  { key: "resumeP99Ms", title: "resume p99 ms", digits: 0 },
  { key: "allRunningMs", title: "all running ms", digits: 0 },
  { key: "completeMs", title: "complete ms", digits: 0 },
  { key: "ratio", title: "vs baseline", digits: 2 },
];

/** The first event of `history` after `at` (epoch ms). */
const firstAfter = (history: HistoryEvent[], at: number) => history.find((event) => event.at.getTime() > at);

async function measureEngine(
  context: ScenarioContext,
  clientWarnings: EngineWarnings,
  round: number,
  options: RecoveryOptions,
) {
  const { runs } = options;
  const steps = options.steps ?? 10;
  const sleepMs = options.sleepMs ?? 1000;
  const store = context.newStore(`recovery_r${round}`);
  const workerOptions = { leaseMs: options.leaseMs ?? 2000, echo: options.echo ?? true };
  await using client = createEngine({
    store,
    workflows: [slowSteps],
    logger: clientWarnings.logger,
  });
  await client.listRuns({ limit: 1 }); // migrates the schema and syncs the clock before the workers start
  const workers: WorkerProcesses[] = [];
  const exits: string[] = []; // filled when the workers have stopped, before this resolves
  try {
    const first = await startWorkers(1, store, { ...workerOptions, prefix: `recovery-r${round}-a` });
    workers.push(first);
    const { ids } = await startRuns(client, slowSteps, () => ({ steps, sleepMs }), runs);
    await waitForStatus(client, ["running"], runs, { pollMs: 50 });
    if (context.store === "postgres")
      workers.push(await startWorkers(1, store, { ...workerOptions, prefix: `recovery-r${round}-b` }));
    const running = (await countByStatus(client)).get("running") ?? 0;
    if (running !== runs) {
      throw new Error(`${runs - running} runs were no longer running before the kill: raise --sleep-ms or --steps`);
    }
    const killAt = storeNow(client);
    await first.kill();
    if (context.store === "sqlite")
      workers.push(await startWorkers(1, store, { ...workerOptions, prefix: `recovery-r${round}-b` }));
    await waitForStatus(client, ["completed"], runs);

    const resumeMs: number[] = [];
    let firstStart = Number.POSITIVE_INFINITY;
    let lastEnd = 0;
    (await readHistories(client, ids)).forEach((history, n) => {
      const id = ids[n] as string;
      const completed = checkCompleted(history, id, { i: steps - 1, ok: true });
      const resumed = firstAfter(history, killAt) as HistoryEvent;
      if (completed.at.getTime() <= killAt) throw new Error(`run ${id} completed before the kill`);
      resumeMs.push(resumed.at.getTime() - killAt);
      firstStart = Math.min(firstStart, eventOf(history, "run.started", id).at.getTime());
      lastEnd = Math.max(lastEnd, completed.at.getTime());
    });
    return { resumeMs, totalMs: lastEnd - firstStart, completeMs: lastEnd - killAt, workers, exits };
  } finally {
    exits.push(...(await Promise.all(workers.map((w) => w.stop()))).flat());
    const unclean = exits.filter((exit) => !exit.endsWith("exited with 0") && !exit.endsWith("a1 killed by SIGKILL"));
    if (unclean.length > 0) context.log(`workers did not stop cleanly: ${unclean.join(", ")}`);
  }
}

/** Runs the scenario on the context's store. */
export async function runRecovery(context: ScenarioContext, options: RecoveryOptions): Promise<ScenarioResult> {
  const steps = options.steps ?? 10;
  const sleepMs = options.sleepMs ?? 1000;
  const leaseMs = options.leaseMs ?? 2000;
  const { runs, rounds } = options;
  const results: RecoveryRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const target = await openInsertTarget(context, `recovery_base_r${round}`, runs);
    const base = await measureInserts(target, { runs, steps, beforeInsert: () => sleep(sleepMs) }).finally(() =>
      target.close(),
    );
    const clientWarnings = collectWarnings(context, "client");
    const m = await measureEngine(context, clientWarnings, round, options);
    const rows: Row[] = [
      { config: "baseline (sleep + INSERT+COMMIT per step, no crash)", runs, totalMs: base.spanMs, ratio: 1 },
      {
        config: `engine, worker killed (lease ${leaseMs} ms)`,
        runs,
        totalMs: m.totalMs,
        resumeP50Ms: percentile(m.resumeMs, 50),
        resumeP99Ms: percentile(m.resumeMs, 99),
        allRunningMs: Math.max(...m.resumeMs),
        completeMs: m.completeMs,
        ratio: base.spanMs / m.totalMs,
      },
    ];
    context.log(
      `round ${round}: all running again ${Math.max(...m.resumeMs)} ms after the kill, all complete after ${m.completeMs} ms`,
    );
    results.push({
      round,
      warnings: { count: clientWarnings.count, lines: clientWarnings.lines },
      baselineClients: target.clients,
      exits: m.exits,
      workerStderr: m.workers.flatMap((w) => w.stderr),
      workerStderrCount: m.workers.reduce((sum, w) => sum + w.stderrCount, 0),
      rows,
    });
  }
  return {
    params: { rounds, runs, steps, sleepMs, leaseMs, baselineClients: results.map((r) => r.baselineClients) },
    columns,
    rows: medianRows(results.map((r) => r.rows)),
    rounds: results,
    notes: [...workerNotes(results), ...warningNotes(results)],
  };
}

/** The `recovery` scenario of the runner. */
export const recovery: Scenario = {
  name: "recovery",
  description: "a worker holding 1,000 runs in flight is SIGKILLed: time until they run again elsewhere and complete",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 3, runs: 1000 },
  options: {
    steps: "steps per run (default 10)",
    "sleep-ms": "sleep in each step's body, in ms (default 1000)",
    "lease-ms": "lease of the workers, in ms (default 2000)",
  },
  run: (context, args) =>
    runRecovery(context, {
      ...args,
      steps: optionValue(args, "steps", 10),
      sleepMs: optionValue(args, "sleep-ms", 1000),
      leaseMs: optionValue(args, "lease-ms", 2000),
    }),
};
