/**
 * The records the task verbs of the store take and answer (times in epoch
 * milliseconds). Never public: the engine maps them to `Task` and `LeasedTask`.
 */
import type { TaskAttemptRecord } from "../history-record.js";
import type { ErrorInfo, TaskStatus } from "../types.js";

/** The retry policy of a task, as its row keeps it. */
export interface TaskRetryRecord {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
  jitter: number;
}

/** A task to register, written by the run's write that records its `task.scheduled`. */
export interface NewTaskRecord {
  position: number;
  name: string;
  queue: string;
  input: unknown;
  timeoutMs: number;
  heartbeatTimeoutMs?: number;
  retry: TaskRetryRecord;
}

/** A task as the store keeps it. */
export interface TaskRecord extends NewTaskRecord {
  runId: string;
  status: TaskStatus;
  output?: unknown;
  error?: ErrorInfo;
  /** Attempts leased so far. */
  attempt: number;
  workerId?: string;
  availableAt: number;
  leasedAt?: number;
  leaseExpiresAt?: number;
  heartbeatAt?: number;
  details?: unknown;
  /** Attempts that failed or lapsed, the last failure included. */
  attempts: TaskAttemptRecord[];
  /** Its outcome is in its run's history. */
  recorded: boolean;
  createdAt: number;
  updatedAt: number;
  finishedAt?: number;
}

/** A task a poll leased, with the secret of its token. */
export interface LeasedTaskRecord extends TaskRecord {
  secret: string;
}

/** What identifies one attempt of a task: its run, position, attempt and the secret of its lease (a task token). */
export interface TaskKey {
  runId: string;
  position: number;
  attempt: number;
  secret: string;
}

/** Request of `Store.pollTasks`. */
export interface TaskPollRecord {
  workerId: string;
  queues: string[];
  limit: number;
  now: number;
}

/** A failure to apply (`Store.failTask`): the worker's report, decided against the task's policy by the store. */
export interface TaskFailureRecord {
  error: ErrorInfo;
  retryable: boolean;
  retryAfterMs?: number;
  /** A random number in [-1, 1] that spreads the backoff by the policy's jitter. */
  spread: number;
}

/** What `Store.failTask` did. */
export interface TaskFailOutcome {
  /** When the next attempt may be leased; undefined when the task failed for good. */
  retryAt?: number;
  /** This token had reported its failure already: nothing changed. */
  duplicate: boolean;
}

/** The filter of `Store.listTasks`. */
export interface TaskListFilter {
  queue?: string;
  status?: TaskStatus[];
  runId?: string;
  limit: number;
  /** Created after this task (from the previous page). */
  after?: { createdAt: number; runId: string; position: number };
}
