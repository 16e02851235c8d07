/**
 * The human task verbs of the PostgreSQL store, each one statement. An
 * answer locks the task's run first (as the run's own writes do before they
 * touch its human tasks), sets the task's status if it is still open, and
 * pokes the run.
 */
import { LeaseLostError } from "../../errors.js";
import { encodeJson } from "../../json.js";
import { creationListSql } from "../creation-list-sql.js";
import type { HumanTaskReassignment, NewHumanTaskRecord } from "../human-task-records.js";
import {
  type HumanTaskRow,
  humanTaskClosed,
  humanTaskColumns,
  humanTaskNotFound,
  newHumanTaskValues,
  toHumanTaskRecord,
} from "../human-task-rows.js";
import { finishedSql } from "../status-sql.js";
import type { HumanTaskVerbs } from "../store.js";
import type { PostgresContext } from "./postgres-context.js";

/** Human tasks to register, as the jsonb of a write. */
export function humanTasksJson(runId: string, tasks: NewHumanTaskRecord[], now: number): string {
  return tasks.length === 0 ? "[]" : JSON.stringify(tasks.map((task) => newHumanTaskValues(runId, task, now)));
}

/** Reassignments, as the jsonb of a write. */
export function reassignmentsJson(reassignments: HumanTaskReassignment[]): string {
  return reassignments.length === 0
    ? "[]"
    : JSON.stringify(
        reassignments.map((r) => ({
          position: r.position,
          assignee: r.assignee ?? null,
          role: r.role ?? null,
          due_at: r.dueAt ?? null,
        })),
      );
}

/**
 * The CTEs a run's write adds for its human tasks, after its CTE `upd` (the
 * run's fenced update): `$id` the run, `$now`, `$finishing` and `$cancel`
 * booleans, `$tasks` the new tasks (`humanTasksJson`), `$recorded` their
 * positions recorded, `$reassigned` (`reassignmentsJson`).
 */
export function humanTaskWriteCtes(
  t: string,
  p: {
    id: string;
    now: string;
    finishing: string;
    cancel: string;
    tasks: string;
    recorded: string;
    reassigned: string;
  },
): string {
  return `human_added AS (
        INSERT INTO ${t}.human_tasks AS h (run_id, workflow, position, name, title, description, form, context, assignee,
          role, status, due_at, remind_at, created_at, updated_at)
        SELECT ${p.id}, (SELECT workflow FROM ${t}.runs WHERE id = ${p.id}), x.position, x.name, x.title, x.description,
          x.form, x.context, x.assignee, x.role, 'open', x.due_at, x.remind_at, ${p.now}, ${p.now}
        FROM jsonb_to_recordset(${p.tasks}) AS x(position integer, name text, title text, description text, form text,
          context text, assignee text, role text, due_at bigint, remind_at bigint)
        WHERE EXISTS (SELECT 1 FROM upd) AND NOT ${p.finishing}
        ON CONFLICT (run_id, position) DO UPDATE SET name = EXCLUDED.name, title = EXCLUDED.title,
          description = EXCLUDED.description, form = EXCLUDED.form, context = EXCLUDED.context,
          assignee = EXCLUDED.assignee, role = EXCLUDED.role, status = 'open', due_at = EXCLUDED.due_at,
          remind_at = EXCLUDED.remind_at, reassigned = false, data = NULL, comment = NULL, completed_by = NULL,
          completed_at = NULL, recorded = false, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
        WHERE h.recorded OR h.status = 'cancelled'
      ),
      human_recorded AS (
        UPDATE ${t}.human_tasks SET recorded = true
        WHERE run_id = ${p.id} AND position = ANY(${p.recorded}) AND EXISTS (SELECT 1 FROM upd)
      ),
      human_reassigned AS (
        UPDATE ${t}.human_tasks h SET assignee = x.assignee, role = x.role, due_at = x.due_at, reassigned = true,
          updated_at = ${p.now}
        FROM jsonb_to_recordset(${p.reassigned}) AS x(position integer, assignee text, role text, due_at bigint)
        WHERE h.run_id = ${p.id} AND h.position = x.position AND h.status = 'open' AND EXISTS (SELECT 1 FROM upd)
          AND NOT ${p.finishing}
      ),
      human_cancelled AS (
        UPDATE ${t}.human_tasks SET status = 'cancelled', updated_at = ${p.now}
        WHERE run_id = ${p.id} AND ${p.finishing} AND ${p.cancel} AND status = 'open' AND EXISTS (SELECT 1 FROM upd)
      )`;
}

