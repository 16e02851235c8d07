import assert from "node:assert/strict";
import { test } from "node:test";
import { clientWorkflows, createProject } from "../project.js";
import { runBaton } from "../run-baton.js";
import { startServe } from "../start-serve.js";

const databaseUrl = process.env.BATON_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

test("serve on PostgreSQL; runs steered through the API and directly on the store", async () => {
  const url = new URL(databaseUrl);
  url.searchParams.set("schema", `cli_runs_${process.pid}`);
  const store = url.toString();
  const dir = createProject({ "flows.ts": clientWorkflows });
  const { server, url: api } = await startServe(["flows.ts", "--store", store], { cwd: dir });
  try {
    const started = await runBaton(["runs", "start", "greet", "--input", '"Pg"', "--id", "pg-1", "--url", api]);
    assert.equal(started.code, 0, started.stderr);
    const signalled = await runBaton(["runs", "signal", "pg-1", "approve", "--payload", "true", "--store", store]);
    assert.equal(signalled.code, 0, signalled.stderr);
    const followed = await runBaton(["runs", "show", "pg-1", "--follow", "--url", api]);
    assert.match(followed.stdout, /output "Hello, Pg"\n$/);
    const listed = await runBaton(["runs", "list", "--json"], { env: { BATON_STORE: store } });
    assert.deepEqual(
      JSON.parse(listed.stdout).runs.map((run: { id: string; status: string }) => [run.id, run.status]),
      [["pg-1", "completed"]],
    );
  } finally {
    const result = await server.stop();
    assert.equal(result.code, 0, result.stderr);
  }
});
