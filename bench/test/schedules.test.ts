/**
 * Smoke test of the `schedules` scenario on SQLite with tiny numbers (see `smokeSchedules`).
 */
import { test } from "node:test";
import { smokeSchedules } from "./scenario-smokes.js";
import { sqliteTestContext } from "./test-context.js";

test("the schedules scenario fires every schedule once per fire time with two workers", async () => {
  using t = sqliteTestContext();
  await smokeSchedules(t);
});
