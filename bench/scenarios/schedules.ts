/**
 * Scenario `schedules` (PostgreSQL, then SQLite): `runs` schedules (default
 * 10,000) firing every minute (`every: "1m"`, so all at the turn of each
 * minute; `overlap: "allow"`, `catchup: "all"`, so that every fire time
 * gets its run however late), executed by 2 worker processes (`bench/worker.ts`), over
 * `minutes` fire times (default 2).
 *
 * The bench process creates the schedules through a client engine (never
 * started; 200 creations in flight), starts the workers, waits until
 * `minutes` turns of the minute have passed and every run of them has
 * completed, then reads every run once. Per fire time each schedule must
 * have exactly one run (`<schedule id>@<ISO fire time>`): the table counts
 * the runs missing and any run of a fire time that was not due. Lateness of
 * a fire time: its run's creation (by the scheduler) and first start (by a
 * worker) minus the fire time, on the store's clock.
 *
 * The baseline, in the same round on the same store: the same number of
 * rows inserted by the bench process at the turn of a minute with as many
 * INSERT+COMMITs in flight as the pool has connections: how late a plain
 * write of that many rows is at that moment.
 */
import { createEngine, type Engine, type RunSummary } from "baton";
import {
  collectWarnings,
  type RoundWarnings,
  type RoundWorkerOutput,
  warningNotes,
  workerNotes,
} from "../lib/engine-warnings.js";
import { runInFlight } from "../lib/in-flight.js";
import { openInsertTarget } from "../lib/insert-target.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult } from "../lib/scenario.js";
import { optionValue } from "../lib/scenario.js";
import { medianRows, percentile } from "../lib/stats.js";
import { startWorkers } from "../lib/worker-processes.js";
import { noop } from "../workflows.js";

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs" },
  { key: "missing", title: "missing", digits: 0 },
  { key: "extra", title: "not due", digits: 0 },
  { key: "createdP50Ms", title: "fired p50 ms", digits: 0 },
  { key: "createdP99Ms", title: "fired p99 ms", digits: 0 },
  { key: "startedP50Ms", title: "started p50 ms", digits: 0 },
  { key: "startedP99Ms", title: "started p99 ms", digits: 0 },
  { key: "startedMaxMs", title: "started max ms", digits: 0 },
];

/** Figures of one round. */
export interface SchedulesRound extends RoundWarnings, RoundWorkerOutput {
  rows: Row[];
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every run in the store, paging through `listRuns`. */
async function allRuns(client: Engine): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listRuns({ limit: 1000, ...(cursor ? { cursor } : {}) });
    runs.push(...page.runs);
    cursor = page.nextCursor;
  } while (cursor);
  return runs;
}

/** Baseline: `count` rows inserted from the turn of the next minute; how late each commit is (ms). */
async function measureBaseline(
  context: ScenarioContext,
  name: string,
  count: number,
  minute: number,
): Promise<number[]> {
  const target = await openInsertTarget(context, name, 50);
  try {
    const turn = Math.ceil(Date.now() / minute) * minute;
    await pause(turn - Date.now());
    return await runInFlight(count, target.clients, async (n) => {
      await target.insert(n, 0, "{}");
      return Date.now() - turn;
    });
  } finally {
    await target.close();
  }
}

