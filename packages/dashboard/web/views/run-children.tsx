import type { Run } from "../api/api-types.js";
import { JsonView } from "../components/json-view.js";
import { formatTime } from "../lib/format.js";
import { RunsTable } from "./runs-table.js";

/** A run's child runs (links to their pages) and the signals it has not consumed yet. */
export function RunChildren({ run }: { run: Run }) {
  return (
    <>
      {run.children.length > 0 && (
        <section aria-label="Children">
          <h2>Child runs</h2>
          {run.childCount > run.children.length && (
            <p className="muted">
              Showing the last {run.children.length.toLocaleString("en-US")} of {run.childCount.toLocaleString("en-US")}{" "}
              child runs. The API lists them all: <code>GET /api/runs?parentId={run.id}</code>.
            </p>
          )}
          <RunsTable runs={run.children} />
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
