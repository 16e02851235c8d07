/**
 * The records the schedule verbs of the store take and answer (times in
 * epoch milliseconds). Never public: the engine maps them to `Schedule`.
 */
import type { RunStatus, ScheduleCatchup, ScheduleOverlap } from "../types.js";
import type { NewRun } from "./records.js";

/** A schedule's definition and pause state, as written by create, update and the code sync. */
export interface NewScheduleRecord {
  id: string;
  workflow: string;
  cron?: string;
  /** The interval as text (`"30s"`). */
  every?: string;
  timezone: string;
  input: unknown;
  overlap: ScheduleOverlap;
  catchup: ScheduleCatchup;
  startAt?: number;
  endAt?: number;
  paused: boolean;
  source: "code" | "api";
  /** The first fire time to reach (undefined while paused, or when there is none). */
  nextFireAt?: number;
}

/** A schedule as the store keeps it. */
export interface ScheduleRecord extends NewScheduleRecord {
  lastFireAt?: number;
  lastRunId?: string;
  skippedCount: number;
  lastSkippedAt?: number;
  /** A fire time waiting for the previous run to finish (buffer-one). */
  bufferedAt?: number;
  /** Raised by every write of the schedule: the compare-and-set of `fireSchedules` and `updateSchedule`. */
  revision: number;
  createdAt: number;
  updatedAt: number;
  /** Status of the run `lastRunId`, when it exists (read with the schedule). */
  lastRunStatus?: RunStatus;
}

/** What `updateSchedule` writes: the definition, the pause state and where firing goes on. */
export interface ScheduleUpdate extends Omit<NewScheduleRecord, "source"> {
  /** Kept as it is unless given; `null` clears it. */
  bufferedAt?: number | null;
}

/** Result of `listDueSchedules`. */
export interface DueSchedules {
  /** Unpaused schedules of the workflows asked whose next fire time is due, or whose waiting run may start. */
  schedules: ScheduleRecord[];
  /** The earliest next fire time after `now` of an unpaused schedule of those workflows. */
  nextFireAt?: number;
  /** Some schedule of those workflows has a run waiting for its previous one to finish. */
  buffered: boolean;
}

/** What one firing of a schedule writes (see `Store.fireSchedules`). */
export interface ScheduleFire {
  id: string;
  /** The schedule's revision as read: the write applies only if it is unchanged. */
  revision: number;
  nextFireAt?: number;
  lastFireAt?: number;
  lastRunId?: string;
  /** Fire times skipped by this firing. */
  skipped: number;
  lastSkippedAt?: number;
  bufferedAt?: number;
  /** The run to ask to cancel first (cancel-previous). */
  cancelRunId?: string;
  /** Runs to create (an id that exists is left as it is). */
  runs: NewRun[];
}

/** What one firing of `fireSchedules` did, when it applied. */
export interface ScheduleFireResult {
  /** Ids of the runs created (not those that existed). */
  created: string[];
  /** True when `cancelRunId` was asked to cancel (it had not finished). */
  cancelled: boolean;
}
