import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow } from "baton";
import { eventually } from "../../baton/test/helpers.js";
import { createAuthenticator } from "../src/auth.js";
import { operatorToken, readerToken, startApi, workerToken } from "./api-helpers.js";

const publicPaths = ["/api/health", "/api/ready", "/api/openapi.json", "/api/schemas/workflow-definition.json"];

/** A run that hands a task to a task worker, and one that asks a person. */
const remote = defineWorkflow("auth-remote", async (ctx) => ctx.task("t", null, { queue: "auth" }));
const person = defineWorkflow("auth-person", async (ctx) => ctx.humanTask("ok", { title: "OK?" }));

/** What a `worker` token may do: poll and report tasks, and ask its role. */
const workerOperations = new Set([
  "POST /api/tasks/poll",
  "POST /api/tasks/{token}/heartbeat",
  "POST /api/tasks/{token}/complete",
  "POST /api/tasks/{token}/fail",
  "GET /api/whoami",
]);

/** Every operation of the OpenAPI document, with a request that is valid for it. */
async function operations(
  api: Awaited<ReturnType<typeof startApi>>,
  runId: string,
  task: { id: string; token: string },
) {
  const doc = (await (await api.call("/api/openapi.json", { token: null })).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const bodies: Record<string, unknown> = {
    "post /api/runs": { workflow: "greet", input: { name: "Bob" } },
    "post /api/runs/{id}/signals": { name: "approve", payload: true },
    "post /api/runs/{id}/fork": { fromStep: 0 },
    "post /api/events": { name: "nobody-listens", payload: {} },
    "post /api/runs/{id}/cancel": {},
    "post /api/runs/{id}/resume": {},
    "post /api/schedules": { id: "auth-new", workflow: "greet", every: "1h", input: { name: "Bob" } },
    "patch /api/schedules/{id}": { paused: true },
    "delete /api/schedules/{id}": {},
    "post /api/schedules/{id}/pause": {},
    "post /api/schedules/{id}/resume": {},
    "post /api/schedules/{id}/trigger": {},
    "post /api/schedules/{id}/backfill": { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" },
    "post /api/tasks/poll": { workerId: "w", queues: ["auth"], waitMs: 0 },
    "post /api/human-tasks/{id}/complete": { data: 1 },
    "post /api/human-tasks/{id}/reject": {},
    "post /api/tasks/{token}/heartbeat": {},
    "post /api/tasks/{token}/complete": { output: 1 },
    "post /api/tasks/{token}/fail": { error: { message: "x" } },
    "post /api/definitions": { name: "auth-def", steps: [{ id: "w", wait: { signal: "go" } }] },
  };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({
      method: method.toUpperCase(),
      template: path,
      path: path
        .replace(
          "{id}",
          path.startsWith("/api/tasks")
            ? task.id
            : path.startsWith("/api/human-tasks")
              ? "auth-human:0"
              : path.endsWith("/graph")
                ? "auth-def-run"
                : runId,
        )
        .replace("{token}", task.token)
        .replace("{name}", "auth-def")
        .replace("{version}", "1"),
      json: bodies[`${method} ${path}`],
    })),
  );
}

