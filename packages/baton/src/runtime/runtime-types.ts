/**
 * What the runtime and its host (the worker) exchange: the durable calls
 * the workflow code makes, how the workflow function ended, and what the
 * runtime asks of its host.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { NondeterminismError } from "../errors.js";
import type { ResolvedHumanTask } from "../human-task-options.js";
import type { ResolvedTaskOptions } from "../task-options.js";
import type { CallKind, EventMatch } from "../types.js";
import type { StepContext, StepOptions, Workflow } from "../workflow.js";
import type { RecordedCall } from "./history-state.js";

/** A durable call the workflow code made. */
export interface IssuedCall {
  position: number;
  kind: CallKind;
  name: string;
  /** What the history holds for this position (an unfinished call after a crash). */
  recorded?: RecordedCall;
  /** Step function and options (`step`). */
  fn?: (step: StepContext) => unknown;
  options?: StepOptions<unknown>;
  /** Timer due time, or signal or event wait timeout. */
  dueAt?: number;
  /**
   * A due time relative to when the call is first made: `dueAt` is then the
   * host's time plus this (and what the history recorded on replay).
   */
  delayMs?: number;
  /** What the awaited event's payload must hold (`event`). */
  match?: EventMatch;
  /** Schema the awaited signal's payload must pass (`signal`). */
  schema?: StandardSchemaV1;
  /** Child workflow, input and id (`child`). */
  child?: { workflow: Workflow; input: unknown; id: string };
  /** Input and resolved options (`task`). */
  task?: { input: unknown; options: ResolvedTaskOptions };
  /** Resolved options (`human_task`). */
  human?: ResolvedHumanTask;
}

/** How the workflow function ended. */
export type RuntimeOutcome =
  | { kind: "completed"; output: unknown }
  | { kind: "failed"; error: unknown; position?: number }
  | { kind: "cancelled" }
  | { kind: "nondeterminism"; error: NondeterminismError };

/** What the runtime asks of its host (the worker). */
export interface RuntimeHost {
  /** A call needs real work: run a step, arm a timer, wait for a signal or an event, start a child. */
  startCall(call: IssuedCall): void;
  /** The code applied patch `id` for the first time in this run (`ctx.patched`): record it. */
  patchApplied(id: string): void;
  /** `ctx.onSignal(name)` was registered. */
  handlerRegistered(name: string): void;
  /** The workflow function settled (or was stopped). Called once. */
  workflowSettled(outcome: RuntimeOutcome): void;
  /** Every queued resolution has been delivered. */
  quiet(): void;
  /** The time now (epoch ms), for waits the code asks for relative to now. */
  now(): number;
  /** The key of the run's step whose body is executing in the current async context, if any. */
  stepKey(): string | undefined;
  /** SHA-256 of `text` (replay-safe random values are drawn from digests of the run id). */
  digest(text: string): Uint8Array;
}
