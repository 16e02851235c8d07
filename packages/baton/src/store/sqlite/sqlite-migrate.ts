import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import { readMigrations } from "../migration-files.js";
import { tempOnDisk } from "./sqlite-driver.js";

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/** Applies and lists the numbered migrations of a SQLite database. */
export interface SqliteMigrator {
  /** Applies the pending migrations, each in its own immediate transaction; returns the versions applied. */
  migrate(): number[];
  /** Versions not applied yet. */
  pending(): number[];
}

/**
 * The migrations of `migrations/` for `db`. Several processes may migrate
 * one file at once: each migration's transaction takes the write lock
 * first and skips a version another process applied meanwhile.
 */
export function createSqliteMigrator(db: Database.Database): SqliteMigrator {
  return {
    migrate: () =>
      tempOnDisk(db, () => {
        const applied: number[] = [];
        db.exec(
          "CREATE TABLE IF NOT EXISTS baton_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
        );
        for (const migration of readMigrations(migrationsFolder)) {
          db.transaction(() => {
            const done = db.prepare("SELECT 1 FROM baton_migrations WHERE version = ?").get(migration.version);
            if (done) return;
            applied.push(migration.version);
            db.exec(migration.sql);
            db.prepare("INSERT INTO baton_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
              migration.version,
              migration.name,
              Date.now(),
            );
          }).immediate();
        }
        return applied;
      }),
    pending() {
      const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'baton_migrations'").get();
      const done = new Set(
        table
          ? (db.prepare("SELECT version FROM baton_migrations").all() as { version: number }[]).map((r) => r.version)
          : [],
      );
      return readMigrations(migrationsFolder)
        .map((migration) => migration.version)
        .filter((version) => !done.has(version));
    },
  };
}
