import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock, defineWorkflow, type Engine } from "baton";
import { createTestEngine } from "baton/testing";
import { z } from "zod";
import { eventually, startEngine, tempStore } from "../helpers.js";

const at = (text: string) => Date.parse(text);

const echo = defineWorkflow("echo", async (ctx, input: { n: number }) => ({
  n: input.n,
  scheduledAt: ctx.scheduledAt?.toISOString() ?? null,
}));

async function runIdsOf(engine: Engine, scheduleId: string): Promise<string[]> {
  return (await engine.listRuns({ scheduleId, limit: 1000 })).runs.map((run) => run.id).sort();
}

test("create, get, list, update, pause, resume and delete a schedule", async () => {
  const clock = createTestClock(at("2026-12-07T10:05:00Z"));
  await using engine = await startEngine([echo], { clock });
  const created = await engine.schedules.create({
    id: "nightly",
    workflow: echo,
    cron: "0 9 * * 1-5",
    timezone: "Europe/Paris",
    input: { n: 1 },
  });
  assert.equal(created.workflow, "echo");
  assert.equal(created.source, "api");
  assert.equal(created.overlap, "skip");
  assert.equal(created.catchup, "latest");
  assert.equal(created.paused, false);
  assert.equal(created.nextFireAt?.toISOString(), "2026-12-08T08:00:00.000Z");
  assert.deepEqual(
    created.nextFireTimes.map((d) => d.toISOString()),
    ["08", "09", "10", "11", "14"].map((d) => `2026-12-${d}T08:00:00.000Z`),
  );
  assert.deepEqual(
    await engine.schedules.create({ ...created, workflow: "echo", id: "nightly" }),
    created,
    "same: idempotent",
  );
  await assert.rejects(engine.schedules.create({ id: "nightly", workflow: echo, every: "1h", input: { n: 1 } }), {
    code: "SCHEDULE_EXISTS",
  });
  assert.deepEqual(
    (await engine.schedules.list()).map((s) => s.id),
    ["nightly"],
  );

  const changed = await engine.schedules.update("nightly", { every: "30m", input: { n: 2 }, overlap: "allow" });
  assert.equal(changed.cron, undefined, "every replaces cron");
  assert.equal(changed.every, "30m");
  assert.deepEqual(changed.input, { n: 2 });
  assert.equal(changed.nextFireAt?.toISOString(), "2026-12-07T10:30:00.000Z", "computed again: at or after now");

  const paused = await engine.schedules.pause("nightly");
  assert.equal(paused.paused, true);
  const again = await engine.schedules.create({
    id: "nightly",
    workflow: echo,
    every: "30m",
    timezone: "Europe/Paris",
    input: { n: 2 },
    overlap: "allow",
  });
  assert.equal(again.paused, true, "a create of the same definition answers the schedule as it is, paused");
  assert.equal(paused.nextFireAt, undefined);
  assert.deepEqual(paused.nextFireTimes, []);
  await clock.advance("2h");
  assert.deepEqual(await runIdsOf(engine, "nightly"), [], "no run while paused");
  const resumed = await engine.schedules.resume("nightly");
  assert.equal(
    resumed.nextFireAt?.toISOString(),
    "2026-12-07T12:30:00.000Z",
    "from now on; the pause is not caught up",
  );
  await clock.advance("30m");
  await eventually(async () => (await runIdsOf(engine, "nightly")).length === 1);
  assert.deepEqual(await runIdsOf(engine, "nightly"), ["nightly@2026-12-07T12:30:00.000Z"]);
  assert.deepEqual(await engine.handle("nightly@2026-12-07T12:30:00.000Z").result(), {
    n: 2,
    scheduledAt: "2026-12-07T12:30:00.000Z",
  });

  await engine.schedules.delete("nightly");
  await assert.rejects(engine.schedules.get("nightly"), { code: "SCHEDULE_NOT_FOUND" });
  assert.deepEqual(await runIdsOf(engine, "nightly"), ["nightly@2026-12-07T12:30:00.000Z"], "its runs stay");
  for (const call of [
    () => engine.schedules.update("nightly", { input: { n: 3 } }),
    () => engine.schedules.pause("nightly"),
    () => engine.schedules.resume("nightly"),
    () => engine.schedules.trigger("nightly"),
    () => engine.schedules.delete("nightly"),
    () => engine.schedules.backfill("nightly", 0, 1),
  ]) {
    await assert.rejects(call(), { code: "SCHEDULE_NOT_FOUND", message: /"nightly"/ });
  }
});

test("bad input is refused with INVALID_SCHEDULE naming the value, and nothing is stored", async () => {
  const strict = defineWorkflow("strict", async (_ctx, input: { n: number }) => input.n, {
    input: z.object({ n: z.number() }),
  });
  await using engine = await startEngine([echo, strict]);
  const bad: [Parameters<Engine["schedules"]["create"]>[0], RegExp | string][] = [
    [{ id: "a", workflow: echo, cron: "61 * * * *" }, /cron "61 \* \* \* \*"/],
    [{ id: "a", workflow: echo, cron: "0 9 * * *", timezone: "Europe/Atlantis" }, /Europe\/Atlantis/],
    [{ id: "a", workflow: "nope", every: "1h" }, /unknown workflow "nope"/],
    [{ id: "a", workflow: echo, every: "999ms" }, /every "999ms" is under 1s/],
    [{ id: "a", workflow: echo, every: "1h", cron: "0 * * * *" }, /not both/],
    [{ id: "a", workflow: echo }, /give cron or every/],
    [{ id: "a", workflow: echo, every: "1h", overlap: "maybe" as never }, /overlap "maybe"/],
    [{ id: "a", workflow: echo, every: "1h", catchup: "most" as never }, /catchup "most"/],
    [
      { id: "a", workflow: echo, every: "1h", startAt: at("2026-02-01T00:00:00Z"), endAt: at("2026-01-01T00:00:00Z") },
      /endAt 2026-01-01T00:00:00.000Z is not after startAt 2026-02-01T00:00:00.000Z/,
    ],
  ];
  for (const [options, message] of bad) {
    await assert.rejects(engine.schedules.create(options), { code: "INVALID_SCHEDULE", message }, String(message));
  }
  await assert.rejects(engine.schedules.create({ id: "a", workflow: strict, every: "1h", input: { n: "x" } }), {
    code: "INVALID_INPUT",
  });
  assert.deepEqual(await engine.schedules.list(), []);
  await engine.schedules.create({ id: "ok", workflow: echo, every: "1h", input: { n: 1 } });
  await assert.rejects(engine.schedules.update("ok", { cron: "bad" }), { code: "INVALID_SCHEDULE" });
  assert.equal((await engine.schedules.get("ok")).every, "1h", "a refused update changes nothing");
});

