import assert from "node:assert/strict";
import { test } from "node:test";
import { runBaton } from "./run-baton.js";

test("baton --help lists the commands", async () => {
  const result = await runBaton(["--help"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Usage: baton/m);
  assert.match(result.stdout, /^\s+migrate\b/m);
  assert.match(result.stdout, /^\s+worker\b.*<module>/m);
});

test("bad usage exits 2 with commander's message", async () => {
  const unknown = await runBaton(["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);

  const missing = await runBaton(["worker"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /missing required argument 'module'/);

  const duration = await runBaton(["worker", "flows.ts", "--lease", "soon"]);
  assert.equal(duration.code, 2);
  assert.match(duration.stderr, /--lease <duration>.*'soon' is invalid/);
});
