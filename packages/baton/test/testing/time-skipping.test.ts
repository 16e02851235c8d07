import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, RunFailedError } from "baton";
import { createTestEngine } from "baton/testing";
import { eventually } from "../helpers.js";

const day = 86_400_000;
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

test("a run that sleeps 30 days completes at once; its timer fires at its due time", async () => {
  const reminder = defineWorkflow("reminder", async (ctx) => {
    await ctx.sleep("30d");
    return ctx.step("remind", () => "reminded");
  });
  await using engine = await createTestEngine({ workflows: [reminder] });
  const start = engine.now().getTime();
  const run = await engine.startRun(reminder, undefined);
  assert.equal(await run.result(), "reminded");
  const history = await engine.getHistory(run.id);
  const set = history.find((e) => e.type === "timer.set");
  const fired = history.find((e) => e.type === "timer.fired");
  assert.ok(set?.dueAt && fired);
  assert.equal(set.dueAt.getTime() - set.at.getTime(), 30 * day);
  assert.equal(fired.at.getTime(), set.dueAt.getTime(), "at its due time");
  assert.ok(engine.now().getTime() - start >= 30 * day);
});

test("time does not skip while a step body runs, whatever other runs wait for", async () => {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const seen: number[] = [];
  const slow = defineWorkflow("slow", async (ctx) =>
    ctx.step("work", async () => {
      seen.push(Date.now());
      await gate;
      return "worked";
    }),
  );
  const sleeper = defineWorkflow("sleeper", async (ctx) => {
    await ctx.sleep("1d");
    return "slept";
  });
  await using engine = await createTestEngine({ workflows: [slow, sleeper] });
  const start = engine.now().getTime();
  const working = await engine.startRun(slow, undefined);
  await eventually(() => seen.length === 1);
  const sleeping = await engine.startRun(sleeper, undefined);
  const slept = sleeping.result();
  await eventually(async () => (await engine.getHistory(sleeping.id)).some((e) => e.type === "timer.set"));
  await turns(200);
  assert.ok(engine.now().getTime() - start < day, "time held while the body runs");
  assert.equal((await engine.getRun(sleeping.id)).status, "waiting");
  release();
  assert.equal(await working.result(), "worked");
  assert.equal(await slept, "slept");
  assert.ok(engine.now().getTime() - start >= day, "then it skipped");
});

test("retry backoffs of minutes skip", async () => {
  let calls = 0;
  const flaky = defineWorkflow("flaky", async (ctx) =>
    ctx.step(
      "call",
      () => {
        calls++;
        if (calls < 3) throw new Error(`failure ${calls}`);
        return calls;
      },
      { retry: { maxAttempts: 3, initialInterval: "10m", backoffCoefficient: 3, maxInterval: "1h", jitter: 0 } },
    ),
  );
  await using engine = await createTestEngine({ workflows: [flaky] });
  const run = await engine.startRun(flaky, undefined);
  assert.equal(await run.result(), 3);
  const history = await engine.getHistory(run.id);
  const failed = history.filter((e) => e.type === "step.failed");
  assert.deepEqual(
    failed.map((e) => ((e.dueAt?.getTime() ?? 0) - e.at.getTime()) / 60_000),
    [10, 30],
  );
  const starts = history.filter((e) => e.type === "step.started");
  assert.ok(starts[1] && starts[2] && failed[0]?.dueAt && failed[1]?.dueAt);
  assert.ok(starts[1].at >= failed[0].dueAt && starts[2].at >= failed[1].dueAt, "each retry at its time");
});

test("a signal wait with a 3-day timeout times out at once when nothing sends; a signal sent meanwhile arrives", async () => {
  const approval = defineWorkflow("approval", async (ctx) => {
    const answer = await ctx.waitForSignal<string>("approve", { timeout: "3d" });
    return answer ?? "timed out";
  });
  await using engine = await createTestEngine({ workflows: [approval] });
  const start = engine.now().getTime();
  const lonely = await engine.startRun(approval, undefined);
  assert.equal(await lonely.result(), "timed out");
  assert.ok(engine.now().getTime() - start >= 3 * day);

  const answered = await engine.startRun(approval, undefined);
  await eventually(async () => (await engine.getHistory(answered.id)).some((e) => e.type === "signal.waiting"));
  await engine.signal(answered.id, "approve", "yes");
  assert.equal(await answered.result(), "yes", "time skips only while the test awaits a result");
});

test("a run waiting for a signal with no timeout leaves time alone, and the signal ends it", async () => {
  const wait = defineWorkflow("wait", async (ctx) => ctx.waitForSignal<number>("go"));
  await using engine = await createTestEngine({ workflows: [wait], autoSkip: "always" });
  const start = engine.now().getTime();
  const run = await engine.startRun(wait, undefined);
  const result = run.result();
  await eventually(async () => (await engine.getHistory(run.id)).some((e) => e.type === "signal.waiting"));
  await turns(200);
  assert.ok(engine.now().getTime() - start < 60_000, "no timer: time did not jump");
  await engine.signal(run.id, "go", 7);
  assert.equal(await result, 7);
});

