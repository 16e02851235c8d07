import type pg from "pg";
import type { SignalWaitFilter } from "../../types.js";
import { type SignalWaitRow, signalWaitPage, signalWaitSql } from "../signal-wait-sql.js";
import type { SignalWaitRecord } from "../store.js";

/** What the listing needs from its store. */
export interface PostgresSignalWaitsContext {
  /** Quoted schema. */
  t: string;
  /** Runs a statement (prepared once per connection: its text depends only on which filters are given). */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Runs an operation when the store is ready, retrying through outages. */
  run<T>(operation: () => Promise<T>): Promise<T>;
}

/**
 * Open signal waits, derived from `history` (writes maintain nothing for
 * them): the `signal.waiting` rows of the runs that are pending, running or
 * waiting, less those with a `signal.received` or `signal.timed_out` at the
 * same position, found through the partial index `history_signals`
 * (migration 5), run by run. Run ids compare byte by byte (`COLLATE "C"`),
 * as on SQLite.
 */
export function createPostgresSignalWaits({ t, query, run }: PostgresSignalWaitsContext) {
  return {
    /** A page of open signal waits, oldest first. @throws BatonError `INVALID_LIMIT`, `INVALID_CURSOR`. */
    listSignalWaits(filter: SignalWaitFilter): Promise<{ waits: SignalWaitRecord[]; nextCursor?: string }> {
      const { where, params, limit } = signalWaitSql(filter, {
        placeholder: (n) => `$${n}`,
        name: "(w.data::json ->> 'name')",
        id: 'r.id COLLATE "C"',
      });
      // Runs first, then their waits, each through an index: OFFSET 0 keeps
      // the planner from turning the lateral join into a scan of the whole
      // history, whose size grows with ended runs rather than with open waits.
      const text = `SELECT r.id, r.workflow, r.version, r.status, w.position, w.at, w.data
        FROM ${t}.runs r
        CROSS JOIN LATERAL (
          SELECT h.position, h.at, h.data FROM ${t}.history h
          WHERE h.run_id = r.id AND h.type = 'signal.waiting'
            AND NOT EXISTS (
              SELECT 1 FROM ${t}.history o
              WHERE o.run_id = r.id AND o.type IN ('signal.received', 'signal.timed_out')
                AND o.position = h.position)
          OFFSET 0) w
        WHERE r.status IN ('pending', 'running', 'waiting')${where}
        ORDER BY w.at, r.id COLLATE "C", w.position
        LIMIT $${params.length + 1}`;
      return run(async () => signalWaitPage(await query<SignalWaitRow>(text, [...params, limit + 1]), limit));
    },
  };
}
