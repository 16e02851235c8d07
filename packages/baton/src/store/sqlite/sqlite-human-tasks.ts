import type Database from "better-sqlite3";
import { LeaseLostError } from "../../errors.js";
import { encodeJson } from "../../json.js";
import { creationListSql } from "../creation-list-sql.js";
import type { HumanTaskReassignment, HumanTaskRecord, NewHumanTaskRecord } from "../human-task-records.js";
import {
  type HumanTaskRow,
  humanTaskClosed,
  humanTaskColumns,
  humanTaskNotFound,
  newHumanTaskValues,
  toHumanTaskRecord,
} from "../human-task-rows.js";
import type { HumanTaskVerbs } from "../store.js";
import type { SqliteContext } from "./sqlite-context.js";

/** What a run's writes do to its human tasks, inside the write's transaction. */
export interface SqliteHumanTaskWrites {
  /** Registers human tasks (an open one at the position is kept; a recorded or cancelled one is replaced). */
  register(runId: string, tasks: NewHumanTaskRecord[], now: number): void;
  /** Marks the human tasks at `positions` recorded. */
  recorded(runId: string, positions: number[]): void;
  /** Gives open human tasks to someone else, with a new timeout. */
  reassign(runId: string, reassignments: HumanTaskReassignment[], now: number): void;
  /** Cancels the run's open human tasks (it finished). */
  cancelOpen(runId: string, now: number): void;
  /** The run's human tasks a person answered, not recorded yet (its inbox). */
  answeredOf(runId: string): HumanTaskRecord[];
}

/** The statements of the human task writes of a run, on a migrated database. */
export function createSqliteHumanTaskWrites(db: Database.Database): SqliteHumanTaskWrites {
  const sql = {
    register: db.prepare(
      `INSERT INTO human_tasks (run_id, workflow, position, name, title, description, form, context, assignee, role,
         status, due_at, remind_at, created_at, updated_at)
       VALUES (@run_id, (SELECT workflow FROM runs WHERE id = @run_id), @position, @name, @title, @description, @form,
         @context, @assignee, @role, 'open', @due_at, @remind_at, @now, @now)
       ON CONFLICT (run_id, position) DO UPDATE SET
         name = excluded.name, title = excluded.title, description = excluded.description, form = excluded.form,
         context = excluded.context, assignee = excluded.assignee, role = excluded.role, status = 'open',
         due_at = excluded.due_at, remind_at = excluded.remind_at, reassigned = 0, data = NULL, comment = NULL,
         completed_by = NULL, completed_at = NULL, recorded = 0, created_at = excluded.created_at,
         updated_at = excluded.updated_at
       WHERE human_tasks.recorded = 1 OR human_tasks.status = 'cancelled'`,
    ),
    recorded: db.prepare("UPDATE human_tasks SET recorded = 1 WHERE run_id = ? AND position = ?"),
    reassign: db.prepare(
      `UPDATE human_tasks SET assignee = @assignee, role = @role, due_at = @dueAt, reassigned = 1, updated_at = @now
       WHERE run_id = @runId AND position = @position AND status = 'open'`,
    ),
    cancelOpen: db.prepare(
      "UPDATE human_tasks SET status = 'cancelled', updated_at = @now WHERE run_id = @runId AND status = 'open'",
    ),
    answered: db.prepare(
      `SELECT ${humanTaskColumns} FROM human_tasks
       WHERE run_id = ? AND status IN ('completed', 'rejected') AND recorded = 0 ORDER BY position`,
    ),
  };
  return {
    register(runId, tasks, now) {
      for (const task of tasks) sql.register.run(newHumanTaskValues(runId, task, now));
    },
    recorded(runId, positions) {
      for (const position of positions) sql.recorded.run(runId, position);
    },
    reassign(runId, reassignments, now) {
      for (const { position, assignee, role, dueAt } of reassignments) {
        sql.reassign.run({
          runId,
          position,
          assignee: assignee ?? null,
          role: role ?? null,
          dueAt: dueAt ?? null,
          now,
        });
      }
    },
    cancelOpen(runId, now) {
      sql.cancelOpen.run({ runId, now });
    },
    answeredOf(runId) {
      return (sql.answered.all(runId) as HumanTaskRow[]).map(toHumanTaskRecord);
    },
  };
}

/** The human task verbs of the SQLite store, each one write of the group commit (or a read). */
export function createSqliteHumanTasks(ctx: SqliteContext): HumanTaskVerbs {
  const sql = ctx.prepared((db) => ({
    get: db.prepare(`SELECT ${humanTaskColumns} FROM human_tasks WHERE run_id = ? AND position = ?`),
    answer: db.prepare(
      `UPDATE human_tasks SET status = @outcome, data = @data, comment = @comment, completed_by = @by,
         completed_at = @now, updated_at = @now
       WHERE run_id = @runId AND position = @position AND status = 'open'`,
    ),
    timeOut: db.prepare(
      "UPDATE human_tasks SET status = 'timed_out', updated_at = ? WHERE run_id = ? AND position = ? AND status = 'open'",
    ),
    held: db.prepare("SELECT 1 FROM runs WHERE id = ? AND lease_owner = ? AND lease_token = ?"),
  }));
  const read = (runId: string, position: number) => {
    const row = sql().get.get(runId, position) as HumanTaskRow | undefined;
    return row ? toHumanTaskRecord(row) : undefined;
  };

  return {
    answerHumanTask(runId, position, answer, now) {
      return ctx.batcher.write(() => {
        const { changes } = sql().answer.run({
          runId,
          position,
          outcome: answer.outcome,
          data: encodeJson(answer.data, `data of human task "${runId}:${position}"`) ?? null,
          comment: answer.comment ?? null,
          by: answer.by,
          now,
        });
        const task = read(runId, position);
        if (!task) throw humanTaskNotFound(runId, position);
        // The same answer again (a retried request) answers the task as it is.
        if (changes === 0 && !(task.completedBy === answer.by && task.status === answer.outcome)) {
          throw humanTaskClosed(task);
        }
        if (changes === 0) return task;
        ctx.pokeRun(runId, now);
        return task;
      });
    },

    closeHumanTask(lease, position, now) {
      return ctx.batcher.write(() => {
        if (!sql().held.get(lease.runId, lease.owner, lease.token)) throw new LeaseLostError(lease.runId);
        if (sql().timeOut.run(now, lease.runId, position).changes > 0) return undefined;
        const task = read(lease.runId, position);
        return task && (task.status === "completed" || task.status === "rejected") ? task : undefined;
      });
    },

    async getHumanTask(runId, position) {
      return read(runId, position);
    },

    async listHumanTasks(filter) {
      sql(); // the schema is migrated
      const { text, values } = creationListSql("sqlite", "human_tasks", humanTaskColumns, {
        equals: [
          ["assignee", filter.assignee],
          ["role", filter.role],
          ["run_id", filter.runId],
        ],
        ...filter,
      });
      return (ctx.db.prepare(text).all(...values) as HumanTaskRow[]).map(toHumanTaskRecord);
    },
  };
}
