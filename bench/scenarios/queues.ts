/**
 * Scenario `queues` (SQLite and PostgreSQL): what flow control costs.
 *
 * Throughput, on one engine in the bench process: `runs` runs of `steps`
 * steps (defaults 10,000 and 3) started at once and timed from the first
 * start to the last end, in each configuration of the same round on the same
 * store kind:
 * - `unlimited`: the `default` queue (the baseline);
 * - `default queue, 100 in memory`: the same with `maxRunsInMemory: 100`,
 *   the worker's own bound: 100 runs at once without flow control (what a
 *   limit of 100 costs by itself, whoever enforces it);
 * - `concurrency 100`: a queue with `concurrency: 100`;
 * - `perKey 1, 1000 keys`: a queue with `perKey: 1`, the runs spread over
 *   1,000 concurrency keys.
 * The ratio is each configuration's runs/s over the baseline's.
 *
 * Claim cost as pending runs grow: a queue with `perKey: 1` whose keys but
 * one each have a run holding their slot, with `pending` runs (default
 * 2,000 and 20,000) spread over the keys; the time of one claim (median of
 * 20) that takes the runnable runs, against the same claim on the smaller
 * store: a claim whose cost followed the pending runs would take about ten
 * times as long on the larger.
 */
import { createEngine, type Store } from "baton";
import { collectWarnings, type EngineWarnings, type RoundWarnings, warningNotes } from "../lib/engine-warnings.js";
import { runBatch } from "../lib/runs.js";
import type { Column, Row, Scenario, ScenarioContext, ScenarioResult } from "../lib/scenario.js";
import { optionValue } from "../lib/scenario.js";
import { median, medianRows } from "../lib/stats.js";
import { steps as stepsWorkflow } from "../workflows.js";

const columns: Column[] = [
  { key: "config", title: "config" },
  { key: "runs", title: "runs" },
  { key: "runsPerSecond", title: "runs/s", digits: 1 },
  { key: "claimMs", title: "claim ms", digits: 2 },
  { key: "ratio", title: "vs baseline", digits: 2 },
];

/** Figures of one round. */
export interface QueuesRound extends RoundWarnings {
  rows: Row[];
}

const keyed = "keyed";

/** `runs` runs of `steps` steps in `queue` (with `keys` concurrency keys), started at once; runs/s. */
async function measureThroughput(
  context: ScenarioContext,
  name: string,
  runs: number,
  steps: number,
  queue: { name: string; options: Record<string, unknown>; keys?: number } | undefined,
  warnings: EngineWarnings,
  maxRunsInMemory?: number,
): Promise<number> {
  await using engine = createEngine({
    store: context.newStore(name),
    workflows: [stepsWorkflow],
    logger: warnings.logger,
    ...(queue ? { queues: { [queue.name]: queue.options } } : {}),
    ...(maxRunsInMemory ? { maxRunsInMemory } : {}),
  });
  await engine.start();
  const options = (n: number) =>
    queue ? { queue: queue.name, ...(queue.keys ? { concurrencyKey: `k-${n % queue.keys}` } : {}) } : {};
  const timings = await runBatch(engine, stepsWorkflow, () => ({ steps }), runs, {
    timeoutMs: 600_000,
    startOptions: options,
  });
  return runs / (timings.spanMs / 1000);
}

/**
 * A store holding `pending` runs of a `perKey: 1` queue over `keys` keys,
 * all keys but the last holding a slot; the median time of `claims` claims
 * of one run each (a claim takes the runnable run, the next claim finds it
 * taken... so each claim is released before the next).
 */
async function measureClaims(context: ScenarioContext, name: string, pending: number, keys: number): Promise<number> {
  const address = context.newStore(name);
  await using engine = createEngine({
    store: address,
    workflows: [stepsWorkflow],
    queues: { [keyed]: { perKey: 1 } },
    logger: { warn: () => {} },
  });
  await engine.store.migrate();
  await engine.store.registerQueues([{ name: keyed, perKey: 1, holdWhileWaiting: false }], "bench", Date.now());
  const start = (n: number, key: number) =>
    engine.startRun(stepsWorkflow, { steps: 1 }, { id: `r-${n}`, queue: keyed, concurrencyKey: `k-${key}` });
  // One run per key but the last, taken by a worker that holds them.
  for (let key = 0; key < keys - 1; key += 500) {
    await Promise.all(Array.from({ length: Math.min(500, keys - 1 - key) }, (_, i) => start(key + i, key + i)));
  }
  const request = (owner: string, limit: number) => ({
    owner,
    now: Date.now(),
    leaseMs: 3_600_000,
    limit,
    workflows: [`${stepsWorkflow.name}@${stepsWorkflow.version}`],
    queues: [keyed],
  });
  const held = await engine.store.claimRuns(request("holder", keys));
  if (held.runs.length !== keys - 1) throw new Error(`held ${held.runs.length} runs, expected ${keys - 1}`);
  for (let n = keys - 1; n < keys - 1 + pending; n += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, keys - 1 + pending - n) }, (_, i) => start(n + i, (n + i) % keys)),
    );
  }
  return median(await timeClaims(engine.store, () => request("claimer", 10), 20));
}

