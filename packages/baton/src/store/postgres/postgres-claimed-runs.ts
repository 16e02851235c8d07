import {
  type HistoryRow,
  type RunRow,
  type SignalRow,
  toRecordedEvent,
  toRunRecord,
  toSignalRecord,
  unreadableRun,
} from "../rows.js";
import type { ClaimedRun, ClaimResult, UnreadableRun } from "../store.js";
import type { PostgresContext } from "./postgres-context.js";

/** The statements that read what a worker needs of the runs it just took, for tables in schema `t` (quoted). */
function claimedStatements(t: string) {
  return {
    historyOf: `SELECT run_id, seq, type, position, at, data FROM ${t}.history WHERE run_id = ANY($1::text[]) ORDER BY run_id, seq`,
    pendingSignalsOf: `SELECT id, run_id, name, payload, sent_at FROM ${t}.signals
      WHERE run_id = ANY($1::text[]) AND consumed_seq IS NULL ORDER BY id`,
  };
}

/**
 * Reads the runs of `rows`, just leased to `owner` (by a claim or a slot
 * handed on), with their history, pending signals and event waits: one
 * round trip for all. A run whose stored values cannot be decoded is
 * answered apart, holding up no other.
 */
export function createPostgresClaimedRuns(
  ctx: PostgresContext,
): (rows: RunRow[], owner: string) => Promise<Omit<ClaimResult, "nextWakeAt">> {
  const sql = claimedStatements(ctx.t);
  return async (rows, owner) => {
    if (rows.length === 0) return { runs: [] };
    const ids = rows.map((row) => row.id);
    const [historyRows, signalRows, eventWaits] = await Promise.all([
      ctx.query<HistoryRow & { run_id: string }>(sql.historyOf, [ids]),
      ctx.query<SignalRow>(sql.pendingSignalsOf, [ids]),
      ctx.events.waitsOf(ids),
    ]);
    const histories = new Map<string, HistoryRow[]>();
    for (const row of historyRows) {
      const list = histories.get(row.run_id) ?? [];
      list.push(row);
      histories.set(row.run_id, list);
    }
    const runs: ClaimedRun[] = [];
    const unreadable: UnreadableRun[] = [];
    for (const row of rows) {
      try {
        const claimed = toRunRecord(row);
        runs.push({
          run: claimed,
          lease: { runId: claimed.id, owner, token: claimed.leaseToken },
          history: (histories.get(claimed.id) ?? []).map(toRecordedEvent),
          signals: signalRows.filter((signal) => signal.run_id === claimed.id).map(toSignalRecord),
          eventWaits: eventWaits.get(claimed.id) ?? [],
        });
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error; // a value that is not JSON; anything else fails the read
        unreadable.push(unreadableRun(row, owner, error));
      }
    }
    return { runs, ...(unreadable.length > 0 ? { unreadable } : {}) };
  };
}
