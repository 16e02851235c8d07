import { type HistoryRow, type RunRow, toRecordedEvent, toRunRecord, unreadableRun } from "../rows.js";
import type { ClaimedRun, ClaimResult, UnreadableRun } from "../store.js";
import type { SqliteContext } from "./sqlite-context.js";

/**
 * Reads the runs of `rows`, just leased to `owner` (by a claim or a slot
 * handed on), with their history, pending signals and event waits, inside
 * the caller's transaction. A run whose stored values cannot be decoded is
 * answered apart, holding up no other.
 */
export function createSqliteClaimedRuns(
  ctx: SqliteContext,
): (rows: RunRow[], owner: string) => Omit<ClaimResult, "nextWakeAt"> {
  const sql = ctx.prepared((db) => ({
    historyOf: db.prepare("SELECT seq, type, position, at, data FROM history WHERE run_num = ? ORDER BY seq"),
  }));
  return (rows, owner) => {
    const runs: ClaimedRun[] = [];
    const unreadable: UnreadableRun[] = [];
    for (const row of rows) {
      const { num } = row as RunRow & { num: number };
      ctx.runNumbers.remember(row.id, num);
      try {
        const run = toRunRecord(row);
        runs.push({
          run,
          lease: { runId: run.id, owner, token: run.leaseToken },
          history: (sql().historyOf.all(num) as HistoryRow[]).map(toRecordedEvent),
          signals: ctx.signalsOf(run.id),
          eventWaits: ctx.events().waitsOf(run.id),
        });
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error; // a value that is not JSON; anything else fails the read
        unreadable.push(unreadableRun(row, owner, error));
      }
    }
    return { runs, ...(unreadable.length > 0 ? { unreadable } : {}) };
  };
}
