/**
 * Smoke test of the `tasks` scenario on SQLite with tiny numbers (see `smokeTasks`).
 */
import { test } from "node:test";
import { smokeTasks } from "./scenario-smokes.js";
import { sqliteTestContext } from "./test-context.js";

test("the tasks scenario measures task calls served over HTTP against steps, one at a time and in bulk", async () => {
  using t = sqliteTestContext();
  await smokeTasks(t);
});
