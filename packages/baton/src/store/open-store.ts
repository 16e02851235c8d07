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

/** Opens a store from an address of its scheme. */
type StoreOpener = (address: string, options: OpenStoreOptions) => Store;

/**
 * The backends, by the scheme of their address (the text before the first
 * `:`). A backend's driver is loaded only when an address of its scheme is
 * opened (`pg` for PostgreSQL is an optional peer dependency).
 */
const openers: Record<string, StoreOpener> = {
  sqlite(address, options) {
    const path = address.slice("sqlite:".length).replace(/^\/\/(?=[./])/, "");
    if (path === "") throw new BatonError("INVALID_STORE", `invalid store "${address}": expected sqlite:<path>`);
    return createSqliteStore(path, { migrate: options.migrate, log: options.log });
  },
  postgres: (address, options) => createPostgresStore(address, { migrate: options.migrate, log: options.log }),
  postgresql: (address, options) => createPostgresStore(address, { migrate: options.migrate, log: options.log }),
};

/**
 * Opens a store from its address: `sqlite:<path>` (relative to the working
 * directory; `sqlite::memory:` for a throwaway one), `postgres://...`
 * (`?schema=name` picks the schema, default `baton`), or a `Store` object.
 * @throws BatonError `INVALID_STORE` naming the address it cannot open;
 * `STORE_DRIVER_MISSING` for `postgres://` when the `pg` package is not installed.
 */
export function openStore(store: string | Store = defaultStore, options: OpenStoreOptions = {}): Store {
  if (typeof store !== "string") return store;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(store)?.[1]?.toLowerCase();
  const open = scheme !== undefined && Object.hasOwn(openers, scheme) ? openers[scheme] : undefined;
  const remote = scheme === "postgres" || scheme === "postgresql";
  if (!open || (remote && !store.slice(scheme.length + 1).startsWith("//"))) {
    throw new BatonError(
      "INVALID_STORE",
      `invalid store ${JSON.stringify(redact(store))}: expected "sqlite:<path>" or "postgres://..."`,
    );
  }
  return open(store, options);
}
