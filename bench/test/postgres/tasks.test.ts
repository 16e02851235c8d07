/**
 * Smoke test of the `tasks` scenario on PostgreSQL (the test run's database) with tiny numbers (see `smokeTasks`).
 */
import { test } from "node:test";
import { smokeTasks } from "../scenario-smokes.js";
import { postgresTestContext } from "../test-context.js";

test("the tasks scenario measures task calls served over HTTP against steps, one at a time and in bulk", async () => {
  using t = postgresTestContext();
  await smokeTasks(t);
});
