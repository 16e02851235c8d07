import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock, defineWorkflow, type Engine, type EventMatch, openStore, type Store } from "baton";
import { eventually, newRun, startEngine, statusOf, tempStore } from "../helpers.js";

/** Waits until the run's history holds `count` event waits (each committed with its registration). */
const waitsRecorded = (engine: Engine, runId: string, count = 1) =>
  eventually(async () => (await engine.getHistory(runId)).filter((e) => e.type === "event.waiting").length >= count);

test("an event reaches the runs whose match its payload meets, and no other", async () => {
  const wait = defineWorkflow("wait-order", async (ctx, input: { match?: EventMatch }) =>
    ctx.waitForEvent("order.paid", { match: input.match }),
  );
  await using engine = await startEngine([wait]);
  const matches: Record<string, unknown> = {
    byId: { orderId: "o-1" },
    otherId: { orderId: "o-2" },
    any: undefined,
    several: { paid: true, amount: 10, note: null },
    typed: { amount: "10" },
    inArray: { tag: "a" },
  };
  const runs: Record<string, string> = {};
  for (const [key, match] of Object.entries(matches)) {
    runs[key] = (await engine.startRun(wait, { match: match as EventMatch | undefined }, { id: key })).id;
  }
  for (const id of Object.values(runs)) await waitsRecorded(engine, id);

  const payload = { orderId: "o-1", paid: true, amount: 10, note: null, tag: ["a"] };
  const receipt = await engine.sendEvent("order.paid", payload);
  assert.deepEqual(receipt.delivered, ["any", "byId", "several"]);
  assert.equal(receipt.created, true);
  assert.deepEqual(receipt.started, []);
  assert.equal(receipt.rejected, undefined);
  for (const id of receipt.delivered) assert.deepEqual(await engine.handle(id).result(), payload);

  assert.deepEqual((await engine.sendEvent("order.paid", "o-2")).delivered, [], "a payload that is no object");
  assert.deepEqual((await engine.sendEvent("order.paid", { orderId: "o-2", amount: 10 })).delivered, ["otherId"]);
  assert.deepEqual(await engine.handle("otherId").result(), { orderId: "o-2", amount: 10 });
  for (const id of ["typed", "inArray"]) assert.equal((await engine.getRun(id)).status, "waiting");
});

test("any JSON payload can be sent and matched, NUL characters and lone surrogates included", async () => {
  const wf = defineWorkflow("nul-wait", async (ctx, input: { match?: EventMatch }) =>
    ctx.waitForEvent("note", { match: input.match }),
  );
  await using engine = await startEngine([wf]);
  const any = await engine.startRun(wf, {}, { id: "any-note" });
  const byKind = await engine.startRun(wf, { match: { kind: "memo" } }, { id: "memo-note" });
  await waitsRecorded(engine, any.id);
  await waitsRecorded(engine, byKind.id);
  const payload = { kind: "memo", text: "a\u0000b", "odd\u0000key": 1, half: "\ud800", "\udc00": null };
  assert.deepEqual((await engine.sendEvent("note", payload)).delivered, ["any-note", "memo-note"]);
  assert.deepEqual(await any.result(), payload);
  assert.deepEqual(await byKind.result(), payload);
});

test("an event sent before a run waits is not kept for it", async () => {
  const clock = createTestClock();
  const wf = defineWorkflow("late", async (ctx) => {
    await ctx.sleep("1m");
    return ctx.waitForEvent<string>("ping");
  });
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "waiting");
  assert.deepEqual((await engine.sendEvent("ping", "early")).delivered, []);
  await clock.advance("1m");
  await waitsRecorded(engine, run.id);
  assert.deepEqual((await engine.sendEvent("ping", "on time")).delivered, [run.id]);
  assert.equal(await run.result(), "on time");
});

