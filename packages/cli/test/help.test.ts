import assert from "node:assert/strict";
import { test } from "node:test";
import { runBaton } from "./run-baton.js";

test("baton --help lists the commands", async () => {
  const result = await runBaton(["--help"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Usage: baton/m);
  assert.match(result.stdout, /^\s+migrate\b/m);
  assert.match(result.stdout, /^\s+worker\b.*<module>/m);
  assert.match(result.stdout, /^\s+dev\b.*<module>/m);
  assert.match(result.stdout, /^\s+serve\b.*\[module\]/m);
  assert.match(result.stdout, /^\s+runs\b/m);
  assert.match(result.stdout, /^\s+events\b/m);
  assert.match(result.stdout, /^\s+schedules\b/m);

  const runs = await runBaton(["runs", "--help"]);
  for (const command of ["list", "waiting", "show", "start", "signal", "cancel", "resume", "fork"]) {
    assert.match(runs.stdout, new RegExp(`^\\s+${command}\\b`, "m"));
  }
  const schedules = await runBaton(["schedules", "--help"]);
  for (const command of ["list", "create", "pause", "resume", "trigger", "delete", "backfill"]) {
    assert.match(schedules.stdout, new RegExp(`^\\s+${command}\\b`, "m"));
  }
});

test("bad usage exits 2 with commander's message", async () => {
  const unknown = await runBaton(["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);

  const missing = await runBaton(["worker"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /missing required argument 'module'/);

  const nested = await runBaton(["runs", "list", "--frobnicate"]);
  assert.equal(nested.code, 2);
  assert.match(nested.stderr, /unknown option '--frobnicate'/);

  const fork = await runBaton(["runs", "fork", "r-1"]);
  assert.equal(fork.code, 2);
  assert.match(fork.stderr, /required option '--from-step <step>' not specified/);

  const url = await runBaton(["runs", "list", "--url", "ftp://x"]);
  assert.equal(url.code, 2);
  assert.match(url.stderr, /--url <url>.*expected an http:\/\/ or https:\/\/ address/);

  const duration = await runBaton(["worker", "flows.ts", "--lease", "soon"]);
  assert.equal(duration.code, 2);
  assert.match(duration.stderr, /--lease <duration>.*'soon' is invalid/);
});
