/**
 * The child verbs of the PostgreSQL store, each one statement. `link` locks
 * the child's and the parent's rows first, in id order, as a run's last
 * write locks its own row and its parent's: the two never deadlock.
 */
import { type RunRow, toRunRecord } from "../rows.js";
import { finishedSql } from "../status-sql.js";
import type { Store } from "../store.js";
import type { PostgresContext } from "./postgres-context.js";

/** The child verbs (see `Store`). */
export function createPostgresChildren(
  ctx: PostgresContext,
): Pick<Store, "findUnlinkedRuns" | "linkChild" | "countChildren"> {
  const { t } = ctx;
  const sql = {
    unlinked: `SELECT * FROM ${t}.runs WHERE id = ANY($1::text[]) AND parent_id IS DISTINCT FROM $2`,
    link: `WITH locked AS (
        SELECT id FROM ${t}.runs WHERE id IN ($1, $2) ORDER BY id FOR UPDATE
      ),
      linked AS (
        UPDATE ${t}.runs SET parent_id = $2, updated_at = $3::bigint
        WHERE id = $1 AND (parent_id IS NULL OR parent_id = $2) AND EXISTS (SELECT 1 FROM locked WHERE locked.id = $1)
        RETURNING status IN ${finishedSql} AS finished
      ),
      poked AS (
        UPDATE ${t}.runs SET poke_seq = poke_seq + 1, updated_at = $3::bigint
        WHERE id = $2 AND status NOT IN ${finishedSql} AND EXISTS (SELECT 1 FROM linked WHERE finished)
        RETURNING id, poke_seq
      ),
      note AS (SELECT pg_notify($4, 'k:' || poke_seq || ':' || id) FROM poked)
      SELECT (SELECT count(*) FROM linked)::int AS linked, (SELECT count(*) FROM note)::int AS notes`,
    count: `SELECT count(*)::int AS count FROM ${t}.runs WHERE parent_id = $1`,
  };
  return {
    findUnlinkedRuns: (parentId, ids) =>
      ctx.run(async () => (await ctx.query<RunRow>(sql.unlinked, [ids, parentId])).map((row) => toRunRecord(row))),
    linkChild: (childId, parentId, now) =>
      ctx.run(async () => {
        const [row] = await ctx.query<{ linked: number }>(sql.link, [childId, parentId, now, ctx.channel]);
        return (row?.linked ?? 0) > 0;
      }),
    countChildren: (parentId) =>
      ctx.run(async () => (await ctx.query<{ count: number }>(sql.count, [parentId]))[0]?.count ?? 0),
  };
}
