/**
 * Re-executes a workflow function against a recorded history without doing
 * anything: no step function runs, no wait is armed, nothing is written.
 * Tells whether the code issues the calls the history recorded, in order:
 * the check to run before a deploy changes code under open runs.
 */
import { createHash } from "node:crypto";
import type { HistoryRecord } from "./history-record.js";
import { foldHistory, type HistoryState } from "./runtime/history-state.js";
import { type RuntimeOutcome, WorkflowRuntime } from "./runtime/workflow-runtime.js";
import type { HistoryEvent } from "./types.js";
import type { Workflow } from "./workflow.js";

/** Where a replay left the history. */
export interface ReplayDivergence {
  /** The position the code and the history part at, when one is known. */
  position?: number;
  /** What the history has and what the code does. */
  message: string;
}

/** How a history replayed. */
export interface ReplayResult {
  /** True when the code issued every recorded call, in order, and ended as the history did. */
  ok: boolean;
  divergence?: ReplayDivergence;
}

type AnyEvent = HistoryEvent | HistoryRecord | (Omit<HistoryEvent, "at" | "dueAt"> & { at: string; dueAt?: string });

const ms = (value: unknown): number | undefined =>
  value === undefined
    ? undefined
    : value instanceof Date
      ? value.getTime()
      : typeof value === "number"
        ? value
        : Date.parse(String(value));

/** A public history event (or its JSON) as the runtime reads it. */
function toRecord(event: AnyEvent): HistoryRecord {
  if (typeof event.at === "number") return event as HistoryRecord; // as the store keeps it
  const { at, dueAt, attempts, ...rest } = event as HistoryEvent;
  const record = { ...rest, at: ms(at) as number } as HistoryRecord;
  if (dueAt !== undefined) record.dueAt = ms(dueAt);
  if (attempts) {
    record.attempts = attempts.map((a) => ({
      ...a,
      startedAt: ms(a.startedAt) as number,
      finishedAt: ms(a.finishedAt) as number,
    }));
  }
  return record;
}

/**
 * A runtime whose host does nothing (no call is executed, no wait armed,
 * nothing written): recorded outcomes are delivered, the rest never comes.
 * `settled` resolves with how the function ended, or undefined once it
 * waits for what the history does not hold. Call `runtime.start()`.
 */
export function createInertRuntime(
  workflow: Workflow,
  run: { id: string; input: unknown },
  state: HistoryState,
): { runtime: WorkflowRuntime; settled: Promise<RuntimeOutcome | undefined> } {
  let settle: (outcome: RuntimeOutcome | undefined) => void = () => {};
  const settled = new Promise<RuntimeOutcome | undefined>((resolve) => {
    settle = resolve;
  });
  const runtime = new WorkflowRuntime(workflow, run, state, {
    startCall: () => {},
    patchApplied: () => {},
    handlerRegistered: () => {},
    workflowSettled: (outcome) => settle(outcome),
    quiet: () => settle(undefined),
    now: () => Date.now(),
    stepKey: () => undefined,
    digest: (text) => createHash("sha256").update(text).digest(),
  });
  return { runtime, settled };
}

/**
 * Replays `history` (as `engine.getHistory` or `GET /api/runs/{id}/history`
 * gives it) against `workflow`'s code. Give the run's id when the code reads
 * `ctx.runId`, `ctx.random()` or `ctx.uuid()` (they derive from it).
 *
 * @example
 * const result = await replayHistory(order, await engine.getHistory("order-7"), { runId: "order-7" });
 * assert.ok(result.ok, result.divergence?.message);
 */
export async function replayHistory(
  workflow: Workflow,
  history: readonly AnyEvent[],
  options: { runId?: string } = {},
): Promise<ReplayResult> {
  const records = history.map(toRecord);
  const state = foldHistory(records);
  const started = records.find((event) => event.type === "run.started");
  const ended = [...records].reverse().find((event) => event.type === "run.completed");
  const lastPosition = state.lastPosition;
  const inert = createInertRuntime(workflow, { id: options.runId ?? "replay", input: started?.input }, state);
  inert.runtime.start();
  const outcome = await inert.settled;
  const issued = inert.runtime.calls.length;
  if (outcome?.kind === "nondeterminism") {
    const position = /position (\d+)/.exec(outcome.error.message)?.[1];
    return {
      ok: false,
      divergence: { ...(position ? { position: Number(position) } : {}), message: outcome.error.message },
    };
  }
  if (outcome?.kind === "failed" && issued <= lastPosition) {
    const next = state.calls.get(issued);
    const message = (outcome.error as Error)?.message ?? String(outcome.error);
    return {
      ok: false,
      divergence: {
        position: issued,
        message: `the workflow failed (${message}) where its history goes on with ${next ? `${next.kind} "${next.name}"` : "a call"} at position ${issued}`,
      },
    };
  }
  if (ended && outcome?.kind !== "completed") {
    return {
      ok: false,
      divergence: {
        position: issued,
        message: `the history says the run completed, but the code ${outcome ? `ended ${outcome.kind}` : `waits at position ${issued - 1}`}`,
      },
    };
  }
  return { ok: true };
}
