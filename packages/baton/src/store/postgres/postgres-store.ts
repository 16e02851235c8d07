import { createHash, randomUUID } from "node:crypto";
import pg from "pg";
import { BatonError, LeaseLostError } from "../../errors.js";
import { encodeJson } from "../../json.js";
import { isTerminal, type RunCount, type RunFilter } from "../../types.js";
import {
  type EventWaitRow,
  encodeCursor,
  type HistoryRow,
  type RunRow,
  runFinished,
  runNotFound,
  type SignalRow,
  toEventWaitRecord,
  toHistoryColumns,
  toRecordedEvent,
  toRunRecord,
  toSignalRecord,
  unreadableRun,
} from "../rows.js";
import { runFilterSql } from "../run-filter-sql.js";
import type {
  ClaimedRun,
  ClaimResult,
  CreateRunResult,
  Lease,
  NewRun,
  RecordedEvent,
  RunWrite,
  Store,
  StoreNotice,
  UnreadableRun,
} from "../store.js";
import { isAmbiguousError, retryWarning } from "./connection-errors.js";
import { createDatabaseClock, type DatabaseClock } from "./database-clock.js";
import { createGrowthAnalyzer } from "./growth-analyzer.js";
import { checkMigrated, migratePostgres } from "./migrate-postgres.js";
import { createNoticeListener } from "./notice-listener.js";
import { createPostgresEvents } from "./postgres-events.js";
import { createPostgresRegistry } from "./postgres-registry.js";
import { postgresSql } from "./postgres-sql.js";
import { createQueryGate, type QueryGate } from "./query-gate.js";
import { type RetryPolicy, withRetry } from "./retry.js";
import { createStatementBatcher } from "./statement-batcher.js";

/** The row of the inbox statement: the run's poke, with its signals, finished children and event waits as JSON. */
interface InboxRow {
  id: string;
  poke_seq: string;
  cancel_requested: boolean;
  signals: SignalRow[];
  children: RunRow[];
  event_waits: EventWaitRow[];
}

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

/** A run's lean write (events, status, next timer, poke seq, signals consumed), as `appendStepsBatch` reads it. */
interface StepWrite {
  id: string;
  owner: string;
  token: number;
  previous_seq: number;
  last_seq: number;
  status: string | null;
  set_wake: boolean;
  wake_at: number | null;
  seen_poke_seq: number | null;
  now: number;
  /** History rows (`run_id` set). */
  events: object[];
  /** Ids of the signals the write consumed. */
  consumed: number[];
  /** Only attempt starts: written alone, it need not wait for the disk. */
  startsOnly?: boolean;
  /** Sends the write as a statement of its own: true when its fence matched. */
  alone: () => Promise<boolean>;
}

/** A run's last write, as `appendEndsBatch` reads it. */
interface EndWrite {
  id: string;
  owner: string;
  token: number;
  previous_seq: number;
  last_seq: number;
  status: string;
  output: string | null;
  error: string | null;
  seen_poke_seq: number | null;
  now: number;
  /** History rows (`run_id` set). */
  events: object[];
  /** Sends the write as a statement of its own: true when its fence matched. */
  alone: () => Promise<boolean>;
}

/** A signal to send, as `sendSignals` reads it. */
interface SignalSend {
  run_id: string;
  name: string;
  payload: string | null;
  send_key: string;
  now: number;
}

