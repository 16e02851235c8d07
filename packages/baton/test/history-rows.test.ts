import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createSqliteStore } from "baton";
import Database from "better-sqlite3";
import { createHistoryRows, rowsPerInsert } from "../src/store/sqlite/history-rows.js";
import { createWriteBatcher } from "../src/store/sqlite/write-batcher.js";
import { tempDir } from "./helpers.js";

/** A migrated store's file, opened raw, with a batcher that defers history rows. */
async function open() {
  const path = join(tempDir(), "h.db");
  await createSqliteStore(path).close();
  const db = new Database(path);
  const rows = createHistoryRows(db);
  const batcher = createWriteBatcher(db, () => {}, rows);
  const stored = () =>
    (db.prepare("SELECT run_id, seq FROM history ORDER BY run_id, seq").all() as { run_id: string; seq: number }[]).map(
      (row) => `${row.run_id}:${row.seq}`,
    );
  return { db, rows, batcher, stored };
}

const event = (seq: number) => ({ seq, type: "step.started" as const, at: 1, name: `s${seq}` });
const refused = (error: unknown) => error instanceof RangeError;

test("history rows of deferring writes go out in groups: before a write that may read them, and before the commit", async () => {
  const { db, rows, batcher, stored } = await open();
  const count = () => (db.prepare("SELECT count(*) AS n FROM history").get() as { n: number }).n;
  const deferring = (run: string) => batcher.write(() => rows.add(run, [event(1), event(2)]), { deferring: true });
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < rowsPerInsert; i++) writes.push(deferring(`a${String(i).padStart(2, "0")}`));
  const seenBy = batcher.write(() => count()); // not deferring: sees every row before it
  const seenByDeferring = batcher.write(() => count(), { deferring: true });
  writes.push(deferring("b"));
  await Promise.all(writes);
  assert.equal(await seenBy, 2 * rowsPerInsert, "more rows than one statement takes, all there");
  assert.equal(await seenByDeferring, 2 * rowsPerInsert, "nothing was added since");
  assert.equal(count(), 2 * rowsPerInsert + 2);
  assert.equal(rows.size, 0);
  assert.deepEqual(stored().slice(-2), ["b:1", "b:2"]);
  db.close();
});

test("the history rows of a write that failed are not written", async () => {
  const { db, rows, batcher, stored } = await open();
  const results = await Promise.allSettled([
    batcher.write(() => rows.add("a", [event(1)]), { deferring: true }),
    batcher.write(
      () => {
        rows.add("refused", [event(1)]);
        throw new RangeError("refused");
      },
      { deferring: true, refusesUnchanged: refused },
    ),
    batcher.write(() => {
      rows.add("rolled-back", [event(1)]);
      throw new Error("rolled back to its savepoint");
    }),
    batcher.write(() => rows.add("c", [event(1)]), { deferring: true, refusesUnchanged: refused }),
  ]);
  assert.deepEqual(
    results.map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as Error).message)),
    ["ok", "refused", "rolled back to its savepoint", "ok"],
  );
  assert.deepEqual(stored(), ["a:1", "c:1"]);
  db.close();
});

test("history rows that cannot be inserted fail only the write that added them; the others commit", async () => {
  const { db, rows, batcher, stored } = await open();
  db.prepare("INSERT INTO history (run_id, seq, type, at) VALUES ('taken', 1, 'step.started', 1)").run();
  const applied: string[] = [];
  const add = (run: string, seqs: number[]) => () => {
    applied.push(run);
    rows.add(run, seqs.map(event));
  };
  const results = await Promise.allSettled([
    batcher.write(add("a", [1, 2]), { deferring: true, refusesUnchanged: refused }),
    batcher.write(add("taken", [1]), { deferring: true, refusesUnchanged: refused }),
    batcher.write(add("c", [1]), { deferring: true }),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ["fulfilled", "rejected", "fulfilled"],
  );
  assert.match(String((results[1] as PromiseRejectedResult).reason), /UNIQUE constraint failed: history/);
  assert.deepEqual(stored(), ["a:1", "a:2", "c:1", "taken:1"]);
  // Grouped, then each with its rows written at once (the one that failed is
  // found), then the others again.
  assert.deepEqual(applied, ["a", "taken", "c", "a", "taken", "a", "c"]);
  await batcher.write(add("d", [1]), { deferring: true });
  assert.deepEqual(stored(), ["a:1", "a:2", "c:1", "d:1", "taken:1"]);
  db.close();
});
