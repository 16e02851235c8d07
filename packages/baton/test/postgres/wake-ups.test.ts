/**
 * Prompt wake-ups on PostgreSQL: a worker polling only once a minute still
 * picks up new runs and signals sent from another process, through
 * LISTEN/NOTIFY. The test would time out if only the poll woke the worker.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine, defineWorkflow } from "baton";
import { startEngine, statusOf, tempStore } from "../helpers.js";

const quiet = { warn: () => {} };

test("a run started and signalled from another process wakes a worker that polls once a minute", async () => {
  const store = tempStore();
  const wf = defineWorkflow("notified", async (ctx, n: number) => {
    const a = await ctx.step("before", () => n + 1);
    const extra = await ctx.waitForSignal<number>("go");
    return a + (extra as number);
  });
  await using worker = await startEngine([wf], { store, pollInterval: "60s" });
  await using client = createEngine({ store, workflows: [wf], logger: quiet });
  // The worker's first poll has passed: from now on only notices wake it.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const run = await client.startRun(wf, 1);
  await statusOf(client, run.id, "waiting", 8000);
  await client.signal(run.id, "go", 40);
  assert.equal(await run.result(), 42);
  assert.equal((await worker.getRun(run.id)).status, "completed");
});
