import type { CallInfo, HistoryEvent, Task } from "../api/api-types.js";
import { StatusBadge } from "../components/status-badge.js";
import { formatFromNow, formatTime, toMillis } from "../lib/format.js";
import { tasksHref } from "../lib/route.js";
import { findTaskFinish } from "../lib/task-attempts.js";
import { taskFilterValues } from "../lib/tasks-query.js";

/** Props of `TaskCallFacts`. */
export interface TaskCallFactsProps {
  runId: string;
  step: CallInfo;
  history: readonly HistoryEvent[];
  /** The task's live state, while it is open. */
  task?: Task;
  now: number;
}

/**
 * What a task call adds to its step's facts (entries of a `<dl>`): the
 * task's id (a link to it on the tasks page), its task queue, and while it
 * is open its status, attempt, task worker, lease and last heartbeat; once
 * it finished, the task worker that reported it.
 */
export function TaskCallFacts({ runId, step, history, task, now }: TaskCallFactsProps) {
  const id = `${runId}:${step.position}`;
  const finish = task ? undefined : findTaskFinish(step.position, history);
  const retryAt = task?.status === "queued" && task.attempt > 0 ? task.availableAt : undefined;
  return (
    <>
      <dt>Task</dt>
      <dd className="mono">
        <a href={tasksHref(taskFilterValues({ runId, status: "" }))} aria-label={`Task ${id} on the tasks page`}>
          {id}
        </a>
      </dd>
      <dt>Task queue</dt>
      <dd className="mono">
        {step.queue ? <a href={tasksHref({ queue: step.queue })}>{step.queue}</a> : <span className="muted">-</span>}
      </dd>
      {task && (
        <>
          <dt>Task status</dt>
          <dd>
            <StatusBadge status={task.status} />{" "}
            <span className="muted">
              attempt {task.attempt} of {task.maxAttempts}
            </span>
          </dd>
          {task.status === "leased" && (
            <>
              <dt>Task worker</dt>
              <dd className="mono">{task.workerId}</dd>
              <dt>Lease expires</dt>
              <dd>
                {formatTime(task.leaseExpiresAt, true)}{" "}
                <span className="muted">({formatFromNow(task.leaseExpiresAt, now)})</span>
              </dd>
            </>
          )}
          {retryAt && (
            <>
              <dt>{(toMillis(retryAt) ?? 0) > now ? "Next attempt" : "Queued again"}</dt>
              <dd>
                {formatTime(retryAt, true)} <span className="muted">({formatFromNow(retryAt, now)})</span>
              </dd>
            </>
          )}
          {task.heartbeatAt && (
            <>
              <dt>Last heartbeat</dt>
              <dd>
                {formatTime(task.heartbeatAt, true)}{" "}
                <span className="muted">({formatFromNow(task.heartbeatAt, now)})</span>
              </dd>
            </>
          )}
        </>
      )}
      {finish?.workerId && (
        <>
          <dt>{finish.type === "task.completed" ? "Completed by" : "Failed by"}</dt>
          <dd className="mono">{finish.workerId}</dd>
        </>
      )}
    </>
  );
}
