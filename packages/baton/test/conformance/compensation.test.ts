import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, FatalError, RunFailedError } from "baton";
import { startEngine, statusOf, stepEnded } from "../helpers.js";

test("a failing run compensates completed steps in reverse order and ends compensated", async () => {
  const undone: string[] = [];
  const wf = defineWorkflow("saga", async (ctx) => {
    const hold = await ctx.step("reserve", () => ({ holdId: "h1" }), {
      compensate: (h) => {
        undone.push(`release ${h.holdId}`);
      },
    });
    await ctx.step("charge", () => ({ chargeId: "c1" }), {
      compensate: (c) => {
        undone.push(`refund ${c.chargeId}`);
      },
    });
    await ctx.step("no-undo", () => 1);
    await ctx.step("ship", () => {
      throw new FatalError("no courier");
    });
    return hold;
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await assert.rejects(run.result(), (e: unknown) => e instanceof RunFailedError && e.status === "compensated");
  assert.deepEqual(undone, ["refund c1", "release h1"]);
  const view = await engine.getRun(run.id);
  assert.equal(view.status, "compensated");
  assert.match(view.error?.message ?? "", /no courier/);
  assert.deepEqual(
    view.steps.filter((s) => s.compensation).map((s) => [s.name, s.compensation?.status]),
    [
      ["reserve", "completed"],
      ["charge", "completed"],
    ],
  );
  const types = (await engine.getHistory(run.id)).map((e) => `${e.type}${e.name ? `:${e.name}` : ""}`);
  assert.deepEqual(types.slice(-5), [
    "compensation.started:charge",
    "compensation.completed:charge",
    "compensation.started:reserve",
    "compensation.completed:reserve",
    "run.compensated",
  ]);
});

test("compensations follow the order steps completed in, also across parallel branches", async () => {
  const undone: string[] = [];
  const wf = defineWorkflow("saga-parallel", async (ctx) => {
    const undo = (name: string) => () => {
      undone.push(name);
    };
    await Promise.all([
      // "slow" ends once the end of "fast" is recorded.
      ctx.step("slow", () => stepEnded(engine, ctx.runId, "fast", "completed").then(() => 1), {
        compensate: undo("slow"),
      }),
      ctx.step("fast", () => 2, { compensate: undo("fast") }),
    ]);
    throw new FatalError("later failure");
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "compensated");
  assert.deepEqual(undone, ["slow", "fast"]);
});

test("a compensation is retried; when it cannot run the run ends failed with that error", async () => {
  let attempts = 0;
  const wf = defineWorkflow("saga-broken-undo", async (ctx) => {
    await ctx.step("reserve", () => 1, {
      retry: { maxAttempts: 2, initialInterval: 1 },
      compensate: () => {
        attempts++;
        throw new Error("inventory service down");
      },
    });
    throw new FatalError("fail after reserve");
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "failed");
  assert.equal(attempts, 2);
  const view = await engine.getRun(run.id);
  assert.equal(view.error?.code, "COMPENSATION_FAILED");
  assert.match(view.error?.message ?? "", /compensation of step "reserve" failed: inventory service down/);
  assert.equal(view.steps[0]?.compensation?.status, "failed");
});

test("a failing step that is caught does not compensate anything", async () => {
  let undone = 0;
  const wf = defineWorkflow("saga-caught", async (ctx) => {
    await ctx.step("a", () => 1, {
      compensate: () => {
        undone++;
      },
    });
    try {
      await ctx.step("b", () => {
        throw new FatalError("b failed");
      });
    } catch {
      return "recovered";
    }
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  assert.equal(await run.result(), "recovered");
  assert.equal(undone, 0);
});

test("a step still in flight when a parallel branch fails is waited for and compensated too", async () => {
  const undone: string[] = [];
  const wf = defineWorkflow("saga-inflight", async (ctx) => {
    await Promise.all([
      // "slow-ok" ends once the failure of "fails-fast" is recorded.
      ctx.step("slow-ok", () => stepEnded(engine, ctx.runId, "fails-fast", "failed").then(() => "slow"), {
        compensate: (v) => {
          undone.push(v);
        },
      }),
      ctx.step("fails-fast", () => {
        throw new FatalError("fast failure");
      }),
    ]);
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "compensated");
  assert.deepEqual(undone, ["slow"]);
});
