/**
 * Scenario `tasks` (SQLite and PostgreSQL): what it costs to hand a call to
 * a task worker over HTTP (`ctx.task`), against the same call as a step in
 * process (`ctx.step`), in the same round on the same store kind. The engine
 * executes the runs and serves the HTTP API (`startServer`, loopback) in the
 * bench process; the task workers are processes of their own
 * (`bench/task-worker.ts`: a fetch loop that long-polls
 * `POST /api/tasks/poll` and completes each task at once with its input).
 *
 * Round trip: one run making `calls` no-op calls in sequence (default 200),
 * tasks served by one task worker, then the baseline: one run making as
 * many no-op steps, on the same engine. Per call: the time between two
 * successive calls returning, read from a clock in the workflow code (the
 * workflow's point of view: recording the call, handing it out, its
 * outcome recorded and handed back). Both kinds first warm up on 20 calls.
 * The history of the task run also splits each task call in store times
 * (whole ms): `task.scheduled` to the lease (the poll that took it), the
 * lease to the completion (the worker's HTTP requests), the completion to
 * `task.completed` (the run reading and recording it).
 *
 * Throughput: `runs` runs (default 10,000) each making one no-op call,
 * started at once, timed from the first run's creation to the last one's
 * end (store times), after a warm-up of `warm-up` runs (default 500):
 * steps in process on a fresh store (the baseline), then tasks on a fresh
 * store served by `task-workers` task worker processes (default 4), each
 * holding up to `max` tasks (default 50; its polls ask for as many as it
 * has room for). With where the processors went meanwhile (`cpu-meter.ts`).
 * The engine's `maxRunsInMemory` is raised above the runs, so that no
 * waiting run is evicted (at the default 10,000, the worker would evict a
 * tenth of them, each then claimed and replayed when its task completes).
 *
 * Poll cost as queued tasks grow: a store holding `pending` queued tasks
 * (default 1,000 and 10,000; runs waiting for one task each, no task
 * worker), the median time of 20 polls of the store (`pollTasks`) taking 10
 * tasks each, against the same polls on the smaller store: a poll whose cost
 * followed the queued tasks would take about ten times as long on the larger.
 *
 * `vs baseline` is a speed ratio: the step's p50 over the task's, or
 * tasks/s over steps/s; for polls, a time ratio: the poll's time over the
 * poll on the fewest queued tasks.
 */
import { type CpuUse, startCpuMeter } from "../lib/cpu-meter.js";
import {
  collectWarnings,
  type EngineWarnings,
  type RoundWarnings,
  type RoundWorkerOutput,
  warningNotes,
  workerNotes,
} from "../lib/engine-warnings.js";
import { storeNow } from "../lib/read-histories.js";
import { runBatch } from "../lib/runs.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult } from "../lib/scenario.js";
import { optionValue } from "../lib/scenario.js";
import { medianRows, percentile } from "../lib/stats.js";
import { openTaskService, type TaskService } from "../lib/task-service.js";
import { waitForStatus } from "../lib/wait-for-status.js";
import { clockedCalls, type NoopCall, oneCall } from "../workflows.js";

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "calls", title: "calls" },
  { key: "callsPerSecond", title: "calls/s", digits: 0 },
  { key: "callP50Ms", title: "call p50 ms", digits: 2 },
  { key: "callP99Ms", title: "call p99 ms", digits: 2 },
  { key: "pollMs", title: "poll ms", digits: 2 },
  { key: "runP50Ms", title: "run p50 ms", digits: 0 },
  { key: "ratio", title: "vs baseline", digits: 3 },
  { key: "tasksPerPoll", title: "tasks/poll", digits: 1 },
  { key: "busyCores", title: "cores busy", digits: 2 },
  { key: "benchCores", title: "engine", digits: 2 },
  { key: "workerCores", title: "workers", digits: 2 },
  { key: "postgresCores", title: "PostgreSQL", digits: 2 },
];

