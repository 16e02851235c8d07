/**
 * Scenario `scale` (PostgreSQL): throughput of `steps`-step runs with 1, 2
 * and 4 worker processes on one schema, next to a raw baseline measured in
 * the same round on the same database: the same number of runs, each
 * `steps` single-row INSERT+COMMITs through `pg`, all in flight at once.
 *
 * Each round measures the baseline, then each worker count on a fresh
 * schema: the workers start, a client engine (never started) starts every
 * run up front, and the round ends when the store counts them all completed.
 * The workers hold `inFlight` runs between them (each a `maxRunsInMemory`
 * of its share): the others wait in the store until a worker has room.
 * Before that, the workers warm up on `warmUp` runs of another workflow of
 * the same shape (their JIT compilers start cold; the bench's own engine
 * in `concurrent` is warm from the rounds before).
 * The table shows medians over the rounds, with where the processors went
 * meanwhile (`cpu-meter.ts`): cores busy in all, and those of PostgreSQL, of
 * the worker processes and of the client (the bench process, which starts
 * the runs and polls for their end).
 */
import { createEngine } from "baton";
import { type CpuUse, startCpuMeter } from "../lib/cpu-meter.js";
import { measureInsertBaseline } from "../lib/insert-baseline.js";
import { freeConnections, splitAddress } from "../lib/postgres.js";
import { type BatchTimings, runBatch } from "../lib/runs.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult, ScenarioSizes } from "../lib/scenario.js";
import { optionValue } from "../lib/scenario.js";
import { medianOf, percentile } from "../lib/stats.js";
import { startWorkers } from "../lib/worker-processes.js";
import { clockedSteps, steps as stepsWorkflow } from "../workflows.js";

/** Options of `runScale`. */
export interface ScaleOptions extends ScenarioSizes {
  /** Worker process counts to measure. Default [1, 2, 4]. */
  workers?: number[];
  /** Steps per run (and inserts per baseline run). Default 10. */
  steps?: number;
  /** Runs the workers hold at once, shared out evenly. Default 500. */
  inFlight?: number;
  /** Runs of the warm-up batch, not measured (0: none). Default 500. */
  warmUp?: number;
  /** Longest wait for one batch of runs. Default 300000 ms. */
  timeoutMs?: number;
  /** Pass the workers' standard error on (default true). */
  echo?: boolean;
}

/** Figures of one batch. */
export interface Measured {
  runs: number;
  spanMs: number;
  startsMs: number;
  runsPerSecond: number;
  stepsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** One round: the baseline and each worker count. */
export interface ScaleRound {
  round: number;
  baseline: Measured & { clients: number; cpu: CpuUse };
  engine: (Measured & { workers: number; ratio: number; cpu: CpuUse; workerStderr: string[] })[];
}

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs" },
  { key: "runsPerSecond", title: "runs/s", digits: 1 },
  { key: "stepsPerSecond", title: "steps/s", digits: 0 },
  { key: "p50Ms", title: "p50 ms", digits: 0 },
  { key: "p99Ms", title: "p99 ms", digits: 0 },
  { key: "ratio", title: "vs baseline", digits: 2 },
  { key: "busyCores", title: "cores busy", digits: 2 },
  { key: "postgresCores", title: "PostgreSQL", digits: 2 },
  { key: "workerCores", title: "workers", digits: 2 },
  { key: "benchCores", title: "client", digits: 2 },
];

function measured(timings: BatchTimings, steps: number): Measured {
  const runsPerSecond = timings.runs / (timings.spanMs / 1000);
  return {
    runs: timings.runs,
    spanMs: Math.round(timings.spanMs),
    startsMs: Math.round(timings.startsMs),
    runsPerSecond,
    stepsPerSecond: runsPerSecond * steps,
    p50Ms: percentile(timings.latenciesMs, 50),
    p99Ms: percentile(timings.latenciesMs, 99),
  };
}

/** The median of one CPU figure over the rounds; null when a round could not read it. */
const medianCores = (items: { cpu: CpuUse }[], key: keyof CpuUse): number | null =>
  items.every((item) => item.cpu[key] !== null) ? medianOf(items, (item) => item.cpu[key] as number) : null;

/** Median row of figures over the rounds. */
function medianRow(config: string, items: (Measured & { cpu: CpuUse })[], ratio: number | null): Row {
  return {
    config,
    runs: medianOf(items, (m) => m.runs),
    runsPerSecond: medianOf(items, (m) => m.runsPerSecond),
    stepsPerSecond: medianOf(items, (m) => m.stepsPerSecond),
    p50Ms: medianOf(items, (m) => m.p50Ms),
    p99Ms: medianOf(items, (m) => m.p99Ms),
    ratio,
    busyCores: medianCores(items, "busy"),
    postgresCores: medianCores(items, "postgres"),
    workerCores: medianCores(items, "processes"),
    benchCores: medianCores(items, "bench"),
  };
}

