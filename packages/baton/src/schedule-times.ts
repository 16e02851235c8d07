/**
 * Fire times of a schedule: pure arithmetic on epoch milliseconds, no store,
 * no clock.
 *
 * Invariants:
 * - A cron expression is read in its time zone by croner. A wall time that
 *   does not exist that day (the hour skipped when clocks go forward) fires
 *   once, at the next valid instant; a wall time that occurs twice (clocks go
 *   back) fires once, at its first occurrence.
 * - An interval fires at `startAt` (default: the Unix epoch) plus whole
 *   intervals, so every worker computes the same instants.
 * - A fire time is at or after `startAt` and before `endAt`, and no later
 *   than the end of year 9999 (`lastFireTime`).
 */
import { Cron } from "croner";
import { toMilliseconds } from "./duration.js";
import { BatonError } from "./errors.js";

/** When a schedule fires: exactly one of `cron` and `everyMs`. */
export interface ScheduleTiming {
  cron?: string;
  everyMs?: number;
  /** IANA time zone of `cron`. */
  timezone: string;
  startAt?: number;
  endAt?: number;
}

/** The shortest interval of `every`, in ms. */
export const minimumEveryMs = 1000;

/** The last instant a fire time may be: the end of year 9999 (UTC), as ISO 8601 writes without a sign. */
export const lastFireTime = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** An `INVALID_SCHEDULE` error naming what is wrong. */
export function invalidSchedule(message: string): BatonError {
  return new BatonError("INVALID_SCHEDULE", `invalid schedule: ${message}`);
}

/** True when `timezone` is an IANA time zone this runtime knows. */
export function isTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

const crons = new Map<string, Cron>();

/** The parsed cron of `timing` (cached). @throws BatonError `INVALID_SCHEDULE`. */
function cronOf(cron: string, timezone: string): Cron {
  const key = `${timezone} ${cron}`;
  let parsed = crons.get(key);
  if (!parsed) {
    try {
      parsed = new Cron(cron, { timezone, paused: true });
      parsed.nextRun(new Date(0));
    } catch (error) {
      throw invalidSchedule(`cron ${JSON.stringify(cron)} does not parse: ${(error as Error).message}`);
    }
    if (crons.size > 1000) crons.clear();
    crons.set(key, parsed);
  }
  return parsed;
}

/**
 * Checks and reads when a schedule fires.
 * @throws BatonError `INVALID_SCHEDULE` naming the bad value (both or neither
 * of cron and every, a cron that does not parse, an unknown time zone, an
 * interval under 1s, `endAt` not after `startAt`).
 */
export function toTiming(input: {
  cron?: string;
  every?: number | string;
  timezone?: string;
  startAt?: Date | number;
  endAt?: Date | number;
}): ScheduleTiming {
  const timezone = input.timezone ?? "UTC";
  if (typeof timezone !== "string" || !isTimezone(timezone)) {
    throw invalidSchedule(`unknown time zone ${JSON.stringify(timezone)}`);
  }
  const startAt = instant("startAt", input.startAt);
  const endAt = instant("endAt", input.endAt);
  if (startAt !== undefined && endAt !== undefined && endAt <= startAt) {
    throw invalidSchedule(
      `endAt ${new Date(endAt).toISOString()} is not after startAt ${new Date(startAt).toISOString()}`,
    );
  }
  const hasCron = input.cron !== undefined && input.cron !== null;
  const hasEvery = input.every !== undefined && input.every !== null;
  if (hasCron === hasEvery) {
    throw invalidSchedule(hasCron ? "give cron or every, not both" : "give cron or every");
  }
  const timing: ScheduleTiming = { timezone };
  if (startAt !== undefined) timing.startAt = startAt;
  if (endAt !== undefined) timing.endAt = endAt;
  if (hasCron) {
    if (typeof input.cron !== "string") throw invalidSchedule(`cron ${JSON.stringify(input.cron)} is not a string`);
    cronOf(input.cron, timezone);
    timing.cron = input.cron;
    return timing;
  }
  let everyMs: number;
  try {
    everyMs = toMilliseconds(input.every as number | string);
  } catch {
    throw invalidSchedule(`every ${JSON.stringify(input.every)} is not a duration (e.g. "30s", "1h")`);
  }
  if (everyMs < minimumEveryMs) throw invalidSchedule(`every ${JSON.stringify(input.every)} is under 1s`);
  timing.everyMs = everyMs;
  return timing;
}

