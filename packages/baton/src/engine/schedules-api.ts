/**
 * `engine.schedules`: create, change, pause, resume, trigger, backfill and
 * delete schedules; and the sync of the schedules declared in code on
 * `engine.start()`. Every write checks the definition first (nothing is
 * stored when it is bad) and tells this engine's scheduler at once; other
 * processes hear of it through a store notice.
 */
import { isDeepStrictEqual } from "node:util";
import type { Clock } from "../clock.js";
import { BatonError } from "../errors.js";
import { roundTrip } from "../json.js";
import { checkScheduleDefinition, type ScheduleSpec } from "../schedule-definition.js";
import { fireTimesBetween, firstFireTime, invalidSchedule, nextFireTimes } from "../schedule-times.js";
import { scheduleNotFound } from "../store/schedule-rows.js";
import type { NewScheduleRecord, ScheduleRecord, Store } from "../store/store.js";
import type { Schedule, ScheduleDefinition } from "../types.js";
import { validateInput } from "../validate-input.js";
import { type ScheduleFiring, scheduledRun, scheduledRunId, timingOf } from "../worker/schedule-firing.js";
import type { Workflow } from "../workflow.js";
import type { BackfillResult, EngineSchedules, RunHandle, ScheduleOptions, SchedulePatch } from "./engine-types.js";

/** Most fire times one backfill creates runs for. */
export const maxBackfillRuns = 1000;

/** How many upcoming fire times a schedule shows (`Schedule.nextFireTimes`). */
const upcoming = 5;

/** What the schedules API needs of its engine. */
export interface SchedulesApiDeps {
  store: Store;
  clock: Clock;
  workflows: Map<string, Workflow>;
  firing: ScheduleFiring;
  /** Runs were created: claim soon. */
  created: () => void;
  /** A handle on a run. */
  handle: (runId: string, created: boolean) => RunHandle;
}

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

/** A schedule record as the public `Schedule`. */
export function toSchedule(record: ScheduleRecord): Schedule {
  const schedule: Schedule = {
    id: record.id,
    workflow: record.workflow,
    timezone: record.timezone,
    input: record.input,
    overlap: record.overlap,
    catchup: record.catchup,
    paused: record.paused,
    source: record.source,
    skippedCount: record.skippedCount,
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
    nextFireTimes: [],
  };
  const optional: Partial<Schedule> = {
    cron: record.cron,
    every: record.every,
    startAt: date(record.startAt),
    endAt: date(record.endAt),
    nextFireAt: date(record.nextFireAt),
    lastFireAt: date(record.lastFireAt),
    lastRunId: record.lastRunId,
    lastSkippedAt: date(record.lastSkippedAt),
    bufferedAt: date(record.bufferedAt),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (schedule as unknown as Record<string, unknown>)[key] = value;
  }
  if (record.nextFireAt !== undefined) {
    try {
      const timing = timingOf(record);
      schedule.nextFireTimes = [record.nextFireAt, ...nextFireTimes(timing, record.nextFireAt, upcoming - 1)].map(
        (t) => new Date(t),
      );
    } catch {
      schedule.nextFireTimes = [new Date(record.nextFireAt)];
    }
  }
  return schedule;
}

/** The record of a checked definition for `workflow`, its first fire time at or after `now`. */
function toRecord(spec: ScheduleSpec, workflow: string, source: "code" | "api", paused: boolean, now: number) {
  const record: NewScheduleRecord = {
    id: spec.id,
    workflow,
    timezone: spec.timing.timezone,
    input: spec.input,
    overlap: spec.overlap,
    catchup: spec.catchup,
    paused,
    source,
  };
  if (spec.cron !== undefined) record.cron = spec.cron;
  if (spec.every !== undefined) record.every = spec.every;
  if (spec.timing.startAt !== undefined) record.startAt = spec.timing.startAt;
  if (spec.timing.endAt !== undefined) record.endAt = spec.timing.endAt;
  const next = paused ? undefined : firstFireTime(spec.timing, now);
  if (next !== undefined) record.nextFireAt = next;
  return record;
}

/** The definition fields of a stored schedule, to compare with a new one (its pause is state, not definition). */
const definitionOf = (r: NewScheduleRecord) => [
  r.workflow,
  r.cron,
  r.every,
  r.timezone,
  r.input,
  r.overlap,
  r.catchup,
  r.startAt,
  r.endAt,
];

/** The stored schedules of the workflows an engine has code for, in step with their `schedules`, at `now`. */
export async function syncCodeSchedules(deps: SchedulesApiDeps): Promise<void> {
  const { store, clock, workflows } = deps;
  const now = clock.now();
  const records: NewScheduleRecord[] = [];
  for (const workflow of workflows.values()) {
    for (const definition of workflow.options.schedules ?? []) {
      const spec = checkScheduleDefinition(definition);
      spec.input = roundTrip(await validateInput(workflow, spec.input), `input of schedule "${spec.id}"`);
      records.push(toRecord(spec, workflow.name, "code", false, now));
    }
  }
  await store.upsertCodeSchedules([...workflows.keys()], records, now);
}