/** For each item of a batched statement: whether its run is among the ids the statement returned. */
function answered<I>(rows: { id: string }[], items: I[], runOf: (item: I) => string): boolean[] {
  const ids = new Set(rows.map((row) => row.id));
  return items.map((item) => ids.has(runOf(item)));
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
  const poolSize = options.poolSize ?? addressPoolSize ?? 10;
  const quoted = pg.escapeIdentifier(schema);
  const channel = `baton_${schema}`;
  const sql = postgresSql(quoted);
  const log = options.log ?? ((message, error) => console.warn(`[baton] ${message}`, error ?? ""));
  const config: pg.PoolConfig = {
    connectionString,
    connectionTimeoutMillis: 5000,
    keepAlive: true,
    application_name: "baton",
  };
  const pool = new pg.Pool({ ...config, max: poolSize });
  const gates = new Map<pg.Pool, QueryGate>([[pool, createQueryGate(poolSize)]]);
  // Commits of attempt starts do not wait for the disk: they only need to be
  // visible to other workers; the run's next durable commit flushes them too.
  const startsPool = new pg.Pool({
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
  const listener = createNoticeListener(config, channel, log);
  const retry: RetryPolicy = { forMs: options.reconnectTimeoutMs ?? 60_000, initialDelayMs: 50, maxDelayMs: 2000 };
  let closed = false;
  let readyPromise: Promise<void> | undefined;
  let syncTimer: NodeJS.Timeout | undefined;

  const clock = createDatabaseClock(async () => {
    const result = await gated(pool, () => pool.query<{ now: number }>(sql.now));
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
  /** A statement whose text varies (a listing's filter): not prepared. */
  const queryOnce = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
    (await gated(pool, () => pool.query<R>(text, values))).rows;

  /** Statistics for the tables as they grow, unless they already know of far more runs than this store added. */
  const statistics = createGrowthAnalyzer(async (created) => {
    try {
      const [known] = await queryOnce<{ runs: number }>(sql.knownRuns, [`${quoted}.runs`]);
      if ((known?.runs ?? 0) > created * 10) return;
      await queryOnce(sql.analyze);
    } catch (error) {
      log("analyzing the tables failed", error);
    }
  });

  const loadRun = async (id: string) => {
    const [row] = await query<RunRow>(sql.getRun, [id]);
    return row ? toRunRecord(row) : undefined;
  };

  const eventRows = (events: RecordedEvent[], runId?: string) =>
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
    },
    events: eventRows(
      run.history.map((event, i) => ({ ...event, seq: i + 1 }) as RecordedEvent),
      run.id,
    ),
  });
  type NewRunRows = ReturnType<typeof newRunRows>;

  /** The `runs` and `events` jsonb arrays inserting new runs. */
  const runsJson = (runs: NewRunRows[]) => ({
    runs: JSON.stringify(runs.map((run) => run.row)),
    events: JSON.stringify(runs.flatMap((run) => run.events)),
  });
  const newRunsJson = (runs: NewRun[], now: number) => runsJson(runs.map((run) => newRunRows(run, now)));

  const events = createPostgresEvents({ t: quoted, channel, query, run, newRunsJson });

  /** The parameters of `appendSteps` for one run's lean write. */
  const stepValues = (w: StepWrite) => [
    w.id,
    w.owner,
    w.token,
    w.previous_seq,
    w.last_seq,
    w.status,
    w.set_wake,
    w.wake_at,
    w.seen_poke_seq,
    w.now,
    JSON.stringify(w.events),
  ];

  // Lean writes, and new runs, of concurrent runs share statements; at most
  // half the pool's connections carry each kind, so other operations keep theirs.
  const batchesInFlight = Math.max(1, Math.floor(poolSize / 2));
  const stepBatcher = createStatementBatcher<StepWrite, boolean>(async (writes) => {
    if (writes.length === 1) {
      const [w] = writes as [StepWrite];
      if (w.consumed.length > 0) return [await w.alone()];
      const on = w.startsOnly ? startsPool : pool;
      const [result] = await query<{ matched: number }>(sql.appendSteps, stepValues(w), on);
      return [Boolean(result?.matched)];
    }
    const consumes = writes.some((write) => write.consumed.length > 0);
    const rows = await query<{ id: string }>(consumes ? sql.appendStepsBatch : sql.appendStepsBatchNoSignals, [
      JSON.stringify(writes.map(({ events: _events, startsOnly: _startsOnly, alone: _alone, ...write }) => write)),
      JSON.stringify(writes.flatMap((write) => write.events)),
    ]);
    return answered(rows, writes, (write) => write.id);
  }, batchesInFlight);
  /** Last writes of concurrent runs (no children, signals or event waits in them) share statements. */
  const endBatcher = createStatementBatcher<EndWrite, boolean>(async (writes) => {
    // One alone takes the single-run statement, cheaper than the batch's.
    if (writes.length === 1) return [await (writes[0] as EndWrite).alone()];
    const rows = await query<{ id: string }>(sql.appendEndsBatch, [
      JSON.stringify(writes.map(({ events: _events, alone: _alone, ...write }) => write)),
      JSON.stringify(writes.flatMap((write) => write.events)),
      channel,
    ]);
    return answered(rows, writes, (write) => write.id);
  }, batchesInFlight);
  /** Inserts new runs (in id order, so two batches never wait on each other); the row of each one created. */
  const runBatcher = createStatementBatcher<{ rows: NewRunRows; now: number }, RunRow | undefined>(async (items) => {
    // A statement inserts an id once: a repeated one is answered as existing.
    const ids = new Set<string>();
    const fresh = items.filter((item) => !ids.has(item.rows.id) && ids.add(item.rows.id));
    const now = Math.max(...fresh.map((item) => item.now));
    const json = runsJson(fresh.map((item) => item.rows).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    const rows = await query<RunRow>(sql.createRun, [json.runs, json.events, now, channel]);
    const created = new Map(rows.map((row) => [row.id, row]));
    const answered = new Set<string>();
    return items.map((item) => {
      if (answered.has(item.rows.id)) return undefined; // a repeat of an id in this batch
      answered.add(item.rows.id);
      return created.get(item.rows.id);
    });
  }, batchesInFlight);

  /** Signals sent at once share a statement (one commit, one notification lock); true when the run took it. */
  const signalBatcher = createStatementBatcher<SignalSend, boolean>(async (sends) => {
    if (sends.length === 1) {
      const [send] = sends as [SignalSend];
      const [result] = await query<{ found: number }>(sql.sendSignal, [
        send.run_id,
        send.name,
        send.payload,
        send.send_key,
        send.now,
        channel,
      ]);
      return [Boolean(result?.found)];
    }
    const rows = await query<{ id: string }>(sql.sendSignals, [
      JSON.stringify(sends.map((send, i) => ({ i, ...send }))),
      channel,
    ]);
    return answered(rows, sends, (send) => send.run_id);
  }, batchesInFlight);

  /** Reads the inboxes of runs poked at once in one statement. */
  const inboxBatcher = createStatementBatcher<string, InboxRow | undefined>(async (runIds) => {
    const rows = await query<InboxRow>(sql.inboxes, [[...new Set(runIds)]]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return runIds.map((runId) => byId.get(runId));
  }, batchesInFlight);

  const onlyStarts = (write: RunWrite) =>
    write.events.length > 0 &&
    write.events.every((event) => event.type === "step.started" || event.type === "compensation.started") &&
    !write.release &&
    !write.children?.length &&
    !write.consumedSignals?.length &&
    !write.eventWaits?.length &&
    !write.endedEventWaits?.length &&
    (write.status === undefined || !isTerminal(write.status));

  /** After an ambiguous failure: did this write commit? */
  const committedAlready = async (lease: Lease, write: RunWrite, previousSeq: number, lastSeq: number) => {
    const [row] = await query<{ lease_owner: string | null; lease_token: string; last_seq: number }>(sql.lease, [
      lease.runId,
    ]);
    if (!row || Number(row.lease_token) !== lease.token) return false;
    if (write.events.length === 0) return row.last_seq === previousSeq && row.lease_owner === null && !!write.release;
    if (row.last_seq < lastSeq) return false;
    const [event] = await query<{ type: string }>(sql.eventAt, [lease.runId, lastSeq]);
    return event?.type === write.events[write.events.length - 1]?.type;
  };

  const store: PostgresStore = {
    kind: "postgres",
    clock,
    startsBeforeBody: true,

    async migrate() {
      const applied = await withRetry(
        migrateNow,
        retry,
        () => closed,
        (error) => log(retryWarning(error)),
      );
      await ready();
      return applied;
    },

    ready() {
      return withRetry(ready, retry, () => closed);
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(syncTimer);
      await listener.close();
      await Promise.all([pool.end(), startsPool.end()]);
    },

    createRun(newRun, now): Promise<CreateRunResult> {
      const rows = newRunRows(newRun, now); // an input that is not JSON is refused before anything is sent
      return run(async () => {
        const row = await runBatcher.add({ rows, now });
        if (row) {
          statistics.grew(1);
          return { run: toRunRecord(row), created: true };
        }
        const existing = await loadRun(newRun.id);
        if (!existing) throw new BatonError("STORE_ERROR", `run "${newRun.id}" was neither created nor found`);
        return { run: existing, created: false };
      });
    },

    getRun(id) {
      return run(() => loadRun(id));
    },

    listRuns(filter: RunFilter) {
      const { where, params, limit } = runFilterSql(filter, (n) => `$${n}`);
      return run(async () => {
        const rows = await queryOnce<RunRow>(
          `SELECT * FROM ${quoted}.runs ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length + 1}`,
          [...params, limit + 1],
        );
        const runs = rows.slice(0, limit).map(toRunRecord);
        const last = runs[runs.length - 1];
        return { runs, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : undefined };
      });
    },

    countRuns() {
      return run(async () =>
        (
          await query<RunCount & { count: string }>(
            `SELECT workflow, version, status, count(*) AS count FROM ${quoted}.runs GROUP BY workflow, version, status`,
          )
        ).map((row) => ({ ...row, count: Number(row.count) })),
      );
    },

    getHistory(runId) {
      return run(async () => (await query<HistoryRow>(sql.history, [runId])).map(toRecordedEvent));
    },

    listPendingSignals(runId) {
      return run(async () => (await query<SignalRow>(sql.pendingSignals, [runId])).map(toSignalRecord));
    },

    sendSignal(runId, name, payload, now) {
      const encoded = encodeJson(payload, `payload of signal "${name}"`);
      const key = randomUUID();
      return run(async (attempt) => {
        if (await signalBatcher.add({ run_id: runId, name, payload: encoded, send_key: key, now })) return;
        if (attempt > 1 && (await query(sql.signalSent, [key])).length > 0) return;
        const existing = await loadRun(runId);
        if (!existing) throw runNotFound(runId);
        throw runFinished(runId, existing.status, `signal "${name}" to`);
      });
    },

    publishEvent: events.publishEvent,

    ...createPostgresRegistry({ t: quoted, query, run }),

    closeEventWait: events.closeEventWait,

    requestCancel(runId, now) {
      return run(async () => {
        const [row] = await query<RunRow>(sql.cancel, [runId, now, channel]);
        if (row) return toRunRecord(row);
        const existing = await loadRun(runId);
        if (!existing) throw runNotFound(runId);
        throw runFinished(runId, existing.status, "cancel");
      });
    },

    resumeRun(runId, event, deadlineAt, now) {
      const { data, position } = toHistoryColumns({ ...event, seq: 0 } as RecordedEvent);
      return run(async (attempt) => {
        const [result] = await query<{ resumed: number }>(sql.resume, [
          runId,
          deadlineAt ?? null,
          now,
          event.type,
          position,
          event.at,
          data,
          channel,
        ]);
        if (result?.resumed) return;
        const existing = await loadRun(runId);
        if (!existing) throw runNotFound(runId);
        if (attempt > 1 && existing.status !== "failed") {
          const [last] = await query<HistoryRow>(sql.lastEvent, [runId]);
          if (last && last.type === event.type && Number(last.at) === event.at) return;
        }
        throw new BatonError(
          "RUN_NOT_FAILED",
          `cannot resume run "${runId}": only failed runs can be resumed (it is ${existing.status})`,
        );
      });
    },

    claimRuns(request): Promise<ClaimResult> {
      return run(async () => {
        const rows = await query<RunRow>(sql.claim, [
          request.owner,
          request.now,
          request.leaseMs,
          request.workflows,
          request.reclaim ?? [],
          request.limit,
        ]);
        const [next] = await query<{ at: string | null }>(sql.nextWake, [request.now, request.workflows]);
        const nextWakeAt = next?.at == null ? undefined : Number(next.at);
        if (rows.length === 0) return { runs: [], nextWakeAt };
        const ids = rows.map((row) => row.id);
        const [historyRows, signalRows, eventWaits] = await Promise.all([
          query<HistoryRow & { run_id: string }>(sql.historyOf, [ids]),
          query<SignalRow>(sql.pendingSignalsOf, [ids]),
          events.waitsOf(ids),
        ]);
        // Rows are decoded per run, so that one that cannot be decoded holds up no other.
        const histories = new Map<string, HistoryRow[]>();
        for (const row of historyRows) {
          const list = histories.get(row.run_id) ?? [];
          list.push(row);
          histories.set(row.run_id, list);
        }
        const runs: ClaimedRun[] = [];
        const unreadable: UnreadableRun[] = [];
        for (const row of rows) {
          try {
            const claimed = toRunRecord(row);
            runs.push({
              run: claimed,
              lease: { runId: claimed.id, owner: request.owner, token: claimed.leaseToken },
              history: (histories.get(claimed.id) ?? []).map(toRecordedEvent),
              signals: signalRows.filter((signal) => signal.run_id === claimed.id).map(toSignalRecord),
              eventWaits: eventWaits.get(claimed.id) ?? [],
            });
          } catch (error) {
            if (!(error instanceof SyntaxError)) throw error; // a value that is not JSON; anything else fails the claim
            unreadable.push(unreadableRun(row, request.owner, error));
          }
        }
        return { runs, ...(unreadable.length > 0 ? { unreadable } : {}), nextWakeAt };
      });
    },

    renewLeases(owner, now, leaseMs) {
      return run(async () =>
        (await urgentQuery<{ id: string }>(sql.renew, [owner, now + leaseMs])).map((row) => row.id),
      );
    },

    heldRuns(owner) {
      return run(async () => (await query<{ id: string }>(sql.held, [owner])).map((row) => row.id));
    },

    pokedRuns(owner) {
      return run(async () =>
        (await query<{ id: string; poke_seq: string }>(sql.poked, [owner])).map((row) => ({
          runId: row.id,
          pokeSeq: Number(row.poke_seq),
        })),
      );
    },

    appendHistory(lease, write) {
      const first = write.events[0];
      const last = write.events[write.events.length - 1];
      const terminal = write.status !== undefined && isTerminal(write.status);
      const children = newRunsJson(write.children ?? [], write.now);
      const historyRows = eventRows(write.events, lease.runId);
      const eventWaits = events.waitsJson(write.eventWaits ?? []);
      const on = onlyStarts(write) ? startsPool : pool;
      return run(async (attempt) => {
        const output = encodeJson(write.output, `output of run "${lease.runId}"`);
        const error = encodeJson(write.error, "error");
        let previousSeq = first ? first.seq - 1 : undefined;
        if (previousSeq === undefined) {
          const [row] = await query<{ last_seq: number }>(sql.lease, [lease.runId]);
          if (!row) throw new LeaseLostError(lease.runId);
          previousSeq = row.last_seq;
        }
        const lastSeq = last ? last.seq : previousSeq;
        /** The write as one statement of its own (every kind of write). */
        const alone = async () => {
          const [result] = await query<{ matched: number }>(
            sql.append,
            [
              lease.runId,
              lease.owner,
              lease.token,
              previousSeq,
              lastSeq,
              write.status ?? null,
              write.output !== undefined,
              output ?? null,
              write.error !== undefined,
              error ?? null,
              write.wakeAt !== undefined || terminal,
              terminal ? null : (write.wakeAt ?? null),
              write.seenPokeSeq ?? null,
              terminal ? write.now : null,
              Boolean(write.release || terminal),
              write.now,
              JSON.stringify(historyRows),
              write.consumedSignals ?? [],
              children.runs,
              children.events,
              terminal,
              channel,
              eventWaits,
              write.endedEventWaits ?? [],
            ],
            on,
          );
          return Boolean(result?.matched);
        };
        try {
          const lean =
            !terminal &&
            !write.release &&
            write.output === undefined &&
            write.error === undefined &&
            !write.children?.length &&
            !write.eventWaits?.length &&
            !write.endedEventWaits?.length;
          if (lean) {
            const step: StepWrite = {
              id: lease.runId,
              owner: lease.owner,
              token: lease.token,
              previous_seq: previousSeq,
              last_seq: lastSeq,
              status: write.status ?? null,
              set_wake: write.wakeAt !== undefined,
              wake_at: write.wakeAt ?? null,
              seen_poke_seq: write.seenPokeSeq ?? null,
              now: write.now,
              events: historyRows,
              consumed: write.consumedSignals ?? [],
              startsOnly: on === startsPool,
              alone,
            };
            if (await stepBatcher.add(step)) return;
          } else if (
            terminal &&
            !write.children?.length &&
            !write.consumedSignals?.length &&
            !write.eventWaits?.length
          ) {
            const end: EndWrite = {
              id: lease.runId,
              owner: lease.owner,
              token: lease.token,
              previous_seq: previousSeq,
              last_seq: lastSeq,
              status: write.status as string,
              output: output ?? null,
              error: error ?? null,
              seen_poke_seq: write.seenPokeSeq ?? null,
              now: write.now,
              events: historyRows,
              alone,
            };
            if (await endBatcher.add(end)) return;
          } else if (await alone()) {
            statistics.grew(write.children?.length ?? 0);
            return;
          }
        } catch (error) {
          if (!isAmbiguousError(error)) throw error;
          // The commit may have happened: look before retrying.
          await ready();
          if (await committedAlready(lease, write, previousSeq, lastSeq).catch(() => false)) return;
          throw error;
        }
        if (attempt > 1 && (await committedAlready(lease, write, previousSeq, lastSeq))) return;
        throw new LeaseLostError(lease.runId);
      });
    },

    readInbox(runId) {
      return run(async () => {
        const row = await inboxBatcher.add(runId);
        if (!row) throw runNotFound(runId);
        return {
          pokeSeq: Number(row.poke_seq),
          cancelRequested: row.cancel_requested,
          signals: row.signals.map(toSignalRecord),
          finishedChildren: row.children.map(toRunRecord),
          eventWaits: row.event_waits.map(toEventWaitRecord),
        };
      });
    },

    subscribe(listen: (notice: StoreNotice) => void) {
      return listener.subscribe(listen);
    },
  };
  return store;
}