/** Sizes and options of `runTasks`. */
export interface TasksOptions {
  rounds: number;
  /** Runs of the throughput measurement. */
  runs: number;
  /** Calls of the round-trip run. */
  calls: number;
  /** Task worker processes of the throughput measurement. */
  taskWorkers: number;
  /** Most tasks a task worker holds at once. */
  max: number;
  /** Runs of the unmeasured warm-up before each throughput measurement (0: none). */
  warmUp: number;
  /** Queued tasks of the poll measurements (at least 200 each: the polls take 200), smallest first. Default [1000, 10000]. */
  pending?: number[];
  /** Calls of the unmeasured warm-up run of each kind before the round trip. Default 20. */
  warmUpCalls?: number;
  /** Pass the task workers' standard error on (default true). */
  echo?: boolean;
}

/** Figures of one round. */
export interface TasksRound extends RoundWarnings, RoundWorkerOutput {
  rows: Row[];
  /** What the task workers said they did (round trip, then throughput), one report per worker. */
  workerStats: Record<string, unknown>[][];
}

const roundTripQueue = "bench-round-trip";
const throughputQueue = "bench-throughput";
const pollQueue = "bench-polls";

/** A run of `calls` calls of `kind`; the time of each call (ms) from the workflow's clock. */
async function clockCalls(service: TaskService, kind: NoopCall["kind"], calls: number, queue: string) {
  const run = await service.engine.startRun(clockedCalls, { calls, kind, queue });
  const output = await run.result();
  if (output.calls !== calls || output.at.length !== calls + 1) {
    throw new Error(`run ${run.id} returned ${output.at.length} times, expected ${calls + 1}`);
  }
  const callMs = output.at.slice(1).map((at, i) => at - (output.at[i] as number));
  return { runId: run.id, callMs, totalMs: (output.at[calls] as number) - (output.at[0] as number) };
}

/** Medians over the task calls of run `runId` of the parts of a call, from its history (store times, whole ms). */
async function splitTaskCalls(service: TaskService, runId: string) {
  const history = await service.engine.getHistory(runId);
  const scheduled = new Map(history.filter((e) => e.type === "task.scheduled").map((e) => [e.position, e.at]));
  const toLease: number[] = [];
  const leaseToComplete: number[] = [];
  const completeToRecorded: number[] = [];
  for (const event of history) {
    const last = event.attempts?.[event.attempts.length - 1];
    const at = scheduled.get(event.position);
    if (event.type !== "task.completed" || !last || !at) continue;
    toLease.push(last.startedAt.getTime() - at.getTime());
    leaseToComplete.push(last.finishedAt.getTime() - last.startedAt.getTime());
    completeToRecorded.push(event.at.getTime() - last.finishedAt.getTime());
  }
  return {
    scheduledToLeaseMs: percentile(toLease, 50),
    leaseToCompleteMs: percentile(leaseToComplete, 50),
    completeToRecordedMs: percentile(completeToRecorded, 50),
  };
}

/** The round trip: a run of task calls served by one task worker, and the same run of step calls. */
async function measureRoundTrip(
  context: ScenarioContext,
  round: number,
  options: TasksOptions,
  warnings: EngineWarnings,
) {
  await using service = await openTaskService(context, `tasks_rt_r${round}`, {
    workflows: [clockedCalls],
    warnings,
    taskWorkers: 1,
    queue: roundTripQueue,
    max: options.max,
    ...(options.echo === undefined ? {} : { echo: options.echo }),
  });
  const warmUpCalls = options.warmUpCalls ?? 20;
  await clockCalls(service, "task", warmUpCalls, roundTripQueue);
  await clockCalls(service, "step", warmUpCalls, roundTripQueue);
  await service.workers?.report("stats");
  const steps = await clockCalls(service, "step", options.calls, roundTripQueue);
  const tasks = await clockCalls(service, "task", options.calls, roundTripQueue);
  const workerStats = (await service.workers?.report("stats")) ?? [];
  const split = await splitTaskCalls(service, tasks.runId);
  const stepP50 = percentile(steps.callMs, 50);
  const taskP50 = percentile(tasks.callMs, 50);
  const row = (config: string, measured: typeof steps, ratio: number): Row => ({
    ...emptyRow(config),
    calls: options.calls,
    callsPerSecond: options.calls / (measured.totalMs / 1000),
    callP50Ms: percentile(measured.callMs, 50),
    callP99Ms: percentile(measured.callMs, 99),
    ratio,
  });
  const rows = [
    row("round trip: step in process (baseline)", steps, 1),
    { ...row("round trip: task, 1 task worker", tasks, stepP50 / taskP50), tasksPerPoll: tasksPerPoll(workerStats) },
  ];
  context.log(`round ${round}: round trip p50 step ${stepP50.toFixed(2)} ms, task ${taskP50.toFixed(2)} ms`);
  return { rows, split, workerStats, output: service.workerOutput() };
}

