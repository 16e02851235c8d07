import { pokedPayload } from "../notice-payload.js";
import { type ScheduleRow, scheduleNotFound, toScheduleColumns, toScheduleRecord } from "../schedule-rows.js";
import { finishedSql } from "../status-sql.js";
import type { ScheduleFire, ScheduleFireResult, ScheduleRecord, ScheduleVerbs } from "../store.js";
import type { SqliteContext } from "./sqlite-context.js";

/** A schedule with the status of its latest run. */
const withLastRun = "SELECT s.*, r.status AS last_run_status FROM schedules s LEFT JOIN runs r ON r.id = s.last_run_id";

/** Columns a definition writes, and their named parameters. */
const definition = `workflow = @workflow, cron = @cron, every = @every, timezone = @timezone, input = @input,
  overlap = @overlap, catchup = @catchup, start_at = @start_at, end_at = @end_at`;

/** The differences that make a code-declared schedule's stored definition stale. */
const changed = `schedules.workflow IS NOT excluded.workflow OR schedules.cron IS NOT excluded.cron
  OR schedules.every IS NOT excluded.every OR schedules.timezone IS NOT excluded.timezone
  OR schedules.input IS NOT excluded.input OR schedules.overlap IS NOT excluded.overlap
  OR schedules.catchup IS NOT excluded.catchup OR schedules.start_at IS NOT excluded.start_at
  OR schedules.end_at IS NOT excluded.end_at OR schedules.source IS NOT excluded.source`;

/**
 * The schedule verbs of the SQLite store: writes go through the group
 * commit (each in its own savepoint), reads to the database directly. A
 * firing is one write: the compare-and-set on the schedule's revision, the
 * cancel of the previous run, the new runs.
 */
