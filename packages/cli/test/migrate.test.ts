import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../baton/test/helpers.js";
import { runBaton } from "./run-baton.js";

const sqliteVersions = readdirSync(fileURLToPath(new URL("../../baton/src/store/sqlite/migrations", import.meta.url)))
  .filter((name) => name.endsWith(".sql"))
  .map((name) => Number.parseInt(name, 10))
  .sort((a, b) => a - b);

test("migrate on a new SQLite file lists the versions it applied", async () => {
  const store = `sqlite:${join(tempDir("baton-cli-"), "b.db")}`;
  const result = await runBaton(["migrate", "--store", store, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { store, kind: "sqlite", applied: sqliteVersions });
});

test("migrate creates a SQLite store, and a second run says it is up to date", async () => {
  const dir = tempDir("baton-cli-");
  const store = `sqlite:${join(dir, "data", "b.db")}`;
  const first = await runBaton(["migrate", "--store", store]);
  assert.equal(first.code, 0, first.stderr);
  assert.ok(existsSync(join(dir, "data", "b.db")));

  const second = await runBaton(["migrate", "--store", store]);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, `${store} is up to date: no migrations to apply\n`);
  assert.equal(second.stderr, "");

  const json = await runBaton(["migrate", "--json"], { env: { BATON_STORE: store } });
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), { store, kind: "sqlite", applied: [] });
});

test("migrate without --store uses the default store under the working directory", async () => {
  const cwd = tempDir("baton-cli-");
  const result = await runBaton(["migrate"], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `applied migrations ${sqliteVersions.join(", ")} to sqlite:.baton/baton.db\n`);
  assert.ok(existsSync(join(cwd, ".baton", "baton.db")));
});

test("a bad store address exits 1 naming the address, its password masked", async () => {
  const cases = [
    ["mysql://admin:s3cret-pw@db.example/app", "mysql://admin:***@db.example/app"],
    ["postgres://admin:s3cret-pw@127.0.0.1/app?schema=Bad-Name", "postgres://admin:***@127.0.0.1/app?schema=Bad-Name"],
    ["sqlite:/dev/null/b.db", "sqlite:/dev/null/b.db"],
  ];
  for (const [address, shown] of cases as [string, string][]) {
    const result = await runBaton(["migrate", "--store", address]);
    assert.equal(result.code, 1, `${address}: ${result.stderr}`);
    assert.equal(result.stdout, "");
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    assert.match(result.stderr, /^error: /);
    assert.ok(result.stderr.includes(shown), result.stderr);
    assert.ok(!result.stderr.includes("s3cret"), result.stderr);
  }
});
