/**
 * The statements that write many runs at once find those runs by key: on a
 * store holding many finished runs, the plans PostgreSQL settles on for them
 * (the generic plans of prepared statements) read no table end to end, so
 * their cost follows the batch, not the size of the store. And a store
 * that grows analyzes its tables, so that those plans follow its size.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPostgresStore } from "baton";
import pg from "pg";
import { firstThreshold } from "../../src/store/postgres/internal/growth-analyzer.js";
import { actionStatements } from "../../src/store/postgres/postgres-run-actions.js";
import { writeStatements } from "../../src/store/postgres/postgres-writes.js";
import { eventually, newRun, tempStore } from "../helpers.js";

const batched = ["appendStepsBatch", "appendStepsBatchNoSignals", "appendEndsBatch", "sendSignals"] as const;

/**
 * The scans of `runs` in `plan` (EXPLAIN's text) that are not bounded by a
 * key: each must look rows up by an index condition, or read the partial
 * index of held runs (`runs_lease_owner`, which PostgreSQL picks while few
 * runs are held). A scan with only a filter reads the whole table or index.
 */
function unboundedScans(plan: string): string[] {
  const nodes = plan.split(/\n(?=\s*->)/);
  return nodes
    .map((node) => node.trim())
    .filter((node) => /^(->\s*)?[A-Za-z ]*Scan.* on runs\b/.test(node))
    .filter((node) => !/Index Cond:|Recheck Cond:/.test(node) && !/using runs_lease_owner on runs\b/.test(node))
    .map((node) => (node.split("\n")[0] as string).replace(/^->\s*/, "").replace(/\s+\(cost=.*$/, ""));
}

test("batched writes look their runs up by id, however many runs the store holds", async () => {
  const address = tempStore();
  const store = createPostgresStore(address, { log: () => {} });
  await store.migrate();
  await store.close();
  const schema = new URL(address).searchParams.get("schema") as string;
  const client = new pg.Client({
    connectionString: address.replace(/\?.*$/, ""),
    options: "-c plan_cache_mode=force_generic_plan",
  });
  await client.connect();
  try {
    // 50,000 finished runs, a tenth of them children; 500 held by a worker.
    await client.query(
      `INSERT INTO ${schema}.runs (id, workflow, version, status, input, parent_id, created_at, updated_at, last_seq,
         finished_at, lease_owner, lease_token)
       SELECT 'run-' || lpad(g::text, 6, '0'), 'w', 'v',
         CASE WHEN g <= 500 THEN 'running' ELSE 'completed' END, '{}',
         CASE WHEN g % 10 = 0 THEN 'run-' || lpad((g - 1)::text, 6, '0') END, g, g, 2,
         CASE WHEN g > 500 THEN g END, CASE WHEN g <= 500 THEN 'worker' END, 1
       FROM generate_series(1, 50000) g`,
    );
    await client.query(`ANALYZE ${schema}.runs`);
    const quoted = pg.escapeIdentifier(schema);
    const sql = { ...writeStatements(quoted), ...actionStatements(quoted) };
    for (const name of batched) {
      const text = sql[name];
      const parameters = Math.max(...[...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
      await client.query(`PREPARE ${name} AS ${text}`);
      const { rows } = await client.query<{ "QUERY PLAN": string }>(
        `EXPLAIN EXECUTE ${name}(${Array(parameters).fill("NULL").join(", ")})`,
      );
      const plan = rows.map((row) => row["QUERY PLAN"]).join("\n");
      for (const scan of unboundedScans(plan)) assert.fail(`${name} reads every run (${scan}):\n${plan}`);
    }
  } finally {
    await client.end();
  }
});

/**
 * The statements the stores of this process send from now on (through their
 * pools): each one's text, and a promise of its answer. The store's analysis
 * runs on its own, after a write: a test waits for its statements rather
 * than for a while.
 */
function watchStatements() {
  const sent: { text: string; answered: Promise<void> }[] = [];
  const original = pg.Pool.prototype.query;
  // biome-ignore lint/suspicious/noExplicitAny: pg's overloads
  pg.Pool.prototype.query = function (this: pg.Pool, ...args: any[]) {
    const text = String(typeof args[0] === "string" ? args[0] : args[0]?.text);
    const result = original.apply(this, args as never) as unknown as Promise<unknown>;
    sent.push({
      text,
      answered: result.then(
        () => {},
        () => {},
      ),
    });
    return result;
  } as never;
  const analyzes = () => sent.filter((statement) => statement.text.startsWith("ANALYZE"));
  return { sent, analyzes, restore: () => (pg.Pool.prototype.query = original) };
}

/** A new store, a client on its database, and the number of rows `runs` had when it was last analyzed (-1: never). */
async function analyzedStore() {
  const address = tempStore();
  const store = createPostgresStore(address, { log: () => {} });
  const schema = new URL(address).searchParams.get("schema") as string;
  const client = new pg.Client({ connectionString: address.replace(/\?.*$/, "") });
  await client.connect();
  const analyzedRows = async () => {
    const { rows } = await client.query<{ rows: number }>(
      "SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = to_regclass($1)",
      [`${schema}.runs`],
    );
    return Number(rows[0]?.rows ?? -1);
  };
  return { store, schema, client, analyzedRows };
}

test("a store analyzes its tables once it has created 200 runs", async () => {
  const { store, client, analyzedRows } = await analyzedStore();
  const statements = watchStatements();
  try {
    for (let i = 1; i < firstThreshold; i++) await store.createRun(newRun(`run-${i}`), i);
    assert.equal(statements.analyzes().length, 0, "not analyzed before the threshold");
    await store.createRun(newRun("run-last"), firstThreshold);
    const analysis = await eventually(() => statements.analyzes()[0]);
    await analysis.answered;
    assert.equal(statements.analyzes().length, 1);
    assert.equal(await analyzedRows(), firstThreshold, "runs analyzed with the 200 runs created");
  } finally {
    statements.restore();
    await client.end();
    await store.close();
  }
});

test("a store leaves tables whose statistics know of far more runs than it created to autovacuum", async () => {
  const { store, schema, client, analyzedRows } = await analyzedStore();
  const statements = watchStatements();
  try {
    await store.migrate();
    await client.query(
      `INSERT INTO ${schema}.runs (id, workflow, version, status, input, created_at, updated_at, last_seq, finished_at)
       SELECT 'old-' || g, 'w', 'v', 'completed', '{}', g, g, 2, g FROM generate_series(1, 10000) g`,
    );
    await client.query(`ANALYZE ${schema}.runs`);
    assert.equal(await analyzedRows(), 10_000);
    const before = statements.sent.length;
    for (let i = 1; i <= firstThreshold; i++) await store.createRun(newRun(`run-${i}`), i);
    // The store reads what the statistics know, and decides on that answer (an
    // ANALYZE would be sent before the next turn of the event loop).
    const known = await eventually(() =>
      statements.sent.slice(before).find((statement) => statement.text.includes("reltuples")),
    );
    await known.answered;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(statements.analyzes().length, 0, "10,000 runs known, 200 added: no analysis");
    assert.equal(await analyzedRows(), 10_000);
  } finally {
    statements.restore();
    await client.end();
    await store.close();
  }
});
