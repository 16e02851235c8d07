import { toMilliseconds } from "./duration.js";
import { BatonError, FatalError, RetryableError } from "./errors.js";
import type { RetryPolicy } from "./workflow.js";

/** A retry policy with every default filled in, in milliseconds. */
export interface ResolvedRetryPolicy {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
  jitter: number;
}

const byWorkflowPolicy = new WeakMap<RetryPolicy, ResolvedRetryPolicy>();
let noPolicy: ResolvedRetryPolicy | undefined;

/**
 * The policy of a step: `resolveRetryPolicy(step, workflow)`, made once per
 * workflow policy for the steps that have none of their own (most steps).
 * The result is frozen: it may be shared.
 * @throws BatonError `INVALID_RETRY_POLICY` naming the bad field.
 */
export function stepRetryPolicy(step: RetryPolicy | undefined, workflow: RetryPolicy | undefined): ResolvedRetryPolicy {
  if (step !== undefined) return resolveRetryPolicy(step, workflow);
  if (workflow === undefined) {
    noPolicy ??= Object.freeze(resolveRetryPolicy());
    return noPolicy;
  }
  let resolved = byWorkflowPolicy.get(workflow);
  if (!resolved) {
    resolved = Object.freeze(resolveRetryPolicy(workflow));
    byWorkflowPolicy.set(workflow, resolved);
  }
  return resolved;
}

/**
 * Merges a step's policy over the workflow's over the defaults
 * (3 attempts, 1s, x2, at most 1m, 10% jitter).
 * @throws BatonError `INVALID_RETRY_POLICY` naming the bad field.
 */
export function resolveRetryPolicy(...policies: (RetryPolicy | undefined)[]): ResolvedRetryPolicy {
  const merged: RetryPolicy = Object.assign({}, ...policies.filter(Boolean).reverse());
  const policy = {
    maxAttempts: merged.maxAttempts ?? 3,
    initialIntervalMs: toMilliseconds(merged.initialInterval ?? "1s"),
    backoffCoefficient: merged.backoffCoefficient ?? 2,
    maxIntervalMs: toMilliseconds(merged.maxInterval ?? "1m"),
    jitter: merged.jitter ?? 0.1,
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new BatonError("INVALID_RETRY_POLICY", `invalid maxAttempts ${merged.maxAttempts}: expected an integer >= 1`);
  }
  if (!(policy.backoffCoefficient >= 1)) {
    throw new BatonError(
      "INVALID_RETRY_POLICY",
      `invalid backoffCoefficient ${merged.backoffCoefficient}: expected >= 1`,
    );
  }
  if (!(policy.jitter >= 0 && policy.jitter <= 1)) {
    throw new BatonError("INVALID_RETRY_POLICY", `invalid jitter ${merged.jitter}: expected 0 to 1`);
  }
  return policy;
}

/** True when the error forbids another attempt. */
export function isFatal(error: unknown): boolean {
  return error instanceof FatalError || (error instanceof Error && error.name === "FatalError");
}

/**
 * Wait before the next attempt, after `used` attempts failed. A
 * `RetryableError` with `retryAfter` sets the wait itself.
 */
export function retryDelay(policy: ResolvedRetryPolicy, used: number, error: unknown, random = Math.random): number {
  if (error instanceof RetryableError && error.retryAfter !== undefined) return toMilliseconds(error.retryAfter);
  const base = Math.min(policy.initialIntervalMs * policy.backoffCoefficient ** (used - 1), policy.maxIntervalMs);
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}
