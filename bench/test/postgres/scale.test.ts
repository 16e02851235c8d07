/**
 * Smoke test of the `scale` scenario with tiny numbers (one round, 20 runs,
 * 1 and 2 worker processes holding 6 runs between them, so that the others
 * queue, after a warm-up of 4 runs) in the test run's PostgreSQL database:
 * the result has its table and raw rounds, and every run completed. No
 * timing is asserted.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { schemaAddress } from "../../lib/postgres.js";
import { formatTable } from "../../lib/table.js";
import { runScale, type ScaleRound } from "../../scenarios/scale.js";

const databaseUrl = process.env.BATON_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const prefix = `bench_${process.pid}_${Date.now().toString(36)}`;

test("the scale scenario measures the baseline and each worker count, and every run completes", async () => {
  const logs: string[] = [];
  const result = await runScale(
    {
      store: "postgres",
      postgresUrl: databaseUrl,
      newStore: (name) => schemaAddress(databaseUrl, `${prefix}_${name}`),
      log: (message) => logs.push(message),
    },
    { rounds: 1, runs: 20, workers: [1, 2], inFlight: 6, warmUp: 4, echo: false },
  );

  const { baselineClients, ...params } = result.params;
  assert.deepEqual(params, { rounds: 1, runs: 20, steps: 10, inFlight: 6, warmUp: 4, workers: [1, 2] });
  assert.ok(Array.isArray(baselineClients) && baselineClients.length === 1);
  assert.ok(baselineClients.every((n) => typeof n === "number" && n >= 1 && n <= 20));
  assert.deepEqual(
    result.rows.map((row) => row.config),
    ["baseline (10 inserts/run)", "1 worker", "2 workers"],
  );
  for (const row of result.rows) {
    assert.equal(row.runs, 20);
    for (const key of ["runsPerSecond", "stepsPerSecond", "p50Ms", "p99Ms", "ratio"]) {
      assert.ok(typeof row[key] === "number" && Number.isFinite(row[key]) && row[key] > 0, `${row.config} ${key}`);
    }
  }
  assert.equal(result.rows[0]?.ratio, 1);

  const [round] = result.rounds as ScaleRound[];
  assert.equal(result.rounds.length, 1);
  assert.equal(round?.baseline.runs, 20);
  assert.deepEqual(
    round?.engine.map((e) => [e.workers, e.runs]),
    [
      [1, 20],
      [2, 20],
    ],
  );
  assert.equal(logs.length, 3);
  // Where the processors went: read on Linux (CI), null elsewhere. A process
  // is counted in whole ticks (10 ms): too coarse for a figure of each to be
  // sure to show in runs this small, but not for the whole machine.
  if (process.platform === "linux") {
    for (const row of result.rows) {
      for (const key of ["busyCores", "postgresCores", "workerCores", "benchCores"]) {
        assert.ok(typeof row[key] === "number" && row[key] >= 0, `${row.config} ${key}`);
      }
      assert.ok((row.busyCores as number) > 0, `${row.config}: the machine was busy`);
    }
    assert.equal(result.rows[0]?.workerCores, 0); // the baseline has no worker processes
  } else {
    for (const row of result.rows) assert.equal(row.busyCores, null);
  }

  const table = formatTable(result.columns, result.rows).split("\n");
  assert.equal(table.length, 2 + result.rows.length);
  assert.match(
    table[0] ?? "",
    /^config\s+runs\s+runs\/s\s+steps\/s\s+p50 ms\s+p99 ms\s+vs baseline\s+cores busy\s+PostgreSQL\s+workers\s+client$/,
  );
});