export function createSqliteSchedules(ctx: SqliteContext): ScheduleVerbs {
  const sql = ctx.prepared((db) => ({
    get: db.prepare(`${withLastRun} WHERE s.id = ?`),
    list: db.prepare(`${withLastRun} WHERE @workflow IS NULL OR s.workflow = @workflow ORDER BY s.id`),
    insert: db.prepare(
      `INSERT INTO schedules (id, workflow, cron, every, timezone, input, overlap, catchup, start_at, end_at, paused,
         source, next_fire_at, created_at, updated_at)
       VALUES (@id, @workflow, @cron, @every, @timezone, @input, @overlap, @catchup, @start_at, @end_at, @paused,
         @source, @next_fire_at, @now, @now)
       ON CONFLICT (id) DO NOTHING`,
    ),
    upsertCode: db.prepare(
      `INSERT INTO schedules (id, workflow, cron, every, timezone, input, overlap, catchup, start_at, end_at, paused,
         source, next_fire_at, created_at, updated_at)
       VALUES (@id, @workflow, @cron, @every, @timezone, @input, @overlap, @catchup, @start_at, @end_at, 0,
         'code', @next_fire_at, @now, @now)
       ON CONFLICT (id) DO UPDATE SET ${definition.replaceAll("@", "excluded.")}, source = 'code',
         next_fire_at = CASE WHEN schedules.paused = 1 THEN NULL ELSE excluded.next_fire_at END,
         buffered_at = NULL, revision = schedules.revision + 1, updated_at = excluded.updated_at
       WHERE ${changed}`,
    ),
    update: db.prepare(
      `UPDATE schedules SET ${definition}, paused = @paused, next_fire_at = @next_fire_at,
         buffered_at = CASE WHEN @keep_buffered = 1 THEN buffered_at ELSE @buffered_at END,
         revision = revision + 1, updated_at = @now
       WHERE id = @id AND revision = @revision`,
    ),
    delete: db.prepare("DELETE FROM schedules WHERE id = ?"),
    deleteUndeclared: db.prepare(
      `DELETE FROM schedules WHERE source = 'code' AND workflow IN (SELECT value FROM json_each(?))
         AND id NOT IN (SELECT value FROM json_each(?))`,
    ),
    // Each branch reads its partial index (due fire times, waiting runs).
    due: db.prepare(
      `${withLastRun} WHERE s.id IN (SELECT id FROM schedules WHERE next_fire_at <= @now
           UNION SELECT id FROM schedules WHERE buffered_at IS NOT NULL)
         AND s.paused = 0 AND s.workflow IN (SELECT value FROM json_each(@workflows))
         AND (s.next_fire_at <= @now OR (s.buffered_at IS NOT NULL AND (r.status IS NULL OR r.status IN ${finishedSql})))
       ORDER BY coalesce(s.next_fire_at, s.buffered_at) LIMIT @limit`,
    ),
    next: db.prepare(
      `SELECT (SELECT min(next_fire_at) FROM schedules WHERE next_fire_at > @now AND paused = 0
           AND workflow IN (SELECT value FROM json_each(@workflows))) AS next_at,
         EXISTS (SELECT 1 FROM schedules WHERE buffered_at IS NOT NULL AND paused = 0
           AND workflow IN (SELECT value FROM json_each(@workflows))) AS buffered`,
    ),
    fire: db.prepare(
      `UPDATE schedules SET next_fire_at = @next_fire_at, last_fire_at = coalesce(@last_fire_at, last_fire_at),
         last_run_id = coalesce(@last_run_id, last_run_id), skipped_count = skipped_count + @skipped,
         last_skipped_at = coalesce(@last_skipped_at, last_skipped_at), buffered_at = @buffered_at,
         revision = revision + 1, updated_at = @now
       WHERE id = @id AND revision = @revision`,
    ),
    setLastRun: db.prepare(
      "UPDATE schedules SET last_run_id = ?, revision = revision + 1, updated_at = ? WHERE id = ?",
    ),
    exists: db.prepare("SELECT 1 FROM schedules WHERE id = ?").pluck(),
    cancel: db.prepare(
      `UPDATE runs SET cancel_requested = 1, poke_seq = poke_seq + 1, updated_at = ?
       WHERE id = ? AND status NOT IN ${finishedSql} RETURNING poke_seq`,
    ),
  }));
  const load = (id: string): ScheduleRecord | undefined => {
    const row = sql().get.get(id) as ScheduleRow | undefined;
    return row ? toScheduleRecord(row) : undefined;
  };

  /** One firing of `fireSchedules`, inside its write. */
  const fireOne = (fire: ScheduleFire, now: number): ScheduleFireResult | undefined => {
    const s = sql();
    const changes = s.fire.run({
      id: fire.id,
      revision: fire.revision,
      next_fire_at: fire.nextFireAt ?? null,
      last_fire_at: fire.lastFireAt ?? null,
      last_run_id: fire.lastRunId ?? null,
      skipped: fire.skipped,
      last_skipped_at: fire.lastSkippedAt ?? null,
      buffered_at: fire.bufferedAt ?? null,
      now,
    }).changes;
    if (changes === 0) return undefined;
    let cancelled = false;
    if (fire.cancelRunId !== undefined) {
      const poked = s.cancel.get(now, fire.cancelRunId) as { poke_seq: number } | undefined;
      if (poked) ctx.notices.announce(pokedPayload(fire.cancelRunId, poked.poke_seq));
      cancelled = poked !== undefined;
    }
    const created = fire.runs.filter((run) => ctx.insertRun(run, now)).map((run) => run.id);
    return { created, cancelled };
  };

  return {
    createSchedule(schedule, now) {
      const columns = toScheduleColumns(schedule);
      return ctx.batcher.write(() => {
        const created = sql().insert.run({ ...columns, now }).changes > 0;
        if (created) ctx.notices.announce("s");
        return { schedule: load(schedule.id) as ScheduleRecord, created };
      });
    },

    updateSchedule(update, revision, now) {
      const columns = toScheduleColumns(update);
      return ctx.batcher.write(() => {
        const changes = sql().update.run({
          ...columns,
          revision,
          now,
          keep_buffered: update.bufferedAt === undefined ? 1 : 0,
          buffered_at: update.bufferedAt ?? null,
        }).changes;
        if (changes === 0) return undefined;
        ctx.notices.announce("s");
        return load(update.id);
      });
    },

    deleteSchedule(id) {
      return ctx.batcher.write(() => {
        const deleted = sql().delete.run(id).changes > 0;
        if (deleted) ctx.notices.announce("s");
        return deleted;
      });
    },

    async getSchedule(id) {
      return load(id);
    },

    async listSchedules(filter = {}) {
      return (sql().list.all({ workflow: filter.workflow ?? null }) as ScheduleRow[]).map(toScheduleRecord);
    },

    upsertCodeSchedules(workflows, schedules, now) {
      const rows = schedules.map((schedule) => toScheduleColumns(schedule));
      return ctx.batcher.write(() => {
        for (const row of rows) sql().upsertCode.run({ ...row, now });
        sql().deleteUndeclared.run(JSON.stringify(workflows), JSON.stringify(rows.map((row) => row.id)));
        ctx.notices.announce("s");
      });
    },

    async listDueSchedules(now, limit, workflows) {
      const names = JSON.stringify(workflows);
      const rows = sql().due.all({ now, limit, workflows: names }) as ScheduleRow[];
      const next = sql().next.get({ now, workflows: names }) as { next_at: number | null; buffered: number | null };
      return {
        schedules: rows.map(toScheduleRecord),
        ...(next.next_at === null ? {} : { nextFireAt: next.next_at }),
        buffered: next.buffered === 1,
      };
    },

    fireSchedules(fires, now) {
      return ctx.batcher.write(() => fires.map((fire) => fireOne(fire, now)));
    },

    createScheduledRuns(scheduleId, runs, lastRunId, now) {
      return ctx.batcher.write(() => {
        const s = sql();
        if (!s.exists.get(scheduleId)) throw scheduleNotFound(scheduleId);
        const created = runs.filter((run) => ctx.insertRun(run, now)).map((run) => run.id);
        if (lastRunId !== undefined) s.setLastRun.run(lastRunId, now, scheduleId);
        return created;
      });
    },
  };
}
