import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { createEngine, createTestClock, type Workflow } from "baton";
import { statusOf } from "../../baton/test/helpers.js";
import { clientWorkflows, createProject } from "./project.js";
import { runBaton } from "./run-baton.js";
import { startServe } from "./start-serve.js";

test("runs waiting lists the open signal waits, the longest waiting first, as a table or JSON, paged", async () => {
  const dir = createProject({ "flows.ts": clientWorkflows });
  const store = `sqlite:${join(dir, "b.db")}`;
  const workflows = Object.values(await import(pathToFileURL(join(dir, "flows.ts")).href)) as Workflow[];
  const clock = createTestClock(Date.now() - 3_600_000);
  await using engine = createEngine({ store, workflows, clock, pollInterval: 50, logger: { warn: () => {} } });
  await engine.start();
  for (const id of ["w-2", "w-1", "w-3"]) {
    await engine.startRun("greet", id, { id });
    await statusOf(engine, id, "waiting");
    await clock.advance("1m");
  }
  await engine.signal("w-3", "approve", true);
  await statusOf(engine, "w-3", "completed");
  const baton = async (args: string[]) => {
    const result = await runBaton(args, { cwd: dir });
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };

  const table = (await baton(["runs", "waiting", "--store", store])).split("\n");
  assert.match(table[0] ?? "", /^RUN\s+WORKFLOW\s+STATUS\s+SIGNAL\s+WAITING\s+TIMEOUT$/);
  assert.match(table[1] ?? "", /^w-2\s+greet@1\s+waiting\s+approve \(approval\)\s+1h\b.*\snone$/);
  assert.match(table[2] ?? "", /^w-1\s+greet@1\s+waiting\s+approve \(approval\)\s+(59m|1h)\b.*\snone$/);
  assert.equal(table.length, 4);
  assert.equal(await baton(["runs", "waiting", "--name", "other", "--store", store]), "no run waits for a signal\n");

  const first = JSON.parse(await baton(["runs", "waiting", "--limit", "1", "--json", "--store", store]));
  assert.deepEqual(
    first.waits.map((w: { runId: string; name: string; approval: boolean }) => [w.runId, w.name, w.approval]),
    [["w-2", "approve", true]],
  );
  assert.equal(typeof first.nextCursor, "string");
  const paged = await baton(["runs", "waiting", "--limit", "1", "--store", store]);
  assert.match(paged, new RegExp(`more: baton runs waiting --cursor ${first.nextCursor}\\n$`));

  // The same through a server, with the cursor of the first page.
  const { server, url } = await startServe(["--store", store], { cwd: dir });
  try {
    const second = JSON.parse(
      await baton(["runs", "waiting", "--cursor", first.nextCursor, "--workflow", "greet", "--json", "--url", url]),
    );
    assert.deepEqual(
      second.waits.map((w: { runId: string }) => w.runId),
      ["w-1"],
    );
    assert.equal(second.nextCursor, undefined);
    const bad = await runBaton(["runs", "waiting", "--cursor", "nope", "--url", url], { cwd: dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /INVALID_CURSOR/);
  } finally {
    await server.stop();
  }
});