/** Runs the scenario on the context's store. */
export async function runSchedules(
  context: ScenarioContext,
  args: Parameters<Scenario["run"]>[1],
): Promise<ScenarioResult> {
  const minutes = optionValue(args, "minutes", 2);
  // The period of the schedules (a "minute" below), in seconds.
  const minute = optionValue(args, "period", 60) * 1000;
  const workersCount = optionValue(args, "workers", 2);
  const { runs: count, rounds } = args;
  const all: SchedulesRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const warnings = collectWarnings(context, `round ${round}`);
    const store = context.newStore(`schedules_${round}`);
    await using client = createEngine({ store, workflows: [noop], logger: warnings.logger });
    await client.store.migrate();
    context.log(`round ${round}: creating ${count} schedules firing every minute`);
    const createdFrom = Date.now();
    await runInFlight(count, 200, (n) =>
      // Every fire time gets its run, however late (a run still open, or a fire time the workers missed, is not skipped).
      client.schedules.create({
        id: `s-${n}`,
        workflow: noop,
        every: minute,
        input: { n },
        overlap: "allow",
        catchup: "all",
      }),
    );
    const workers = await startWorkers(workersCount, store, { prefix: `sched-${round}-` });
    let workerStderr: string[] = [];
    let workerStderrCount = 0;
    let engineRows: Row;
    try {
      // The fire times measured: the turns of the minute after the workers are ready.
      const first = Math.ceil(Date.now() / minute) * minute;
      const fireTimes = Array.from({ length: minutes }, (_, i) => first + i * minute);
      const last = fireTimes[fireTimes.length - 1] as number;
      context.log(`round ${round}: ${workersCount} workers ready; fire times ${new Date(first).toISOString()} on`);
      await pause(last - Date.now());
      const due = new Set(fireTimes);
      const ofDueTimes = (runs: RunSummary[]) =>
        runs.filter((run) => run.scheduledAt !== undefined && due.has(run.scheduledAt.getTime()));
      // Until every run of the measured fire times has completed (runs of an earlier one may complete meanwhile).
      for (const deadline = Date.now() + 5 * 60_000; ; ) {
        const finished = ofDueTimes(await allRuns(client)).filter((run) => run.status === "completed").length;
        if (finished >= count * minutes || Date.now() > deadline) break;
        await pause(1000);
      }
      const runs = (await allRuns(client)).filter((run) => run.scheduledAt !== undefined);
      const measured = ofDueTimes(runs);
      const perFire = new Set(measured.map((run) => `${run.scheduleId}@${(run.scheduledAt as Date).getTime()}`));
      const late = (at: Date | undefined, run: RunSummary) =>
        (at as Date).getTime() - (run.scheduledAt as Date).getTime();
      const created = measured.map((run) => late(run.createdAt, run));
      const started = measured.filter((run) => run.startedAt).map((run) => late(run.startedAt, run));
      engineRows = {
        config: `engine, ${workersCount} workers`,
        runs: measured.length,
        missing: count * minutes - perFire.size,
        // Fire times between the schedules' creation and the measured ones get their runs too (catch-up,
        // however long the workers took to start); none may come before the schedules existed.
        extra: runs.filter((run) => (run.scheduledAt as Date).getTime() < createdFrom).length,
        createdP50Ms: percentile(created, 50),
        createdP99Ms: percentile(created, 99),
        startedP50Ms: percentile(started, 50),
        startedP99Ms: percentile(started, 99),
        startedMaxMs: Math.max(...started),
      };
      workerStderr = [...workers.stderr];
      workerStderrCount = workers.stderrCount;
    } finally {
      await workers.stop();
    }
    context.log(`round ${round}: baseline, ${count} inserts from the turn of a minute`);
    const baseline = await measureBaseline(context, `schedules_base_${round}`, count, minute);
    const rows: Row[] = [
      {
        config: "baseline: INSERT+COMMITs at the turn",
        runs: count,
        missing: null,
        extra: null,
        createdP50Ms: percentile(baseline, 50),
        createdP99Ms: percentile(baseline, 99),
        startedP50Ms: null,
        startedP99Ms: null,
        startedMaxMs: null,
      },
      engineRows,
    ];
    all.push({
      round,
      rows,
      warnings: { count: warnings.count, lines: warnings.lines },
      workerStderr,
      workerStderrCount,
    });
  }
  return {
    params: { runs: count, rounds, minutes, workers: workersCount, periodMs: minute },
    columns,
    rows: medianRows(all.map((round) => round.rows)),
    rounds: all,
    notes: [
      "fired: a run's creation by the scheduler minus its fire time; started: its first start by a worker minus its fire time",
      ...warningNotes(all),
      ...workerNotes(all),
    ],
  };
}

/** The `schedules` scenario. */
export const schedules: Scenario = {
  name: "schedules",
  description: "10,000 schedules firing every minute, 2 worker processes: runs missing or not due, lateness",
  stores: ["postgres", "sqlite"],
  defaults: { rounds: 1, runs: 10_000 },
  options: {
    minutes: "fire times measured per round (default 2)",
    period: "seconds between fire times (default 60)",
    workers: "worker processes (default 2)",
  },
  run: runSchedules,
};
