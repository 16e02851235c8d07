/**
 * Smoke test of the `concurrent` scenario on PostgreSQL (the test run's database) with tiny numbers (see `smokeConcurrent`).
 */
import { test } from "node:test";
import { smokeConcurrent } from "../scenario-smokes.js";
import { postgresTestContext } from "../test-context.js";

test("the concurrent scenario measures its baseline and the engine, and every run completes", async () => {
  using t = postgresTestContext();
  await smokeConcurrent(t);
});
