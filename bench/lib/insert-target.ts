/**
 * The raw baseline's table: single-row INSERTs, each its own transaction,
 * through the driver and settings the engine uses on that store. SQLite:
 * better-sqlite3 on a file of its own in WAL mode with `synchronous=FULL`
 * (its inserts are synchronous: however many are "in flight", they run one
 * after another). PostgreSQL: a `pg` pool in a schema of its own, with its
 * connections opened before it is handed out (autocommit: one statement, one
 * commit, flushed as the server's `synchronous_commit` says).
 */
import Database from "better-sqlite3";
import pg from "pg";
import { freeConnections, splitAddress } from "./postgres.js";
import type { ScenarioContext } from "./scenario.js";

/** Where baseline rows go. */
export interface InsertTarget {
  /** Connections the inserts share (1 on SQLite). */
  readonly clients: number;
  /** One INSERT+COMMIT of a row. */
  insert(run: number, step: number, data: string): Promise<void>;
  /** Rows in the table. */
  count(): Promise<number>;
  close(): Promise<void>;
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

/** A PostgreSQL baseline table in new schema `schema`, with a pool of `clients` connections. */
export async function openPostgresTarget(databaseUrl: string, schema: string, clients: number): Promise<InsertTarget> {
  const table = `${pg.escapeIdentifier(schema)}.baseline`;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: clients, application_name: "baton-bench" });
  pool.on("error", () => {}); // an idle connection closed by the server (the database dropped on Ctrl-C)
  try {
    await pool.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    await pool.query(
      `CREATE TABLE ${table} (id bigserial PRIMARY KEY, run integer NOT NULL, step integer NOT NULL, data text NOT NULL)`,
    );
    await openAll(pool, clients);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const insert = `INSERT INTO ${table} (run, step, data) VALUES ($1, $2, $3)`;
  return {
    clients,
    insert: async (run, step, data) => void (await pool.query(insert, [run, step, data])),
    count: async () =>
      (await pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${table}`)).rows[0]?.count ?? 0,
    close: () => pool.end(),
  };
}

/** A SQLite baseline table in a new file at `path` (WAL, `synchronous=FULL`). */
export function openSqliteTarget(path: string): InsertTarget {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec(
      "CREATE TABLE baseline (id INTEGER PRIMARY KEY, run INTEGER NOT NULL, step INTEGER NOT NULL, data TEXT NOT NULL)",
    );
  } catch (error) {
    db.close();
    throw error;
  }
  const insert = db.prepare("INSERT INTO baseline (run, step, data) VALUES (?, ?, ?)");
  const count = db.prepare<[], { count: number }>("SELECT count(*) AS count FROM baseline");
  return {
    clients: 1,
    insert: async (run, step, data) => void insert.run(run, step, data),
    count: async () => count.get()?.count ?? 0,
    close: async () => void db.close(),
  };
}

/**
 * A baseline table for the context's store, named `name` (a new SQLite file,
 * or a new schema). On PostgreSQL the pool has `clients` connections, capped
 * by what the server still accepts less 10 (at least 1).
 */
export async function openInsertTarget(context: ScenarioContext, name: string, clients = 1): Promise<InsertTarget> {
  const address = context.newStore(name);
  if (context.store === "sqlite") return openSqliteTarget(address.slice("sqlite:".length));
  const { databaseUrl, schema } = splitAddress(address);
  const capped = Math.max(1, Math.min(clients, (await freeConnections(databaseUrl)) - 10));
  return openPostgresTarget(databaseUrl, schema, capped);
}
