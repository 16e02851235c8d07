import type { RunSummary } from "../api/api-types.js";
import { formatTime } from "../lib/format.js";
import { runsHref } from "../lib/route.js";

/**
 * A run's place in flow control, in one line: its queue (a link to the
 * queue's runs; left out for `default`), concurrency key and priority (left
 * out when 0). Nothing when the run has none of them.
 */
export function QueueFacts({ run }: { run: Pick<RunSummary, "queue" | "concurrencyKey" | "priority"> }) {
  const named = run.queue !== "default";
  if (!named && run.concurrencyKey === undefined && run.priority === 0) return null;
  return (
    <span className="queue-facts">
      {named && (
        <a className="queue-name" href={runsHref({ queue: run.queue })} aria-label={`Queue ${run.queue}`}>
          {run.queue}
        </a>
      )}
      {run.concurrencyKey !== undefined && (
        <span className="tag queue-key">
          key <span className="mono">{run.concurrencyKey}</span>
        </span>
      )}
      {run.priority !== 0 && <span className="tag queue-priority">priority {run.priority}</span>}
    </span>
  );
}

/** `starts at <time>` for a pending run with a start time (a delayed start or a debounce); nothing otherwise. */
export function StartsAt({ run }: { run: Pick<RunSummary, "status" | "startAt"> }) {
  if (run.status !== "pending" || !run.startAt) return null;
  return <span className="starts-at">starts at {formatTime(run.startAt)}</span>;
}
