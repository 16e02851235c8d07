import type { Clock } from "../clock.js";
import { BatonError } from "../errors.js";
import type { ClaimResult, SlotHandoff, Store } from "../store/store.js";
import type { ErrorInfo, RunStatus } from "../types.js";
import type { Workflow } from "../workflow.js";

/** How a run finished, as its last write recorded it. */
export interface RunEnd {
  status: RunStatus;
  output?: unknown;
  error?: ErrorInfo;
  parentId?: string;
  /** Its finish handed its queue slot on to another run (no claim is needed for it). */
  handedOn?: boolean;
}

/** What an executor needs from its worker. */
export interface ExecutorHost {
  store: Store;
  clock: Clock;
  /** Length of a lease, in ms. */
  leaseMs: number;
  /** Registered workflows by name. */
  workflows: Map<string, Workflow>;
  /** The engine's failure handler, for workflows without their own (`onFailure`). */
  onFailure?: Workflow;
  /**
   * The run left this worker: finished (with how it finished), released, or
   * lost; `error` when it stopped on an error other than a lost lease (the
   * worker logs it and tries the run again later).
   */
  detached(runId: string, end: RunEnd | undefined, error?: unknown): void;
  /** A child run was created: claim it soon. */
  childCreated(): void;
  /** How a finishing run of named queue `queue` hands its slot on (see `SlotHandoff`); undefined: it does not. */
  slotHandoff(queue: string): SlotHandoff | undefined;
  /** A finish handed its slot on to these runs, leased from `sentAt` (`performance.now()` time): execute them. */
  handedOff(runs: ClaimResult, sentAt: number): void;
  /** True when a waiting run of `queue` lets its lease go, so that it holds no slot of the queue while it waits. */
  yieldsSlotWhileWaiting(queue: string): boolean;
  /** Tasks were queued in task queue `queue` (committed): wake the polls of this process that wait for it. */
  taskQueued(queue: string): void;
  /** Cancels child run `childId` of `parentId` (ignoring runs that have finished, and a run of another parent). */
  cancelChild(childId: string, parentId: string): Promise<void>;
  log(message: string, error?: unknown): void;
}

/**
 * Cancels run `childId` when it is a child of `parentId` (an id another run
 * held, its conflict not yet recorded, is not), ignoring a run that has
 * finished; `cancelled` applies it in this process.
 */
export async function cancelChildRun(
  store: Store,
  clock: Clock,
  childId: string,
  parentId: string,
  cancelled: () => void,
): Promise<void> {
  if ((await store.getRun(childId))?.parentId !== parentId) return;
  try {
    await store.requestCancel(childId, clock.now());
  } catch (error) {
    if (!(error instanceof BatonError && error.code === "RUN_FINISHED")) throw error;
  }
  cancelled();
}
