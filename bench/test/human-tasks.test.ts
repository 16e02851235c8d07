/**
 * Smoke test of the `human-tasks` scenario on SQLite with tiny numbers (see `smokeHumanTasks`).
 */
import { test } from "node:test";
import { smokeHumanTasks } from "./scenario-smokes.js";
import { sqliteTestContext } from "./test-context.js";

test("the human-tasks scenario measures runs answered by a signal and by a person, and every run completes", async () => {
  using t = sqliteTestContext();
  await smokeHumanTasks(t);
});
