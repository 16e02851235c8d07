import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock, defineWorkflow, type Engine } from "baton";
import { eventually, startEngine, statusOf, tempStore } from "../helpers.js";

const at = (text: string) => Date.parse(text);

/** Ids of the runs of schedule `id`, oldest fire time first. */
async function runIdsOf(engine: Engine, scheduleId: string): Promise<string[]> {
  const { runs } = await engine.listRuns({ scheduleId, limit: 1000 });
  return runs.map((run) => run.id).sort();
}

/** Waits until schedule `id` has exactly `count` runs, and answers their ids. */
async function waitForRuns(engine: Engine, scheduleId: string, count: number): Promise<string[]> {
  await eventually(async () => (await runIdsOf(engine, scheduleId)).length >= count);
  return runIdsOf(engine, scheduleId);
}

/** 09:00 in Paris on every weekday of 2026, worked out without a cron library. */
function weekdayMorningsOf2026(): string[] {
  const ids: string[] = [];
  for (let day = at("2026-01-01T00:00:00Z"); day < at("2027-01-01T00:00:00Z"); day += 86_400_000) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const summer = day >= at("2026-03-29T00:00:00Z") && day < at("2026-10-25T00:00:00Z");
    ids.push(`weekday@${new Date(day + (summer ? 7 : 8) * 3_600_000).toISOString()}`);
  }
  return ids;
}

test("a weekday 09:00 Europe/Paris cron over a year: one run per weekday, with the expected ids", async () => {
  const clock = createTestClock(at("2026-01-01T00:00:00Z"));
  const report = defineWorkflow("report", async (ctx) => ctx.scheduledAt?.toISOString(), {
    schedules: [
      { id: "weekday", cron: "0 9 * * 1-5", timezone: "Europe/Paris", catchup: "all", overlap: "allow", input: {} },
    ],
  });
  await using engine = await startEngine([report], { clock });
  await clock.advance("365d");
  const expected = weekdayMorningsOf2026();
  assert.equal(expected.length, 261);
  assert.deepEqual(await waitForRuns(engine, "weekday", expected.length), expected);
  const last = expected[expected.length - 1] as string;
  assert.equal(await engine.handle(last).result(), last.slice("weekday@".length), "ctx.scheduledAt is the fire time");
  const run = await engine.getRun(last);
  assert.equal(run.scheduleId, "weekday");
  assert.equal(run.scheduledAt?.toISOString(), last.slice("weekday@".length));
  const schedule = await engine.schedules.get("weekday");
  assert.equal(schedule.lastRunId, last);
  assert.equal(schedule.nextFireAt?.toISOString(), "2027-01-01T08:00:00.000Z");
});

test("DST days: a 02:30 Europe/Paris cron fires once when 02:30 is skipped and once when it repeats", async () => {
  const clock = createTestClock(at("2026-03-27T12:00:00Z"));
  const wf = defineWorkflow("nightly", async () => "ok", {
    schedules: [{ id: "spring", cron: "30 2 * * *", timezone: "Europe/Paris", catchup: "all", overlap: "allow" }],
  });
  await using engine = await startEngine([wf], { clock });
  await clock.advance("3d");
  assert.deepEqual(await waitForRuns(engine, "spring", 3), [
    "spring@2026-03-28T01:30:00.000Z",
    "spring@2026-03-29T01:00:00.000Z",
    "spring@2026-03-30T00:30:00.000Z",
  ]);
  await engine.schedules.create({
    id: "autumn",
    workflow: wf,
    cron: "30 2 * * *",
    timezone: "Europe/Paris",
    catchup: "all",
    overlap: "allow",
    startAt: at("2026-10-24T00:00:00Z"),
    endAt: at("2026-10-27T00:00:00Z"),
  });
  await clock.advance(at("2026-10-28T00:00:00Z") - clock.now());
  assert.deepEqual(await waitForRuns(engine, "autumn", 3), [
    "autumn@2026-10-24T00:30:00.000Z",
    "autumn@2026-10-25T00:30:00.000Z",
    "autumn@2026-10-26T01:30:00.000Z",
  ]);
  assert.equal((await engine.schedules.get("autumn")).nextFireAt, undefined, "no fire time after endAt");
});

