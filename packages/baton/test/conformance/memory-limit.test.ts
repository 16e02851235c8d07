import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow } from "baton";
import { eventually, newRun, startEngine, tempStore } from "../helpers.js";
import { heldClaimsStore } from "./held-claims-store.js";

test("waiting runs beyond the memory limit are evicted and brought back when they wake", async () => {
  const wf = defineWorkflow("evictable", async (ctx, n: number) => {
    const value = await ctx.waitForSignal<number>("go");
    return (value as number) + n;
  });
  await using engine = await startEngine([wf], { maxRunsInMemory: 5 });
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push((await engine.startRun(wf, i, { id: `ev-${i}` })).id);
  await eventually(async () => (await engine.listRuns({ status: "waiting", limit: 100 })).runs.length === 20);
  for (const id of ids) await engine.signal(id, "go", 100);
  const results = await Promise.all(ids.map((id) => engine.handle(id).result()));
  assert.deepEqual(
    results,
    ids.map((_, i) => 100 + i),
  );
});

test("a worker at its memory limit takes queued runs as soon as runs leave memory", async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const wf = defineWorkflow("queued", async (ctx, n: number) => ctx.step("s", () => gate.then(() => n)));
  // No poll for an hour: only the runs leaving memory can bring in the queued ones.
  await using engine = await startEngine([wf], { maxRunsInMemory: 3, pollInterval: "1h" });
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) ids.push((await engine.startRun(wf, i, { id: `queued-${i}` })).id);
  // Generous bounds: on a machine overloaded by other tests, a worker whose
  // event loop runs late puts its claims off until it catches up.
  const pending = async () => (await engine.listRuns({ status: "pending", limit: 100 })).runs.length;
  await eventually(async () => (await pending()) === 9, 60_000);
  release();
  await eventually(async () => (await engine.listRuns({ status: "completed", limit: 100 })).runs.length === 12, 60_000);
  const results = await Promise.all(ids.map((id) => engine.handle(id).result()));
  assert.deepEqual(
    results,
    ids.map((_, i) => i),
  );
});

test("runs started in the process while a claim is under way leave the claim its room: the worker stays within its memory limit", async () => {
  const address = tempStore();
  const { inner, store, claims } = heldClaimsStore(address);
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  // Each run in memory waits in its step's body: the most bodies at once is the most runs in memory.
  let inMemory = 0;
  let most = 0;
  const wf = defineWorkflow("room", async (ctx, n: number) =>
    ctx.step("s", async () => {
      most = Math.max(most, ++inMemory);
      await gate;
      inMemory--;
      return n;
    }),
  );
  await using engine = await startEngine([wf], { store, maxRunsInMemory: 3, pollInterval: 50 });
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) ids.push((await engine.startRun(wf, i, { id: `room-${i}` })).id);
  claims.hold();
  await eventually(() => claims.entered); // a claim with room for one more run (its limit), held up
  // A run no worker holds, created before the runs started below (claims take the oldest
  // first: a tie in the same millisecond could go either way): that claim takes it once claims open.
  await inner.createRun(
    { ...newRun("room-queued"), workflow: "room", input: 2, history: [{ type: "run.started", at: 1, input: 2 }] },
    Date.now() - 1000,
  );
  ids.push("room-queued");
  // Started while that claim is under way: none of them fits.
  for (let i = 3; i < 6; i++) ids.push((await engine.startRun(wf, i, { id: `room-${i}` })).id);
  claims.open();
  const count = async (status: "running" | "pending") => (await engine.listRuns({ status, limit: 100 })).runs.length;
  await eventually(async () => (await count("running")) === 3 && (await count("pending")) === 3);
  assert.equal((await engine.getRun("room-queued")).status, "running", "the claim took the run it had room for");
  // Its body starts once its start is committed (on PostgreSQL, before the body): three bodies then run at once.
  await eventually(() => inMemory === 3);
  release();
  const results = await Promise.all(ids.map((id) => engine.handle(id).result()));
  assert.deepEqual(results, [0, 1, 2, 3, 4, 5]);
  assert.equal(most, 3, "later claims found no room either: never more than 3 runs in memory");
});

test("eviction lets runs waiting for a signal go first and keeps runs whose timer is due soon", async () => {
  const { createTestClock } = await import("baton");
  const clock = createTestClock();
  const soon = defineWorkflow("due-soon", async (ctx) => {
    await ctx.sleep("5s");
    return "woke";
  });
  const patient = defineWorkflow("patient", async (ctx) => (await ctx.waitForSignal<number>("go")) as number);
  await using engine = await startEngine([soon, patient], { clock, maxRunsInMemory: 5 });
  const sleepers: string[] = [];
  for (let i = 0; i < 3; i++) sleepers.push((await engine.startRun(soon, {}, { id: `soon-${i}` })).id);
  await eventually(async () => (await engine.listRuns({ status: "waiting", limit: 100 })).runs.length === 3);
  const waiters: string[] = [];
  for (let i = 0; i < 10; i++) waiters.push((await engine.startRun(patient, {}, { id: `patient-${i}` })).id);
  await eventually(async () => (await engine.listRuns({ status: "waiting", limit: 100 })).runs.length === 13);
  for (const id of sleepers) assert.ok((await engine.store.getRun(id))?.leaseOwner, `${id} stayed in memory`);
  const released = await Promise.all(waiters.map(async (id) => (await engine.store.getRun(id))?.leaseOwner));
  assert.ok(released.filter((owner) => owner === undefined).length >= 8, "runs waiting for a signal left memory");
  await clock.advance("5s");
  assert.deepEqual(await Promise.all(sleepers.map((id) => engine.handle(id).result())), ["woke", "woke", "woke"]);
  for (const [i, id] of waiters.entries()) await engine.signal(id, "go", i);
  assert.deepEqual(
    await Promise.all(waiters.map((id) => engine.handle(id).result())),
    waiters.map((_, i) => i),
  );
});
