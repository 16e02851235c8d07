import { decodeJson, encodeJson } from "../../json.js";
import type { RunCount, RunFilter } from "../../types.js";
import { newRunRecord } from "../new-run-record.js";
import { encodeCursor, type HistoryRow, type RunRow, toHistoryColumns, toRecordedEvent, toRunRecord } from "../rows.js";
import { runFilterSql } from "../run-filter-sql.js";
import type { CreateRunResult, NewRun, RunRecord, Store } from "../store.js";
import type { WriteOptions } from "./sqlite-batcher.js";
import type { SqliteContext } from "./sqlite-context.js";

/** A new run's write refuses nothing (its input was checked before): any error rolls back the group commit. */
const newRunWrite: WriteOptions = { refusesUnchanged: () => false, deferring: true };

/** The run verbs of the SQLite store: create a run, and read runs and their history. */
export function createSqliteRuns(
  ctx: SqliteContext,
): Pick<Store, "createRun" | "getRun" | "listRuns" | "countRuns" | "getHistory" | "listPendingSignals"> {
  const sql = ctx.prepared((db) => ({
    // Reads the index `runs_counts` alone.
    countRuns: db.prepare(
      "SELECT workflow, version, status, count(*) AS count FROM runs GROUP BY workflow, version, status",
    ),
    history: db.prepare(
      "SELECT seq, type, position, at, data FROM history WHERE run_num = (SELECT num FROM runs WHERE id = ?) ORDER BY seq",
    ),
    // The pending run of a debounce key that no worker took yet takes the new input and start time.
    debounce: db.prepare(
      `UPDATE runs SET input = @input, wake_at = @startAt, updated_at = @now
       WHERE workflow = @workflow AND debounce_key = @key AND status = 'pending' AND lease_token = 0
       RETURNING id, num`,
    ),
    debounceHistory: db.prepare("UPDATE history SET data = ? WHERE run_num = ? AND seq = 1"),
  }));

  /** Gives a debounced start's input and start time to the pending run of its key, if there is one. */
  const debounce = (run: NewRun, now: number, input: string | null): RunRecord | undefined => {
    const row = sql().debounce.get({
      input,
      startAt: run.startAt ?? null,
      now,
      workflow: run.workflow,
      key: run.debounceKey,
    }) as { id: string; num: number } | undefined;
    if (!row) return undefined;
    const first = run.history[0];
    if (first) sql().debounceHistory.run(toHistoryColumns({ ...first, seq: 1 }).data, row.num);
    return ctx.loadRun(row.id);
  };

  return {
    createRun(run, now): Promise<CreateRunResult> {
      if (run.debounceKey !== undefined) {
        // Not deferring: the rows of runs created earlier in the group are written first.
        return ctx.batcher.write(() => {
          const input = encodeJson(run.input, `input of run "${run.id}"`);
          const existing = debounce(run, now, input);
          if (existing) return { run: existing, created: false, debounced: true };
          ctx.insertRun(run, now, input);
          return { run: newRunRecord(run, now, decodeJson(input)), created: true };
        });
      }
      return ctx.batcher.write(() => {
        const input = encodeJson(run.input, `input of run "${run.id}"`);
        const created = ctx.insertRun(run, now, input);
        return {
          run: created ? newRunRecord(run, now, decodeJson(input)) : (ctx.loadRun(run.id) as RunRecord),
          created,
        };
      }, newRunWrite);
    },

    async getRun(id) {
      return ctx.loadRun(id);
    },

    async listRuns(filter: RunFilter) {
      sql();
      const { where, params, limit } = runFilterSql(filter, () => "?");
      const rows = ctx.db
        .prepare(`SELECT * FROM runs ${where} ORDER BY created_at DESC, id DESC LIMIT ?`)
        .all(...params, limit + 1) as RunRow[];
      const runs = rows.slice(0, limit).map(toRunRecord);
      const last = runs[runs.length - 1];
      return { runs, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : undefined };
    },

    async countRuns() {
      return sql().countRuns.all() as RunCount[];
    },

    async getHistory(runId) {
      return (sql().history.all(runId) as HistoryRow[]).map(toRecordedEvent);
    },

    async listPendingSignals(runId) {
      return ctx.signalsOf(runId);
    },
  };
}
