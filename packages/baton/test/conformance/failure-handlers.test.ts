import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, type FailureInput, FatalError } from "baton";
import { eventually, startEngine, statusOf } from "../helpers.js";

const seen: FailureInput[] = [];
const alert = defineWorkflow("alert", async (ctx, failure: FailureInput) => {
  await ctx.step("notify", () => {
    seen.push(failure);
    return { notified: failure.runId };
  });
  if (failure.workflow === "fragile-handler-test") throw new FatalError("the handler fails too");
  return "alerted";
});

let undone = 0;
const charge = defineWorkflow(
  "charge",
  async (ctx, input: { amount: number }) => {
    await ctx.step("hold", () => "h-1", {
      compensate: () => {
        undone++;
      },
    });
    await ctx.step("capture", () => {
      if (input.amount > 100) throw new FatalError(`card declined for ${input.amount}`);
      return "captured";
    });
    return "ok";
  },
  { onFailure: alert },
);

const plain = defineWorkflow("plain", async (ctx, input: { fail: boolean }) =>
  ctx.step(
    "work",
    () => {
      if (input.fail) throw new FatalError("plain failure");
      return "done";
    },
    { retry: { maxAttempts: 1 } },
  ),
);

test("a run that ends compensated starts its workflow's failure handler once, as its child, with what failed", async () => {
  seen.length = 0;
  await using engine = await startEngine([charge]);
  const run = await engine.startRun(charge, { amount: 500 }, { id: "fh-1" });
  await statusOf(engine, run.id, "compensated");
  assert.equal(undone, 1);
  const handler = await eventually(async () => {
    const found = await engine.getRun("fh-1:on-failure");
    return found.status === "completed" ? found : undefined;
  });
  assert.deepEqual([handler.workflow, handler.parentId, handler.output], ["alert", "fh-1", "alerted"]);
  assert.equal(seen.length, 1);
  const [failure] = seen;
  assert.deepEqual(
    {
      runId: failure?.runId,
      workflow: failure?.workflow,
      version: failure?.version,
      input: failure?.input,
      status: failure?.status,
      code: failure?.error?.code,
      failedStep: failure?.failedStep,
    },
    {
      runId: "fh-1",
      workflow: "charge",
      version: "1",
      input: { amount: 500 },
      status: "compensated",
      code: "STEP_FAILED",
      failedStep: { position: 1, name: "capture" },
    },
  );
  assert.match(failure?.error?.message ?? "", /card declined for 500/);
  assert.deepEqual(
    (await engine.getRun("fh-1")).children.map((child) => child.id),
    ["fh-1:on-failure"],
    "the handler is listed among the failed run's children",
  );
  const ok = await engine.startRun(charge, { amount: 5 }, { id: "fh-2" });
  assert.equal(await ok.result(), "ok");
  await assert.rejects(engine.getRun("fh-2:on-failure"), { code: "RUN_NOT_FOUND" }, "a run that completes starts none");
});

test("the engine's handler serves workflows without their own; a resumed run that fails again starts no second one", async () => {
  seen.length = 0;
  await using engine = await startEngine([plain], { onFailure: alert });
  const run = await engine.startRun(plain, { fail: true }, { id: "fh-3" });
  await statusOf(engine, run.id, "failed");
  await statusOf(engine, "fh-3:on-failure", "completed");
  await engine.resume(run.id);
  await eventually(async () => (await engine.getHistory(run.id)).filter((e) => e.type === "run.failed").length === 2);
  await statusOf(engine, run.id, "failed");
  assert.equal(seen.length, 1, "one handler run per failed run");
  assert.deepEqual([seen[0]?.status, seen[0]?.failedStep?.name], ["failed", "work"]);
});

test("a failure handler that fails starts no handler of its own", async () => {
  seen.length = 0;
  const fragile = defineWorkflow("fragile-handler-test", async () => {
    throw new FatalError("fragile");
  });
  await using engine = await startEngine([fragile], { onFailure: alert });
  const run = await engine.startRun(fragile, undefined, { id: "fh-4" });
  await statusOf(engine, run.id, "failed");
  await statusOf(engine, "fh-4:on-failure", "failed");
  assert.equal(seen.length, 1);
  await assert.rejects(engine.getRun("fh-4:on-failure:on-failure"), { code: "RUN_NOT_FOUND" });
  assert.throws(() => defineWorkflow("bad", async () => 1, { onFailure: {} as never }), { code: "INVALID_WORKFLOW" });
});
