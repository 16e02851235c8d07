/**
 * Smoke test of the `schedules` scenario on PostgreSQL (the test run's database) with tiny numbers (see `smokeSchedules`).
 */
import { test } from "node:test";
import { smokeSchedules } from "../scenario-smokes.js";
import { postgresTestContext } from "../test-context.js";

test("the schedules scenario fires every schedule once per fire time with two workers", async () => {
  using t = postgresTestContext();
  await smokeSchedules(t);
});
