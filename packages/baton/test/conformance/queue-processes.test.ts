/**
 * A queue's limits hold across worker processes: four processes execute the
 * runs of a queue with `concurrency: 3, perKey: 1`, and a ledger every step
 * body writes (a SQLite file the processes share) counts the bodies running
 * at once.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createEngine } from "baton";
import { eventually, tempDir, tempStore } from "../helpers.js";
import { spawnWorker, stopWorker, type WorkerProcess } from "../process-harness.js";
import { openConcurrencyLedger } from "./queue-processes/concurrency-ledger.js";
import { createQueuedWorkflow, queueLimits } from "./queue-processes/queued-workflow.js";

const script = "test/conformance/queue-processes/worker-process.ts";

test("four worker processes never run more bodies of a queue at once than its limits allow", async () => {
  const store = tempStore();
  const ledgerPath = join(tempDir(), "ledger.db");
  const ledger = openConcurrencyLedger(ledgerPath);
  const workers: WorkerProcess[] = [];
  const workflow = createQueuedWorkflow();
  await using client = createEngine({ store, workflows: [workflow], queues: queueLimits, logger: { warn: () => {} } });
  try {
    for (let generation = 0; generation < 4; generation++)
      workers.push(spawnWorker(script, [store, ledgerPath, String(generation)], generation));
    await Promise.all(workers.map((worker) => worker.ready));
    const keys = ["a", "b", "c", "d", "e"];
    const runs = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        client.startRun(
          workflow,
          { key: keys[n % keys.length] as string, workMs: 25 },
          { concurrencyKey: keys[n % keys.length] },
        ),
      ),
    );
    await eventually(
      async () => (await client.listRuns({ status: ["completed"], limit: 100 })).runs.length === 40,
      60_000,
    );
    for (const run of runs) assert.equal(await run.result(), (await client.getRun(run.id)).concurrencyKey);
    const counts = new Map(ledger.read().map((row) => [row.key, row]));
    assert.equal(counts.get("*")?.bodies, 40, "every body ran once");
    assert.equal(counts.get("*")?.most, 3, "never more than 3 at once, and the limit was reached");
    for (const key of keys) assert.equal(counts.get(key)?.most, 1, `never two bodies of key ${key} at once`);
    const byWorker = new Set(workers.flatMap((worker) => worker.stderr));
    assert.deepEqual(
      [...byWorker].filter((line) => !line.includes("queue")),
      [],
      "no warnings",
    );
  } finally {
    await Promise.all(workers.map((worker) => stopWorker(worker, 10_000)));
    ledger.close();
  }
});
