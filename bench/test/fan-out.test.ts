/**
 * Smoke test of the `fan-out` scenario on SQLite with tiny numbers (see `smokeFanOut`).
 */
import { test } from "node:test";
import { smokeFanOut } from "./scenario-smokes.js";
import { sqliteTestContext } from "./test-context.js";

test("the fan-out scenario measures its baseline and the engine, and every run completes", async () => {
  using t = sqliteTestContext();
  await smokeFanOut(t);
});
