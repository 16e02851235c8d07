import type { Clock } from "../clock.js";
import { noEntries } from "../no-entries.js";

interface Wait {
  at: number;
  cancel: () => void;
  resolve: (fired: boolean) => void;
}

/** Named waits on the clock of one run (timers, retry backoffs, signal timeouts, the deadline). */
export class ClockWaits {
  private entries?: Map<string, Wait>;

  private get waits(): Map<string, Wait> {
    return this.entries ?? noEntries();
  }

  constructor(private readonly clock: Clock) {}

  /** Number of waits pending. */
  get size(): number {
    return this.waits.size;
  }

  /** Resolves true once `now() >= at`, or false if the wait is cancelled first. */
  until(key: string, at: number): Promise<boolean> {
    return new Promise((resolve) => {
      const cancel = this.clock.setTimer(at, () => {
        this.waits.delete(key);
        resolve(true);
      });
      this.entries ??= new Map();
      this.entries.set(key, { at, cancel, resolve });
    });
  }

  /** Cancels one wait (it resolves false). */
  cancel(key: string): void {
    const wait = this.waits.get(key);
    if (!wait) return;
    this.waits.delete(key);
    wait.cancel();
    wait.resolve(false);
  }

  /** Cancels every wait. */
  cancelAll(): void {
    for (const key of [...this.waits.keys()]) this.cancel(key);
  }

  /** The earliest pending due time. */
  next(): number | undefined {
    let next: number | undefined;
    for (const wait of this.waits.values()) if (next === undefined || wait.at < next) next = wait.at;
    return next;
  }
}
