import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock, defineWorkflow, FatalError, RetryableError, RunFailedError } from "baton";
import { eventually, startEngine, statusOf } from "../helpers.js";

test("a failing step is retried with backoff until it succeeds; every attempt is recorded", async () => {
  let calls = 0;
  const wf = defineWorkflow("retry-then-succeed", async (ctx) =>
    ctx.step(
      "flaky",
      (step) => {
        calls++;
        if (step.attempt < 3) throw new Error(`boom ${step.attempt}`);
        return "ok";
      },
      { retry: { maxAttempts: 5, initialInterval: 10, backoffCoefficient: 2, jitter: 0 } },
    ),
  );
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  assert.equal(await run.result(), "ok");
  assert.equal(calls, 3);
  const [step] = (await engine.getRun(run.id)).steps;
  assert.deepEqual(
    step?.attempts.map((a) => [a.attempt, a.status, a.error?.message]),
    [
      [1, "failed", "boom 1"],
      [2, "failed", "boom 2"],
      [3, "completed", undefined],
    ],
  );
  assert.match(step?.attempts[0]?.error?.stack ?? "", /boom 1/);
  const failures = (await engine.getHistory(run.id)).filter((e) => e.type === "step.failed");
  const gaps = failures.map((f) => (f.dueAt as Date).getTime() - f.at.getTime());
  assert.deepEqual(gaps, [10, 20]);
});

test("retry waits are durable timers driven by the clock", async () => {
  const clock = createTestClock();
  let calls = 0;
  const wf = defineWorkflow("retry-clock", async (ctx) =>
    ctx.step(
      "slow-retry",
      () => {
        calls++;
        if (calls === 1) throw new Error("first fails");
        return calls;
      },
      { retry: { initialInterval: "1m", jitter: 0 } },
    ),
  );
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "waiting");
  const [step] = (await engine.getRun(run.id)).steps;
  assert.equal(step?.attempts[0]?.retryAt?.getTime(), clock.now() + 60_000);
  await clock.advance("59s");
  assert.equal(calls, 1, "no retry before the backoff elapsed");
  await clock.advance("1s");
  assert.equal(await run.result(), 2);
});

test("FatalError stops retrying at once; the run fails with the step's error", async () => {
  let calls = 0;
  const wf = defineWorkflow("fatal", async (ctx) => {
    await ctx.step("declined", () => {
      calls++;
      throw new FatalError("card declined");
    });
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  const error = await run.result().then(
    () => assert.fail("expected failure"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RunFailedError);
  assert.equal(error.status, "failed");
  assert.match(error.error?.message ?? "", /step "declined" failed: card declined/);
  assert.equal(calls, 1);
});

test("attempts run out: the step fails after maxAttempts", async () => {
  let calls = 0;
  const wf = defineWorkflow("exhausted", async (ctx) => {
    try {
      await ctx.step(
        "always-fails",
        () => {
          calls++;
          throw new Error("nope");
        },
        { retry: { maxAttempts: 3, initialInterval: 1 } },
      );
    } catch (error) {
      return `caught: ${(error as Error).message}`;
    }
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  assert.equal(await run.result(), 'caught: step "always-fails" failed: nope');
  assert.equal(calls, 3);
});

test("RetryableError may set its own delay; the workflow's retry policy is the default", async () => {
  const clock = createTestClock();
  let calls = 0;
  const wf = defineWorkflow(
    "retry-after",
    async (ctx) =>
      ctx.step("rate-limited", () => {
        calls++;
        if (calls < 3) throw new RetryableError("429", { retryAfter: "30s" });
        return calls;
      }),
    { retry: { maxAttempts: 3 } },
  );
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "waiting");
  await clock.advance("29s");
  assert.equal(calls, 1);
  await clock.advance("1s");
  await eventually(() => calls === 2);
  await statusOf(engine, run.id, "waiting");
  assert.equal(calls, 2);
  await clock.advance("30s");
  assert.equal(await run.result(), 3);
});

test("a timed-out attempt counts as failed and is retried; the step sees an aborted signal", async () => {
  const clock = createTestClock();
  let aborted = 0;
  let bodies = 0;
  const wf = defineWorkflow("step-timeout", async (ctx) =>
    ctx.step(
      "hangs-once",
      (step) =>
        ++bodies === 1
          ? new Promise((_, reject) => {
              step.signal.addEventListener("abort", () => {
                aborted++;
                reject(step.signal.reason);
              });
            })
          : "second attempt",
      { timeout: "5s", retry: { initialInterval: "1s", jitter: 0 } },
    ),
  );
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, {});
  // The attempt's clock starts with its body, once its start is committed.
  await eventually(() => bodies === 1);
  await clock.advance("5s");
  await eventually(async () => (await engine.getRun(run.id)).steps[0]?.attempts[0]?.status === "failed");
  await clock.advance("1s");
  assert.equal(await run.result(), "second attempt");
  assert.equal(aborted, 1);
  const [step] = (await engine.getRun(run.id)).steps;
  assert.equal(step?.attempts[0]?.error?.code, "STEP_TIMEOUT");
});

test("a run timeout fails the run", async () => {
  const clock = createTestClock();
  const wf = defineWorkflow("run-timeout", async (ctx) => {
    await ctx.sleep("2h");
    return "late";
  });
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, {}, { timeout: "1h" });
  await statusOf(engine, run.id, "waiting");
  await clock.advance("1h");
  await statusOf(engine, run.id, "failed");
  const view = await engine.getRun(run.id);
  assert.equal(view.error?.code, "RUN_TIMEOUT");
});
