/**
 * `engine.tasks`: what task workers do (poll, heartbeat, complete, fail)
 * and what operators read (list, get). The HTTP API's `/api/tasks` routes
 * call these; a task worker in this process may too.
 */
import type { Clock } from "../clock.js";
import { BatonError } from "../errors.js";
import { controlCharacter } from "../human-task-options.js";
import { roundTrip } from "../json.js";
import { isStorableText, queueNamePattern } from "../names.js";
import type { Store, TaskRecord } from "../store/store.js";
import type {
  ErrorInfo,
  LeasedTask,
  Task,
  TaskFailResult,
  TaskFailure,
  TaskFilter,
  TaskHeartbeatResult,
  TaskPage,
  TaskPollRequest,
} from "../types.js";
import { taskStatuses } from "../types.js";
import { checkLimit, checkStatuses, readCreationCursor, writeCreationCursor } from "./creation-cursor.js";
import { toTaskAttempt } from "./run-view.js";
import type { TaskQueueWaiters } from "./task-queue-waiters.js";
import { formatTaskToken, parseTaskId, parseTaskToken, taskId } from "./task-tokens.js";

/** The task operations of an engine (`engine.tasks`). */
export interface EngineTasks {
  /**
   * Leases up to `max` ready tasks of `queues` to `workerId`, waiting up to
   * `waitMs` for one when none is ready (a long poll). Answers an empty list
   * when none came.
   * @example
   * const [task] = await engine.tasks.poll({ workerId: "w1", queues: ["media"], waitMs: 20_000 });
   * @throws BatonError `INVALID_POLL` naming the bad field.
   */
  poll(request: TaskPollRequest): Promise<LeasedTask[]>;
  /**
   * Reports that the attempt of `token` is alive, with optional progress
   * `details` (kept on the task): extends its lease by its heartbeat timeout.
   * @throws BatonError `INVALID_TASK_TOKEN`, `TASK_NOT_FOUND`, `TASK_LEASE_LOST`, `TASK_CANCELLED`.
   */
  heartbeat(token: string, details?: unknown): Promise<TaskHeartbeatResult>;
  /**
   * Completes the attempt of `token` with `output` (JSON); its run goes on.
   * Idempotent: the same token completing again changes nothing (`duplicate`).
   * @throws BatonError `INVALID_TASK_TOKEN`, `TASK_NOT_FOUND`, `TASK_LEASE_LOST`, `TASK_CANCELLED`.
   */
  complete(token: string, output?: unknown): Promise<{ duplicate: boolean }>;
  /**
   * Fails the attempt of `token`: retried per the task's policy unless
   * `retryable` is false or no attempt is left. Idempotent like `complete`.
   * @throws BatonError `INVALID_TASK_TOKEN`, `INVALID_FAILURE`, `TASK_NOT_FOUND`, `TASK_LEASE_LOST`, `TASK_CANCELLED`.
   */
  fail(token: string, failure: TaskFailure): Promise<TaskFailResult>;
  /** A task by id (`<run id>:<position>`), or undefined. @throws BatonError `INVALID_TASK_ID`. */
  get(id: string): Promise<Task | undefined>;
  /** Tasks, oldest first, filtered and paged. @throws BatonError `INVALID_LIMIT`, `INVALID_CURSOR`, `INVALID_STATUS`. */
  list(filter?: TaskFilter): Promise<TaskPage>;
}

/** What `engine.tasks` needs of its engine. */
export interface TasksApiDeps {
  store: Store;
  clock: Clock;
  waiters: TaskQueueWaiters;
  /** How long a waiting poll sleeps before it looks again without a notice (retries that came due), in ms. */
  pollIntervalMs: number;
  /** Starts listening to the store's notices of tasks queued by other processes (called at the first wait). */
  listen(): void;
  /** A task of run `runId` finished (its run was poked, to `pokeSeq` when known): this process's worker looks at once. */
  runChanged(runId: string, pokeSeq?: number): void;
  /** True once the engine closes: waiting polls answer no task (they are woken by `waiters.notifyAll`). */
  closing(): boolean;
  /** A poll of this process gave a lease that lapses at `at` (the engine's sweep looks then). */
  leased(at: number): void;
}

