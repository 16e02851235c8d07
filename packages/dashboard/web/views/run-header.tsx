import type { Run } from "../api/api-types.js";
import { QueueFacts, StartsAt } from "../components/queue-facts.js";
import { StatusBadge } from "../components/status-badge.js";
import type { WatchState } from "../hooks/use-watch-run.js";
import { formatSpan, formatTime } from "../lib/format.js";
import { runHref, runsHref } from "../lib/route.js";

const watchWords: Record<WatchState, string> = {
  off: "",
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
};

/** A run's id, status, workflow, queue (key, priority), times, parent and whether the page follows it live. */
export function RunHeader({ run, watch, now }: { run: Run; watch: WatchState; now: number }) {
  return (
    <header className="run-header">
      <h1>
        <span className="mono run-id">{run.id}</span> <StatusBadge status={run.status} />
        {watchWords[watch] && <span className={`watch watch-${watch}`}>{watchWords[watch]}</span>}
      </h1>
      <dl className="facts">
        <dt>Workflow</dt>
        <dd>
          {run.workflow} <span className="muted">v{run.version}</span>
        </dd>
        {(run.queue !== "default" || run.concurrencyKey !== undefined || run.priority !== 0) && (
          <>
            <dt>Queue</dt>
            <dd>
              <QueueFacts run={run} />
            </dd>
          </>
        )}
        <dt>Started</dt>
        <dd>{formatTime(run.createdAt, true)}</dd>
        {run.status === "pending" && run.startAt && (
          <>
            <dt>Delayed</dt>
            <dd>
              <StartsAt run={run} />
            </dd>
          </>
        )}
        <dt>Finished</dt>
        <dd>{formatTime(run.finishedAt, true)}</dd>
        <dt>Duration</dt>
        <dd>{formatSpan(run.createdAt, run.finishedAt, now)}</dd>
        <dt>Steps</dt>
        <dd>{run.steps.length}</dd>
        {run.parentId && (
          <>
            <dt>Parent</dt>
            <dd className="mono">
              <a href={runHref(run.parentId)} aria-label="Parent run">
                {run.parentId}
              </a>
            </dd>
          </>
        )}
        {run.scheduleId && (
          <>
            <dt>Schedule</dt>
            <dd>
              <a href="#/schedules" aria-label="Schedule">
                {run.scheduleId}
              </a>{" "}
              <span className="muted">fire time {formatTime(run.scheduledAt)}</span>{" "}
              <a href={runsHref({ scheduleId: run.scheduleId })}>its runs</a>
            </dd>
          </>
        )}
        {run.cancelRequested && (
          <>
            <dt>Cancel</dt>
            <dd>requested</dd>
          </>
        )}
      </dl>
    </header>
  );
}
