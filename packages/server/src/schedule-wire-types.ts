/**
 * The JSON of the schedule routes (`/api/schedules`), as TypeScript types
 * for clients; re-exported by wire-types.ts. Times are ISO 8601 strings in
 * UTC. Types only: a browser build can load it.
 */

/** What a schedule does at a fire time while its previous run has not finished. */
export type ScheduleOverlap = "skip" | "buffer-one" | "allow" | "cancel-previous";

/** Which fire times missed while no worker ran get a run. */
export type ScheduleCatchup = "none" | "latest" | "all";

/** A schedule (`GET /api/schedules/{id}`). */
export interface Schedule {
  id: string;
  workflow: string;
  cron?: string;
  every?: string;
  timezone: string;
  input: unknown;
  overlap: ScheduleOverlap;
  catchup: ScheduleCatchup;
  startAt?: string;
  endAt?: string;
  paused: boolean;
  source: "code" | "api";
  /** Absent while paused or once past `endAt`. */
  nextFireAt?: string;
  /** The next fire times, `nextFireAt` first (at most 5). */
  nextFireTimes: string[];
  lastFireAt?: string;
  lastRunId?: string;
  skippedCount: number;
  lastSkippedAt?: string;
  /** Fire time of a run waiting for the previous one to finish (buffer-one). */
  bufferedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** Answer of `GET /api/schedules`. */
export interface ScheduleList {
  schedules: Schedule[];
}

/** Body of `POST /api/schedules`: exactly one of `cron` and `every` (ms, or a duration such as "30s"). */
export interface CreateScheduleRequest {
  id: string;
  workflow: string;
  cron?: string;
  every?: number | string;
  timezone?: string;
  input?: unknown;
  overlap?: ScheduleOverlap;
  catchup?: ScheduleCatchup;
  startAt?: string;
  endAt?: string;
  paused?: boolean;
}

/** Body of `PATCH /api/schedules/{id}`: the fields to change; `null` clears `startAt` or `endAt`. */
export interface UpdateScheduleRequest {
  workflow?: string;
  cron?: string;
  every?: number | string;
  timezone?: string;
  input?: unknown;
  overlap?: ScheduleOverlap;
  catchup?: ScheduleCatchup;
  startAt?: string | null;
  endAt?: string | null;
  paused?: boolean;
}

/** Body of `POST /api/schedules/{id}/backfill`: the fire times in `[from, to)`. */
export interface BackfillRequest {
  from: string;
  to: string;
}

/** Answer of `POST /api/schedules/{id}/backfill`. */
export interface BackfillResult {
  /** The run of each fire time in the range, in order. */
  runIds: string[];
  /** Those this request created. */
  created: string[];
}

/** Answer of `DELETE /api/schedules/{id}`. */
export interface ScheduleDeleted {
  scheduleId: string;
}
