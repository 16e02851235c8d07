import assert from "node:assert/strict";
import { test } from "node:test";
import { type ChildFailedError, defineWorkflow, FatalError } from "baton";
import { eventually, startEngine, statusOf, tempStore } from "../helpers.js";

const child = defineWorkflow("child-double", async (ctx, n: number) => ctx.step("double", () => n * 2));
const failing = defineWorkflow("child-fails", async (ctx) => {
  await ctx.step("explode", () => {
    throw new FatalError("child broke");
  });
});

test("a child run is awaited and linked to its parent both ways", async () => {
  const parent = defineWorkflow("parent", async (ctx, n: number) => {
    const [a, b] = await Promise.all([ctx.child(child, n), ctx.child(child, n + 1, { id: `custom-${n}` })]);
    return a + b;
  });
  await using engine = await startEngine([parent, child]);
  const run = await engine.startRun(parent, 5, { id: "p-1" });
  assert.equal(await run.result(), 22);
  const view = await engine.getRun(run.id);
  assert.deepEqual(view.children.map((c) => [c.id, c.workflow, c.status]).sort(), [
    ["custom-5", "child-double", "completed"],
    ["p-1-0", "child-double", "completed"],
  ]);
  assert.deepEqual(
    view.steps.map((s) => [s.kind, s.childId, s.output]),
    [
      ["child", "p-1-0", 10],
      ["child", "custom-5", 12],
    ],
  );
  const kid = await engine.getRun("p-1-0");
  assert.equal(kid.parentId, "p-1");
  assert.equal(kid.input, 5);
  assert.deepEqual((await engine.listRuns({ parentId: "p-1" })).runs.map((r) => r.id).sort(), ["custom-5", "p-1-0"]);
});

test("a failed child fails the parent's await with ChildFailedError", async () => {
  const parent = defineWorkflow("parent-of-failing", async (ctx) => {
    try {
      await ctx.child(failing, {});
      return "no error";
    } catch (error) {
      return `${(error as Error).name}: ${(error as ChildFailedError).childId}`;
    }
  });
  await using engine = await startEngine([parent, failing]);
  const run = await engine.startRun(parent, {}, { id: "pf" });
  assert.equal(await run.result(), "ChildFailedError: pf-0");
});

test("cancelling the parent cancels its children", async () => {
  const waiter = defineWorkflow("child-waits", async (ctx) => ctx.waitForSignal("never"));
  const parent = defineWorkflow("parent-cancel", async (ctx) => ctx.child(waiter, {}));
  await using engine = await startEngine([parent, waiter]);
  const run = await engine.startRun(parent, {}, { id: "pc" });
  await statusOf(engine, "pc-0", "waiting");
  await engine.cancel(run.id);
  await statusOf(engine, run.id, "cancelled");
  await eventually(async () => (await engine.getRun("pc-0")).status === "cancelled");
});

test("child input is validated against the child's schema", async () => {
  const { z } = await import("zod");
  const strict = defineWorkflow("strict-child", async (_ctx, input: { n: number }) => input.n, {
    input: z.object({ n: z.number() }),
  });
  const parent = defineWorkflow("parent-bad-child", async (ctx) => {
    try {
      await ctx.child(strict, { n: "x" } as unknown as { n: number });
    } catch (error) {
      return (error as Error).message;
    }
  });
  await using engine = await startEngine([parent, strict]);
  const run = await engine.startRun(parent, {}, { id: "pb" });
  assert.match((await run.result()) as string, /invalid input of workflow "strict-child": n: /);
});

test("a parent that fails cancels its unfinished children", async () => {
  const waiter = defineWorkflow("child-left-waiting", async (ctx) => ctx.waitForSignal("never"));
  const parent = defineWorkflow("parent-fails", async (ctx) => {
    const kid = ctx.child(waiter, {});
    await ctx.step("boom", () => {
      throw new FatalError("parent broke");
    });
    return kid;
  });
  await using engine = await startEngine([parent, waiter]);
  const run = await engine.startRun(parent, {}, { id: "pfail" });
  await statusOf(engine, run.id, "failed");
  await statusOf(engine, "pfail-0", "cancelled");
});

