/**
 * Prompt wake-ups: a worker polling only once a minute still picks up new
 * runs, signals and cancels sent through another connection to the store
 * (PostgreSQL: LISTEN/NOTIFY; SQLite: the notices table, read when the file
 * changes). The tests would time out if only the poll woke the worker.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine, defineWorkflow } from "baton";
import { countingClaims, eventually, startEngine, statusOf, tempStore } from "../helpers.js";

const quiet = { warn: () => {} };

test("a run started and signalled through another connection wakes a worker that polls once a minute", async () => {
  const store = tempStore();
  const wf = defineWorkflow("notified", async (ctx, n: number) => {
    const a = await ctx.step("before", () => n + 1);
    const extra = await ctx.waitForSignal<number>("go");
    return a + (extra as number);
  });
  const counted = countingClaims(store);
  await using worker = await startEngine([wf], { store: counted.store, pollInterval: "60s" });
  await using client = createEngine({ store, workflows: [wf], logger: quiet });
  // The worker's first poll has passed: from now on only notices wake it.
  await eventually(() => counted.claims() > 0);
  const run = await client.startRun(wf, 1);
  await statusOf(client, run.id, "waiting", 8000);
  await client.signal(run.id, "go", 40);
  assert.equal(await run.result(), 42);
  assert.equal((await worker.getRun(run.id)).status, "completed");
});

test("a cancel and a child's end reach a waiting run through another connection", async () => {
  const store = tempStore();
  const child = defineWorkflow("notified-child", async (ctx, n: number) => {
    await ctx.waitForSignal("finish");
    return n * 2;
  });
  const parent = defineWorkflow("notified-parent", async (ctx, n: number) => {
    const doubled = await ctx.child(child, n, { id: `child-of-${ctx.runId}` });
    await ctx.waitForSignal("never");
    return doubled;
  });
  const counted = countingClaims(store);
  await using worker = await startEngine([parent, child], { store: counted.store, pollInterval: "60s" });
  await using client = createEngine({ store, workflows: [parent, child], logger: quiet });
  await eventually(() => counted.claims() > 0); // its first poll has passed
  const run = await client.startRun(parent, 21);
  await statusOf(client, `child-of-${run.id}`, "waiting", 8000);
  await client.signal(`child-of-${run.id}`, "finish");
  assert.equal(await client.handle(`child-of-${run.id}`).result(), 42);
  await eventually(async () => (await client.getHistory(run.id)).some((event) => event.type === "child.completed"));
  await client.cancel(run.id);
  await statusOf(client, run.id, "cancelled", 8000);
  assert.equal((await worker.getRun(run.id)).status, "cancelled");
});