async function measureWorkers(
  context: ScenarioContext,
  store: string,
  workers: number,
  runs: number,
  steps: number,
  options: ScaleOptions & { inFlight: number; warmUp: number },
) {
  const client = createEngine({
    store,
    workflows: [stepsWorkflow],
    logger: { warn: (message, error) => context.log(`[client] ${message} ${error ?? ""}`) },
  });
  try {
    await client.listRuns({ limit: 1 }); // migrates the schema and syncs the clock before the workers start
    const processes = await startWorkers(workers, store, {
      prefix: `w${workers}-`,
      echo: options.echo ?? true,
      maxRunsInMemory: Math.ceil(options.inFlight / workers),
    });
    try {
      const batchOptions = options.timeoutMs ? { timeoutMs: options.timeoutMs } : {};
      if (options.warmUp > 0) await runBatch(client, clockedSteps, () => ({ steps }), options.warmUp, batchOptions);
      const meter = startCpuMeter(processes.pids);
      const timings = await runBatch(client, stepsWorkflow, () => ({ steps }), runs, batchOptions);
      return { timings, cpu: meter.stop(), stderr: processes.stderr };
    } finally {
      const exits = await processes.stop();
      const unclean = exits.filter((exit) => !exit.endsWith("exited with 0"));
      if (unclean.length > 0) context.log(`workers did not stop cleanly: ${unclean.join(", ")}`);
    }
  } finally {
    await client[Symbol.asyncDispose]();
  }
}

/** Runs the scenario; `context.postgresUrl` must be set. */
export async function runScale(context: ScenarioContext, options: ScaleOptions): Promise<ScenarioResult> {
  const { postgresUrl } = context;
  if (context.store !== "postgres" || !postgresUrl) throw new Error("the scale scenario runs on PostgreSQL only");
  const workerCounts = options.workers ?? [1, 2, 4];
  const steps = options.steps ?? 10;
  const { runs, rounds } = options;
  const sizes = { ...options, inFlight: options.inFlight ?? 500, warmUp: options.warmUp ?? 500 };
  const results: ScaleRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const clients = Math.max(1, Math.min(runs, (await freeConnections(postgresUrl)) - 10));
    const { schema } = splitAddress(context.newStore(`baseline_r${round}`));
    const meter = startCpuMeter();
    const inserts = await measureInsertBaseline({ databaseUrl: postgresUrl, schema, runs, steps, clients });
    const baseline = { ...measured(inserts, steps), clients, cpu: meter.stop() };
    context.log(`round ${round}: baseline ${baseline.runsPerSecond.toFixed(1)} runs/s (${clients} connections)`);
    const engine: ScaleRound["engine"] = [];
    for (const workers of workerCounts) {
      const store = context.newStore(`scale_r${round}_w${workers}`);
      const { timings, cpu, stderr } = await measureWorkers(context, store, workers, runs, steps, sizes);
      const figures = measured(timings, steps);
      engine.push({
        workers,
        ...figures,
        ratio: figures.runsPerSecond / baseline.runsPerSecond,
        cpu,
        workerStderr: stderr,
      });
      context.log(
        `round ${round}: ${workers} worker(s) ${figures.runsPerSecond.toFixed(1)} runs/s, p99 ${figures.p99Ms.toFixed(0)} ms`,
      );
    }
    results.push({ round, baseline, engine });
  }

  const rows: Row[] = [
    medianRow(
      `baseline (${steps} inserts/run)`,
      results.map((r) => r.baseline),
      1,
    ),
    ...workerCounts.map((workers) => {
      const items = results.map((r) => r.engine.find((e) => e.workers === workers) as ScaleRound["engine"][number]);
      return medianRow(
        `${workers} worker${workers === 1 ? "" : "s"}`,
        items,
        medianOf(items, (m) => m.ratio),
      );
    }),
  ];
  const notes = results.flatMap((r) =>
    r.engine
      .filter((e) => e.workerStderr.length > 0)
      .map(
        (e) => `round ${r.round}, ${e.workers} worker(s): ${e.workerStderr.length} warning line(s) from the workers`,
      ),
  );
  const baselineClients = results.map((r) => r.baseline.clients);
  return {
    params: {
      rounds,
      runs,
      steps,
      inFlight: sizes.inFlight,
      warmUp: sizes.warmUp,
      workers: workerCounts,
      baselineClients,
    },
    columns,
    rows,
    rounds: results,
    notes,
  };
}

/** The `scale` scenario of the runner. */
export const scale: Scenario = {
  name: "scale",
  description: "10-step runs with 1, 2 and 4 worker processes on one PostgreSQL schema, against raw INSERT+COMMITs",
  stores: ["postgres"],
  defaults: { rounds: 3, runs: 2000 },
  options: {
    workers: "worker process counts, one configuration each (default 1,2,4)",
    "in-flight": "runs the workers hold at once, shared out evenly (default 500)",
    "warm-up": "runs of the unmeasured warm-up batch of each configuration (default 500)",
  },
  run: (context, args) =>
    runScale(context, {
      ...args,
      workers: args.options.workers,
      inFlight: optionValue(args, "in-flight", 500),
      warmUp: optionValue(args, "warm-up", 500),
    }),
};
