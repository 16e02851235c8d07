/**
 * Smoke test of the `sequential` scenario on PostgreSQL (the test run's database) with tiny numbers (see `smokeSequential`).
 */
import { test } from "node:test";
import { smokeSequential } from "../scenario-smokes.js";
import { postgresTestContext } from "../test-context.js";

test("the sequential scenario measures its baseline and the engine, and every run completes", async () => {
  using t = postgresTestContext();
  await smokeSequential(t);
});
