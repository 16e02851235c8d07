import type pg from "pg";
import { encodeJson } from "../../json.js";
import { isFinished } from "../../types.js";
import { finishedSql } from "../status-sql.js";
import type { Lease, NewTaskRecord, RunWrite, RunWriteFields } from "../store.js";
import { newTaskValues } from "../task-rows.js";
import type { PostgresContext } from "./postgres-context.js";
import { humanTasksJson, humanTaskWriteCtes, reassignmentsJson } from "./postgres-human-tasks.js";
import { eventColumns, insertRuns } from "./postgres-runs.js";

/** Tasks to register, as the jsonb `$25` of the write. */
function tasksJson(runId: string, tasks: NewTaskRecord[], now: number): string {
  return tasks.length === 0 ? "[]" : JSON.stringify(tasks.map((task) => newTaskValues(runId, task, now)));
}

/** The statement of a write sent alone, for tables in schema `t` (quoted). */
export function fullWriteStatements(t: string) {
  return {
    // $1 id, $2 owner, $3 token, $4 previous seq, $5 last seq, $6 status, $7 set output, $8 output,
    // $9 set error, $10 error, $11 set wake, $12 wake at, $13 seen poke seq, $14 finished at,
    // $15 release, $16 now, $17 events, $18 consumed signals, $19 child runs, $20 child events,
    // $21 finishing, $22 channel, $23 event waits to register, $24 positions of event waits ended,
    // $25 tasks to register, $26 positions of tasks recorded, $27 cancel the run's open tasks (when finishing),
    // $28 human tasks to register, $29 positions of human tasks recorded, $30 human tasks reassigned
    // A run's last write pokes its parent: both rows are locked first, in id
    // order, as renewals and batched writes lock theirs (no deadlock between them).
    append: `WITH locked AS (
        SELECT id FROM ${t}.runs
        WHERE id = $1 OR ($21::boolean AND id = (SELECT parent_id FROM ${t}.runs WHERE id = $1))
        ORDER BY id FOR UPDATE
      ),
      -- A child id taken already leaves the run poked: should its holder die
      -- before it checks that run, whoever takes the run over checks it.
      taken AS (
        SELECT 1 FROM ${t}.runs WHERE id IN (SELECT c.id FROM jsonb_to_recordset($19::jsonb) AS c(id text))
      ),
      upd AS (
        UPDATE ${t}.runs SET
          last_seq = $5::integer,
          status = coalesce($6::text, status),
          output = CASE WHEN $7::boolean THEN $8::text ELSE output END,
          error = CASE WHEN $9::boolean THEN $10::text ELSE error END,
          wake_at = CASE WHEN $11::boolean THEN $12::bigint ELSE wake_at END,
          seen_poke_seq = coalesce($13::bigint, seen_poke_seq),
          poke_seq = poke_seq + CASE WHEN EXISTS (SELECT 1 FROM taken) THEN 1 ELSE 0 END,
          finished_at = coalesce($14::bigint, finished_at),
          lease_owner = CASE WHEN $15::boolean THEN NULL ELSE lease_owner END,
          lease_expires_at = CASE WHEN $15::boolean THEN NULL ELSE lease_expires_at END,
          updated_at = $16::bigint
        WHERE id = $1 AND lease_owner = $2 AND lease_token = $3::bigint AND last_seq = $4::integer
          AND EXISTS (SELECT 1 FROM locked WHERE locked.id = $1)
        RETURNING parent_id, status, wake_at, poke_seq, seen_poke_seq, queue
      ),
      hist AS (
        INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
        SELECT $1, e.seq, e.type, e.position, e.at, e.data
        FROM jsonb_to_recordset($17::jsonb) AS e(${eventColumns})
        WHERE EXISTS (SELECT 1 FROM upd)
      ),
      consumed AS (
        UPDATE ${t}.signals SET consumed_seq = $5::integer
        WHERE run_id = $1 AND id = ANY($18::bigint[]) AND EXISTS (SELECT 1 FROM upd)
      ),
      ${insertRuns(t, "$19", "$20", "$16::bigint", "EXISTS (SELECT 1 FROM upd)")},
      waits_added AS (
        INSERT INTO ${t}.event_waits (run_id, position, name, match, due_at)
        SELECT $1, w.position, w.name, w.match, w.due_at
        FROM jsonb_to_recordset($23::jsonb) AS w(position integer, name text, match jsonb, due_at bigint)
        WHERE EXISTS (SELECT 1 FROM upd) AND NOT $21::boolean AND NOT (w.position = ANY($24::integer[]))
        ON CONFLICT (run_id, position) DO NOTHING
      ),
      waits_ended AS (
        DELETE FROM ${t}.event_waits
        WHERE run_id = $1 AND EXISTS (SELECT 1 FROM upd) AND ($21::boolean OR position = ANY($24::integer[]))
      ),
      tasks_added AS (
        INSERT INTO ${t}.tasks AS k (run_id, position, name, queue, status, input, max_attempts, retry, timeout_ms,
          heartbeat_timeout_ms, available_at, created_at, updated_at)
        SELECT $1, x.position, x.name, x.queue, 'queued', x.input, x.max_attempts, x.retry, x.timeout_ms,
          x.heartbeat_timeout_ms, $16::bigint, $16::bigint, $16::bigint
        FROM jsonb_to_recordset($25::jsonb) AS x(position integer, name text, queue text, input text,
          max_attempts integer, retry text, timeout_ms bigint, heartbeat_timeout_ms bigint)
        WHERE EXISTS (SELECT 1 FROM upd) AND NOT $21::boolean
        ON CONFLICT (run_id, position) DO UPDATE SET name = EXCLUDED.name, queue = EXCLUDED.queue,
          status = 'queued', input = EXCLUDED.input, output = NULL, error = NULL, attempt = 0,
          max_attempts = EXCLUDED.max_attempts, retry = EXCLUDED.retry, timeout_ms = EXCLUDED.timeout_ms,
          heartbeat_timeout_ms = EXCLUDED.heartbeat_timeout_ms, available_at = EXCLUDED.available_at, secret = NULL,
          worker_id = NULL, leased_at = NULL, lease_expires_at = NULL, heartbeat_at = NULL, details = NULL,
          attempts = '[]', recorded = false, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
          finished_at = NULL
        WHERE k.recorded OR k.status = 'cancelled'
        RETURNING queue
      ),
      note_tasks AS (SELECT pg_notify($22, 't:' || queue) FROM (SELECT DISTINCT queue FROM tasks_added) q),
      tasks_recorded AS (
        UPDATE ${t}.tasks SET recorded = true
        WHERE run_id = $1 AND position = ANY($26::integer[]) AND EXISTS (SELECT 1 FROM upd)
      ),
      tasks_cancelled AS (
        UPDATE ${t}.tasks SET status = 'cancelled', finished_at = $16::bigint, updated_at = $16::bigint
        WHERE run_id = $1 AND $21::boolean AND $27::boolean AND status IN ('queued', 'leased')
          AND EXISTS (SELECT 1 FROM upd)
      ),
      ${humanTaskWriteCtes(t, {
        id: "$1",
        now: "$16::bigint",
        finishing: "$21::boolean",
        cancel: "$27::boolean",
        tasks: "$28::jsonb",
        recorded: "$29::integer[]",
        reassigned: "$30::jsonb",
      })},
      parent AS (
        UPDATE ${t}.runs p SET poke_seq = p.poke_seq + 1, updated_at = $16::bigint
        FROM upd WHERE $21::boolean AND p.id = upd.parent_id AND p.status NOT IN ${finishedSql}
        RETURNING p.id, p.poke_seq
      ),
      note_parent AS (SELECT pg_notify($22, 'k:' || poke_seq || ':' || id) FROM parent),
      note_children AS (SELECT pg_notify($22, 'r') WHERE EXISTS (SELECT 1 FROM new_runs)),
      note_release AS (
        SELECT pg_notify($22, CASE WHEN u.status <> 'waiting' OR u.poke_seq > u.seen_poke_seq THEN 'r'
          ELSE 'w:' || u.wake_at END)
        FROM upd u
        WHERE $15::boolean AND NOT $21::boolean
          AND (u.status <> 'waiting' OR u.poke_seq > u.seen_poke_seq OR u.wake_at IS NOT NULL)
      ),
      -- A run of a named queue that finishes or lets go frees its slot: claimers look again.
      note_queue AS (
        SELECT pg_notify($22, 'r') FROM upd u WHERE ($15::boolean OR $21::boolean) AND u.queue <> 'default'
      )
      SELECT (SELECT count(*) FROM upd)::int AS matched,
        (SELECT count(*) FROM note_parent)::int + (SELECT count(*) FROM note_children)::int
          + (SELECT count(*) FROM note_release)::int + (SELECT count(*) FROM note_queue)::int
          + (SELECT count(*) FROM note_tasks)::int AS notes,
        -- Children not created because their id was taken (the caller decides whether that run is the child).
        (SELECT array_agg(c.id) FROM jsonb_to_recordset($19::jsonb) AS c(id text)
          WHERE EXISTS (SELECT 1 FROM upd) AND c.id NOT IN (SELECT id FROM new_runs)) AS existing`,
  };
}

