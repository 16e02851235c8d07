/**
 * The ledger of the multi-worker test: one SQLite file per worker process,
 * separate from the engine's store, where every step body appends one row
 * before it does anything else. A row is in the operating system's hands once
 * the insert returns, so it survives the SIGKILL of the process that wrote it;
 * one file per process means a frozen (SIGSTOP) process never holds a lock
 * another process waits for. The ledgers are the ground truth of which step
 * bodies really ran, where, when and as which attempt.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

/** One start of a step body. */
export interface LedgerRow {
  runId: string;
  position: number;
  name: string;
  /** `step.attempt` as the engine gave it. */
  attempt: number;
  /** Generation of the worker process that ran the body (0 to 3 for the first four). */
  generation: number;
  /** Process id of that worker. */
  pid: number;
  /** When the body started, in epoch ms on the worker's database clock (the clock of the history's times). */
  at: number;
}

/** Appends rows to the ledger of one process. */
export interface LedgerWriter {
  /** Appends one row; in the operating system's hands when it returns. */
  append(row: LedgerRow): void;
  close(): void;
}

const filePattern = /^ledger-\d+\.db$/;

/** Path of the ledger of worker generation `generation` in `dir`. */
export function ledgerPath(dir: string, generation: number): string {
  return join(dir, `ledger-${generation}.db`);
}

/** Creates (or opens) the ledger at `path` for appending. */
export function openLedger(path: string): LedgerWriter {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(`CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    generation INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    at REAL NOT NULL
  )`);
  const insert = db.prepare(
    "INSERT INTO ledger (run_id, position, name, attempt, generation, pid, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  return {
    append(row) {
      insert.run(row.runId, row.position, row.name, row.attempt, row.generation, row.pid, row.at);
    },
    close() {
      db.close();
    },
  };
}

/** Every row of every ledger in `dir`, file by file, each in the order appended (once their writers are gone). */
export function readLedgers(dir: string): LedgerRow[] {
  const rows: LedgerRow[] = [];
  for (const name of readdirSync(dir).filter((file) => filePattern.test(file))) {
    const db = new Database(join(dir, name), { fileMustExist: true });
    try {
      rows.push(
        ...(db
          .prepare("SELECT run_id AS runId, position, name, attempt, generation, pid, at FROM ledger ORDER BY id")
          .all() as LedgerRow[]),
      );
    } finally {
      db.close();
    }
  }
  return rows;
}
