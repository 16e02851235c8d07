import { randomUUID } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import type Database from "better-sqlite3";
import { type NoticePayload, parseNotice } from "../notice-payload.js";
import type { StoreNotice } from "../store.js";

/** Notices between processes sharing one SQLite file. */
export interface SqliteNotices {
  /** Appends a notice for the other processes; call it inside the write's transaction. */
  announce(payload: NoticePayload): void;
  /** Calls `listener` with the notices other stores write, until unsubscribed. */
  subscribe(listener: (notice: StoreNotice) => void): () => void;
  /** Call after each commit of the store's own. */
  committed(): void;
  /** Stops watching. */
  close(): void;
}

/** Notices kept in the table; a listener further behind gets `reconnected`. */
const kept = 10_000;
const pruneEvery = 1_000;
const readBatch = 1_000;
/** The check that runs when no file event came (events can be missed, or the WAL file was replaced). */
const fallbackMs = 50;
/**
 * How long a file event waits for the ones after it, and how often the
 * store's own commits look. This bounds how late another process's notice
 * is read.
 */
const settleMs = 1;
/** After this long without a commit of its own, the store watches the WAL file again. */
const quietMs = 2;

/**
 * Notices over the `notices` table of the file at `path`. While the store is
 * quiet, it watches the WAL file (every commit writes to it); while it
 * commits itself, it looks after its own commits instead (at most once per
 * `settleMs`), since each of those would wake the watcher too (at 10-15% of
 * a sequential run's time), and watches again once it has not committed for
 * `quietMs`; and every 50 ms in any case. Each look is a
 * `PRAGMA data_version`, which tells whether another connection committed;
 * only then are the new notices read. The store's own notices are skipped
 * (its process is told directly).
 */
export function createSqliteNotices(
  db: Database.Database,
  path: string,
  log: (message: string, error?: unknown) => void,
): SqliteNotices {
  const source = randomUUID();
  const listeners = new Set<(notice: StoreNotice) => void>();
  let sql:
    | (Record<"insert" | "prune" | "since" | "newest", Database.Statement> & { dataVersion: Database.Statement })
    | undefined;
  const statements = () =>
    (sql ??= {
      insert: db.prepare("INSERT INTO notices (source, payload) VALUES (?, ?)"),
      prune: db.prepare("DELETE FROM notices WHERE seq <= ?"),
      since: db.prepare("SELECT seq, source, payload FROM notices WHERE seq > ? ORDER BY seq LIMIT ?"),
      newest: db.prepare("SELECT coalesce(max(seq), 0) FROM notices").pluck(),
      dataVersion: db.prepare("PRAGMA data_version").pluck(),
    });
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let settling: NodeJS.Timeout | undefined;
  let quieting: NodeJS.Timeout | undefined;
  let lastSeen = 0;
  let version: unknown;
  let failing = false;
  /** `performance.now()` of the last look, and of the store's last commit. */
  let checkedAt = 0;
  let committedAt = Number.NEGATIVE_INFINITY;

  const emit = (notice: StoreNotice) => {
    for (const listener of listeners) listener(notice);
  };

  const check = () => {
    if (!db.open) return;
    checkedAt = performance.now();
    try {
      const current = statements().dataVersion.get();
      if (current === version) return;
      version = current;
      for (;;) {
        const rows = statements().since.all(lastSeen, readBatch) as { seq: number; source: string; payload: string }[];
        const first = rows[0];
        if (!first) break;
        if (first.seq > lastSeen + 1) emit({ kind: "reconnected" }); // pruned before this store read them
        for (const row of rows) {
          lastSeen = row.seq;
          if (row.source === source) continue;
          const notice = parseNotice(row.payload);
          if (notice) emit(notice);
        }
        if (rows.length < readBatch) break;
      }
      failing = false;
    } catch (error) {
      if (!failing) log("reading notices of other processes failed", error);
      failing = true;
    }
  };

  /** A file event: checks once the events that follow it within `settleMs` came too. */
  const changed = () => {
    settling ??= setTimeout(() => {
      settling = undefined;
      check();
    }, settleMs);
  };

  /** Watches again once the store's own commits have stopped for `quietMs`. */
  const quiet = () => {
    const since = performance.now() - committedAt;
    if (since < quietMs) {
      quieting = setTimeout(quiet, quietMs - since);
      return;
    }
    quieting = undefined;
    watchWal();
    check();
  };

  const watchWal = () => {
    if (watcher || path === ":memory:") return;
    try {
      watcher = watch(`${path}-wal`, { persistent: false }, changed);
      watcher.on("error", () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      watcher = undefined; // no WAL file yet: the fallback check tries again
    }
  };

  const start = () => {
    try {
      version = statements().dataVersion.get();
      lastSeen = statements().newest.get() as number;
    } catch (error) {
      log("reading notices of other processes failed", error);
    }
    watchWal();
    timer = setInterval(() => {
      if (!quieting) watchWal();
      check();
    }, fallbackMs);
    timer.unref();
  };

  const stop = () => {
    clearInterval(timer);
    timer = undefined;
    clearTimeout(settling);
    settling = undefined;
    clearTimeout(quieting);
    quieting = undefined;
    watcher?.close();
    watcher = undefined;
  };

  return {
    announce(payload) {
      const seq = Number(statements().insert.run(source, payload).lastInsertRowid);
      if (seq % pruneEvery === 0) statements().prune.run(seq - kept);
    },
    subscribe(listener) {
      if (listeners.size === 0) start();
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    committed() {
      if (listeners.size === 0) return;
      committedAt = performance.now();
      watcher?.close();
      watcher = undefined;
      if (committedAt - checkedAt >= settleMs) check();
      quieting ??= setTimeout(quiet, quietMs);
    },
    close() {
      listeners.clear();
      stop();
    },
  };
}
