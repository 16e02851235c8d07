import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine, createTestClock, defineWorkflow } from "baton";
import { countingClaims, eventually, startEngine, statusOf, tempStore } from "../helpers.js";

test("a 3-day sleep completes in milliseconds of test time, never early", async () => {
  const clock = createTestClock();
  const start = clock.now();
  const wf = defineWorkflow("sleepy", async (ctx) => {
    const before = ctx.now().getTime();
    await ctx.sleep("3d");
    return { before, after: ctx.now().getTime() };
  });
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "waiting");
  const [timer] = (await engine.getRun(run.id)).steps;
  assert.equal(timer?.kind, "timer");
  assert.equal(timer?.dueAt?.getTime(), start + 3 * 86_400_000);
  await clock.advance("3d");
  const result = (await run.result()) as { before: number; after: number };
  assert.equal(result.before, start);
  assert.ok(result.after >= start + 3 * 86_400_000, "woke no earlier than due");
});

test("sleepUntil waits until the given time", async () => {
  const clock = createTestClock();
  const until = clock.now() + 5 * 60_000;
  const wf = defineWorkflow("sleep-until", async (ctx, at: number) => {
    await ctx.sleepUntil(new Date(at));
    return ctx.now().getTime();
  });
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, until);
  await statusOf(engine, run.id, "waiting");
  await clock.advance("4m");
  assert.equal((await engine.getRun(run.id)).status, "waiting");
  await clock.advance("1m");
  assert.equal(await run.result(), until);
});

test("a sleeping run survives a restart and wakes on time", async () => {
  const clock = createTestClock();
  const store = tempStore();
  let woke = 0;
  const wf = defineWorkflow("sleep-restart", async (ctx) => {
    await ctx.sleep("1h");
    return ctx.step("after", () => ++woke);
  });
  const first = await startEngine([wf], { clock, store });
  const run = await first.startRun(wf, {});
  await statusOf(first, run.id, "waiting");
  await first[Symbol.asyncDispose]();

  await using second = await startEngine([wf], { clock, store });
  await clock.advance("30m");
  assert.equal((await second.getRun(run.id)).status, "waiting");
  await clock.advance("30m");
  assert.equal(await second.handle(run.id).result(), 1);
});

test("a timer of a run no worker holds wakes a worker at its due time, not at the next poll", async () => {
  const clock = createTestClock();
  const store = tempStore();
  const wf = defineWorkflow("napper", async (ctx) => {
    await ctx.sleep("3s");
    return ctx.step("after", () => ctx.now().getTime());
  });
  const first = await startEngine([wf], { clock, store, pollInterval: "60s" });
  const run = await first.startRun(wf, {});
  await statusOf(first, run.id, "waiting");
  await first[Symbol.asyncDispose](); // gives the run up with its timer
  const released = await (async () => {
    await using client = createEngine({ clock, store, workflows: [wf], logger: { warn: () => {} } });
    return await client.getRun(run.id);
  })();
  assert.equal(released.status, "waiting");
  const dueAt = released.steps[0]?.dueAt?.getTime() as number;
  assert.equal(dueAt, clock.now() + 3000, "the timer's due time is recorded");
  // Its first poll has passed, and the next is a minute of real time away: only the timer can wake it.
  const counted = countingClaims(store);
  await using second = await startEngine([wf], { clock, store: counted.store, pollInterval: "60s" });
  await eventually(() => counted.claims() > 0);
  await clock.advance("3s");
  await statusOf(second, run.id, "completed", 15_000);
  assert.equal(await second.handle<number>(run.id).result(), dueAt, "woke at the timer's due time");
});

test("a sleep counts from when the code first calls it: a run taken up late still sleeps its whole time", async () => {
  const clock = createTestClock();
  const store = tempStore();
  const wf = defineWorkflow("sleep-late-start", async (ctx) => {
    await ctx.sleep("1h");
    return ctx.now().getTime();
  });
  await using client = await startEngine([wf], { clock, store, start: false });
  const run = await client.startRun(wf, {});
  await clock.advance("2h"); // no worker meanwhile
  const takenUpAt = clock.now();
  await using worker = await startEngine([wf], { clock, store });
  await statusOf(worker, run.id, "waiting");
  const [timer] = (await worker.getRun(run.id)).steps;
  assert.equal(timer?.dueAt?.getTime(), takenUpAt + 3_600_000);
  await clock.advance("59m");
  assert.equal((await worker.getRun(run.id)).status, "waiting");
  await clock.advance("1m");
  assert.ok(((await run.result()) as number) >= takenUpAt + 3_600_000);
});
