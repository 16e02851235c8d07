import { Command } from "@commander-js/extra-typings";
import { openStore, type Store } from "baton";
import { maskPassword } from "../mask-password.js";
import { storeError } from "../store-error.js";
import { storeOption } from "../store-option.js";

/** What `baton migrate --json` prints. */
export interface MigrateResult {
  /** The store address, password masked. */
  store: string;
  /** `sqlite` or `postgres`. */
  kind: string;
  /** Versions of the migrations this command applied, in order; empty when the store was up to date. */
  applied: number[];
}

/**
 * `baton migrate`: applies the store's pending migrations and says which.
 * Safe to run from several processes at once (a deploy step on each machine).
 *
 * @example
 * baton migrate --store postgres://baton@db.internal/app
 * // applied migrations 1 to postgres://baton@db.internal/app
 */
export function createMigrateCommand() {
  return new Command("migrate")
    .description("apply the store's pending migrations")
    .addOption(storeOption())
    .option("--json", "print the result as a JSON object")
    .action(async (options) => {
      const result = await migrate(options.store);
      if (options.json) console.log(JSON.stringify(result));
      else if (result.applied.length === 0) console.log(`${result.store} is up to date: no migrations to apply`);
      else {
        const noun = result.applied.length === 1 ? "migration" : "migrations";
        console.log(`applied ${noun} ${result.applied.join(", ")} to ${result.store}`);
      }
    });
}

async function migrate(address: string): Promise<MigrateResult> {
  const store = maskPassword(address);
  let opened: Store;
  try {
    opened = openStore(address, { migrate: false });
  } catch (error) {
    throw storeError(error, `cannot open store "${store}"`, address);
  }
  try {
    const applied = await opened.migrate();
    return { store, kind: opened.kind, applied };
  } catch (error) {
    throw storeError(error, `cannot migrate store "${store}"`, address);
  } finally {
    await opened.close().catch(() => {});
  }
}
