import { useApi } from "../api/api-context.js";
import { ActionButton } from "./action-button.js";

/** Props of `ApprovalButtons`. */
export interface ApprovalButtonsProps {
  runId: string;
  /** The signal the run waits for (`approve`, `approval`...). */
  signal: string;
  /** Ask before sending. Default true. */
  confirm?: boolean;
  /** Called after the signal is stored, with what was done, which it then shows. */
  onSent?: (message: string) => void;
}

/** Approve and Reject: send the run's approval signal with `true` or `false`. */
export function ApprovalButtons({ runId, signal, confirm = true, onSent }: ApprovalButtonsProps) {
  const { api } = useApi();
  const send = (payload: boolean) => async () => {
    await api.post(`/api/runs/${encodeURIComponent(runId)}/signals`, { name: signal, payload });
    return payload ? `Approved (signal "${signal}" = true).` : `Rejected (signal "${signal}" = false).`;
  };
  return (
    <span className="approval">
      <ActionButton
        label="Approve"
        tone="primary"
        question={confirm ? `Approve: send "${signal}" = true?` : undefined}
        perform={send(true)}
        onDone={onSent}
      />
      <ActionButton
        label="Reject"
        tone="danger"
        question={confirm ? `Reject: send "${signal}" = false?` : undefined}
        perform={send(false)}
        onDone={onSent}
      />
    </span>
  );
}
