/**
 * Conversions between `schedules` rows and schedule records, shared by every
 * backend. Integer columns may arrive as strings (PostgreSQL bigint).
 */
import { BatonError } from "../errors.js";
import { decodeJson, encodeJson } from "../json.js";
import type { RunStatus, ScheduleCatchup, ScheduleOverlap } from "../types.js";
import type { NewScheduleRecord, ScheduleRecord } from "./schedule-records.js";

/** A `schedules` row, with the status of its latest run when the read joins it. */
export interface ScheduleRow {
  id: string;
  workflow: string;
  cron: string | null;
  every: string | null;
  timezone: string;
  input: string | null;
  overlap: string;
  catchup: string;
  start_at: number | string | null;
  end_at: number | string | null;
  paused: number | boolean;
  source: string;
  next_fire_at: number | string | null;
  last_fire_at: number | string | null;
  last_run_id: string | null;
  skipped_count: number | string;
  last_skipped_at: number | string | null;
  buffered_at: number | string | null;
  revision: number | string;
  created_at: number | string;
  updated_at: number | string;
  last_run_status?: string | null;
}

const opt = (v: number | string | null) => (v === null ? undefined : Number(v));

/** Maps a `schedules` row to a record (absent fields are left out). */
export function toScheduleRecord(row: ScheduleRow): ScheduleRecord {
  const record: ScheduleRecord = {
    id: row.id,
    workflow: row.workflow,
    timezone: row.timezone,
    input: decodeJson(row.input),
    overlap: row.overlap as ScheduleOverlap,
    catchup: row.catchup as ScheduleCatchup,
    paused: Boolean(row.paused),
    source: row.source === "code" ? "code" : "api",
    skippedCount: Number(row.skipped_count),
    revision: Number(row.revision),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  const optional: Partial<ScheduleRecord> = {
    cron: row.cron ?? undefined,
    every: row.every ?? undefined,
    startAt: opt(row.start_at),
    endAt: opt(row.end_at),
    nextFireAt: opt(row.next_fire_at),
    lastFireAt: opt(row.last_fire_at),
    lastRunId: row.last_run_id ?? undefined,
    lastSkippedAt: opt(row.last_skipped_at),
    bufferedAt: opt(row.buffered_at),
    lastRunStatus: (row.last_run_status ?? undefined) as RunStatus | undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (record as unknown as Record<string, unknown>)[key] = value;
  }
  return record;
}

/**
 * The definition columns of a schedule, named as the statements bind them
 * (`paused` as 0 or 1: SQLite's binding; PostgreSQL casts it).
 */
export function toScheduleColumns(schedule: Omit<NewScheduleRecord, "source"> & { source?: string }) {
  return {
    id: schedule.id,
    workflow: schedule.workflow,
    cron: schedule.cron ?? null,
    every: schedule.every ?? null,
    timezone: schedule.timezone,
    input: encodeJson(schedule.input, `input of schedule "${schedule.id}"`),
    overlap: schedule.overlap,
    catchup: schedule.catchup,
    start_at: schedule.startAt ?? null,
    end_at: schedule.endAt ?? null,
    paused: schedule.paused ? 1 : 0,
    source: schedule.source ?? "api",
    next_fire_at: schedule.nextFireAt ?? null,
  };
}

/** The error for an unknown schedule id. */
export function scheduleNotFound(id: string): BatonError {
  return new BatonError("SCHEDULE_NOT_FOUND", `schedule "${id}" not found`);
}
