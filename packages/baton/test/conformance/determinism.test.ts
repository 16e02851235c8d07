import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow } from "baton";
import { startEngine, statusOf, tempStore } from "../helpers.js";

test("re-execution that calls a different step fails the run naming both, before any side effect", async () => {
  const store = tempStore();
  const v1 = defineWorkflow("changing", async (ctx) => {
    await ctx.step("charge", () => "charged");
    await ctx.waitForSignal("go");
    return "v1";
  });
  const first = await startEngine([v1], { store });
  const run = await first.startRun(v1, {}, { id: "det-1" });
  await statusOf(first, run.id, "waiting");
  await first[Symbol.asyncDispose]();

  let shipped = false;
  const v2 = defineWorkflow("changing", async (ctx) => {
    await ctx.step("ship", () => {
      shipped = true;
    });
    return "v2";
  });
  await using second = await startEngine([v2], { store });
  await second.signal(run.id, "go", 1);
  await statusOf(second, run.id, "failed");
  const view = await second.getRun(run.id);
  assert.equal(view.error?.code, "NONDETERMINISM");
  assert.equal(
    view.error?.message,
    'run "det-1" is not deterministic: at position 0 its history has step "charge", but the workflow called step "ship"',
  );
  assert.equal(shipped, false);
});

test("ctx.now, ctx.random and ctx.uuid give the same values on re-execution", async () => {
  const store = tempStore();
  const seen: unknown[][] = [];
  const wf = defineWorkflow("replay-safe", async (ctx) => {
    const values = [ctx.now().getTime(), ctx.random(), ctx.uuid()];
    seen.push(values);
    await ctx.waitForSignal("go");
    return values;
  });
  const first = await startEngine([wf], { store });
  const run = await first.startRun(wf, {});
  await statusOf(first, run.id, "waiting");
  await first[Symbol.asyncDispose]();
  await using second = await startEngine([wf], { store });
  await second.signal(run.id, "go");
  const result = (await second.handle(run.id).result()) as unknown[];
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[0], seen[1]);
  assert.deepEqual(result, seen[0]);
  assert.match(String(result[2]), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok((result[1] as number) >= 0 && (result[1] as number) < 1);
});

test("a step result reads back as JSON on first execution too (no live/replay difference)", async () => {
  const wf = defineWorkflow("json-result", async (ctx) => {
    const value = await ctx.step("date", () => ({ when: new Date(0), drop: undefined }));
    return typeof value.when;
  });
  await using engine = await startEngine([wf]);
  assert.equal(await (await engine.startRun(wf, {})).result(), "string");
});

test("ctx.random() and ctx.uuid() draw from SHA-256 of the run id, so every version of Baton replays the same values", async () => {
  const { createHash } = await import("node:crypto");
  const draws = defineWorkflow("draws", async (ctx) => [ctx.random(), ctx.uuid(), ctx.random()]);
  await using engine = await startEngine([draws]);
  const output = (await (await engine.startRun(draws, {}, { id: "pinned-draws" })).result()) as [
    number,
    string,
    number,
  ];
  const digest = (text: string) => createHash("sha256").update(text).digest();
  const random = (n: number) => digest(`pinned-draws:random:${n}`).readUIntBE(0, 6) / 2 ** 48;
  const bytes = digest("pinned-draws:uuid:1").subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  assert.deepEqual(output, [random(0), uuid, random(2)]);
});
