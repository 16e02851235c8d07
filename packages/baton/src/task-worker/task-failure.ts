import { toMilliseconds } from "../duration.js";
import { FatalError, RetryableError } from "../errors.js";
import type { TaskFailure } from "../task-types.js";

/** Longest stack sent with a failure, in characters (the rest is cut). */
const maxStackLength = 8_000;

/**
 * The failure report of an attempt whose handler threw `error`. Not
 * retried: a `FatalError` or an error named `"FatalError"` (from another
 * copy of the library), or any error once the run asked to cancel (`signal`
 * aborted with `TASK_CANCEL_REQUESTED`). A `RetryableError` (or an error
 * named so) with `retryAfter` sets `retryAfterMs`; an attempt given up
 * because the task worker stopped is retried at once.
 *
 * @example
 * describeTaskFailure(new FatalError("card declined"), signal);
 * // { error: { name: "FatalError", message: "card declined", code: "FATAL", stack }, retryable: false }
 */
export function describeTaskFailure(error: unknown, signal: AbortSignal): TaskFailure {
  const failure: TaskFailure = { error: errorOf(error) };
  const reasonCode = signal.aborted ? (signal.reason as { code?: unknown } | undefined)?.code : undefined;
  if (error instanceof FatalError || failure.error.name === "FatalError" || reasonCode === "TASK_CANCEL_REQUESTED") {
    failure.retryable = false;
    return failure;
  }
  const retryAfter = (error as { retryAfter?: unknown } | undefined)?.retryAfter;
  const retryable = error instanceof RetryableError || failure.error.name === "RetryableError";
  if (retryable && (typeof retryAfter === "number" || typeof retryAfter === "string")) {
    try {
      failure.retryAfterMs = Math.round(toMilliseconds(retryAfter));
    } catch {
      // An unreadable retryAfter leaves the policy's backoff.
    }
  }
  if (reasonCode === "TASK_WORKER_STOPPED") failure.retryAfterMs = 0;
  return failure;
}

/** The `error` of a failure report: name, message, code and stack of what was thrown. */
function errorOf(thrown: unknown): TaskFailure["error"] {
  if (!(thrown instanceof Error)) {
    return { name: "Error", message: `the handler threw a value that is not an Error: ${describeValue(thrown)}` };
  }
  const error: TaskFailure["error"] = { name: thrown.name || "Error", message: thrown.message };
  const code = (thrown as { code?: unknown }).code;
  if (typeof code === "string") error.code = code;
  if (typeof thrown.stack === "string") error.stack = thrown.stack.slice(0, maxStackLength);
  return error;
}

function describeValue(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
