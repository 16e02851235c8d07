import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, type WorkflowContext } from "baton";
import { replayHistory } from "baton/testing";
import { startEngine, stepEnded, tempStore } from "../helpers.js";

/** The code in production: reserve, charge, wait for "ship", label. */
const body = async (ctx: WorkflowContext) => {
  await ctx.step("reserve", () => "r");
  await ctx.step("charge", () => "c");
  await ctx.waitForSignal("ship");
  return ctx.step("label", () => "l");
};
const deployed = defineWorkflow("shop", body);

/** Candidate changes of the same version: three that break open runs, one that does not. */
const renamed = defineWorkflow("shop", async (ctx) => {
  await ctx.step("reserve-stock", () => "r");
  await ctx.step("charge", () => "c");
  await ctx.waitForSignal("ship");
  return ctx.step("label", () => "l");
});
const reordered = defineWorkflow("shop", async (ctx) => {
  await ctx.step("charge", () => "c");
  await ctx.step("reserve", () => "r");
  await ctx.waitForSignal("ship");
  return ctx.step("label", () => "l");
});
const removed = defineWorkflow("shop", async (ctx) => {
  await ctx.step("reserve", () => "r");
  await ctx.waitForSignal("ship");
  return ctx.step("label", () => "l");
});
const patched = defineWorkflow("shop", async (ctx) => {
  await ctx.step("reserve", () => "r");
  if (ctx.patched("fraud-check")) await ctx.step("fraud-check", () => "ok");
  await ctx.step("charge", () => "c");
  await ctx.waitForSignal("ship");
  return ctx.step("label", () => "l");
});

test("the replay check reports a renamed, a reordered and a removed step, and lets a patch through", async () => {
  const store = tempStore();
  await using engine = await startEngine([deployed], { store });
  for (const id of ["s-1", "s-2"]) {
    await engine.startRun(deployed, undefined, { id });
    await stepEnded(engine, id, "charge", "completed");
  }
  const finished = await engine.startRun(deployed, undefined, { id: "s-done" });
  await stepEnded(engine, finished.id, "charge", "completed");
  await engine.signal(finished.id, "ship", true);
  await finished.result();

  const same = await engine.replayCheck();
  assert.deepEqual([same.checked, same.divergences], [2, []], "the deployed code follows its own open runs");

  const check = (workflow: typeof deployed) => engine.replayCheck({ workflows: [workflow] });
  const byRename = await check(renamed);
  assert.deepEqual(
    byRename.divergences.map((d) => [d.runId, d.position]),
    [
      ["s-1", 0],
      ["s-2", 0],
    ],
  );
  assert.match(
    byRename.divergences[0]?.message ?? "",
    /has step "reserve", but the workflow called step "reserve-stock"/,
  );
  const byOrder = await check(reordered);
  assert.equal(byOrder.divergences.length, 2);
  assert.match(
    byOrder.divergences[0]?.message ?? "",
    /at position 0 its history has step "reserve", but the workflow called step "charge"/,
  );
  const byRemoval = await check(removed);
  assert.equal(byRemoval.divergences[0]?.position, 1);
  assert.match(byRemoval.divergences[0]?.message ?? "", /position 1 .*step "charge".*signal "ship"/);
  assert.deepEqual((await check(patched)).divergences, [], "a patch is safe for every open run");

  const withFinished = await engine.replayCheck({ workflows: [removed], includeFinished: true });
  assert.equal(withFinished.checked, 3);
  assert.deepEqual(
    withFinished.divergences.map((d) => d.runId),
    ["s-1", "s-2", "s-done"],
  );
  const other = defineWorkflow("shop", body, { version: "2" });
  const skipped = await engine.replayCheck({ workflows: [other] });
  assert.deepEqual(
    [skipped.checked, skipped.skipped],
    [0, { "shop@1": 2 }],
    "runs of a version the code lacks are skipped",
  );

  const history = await engine.getHistory("s-1");
  assert.deepEqual(await replayHistory(patched, history, { runId: "s-1" }), { ok: true });
  const json = JSON.parse(JSON.stringify(history)); // as GET /api/runs/{id}/history gives it
  assert.equal((await replayHistory(renamed, json)).ok, false);
});
