import type { CallInfo, Run } from "../api/api-types.js";

/** The signal wait a run is blocked on now, if any (the last step of kind `signal` still waiting). */
export function findSignalWait(run: Pick<Run, "steps" | "status">): CallInfo | undefined {
  if (run.status !== "waiting") return undefined;
  for (let i = run.steps.length - 1; i >= 0; i--) {
    const step = run.steps[i];
    if (step?.kind === "signal" && step.status === "waiting") return step;
  }
  return undefined;
}

/** True for a signal that asks a person to approve (`approve`, `approval`, `manager-approval`...). */
export function isApprovalSignal(name: string): boolean {
  return /approv/i.test(name);
}
