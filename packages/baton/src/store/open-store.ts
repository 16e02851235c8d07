import { BatonError } from "../errors.js";
import { createSqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

/** Where the embedded store lives when none is given. */
export const defaultStore = "sqlite:.baton/baton.db";

/**
 * Opens a store from its address: `sqlite:<path>` (relative to the working
 * directory; `sqlite::memory:` for a throwaway one) or a `Store` object.
 * @throws BatonError `INVALID_STORE` naming the address it cannot open.
 */
export function openStore(store: string | Store = defaultStore): Store {
  if (typeof store !== "string") return store;
  if (store.startsWith("sqlite:")) {
    const path = store.slice("sqlite:".length).replace(/^\/\/(?=[./])/, "");
    if (path === "") throw new BatonError("INVALID_STORE", `invalid store "${store}": expected sqlite:<path>`);
    return createSqliteStore(path);
  }
  if (/^postgres(ql)?:\/\//.test(store)) {
    throw new BatonError(
      "INVALID_STORE",
      `store "${store.replace(/\/\/[^@/]*@/, "//***@")}": the PostgreSQL backend is not available in this version`,
    );
  }
  throw new BatonError(
    "INVALID_STORE",
    `invalid store ${JSON.stringify(store)}: expected "sqlite:<path>" or "postgres://..."`,
  );
}
