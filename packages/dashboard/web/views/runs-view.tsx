import { useState } from "react";
import type { RunPage } from "../api/api-types.js";
import { CursorPager } from "../components/cursor-pager.js";
import { ErrorNote } from "../components/error-note.js";
import { useApiData } from "../hooks/use-api-data.js";
import { navigate } from "../hooks/use-route.js";
import { formatTime } from "../lib/format.js";
import { runsHref } from "../lib/route.js";
import { filterValues, listRunsPath, type RunFilters, readFilters } from "../lib/runs-query.js";
import { RunsFiltersForm } from "./runs-filters-form.js";
import { RunsTable } from "./runs-table.js";

/** Polls the shown page this often (ms). */
const pollMs = 2000;

/** One filtered list of runs, page by page (a stack of cursors), polled for live status. */
function RunsPages({ filters }: { filters: RunFilters }) {
  const [anchor] = useState(() => Date.now());
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const { data, error, loading, receivedAt } = useApiData<RunPage>(listRunsPath(filters, cursor, anchor), { pollMs });
  const next = data?.nextCursor;
  return (
    <section aria-label="Runs list">
      <CursorPager cursors={cursors} setCursors={setCursors} next={next}>
        <span className="live muted">
          {receivedAt ? `live, updated ${formatTime(new Date(receivedAt).toISOString())}` : ""}
        </span>
      </CursorPager>
      {error && <ErrorNote error={error} />}
      {loading && <p className="muted">Loading runs…</p>}
      {data && <RunsTable key={cursor ?? ""} runs={data.runs} />}
    </section>
  );
}

/** The runs view: filters (workflow, status, time range, id text, schedule) and a paged, live table. */
export function RunsView({ query }: { query: URLSearchParams }) {
  const filters = readFilters(query);
  const change = (next: RunFilters) => navigate(runsHref(filterValues(next)), true);
  return (
    <>
      <h1>Runs</h1>
      <RunsFiltersForm filters={filters} onChange={change} />
      {filters.scheduleId && (
        <p className="schedule-filter">
          Runs of schedule <strong className="mono">{filters.scheduleId}</strong>{" "}
          <button type="button" className="link-button" onClick={() => change({ ...filters, scheduleId: "" })}>
            show every run
          </button>
        </p>
      )}
      <RunsPages key={JSON.stringify(filters)} filters={filters} />
    </>
  );
}
