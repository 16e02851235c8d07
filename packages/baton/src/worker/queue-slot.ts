import type { ClaimResult, SlotHandoff } from "../store/store.js";
import type { ExecutorHost } from "./executor-host.js";

/** What a queue slot reads of its run. */
export interface YieldingRun {
  /** The writes not committed yet, if any. */
  uncommitted(): Promise<void> | undefined;
  /** True when the run only waits (nothing running). */
  readonly evictable: boolean;
  /** Gives the lease up, the run resumable by any worker. */
  release(): Promise<void>;
}

/**
 * The slot a run of a named queue holds while a worker executes it.
 * - When runs of the queue give their slot up while they wait (see
 *   `yieldsSlotWhileWaiting`), a run that only waits lets its lease go once
 *   its writes are committed; a claim within the queue's limits takes it
 *   again when it is due or poked.
 * - The run's finish hands the slot on to the queue's next run (see
 *   `SlotHandoff`), which the worker then executes: no claim is needed.
 */
export class QueueSlot {
  /** The run's finish handed the slot on. */
  handedOn = false;
  private releasing = false;

  constructor(
    private readonly host: ExecutorHost,
    private readonly queue: string,
    private readonly run: YieldingRun,
    private readonly yieldsWhileWaiting: boolean,
  ) {}

  /** The run's status became `waiting`: let it go once idle (unless something started meanwhile). */
  waiting(): void {
    if (!this.yieldsWhileWaiting || this.releasing) return;
    this.releasing = true;
    void (async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.run.uncommitted()?.catch(() => {});
      this.releasing = false;
      if (this.run.evictable) await this.run.release();
    })();
  }

  /** How the run's finish hands the slot on, if it does. */
  handoff(): SlotHandoff | undefined {
    return this.host.slotHandoff(this.queue);
  }

  /** The finish handed the slot on to these runs, leased from `sentAt`: the worker executes them. */
  handedOff(runs: ClaimResult, sentAt: number): void {
    this.handedOn = runs.runs.length > 0;
    this.host.handedOff(runs, sentAt);
  }
}

/** The slot of a run of `queue`: none for the default queue, which has no limits. */
export function queueSlotOf(host: ExecutorHost, queue: string, run: YieldingRun): QueueSlot | undefined {
  return queue === "default" ? undefined : new QueueSlot(host, queue, run, host.yieldsSlotWhileWaiting(queue));
}
