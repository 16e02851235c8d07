import { useState } from "react";
import { useApi } from "../api/api-context.js";
import type { RunPage, Schedule, ScheduleList, TriggerResult } from "../api/api-types.js";
import { ActionButton } from "../components/action-button.js";
import { ErrorNote } from "../components/error-note.js";
import { StatusBadge } from "../components/status-badge.js";
import { useApiData } from "../hooks/use-api-data.js";
import { formatZonedTime } from "../lib/format.js";
import { runHref, runsHref } from "../lib/route.js";

const pollMs = 5000;

/** When a schedule fires, in a few words: its cron expression and zone, or its interval. */
function describeWhen(schedule: Schedule): string {
  return schedule.cron !== undefined ? `cron ${schedule.cron} (${schedule.timezone})` : `every ${schedule.every}`;
}

/** The schedule's latest runs (newest first), each with its status, and a link to all of them. */
function LastRuns({ schedule, version }: { schedule: Schedule; version: number }) {
  const path = `/api/runs?scheduleId=${encodeURIComponent(schedule.id)}&limit=3`;
  const { data, error } = useApiData<RunPage>(path, { pollMs, key: `${version}:${schedule.lastRunId}` });
  if (error) return <ErrorNote error={error} />;
  if (!data) return <span className="muted">…</span>;
  if (data.runs.length === 0) return <span className="muted">none yet</span>;
  return (
    <ul className="plain-list schedule-runs">
      {data.runs.map((run) => (
        <li key={run.id}>
          <StatusBadge status={run.status} />{" "}
          <a className="mono" href={runHref(run.id)}>
            {run.id}
          </a>
        </li>
      ))}
      <li>
        <a href={runsHref({ scheduleId: schedule.id })}>all runs of {schedule.id}</a>
      </li>
    </ul>
  );
}

function ScheduleRow({ schedule, onChanged }: { schedule: Schedule; onChanged: (message: string) => void }) {
  const { api, canAct } = useApi();
  const [version, setVersion] = useState(0);
  const path = `/api/schedules/${encodeURIComponent(schedule.id)}`;
  const changed = (message: string) => {
    setVersion((v) => v + 1);
    onChanged(message);
  };
  return (
    <tr aria-label={`Schedule ${schedule.id}`}>
      <td className="mono">
        {schedule.id}
        {schedule.source === "code" && <span className="tag">in code</span>}
      </td>
      <td>{schedule.workflow}</td>
      <td>
        {describeWhen(schedule)}
        <div className="muted">
          overlap {schedule.overlap}, catch-up {schedule.catchup}
        </div>
      </td>
      <td>
        {schedule.paused ? (
          <span className="tag tag-warning">paused</span>
        ) : schedule.nextFireTimes.length === 0 ? (
          <span className="muted">no more fire times</span>
        ) : (
          <ol className="plain-list fire-times">
            {schedule.nextFireTimes.slice(0, 3).map((time) => (
              <li key={time}>{formatZonedTime(time, schedule.timezone)}</li>
            ))}
          </ol>
        )}
        {schedule.skippedCount > 0 && (
          <div className="muted">
            {schedule.skippedCount} skipped (last {formatZonedTime(schedule.lastSkippedAt, schedule.timezone)})
          </div>
        )}
      </td>
      <td>
        <LastRuns schedule={schedule} version={version} />
      </td>
      {canAct && (
        <td>
          <div className="action-row">
            {schedule.paused ? (
              <ActionButton
                label="Resume"
                tone="primary"
                perform={async () => {
                  await api.post(`${path}/resume`);
                  return `Schedule ${schedule.id} resumed.`;
                }}
                onDone={changed}
              />
            ) : (
              <ActionButton
                label="Pause"
                perform={async () => {
                  await api.post(`${path}/pause`);
                  return `Schedule ${schedule.id} paused.`;
                }}
                onDone={changed}
              />
            )}
            <ActionButton
              label="Trigger now"
              question={`Start a run of ${schedule.workflow} now?`}
              perform={async () => {
                const { run } = await api.post<TriggerResult>(`${path}/trigger`);
                return `Started run ${run.id}.`;
              }}
              onDone={changed}
            />
          </div>
        </td>
      )}
    </tr>
  );
}

/**
 * The schedules: when each fires (its next fire times in its own time
 * zone), its latest runs, and for an operator pause / resume and trigger.
 */
export function SchedulesView() {
  const { canAct } = useApi();
  const list = useApiData<ScheduleList>("/api/schedules", { pollMs });
  const [notice, setNotice] = useState<string>();
  const schedules = list.data?.schedules ?? [];
  const changed = (message: string) => {
    setNotice(message);
    list.reload();
  };
  return (
    <>
      <h1>Schedules</h1>
      {notice && (
        <p role="status" className="action-result ok">
          {notice}
        </p>
      )}
      {list.error && <ErrorNote error={list.error} />}
      {list.loading && <p className="muted">Loading schedules…</p>}
      {list.data && schedules.length === 0 && <p className="empty">No schedules.</p>}
      {schedules.length > 0 && (
        <table className="schedules-table">
          <thead>
            <tr>
              <th>Schedule</th>
              <th>Workflow</th>
              <th>When</th>
              <th>Next fire times</th>
              <th>Last runs</th>
              {canAct && <th>Actions</th>}
            </tr>
          </thead>
          <tbody>
            {schedules.map((schedule) => (
              <ScheduleRow key={schedule.id} schedule={schedule} onChanged={changed} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
