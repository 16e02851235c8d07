import type { Clock } from "../../../clock.js";

/** A clock that follows the database's clock. */
export interface DatabaseClock extends Clock {
  /** Measures the offset again. */
  sync(): Promise<void>;
  /** Database time minus local time, in ms, as last measured. */
  readonly offsetMs: number;
}

/** Longest delay `setTimeout` accepts; longer waits are chained. */
const maxDelay = 2_147_483_647;

/**
 * A clock reading local time (`localNow`, default `Date.now`) corrected by
 * its measured offset from the database's clock: `readDatabase` returns the
 * database's time in epoch ms; the offset is taken at the middle of the round
 * trip, keeping the measure of the fastest of a few round trips. Every worker
 * on one database so agrees on time to within a round trip, whatever its own
 * clock says.
 */
export function createDatabaseClock(
  readDatabase: () => Promise<number>,
  localNow: () => number = Date.now,
): DatabaseClock {
  let offset = 0;
  const now = () => localNow() + offset;
  return {
    now,
    get offsetMs() {
      return offset;
    },
    async sync() {
      let best: { rtt: number; offset: number } | undefined;
      for (let i = 0; i < 3; i++) {
        const before = localNow();
        const database = await readDatabase();
        const after = localNow();
        const rtt = after - before;
        if (!best || rtt < best.rtt) best = { rtt, offset: database - (before + after) / 2 };
      }
      offset = Math.round((best as { offset: number }).offset);
    },
    setTimer(at, fn) {
      let handle: NodeJS.Timeout;
      const arm = () => {
        const delay = at - now();
        if (delay > maxDelay) handle = setTimeout(arm, maxDelay);
        else if (delay > 0) handle = setTimeout(arm, delay);
        else fn();
      };
      // Re-checks on expiry: the offset may have moved while waiting.
      handle = setTimeout(arm, 0);
      return () => clearTimeout(handle);
    },
  };
}
