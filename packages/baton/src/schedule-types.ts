/**
 * Public types of schedules (re-exported by types.ts, whose glossary defines
 * **schedule** and **fire time**).
 */
import type { Duration } from "./duration.js";

/**
 * What a schedule does at a fire time while its previous run has not finished:
 * `skip` (no run; counted in `skippedCount`), `buffer-one` (one run waits and
 * starts when the previous one finishes; later fire times meanwhile are
 * skipped), `allow` (start anyway), `cancel-previous` (ask the previous run
 * to cancel, and start the new one).
 */
export type ScheduleOverlap = "skip" | "buffer-one" | "allow" | "cancel-previous";

/** Every overlap policy. */
export const scheduleOverlaps: readonly ScheduleOverlap[] = ["skip", "buffer-one", "allow", "cancel-previous"];

/**
 * Which fire times missed while no worker ran (more than a minute late) get a
 * run: `none`, `latest` (one run, for the latest missed time) or `all`
 * (every missed time, at most the latest 1,000).
 */
export type ScheduleCatchup = "none" | "latest" | "all";

/** Every catch-up policy. */
export const scheduleCatchups: readonly ScheduleCatchup[] = ["none", "latest", "all"];

/**
 * A schedule as declared in code (`defineWorkflow(name, fn, { schedules })`):
 * exactly one of `cron` and `every`.
 *
 * @example
 * const nightly: ScheduleDefinition = { id: "nightly", cron: "0 9 * * 1-5", timezone: "Europe/Paris", input: {} };
 */
export interface ScheduleDefinition {
  /** Id of the schedule: letters, digits, `.`, `_`, `:` or `-`, at most 128. Its runs are `<id>@<ISO fire time>`. */
  id: string;
  /** Cron expression: 5 fields, or 6 with seconds first (croner syntax). */
  cron?: string;
  /** Fixed interval, at least 1s: fire times are `startAt` (default: the Unix epoch) plus whole intervals. */
  every?: Duration;
  /** IANA time zone of `cron`. Default `"UTC"`. */
  timezone?: string;
  /** Input of every run. Default `undefined`. */
  input?: unknown;
  /** Default `"skip"`. */
  overlap?: ScheduleOverlap;
  /** Default `"latest"`. */
  catchup?: ScheduleCatchup;
  /** First time a fire time may be (inclusive). Default: none. */
  startAt?: Date | number;
  /** Fire times are before this (exclusive). Default: none. */
  endAt?: Date | number;
}

/** A schedule as the engine returns it (`engine.schedules.get`). */
export interface Schedule {
  id: string;
  /** Name of the workflow it starts. */
  workflow: string;
  cron?: string;
  /** The interval, as given (`"30s"`; milliseconds given as a number read `"<n>ms"`). */
  every?: string;
  timezone: string;
  input: unknown;
  overlap: ScheduleOverlap;
  catchup: ScheduleCatchup;
  startAt?: Date;
  endAt?: Date;
  paused: boolean;
  /** `code`: declared with the workflow (kept in step with the code on `engine.start()`); `api`: created at runtime. */
  source: "code" | "api";
  /** The next fire time; absent while paused or once past `endAt`. */
  nextFireAt?: Date;
  /** The next fire times, `nextFireAt` first (at most 5; empty while paused or once past `endAt`). */
  nextFireTimes: Date[];
  /** The latest fire time the schedule reached (with or without a run). */
  lastFireAt?: Date;
  /** The schedule's latest run (fired or triggered). */
  lastRunId?: string;
  /** Fire times passed without a run because the previous run had not finished (`overlap`). */
  skippedCount: number;
  lastSkippedAt?: Date;
  /** The fire time of a run waiting for the previous one to finish (`buffer-one`). */
  bufferedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}
