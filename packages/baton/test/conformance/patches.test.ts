import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, type WorkflowContext } from "baton";
import { startEngine, statusOf, stepEnded, tempStore } from "../helpers.js";

/** Old code: a, wait for "go", b, wait for "go2", c. */
const before = defineWorkflow("billing", async (ctx) => {
  const trail: string[] = [await ctx.step("a", () => "a")];
  await ctx.waitForSignal("go");
  trail.push(await ctx.step("b", () => "b"));
  await ctx.waitForSignal("go2");
  trail.push(await ctx.step("c", () => "c"));
  return trail;
});

/** New code: the same, with `b` replaced by `b2` behind patch "new-b". */
const patchedCode = (deprecated: boolean) =>
  defineWorkflow("billing", async (ctx: WorkflowContext) => {
    const trail: string[] = [await ctx.step("a", () => "a")];
    await ctx.waitForSignal("go");
    let useNew = true;
    if (deprecated) ctx.deprecatePatch("new-b");
    else useNew = ctx.patched("new-b");
    trail.push(useNew ? await ctx.step("b2", () => "b2") : await ctx.step("b", () => "b"));
    await ctx.waitForSignal("go2");
    trail.push(await ctx.step("c", () => "c"));
    return trail;
  });

test("ctx.patched: runs past the patch point keep the old path, runs before it and new runs take the new one", async () => {
  const store = tempStore();
  {
    await using old = await startEngine([before], { store });
    await old.startRun(before, undefined, { id: "before-point" });
    await old.startRun(before, undefined, { id: "past-point" });
    await statusOf(old, "before-point", "waiting");
    await statusOf(old, "past-point", "waiting");
    await old.signal("past-point", "go", true);
    await stepEnded(old, "past-point", "b", "completed"); // then it waits for go2
  }
  const code = patchedCode(false);
  {
    await using next = await startEngine([code], { store });
    await next.signal("before-point", "go", true);
    await stepEnded(next, "before-point", "b2", "completed");
    const fresh = await next.startRun(code, undefined, { id: "fresh" });
    await next.signal(fresh.id, "go", true);
    await stepEnded(next, fresh.id, "b2", "completed");
  }
  // A restart: every run re-executes its history under the patched code.
  await using again = await startEngine([code], { store });
  for (const id of ["before-point", "past-point", "fresh"]) await again.signal(id, "go2", true);
  assert.deepEqual(await again.handle("past-point").result(), ["a", "b", "c"], "recorded before the patch: old path");
  assert.deepEqual(await again.handle("before-point").result(), ["a", "b2", "c"], "reached the patch under new code");
  assert.deepEqual(await again.handle("fresh").result(), ["a", "b2", "c"]);
  const history = await again.getHistory("before-point");
  assert.deepEqual(
    history.filter((e) => e.type === "patch.applied").map((e) => e.name),
    ["new-b"],
    "recorded once, and read back on re-execution",
  );
  assert.equal((await again.getHistory("past-point")).filter((e) => e.type === "patch.applied").length, 0);
});

test("ctx.deprecatePatch keeps runs that applied the patch replaying once the old path is gone", async () => {
  const store = tempStore();
  {
    await using first = await startEngine([patchedCode(false)], { store });
    await first.startRun("billing", undefined, { id: "applied" });
    await statusOf(first, "applied", "waiting");
    await first.signal("applied", "go", true);
    await stepEnded(first, "applied", "b2", "completed");
  }
  await using later = await startEngine([patchedCode(true)], { store });
  await later.signal("applied", "go2", true);
  assert.deepEqual(await later.handle("applied").result(), ["a", "b2", "c"]);
  const fresh = await later.startRun("billing", undefined, { id: "deprecated-fresh" });
  await statusOf(later, fresh.id, "waiting");
  await later.signal(fresh.id, "go", true);
  await later.signal(fresh.id, "go2", true);
  assert.deepEqual(await fresh.result(), ["a", "b2", "c"]);
  const invalid = defineWorkflow("bad-patch", async (ctx) => ctx.patched(""));
  await using checker = await startEngine([invalid]);
  const run = await checker.startRun(invalid, undefined);
  await statusOf(checker, run.id, "failed");
  assert.equal((await checker.getRun(run.id)).error?.code, "INVALID_NAME");
});

test("ctx.patched as a run's first call is recorded with the run's start", async () => {
  const first = defineWorkflow("first-patch", async (ctx) => (ctx.patched("from-the-start") ? "new" : "old"));
  await using engine = await startEngine([first]);
  const run = await engine.startRun(first, undefined, { id: "fp-1" });
  assert.equal(await run.result(), "new");
  const types = (await engine.getHistory(run.id)).map((e) => e.type);
  assert.deepEqual(types, ["run.started", "patch.applied", "run.completed"]);
});
