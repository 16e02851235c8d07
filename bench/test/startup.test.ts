/**
 * Smoke test of the `startup` scenario on SQLite with tiny numbers (see `smokeStartup`).
 */
import { test } from "node:test";
import { smokeStartup } from "./scenario-smokes.js";
import { sqliteTestContext } from "./test-context.js";

test("the startup scenario measures its baseline and the engine, and every run completes", async () => {
  using t = sqliteTestContext();
  await smokeStartup(t);
});
