/**
 * The task verbs of the PostgreSQL store. A poll leases its tasks in one
 * statement (`FOR UPDATE SKIP LOCKED`: polls at once take different tasks,
 * and never wait on each other), reading the first ready tasks of each task
 * queue along the index of queued tasks (its cost follows the tasks it
 * takes, not the tasks waiting); a report is one statement fenced on the
 * attempt and secret, which locks the task's run first (as a run's own
 * writes do before they touch its tasks) when it pokes it. A failure is
 * decided in JavaScript from the task's row, then written under the fence.
 */
import { encodeJson } from "../../json.js";
import { creationListSql } from "../creation-list-sql.js";
import { finishedSql } from "../status-sql.js";
import type { TaskKey, TaskVerbs } from "../store.js";
import type { TaskRecord } from "../task-records.js";
import {
  decideTaskFailure,
  lapseError,
  refusedReport,
  type TaskFailDecision,
  type TaskRow,
  taskColumns,
  taskNotFound,
  toLeasedTaskRecord,
  toTaskRecord,
} from "../task-rows.js";
import type { PostgresContext } from "./postgres-context.js";

const qualified = (alias: string) =>
  taskColumns
    .split(", ")
    .map((column) => `${alias}.${column}`)
    .join(", ");

/** The statements, for tables in schema `t` (quoted). */
export function taskStatements(t: string) {
  const poke = (condition: string, now: string, channel: string) => `run AS (
        UPDATE ${t}.runs SET poke_seq = poke_seq + 1, updated_at = ${now}
        WHERE id = $1 AND ${condition} AND status NOT IN ${finishedSql} RETURNING id, poke_seq
      ),
      note AS (SELECT pg_notify(${channel}, 'k:' || poke_seq || ':' || id) FROM run)`;
  return {
    // $1 queues, $2 now, $3 limit, $4 worker id. The first tasks of each task queue along `tasks_ready`
    // (its order: only the first entries are read), then the first of those; a row locked and not taken
    // is free again at the statement's end.
    poll: `WITH picked AS (
        SELECT k.run_id, k.position FROM (SELECT DISTINCT unnest($1::text[]) AS queue) q
        CROSS JOIN LATERAL (
          SELECT run_id, position, available_at, created_at FROM ${t}.tasks
          WHERE status = 'queued' AND queue = q.queue AND available_at <= $2::bigint
          ORDER BY available_at, created_at LIMIT $3 FOR UPDATE SKIP LOCKED
        ) k
        ORDER BY k.available_at, k.created_at LIMIT $3
      )
      UPDATE ${t}.tasks k SET status = 'leased', attempt = k.attempt + 1,
        secret = replace(gen_random_uuid()::text, '-', ''), worker_id = $4, leased_at = $2::bigint,
        lease_expires_at = $2::bigint + least(k.timeout_ms, coalesce(k.heartbeat_timeout_ms, k.timeout_ms)),
        heartbeat_at = NULL, details = NULL, updated_at = $2::bigint
      FROM picked p WHERE k.run_id = p.run_id AND k.position = p.position
      RETURNING ${qualified("k")}`,
    get: `SELECT ${taskColumns} FROM ${t}.tasks WHERE run_id = $1 AND position = $2`,
    // $1 run, $2 position, $3 attempt, $4 secret, $5 now, $6 details
    heartbeat: `WITH upd AS (
        UPDATE ${t}.tasks SET heartbeat_at = $5::bigint, details = $6, updated_at = $5::bigint,
          lease_expires_at = CASE WHEN heartbeat_timeout_ms IS NULL THEN lease_expires_at
            ELSE least(leased_at + timeout_ms, $5::bigint + heartbeat_timeout_ms) END
        WHERE run_id = $1 AND position = $2 AND attempt = $3 AND secret = $4 AND status = 'leased'
          AND lease_expires_at > $5::bigint
        RETURNING ${taskColumns}
      )
      SELECT upd.*, (SELECT cancel_requested FROM ${t}.runs WHERE id = $1) AS cancel_requested FROM upd`,
    // $1 run, $2 position, $3 attempt, $4 secret, $5 output, $6 now, $7 channel
    complete: `WITH locked AS (SELECT id FROM ${t}.runs WHERE id = $1 FOR UPDATE),
      upd AS (
        UPDATE ${t}.tasks SET status = 'completed', output = $5, details = NULL, finished_at = $6::bigint,
          updated_at = $6::bigint
        WHERE run_id = $1 AND position = $2 AND attempt = $3 AND secret = $4 AND status = 'leased'
          AND EXISTS (SELECT 1 FROM locked)
        RETURNING run_id
      ),
      ${poke("EXISTS (SELECT 1 FROM upd)", "$6::bigint", "$7")}
      SELECT (SELECT count(*) FROM upd)::int AS done, (SELECT count(*) FROM note)::int AS notes,
        (SELECT poke_seq FROM run) AS poke_seq`,
    // $1 run, $2 position, $3 attempt, $4 secret (NULL: a lapse), $5 status, $6 error, $7 attempts,
    // $8 available at, $9 now, $10 channel
    fail: `WITH locked AS (SELECT id FROM ${t}.runs WHERE id = $1 FOR UPDATE),
      upd AS (
        UPDATE ${t}.tasks SET status = $5, error = $6, attempts = $7, available_at = $8::bigint,
          lease_expires_at = NULL, updated_at = $9::bigint,
          finished_at = CASE WHEN $5 = 'failed' THEN $9::bigint END
        WHERE run_id = $1 AND position = $2 AND attempt = $3 AND status = 'leased'
          AND (secret = $4 OR ($4::text IS NULL AND lease_expires_at <= $9::bigint))
          AND EXISTS (SELECT 1 FROM locked)
        RETURNING run_id, queue
      ),
      ${poke("$5 = 'failed' AND EXISTS (SELECT 1 FROM upd)", "$9::bigint", "$10")},
      note_queue AS (SELECT pg_notify($10, 't:' || queue) FROM upd WHERE $5 = 'queued')
      SELECT (SELECT count(*) FROM upd)::int AS done,
        (SELECT count(*) FROM note)::int + (SELECT count(*) FROM note_queue)::int AS notes`,
    nextLapse: `SELECT min(lease_expires_at) AS next FROM ${t}.tasks WHERE status = 'leased'`,
    // $1 now, $2 limit
    lapsed: `SELECT ${taskColumns} FROM ${t}.tasks WHERE status = 'leased' AND lease_expires_at <= $1::bigint
      ORDER BY lease_expires_at LIMIT $2`,
  };
}

