/**
 * Whether an open human task is late: past its reminder time (`remindAt`,
 * when the engine marks it for a reminder) or past its due time (`dueAt`,
 * when its timeout returns, fails or reassigns it). A closed human task is
 * never late: the API drops both times once it is answered, timed out or
 * cancelled.
 */
import type { HumanTask } from "../api/api-types.js";
import { toMillis } from "./format.js";

/** How late a human task is at a given time. */
export interface HumanTaskDeadline {
  /** Past its reminder time or its due time. */
  overdue: boolean;
  /** Which time passed: `due` wins over `reminder`. */
  reason?: "due" | "reminder";
}

/** How late `task` is at `now` (ms). */
export function humanTaskDeadline(
  task: Pick<HumanTask, "status" | "dueAt" | "remindAt">,
  now: number,
): HumanTaskDeadline {
  if (task.status !== "open") return { overdue: false };
  if ((toMillis(task.dueAt) ?? Number.POSITIVE_INFINITY) <= now) return { overdue: true, reason: "due" };
  if ((toMillis(task.remindAt) ?? Number.POSITIVE_INFINITY) <= now) return { overdue: true, reason: "reminder" };
  return { overdue: false };
}
