/**
 * Migrations on PostgreSQL: processes that start at once apply each version
 * once (advisory lock); a store opened without migrations on a schema that
 * lacks them says what to run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPostgresStore } from "baton";
import pg from "pg";
import { tempStore } from "../helpers.js";

test("concurrent migrators apply each version exactly once", async () => {
  const address = tempStore();
  const stores = [1, 2, 3].map(() => createPostgresStore(address, { log: () => {} }));
  const applied = await Promise.all(stores.map((store) => store.migrate()));
  await Promise.all(stores.map((store) => store.close()));
  const all = applied.flat().sort((a, b) => a - b);
  assert.deepEqual(all, [...new Set(all)], "no version applied twice");
  assert.ok(all.includes(1));
  const schema = new URL(address).searchParams.get("schema") as string;
  const client = new pg.Client({ connectionString: address.replace(/\?.*$/, "") });
  await client.connect();
  const rows = await client.query(`SELECT version FROM ${schema}.baton_migrations ORDER BY version`);
  const runs = await client.query("SELECT reloptions FROM pg_class WHERE oid = $1::regclass", [`${schema}.runs`]);
  await client.end();
  assert.deepEqual(
    rows.rows.map((row) => row.version),
    all,
  );
  assert.deepEqual(all, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  assert.deepEqual(runs.rows[0]?.reloptions, ["fillfactor=50"], "runs leaves room for HOT updates");
});

test("with migrations off, a store that lacks them fails with MIGRATIONS_PENDING", async () => {
  const store = createPostgresStore(tempStore(), { migrate: false, log: () => {} });
  await assert.rejects(store.getRun("x"), { code: "MIGRATIONS_PENDING", message: /baton migrate/ });
  await store.migrate();
  assert.equal(await store.getRun("x"), undefined);
  await store.close();
});
