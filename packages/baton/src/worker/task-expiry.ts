/**
 * Ends the task leases that lapsed (a task worker died, hung, or stopped
 * sending heartbeats), so that each such attempt is retried, or fails its
 * task for good and wakes its run, even while no task worker polls the
 * task's queue. Every engine that started sweeps, on its clock (a test clock
 * moves it); polls of the HTTP API sweep before they look too.
 */
import type { Clock } from "../clock.js";
import type { Store } from "../store/store.js";

/** Leases ended per store call; more are ended at the next look, at once. */
const batchSize = 100;

/** What the sweep needs of its engine. */
export interface TaskExpiryOptions {
  store: Store;
  clock: Clock;
  /** How often to look, in ms. */
  intervalMs: number;
  log: (message: string, error?: unknown) => void;
}

/** Sweeps lapsed task leases every `intervalMs` (see the module's header). */
export class TaskExpiry {
  private cancelTimer?: () => void;
  private sweeping?: Promise<void>;
  private running = false;

  constructor(private readonly options: TaskExpiryOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm(this.options.clock.now() + this.options.intervalMs);
  }

  /** Stops looking; resolves once a sweep under way ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    await this.sweeping;
  }

  /**
   * Looks at `at`, then an interval after it: a look that ends after the next
   * one was due (a slow store, or a test clock moved meanwhile) looks again
   * at once, once.
   */
  private arm(at: number): void {
    this.cancelTimer = this.options.clock.setTimer(at, () => {
      this.sweeping = this.sweep().finally(() => {
        this.sweeping = undefined;
        if (this.running) this.arm(Math.max(at + this.options.intervalMs, this.options.clock.now()));
      });
    });
  }

  private async sweep(): Promise<void> {
    const { store, clock, log } = this.options;
    try {
      while (
        this.running &&
        (await store.expireTasks(clock.now(), batchSize, () => Math.random() * 2 - 1)) >= batchSize
      );
    } catch (error) {
      log("could not end the lapsed task leases", error);
    }
  }
}