test("every route: no token and a wrong token get 401; a read-only token reads but cannot change anything; a worker token only works tasks", async () => {
  await using api = await startApi({ workflows: [remote, person] });
  await api.engine.startRun(remote, undefined, { id: "auth-task" });
  await api.engine.definitions.deploy({ name: "auth-def", steps: [{ id: "w", wait: { signal: "go" } }] });
  await api.engine.startRun("auth-def", {}, { id: "auth-def-run" });
  await api.engine.startRun(person, undefined, { id: "auth-human" });
  await eventually(async () => (await api.engine.humanTasks.get("auth-human:0"))?.status === "open");
  const [leased] = await api.engine.tasks.poll({ workerId: "w", queues: ["auth"], waitMs: 10_000 });
  assert.ok(leased);
  const run = await api.engine.startRun("approval", { item: "laptop" }, { id: "auth-run" });
  await api.engine.handle(run.id).get();
  // A schedule of the same id, for the schedule routes.
  await api.engine.schedules.create({
    id: run.id,
    workflow: "greet",
    every: "1d",
    input: { name: "Ann" },
    paused: true,
  });
  const ops = await operations(api, run.id, leased);
  assert.ok(ops.length >= 13, `the document lists ${ops.length} operations`);
  const before = await api.engine.getHistory(run.id);
  const runsBefore = (await api.engine.listRuns({ limit: 1000 })).runs.length;

  for (const op of ops) {
    const label = `${op.method} ${op.template}`;
    const open = publicPaths.includes(op.template);
    const none = await api.call(op.path, { method: op.method, json: op.json, token: null });
    assert.equal(none.status, open ? 200 : 401, `${label} without a token`);
    if (!open) {
      assert.equal(none.headers.get("www-authenticate"), "Bearer", `${label} names the scheme`);
      const body = (await none.json()) as { error: { code: string } };
      assert.equal(body.error.code, "UNAUTHORIZED");
    }
    const wrong = await api.call(op.path, { method: op.method, json: op.json, token: `${operatorToken}x` });
    assert.equal(wrong.status, open ? 200 : 401, `${label} with a wrong token`);
    const reader = await api.call(op.path, { method: op.method, json: op.json, token: readerToken });
    if (op.method === "GET") assert.equal(reader.status, 200, `${label} with a read-only token`);
    else {
      assert.equal(reader.status, 403, `${label} with a read-only token`);
      assert.equal(((await reader.json()) as { error: { code: string } }).error.code, "FORBIDDEN");
    }
  }
  for (const op of ops) {
    const label = `${op.method} ${op.template}`;
    if (publicPaths.includes(op.template) || workerOperations.has(label)) continue;
    const worker = await api.call(op.path, { method: op.method, json: op.json, token: workerToken });
    assert.equal(worker.status, 403, `${label} with a worker token`);
  }
  assert.deepEqual(await api.engine.getHistory(run.id), before, "nothing reached the run");
  assert.equal((await api.engine.listRuns({ limit: 1000 })).runs.length, runsBefore, "no run was started");
  assert.equal((await api.engine.getRun(run.id)).pendingSignals.length, 0);

  for (const op of ops.filter((o) => o.method === "POST")) {
    const operator = await api.call(op.path, { method: op.method, json: op.json });
    assert.ok(
      operator.status < 300 || operator.status === 409,
      `${op.method} ${op.template} as operator: ${operator.status}`,
    );
  }
});

test("a token is accepted only whole: prefixes, other schemes and lower-case variants are refused", async () => {
  await using api = await startApi();
  for (const authorization of [
    `Bearer ${operatorToken.slice(0, -1)}`,
    `Basic ${operatorToken}`,
    `Bearer ${operatorToken.toUpperCase()}`,
    `Bearer  ${operatorToken}`,
    operatorToken,
    "Bearer",
  ]) {
    const response = await api.call("/api/runs", { token: null, headers: { authorization } });
    assert.equal(response.status, 401, authorization);
  }
  const ok = await api.call("/api/runs", { token: null, headers: { authorization: `bearer ${operatorToken}` } });
  assert.equal(ok.status, 200, "the scheme name is case-insensitive");
});

test("a server without tokens treats every caller as an operator", async () => {
  await using api = await startApi({ tokens: false });
  const response = await api.call("/api/runs", { token: null, json: { workflow: "greet", input: { name: "Cy" } } });
  assert.equal(response.status, 201);
});

test("tokens must be non-empty and roles known", () => {
  assert.throws(() => createAuthenticator([{ token: "", role: "operator" }]), /non-empty/);
  assert.throws(() => createAuthenticator([{ token: "t", role: "admin" as "operator" }]), /unknown role "admin"/);
  const authenticate = createAuthenticator([{ token: "abc", role: "reader" }]);
  assert.equal(authenticate("Bearer abc"), "reader");
  assert.throws(() => authenticate("Bearer abd"), /not valid/);
});
