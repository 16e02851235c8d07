import type { AttemptInfo } from "../api/api-types.js";
import { formatSpan, formatTime } from "../lib/format.js";
import type { TaskAttemptRow } from "../lib/task-attempts.js";
import { ErrorView } from "./error-view.js";
import { StatusBadge } from "./status-badge.js";

/** An attempt of a step, a compensation or a task (then with the task worker that held it). */
export type ListedAttempt = Pick<AttemptInfo, "attempt" | "status" | "startedAt" | "finishedAt" | "error" | "retryAt"> &
  Pick<TaskAttemptRow, "workerId">;

/**
 * Attempts under a title, each with its status, task worker (for a task),
 * start time and duration, when the next one is due, and its error with
 * its stack. Nothing when there are none.
 */
export function AttemptList({ title, attempts }: { title: string; attempts: readonly ListedAttempt[] }) {
  if (attempts.length === 0) return null;
  return (
    <div className="attempts">
      <h4>{title}</h4>
      <ol className="plain-list">
        {attempts.map((attempt) => (
          <li key={attempt.attempt} className="attempt">
            <div>
              <strong>Attempt {attempt.attempt}</strong> <StatusBadge status={attempt.status} />{" "}
              {attempt.workerId !== undefined && (
                <span className="attempt-worker">
                  by <span className="mono">{attempt.workerId}</span>{" "}
                </span>
              )}
              <span className="muted">
                {formatTime(attempt.startedAt, true)} · {formatSpan(attempt.startedAt, attempt.finishedAt)}
              </span>
              {attempt.retryAt && <span className="muted"> · next attempt at {formatTime(attempt.retryAt, true)}</span>}
            </div>
            {attempt.error && <ErrorView error={attempt.error} />}
          </li>
        ))}
      </ol>
    </div>
  );
}
