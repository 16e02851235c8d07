import assert from "node:assert/strict";
import { test } from "node:test";
import { type BatonError, defineWorkflow, FatalError, openStore } from "baton";
import { eventually, startEngine, statusOf, tempStore, wrapStore } from "../helpers.js";

// A child id another run holds: the same workflow and input is the same
// child (linked and awaited); anything else fails the parent's call with
// RUN_CONFLICT, which the workflow can catch and which its history shows.

const double = defineWorkflow("ids-double", async (ctx, n: number) => ctx.step("double", () => n * 2));
const other = defineWorkflow("ids-other", async (ctx, n: number) => ctx.step("same", () => n));
const waiter = defineWorkflow("ids-waiter", async (ctx, n: number) => (await ctx.waitForSignal<number>("go")) ?? n);

/** A parent that asks for child `id` of `double` with input `n` and reports how the call finished. */
const asker = defineWorkflow("ids-asker", async (ctx, input: { id: string; n: number }) => {
  try {
    return { ok: await ctx.child(double, input.n, { id: input.id }) };
  } catch (error) {
    const e = error as BatonError;
    return { code: e.code, name: e.name, message: e.message };
  }
});

async function conflictOf(engine: Awaited<ReturnType<typeof startEngine>>, runId: string) {
  await statusOf(engine, runId, "completed");
  const history = await engine.getHistory(runId);
  return {
    output: (await engine.getRun(runId)).output as { code?: string; message?: string },
    failed: history.find((e) => e.type === "child.failed"),
  };
}

test("a child id held by a run of another workflow fails the call with RUN_CONFLICT, caught and in history", async () => {
  await using engine = await startEngine([asker, double, other]);
  await engine.startRun(other, 3, { id: "held-other" });
  await engine.startRun(asker, { id: "held-other", n: 3 }, { id: "a-1" });
  const { output, failed } = await conflictOf(engine, "a-1");
  assert.equal(output.code, "RUN_CONFLICT");
  assert.match(output.message ?? "", /"held-other"/);
  assert.match(output.message ?? "", /workflow "ids-other"/);
  assert.equal(failed?.error?.code, "RUN_CONFLICT");
  assert.equal(failed?.childId, "held-other");
  assert.equal((await engine.getRun("held-other")).parentId, undefined, "the other run is left as it was");
});

test("a child id held by a run of the same workflow with another input fails the call with RUN_CONFLICT", async () => {
  await using engine = await startEngine([asker, double]);
  await engine.startRun(double, 4, { id: "held-input" });
  await engine.startRun(asker, { id: "held-input", n: 5 }, { id: "a-2" });
  const { output, failed } = await conflictOf(engine, "a-2");
  assert.equal(output.code, "RUN_CONFLICT");
  assert.match(output.message ?? "", /"held-input".*input/);
  assert.equal(failed?.error?.code, "RUN_CONFLICT");
});

test("a child id held by the child of another parent fails the call with RUN_CONFLICT", async () => {
  const first = defineWorkflow("ids-first-parent", async (ctx) => ctx.child(waiter, 1, { id: "shared-kid" }));
  const second = defineWorkflow("ids-second-parent", async (ctx) => {
    try {
      return await ctx.child(waiter, 1, { id: "shared-kid" });
    } catch (error) {
      return (error as BatonError).code;
    }
  });
  await using engine = await startEngine([first, second, waiter]);
  await engine.startRun(first, {}, { id: "p-first" });
  await statusOf(engine, "shared-kid", "waiting");
  const run = await engine.startRun(second, {}, { id: "p-second" });
  assert.equal(await run.result(), "RUN_CONFLICT");
  assert.equal((await engine.getRun("shared-kid")).parentId, "p-first");
  await engine.signal("shared-kid", "go", 7);
  assert.equal(await engine.handle("p-first").result(), 7);
});

test("a default child id taken by another run fails the call with RUN_CONFLICT", async () => {
  const parent = defineWorkflow("ids-default", async (ctx) => {
    try {
      return await ctx.child(double, 1);
    } catch (error) {
      return (error as BatonError).message;
    }
  });
  await using engine = await startEngine([parent, double, other]);
  await engine.startRun(other, 1, { id: "p-default-0" });
  const run = await engine.startRun(parent, {}, { id: "p-default" });
  assert.match(String(await run.result()), /"p-default-0"/);
});