/** Epoch ms of a Date or a number, checked. */
function instant(name: string, value: Date | number | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== "number" || !Number.isFinite(ms)) throw invalidSchedule(`${name} ${String(value)} is not a time`);
  return ms;
}

/** The first fire time strictly after `after`, if there is one before `endAt`. */
export function nextFireTime(timing: ScheduleTiming, after: number): number | undefined {
  if (after >= lastFireTime) return undefined;
  const from = timing.startAt !== undefined && timing.startAt - 1 > after ? timing.startAt - 1 : after;
  let next: number | undefined;
  if (timing.everyMs !== undefined) {
    const anchor = timing.startAt ?? 0;
    next = from < anchor ? anchor : anchor + (Math.floor((from - anchor) / timing.everyMs) + 1) * timing.everyMs;
  } else {
    next = cronOf(timing.cron as string, timing.timezone)
      .nextRun(new Date(from))
      ?.getTime();
  }
  if (next === undefined || !Number.isFinite(next) || next > lastFireTime) return undefined;
  return timing.endAt === undefined || next < timing.endAt ? next : undefined;
}

/** The first fire time at or after `at`. */
export function firstFireTime(timing: ScheduleTiming, at: number): number | undefined {
  return nextFireTime(timing, at - 1);
}

/** The next `count` fire times strictly after `after`, in order. */
export function nextFireTimes(timing: ScheduleTiming, after: number, count: number): number[] {
  const times: number[] = [];
  for (let t = nextFireTime(timing, after); t !== undefined && times.length < count; t = nextFireTime(timing, t)) {
    times.push(t);
  }
  return times;
}

/**
 * Fire times in `[from, to)`, in order; at most `limit` of them (the first
 * ones). Pass `limit + 1` to learn whether there are more.
 */
export function fireTimesBetween(timing: ScheduleTiming, from: number, to: number, limit: number): number[] {
  const times: number[] = [];
  for (let t = firstFireTime(timing, from); t !== undefined && t < to && times.length < limit; ) {
    times.push(t);
    t = nextFireTime(timing, t);
  }
  return times;
}

/** The latest `limit` fire times in `[from, until]`, in order. */
export function latestFireTimes(timing: ScheduleTiming, from: number, until: number, limit: number): number[] {
  let times: number[];
  if (timing.everyMs !== undefined) {
    // the last fire time at or before `until`, then back one interval at a time
    const anchor = timing.startAt ?? 0;
    const top = until < anchor ? undefined : anchor + Math.floor((until - anchor) / timing.everyMs) * timing.everyMs;
    times = [];
    for (let t = top; t !== undefined && t >= from && t >= anchor && times.length < limit; t -= timing.everyMs) {
      times.push(t);
    }
  } else {
    // Forward from `from` (usually a few), else back from `until` (a long outage).
    times = fireTimesBetween(timing, from, until + 1, limit + 1);
    if (times.length > limit) {
      times = cronOf(timing.cron as string, timing.timezone)
        .previousRuns(limit, new Date(until + 1))
        .map((d) => d.getTime())
        .filter((t) => t >= from);
    }
  }
  return times
    .filter(
      (t) => (timing.startAt === undefined || t >= timing.startAt) && (timing.endAt === undefined || t < timing.endAt),
    )
    .sort((a, b) => a - b);
}
