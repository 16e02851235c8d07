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

test("a step with options that are not valid rejects at the call, naming the field; nothing is recorded and the run goes on", async () => {
  const wf = defineWorkflow("steps-bad-options", async (ctx) => {
    const refused: string[] = [];
    for (const options of [{ retry: { maxAttempts: 0 } }, { timeout: -1 }, { retry: { jitter: 2 } }]) {
      try {
        await ctx.step("bad", () => 1, options);
      } catch (error) {
        refused.push(`${(error as { code?: string }).code}: ${(error as Error).message}`);
      }
    }
    return { refused, good: await ctx.step("good", () => 2) };
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  const output = await run.result();
  assert.equal(output.good, 2);
  assert.deepEqual(
    output.refused.map((line) => line.split(":")[0]),
    ["INVALID_RETRY_POLICY", "INVALID_DURATION", "INVALID_RETRY_POLICY"],
  );
  assert.match(output.refused[0] ?? "", /maxAttempts 0/);
  assert.match(output.refused[2] ?? "", /jitter 2/);
  assert.deepEqual(
    (await engine.getHistory(run.id)).filter((e) => e.type.startsWith("step.")).map((e) => [e.type, e.name]),
    [
      ["step.started", "good"],
      ["step.completed", "good"],
    ],
  );
});

test("a workflow whose retry policy or timeout is not valid is refused when it is defined", () => {
  assert.throws(() => defineWorkflow("bad-retry", async () => 1, { retry: { backoffCoefficient: 0.5 } }), {
    code: "INVALID_WORKFLOW",
    message: /workflow "bad-retry".*backoffCoefficient 0.5/,
  });
  assert.throws(() => defineWorkflow("bad-timeout", async () => 1, { timeout: "soon" }), {
    code: "INVALID_WORKFLOW",
    message: /workflow "bad-timeout"/,
  });
});
