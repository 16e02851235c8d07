import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine, defineWorkflow } from "baton";
import { z } from "zod";
import { eventually, startEngine, tempStore } from "../helpers.js";

const wf = defineWorkflow("idem", async (ctx, input: { n: number }) => ctx.step("n", () => input.n));

test("startRun with an existing id returns the existing run for the same input", async () => {
  await using engine = await startEngine([wf]);
  const first = await engine.startRun(wf, { n: 1 }, { id: "order-1" });
  const again = await engine.startRun(wf, { n: 1 }, { id: "order-1" });
  assert.equal(first.created, true);
  assert.equal(again.created, false);
  assert.equal(again.id, "order-1");
  assert.equal(await again.result(), 1);
  assert.equal((await engine.listRuns()).runs.length, 1);
});

test("startRun with an existing id and a different input fails with a conflict, writing nothing", async () => {
  await using engine = await startEngine([wf]);
  await engine.startRun(wf, { n: 1 }, { id: "order-2" });
  await assert.rejects(engine.startRun(wf, { n: 2 }, { id: "order-2" }), {
    code: "RUN_CONFLICT",
    message: 'run "order-2" already exists with a different input',
  });
  const other = defineWorkflow("other", async () => 0);
  await assert.rejects(engine.startRun(other, { n: 1 } as never, { id: "order-2" }), { code: "RUN_CONFLICT" });
  assert.deepEqual((await engine.getRun("order-2")).input, { n: 1 });
});

test("generated ids are unique and time-sortable", async () => {
  await using engine = await startEngine([wf], { start: false });
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push((await engine.startRun(wf, { n: i })).id);
  assert.equal(new Set(ids).size, 20);
  assert.deepEqual([...ids].sort(), ids);
});

test("bad input is refused at start with an error naming the field, and nothing is written", async () => {
  const typed = defineWorkflow("typed", async (_ctx, input: { email: string; qty: number }) => input.qty, {
    input: z.object({ email: z.email(), qty: z.number().int().positive() }),
  });
  await using engine = await startEngine([typed]);
  await assert.rejects(engine.startRun(typed, { email: "nope", qty: -1 }, { id: "bad" }), (error: unknown) => {
    const e = error as { code: string; message: string; issues: { path: string }[] };
    assert.equal(e.code, "INVALID_INPUT");
    assert.match(e.message, /^invalid input of workflow "typed": email: .*; qty: /);
    assert.deepEqual(
      e.issues.map((i) => i.path),
      ["email", "qty"],
    );
    return true;
  });
  await assert.rejects(engine.getRun("bad"), { code: "RUN_NOT_FOUND" });
  const ok = await engine.startRun(typed, { email: "a@b.co", qty: 2 });
  assert.equal(await ok.result(), 2);
});

test("other bad start requests get clear errors", async () => {
  await using engine = await startEngine([wf]);
  await assert.rejects(engine.startRun("missing", {}), {
    code: "UNKNOWN_WORKFLOW",
    message: 'unknown workflow "missing" (registered: idem; and no definition of that name is stored)',
  });
  await assert.rejects(engine.startRun(wf, { n: 1 }, { id: "has space" }), { code: "INVALID_RUN_ID" });
  await assert.rejects(engine.startRun(wf, { n: 1n } as never), { code: "NOT_SERIALIZABLE" });
  assert.equal((await engine.listRuns()).runs.length, 0);
});

test("a run executes only on a worker that has the version it started with", async () => {
  const { tempStore, statusOf, countingClaims } = await import("../helpers.js");
  const store = tempStore();
  const v1 = defineWorkflow("versioned", async () => "v1", { version: "1" });
  const v2 = defineWorkflow("versioned", async () => "v2", { version: "2" });
  const counted = countingClaims(store);
  await using newWorker = await startEngine([v2], { store: counted.store });
  const old = await newWorker.startRun(v1, {}, { id: "old" });
  const claimsBefore = counted.claims();
  const fresh = await newWorker.startRun(v2, {}, { id: "fresh" });
  assert.equal(await fresh.result(), "v2");
  // Claims run one at a time: the second answered from here began after the run was created.
  await eventually(() => counted.claims() >= claimsBefore + 2);
  assert.equal((await newWorker.getRun(old.id)).status, "pending", "not claimed by a version 2 worker");
  assert.equal((await newWorker.getRun(old.id)).version, "1");
  await using oldWorker = await startEngine([v1], { store });
  await statusOf(oldWorker, old.id, "completed");
  assert.equal(await old.result(), "v1");
});

test("store addresses are checked", async () => {
  const { openStore } = await import("baton");
  assert.throws(() => openStore("mysql://x"), { code: "INVALID_STORE", message: /invalid store "mysql:\/\/x"/ });
  assert.throws(() => openStore("sqlite:"), { code: "INVALID_STORE" });
  assert.throws(() => openStore("postgres://db/x?pool_size=0"), { code: "INVALID_STORE", message: /pool_size "0"/ });
  assert.throws(
    () => openStore("postgres://user:secret@db/x?schema=Not-A-Schema"),
    (error: Error & { code?: string }) =>
      error.code === "INVALID_STORE" && /Not-A-Schema/.test(error.message) && !error.message.includes("secret"),
  );
});

test("startRun calls racing with one id create one run; the others get it as existing", async () => {
  await using engine = await startEngine([wf]);
  const handles = await Promise.all([1, 2, 3].map(() => engine.startRun(wf, { n: 7 }, { id: "order-race" })));
  assert.deepEqual(handles.map((h) => h.created).filter(Boolean), [true]);
  assert.deepEqual(await Promise.all(handles.map((h) => h.result())), [7, 7, 7]);
  assert.equal((await engine.listRuns()).runs.length, 1);
});

test("createEngine refuses a workflow version given twice, or a bad poll interval, before it opens anything", () => {
  const a = defineWorkflow("twice", async () => 1);
  const b = defineWorkflow("twice", async () => 2);
  assert.throws(() => createEngine({ store: tempStore(), workflows: [a, b] }), {
    code: "DUPLICATE_WORKFLOW",
    message: 'workflow "twice" version "1" is registered twice',
  });
  assert.throws(() => createEngine({ store: tempStore(), workflows: [a], pollInterval: "often" }), {
    code: "INVALID_DURATION",
  });
  // The open-resources check fails this file if either left a store open.
});