const maxWaitMs = 60_000;
/** The longest wait a task worker may ask for before the next attempt: 365 days. */
export const maxRetryAfterMs = 31_536_000_000;
const spread = () => Math.random() * 2 - 1;
const invalid = (code: string, message: string) => new BatonError(code, message);

/** A stored task as the public `Task`. */
export function toTask(task: TaskRecord): Task {
  const out: Task = {
    id: taskId(task.runId, task.position),
    runId: task.runId,
    position: task.position,
    name: task.name,
    queue: task.queue,
    status: task.status,
    input: task.input,
    attempt: task.attempt,
    maxAttempts: task.retry.maxAttempts,
    availableAt: new Date(task.availableAt),
    timeoutMs: task.timeoutMs,
    attempts: task.attempts.map(toTaskAttempt),
    createdAt: new Date(task.createdAt),
    updatedAt: new Date(task.updatedAt),
  };
  if (task.output !== undefined) out.output = task.output;
  if (task.error !== undefined) out.error = task.error;
  if (task.workerId !== undefined) out.workerId = task.workerId;
  if (task.leasedAt !== undefined) out.leasedAt = new Date(task.leasedAt);
  if (task.leaseExpiresAt !== undefined && task.status === "leased") out.leaseExpiresAt = new Date(task.leaseExpiresAt);
  if (task.heartbeatAt !== undefined) out.heartbeatAt = new Date(task.heartbeatAt);
  if (task.details !== undefined) out.details = task.details;
  if (task.heartbeatTimeoutMs !== undefined) out.heartbeatTimeoutMs = task.heartbeatTimeoutMs;
  if (task.finishedAt !== undefined) out.finishedAt = new Date(task.finishedAt);
  return out;
}

/** Checks a poll request; answers it with its defaults. */
function checkPoll(request: TaskPollRequest): Required<Omit<TaskPollRequest, "signal">> {
  const { workerId, queues, max = 1, waitMs = 0 } = request ?? ({} as TaskPollRequest);
  if (
    typeof workerId !== "string" ||
    workerId.length === 0 ||
    workerId.length > 200 ||
    controlCharacter.test(workerId) ||
    !isStorableText(workerId)
  ) {
    throw invalid(
      "INVALID_POLL",
      `invalid workerId ${JSON.stringify(workerId)}: expected 1 to 200 characters, no control characters`,
    );
  }
  if (!Array.isArray(queues) || queues.length === 0 || queues.length > 20) {
    throw invalid("INVALID_POLL", "invalid queues: expected 1 to 20 task queue names");
  }
  for (const queue of queues) {
    if (typeof queue !== "string" || !queueNamePattern.test(queue)) {
      throw invalid("INVALID_POLL", `invalid task queue ${JSON.stringify(queue)} in queues`);
    }
  }
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw invalid("INVALID_POLL", `invalid max ${JSON.stringify(max)}: expected an integer from 1 to 100`);
  }
  if (!Number.isInteger(waitMs) || waitMs < 0 || waitMs > maxWaitMs) {
    throw invalid(
      "INVALID_POLL",
      `invalid waitMs ${JSON.stringify(waitMs)}: expected an integer from 0 to ${maxWaitMs}`,
    );
  }
  return { workerId, queues: [...new Set(queues)], max, waitMs };
}

