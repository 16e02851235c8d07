import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { BatonError, LeaseLostError } from "../../errors.js";
import { decodeJson, encodeJson } from "../../json.js";
import type { RunCount, RunFilter } from "../../types.js";
import { eventsOnly } from "../events-only.js";
import { readMigrations } from "../migration-files.js";
import { pokedPayload } from "../notice-payload.js";
import {
  encodeCursor,
  type HistoryRow,
  newRunRecord,
  type RunRow,
  runFinished,
  runNotFound,
  type SignalRow,
  toRecordedEvent,
  toRunRecord,
  toSignalRecord,
  unreadableRun,
} from "../rows.js";
import { runFilterSql } from "../run-filter-sql.js";
import type {
  ClaimedRun,
  ClaimRequest,
  ClaimResult,
  CreateRunResult,
  Lease,
  NewRun,
  RecordedEvent,
  RunInbox,
  RunRecord,
  RunWrite,
  SignalRecord,
  Store,
  UnreadableRun,
} from "../store.js";
import { createHistoryRows } from "./history-rows.js";
import { createRunNumbers } from "./run-numbers.js";
import { createSqliteEvents } from "./sqlite-events.js";
import { createSqliteNotices } from "./sqlite-notices.js";
import { createSqliteRegistry } from "./sqlite-registry.js";
import { createWriteBatcher, type WriteOptions } from "./write-batcher.js";

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

const active = "('pending', 'running', 'waiting', 'compensating')";
const terminal = "('completed', 'failed', 'compensated', 'cancelled')";
/**
 * How a run's writes refuse: a lost lease, found by the fenced update that
 * comes first, before they changed anything. They run without a savepoint
 * of their own; any other error rolls back the whole group commit, whose
 * other writes go out again (see `WriteBatcher.write`). They read no
 * history: their rows may wait for the end of the transaction.
 */
const runWrite: WriteOptions = {
  refusesUnchanged: (error) => error instanceof LeaseLostError,
  deferring: true,
};
/** A new run's write refuses nothing (its input was checked before): any error rolls back the group commit. */
const newRunWrite: WriteOptions = { refusesUnchanged: () => false, deferring: true };
const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/** What `progressed` reads of a run after its last write or release. */
interface ProgressRow {
  parent_id: string | null;
  status: string;
  wake_at: number | null;
  poke_seq: number;
  seen_poke_seq: number;
}

