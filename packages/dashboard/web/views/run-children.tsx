import type { Run } from "../api/api-types.js";
import { JsonView } from "../components/json-view.js";
import { StatusBadge } from "../components/status-badge.js";
import { formatSpan, formatTime } from "../lib/format.js";
import { runHref } from "../lib/route.js";

/** A run's child runs (links to their pages) and the signals it has not consumed yet. */
export function RunChildren({ run }: { run: Run }) {
  return (
    <>
      {run.children.length > 0 && (
        <section aria-label="Children">
          <h2>Child runs</h2>
          <table className="runs-table">
            <thead>
              <tr>
                <th>Status</th>
                <th>Workflow</th>
                <th>Run id</th>
                <th>Started</th>
                <th>Duration</th>
              </tr>
            </thead>
            <tbody>
              {run.children.map((child) => (
                <tr key={child.id}>
                  <td>
                    <StatusBadge status={child.status} />
                  </td>
                  <td>{child.workflow}</td>
                  <td className="mono">
                    <a href={runHref(child.id)}>{child.id}</a>
                  </td>
                  <td>{formatTime(child.createdAt)}</td>
                  <td>{formatSpan(child.createdAt, child.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {run.pendingSignals.length > 0 && (
        <section aria-label="Pending signals">
          <h2>Signals not consumed yet</h2>
          <ul className="plain-list">
            {run.pendingSignals.map((signal, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: signals are listed in order and never move
              <li key={index}>
                <strong>{signal.name}</strong> <span className="muted">sent {formatTime(signal.sentAt)}</span>
                <JsonView value={signal.payload} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
