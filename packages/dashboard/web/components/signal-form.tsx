import { type FormEvent, useId, useState } from "react";
import { useApi } from "../api/api-context.js";
import { useAction } from "../hooks/use-action.js";
import { ActionResult } from "./action-button.js";

/** Props of `SignalForm`. */
export interface SignalFormProps {
  runId: string;
  /** Name filled in (the signal the run waits for). */
  defaultName?: string;
  /** Ask before sending. Default true. */
  confirm?: boolean;
  /** Called after the signal is stored, with what was done, which it then shows. */
  onSent?: (message: string) => void;
}

/** Reads the payload field: empty is no payload, anything else must be JSON. */
function parsePayload(text: string): { ok: true; payload: unknown } | { ok: false; message: string } {
  if (text.trim() === "") return { ok: true, payload: undefined };
  try {
    return { ok: true, payload: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      message: `the payload is not JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

/** A form that sends a signal to a run: a name and a JSON payload. */
export function SignalForm({ runId, defaultName = "", confirm = true, onSent }: SignalFormProps) {
  const { api } = useApi();
  const ids = useId();
  const [name, setName] = useState(defaultName);
  const [payloadText, setPayloadText] = useState("");
  const [problem, setProblem] = useState<string>();
  const [confirming, setConfirming] = useState<{ payload: unknown }>();
  const [state, run] = useAction();

  const send = async (payload: unknown) => {
    setConfirming(undefined);
    const message = `Signal "${name}" sent.`;
    const sent = await run(async () => {
      await api.post(`/api/runs/${encodeURIComponent(runId)}/signals`, { name, payload });
      return message;
    });
    if (sent) onSent?.(message);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === "") return setProblem("a signal needs a name");
    const parsed = parsePayload(payloadText);
    if (!parsed.ok) return setProblem(parsed.message);
    setProblem(undefined);
    if (confirm) setConfirming({ payload: parsed.payload });
    else void send(parsed.payload);
  };

  return (
    <form className="signal-form" onSubmit={submit} aria-label="Send a signal">
      <label htmlFor={`${ids}-name`}>Signal</label>
      <input id={`${ids}-name`} value={name} onChange={(e) => setName(e.target.value)} placeholder="name" required />
      <label htmlFor={`${ids}-payload`}>Payload (JSON)</label>
      <textarea
        id={`${ids}-payload`}
        value={payloadText}
        onChange={(e) => setPayloadText(e.target.value)}
        placeholder='true, or {"approved": true}'
        rows={2}
        spellCheck={false}
      />
      {confirming ? (
        <fieldset className="confirm" aria-label="Confirm: Send signal">
          <span className="confirm-question">Send signal "{name}" to this run?</span>
          <button type="button" className="button primary" onClick={() => void send(confirming.payload)}>
            Confirm
          </button>
          <button type="button" className="button plain" onClick={() => setConfirming(undefined)}>
            Back
          </button>
        </fieldset>
      ) : (
        <button type="submit" className="button primary" disabled={state.status === "running"}>
          Send signal
        </button>
      )}
      {problem && (
        <span role="alert" className="action-result refused">
          {problem}
        </span>
      )}
      <ActionResult state={state} quietSuccess={onSent !== undefined} />
    </form>
  );
}
