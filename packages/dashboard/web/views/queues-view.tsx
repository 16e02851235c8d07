import { useEffect, useState } from "react";
import type { Queue, QueueList } from "../api/api-types.js";
import { ErrorNote } from "../components/error-note.js";
import { useApiData } from "../hooks/use-api-data.js";
import { formatDuration, formatTime } from "../lib/format.js";
import {
  addSamples,
  depthTrend,
  formatRateWindow,
  formatRunning,
  formatTrend,
  type QueueSample,
  type QueueSamples,
  slotShare,
  sparklinePoints,
} from "../lib/queue-stats.js";
import { runsHref } from "../lib/route.js";

/** Polls the queues this often (ms). */
const pollMs = 3000;

/** Runs holding a slot against the limit, as text and a small bar (SVG: no inline style). */
function SlotBar({ queue }: { queue: Queue }) {
  const share = slotShare(queue);
  return (
    <span className="slots">
      {share !== undefined && (
        <svg className="slot-bar" width="60" height="8" viewBox="0 0 60 8" aria-hidden="true">
          <rect className="slot-bar-track" x="0" y="0" width="60" height="8" rx="2" />
          <rect
            className={share >= 1 ? "slot-bar-fill full" : "slot-bar-fill"}
            x="0"
            y="0"
            width={Math.round(share * 60)}
            height="8"
            rx="2"
          />
        </svg>
      )}
      <span className="slot-count">{formatRunning(queue)}</span>
      {share === undefined && <span className="muted"> no limit</span>}
    </span>
  );
}

/** Pending runs over the polls of this page, and their net change per minute. */
function DepthOverTime({ samples }: { samples: readonly QueueSample[] }) {
  const points = sparklinePoints(
    samples.map((s) => s.pending),
    80,
    20,
  );
  const top = Math.max(0, ...samples.map((s) => s.pending));
  return (
    <span className="depth">
      <svg className="sparkline" width="80" height="22" viewBox="-1 -1 82 22" aria-hidden="true">
        {points && <polyline points={points} />}
      </svg>
      <span
        className="depth-trend muted"
        title={`pending runs over the last ${samples.length} polls (max ${top}), net change per minute`}
      >
        {formatTrend(depthTrend(samples))}
      </span>
    </span>
  );
}

function QueueRow({ queue, samples }: { queue: Queue; samples: readonly QueueSample[] }) {
  return (
    <tr>
      <td>
        <a href={runsHref({ queue: queue.name })}>{queue.name}</a>
        {queue.holdWhileWaiting && <span className="tag">holds while waiting</span>}
      </td>
      <td className="queue-running">
        <SlotBar queue={queue} />
      </td>
      <td className="queue-per-key">{queue.perKey ?? <span className="muted">-</span>}</td>
      <td className="queue-rate">{formatRateWindow(queue)}</td>
      <td className="queue-pending">
        <a href={runsHref({ queue: queue.name, status: "pending" })}>{queue.pending}</a>
      </td>
      <td className="queue-oldest">
        {queue.oldestPendingAgeMs === undefined ? (
          <span className="muted">-</span>
        ) : (
          formatDuration(queue.oldestPendingAgeMs)
        )}
      </td>
      <td className="queue-throughput">
        {queue.finishedLastMinute}
        <span className="muted">/min</span>
      </td>
      <td>
        <DepthOverTime samples={samples} />
      </td>
      <td className="muted">
        <span className="mono">{queue.registeredBy}</span>
        <div>{formatTime(queue.registeredAt)}</div>
      </td>
    </tr>
  );
}

/**
 * The named queues: runs holding a slot against the limit, per-key limit,
 * rate window, pending runs, the oldest one's age, and the depth over the
 * polls of this page. Each name links to the queue's runs.
 */
export function QueuesView() {
  const { data, error, loading, receivedAt } = useApiData<QueueList>("/api/queues", { pollMs });
  const [samples, setSamples] = useState<QueueSamples>({});
  useEffect(() => {
    if (data && receivedAt !== undefined) setSamples((held) => addSamples(held, data.queues, receivedAt));
  }, [data, receivedAt]);
  const queues = [...(data?.queues ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <h1>Queues</h1>
      {error && <ErrorNote error={error} />}
      {loading && <p className="muted">Loading queues…</p>}
      {data && queues.length === 0 && (
        <p className="empty">
          No named queues: workers declare them with <code>createEngine({"{ queues }"})</code>.
        </p>
      )}
      {queues.length > 0 && (
        <>
          <table className="queues-table">
            <thead>
              <tr>
                <th>Queue</th>
                <th>Running</th>
                <th>Per key</th>
                <th>Rate window</th>
                <th>Pending</th>
                <th>Oldest pending</th>
                <th>Finished</th>
                <th>Pending over time</th>
                <th>Limits from</th>
              </tr>
            </thead>
            <tbody>
              {queues.map((queue) => (
                <QueueRow key={queue.name} queue={queue} samples={samples[queue.name] ?? []} />
              ))}
            </tbody>
          </table>
          <p className="muted note">
            Running: runs holding a slot (running or compensating, and waiting ones in a queue that holds slots while
            waiting). Finished: runs of the queue that finished in the last minute (its throughput). Pending over time:
            the pending runs at each poll of this page (every {pollMs / 1000} s), and their net change per minute. Runs
            of the <code>default</code> queue, which has no limits, are not listed.
          </p>
        </>
      )}
    </>
  );
}
