import { activeSql } from "../status-sql.js";
import type { WorkerVerbs } from "../worker-records.js";
import type { SqliteContext } from "./sqlite-context.js";

/** The worker verbs of the SQLite store. */
export function createSqliteWorkers(ctx: SqliteContext): WorkerVerbs {
  const sql = ctx.prepared((db) => ({
    note: db.prepare(
      `INSERT INTO workers (id, workflows, started_at, seen_at) VALUES (@id, @workflows, @now, @now)
       ON CONFLICT (id) DO UPDATE SET workflows = excluded.workflows, seen_at = excluded.seen_at`,
    ),
    remove: db.prepare("DELETE FROM workers WHERE id = ?"),
    list: db.prepare("SELECT * FROM workers WHERE seen_at >= ? ORDER BY id"),
    unserved: db.prepare(
      `SELECT workflow, version, count(*) AS runs FROM runs r
       WHERE status IN ${activeSql} AND lease_owner IS NULL
         AND NOT EXISTS (SELECT 1 FROM workers w, json_each(w.workflows) k
                         WHERE w.seen_at >= ? AND k.value = r.workflow || '@' || r.version)
       GROUP BY workflow, version ORDER BY workflow, version`,
    ),
  }));
  return {
    noteWorker(id, workflows, now) {
      return ctx.batcher.write(() => {
        sql().note.run({ id, workflows: JSON.stringify(workflows), now });
      });
    },
    removeWorker(id) {
      return ctx.batcher.write(() => {
        sql().remove.run(id);
      });
    },
    async listWorkers(seenSince) {
      return (
        sql().list.all(seenSince) as { id: string; workflows: string; started_at: number; seen_at: number }[]
      ).map((row) => ({
        id: row.id,
        workflows: JSON.parse(row.workflows),
        startedAt: row.started_at,
        seenAt: row.seen_at,
      }));
    },
    async listUnserved(seenSince) {
      return sql().unserved.all(seenSince) as { workflow: string; version: string; runs: number }[];
    },
  };
}
