/**
 * Smoke test of the `timers` scenario on PostgreSQL (the test run's database) with tiny numbers (see `smokeTimers`).
 */
import { test } from "node:test";
import { smokeTimers } from "../scenario-smokes.js";
import { postgresTestContext } from "../test-context.js";

test("the timers scenario measures its baseline and the engine, and every run completes", async () => {
  using t = postgresTestContext();
  await smokeTimers(t);
});
