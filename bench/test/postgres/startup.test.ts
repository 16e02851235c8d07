/**
 * Smoke test of the `startup` scenario on PostgreSQL (the test run's database) with tiny numbers (see `smokeStartup`).
 */
import { test } from "node:test";
import { smokeStartup } from "../scenario-smokes.js";
import { postgresTestContext } from "../test-context.js";

test("the startup scenario measures its baseline and the engine, and every run completes", async () => {
  using t = postgresTestContext();
  await smokeStartup(t);
});
