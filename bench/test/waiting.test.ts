/**
 * Smoke test of the `waiting` scenario on SQLite with tiny numbers (see `smokeWaiting`).
 */
import { test } from "node:test";
import { smokeWaiting } from "./scenario-smokes.js";
import { sqliteTestContext } from "./test-context.js";

test("the waiting scenario measures its baseline and the engine, and every run completes", async () => {
  using t = sqliteTestContext();
  await smokeWaiting(t);
});
