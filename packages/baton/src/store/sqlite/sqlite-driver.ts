import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/** How the database file is opened (see `SqliteStoreOptions`). */
export interface SqliteDriverOptions {
  synchronous?: "FULL" | "NORMAL";
  busyTimeoutMs?: number;
}

/**
 * Opens (creating its folder if needed) the database at `path` in WAL mode,
 * with statement journals in memory (see `tempOnDisk`).
 */
export function openSqliteDatabase(path: string, options: SqliteDriverOptions = {}): Database.Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma("foreign_keys = OFF");
  // Statement journals in memory: a write of a group commit that inserts a
  // run changes eight b-trees, and with journals in temporary files each
  // such insert cost 50 instead of 12 us here.
  db.pragma("temp_store = MEMORY");
  return db;
}

/**
 * Runs `fn` with temporary files on disk again: an index built on a large
 * table (a migration) sorts in them rather than in memory.
 */
export function tempOnDisk<T>(db: Database.Database, fn: () => T): T {
  db.pragma("temp_store = DEFAULT");
  try {
    return fn();
  } finally {
    db.pragma("temp_store = MEMORY");
  }
}
