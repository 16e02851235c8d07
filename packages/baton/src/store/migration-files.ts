import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

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
  return readdirSync(folder)
    .filter((file) => /^\d{4}-[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(join(folder, file), "utf8"),
    }));
}
