import { activeSql } from "../status-sql.js";
import type { WorkerVerbs } from "../worker-records.js";
import type { PostgresContext } from "./postgres-context.js";

/** The statements of the worker verbs, for tables in schema `t` (quoted). */
function workerStatements(t: string) {
  return {
    // $1 id, $2 workflows, $3 now
    note: `INSERT INTO ${t}.workers (id, workflows, started_at, seen_at) VALUES ($1, $2::text[], $3, $3)
      ON CONFLICT (id) DO UPDATE SET workflows = excluded.workflows, seen_at = excluded.seen_at`,
    remove: `DELETE FROM ${t}.workers WHERE id = $1`,
    list: `SELECT * FROM ${t}.workers WHERE seen_at >= $1 ORDER BY id`,
    unserved: `SELECT workflow, version, count(*)::int AS runs FROM ${t}.runs r
      WHERE status IN ${activeSql} AND lease_owner IS NULL
        AND NOT EXISTS (SELECT 1 FROM ${t}.workers w
                        WHERE w.seen_at >= $1 AND r.workflow || '@' || r.version = ANY (w.workflows))
      GROUP BY workflow, version ORDER BY workflow, version`,
  };
}

/** The worker verbs of the PostgreSQL store. */
export function createPostgresWorkers(ctx: PostgresContext): WorkerVerbs {
  const sql = workerStatements(ctx.t);
  return {
    noteWorker(id, workflows, now) {
      return ctx.run(async () => {
        await ctx.query(sql.note, [id, workflows, now]);
      });
    },
    removeWorker(id) {
      return ctx.run(async () => {
        await ctx.query(sql.remove, [id]);
      });
    },
    listWorkers(seenSince) {
      return ctx.run(async () =>
        (
          await ctx.query<{ id: string; workflows: string[]; started_at: string; seen_at: string }>(sql.list, [
            seenSince,
          ])
        ).map((row) => ({
          id: row.id,
          workflows: row.workflows,
          startedAt: Number(row.started_at),
          seenAt: Number(row.seen_at),
        })),
      );
    },
    listUnserved(seenSince) {
      return ctx.run(() => ctx.query<{ workflow: string; version: string; runs: number }>(sql.unserved, [seenSince]));
    },
  };
}
