/**
 * The JSON of the task routes (`/api/tasks`), as TypeScript types for
 * clients and task workers; re-exported by wire-types.ts. Times are ISO
 * 8601 strings in UTC. Types only: a browser build can load it.
 */
import type { ErrorInfo } from "./wire-types.js";

/** Status of a task. */
export type TaskStatus = "queued" | "leased" | "completed" | "failed" | "cancelled";

/** `POST /api/tasks/poll`. */
export interface TaskPollRequest {
  workerId: string;
  queues: string[];
  /** Most tasks to take, 1 to 100; default 1. */
  max?: number;
  /** How long to wait for a task when none is ready, 0 to 60000 ms; default 20000. */
  waitMs?: number;
}

/** A task a poll leased. */
export interface LeasedTask {
  /** The lease of this attempt: pass it to heartbeat, complete or fail. */
  token: string;
  /** `<run id>:<position>`, the same for every attempt. */
  id: string;
  name: string;
  queue: string;
  input: unknown;
  runId: string;
  attempt: number;
  leaseExpiresAt: string;
  heartbeatTimeoutMs?: number;
}

/** The answer of a poll. */
export interface TaskPollResult {
  tasks: LeasedTask[];
}

/** `POST /api/tasks/{token}/heartbeat`. */
export interface TaskHeartbeatRequest {
  details?: unknown;
}

/** The answer of a heartbeat. */
export interface TaskHeartbeatResult {
  leaseExpiresAt: string;
  /** The task's run was asked to cancel: stop and report. */
  cancelRequested: boolean;
}

/** `POST /api/tasks/{token}/complete`. */
export interface TaskCompleteRequest {
  output?: unknown;
}

/** The answer of a completion. */
export interface TaskCompleteResult {
  duplicate: boolean;
}

/** `POST /api/tasks/{token}/fail`. */
export interface TaskFailRequest {
  error: { message: string; name?: string; code?: string; stack?: string };
  /** False: no other attempt. Default true. */
  retryable?: boolean;
  retryAfterMs?: number;
}

/** The answer of a failure. */
export interface TaskFailResult {
  retry: boolean;
  retryAt?: string;
  duplicate: boolean;
}

/** One finished attempt of a task that failed or lapsed. */
export interface TaskAttemptInfo {
  attempt: number;
  workerId: string;
  startedAt: string;
  finishedAt: string;
  error?: ErrorInfo;
}

/** A task (`GET /api/tasks/{id}`). */
export interface Task {
  id: string;
  runId: string;
  position: number;
  name: string;
  queue: string;
  status: TaskStatus;
  input: unknown;
  output?: unknown;
  error?: ErrorInfo;
  attempt: number;
  maxAttempts: number;
  workerId?: string;
  availableAt: string;
  /** When a task worker leased the last attempt (the current one while leased). */
  leasedAt?: string;
  leaseExpiresAt?: string;
  heartbeatAt?: string;
  details?: unknown;
  timeoutMs: number;
  heartbeatTimeoutMs?: number;
  attempts: TaskAttemptInfo[];
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/** One page of tasks, oldest first (`GET /api/tasks`). */
export interface TaskPage {
  tasks: Task[];
  nextCursor?: string;
}
