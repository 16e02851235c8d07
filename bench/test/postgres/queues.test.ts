/**
 * Smoke test of the `queues` scenario on PostgreSQL (the test run's database) with tiny numbers (see `smokeQueues`).
 */
import { test } from "node:test";
import { smokeQueues } from "../scenario-smokes.js";
import { postgresTestContext } from "../test-context.js";

test("the queues scenario measures the default queue, a limited queue and a perKey queue, and claims as pending runs grow", async () => {
  using t = postgresTestContext();
  await smokeQueues(t);
});
