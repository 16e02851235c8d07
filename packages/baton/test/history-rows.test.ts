import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createSqliteStore } from "baton";
import Database from "better-sqlite3";
import { createHistoryRows, rowsPerInsert } from "../src/store/sqlite/internal/history-rows.js";
import { createSqliteBatcher } from "../src/store/sqlite/sqlite-batcher.js";
import { tempDir } from "./helpers.js";

/** A migrated store's file, opened raw, with a batcher that defers history rows. */
async function open() {
  const path = join(tempDir(), "h.db");
  await createSqliteStore(path).close();
  const db = new Database(path);
  const rows = createHistoryRows(db);
  const batcher = createSqliteBatcher(db, () => {}, rows);
  const stored = () =>
    (
      db.prepare("SELECT run_num, seq FROM history ORDER BY run_num, seq").all() as { run_num: number; seq: number }[]
    ).map((row) => `${row.run_num}:${row.seq}`);
  return { db, rows, batcher, stored };
}

const event = (seq: number) => ({ seq, type: "step.started" as const, at: 1, name: `s${seq}` });
const refused = (error: unknown) => error instanceof RangeError;

test("history rows of deferring writes go out in groups: before a write that may read them, and before the commit", async () => {
  const { db, rows, batcher, stored } = await open();
  const count = () => (db.prepare("SELECT count(*) AS n FROM history").get() as { n: number }).n;
  const deferring = (run: number) => batcher.write(() => rows.add(run, [event(1), event(2)]), { deferring: true });
  const writes: Promise<unknown>[] = [];
  for (let i = 1; i <= rowsPerInsert; i++) writes.push(deferring(i));
  const seenBy = batcher.write(() => count()); // not deferring: sees every row before it
  const seenByDeferring = batcher.write(() => count(), { deferring: true });
  writes.push(deferring(100));
  await Promise.all(writes);
  assert.equal(await seenBy, 2 * rowsPerInsert, "more rows than one statement takes, all there");
  assert.equal(await seenByDeferring, 2 * rowsPerInsert, "nothing was added since");
  assert.equal(count(), 2 * rowsPerInsert + 2);
  assert.equal(rows.size, 0);
  assert.deepEqual(stored().slice(-2), ["100:1", "100:2"]);
  db.close();
});

test("the history rows of a write that failed are not written", async () => {
  const { db, rows, batcher, stored } = await open();
  const results = await Promise.allSettled([
    batcher.write(() => rows.add(1, [event(1)]), { deferring: true }),
    batcher.write(
      () => {
        rows.add(2, [event(1)]);
        throw new RangeError("refused");
      },
      { deferring: true, refusesUnchanged: refused },
    ),
    batcher.write(() => {
      rows.add(3, [event(1)]);
      throw new Error("rolled back to its savepoint");
    }),
    batcher.write(() => rows.add(4, [event(1)]), { deferring: true, refusesUnchanged: refused }),
  ]);
  assert.deepEqual(
    results.map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as Error).message)),
    ["ok", "refused", "rolled back to its savepoint", "ok"],
  );
  assert.deepEqual(stored(), ["1:1", "4:1"]);
  db.close();
});

test("history rows that cannot be inserted fail only the write that added them; the others commit", async () => {
  const { db, rows, batcher, stored } = await open();
  db.prepare("INSERT INTO history (run_num, seq, type, at) VALUES (9, 1, 'step.started', 1)").run();
  const applied: number[] = [];
  const add = (run: number, seqs: number[]) => () => {
    applied.push(run);
    rows.add(run, seqs.map(event));
  };
  const results = await Promise.allSettled([
    batcher.write(add(1, [1, 2]), { deferring: true, refusesUnchanged: refused }),
    batcher.write(add(9, [1]), { deferring: true, refusesUnchanged: refused }),
    batcher.write(add(3, [1]), { deferring: true }),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ["fulfilled", "rejected", "fulfilled"],
  );
  assert.match(String((results[1] as PromiseRejectedResult).reason), /UNIQUE constraint failed: history/);
  assert.deepEqual(stored(), ["1:1", "1:2", "3:1", "9:1"]);
  // Grouped, then each with its rows written at once (the one that failed is
  // found), then the others again.
  assert.deepEqual(applied, [1, 9, 3, 1, 9, 1, 3]);
  await batcher.write(add(4, [1]), { deferring: true });
  assert.deepEqual(stored(), ["1:1", "1:2", "3:1", "4:1", "9:1"]);
  db.close();
});
