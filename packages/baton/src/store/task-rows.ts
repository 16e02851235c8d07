/**
 * The `tasks` table shared by every backend: its row, the record it maps
 * to, and the decisions a failed or lapsed attempt calls for (made in
 * JavaScript, then written under a fence on the attempt).
 */
import { BatonError } from "../errors.js";
import type { TaskAttemptRecord } from "../history-record.js";
import { decodeJson, encodeJson } from "../json.js";
import type { ErrorInfo, TaskStatus } from "../types.js";
import type { LeasedTaskRecord, NewTaskRecord, TaskFailureRecord, TaskKey, TaskRecord } from "./task-records.js";

/** A `tasks` row. Integer columns may arrive as strings (PostgreSQL bigint). */
export interface TaskRow {
  run_id: string;
  position: number | string;
  name: string;
  queue: string;
  status: string;
  input: string | null;
  output: string | null;
  error: string | null;
  attempt: number | string;
  max_attempts: number | string;
  retry: string;
  timeout_ms: number | string;
  heartbeat_timeout_ms: number | string | null;
  available_at: number | string;
  secret: string | null;
  worker_id: string | null;
  leased_at: number | string | null;
  lease_expires_at: number | string | null;
  heartbeat_at: number | string | null;
  details: string | null;
  attempts: string;
  recorded: number | boolean;
  created_at: number | string;
  updated_at: number | string;
  finished_at: number | string | null;
}

/** The columns of a `tasks` row, in the order `TaskRow` lists them. */
export const taskColumns =
  "run_id, position, name, queue, status, input, output, error, attempt, max_attempts, retry, timeout_ms, " +
  "heartbeat_timeout_ms, available_at, secret, worker_id, leased_at, lease_expires_at, heartbeat_at, details, " +
  "attempts, recorded, created_at, updated_at, finished_at";

const num = (v: number | string) => Number(v);
const optional = (v: number | string | null) => (v === null ? undefined : Number(v));

