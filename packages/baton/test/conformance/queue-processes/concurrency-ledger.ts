/**
 * A ledger of step bodies running at once, shared by processes: one SQLite
 * file whose counters each body raises when it begins and lowers when it
 * ends, in immediate transactions (so no two bodies count at once), keeping
 * the most ever seen at once overall and per concurrency key.
 */
import Database from "better-sqlite3";

/** Opens (creating it if need be) the ledger at `path`. */
export function openConcurrencyLedger(path: string) {
  const db = new Database(path, { timeout: 10_000 });
  db.pragma("journal_mode = WAL");
  db.exec(`CREATE TABLE IF NOT EXISTS counts (
    key TEXT PRIMARY KEY,
    running INTEGER NOT NULL DEFAULT 0,
    most INTEGER NOT NULL DEFAULT 0,
    bodies INTEGER NOT NULL DEFAULT 0
  )`);
  const raise = db.prepare(
    `INSERT INTO counts (key, running, most, bodies) VALUES (?, 1, 1, 1)
     ON CONFLICT (key) DO UPDATE SET running = running + 1, most = max(most, running + 1), bodies = bodies + 1`,
  );
  const lower = db.prepare("UPDATE counts SET running = running - 1 WHERE key = ?");
  const begin = db.transaction((keys: string[]) => {
    for (const key of keys) raise.run(key);
  });
  const end = db.transaction((keys: string[]) => {
    for (const key of keys) lower.run(key);
  });
  return {
    /** A body of key `key` began (counted overall, as `*`, and for its key). */
    began: (key: string) => begin.immediate(["*", key]),
    ended: (key: string) => end.immediate(["*", key]),
    /** Every counter: running now, most at once, bodies counted. */
    read: () =>
      db.prepare("SELECT key, running, most, bodies FROM counts ORDER BY key").all() as {
        key: string;
        running: number;
        most: number;
        bodies: number;
      }[],
    close: () => db.close(),
  };
}
