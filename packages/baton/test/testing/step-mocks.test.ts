import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow } from "baton";
import { assertHistory, createTestEngine } from "baton/testing";

const calls: string[] = [];
const order = defineWorkflow("order", async (ctx, input: { amount: number }) => {
  const charge = await ctx.step("charge", () => {
    calls.push("charge");
    return { chargeId: "real" };
  });
  const label = await ctx.step("label", (step) => {
    calls.push("label");
    return `label for ${step.key}`;
  });
  return { charge, label, amount: input.amount };
});

test("a step mocked by createTestEngine({ steps }) runs the mock instead, and is recorded as usual", async () => {
  calls.length = 0;
  await using engine = await createTestEngine({
    workflows: [order],
    steps: { "order/charge": () => ({ chargeId: "c-1" }) },
  });
  const run = await engine.startRun(order, { amount: 10 }, { id: "o-1" });
  assert.deepEqual(await run.result(), { charge: { chargeId: "c-1" }, label: "label for o-1:1", amount: 10 });
  assert.deepEqual(calls, ["label"], "the real charge never ran");
  await assertHistory(engine, run.id, [
    "run.started",
    { type: "step.started", name: "charge", attempt: 1 },
    { type: "step.completed", name: "charge", output: { chargeId: "c-1" } },
    { type: "step.started", name: "label" },
    { type: "step.completed", name: "label", output: "label for o-1:1" },
    "run.completed",
  ]);
});

test("mockStep replaces a body from its next call, gets the step's context, and can be undone", async () => {
  calls.length = 0;
  await using engine = await createTestEngine({ workflows: [order] });
  const unmock = engine.mockStep(order, "label", (step) => {
    if (step.attempt === 1) throw new Error("printer jammed");
    return `mocked ${step.key} attempt ${step.attempt}`;
  });
  const run = await engine.startRun(order, { amount: 5 }, { id: "o-2" });
  assert.equal((await run.result()).label, "mocked o-2:1 attempt 2");
  await assertHistory(
    engine,
    run.id,
    [
      { type: "step.failed", name: "label", error: (error) => error?.message === "printer jammed" },
      { type: "step.completed", name: "label", attempt: 2 },
    ],
    { partial: true },
  );
  unmock();
  const real = await engine.startRun(order, { amount: 6 }, { id: "o-3" });
  assert.equal((await real.result()).label, "label for o-3:1");
  assert.deepEqual(calls, ["charge", "charge", "label"]);
});

test("a mock for a workflow the engine does not have, or a key without a workflow, is refused", async () => {
  await assert.rejects(createTestEngine({ workflows: [order], steps: { "shipping/label": () => 1 } }), {
    code: "INVALID_STEP_MOCK",
    message: /cannot mock step "label" of workflow "shipping": the engine has no such workflow \(registered: order\)/,
  });
  await assert.rejects(createTestEngine({ workflows: [order], steps: { charge: () => 1 } }), {
    code: "INVALID_STEP_MOCK",
    message: 'invalid step mock key "charge": expected "<workflow>/<step>"',
  });
  await using engine = await createTestEngine({ workflows: [order] });
  assert.throws(() => engine.mockStep("nope", "charge", () => 1), { code: "INVALID_STEP_MOCK" });
});
