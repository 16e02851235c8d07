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
 * (migration 5), one range of it per run (half the probes of a separate
 * look for the outcome, and a plan cheap enough that PostgreSQL does not
 * compile it); only the rows of the page are read. Run ids
 * compare byte by byte (`COLLATE "C"`), as on SQLite.
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
      // The page's keys first, run by run from the index: the signal rows of
      // a run, by position, where only the wait is recorded. OFFSET 0 keeps
      // the planner from turning the lateral join into a scan of the whole
      // history, whose size grows with finished runs rather than with open
      // waits. Then the rows of that page.
      const text = `SELECT r.id, r.workflow, r.version, r.status, p.position, p.at, d.data
        FROM (
          SELECT r.id, w.position, w.at
          FROM ${t}.runs r
          CROSS JOIN LATERAL (
            SELECT h.position, min(h.at) AS at${filter.name === undefined ? "" : ", min(h.data) AS data"}
            FROM ${t}.history h
            WHERE h.run_id = r.id
              AND (h.type = 'signal.waiting' OR h.type = 'signal.received' OR h.type = 'signal.timed_out')
            GROUP BY h.position
            HAVING bool_and(h.type = 'signal.waiting')
            OFFSET 0) w
          WHERE r.status IN ('pending', 'running', 'waiting')${where}
          ORDER BY w.at, r.id COLLATE "C", w.position
          LIMIT $${params.length + 1}) p
        JOIN ${t}.runs r ON r.id = p.id
        JOIN ${t}.history d ON d.run_id = p.id AND d.type = 'signal.waiting' AND d.position = p.position
        ORDER BY p.at, p.id COLLATE "C", p.position`;
      return run(async () => signalWaitPage(await query<SignalWaitRow>(text, [...params, limit + 1]), limit));
    },
  };
}
