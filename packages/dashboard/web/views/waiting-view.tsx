import { useState } from "react";
import { useApi } from "../api/api-context.js";
import type { Run, RunPage, StepInfo } from "../api/api-types.js";
import { ApprovalButtons } from "../components/approval-buttons.js";
import { CursorPager } from "../components/cursor-pager.js";
import { ErrorNote } from "../components/error-note.js";
import { SignalForm } from "../components/signal-form.js";
import { useApiData } from "../hooks/use-api-data.js";
import { useRunDetails } from "../hooks/use-run-details.js";
import { formatSpan, formatTime, previewJson, toMillis } from "../lib/format.js";
import { runHref } from "../lib/route.js";
import { findSignalWait, isApprovalSignal } from "../lib/signal-wait.js";

const pollMs = 3000;

interface Waiting {
  run: Run;
  wait: StepInfo;
  approval: boolean;
}

function WaitingCard({ item, onSent }: { item: Waiting; onSent: (message: string) => void }) {
  const { canAct } = useApi();
  const { run, wait, approval } = item;
  const done = (message: string) => onSent(`${run.id}: ${message}`);
  return (
    <li className={`waiting-card${approval ? " approval" : ""}`} aria-label={`Waiting run ${run.id}`}>
      <div className="waiting-head">
        <a className="mono" href={runHref(run.id)}>
          {run.id}
        </a>
        <span>{run.workflow}</span>
        <span>
          waits for signal <strong>{wait.name}</strong>
        </span>
        <span className="muted">
          since {formatTime(wait.startedAt)} ({formatSpan(wait.startedAt, undefined)})
          {wait.dueAt ? `, times out ${formatTime(wait.dueAt)}` : ""}
        </span>
      </div>
      <div className="muted input-preview">input: {previewJson(run.input, 160)}</div>
      {canAct &&
        (approval ? (
          <ApprovalButtons runId={run.id} signal={wait.name} confirm={false} onSent={done} />
        ) : (
          <SignalForm runId={run.id} defaultName={wait.name} confirm={false} onSent={done} />
        ))}
    </li>
  );
}

/**
 * Runs waiting for a person: waiting runs whose current step is a signal
 * wait, approvals first, then the longest waiting; each with one-click
 * Approve / Reject, or a signal form.
 */
export function WaitingView() {
  const [cursors, setCursors] = useState<string[]>([]);
  const [lastSent, setLastSent] = useState<string>();
  const cursor = cursors[cursors.length - 1];
  const path = `/api/runs?status=waiting&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
  const page = useApiData<RunPage>(path, { pollMs });
  const summaries = page.data?.runs ?? [];
  const details = useRunDetails(summaries);
  const items: Waiting[] = [];
  for (const summary of summaries) {
    const run = details.get(summary.id);
    const wait = run && findSignalWait(run);
    if (run && wait) items.push({ run, wait, approval: isApprovalSignal(wait.name) });
  }
  items.sort(
    (a, b) =>
      Number(b.approval) - Number(a.approval) || (toMillis(a.wait.startedAt) ?? 0) - (toMillis(b.wait.startedAt) ?? 0),
  );
  const others = summaries.filter((s) => details.has(s.id) && !items.some((i) => i.run.id === s.id)).length;
  const next = page.data?.nextCursor;
  const sent = (message: string) => {
    setLastSent(message);
    page.reload();
  };
  return (
    <>
      <h1>Waiting for people</h1>
      {lastSent && (
        <p role="status" className="action-result ok">
          {lastSent}
        </p>
      )}
      {page.error && <ErrorNote error={page.error} />}
      {page.loading && <p className="muted">Loading waiting runs…</p>}
      {page.data && items.length === 0 && summaries.length === details.size && (
        <p className="empty">No run waits for a signal{cursors.length > 0 ? " on this page" : ""}.</p>
      )}
      <ul className="waiting-list">
        {items.map((item) => (
          <WaitingCard key={item.run.id} item={item} onSent={sent} />
        ))}
      </ul>
      {others > 0 && (
        <p className="muted">
          {others} other waiting {others === 1 ? "run waits" : "runs wait"} for a timer, an event or a child run.
        </p>
      )}
      {(cursors.length > 0 || next) && <CursorPager cursors={cursors} setCursors={setCursors} next={next} />}
    </>
  );
}
