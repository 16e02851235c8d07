import assert from "node:assert/strict";
import { test } from "node:test";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { createEngine, defineWorkflow, type Engine, type HistoryEvent } from "baton";
import { z } from "zod";
import { eventually, startEngine, statusOf, tempStore } from "../helpers.js";

/** An engine with no workflow code on the store at `store` (a sender), not started. */
const sender = (store: string): Engine => createEngine({ store, pollInterval: 20, logger: { warn: () => {} } });

/** A Standard Schema with no JSON Schema to export, answering asynchronously: numbers above 10. */
const above10: StandardSchemaV1<unknown, number> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate: async (value) =>
      typeof value === "number" && value > 10 ? { value } : { issues: [{ message: "must be above 10" }] },
  },
};

const signalEvents = (history: HistoryEvent[]) =>
  history
    .filter((e) => e.type.startsWith("signal."))
    .map(({ type, name, payload, issues }) => ({ type, name, payload, ...(issues ? { issues } : {}) }));

test("a payload failing a declared signal schema is refused at send by a sender with the code", async () => {
  const approval = defineWorkflow("approval", async (ctx) => ctx.waitForSignal<{ ok: boolean }>("approve"), {
    signals: { approve: z.object({ ok: z.boolean() }) },
  });
  await using engine = await startEngine([approval]);
  const run = await engine.startRun(approval, {});
  await assert.rejects(engine.signal(run.id, "approve", { ok: "yes" }), (error: Error & { code: string }) => {
    assert.equal(error.code, "INVALID_INPUT");
    assert.match(error.message, /^invalid payload of signal "approve": ok: /);
    return true;
  });
  assert.deepEqual((await engine.getRun(run.id)).pendingSignals, [], "nothing was stored");
  await engine.signal(run.id, "other", "no schema, not checked");
  await engine.signal(run.id, "approve", { ok: true });
  assert.deepEqual(await run.result(), { ok: true });
});

test("a sender without the code refuses a payload through the JSON Schema the worker stored", async () => {
  const store = tempStore();
  const approval = defineWorkflow("remote-approval", async (ctx) => ctx.waitForSignal<{ ok: boolean }>("approve"), {
    signals: { approve: z.object({ ok: z.boolean() }) },
  });
  await using work = await startEngine([approval], { store });
  await using send = sender(store);
  const run = await work.startRun(approval, {});
  await assert.rejects(send.signal(run.id, "approve", { ok: 1 }), (error: Error & { code: string }) => {
    assert.equal(error.code, "INVALID_INPUT");
    assert.match(error.message, /^invalid payload of signal "approve": ok: /);
    return true;
  });
  await assert.rejects(send.signal(run.id, "approve", {}), { message: /ok: .*required/ });
  await send.signal(run.id, "approve", { ok: false });
  assert.deepEqual(await run.result(), { ok: false });
  await assert.rejects(send.signal("no-such-run", "approve", {}), { code: "RUN_NOT_FOUND" });
});

test("a payload failing the wait's own schema is recorded signal.refused; the run keeps waiting, also after a restart", async () => {
  const store = tempStore();
  const make = () =>
    defineWorkflow("answer", async (ctx) => {
      const answer = await ctx.waitForSignal("answer", { schema: z.object({ n: z.number() }) });
      const more = await ctx.waitForSignal("more", { schema: above10 });
      return { answer, more };
    });
  const one = await startEngine([make()], { store });
  const run = await one.startRun("answer", {}, { id: "answering" });
  await statusOf(one, run.id, "waiting");
  await one.signal(run.id, "answer", { n: "two" });
  await eventually(async () => (await one.getHistory(run.id)).some((e) => e.type === "signal.refused"));
  assert.equal((await one.getRun(run.id)).status, "waiting");
  assert.deepEqual((await one.getRun(run.id)).pendingSignals, [], "the refused signal is consumed");
  const refused = (await one.getHistory(run.id)).find((e) => e.type === "signal.refused");
  assert.equal(refused?.name, "answer");
  assert.deepEqual(refused?.payload, { n: "two" });
  assert.equal(refused?.issues?.[0]?.path, "n");
  assert.equal(typeof refused?.signalId, "number");
  await one.signal(run.id, "answer", { n: 2 });
  await one.signal(run.id, "more", 5);
  await eventually(async () => (await one.getHistory(run.id)).filter((e) => e.type === "signal.refused").length === 2);
  await one[Symbol.asyncDispose]();

  // Re-executed from its history by another engine: the same refusals, no signal delivered twice.
  await using two = await startEngine([make()], { store });
  await two.signal(run.id, "more", 11);
  assert.deepEqual(await two.handle(run.id).result(), { answer: { n: 2 }, more: 11 });
  assert.deepEqual(signalEvents(await two.getHistory(run.id)), [
    { type: "signal.waiting", name: "answer", payload: undefined },
    {
      type: "signal.refused",
      name: "answer",
      payload: { n: "two" },
      issues: [{ path: "n", message: refused?.issues?.[0]?.message }],
    },
    { type: "signal.received", name: "answer", payload: { n: 2 } },
    { type: "signal.waiting", name: "more", payload: undefined },
    { type: "signal.refused", name: "more", payload: 5, issues: [{ path: "", message: "must be above 10" }] },
    { type: "signal.received", name: "more", payload: 11 },
  ]);
});

test("a declared schema the sender could not check is applied at the wait and by onSignal handlers", async () => {
  const store = tempStore();
  const scopes: number[] = [];
  const wf = defineWorkflow(
    "scoped",
    async (ctx) => {
      ctx.onSignal<number>("scope", (n) => scopes.push(n));
      const go = await ctx.waitForSignal<number>("go");
      return { go, scopes };
    },
    { signals: { scope: above10, go: above10 } },
  );
  await using work = await startEngine([wf], { store });
  await using send = sender(store);
  const run = await work.startRun(wf, {});
  await statusOf(work, run.id, "waiting");
  await send.signal(run.id, "scope", 3);
  await send.signal(run.id, "scope", 30);
  await send.signal(run.id, "go", 1);
  await send.signal(run.id, "go", 12);
  assert.deepEqual(await run.result(), { go: 12, scopes: [30] });
  const refused = (await work.getHistory(run.id)).filter((e) => e.type === "signal.refused");
  assert.deepEqual(
    refused.map((e) => [e.name, e.payload]),
    [
      ["scope", 3],
      ["go", 1],
    ],
  );
});

test("signals checked at send reach their run in the order they were sent", async () => {
  const wf = defineWorkflow(
    "ordered-checked",
    async (ctx) => {
      const got: number[] = [];
      for (let i = 0; i < 5; i++) got.push((await ctx.waitForSignal<number>("n")) as number);
      return got;
    },
    { signals: { n: z.number() } },
  );
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await Promise.all([1, 2, 3, 4, 5].map((n) => engine.signal(run.id, "n", n)));
  assert.deepEqual(await run.result(), [1, 2, 3, 4, 5]);
});
