/**
 * The growth analyzer: the tables are analyzed when the runs created reach
 * 200, then 800, 3,200..., never twice at once.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createGrowthAnalyzer, firstThreshold } from "../src/store/postgres/internal/growth-analyzer.js";

test("analyzes at each threshold, and only there", async () => {
  let calls = 0;
  const analyzer = createGrowthAnalyzer(async () => {
    calls++;
  });
  for (let i = 1; i < firstThreshold; i++) analyzer.grew(1);
  assert.equal(calls, 0, "not before the first threshold");
  analyzer.grew(1);
  assert.equal(calls, 1, "at the first threshold");
  await Promise.resolve();
  analyzer.grew(599);
  assert.equal(calls, 1, "not before the next one (4 times the first)");
  await Promise.resolve();
  analyzer.grew(1);
  assert.equal(calls, 2, "at 800");
});

test("growth during an analysis does not start another; a jump past several thresholds analyzes once", async () => {
  let calls = 0;
  let finish = () => {};
  const analyzer = createGrowthAnalyzer(() => {
    calls++;
    return new Promise<void>((resolve) => {
      finish = resolve;
    });
  });
  analyzer.grew(firstThreshold * 100);
  assert.equal(calls, 1);
  analyzer.grew(firstThreshold * 100);
  assert.equal(calls, 1, "one at a time");
  finish();
  await new Promise((resolve) => setImmediate(resolve));
  analyzer.grew(1);
  assert.equal(calls, 1, "the thresholds passed while it ran are skipped");
  analyzer.grew(firstThreshold * 1000);
  assert.equal(calls, 2);
});
