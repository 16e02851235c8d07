/**
 * Scenario `waiting` (SQLite and PostgreSQL): `runs` runs (default 10,000)
 * each waiting for a signal in one worker process (`bench/worker.ts`, its
 * `maxRunsInMemory` raised above `runs` so that every waiting run stays in
 * its memory). The bench process starts the runs through a client engine
 * (never started), waits until all are `waiting`, reads the worker's memory
 * (after a full garbage collection), then:
 *
 * - paced: signals the first `paced` runs (default 1,000) one every `pace-ms`
 *   (default 5 ms, 200 signals a second), each sent once the previous one
 *   returned, and waits until they have completed: the latency of a signal
 *   to a worker that keeps up;
 * - burst: signals the others, `senders` signals in flight (default 100), and
 *   waits until all have completed: the latency includes the queue that
 *   builds up when signals come faster than the worker resumes runs.
 *
 * Resume latency of a run: its `signal.received` history event (written by
 * the worker) minus the moment `signal()` was called in the bench process
 * (so it includes the signal's own commit; taken when the call returned, a
 * worker that reacts to the notice at once could come out ahead of it), both
 * on the store's clock (PostgreSQL: the
 * database's, as each engine reads it; SQLite: the system clock).
 *
 * Baseline, in the same round on the same store: one single-row
 * INSERT+COMMIT per signal, `senders` in flight (PostgreSQL: on as many
 * connections; SQLite: one connection, one at a time).
 */

import { createEngine } from "baton";
import {
  collectWarnings,
  type EngineWarnings,
  type RoundWarnings,
  type RoundWorkerOutput,
  warningNotes,
  workerNotes,
} from "../lib/engine-warnings.js";
import { runInFlight } from "../lib/in-flight.js";
import { measureInserts } from "../lib/insert-baseline.js";
import { openInsertTarget } from "../lib/insert-target.js";
import { checkCompleted, eventOf, readHistories, storeNow } from "../lib/read-histories.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult, ScenarioSizes } from "../lib/scenario.js";
import { optionValue } from "../lib/scenario.js";
import { startRuns } from "../lib/start-runs.js";
import { medianRows, percentile } from "../lib/stats.js";
import { waitForStatus } from "../lib/wait-for-status.js";
import { startWorkers, type WorkerMemory } from "../lib/worker-processes.js";
import { waitForGo } from "../workflows.js";

/** Options of `runWaiting`. */
export interface WaitingOptions extends ScenarioSizes {
  /** Signals in flight in the burst. Default 100. */
  senders?: number;
  /** Runs signalled one at a time before the burst. Default 1000 (at most half the runs). */
  paced?: number;
  /** Time between two paced signals, in ms. Default 5. */
  paceMs?: number;
  /** Longest wait for all runs to wait, then to complete. Default 600000 ms. */
  timeoutMs?: number;
  /** Pass the worker's standard error on (default true). */
  echo?: boolean;
}

/** Figures of one round. */
export interface WaitingRound extends RoundWarnings, RoundWorkerOutput {
  idle: WorkerMemory;
  waiting: WorkerMemory;
  rows: Row[];
}

const mb = (bytes: number) => bytes / 1024 / 1024;

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs" },
  { key: "rssIdleMb", title: "idle rss MB", digits: 0 },
  { key: "rssMb", title: "rss MB", digits: 0 },
  { key: "heapMb", title: "heap MB", digits: 0 },
  { key: "heapKbPerRun", title: "heap KB/run", digits: 1 },
  { key: "parkMs", title: "park ms", digits: 0 },
  { key: "pacedP50Ms", title: "paced p50 ms", digits: 1 },
  { key: "pacedP99Ms", title: "paced p99 ms", digits: 1 },
  { key: "signalMs", title: "burst signal ms", digits: 0 },
  { key: "completeMs", title: "burst complete ms", digits: 0 },
  { key: "resumeP50Ms", title: "burst p50 ms", digits: 0 },
  { key: "resumeP99Ms", title: "burst p99 ms", digits: 0 },
  { key: "ratio", title: "vs baseline", digits: 2 },
];