/** Checks a failure report; answers it as the store takes it. */
function checkFailure(failure: TaskFailure): { error: ErrorInfo; retryable: boolean; retryAfterMs?: number } {
  const error = failure?.error;
  if (typeof error !== "object" || error === null || typeof error.message !== "string") {
    throw invalid("INVALID_FAILURE", "invalid failure: expected { error: { message } }");
  }
  const info: ErrorInfo = { name: typeof error.name === "string" ? error.name : "Error", message: error.message };
  if (typeof error.code === "string") info.code = error.code;
  if (typeof error.stack === "string") info.stack = error.stack;
  const retryable = failure.retryable ?? true;
  if (typeof retryable !== "boolean") throw invalid("INVALID_FAILURE", "invalid retryable: expected a boolean");
  const { retryAfterMs } = failure;
  if (
    retryAfterMs !== undefined &&
    !(Number.isInteger(retryAfterMs) && retryAfterMs >= 0 && retryAfterMs <= maxRetryAfterMs)
  ) {
    throw invalid(
      "INVALID_FAILURE",
      `invalid retryAfterMs ${JSON.stringify(retryAfterMs)}: expected an integer from 0 to ${maxRetryAfterMs} (365 days)`,
    );
  }
  return { error: info, retryable, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** Builds `engine.tasks`. */
export function createTasksApi(deps: TasksApiDeps): EngineTasks {
  const { store, clock, waiters, pollIntervalMs, listen } = deps;
  let lastExpiry = Number.NEGATIVE_INFINITY;
  /** Ends lapsed leases before a poll looks, at most once a second per process (workers sweep too). */
  const expire = async (now: number) => {
    if (now - lastExpiry < 1000) return;
    lastExpiry = now;
    await store.expireTasks(now, 100, spread);
  };

  return {
    async poll(request) {
      const { workerId, queues, max, waitMs } = checkPoll(request);
      const until = performance.now() + waitMs;
      for (;;) {
        const since = waiters.version(queues);
        await expire(clock.now());
        // A poll whose caller went away, or whose engine closes, takes nothing: no task is leased to no one.
        if (request.signal?.aborted || deps.closing()) return [];
        const leased = await store.pollTasks({ workerId, queues, limit: max, now: clock.now() });
        const left = until - performance.now();
        if (leased.length > 0 || left <= 0 || request.signal?.aborted) {
          for (const task of leased) if (task.leaseExpiresAt !== undefined) deps.leased(task.leaseExpiresAt);
          return leased.map((task) => {
            const out: LeasedTask = {
              token: formatTaskToken(task),
              id: taskId(task.runId, task.position),
              name: task.name,
              queue: task.queue,
              input: task.input,
              runId: task.runId,
              attempt: task.attempt,
              leaseExpiresAt: new Date(task.leaseExpiresAt ?? 0),
            };
            if (task.heartbeatTimeoutMs !== undefined) out.heartbeatTimeoutMs = task.heartbeatTimeoutMs;
            return out;
          });
        }
        listen();
        await waiters.wait(queues, since, Math.min(left, pollIntervalMs), request.signal);
      }
    },

    async heartbeat(token, details) {
      const key = parseTaskToken(token);
      const value = details === undefined ? undefined : roundTrip(details, "details of a heartbeat");
      const { task, cancelRequested } = await store.heartbeatTask(key, value, clock.now());
      return { leaseExpiresAt: new Date(task.leaseExpiresAt ?? 0), cancelRequested };
    },

    async complete(token, output) {
      const key = parseTaskToken(token);
      const { duplicate, pokeSeq } = await store.completeTask(key, roundTrip(output, "output of a task"), clock.now());
      // With the poke's seq, the run's holder reads its inbox once, whether told here or by the store's notice.
      if (!duplicate) deps.runChanged(key.runId, pokeSeq);
      return { duplicate };
    },

    async fail(token, failure) {
      const key = parseTaskToken(token);
      const checked = checkFailure(failure);
      const result = await store.failTask(key, { ...checked, spread: spread() }, clock.now());
      if (!result.duplicate && result.retryAt === undefined) deps.runChanged(key.runId);
      return {
        retry: result.retryAt !== undefined,
        ...(result.retryAt === undefined ? {} : { retryAt: new Date(result.retryAt) }),
        duplicate: result.duplicate,
      };
    },

    async get(id) {
      const { runId, position } = parseTaskId(id);
      const task = await store.getTask(runId, position);
      return task ? toTask(task) : undefined;
    },

    async list(filter = {}) {
      const limit = checkLimit(filter.limit ?? 50);
      const statuses = filter.status === undefined ? undefined : checkStatuses(filter.status, taskStatuses, "task");
      const after = filter.cursor === undefined ? undefined : readCreationCursor(filter.cursor);
      const rows = await store.listTasks({
        limit: limit + 1,
        ...(filter.queue === undefined ? {} : { queue: filter.queue }),
        ...(filter.runId === undefined ? {} : { runId: filter.runId }),
        ...(statuses ? { status: statuses } : {}),
        ...(after ? { after } : {}),
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        tasks: page.map(toTask),
        ...(rows.length > limit && last ? { nextCursor: writeCreationCursor(last) } : {}),
      };
    },
  };
}
