/**
 * The schedule verbs of the PostgreSQL store, each one statement. A firing
 * locks the schedule's row `FOR UPDATE SKIP LOCKED` under a compare-and-set
 * on its revision, and in the same statement advances it, asks the previous
 * run to cancel and creates the runs: two workers firing the same schedule
 * at once never wait on each other, and one of them does nothing. A firing
 * retried after an ambiguous commit finds the revision moved on and does
 * nothing either (its runs, if committed, exist under their ids).
 */
import { randomInt } from "node:crypto";
import { type ScheduleRow, scheduleNotFound, toScheduleColumns, toScheduleRecord } from "../schedule-rows.js";
import { finishedSql } from "../status-sql.js";
import type { ScheduleVerbs } from "../store.js";
import type { PostgresContext } from "./postgres-context.js";
import { insertRuns } from "./postgres-runs.js";

/** The statements, for tables in schema `t` (quoted). */
function scheduleSql(t: string) {
  const withLastRun = `SELECT s.*, r.status AS last_run_status FROM ${t}.schedules s
    LEFT JOIN ${t}.runs r ON r.id = s.last_run_id`;
  const fromJson = `jsonb_to_recordset($1::jsonb) AS x(id text, workflow text, cron text, every text, timezone text,
    input text, overlap text, catchup text, start_at bigint, end_at bigint, paused integer, source text, next_fire_at bigint)`;
  return {
    get: `${withLastRun} WHERE s.id = $1`,
    list: `${withLastRun} WHERE $1::text IS NULL OR s.workflow = $1 ORDER BY s.id`,
    // $1 [row], $2 now, $3 channel
    create: `WITH ins AS (
        INSERT INTO ${t}.schedules (id, workflow, cron, every, timezone, input, overlap, catchup, start_at, end_at,
          paused, source, next_fire_at, created_at, updated_at)
        SELECT id, workflow, cron, every, timezone, input, overlap, catchup, start_at, end_at, paused = 1, source,
          next_fire_at, $2::bigint, $2::bigint FROM ${fromJson}
        ON CONFLICT (id) DO NOTHING RETURNING id
      ),
      note AS (SELECT pg_notify($3, 's') FROM ins)
      SELECT (SELECT count(*) FROM ins)::int AS created, (SELECT count(*) FROM note)::int AS notes`,
    // $1 [row], $2 revision, $3 now, $4 keep buffered, $5 buffered_at, $6 channel
    update: `WITH upd AS (
        UPDATE ${t}.schedules s SET workflow = x.workflow, cron = x.cron, every = x.every, timezone = x.timezone,
          input = x.input, overlap = x.overlap, catchup = x.catchup, start_at = x.start_at, end_at = x.end_at,
          paused = x.paused = 1, next_fire_at = x.next_fire_at,
          buffered_at = CASE WHEN $4::boolean THEN s.buffered_at ELSE $5::bigint END,
          revision = s.revision + 1, updated_at = $3::bigint
        FROM ${fromJson} WHERE s.id = x.id AND s.revision = $2::integer RETURNING s.id
      ),
      note AS (SELECT pg_notify($6, 's') FROM upd)
      SELECT (SELECT count(*) FROM upd)::int AS updated, (SELECT count(*) FROM note)::int AS notes`,
    // $1 id, $2 channel
    delete: `WITH del AS (DELETE FROM ${t}.schedules WHERE id = $1 RETURNING id),
      note AS (SELECT pg_notify($2, 's') FROM del)
      SELECT (SELECT count(*) FROM del)::int AS deleted, (SELECT count(*) FROM note)::int AS notes`,
    // $1 rows, $2 now, $3 workflows, $4 channel
    upsertCode: `WITH x AS (SELECT * FROM ${fromJson}),
      up AS (
        INSERT INTO ${t}.schedules AS s (id, workflow, cron, every, timezone, input, overlap, catchup, start_at, end_at,
          paused, source, next_fire_at, created_at, updated_at)
        SELECT id, workflow, cron, every, timezone, input, overlap, catchup, start_at, end_at, false, 'code',
          next_fire_at, $2::bigint, $2::bigint FROM x
        ON CONFLICT (id) DO UPDATE SET workflow = EXCLUDED.workflow, cron = EXCLUDED.cron, every = EXCLUDED.every,
          timezone = EXCLUDED.timezone, input = EXCLUDED.input, overlap = EXCLUDED.overlap,
          catchup = EXCLUDED.catchup, start_at = EXCLUDED.start_at, end_at = EXCLUDED.end_at, source = 'code',
          next_fire_at = CASE WHEN s.paused THEN NULL ELSE EXCLUDED.next_fire_at END,
          buffered_at = NULL, revision = s.revision + 1, updated_at = EXCLUDED.updated_at
        WHERE (s.workflow, s.cron, s.every, s.timezone, s.input, s.overlap, s.catchup, s.start_at, s.end_at, s.source)
          IS DISTINCT FROM (EXCLUDED.workflow, EXCLUDED.cron, EXCLUDED.every, EXCLUDED.timezone, EXCLUDED.input,
            EXCLUDED.overlap, EXCLUDED.catchup, EXCLUDED.start_at, EXCLUDED.end_at, 'code')
        RETURNING s.id
      ),
      gone AS (
        DELETE FROM ${t}.schedules d WHERE d.source = 'code' AND d.workflow = ANY ($3::text[])
          AND d.id NOT IN (SELECT id FROM x) RETURNING d.id
      )
      SELECT pg_notify($4, 's'), (SELECT count(*) FROM up)::int AS upserted, (SELECT count(*) FROM gone)::int AS gone`,
    // $1 now, $2 limit, $3 workflows, $4 this store's order of the schedules due at one time
    // (`dueOrder`); each branch of the IN reads its partial index. It locks nothing: `fire` is the
    // compare-and-set (a lock here, released with the statement, made PostgreSQL recheck every row
    // another scheduler had fired meanwhile by running the query again for it: 20 s at 10,000).
    due: `${withLastRun} WHERE s.id IN (SELECT id FROM ${t}.schedules WHERE next_fire_at <= $1::bigint
          UNION ALL SELECT id FROM ${t}.schedules WHERE buffered_at IS NOT NULL)
        AND NOT s.paused AND s.workflow = ANY ($3::text[])
        AND (s.next_fire_at <= $1::bigint OR (s.buffered_at IS NOT NULL AND (r.status IS NULL OR r.status IN ${finishedSql})))
      ORDER BY coalesce(s.next_fire_at, s.buffered_at), hashtext(s.id) # $4::integer
      LIMIT $2`,
    // $1 workflows, $2 now
    next: `SELECT (SELECT min(next_fire_at) FROM ${t}.schedules WHERE next_fire_at > $2::bigint AND NOT paused
          AND workflow = ANY ($1::text[])) AS next_at,
        EXISTS (SELECT 1 FROM ${t}.schedules WHERE buffered_at IS NOT NULL AND NOT paused
          AND workflow = ANY ($1::text[])) AS buffered`,
    // Fires many schedules in one statement: those whose revision is as read
    // and that no other worker holds. $1 fires (jsonb), $2 now, $3 runs, $4 events, $5 channel
    fire: `WITH f AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS f(id text, revision integer, next_fire_at bigint,
          last_fire_at bigint, last_run_id text, skipped integer, last_skipped_at bigint, buffered_at bigint,
          cancel_run_id text)
      ),
      s AS (
        SELECT sc.id FROM ${t}.schedules sc JOIN f ON f.id = sc.id AND sc.revision = f.revision
        ORDER BY sc.id FOR UPDATE OF sc SKIP LOCKED
      ),
      upd AS (
        UPDATE ${t}.schedules sc SET next_fire_at = f.next_fire_at, last_fire_at = coalesce(f.last_fire_at, sc.last_fire_at),
          last_run_id = coalesce(f.last_run_id, sc.last_run_id), skipped_count = sc.skipped_count + f.skipped,
          last_skipped_at = coalesce(f.last_skipped_at, sc.last_skipped_at), buffered_at = f.buffered_at,
          revision = sc.revision + 1, updated_at = $2::bigint
        FROM f WHERE sc.id = f.id AND sc.id IN (SELECT id FROM s) RETURNING sc.id
      ),
      cancelled AS (
        UPDATE ${t}.runs r SET cancel_requested = true, poke_seq = r.poke_seq + 1, updated_at = $2::bigint
        FROM f WHERE r.id = f.cancel_run_id AND f.id IN (SELECT id FROM upd) AND r.status NOT IN ${finishedSql}
        RETURNING r.id, r.poke_seq
      ),
      ${insertRuns(t, "$3", "$4", "$2::bigint", "r.schedule_id IN (SELECT id FROM upd)")},
      note AS (SELECT pg_notify($5, 'r') FROM (SELECT 1 FROM new_runs LIMIT 1) n),
      poke AS (SELECT pg_notify($5, 'k:' || poke_seq || ':' || id) FROM cancelled)
      SELECT coalesce((SELECT json_agg(id) FROM upd), '[]'::json) AS fired,
        coalesce((SELECT json_agg(id) FROM cancelled), '[]'::json) AS cancelled,
        coalesce((SELECT json_agg(json_build_array(id, schedule_id)) FROM new_runs), '[]'::json) AS created,
        (SELECT count(*) FROM note)::int + (SELECT count(*) FROM poke)::int AS notes`,
    // $1 schedule, $2 runs, $3 events, $4 now, $5 last run id, $6 channel
    createRuns: `WITH s AS (SELECT id FROM ${t}.schedules WHERE id = $1 FOR UPDATE),
      upd AS (
        UPDATE ${t}.schedules SET last_run_id = $5::text, revision = revision + 1, updated_at = $4::bigint
        WHERE id IN (SELECT id FROM s) AND $5::text IS NOT NULL
      ),
      ${insertRuns(t, "$2", "$3", "$4::bigint", "EXISTS (SELECT 1 FROM s)")},
      note AS (SELECT pg_notify($6, 'r') FROM (SELECT 1 FROM new_runs LIMIT 1) n)
      SELECT (SELECT count(*) FROM s)::int AS found, coalesce((SELECT json_agg(id) FROM new_runs), '[]'::json) AS created,
        (SELECT count(*) FROM note)::int AS notes`,
  };
}

