import { type RunRow, toRunRecord } from "../rows.js";
import { finishedSql } from "../status-sql.js";
import type { Store } from "../store.js";
import type { SqliteContext } from "./sqlite-context.js";

/** The child verbs of the SQLite store (see `Store`); `linkChild` is a write of its own. */
export function createSqliteChildren(
  ctx: SqliteContext,
): Pick<Store, "findUnlinkedRuns" | "linkChild" | "countChildren"> {
  const sql = ctx.prepared((db) => ({
    unlinked: db.prepare(
      `SELECT * FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND (parent_id IS NULL OR parent_id <> ?)`,
    ),
    link: db.prepare(
      `UPDATE runs SET parent_id = ?, updated_at = ? WHERE id = ? AND (parent_id IS NULL OR parent_id = ?)
       RETURNING status IN ${finishedSql} AS finished`,
    ),
    count: db.prepare("SELECT count(*) FROM runs WHERE parent_id = ?").pluck(),
  }));
  return {
    findUnlinkedRuns: async (parentId, ids) =>
      (sql().unlinked.all(JSON.stringify(ids), parentId) as RunRow[]).map((row) => toRunRecord(row)),
    linkChild: (childId, parentId, now) =>
      ctx.batcher.write(() => {
        const row = sql().link.get(parentId, now, childId, parentId) as { finished: number } | undefined;
        if (row?.finished) ctx.pokeRun(parentId, now);
        return row !== undefined;
      }),
    countChildren: async (parentId) => Number(sql().count.get(parentId)),
  };
}
