import { useState } from "react";
import type { TaskPage } from "../api/api-types.js";
import { CursorPager } from "../components/cursor-pager.js";
import { ErrorNote } from "../components/error-note.js";
import { useApiData } from "../hooks/use-api-data.js";
import { useNow } from "../hooks/use-now.js";
import { navigate } from "../hooks/use-route.js";
import { formatTime } from "../lib/format.js";
import { runHref, tasksHref } from "../lib/route.js";
import { listTasksPath, readTaskFilters, type TaskFilters, taskFilterValues } from "../lib/tasks-query.js";
import { TasksFiltersForm } from "./tasks-filters-form.js";
import { TasksTable } from "./tasks-table.js";

/** Polls the shown page this often (ms). */
const pollMs = 2000;

/** One filtered list of tasks, oldest first, page by page (a stack of cursors), polled for live status. */
function TasksPages({ filters }: { filters: TaskFilters }) {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const { data, error, loading, receivedAt } = useApiData<TaskPage>(listTasksPath(filters, cursor), { pollMs });
  const now = useNow(1000, true);
  return (
    <section className="tasks-list" aria-label="Tasks list">
      <CursorPager cursors={cursors} setCursors={setCursors} next={data?.nextCursor} labels={["← Older", "Newer →"]}>
        <span className="live muted">
          {receivedAt ? `live, updated ${formatTime(new Date(receivedAt).toISOString())}` : ""}
        </span>
      </CursorPager>
      {error && <ErrorNote error={error} />}
      {loading && <p className="muted">Loading tasks…</p>}
      {data && <TasksTable tasks={data.tasks} filters={filters} now={now} />}
    </section>
  );
}

/**
 * The tasks runs handed to task workers (`ctx.task`), oldest first: by
 * default the open ones (queued for a task worker, or leased by one),
 * filtered by task queue, status or run, paged and polled.
 */
export function TasksView({ query }: { query: URLSearchParams }) {
  const filters = readTaskFilters(query);
  const change = (next: TaskFilters) => navigate(tasksHref(taskFilterValues(next)), true);
  return (
    <>
      <h1>Tasks</h1>
      <TasksFiltersForm filters={filters} onChange={change} />
      {filters.runId && (
        <p className="run-filter">
          Tasks of run{" "}
          <a className="mono" href={runHref(filters.runId)}>
            {filters.runId}
          </a>{" "}
          <button type="button" className="link-button" onClick={() => change({ ...filters, runId: "" })}>
            show every task
          </button>
        </p>
      )}
      <TasksPages key={JSON.stringify(filters)} filters={filters} />
      <p className="muted note">
        A task is queued until a task worker polling its task queue leases it; the lease lapses at its expiry unless
        heartbeats extend it, and a failed or lapsed attempt is queued again while attempts are left. The last heartbeat
        is that of the last attempt, with the details it carried.
      </p>
    </>
  );
}
