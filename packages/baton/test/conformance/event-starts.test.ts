import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, type Engine } from "baton";
import { z } from "zod";
import { eventually, startEngine } from "../helpers.js";

/** Waits until the run's history holds `count` event waits (each committed with its registration). */
const waitsRecorded = (engine: Engine, runId: string, count = 1) =>
  eventually(async () => (await engine.getHistory(runId)).filter((e) => e.type === "event.waiting").length >= count);

test("sendEvent starts the workflows subscribed to the event, with the payload as input", async () => {
  const welcome = defineWorkflow("welcome", async (_ctx, input: { email: string }) => `hello ${input.email}`, {
    events: ["user.signed_up"],
  });
  const audit = defineWorkflow("audit", async (_ctx, input: unknown) => input, {
    events: ["user.signed_up", "user.left"],
  });
  const other = defineWorkflow("other", async () => "never", { events: ["something.else"] });
  await using engine = await startEngine([welcome, audit, other]);
  const receipt = await engine.sendEvent("user.signed_up", { email: "ada@example.com" }, { id: "evt-7" });
  assert.deepEqual(receipt, {
    id: "evt-7",
    created: true,
    started: ["evt-7:audit", "evt-7:welcome"],
    delivered: [],
  });
  assert.equal(await engine.handle("evt-7:welcome").result(), "hello ada@example.com");
  assert.deepEqual(await engine.handle("evt-7:audit").result(), { email: "ada@example.com" });
  const [started] = await engine.getHistory("evt-7:welcome");
  assert.equal(started?.eventId, "evt-7");
  assert.equal((await engine.listRuns({ workflow: "other" })).runs.length, 0);
  const generated = await engine.sendEvent("user.left", null);
  assert.match(generated.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(generated.started, [`${generated.id}:audit`]);
});

test("the same event id twice starts and delivers nothing more", async () => {
  const subscribed = defineWorkflow("on-invoice", async (_ctx, input: { n: number }) => input.n, {
    events: ["invoice.created"],
  });
  const waiter = defineWorkflow("invoice-waiter", async (ctx) => [
    await ctx.waitForEvent<number>("invoice.created"),
    await ctx.waitForEvent<number>("invoice.created"),
  ]);
  await using engine = await startEngine([subscribed, waiter]);
  const run = await engine.startRun(waiter, {});
  await waitsRecorded(engine, run.id);
  const first = await engine.sendEvent("invoice.created", { n: 1 }, { id: "inv-1" });
  assert.deepEqual(first, { id: "inv-1", created: true, started: ["inv-1:on-invoice"], delivered: [run.id] });
  await waitsRecorded(engine, run.id, 2);
  const again = await engine.sendEvent("invoice.created", { n: 2 }, { id: "inv-1" });
  assert.deepEqual(again, { id: "inv-1", created: false, started: ["inv-1:on-invoice"], delivered: [] });
  assert.equal((await engine.listRuns({ workflow: "on-invoice" })).runs.length, 1);
  assert.equal(await engine.handle("inv-1:on-invoice").result(), 1);
  assert.deepEqual((await engine.sendEvent("invoice.created", { n: 3 }, { id: "inv-3" })).delivered, [run.id]);
  assert.deepEqual(await run.result(), [{ n: 1 }, { n: 3 }]);
});

test("a payload the input schema refuses starts no run, is reported, and is still delivered", async () => {
  const strict = defineWorkflow("strict-signup", async (_ctx, input: { email: string }) => input.email, {
    input: z.object({ email: z.email() }),
    events: ["signup"],
  });
  const lax = defineWorkflow("lax-signup", async (_ctx, input: unknown) => input, { events: ["signup"] });
  const waiter = defineWorkflow("signup-waiter", async (ctx) => ctx.waitForEvent("signup"));
  await using engine = await startEngine([strict, lax, waiter]);
  const run = await engine.startRun(waiter, {});
  await waitsRecorded(engine, run.id);
  const receipt = await engine.sendEvent("signup", { email: "not an address" }, { id: "s-1" });
  assert.deepEqual(receipt.started, ["s-1:lax-signup"]);
  assert.deepEqual(receipt.delivered, [run.id]);
  assert.equal(receipt.rejected?.length, 1);
  assert.equal(receipt.rejected?.[0]?.workflow, "strict-signup");
  assert.match(receipt.rejected?.[0]?.message ?? "", /^invalid input of workflow "strict-signup": email: /);
  assert.deepEqual(await run.result(), { email: "not an address" });
  assert.equal((await engine.listRuns({ workflow: "strict-signup" })).runs.length, 0);
  const ok = await engine.sendEvent("signup", { email: "ada@example.com" });
  assert.deepEqual(ok.started, [`${ok.id}:lax-signup`, `${ok.id}:strict-signup`]);
  assert.equal(await engine.handle(`${ok.id}:strict-signup`).result(), "ada@example.com");
});
