import { useState } from "react";
import { type ActionState, useAction } from "../hooks/use-action.js";

/**
 * The outcome of an action, as text: what it did, or the API's error
 * message. With `quietSuccess` a success shows nothing (the caller reports
 * it where it outlives this control).
 */
export function ActionResult({ state, quietSuccess = false }: { state: ActionState; quietSuccess?: boolean }) {
  if (state.status === "idle" || (quietSuccess && state.status === "done")) return null;
  if (state.status === "running") return <span className="action-result muted">working…</span>;
  return (
    <span role="status" className={`action-result ${state.status === "done" ? "ok" : "refused"}`}>
      {state.status === "done" ? state.message : `Refused: ${state.message}`}
    </span>
  );
}

/** Props of `ActionButton`. */
export interface ActionButtonProps {
  label: string;
  /** Asked before acting; without one the button acts at once. */
  question?: string;
  /** Does the action; returns what to show on success. */
  perform: () => Promise<string>;
  /** Called after a success with what `perform` said, which it then shows (the button may be gone by then). */
  onDone?: (message: string) => void;
  tone?: "primary" | "danger" | "plain";
  disabled?: boolean;
}

/**
 * A button that calls the API, optionally after a confirmation, and shows
 * the outcome next to it.
 */
export function ActionButton({ label, question, perform, onDone, tone = "plain", disabled }: ActionButtonProps) {
  const [confirming, setConfirming] = useState(false);
  const [state, run, reset] = useAction();
  const act = async () => {
    setConfirming(false);
    let message = "";
    if (await run(async () => (message = await perform()))) onDone?.(message);
  };
  return (
    <span className="action">
      {confirming ? (
        <fieldset className="confirm" aria-label={`Confirm: ${label}`}>
          <span className="confirm-question">{question}</span>
          <button type="button" className={`button ${tone}`} onClick={act}>
            Confirm
          </button>
          <button type="button" className="button plain" onClick={() => setConfirming(false)}>
            Back
          </button>
        </fieldset>
      ) : (
        <button
          type="button"
          className={`button ${tone}`}
          disabled={disabled || state.status === "running"}
          onClick={() => {
            reset();
            if (question) setConfirming(true);
            else void act();
          }}
        >
          {label}
        </button>
      )}
      <ActionResult state={state} quietSuccess={onDone !== undefined} />
    </span>
  );
}
