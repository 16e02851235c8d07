import { trackOpen } from "../../open-resources.js";
import type { Store } from "../store.js";
import { createSqliteChildren } from "./sqlite-children.js";
import { createSqliteClaims } from "./sqlite-claims.js";
import { createSqliteContext } from "./sqlite-context.js";
import { createSqliteDefinitions } from "./sqlite-definitions.js";
import { openSqliteDatabase } from "./sqlite-driver.js";
import { createSqliteHumanTasks } from "./sqlite-human-tasks.js";
import { createSqliteMigrator } from "./sqlite-migrate.js";
import { createSqliteQueues } from "./sqlite-queues.js";
import { createSqliteRegistry } from "./sqlite-registry.js";
import { createSqliteRunActions } from "./sqlite-run-actions.js";
import { createSqliteRuns } from "./sqlite-runs.js";
import { createSqliteSchedules } from "./sqlite-schedules.js";
import { createSqliteSignalWaits } from "./sqlite-signal-waits.js";
import { createSqliteTasks } from "./sqlite-tasks.js";
import { createSqliteWorkers } from "./sqlite-workers.js";
import { createSqliteWrites } from "./sqlite-writes.js";

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /**
   * `synchronous` pragma. `FULL` (default) makes every acknowledged write
   * survive power loss; `NORMAL` survives process crashes only.
   */
  synchronous?: "FULL" | "NORMAL";
  /** How long a write waits for another process's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * Apply pending migrations when the store opens. Default true; when false,
   * a file that lacks them fails every operation with `MIGRATIONS_PENDING`
   * until `migrate()` is called.
   */
  migrate?: boolean;
  /** Where warnings go (reading other processes' notices failed). Default: `console.warn`. */
  log?: (message: string, error?: unknown) => void;
}

/**
 * Opens (creating if needed) a SQLite store at `path` in WAL mode. Writes of
 * concurrent runs issued in the same turn of the event loop share one
 * transaction (group commit); each caller is released after the commit.
 * Its verbs live beside it, one file per entity (runs, run actions, claims,
 * writes, events), each with the statements it runs.
 *
 * @example
 * const store = createSqliteStore(".baton/baton.db");
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const db = openSqliteDatabase(path, options);
  const log = options.log ?? ((message, error) => console.warn(`[baton] ${message}`, error ?? ""));
  const migrator = createSqliteMigrator(db);
  const ctx = createSqliteContext(db, path, migrator, log);
  const migrate = () => {
    const applied = migrator.migrate();
    ctx.migrated();
    return applied;
  };
  if (options.migrate !== false) migrate();
  const signalWaits = ctx.prepared((db) => createSqliteSignalWaits(db));
  const untrack = trackOpen("store", `sqlite:${path}`);

  return {
    kind: "sqlite",
    sharedAcrossMachines: false,
    async migrate() {
      return migrate();
    },
    async close() {
      untrack();
      ctx.notices.close();
      await ctx.batcher.drain();
      db.close();
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
    ...createSqliteRuns(ctx),
    ...createSqliteRunActions(ctx),
    ...createSqliteClaims(ctx),
    ...createSqliteWrites(ctx),
    ...createSqliteChildren(ctx),
    ...createSqliteRegistry(ctx),
    ...createSqliteQueues(ctx),
    ...createSqliteDefinitions(ctx),
    ...createSqliteWorkers(ctx),
    ...createSqliteSchedules(ctx),
    ...createSqliteTasks(ctx),
    ...createSqliteHumanTasks(ctx),

    async listSignalWaits(filter) {
      return signalWaits().list(filter);
    },

    subscribe(listener) {
      return ctx.notices.subscribe(listener);
    },

    sendEvent(event, now) {
      return ctx.batcher.write(() => ctx.events().publish(event, now));
    },

    closeEventWait(lease, position) {
      return ctx.batcher.write(() => ctx.events().close(lease, position));
    },
  };
}
