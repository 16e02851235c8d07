import assert from "node:assert/strict";
import { test } from "node:test";
import { checkScheduleDefinition } from "../src/schedule-definition.js";
import { planFire, type ScheduleState } from "../src/schedule-plan.js";
import {
  fireTimesBetween,
  latestFireTimes,
  nextFireTime,
  nextFireTimes,
  type ScheduleTiming,
  toTiming,
} from "../src/schedule-times.js";

const iso = (times: number[]) => times.map((t) => new Date(t).toISOString());
const at = (text: string) => Date.parse(text);
const paris = (cron: string): ScheduleTiming => toTiming({ cron, timezone: "Europe/Paris" });

test("a daily 02:30 Europe/Paris cron fires once on the day 02:30 does not exist, at the next valid instant", () => {
  const times = nextFireTimes(paris("30 2 * * *"), at("2026-03-27T12:00:00Z"), 4);
  assert.deepEqual(iso(times), [
    "2026-03-28T01:30:00.000Z", // 02:30 CET
    "2026-03-29T01:00:00.000Z", // 02:30 does not exist: 03:00 CEST, once
    "2026-03-30T00:30:00.000Z", // 02:30 CEST
    "2026-03-31T00:30:00.000Z",
  ]);
});

test("a daily 02:30 Europe/Paris cron fires once on the day 02:30 occurs twice", () => {
  const times = nextFireTimes(paris("30 2 * * *"), at("2026-10-23T12:00:00Z"), 4);
  assert.deepEqual(iso(times), [
    "2026-10-24T00:30:00.000Z", // 02:30 CEST
    "2026-10-25T00:30:00.000Z", // the first 02:30 (CEST); the second (CET, 01:30Z) does not fire
    "2026-10-26T01:30:00.000Z", // 02:30 CET
    "2026-10-27T01:30:00.000Z",
  ]);
  const between = fireTimesBetween(paris("30 2 * * *"), at("2026-10-25T00:00:00Z"), at("2026-10-25T03:00:00Z"), 10);
  assert.deepEqual(iso(between), ["2026-10-25T00:30:00.000Z"]);
});

test("an interval fires at whole intervals from startAt (else the epoch); fire times are before endAt", () => {
  const every = toTiming({ every: "30s" });
  assert.equal(nextFireTime(every, at("2026-01-01T00:00:10Z")), at("2026-01-01T00:00:30Z"));
  assert.equal(nextFireTime(every, at("2026-01-01T00:00:30Z")), at("2026-01-01T00:01:00Z"), "strictly after");
  const anchored = toTiming({ every: "1h", startAt: at("2026-01-01T00:10:00Z"), endAt: at("2026-01-01T03:10:00Z") });
  assert.deepEqual(iso(nextFireTimes(anchored, 0, 10)), [
    "2026-01-01T00:10:00.000Z",
    "2026-01-01T01:10:00.000Z",
    "2026-01-01T02:10:00.000Z",
  ]);
  assert.deepEqual(iso(latestFireTimes(anchored, 0, at("2026-01-01T02:30:00Z"), 2)), [
    "2026-01-01T01:10:00.000Z",
    "2026-01-01T02:10:00.000Z",
  ]);
  const huge = toTiming({ every: 2_733_295_158_689_791 });
  assert.equal(nextFireTime(huge, at("2026-01-01T00:00:00Z")), undefined, "no fire time after the year 9999");
  const yearly = toTiming({ every: "365d", startAt: at("9998-06-01T00:00:00Z") });
  assert.deepEqual(iso(nextFireTimes(yearly, at("9997-06-01T00:00:00Z"), 5)), [
    "9998-06-01T00:00:00.000Z",
    "9999-06-01T00:00:00.000Z",
  ]);
  const cron = toTiming({ cron: "0 * * * *", startAt: at("2026-01-01T05:00:00Z") });
  assert.equal(nextFireTime(cron, 0), at("2026-01-01T05:00:00Z"), "startAt is inclusive");
  assert.deepEqual(iso(latestFireTimes(cron, at("2026-01-01T06:00:00Z"), at("2026-01-01T08:00:00Z"), 5)), [
    "2026-01-01T06:00:00.000Z",
    "2026-01-01T07:00:00.000Z",
    "2026-01-01T08:00:00.000Z",
  ]);
});

