import type { ErrorInfo } from "./types.js";

/**
 * Base class of every error Baton raises. `code` is a stable string that
 * programs may test; the message says what failed and with which value.
 */
export class BatonError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BatonError";
    this.code = code;
  }
}

/**
 * Thrown from a step (or a workflow) to fail without further retries.
 *
 * @example
 * if (!card.valid) throw new FatalError("card declined");
 */
export class FatalError extends Error {
  readonly code = "FATAL";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FatalError";
  }
}

/**
 * Thrown from a step to ask for a retry, optionally after `retryAfter`
 * (milliseconds or a duration string) instead of the policy's backoff.
 * The step's `maxAttempts` still applies.
 *
 * @example
 * if (res.status === 429) throw new RetryableError("rate limited", { retryAfter: "30s" });
 */
export class RetryableError extends Error {
  readonly code = "RETRYABLE";
  readonly retryAfter?: number | string;
  constructor(message: string, options?: { retryAfter?: number | string; cause?: unknown }) {
    super(message, options);
    this.name = "RetryableError";
    this.retryAfter = options?.retryAfter;
  }
}

/** A step attempt or a run exceeded its timeout. Code `STEP_TIMEOUT` or `RUN_TIMEOUT`. */
export class TimeoutError extends BatonError {
  constructor(code: "STEP_TIMEOUT" | "RUN_TIMEOUT", message: string) {
    super(code, message);
    this.name = "TimeoutError";
  }
}

/**
 * Re-execution of a run called something other than what its history
 * recorded at the same position. Code `NONDETERMINISM`.
 */
export class NondeterminismError extends BatonError {
  constructor(message: string) {
    super("NONDETERMINISM", message);
    this.name = "NondeterminismError";
  }
}

/**
 * A step failed for good (no attempts left, or a `FatalError`); this is what
 * `await ctx.step(...)` throws in the workflow. `cause` is the step's own error.
 */
export class StepFailedError extends BatonError {
  readonly step: string;
  readonly position: number;
  constructor(step: string, position: number, message: string, options?: { cause?: unknown }) {
    super("STEP_FAILED", message, options);
    this.name = "StepFailedError";
    this.step = step;
    this.position = position;
  }
}

/** A task failed for good (its last attempt failed, lapsed or was not retryable); thrown by `await ctx.task(...)`. */
export class TaskFailedError extends BatonError {
  readonly task: string;
  readonly position: number;
  constructor(task: string, position: number, message: string, options?: { cause?: unknown }) {
    super("TASK_FAILED", message, options);
    this.name = "TaskFailedError";
    this.task = task;
    this.position = position;
  }
}

/** A child run finished without completing; thrown by `await ctx.child(...)`. */
export class ChildFailedError extends BatonError {
  readonly childId: string;
  constructor(childId: string, message: string, options?: { cause?: unknown }) {
    super("CHILD_FAILED", message, options);
    this.name = "ChildFailedError";
    this.childId = childId;
  }
}

/**
 * A child call asked for an id that another run holds: a run of another
 * workflow, with another input, or the child of another parent. Code
 * `RUN_CONFLICT`; `runId` is the id asked for. The parent's `await ctx.child(...)`
 * throws it (the parent's history records it as `child.failed`); the other run
 * is left as it is.
 */
export class RunConflictError extends BatonError {
  readonly runId: string;
  constructor(runId: string, message: string) {
    super("RUN_CONFLICT", message);
    this.name = "RunConflictError";
    this.runId = runId;
  }
}

/**
 * A run finished without completing; thrown by `handle.result()`. `status` tells
 * how it finished, `error` is the recorded error when there is one.
 */
export class RunFailedError extends BatonError {
  readonly runId: string;
  readonly status: string;
  readonly error?: ErrorInfo;
  constructor(runId: string, status: string, error?: ErrorInfo) {
    super("RUN_FAILED", `run "${runId}" finished ${status}${error ? `: ${error.message}` : ""}`);
    this.name = "RunFailedError";
    this.runId = runId;
    this.status = status;
    this.error = error;
  }
}

/** Input (of a run, child or signal) did not pass the workflow's schema. Code `INVALID_INPUT`. */
export class ValidationError extends BatonError {
  readonly issues: { path: string; message: string }[];
  constructor(what: string, issues: { path: string; message: string }[]) {
    const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    super("INVALID_INPUT", `invalid ${what}: ${list}`);
    this.name = "ValidationError";
    this.issues = issues;
  }
}

/**
 * A worker lost its lease on a run (another worker took it over); its write
 * was rejected. Internal: the worker drops the run and never reports this to users.
 */
export class LeaseLostError extends BatonError {
  constructor(runId: string) {
    super("LEASE_LOST", `lease on run "${runId}" was lost; the write was rejected`);
    this.name = "LeaseLostError";
  }
}

/**
 * A run's stored rows could not be read (a value that is not JSON, as a hand
 * edit or a bad restore may leave). Code `UNREADABLE_RUN`; `cause` is the
 * parse error.
 */
export class UnreadableRunError extends BatonError {
  readonly runId: string;
  constructor(runId: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super("UNREADABLE_RUN", `run "${runId}" cannot be read from the store: ${reason}`, { cause });
    this.name = "UnreadableRunError";
    this.runId = runId;
  }
}

/** `RUN_NOT_FOUND`: no run has this id. */
export function runNotFound(runId: string): BatonError {
  return new BatonError("RUN_NOT_FOUND", `run "${runId}" not found`);
}

/** `RUN_FINISHED`: the run has finished; `what` could not be done. */
export function runFinished(runId: string, status: string, what: string): BatonError {
  return new BatonError("RUN_FINISHED", `cannot ${what} run "${runId}": it has already finished (${status})`);
}
