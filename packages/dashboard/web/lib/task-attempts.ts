/**
 * The attempts of a task call, each with the task worker that held it. A
 * finished task's attempts are in its run's history (`task.completed` or
 * `task.failed` lists every one, the last included); an open task's are on
 * the task itself (`GET /api/tasks`): the attempts that failed or lapsed,
 * then the one a task worker holds now (leased at `leasedAt`).
 */
import type { CallInfo, ErrorInfo, HistoryEvent, Task } from "../api/api-types.js";

/** One attempt of a task call. `running` while a task worker holds its lease. */
export interface TaskAttemptRow {
  attempt: number;
  /** The task worker that held it (unknown when only the run's steps were read). */
  workerId?: string;
  status: "running" | "completed" | "failed";
  startedAt?: string;
  finishedAt?: string;
  error?: ErrorInfo;
}

/** The event that finished the task at `position` since it was last scheduled (a resume schedules it again). */
export function findTaskFinish(position: number, history: readonly HistoryEvent[]): HistoryEvent | undefined {
  let found: HistoryEvent | undefined;
  for (const event of history) {
    if (event.position !== position) continue;
    if (event.type === "task.scheduled") found = undefined;
    else if (event.type === "task.completed" || event.type === "task.failed") found = event;
  }
  return found;
}

/** True once a call has its outcome. */
export function isCallFinished(step: Pick<CallInfo, "status">): boolean {
  return step.status === "completed" || step.status === "failed";
}

/**
 * The attempts of the task call `step`: from its finishing history event
 * when it has finished (else from the run's steps, without task workers),
 * from `task` (its live state) while it is open.
 */
export function taskAttempts(step: CallInfo, history: readonly HistoryEvent[] = [], task?: Task): TaskAttemptRow[] {
  if (isCallFinished(step)) {
    const recorded = findTaskFinish(step.position, history)?.attempts;
    if (recorded) {
      return recorded.map((attempt) => ({
        attempt: attempt.attempt,
        workerId: attempt.workerId,
        status: attempt.error ? "failed" : "completed",
        startedAt: attempt.startedAt,
        finishedAt: attempt.finishedAt,
        ...(attempt.error ? { error: attempt.error } : {}),
      }));
    }
    return step.attempts.map((attempt) => ({
      attempt: attempt.attempt,
      status: attempt.status,
      ...(attempt.startedAt ? { startedAt: attempt.startedAt } : {}),
      ...(attempt.finishedAt ? { finishedAt: attempt.finishedAt } : {}),
      ...(attempt.error ? { error: attempt.error } : {}),
    }));
  }
  return task ? attemptsOfTask(task) : [];
}

/**
 * The attempts of a task as its own record tells them: those that failed
 * or lapsed, then the one a task worker holds (`leased`) or the one that
 * completed it.
 */
export function attemptsOfTask(task: Task): TaskAttemptRow[] {
  const rows: TaskAttemptRow[] = task.attempts.map((attempt) => ({
    attempt: attempt.attempt,
    workerId: attempt.workerId,
    status: "failed",
    startedAt: attempt.startedAt,
    finishedAt: attempt.finishedAt,
    ...(attempt.error ? { error: attempt.error } : {}),
  }));
  const last = task.status === "leased" ? "running" : task.status === "completed" ? "completed" : undefined;
  if (last && !rows.some((row) => row.attempt === task.attempt)) {
    rows.push({
      attempt: task.attempt,
      status: last,
      ...(task.workerId ? { workerId: task.workerId } : {}),
      ...(task.leasedAt ? { startedAt: task.leasedAt } : {}),
      ...(last === "completed" && task.finishedAt ? { finishedAt: task.finishedAt } : {}),
    });
  }
  return rows;
}