test("bad definitions are refused with INVALID_SCHEDULE naming the value", () => {
  const bad: [object, RegExp][] = [
    [{ id: "a", cron: "not a cron" }, /cron "not a cron" does not parse/],
    [{ id: "a", cron: "0 9 * * *", timezone: "Mars/Olympus" }, /unknown time zone "Mars\/Olympus"/],
    [{ id: "a", every: "500ms" }, /every "500ms" is under 1s/],
    [{ id: "a", every: "soon" }, /every "soon" is not a duration/],
    [{ id: "a", cron: "* * * * *", every: "1m" }, /not both/],
    [{ id: "a" }, /give cron or every/],
    [{ id: "a", every: "1m", overlap: "queue" }, /overlap "queue"/],
    [{ id: "a", every: "1m", catchup: "some" }, /catchup "some"/],
    [{ id: "a", every: "1m", startAt: 2000, endAt: 1000 }, /endAt 1970-01-01T00:00:01.000Z is not after startAt/],
    [{ id: "a@b", every: "1m" }, /id "a@b"/],
  ];
  for (const [definition, message] of bad) {
    assert.throws(() => checkScheduleDefinition(definition as never), { code: "INVALID_SCHEDULE", message });
  }
  const spec = checkScheduleDefinition({ id: "ok", every: 60_000 });
  assert.equal(spec.every, "60000ms");
  assert.equal(spec.overlap, "skip");
  assert.equal(spec.catchup, "latest");
});

const state = (overrides: Partial<ScheduleState>): ScheduleState => ({
  timing: toTiming({ every: "1h" }),
  overlap: "skip",
  catchup: "latest",
  nextFireAt: at("2026-01-01T00:00:00Z"),
  previousOpen: false,
  ...overrides,
});

test("catch-up after an outage: none, latest, all (the latest 1,000 at most)", () => {
  const now = at("2026-01-01T05:30:00Z");
  const none = planFire(state({ catchup: "none" }), now);
  assert.deepEqual(none.runs, []);
  assert.equal(none.nextFireAt, at("2026-01-01T06:00:00Z"));
  assert.equal(none.lastFireAt, at("2026-01-01T05:00:00Z"));
  assert.deepEqual(iso(planFire(state({ catchup: "latest" }), now).runs), ["2026-01-01T05:00:00.000Z"]);
  const all = planFire(state({ catchup: "all", overlap: "allow" }), now);
  assert.equal(all.runs.length, 6);
  const onTime = planFire(state({ catchup: "none" }), at("2026-01-01T00:00:30Z"));
  assert.deepEqual(iso(onTime.runs), ["2026-01-01T00:00:00.000Z"], "a fire time a little late is not missed");
  const everySecond = state({ timing: toTiming({ every: "1s" }), catchup: "all", overlap: "allow" });
  const many = planFire(everySecond, at("2026-01-02T00:00:00Z"));
  assert.equal(many.runs.length, 1000);
  assert.equal(many.runs[999], at("2026-01-02T00:00:00Z"));
});

test("overlap while the previous run is open: skip, buffer-one, allow, cancel-previous", () => {
  const now = at("2026-01-01T00:00:00Z");
  const skip = planFire(state({ previousOpen: true }), now);
  assert.deepEqual(skip.runs, []);
  assert.deepEqual(skip.skipped, [now]);
  const buffer = planFire(state({ overlap: "buffer-one", previousOpen: true }), now);
  assert.deepEqual(buffer.runs, []);
  assert.equal(buffer.bufferedAt, now);
  const second = planFire(
    state({ overlap: "buffer-one", previousOpen: true, bufferedAt: now, nextFireAt: now + 3_600_000 }),
    now + 3_600_000,
  );
  assert.equal(second.bufferedAt, now, "one waits; a later fire time is skipped");
  assert.deepEqual(second.skipped, [now + 3_600_000]);
  const released = planFire(state({ overlap: "buffer-one", bufferedAt: now, nextFireAt: now + 3_600_000 }), now + 60);
  assert.deepEqual(released.runs, [now], "the waiting run starts once the previous one finished");
  assert.equal(released.bufferedAt, undefined);
  assert.equal(released.nextFireAt, now + 3_600_000, "the next fire time stays");
  assert.deepEqual(planFire(state({ overlap: "allow", previousOpen: true }), now).runs, [now]);
  const cancel = planFire(state({ overlap: "cancel-previous", previousOpen: true }), now);
  assert.deepEqual(cancel.runs, [now]);
  assert.equal(cancel.cancelPrevious, true);
});
