import type Database from "better-sqlite3";

/** Queues writes and commits those issued in one turn of the event loop together. */
export interface WriteBatcher {
  /**
   * Runs `apply` inside the next shared transaction; resolves after the
   * commit. A write that can only refuse before it changes anything passes
   * `refusesUnchanged`, true of the errors it throws that way: it then runs
   * without a savepoint of its own (a run's writes; two fewer statements,
   * and no copies of the pages it changes). Should it throw any other error,
   * the whole transaction is rolled back: it is rejected and the other
   * writes go out again.
   */
  write<T>(apply: () => T, refusesUnchanged?: (error: unknown) => boolean): Promise<T>;
  /** Resolves once every queued write has been committed or rejected. */
  drain(): Promise<void>;
}

interface Queued {
  apply: () => unknown;
  refusesUnchanged?: (error: unknown) => boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * How long one transaction takes writes, in ms. SQLite runs on the event
 * loop's thread: this bounds how long timers and I/O wait for a group
 * commit; the writes left over go out in the next turn.
 */
const maxBatchMs = 10;

/**
 * Group commit for SQLite. Each write runs under its own savepoint, so one
 * rejected write (a lost lease, a bad value) rolls back alone while the others
 * commit; every caller is released only after `COMMIT` returned. `committed`
 * is called after each commit.
 */
export function createWriteBatcher(db: Database.Database, committed: () => void = () => {}): WriteBatcher {
  let queue: Queued[] = [];
  let scheduled: Promise<void> | undefined;
  // Prepared once: \`exec\` would parse these statements again for every write.
  let control: Record<"begin" | "savepoint" | "release" | "rollbackTo" | "commit", Database.Statement> | undefined;
  const statements = () =>
    (control ??= {
      begin: db.prepare("BEGIN IMMEDIATE"),
      savepoint: db.prepare("SAVEPOINT w"),
      release: db.prepare("RELEASE w"),
      rollbackTo: db.prepare("ROLLBACK TO w"),
      commit: db.prepare("COMMIT"),
    });

  const flush = () => {
    let batch = queue;
    queue = [];
    scheduled = undefined;
    const results: { ok: boolean; value: unknown }[] = [];
    const sql = statements();
    try {
      sql.begin.run();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    const began = performance.now();
    for (const [i, item] of batch.entries()) {
      if (i > 0 && performance.now() - began > maxBatchMs) {
        queue = [...batch.slice(i), ...queue];
        batch = batch.slice(0, i);
        schedule();
        break;
      }
      if (item.refusesUnchanged) {
        try {
          results.push({ ok: true, value: item.apply() });
        } catch (error) {
          if (item.refusesUnchanged(error)) {
            results.push({ ok: false, value: error });
            continue;
          }
          // It may have changed something: nothing of this transaction stays.
          if (db.inTransaction) db.exec("ROLLBACK");
          queue = [...batch.slice(0, i), ...batch.slice(i + 1), ...queue];
          schedule();
          item.reject(error);
          return;
        }
        continue;
      }
      sql.savepoint.run();
      try {
        results.push({ ok: true, value: item.apply() });
        sql.release.run();
      } catch (error) {
        sql.rollbackTo.run();
        sql.release.run();
        results.push({ ok: false, value: error });
      }
    }
    try {
      sql.commit.run();
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const result = results[i] as { ok: boolean; value: unknown };
      if (result.ok) item.resolve(result.value);
      else item.reject(result.value);
    });
    committed();
  };

  const schedule = () => {
    scheduled ??= new Promise<void>((done) =>
      setImmediate(() => {
        flush();
        done();
      }),
    );
  };

  return {
    write<T>(apply: () => T, refusesUnchanged?: (error: unknown) => boolean): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ apply, refusesUnchanged, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    async drain() {
      while (scheduled) await scheduled;
    },
  };
}
