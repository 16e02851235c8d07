import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createEngine } from "baton";
import { tempDir } from "./test-helpers.js";

const script = fileURLToPath(new URL("./start.ts", import.meta.url));
// Resolved here: `--import tsx` would be looked up from the child's working directory.
const tsx = import.meta.resolve("tsx");

/** Starts the demo in `cwd`; collects its output. */
function launch(cwd: string, args: string[] = []) {
  const child = spawn(process.execPath, ["--import", tsx, "--conditions=development", script, ...args], {
    cwd,
    env: { ...process.env, BATON_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout?.on("data", (chunk) => {
    output.stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
}

/** Waits until `text` appears on the process's standard output. */
async function waitForOutput(run: ReturnType<typeof launch>, text: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!run.output.stdout.includes(text)) {
    if (run.child.exitCode !== null) throw new Error(`exited before printing "${text}":\n${run.output.stdout}`);
    if (Date.now() > deadline) throw new Error(`"${text}" not printed within ${timeoutMs} ms:\n${run.output.stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The summary lines as `{ id, status, mark }`, keyed by demo. */
function summaryOf(stdout: string) {
  const summary = stdout.slice(stdout.indexOf("Summary after"));
  const rows = new Map<string, { id: string; status: string; mark: string }>();
  for (const match of summary.matchAll(/^ {2}(ok|UNEXPECTED \(wanted \w+\)) +(\S+) +(\S+)/gm)) {
    const [, mark = "", id = "", status = ""] = match;
    const demo = id.replace(/-[0-9a-z]+$/, "");
    rows.set(demo, { id, status, mark });
  }
  return rows;
}

const expected = {
  "order-approved": "completed",
  "order-rejected": "compensated",
  "signup-failed": "compensated",
  research: "completed",
};

function assertSummary(stdout: string) {
  assert.match(stdout, /Summary after \d+\.\ds/);
  const rows = summaryOf(stdout);
  assert.deepEqual(
    Object.fromEntries([...rows].map(([demo, row]) => [demo, row.status])),
    expected,
    `summary:\n${stdout.slice(stdout.indexOf("Summary after"))}`,
  );
  for (const row of rows.values()) assert.equal(row.mark, "ok");
  return rows;
}

function kill(child: ChildProcess) {
  if (child.exitCode === null) child.kill("SIGKILL");
}

test("npm start runs the demos, prints progress and a summary, and a second launch works on the same database", async () => {
  const cwd = tempDir("baton-start-");

  // First launch without --once: it keeps the engine running until SIGTERM.
  const first = launch(cwd);
  try {
    await waitForOutput(first, "press Ctrl+C to stop");
    // The API serves the same engine while it runs.
    const url = /^Dashboard on (http:\/\/127\.0\.0\.1:\d+)\/ and API on /m.exec(first.output.stdout)?.[1];
    assert.ok(url, first.output.stdout);
    const page = (await (await fetch(`${url}/api/runs?workflow=order`)).json()) as { runs: { status: string }[] };
    assert.deepEqual(page.runs.map((run) => run.status).sort(), ["compensated", "completed"]);
    const dashboard = await fetch(`${url}/`);
    assert.match(await dashboard.text(), /<!doctype html>/i);
    assert.match(dashboard.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  } finally {
    first.child.kill("SIGTERM");
  }
  const firstExit = await first.exited;
  assert.deepEqual(firstExit, { code: 0, signal: null }, first.output.stderr);
  assert.match(first.output.stdout, /SIGTERM: stopping the engine/);
  const firstRows = assertSummary(first.output.stdout);
  // Progress lines as things happen.
  assert.match(
    first.output.stdout,
    /order-approved +step "charge" attempt 1 failed \(payments\.charge: gateway timeout\)/,
  );
  const refund = first.output.stdout.search(/order-rejected +undid step "charge"/);
  const release = first.output.stdout.search(/order-rejected +undid step "reserve"/);
  assert.ok(refund > 0 && refund < release, "the rejected order's charge is undone before its reservation");
  assert.match(first.output.stdout, /signup-failed +undid step "start-billing"/);
  assert.match(first.output.stdout, /research +signal "scope" received: regions=EU,APAC/);
  assert.match(first.output.stdout, /scope EU, APAC after 1 change, 2 rounds/);
  assert.ok(
    existsSync(join(cwd, ".baton", "baton.db")),
    "the default store is .baton/baton.db in the working directory",
  );

  // Second launch with --once, same directory and database: new run ids, exits after the summary.
  const second = launch(cwd, ["--once"]);
  const timer = setTimeout(() => kill(second.child), 60_000);
  const secondExit = await second.exited;
  clearTimeout(timer);
  assert.deepEqual(secondExit, { code: 0, signal: null }, `${second.output.stdout}\n${second.output.stderr}`);
  const secondRows = assertSummary(second.output.stdout);
  assert.doesNotMatch(second.output.stdout, /press Ctrl\+C/);
  for (const demo of Object.keys(expected)) {
    assert.notEqual(firstRows.get(demo)?.id, secondRows.get(demo)?.id, `${demo} got a new run id`);
  }

  // Both launches' runs are in the database, each ended as the summary said.
  await using engine = createEngine({ store: `sqlite:${join(cwd, ".baton", "baton.db")}` });
  for (const rows of [firstRows, secondRows]) {
    for (const [demo, row] of rows) {
      assert.equal((await engine.getRun(row.id)).status, expected[demo as keyof typeof expected]);
    }
  }
  const orders = await engine.listRuns({ workflow: "order" });
  assert.equal(orders.runs.length, 4);
});
