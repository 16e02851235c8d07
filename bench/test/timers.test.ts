/**
 * Smoke test of the `timers` scenario on SQLite with tiny numbers (see `smokeTimers`).
 */
import { test } from "node:test";
import { smokeTimers } from "./scenario-smokes.js";
import { sqliteTestContext } from "./test-context.js";

test("the timers scenario measures its baseline and the engine, and every run completes", async () => {
  using t = sqliteTestContext();
  await smokeTimers(t);
});