/** What a write sent alone carries besides the write itself (computed once, before its retries). */
export interface FullWriteParts {
  previousSeq: number;
  lastSeq: number;
  /** History rows (`ctx.eventRows`). */
  history: object[];
  /** The `runs` and `events` jsonb arrays of its children (`ctx.newRunsJson`). */
  children: { runs: string; events: string };
  /** Event waits to register, as jsonb (`events.waitsJson`). */
  eventWaits: string;
  /** The pool to send it on (default: the store's). */
  on?: pg.Pool;
}

/** The answer of a write sent alone. */
export interface FullWriteResult {
  /** Its fence matched (it applied). */
  matched: boolean;
  /** Children not created because their id was taken. */
  existing?: string[];
}

/**
 * Sends a write of any verb as one statement of its own (the `full`,
 * `release` and `end` verbs, and a batched write that must go alone): the
 * run's row and its parent's are locked in id order, then its history,
 * signals, children, event waits, parent's poke and notices are written
 * only when its fence matched.
 */
export function createPostgresFullWrites(
  ctx: PostgresContext,
): (lease: Lease, write: RunWrite, parts: FullWriteParts) => Promise<FullWriteResult> {
  const sql = fullWriteStatements(ctx.t);
  return async (lease, write, { previousSeq, lastSeq, history, children, eventWaits, on }) => {
    const fields: RunWriteFields = write;
    const finishing = write.kind === "finish" || (write.status !== undefined && isFinished(write.status));
    const output = encodeJson(fields.output, `output of run "${lease.runId}"`);
    const error = encodeJson(fields.error, "error");
    const [result] = await ctx.query<{ matched: number; existing: string[] | null }>(
      sql.append,
      [
        lease.runId,
        lease.owner,
        lease.token,
        previousSeq,
        lastSeq,
        write.status ?? null,
        fields.output !== undefined,
        output ?? null,
        fields.error !== undefined,
        error ?? null,
        fields.wakeAt !== undefined || finishing,
        finishing ? null : (fields.wakeAt ?? null),
        write.seenPokeSeq ?? null,
        finishing ? write.now : null,
        write.kind === "release" || finishing,
        write.now,
        JSON.stringify(history),
        fields.consumedSignals ?? [],
        children.runs,
        children.events,
        finishing,
        ctx.channel,
        eventWaits,
        fields.endedEventWaits ?? [],
        tasksJson(lease.runId, fields.tasks ?? [], write.now),
        fields.recordedTasks ?? [],
        Boolean(fields.cancelTasks),
        humanTasksJson(lease.runId, fields.humanTasks ?? [], write.now),
        fields.recordedHumanTasks ?? [],
        reassignmentsJson(fields.reassignedHumanTasks ?? []),
      ],
      on,
    );
    return {
      matched: Boolean(result?.matched),
      ...(result?.existing?.length ? { existing: result.existing } : {}),
    };
  };
}
