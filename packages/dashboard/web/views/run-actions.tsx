import { useState } from "react";
import { useApi } from "../api/api-context.js";
import { isFinished, type Run } from "../api/api-types.js";
import { ActionButton } from "../components/action-button.js";
import { ApprovalButtons } from "../components/approval-buttons.js";
import { SignalForm } from "../components/signal-form.js";
import { findSignalWait, isApprovalSignal } from "../lib/signal-wait.js";
import { ForkForm } from "./fork-form.js";

/**
 * What an operator can do to a run, each asked for confirmation and
 * answered with the outcome: approve or reject a pending approval, send a
 * signal, cancel, resume a failed run, fork from a step.
 */
export function RunActions({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const { api } = useApi();
  const [notice, setNotice] = useState<string>();
  const done = (message: string) => {
    setNotice(message);
    onChanged();
  };
  const wait = findSignalWait(run);
  const runPath = `/api/runs/${encodeURIComponent(run.id)}`;
  const finished = isFinished(run.status);
  return (
    <section className="actions" aria-label="Actions">
      <h2>Actions</h2>
      {notice && (
        <p role="status" className="action-result ok">
          {notice}
        </p>
      )}
      {wait && isApprovalSignal(wait.name) && (
        <div className="approval-banner">
          <span>
            Waiting for a person: signal <strong>{wait.name}</strong>
          </span>
          <ApprovalButtons runId={run.id} signal={wait.name} onSent={done} />
        </div>
      )}
      <div className="action-row">
        {run.status === "failed" && (
          <ActionButton
            label="Resume"
            tone="primary"
            question="Resume this run from the step that failed?"
            perform={async () => {
              await api.post(`${runPath}/resume`);
              return "Resumed: the failed step runs again.";
            }}
            onDone={done}
          />
        )}
        {!finished && (
          <ActionButton
            label="Cancel run"
            tone="danger"
            question="Cancel this run? Compensations of its completed steps will run."
            perform={async () => {
              await api.post(`${runPath}/cancel`);
              return "Cancel requested.";
            }}
            onDone={done}
          />
        )}
      </div>
      {!finished && <SignalForm key={wait?.name ?? ""} runId={run.id} defaultName={wait?.name} onSent={done} />}
      {run.steps.length > 0 && <ForkForm run={run} />}
    </section>
  );
}
