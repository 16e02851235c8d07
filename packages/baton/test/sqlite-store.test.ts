import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createSqliteStore } from "baton";
import Database from "better-sqlite3";
import { readMigrations } from "../src/store/migration-files.js";
import { createSqliteBatcher } from "../src/store/sqlite/sqlite-batcher.js";
import type { StoreNotice } from "../src/store/store.js";
import { eventually, newRun, tempDir } from "./helpers.js";

test("the SQLite store runs in WAL mode with synchronous=FULL and records its migrations", async () => {
  const path = join(tempDir(), "s.db");
  const store = createSqliteStore(path);
  assert.deepEqual(await store.migrate(), [], "a second time: nothing to do");
  await store.close();
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  const migrations = db.prepare("SELECT version, name FROM baton_migrations").all();
  assert.deepEqual(migrations, [
    { version: 1, name: "initial" },
    { version: 2, name: "wake-index" },
    { version: 3, name: "events" },
    { version: 4, name: "notices" },
    { version: 5, name: "counts-index" },
    { version: 6, name: "history-by-number" },
    { version: 7, name: "registry" },
    { version: 8, name: "signal-waits-index" },
    { version: 9, name: "queues" },
    { version: 10, name: "schedules" },
    { version: 11, name: "queue-indexes" },
    { version: 12, name: "wake-index" },
    { version: 13, name: "tasks" },
    { version: 14, name: "human-tasks" },
    { version: 15, name: "tasks-ready-order" },
    { version: 16, name: "definitions" },
    { version: 17, name: "workers" },
  ]);
  db.close();
  const check = createSqliteStore(path);
  await check.close();
});

