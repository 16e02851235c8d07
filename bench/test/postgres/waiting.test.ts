/**
 * Smoke test of the `waiting` scenario on PostgreSQL (the test run's database) with tiny numbers (see `smokeWaiting`).
 */
import { test } from "node:test";
import { smokeWaiting } from "../scenario-smokes.js";
import { postgresTestContext } from "../test-context.js";

test("the waiting scenario measures its baseline and the engine, and every run completes", async () => {
  using t = postgresTestContext();
  await smokeWaiting(t);
});
