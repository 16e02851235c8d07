import type { ExecutorHost } from "./executor-host.js";

/** What a slot yield reads of its run. */
export interface YieldingRun {
  /** The writes not committed yet, if any. */
  uncommitted(): Promise<void> | undefined;
  /** True when the run only waits (nothing running). */
  readonly evictable: boolean;
  /** Gives the lease up, the run resumable by any worker. */
  release(): Promise<void>;
}

/**
 * A run of a limited queue (see `yieldsSlotWhileWaiting`) that only waits
 * lets its lease go once its writes are committed: it holds no slot of the
 * queue while it waits, and a claim within the queue's limits takes it again
 * when it is due or poked.
 */
export class SlotYield {
  private releasing = false;

  constructor(private readonly run: YieldingRun) {}

  /** The run's status became `waiting`: let it go once idle (unless something started meanwhile). */
  waiting(): void {
    if (this.releasing) return;
    this.releasing = true;
    void (async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.run.uncommitted()?.catch(() => {});
      this.releasing = false;
      if (this.run.evictable) await this.run.release();
    })();
  }
}

/** The slot yield of a run of `queue`, when runs of that queue give their slot up while they wait. */
export function slotYieldOf(host: ExecutorHost, queue: string, run: YieldingRun): SlotYield | undefined {
  return queue !== "default" && host.yieldsSlotWhileWaiting(queue) ? new SlotYield(run) : undefined;
}
