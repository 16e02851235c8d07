import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { findPort } from "../src/find-port.js";
import { clientWorkflows, createProject } from "./project.js";
import { getWithHost } from "./request-with-host.js";
import { runBaton } from "./run-baton.js";
import { startServe } from "./start-serve.js";

test("serve refuses a non-loopback host without a token, and never prints a token", async () => {
  const dir = createProject({ "flows.ts": clientWorkflows });
  const refused = await runBaton(["serve", "flows.ts", "--host", "0.0.0.0", "--store", `sqlite:${join(dir, "b.db")}`], {
    cwd: dir,
  });
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, "");
  assert.match(refused.stderr, /^error: refusing to listen on 0\.0\.0\.0 without a token/);

  const { server, url } = await startServe(
    ["flows.ts", "--host", "0.0.0.0", "--store", `sqlite:${join(dir, "b.db")}`],
    {
      cwd: dir,
      env: { BATON_TOKEN: "s3cret-operator", BATON_READ_TOKEN: "s3cret-reader" },
    },
  );
  assert.match(url, /^http:\/\/0\.0\.0\.0:\d+$/);
  const result = await server.stop();
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^serving http:\/\/0\.0\.0\.0:\d+ on sqlite:\S+, running check@1, greet@1, welcome@1\n/);
  assert.match(result.stdout, /SIGTERM: stopping\nstopped\n$/);
  assert.ok(!`${result.stdout}${result.stderr}`.includes("s3cret"), result.stdout);
});

test("on loopback, serve answers only loopback names and those of --allowed-host", async () => {
  const dir = createProject({ "flows.ts": clientWorkflows });
  const malformed = await runBaton(["serve", "flows.ts", "--allowed-host", "http://baton.test"], { cwd: dir });
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /--allowed-host <host>' argument 'http:\/\/baton\.test' is invalid\. allowed host/);

  const { server, url } = await startServe(
    ["flows.ts", "--store", `sqlite:${join(dir, "b.db")}`, "--allowed-host", "baton.test", "--allowed-host", ".lan"],
    { cwd: dir },
  );
  try {
    for (const host of ["localhost:7700", "baton.test:7700", "box.lan"]) {
      assert.equal((await getWithHost(url, "/api/runs", host)).status, 200, host);
    }
    const refused = await getWithHost(url, "/api/runs", "rebind.test:7700");
    assert.equal(refused.status, 403);
    const { error } = JSON.parse(refused.body) as { error: { code: string; message: string } };
    assert.equal(error.code, "HOST_NOT_ALLOWED");
    assert.match(error.message, /"rebind\.test:7700".*--allowed-host rebind\.test /);
  } finally {
    await server.stop();
  }
});

test("operator and read-only tokens: a reader may list but not start; a wrong token is refused", async () => {
  const dir = createProject({ "flows.ts": clientWorkflows });
  const { server, url } = await startServe(
    ["flows.ts", "--token", "op-1,op-2", "--read-token", "reader-1", "--store", `sqlite:${join(dir, "b.db")}`],
    { cwd: dir },
  );
  try {
    const client = (args: string[], env: Record<string, string> = {}) =>
      runBaton([...args, "--url", url], { cwd: dir, env });

    const asReader = await client(["runs", "start", "greet", "--input", '"Ada"', "--token", "reader-1"]);
    assert.equal(asReader.code, 1);
    assert.match(asReader.stderr, /^error: FORBIDDEN: /);

    const wrong = await client(["runs", "start", "greet", "--input", '"Ada"', "--token", "nope"]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^error: UNAUTHORIZED: /);

    const none = await client(["runs", "list"]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^error: UNAUTHORIZED: .*\(pass --token or set BATON_TOKEN\)/);

    const started = await client(["runs", "start", "greet", "--input", '"Ada"', "--id", "t-1", "--token", "op-2"]);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^started run t-1 \(greet@1, \w+\)\n$/);

    const listed = await client(["runs", "list", "--json"], { BATON_TOKEN: "reader-1" });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      JSON.parse(listed.stdout).runs.map((run: { id: string }) => run.id),
      ["t-1"],
    );
  } finally {
    const result = await server.stop();
    assert.equal(result.code, 0, result.stderr);
  }
});

