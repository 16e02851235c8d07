import { roundTrip } from "./json.js";
import { workflowNamePattern } from "./names.js";
import { invalidSchedule, type ScheduleTiming, toTiming } from "./schedule-times.js";
import {
  type ScheduleCatchup,
  type ScheduleDefinition,
  type ScheduleOverlap,
  scheduleCatchups,
  scheduleOverlaps,
} from "./schedule-types.js";

/** A schedule definition checked and normalised: what the store keeps of it. */
export interface ScheduleSpec {
  id: string;
  cron?: string;
  /** The interval as text (`"30s"`; a number of ms reads `"<n>ms"`). */
  every?: string;
  timing: ScheduleTiming;
  /** The input as it reads back from JSON. */
  input: unknown;
  overlap: ScheduleOverlap;
  catchup: ScheduleCatchup;
}

/**
 * Checks a schedule definition and fills in its defaults (`timezone` UTC,
 * `overlap` skip, `catchup` latest).
 *
 * @example
 * const spec = checkScheduleDefinition({ id: "nightly", cron: "0 3 * * *" });
 * @throws BatonError `INVALID_SCHEDULE` naming the bad value.
 */
export function checkScheduleDefinition(definition: ScheduleDefinition): ScheduleSpec {
  if (typeof definition !== "object" || definition === null) {
    throw invalidSchedule(`expected an object, got ${JSON.stringify(definition)}`);
  }
  const { id } = definition;
  if (typeof id !== "string" || !workflowNamePattern.test(id)) {
    throw invalidSchedule(
      `id ${JSON.stringify(id)}: use a letter or digit, then letters, digits, ".", "_", ":" or "-" (at most 128)`,
    );
  }
  const overlap = definition.overlap ?? "skip";
  if (!scheduleOverlaps.includes(overlap)) {
    throw invalidSchedule(`overlap ${JSON.stringify(overlap)} of "${id}": expected ${scheduleOverlaps.join(", ")}`);
  }
  const catchup = definition.catchup ?? "latest";
  if (!scheduleCatchups.includes(catchup)) {
    throw invalidSchedule(`catchup ${JSON.stringify(catchup)} of "${id}": expected ${scheduleCatchups.join(", ")}`);
  }
  let timing: ScheduleTiming;
  try {
    timing = toTiming(definition);
  } catch (error) {
    (error as Error).message = (error as Error).message.replace("invalid schedule:", `invalid schedule "${id}":`);
    throw error;
  }
  let input: unknown;
  try {
    input = roundTrip(definition.input, `input of schedule "${id}"`);
  } catch (error) {
    throw invalidSchedule(`input of "${id}" is not JSON: ${(error as Error).message}`);
  }
  const spec: ScheduleSpec = { id, timing, input, overlap, catchup };
  if (timing.cron !== undefined) spec.cron = timing.cron;
  else spec.every = typeof definition.every === "number" ? `${definition.every}ms` : String(definition.every).trim();
  return spec;
}
