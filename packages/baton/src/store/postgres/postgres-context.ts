import { createHash } from "node:crypto";
import type pg from "pg";
import { BatonError } from "../../errors.js";
import { encodeJson } from "../../json.js";
import { type RunRow, toHistoryColumns, toRunRecord } from "../rows.js";
import type { HistoryRecord, NewRun, RunRecord } from "../store.js";
import { retryWarning } from "./internal/connection-errors.js";
import { createDatabaseClock, type DatabaseClock } from "./internal/database-clock.js";
import { createGrowthAnalyzer, type GrowthAnalyzer } from "./internal/growth-analyzer.js";
import { createQueryGate, type QueryGate } from "./internal/query-gate.js";
import { type ReconnectPolicy, withRetry } from "./internal/retry.js";
import { loadPostgresDriver } from "./postgres-driver.js";
import { createPostgresEvents, type PostgresEvents } from "./postgres-events.js";
import { checkMigrated, migratePostgres } from "./postgres-migrate.js";
import { createPostgresNotices, type PostgresNotices } from "./postgres-notices.js";

/** What the context is made from (see `PostgresStoreOptions`). */
export interface PostgresContextOptions {
  connectionString: string;
  schema: string;
  poolSize: number;
  migrate?: boolean;
  reconnectTimeoutMs?: number;
  log: (message: string, error?: unknown) => void;
  localNow?: () => number;
}

/** The rows inserting one new run (see `newRunRows`). */
export interface NewRunRows {
  id: string;
  row: Record<string, unknown>;
  events: object[];
}

/**
 * What the verbs of the PostgreSQL store share: the pools and their gates,
 * the query functions, readiness and retries through outages, the database
 * clock, and the helpers several verbs use.
 */
export interface PostgresContext {
  /** The schema, quoted. */
  readonly t: string;
  /** The notification channel of the schema. */
  readonly channel: string;
  readonly clock: DatabaseClock;
  readonly statistics: GrowthAnalyzer;
  readonly notices: PostgresNotices;
  readonly events: PostgresEvents;
  /** Statements in flight of each batched kind (half the pool). */
  readonly batchesInFlight: number;
  /** The pool whose commits do not wait for the disk (attempt starts). */
  readonly startsPool: pg.Pool;
  readonly log: (message: string, error?: unknown) => void;
  /** A prepared statement (named by a digest of its text) once a connection of `on` is free. */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[], on?: pg.Pool): Promise<R[]>;
  /** A statement that keeps leases: it goes ahead of the operations waiting for a connection. */
  urgentQuery<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** A statement whose text varies (a listing's filter): not prepared. */
  queryOnce<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /**
   * Runs `work` in one transaction on one connection (statements of fixed
   * text, prepared): committed when it resolves, rolled back when it throws.
   */
  transaction<T>(work: (query: TransactionQuery) => Promise<T>): Promise<T>;
  /** Runs `operation` when ready, retrying through outages; `attempt` counts tries. */
  run<T>(operation: (attempt: number) => Promise<T>): Promise<T>;
  /** Connects, migrates (or checks the migrations) and syncs the clock, once. */
  ready(): Promise<void>;
  /** `ready`, retried through an outage. */
  waitReady(): Promise<void>;
  /** Applies the pending migrations, retrying through outages. */
  migrate(): Promise<number[]>;
  close(): Promise<void>;
  readonly closed: boolean;
  loadRun(id: string): Promise<RunRecord | undefined>;
  /** History rows of `events` (with `run_id` when given), as the jsonb statements read them. */
  eventRows(events: HistoryRecord[], runId?: string): object[];
  /** The rows inserting one new run; refuses an input that is not JSON. */
  newRunRows(run: NewRun, now: number): NewRunRows;
  /** The `runs` and `events` jsonb arrays inserting new runs. */
  runsJson(runs: NewRunRows[]): { runs: string; events: string };
  newRunsJson(runs: NewRun[], now: number): { runs: string; events: string };
}

/** A statement inside `transaction`. */
export type TransactionQuery = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

