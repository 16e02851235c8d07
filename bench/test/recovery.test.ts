/**
 * Smoke test of the `recovery` scenario on SQLite with tiny numbers (see `smokeRecovery`).
 */
import { test } from "node:test";
import { smokeRecovery } from "./scenario-smokes.js";
import { sqliteTestContext } from "./test-context.js";

test("the recovery scenario measures its baseline and the engine, and every run completes", async () => {
  using t = sqliteTestContext();
  await smokeRecovery(t);
});
