/**
 * The options of a task call, checked and resolved once when the workflow
 * makes the call: what the store keeps on the task row.
 */
import { toMilliseconds } from "./duration.js";
import { BatonError } from "./errors.js";
import { isStorableText, queueNamePattern } from "./names.js";
import { type ResolvedRetryPolicy, stepRetryPolicy } from "./retry-policy.js";
import type { TaskOptions } from "./task-types.js";
import type { RetryPolicy } from "./workflow.js";

/** Limit of each attempt of a task when its options give none: 5 minutes. */
export const defaultTaskTimeoutMs = 300_000;

/** A task's options with every default filled in, in milliseconds. */
export interface ResolvedTaskOptions {
  queue: string;
  timeoutMs: number;
  heartbeatTimeoutMs?: number;
  retry: ResolvedRetryPolicy;
}

/**
 * Checks and resolves the options of `ctx.task(name, input, options)`.
 * @throws BatonError `INVALID_NAME` (the queue), `INVALID_DURATION`, `INVALID_RETRY_POLICY`, `INVALID_OPTIONS`.
 */
export function resolveTaskOptions(
  name: string,
  options: TaskOptions | undefined,
  workflowRetry: RetryPolicy | undefined,
): ResolvedTaskOptions {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new BatonError("INVALID_OPTIONS", `invalid options of task "${name}": expected an object`);
  }
  if (!isStorableText(name)) {
    throw new BatonError(
      "INVALID_NAME",
      `invalid task name ${JSON.stringify(name)}: expected no NUL nor lone surrogate`,
    );
  }
  const queue = options?.queue ?? "default";
  if (typeof queue !== "string" || !queueNamePattern.test(queue)) {
    throw new BatonError(
      "INVALID_NAME",
      `invalid task queue ${JSON.stringify(queue)} of task "${name}": expected a letter or digit, then letters, digits, ".", "_", ":" or "-" (at most 128)`,
    );
  }
  const timeoutMs = options?.timeout === undefined ? defaultTaskTimeoutMs : toMilliseconds(options.timeout);
  if (timeoutMs < 1)
    throw new BatonError("INVALID_DURATION", `invalid timeout of task "${name}": expected at least 1ms`);
  const resolved: ResolvedTaskOptions = { queue, timeoutMs, retry: stepRetryPolicy(options?.retry, workflowRetry) };
  if (options?.heartbeatTimeout !== undefined) {
    const heartbeatTimeoutMs = toMilliseconds(options.heartbeatTimeout);
    if (heartbeatTimeoutMs < 1) {
      throw new BatonError("INVALID_DURATION", `invalid heartbeatTimeout of task "${name}": expected at least 1ms`);
    }
    resolved.heartbeatTimeoutMs = heartbeatTimeoutMs;
  }
  return resolved;
}
