/**
 * Smoke checks of each scenario with tiny numbers (one round), run on SQLite
 * by `bench/test/<scenario>.test.ts` and on PostgreSQL by
 * `bench/test/postgres/<scenario>.test.ts`: the result has its shape and
 * every run completed (each scenario checks its runs' outputs itself and
 * throws otherwise). No timing is asserted.
 */
import assert from "node:assert/strict";
import { runConcurrent } from "../scenarios/concurrent.js";
import { runFanOut } from "../scenarios/fan-out.js";
import { runHumanTasks } from "../scenarios/human-tasks.js";
import { runQueues } from "../scenarios/queues.js";
import { runRecovery } from "../scenarios/recovery.js";
import { runSchedules } from "../scenarios/schedules.js";
import { runSequential } from "../scenarios/sequential.js";
import { runStartup } from "../scenarios/startup.js";
import { runTasks } from "../scenarios/tasks.js";
import { runTimers } from "../scenarios/timers.js";
import { runWaiting } from "../scenarios/waiting.js";
import { assertShape, type TestContext } from "./test-context.js";

/** `sequential`: 5 runs of 3 steps. */
export async function smokeSequential(t: TestContext): Promise<void> {
  const result = await runSequential(t.context, { rounds: 1, runs: 5, steps: 3 });
  assert.deepEqual(result.params, { rounds: 1, runs: 5, steps: 3 });
  assertShape(result, ["baseline (INSERT+COMMIT)", "engine"], ["runsPerSecond", "stepP50Ms", "stepP99Ms", "ratio"]);
  for (const row of result.rows) assert.equal(row.runs, 5);
  assert.equal(result.rows[0]?.ratio, 1);
}

/** `concurrent`: 12 runs of 3 steps with 2 and 5 in flight, then 5 on a store of 30 finished runs. */
export async function smokeConcurrent(t: TestContext): Promise<void> {
  const result = await runConcurrent(t.context, { rounds: 1, runs: 12, steps: 3, inFlight: [2, 5], filled: 30 });
  assert.equal(result.params.runs, 12);
  assertShape(
    result,
    [
      "baseline, 2 in flight",
      "engine, 2 in flight",
      "baseline, 5 in flight",
      "engine, 5 in flight",
      "engine, 5 in flight, 30 runs in store",
    ],
    ["runsPerSecond", "stepsPerSecond", "p50Ms", "p99Ms", "ratio", "busyCores", "benchCores", "postgresCores"],
  );
  for (const row of result.rows) {
    assert.equal(row.runs, 12);
    // Cores are null when a measurement was shorter than the system's tick (10 ms): these are.
    for (const key of ["busyCores", "benchCores", "postgresCores"]) {
      const cores = row[key];
      assert.ok(cores === null || (typeof cores === "number" && cores >= 0), `${row.config} ${key}: ${cores}`);
    }
    if (t.context.store === "sqlite") assert.equal(row.postgresCores, null);
  }
}

/** `fan-out`: one run of 20 parallel steps; 3 parents of 2 children of 3 steps. */
export async function smokeFanOut(t: TestContext): Promise<void> {
  const result = await runFanOut(t.context, { rounds: 1, runs: 3, width: 20, children: 2, steps: 3 });
  assertShape(
    result,
    [
      "baseline, 20 inserts in flight",
      "1 run x 20 parallel steps",
      "baseline, 6 x 3 inserts",
      "3 runs x 2 children x 3 steps",
    ],
    ["ms", "stepsPerSecond", "ratio"],
  );
  assert.deepEqual(
    result.rows.map((row) => [row.runs, row.steps]),
    [
      [20, 20],
      [1, 20],
      [6, 18],
      [9, 18],
    ],
  );
}

/** `waiting`: 20 runs waiting for a signal in a worker process. */
export async function smokeWaiting(t: TestContext): Promise<void> {
  const result = await runWaiting(t.context, { rounds: 1, runs: 20, senders: 5, echo: false });
  assertShape(
    result,
    ["baseline, 5 inserts in flight", "engine, 1 worker process"],
    ["rssMb", "heapMb", "completeMs", "resumeP50Ms", "resumeP99Ms", "ratio"],
  );
  const engine = result.rows[1];
  assert.equal(engine?.runs, 20);
  assert.ok((engine?.rssMb as number) > 0 && (engine?.heapMb as number) > 0);
}

/** `timers`: 20 runs sleeping 200 ms in a worker process. */
export async function smokeTimers(t: TestContext): Promise<void> {
  const result = await runTimers(t.context, { rounds: 1, runs: 20, sleepMs: 200, echo: false });
  assertShape(
    result,
    ["baseline (setTimeout + INSERT+COMMIT)", "engine, 1 worker process"],
    ["startsMs", "lateP50Ms", "lateP99Ms", "lateMaxMs", "spanMs", "ratio"],
  );
  for (const row of result.rows) assert.equal(row.runs, 20);
}

