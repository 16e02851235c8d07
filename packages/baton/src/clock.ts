/**
 * The engine's only source of time. Durable timers (sleeps, retry backoff,
 * signal timeouts, step and run timeouts) and every timestamp written to the
 * store come from here, so tests can replace it (see `createTestClock`).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once `now() >= at`. Returns a function that cancels the call. */
  setTimer(at: number, fn: () => void): () => void;
}

/** Longest delay `setTimeout` accepts; longer waits are chained. */
const maxDelay = 2_147_483_647;

/** The real clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(at, fn) {
    let handle: NodeJS.Timeout;
    const arm = () => {
      const delay = at - Date.now();
      if (delay > maxDelay) handle = setTimeout(arm, maxDelay);
      else handle = setTimeout(fn, Math.max(0, delay));
    };
    arm();
    return () => clearTimeout(handle);
  },
};
