import { BatonError } from "../../errors.js";
import type { RunCount, RunFilter } from "../../types.js";
import {
  encodeCursor,
  type HistoryRow,
  type RunRow,
  type SignalRow,
  toRecordedEvent,
  toRunRecord,
  toSignalRecord,
} from "../rows.js";
import { runFilterSql } from "../run-filter-sql.js";
import type { CreateRunResult, NewRun, Store } from "../store.js";
import { createPostgresBatcher } from "./postgres-batcher.js";
import type { NewRunRows, PostgresContext } from "./postgres-context.js";

/** Columns of events passed as a jsonb array. */
export const eventColumns = "seq integer, type text, position integer, at bigint, data text";

/** CTEs `new_runs` and `new_history` inserting runs from `$runs` / `$events` (only when `guard` holds). */
export function insertRuns(t: string, runs: string, events: string, now: string, guard = "true"): string {
  return `new_runs AS (
    INSERT INTO ${t}.runs (id, workflow, version, status, input, parent_id, created_at, updated_at, timeout_ms, deadline_at, last_seq,
      lease_owner, lease_token, lease_expires_at, queue, concurrency_key, priority, wake_at, debounce_key, started_at,
      schedule_id, scheduled_at)
    SELECT r.id, r.workflow, r.version, CASE WHEN r.lease_owner IS NULL THEN 'pending' ELSE 'running' END, r.input,
      r.parent_id, ${now}, ${now}, r.timeout_ms, r.deadline_at, r.last_seq,
      r.lease_owner, CASE WHEN r.lease_owner IS NULL THEN 0 ELSE 1 END, r.lease_expires_at,
      coalesce(r.queue, 'default'), r.concurrency_key, coalesce(r.priority, 0), r.wake_at, r.debounce_key,
      CASE WHEN r.lease_owner IS NULL THEN NULL ELSE ${now} END, r.schedule_id, r.scheduled_at
    FROM jsonb_to_recordset(${runs}::jsonb) AS r(id text, workflow text, version text, input text, parent_id text,
      timeout_ms bigint, deadline_at bigint, last_seq integer, lease_owner text, lease_expires_at bigint,
      queue text, concurrency_key text, priority integer, wake_at bigint, debounce_key text,
      schedule_id text, scheduled_at bigint)
    WHERE ${guard}
    ON CONFLICT (id) DO NOTHING
    RETURNING *
  ),
  new_history AS (
    INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
    SELECT e.run_id, e.seq, e.type, e.position, e.at, e.data
    FROM jsonb_to_recordset(${events}::jsonb) AS e(run_id text, ${eventColumns})
    WHERE e.run_id IN (SELECT id FROM new_runs)
  )`;
}

/** The statements of the run verbs, for tables in schema `t` (quoted). */
function runStatements(t: string) {
  return {
    // $1 runs, $2 events, $3 now, $4 channel
    createRun: `WITH ${insertRuns(t, "$1", "$2", "$3::bigint")},
      note AS (SELECT pg_notify($4, 'r') FROM new_runs WHERE new_runs.lease_owner IS NULL)
      SELECT new_runs.*, (SELECT count(*) FROM note)::int AS notes FROM new_runs`,

    history: `SELECT seq, type, position, at, data FROM ${t}.history WHERE run_id = $1 ORDER BY seq`,

    // $1 workflow, $2 debounce key, $3 input, $4 start at, $5 now, $6 data of the new run.started (JSON text)
    debounce: `WITH taken AS (
        UPDATE ${t}.runs SET input = $3, wake_at = $4::bigint, updated_at = $5::bigint
        WHERE id = (SELECT id FROM ${t}.runs WHERE workflow = $1 AND debounce_key = $2 AND status = 'pending'
          AND lease_token = 0 FOR UPDATE)
          AND status = 'pending' AND lease_token = 0
        RETURNING *
      ),
      first AS (
        UPDATE ${t}.history h SET data = $6::jsonb #>> '{}' FROM taken WHERE h.run_id = taken.id AND h.seq = 1
      )
      SELECT * FROM taken`,

    runsOf: `SELECT * FROM ${t}.runs WHERE id = ANY($1::text[])`,

    pendingSignals: `SELECT id, run_id, name, payload, sent_at FROM ${t}.signals
      WHERE run_id = $1 AND consumed_seq IS NULL ORDER BY id`,
  };
}