test("worker tokens (--worker-token, BATON_WORKER_TOKEN) poll and report tasks, and may do nothing else", async () => {
  const dir = createProject({ "flows.ts": clientWorkflows });
  const store = `sqlite:${join(dir, "b.db")}`;
  const request = (url: string, method: string, path: string, token: string, json?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  const poll = { workerId: "py-1", queues: ["media"], waitMs: 0 };

  const flag = await startServe(["flows.ts", "--token", "op-1", "--worker-token", "wk-1,wk-2", "--store", store], {
    cwd: dir,
  });
  try {
    for (const token of ["wk-1", "wk-2"]) {
      const polled = await request(flag.url, "POST", "/api/tasks/poll", token, poll);
      assert.equal(polled.status, 200, token);
      assert.deepEqual(await polled.json(), { tasks: [] });
      const whoami = await request(flag.url, "GET", "/api/whoami", token);
      assert.deepEqual(await whoami.json(), { role: "worker", name: "worker", auth: true });
    }
    const list = await request(flag.url, "GET", "/api/runs", "wk-1");
    assert.equal(list.status, 403);
    assert.match(((await list.json()) as { error: { message: string } }).error.message, /^a worker token can only/);
    const start = await request(flag.url, "POST", "/api/runs", "wk-1", { workflow: "greet", input: "Ada" });
    assert.equal(start.status, 403);
    const asOperator = await request(flag.url, "POST", "/api/tasks/poll", "op-1", poll);
    assert.equal(asOperator.status, 200, "an operator may act as a task worker too");
    const unknown = await request(flag.url, "POST", "/api/tasks/poll", "wk-3", poll);
    assert.equal(unknown.status, 401);
  } finally {
    const result = await flag.server.stop();
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!`${result.stdout}${result.stderr}`.includes("wk-"), result.stdout);
  }

  // From the environment; a worker token alone is a token: the server listens beyond loopback.
  const env = await startServe(["flows.ts", "--host", "0.0.0.0", "--store", store], {
    cwd: dir,
    env: { BATON_WORKER_TOKEN: "s3cret-worker" },
  });
  try {
    const url = env.url.replace("0.0.0.0", "127.0.0.1");
    const polled = await request(url, "POST", "/api/tasks/poll", "s3cret-worker", poll);
    assert.equal(polled.status, 200);
    const runs = await request(url, "GET", "/api/runs", "s3cret-worker");
    assert.equal(runs.status, 403);
    const none = await fetch(`${url}/api/runs`);
    assert.equal(none.status, 401, "with a worker token configured, a request without a token is refused");
  } finally {
    const result = await env.server.stop();
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!`${result.stdout}${result.stderr}`.includes("s3cret"), result.stdout);
  }
});

test("client errors: an unknown run, malformed options, a body over the limit, a server that cannot be reached", async () => {
  const dir = createProject({ "flows.ts": clientWorkflows });
  const { server, url } = await startServe(
    ["flows.ts", "--store", `sqlite:${join(dir, "b.db")}`, "--body-limit", "2000"],
    { cwd: dir },
  );
  try {
    const unknown = await runBaton(["runs", "show", "no-such-run", "--url", url]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'error: RUN_NOT_FOUND: run "no-such-run" not found\n');

    const malformed = await runBaton(["runs", "start", "greet", "--input", "{name:", "--url", url]);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /option '--input <json>' argument '\{name:' is invalid\. malformed JSON/);

    const badFile = await runBaton(["runs", "start", "greet", "--input-file", "flows.ts", "--url", url], { cwd: dir });
    assert.equal(badFile.code, 2);
    assert.match(badFile.stderr, /^error: --input-file flows\.ts: malformed JSON/);

    const badStatus = await runBaton(["runs", "list", "--status", "done", "--url", url]);
    assert.equal(badStatus.code, 2);
    assert.match(badStatus.stderr, /unknown status "done"/);

    const both = await runBaton(["runs", "list", "--url", url, "--store", `sqlite:${join(dir, "b.db")}`]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--url and --store exclude each other/);

    const tooBig = await runBaton([
      "runs",
      "start",
      "greet",
      "--input",
      JSON.stringify("x".repeat(3000)),
      "--url",
      url,
    ]);
    assert.equal(tooBig.code, 1);
    assert.match(tooBig.stderr, /^error: BODY_TOO_LARGE: /);

    const unknownWorkflow = await runBaton(["runs", "start", "nothing", "--url", url]);
    assert.equal(unknownWorkflow.code, 1);
    assert.match(unknownWorkflow.stderr, /^error: UNKNOWN_WORKFLOW: .*"nothing"/);
  } finally {
    await server.stop();
  }

  const closedPort = await findPort("127.0.0.1", 0);
  const unreachable = await runBaton(["runs", "list"], { env: { BATON_URL: `http://127.0.0.1:${closedPort}` } });
  assert.equal(unreachable.code, 1);
  assert.equal(
    unreachable.stderr,
    `error: cannot reach the Baton server at http://127.0.0.1:${closedPort}: ECONNREFUSED\n`,
  );
});