test("waitForEvent returns undefined once its timeout passes; later events do not reach it", async () => {
  const clock = createTestClock();
  const wf = defineWorkflow("event-timeout", async (ctx) => {
    const payload = await ctx.waitForEvent("approval", { timeout: "2d" });
    return payload === undefined ? "timed out" : "answered";
  });
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, {});
  await waitsRecorded(engine, run.id);
  const [waiting] = (await engine.getRun(run.id)).steps;
  assert.equal(waiting?.kind, "event");
  assert.equal(waiting?.name, "approval");
  assert.equal(waiting?.status, "waiting");
  assert.equal(waiting?.dueAt?.getTime(), waiting.startedAt.getTime() + 2 * 86_400_000);
  await clock.advance("2d");
  assert.equal(await run.result(), "timed out");
  assert.deepEqual((await engine.sendEvent("approval", true)).delivered, []);
  const history = await engine.getHistory(run.id);
  assert.deepEqual(
    history.filter((e) => e.type.startsWith("event.")).map((e) => e.type),
    ["event.waiting", "event.timed_out"],
  );
});

test("an event that reached a wait before its timeout is received, even when the worker reads it after the timeout", async () => {
  const clock = createTestClock();
  const store = tempStore();
  const wf = defineWorkflow("close-race", async (ctx) => ctx.waitForEvent<string>("answer", { timeout: "1h" }));
  await using worker = await startEngine([wf], { clock, store });
  // Another process: the worker hears of the event only when it polls or is notified.
  await using sender = await startEngine([wf], { clock, store, start: false });
  const run = await worker.startRun(wf, {});
  await waitsRecorded(worker, run.id);
  await clock.advance("59m");
  assert.deepEqual((await sender.sendEvent("answer", "just in time")).delivered, [run.id]);
  await clock.advance("1m");
  assert.equal(await run.result(), "just in time");
  const types = (await worker.getHistory(run.id)).map((e) => e.type).filter((t) => t.startsWith("event."));
  assert.deepEqual(types, ["event.waiting", "event.received"]);
});

test("every run waiting for an event receives it, and getRun shows it as a completed event step", async () => {
  const wf = defineWorkflow("fan-out", async (ctx) => ctx.waitForEvent<{ n: number }>("go"));
  await using engine = await startEngine([wf]);
  const a = await engine.startRun(wf, {}, { id: "a" });
  const b = await engine.startRun(wf, {}, { id: "b" });
  await waitsRecorded(engine, a.id);
  await waitsRecorded(engine, b.id);
  const receipt = await engine.sendEvent("go", { n: 1 }, { id: "go-1" });
  assert.deepEqual(receipt, {
    id: "go-1",
    created: true,
    started: [],
    delivered: ["a", "b"],
    reason: 'no workflow is subscribed to event "go"',
  });
  assert.deepEqual(await a.result(), { n: 1 });
  assert.deepEqual(await b.result(), { n: 1 });
  const [step] = (await engine.getRun(a.id)).steps;
  assert.deepEqual(
    { kind: step?.kind, name: step?.name, status: step?.status, output: step?.output },
    { kind: "event", name: "go", status: "completed", output: { n: 1 } },
  );
  const received = (await engine.getHistory(a.id)).find((e) => e.type === "event.received");
  assert.equal(received?.eventId, "go-1");
});

