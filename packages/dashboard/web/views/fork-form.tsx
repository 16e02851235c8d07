import { type FormEvent, useId, useState } from "react";
import { useApi } from "../api/api-context.js";
import type { ForkRequest, ForkResult, Run, RunSummary } from "../api/api-types.js";
import { ActionResult } from "../components/action-button.js";
import { useAction } from "../hooks/use-action.js";
import { kindLabel } from "../lib/format.js";
import { runHref } from "../lib/route.js";

/** Fork: a new run that reuses this run's results before the chosen step (optionally with an id). */
export function ForkForm({ run }: { run: Run }) {
  const { api } = useApi();
  const ids = useId();
  const [fromStep, setFromStep] = useState(String(run.steps[run.steps.length - 1]?.position ?? 0));
  const [newId, setNewId] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [forked, setForked] = useState<RunSummary>();
  const [state, act] = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setConfirming(true);
  };
  const fork = () => {
    setConfirming(false);
    setForked(undefined);
    void act(async () => {
      const body: ForkRequest = { fromStep: Number(fromStep), ...(newId.trim() ? { id: newId.trim() } : {}) };
      const answer = await api.post<ForkResult>(`/api/runs/${encodeURIComponent(run.id)}/fork`, body);
      setForked(answer.run);
      return "Forked:";
    });
  };
  return (
    <form className="fork-form" onSubmit={submit} aria-label="Fork">
      <label htmlFor={`${ids}-step`}>Fork from step</label>
      <select id={`${ids}-step`} value={fromStep} onChange={(e) => setFromStep(e.target.value)}>
        {run.steps.map((step) => (
          <option key={step.position} value={step.position}>
            #{step.position} {step.kind === "step" ? "" : `${kindLabel(step.kind)} `}
            {step.name}
          </option>
        ))}
      </select>
      <label htmlFor={`${ids}-id`}>New run id</label>
      <input
        id={`${ids}-id`}
        value={newId}
        onChange={(e) => setNewId(e.target.value)}
        placeholder="generated"
        spellCheck={false}
      />
      {confirming ? (
        <fieldset className="confirm" aria-label="Confirm: Fork">
          <span className="confirm-question">Start a new run reusing the results before step #{fromStep}?</span>
          <button type="button" className="button primary" onClick={fork}>
            Confirm
          </button>
          <button type="button" className="button plain" onClick={() => setConfirming(false)}>
            Back
          </button>
        </fieldset>
      ) : (
        <button type="submit" className="button plain" disabled={state.status === "running"}>
          Fork
        </button>
      )}
      <ActionResult state={state} />
      {forked && state.status === "done" && (
        <a className="mono" href={runHref(forked.id)}>
          {forked.id}
        </a>
      )}
    </form>
  );
}
