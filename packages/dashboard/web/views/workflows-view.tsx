import { type RunPage, runStatuses, type WorkerList, type WorkflowInfo, type WorkflowList } from "../api/api-types.js";
import { ErrorNote } from "../components/error-note.js";
import { StatusBadge } from "../components/status-badge.js";
import { useApiData } from "../hooks/use-api-data.js";
import { useRunDetails } from "../hooks/use-run-details.js";
import { formatTime } from "../lib/format.js";
import { runHref, runsHref } from "../lib/route.js";

function RecentFailures({ workflow }: { workflow: string }) {
  const path = `/api/runs?workflow=${encodeURIComponent(workflow)}&status=failed&limit=5`;
  const { data, error } = useApiData<RunPage>(path, { pollMs: 10_000 });
  const details = useRunDetails(data?.runs ?? []);
  if (error) return <ErrorNote error={error} />;
  if (!data) return <span className="muted">…</span>;
  if (data.runs.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="plain-list failures">
      {data.runs.map((run) => (
        <li key={run.id}>
          <a className="mono" href={runHref(run.id)}>
            {run.id}
          </a>{" "}
          <span className="muted">{formatTime(run.finishedAt ?? run.updatedAt)}</span>
          {details.get(run.id)?.error && <div className="error-inline">{details.get(run.id)?.error?.message}</div>}
        </li>
      ))}
    </ul>
  );
}

function Counts({ workflow }: { workflow: WorkflowInfo }) {
  if (!workflow.counts) return <span className="muted">-</span>;
  const counts = workflow.counts;
  const present = runStatuses.filter((status) => (counts[status] ?? 0) > 0);
  if (present.length === 0) return <span className="muted">no runs</span>;
  return (
    <span className="counts">
      {present.map((status) => (
        <a key={status} href={runsHref({ workflow: workflow.name, status })} className="count">
          <StatusBadge status={status} /> {counts[status]}
        </a>
      ))}
    </span>
  );
}

/** A warning for each workflow version whose open runs no live worker serves (`GET /api/workers`). */
function UnservedVersions() {
  const { data } = useApiData<WorkerList>("/api/workers", { pollMs: 5000 });
  if (!data || data.unserved.length === 0) return null;
  return (
    <ul className="plain-list unserved-versions" aria-label="Versions no worker serves">
      {data.unserved.map(({ workflow, version, runs }) => (
        <li key={`${workflow}@${version}`}>
          ⚠ No worker serves{" "}
          <a href={runsHref({ workflow })} className="mono">
            {workflow}@{version}
          </a>
          : {runs} {runs === 1 ? "run waits" : "runs wait"} for one that has this version.
        </li>
      ))}
    </ul>
  );
}

/** The workflows: versions, whether this server has their code, runs by status, recent failures; versions no worker serves. */
export function WorkflowsView() {
  const { data, error, loading } = useApiData<WorkflowList>("/api/workflows", { pollMs: 5000 });
  const workflows = [...(data?.workflows ?? [])].sort(
    (a, b) => a.name.localeCompare(b.name) || b.version.localeCompare(a.version),
  );
  return (
    <>
      <h1>Workflows</h1>
      <UnservedVersions />
      {error && <ErrorNote error={error} />}
      {loading && <p className="muted">Loading workflows…</p>}
      {data && workflows.length === 0 && <p className="empty">No workflows.</p>}
      {workflows.length > 0 && (
        <table className="workflows-table">
          <thead>
            <tr>
              <th>Workflow</th>
              <th>Version</th>
              <th>Code</th>
              <th>Runs by status</th>
              <th>Recent failures</th>
            </tr>
          </thead>
          <tbody>
            {workflows.map((workflow, index) => (
              <tr key={`${workflow.name}@${workflow.version}`}>
                <td>
                  <a href={runsHref({ workflow: workflow.name })}>{workflow.name}</a>
                </td>
                <td>{workflow.version}</td>
                <td>
                  {workflow.registered === false ? (
                    <span className="tag tag-warning">not registered</span>
                  ) : (
                    <span className="tag">registered</span>
                  )}
                  {workflow.validatesInput && <span className="tag">validates input</span>}
                </td>
                <td>
                  <Counts workflow={workflow} />
                </td>
                <td>
                  {workflows[index - 1]?.name === workflow.name ? (
                    <span className="muted">(above)</span>
                  ) : (
                    <RecentFailures workflow={workflow.name} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
