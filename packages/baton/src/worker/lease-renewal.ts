import type { ErrorBackoff } from "./error-backoff.js";
import type { RunExecutor } from "./run-executor.js";
import type { WorkerOptions } from "./worker-options.js";

/** What a renewal reads and updates of its worker's runs. */
export interface HeldRuns {
  /** The runs in memory, by id. */
  executors: Map<string, RunExecutor>;
  /** Runs being created under a lease of the worker (not in the store yet). */
  starting: Set<string>;
  /** Runs the store says the worker holds that it does not execute. */
  orphans: Set<string>;
  /** Held runs whose execution stopped on an error. */
  backoff: ErrorBackoff;
}

/**
 * Extends the leases of a worker's runs. Only the runs the store says it
 * extended get a later `leaseUntil`; a run it no longer holds (another
 * worker took it while this one was frozen or cut off) is dropped at once,
 * before any further step body of it can start. It runs with no run in
 * memory too: a claim (or a slot handed on) whose commit was cut off and
 * retried holds runs the worker never heard of, and the renewal is how it
 * finds them (one statement per third of a lease).
 */
export async function renewHeldLeases(options: WorkerOptions, runs: HeldRuns): Promise<void> {
  const { store, owner, clock, leaseMs } = options;
  const { executors, starting, orphans, backoff } = runs;
  // A run still being created is not in the store yet: its creation gives it its lease.
  const covered = [...executors.entries()].filter(([runId]) => !starting.has(runId));
  const sentAt = performance.now();
  const held = new Set(await store.renewLeases(owner, clock.now(), leaseMs));
  for (const [runId, executor] of covered) {
    if (held.has(runId)) executor.leaseUntil = Math.max(executor.leaseUntil, sentAt + leaseMs);
    else if (executors.get(runId) === executor) executor.leaseLost();
  }
  for (const runId of orphans) if (!held.has(runId)) orphans.delete(runId);
  backoff.keepOnly(held);
  // A run a claim under way has just taken looks like one too; the next
  // claim leaves it out, and its executor takes it off the list.
  for (const runId of held) if (!executors.has(runId)) orphans.add(runId);
}
