/**
 * What a schedule does when it is due: which fire times get a run, which are
 * skipped, which waits (buffer-one), and its next fire time. Pure: the
 * scheduler applies the plan in one store transaction, under a compare-and-set
 * on the schedule's revision.
 *
 * Invariants:
 * - Every fire time from the schedule's `nextFireAt` up to `now` is decided
 *   once: it gets a run, is skipped (overlap), is left out (catch-up), or
 *   waits (at most one, buffer-one); the next fire time is after `now`.
 * - A fire time at most `catchupGraceMs` late is on time: it is not missed,
 *   whatever the catch-up policy.
 * - Overlap applies in order of fire time, a run created by the plan being
 *   "the previous run" of the next fire time.
 */
import { latestFireTimes, nextFireTime, type ScheduleTiming } from "./schedule-times.js";
import type { ScheduleCatchup, ScheduleOverlap } from "./schedule-types.js";

/** How late a fire time may be and still be on time (not missed): one minute. */
export const catchupGraceMs = 60_000;

/** At most this many missed fire times get a run in one catch-up (`all`). */
export const maxCatchupRuns = 1000;

/** What the plan needs to know of a schedule. */
export interface ScheduleState {
  timing: ScheduleTiming;
  overlap: ScheduleOverlap;
  catchup: ScheduleCatchup;
  nextFireAt?: number;
  /** A fire time waiting for the previous run to finish (buffer-one). */
  bufferedAt?: number;
  /** The schedule's latest run exists and has not finished. */
  previousOpen: boolean;
}

/** What to do now. */
export interface FirePlan {
  /** Fire times to create runs for, in order. */
  runs: number[];
  /** Fire times skipped because the previous run had not finished. */
  skipped: number[];
  /** Ask the previous run to cancel (cancel-previous). */
  cancelPrevious: boolean;
  /** The fire time left waiting (buffer-one), if any. */
  bufferedAt?: number;
  /** The next fire time, after `now`; undefined once past `endAt`. */
  nextFireAt?: number;
  /** The latest fire time reached, when one was. */
  lastFireAt?: number;
}

/** Plans what a due schedule does at `now`. */
export function planFire(state: ScheduleState, now: number): FirePlan {
  const plan: FirePlan = { runs: [], skipped: [], cancelPrevious: false };
  let open = state.previousOpen;
  let buffered = state.bufferedAt;
  if (buffered !== undefined && !open) {
    plan.runs.push(buffered);
    buffered = undefined;
    open = true;
  }
  let due: number[] = [];
  if (state.nextFireAt !== undefined && state.nextFireAt <= now) {
    const many = state.catchup === "all" ? maxCatchupRuns : 1;
    due = latestFireTimes(state.timing, state.nextFireAt, now, many);
    if (due.length === 0) due = [state.nextFireAt];
    const last = due[due.length - 1] as number;
    plan.lastFireAt = last;
    // Late fire times are missed: `none` drops them, `latest` keeps the last one.
    if (state.catchup === "none") due = now - last <= catchupGraceMs ? [last] : [];
  }
  if (state.nextFireAt !== undefined) {
    const next = nextFireTime(state.timing, Math.max(now, state.nextFireAt - 1));
    if (next !== undefined) plan.nextFireAt = next;
  }
  switch (state.overlap) {
    case "allow":
      plan.runs.push(...due);
      break;
    case "cancel-previous": {
      const last = due[due.length - 1];
      if (last !== undefined) {
        plan.skipped.push(...due.slice(0, -1));
        plan.cancelPrevious = open && plan.runs.length === 0;
        plan.runs.push(last);
      }
      break;
    }
    default:
      for (const t of due) {
        if (!open) {
          plan.runs.push(t);
          open = true;
        } else if (state.overlap === "buffer-one" && buffered === undefined) {
          buffered = t;
        } else {
          plan.skipped.push(t);
        }
      }
  }
  if (buffered !== undefined) plan.bufferedAt = buffered;
  return plan;
}
