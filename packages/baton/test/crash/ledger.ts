/**
 * The ledger of the crash test: a SQLite file, separate from the engine's
 * store, where every step body appends one row before it does anything else.
 * It is written with `synchronous = FULL`, so a row survives the SIGKILL of
 * the process that wrote it: the ledger is the ground truth of which step
 * bodies really ran, in which process generation and as which attempt.
 */
import Database from "better-sqlite3";

/** One execution of a step body. */
export interface LedgerRow {
  runId: string;
  /** Position of the step in its run (from the step's idempotency key). */
  position: number;
  name: string;
  /** `step.attempt` as the engine gave it. */
  attempt: number;
  /** Process generation that ran the body (0 for the first child process). */
  generation: number;
}

/** Appends rows to a ledger. */
export interface LedgerWriter {
  /** Appends one row; durable when it returns. */
  append(row: LedgerRow): void;
  close(): void;
}

const busyTimeoutMs = 10_000;

function open(path: string, readonly: boolean): Database.Database {
  const db = new Database(path, { readonly, fileMustExist: readonly });
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return db;
}

/**
 * Creates an empty ledger at `path` (WAL mode, which the file keeps).
 * Call once, before any process appends to it.
 */
export function createLedger(path: string): void {
  const db = open(path, false);
  db.pragma("journal_mode = WAL");
  db.exec(`CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    generation INTEGER NOT NULL,
    at INTEGER NOT NULL
  )`);
  db.close();
}

/** Opens a ledger made by `createLedger` for appending, with `synchronous = FULL`. */
export function openLedger(path: string): LedgerWriter {
  const db = open(path, false);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  const insert = db.prepare(
    "INSERT INTO ledger (run_id, position, name, attempt, generation, at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  return {
    append(row) {
      insert.run(row.runId, row.position, row.name, row.attempt, row.generation, Date.now());
    },
    close() {
      db.close();
    },
  };
}

/** Every row of a ledger, in the order they were appended. */
export function readLedger(path: string): LedgerRow[] {
  const db = open(path, true);
  try {
    return db
      .prepare("SELECT run_id AS runId, position, name, attempt, generation FROM ledger ORDER BY id")
      .all() as LedgerRow[];
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` of a SQLite file, opened read-only: `["ok"]` when it is sound. */
export function integrityCheck(path: string): string[] {
  const db = open(path, true);
  try {
    return (db.pragma("integrity_check") as { integrity_check: string }[]).map((row) => row.integrity_check);
  } finally {
    db.close();
  }
}
