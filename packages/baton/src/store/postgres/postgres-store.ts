import { BatonError } from "../../errors.js";
import { trackOpen } from "../../open-resources.js";
import type { Store } from "../store.js";
import type { DatabaseClock } from "./internal/database-clock.js";
import { createPostgresChildren } from "./postgres-children.js";
import { createPostgresClaims } from "./postgres-claims.js";
import { createPostgresContext } from "./postgres-context.js";
import { createPostgresDefinitions } from "./postgres-definitions.js";
import { createPostgresHumanTasks } from "./postgres-human-tasks.js";
import { createPostgresQueues } from "./postgres-queues.js";
import { createPostgresRegistry } from "./postgres-registry.js";
import { createPostgresRunActions } from "./postgres-run-actions.js";
import { createPostgresRuns } from "./postgres-runs.js";
import { createPostgresSchedules } from "./postgres-schedules.js";
import { createPostgresSignalWaits } from "./postgres-signal-waits.js";
import { createPostgresTasks } from "./postgres-tasks.js";
import { createPostgresWorkers } from "./postgres-workers.js";
import { createPostgresWrites } from "./postgres-writes.js";

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** Schema holding Baton's tables (created by the migrations). Default `baton`. */
  schema?: string;
  /**
   * Connections for reads and writes (default 10, or `?pool_size=` of the
   * address); a quarter as many more commit attempt starts, and one listens.
   */
  poolSize?: number;
  /** Apply pending migrations on first use. Default true; when false, a store lacking them fails with `MIGRATIONS_PENDING`. */
  migrate?: boolean;
  /** How long an operation keeps retrying while the database is unreachable, in ms. Default 60000. */
  reconnectTimeoutMs?: number;
  /** Where connection warnings go. Default: standard error. */
  log?: (message: string, error?: unknown) => void;
  /** Local time source the database clock corrects. Default `Date.now` (tests pass a skewed one). */
  localNow?: () => number;
}

/** A PostgreSQL store, with the database clock it keeps in sync. */
export interface PostgresStore extends Store {
  readonly clock: DatabaseClock;
}

const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Splits a store address into the driver's connection string, the schema
 * (`?schema=name`, default `baton`) and the pool size (`?pool_size=n`).
 * @throws BatonError `INVALID_STORE`.
 */
export function parsePostgresAddress(address: string): {
  connectionString: string;
  schema: string;
  poolSize?: number;
} {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new BatonError("INVALID_STORE", `invalid store "${redact(address)}": not a postgres:// URL`);
  }
  const schema = url.searchParams.get("schema") ?? "baton";
  const poolParam = url.searchParams.get("pool_size");
  url.searchParams.delete("schema");
  url.searchParams.delete("pool_size");
  const poolSize = poolParam === null ? undefined : Number(poolParam);
  if (poolSize !== undefined && !(Number.isInteger(poolSize) && poolSize >= 1 && poolSize <= 1000)) {
    throw new BatonError(
      "INVALID_STORE",
      `invalid pool_size "${poolParam}" in store "${redact(address)}": expected an integer from 1 to 1000`,
    );
  }
  if (!schemaPattern.test(schema)) {
    throw new BatonError(
      "INVALID_STORE",
      `invalid schema "${schema}" in store "${redact(address)}": use lower-case letters, digits and _`,
    );
  }
  return { connectionString: url.toString(), schema, poolSize };
}

/** The address with its password hidden, for messages. */
export function redact(address: string): string {
  return address.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/**
 * Opens a PostgreSQL store at `address` (`postgres://user:pass@host:port/db`,
 * optionally `?schema=name`). Nothing connects until the first operation,
 * which applies pending migrations (unless `migrate: false`) and measures the
 * offset of the database's clock. Every operation retries through a lost
 * connection for `reconnectTimeoutMs`; a write whose commit was ambiguous is
 * checked against the database before it is retried, so it never applies twice.
 *
 * @example
 * const store = createPostgresStore("postgres://baton@db.internal/baton");
 */
export function createPostgresStore(address: string, options: PostgresStoreOptions = {}): PostgresStore {
  const { connectionString, schema, poolSize: addressPoolSize } = parsePostgresAddress(address);
  const ctx = createPostgresContext({
    connectionString,
    schema,
    poolSize: options.poolSize ?? addressPoolSize ?? 10,
    migrate: options.migrate,
    reconnectTimeoutMs: options.reconnectTimeoutMs,
    log: options.log ?? ((message, error) => console.warn(`[baton] ${message}`, error ?? "")),
    localNow: options.localNow,
  });
  const untrack = trackOpen("store", redact(address));
  const store: PostgresStore = {
    kind: "postgres",
    clock: ctx.clock,
    sharedAcrossMachines: true,
    migrate: () => ctx.migrate(),
    ready: () => ctx.waitReady(),
    close() {
      untrack();
      return ctx.close();
    },
    [Symbol.asyncDispose]() {
      return store.close();
    },
    ...createPostgresRuns(ctx),
    ...createPostgresRunActions(ctx),
    ...createPostgresClaims(ctx),
    ...createPostgresWrites(ctx),
    ...createPostgresChildren(ctx),
    ...createPostgresRegistry(ctx),
    ...createPostgresQueues(ctx),
    ...createPostgresDefinitions(ctx),
    ...createPostgresWorkers(ctx),
    ...createPostgresSchedules(ctx),
    ...createPostgresTasks(ctx),
    ...createPostgresHumanTasks(ctx),
    listSignalWaits: createPostgresSignalWaits(ctx).listSignalWaits,
    sendEvent: ctx.events.sendEvent,
    closeEventWait: ctx.events.closeEventWait,
    subscribe: (listener) => ctx.notices.subscribe(listener),
  };
  return store;
}
