import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import { encodeJson } from "../../json.js";
import { creationListSql } from "../creation-list-sql.js";
import type { Store, TaskVerbs } from "../store.js";
import type { NewTaskRecord, TaskRecord } from "../task-records.js";
import {
  decideTaskFailure,
  lapseError,
  leaseEnd,
  newTaskValues,
  refusedReport,
  type TaskFailDecision,
  type TaskRow,
  taskColumns,
  taskNotFound,
  toLeasedTaskRecord,
  toTaskRecord,
} from "../task-rows.js";
import type { SqliteContext } from "./sqlite-context.js";

/** A ready task, as a poll reads it. */
interface ReadyRow {
  run_id: string;
  position: number;
  available_at: number;
  created_at: number;
}

/** What a run's writes do to its tasks, inside the write's transaction. */
export interface SqliteTaskWrites {
  /** Registers tasks (a live one at the position is kept; a recorded or cancelled one is replaced) and announces them. */
  register(runId: string, tasks: NewTaskRecord[], now: number): void;
  /** Marks the tasks at `positions` recorded. */
  recorded(runId: string, positions: number[]): void;
  /** Cancels the run's queued and leased tasks (it finished). */
  cancelOpen(runId: string, now: number): void;
  /** The run's tasks finished and not recorded (its inbox). */
  finishedOf(runId: string): TaskRecord[];
}

/** The statements of the task writes of a run, on a migrated database. */
export function createSqliteTaskWrites(db: Database.Database, announce: (queue: string) => void): SqliteTaskWrites {
  const sql = {
    register: db.prepare(
      `INSERT INTO tasks (run_id, position, name, queue, status, input, max_attempts, retry, timeout_ms,
         heartbeat_timeout_ms, available_at, created_at, updated_at)
       VALUES (@run_id, @position, @name, @queue, 'queued', @input, @max_attempts, @retry, @timeout_ms,
         @heartbeat_timeout_ms, @now, @now, @now)
       ON CONFLICT (run_id, position) DO UPDATE SET
         name = excluded.name, queue = excluded.queue, status = 'queued', input = excluded.input, output = NULL,
         error = NULL, attempt = 0, max_attempts = excluded.max_attempts, retry = excluded.retry,
         timeout_ms = excluded.timeout_ms, heartbeat_timeout_ms = excluded.heartbeat_timeout_ms,
         available_at = excluded.available_at, secret = NULL, worker_id = NULL, leased_at = NULL,
         lease_expires_at = NULL, heartbeat_at = NULL, details = NULL, attempts = '[]', recorded = 0,
         created_at = excluded.created_at, updated_at = excluded.updated_at, finished_at = NULL
       WHERE tasks.recorded = 1 OR tasks.status = 'cancelled'`,
    ),
    recorded: db.prepare("UPDATE tasks SET recorded = 1 WHERE run_id = ? AND position = ?"),
    cancelOpen: db.prepare(
      `UPDATE tasks SET status = 'cancelled', finished_at = @now, updated_at = @now
       WHERE run_id = @runId AND status IN ('queued', 'leased')`,
    ),
    finished: db.prepare(
      `SELECT ${taskColumns} FROM tasks
       WHERE run_id = ? AND status IN ('completed', 'failed') AND recorded = 0 ORDER BY position`,
    ),
  };
  return {
    register(runId, tasks, now) {
      for (const task of tasks) {
        if (sql.register.run(newTaskValues(runId, task, now)).changes > 0) announce(task.queue);
      }
    },
    recorded(runId, positions) {
      for (const position of positions) sql.recorded.run(runId, position);
    },
    cancelOpen(runId, now) {
      sql.cancelOpen.run({ runId, now });
    },
    finishedOf(runId) {
      return (sql.finished.all(runId) as TaskRow[]).map(toTaskRecord);
    },
  };
}