/** A row of `config` with no figure. */
function emptyRow(config: string): Row {
  return { config, ...Object.fromEntries(columns.slice(1).map((column) => [column.key, null])) };
}

/** Tasks completed per poll sent, over the task workers' reports. */
function tasksPerPoll(stats: Record<string, unknown>[]): number | null {
  const sum = (key: string) =>
    stats.reduce((total, s) => total + (typeof s[key] === "number" ? (s[key] as number) : 0), 0);
  return sum("polls") > 0 ? sum("tasks") / sum("polls") : null;
}

/** `runs` runs of one call of `kind` (after a warm-up), on a fresh store. */
async function measureThroughput(
  context: ScenarioContext,
  round: number,
  kind: NoopCall["kind"],
  options: TasksOptions,
  warnings: EngineWarnings,
) {
  const taskWorkers = kind === "task" ? options.taskWorkers : 0;
  await using service = await openTaskService(context, `tasks_${kind}_r${round}`, {
    workflows: [clockedCalls, oneCall],
    warnings,
    taskWorkers,
    queue: throughputQueue,
    max: options.max,
    // Every run waiting for its task stays in memory (at the limit, the worker would evict waiting runs).
    maxRunsInMemory: Math.max(10_000, 2 * options.runs),
    ...(options.echo === undefined ? {} : { echo: options.echo }),
  });
  const call = { kind, queue: throughputQueue };
  const timeoutMs = 600_000;
  if (options.warmUp > 0) {
    await runBatch(service.engine, clockedCalls, () => ({ ...call, calls: 1 }), options.warmUp, { timeoutMs });
  }
  await service.workers?.report("stats");
  const meter = startCpuMeter(service.workers?.pids ?? []);
  const timings = await runBatch(service.engine, oneCall, (n) => ({ ...call, n }), options.runs, { timeoutMs });
  const cpu: CpuUse = meter.stop();
  const workerStats = (await service.workers?.report("stats")) ?? [];
  const config =
    kind === "task" ? `throughput: task, ${taskWorkers} task workers` : "throughput: step in process (baseline)";
  const row: Row = {
    ...emptyRow(config),
    calls: timings.runs,
    callsPerSecond: timings.runs / (timings.spanMs / 1000),
    runP50Ms: percentile(timings.latenciesMs, 50),
    ratio: 1,
    tasksPerPoll: kind === "task" ? tasksPerPoll(workerStats) : null,
    busyCores: cpu.busy,
    benchCores: cpu.bench,
    workerCores: kind === "task" ? cpu.processes : null,
    postgresCores: context.store === "postgres" ? cpu.postgres : null,
  };
  return { row, workerStats, output: service.workerOutput() };
}

/** The median time of 20 polls of 10 tasks each on a store holding `pending` queued tasks. */
async function measurePolls(context: ScenarioContext, round: number, pending: number, warnings: EngineWarnings) {
  await using service = await openTaskService(context, `tasks_polls_${pending}_r${round}`, {
    workflows: [oneCall],
    warnings,
    taskWorkers: 0,
    queue: pollQueue,
    max: 10,
    maxRunsInMemory: Math.max(10_000, 2 * pending),
  });
  const { engine } = service;
  for (let n = 0; n < pending; n += 1000) {
    const batch = Math.min(1000, pending - n);
    await Promise.all(
      Array.from({ length: batch }, (_, i) =>
        engine.startRun(oneCall, { kind: "task" as const, queue: pollQueue, n: n + i }),
      ),
    );
  }
  await waitForStatus(engine, ["waiting"], pending, { timeoutMs: 600_000 });
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const request = { workerId: "bench-poller", queues: [pollQueue], limit: 10, now: storeNow(engine) };
    const began = performance.now();
    const leased = await engine.store.pollTasks(request);
    times.push(performance.now() - began);
    if (leased.length !== 10)
      throw new Error(`poll ${i + 1} of ${pending} queued tasks leased ${leased.length}, expected 10`);
  }
  return percentile(times, 50);
}

