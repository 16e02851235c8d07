import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow } from "baton";
import { countingClaims, eventually, startEngine, statusOf, tempStore } from "../helpers.js";

/** Version 1 waits for a signal and says "v1"; version 2 (and 10) says so at once. */
const v1 = defineWorkflow(
  "greeting",
  async (ctx) => {
    await ctx.waitForSignal("go");
    return ctx.step("say", () => "v1");
  },
  { version: "1" },
);
const v2 = defineWorkflow("greeting", async (ctx) => ctx.step("say", () => "v2"), { version: "2" });
const v10 = defineWorkflow("greeting", async (ctx) => ctx.step("say", () => "v10"), { version: "10" });

test("versions side by side: new runs start on the newest, a start may name one, open runs keep theirs", async () => {
  const store = tempStore();
  {
    await using old = await startEngine([v1], { store });
    await old.startRun("greeting", {}, { id: "open-v1" });
    await statusOf(old, "open-v1", "waiting");
  }
  await using engine = await startEngine([v2, v1, v10], { store });
  const newest = await engine.startRun("greeting", {}, { id: "newest" });
  assert.equal(await newest.result(), "v10", "the highest version, numbers compared as numbers");
  const named = await engine.startRun("greeting", {}, { id: "named", version: "2" });
  assert.equal(await named.result(), "v2");
  const byObject = await engine.startRun(v2, {}, { id: "by-object" });
  assert.equal(await byObject.result(), "v2", "the workflow object given is the version started");
  await engine.signal("open-v1", "go", true);
  assert.equal(await engine.handle("open-v1").result(), "v1", "the open run finishes on its own version");
  await assert.rejects(engine.startRun("greeting", {}, { version: "7" }), { code: "UNKNOWN_VERSION" });
  await assert.rejects(engine.startRun("nope", {}, { version: "1" }), { code: "UNKNOWN_WORKFLOW" });
  await assert.rejects(startEngine([v1, v1]), { code: "DUPLICATE_WORKFLOW" });
});

test("a worker that lacks a run's version leaves it to one that has it", async () => {
  const address = tempStore();
  const counted = countingClaims(address);
  await using newer = await startEngine([v2], { store: counted.store });
  await using starter = await startEngine([v1], { store: address, start: false });
  await starter.startRun(v1, {}, { id: "wants-v1" });
  // Three claims of the newer engine after the run was created: none took it.
  const seen = counted.claims();
  await eventually(() => counted.claims() >= seen + 3);
  assert.equal((await newer.getRun("wants-v1")).status, "pending", "no worker with v1: it waits");
  await using older = await startEngine([v1], { store: address });
  await statusOf(older, "wants-v1", "waiting");
  await older.signal("wants-v1", "go", true);
  assert.equal(await older.handle("wants-v1").result(), "v1");
});