/** The task verbs of the PostgreSQL store (see the module's header). */
export function createPostgresTasks(ctx: PostgresContext): TaskVerbs {
  const sql = taskStatements(ctx.t);
  const getRow = async (runId: string, position: number) => (await ctx.query<TaskRow>(sql.get, [runId, position]))[0];

  /** Writes a failure decided for attempt `task.attempt` (fenced on `secret`, or on a lapse when null). */
  const applyFailure = async (task: TaskRecord, secret: string | null, decision: TaskFailDecision, now: number) => {
    const [result] = await ctx.query<{ done: number }>(sql.fail, [
      task.runId,
      task.position,
      task.attempt,
      secret,
      decision.status,
      encodeJson(decision.error, "error"),
      JSON.stringify(decision.attempts),
      decision.availableAt ?? task.availableAt,
      now,
      ctx.channel,
    ]);
    return Boolean(result?.done);
  };

  /** Why a report changed nothing; "duplicate" when it repeats one that did. */
  const refusal = async (key: TaskKey, what: "heartbeat" | "complete" | "fail", now: number) => {
    const row = await getRow(key.runId, key.position);
    if (!row) throw taskNotFound(key);
    const task = toTaskRecord(row);
    const refused = refusedReport(key, { ...task, secret: row.secret }, what, now);
    if (refused !== "duplicate") throw refused;
    return task;
  };

  return {
    pollTasks({ workerId, queues, limit, now }) {
      return ctx.run(async () => {
        const rows = await ctx.query<TaskRow>(sql.poll, [queues, now, limit, workerId]);
        return rows.map(toLeasedTaskRecord).sort((a, b) => a.availableAt - b.availableAt || a.createdAt - b.createdAt);
      });
    },

    heartbeatTask(key, details, now) {
      return ctx.run(async () => {
        const encoded = encodeJson(details, "details of a heartbeat") ?? null;
        const [row] = await ctx.query<TaskRow & { cancel_requested: boolean | null }>(sql.heartbeat, [
          key.runId,
          key.position,
          key.attempt,
          key.secret,
          now,
          encoded,
        ]);
        if (row) return { task: toTaskRecord(row), cancelRequested: Boolean(row.cancel_requested) };
        await refusal(key, "heartbeat", now);
        throw taskNotFound(key);
      });
    },

    completeTask(key, output, now) {
      return ctx.run(async () => {
        const encoded = encodeJson(output, `output of task "${key.runId}:${key.position}"`) ?? null;
        const [result] = await ctx.query<{ done: number; poke_seq: string | null }>(sql.complete, [
          key.runId,
          key.position,
          key.attempt,
          key.secret,
          encoded,
          now,
          ctx.channel,
        ]);
        if (result?.done) {
          return { duplicate: false, ...(result.poke_seq == null ? {} : { pokeSeq: Number(result.poke_seq) }) };
        }
        await refusal(key, "complete", now);
        return { duplicate: true };
      });
    },

    failTask(key, failure, now) {
      return ctx.run(async () => {
        const row = await getRow(key.runId, key.position);
        if (!row) throw taskNotFound(key);
        const task = toTaskRecord(row);
        if (task.status === "leased" && task.attempt === key.attempt && row.secret === key.secret) {
          const decision = decideTaskFailure(task, failure, now);
          if (await applyFailure(task, key.secret, decision, now)) {
            return {
              ...(decision.availableAt === undefined ? {} : { retryAt: decision.availableAt }),
              duplicate: false,
            };
          }
        }
        const current = await refusal(key, "fail", now);
        return { ...(current.status === "queued" ? { retryAt: current.availableAt } : {}), duplicate: true };
      });
    },

    expireTasks(now, limit, spread) {
      return ctx.run(async () => {
        let ended = 0;
        for (const row of await ctx.query<TaskRow>(sql.lapsed, [now, limit])) {
          const task = toTaskRecord(row);
          const decision = decideTaskFailure(task, { error: lapseError(task), retryable: true, spread: spread() }, now);
          if (await applyFailure(task, null, decision, now)) ended++;
        }
        const [row] = await ctx.query<{ next: string | null }>(sql.nextLapse);
        return row?.next == null ? { ended } : { ended, nextLapse: Number(row.next) };
      });
    },

    getTask(runId, position) {
      return ctx.run(async () => {
        const row = await getRow(runId, position);
        return row ? toTaskRecord(row) : undefined;
      });
    },

    listTasks(filter) {
      return ctx.run(async () => {
        const { text, values } = creationListSql("postgres", `${ctx.t}.tasks`, taskColumns, {
          equals: [
            ["queue", filter.queue],
            ["run_id", filter.runId],
          ],
          ...filter,
        });
        return (await ctx.query<TaskRow>(text, values)).map(toTaskRecord);
      });
    },
  };
}
