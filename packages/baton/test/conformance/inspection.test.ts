import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, FatalError, type StepContext, type WorkflowContext } from "baton";
import { eventually, startEngine, statusOf } from "../helpers.js";

test("listRuns filters by workflow and status and pages with a cursor, newest first", async () => {
  const ok = defineWorkflow("list-ok", async () => "ok");
  const bad = defineWorkflow("list-bad", async () => {
    throw new FatalError("no");
  });
  await using engine = await startEngine([ok, bad]);
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) ids.push((await engine.startRun(ok, { i }, { id: `ok-${i}` })).id);
  await engine.startRun(bad, {}, { id: "bad-0" });
  for (const id of ids) await engine.handle(id).result();
  await statusOf(engine, "bad-0", "failed");

  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await engine.listRuns({ workflow: "list-ok", limit: 3, cursor });
    pages.push(page.runs.map((r) => r.id));
    cursor = page.nextCursor;
  } while (cursor);
  assert.deepEqual(pages.flat(), [...ids].reverse());
  assert.deepEqual(
    pages.map((p) => p.length),
    [3, 3, 1],
  );
  assert.deepEqual(
    (await engine.listRuns({ status: "failed" })).runs.map((r) => r.id),
    ["bad-0"],
  );
  assert.equal((await engine.listRuns({ status: ["failed", "completed"] })).runs.length, 8);
  await assert.rejects(engine.listRuns({ cursor: "garbage" }), { code: "INVALID_CURSOR" });
  await assert.rejects(engine.listRuns({ limit: 0 }), { code: "INVALID_LIMIT" });
});