/** Times `count` claims; each run a claim takes is released before the next, so each finds the same work. */
async function timeClaims(store: Store, request: () => Parameters<Store["claimRuns"]>[0], count: number) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const began = performance.now();
    const result = await store.claimRuns(request());
    times.push(performance.now() - began);
    if (result.runs.length !== 1) throw new Error(`a claim took ${result.runs.length} runs, expected 1`);
    for (const { lease } of result.runs) {
      await store.appendHistory(lease, {
        kind: "release",
        events: [],
        status: "pending",
        wakeAt: null,
        now: Date.now(),
      });
    }
  }
  return times;
}

/** Runs the scenario on the context's store. */
export async function runQueues(
  context: ScenarioContext,
  args: Parameters<Scenario["run"]>[1],
): Promise<ScenarioResult> {
  const steps = optionValue(args, "steps", 3);
  const keys = optionValue(args, "keys", 1000);
  const pendings = args.options.pending ?? [2000, 20_000];
  const { runs, rounds } = args;
  const all: QueuesRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const warnings = collectWarnings(context, `round ${round}`);
    context.log(
      `round ${round}: unlimited, 100 in memory, concurrency 100, perKey 1 over ${keys} keys (${runs} runs each)`,
    );
    const unlimited = await measureThroughput(context, `q_base_${round}`, runs, steps, undefined, warnings);
    const hundred = await measureThroughput(context, `q_mem_${round}`, runs, steps, undefined, warnings, 100);
    const limited = await measureThroughput(
      context,
      `q_limit_${round}`,
      runs,
      steps,
      { name: "limited", options: { concurrency: 100 } },
      warnings,
    );
    const perKey = await measureThroughput(
      context,
      `q_key_${round}`,
      runs,
      steps,
      { name: keyed, options: { perKey: 1 }, keys },
      warnings,
    );
    const row = (config: string, perSecond: number): Row => ({
      config,
      runs,
      runsPerSecond: perSecond,
      claimMs: null,
      ratio: perSecond / unlimited,
    });
    const rows = [
      row("unlimited (baseline)", unlimited),
      row("default queue, 100 in memory", hundred),
      row("concurrency 100", limited),
      row(`perKey 1, ${keys} keys`, perKey),
    ];
    let smallest: number | undefined;
    for (const pending of pendings) {
      context.log(`round ${round}: one claim of a perKey queue with ${pending} pending runs`);
      const ms = await measureClaims(context, `q_claims_${pending}_${round}`, pending, keys);
      smallest ??= ms;
      rows.push({
        config: `claim, ${pending} pending`,
        runs: null,
        runsPerSecond: null,
        claimMs: ms,
        ratio: ms / smallest,
      });
    }
    all.push({ round, rows, warnings: { count: warnings.count, lines: warnings.lines } });
  }
  return {
    params: { runs, rounds, steps, keys, pending: pendings },
    columns,
    rows: medianRows(all.map((round) => round.rows)),
    rounds: all,
    notes: [
      "ratio: runs/s over the unlimited baseline; for claims, the claim's time over the claim on the fewest pending runs",
      ...warningNotes(all),
    ],
  };
}

/** The `queues` scenario. */
export const queues: Scenario = {
  name: "queues",
  description:
    "flow control: a queue limited to 100 and a perKey queue vs the default queue; claim time vs pending runs",
  stores: ["sqlite", "postgres"],
  defaults: { rounds: 1, runs: 10_000 },
  options: {
    steps: "steps per run (default 3)",
    keys: "concurrency keys of the perKey queue (default 1000)",
    pending: "pending runs of the claim measurements (default 2000,20000)",
  },
  run: runQueues,
};
