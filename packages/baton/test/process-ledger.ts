/**
 * The ledger of the process tests, and the steps that write it.
 *
 * Every step body appends one row (`recordedStep`) before it does anything
 * else, to a SQLite file per worker generation, apart from the engine's store
 * (`openLedger`, `readLedgers`). A row is in the operating system's hands once
 * the insert returns, so it survives the SIGKILL of the process that wrote it;
 * one file per process means a frozen process never holds a lock another
 * waits for. The ledger is the ground truth of which step bodies ran, where,
 * when and as which attempt. (The outage test, whose engines share its
 * process, keeps its ledger in memory with the same steps.)
 *
 * The workflows of the three tests compute numbers from their input `n`:
 * every step mixes its predecessors in a fixed, order-sensitive way (`mix`),
 * so a result delivered to the wrong position, a lost step or a wrong signal
 * payload changes the output; each opens with the same five steps
 * (`runOpeningSteps`, `openingValues`).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { StepContext, WorkflowContext } from "baton";
import Database from "better-sqlite3";

/** One start of a step body, as the body reports it. */
export interface BodyStart {
  runId: string;
  /** Position of the step in its run (from the step's idempotency key). */
  position: number;
  name: string;
  /** `step.attempt` as the engine gave it. */
  attempt: number;
}

/** One start of a step body, as the ledger holds it. */
export interface LedgerRow extends BodyStart {
  /** Generation of the worker process that ran the body. */
  generation: number;
  /** Process id of that worker. */
  pid: number;
  /** When the body started, in epoch ms on the clock the worker was given (the clock of the history's times). */
  at: number;
}

/** Appends rows to the ledger of one worker process. */
export interface LedgerWriter {
  /** Appends one start; in the operating system's hands when it returns. */
  append(start: BodyStart): void;
  close(): void;
}

const ledgerFile = /^ledger-\d+\.db$/;

/** Path of the ledger of worker generation `generation` in `dir`. */
export function ledgerPath(dir: string, generation: number): string {
  return join(dir, `ledger-${generation}.db`);
}

/** Creates (or opens) the ledger of worker generation `generation` in `dir`; rows are stamped with `now()`. */
export function openLedger(dir: string, generation: number, now: () => number = Date.now): LedgerWriter {
  const db = new Database(ledgerPath(dir, generation));
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
    append(start) {
      insert.run(start.runId, start.position, start.name, start.attempt, generation, process.pid, now());
    },
    close() {
      db.close();
    },
  };
}

/** The ledger files in `dir`. */
export function ledgerFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => ledgerFile.test(file))
    .map((file) => join(dir, file));
}

/** Every row of every ledger in `dir`, file by file, each in the order appended (once their writers are gone). */
export function readLedgers(dir: string): LedgerRow[] {
  const rows: LedgerRow[] = [];
  for (const path of ledgerFiles(dir)) {
    const db = new Database(path, { fileMustExist: true });
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

/** `PRAGMA integrity_check` of a SQLite file, opened read-only: `["ok"]` when it is sound. */
export function integrityCheck(path: string): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma("integrity_check") as { integrity_check: string }[]).map((row) => row.integrity_check);
  } finally {
    db.close();
  }
}

/** Order-sensitive mix of two numbers (results stay below 2^31): a result at the wrong position changes the output. */
export function mix(a: number, b: number): number {
  return (a * 1_000_003 + b) % 2_147_483_647;
}

/**
 * The steps of a process test's workflow: each body reports its start to
 * `started` first thing, then works for `workMs()` (a step that takes time on
 * purpose, so that kills and cuts find bodies in flight), then returns
 * `result(compute())`.
 */
export function recordedStep<T>(
  ctx: WorkflowContext,
  started: (start: BodyStart) => void,
  workMs: () => number,
  result: (value: number) => T,
): (name: string, compute: () => number) => Promise<T> {
  return (name, compute) =>
    ctx.step<T>(name, async (info: StepContext) => {
      const position = Number(info.key.slice(info.key.lastIndexOf(":") + 1));
      started({ runId: ctx.runId, position, name, attempt: info.attempt });
      await new Promise<void>((resolve) => setTimeout(resolve, workMs()));
      return result(compute());
    });
}

/** What every step of the crash and multi-worker workflows returns: its value and the process generation that computed it. */
export interface StepResult {
  value: number;
  generation: number;
}

/** What the steps of a worker process's workflow need from their process. */
export interface StepEnvironment {
  /** Generation of the process running the steps (0 for the first worker process). */
  generation: number;
  /** Called first thing in every step body, before it does anything else (it appends a row to the ledger). */
  bodyStarted(start: BodyStart): void;
  /** How long a step body works, in ms (called once per body). */
  workMs(): number;
}

/** `recordedStep` for a worker process: results carry the generation that computed them. */
export function generationStep(ctx: WorkflowContext, env: StepEnvironment) {
  return recordedStep(ctx, env.bodyStarted, env.workMs, (value): StepResult => ({ value, generation: env.generation }));
}

/** Values of the five opening steps of run `n`, computed in plain sequence. */
export function openingValues(n: number): { load: number; left: number; middle: number; right: number; join: number } {
  const load = mix(n, 1);
  const left = mix(load, 2);
  const middle = mix(load, 3);
  const right = mix(load, 4);
  return { load, left, middle, right, join: mix(mix(mix(left, 5), middle), right) };
}

/**
 * The five steps every process test's workflow opens with: "load", then
 * "left", "middle" and "right" in parallel, then "join"; resolves with the
 * value of "join" (`read` reads a step's value from its result).
 */
export async function runOpeningSteps<T>(
  step: (name: string, compute: () => number) => Promise<T>,
  n: number,
  read: (result: T) => number,
): Promise<number> {
  const load = read(await step("load", () => mix(n, 1)));
  const [left, middle, right] = (
    await Promise.all([
      step("left", () => mix(load, 2)),
      step("middle", () => mix(load, 3)),
      step("right", () => mix(load, 4)),
    ])
  ).map(read) as [number, number, number];
  return read(await step("join", () => mix(mix(mix(left, 5), middle), right)));
}
