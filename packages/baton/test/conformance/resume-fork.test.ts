import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, FatalError } from "baton";
import { startEngine, statusOf } from "../helpers.js";

test("a failed run resumes from the failed step; completed steps are kept", async () => {
  const calls: string[] = [];
  let broken = true;
  const wf = defineWorkflow("etl", async (ctx) => {
    const rows = await ctx.step("extract", () => {
      calls.push("extract");
      return [1, 2, 3];
    });
    const sum = await ctx.step("transform", () => {
      calls.push("transform");
      if (broken) throw new FatalError("bad mapping");
      return rows.reduce((a, b) => a + b, 0);
    });
    return ctx.step("load", () => {
      calls.push("load");
      return { loaded: sum };
    });
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "failed");
  assert.deepEqual(calls, ["extract", "transform"]);
  broken = false;
  const resumed = await engine.resume(run.id);
  assert.deepEqual(await resumed.result(), { loaded: 6 });
  assert.deepEqual(calls, ["extract", "transform", "transform", "load"]);
  const history = (await engine.getHistory(run.id)).map((e) => e.type);
  assert.ok(history.includes("run.resumed"));
  await assert.rejects(engine.resume(run.id), { code: "RUN_NOT_FAILED" });
});

test("fork starts a new run that reuses the results recorded before the given step", async () => {
  const calls: string[] = [];
  const wf = defineWorkflow("pipeline", async (ctx, input: { factor: number }) => {
    const a = await ctx.step("fetch", () => {
      calls.push("fetch");
      return 10;
    });
    const b = await ctx.step("scale", () => {
      calls.push("scale");
      return a * input.factor;
    });
    return ctx.step("publish", () => {
      calls.push("publish");
      return b + 1;
    });
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, { factor: 2 });
  assert.equal(await run.result(), 21);
  calls.length = 0;
  const fork = await engine.fork(run.id, { fromStep: "scale", id: "forked" });
  assert.equal(await fork.result(), 21);
  assert.deepEqual(calls, ["scale", "publish"]);
  const started = (await engine.getHistory("forked"))[0];
  assert.deepEqual(started?.forkedFrom, { runId: run.id, position: 1 });
  calls.length = 0;
  const fromTwo = await engine.fork(run.id, { fromStep: 2 });
  assert.equal(await fromTwo.result(), 21);
  assert.deepEqual(calls, ["publish"]);
  await assert.rejects(engine.fork(run.id, { fromStep: "nope" }), { code: "INVALID_STEP" });
  await assert.rejects(engine.fork(run.id, { fromStep: 9 }), { code: "INVALID_STEP" });
});
