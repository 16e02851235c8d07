import { workflowNamePattern } from "../names.js";
import type { RunFilter } from "../types.js";
import { decodeCursor, pageSize } from "./rows.js";

/** The WHERE clause and page size of a runs listing, newest first. */
export interface RunFilterSql {
  /** Empty, or `WHERE ...` with the backend's placeholders. */
  where: string;
  params: unknown[];
  limit: number;
}

/**
 * Builds the filter of `listRuns` for any backend; `placeholder(n)` names
 * the n-th parameter (1-based): `?` for SQLite, `$n` for PostgreSQL.
 * @throws BatonError `INVALID_LIMIT`, `INVALID_CURSOR`.
 */
export function runFilterSql(filter: RunFilter, placeholder: (n: number) => string): RunFilterSql {
  const limit = pageSize(filter.limit);
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return placeholder(params.length);
  };
  if (filter.workflow !== undefined) where.push(`workflow = ${param(filter.workflow)}`);
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    where.push(`status IN (${statuses.map((status) => param(status)).join(", ")})`);
  }
  if (filter.parentId !== undefined) where.push(`parent_id = ${param(filter.parentId)}`);
  if (filter.queue !== undefined) {
    where.push(`queue = ${param(filter.queue)}`);
    // Implied by the line above, written out so that both databases may use the partial index runs_queue_created.
    if (filter.queue !== "default") where.push("queue <> 'default'");
  }
  if (filter.scheduleId !== undefined) {
    // Schedule ids are names (letters, digits, . _ : -): no run matches other text (which PostgreSQL may refuse, e.g. NUL).
    where.push(workflowNamePattern.test(filter.scheduleId) ? `schedule_id = ${param(filter.scheduleId)}` : "1 = 0");
  }
  if (filter.idContains !== undefined && !/^[\x21-\x7e]*$/.test(filter.idContains)) {
    // Run ids are printable ASCII: no run matches other text (which PostgreSQL may not even accept, e.g. NUL).
    where.push("1 = 0");
  } else if (filter.idContains !== undefined && filter.idContains !== "") {
    const pattern = `%${filter.idContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(`lower(id) LIKE ${param(pattern)} ESCAPE '\\'`);
  }
  if (filter.createdAfter) where.push(`created_at >= ${param(filter.createdAfter.getTime())}`);
  if (filter.createdBefore) where.push(`created_at < ${param(filter.createdBefore.getTime())}`);
  if (filter.cursor !== undefined) {
    const cursor = decodeCursor(filter.cursor);
    const at = param(cursor.createdAt);
    const at2 = param(cursor.createdAt);
    where.push(`(created_at < ${at} OR (created_at = ${at2} AND id < ${param(cursor.id)}))`);
  }
  return { where: where.length ? `WHERE ${where.join(" AND ")}` : "", params, limit };
}