/**
 * Opens (creating if needed) a SQLite store at `path` in WAL mode. Writes of
 * concurrent runs issued in the same turn of the event loop share one
 * transaction (group commit); each caller is released after the commit.
 *
 * @example
 * const store = createSqliteStore(".baton/baton.db");
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma("foreign_keys = OFF");
  // Statement journals in memory: a write of a group commit that inserts a
  // run changes eight b-trees, and with journals in temporary files each
  // such insert cost 50 instead of 12 us here. (Migrations go back to files:
  // an index built on a large table sorts in them rather than in memory.)
  const tempInMemory = () => db.pragma("temp_store = MEMORY");
  tempInMemory();
  const log = options.log ?? ((message, error) => console.warn(`[baton] ${message}`, error ?? ""));
  const notices = createSqliteNotices(db, path, log);
  const historyRows = createHistoryRows(db);
  const runNumbers = createRunNumbers((runId) => statements().runNumber.get(runId) as number | undefined);
  const batcher = createWriteBatcher(db, () => notices.committed(), {
    get size() {
      return historyRows.size;
    },
    flush: () => historyRows.flush(),
    // A write was rolled back: a number it gave a new run may go to another.
    rewind(mark) {
      historyRows.rewind(mark);
      runNumbers.clear();
    },
  });

  let sql: ReturnType<typeof prepare> | undefined;
  const migrate = (): number[] => {
    db.pragma("temp_store = DEFAULT");
    try {
      return applyMigrations();
    } finally {
      tempInMemory();
    }
  };
  const applyMigrations = (): number[] => {
    const applied: number[] = [];
    db.exec(
      "CREATE TABLE IF NOT EXISTS baton_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    );
    for (const migration of readMigrations(migrationsFolder)) {
      db.transaction(() => {
        const done = db.prepare("SELECT 1 FROM baton_migrations WHERE version = ?").get(migration.version);
        if (done) return;
        applied.push(migration.version);
        db.exec(migration.sql);
        db.prepare("INSERT INTO baton_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
          migration.version,
          migration.name,
          Date.now(),
        );
      }).immediate();
    }
    sql ??= prepare();
    return applied;
  };

  const prepare = () => ({
    getRun: db.prepare("SELECT * FROM runs WHERE id = ?"),
    // Reads the index `runs_counts` alone.
    countRuns: db.prepare(
      "SELECT workflow, version, status, count(*) AS count FROM runs GROUP BY workflow, version, status",
    ),
    // Positional parameters and no RETURNING: SQLite answers RETURNING through
    // a temporary table, which made the insert cost twice as much; the store
    // answers the run as it wrote it (`newRunRecord`).
    insertRun: db.prepare(
      `INSERT INTO runs (id, workflow, version, status, input, parent_id, created_at, updated_at, timeout_ms, deadline_at, last_seq,
         lease_owner, lease_token, lease_expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    ),
    history: db.prepare(
      "SELECT seq, type, position, at, data FROM history WHERE run_num = (SELECT num FROM runs WHERE id = ?) ORDER BY seq",
    ),
    historyOf: db.prepare("SELECT seq, type, position, at, data FROM history WHERE run_num = ? ORDER BY seq"),
    runNumber: db.prepare("SELECT num FROM runs WHERE id = ?").pluck(),
    pendingSignals: db.prepare(
      "SELECT id, run_id, name, payload, sent_at FROM signals WHERE run_id = ? AND consumed_seq IS NULL ORDER BY id",
    ),
    insertSignal: db.prepare("INSERT INTO signals (run_id, name, payload, sent_at) VALUES (?, ?, ?, ?)"),
    consumeSignal: db.prepare("UPDATE signals SET consumed_seq = ? WHERE id = ? AND run_id = ?"),
    poke: db.prepare(
      `UPDATE runs SET poke_seq = poke_seq + 1, updated_at = ? WHERE id = ? AND status NOT IN ${terminal}
       RETURNING poke_seq`,
    ),
    cancel: db.prepare("UPDATE runs SET cancel_requested = 1, poke_seq = poke_seq + 1, updated_at = ? WHERE id = ?"),
    resume: db.prepare(
      `UPDATE runs SET status = 'pending', error = NULL, finished_at = NULL, wake_at = NULL,
         last_seq = last_seq + 1, deadline_at = ?, updated_at = ? WHERE id = ? AND status = 'failed'`,
    ),
    claim: db.prepare(
      `UPDATE runs SET lease_owner = @owner, lease_token = lease_token + 1, lease_expires_at = @expiresAt,
         status = CASE WHEN status = 'pending' THEN 'running' ELSE status END, updated_at = @now
       WHERE id IN (
         SELECT id FROM runs
         WHERE status IN ${active}
           AND (lease_owner IS NULL OR (lease_owner <> @owner AND lease_expires_at < @now)
             OR (lease_owner = @owner AND id IN (SELECT value FROM json_each(@reclaim))))
           AND (status <> 'waiting' OR wake_at <= @now OR poke_seq > seen_poke_seq)
           AND (workflow || '@' || version) IN (SELECT value FROM json_each(@workflows))
         ORDER BY created_at LIMIT @limit)
       RETURNING *`,
    ),
    nextWake: db.prepare(
      `SELECT min(wake_at) AS at FROM runs
       WHERE status = 'waiting' AND lease_owner IS NULL AND wake_at > @now
         AND (workflow || '@' || version) IN (SELECT value FROM json_each(@workflows))`,
    ),
    renew: db.prepare("UPDATE runs SET lease_expires_at = ? WHERE lease_owner = ? RETURNING id"),
    held: db.prepare("SELECT id FROM runs WHERE lease_owner = ?"),
    poked: db.prepare("SELECT id, poke_seq FROM runs WHERE lease_owner = ? AND poke_seq > seen_poke_seq"),
    progress: db.prepare(
      `UPDATE runs SET
         last_seq = @lastSeq,
         status = coalesce(@status, status),
         output = CASE WHEN @setOutput THEN @output ELSE output END,
         error = CASE WHEN @setError THEN @error ELSE error END,
         wake_at = CASE WHEN @setWake THEN @wakeAt ELSE wake_at END,
         seen_poke_seq = coalesce(@seenPokeSeq, seen_poke_seq),
         finished_at = coalesce(@finishedAt, finished_at),
         lease_owner = CASE WHEN @release THEN NULL ELSE lease_owner END,
         lease_expires_at = CASE WHEN @release THEN NULL ELSE lease_expires_at END,
         updated_at = @now
       WHERE id = @id AND lease_owner = @owner AND lease_token = @token AND last_seq = @previousSeq`,
    ),
    // Read after \`progress\` when the write ends or releases the run (RETURNING would cost more).
    progressed: db.prepare("SELECT parent_id, status, wake_at, poke_seq, seen_poke_seq FROM runs WHERE id = ?"),
    // The common write of a step: events only, status and timer as they are.
    // Positional parameters and no RETURNING: binding by name and building a
    // row object cost more than the update itself.
    progressLean: db.prepare(
      `UPDATE runs SET last_seq = ?, seen_poke_seq = coalesce(?, seen_poke_seq), updated_at = ?
       WHERE id = ? AND lease_owner = ? AND lease_token = ? AND last_seq = ?`,
    ),
    finishedChildren: db.prepare(`SELECT * FROM runs WHERE parent_id = ? AND status IN ${terminal}`),
    events: createSqliteEvents(db, {
      insertRun: (run, now) => insertRun(run, now),
      pokeRun: (runId, now) => pokeRun(runId, now),
    }),
  });
  const pendingMigrations = (): number[] => {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'baton_migrations'").get();
    const done = new Set(
      table
        ? (db.prepare("SELECT version FROM baton_migrations").all() as { version: number }[]).map((r) => r.version)
        : [],
    );
    return readMigrations(migrationsFolder)
      .map((migration) => migration.version)
      .filter((version) => !done.has(version));
  };
  if (options.migrate !== false) migrate();
  else if (pendingMigrations().length === 0) sql = prepare();

  /** The prepared statements. @throws BatonError `MIGRATIONS_PENDING` while the schema lacks migrations. */
  const statements = () => {
    if (sql) return sql;
    throw new BatonError(
      "MIGRATIONS_PENDING",
      `SQLite store "${path}" lacks migrations ${pendingMigrations().join(", ")}: run \`baton migrate\` or open the store with migrations on`,
    );
  };

  /** Adds history rows; they are inserted before the commit (see `HistoryRows`). Only inside a batcher's write. */
  const insertEvents = (runId: string, events: RecordedEvent[]) => {
    historyRows.add(runNumbers.of(runId), events);
  };

  const loadRun = (id: string): RunRecord | undefined => {
    const row = statements().getRun.get(id) as RunRow | undefined;
    return row ? toRunRecord(row) : undefined;
  };

  const requireActive = (runId: string, what: string): RunRecord => {
    const run = loadRun(runId);
    if (!run) throw runNotFound(runId);
    if (["completed", "failed", "compensated", "cancelled"].includes(run.status))
      throw runFinished(runId, run.status, what);
    return run;
  };

  const encodeInput = (run: NewRun) => encodeJson(run.input, `input of run "${run.id}"`);

  /**
   * Inserts a run and its first history, with `input` as its input column;
   * false when one with that id existed (nothing written).
   */
  const insertRun = (run: NewRun, now: number, input = encodeInput(run)): boolean => {
    const history = run.history.map((event, i) => ({ ...event, seq: i + 1 }));
    const { changes, lastInsertRowid } = statements().insertRun.run(
      run.id,
      run.workflow,
      run.version,
      run.lease ? "running" : "pending",
      input,
      run.parentId ?? null,
      now,
      now,
      run.timeoutMs ?? null,
      run.timeoutMs === undefined ? null : now + run.timeoutMs,
      history.length,
      run.lease?.owner ?? null,
      run.lease ? 1 : 0,
      run.lease?.expiresAt ?? null,
    );
    if (changes === 0) return false;
    const num = Number(lastInsertRowid);
    if (run.lease) runNumbers.remember(run.id, num);
    historyRows.add(num, history);
    if (!run.lease) notices.announce("r");
    return true;
  };

  /** Raises the run's poke_seq (when it is not finished) and announces it. */
  const pokeRun = (runId: string, now: number) => {
    const row = statements().poke.get(now, runId) as { poke_seq: number } | undefined;
    if (row) notices.announce(pokedPayload(runId, row.poke_seq));
  };

  /** A released run another worker may take now (runnable) or at its timer (wake). */
  const announceRelease = (row: ProgressRow) => {
    if (row.status !== "waiting" || row.poke_seq > row.seen_poke_seq) notices.announce("r");
    else if (row.wake_at !== null) notices.announce(`w:${row.wake_at}`);
  };

  const signalsOf = (runId: string): SignalRecord[] =>
    (statements().pendingSignals.all(runId) as SignalRow[]).map(toSignalRecord);

  return {
    kind: "sqlite",
    startsBeforeBody: false,
    ...createSqliteRegistry(db, (work) => batcher.write(work), statements),
    async migrate() {
      return migrate();
    },
    async close() {
      notices.close();
      await batcher.drain();
      db.close();
    },

    createRun(run, now): Promise<CreateRunResult> {
      return batcher.write(() => {
        const input = encodeInput(run);
        const created = insertRun(run, now, input);
        return { run: created ? newRunRecord(run, now, decodeJson(input)) : (loadRun(run.id) as RunRecord), created };
      }, newRunWrite);
    },

    async getRun(id) {
      return loadRun(id);
    },

    async listRuns(filter: RunFilter) {
      statements();
      const { where, params, limit } = runFilterSql(filter, () => "?");
      const rows = db
        .prepare(`SELECT * FROM runs ${where} ORDER BY created_at DESC, id DESC LIMIT ?`)
        .all(...params, limit + 1) as RunRow[];
      const runs = rows.slice(0, limit).map(toRunRecord);
      const last = runs[runs.length - 1];
      return { runs, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : undefined };
    },

    async countRuns() {
      return statements().countRuns.all() as RunCount[];
    },

    async getHistory(runId) {
      return (statements().history.all(runId) as HistoryRow[]).map(toRecordedEvent);
    },

    async listPendingSignals(runId) {
      return signalsOf(runId);
    },

    sendSignal(runId, name, payload, now) {
      return batcher.write(() => {
        requireActive(runId, `signal "${name}" to`);
        statements().insertSignal.run(runId, name, encodeJson(payload, `payload of signal "${name}"`), now);
        pokeRun(runId, now);
      });
    },

    requestCancel(runId, now) {
      return batcher.write(() => {
        requireActive(runId, "cancel");
        statements().cancel.run(now, runId);
        const run = loadRun(runId) as RunRecord;
        notices.announce(pokedPayload(runId, run.pokeSeq));
        return run;
      });
    },

    resumeRun(runId, event, deadlineAt, now) {
      return batcher.write(() => {
        const run = loadRun(runId);
        if (!run) throw runNotFound(runId);
        const changed = statements().resume.run(deadlineAt ?? null, now, runId);
        if (changed.changes === 0) {
          throw new BatonError(
            "RUN_NOT_FAILED",
            `cannot resume run "${runId}": only failed runs can be resumed (it is ${run.status})`,
          );
        }
        insertEvents(runId, [{ ...event, seq: run.lastSeq + 1 }]);
        notices.announce("r");
      });
    },

    claimRuns(request: ClaimRequest): Promise<ClaimResult> {
      return batcher.write(() => {
        const workflows = JSON.stringify(request.workflows);
        const rows = statements().claim.all({
          owner: request.owner,
          expiresAt: request.now + request.leaseMs,
          now: request.now,
          workflows,
          reclaim: JSON.stringify(request.reclaim ?? []),
          limit: request.limit,
        }) as RunRow[];
        const next = statements().nextWake.get({ now: request.now, workflows }) as { at: number | null };
        const runs: ClaimedRun[] = [];
        const unreadable: UnreadableRun[] = [];
        for (const row of rows) {
          const { num } = row as RunRow & { num: number };
          runNumbers.remember(row.id, num);
          try {
            const run = toRunRecord(row);
            runs.push({
              run,
              lease: { runId: run.id, owner: request.owner, token: run.leaseToken },
              history: (statements().historyOf.all(num) as HistoryRow[]).map(toRecordedEvent),
              signals: signalsOf(run.id),
              eventWaits: statements().events.waitsOf(run.id),
            });
          } catch (error) {
            if (!(error instanceof SyntaxError)) throw error; // a value that is not JSON; anything else fails the claim
            unreadable.push(unreadableRun(row, request.owner, error));
          }
        }
        return { runs, ...(unreadable.length > 0 ? { unreadable } : {}), nextWakeAt: next.at ?? undefined };
      });
    },

    renewLeases(owner, now, leaseMs) {
      return batcher.write(() =>
        (statements().renew.all(now + leaseMs, owner) as { id: string }[]).map((row) => row.id),
      );
    },

    async heldRuns(owner) {
      return (statements().held.all(owner) as { id: string }[]).map((row) => row.id);
    },

    async pokedRuns(owner) {
      return (statements().poked.all(owner) as { id: string; poke_seq: number }[]).map((row) => ({
        runId: row.id,
        pokeSeq: row.poke_seq,
      }));
    },

    appendHistory(lease: Lease, write: RunWrite) {
      const lean = write.events.length > 0 && eventsOnly(write);
      if (lean) {
        // The common write of a step: the fenced update comes first and
        // refuses (changing nothing) a lost lease; then the events, whose
        // sequence numbers the fence has just vouched for.
        const events = write.events;
        const previousSeq = (events[0] as RecordedEvent).seq - 1;
        const lastSeq = (events[events.length - 1] as RecordedEvent).seq;
        return batcher.write(() => {
          const { changes } = statements().progressLean.run(
            lastSeq,
            write.seenPokeSeq ?? null,
            write.now,
            lease.runId,
            lease.owner,
            lease.token,
            previousSeq,
          );
          if (changes === 0) throw new LeaseLostError(lease.runId);
          insertEvents(lease.runId, events);
        }, runWrite);
      }
      return batcher.write(() => {
        const first = write.events[0];
        const previousSeq = first ? first.seq - 1 : undefined;
        const lastSeq = write.events.length ? (write.events[write.events.length - 1] as RecordedEvent).seq : undefined;
        const current = previousSeq === undefined ? loadRun(lease.runId) : undefined;
        const isTerminal =
          write.status !== undefined && ["completed", "failed", "compensated", "cancelled"].includes(write.status);
        const fence = {
          id: lease.runId,
          owner: lease.owner,
          token: lease.token,
          previousSeq: previousSeq ?? current?.lastSeq ?? -1,
          lastSeq: lastSeq ?? current?.lastSeq ?? -1,
          seenPokeSeq: write.seenPokeSeq ?? null,
          now: write.now,
        };
        const sameRow =
          write.status === undefined &&
          write.wakeAt === undefined &&
          write.output === undefined &&
          write.error === undefined &&
          !write.release;
        if (sameRow) {
          // Status and timer as they are: touches no index of `runs`.
          const { changes } = statements().progressLean.run(
            fence.lastSeq,
            fence.seenPokeSeq,
            fence.now,
            fence.id,
            fence.owner,
            fence.token,
            fence.previousSeq,
          );
          if (changes === 0) throw new LeaseLostError(lease.runId);
        }
        if (!sameRow) {
          const { changes } = statements().progress.run({
            ...fence,
            status: write.status ?? null,
            setOutput: write.output !== undefined ? 1 : 0,
            output: encodeJson(write.output, `output of run "${lease.runId}"`),
            setError: write.error !== undefined ? 1 : 0,
            error: encodeJson(write.error, "error"),
            setWake: write.wakeAt !== undefined || isTerminal ? 1 : 0,
            wakeAt: isTerminal ? null : (write.wakeAt ?? null),
            finishedAt: isTerminal ? write.now : null,
            release: write.release || isTerminal ? 1 : 0,
          });
          if (changes === 0) throw new LeaseLostError(lease.runId);
        }
        const updated =
          isTerminal || write.release ? (statements().progressed.get(lease.runId) as ProgressRow) : undefined;
        insertEvents(lease.runId, write.events);
        if (!isTerminal) statements().events.register(lease.runId, write.eventWaits ?? []);
        statements().events.end(lease.runId, isTerminal ? "all" : (write.endedEventWaits ?? []));
        for (const signalId of write.consumedSignals ?? []) {
          statements().consumeSignal.run(lastSeq ?? 0, signalId, lease.runId);
        }
        for (const child of write.children ?? []) insertRun(child, write.now);
        if (isTerminal || write.release) runNumbers.forget(lease.runId);
        if (isTerminal && updated?.parent_id) pokeRun(updated.parent_id, write.now);
        else if (write.release && !isTerminal && updated) announceRelease(updated);
      }, runWrite);
    },

    async readInbox(runId): Promise<RunInbox> {
      const run = loadRun(runId);
      if (!run) throw runNotFound(runId);
      return {
        pokeSeq: run.pokeSeq,
        cancelRequested: run.cancelRequested,
        signals: signalsOf(runId),
        finishedChildren: (statements().finishedChildren.all(runId) as RunRow[]).map(toRunRecord),
        eventWaits: statements().events.waitsOf(runId),
      };
    },

    subscribe(listener) {
      return notices.subscribe(listener);
    },

    publishEvent(event, now) {
      return batcher.write(() => statements().events.publish(event, now));
    },

    closeEventWait(lease, position) {
      return batcher.write(() => statements().events.close(lease, position));
    },
  };
}
