import { useState } from "react";
import { useApi } from "../api/api-context.js";
import type { SignalWait, SignalWaitPage } from "../api/api-types.js";
import { ApprovalButtons } from "../components/approval-buttons.js";
import { CursorPager } from "../components/cursor-pager.js";
import { ErrorNote } from "../components/error-note.js";
import { SignalForm } from "../components/signal-form.js";
import { StatusBadge } from "../components/status-badge.js";
import { useApiData } from "../hooks/use-api-data.js";
import { formatSpan, formatTime } from "../lib/format.js";
import { runHref } from "../lib/route.js";

const pollMs = 3000;

function WaitingCard({ wait, onSent }: { wait: SignalWait; onSent: (message: string) => void }) {
  const { canAct } = useApi();
  const done = (message: string) => onSent(`${wait.runId}: ${message}`);
  return (
    <li className={`waiting-card${wait.approval ? " approval" : ""}`} aria-label={`Waiting run ${wait.runId}`}>
      <div className="waiting-head">
        <a className="mono" href={runHref(wait.runId)}>
          {wait.runId}
        </a>
        <span>{wait.workflow}</span>
        <StatusBadge status={wait.runStatus} />
        <span>
          waits for signal <strong>{wait.name}</strong>
          {wait.approval && <span className="muted"> (approval)</span>}
        </span>
        <span className="muted">
          since {formatTime(wait.since)} ({formatSpan(wait.since, undefined)})
          {wait.dueAt ? `, times out ${formatTime(wait.dueAt)}` : ""}
        </span>
      </div>
      {canAct &&
        (wait.approval ? (
          <ApprovalButtons runId={wait.runId} signal={wait.name} confirm={false} onSent={done} />
        ) : (
          <SignalForm runId={wait.runId} defaultName={wait.name} confirm={false} onSent={done} />
        ))}
    </li>
  );
}

/**
 * Runs waiting for a person: every open signal wait of the runs that have
 * not finished (a `running` run too, when one of its branches waits while
 * another runs), the longest waiting first, as the server sorts them across
 * the whole store, one request a page; each with one-click Approve / Reject
 * for an approval, or a signal form.
 */
export function WaitingView() {
  const [cursors, setCursors] = useState<string[]>([]);
  const [lastSent, setLastSent] = useState<string>();
  const cursor = cursors[cursors.length - 1];
  const path = `/api/signal-waits?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
  const page = useApiData<SignalWaitPage>(path, { pollMs });
  const waits = page.data?.waits ?? [];
  const next = page.data?.nextCursor;
  const sent = (message: string) => {
    setLastSent(message);
    page.reload();
  };
  return (
    <>
      <h1>Waiting for people</h1>
      <p className="muted">
        Runs waiting for a signal. Human tasks, with their forms, are in the <a href="#/inbox">inbox</a>.
      </p>
      {lastSent && (
        <p role="status" className="action-result ok">
          {lastSent}
        </p>
      )}
      {page.error && <ErrorNote error={page.error} />}
      {page.loading && <p className="muted">Loading waiting runs…</p>}
      {page.data && waits.length === 0 && (
        <p className="empty">No run waits for a signal{cursors.length > 0 ? " on this page" : ""}.</p>
      )}
      <ul className="waiting-list">
        {waits.map((wait) => (
          <WaitingCard key={`${wait.runId}:${wait.position}`} wait={wait} onSent={sent} />
        ))}
      </ul>
      {(cursors.length > 0 || next) && (
        <CursorPager cursors={cursors} setCursors={setCursors} next={next} labels={["← Longer waiting", "More →"]} />
      )}
    </>
  );
}