test("many parents whose children end together, signalled meanwhile: every run completes and no write fails", async () => {
  // Children's last writes (batched with their parents' rows locked), the
  // parents' own writes and the signals to them all lock runs at once: a
  // deadlock or a refused write would show as a warning or a wrong output.
  const warnings: string[] = [];
  const crowdChild = defineWorkflow("crowd-child", async (ctx, input: { n: number }) => {
    for (let i = 0; i < 3; i++) await ctx.step(`s${i}`, () => i);
    return input.n;
  });
  const parent = defineWorkflow("crowd-parent", async (ctx) => {
    const outputs = await Promise.all(Array.from({ length: 10 }, (_, n) => ctx.child(crowdChild, { n })));
    const extra = await ctx.waitForSignal<number>("go");
    return outputs.reduce((sum, n) => sum + n, 0) + (extra ?? 0);
  });
  await using engine = await startEngine([parent, crowdChild], {
    logger: { warn: (message, error) => warnings.push(`${message} ${String(error ?? "")}`) },
  });
  const runs = await Promise.all(Array.from({ length: 40 }, () => engine.startRun(parent, {})));
  await Promise.all(runs.map((run) => engine.signal(run.id, "go", 100)));
  assert.deepEqual(
    await Promise.all(runs.map((run) => run.result())),
    runs.map(() => 145),
  );
  assert.deepEqual(warnings, []);
});

test("a parent stopped by NONDETERMINISM leaves its children running; resumed with fixed code, it gets their outcome", async () => {
  const store = tempStore();
  const kid = defineWorkflow("nd-kid", async (ctx) => (await ctx.waitForSignal<string>("go")) ?? "none");
  const v1 = defineWorkflow("nd-parent", async (ctx) => {
    const output = ctx.child(kid, {});
    const extra = await ctx.waitForSignal<string>("more");
    return `${await output} ${extra}`;
  });
  const first = await startEngine([v1, kid], { store });
  await first.startRun(v1, {}, { id: "nd" });
  await statusOf(first, "nd-0", "waiting");
  await statusOf(first, "nd", "waiting");
  await first[Symbol.asyncDispose]();

  const v2 = defineWorkflow("nd-parent", async (ctx) => ctx.step("changed", () => "v2"));
  const second = await startEngine([v2, kid], { store });
  await second.signal("nd", "more", "and more");
  await statusOf(second, "nd", "failed");
  assert.equal((await second.getRun("nd")).error?.code, "NONDETERMINISM");
  assert.equal((await second.getRun("nd-0")).status, "waiting", "the child keeps running");
  await second.signal("nd-0", "go", "child done");
  assert.equal(await second.handle("nd-0").result(), "child done");
  await second[Symbol.asyncDispose]();

  await using third = await startEngine([v1, kid], { store });
  await third.resume("nd");
  assert.equal(await third.handle("nd").result(), "child done and more");
});

test("getRun lists the 1,000 newest children, oldest first, and counts them all", async () => {
  await using engine = await startEngine([child], { start: false });
  const now = Date.now();
  await engine.store.createRun(
    { id: "many", workflow: "child-double", version: "1", input: 0, history: [{ type: "run.started", at: now }] },
    now,
  );
  await Promise.all(
    Array.from({ length: 1001 }, (_, i) =>
      engine.store.createRun(
        {
          id: `many-${String(i).padStart(4, "0")}`,
          workflow: "child-double",
          version: "1",
          input: i,
          parentId: "many",
          history: [{ type: "run.started", at: now + i, input: i }],
        },
        now + i,
      ),
    ),
  );
  const view = await engine.getRun("many");
  assert.equal(view.childCount, 1001);
  assert.equal(view.children.length, 1000);
  assert.equal(view.children[0]?.id, "many-0001", "the newest 1,000, oldest first");
  assert.equal(view.children[999]?.id, "many-1000");
  const few = await engine.getRun("many-0000");
  assert.equal(few.childCount, 0);
});