test("group commit: writes of one turn share a transaction, and a rejected write rolls back alone", async () => {
  const store = createSqliteStore(join(tempDir(), "g.db"));
  await Promise.all([store.createRun(newRun("a"), 1), store.createRun(newRun("b"), 1)]);
  const { runs: claimed } = await store.claimRuns({
    owner: "w1",
    now: 2,
    leaseMs: 1000,
    limit: 10,
    workflows: ["w@1"],
  });
  assert.equal(claimed.length, 2);
  const [a, b] = claimed.sort((x, y) => x.run.id.localeCompare(y.run.id));
  assert.ok(a && b);
  const event = (seq: number) => ({ seq, type: "step.started" as const, at: 3, position: 0, name: "s", attempt: 1 });
  const stale = { ...b.lease, token: b.lease.token - 1 };
  const results = await Promise.allSettled([
    store.appendHistory(a.lease, { kind: "starts", events: [event(2)], now: 3 }),
    store.appendHistory(stale, { kind: "starts", events: [event(2)], now: 3 }),
    store.appendHistory(stale, { kind: "starts", events: [event(2)], status: "waiting", wakeAt: 9, now: 3 }),
    store.createRun(newRun("c"), 3),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ["fulfilled", "rejected", "rejected", "fulfilled"],
  );
  assert.equal((await store.getHistory("a")).length, 2);
  assert.equal((await store.getHistory("b")).length, 1, "the stale writes left nothing");
  assert.equal((await store.getRun("b"))?.status, "running");
  assert.equal((await store.getRun("b"))?.wakeAt, undefined);
  assert.ok(await store.getRun("c"));
  await store.close();
});

test("with migrations off, a new file fails with MIGRATIONS_PENDING until migrate() applies them", async () => {
  const store = createSqliteStore(join(tempDir(), "m.db"), { migrate: false });
  await assert.rejects(store.getRun("x"), { code: "MIGRATIONS_PENDING", message: /1, 2, 3.*baton migrate/ });
  assert.deepEqual(await store.migrate(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assert.equal(await store.getRun("x"), undefined);
  assert.deepEqual(await store.migrate(), []);
  await store.close();
});

test("notices reach the other connections to the file, not the one that wrote them; a listener left behind is told to look again", async () => {
  const path = join(tempDir(), "n.db");
  const writer = createSqliteStore(path);
  const reader = createSqliteStore(path);
  const heard: StoreNotice[] = [];
  const echoed: StoreNotice[] = [];
  const stopReading = reader.subscribe?.((notice) => heard.push(notice));
  const stopEcho = writer.subscribe?.((notice) => echoed.push(notice));
  assert.ok(stopReading && stopEcho);

  await writer.createRun(newRun("n"), 1);
  await eventually(() => heard.some((notice) => notice.kind === "runnable"));
  const { runs } = await writer.claimRuns({ owner: "w1", now: 2, leaseMs: 1000, limit: 1, workflows: ["w@1"] });
  const [claimed] = runs;
  assert.ok(claimed);
  await writer.sendSignal("n", "go", 1, 3);
  await eventually(() => heard.some((notice) => notice.kind === "poked"));
  assert.deepEqual(
    heard.find((notice) => notice.kind === "poked"),
    { kind: "poked", runId: "n", pokeSeq: claimed.run.pokeSeq + 1 },
  );
  await writer.appendHistory(claimed.lease, {
    kind: "release",
    events: [{ seq: 2, type: "timer.set", at: 4, position: 0, dueAt: 5000 }],
    status: "waiting",
    wakeAt: 5000,
    seenPokeSeq: claimed.run.pokeSeq + 1,
    now: 4,
  });
  await eventually(() => heard.some((notice) => notice.kind === "wake"));
  assert.deepEqual(
    heard.find((notice) => notice.kind === "wake"),
    { kind: "wake", at: 5000 },
  );
  assert.deepEqual(echoed, [], "a store is not told of its own writes");

  // More notices than the table keeps, written while the reader was not looking.
  stopReading();
  const raw = new Database(path);
  raw.exec("PRAGMA busy_timeout = 5000");
  const insert = raw.prepare("INSERT INTO notices (source, payload) VALUES ('elsewhere', 'r')");
  const stopAgain = reader.subscribe?.((notice) => heard.push(notice));
  raw.transaction(() => {
    for (let i = 0; i < 12_000; i++) insert.run();
    raw.prepare("DELETE FROM notices WHERE seq <= (SELECT max(seq) - 10000 FROM notices)").run();
  })();
  heard.length = 0;
  await eventually(() => heard.some((notice) => notice.kind === "reconnected"));
  raw.close();
  stopAgain?.();
  stopEcho();
  await writer.close();
  await reader.close();
});

test("a group commit that has taken writes for a while commits them and leaves the rest to the next turn, in order", async () => {
  const db = new Database(join(tempDir(), "b.db"));
  db.exec("CREATE TABLE t (n INTEGER)");
  const batcher = createSqliteBatcher(db);
  const log: string[] = [];
  const write = (name: string, busyMs: number) =>
    batcher
      .write(() => {
        const until = performance.now() + busyMs;
        while (performance.now() < until) {} // a slow write
        db.prepare("INSERT INTO t (n) VALUES (1)").run();
        log.push(`apply ${name}`);
      })
      .then(() => log.push(`committed ${name}`));
  await Promise.all([write("a", 15), write("b", 0), write("c", 0)]);
  assert.deepEqual(log, ["apply a", "committed a", "apply b", "apply c", "committed b", "committed c"]);
  assert.equal((db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n, 3);
  db.close();
});

test("a write without a savepoint that fails after a change rolls back the transaction; the others go out again", async () => {
  const db = new Database(join(tempDir(), "r.db"));
  db.exec("CREATE TABLE t (name TEXT)");
  const batcher = createSqliteBatcher(db);
  const applied: string[] = [];
  const insert = (name: string) => {
    applied.push(name);
    db.prepare("INSERT INTO t (name) VALUES (?)").run(name);
  };
  const refusal = (error: unknown) => error instanceof RangeError;
  const results = await Promise.allSettled([
    batcher.write(() => insert("a")),
    batcher.write(
      () => {
        throw new RangeError("refused before any change");
      },
      { refusesUnchanged: refusal },
    ),
    batcher.write(
      () => {
        insert("half");
        throw new Error("failed after a change");
      },
      { refusesUnchanged: refusal },
    ),
    batcher.write(() => insert("c"), { refusesUnchanged: refusal }),
  ]);
  assert.deepEqual(
    results.map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as Error).message)),
    ["ok", "refused before any change", "failed after a change", "ok"],
  );
  const names = db.prepare("SELECT name FROM t ORDER BY name").pluck().all();
  assert.deepEqual(names, ["a", "c"], "nothing of the failed write stays");
  assert.deepEqual(applied, ["a", "half", "a", "c"], "the write before it was applied again");
  db.close();
});

test("migration 6 numbers the runs in order of creation and keys their history by number; runs and history read as before", async () => {
  const path = join(tempDir(), "v5.db");
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.exec(
    "CREATE TABLE baton_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  );
  const folder = fileURLToPath(new URL("../src/store/sqlite/migrations", import.meta.url));
  for (const migration of readMigrations(folder).filter((m) => m.version <= 5)) {
    db.exec(migration.sql);
    db.prepare("INSERT INTO baton_migrations VALUES (?, ?, 1)").run(migration.version, migration.name);
  }
  // Two runs as version 5 kept them: "b" created before "a", history keyed by text id.
  const insertRun = db.prepare(
    "INSERT INTO runs (id, workflow, version, status, input, created_at, updated_at, last_seq) VALUES (?, 'w', '1', ?, ?, ?, ?, ?)",
  );
  insertRun.run("b", "completed", '{"n":1}', 10, 12, 2);
  insertRun.run("a", "waiting", '{"n":2}', 20, 21, 3);
  const insertEvent = db.prepare(
    "INSERT INTO history (run_id, seq, type, position, at, data) VALUES (?, ?, ?, ?, ?, ?)",
  );
  insertEvent.run("a", 1, "run.started", null, 20, '{"input":{"n":2}}');
  insertEvent.run("a", 2, "step.started", 0, 21, '{"name":"s","attempt":1}');
  insertEvent.run("a", 3, "step.completed", 0, 21, '{"name":"s","attempt":1,"output":7}');
  insertEvent.run("b", 1, "run.started", null, 10, '{"input":{"n":1}}');
  insertEvent.run("b", 2, "run.completed", null, 12, '{"output":1}');
  db.close();

  const store = createSqliteStore(path);
  assert.deepEqual(await store.migrate(), [], "migrated when opened");
  assert.deepEqual(
    (await store.getHistory("a")).map((e) => [e.seq, e.type]),
    [
      [1, "run.started"],
      [2, "step.started"],
      [3, "step.completed"],
    ],
  );
  assert.deepEqual((await store.getHistory("a"))[2], {
    seq: 3,
    type: "step.completed",
    position: 0,
    at: 21,
    name: "s",
    attempt: 1,
    output: 7,
  });
  assert.deepEqual(
    (await store.getHistory("b")).map((e) => e.type),
    ["run.started", "run.completed"],
  );
  const b = await store.getRun("b");
  assert.equal(b?.status, "completed");
  assert.deepEqual(b?.input, { n: 1 });
  assert.equal((await store.listRuns({ limit: 10 })).runs.length, 2);
  await store.createRun(newRun("c"), 30);
  assert.deepEqual((await store.getHistory("c")).length, 1);
  assert.equal((await store.createRun(newRun("c"), 31)).created, false, "ids stay unique");
  await store.close();
  const raw = new Database(path, { readonly: true });
  assert.deepEqual(raw.prepare("SELECT id, num FROM runs ORDER BY num").all(), [
    { id: "b", num: 1 },
    { id: "a", num: 2 },
    { id: "c", num: 3 },
  ]);
  assert.deepEqual(
    raw
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('runs', 'history') AND sql IS NOT NULL ORDER BY name",
      )
      .pluck()
      .all(),
    [
      "history_run",
      "history_signals",
      "runs_claim",
      "runs_counts",
      "runs_created",
      "runs_debounce",
      "runs_lease_owner",
      "runs_parent",
      "runs_queue_busy",
      "runs_queue_created",
      "runs_queue_finished",
      "runs_queue_keys",
      "runs_queue_started",
      "runs_schedule_created",
      "runs_status_created",
      "runs_wake",
      "runs_workflow_created",
    ],
  );
  raw.close();
});

test("a run number given in a write that was rolled back is not used for the run again", async () => {
  const path = join(tempDir(), "n.db");
  const store = createSqliteStore(path);
  const other = createSqliteStore(path); // another process on the file
  const lease = { owner: "w1", expiresAt: 10_000 };
  // Its history is not JSON: the run's row was inserted, then its write rolled back.
  const bad = { ...newRun("a"), lease, history: [{ type: "run.started" as const, at: 1, input: 1n }] };
  await assert.rejects(store.createRun(bad, 1), { code: "NOT_SERIALIZABLE" });
  await store.createRun({ ...newRun("c"), lease }, 2); // takes the number "a" had
  await store.createRun(newRun("a"), 3);
  const [claimed] = (await other.claimRuns({ owner: "w2", now: 4, leaseMs: 1000, limit: 10, workflows: ["w@1"] })).runs;
  assert.equal(claimed?.run.id, "a");
  await other.appendHistory(claimed.lease, {
    kind: "finish",
    events: [{ seq: 2, type: "run.failed", at: 5, error: { name: "Error", message: "no" } }],
    status: "failed",
    error: { name: "Error", message: "no" },
    now: 5,
  });
  await store.resumeRun("a", { type: "run.resumed", at: 6 }, undefined, 6);
  assert.deepEqual(
    (await store.getHistory("a")).map((e) => e.type),
    ["run.started", "run.failed", "run.resumed"],
  );
  assert.deepEqual(
    (await store.getHistory("c")).map((e) => e.type),
    ["run.started"],
  );
  await other.close();
  await store.close();
});

test("countRuns reads an index, not every run's row", async () => {
  const path = join(tempDir(), "c.db");
  const store = createSqliteStore(path);
  await Promise.all([store.createRun(newRun("a"), 1), store.createRun(newRun("b"), 1)]);
  assert.deepEqual(await store.countRuns(), [{ workflow: "w", version: "1", status: "pending", count: 2 }]);
  await store.close();
  const db = new Database(path, { readonly: true });
  const plan = db
    .prepare(
      "EXPLAIN QUERY PLAN SELECT workflow, version, status, count(*) AS count FROM runs GROUP BY workflow, version, status",
    )
    .all() as { detail: string }[];
  db.close();
  assert.deepEqual(
    plan.map((step) => step.detail),
    ["SCAN runs USING COVERING INDEX runs_counts"],
  );
});
