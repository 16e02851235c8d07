import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BatonError } from "../errors.js";

/** One numbered migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Reads a backend's migrations folder: files named `NNNN-name.sql`, applied
 * in order of their number. Files are append-only once released.
 */
export function readMigrations(folder: string): Migration[] {
  const migrations = readdirSync(folder)
    .filter((file) => /^\d{4}-[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(join(folder, file), "utf8"),
    }));
  for (let i = 1; i < migrations.length; i++) {
    const [before, after] = [migrations[i - 1] as Migration, migrations[i] as Migration];
    if (before.version === after.version) {
      throw new BatonError(
        "INVALID_MIGRATIONS",
        `${folder} holds two migrations numbered ${after.version} ("${before.name}" and "${after.name}"): a stale build?`,
      );
    }
  }
  return migrations;
}