async function measureEngine(
  context: ScenarioContext,
  clientWarnings: EngineWarnings,
  round: number,
  options: WaitingOptions,
  senders: number,
) {
  const { runs } = options;
  const paced = Math.min(options.paced ?? 1000, Math.floor(runs / 2));
  const paceMs = options.paceMs ?? 5;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const store = context.newStore(`waiting_r${round}`);
  await using client = createEngine({
    store,
    workflows: [waitForGo],
    logger: clientWarnings.logger,
  });
  await client.listRuns({ limit: 1 }); // migrates the schema and syncs the clock before the worker starts
  const worker = await startWorkers(1, store, {
    prefix: `waiting-r${round}-`,
    echo: options.echo ?? true,
    maxRunsInMemory: Math.max(10_000, Math.ceil(runs * 1.2)),
  });
  try {
    const [idle] = (await worker.memory()) as [WorkerMemory];
    const began = performance.now();
    const { ids } = await startRuns(client, waitForGo, (n) => ({ n }), runs);
    await waitForStatus(client, ["waiting"], runs, { timeoutMs });
    const parkMs = performance.now() - began;
    const [waiting] = (await worker.memory()) as [WorkerMemory];

    const sentAt = new Array<number>(runs);
    const send = async (n: number) => {
      sentAt[n] = storeNow(client);
      await client.signal(ids[n] as string, "go", { n });
    };
    const pacedBegan = performance.now();
    for (let n = 0; n < paced; n++) {
      const due = pacedBegan + n * paceMs;
      if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      await send(n);
    }
    await waitForStatus(client, ["completed"], paced, { timeoutMs });

    const firstSent = storeNow(client);
    const signalBegan = performance.now();
    await runInFlight(runs - paced, senders, (n) => send(paced + n));
    const signalMs = performance.now() - signalBegan;
    await waitForStatus(client, ["completed"], runs, { timeoutMs });

    const pacedMs: number[] = [];
    const resumeMs: number[] = [];
    let lastFinished = 0;
    (await readHistories(client, ids)).forEach((history, n) => {
      const id = ids[n] as string;
      const completed = checkCompleted(history, id, { n, ok: true });
      const latency = eventOf(history, "signal.received", id).at.getTime() - (sentAt[n] as number);
      if (n < paced) pacedMs.push(latency);
      else {
        resumeMs.push(latency);
        lastFinished = Math.max(lastFinished, completed.at.getTime());
      }
    });
    return {
      paced,
      pacedMs,
      idle,
      waiting,
      parkMs,
      signalMs,
      completeMs: lastFinished - firstSent,
      resumeMs,
      stderr: worker.stderr,
      stderrCount: worker.stderrCount,
    };
  } finally {
    const exits = await worker.stop();
    const unclean = exits.filter((exit) => !exit.endsWith("exited with 0"));
    if (unclean.length > 0) context.log(`worker did not stop cleanly: ${unclean.join(", ")}`);
  }
}

/** Runs the scenario on the context's store. */
export async function runWaiting(context: ScenarioContext, options: WaitingOptions): Promise<ScenarioResult> {
  const senders = options.senders ?? 100;
  const { runs, rounds } = options;
  const results: WaitingRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const target = await openInsertTarget(context, `waiting_base_r${round}`, senders);
    const base = await measureInserts(target, {
      runs: runs - Math.min(options.paced ?? 1000, Math.floor(runs / 2)),
      steps: 1,
      inFlight: senders,
    }).finally(() => target.close());
    const clientWarnings = collectWarnings(context, "client");
    const m = await measureEngine(context, clientWarnings, round, options, senders);
    const resumeP50Ms = percentile(m.resumeMs, 50);
    const pacedP50Ms = percentile(m.pacedMs, 50);
    const rows: Row[] = [
      { config: `baseline, ${senders} inserts in flight`, runs: runs - m.paced, completeMs: base.spanMs, ratio: 1 },
      {
        config: "engine, 1 worker process",
        runs,
        rssIdleMb: mb(m.idle.rss),
        rssMb: mb(m.waiting.rss),
        heapMb: mb(m.waiting.heapUsed),
        heapKbPerRun: (m.waiting.heapUsed - m.idle.heapUsed) / 1024 / runs,
        parkMs: m.parkMs,
        pacedP50Ms,
        pacedP99Ms: percentile(m.pacedMs, 99),
        signalMs: m.signalMs,
        completeMs: m.completeMs,
        resumeP50Ms,
        resumeP99Ms: percentile(m.resumeMs, 99),
        ratio: base.spanMs / m.completeMs,
      },
    ];
    context.log(
      `round ${round}: rss ${mb(m.waiting.rss).toFixed(0)} MB; paced resume p50 ${pacedP50Ms.toFixed(1)} ms; burst: all complete ${m.completeMs.toFixed(0)} ms after its first signal, resume p50 ${resumeP50Ms.toFixed(0)} ms`,
    );
    results.push({
      round,
      warnings: { count: clientWarnings.count, lines: clientWarnings.lines },
      idle: m.idle,
      waiting: m.waiting,
      workerStderr: m.stderr,
      workerStderrCount: m.stderrCount,
      rows,
    });
  }
  const notes = [...workerNotes(results), ...warningNotes(results)];
  return {
    params: { rounds, runs, senders, paced: options.paced ?? 1000, paceMs: options.paceMs ?? 5 },
    columns,
    rows: medianRows(results.map((r) => r.rows)),
    rounds: results,
    notes,
  };
}

/** The `waiting` scenario of the runner. */
export const waiting: Scenario = {
  name: "waiting",
  description:
    "10,000 runs waiting for a signal in one worker process: its memory, then signal all, against raw INSERT+COMMITs",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 3, runs: 10_000 },
  options: {
    senders: "signals in flight in the burst (default 100)",
    paced: "runs signalled one at a time first (default 1000, at most half the runs)",
    "pace-ms": "time between two paced signals, in ms (default 5)",
  },
  run: (context, args) =>
    runWaiting(context, {
      ...args,
      senders: optionValue(args, "senders", 100),
      paced: optionValue(args, "paced", 1000),
      paceMs: optionValue(args, "pace-ms", 5),
    }),
};
