import type Database from "better-sqlite3";
import type { SignalWaitFilter } from "../../types.js";
import { type SignalWaitRow, signalWaitPage, signalWaitSql } from "../signal-wait-sql.js";
import type { SignalWaitRecord } from "../store.js";

/**
 * Open signal waits, derived from `history` (writes maintain nothing for
 * them): the `signal.waiting` rows of the runs that are pending, running or
 * waiting, less those with a `signal.received` or `signal.timed_out` at the
 * same position. The partial index `history_signals` (migration 8) holds
 * those three kinds of rows alone, with their time: the page is chosen
 * from it and the runs' index alone, and only its rows are read. Each
 * condition on `type` repeats the index's, which is how SQLite learns that
 * the index covers the rows asked.
 */
export function createSqliteSignalWaits(db: Database.Database) {
  const statements = new Map<string, Database.Statement>();
  const signalRows = (t: string) =>
    `(${t}.type = 'signal.waiting' OR ${t}.type = 'signal.received' OR ${t}.type = 'signal.timed_out')`;
  return {
    /** A page of open signal waits, oldest first. @throws BatonError `INVALID_LIMIT`, `INVALID_CURSOR`. */
    list(filter: SignalWaitFilter): { waits: SignalWaitRecord[]; nextCursor?: string } {
      const { where, params, limit } = signalWaitSql(filter, {
        placeholder: () => "?",
        name: "json_extract(w.data, '$.name')",
        id: "r.id",
      });
      let statement = statements.get(where);
      if (!statement) {
        // The page's keys first, from the index alone; then the rows of that page.
        statement = db.prepare(
          `SELECT r.id, r.workflow, r.version, r.status, p.position, p.at, d.data
           FROM (
             SELECT r.num, r.id, w.position, w.at
             FROM runs r
             JOIN history w ON w.run_num = r.num AND ${signalRows("w")} AND w.type = 'signal.waiting'
             WHERE r.status IN ('pending', 'running', 'waiting')
               AND NOT EXISTS (
                 SELECT 1 FROM history o
                 WHERE o.run_num = r.num AND o.position = w.position AND ${signalRows("o")}
                   AND o.type IN ('signal.received', 'signal.timed_out'))${where}
             ORDER BY w.at, r.id, w.position
             LIMIT ?) p
           JOIN runs r ON r.num = p.num
           JOIN history d ON d.run_num = p.num AND ${signalRows("d")} AND d.type = 'signal.waiting'
             AND d.position = p.position
           ORDER BY p.at, p.id, p.position`,
        );
        statements.set(where, statement);
      }
      return signalWaitPage(statement.all(...params, limit + 1) as SignalWaitRow[], limit);
    },
  };
}
