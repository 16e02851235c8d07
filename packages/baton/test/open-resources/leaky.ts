// A test file for open-resources.test.ts: it leaves open what LEAK names
// (`store`, `engine`, or nothing), for the check of scripts/open-resources-check.mjs to catch.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore } from "baton";
import { startEngine, tempStore } from "../helpers.js";

const leak = process.env.LEAK;

test("a test that opens a store and an engine", async () => {
  const store = openStore(tempStore());
  assert.deepEqual(await store.listPendingSignals("none"), []);
  if (leak !== "store") await store.close();
  await using closed = await startEngine([]);
  assert.ok(closed.workerId);
  const engine = await startEngine([]);
  if (leak !== "engine") await engine[Symbol.asyncDispose]();
});
