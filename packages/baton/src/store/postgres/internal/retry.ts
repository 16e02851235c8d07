import { isTransientError } from "./connection-errors.js";

/** How long and how often a store operation is retried through an outage. */
export interface ReconnectPolicy {
  /** Give up after this long, in ms. */
  forMs: number;
  /** First delay, in ms; doubles up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Runs `operation` until it succeeds, fails for a reason other than a lost
 * connection, `stopped()` turns true, or `policy.forMs` has passed. Each
 * retry waits longer (with jitter); `onRetry` hears of every transient error.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: ReconnectPolicy,
  stopped: () => boolean,
  onRetry?: (error: unknown) => void,
): Promise<T> {
  const deadline = Date.now() + policy.forMs;
  let delay = policy.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isTransientError(error) || stopped() || Date.now() + delay > deadline) throw error;
      onRetry?.(error);
      await new Promise((resolve) => setTimeout(resolve, delay * (0.75 + Math.random() / 2)));
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}
