import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock, defineWorkflow } from "baton";
import { eventually, startEngine, statusOf } from "../helpers.js";

test("waitForSignal returns the payload; the run waits until it comes", async () => {
  const wf = defineWorkflow("approve", async (ctx) => {
    const approved = await ctx.waitForSignal<boolean>("approve");
    return approved ? "approved" : "rejected";
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "waiting");
  await engine.signal(run.id, "approve", true);
  assert.equal(await run.result(), "approved");
  const received = (await engine.getHistory(run.id)).find((e) => e.type === "signal.received");
  assert.equal(received?.payload, true);
});

test("waitForSignal returns undefined when the timeout passes first", async () => {
  const clock = createTestClock();
  const wf = defineWorkflow("approve-timeout", async (ctx) => {
    const approved = await ctx.waitForSignal<boolean>("approve", { timeout: "3d" });
    return approved === undefined ? "timed out" : "answered";
  });
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "waiting");
  await clock.advance("3d");
  assert.equal(await run.result(), "timed out");
});

test("signals sent before the run waits are kept and delivered in order", async () => {
  const clock = createTestClock();
  const wf = defineWorkflow("ordered", async (ctx) => {
    await ctx.sleep("1m");
    const got: number[] = [];
    for (let i = 0; i < 3; i++) got.push((await ctx.waitForSignal<number>("n")) as number);
    return got;
  });
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "waiting");
  for (const n of [1, 2, 3]) await engine.signal(run.id, "n", n);
  assert.deepEqual(
    (await engine.getRun(run.id)).pendingSignals.map((s) => s.payload),
    [1, 2, 3],
  );
  await clock.advance("1m");
  assert.deepEqual(await run.result(), [1, 2, 3]);
});

test("many runs signalled at once each consume their own signals, once, in order", async () => {
  const wf = defineWorkflow("many-signalled", async (ctx, input: { n: number }) => {
    const first = await ctx.waitForSignal<number>("go");
    const second = await ctx.waitForSignal<number>("go");
    return { n: input.n, got: [first, second] };
  });
  await using engine = await startEngine([wf]);
  const runs = await Promise.all(Array.from({ length: 20 }, (_, n) => engine.startRun(wf, { n })));
  for (const run of runs) await statusOf(engine, run.id, "waiting");
  // Both signals of every run at once: they are sent, and consumed, together.
  await Promise.all(
    runs.flatMap((run, n) => [engine.signal(run.id, "go", n * 10 + 1), engine.signal(run.id, "go", n * 10 + 2)]),
  );
  const outputs = await Promise.all(runs.map((run) => run.result()));
  assert.deepEqual(
    outputs,
    runs.map((_, n) => ({ n, got: [n * 10 + 1, n * 10 + 2] })),
  );
  for (const run of runs) assert.deepEqual((await engine.getRun(run.id)).pendingSignals, [], run.id);
});

test("signals of another name are not consumed", async () => {
  const wf = defineWorkflow("names", async (ctx) => ctx.waitForSignal<string>("b"));
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await engine.signal(run.id, "a", "for a");
  await engine.signal(run.id, "b", "for b");
  assert.equal(await run.result(), "for b");
});

test("a signal to a finished run or an unknown run is rejected with a clear error", async () => {
  const wf = defineWorkflow("quick", async () => 1);
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await run.result();
  await assert.rejects(engine.signal(run.id, "x", 1), {
    code: "RUN_FINISHED",
    message: `cannot signal "x" to run "${run.id}": it has already finished (completed)`,
  });
  await assert.rejects(engine.signal("nope", "x", 1), { code: "RUN_NOT_FOUND", message: 'run "nope" not found' });
  await assert.rejects(
    engine.signal(run.id, "x", () => 1),
    { code: "NOT_SERIALIZABLE" },
  );
});

test("ctx.signals iterates over every signal in order", async () => {
  const wf = defineWorkflow("iterate", async (ctx) => {
    const seen: string[] = [];
    for await (const word of ctx.signals<string>("word")) {
      if (word === "stop") break;
      seen.push(word);
    }
    return seen;
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  for (const w of ["a", "b", "stop"]) await engine.signal(run.id, "word", w);
  assert.deepEqual(await run.result(), ["a", "b"]);
});

test("onSignal delivers context updates between steps, and replays them in the same place", async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const wf = defineWorkflow("scope", async (ctx, input: { scope: string }) => {
    let scope = input.scope;
    ctx.onSignal<string>("scope", (next) => {
      scope = next;
    });
    const first = await ctx.step("first", async () => {
      const seen = scope;
      await gate;
      return seen;
    });
    const second = await ctx.step("second", () => scope);
    return [first, second];
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, { scope: "cats" });
  await statusOf(engine, run.id, "running");
  await engine.signal(run.id, "scope", "dogs");
  await eventually(async () => (await engine.getHistory(run.id)).some((e) => e.type === "signal.received"));
  release();
  assert.deepEqual(await run.result(), ["cats", "dogs"]);
});

test("a signal sent by another engine on the same store reaches a run held in memory", async () => {
  const { createEngine } = await import("baton");
  const { tempStore } = await import("../helpers.js");
  const store = tempStore();
  const wf = defineWorkflow("cross-process", async (ctx) => ctx.waitForSignal<string>("hello"));
  await using worker = await startEngine([wf], { store });
  await using client = createEngine({ store, workflows: [wf], logger: { warn: () => {} } });
  const run = await client.startRun(wf, {});
  await statusOf(worker, run.id, "waiting");
  await client.signal(run.id, "hello", "from afar");
  assert.equal(await worker.handle(run.id).result(), "from afar");
});

test("ctx methods work when taken off the context", async () => {
  const wf = defineWorkflow("destructured", async ({ signals, step }) => {
    const received: number[] = [];
    for await (const value of signals<number>("add")) {
      received.push(await step("double", () => value * 2));
      if (received.length === 2) break;
    }
    return received;
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await engine.signal(run.id, "add", 1);
  await engine.signal(run.id, "add", 2);
  assert.deepEqual(await run.result(), [2, 4]);
});
