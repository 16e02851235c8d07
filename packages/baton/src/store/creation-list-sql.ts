/**
 * The statement of a list ordered by creation, run id and position (tasks,
 * human tasks), filtered by equal columns and statuses and paged after a
 * key: one builder for both backends, which differ in their placeholders
 * and in how a list of statuses is passed.
 */

/** What a list asks for. */
export interface CreationListQuery {
  /** Columns that must equal a value (an undefined value adds no filter). */
  equals: [column: string, value: string | undefined][];
  status?: readonly string[];
  after?: { createdAt: number; runId: string; position: number };
  limit: number;
}

/**
 * `SELECT columns FROM table WHERE ... ORDER BY created_at, run_id, position LIMIT n`,
 * with its values. `dialect` `sqlite` uses `?` and `IN (...)`; `postgres`
 * uses `$n` and `= ANY($n::text[])`.
 */
export function creationListSql(
  dialect: "sqlite" | "postgres",
  table: string,
  columns: string,
  query: CreationListQuery,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown, cast = "") => {
    values.push(value);
    return dialect === "sqlite" ? "?" : `$${values.length}${cast}`;
  };
  const where: string[] = [];
  for (const [column, value] of query.equals) if (value !== undefined) where.push(`${column} = ${param(value)}`);
  if (query.status?.length) {
    where.push(
      dialect === "sqlite"
        ? `status IN (${query.status.map((status) => param(status)).join(", ")})`
        : `status = ANY(${param(query.status, "::text[]")})`,
    );
  }
  if (query.after) {
    const { createdAt, runId, position } = query.after;
    const key = `${param(createdAt, "::bigint")}, ${param(runId)}, ${param(position, "::integer")}`;
    where.push(`(created_at, run_id, position) > (${key})`);
  }
  const text = `SELECT ${columns} FROM ${table} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY created_at, run_id, position LIMIT ${param(query.limit)}`;
  return { text, values };
}
