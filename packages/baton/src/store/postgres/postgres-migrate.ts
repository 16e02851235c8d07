import { fileURLToPath } from "node:url";
import type pg from "pg";
import { BatonError } from "../../errors.js";
import { type Migration, readMigrations } from "../migration-files.js";

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/** The numbered SQL files of the PostgreSQL backend. */
export function postgresMigrations(): Migration[] {
  return readMigrations(migrationsFolder);
}

/**
 * Applies the pending migrations to `schema` (creating it), each in its own
 * transaction, under a session advisory lock: processes that start at once
 * wait for each other and find the work done. Returns the versions applied.
 */
export async function migratePostgres(client: pg.ClientBase, schema: string, quoted: string): Promise<number[]> {
  const applied: number[] = [];
  await client.query("SELECT pg_advisory_lock(hashtext($1))", [`baton:migrate:${schema}`]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoted}.baton_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await client.query<{ version: number }>(`SELECT version FROM ${quoted}.baton_migrations`)).rows.map(
        (row) => row.version,
      ),
    );
    for (const migration of postgresMigrations()) {
      if (done.has(migration.version)) continue;
      await client.query("BEGIN");
      try {
        await client.query(`SET LOCAL search_path TO ${quoted}`);
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${quoted}.baton_migrations (version, name) VALUES ($1, $2)`, [
          migration.version,
          migration.name,
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw new BatonError(
          "MIGRATION_FAILED",
          `migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
      applied.push(migration.version);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext($1))", [`baton:migrate:${schema}`]).catch(() => {});
  }
  return applied;
}

/**
 * Checks that every migration has been applied.
 * @throws BatonError `MIGRATIONS_PENDING` naming what is missing and how to apply it.
 */
export async function checkMigrated(client: pg.ClientBase, schema: string, quoted: string): Promise<void> {
  const exists = await client.query("SELECT to_regclass($1) AS t", [`${quoted}.baton_migrations`]);
  const done = new Set<number>();
  if (exists.rows[0]?.t) {
    const rows = await client.query<{ version: number }>(`SELECT version FROM ${quoted}.baton_migrations`);
    for (const row of rows.rows) done.add(row.version);
  }
  const pending = postgresMigrations().filter((migration) => !done.has(migration.version));
  if (pending.length > 0) {
    throw new BatonError(
      "MIGRATIONS_PENDING",
      `schema "${schema}" lacks migrations ${pending.map((m) => m.version).join(", ")}: run \`baton migrate\` or open the store with migrations on`,
    );
  }
}
