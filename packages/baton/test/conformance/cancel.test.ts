import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, RunFailedError } from "baton";
import { eventually, startEngine, statusOf } from "../helpers.js";

test("cancel stops a waiting run, runs its compensations and ends cancelled", async () => {
  const undone: string[] = [];
  const wf = defineWorkflow("cancel-waiting", async (ctx) => {
    await ctx.step("reserve", () => "hold", {
      compensate: (hold) => {
        undone.push(hold);
      },
    });
    await ctx.waitForSignal("approve");
    await ctx.step("never", () => undone.push("never ran"));
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "waiting");
  await engine.cancel(run.id);
  await assert.rejects(run.result(), (e: unknown) => e instanceof RunFailedError && e.status === "cancelled");
  assert.deepEqual(undone, ["hold"]);
  const types = (await engine.getHistory(run.id)).map((e) => e.type);
  assert.ok(types.indexOf("run.cancel_requested") < types.indexOf("compensation.started"));
  assert.equal(types.at(-1), "run.cancelled");
  await assert.rejects(engine.cancel(run.id), { code: "RUN_FINISHED" });
});

test("cancel of a running run aborts the step in flight and stops at the next durable point", async () => {
  const ran: string[] = [];
  const wf = defineWorkflow("cancel-running", async (ctx) => {
    await ctx.step("long", (step) => {
      ran.push("long");
      return new Promise((resolve) => step.signal.addEventListener("abort", () => resolve("aborted")));
    });
    await ctx.step("next", () => ran.push("next"));
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await eventually(() => ran.includes("long"));
  await engine.cancel(run.id);
  await statusOf(engine, run.id, "cancelled");
  assert.deepEqual(ran, ["long"]);
});

test("cancel of a run no worker has claimed yet takes effect when it is claimed", async () => {
  const wf = defineWorkflow("cancel-pending", async (ctx) => ctx.step("x", () => 1));
  await using engine = await startEngine([wf], { start: false });
  const run = await engine.startRun(wf, {});
  await engine.cancel(run.id);
  assert.equal((await engine.getRun(run.id)).cancelRequested, true);
  await engine.start();
  await statusOf(engine, run.id, "cancelled");
  assert.equal((await engine.getRun(run.id)).steps.length, 0);
});
