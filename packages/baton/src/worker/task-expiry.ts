/**
 * Ends the task leases that lapsed (a task worker died, hung, or stopped
 * sending heartbeats), so that each such attempt is retried, or fails its
 * task for good and wakes its run, even while no task worker polls the
 * task's queue. Every engine that started sweeps:
 * - at the next lapse it knows of, on its clock (a test clock moves it): the
 *   store tells it after each sweep, and its own polls when they lease;
 * - and every poll interval in real time, for leases other processes gave
 *   (a test engine's time never skips for this look: it is no timer of its clock).
 * Polls of the HTTP API sweep before they look too.
 */
import type { Clock } from "../clock.js";
import type { Store } from "../store/store.js";

/** Leases ended per store call; more are ended at the next look, at once. */
const batchSize = 100;

/** What the sweep needs of its engine. */
export interface TaskExpiryOptions {
  store: Store;
  clock: Clock;
  /** How often to look in real time, in ms. */
  intervalMs: number;
  log: (message: string, error?: unknown) => void;
}

/** Sweeps lapsed task leases (see the module's header). */
export class TaskExpiry {
  private cancelTimer?: () => void;
  private timerAt?: number;
  private interval?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private again = false;
  private running = false;

  constructor(private readonly options: TaskExpiryOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.interval = setInterval(() => this.sweep(), this.options.intervalMs);
    this.interval.unref();
    this.sweep();
  }

  /** Stops looking; resolves once a sweep under way ended. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.interval);
    this.cancelTimer?.();
    this.timerAt = undefined;
    await this.sweeping;
  }

  /** A lease this process gave lapses at `at`: look then (unless a look is due sooner). */
  leased(at: number): void {
    if (this.running) this.arm(at);
  }

  private arm(at: number): void {
    if (this.timerAt !== undefined && this.timerAt <= at) return;
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.options.clock.setTimer(at, () => {
      this.timerAt = undefined;
      this.sweep();
    });
  }

  /** Ends the lapsed leases (one sweep at a time; a look asked for meanwhile follows it), then arms the next look. */
  private sweep(): void {
    if (!this.running) return;
    if (this.sweeping) {
      this.again = true;
      return;
    }
    this.sweeping = this.expire().finally(() => {
      this.sweeping = undefined;
      if (this.again) {
        this.again = false;
        this.sweep();
      }
    });
  }

  private async expire(): Promise<void> {
    const { store, clock, log } = this.options;
    try {
      for (;;) {
        const { ended, nextLapse } = await store.expireTasks(clock.now(), batchSize, () => Math.random() * 2 - 1);
        if (ended >= batchSize && this.running) continue;
        if (nextLapse !== undefined && this.running) this.arm(nextLapse);
        return;
      }
    } catch (error) {
      log("could not end the lapsed task leases", error);
    }
  }
}
