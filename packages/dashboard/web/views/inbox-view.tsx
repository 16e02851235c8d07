import { useState } from "react";
import type { HumanTaskPage } from "../api/api-types.js";
import { CursorPager } from "../components/cursor-pager.js";
import { ErrorNote } from "../components/error-note.js";
import { useApiData } from "../hooks/use-api-data.js";
import { useNow } from "../hooks/use-now.js";
import { navigate } from "../hooks/use-route.js";
import { formatTime } from "../lib/format.js";
import {
  type InboxFilters,
  inboxFilterValues,
  listHumanTasksPath,
  listsClosedTasks,
  readInboxFilters,
} from "../lib/inbox-query.js";
import { inboxHref, runHref } from "../lib/route.js";
import { InboxFiltersForm } from "./inbox-filters-form.js";
import { InboxTable } from "./inbox-table.js";

/** Polls the shown page this often (ms). */
const pollMs = 3000;

/** One filtered list of human tasks, oldest first, page by page (a stack of cursors), polled. */
function InboxPages({ filters }: { filters: InboxFilters }) {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const { data, error, loading, receivedAt } = useApiData<HumanTaskPage>(listHumanTasksPath(filters, cursor), {
    pollMs,
  });
  const now = useNow(1000, true);
  return (
    <section className="inbox-list" aria-label="Human tasks">
      <CursorPager cursors={cursors} setCursors={setCursors} next={data?.nextCursor} labels={["← Older", "Newer →"]}>
        <span className="live muted">
          {receivedAt ? `live, updated ${formatTime(new Date(receivedAt).toISOString())}` : ""}
        </span>
      </CursorPager>
      {error && <ErrorNote error={error} />}
      {loading && <p className="muted">Loading human tasks…</p>}
      {data && <InboxTable tasks={data.humanTasks} filters={filters} closed={listsClosedTasks(filters)} now={now} />}
    </section>
  );
}

/**
 * The inbox: the human tasks of every run (`ctx.humanTask`), oldest first;
 * by default the open ones, filtered by assignee ("Mine": the caller's
 * identity), role, status or run, paged and polled. A human task's title
 * opens it, with its form.
 */
export function InboxView({ query }: { query: URLSearchParams }) {
  const filters = readInboxFilters(query);
  const change = (next: InboxFilters) => navigate(inboxHref(inboxFilterValues(next)), true);
  return (
    <>
      <h1>Inbox</h1>
      <InboxFiltersForm filters={filters} onChange={change} />
      {filters.runId && (
        <p className="run-filter">
          Human tasks of run{" "}
          <a className="mono" href={runHref(filters.runId)}>
            {filters.runId}
          </a>{" "}
          <button type="button" className="link-button" onClick={() => change({ ...filters, runId: "" })}>
            show every human task
          </button>
        </p>
      )}
      <InboxPages key={JSON.stringify(filters)} filters={filters} />
      <p className="muted note">
        A human task waits in the inbox of its assignee or role until a person completes it (with its form's data) or
        rejects it, or its timeout returns, fails or reassigns it. It is overdue once its reminder time or its due time
        passed. An answer records who gave it: the name of their token.
      </p>
    </>
  );
}