test("a child id held by a completed run of the same workflow and input is that child: its output is delivered", async () => {
  await using engine = await startEngine([asker, double]);
  assert.equal(await (await engine.startRun(double, 6, { id: "done-kid" })).result(), 12);
  await engine.startRun(asker, { id: "done-kid", n: 6 }, { id: "a-3" });
  assert.deepEqual(await engine.handle("a-3").result(), { ok: 12 });
  assert.equal((await engine.getRun("done-kid")).parentId, "a-3");
  assert.deepEqual(
    (await engine.getRun("a-3")).children.map((c) => c.id),
    ["done-kid"],
  );
});

test("a child id held by a waiting run of the same workflow and input is linked and awaited", async () => {
  const parent = defineWorkflow("ids-adopts", async (ctx) => ctx.child(waiter, 2, { id: "lone-kid" }));
  await using engine = await startEngine([parent, waiter]);
  await engine.startRun(waiter, 2, { id: "lone-kid" });
  await statusOf(engine, "lone-kid", "waiting");
  const run = await engine.startRun(parent, {}, { id: "p-adopts" });
  await eventually(async () => (await engine.getRun("lone-kid")).parentId === "p-adopts");
  await engine.signal("lone-kid", "go", 9);
  assert.equal(await run.result(), 9);
});

test("a crash between the write that records the child and its resolution: re-execution resolves it", async () => {
  const address = tempStore();
  const inner = openStore(address);
  let crashes = 0;
  // The write that records the children commits, but its answer is lost once (as if the process died).
  const store = wrapStore(inner, {
    async appendHistory(lease, write) {
      const result = await inner.appendHistory(lease, write);
      if (write.kind === "full" && write.children?.length && crashes++ === 0)
        throw new Error("connection lost after commit");
      return result;
    },
  });
  const parent = defineWorkflow("ids-crash", async (ctx) => {
    const taken = ctx.child(double, 1, { id: "crash-taken" }).catch((error: BatonError) => error.code);
    const same = ctx.child(double, 2, { id: "crash-same" });
    return [await taken, await same];
  });
  await using engine = await startEngine([parent, double, other], { store, lease: "300ms" });
  await engine.startRun(other, 1, { id: "crash-taken" });
  assert.equal(await (await engine.startRun(double, 2, { id: "crash-same" })).result(), 4);
  const run = await engine.startRun(parent, {}, { id: "p-crash" });
  assert.deepEqual(await run.result(), ["RUN_CONFLICT", 4]);
  assert.equal(crashes, 1);
  assert.equal((await engine.getRun("crash-same")).parentId, "p-crash");
  assert.equal((await engine.getRun("crash-taken")).parentId, undefined);
  await inner.close();
});

test("a parent that fails right after asking for a child id another run holds never cancels that run", async () => {
  const parent = defineWorkflow("ids-fails", async (ctx) => {
    const kid = ctx.child(waiter, 1, { id: "not-yours" });
    await ctx.step("boom", () => {
      throw new FatalError("parent broke");
    });
    return kid;
  });
  const address = tempStore();
  const inner = openStore(address);
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  // The check of the id is held back until the parent has failed.
  const store = wrapStore(inner, {
    async findUnlinkedRuns(parentId, ids) {
      await gate;
      return inner.findUnlinkedRuns(parentId, ids);
    },
  });
  await using engine = await startEngine([parent, waiter, other], { store });
  await engine.startRun(waiter, 2, { id: "not-yours" });
  await statusOf(engine, "not-yours", "waiting");
  await engine.startRun(parent, {}, { id: "p-fails" });
  await statusOf(engine, "p-fails", "failed");
  release();
  await engine.signal("not-yours", "go", 3);
  assert.equal(await engine.handle("not-yours").result(), 3, "left running, then completed");
  await inner.close();
});

test("two calls of one run with the same child id await the same child, even once it has finished", async () => {
  const parent = defineWorkflow("ids-twice", async (ctx) => {
    const both = await Promise.all([ctx.child(double, 3, { id: "twice" }), ctx.child(double, 3, { id: "twice" })]);
    const later = await ctx.child(double, 3, { id: "twice" });
    return [...both, later];
  });
  await using engine = await startEngine([parent, double]);
  const run = await engine.startRun(parent, {}, { id: "p-twice" });
  assert.deepEqual(await run.result(), [6, 6, 6]);
  assert.equal((await engine.getRun("p-twice")).childCount, 1);
});