/** The statements, for tables in schema `t` (quoted). */
function humanTaskStatements(t: string) {
  return {
    get: `SELECT ${humanTaskColumns} FROM ${t}.human_tasks WHERE run_id = $1 AND position = $2`,
    // $1 run, $2 position, $3 outcome, $4 data, $5 comment, $6 by, $7 now, $8 channel
    answer: `WITH locked AS (SELECT id FROM ${t}.runs WHERE id = $1 FOR UPDATE),
      upd AS (
        UPDATE ${t}.human_tasks SET status = $3, data = $4, comment = $5, completed_by = $6,
          completed_at = $7::bigint, updated_at = $7::bigint
        WHERE run_id = $1 AND position = $2 AND status = 'open' AND EXISTS (SELECT 1 FROM locked)
        RETURNING run_id
      ),
      run AS (
        UPDATE ${t}.runs SET poke_seq = poke_seq + 1, updated_at = $7::bigint
        WHERE id = $1 AND EXISTS (SELECT 1 FROM upd) AND status NOT IN ${finishedSql} RETURNING id, poke_seq
      ),
      note AS (SELECT pg_notify($8, 'k:' || poke_seq || ':' || id) FROM run)
      SELECT (SELECT count(*) FROM upd)::int AS done, (SELECT count(*) FROM note)::int AS notes`,
    // $1 run, $2 position, $3 owner, $4 token, $5 now
    close: `WITH held AS (
        SELECT id FROM ${t}.runs WHERE id = $1 AND lease_owner = $3 AND lease_token = $4::bigint FOR UPDATE
      ),
      upd AS (
        UPDATE ${t}.human_tasks SET status = 'timed_out', updated_at = $5::bigint
        WHERE run_id = $1 AND position = $2 AND status = 'open' AND EXISTS (SELECT 1 FROM held) RETURNING run_id
      )
      SELECT (SELECT count(*) FROM held)::int AS held, (SELECT count(*) FROM upd)::int AS closed`,
  };
}

/** The human task verbs of the PostgreSQL store (see the module's header). */
export function createPostgresHumanTasks(ctx: PostgresContext): HumanTaskVerbs {
  const sql = humanTaskStatements(ctx.t);
  const read = async (runId: string, position: number) => {
    const [row] = await ctx.query<HumanTaskRow>(sql.get, [runId, position]);
    return row ? toHumanTaskRecord(row) : undefined;
  };

  return {
    answerHumanTask(runId, position, answer, now) {
      return ctx.run(async () => {
        const data = encodeJson(answer.data, `data of human task "${runId}:${position}"`) ?? null;
        const [result] = await ctx.query<{ done: number }>(sql.answer, [
          runId,
          position,
          answer.outcome,
          data,
          answer.comment ?? null,
          answer.by,
          now,
          ctx.channel,
        ]);
        const task = await read(runId, position);
        if (!task) throw humanTaskNotFound(runId, position);
        // The same answer again (a retried request) answers the task as it is.
        if (!result?.done && !(task.completedBy === answer.by && task.status === answer.outcome)) {
          throw humanTaskClosed(task);
        }
        return task;
      });
    },

    closeHumanTask(lease, position, now) {
      return ctx.run(async () => {
        const [result] = await ctx.query<{ held: number; closed: number }>(sql.close, [
          lease.runId,
          position,
          lease.owner,
          lease.token,
          now,
        ]);
        if (!result?.held) throw new LeaseLostError(lease.runId);
        if (result.closed) return undefined;
        const task = await read(lease.runId, position);
        return task && (task.status === "completed" || task.status === "rejected") ? task : undefined;
      });
    },

    getHumanTask(runId, position) {
      return ctx.run(() => read(runId, position));
    },

    listHumanTasks(filter) {
      return ctx.run(async () => {
        const { text, values } = creationListSql("postgres", `${ctx.t}.human_tasks`, humanTaskColumns, {
          equals: [
            ["assignee", filter.assignee],
            ["role", filter.role],
            ["run_id", filter.runId],
          ],
          ...filter,
        });
        return (await ctx.query<HumanTaskRow>(text, values)).map(toHumanTaskRecord);
      });
    },
  };
}
