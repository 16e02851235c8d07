import { BatonError } from "baton";

/** An error answer of the API: an HTTP status, a stable code and a message. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 500 | 503,
    readonly code: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The JSON body of the answer. */
  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}

const statusOfCode: Record<string, ApiError["status"]> = {
  RUN_NOT_FOUND: 404,
  UNKNOWN_WORKFLOW: 404,
  UNKNOWN_VERSION: 404,
  RUN_CONFLICT: 409,
  RUN_FINISHED: 409,
  RUN_NOT_FAILED: 409,
  INVALID_INPUT: 400,
  INVALID_RUN_ID: 400,
  INVALID_NAME: 400,
  INVALID_STEP: 400,
  INVALID_DURATION: 400,
  INVALID_LIMIT: 400,
  INVALID_CURSOR: 400,
  INVALID_MATCH: 400,
  INVALID_EVENT_ID: 400,
  INVALID_START_OPTIONS: 400,
  UNKNOWN_QUEUE: 400,
  NOT_SERIALIZABLE: 400,
  INVALID_SCHEDULE: 400,
  INVALID_BACKFILL: 400,
  SCHEDULE_NOT_FOUND: 404,
  SCHEDULE_EXISTS: 409,
  TASK_NOT_FOUND: 404,
  TASK_LEASE_LOST: 409,
  TASK_CANCELLED: 409,
  INVALID_TASK_TOKEN: 400,
  INVALID_TASK_ID: 400,
  INVALID_POLL: 400,
  INVALID_FAILURE: 400,
  INVALID_STATUS: 400,
  HUMAN_TASK_NOT_FOUND: 404,
  HUMAN_TASK_CLOSED: 409,
  INVALID_ANSWER: 400,
  INVALID_FORM: 409,
  INVALID_DEFINITION: 400,
  DEFINITION_NOT_FOUND: 404,
  DEFINITION_IMMUTABLE: 409,
  DEFINITION_CONFLICT: 409,
  NOT_A_DEFINITION_RUN: 404,
  // The store's data, not the request, is at fault; the answer says which run and why.
  UNREADABLE_RUN: 500,
};

/**
 * The answer for an error a handler threw: library errors of the caller's
 * making map to 4xx by their code, a run that cannot be read to a 500 that
 * names it; anything else is a 500 that says no more than "internal error"
 * (the details go to the log).
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof BatonError) {
    const status = statusOfCode[error.code];
    if (status) {
      const issues = (error as { issues?: { path: string; message: string }[] }).issues;
      return new ApiError(status, error.code, error.message, Array.isArray(issues) ? issues : undefined);
    }
  }
  return new ApiError(500, "INTERNAL", "internal error");
}