/** Builds the context of a store; nothing connects until the first operation. */
export function createPostgresContext(options: PostgresContextOptions): PostgresContext {
  const { connectionString, schema, poolSize, log } = options;
  const driver = loadPostgresDriver();
  const quoted = driver.escapeIdentifier(schema);
  const channel = `baton_${schema}`;
  const config: pg.PoolConfig = {
    connectionString,
    connectionTimeoutMillis: 5000,
    keepAlive: true,
    application_name: "baton",
  };
  const pool = new driver.Pool({ ...config, max: poolSize });
  const gates = new Map<pg.Pool, QueryGate>([[pool, createQueryGate(poolSize)]]);
  // Commits of attempt starts do not wait for the disk: they only need to be
  // visible to other workers; the run's next durable commit flushes them too.
  const startsPool = new driver.Pool({
    ...config,
    max: Math.ceil(poolSize / 4),
    options: "-c synchronous_commit=off",
  });
  gates.set(startsPool, createQueryGate(Math.ceil(poolSize / 4)));
  /** Runs `operation` once a connection of `on` is free for it. */
  const gated = <T>(on: pg.Pool, operation: () => Promise<T>, urgent = false) =>
    (gates.get(on) as QueryGate).run(operation, urgent);
  for (const p of [pool, startsPool]) {
    p.on("error", (error) => log("an idle PostgreSQL connection failed", error));
    // A connection that breaks may report it more than once; the queries on
    // it fail on their own, so a later report is not a crash.
    p.on("connect", (client) => client.on("error", () => {}));
  }
  const listener = createPostgresNotices(config, channel, log);
  const retry: ReconnectPolicy = { forMs: options.reconnectTimeoutMs ?? 60_000, initialDelayMs: 50, maxDelayMs: 2000 };
  let closed = false;
  let readyPromise: Promise<void> | undefined;
  let syncTimer: NodeJS.Timeout | undefined;

  const clock = createDatabaseClock(async () => {
    const result = await gated(pool, () =>
      pool.query<{ now: number }>("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now"),
    );
    return Number(result.rows[0]?.now);
  }, options.localNow);

  const migrateNow = (): Promise<number[]> =>
    gated(pool, async () => {
      const client = await pool.connect();
      try {
        return await migratePostgres(client, schema, quoted);
      } finally {
        client.release();
      }
    });

  const prepare = async () => {
    if (options.migrate === false) {
      await gated(pool, async () => {
        const client = await pool.connect();
        try {
          await checkMigrated(client, schema, quoted);
        } finally {
          client.release();
        }
      });
    } else {
      await migrateNow();
    }
    await clock.sync();
    syncTimer ??= setInterval(() => void clock.sync().catch(() => {}), 60_000);
    syncTimer.unref();
  };

  const ready = (): Promise<void> => {
    if (closed) return Promise.reject(new BatonError("STORE_CLOSED", "the store is closed"));
    readyPromise ??= prepare().catch((error) => {
      readyPromise = undefined;
      throw error;
    });
    return readyPromise;
  };

  /** Runs `operation` when ready, retrying through outages; `attempt` counts tries. */
  const run = <T>(operation: (attempt: number) => Promise<T>): Promise<T> =>
    withRetry(
      async (attempt) => {
        await ready();
        return operation(attempt);
      },
      retry,
      () => closed,
      (error) => log(retryWarning(error)),
    );

  // Statements of fixed text are prepared once per connection (named by a
  // digest of their text): PostgreSQL then skips parsing them, and plans them
  // once it finds a generic plan as good.
  const statementNames = new Map<string, string>();
  const statementName = (text: string) => {
    let name = statementNames.get(text);
    if (!name) {
      name = `baton_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
      statementNames.set(text, name);
    }
    return name;
  };
  const query = async <R extends pg.QueryResultRow>(text: string, values?: unknown[], on: pg.Pool = pool) =>
    (await gated(on, () => on.query<R>({ name: statementName(text), text, values }))).rows;
  /** A statement that keeps leases: it goes ahead of the operations waiting for a connection. */
  const urgentQuery = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
    (await gated(pool, () => pool.query<R>({ name: statementName(text), text, values }), true)).rows;
  const transaction = <T>(work: (query: TransactionQuery) => Promise<T>) =>
    gated(pool, async () => {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query("BEGIN");
        const result = await work(
          async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
            (await client.query<R>({ name: statementName(text), text, values })).rows,
        );
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    });
  /** A statement whose text varies (a listing's filter): not prepared. */
  const queryOnce = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
    (await gated(pool, () => pool.query<R>(text, values))).rows;

  /** Statistics for the tables as they grow, unless they already know of far more runs than this store added. */
  const statistics = createGrowthAnalyzer(async (created) => {
    try {
      const [known] = await queryOnce<{ runs: number }>(
        // the number of runs the statistics of the runs table know of (-1 or 0: never analyzed)
        "SELECT reltuples::float8 AS runs FROM pg_class WHERE oid = to_regclass($1)",
        [`${quoted}.runs`],
      );
      if ((known?.runs ?? 0) > created * 10) return;
      // Fresh statistics for the tables the engine's statements read (see growth-analyzer.ts).
      await queryOnce(
        `ANALYZE ${quoted}.runs, ${quoted}.history, ${quoted}.signals, ${quoted}.event_waits, ${quoted}.tasks, ${quoted}.human_tasks`,
      );
    } catch (error) {
      log("analyzing the tables failed", error);
    }
  });

  const loadRun = async (id: string) => {
    const [row] = await query<RunRow>(`SELECT * FROM ${quoted}.runs WHERE id = $1`, [id]);
    return row ? toRunRecord(row) : undefined;
  };

  const eventRows = (events: HistoryRecord[], runId?: string) =>
    events.map((event) => {
      const { data, position } = toHistoryColumns(event);
      return { run_id: runId, seq: event.seq, type: event.type, position, at: event.at, data };
    });

  /** The rows inserting one new run; refuses an input that is not JSON. */
  const newRunRows = (run: NewRun, now: number) => ({
    id: run.id,
    row: {
      id: run.id,
      workflow: run.workflow,
      version: run.version,
      input: encodeJson(run.input, `input of run "${run.id}"`),
      parent_id: run.parentId ?? null,
      timeout_ms: run.timeoutMs ?? null,
      deadline_at: run.timeoutMs === undefined ? null : now + run.timeoutMs,
      last_seq: run.history.length,
      lease_owner: run.lease?.owner ?? null,
      lease_expires_at: run.lease?.expiresAt ?? null,
      queue: run.queue ?? "default",
      concurrency_key: run.concurrencyKey ?? null,
      priority: run.priority ?? 0,
      wake_at: run.startAt ?? null,
      debounce_key: run.debounceKey ?? null,
      schedule_id: run.scheduleId ?? null,
      scheduled_at: run.scheduledAt ?? null,
    },
    events: eventRows(
      run.history.map((event, i) => ({ ...event, seq: i + 1 }) as HistoryRecord),
      run.id,
    ),
  });

  /** The `runs` and `events` jsonb arrays inserting new runs. */
  const runsJson = (runs: NewRunRows[]) => ({
    runs: JSON.stringify(runs.map((run) => run.row)),
    events: JSON.stringify(runs.flatMap((run) => run.events)),
  });
  const newRunsJson = (runs: NewRun[], now: number) => runsJson(runs.map((run) => newRunRows(run, now)));

  const events = createPostgresEvents({ t: quoted, channel, query, run, newRunsJson });

  return {
    t: quoted,
    channel,
    clock,
    statistics,
    notices: listener,
    events,
    batchesInFlight: Math.max(1, Math.floor(poolSize / 2)),
    startsPool,
    log,
    query,
    urgentQuery,
    queryOnce,
    transaction,
    run,
    ready,
    waitReady: () => withRetry(ready, retry, () => closed),
    migrate: async () => {
      const applied = await withRetry(
        migrateNow,
        retry,
        () => closed,
        (error) => log(retryWarning(error)),
      );
      await ready();
      return applied;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(syncTimer);
      await listener.close();
      await Promise.all([pool.end(), startsPool.end()]);
    },
    get closed() {
      return closed;
    },
    loadRun,
    eventRows,
    newRunRows,
    runsJson,
    newRunsJson,
  };
}
