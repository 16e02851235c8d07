import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow } from "baton";
import { assertHistory, createTestEngine } from "baton/testing";
import { tempStore } from "../helpers.js";

const day = 86_400_000;

test("the test engine skips time on the store under test: sleeps, retry backoffs and wait timeouts", async () => {
  let calls = 0;
  const monthly = defineWorkflow("monthly", async (ctx) => {
    await ctx.sleep("30d");
    const answer = await ctx.waitForSignal<string>("renew", { timeout: "3d" });
    const charged = await ctx.step(
      "charge",
      () => {
        calls++;
        if (calls === 1) throw new Error("gateway busy");
        return "charged";
      },
      { retry: { maxAttempts: 2, initialInterval: "1h", maxInterval: "1h", jitter: 0 } },
    );
    return { answer: answer ?? "none", charged };
  });
  await using engine = await createTestEngine({ workflows: [monthly], store: tempStore() });
  const start = engine.now().getTime();
  const run = await engine.startRun(monthly, undefined);
  assert.deepEqual(await run.result(), { answer: "none", charged: "charged" });
  assert.ok(engine.now().getTime() - start >= 33 * day + 3_600_000);
  await assertHistory(
    engine,
    run.id,
    [
      { type: "timer.fired", at: (at: Date) => at.getTime() >= start + 30 * day },
      "signal.timed_out",
      { type: "step.failed", attempt: 1 },
      { type: "step.completed", attempt: 2 },
      "run.completed",
    ],
    { partial: true },
  );
});