test("catch-up after an outage: none skips to the next time, latest runs the latest, all runs every missed time", async () => {
  const clock = createTestClock(at("2026-05-01T00:10:00Z"));
  const store = tempStore();
  const wf = defineWorkflow("hourly", async () => "ok");
  const first = await startEngine([wf], { clock, store });
  for (const catchup of ["none", "latest", "all"] as const) {
    await first.schedules.create({ id: `c-${catchup}`, workflow: wf, every: "1h", catchup, overlap: "allow" });
  }
  await first[Symbol.asyncDispose]();
  await clock.advance("5h20m"); // 05:30: 01:00 to 05:00 were missed
  await using second = await startEngine([wf], { clock, store });
  const hours = (id: string, list: number[]) => list.map((h) => `${id}@2026-05-01T0${h}:00:00.000Z`);
  assert.deepEqual(await waitForRuns(second, "c-all", 5), hours("c-all", [1, 2, 3, 4, 5]));
  assert.deepEqual(await waitForRuns(second, "c-latest", 1), hours("c-latest", [5]));
  await eventually(async () => (await second.schedules.get("c-none")).lastFireAt !== undefined);
  assert.deepEqual(await runIdsOf(second, "c-none"), []);
  for (const id of ["c-none", "c-latest", "c-all"]) {
    assert.equal((await second.schedules.get(id)).nextFireAt?.toISOString(), "2026-05-01T06:00:00.000Z", id);
  }
  await clock.advance("30m");
  assert.deepEqual(await waitForRuns(second, "c-none", 1), hours("c-none", [6]), "on time again: it fires");
});

test("overlap while the previous run is open: skip, buffer-one, allow, cancel-previous", async () => {
  const clock = createTestClock(at("2026-05-01T00:30:00Z"));
  const wf = defineWorkflow("held", async (ctx) => ctx.waitForSignal("done"));
  await using engine = await startEngine([wf], { clock });
  for (const overlap of ["skip", "buffer-one", "allow", "cancel-previous"] as const) {
    await engine.schedules.create({ id: `o-${overlap}`, workflow: wf, every: "1h", overlap });
  }
  const one = (id: string) => `${id}@2026-05-01T01:00:00.000Z`;
  const two = (id: string) => `${id}@2026-05-01T02:00:00.000Z`;
  await clock.advance("30m");
  for (const id of ["o-skip", "o-buffer-one", "o-allow", "o-cancel-previous"])
    await statusOf(engine, one(id), "waiting");
  await clock.advance("1h");
  assert.deepEqual(await waitForRuns(engine, "o-allow", 2), [one("o-allow"), two("o-allow")]);
  assert.deepEqual(await waitForRuns(engine, "o-cancel-previous", 2), [
    one("o-cancel-previous"),
    two("o-cancel-previous"),
  ]);
  await statusOf(engine, one("o-cancel-previous"), "cancelled");
  await eventually(async () => (await engine.schedules.get("o-skip")).skippedCount === 1);
  const skip = await engine.schedules.get("o-skip");
  assert.equal(skip.lastSkippedAt?.toISOString(), "2026-05-01T02:00:00.000Z");
  assert.deepEqual(await runIdsOf(engine, "o-skip"), [one("o-skip")]);
  await eventually(async () => (await engine.schedules.get("o-buffer-one")).bufferedAt !== undefined);
  await clock.advance("1h"); // 03:00 comes while 02:00 waits: skipped
  await eventually(async () => (await engine.schedules.get("o-buffer-one")).skippedCount === 1);
  assert.deepEqual(await runIdsOf(engine, "o-buffer-one"), [one("o-buffer-one")]);
  await engine.signal(one("o-buffer-one"), "done", true);
  assert.deepEqual(await waitForRuns(engine, "o-buffer-one", 2), [one("o-buffer-one"), two("o-buffer-one")]);
  assert.equal((await engine.schedules.get("o-buffer-one")).bufferedAt, undefined);
});

test("exactly one run per fire time with 3 engines racing on one store", async () => {
  const clock = createTestClock(at("2026-05-01T00:00:30Z"));
  const store = tempStore();
  const wf = defineWorkflow("raced", async (ctx) => ctx.step("once", () => ctx.runId));
  const definition = { id: "minutely", every: "1m", overlap: "allow" as const, catchup: "all" as const };
  const declared = defineWorkflow("raced", wf.fn, { schedules: [definition] });
  const engines = await Promise.all([1, 2, 3].map((n) => startEngine([declared], { clock, store, workerId: `w${n}` })));
  try {
    await clock.advance("10m");
    const [engine] = engines as [Engine];
    const expected = Array.from(
      { length: 10 },
      (_, i) => `minutely@2026-05-01T00:${String(i + 1).padStart(2, "0")}:00.000Z`,
    );
    assert.deepEqual(await waitForRuns(engine, "minutely", 10), expected);
    for (const id of expected) assert.equal(await engine.handle(id).result(), id);
    const schedule = await engine.schedules.get("minutely");
    assert.equal(schedule.lastRunId, expected[9]);
    assert.equal(schedule.skippedCount, 0);
    assert.deepEqual(await runIdsOf(engine, "minutely"), expected, "no run more");
  } finally {
    for (const engine of engines) await engine[Symbol.asyncDispose]();
  }
});
