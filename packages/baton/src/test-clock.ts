import type { Clock } from "./clock.js";
import { type Duration, toMilliseconds } from "./duration.js";

/** A clock that only moves when told to. */
export interface TestClock extends Clock {
  /**
   * Moves time forward, firing due timers in order and letting the work they
   * start run between them.
   */
  advance(duration: Duration): Promise<void>;
}

interface Pending {
  at: number;
  order: number;
  fn: () => void;
}

const settle = async (rounds: number) => {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/**
 * Creates a clock for tests: a 3-day sleep completes as soon as the test
 * advances the clock by 3 days.
 *
 * @example
 * const clock = createTestClock();
 * const engine = createEngine({ workflows, clock });
 * await clock.advance("3d");
 */
export function createTestClock(start: Date | number = Date.UTC(2030, 0, 1)): TestClock {
  let now = typeof start === "number" ? start : start.getTime();
  let order = 0;
  const timers = new Set<Pending>();
  const nextDue = (limit: number) => {
    let first: Pending | undefined;
    for (const t of timers) {
      if (t.at <= limit && (!first || t.at < first.at || (t.at === first.at && t.order < first.order))) first = t;
    }
    return first;
  };
  return {
    now: () => now,
    setTimer(at, fn) {
      const timer = { at, order: order++, fn };
      if (at <= now) {
        // Due already: fire on the next turn, like setTimeout(fn, 0).
        const handle = setImmediate(fn);
        return () => clearImmediate(handle);
      }
      timers.add(timer);
      return () => timers.delete(timer);
    },
    async advance(duration) {
      const target = now + toMilliseconds(duration);
      await settle(5);
      for (let due = nextDue(target); due; due = nextDue(target)) {
        timers.delete(due);
        now = Math.max(now, due.at);
        due.fn();
        await settle(20);
      }
      now = target;
      await settle(5);
    },
  };
}
