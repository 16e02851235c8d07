import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { runBaton } from "../run-baton.js";

const databaseUrl = process.env.BATON_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const postgresVersions = readdirSync(
  fileURLToPath(new URL("../../../baton/src/store/postgres/migrations", import.meta.url)),
)
  .filter((name) => name.endsWith(".sql"))
  .map((name) => Number.parseInt(name, 10))
  .sort((a, b) => a - b);

/** A store address on a new schema of the test run's database. */
function newSchemaAddress(): { address: string; schema: string } {
  const schema = `cli_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const url = new URL(databaseUrl);
  url.searchParams.set("schema", schema);
  return { address: url.toString(), schema };
}

async function migrationRows(schema: string): Promise<{ version: number; count: number }[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ version: number; count: string }>(
      `SELECT version, count(*) AS count FROM ${pg.escapeIdentifier(schema)}.baton_migrations GROUP BY version ORDER BY version`,
    );
    return result.rows.map((row) => ({ version: row.version, count: Number(row.count) }));
  } finally {
    await client.end();
  }
}

test("migrate on a new PostgreSQL schema lists the versions applied; a second run says up to date", async () => {
  const { address, schema } = newSchemaAddress();
  const first = await runBaton(["migrate", "--store", address]);
  assert.equal(first.code, 0, first.stderr);
  const noun = postgresVersions.length === 1 ? "migration" : "migrations";
  assert.ok(first.stdout.startsWith(`applied ${noun} ${postgresVersions.join(", ")} to `), first.stdout);

  const second = await runBaton(["migrate", "--store", address, "--json"]);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(JSON.parse(second.stdout).applied, []);
  assert.deepEqual(
    await migrationRows(schema),
    postgresVersions.map((version) => ({ version, count: 1 })),
  );
});

test("three migrate processes started at once on a new schema apply each version once", async () => {
  const { address, schema } = newSchemaAddress();
  const results = await Promise.all([1, 2, 3].map(() => runBaton(["migrate", "--store", address, "--json"])));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const applied = results.flatMap((result) => JSON.parse(result.stdout).applied as number[]);
  assert.deepEqual(
    applied.sort((a, b) => a - b),
    postgresVersions,
  );
  assert.deepEqual(
    await migrationRows(schema),
    postgresVersions.map((version) => ({ version, count: 1 })),
  );
});

test("a PostgreSQL database that does not exist exits 1, naming the address without its password", async () => {
  const url = new URL(databaseUrl);
  url.username = url.username || "postgres";
  url.password = "s3cret-pw";
  url.pathname = `/baton_missing_${process.pid}`;
  const result = await runBaton(["migrate", "--store", url.toString()]);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  assert.ok(result.stderr.includes(`baton_missing_${process.pid}`), result.stderr);
  assert.ok(result.stderr.includes(":***@"), result.stderr);
  assert.ok(!result.stderr.includes("s3cret"), result.stderr);
});
