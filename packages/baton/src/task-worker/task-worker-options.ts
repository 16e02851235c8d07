/**
 * The options of `createTaskWorker`, what a task's handler receives, and
 * the check that turns the options into settings with every default.
 */
import { hostname } from "node:os";
import { BatonError } from "../errors.js";
import { queueNamePattern } from "../names.js";

/**
 * What a handler learns of the attempt it runs, and how it talks back.
 *
 * @example
 * async (input: { url: string }, task) => {
 *   for (const part of parts) {
 *     task.signal.throwIfAborted();
 *     await upload(part, { idempotencyKey: `${task.id}:${part.n}` });
 *     await task.heartbeat({ done: part.n });
 *   }
 * }
 */
export interface TaskContext {
  /** `<run id>:<position>`: the same for every attempt, a stable idempotency key for external systems. */
  readonly id: string;
  /** Task name (`ctx.task(name, ...)`). */
  readonly name: string;
  readonly queue: string;
  /** The run that handed the task out. */
  readonly runId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /**
   * Aborted when the run asks to cancel (reason: a `BatonError` with code
   * `TASK_CANCEL_REQUESTED`), when the attempt is no longer this task
   * worker's (`TASK_LEASE_LOST`: its lease lapsed or another attempt began;
   * `TASK_CANCELLED`: the run finished) or when the task worker stops
   * (`TASK_WORKER_STOPPED`). The handler should wind up and return or throw.
   */
  readonly signal: AbortSignal;
  /**
   * Reports that the attempt is alive, with optional progress `details`
   * (JSON, kept on the task and sent again by the automatic heartbeats that
   * follow). Resolves once the server took it, or once a try failed on the
   * network (the next heartbeat tries again); rejects only when the attempt
   * is no longer this task worker's, with the API's refusal (a `BatonError`
   * with code `TASK_LEASE_LOST`, `TASK_CANCELLED` or `TASK_NOT_FOUND`).
   */
  heartbeat(details?: unknown): Promise<void>;
}

/**
 * Does the work of one task: takes its input, returns its output (JSON).
 * A thrown error fails the attempt: retried per the task's policy, but not
 * after a `FatalError` (or an error named `"FatalError"`), nor once the run
 * asked to cancel; a `RetryableError` with `retryAfter` sets when the next
 * attempt may start.
 */
// biome-ignore lint/suspicious/noExplicitAny: a handler's input is whatever the workflow sent
export type TaskHandler = (input: any, task: TaskContext) => Promise<unknown> | unknown;

/** Options of `createTaskWorker`. */
export interface TaskWorkerOptions {
  /** Base URL of the Baton server, e.g. `http://127.0.0.1:7700` (the API is under `<url>/api/`). */
  url: string;
  /** Bearer token, of role `worker` (or `operator`). Default: none (a server on loopback without tokens). */
  token?: string;
  /** Task queues to poll (1 to 20 names). */
  queues: string[];
  /**
   * Handlers by task name. A task whose name has none fails without retry,
   * with a message naming the task and the names handled here.
   */
  handlers: Record<string, TaskHandler>;
  /** Who polls, shown on the tasks and their attempts (1 to 200 characters). Default `<host>:<pid>:<random>`. */
  workerId?: string;
  /** Most tasks handled at once (a poll asks for as many as are free, at most 100). Default 10. */
  concurrency?: number;
  /**
   * How long each poll waits on the server for a task when none is ready, in
   * ms (0 to 60,000). Default 20,000. Polls that find nothing are at least a
   * second apart.
   */
  pollWaitMs?: number;
  /** Stops the task worker when aborted, as `stop()` does. */
  signal?: AbortSignal;
  /** Where warnings go (a poll that failed, a report that could not be made). Default: standard error. */
  logger?: { warn(message: string, error?: unknown): void };
}

/** The options with every default filled in. */
export interface TaskWorkerSettings {
  url: string;
  token: string | undefined;
  queues: string[];
  handlers: Map<string, TaskHandler>;
  workerId: string;
  concurrency: number;
  pollWaitMs: number;
  signal: AbortSignal | undefined;
  warn: (message: string, error?: unknown) => void;
}

const invalid = (message: string) => new BatonError("INVALID_OPTIONS", message);

/**
 * Checks the options of `createTaskWorker` and fills in the defaults.
 * @throws BatonError `INVALID_OPTIONS` naming the bad option.
 */
export function resolveTaskWorkerOptions(options: TaskWorkerOptions): TaskWorkerSettings {
  if (typeof options !== "object" || options === null) throw invalid("invalid task worker options: expected an object");
  const { url, token, queues, handlers, concurrency = 10, pollWaitMs = 20_000 } = options;
  if (typeof url !== "string") throw invalid(`invalid url ${JSON.stringify(url)}: expected http(s)://host:port`);
  if (token !== undefined && (typeof token !== "string" || !/^[\x21-\x7e]+$/.test(token))) {
    throw invalid("invalid token: expected printable ASCII characters without spaces");
  }
  if (!Array.isArray(queues) || queues.length === 0 || queues.length > 20) {
    throw invalid(`invalid queues ${JSON.stringify(queues)}: expected 1 to 20 task queue names`);
  }
  for (const queue of queues) {
    if (typeof queue !== "string" || !queueNamePattern.test(queue)) {
      throw invalid(
        `invalid task queue ${JSON.stringify(queue)}: expected a letter or digit, then letters, digits, ".", "_", ":" or "-" (at most 128)`,
      );
    }
  }
  if (typeof handlers !== "object" || handlers === null || Object.keys(handlers).length === 0) {
    throw invalid("invalid handlers: expected an object with a handler per task name");
  }
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== "function") throw invalid(`invalid handler of task "${name}": expected a function`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw invalid(`invalid concurrency ${JSON.stringify(concurrency)}: expected an integer >= 1`);
  }
  if (!Number.isInteger(pollWaitMs) || pollWaitMs < 0 || pollWaitMs > 60_000) {
    throw invalid(`invalid pollWaitMs ${JSON.stringify(pollWaitMs)}: expected an integer from 0 to 60000`);
  }
  const workerId =
    options.workerId ?? `${hostname().slice(0, 100)}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
  if (typeof workerId !== "string" || workerId.length === 0 || workerId.length > 200) {
    throw invalid(`invalid workerId ${JSON.stringify(workerId)}: expected 1 to 200 characters`);
  }
  const logger = options.logger;
  return {
    url,
    token,
    queues: [...new Set(queues)],
    handlers: new Map(Object.entries(handlers)),
    workerId,
    concurrency,
    pollWaitMs,
    signal: options.signal,
    warn: logger
      ? (message, error) => logger.warn(message, error)
      : (message, error) => console.warn(`[baton] ${message}`, error ?? ""),
  };
}