/** Runs the scenario on the context's store. */
export async function runTasks(context: ScenarioContext, options: TasksOptions): Promise<ScenarioResult> {
  const all: (TasksRound & { split: Awaited<ReturnType<typeof splitTaskCalls>> })[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const warnings = collectWarnings(context, `round ${round}`);
    context.log(`round ${round}: round trip, ${options.calls} calls of each kind`);
    const trip = await measureRoundTrip(context, round, options, warnings);
    context.log(`round ${round}: throughput, ${options.runs} runs of one step`);
    const steps = await measureThroughput(context, round, "step", options, warnings);
    context.log(`round ${round}: throughput, ${options.runs} runs of one task, ${options.taskWorkers} task workers`);
    const tasks = await measureThroughput(context, round, "task", options, warnings);
    tasks.row.ratio = (tasks.row.callsPerSecond as number) / (steps.row.callsPerSecond as number);
    const polls: Row[] = [];
    for (const pending of options.pending ?? [1000, 10_000]) {
      context.log(`round ${round}: polls of a task queue holding ${pending} queued tasks`);
      const ms = await measurePolls(context, round, pending, warnings);
      const first = (polls[0]?.pollMs as number | undefined) ?? ms;
      polls.push({ ...emptyRow(`poll, ${pending} queued`), pollMs: ms, ratio: ms / first });
    }
    context.log(
      `round ${round}: ${(steps.row.callsPerSecond as number).toFixed(0)} steps/s, ${(tasks.row.callsPerSecond as number).toFixed(0)} tasks/s`,
    );
    all.push({
      round,
      rows: [...trip.rows, steps.row, tasks.row, ...polls],
      split: trip.split,
      workerStats: [trip.workerStats, tasks.workerStats],
      warnings: { count: warnings.count, lines: warnings.lines },
      workerStderr: [...trip.output.lines, ...tasks.output.lines].slice(0, 1000),
      workerStderrCount: trip.output.count + tasks.output.count,
    });
  }
  const rows = medianRows(all.map((round) => round.rows));
  const [split] = medianRows(all.map((round) => [round.split as unknown as Row]));
  return {
    params: { ...options },
    columns,
    rows,
    rounds: all,
    notes: [
      "vs baseline: for the round trip the step's p50 over the task's, for throughput tasks/s over steps/s (1: as fast); for polls the poll's time over the poll on the fewest queued tasks",
      `a task call in store times (whole ms, medians): scheduled to leased ${split?.scheduledToLeaseMs}, leased to completed ${split?.leaseToCompleteMs}, completed to recorded ${split?.completeToRecordedMs}`,
      ...warningNotes(all),
      ...workerNotes(all),
    ],
  };
}

/** The `tasks` scenario. */
export const tasks: Scenario = {
  name: "tasks",
  description:
    "ctx.task served by task worker processes over HTTP vs ctx.step in process: round trip of sequential calls, throughput of one-task runs",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 3, runs: 10_000 },
  options: {
    calls: "sequential calls of the round-trip run (default 200)",
    "task-workers": "task worker processes of the throughput measurement (default 4)",
    max: "most tasks a task worker holds at once, its polls' max (default 50, at most 100)",
    "warm-up": "runs of the unmeasured warm-up before each throughput measurement (default 500)",
    pending: "queued tasks of the poll measurements, at least 200 (default 1000,10000)",
  },
  run: (context, args) =>
    runTasks(context, {
      rounds: args.rounds,
      runs: args.runs,
      calls: optionValue(args, "calls", 200),
      taskWorkers: optionValue(args, "task-workers", 4),
      max: Math.min(optionValue(args, "max", 50), 100),
      warmUp: optionValue(args, "warm-up", 500),
      pending: args.options.pending ?? [1000, 10_000],
    }),
};
