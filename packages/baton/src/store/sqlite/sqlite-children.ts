import type Database from "better-sqlite3";
import { type RunRow, toRunRecord } from "../rows.js";
import type { RunRecord, Store } from "../store.js";

const terminal = "('completed', 'failed', 'compensated', 'cancelled')";

/** The child verbs of the SQLite store (`linkChild` runs inside the caller's write transaction). */
export interface SqliteChildren {
  /** The runs among `ids` whose parent is not `parentId`. */
  unlinked(parentId: string, ids: string[]): RunRecord[];
  /** Sets the parent of `childId` when it has none (or has it); pokes the parent of an ended child. */
  link(childId: string, parentId: string, now: number): boolean;
  /** Number of children of `parentId`. */
  count(parentId: string): number;
}

/** Prepares the child statements on a migrated database. */
export function createSqliteChildren(
  db: Database.Database,
  /** Raises a run's poke_seq and announces it. */
  pokeRun: (runId: string, now: number) => void,
): SqliteChildren {
  const sql = {
    unlinked: db.prepare(
      `SELECT * FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND (parent_id IS NULL OR parent_id <> ?)`,
    ),
    link: db.prepare(
      `UPDATE runs SET parent_id = ?, updated_at = ? WHERE id = ? AND (parent_id IS NULL OR parent_id = ?)
       RETURNING status IN ${terminal} AS ended`,
    ),
    count: db.prepare("SELECT count(*) FROM runs WHERE parent_id = ?").pluck(),
  };
  return {
    unlinked: (parentId, ids) =>
      (sql.unlinked.all(JSON.stringify(ids), parentId) as RunRow[]).map((row) => toRunRecord(row)),
    link(childId, parentId, now) {
      const row = sql.link.get(parentId, now, childId, parentId) as { ended: number } | undefined;
      if (row?.ended) pokeRun(parentId, now);
      return row !== undefined;
    },
    count: (parentId) => Number(sql.count.get(parentId)),
  };
}

/** The store's child verbs over `children` (prepared on first use); `write` runs a write transaction. */
export function sqliteChildVerbs(
  children: () => SqliteChildren,
  write: <T>(apply: () => T) => Promise<T>,
): Pick<Store, "findUnlinkedRuns" | "linkChild" | "countChildren"> {
  return {
    findUnlinkedRuns: async (parentId, ids) => children().unlinked(parentId, ids),
    linkChild: (childId, parentId, now) => write(() => children().link(childId, parentId, now)),
    countChildren: async (parentId) => children().count(parentId),
  };
}
