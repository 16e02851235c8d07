/**
 * Public types of tasks (re-exported by types.ts, whose glossary defines
 * **task**, **task worker**, **task queue** and **task token**).
 *
 * A task's life: `queued` (waiting for a task worker, or for its next
 * attempt after a backoff) -> `leased` (a task worker polled it and holds
 * its token until the lease lapses) -> `completed` or `failed` (final), or
 * back to `queued` for another attempt (a retryable failure, a lapsed
 * lease). `cancelled` when its run finished first (cancelled, failed
 * elsewhere, or completed without awaiting it).
 */
import type { Duration } from "./duration.js";
import type { ErrorInfo } from "./types.js";
import type { RetryPolicy } from "./workflow.js";

/** Status of a task. */
export type TaskStatus = "queued" | "leased" | "completed" | "failed" | "cancelled";

/** Every task status, in the order a task usually goes through them. */
export const taskStatuses: readonly TaskStatus[] = ["queued", "leased", "completed", "failed", "cancelled"];

/** Options of `ctx.task`. */
export interface TaskOptions {
  /** Task queue the task workers poll. Default `"default"`. */
  queue?: string;
  /**
   * Limit of each attempt, from the poll that leased it: past it, the lease
   * lapses and the attempt counts as failed (`TASK_TIMEOUT`). Default `"5m"`.
   */
  timeout?: Duration;
  /**
   * Longest time between two heartbeats of an attempt (the poll counts as the
   * first): past it, the lease lapses (`TASK_HEARTBEAT_TIMEOUT`). Default: none.
   */
  heartbeatTimeout?: Duration;
  /** Retry policy of failed and lapsed attempts. Default: the workflow's `retry`, then the defaults of `RetryPolicy`. */
  retry?: RetryPolicy;
}

/** Request of `engine.tasks.poll`. */
export interface TaskPollRequest {
  /** Who polls (shown on the task and in its attempts): 1 to 200 characters. */
  workerId: string;
  /** Task queues to take tasks from (1 to 20 names). */
  queues: string[];
  /** Most tasks to take, 1 to 100. Default 1. */
  max?: number;
  /** How long to wait for a task when none is ready, in ms (0 to 60,000). Default 0. */
  waitMs?: number;
  /** Gives up the wait early (the server aborts it when the client goes away). */
  signal?: AbortSignal;
}

/** A task leased to a task worker by a poll. */
export interface LeasedTask {
  /** The lease: pass it to `heartbeat`, `complete` or `fail`. Valid for this attempt only. */
  token: string;
  /** `<run id>:<position>`: the same for every attempt; a stable idempotency key for external systems. */
  id: string;
  /** Task name (`ctx.task(name, ...)`), which tells the worker what to do. */
  name: string;
  queue: string;
  input: unknown;
  runId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** When the lease lapses unless heartbeats extend it (never past the attempt's timeout). */
  leaseExpiresAt: Date;
  /** The task's heartbeat timeout in ms, when it has one. */
  heartbeatTimeoutMs?: number;
}

/** A failure reported by a task worker (`engine.tasks.fail`). */
export interface TaskFailure {
  /** What went wrong: at least a message. */
  error: { message: string; name?: string; code?: string; stack?: string };
  /** False: no other attempt. Default true (retried per the task's policy). */
  retryable?: boolean;
  /** Wait this long before the next attempt, in ms, instead of the policy's backoff. */
  retryAfterMs?: number;
}

/** What `engine.tasks.fail` did. */
export interface TaskFailResult {
  /** True when another attempt will follow (at `retryAt`); false when the task failed for good. */
  retry: boolean;
  retryAt?: Date;
  /** True when this token had already reported this failure: nothing changed. */
  duplicate: boolean;
}

/** What a heartbeat tells the task worker. */
export interface TaskHeartbeatResult {
  /** The lease now lapses at this time. */
  leaseExpiresAt: Date;
  /** The task's run was asked to cancel: the worker should stop and report. */
  cancelRequested: boolean;
}

/** One finished attempt of a task, as kept on the task and shown in its run's history. */
export interface TaskAttempt {
  attempt: number;
  workerId: string;
  startedAt: Date;
  finishedAt: Date;
  error?: ErrorInfo;
}

/** A task as stored (`engine.tasks.list`, `engine.tasks.get`). */
export interface Task {
  /** `<run id>:<position>`. */
  id: string;
  runId: string;
  position: number;
  name: string;
  queue: string;
  status: TaskStatus;
  input: unknown;
  output?: unknown;
  error?: ErrorInfo;
  /** Attempts leased so far (0 while the first waits). */
  attempt: number;
  maxAttempts: number;
  /** Who holds (or last held) the task. */
  workerId?: string;
  /** A queued task is not leased before this (a retry's backoff). */
  availableAt: Date;
  /** When a task worker leased the last attempt (the current one while `leased`). */
  leasedAt?: Date;
  leaseExpiresAt?: Date;
  /** Last heartbeat of the current attempt, with the details it carried. */
  heartbeatAt?: Date;
  details?: unknown;
  timeoutMs: number;
  heartbeatTimeoutMs?: number;
  /** Earlier attempts that failed or lapsed. */
  attempts: TaskAttempt[];
  createdAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
}

/** Filter and page of `engine.tasks.list`. */
export interface TaskFilter {
  queue?: string;
  status?: TaskStatus | TaskStatus[];
  runId?: string;
  /** Page size, 1 to 1000. Default 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of tasks, oldest first. */
export interface TaskPage {
  tasks: Task[];
  nextCursor?: string;
}
