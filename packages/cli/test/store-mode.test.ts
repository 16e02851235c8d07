import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { createEngine, type Workflow } from "baton";
import { findPort } from "../src/find-port.js";
import { clientWorkflows, createProject } from "./project.js";
import { runBaton } from "./run-baton.js";

test("with --store the client commands work on a SQLite file directly", async () => {
  const dir = createProject({ "flows.ts": clientWorkflows });
  const store = `sqlite:${join(dir, "b.db")}`;
  const workflows = Object.values(await import(pathToFileURL(join(dir, "flows.ts")).href)) as Workflow[];
  // The worker executing the runs the commands start and steer.
  await using engine = createEngine({ store, workflows, pollInterval: 50 });
  await engine.start();
  const baton = (args: string[], env: Record<string, string> = {}) => runBaton(args, { cwd: dir, env });

  const needsCode = await baton(["runs", "start", "greet", "--input", '"Ada"', "--store", store]);
  assert.equal(needsCode.code, 2);
  assert.match(needsCode.stderr, /needs the workflow code: pass --workflows <module>/);

  const started = await baton([
    "runs",
    "start",
    "greet",
    "--input",
    '"Ada"',
    "--id",
    "s-1",
    "--store",
    store,
    "--workflows",
    "flows.ts",
  ]);
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /^started run s-1 \(greet@1, pending\)\n$/);
  await baton([
    "runs",
    "start",
    "greet",
    "--input",
    '"Bob"',
    "--id",
    "s-2",
    "--store",
    store,
    "--workflows",
    "flows.ts",
  ]);

  // BATON_STORE picks the store when no URL is given.
  const listed = await baton(["runs", "list", "--json"], { BATON_STORE: store });
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(
    JSON.parse(listed.stdout).runs.map((run: { id: string }) => run.id),
    ["s-2", "s-1"],
  );
  const searched = await baton(["runs", "list", "--json", "--id-contains", "S-2"], { BATON_STORE: store });
  assert.deepEqual(
    JSON.parse(searched.stdout).runs.map((run: { id: string }) => run.id),
    ["s-2"],
  );
  // ...but an explicit --url wins over BATON_STORE.
  const port = await findPort("127.0.0.1", 0);
  const viaUrl = await baton(["runs", "list", "--url", `http://127.0.0.1:${port}`], { BATON_STORE: store });
  assert.equal(viaUrl.code, 1);
  assert.match(viaUrl.stderr, /cannot reach the Baton server at http:\/\/127\.0\.0\.1:\d+/);

  const signalled = await baton(["runs", "signal", "s-1", "approve", "--payload", "true", "--store", store]);
  assert.equal(signalled.code, 0, signalled.stderr);
  assert.equal(signalled.stdout, 'sent signal "approve" to run s-1\n');
  assert.equal(await engine.handle("s-1").result(), "Hello, Ada");

  const followed = await baton(["runs", "show", "s-1", "--follow", "--store", store]);
  assert.equal(followed.code, 0, followed.stderr);
  assert.match(followed.stdout, /output "Hello, Ada"\n$/);
  const shown = await baton(["runs", "show", "s-1", "--json", "--store", store]);
  const run = JSON.parse(shown.stdout);
  assert.equal(run.status, "completed");
  assert.equal(run.createdAt, (await engine.getRun("s-1")).createdAt.toISOString());

  const cancel = await baton(["runs", "cancel", "s-2", "--json", "--store", store]);
  assert.deepEqual(JSON.parse(cancel.stdout), { runId: "s-2" });
  await assert.rejects(engine.handle("s-2").result(), /cancelled/);

  const finished = await baton(["runs", "cancel", "s-2", "--store", store]);
  assert.equal(finished.code, 1);
  assert.match(finished.stderr, /^error: RUN_FINISHED: .*"s-2"/);

  const unknown = await baton(["runs", "show", "nobody", "--store", store]);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, 'error: RUN_NOT_FOUND: run "nobody" not found\n');

  const receipt = await baton([
    "events",
    "send",
    "user.created",
    "--payload",
    '{"name":"Cy"}',
    "--id",
    "e-1",
    "--store",
    store,
    "--workflows",
    "flows.ts",
  ]);
  assert.equal(receipt.code, 0, receipt.stderr);
  assert.equal(receipt.stdout, "event e-1: started 1 run (e-1:welcome), delivered to 0 runs\n");
  assert.equal(await engine.handle("e-1:welcome").result(), "mailed Cy");
});

test("--store on a SQLite file that does not exist fails without creating it", async () => {
  const dir = createProject({});
  const result = await runBaton(["runs", "list", "--store", `sqlite:${join(dir, "missing.db")}`]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^error: no store at sqlite:\S+missing\.db: file \S+missing\.db not found\n$/);
  const again = await runBaton(["runs", "list", "--store", `sqlite:${join(dir, "missing.db")}`]);
  assert.equal(again.code, 1);
});