test("a wait receives one event only, whatever events race for it", async () => {
  const wf = defineWorkflow("one-of-many", async (ctx) => {
    const first = await ctx.waitForEvent<number>("tick");
    await ctx.waitForSignal("done");
    return first;
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await waitsRecorded(engine, run.id);
  const receipts = await Promise.all(Array.from({ length: 10 }, (_, n) => engine.sendEvent("tick", n)));
  const winners = receipts.filter((receipt) => receipt.delivered.length > 0);
  assert.equal(winners.length, 1, "exactly one event reached the wait");
  assert.deepEqual(winners[0]?.delivered, [run.id]);
  await engine.signal(run.id, "done");
  assert.equal(await run.result(), receipts.indexOf(winners[0] as (typeof receipts)[number]));
  const history = await engine.getHistory(run.id);
  assert.equal(history.filter((e) => e.type === "event.received").length, 1);
});

test("a waiting run survives a restart and receives the event; replay returns the recorded payload", async () => {
  const store = tempStore();
  const firsts: (string | undefined)[] = [];
  const make = () =>
    defineWorkflow("durable-wait", async (ctx) => {
      const first = await ctx.waitForEvent<string>("first");
      firsts.push(first);
      await ctx.waitForSignal("continue");
      const second = await ctx.waitForEvent<string>("second");
      return [first, second];
    });
  const one = await startEngine([make()], { store });
  const run = await one.startRun("durable-wait", {}, { id: "survivor" });
  await waitsRecorded(one, run.id);
  await one[Symbol.asyncDispose]();

  const two = await startEngine([make()], { store });
  assert.deepEqual((await two.sendEvent("first", "one")).delivered, [run.id], "the wait outlived its worker");
  await eventually(async () => (await two.getHistory(run.id)).some((e) => e.type === "event.received"));
  await two[Symbol.asyncDispose]();

  await using three = await startEngine([make()], { store });
  await three.signal(run.id, "continue");
  await waitsRecorded(three, run.id, 2);
  assert.deepEqual((await three.sendEvent("first", "again")).delivered, [], "the first wait is over");
  assert.deepEqual((await three.sendEvent("second", "two")).delivered, [run.id]);
  assert.deepEqual(await three.handle(run.id).result(), ["one", "two"]);
  assert.deepEqual(firsts, ["one", "one"], "re-execution returned the recorded payload without waiting");
  const types = (await three.getHistory(run.id)).map((e) => e.type).filter((t) => t.startsWith("event."));
  assert.deepEqual(types, ["event.waiting", "event.received", "event.waiting", "event.received"]);
});

test("a resumed run waits for its event again", async () => {
  let fail = true;
  const wf = defineWorkflow("resume-wait", async (ctx) => {
    const [payload] = await Promise.all([
      ctx.waitForEvent<string>("resume.me"),
      ctx.step(
        "flaky",
        () => {
          if (fail) throw new Error("not yet");
        },
        { retry: { maxAttempts: 1 } },
      ),
    ]);
    return payload;
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "failed");
  assert.deepEqual((await engine.sendEvent("resume.me", "while failed")).delivered, []);
  fail = false;
  await engine.resume(run.id);
  await eventually(async () => (await engine.sendEvent("resume.me", "after resume")).delivered.length > 0);
  assert.equal(await run.result(), "after resume");
});

test("bad event names, ids, payloads and matches are refused with a clear error", async () => {
  const matches: Record<string, unknown> = { object: { order: { id: 1 } }, array: ["a"], nan: { amount: Number.NaN } };
  const bad = defineWorkflow("bad-match", async (ctx, input: { match: string }) => {
    try {
      await ctx.waitForEvent("order.paid", { match: matches[input.match] as EventMatch });
      return "accepted";
    } catch (error) {
      return { code: (error as { code?: string }).code, message: (error as Error).message };
    }
  });
  const badName = defineWorkflow("bad-name", async (ctx) => ctx.waitForEvent(""));
  await using engine = await startEngine([bad, badName]);
  await assert.rejects(engine.sendEvent("", 1), {
    name: "BatonError",
    code: "INVALID_NAME",
    message: 'invalid event name "": expected 1 to 200 characters',
  });
  await assert.rejects(engine.sendEvent("x".repeat(201)), { code: "INVALID_NAME" });
  await assert.rejects(engine.sendEvent("ok", 1, { id: "has space" }), {
    code: "INVALID_EVENT_ID",
    message: 'invalid event id "has space": expected 1 to 64 printable ASCII characters without spaces',
  });
  await assert.rejects(engine.sendEvent("ok", 1, { id: "x".repeat(65) }), { code: "INVALID_EVENT_ID" });
  await assert.rejects(
    engine.sendEvent("ok", () => 1),
    {
      code: "NOT_SERIALIZABLE",
      message: /^payload of event "ok" is not JSON-serialisable/,
    },
  );

  const outcome = async (match: string) => (await engine.startRun(bad, { match })).result();
  assert.deepEqual(await outcome("object"), {
    code: "INVALID_MATCH",
    message:
      'invalid match of event "order.paid": field "order" must be a string, a finite number, a boolean or null, got an object',
  });
  assert.deepEqual(await outcome("array"), {
    code: "INVALID_MATCH",
    message: 'invalid match of event "order.paid": expected an object of fields to values, got an array',
  });
  assert.deepEqual(await outcome("nan"), {
    code: "INVALID_MATCH",
    message:
      'invalid match of event "order.paid": field "amount" must be a string, a finite number, a boolean or null, got NaN',
  });
  const failed = await engine.startRun(badName, {});
  await statusOf(engine, failed.id, "failed");
  assert.equal((await engine.getRun(failed.id)).error?.code, "INVALID_NAME");
  assert.throws(() => defineWorkflow("bad-subscription", async () => 1, { events: [""] }), {
    code: "INVALID_WORKFLOW",
    message: 'invalid event name "" in the events of workflow "bad-subscription": expected 1 to 200 characters',
  });
});

test("store: publishers racing for one wait deliver once; a closed or due wait takes no event", async () => {
  const address = tempStore();
  const store = openStore(address);
  await store.migrate();
  const rival = openStore(address);
  await store.createRun(newRun("r"), 1);
  const request = { owner: "w1", now: 2, leaseMs: 60_000, limit: 1, workflows: ["w@1"] };
  const [claimed] = (await store.claimRuns(request)).runs;
  assert.ok(claimed);
  const { lease } = claimed;
  const append = (seq: number, type: "event.waiting" | "event.received", position: number, write: object) =>
    store.appendHistory(lease, {
      kind: "full",
      events: [{ seq, type, at: seq, position, name: "e" }],
      now: seq,
      ...write,
    });
  await append(2, "event.waiting", 0, { eventWaits: [{ position: 0, name: "e", match: { k: 1 } }], status: "waiting" });

  const racers: Store[] = [store, rival];
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, n) =>
      racers[n % 2]?.sendEvent({ id: `e-${n}`, name: "e", payload: { k: 1, n }, runs: [] }, 10 + n),
    ),
  );
  const winners = results.filter((result) => result?.event.delivered.length);
  assert.equal(winners.length, 1, "one event reached the wait");
  assert.deepEqual(winners[0]?.event.delivered, ["r"]);
  const inbox = await store.readInbox("r");
  assert.equal(inbox.eventWaits[0]?.received?.eventId, winners[0]?.event.id);
  assert.deepEqual(inbox.eventWaits[0]?.received?.payload, winners[0]?.event.payload);
  assert.ok(inbox.pokeSeq > claimed.run.pokeSeq, "the run was poked");
  assert.deepEqual(await store.pokedRuns("w1"), [{ runId: "r", pokeSeq: inbox.pokeSeq }]);

  await append(3, "event.received", 0, { endedEventWaits: [0], eventWaits: [{ position: 1, name: "e", dueAt: 100 }] });
  assert.deepEqual((await store.sendEvent({ id: "first", name: "e", payload: 7, runs: [] }, 50)).event.delivered, [
    "r",
  ]);
  assert.equal((await store.closeEventWait(lease, 1))?.eventId, "first", "the event came before the close");
  await append(4, "event.received", 1, {
    endedEventWaits: [1],
    eventWaits: [
      { position: 2, name: "e" },
      { position: 3, name: "e", dueAt: 60 },
    ],
  });
  assert.equal(await store.closeEventWait(lease, 2), undefined, "closed before any event");
  const late = await store.sendEvent({ id: "late", name: "e", payload: { k: 1 }, runs: [] }, 70);
  assert.deepEqual(late.event.delivered, [], "neither the closed wait nor the due one takes it");
  assert.deepEqual(
    (await store.readInbox("r")).eventWaits.map((wait) => [wait.position, wait.received]),
    [[3, undefined]],
  );

  const repeat = await rival.sendEvent({ id: "late", name: "e", payload: {}, runs: [newRun("x")] }, 80);
  assert.equal(repeat.created, false);
  assert.deepEqual(repeat.event.payload, { k: 1 }, "the event as first sent");
  assert.equal(await store.getRun("x"), undefined, "a repeated event starts nothing");
  await assert.rejects(store.closeEventWait({ ...lease, token: lease.token - 1 }, 3), { code: "LEASE_LOST" });
  await store.appendHistory(lease, {
    kind: "finish",
    events: [{ seq: 5, type: "run.completed", at: 90, output: 1 }],
    status: "completed",
    now: 90,
  });
  assert.deepEqual((await store.readInbox("r")).eventWaits, [], "a finished run has no waits");
  await Promise.all([store.close(), rival.close()]);
});
