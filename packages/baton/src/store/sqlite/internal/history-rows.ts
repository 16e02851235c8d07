import type Database from "better-sqlite3";
import { toHistoryColumns } from "../../rows.js";
import type { HistoryRecord } from "../../store.js";

/**
 * History rows that the writes of a group commit add, inserted together:
 * one statement for up to `rowsPerInsert` rows instead of one per row (each
 * statement's own cost, about as much as a row's, is paid once per group).
 * Nothing reads them before `flush`: the write batcher flushes before it
 * commits and before any write that may read history.
 */
export interface HistoryRows {
  /** Encodes `events` of the run numbered `runNum` and keeps their rows for the next `flush`. @throws BatonError `NOT_SERIALIZABLE` */
  add(runNum: number, events: readonly HistoryRecord[]): void;
  /** How many rows wait: a mark for `rewind`. */
  readonly size: number;
  /** Drops the rows added after `mark` (a write that failed). */
  rewind(mark: number): void;
  /** Inserts every waiting row; none wait afterwards, whether it succeeded or threw. */
  flush(): void;
}

const columns = 6;
/** Most rows one statement inserts (6 parameters each). */
export const rowsPerInsert = 32;

/** Group inserts into `history` on `db` (its schema must be migrated before the first `flush`). */
export function createHistoryRows(db: Database.Database): HistoryRows {
  let values: unknown[] = [];
  const inserts: Database.Statement[] = [];
  const insert = (rows: number) =>
    (inserts[rows] ??= db.prepare(
      `INSERT INTO history (run_num, seq, type, position, at, data) VALUES ${Array(rows).fill("(?, ?, ?, ?, ?, ?)").join(", ")}`,
    ));
  return {
    add(runNum, events) {
      for (const event of events) {
        const { data, position } = toHistoryColumns(event);
        values.push(runNum, event.seq, event.type, position, event.at, data);
      }
    },
    get size() {
      return values.length / columns;
    },
    rewind(mark) {
      if (values.length > mark * columns) values.length = mark * columns;
    },
    flush() {
      const rows = values;
      if (rows.length === 0) return;
      values = [];
      const step = rowsPerInsert * columns;
      for (let from = 0; from < rows.length; from += step) {
        const chunk = from === 0 && rows.length <= step ? rows : rows.slice(from, from + step);
        insert(chunk.length / columns).run(chunk);
      }
    },
  };
}