test("a run timeout skips too: a run that waits past its timeout fails at once", async () => {
  const stuck = defineWorkflow("stuck", async (ctx) => ctx.waitForSignal("never"), { timeout: "7d" });
  await using engine = await createTestEngine({ workflows: [stuck] });
  const run = await engine.startRun(stuck, undefined);
  await assert.rejects(run.result(), (error: unknown) => error instanceof RunFailedError);
  assert.deepEqual(
    (await engine.getHistory(run.id)).map((e) => e.type).filter((type) => type.startsWith("run.")),
    ["run.started", "run.timed_out", "run.failed"],
  );
});

test("time moves by hand: skip fires the timers due on the way, and a step timeout while its body hangs", async () => {
  const nap = defineWorkflow("nap", async (ctx) => {
    await ctx.sleep("1h");
    await ctx.sleep("1h");
    return "rested";
  });
  const hang = defineWorkflow("hang", async (ctx) =>
    ctx.step(
      "forever",
      (step) => new Promise((_, reject) => step.signal.addEventListener("abort", () => reject(step.signal.reason))),
      { timeout: "10m", retry: { maxAttempts: 1 } },
    ),
  );
  await using engine = await createTestEngine({ workflows: [nap, hang], autoSkip: false });
  const start = engine.now().getTime();
  await assert.rejects(engine.skip("soon" as "1h"), { code: "INVALID_DURATION" });
  assert.equal(engine.now().getTime(), start, "time stands still while nothing runs");
  const napping = await engine.startRun(nap, undefined);
  const rested = napping.result();
  await eventually(async () => (await engine.getHistory(napping.id)).some((e) => e.type === "timer.set"));
  await engine.skip("90m");
  assert.ok(engine.now().getTime() - start >= 90 * 60_000);
  const fired = (await engine.getHistory(napping.id)).filter((e) => e.type === "timer.fired");
  assert.equal(fired.length, 1, "the first timer fired, the second waits");
  await engine.skip("1h");
  assert.equal(await rested, "rested");

  const hanging = await engine.startRun(hang, undefined);
  await eventually(async () => (await engine.getHistory(hanging.id)).some((e) => e.type === "step.started"));
  await engine.skip("10m");
  const failure = await hanging.result().catch((error: RunFailedError) => error);
  assert.ok(failure instanceof RunFailedError);
  assert.match(failure.message, /timed out/);
});

test("an event wait's timeout skips, and so does a child's sleep while its parent waits for it", async () => {
  const nap = defineWorkflow("nap", async (ctx, hours: number) => {
    await ctx.sleep(`${hours}h`);
    return hours;
  });
  const parent = defineWorkflow("parent", async (ctx) => {
    const paid = await ctx.waitForEvent("payment.settled", { timeout: "2d" });
    const slept = await ctx.child(nap, 12);
    return { paid: paid ?? "none", slept };
  });
  await using engine = await createTestEngine({ workflows: [parent, nap] });
  const start = engine.now().getTime();
  const run = await engine.startRun(parent, undefined);
  assert.deepEqual(await run.result(), { paid: "none", slept: 12 });
  assert.ok(engine.now().getTime() - start >= 2 * day + 12 * 3_600_000);
});

test("with start: false, runs started before the engine starts run once it does", async () => {
  const early = defineWorkflow("early", async (ctx) => ctx.waitForSignal("go", { timeout: "1h" }));
  const timer = defineWorkflow("timer", async (ctx) => {
    await ctx.sleep("10m");
    return "slept";
  });
  await using engine = await createTestEngine({ workflows: [early, timer], start: false });
  const first = await engine.startRun(timer, undefined);
  const second = await engine.startRun(early, undefined);
  await engine.start();
  assert.equal(await first.result(), "slept");
  await engine.signal(second.id, "go", "went");
  assert.equal(await second.result(), "went", "its 1h wait had not timed out 10 minutes in");
});

test("a skip that fails rejects, and the next one still moves time", async () => {
  const nap = defineWorkflow("nap", async (ctx) => {
    await ctx.sleep("1h");
    return "rested";
  });
  await using engine = await createTestEngine({ workflows: [nap], autoSkip: false });
  const run = await engine.startRun(nap, undefined);
  const rested = run.result();
  await eventually(async () => (await engine.getHistory(run.id)).some((e) => e.type === "timer.set"));
  const renew = engine.store.renewLeases;
  engine.store.renewLeases = async () => {
    throw new Error("store unavailable");
  };
  await assert.rejects(engine.skip("1h"), /store unavailable/);
  engine.store.renewLeases = renew;
  await engine.skip("1h");
  assert.equal(await rested, "rested");
});

test("while a body runs, time goes by as real time does: a hanging step's timeout fires", async () => {
  const hang = defineWorkflow("hang", async (ctx) =>
    ctx.step(
      "forever",
      (step) => new Promise((_, reject) => step.signal.addEventListener("abort", () => reject(step.signal.reason))),
      { timeout: "50ms", retry: { maxAttempts: 1 } },
    ),
  );
  await using engine = await createTestEngine({ workflows: [hang] });
  const run = await engine.startRun(hang, undefined);
  const failure = await run.result().catch((error: RunFailedError) => error);
  assert.ok(failure instanceof RunFailedError);
  assert.match(failure.message, /attempt 1 of step "forever" timed out after 50 ms/);
});
