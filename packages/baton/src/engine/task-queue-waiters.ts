/**
 * The polls of one process that wait for tasks: woken when a task is queued
 * in one of their task queues (by this process's worker, or by another
 * process through a store notice), or when their wait runs out.
 */

/** A poll's wait, and what wakes it. */
interface Waiter {
  queues: ReadonlySet<string>;
  wake: () => void;
}

/** Waiters of task polls in one process. */
export class TaskQueueWaiters {
  private readonly waiters = new Set<Waiter>();
  /** Raised by every task queued: a poll that read it before it looked waits only if it did not move. */
  private queued = new Map<string, number>();

  /** How many tasks were announced in these queues so far (read before looking, passed to `wait`). */
  version(queues: readonly string[]): number {
    let sum = 0;
    for (const queue of queues) sum += this.queued.get(queue) ?? 0;
    return sum;
  }

  /** A task was queued in `queue`: wakes the polls waiting for it. */
  notify(queue: string): void {
    this.queued.set(queue, (this.queued.get(queue) ?? 0) + 1);
    for (const waiter of this.waiters) if (waiter.queues.has(queue)) waiter.wake();
  }

  /** Wakes every wait (another process may have queued tasks: a reconnected notice stream). */
  notifyAll(): void {
    for (const waiter of this.waiters) waiter.wake();
  }

  /**
   * Waits until a task is queued in `queues` after `since` (their `version`),
   * `ms` pass, or `signal` aborts.
   */
  wait(queues: readonly string[], since: number, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.version(queues) !== since || signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = { queues: new Set(queues), wake: () => done() };
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.waiters.delete(waiter);
        resolve();
      };
      signal?.addEventListener("abort", done);
      this.waiters.add(waiter);
    });
  }
}
