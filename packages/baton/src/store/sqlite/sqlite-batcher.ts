import type Database from "better-sqlite3";

/** Queues writes and commits those issued in one turn of the event loop together. */
export interface SqliteBatcher {
  /**
   * Runs `apply` inside the next shared transaction; resolves after the
   * commit. A write that can only refuse before it changes anything passes
   * `refusesUnchanged`, true of the errors it throws that way: it then runs
   * without a savepoint of its own (a run's writes; two fewer statements,
   * and no copies of the pages it changes). Should it throw any other error,
   * the whole transaction is rolled back: it is rejected and the other
   * writes go out again. A write that reads nothing other writes leave for
   * later (see `DeferredWrites`) passes `deferring`: none are written before it.
   */
  write<T>(apply: () => T, options?: WriteOptions): Promise<T>;
  /** Resolves once every queued write has been committed or rejected. */
  drain(): Promise<void>;
}

/** How a write of `SqliteBatcher.write` may fail, and what it reads. */
export interface WriteOptions {
  /** True of the errors the write throws before it changed anything. */
  refusesUnchanged?: (error: unknown) => boolean;
  /** It reads nothing of what writes leave to `DeferredWrites`, so they need not be written before it. */
  deferring?: boolean;
}

/**
 * Rows that writes leave for later in their transaction, so that they go
 * out together (see `HistoryRows`). The batcher writes them before it
 * commits and before each write not marked `deferring`, and drops those of
 * a write that failed. Should writing them fail, no write can be blamed:
 * the transaction is rolled back and its writes go out again in the next
 * one, each followed at once by its own rows, so that the failure is that
 * write's.
 */
export interface DeferredWrites {
  /** How many wait: a mark for `rewind`. */
  readonly size: number;
  /** Drops those added after `mark`; called whenever a write failed or the transaction was rolled back. */
  rewind(mark: number): void;
  /** Writes every one waiting. */
  flush(): void;
}

interface Queued {
  apply: () => unknown;
  refusesUnchanged?: (error: unknown) => boolean;
  deferring: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * How long one transaction takes writes, in ms. SQLite runs on the event
 * loop's thread: this bounds how long timers and I/O wait for a group
 * commit; the writes left over go out in the next turn.
 */
const maxBatchMs = 10;

const nothingDeferred: DeferredWrites = { size: 0, rewind() {}, flush() {} };

/**
 * Group commit for SQLite. Each write runs under its own savepoint, so one
 * rejected write (a lost lease, a bad value) rolls back alone while the others
 * commit; every caller is released only after `COMMIT` returned. `committed`
 * is called after each commit; `deferred` holds what writes leave for later.
 */
export function createSqliteBatcher(
  db: Database.Database,
  committed: () => void = () => {},
  deferred: DeferredWrites = nothingDeferred,
): SqliteBatcher {
  let queue: Queued[] = [];
  let scheduled: Promise<void> | undefined;
  /** The next transaction writes each write's deferred rows right after it: the last ones failed together. */
  let isolate = false;
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

  /** Rolls back the transaction and drops what its writes left for later. */
  const rollback = () => {
    deferred.rewind(0);
    if (db.inTransaction) db.exec("ROLLBACK");
  };

  /**
   * Writes the deferred rows; false when that failed, after it rolled back
   * and queued the whole batch again, to go out isolated (or, were it
   * isolated already, rejected it).
   */
  const writeDeferred = (batch: Queued[], isolated: boolean): boolean => {
    try {
      deferred.flush();
      return true;
    } catch (error) {
      rollback();
      if (isolated) {
        for (const item of batch) item.reject(error);
        return false;
      }
      queue = [...batch, ...queue];
      isolate = true;
      schedule();
      return false;
    }
  };

  const flush = () => {
    let batch = queue;
    queue = [];
    scheduled = undefined;
    const isolated = isolate;
    isolate = false;
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
      if (!item.deferring && !writeDeferred(batch, isolated)) return;
      const mark = deferred.size;
      if (item.refusesUnchanged) {
        try {
          const value = item.apply();
          if (isolated) deferred.flush();
          results.push({ ok: true, value });
        } catch (error) {
          if (item.refusesUnchanged(error)) {
            deferred.rewind(mark);
            results.push({ ok: false, value: error });
            continue;
          }
          // It may have changed something: nothing of this transaction stays.
          rollback();
          queue = [...batch.slice(0, i), ...batch.slice(i + 1), ...queue];
          schedule();
          item.reject(error);
          return;
        }
        continue;
      }
      sql.savepoint.run();
      try {
        const value = item.apply();
        if (isolated) deferred.flush();
        sql.release.run();
        results.push({ ok: true, value });
      } catch (error) {
        sql.rollbackTo.run();
        sql.release.run();
        deferred.rewind(mark);
        results.push({ ok: false, value: error });
      }
    }
    if (!writeDeferred(batch, isolated)) return;
    try {
      sql.commit.run();
    } catch (error) {
      rollback();
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
    write<T>(apply: () => T, options: WriteOptions = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({
          apply,
          refusesUnchanged: options.refusesUnchanged,
          deferring: options.deferring ?? false,
          resolve: resolve as (value: unknown) => void,
          reject,
        });
        schedule();
      });
    },
    async drain() {
      while (scheduled) await scheduled;
    },
  };
}