/** The schedule verbs on tables in schema `t`. */
export function createPostgresSchedules(ctx: PostgresContext): ScheduleVerbs {
  /**
   * Schedules due at one time are listed in an order of this store's own
   * (their ids hashed, mixed with a number drawn at random): the schedulers
   * of several processes then fire mostly different pages side by side,
   * rather than all the same one, of which all but one would lose the
   * compare-and-set of `fire`.
   */
  const dueOrder = randomInt(-(2 ** 31), 2 ** 31 - 1);
  const { query, run, channel } = ctx;
  const sql = scheduleSql(ctx.t);
  const load = async (id: string) => {
    const [row] = await query<ScheduleRow>(sql.get, [id]);
    return row ? toScheduleRecord(row) : undefined;
  };
  return {
    createSchedule(schedule, now) {
      const row = JSON.stringify([toScheduleColumns(schedule)]);
      return run(async () => {
        const [result] = await query<{ created: number }>(sql.create, [row, now, channel]);
        const stored = await load(schedule.id);
        if (!stored) throw scheduleNotFound(schedule.id);
        return { schedule: stored, created: (result?.created ?? 0) > 0 };
      });
    },
    updateSchedule(update, revision, now) {
      const row = JSON.stringify([toScheduleColumns(update)]);
      return run(async () => {
        const [result] = await query<{ updated: number }>(sql.update, [
          row,
          revision,
          now,
          update.bufferedAt === undefined,
          update.bufferedAt ?? null,
          channel,
        ]);
        return result?.updated ? load(update.id) : undefined;
      });
    },
    deleteSchedule(id) {
      return run(async () => Boolean((await query<{ deleted: number }>(sql.delete, [id, channel]))[0]?.deleted));
    },
    getSchedule(id) {
      return run(() => load(id));
    },
    listSchedules(filter = {}) {
      return run(async () => (await query<ScheduleRow>(sql.list, [filter.workflow ?? null])).map(toScheduleRecord));
    },
    upsertCodeSchedules(workflows, schedules, now) {
      const rows = JSON.stringify(schedules.map((schedule) => toScheduleColumns(schedule)));
      return run(async () => {
        await query(sql.upsertCode, [rows, now, workflows, channel]);
      });
    },
    listDueSchedules(now, limit, workflows) {
      return run(async () => {
        const rows = await query<ScheduleRow>(sql.due, [now, limit, workflows, dueOrder]);
        const [next] = await query<{ next_at: string | null; buffered: boolean | null }>(sql.next, [workflows, now]);
        return {
          schedules: rows.map(toScheduleRecord),
          ...(next?.next_at == null ? {} : { nextFireAt: Number(next.next_at) }),
          buffered: next?.buffered === true,
        };
      });
    },
    fireSchedules(fires, now) {
      if (fires.length === 0) return Promise.resolve([]);
      const rows = JSON.stringify(
        fires.map((fire) => ({
          id: fire.id,
          revision: fire.revision,
          next_fire_at: fire.nextFireAt ?? null,
          last_fire_at: fire.lastFireAt ?? null,
          last_run_id: fire.lastRunId ?? null,
          skipped: fire.skipped,
          last_skipped_at: fire.lastSkippedAt ?? null,
          buffered_at: fire.bufferedAt ?? null,
          cancel_run_id: fire.cancelRunId ?? null,
        })),
      );
      const json = ctx.newRunsJson(
        fires.flatMap((fire) => fire.runs),
        now,
      );
      return run(async () => {
        const [result] = await query<{ fired: string[]; cancelled: string[]; created: [string, string][] }>(sql.fire, [
          rows,
          now,
          json.runs,
          json.events,
          channel,
        ]);
        const fired = new Set(result?.fired ?? []);
        const cancelled = new Set(result?.cancelled ?? []);
        const created = new Map<string, string[]>();
        for (const [runId, scheduleId] of result?.created ?? []) {
          created.set(scheduleId, [...(created.get(scheduleId) ?? []), runId]);
        }
        if (created.size > 0) ctx.statistics.grew((result?.created ?? []).length);
        return fires.map((fire) =>
          fired.has(fire.id)
            ? {
                created: created.get(fire.id) ?? [],
                cancelled: fire.cancelRunId !== undefined && cancelled.has(fire.cancelRunId),
              }
            : undefined,
        );
      });
    },
    createScheduledRuns(scheduleId, runs, lastRunId, now) {
      const json = ctx.newRunsJson(runs, now);
      return run(async () => {
        const [result] = await query<{ found: number; created: string[] }>(sql.createRuns, [
          scheduleId,
          json.runs,
          json.events,
          now,
          lastRunId ?? null,
          channel,
        ]);
        if (!result?.found) throw scheduleNotFound(scheduleId);
        return result.created;
      });
    },
  };
}
