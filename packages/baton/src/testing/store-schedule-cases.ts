import assert from "node:assert/strict";
import type { NewScheduleRecord } from "../store/store.js";
import { type StoreCase, suiteRun } from "./store-case.js";

/** A schedule of workflow `w` every minute, due at `nextFireAt`. */
function schedule(id: string, nextFireAt = 60_000): NewScheduleRecord {
  return {
    id,
    workflow: "w",
    every: "1m",
    timezone: "UTC",
    input: { id },
    overlap: "skip",
    catchup: "latest",
    paused: false,
    source: "api",
    nextFireAt,
  };
}

/** A run of schedule `id` for fire time `at`. */
const scheduled = (id: string, at: number) => ({
  ...suiteRun(`${id}@${new Date(at).toISOString()}`),
  scheduleId: id,
  scheduledAt: at,
});

/** The store suite's tests of schedules: stored once, fired once per revision, synced from code. */
export const storeScheduleCases: StoreCase[] = [
  {
    name: "createSchedule stores a schedule once; get, list, update (compare-and-set) and delete",
    async run(store) {
      const first = await store.createSchedule(schedule("a"), 10);
      assert.equal(first.created, true);
      assert.equal(first.schedule.revision, 1);
      assert.deepEqual(first.schedule.input, { id: "a" });
      assert.equal(first.schedule.nextFireAt, 60_000);
      assert.equal(first.schedule.createdAt, 10);
      const again = await store.createSchedule({ ...schedule("a"), every: "2m" }, 20);
      assert.equal(again.created, false);
      assert.equal(again.schedule.every, "1m", "the existing one is answered, unchanged");
      await store.createSchedule({ ...schedule("b"), workflow: "other" }, 30);
      assert.deepEqual(
        (await store.listSchedules()).map((s) => s.id),
        ["a", "b"],
      );
      assert.deepEqual(
        (await store.listSchedules({ workflow: "other" })).map((s) => s.id),
        ["b"],
      );
      const updated = await store.updateSchedule({ ...schedule("a"), paused: true, nextFireAt: undefined }, 1, 40);
      assert.equal(updated?.paused, true);
      assert.equal(updated?.nextFireAt, undefined);
      assert.equal(updated?.revision, 2);
      assert.equal(await store.updateSchedule(schedule("a"), 1, 50), undefined, "a stale revision writes nothing");
      assert.equal((await store.getSchedule("a"))?.paused, true);
      assert.equal(await store.deleteSchedule("a"), true);
      assert.equal(await store.deleteSchedule("a"), false);
      assert.equal(await store.getSchedule("a"), undefined);
    },
  },
  {
    name: "fireSchedules advances schedules and creates their runs once; a stale revision fires nothing",
    async run(store) {
      await store.createSchedule(schedule("s"), 1);
      await store.createSchedule({ ...schedule("later"), nextFireAt: 500_000 }, 1);
      await store.createSchedule({ ...schedule("elsewhere"), workflow: "x" }, 1);
      const due = await store.listDueSchedules(60_000, 10, ["w"]);
      assert.deepEqual(
        due.schedules.map((s) => s.id),
        ["s"],
      );
      assert.equal(due.nextFireAt, 500_000);
      const [s] = due.schedules;
      assert.ok(s);
      const fire = {
        id: "s",
        revision: s.revision,
        nextFireAt: 120_000,
        lastFireAt: 60_000,
        lastRunId: scheduled("s", 60_000).id,
        skipped: 0,
        runs: [scheduled("s", 60_000)],
      };
      const [fired] = await store.fireSchedules([fire], 60_001);
      assert.deepEqual(fired, { created: [scheduled("s", 60_000).id], cancelled: false });
      assert.equal((await store.getSchedule("s"))?.nextFireAt, 120_000);
      assert.equal((await store.getSchedule("s"))?.lastRunStatus, "pending");
      assert.deepEqual(await store.fireSchedules([fire], 60_002), [undefined], "the same revision twice: nothing");
      const run = await store.getRun(scheduled("s", 60_000).id);
      assert.equal(run?.scheduleId, "s");
      assert.equal(run?.scheduledAt, 60_000);
      assert.deepEqual(
        (await store.listRuns({ scheduleId: "s" })).runs.map((r) => r.id),
        [scheduled("s", 60_000).id],
      );
      const [next] = await store.fireSchedules(
        [
          {
            id: "s",
            revision: s.revision + 1,
            nextFireAt: 180_000,
            skipped: 1,
            lastSkippedAt: 120_000,
            bufferedAt: 120_000,
            runs: [scheduled("s", 60_000)],
            cancelRunId: scheduled("s", 60_000).id,
          },
        ],
        120_001,
      );
      assert.deepEqual(next?.created, [], "a run that exists is left as it is");
      assert.equal(next?.cancelled, true);
      assert.equal((await store.getRun(scheduled("s", 60_000).id))?.cancelRequested, true);
      assert.equal((await store.getSchedule("s"))?.skippedCount, 1);
      assert.equal((await store.getSchedule("s"))?.bufferedAt, 120_000);
      assert.equal((await store.listDueSchedules(120_001, 10, ["w"])).buffered, true);
    },
  },
  {
    name: "fireSchedules fires many schedules in one write, each on its own revision, in the order given",
    async run(store) {
      for (const id of ["b1", "b2", "b3"]) await store.createSchedule(schedule(id), 1);
      const due = (await store.listDueSchedules(60_000, 10, ["w"])).schedules;
      const fireOf = (id: string, revision: number) => ({
        id,
        revision,
        nextFireAt: 120_000,
        lastFireAt: 60_000,
        lastRunId: scheduled(id, 60_000).id,
        skipped: 0,
        runs: [scheduled(id, 60_000)],
      });
      const revision = (id: string) => due.find((s) => s.id === id)?.revision ?? 0;
      const results = await store.fireSchedules(
        [fireOf("b3", revision("b3")), fireOf("b1", revision("b1") + 7), fireOf("b2", revision("b2"))],
        60_001,
      );
      assert.deepEqual(results, [
        { created: [scheduled("b3", 60_000).id], cancelled: false },
        undefined,
        { created: [scheduled("b2", 60_000).id], cancelled: false },
      ]);
      assert.equal(await store.getRun(scheduled("b1", 60_000).id), undefined, "a stale revision created no run");
      assert.equal((await store.getSchedule("b1"))?.nextFireAt, 60_000, "nor advanced its schedule");
      assert.deepEqual(await store.fireSchedules([], 60_002), []);
    },
  },
  {
    name: "createScheduledRuns creates runs of a schedule outside its fire times; an unknown schedule is refused",
    async run(store) {
      await store.createSchedule(schedule("t"), 1);
      const runs = [scheduled("t", 5), scheduled("t", 6)];
      assert.deepEqual(
        await store.createScheduledRuns("t", runs, runs[1]?.id, 7),
        runs.map((r) => r.id),
      );
      assert.deepEqual(await store.createScheduledRuns("t", runs, undefined, 8), []);
      assert.equal((await store.getSchedule("t"))?.lastRunId, runs[1]?.id);
      await assert.rejects(store.createScheduledRuns("nope", runs, undefined, 9), { code: "SCHEDULE_NOT_FOUND" });
    },
  },
  {
    name: "upsertCodeSchedules creates, rewrites what changed, keeps what did not, deletes what code no longer declares",
    async run(store) {
      const code = (id: string, every = "1m") => ({ ...schedule(id), every, source: "code" as const });
      await store.upsertCodeSchedules(["w"], [code("keep"), code("change"), code("drop")], 1);
      await store.createSchedule(schedule("api"), 1);
      await store.createSchedule({ ...schedule("other"), workflow: "x", source: "code" }, 1);
      const kept = await store.getSchedule("keep");
      await store.upsertCodeSchedules(["w"], [{ ...code("keep"), nextFireAt: 999 }, code("change", "5m")], 2);
      assert.deepEqual(await store.getSchedule("keep"), kept, "unchanged: not written");
      const changed = await store.getSchedule("change");
      assert.equal(changed?.every, "5m");
      assert.equal(changed?.revision, 2);
      assert.deepEqual(
        (await store.listSchedules()).map((s) => s.id),
        ["api", "change", "keep", "other"],
      );
    },
  },
];
