import { Option } from "@commander-js/extra-typings";
import { defaultStore } from "baton";

/**
 * The `--store <address>` option every command that opens a store takes:
 * `sqlite:<path>` or `postgres://...`, else the `BATON_STORE` environment
 * variable, else the library's default (`sqlite:.baton/baton.db`).
 */
export function storeOption() {
  return new Option("--store <address>", 'store address: "sqlite:<path>" or "postgres://user:password@host/db"')
    .env("BATON_STORE")
    .default(defaultStore);
}
