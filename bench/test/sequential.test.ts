/**
 * Smoke test of the `sequential` scenario on SQLite with tiny numbers (see `smokeSequential`).
 */
import { test } from "node:test";
import { smokeSequential } from "./scenario-smokes.js";
import { sqliteTestContext } from "./test-context.js";

test("the sequential scenario measures its baseline and the engine, and every run completes", async () => {
  using t = sqliteTestContext();
  await smokeSequential(t);
});
