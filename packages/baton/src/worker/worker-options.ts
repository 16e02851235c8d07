import type { Clock } from "../clock.js";
import type { QueueLimits, Store } from "../store/store.js";
import type { Workflow } from "../workflow.js";
import type { RunEnd } from "./executor-host.js";

/** A lease offered for a run about to be created (`Worker.offer`). */
export interface StartLease {
  owner: string;
  /** Store time the lease ends. */
  expiresAt: number;
  /** `performance.now()` when it was offered: the lease counts from then. */
  sentAt: number;
}

/** Workflows a worker finds by name and version (the stored definitions' versions). */
export interface WorkflowCatalog {
  /** `name@version` of each workflow it holds. */
  keys(): readonly string[];
  get(name: string, version: string): Workflow | undefined;
}

/** Options of a worker. */
export interface WorkerOptions {
  store: Store;
  clock: Clock;
  /** The newest version of each workflow, by name. */
  workflows: Map<string, Workflow>;
  /** Every version of the code's workflows (default: those of `workflows`). */
  versions?: readonly Workflow[];
  /** The engine's failure handler, for workflows without their own. */
  onFailure?: Workflow;
  /** Workflows known by name and version besides `workflows` (stored definitions). */
  catalog?: WorkflowCatalog;
  /** Unique name of this worker, written as the lease owner. */
  owner: string;
  /** Lease length in ms; a dead worker's runs are taken over after it. */
  leaseMs: number;
  /** How often to look for due or abandoned runs, in ms. */
  pollIntervalMs: number;
  /** Runs kept in memory; beyond it, waiting runs are evicted (and reloaded when they wake). */
  maxRunsInMemory: number;
  /** Named queues this worker takes runs of, with their limits (registered by the engine). Default: none. */
  queues?: QueueLimits[];
  /** A run of this worker queued a task in task queue `queue` (committed). */
  onTaskQueued?(queue: string): void;
  /** A run finished or left this worker. */
  onDetached(runId: string, end: RunEnd | undefined): void;
  log(message: string, error?: unknown): void;
}

/** How often a worker renews its leases: a third of a lease, and at least every 20 ms. */
export function renewIntervalMs(leaseMs: number): number {
  return Math.max(20, Math.floor(leaseMs / 3));
}
