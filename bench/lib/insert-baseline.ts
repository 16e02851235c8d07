/**
 * The raw baseline: what the `pg` driver alone achieves on the same database.
 * A baseline "run" is `steps` single-row INSERTs in sequence, each its own
 * transaction (autocommit: one statement, one commit, flushed to disk as the
 * server's `synchronous_commit` says). All runs start at once and share a
 * pool of `clients` connections, opened before the clock starts.
 */
import pg from "pg";
import type { BatchTimings } from "./runs.js";

/** Options of `measureInsertBaseline`. */
export interface BaselineOptions {
  /** Database to create the baseline table in. */
  databaseUrl: string;
  /** New schema for the table (lower-case letters, digits, `_`). */
  schema: string;
  runs: number;
  steps: number;
  /** Connections in the pool. */
  clients: number;
}

/** Opens `count` connections of the pool, and releases every one even when some fail. */
async function openAll(pool: pg.Pool, count: number): Promise<void> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => pool.connect()));
  const failed = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
  for (const s of settled) if (s.status === "fulfilled") s.value.release();
  if (failed.length > 0) {
    throw new Error(`could open only ${count - failed.length} of ${count} connections: ${failed[0]?.reason}`);
  }
}

/** Measures `runs` baseline runs; latencies and span on the local clock. */
export async function measureInsertBaseline(options: BaselineOptions): Promise<BatchTimings> {
  const { databaseUrl, runs, steps, clients } = options;
  const table = `${pg.escapeIdentifier(options.schema)}.baseline`;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: clients, application_name: "baton-bench" });
  pool.on("error", () => {}); // an idle connection closed by the server (the database dropped on Ctrl-C)
  try {
    await pool.query(`CREATE SCHEMA ${pg.escapeIdentifier(options.schema)}`);
    await pool.query(
      `CREATE TABLE ${table} (id bigserial PRIMARY KEY, run integer NOT NULL, step integer NOT NULL, data text NOT NULL)`,
    );
    await openAll(pool, clients);

    const insert = `INSERT INTO ${table} (run, step, data) VALUES ($1, $2, $3)`;
    const began = performance.now();
    const latenciesMs = await Promise.all(
      Array.from({ length: runs }, async (_, run) => {
        for (let i = 0; i < steps; i++) await pool.query(insert, [run, i, JSON.stringify({ i, ok: true })]);
        return performance.now() - began;
      }),
    );
    const spanMs = performance.now() - began;
    const [{ count } = { count: 0 }] = (
      await pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${table}`)
    ).rows;
    if (count !== runs * steps) throw new Error(`baseline table holds ${count} rows, expected ${runs * steps}`);
    return { runs, spanMs, startsMs: 0, latenciesMs };
  } finally {
    await pool.end();
  }
}
