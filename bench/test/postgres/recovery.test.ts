/**
 * Smoke test of the `recovery` scenario on PostgreSQL (the test run's database) with tiny numbers (see `smokeRecovery`).
 */
import { test } from "node:test";
import { smokeRecovery } from "../scenario-smokes.js";
import { postgresTestContext } from "../test-context.js";

test("the recovery scenario measures its baseline and the engine, and every run completes", async () => {
  using t = postgresTestContext();
  await smokeRecovery(t);
});
