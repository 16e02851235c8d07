import { useState } from "react";
import type { Task } from "../api/api-types.js";
import { AttemptList } from "../components/attempt-list.js";
import { ErrorView } from "../components/error-view.js";
import { JsonView } from "../components/json-view.js";
import { StatusBadge } from "../components/status-badge.js";
import { formatDuration, formatFromNow, formatTime, previewJson, toMillis } from "../lib/format.js";
import { runHref, tasksHref } from "../lib/route.js";
import { attemptsOfTask } from "../lib/task-attempts.js";
import { type TaskFilters, taskFilterValues } from "../lib/tasks-query.js";

const columns = 9;

/** Everything about one task, below its row: input, output, heartbeat details, error and attempts. */
function TaskMore({ task }: { task: Task }) {
  return (
    <div className="task-more">
      <h4>Input</h4>
      <JsonView value={task.input} />
      {task.output !== undefined && (
        <>
          <h4>Output</h4>
          <JsonView value={task.output} />
        </>
      )}
      {task.details !== undefined && (
        <>
          <h4>Heartbeat details</h4>
          <JsonView value={task.details} />
        </>
      )}
      {task.error && (
        <>
          <h4>Last error</h4>
          <ErrorView error={task.error} />
        </>
      )}
      <AttemptList title="Attempts" attempts={attemptsOfTask(task)} />
      <p className="muted">
        Timeout {formatDuration(task.timeoutMs)} per attempt
        {task.heartbeatTimeoutMs !== undefined ? `, heartbeat timeout ${formatDuration(task.heartbeatTimeoutMs)}` : ""}.
        Created {formatTime(task.createdAt, true)}
        {task.finishedAt ? `, finished ${formatTime(task.finishedAt, true)}` : ""}.
      </p>
    </div>
  );
}

function TaskRow({ task, filters, now }: { task: Task; filters: TaskFilters; now: number }) {
  const [open, setOpen] = useState(false);
  const retryAt = task.status === "queued" && (toMillis(task.availableAt) ?? 0) > now ? task.availableAt : undefined;
  return (
    <>
      <tr aria-label={`Task ${task.id}`}>
        <td>
          <button type="button" className="link-button task-name" aria-expanded={open} onClick={() => setOpen(!open)}>
            {task.name}
          </button>
          <div className="mono muted">{task.id}</div>
        </td>
        <td className="mono">
          <a href={tasksHref({ ...taskFilterValues(filters), queue: task.queue })}>{task.queue}</a>
        </td>
        <td>
          <StatusBadge status={task.status} />
          {retryAt && <div className="muted">next attempt {formatFromNow(retryAt, now)}</div>}
          {(task.status === "failed" || task.status === "queued") && task.error && (
            <div className="error-inline">
              {task.status === "queued" ? `attempt ${task.attempt} failed: ` : ""}
              {task.error.message}
            </div>
          )}
        </td>
        <td className="task-attempt">
          {task.attempt}/{task.maxAttempts}
        </td>
        <td className={task.status === "leased" ? "mono" : "mono muted"}>
          {task.workerId === undefined ? "-" : <span title="held the last attempt">{task.workerId}</span>}
        </td>
        <td title={formatTime(task.leaseExpiresAt, true)}>
          {task.status === "leased" ? formatFromNow(task.leaseExpiresAt, now) : <span className="muted">-</span>}
        </td>
        <td>
          {task.heartbeatAt ? (
            <span title={formatTime(task.heartbeatAt, true)}>{formatFromNow(task.heartbeatAt, now)}</span>
          ) : (
            <span className="muted">-</span>
          )}
          {task.details !== undefined && <div className="mono muted task-details">{previewJson(task.details, 60)}</div>}
        </td>
        <td className="mono">
          <a href={runHref(task.runId)}>{task.runId}</a>
          <span className="muted"> #{task.position}</span>
        </td>
        <td title={formatTime(task.createdAt, true)}>{formatFromNow(task.createdAt, now)}</td>
      </tr>
      {open && (
        <tr className="task-more-row">
          <td colSpan={columns}>
            <TaskMore task={task} />
          </td>
        </tr>
      )}
    </>
  );
}

/**
 * Tasks as a table: name (which opens its input, output, heartbeat
 * details, error and attempts) and id, task queue (a link to its tasks),
 * status, attempt, task worker, lease expiry, last heartbeat with its
 * details, run (a link) and age.
 */
export function TasksTable({ tasks, filters, now }: { tasks: readonly Task[]; filters: TaskFilters; now: number }) {
  if (tasks.length === 0) return <p className="empty">No tasks match.</p>;
  return (
    <table className="tasks-table">
      <thead>
        <tr>
          <th>Task</th>
          <th>Task queue</th>
          <th>Status</th>
          <th>Attempt</th>
          <th>Task worker</th>
          <th>Lease expires</th>
          <th>Last heartbeat</th>
          <th>Run</th>
          <th>Created</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <TaskRow key={task.id} task={task} filters={filters} now={now} />
        ))}
      </tbody>
    </table>
  );
}
