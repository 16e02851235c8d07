import type Database from "better-sqlite3";
import { BatonError } from "../../errors.js";
import { encodeJson } from "../../json.js";
import { isFinished } from "../../types.js";
import { pokedPayload } from "../notice-payload.js";
import { type RunRow, runFinished, runNotFound, type SignalRow, toRunRecord, toSignalRecord } from "../rows.js";
import { finishedSql } from "../status-sql.js";
import type { HistoryRecord, NewRun, RunRecord, SignalRecord } from "../store.js";
import { createHistoryRows, type HistoryRows } from "./internal/history-rows.js";
import { createRunNumbers, type RunNumbers } from "./internal/run-numbers.js";
import { createSqliteBatcher, type SqliteBatcher } from "./sqlite-batcher.js";
import { createSqliteEvents, type SqliteEvents } from "./sqlite-events.js";
import { createSqliteHumanTaskWrites, type SqliteHumanTaskWrites } from "./sqlite-human-tasks.js";
import type { SqliteMigrator } from "./sqlite-migrate.js";
import { createSqliteNotices, type SqliteNotices } from "./sqlite-notices.js";
import { createSqliteTaskWrites, type SqliteTaskWrites } from "./sqlite-tasks.js";

/**
 * What the verbs of the SQLite store share: the database, its group commit,
 * its notices, and the helpers several verbs use (inserting a run, poking
 * one). Every helper that writes runs inside a batcher's write.
 */
export interface SqliteContext {
  readonly db: Database.Database;
  readonly notices: SqliteNotices;
  readonly batcher: SqliteBatcher;
  /** History rows waiting for the end of the transaction (see `HistoryRows`). */
  readonly historyRows: HistoryRows;
  readonly runNumbers: RunNumbers;
  /**
   * A getter of statements `make` prepares once the schema is migrated.
   * @throws BatonError `MIGRATIONS_PENDING` while it is not.
   */
  prepared<T>(make: (db: Database.Database) => T): () => T;
  /** The schema is migrated (statements may be prepared). */
  migrated(): void;
  loadRun(id: string): RunRecord | undefined;
  /** The run, when it has not finished. @throws `RUN_NOT_FOUND`, `RUN_FINISHED` (naming `what`). */
  requireActive(runId: string, what: string): RunRecord;
  /** Inserts a run and its first history, with `input` as its input column; false when its id existed. */
  insertRun(run: NewRun, now: number, input?: string | null): boolean;
  /** Raises the run's `poke_seq` (when it has not finished) and announces it. */
  pokeRun(runId: string, now: number): void;
  /** Adds history rows of a run, inserted before the commit. */
  insertEvents(runId: string, events: HistoryRecord[]): void;
  /** The run's signals not consumed yet, oldest first. */
  signalsOf(runId: string): SignalRecord[];
  /** The event statements (see `SqliteEvents`). */
  events(): SqliteEvents;
  /** What a run's writes do to its tasks (see `SqliteTaskWrites`). */
  tasks(): SqliteTaskWrites;
  /** What a run's writes do to its human tasks (see `SqliteHumanTaskWrites`). */
  humanTasks(): SqliteHumanTaskWrites;
}