/**
 * The task verbs of the SQLite store. Each runs in one write of the group
 * commit; a report reads the task, decides in JavaScript, and writes under a
 * fence on the attempt and secret (SQLite runs the transaction alone). A
 * poll reads the first ready tasks of each of its task queues along the
 * index of queued tasks, so that its cost follows the tasks it takes, not
 * the tasks waiting.
 */
export function createSqliteTasks(ctx: SqliteContext): TaskVerbs {
  const sql = ctx.prepared((db) => ({
    // One task queue at a time, along `tasks_ready` (its order): the first `limit` entries, not every queued task.
    ready: db.prepare(
      `SELECT run_id, position, available_at, created_at FROM tasks
       WHERE status = 'queued' AND queue = @queue AND available_at <= @now
       ORDER BY available_at, created_at LIMIT @limit`,
    ),
    lease: db.prepare(
      `UPDATE tasks SET status = 'leased', attempt = attempt + 1, secret = @secret, worker_id = @workerId,
         leased_at = @now, lease_expires_at = @now + min(timeout_ms, coalesce(heartbeat_timeout_ms, timeout_ms)),
         heartbeat_at = NULL, details = NULL, updated_at = @now
       WHERE run_id = @runId AND position = @position AND status = 'queued'
       RETURNING ${taskColumns}`,
    ),
    get: db.prepare(`SELECT ${taskColumns} FROM tasks WHERE run_id = ? AND position = ?`),
    heartbeat: db.prepare(
      `UPDATE tasks SET heartbeat_at = @now, details = @details, lease_expires_at = @leaseExpiresAt, updated_at = @now
       WHERE run_id = @runId AND position = @position AND attempt = @attempt AND secret = @secret
         AND status = 'leased' AND lease_expires_at > @now`,
    ),
    complete: db.prepare(
      `UPDATE tasks SET status = 'completed', output = @output, details = NULL, finished_at = @now, updated_at = @now
       WHERE run_id = @runId AND position = @position AND attempt = @attempt AND secret = @secret AND status = 'leased'`,
    ),
    fail: db.prepare(
      `UPDATE tasks SET status = @status, error = @error, attempts = @attempts, available_at = @availableAt,
         lease_expires_at = NULL, finished_at = @finishedAt, updated_at = @now
       WHERE run_id = @runId AND position = @position AND attempt = @attempt AND status = 'leased'`,
    ),
    lapsed: db.prepare(
      `SELECT ${taskColumns} FROM tasks WHERE status = 'leased' AND lease_expires_at <= ?
       ORDER BY lease_expires_at LIMIT ?`,
    ),
    cancelRequested: db.prepare("SELECT cancel_requested FROM runs WHERE id = ?").pluck(),
    nextLapse: db.prepare("SELECT min(lease_expires_at) FROM tasks WHERE status = 'leased'").pluck(),
  }));

  const getRow = (runId: string, position: number) => sql().get.get(runId, position) as TaskRow | undefined;

  /** Writes a failure decided for the current attempt of `task`; pokes its run when it failed for good. */
  const applyFailure = (task: TaskRecord, decision: TaskFailDecision, now: number): boolean => {
    const { changes } = sql().fail.run({
      runId: task.runId,
      position: task.position,
      attempt: task.attempt,
      status: decision.status,
      error: encodeJson(decision.error, "error"),
      attempts: JSON.stringify(decision.attempts),
      availableAt: decision.availableAt ?? task.availableAt,
      finishedAt: decision.status === "failed" ? now : null,
      now,
    });
    if (changes === 0) return false;
    if (decision.status === "failed") ctx.pokeRun(task.runId, now);
    else ctx.notices.announce(`t:${task.queue}`);
    return true;
  };

  /** The row of a refused report, as the refusal it calls for. */
  const refusal = (key: Parameters<Store["completeTask"]>[0], what: "heartbeat" | "complete" | "fail", now: number) => {
    const row = getRow(key.runId, key.position);
    if (!row) throw taskNotFound(key);
    const refused = refusedReport(key, { ...toTaskRecord(row), secret: row.secret }, what, now);
    if (refused !== "duplicate") throw refused;
    return row;
  };

  /** The first `limit` ready tasks of `queues`, oldest first. */
  const readyTasks = (queues: string[], now: number, limit: number) => {
    const names = [...new Set(queues)];
    const ready = names.flatMap((queue) => sql().ready.all({ queue, now, limit }) as ReadyRow[]);
    if (names.length === 1) return ready;
    return ready.sort((a, b) => a.available_at - b.available_at || a.created_at - b.created_at).slice(0, limit);
  };

  return {
    pollTasks({ workerId, queues, limit, now }) {
      return ctx.batcher.write(() =>
        readyTasks(queues, now, limit).map(({ run_id, position }) => {
          const secret = randomUUID().replaceAll("-", "");
          const row = sql().lease.get({ runId: run_id, position, secret, workerId, now }) as TaskRow;
          return toLeasedTaskRecord(row);
        }),
      );
    },

    heartbeatTask(key, details, now) {
      return ctx.batcher.write(() => {
        const row = getRow(key.runId, key.position);
        if (!row) throw taskNotFound(key);
        const task = toTaskRecord(row);
        const leaseExpiresAt =
          task.heartbeatTimeoutMs === undefined ? (task.leaseExpiresAt ?? now) : leaseEnd(task, now);
        const { changes } = sql().heartbeat.run({
          ...key,
          now,
          details: encodeJson(details, "details of a heartbeat") ?? null,
          leaseExpiresAt,
        });
        if (changes === 0) {
          const refused = refusedReport(key, { ...task, secret: row.secret }, "heartbeat", now);
          throw refused === "duplicate" ? taskNotFound(key) : refused;
        }
        const cancelRequested = Boolean(sql().cancelRequested.get(key.runId));
        return { task: { ...task, heartbeatAt: now, details, leaseExpiresAt }, cancelRequested };
      });
    },

    completeTask(key, output, now) {
      return ctx.batcher.write(() => {
        const encoded = encodeJson(output, `output of task "${key.runId}:${key.position}"`) ?? null;
        if (sql().complete.run({ ...key, output: encoded, now }).changes > 0) {
          ctx.pokeRun(key.runId, now);
          return { duplicate: false };
        }
        refusal(key, "complete", now);
        return { duplicate: true };
      });
    },

    failTask(key, failure, now) {
      return ctx.batcher.write(() => {
        const row = getRow(key.runId, key.position);
        if (!row) throw taskNotFound(key);
        const task = toTaskRecord(row);
        if (task.status === "leased" && task.attempt === key.attempt && row.secret === key.secret) {
          const decision = decideTaskFailure(task, failure, now);
          applyFailure(task, decision, now);
          return { ...(decision.availableAt === undefined ? {} : { retryAt: decision.availableAt }), duplicate: false };
        }
        refusal(key, "fail", now);
        return { ...(task.status === "queued" ? { retryAt: task.availableAt } : {}), duplicate: true };
      });
    },

    expireTasks(now, limit, spread) {
      return ctx.batcher.write(() => {
        let ended = 0;
        for (const row of sql().lapsed.all(now, limit) as TaskRow[]) {
          const task = toTaskRecord(row);
          const decision = decideTaskFailure(task, { error: lapseError(task), retryable: true, spread: spread() }, now);
          if (applyFailure(task, decision, now)) ended++;
        }
        const next = sql().nextLapse.get() as number | null;
        return next === null ? { ended } : { ended, nextLapse: next };
      });
    },

    async getTask(runId, position) {
      const row = getRow(runId, position);
      return row ? toTaskRecord(row) : undefined;
    },

    async listTasks(filter) {
      sql(); // the schema is migrated
      const { text, values } = creationListSql("sqlite", "tasks", taskColumns, {
        equals: [
          ["queue", filter.queue],
          ["run_id", filter.runId],
        ],
        ...filter,
      });
      return (ctx.db.prepare(text).all(...values) as TaskRow[]).map(toTaskRecord);
    },
  };
}