/** The run verbs of the PostgreSQL store: create a run (new runs of a turn share a statement), and read runs. */
export function createPostgresRuns(
  ctx: PostgresContext,
): Pick<Store, "createRun" | "getRun" | "listRuns" | "countRuns" | "getHistory" | "listPendingSignals"> {
  const sql = runStatements(ctx.t);
  /** Inserts new runs (in id order, so two batches never wait on each other); the row of each one created. */
  const runBatcher = createPostgresBatcher<{ rows: NewRunRows; now: number }, RunRow | undefined>(async (items) => {
    // A statement inserts an id once: a repeated one is answered as existing.
    const ids = new Set<string>();
    const fresh = items.filter((item) => !ids.has(item.rows.id) && ids.add(item.rows.id));
    const now = Math.max(...fresh.map((item) => item.now));
    const json = ctx.runsJson(fresh.map((item) => item.rows).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    const rows = await ctx.query<RunRow>(sql.createRun, [json.runs, json.events, now, ctx.channel]);
    const created = new Map(rows.map((row) => [row.id, row]));
    const answered = new Set<string>();
    return items.map((item) => {
      if (answered.has(item.rows.id)) return undefined; // a repeat of an id in this batch
      answered.add(item.rows.id);
      return created.get(item.rows.id);
    });
  }, ctx.batchesInFlight);
  /**
   * Reads of runs by id issued in one turn share a statement: thousands of
   * callers waiting for runs to finish (each `result()` reads its run at
   * each poll) cost a few statements, not one each. Rows are decoded per
   * caller, so one that cannot be decoded fails no other read.
   */
  const readBatcher = createPostgresBatcher<string, RunRow | undefined>(async (ids) => {
    const rows = await ctx.query<RunRow>(sql.runsOf, [[...new Set(ids)]]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }, ctx.batchesInFlight);

  /**
   * A debounced start: the pending run of its key that no worker took yet
   * takes its input and start time, or it is created. Two starts racing to
   * create it meet at the unique index: the one that lost tries again.
   */
  const createDebounced = async (newRun: NewRun, rows: NewRunRows, now: number): Promise<CreateRunResult> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await ctx.transaction(async (query) => {
          const [taken] = await query<RunRow>(sql.debounce, [
            newRun.workflow,
            newRun.debounceKey,
            rows.row.input,
            newRun.startAt ?? null,
            now,
            JSON.stringify(rows.events[0] ? (rows.events[0] as { data: string | null }).data : null),
          ]);
          if (taken) return { run: toRunRecord(taken), created: false, debounced: true };
          const json = ctx.runsJson([rows]);
          const [row] = await query<RunRow>(sql.createRun, [json.runs, json.events, now, ctx.channel]);
          if (!row) throw new BatonError("RUN_CONFLICT", `run "${newRun.id}" already exists`);
          ctx.statistics.grew(1);
          return { run: toRunRecord(row), created: true };
        });
      } catch (error) {
        if (attempt === 0 && (error as { code?: string }).code === "23505") continue; // the other start created it
        throw error;
      }
    }
  };

  return {
    createRun(newRun, now): Promise<CreateRunResult> {
      const rows = ctx.newRunRows(newRun, now); // an input that is not JSON is refused before anything is sent
      if (newRun.debounceKey !== undefined) return ctx.run(() => createDebounced(newRun, rows, now));
      return ctx.run(async () => {
        const row = await runBatcher.add({ rows, now });
        if (row) {
          ctx.statistics.grew(1);
          return { run: toRunRecord(row), created: true };
        }
        const existing = await ctx.loadRun(newRun.id);
        if (!existing) throw new BatonError("STORE_ERROR", `run "${newRun.id}" was neither created nor found`);
        return { run: existing, created: false };
      });
    },

    getRun(id) {
      return ctx.run(async () => {
        const row = await readBatcher.add(id);
        return row ? toRunRecord(row) : undefined;
      });
    },

    listRuns(filter: RunFilter) {
      const { where, params, limit } = runFilterSql(filter, (n) => `$${n}`);
      return ctx.run(async () => {
        const rows = await ctx.queryOnce<RunRow>(
          `SELECT * FROM ${ctx.t}.runs ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length + 1}`,
          [...params, limit + 1],
        );
        const runs = rows.slice(0, limit).map(toRunRecord);
        const last = runs[runs.length - 1];
        return { runs, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : undefined };
      });
    },

    countRuns() {
      return ctx.run(async () =>
        (
          await ctx.query<RunCount & { count: string }>(
            `SELECT workflow, version, status, count(*) AS count FROM ${ctx.t}.runs GROUP BY workflow, version, status`,
          )
        ).map((row) => ({ ...row, count: Number(row.count) })),
      );
    },

    getHistory(runId) {
      return ctx.run(async () => (await ctx.query<HistoryRow>(sql.history, [runId])).map(toRecordedEvent));
    },

    listPendingSignals(runId) {
      return ctx.run(async () => (await ctx.query<SignalRow>(sql.pendingSignals, [runId])).map(toSignalRecord));
    },
  };
}
