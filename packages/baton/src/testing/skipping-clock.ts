import type { Clock } from "../clock.js";

interface Entry {
  at: number;
  order: number;
  fn: () => void;
}

/**
 * The clock of a test engine: it stands still until moved (`jumpTo`), then
 * fires the timers due by then in order of due time. It never goes back.
 * Its `TimeSkipper` moves it: to the next timer while every run is blocked,
 * with real time while the engine is busy, or by hand.
 */
export class SkippingClock implements Clock {
  private current: number;
  private order = 0;
  private readonly entries = new Set<Entry>();

  /** `timerSet` is called whenever a timer is set (the skipper looks again). */
  constructor(
    start: number,
    private readonly timerSet: () => void = () => {},
  ) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, fn: () => void): () => void {
    if (at <= this.current) {
      // Due already: fire on the next turn, like setTimeout(fn, 0).
      const handle = setImmediate(fn);
      return () => clearImmediate(handle);
    }
    const entry: Entry = { at, order: this.order++, fn };
    this.entries.add(entry);
    this.timerSet();
    return () => this.entries.delete(entry);
  }

  /** The due time of the earliest timer, if any. */
  next(): number | undefined {
    let next: number | undefined;
    for (const entry of this.entries) if (next === undefined || entry.at < next) next = entry.at;
    return next;
  }

  /**
   * Moves time forward to `to` (a time already past leaves it) and fires the
   * timers due, earliest first.
   */
  jumpTo(to: number): void {
    if (to > this.current) this.current = to;
    const due = [...this.entries]
      .filter((entry) => entry.at <= this.current)
      .sort((a, b) => a.at - b.at || a.order - b.order);
    for (const entry of due) {
      this.entries.delete(entry);
      entry.fn();
    }
  }
}
