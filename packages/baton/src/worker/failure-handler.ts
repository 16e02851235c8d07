/**
 * Failure handlers (`defineWorkflow(name, fn, { onFailure })`, engine-wide
 * `createEngine({ onFailure })`): when a run ends `failed` or `compensated`,
 * the write that records its end also creates the handler's run, once: its
 * id is `<run id>:on-failure` (a run that fails again after a resume finds
 * it taken and starts none), and it is a child of the failed run. A
 * handler's own failure starts no handler.
 */
import { createHash } from "node:crypto";
import { toMilliseconds } from "../duration.js";
import type { FailureInput } from "../failure-input.js";
import { roundTrip } from "../json.js";
import type { NewRun } from "../store/store.js";
import type { ErrorInfo, RunStatus } from "../types.js";
import type { Workflow } from "../workflow.js";

/** The id of the handler run of run `runId`: `<run id>:on-failure`, or a digest of it past 200 characters. */
export function failureHandlerId(runId: string): string {
  const id = `${runId}:on-failure`;
  return id.length <= 200 ? id : `${createHash("sha256").update(runId).digest("hex")}:on-failure`;
}

/** What the finishing run tells about itself. */
export interface FinishingRun {
  id: string;
  parentId?: string;
  workflow: Workflow;
  input: unknown;
  status: RunStatus;
  error?: ErrorInfo;
  failedStep?: { position: number; name: string };
}

/**
 * The handler run a finishing run creates, or undefined: it did not fail,
 * it has no handler (its own, else the engine's), or it is a handler run.
 */
export function failureHandlerRun(
  run: FinishingRun,
  engineHandler: Workflow | undefined,
  registered: Map<string, Workflow>,
  now: number,
): NewRun | undefined {
  if (run.status !== "failed" && run.status !== "compensated") return undefined;
  if (run.parentId !== undefined && run.id === failureHandlerId(run.parentId)) return undefined;
  const chosen = run.workflow.options.onFailure ?? engineHandler;
  if (!chosen) return undefined;
  const handler = registered.get(chosen.name) ?? chosen;
  const input: FailureInput = roundTrip(
    {
      runId: run.id,
      workflow: run.workflow.name,
      version: run.workflow.version,
      input: run.input,
      status: run.status,
      ...(run.error ? { error: run.error } : {}),
      ...(run.failedStep ? { failedStep: run.failedStep } : {}),
    },
    `failure handler input of run "${run.id}"`,
  );
  const timeout = handler.options.timeout;
  return {
    id: failureHandlerId(run.id),
    workflow: handler.name,
    version: handler.version,
    input,
    parentId: run.id,
    ...(timeout === undefined ? {} : { timeoutMs: toMilliseconds(timeout) }),
    ...(handler.options.queue === undefined || handler.options.queue === "default"
      ? {}
      : { queue: handler.options.queue }),
    history: [{ type: "run.started", at: now, input }],
  };
}
