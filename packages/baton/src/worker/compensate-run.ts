import type { HistoryState } from "../runtime/history-state.js";
import type { IssuedCall } from "../runtime/workflow-runtime.js";
import type { ErrorInfo } from "../types.js";
import type { RunExecutor } from "./run-executor.js";

/** Why the run is being undone. */
export interface Failure {
  cancelled: boolean;
  /** The run's error, when it failed. */
  error?: ErrorInfo;
  /** Positions whose final failure a resume would retry. */
  positions: number[];
}

/**
 * Runs the compensations of a failed or cancelled run in reverse order of
 * step completion, each durable and retried, skipping those already done,
 * then records how the run finished:
 * - nothing to undo: `failed` (or `cancelled`);
 * - every compensation ran: `compensated` (or `cancelled`);
 * - a compensation failed for good: `failed`, with that error (a resume
 *   retries the compensations that did not complete).
 */
export async function compensateRun(
  executor: RunExecutor,
  calls: IssuedCall[],
  state: HistoryState,
  failure: Failure,
): Promise<void> {
  const seqOf = (call: IssuedCall) => executor.outcomes.get(call.position)?.seq ?? 0;
  const toUndo = calls
    .filter(
      (call) => call.kind === "step" && call.options?.compensate && executor.outcomes.get(call.position)?.outcome.ok,
    )
    .sort((a, b) => seqOf(b) - seqOf(a));

  if (toUndo.length === 0) {
    if (failure.cancelled) return executor.finish("cancelled", { type: "run.cancelled" });
    return executor.finish(
      "failed",
      { type: "run.failed", error: failure.error, positions: failure.positions },
      { error: failure.error },
    );
  }

  executor.beginCompensation();
  let compensationError: ErrorInfo | undefined;
  for (const call of toUndo) {
    const recorded = state.calls.get(call.position)?.compensation;
    if (recorded?.done) continue;
    const outcome = executor.outcomes.get(call.position)?.outcome;
    const value = outcome?.ok ? outcome.value : undefined;
    const compensate = call.options?.compensate as (result: unknown) => unknown;
    const result = await executor.attempts(call, "compensation", async () => {
      await compensate(value);
    });
    if (!result) return; // the worker stopped; the next one continues from here
    const event = { position: call.position, name: call.name, attempt: result.attempt };
    if (result.ok) {
      await executor.recordCompensation({ type: "compensation.completed", ...event });
    } else {
      await executor.recordCompensation({ type: "compensation.failed", ...event, error: result.error, final: true });
      compensationError ??= {
        name: "CompensationError",
        code: "COMPENSATION_FAILED",
        message: `compensation of step "${call.name}" failed: ${result.error.message}`,
        cause: result.error,
      };
    }
  }

  if (compensationError) {
    const error = compensationError;
    return executor.finish("failed", { type: "run.failed", error, positions: [] }, { error });
  }
  if (failure.cancelled) return executor.finish("cancelled", { type: "run.cancelled" });
  return executor.finish("compensated", { type: "run.compensated", error: failure.error }, { error: failure.error });
}