/**
 * `recovery`: 10 runs of 8 steps of 1 s, the worker killed, a 1 s lease.
 * The runs must still be running once the second worker process is up (on
 * PostgreSQL it starts before the kill): on a loaded machine that took over
 * 3 s.
 */
export async function smokeRecovery(t: TestContext): Promise<void> {
  const result = await runRecovery(t.context, {
    rounds: 1,
    runs: 10,
    steps: 8,
    sleepMs: 1000,
    leaseMs: 1000,
    echo: false,
  });
  assertShape(
    result,
    ["baseline (sleep + INSERT+COMMIT per step, no crash)", "engine, worker killed (lease 1000 ms)"],
    ["totalMs", "resumeP50Ms", "resumeP99Ms", "allRunningMs", "completeMs", "ratio"],
  );
  for (const row of result.rows) assert.equal(row.runs, 10);
  assert.ok((result.rows[1]?.allRunningMs as number) > 0);
}

/** `startup`: an empty store and one with 30 finished runs. */
export async function smokeStartup(t: TestContext): Promise<void> {
  const result = await runStartup(t.context, { rounds: 1, runs: 30 });
  assertShape(
    result,
    ["baseline (open + INSERT+COMMIT)", "empty store", "30 finished runs"],
    ["startMs", "firstRunMs", "readyMs", "stopMs", "ratio"],
  );
  assert.deepEqual(
    result.rows.map((row) => row.runs),
    [null, 0, 30],
  );
}

/** `queues`: 30 runs of 2 steps unlimited, limited and per key; claims with 20 and 60 pending runs over 5 keys. */
export async function smokeQueues(t: TestContext): Promise<void> {
  const result = await runQueues(t.context, {
    rounds: 1,
    runs: 30,
    options: { steps: [2], keys: [5], pending: [20, 60] },
  });
  assertShape(
    result,
    [
      "unlimited (baseline)",
      "default queue, 100 in memory",
      "concurrency 100",
      "perKey 1, 5 keys",
      "claim, 20 pending",
      "claim, 60 pending",
    ],
    ["runsPerSecond", "claimMs", "ratio"],
  );
  assert.deepEqual(
    result.rows.map((row) => row.runs),
    [30, 30, 30, 30, null, null],
  );
  assert.equal(result.rows[0]?.ratio, 1);
  assert.equal(result.rows[4]?.ratio, 1);
}

/** `schedules`: 20 schedules every 3 s, 2 fire times, 2 workers: none missing, none not due. */
export async function smokeSchedules(t: TestContext): Promise<void> {
  const result = await runSchedules(t.context, {
    rounds: 1,
    runs: 20,
    options: { minutes: [2], period: [3], workers: [2] },
  });
  assertShape(
    result,
    ["baseline: INSERT+COMMITs at the turn", "engine, 2 workers"],
    ["createdP50Ms", "createdP99Ms", "startedP50Ms", "startedP99Ms", "startedMaxMs"],
  );
  const engine = result.rows[1];
  assert.deepEqual([engine?.runs, engine?.missing, engine?.extra], [40, 0, 0]);
}

/** `tasks`: a round trip of 5 calls, 20 runs of one call with 2 task workers holding up to 5 tasks each, polls of 200 and 400 queued tasks. */
export async function smokeTasks(t: TestContext): Promise<void> {
  const options = {
    rounds: 1,
    runs: 20,
    calls: 5,
    taskWorkers: 2,
    max: 5,
    warmUp: 4,
    warmUpCalls: 2,
    pending: [200, 400],
  };
  const result = await runTasks(t.context, options);
  assertShape(
    result,
    [
      "round trip: step in process (baseline)",
      "round trip: task, 1 task worker",
      "throughput: step in process (baseline)",
      "throughput: task, 2 task workers",
      "poll, 200 queued",
      "poll, 400 queued",
    ],
    ["callsPerSecond", "callP50Ms", "callP99Ms", "pollMs", "runP50Ms", "ratio", "tasksPerPoll"],
  );
  assert.deepEqual(
    result.rows.map((row) => row.calls),
    [5, 5, 20, 20, null, null],
  );
  assert.equal(result.rows[4]?.ratio, 1);
  assert.equal(result.rows[0]?.ratio, 1);
  assert.equal(result.rows[2]?.ratio, 1);
  assert.ok((result.rows[3]?.tasksPerPoll as number) > 0);
}

/** `human-tasks`: 10 runs waiting for a signal, then 10 for a person. */
export async function smokeHumanTasks(t: TestContext): Promise<void> {
  const result = await runHumanTasks(t.context, { rounds: 1, runs: 10, options: {} });
  assertShape(
    result,
    ["signal wait (baseline)", "human task", "to wait, vs baseline"],
    ["toWaitMs", "answeredMs", "answersPerSecond", "ratio"],
  );
  assert.equal(result.rows[0]?.ratio, 1);
  assert.ok((result.rows[1]?.answersPerSecond as number) > 0);
}