test("getRun shows input, output, steps with attempts and timings; getHistory is ordered", async () => {
  const wf = defineWorkflow("inspect", async (ctx, input: { x: number }) => {
    await ctx.step(
      "flaky",
      (s) => {
        if (s.attempt === 1) throw new Error("first");
        return input.x;
      },
      { retry: { initialInterval: 1 } },
    );
    return { done: true };
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, { x: 3 });
  await run.result();
  const view = await engine.getRun(run.id);
  assert.deepEqual(view.input, { x: 3 });
  assert.deepEqual(view.output, { done: true });
  assert.equal(view.workflow, "inspect");
  assert.equal(view.version, "1");
  assert.ok(view.finishedAt && view.finishedAt >= view.createdAt);
  const [step] = view.steps;
  assert.equal(step?.attempts.length, 2);
  assert.ok(step?.attempts.every((a) => a.startedAt && a.finishedAt && a.finishedAt >= a.startedAt));
  const history = await engine.getHistory(run.id);
  assert.deepEqual(
    history.map((e) => e.seq),
    history.map((_, i) => i + 1),
  );
  await assert.rejects(engine.getHistory("missing"), { code: "RUN_NOT_FOUND" });
});

test("ctx.stepKey is stable across attempts and unique per step", async () => {
  const keys: string[] = [];
  const wf = defineWorkflow("keys", async (ctx) => {
    await ctx.step(
      "pay",
      (s) => {
        keys.push(ctx.stepKey());
        if (s.attempt < 2) throw new Error("retry me");
      },
      { retry: { initialInterval: 1 } },
    );
    await ctx.step("pay", (s) => {
      keys.push(s.key);
    });
    try {
      ctx.stepKey();
    } catch (error) {
      return (error as { code: string }).code;
    }
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {}, { id: "k" });
  assert.equal(await run.result(), "NOT_IN_STEP");
  assert.deepEqual(keys, ["k:0", "k:0", "k:1"]);
});

test("ctx.stepKey names the step whose body asks, after awaits and with bodies of the run in parallel", async () => {
  const seen: string[] = [];
  const ended: string[] = [];
  /** A body that, after awaiting the end of the body `after` (or a turn), asks again. */
  const body = (ctx: WorkflowContext, name: string, after?: string) => async (s: StepContext) => {
    const before = ctx.stepKey();
    await eventually(() => after === undefined || ended.includes(after));
    const afterKey = ctx.stepKey();
    seen.push(`${s.key} ${before} ${afterKey}`);
    ended.push(name);
    return afterKey;
  };
  const wf = defineWorkflow("keys-parallel", async (ctx) => {
    const alone = await ctx.step("alone", body(ctx, "alone"));
    // Three at once, finishing in another order than they started (b, c, a).
    const all = await Promise.all([
      ctx.step("a", body(ctx, "a", "c")),
      ctx.step("b", body(ctx, "b")),
      ctx.step("c", body(ctx, "c", "b")),
    ]);
    return [alone, ...all];
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {}, { id: "p" });
  assert.deepEqual(await run.result(), ["p:0", "p:1", "p:2", "p:3"]);
  assert.deepEqual(seen, ["p:0 p:0 p:0", "p:2 p:2 p:2", "p:3 p:3 p:3", "p:1 p:1 p:1"]);
});

test("ctx.stepKey in a body that timed out and goes on still names its own step", async () => {
  const seen: string[] = [];
  let nextStarted: () => void = () => {};
  const nextRuns = new Promise<void>((resolve) => {
    nextStarted = resolve;
  });
  let zombieDone: () => void = () => {};
  const zombieAsked = new Promise<void>((resolve) => {
    zombieDone = resolve;
  });
  const wf = defineWorkflow("keys-timeout", async (ctx) => {
    try {
      await ctx.step(
        "slow",
        async () => {
          await nextRuns; // times out at 20 ms, then asks while "next" runs
          seen.push(`slow ${ctx.stepKey()}`);
          zombieDone();
        },
        { timeout: 20, retry: { maxAttempts: 1 } },
      );
    } catch {}
    return ctx.step("next", async () => {
      nextStarted();
      await zombieAsked;
      seen.push(`next ${ctx.stepKey()}`);
      return ctx.stepKey();
    });
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {}, { id: "t" });
  assert.equal(await run.result(), "t:1");
  assert.deepEqual(seen, ["slow t:0", "next t:1"]);
});

test("listWorkflows names each registered workflow with its version, sorted by name", async () => {
  const { z } = await import("zod");
  const second = defineWorkflow("wf-b", async () => 1, { version: "2", input: z.object({ n: z.number() }) });
  const first = defineWorkflow("wf-a", async () => 1);
  await using engine = await startEngine([second, first]);
  assert.deepEqual(engine.listWorkflows(), [
    { name: "wf-a", version: "1", validatesInput: false },
    { name: "wf-b", version: "2", validatesInput: true },
  ]);
});

test("listRuns finds runs whose id contains a text, ignoring case and treating % and _ as text", async () => {
  const wf = defineWorkflow("search", async () => "ok");
  await using engine = await startEngine([wf], { start: false });
  for (const id of ["Order-42", "order-420", "invoice-42", "a%b", "a_b", "axb"]) await engine.startRun(wf, {}, { id });
  const ids = async (idContains: string) => (await engine.listRuns({ idContains })).runs.map((r) => r.id).sort();
  assert.deepEqual(await ids("ORDER-42"), ["Order-42", "order-420"]);
  assert.deepEqual(await ids("-42"), ["Order-42", "invoice-42", "order-420"]);
  assert.deepEqual(await ids("%"), ["a%b"]);
  assert.deepEqual(await ids("_"), ["a_b"]);
  assert.deepEqual(await ids("nothing"), []);
  assert.deepEqual(await ids("a\u0000b"), [], "text no id can hold matches nothing (and is no error)");
  assert.deepEqual(await ids("order 42"), []);
  assert.equal((await ids("")).length, 6);
});

test("countRuns counts runs by workflow, version and status", async () => {
  const ok = defineWorkflow("count-ok", async () => "ok");
  const bad = defineWorkflow("count-bad", async () => {
    throw new FatalError("no");
  });
  await using engine = await startEngine([ok, bad]);
  for (let i = 0; i < 3; i++) await (await engine.startRun(ok, i)).result();
  await engine.startRun(bad, {}, { id: "count-bad-1" });
  await statusOf(engine, "count-bad-1", "failed");
  assert.deepEqual(await engine.countRuns(), [
    { workflow: "count-bad", version: "1", status: "failed", count: 1 },
    { workflow: "count-ok", version: "1", status: "completed", count: 3 },
  ]);
});
