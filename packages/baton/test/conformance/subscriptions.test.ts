import assert from "node:assert/strict";
import { test } from "node:test";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { createEngine, defineWorkflow, type Engine, type Workflow } from "baton";
import { z } from "zod";
import { newRun, startEngine, tempStore } from "../helpers.js";

/** An engine with no workflow code on the store at `store` (a sender: an API server, a CLI), not started. */
const sender = (store: string): Engine => createEngine({ store, pollInterval: 20, logger: { warn: () => {} } });

/** A worker on the store at `store` serving `workflows`, started (it registers them). */
// biome-ignore lint/suspicious/noExplicitAny: any workflow
const worker = (store: string, workflows: Workflow<any, any>[]) => startEngine(workflows, { store });

/** A Standard Schema with no JSON Schema to export: strings that start with "ok". */
const okText: StandardSchemaV1<unknown, string> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate: (value) =>
      typeof value === "string" && value.startsWith("ok")
        ? { value }
        : { issues: [{ message: "must start with ok", path: [] }] },
  },
};

test("a sender without the code starts a subscribed workflow once per event id; the worker executes it", async () => {
  const store = tempStore();
  const welcome = defineWorkflow("welcome", async (_ctx, input: { email: string }) => `hello ${input.email}`, {
    events: ["user.signed_up"],
    version: "3",
    timeout: "1h",
  });
  await using work = await worker(store, [welcome]);
  await using send = sender(store);
  const receipt = await send.sendEvent("user.signed_up", { email: "ada@example.com" }, { id: "e-1" });
  assert.deepEqual(receipt, { id: "e-1", created: true, started: ["e-1:welcome"], delivered: [] });
  const again = await send.sendEvent("user.signed_up", { email: "bob@example.com" }, { id: "e-1" });
  assert.deepEqual(again, { id: "e-1", created: false, started: ["e-1:welcome"], delivered: [] });
  assert.equal(await work.handle("e-1:welcome").result(), "hello ada@example.com");
  const runs = (await send.listRuns({ workflow: "welcome" })).runs;
  assert.deepEqual(
    runs.map((r) => [r.id, r.version]),
    [["e-1:welcome", "3"]],
  );
  const stored = await send.store.getRun("e-1:welcome");
  assert.equal(stored?.timeoutMs, 3_600_000, "the run timeout comes from the registration");
});

test("with no subscription, a sender starts nothing and says why", async () => {
  const store = tempStore();
  const other = defineWorkflow("other", async () => 1, { events: ["something.else"] });
  await using _work = await worker(store, [other]);
  await using send = sender(store);
  const receipt = await send.sendEvent("nobody.listens", { n: 1 }, { id: "e-2" });
  assert.deepEqual(receipt.started, []);
  assert.equal(receipt.reason, 'no workflow is subscribed to event "nobody.listens"');
});

test("a subscription's match decides which events start the workflow", async () => {
  const store = tempStore();
  const big = defineWorkflow("big-order", async (_ctx, input: { size: string }) => input.size, {
    events: [{ name: "order.placed", match: { size: "big" } }],
  });
  await using work = await worker(store, [big]);
  await using send = sender(store);
  const small = await send.sendEvent("order.placed", { size: "small" }, { id: "o-1" });
  assert.deepEqual(small.started, []);
  assert.match(small.reason ?? "", /"big-order" \(its match does not hold\)/);
  const large = await send.sendEvent("order.placed", { size: "big" }, { id: "o-2" });
  assert.deepEqual(large.started, ["o-2:big-order"]);
  assert.equal(await work.handle("o-2:big-order").result(), "big");
});

test("a sender without the code checks the input with the JSON Schema the worker stored", async () => {
  const store = tempStore();
  const strict = defineWorkflow("strict", async (_ctx, input: { email: string }) => input.email, {
    input: z.object({ email: z.string() }),
    events: ["signup"],
  });
  await using work = await worker(store, [strict]);
  await using send = sender(store);
  const refused = await send.sendEvent("signup", { email: 42 }, { id: "s-1" });
  assert.deepEqual(refused.started, []);
  assert.match(refused.rejected?.[0]?.message ?? "", /^invalid input of workflow "strict": email: /);
  assert.match(refused.reason ?? "", /"strict" \(input refused\)/);
  const ok = await send.sendEvent("signup", { email: "ada@example.com" }, { id: "s-2" });
  assert.deepEqual(ok.started, ["s-2:strict"]);
  assert.equal(await work.handle("s-2:strict").result(), "ada@example.com");
});