test("trigger starts a run now; backfill creates one run per fire time, and again nothing new", async () => {
  const clock = createTestClock(at("2026-06-01T12:00:00.250Z"));
  await using engine = await startEngine([echo], { clock });
  await engine.schedules.create({ id: "daily", workflow: echo, cron: "0 6 * * *", input: { n: 7 } });
  const triggered = await engine.schedules.trigger("daily");
  assert.equal(triggered.id, "daily@2026-06-01T12:00:00.250Z");
  assert.deepEqual(await triggered.result(), { n: 7, scheduledAt: "2026-06-01T12:00:00.250Z" });
  const schedule = await engine.schedules.get("daily");
  assert.equal(schedule.lastRunId, triggered.id);
  const summary = (await engine.listRuns({ scheduleId: "daily" })).runs[0];
  assert.equal(summary?.scheduleId, "daily");
  assert.equal(summary?.scheduledAt?.toISOString(), "2026-06-01T12:00:00.250Z");

  const first = await engine.schedules.backfill(
    "daily",
    new Date("2026-05-01T00:00:00Z"),
    new Date("2026-05-04T06:00:00Z"),
  );
  const expected = ["01", "02", "03"].map((d) => `daily@2026-05-${d}T06:00:00.000Z`);
  assert.deepEqual(first.runIds, expected, "[from, to): the end is left out");
  assert.deepEqual(first.created, expected);
  const again = await engine.schedules.backfill(
    "daily",
    new Date("2026-05-01T00:00:00Z"),
    new Date("2026-05-04T06:00:00Z"),
  );
  assert.deepEqual(again.runIds, expected);
  assert.deepEqual(again.created, []);
  assert.deepEqual(await runIdsOf(engine, "daily"), [...expected, triggered.id].sort());
  for (const id of expected) assert.deepEqual(await engine.handle(id).result(), { n: 7, scheduledAt: id.slice(6) });
  await assert.rejects(engine.schedules.backfill("daily", at("2026-05-02T00:00:00Z"), at("2026-05-01T00:00:00Z")), {
    code: "INVALID_BACKFILL",
  });
  await assert.rejects(engine.schedules.backfill("daily", 0, at("2026-01-01T00:00:00Z")), {
    code: "INVALID_BACKFILL",
    message: /more than 1000 fire times/,
  });
});

test("schedules declared in code are stored on start, rewritten when changed, removed when no longer declared", async () => {
  const clock = createTestClock(at("2026-06-01T00:30:00Z")); // no fire time comes while the test runs
  const store = tempStore();
  const v1 = defineWorkflow("coded", echo.fn, {
    schedules: [
      { id: "keep", every: "1h", input: { n: 1 } },
      { id: "change", every: "1h", input: { n: 1 } },
      { id: "drop", every: "1h", input: { n: 1 } },
    ],
  });
  const first = await startEngine([v1], { clock, store });
  await first.schedules.create({ id: "runtime", workflow: v1, every: "2h", input: { n: 9 } });
  await first.schedules.pause("change");
  const kept = await first.schedules.get("keep");
  assert.equal(kept.source, "code");
  await first[Symbol.asyncDispose]();

  const v2 = defineWorkflow("coded", echo.fn, {
    schedules: [
      { id: "keep", every: "1h", input: { n: 1 } },
      { id: "change", every: "3h", input: { n: 2 } },
    ],
  });
  await using second = await startEngine([v2], { clock, store });
  assert.deepEqual(
    (await second.schedules.list()).map((s) => `${s.id}:${s.source}`),
    ["change:code", "keep:code", "runtime:api"],
  );
  assert.deepEqual(await second.schedules.get("keep"), kept, "unchanged: left as it was");
  const change = await second.schedules.get("change");
  assert.equal(change.every, "3h");
  assert.deepEqual(change.input, { n: 2 });
  assert.equal(change.paused, true, "a pause survives a change of the code");
});

test("the time-skipping test engine fires schedules as it skips", async () => {
  const daily = defineWorkflow("daily", async (ctx) => ctx.scheduledAt?.toISOString(), {
    schedules: [{ id: "every-day", cron: "0 6 * * *", timezone: "UTC", catchup: "none" }],
  });
  await using engine = await createTestEngine({
    workflows: [daily],
    store: tempStore(),
    startTime: at("2026-06-01T12:00:00Z"),
    autoSkip: false, // time moves only with skip(): awaiting a result would skip to the next fire time
  });
  await engine.skip("3d");
  const ids = ["02", "03", "04"].map((d) => `every-day@2026-06-${d}T06:00:00.000Z`);
  for (const id of ids) assert.equal(await engine.handle(id).result(), id.slice("every-day@".length));
  assert.deepEqual(await runIdsOf(engine, "every-day"), ids);
});