/** Builds the context of a store on `db` at `path`. */
export function createSqliteContext(
  db: Database.Database,
  path: string,
  migrator: SqliteMigrator,
  log: (message: string, error?: unknown) => void,
): SqliteContext {
  let isMigrated = false;
  const ensureMigrated = () => {
    if (isMigrated) return;
    const pending = migrator.pending();
    if (pending.length > 0) {
      throw new BatonError(
        "MIGRATIONS_PENDING",
        `SQLite store "${path}" lacks migrations ${pending.join(", ")}: run \`baton migrate\` or open the store with migrations on`,
      );
    }
    isMigrated = true;
  };
  const prepared = <T>(make: (db: Database.Database) => T) => {
    let value: T | undefined;
    return (): T => {
      if (value === undefined) {
        ensureMigrated();
        value = make(db);
      }
      return value;
    };
  };
  const sql = prepared(() => ({
    getRun: db.prepare("SELECT * FROM runs WHERE id = ?"),
    runNumber: db.prepare("SELECT num FROM runs WHERE id = ?").pluck(),
    // Positional parameters and no RETURNING: SQLite answers RETURNING through
    // a temporary table, which made the insert cost twice as much; the store
    // answers the run as it wrote it (`newRunRecord`).
    insertRun: db.prepare(
      `INSERT INTO runs (id, workflow, version, status, input, parent_id, created_at, updated_at, timeout_ms, deadline_at, last_seq,
         lease_owner, lease_token, lease_expires_at, queue, concurrency_key, priority, wake_at, debounce_key, started_at,
         schedule_id, scheduled_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    ),
    poke: db.prepare(
      `UPDATE runs SET poke_seq = poke_seq + 1, updated_at = ? WHERE id = ? AND status NOT IN ${finishedSql}
       RETURNING poke_seq`,
    ),
    pendingSignals: db.prepare(
      "SELECT id, run_id, name, payload, sent_at FROM signals WHERE run_id = ? AND consumed_seq IS NULL ORDER BY id",
    ),
  }));
  const notices = createSqliteNotices(db, path, log);
  const historyRows = createHistoryRows(db);
  const runNumbers = createRunNumbers((runId) => sql().runNumber.get(runId) as number | undefined);
  const batcher = createSqliteBatcher(db, () => notices.committed(), {
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

  const loadRun = (id: string): RunRecord | undefined => {
    const row = sql().getRun.get(id) as RunRow | undefined;
    return row ? toRunRecord(row) : undefined;
  };

  const insertRun = (run: NewRun, now: number, input = encodeJson(run.input, `input of run "${run.id}"`)) => {
    const history = run.history.map((event, i) => ({ ...event, seq: i + 1 }));
    const { changes, lastInsertRowid } = sql().insertRun.run(
      run.id,
      run.workflow,
      run.version,
      run.lease ? "running" : "pending",
      input ?? null,
      run.parentId ?? null,
      now,
      now,
      run.timeoutMs ?? null,
      run.timeoutMs === undefined ? null : now + run.timeoutMs,
      history.length,
      run.lease?.owner ?? null,
      run.lease ? 1 : 0,
      run.lease?.expiresAt ?? null,
      run.queue ?? "default",
      run.concurrencyKey ?? null,
      run.priority ?? 0,
      run.startAt ?? null,
      run.debounceKey ?? null,
      run.lease ? now : null,
      run.scheduleId ?? null,
      run.scheduledAt ?? null,
    );
    if (changes === 0) return false;
    const num = Number(lastInsertRowid);
    if (run.lease) runNumbers.remember(run.id, num);
    historyRows.add(num, history);
    if (!run.lease) notices.announce("r");
    return true;
  };
  const pokeRun = (runId: string, now: number) => {
    const row = sql().poke.get(now, runId) as { poke_seq: number } | undefined;
    if (row) notices.announce(pokedPayload(runId, row.poke_seq));
  };

  return {
    db,
    notices,
    batcher,
    historyRows,
    runNumbers,
    prepared,
    migrated() {
      isMigrated = true;
    },
    loadRun,
    requireActive(runId, what) {
      const run = loadRun(runId);
      if (!run) throw runNotFound(runId);
      if (isFinished(run.status)) throw runFinished(runId, run.status, what);
      return run;
    },
    insertRun,
    pokeRun,
    insertEvents(runId, events) {
      historyRows.add(runNumbers.of(runId), events);
    },
    signalsOf: (runId) => (sql().pendingSignals.all(runId) as SignalRow[]).map(toSignalRecord),
    events: prepared((db) => createSqliteEvents(db, { insertRun, pokeRun })),
    tasks: prepared((db) => createSqliteTaskWrites(db, (queue) => notices.announce(`t:${queue}`))),
    humanTasks: prepared((db) => createSqliteHumanTaskWrites(db)),
  };
}