test("an input no sender could check is checked by the worker, which fails the run when refused", async () => {
  const store = tempStore();
  const picky = defineWorkflow("picky", async (_ctx, input: string) => input, { input: okText, events: ["note"] });
  await using work = await worker(store, [picky]);
  await using send = sender(store);
  const bad = await send.sendEvent("note", "nope", { id: "n-1" });
  assert.deepEqual(bad.started, ["n-1:picky"]);
  await assert.rejects(work.handle("n-1:picky").result(), (error: { status: string; error?: { code?: string } }) => {
    assert.equal(error.status, "failed");
    assert.equal(error.error?.code, "INVALID_INPUT");
    return true;
  });
  await send.sendEvent("note", "ok then", { id: "n-2" });
  assert.equal(await work.handle("n-2:picky").result(), "ok then");
});

test("the newest registration decides: its version is recorded, and an event it no longer lists starts nothing", async () => {
  const store = tempStore();
  const v1 = defineWorkflow("billing", async () => "v1", { events: ["invoice", "refund"], version: "1" });
  const one = await worker(store, [v1]);
  await using send = sender(store);
  assert.deepEqual((await send.sendEvent("refund", {}, { id: "r-1" })).started, ["r-1:billing"]);
  assert.equal(await one.handle("r-1:billing").result(), "v1");
  await one[Symbol.asyncDispose]();

  const v2 = defineWorkflow("billing", async () => "v2", { events: ["invoice"], version: "2" });
  await using two = await worker(store, [v2]);
  assert.deepEqual((await send.sendEvent("refund", {}, { id: "r-2" })).started, []);
  assert.deepEqual((await send.sendEvent("invoice", {}, { id: "i-1" })).started, ["i-1:billing"]);
  assert.equal((await send.getRun("i-1:billing")).version, "2");
  assert.equal(await two.handle("i-1:billing").result(), "v2");
});

test("a version registered again without an event drops that subscription", async () => {
  const store = tempStore();
  const before = defineWorkflow("notify", async () => 1, { events: ["ping", "pong"] });
  const first = await worker(store, [before]);
  await first[Symbol.asyncDispose]();
  const after = defineWorkflow("notify", async () => 2, { events: ["ping"] });
  await using _second = await worker(store, [after]);
  await using send = sender(store);
  assert.deepEqual((await send.sendEvent("pong", {}, { id: "p-1" })).started, []);
  assert.deepEqual((await send.sendEvent("ping", {}, { id: "p-2" })).started, ["p-2:notify"]);
});

test("store: the newest registration is the one registered last, ties to the greater version; signal targets", async () => {
  await using engine = await startEngine([], { start: false });
  const { store } = engine;
  await engine.start();
  const version = (v: string, events: string[]) => ({
    workflow: "w",
    version: v,
    subscriptions: events.map((event) => ({ event })),
    signalSchemas: { go: { type: "boolean" } },
  });
  await store.registerWorkflows([version("1", ["a"]), version("2", ["a", "b"])], 100);
  const newest = async (event: string) => (await store.listSubscriptions(event)).map((s) => s.version);
  assert.deepEqual(await newest("a"), ["2"], "same time: the greater version text");
  await store.registerWorkflows([version("1", ["a"])], 200);
  assert.deepEqual(await newest("a"), ["1"], "registered last");
  assert.deepEqual(await newest("b"), [], "the newest registration does not list it");
  await store.registerWorkflows([version("2", ["a"])], 150);
  assert.deepEqual(await newest("a"), ["1"], "a registration dated earlier makes no version newer");
  assert.equal(await store.hasSignalSchemas(), true);

  await store.createRun(newRun("r-1"), 300);
  assert.deepEqual(await store.getSignalTarget("r-1", "go"), {
    workflow: "w",
    version: "1",
    schema: { type: "boolean" },
  });
  assert.deepEqual(await store.getSignalTarget("r-1", "other"), { workflow: "w", version: "1" });
  assert.equal(await store.getSignalTarget("missing", "go"), undefined);
});

test("bad subscriptions and signal schemas are refused when the workflow is defined", () => {
  const fn = async () => 1;
  assert.throws(() => defineWorkflow("twice", fn, { events: ["a", { name: "a" }] }), {
    code: "INVALID_WORKFLOW",
    message: 'event "a" is listed twice in the events of workflow "twice"',
  });
  assert.throws(() => defineWorkflow("bad-match", fn, { events: [{ name: "a", match: { n: [1] as never } }] }), {
    code: "INVALID_WORKFLOW",
    message: /^invalid events of workflow "bad-match": invalid match of event "a": field "n" must be/,
  });
  assert.throws(() => defineWorkflow("bad-signal", fn, { signals: { go: {} as never } }), {
    code: "INVALID_WORKFLOW",
    message: /^invalid schema of signal "go" in workflow "bad-signal": expected a Standard Schema/,
  });
});