/** Creates `engine.schedules`. */
export function createSchedulesApi(deps: SchedulesApiDeps): EngineSchedules {
  const { store, clock, workflows, firing } = deps;

  const resolve = (target: Workflow | string | undefined): Workflow => {
    const name = typeof target === "string" ? target : target?.name;
    const found = name === undefined ? undefined : workflows.get(name);
    if (!found) {
      const known = [...workflows.keys()].join(", ") || "none";
      throw invalidSchedule(`unknown workflow ${JSON.stringify(name)} (this engine has: ${known})`);
    }
    return found;
  };
  const require = async (id: string): Promise<ScheduleRecord> => {
    const found = await store.getSchedule(id);
    if (!found) throw scheduleNotFound(id);
    return found;
  };
  /** Checks options into a record (nothing stored yet). */
  const check = async (options: ScheduleOptions, now: number) => {
    const workflow = resolve(options.workflow);
    const spec = checkScheduleDefinition(options);
    spec.input = roundTrip(await validateInput(workflow, spec.input), `input of schedule "${spec.id}"`);
    if (options.paused !== undefined && typeof options.paused !== "boolean") {
      throw invalidSchedule(`paused ${JSON.stringify(options.paused)} of "${spec.id}" is not a boolean`);
    }
    return toRecord(spec, workflow.name, "api", options.paused ?? false, now);
  };
  /** Rewrites a schedule from what `change` makes of it, under the compare-and-set of its revision. */
  const rewrite = async (
    id: string,
    change: (current: ScheduleRecord, now: number) => Promise<NewScheduleRecord & { bufferedAt?: number | null }>,
  ) => {
    for (;;) {
      const current = await require(id);
      await store.ready?.();
      const now = clock.now();
      const next = await change(current, now);
      const updated = await store.updateSchedule(next, current.revision, now);
      if (updated) {
        firing.changed();
        return toSchedule(updated);
      }
    }
  };
  /** The options a stored schedule was made from. */
  const optionsOf = (current: ScheduleRecord): ScheduleOptions => {
    const options: ScheduleOptions = { ...current, workflow: current.workflow };
    for (const key of ["nextFireAt", "lastFireAt", "lastRunId", "skippedCount", "lastSkippedAt", "bufferedAt"]) {
      delete (options as unknown as Record<string, unknown>)[key];
    }
    return options;
  };

  return {
    async create(options) {
      await store.ready?.();
      const now = clock.now();
      const record = await check(options, now);
      const { schedule, created } = await store.createSchedule(record, now);
      if (!created && !isDeepStrictEqual(definitionOf(schedule), definitionOf(record))) {
        throw new BatonError("SCHEDULE_EXISTS", `schedule "${record.id}" already exists with a different definition`);
      }
      if (created) firing.changed();
      return toSchedule(schedule);
    },

    update(id, patch) {
      return rewrite(id, async (current, now) => {
        const options: ScheduleOptions = { ...optionsOf(current), ...withoutNulls(patch), id };
        if (patch.cron !== undefined && patch.cron !== null) delete options.every;
        if (patch.every !== undefined && patch.every !== null) delete options.cron;
        if (patch.startAt === null) delete options.startAt;
        if (patch.endAt === null) delete options.endAt;
        const record = await check(options, now);
        const timingSame = isDeepStrictEqual(timingOf(record), timingOf(current));
        // The next fire time stays when when it fires did not change (and it was not resumed).
        if (timingSame && !record.paused && !current.paused) record.nextFireAt = current.nextFireAt;
        return { ...record, source: current.source, bufferedAt: record.paused ? null : undefined };
      });
    },

    pause(id) {
      return rewrite(id, async (current) => {
        const { nextFireAt: _next, ...rest } = current;
        return { ...rest, paused: true, bufferedAt: null };
      });
    },

    resume(id) {
      return rewrite(id, async (current, now) => {
        if (!current.paused) return current;
        const next = firstFireTime(timingOf(current), now);
        const { nextFireAt: _next, ...rest } = current;
        return { ...rest, paused: false, ...(next === undefined ? {} : { nextFireAt: next }) };
      });
    },

    async trigger(id) {
      const schedule = await require(id);
      const workflow = resolve(schedule.workflow);
      await store.ready?.();
      const now = clock.now();
      const run = scheduledRun(schedule, workflow, now, now);
      const created = await store.createScheduledRuns(id, [run], run.id, now);
      if (created.length > 0) deps.created();
      return deps.handle(run.id, created.length > 0);
    },

    async delete(id) {
      if (!(await store.deleteSchedule(id))) throw scheduleNotFound(id);
      firing.changed();
    },

    async get(id) {
      return toSchedule(await require(id));
    },

    async list(filter = {}) {
      return (await store.listSchedules(filter)).map(toSchedule);
    },

    async backfill(id, from, to) {
      const schedule = await require(id);
      const workflow = resolve(schedule.workflow);
      const start = from instanceof Date ? from.getTime() : from;
      const end = to instanceof Date ? to.getTime() : to;
      if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
        throw new BatonError(
          "INVALID_BACKFILL",
          `invalid backfill of "${id}": from ${String(from)} is not before to ${String(to)}`,
        );
      }
      const times = fireTimesBetween(timingOf(schedule), start, end, maxBackfillRuns + 1);
      if (times.length > maxBackfillRuns) {
        throw new BatonError(
          "INVALID_BACKFILL",
          `invalid backfill of "${id}": more than ${maxBackfillRuns} fire times from ${new Date(start).toISOString()} to ${new Date(end).toISOString()}`,
        );
      }
      await store.ready?.();
      const now = clock.now();
      const runs = times.map((at) => scheduledRun(schedule, workflow, at, now));
      const created = runs.length === 0 ? [] : await store.createScheduledRuns(id, runs, undefined, now);
      if (created.length > 0) deps.created();
      return { runIds: times.map((at) => scheduledRunId(id, at)), created } satisfies BackfillResult;
    },
  };
}

/** The patch without its `null`s (which clear a field). */
function withoutNulls(patch: SchedulePatch): Partial<ScheduleDefinition> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== null && value !== undefined));
}