/** Maps a `tasks` row to a record. */
export function toTaskRecord(row: TaskRow): TaskRecord {
  const retry = JSON.parse(row.retry) as TaskRecord["retry"];
  const record: TaskRecord = {
    runId: row.run_id,
    position: num(row.position),
    name: row.name,
    queue: row.queue,
    status: row.status as TaskStatus,
    input: decodeJson(row.input),
    attempt: num(row.attempt),
    retry: { ...retry, maxAttempts: num(row.max_attempts) },
    timeoutMs: num(row.timeout_ms),
    availableAt: num(row.available_at),
    attempts: JSON.parse(row.attempts) as TaskAttemptRecord[],
    recorded: Boolean(row.recorded),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
  if (row.output !== null) record.output = decodeJson(row.output);
  if (row.error !== null) record.error = decodeJson(row.error) as ErrorInfo;
  if (row.heartbeat_timeout_ms !== null) record.heartbeatTimeoutMs = num(row.heartbeat_timeout_ms);
  if (row.worker_id !== null) record.workerId = row.worker_id;
  record.leasedAt = optional(row.leased_at);
  record.leaseExpiresAt = optional(row.lease_expires_at);
  record.heartbeatAt = optional(row.heartbeat_at);
  record.finishedAt = optional(row.finished_at);
  if (row.details !== null) record.details = decodeJson(row.details);
  for (const key of ["leasedAt", "leaseExpiresAt", "heartbeatAt", "finishedAt"] as const) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}

/** Maps a row a poll leased to a record with its secret. */
export function toLeasedTaskRecord(row: TaskRow): LeasedTaskRecord {
  return { ...toTaskRecord(row), secret: row.secret as string };
}

/** The values of a new task's row, by column (JSON as text). */
export function newTaskValues(runId: string, task: NewTaskRecord, now: number) {
  const { maxAttempts, ...retry } = task.retry;
  return {
    run_id: runId,
    position: task.position,
    name: task.name,
    queue: task.queue,
    input: encodeJson(task.input, `input of task "${task.name}"`) ?? null,
    max_attempts: maxAttempts,
    retry: JSON.stringify(retry),
    timeout_ms: task.timeoutMs,
    heartbeat_timeout_ms: task.heartbeatTimeoutMs ?? null,
    now,
  };
}

/** When the lease of an attempt leased (or heartbeated) at `at` lapses. */
export function leaseEnd(task: Pick<TaskRecord, "timeoutMs" | "heartbeatTimeoutMs" | "leasedAt">, at: number): number {
  const deadline = (task.leasedAt ?? at) + task.timeoutMs;
  return task.heartbeatTimeoutMs === undefined ? deadline : Math.min(deadline, at + task.heartbeatTimeoutMs);
}

/** What a failed or lapsed attempt does to its task. */
export interface TaskFailDecision {
  status: "queued" | "failed";
  /** When the next attempt may be leased (`queued`). */
  availableAt?: number;
  error: ErrorInfo;
  /** The task's attempts with this one added. */
  attempts: TaskAttemptRecord[];
}

/** Decides what the failure of the current attempt of `task` does (see `Store.failTask`). */
export function decideTaskFailure(task: TaskRecord, failure: TaskFailureRecord, now: number): TaskFailDecision {
  const attempts: TaskAttemptRecord[] = [
    ...task.attempts,
    {
      attempt: task.attempt,
      workerId: task.workerId ?? "",
      startedAt: task.leasedAt ?? now,
      finishedAt: now,
      error: failure.error,
    },
  ];
  const { retry } = task;
  if (!failure.retryable || task.attempt >= retry.maxAttempts) {
    return { status: "failed", error: failure.error, attempts };
  }
  const base = Math.min(retry.initialIntervalMs * retry.backoffCoefficient ** (task.attempt - 1), retry.maxIntervalMs);
  const delay = failure.retryAfterMs ?? Math.max(0, Math.round(base + base * retry.jitter * failure.spread));
  return { status: "queued", availableAt: now + delay, error: failure.error, attempts };
}

/** The codes of the errors of lapsed attempts (`lapseError`). */
const lapseCodes = new Set(["TASK_TIMEOUT", "TASK_HEARTBEAT_TIMEOUT"]);

/** The error of an attempt whose lease lapsed at `task.leaseExpiresAt`. */
export function lapseError(task: TaskRecord): ErrorInfo {
  const timedOut = (task.leaseExpiresAt ?? 0) >= (task.leasedAt ?? 0) + task.timeoutMs;
  return timedOut
    ? {
        name: "TimeoutError",
        code: "TASK_TIMEOUT",
        message: `attempt ${task.attempt} of task "${task.name}" timed out after ${task.timeoutMs}ms`,
      }
    : {
        name: "TimeoutError",
        code: "TASK_HEARTBEAT_TIMEOUT",
        message: `attempt ${task.attempt} of task "${task.name}" sent no heartbeat for ${task.heartbeatTimeoutMs}ms`,
      };
}

/**
 * Why a report with `key` changed nothing, from the task's row as it is now
 * (undefined: no such task). A repeated completion (or failure) of the same
 * attempt is a duplicate, answered as such by the caller.
 */
export function refusedReport(
  key: TaskKey,
  row: TaskRecord & { secret?: string | null },
  what: "heartbeat" | "complete" | "fail",
  now: number,
): BatonError | "duplicate" {
  const same = row.attempt === key.attempt && row.secret === key.secret;
  const id = `${key.runId}:${key.position}`;
  if (same && row.status === "completed" && what === "complete") return "duplicate";
  // A failure repeated: this attempt failed by its worker's report (not by a lapse, which no report made).
  const failed = row.attempts.find((a) => a.attempt === key.attempt)?.error;
  if (same && what === "fail" && failed && !lapseCodes.has(failed.code ?? "")) return "duplicate";
  if (row.status === "cancelled") {
    return new BatonError("TASK_CANCELLED", `task "${id}" was cancelled: its run finished`);
  }
  if (same && row.status === "leased" && (row.leaseExpiresAt ?? 0) <= now) {
    return new BatonError("TASK_LEASE_LOST", `the lease of attempt ${key.attempt} of task "${id}" lapsed`);
  }
  return new BatonError(
    "TASK_LEASE_LOST",
    `the token of attempt ${key.attempt} of task "${id}" is stale: the task is ${row.status}, at attempt ${row.attempt}`,
  );
}

/** The error of a report whose task does not exist. */
export function taskNotFound(key: Pick<TaskKey, "runId" | "position">): BatonError {
  return new BatonError("TASK_NOT_FOUND", `no task "${key.runId}:${key.position}"`);
}
