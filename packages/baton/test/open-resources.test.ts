/**
 * The check of scripts/open-resources-check.mjs (loaded into every test file
 * by scripts/test.mjs): a test file that leaves a store or a started engine
 * open fails, naming it and the line that opened it.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");

// The child is a test run of its own, not a part of this one.
const { NODE_TEST_CONTEXT: _, ...env } = process.env;

/** Runs the test file open-resources/leaky.ts under the check; its exit code and output. */
function runLeaky(leak: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--import",
        "./scripts/open-resources-check.mjs",
        "--conditions=development",
        "--test",
        join(here, "open-resources/leaky.ts"),
      ],
      { cwd: root, env: { ...env, LEAK: leak, BATON_OPEN_RESOURCES_GRACE_MS: "200" } },
    );
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, output }));
  });
}

test("a test file that closes what it opens passes the check", async () => {
  const { code, output } = await runLeaky("none");
  assert.equal(code, 0, output);
  assert.doesNotMatch(output, /Left open/);
});

test("a test file that leaves a store open fails, naming the store and where it was opened", async () => {
  const { code, output } = await runLeaky("store");
  assert.notEqual(code, 0, output);
  assert.match(output, /Left open at the end of the test file/);
  assert.match(output, /store "(sqlite:|postgres:\/\/)[^"]+" \(not closed\), opened at:/);
  assert.match(output, /open-resources\/leaky\.ts:11/);
  assert.doesNotMatch(output, /engine "/);
});

test("a test file that leaves an engine started fails, naming the engine, its worker and its store", async () => {
  const { code, output } = await runLeaky("engine");
  assert.notEqual(code, 0, output);
  assert.match(output, /engine "[^"]+" \(started and not stopped\), opened at:/);
  assert.match(output, /worker "[^"]+" \(started and not stopped\)/);
  assert.match(output, /store "[^"]+" \(not closed\)/);
  assert.match(output, /open-resources\/leaky\.ts:16/);
});
