import { createRequire } from "node:module";
import type pg from "pg";
import { BatonError } from "../../errors.js";

let driver: typeof pg | undefined;

/**
 * The `pg` package, loaded on first use: it is an optional peer dependency,
 * needed only by a `postgres://` store, so an embedded SQLite user never
 * installs or loads it.
 * @throws BatonError `STORE_DRIVER_MISSING` naming the package to install.
 */
export function loadPostgresDriver(): typeof pg {
  if (driver) return driver;
  try {
    driver = createRequire(import.meta.url)("pg") as typeof pg;
  } catch (error) {
    throw new BatonError(
      "STORE_DRIVER_MISSING",
      'a postgres:// store needs the "pg" package, which is not installed: run `npm install pg`',
      { cause: error },
    );
  }
  return driver;
}
