import type { RunSummary } from "../api/api-types.js";
import { QueueFacts, StartsAt } from "../components/queue-facts.js";
import { StatusBadge } from "../components/status-badge.js";
import { useIncrementalCount } from "../hooks/use-incremental-count.js";
import { formatSpan, formatTime } from "../lib/format.js";
import { runHref } from "../lib/route.js";

/**
 * Runs as a table: status, workflow, id (a link to the run), queue (with
 * key and priority), start time (and when a pending run starts) and
 * duration. Long pages are added to the page 100 rows at a time.
 */
export function RunsTable({ runs }: { runs: readonly RunSummary[] }) {
  const now = Date.now();
  const shown = useIncrementalCount(runs.length);
  if (runs.length === 0) return <p className="empty">No runs match.</p>;
  return (
    <table className="runs-table">
      <thead>
        <tr>
          <th>Status</th>
          <th>Workflow</th>
          <th>Run id</th>
          <th>Queue</th>
          <th>Started</th>
          <th>Duration</th>
        </tr>
      </thead>
      <tbody>
        {runs.slice(0, shown).map((run) => (
          <tr key={run.id}>
            <td>
              <StatusBadge status={run.status} />
            </td>
            <td>
              {run.workflow} <span className="muted">v{run.version}</span>
            </td>
            <td className="mono">
              <a href={runHref(run.id)}>{run.id}</a>
              {run.parentId && <span className="tag">child</span>}
              {run.scheduleId && (
                <span className="tag" title={`started by schedule ${run.scheduleId}`}>
                  schedule {run.scheduleId}
                </span>
              )}
            </td>
            <td className="run-queue">
              <QueueFacts run={run} />
            </td>
            <td>
              {formatTime(run.createdAt)}
              {run.status === "pending" && run.startAt && (
                <div className="muted">
                  <StartsAt run={run} />
                </div>
              )}
            </td>
            <td>{formatSpan(run.createdAt, run.finishedAt, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
