import { BatonError } from "../errors.js";
import { createPostgresStore, redact } from "./postgres/postgres-store.js";
import { createSqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

/** Where the embedded store lives when none is given. */
export const defaultStore = "sqlite:.baton/baton.db";

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** Apply pending migrations (SQLite: on open; PostgreSQL: on first use). Default true. */
  migrate?: boolean;
  /** Where connection warnings go. */
  log?: (message: string, error?: unknown) => void;
}

/**
 * Opens a store from its address: `sqlite:<path>` (relative to the working
 * directory; `sqlite::memory:` for a throwaway one), `postgres://...`
 * (`?schema=name` picks the schema, default `baton`), or a `Store` object.
 * @throws BatonError `INVALID_STORE` naming the address it cannot open.
 */
export function openStore(store: string | Store = defaultStore, options: OpenStoreOptions = {}): Store {
  if (typeof store !== "string") return store;
  if (store.startsWith("sqlite:")) {
    const path = store.slice("sqlite:".length).replace(/^\/\/(?=[./])/, "");
    if (path === "") throw new BatonError("INVALID_STORE", `invalid store "${store}": expected sqlite:<path>`);
    return createSqliteStore(path, { migrate: options.migrate, log: options.log });
  }
  if (/^postgres(ql)?:\/\//.test(store)) {
    return createPostgresStore(store, { migrate: options.migrate, log: options.log });
  }
  throw new BatonError(
    "INVALID_STORE",
    `invalid store ${JSON.stringify(redact(store))}: expected "sqlite:<path>" or "postgres://..."`,
  );
}
