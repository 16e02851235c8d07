/**
 * Scenario contexts for the smoke tests of the bench (tiny sizes, one round):
 * SQLite files in a temporary directory, or schemas in the test run's
 * PostgreSQL database; and the checks every scenario's result must pass.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { schemaAddress } from "../lib/postgres.js";
import type { ScenarioContext, ScenarioResult } from "../lib/scenario.js";
import { formatTable } from "../lib/table.js";

/** A context and the messages it logged; `[Symbol.dispose]` removes its SQLite files. */
export interface TestContext extends Disposable {
  context: ScenarioContext;
  logs: string[];
}

/** A SQLite context whose files live in a new temporary directory. */
export function sqliteTestContext(): TestContext {
  const dir = mkdtempSync(join(tmpdir(), "baton-bench-test-"));
  const logs: string[] = [];
  return {
    context: { store: "sqlite", newStore: (name) => `sqlite:${join(dir, `${name}.db`)}`, log: (m) => logs.push(m) },
    logs,
    [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A PostgreSQL context: new schemas (prefixed by the process and time) in the test run's database. */
export function postgresTestContext(): TestContext {
  const databaseUrl = process.env.BATON_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const prefix = `bench_${process.pid}_${Date.now().toString(36)}`;
  const logs: string[] = [];
  return {
    context: {
      store: "postgres",
      postgresUrl: databaseUrl,
      newStore: (name) => schemaAddress(databaseUrl, `${prefix}_${name}`),
      log: (m) => logs.push(m),
    },
    logs,
    [Symbol.dispose]: () => {},
  };
}

/**
 * Checks the shape of a result: one round, rows with these configs, and in
 * each row, the listed figures are finite numbers (or null where the row has
 * none of them); the table renders with a line per row.
 */
export function assertShape(result: ScenarioResult, configs: string[], figures: string[]): void {
  assert.equal(result.rounds.length, 1);
  assert.deepEqual(
    result.rows.map((row) => row.config),
    configs,
  );
  for (const row of result.rows) {
    for (const key of figures) {
      const value = row[key];
      assert.ok(
        value === null || value === undefined || (typeof value === "number" && Number.isFinite(value)),
        `${row.config} ${key}: ${value}`,
      );
    }
  }
  assert.equal(formatTable(result.columns, result.rows).split("\n").length, 2 + result.rows.length);
}
