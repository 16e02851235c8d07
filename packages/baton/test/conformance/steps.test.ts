import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow } from "baton";
import { startEngine } from "../helpers.js";

test("a step runs once, its result is checkpointed and returned", async () => {
  let calls = 0;
  const wf = defineWorkflow("steps-basic", async (ctx, input: { n: number }) => {
    const a = await ctx.step("double", () => {
      calls++;
      return input.n * 2;
    });
    const b = await ctx.step("add", () => a + 1);
    return { a, b };
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, { n: 20 });
  assert.deepEqual(await run.result(), { a: 40, b: 41 });
  assert.equal(calls, 1);
  const view = await engine.getRun(run.id);
  assert.equal(view.status, "completed");
  assert.deepEqual(
    view.steps.map((s) => [s.position, s.name, s.status, s.output]),
    [
      [0, "double", "completed", 40],
      [1, "add", "completed", 41],
    ],
  );
  const history = await engine.getHistory(run.id);
  assert.deepEqual(
    history.map((e) => e.type),
    ["run.started", "step.started", "step.completed", "step.started", "step.completed", "run.completed"],
  );
});
