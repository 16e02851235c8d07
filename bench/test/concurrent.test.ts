/**
 * Smoke test of the `concurrent` scenario on SQLite with tiny numbers (see `smokeConcurrent`).
 */
import { test } from "node:test";
import { smokeConcurrent } from "./scenario-smokes.js";
import { sqliteTestContext } from "./test-context.js";

test("the concurrent scenario measures its baseline and the engine, and every run completes", async () => {
  using t = sqliteTestContext();
  await smokeConcurrent(t);
});
