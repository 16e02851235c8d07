import {
  BatonError,
  ChildFailedError,
  FatalError,
  RetryableError,
  RunConflictError,
  StepFailedError,
  TaskFailedError,
  TimeoutError,
} from "./errors.js";
import type { ErrorInfo } from "./types.js";

/**
 * Encodes a value for the store. `undefined` becomes `null` (no value).
 * @throws BatonError `NOT_SERIALIZABLE` naming `what` when the value is not JSON.
 */
export function encodeJson(value: unknown, what: string): string | null {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new BatonError("NOT_SERIALIZABLE", `${what} is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (text === undefined) {
    throw new BatonError("NOT_SERIALIZABLE", `${what} is not JSON-serialisable: got a ${typeof value}`);
  }
  return text;
}

/** Decodes what `encodeJson` wrote; `null` gives `undefined`. */
export function decodeJson(text: string | null | undefined): unknown {
  return text === null || text === undefined ? undefined : JSON.parse(text);
}

/**
 * The value as it will read back from the store. Live execution returns this
 * too, so a re-executed run sees exactly what the first execution saw.
 */
export function roundTrip<T>(value: T, what: string): T {
  return decodeJson(encodeJson(value, what)) as T;
}

/** Plain data describing an error, safe to store. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const info: ErrorInfo = { name: error.name, message: error.message };
    if (error.stack) info.stack = error.stack;
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") info.code = code;
    if (error.cause !== undefined) info.cause = toErrorInfo(error.cause);
    return info;
  }
  return { name: "Error", message: typeof error === "string" ? error : safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Rebuilds an error from its recorded form, keeping Baton's classes. */
export function fromErrorInfo(info: ErrorInfo): Error {
  const cause = info.cause ? { cause: fromErrorInfo(info.cause) } : undefined;
  let error: Error;
  switch (info.name) {
    case "FatalError":
      error = new FatalError(info.message, cause);
      break;
    case "RetryableError":
      error = new RetryableError(info.message, cause);
      break;
    case "TimeoutError":
      error = new TimeoutError(info.code === "RUN_TIMEOUT" ? "RUN_TIMEOUT" : "STEP_TIMEOUT", info.message);
      break;
    default:
      error = info.code ? new BatonError(info.code, info.message, cause) : new Error(info.message, cause);
      error.name = info.name;
  }
  if (info.stack) error.stack = info.stack;
  return error;
}

/** The error a workflow sees when a step fails for good. */
export function stepFailure(name: string, position: number, info: ErrorInfo): StepFailedError {
  return new StepFailedError(name, position, `step "${name}" failed: ${info.message}`, {
    cause: fromErrorInfo(info),
  });
}

/** The error a workflow sees when a task failed for good. */
export function taskFailure(name: string, position: number, info: ErrorInfo): TaskFailedError {
  return new TaskFailedError(name, position, `task "${name}" failed: ${info.message}`, {
    cause: fromErrorInfo(info),
  });
}

/** The message of the `RunConflictError` of a child call whose id `childId` another run holds. */
export function childConflictMessage(childId: string, reason: string): string {
  return `cannot start child run "${childId}": a run with that id exists ${reason}`;
}

/**
 * The error a workflow sees when a child call fails: a `RunConflictError`
 * when its id was held by another run, else a `ChildFailedError` (the child
 * did not complete, or its input was refused).
 */
export function childFailure(childId: string, info: ErrorInfo): ChildFailedError | RunConflictError {
  // The child's own failure never reads so: its message would name another id.
  if (info.name === "RunConflictError" && info.message.startsWith(childConflictMessage(childId, ""))) {
    const error = new RunConflictError(childId, info.message);
    if (info.stack) error.stack = info.stack;
    return error;
  }
  return new ChildFailedError(childId, `child run "${childId}" failed: ${info.message}`, {
    cause: fromErrorInfo(info),
  });
}
