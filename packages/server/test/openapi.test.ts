import assert from "node:assert/strict";
import { test } from "node:test";
import { startApi } from "./api-helpers.js";

test("the OpenAPI 3.1 document lists every route with the schemas that validate it", async () => {
  await using api = await startApi();
  const response = await api.call("/api/openapi.json", { token: null });
  assert.equal(response.status, 200);
  // biome-ignore lint/suspicious/noExplicitAny: a JSON document
  const doc = (await response.json()) as any;
  assert.equal(doc.openapi, "3.1.0");
  const operations = Object.entries(doc.paths as Record<string, object>).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
  assert.deepEqual(operations.sort(), [
    "DELETE /api/schedules/{id}",
    "GET /api/definitions",
    "GET /api/definitions/{name}",
    "GET /api/definitions/{name}/versions/{version}",
    "GET /api/health",
    "GET /api/human-tasks",
    "GET /api/human-tasks/{id}",
    "GET /api/queues",
    "GET /api/ready",
    "GET /api/runs",
    "GET /api/runs/{id}",
    "GET /api/runs/{id}/graph",
    "GET /api/runs/{id}/history",
    "GET /api/runs/{id}/watch",
    "GET /api/schedules",
    "GET /api/schedules/{id}",
    "GET /api/schemas/workflow-definition.json",
    "GET /api/signal-waits",
    "GET /api/tasks",
    "GET /api/tasks/{id}",
    "GET /api/whoami",
    "GET /api/workers",
    "GET /api/workflows",
    "PATCH /api/schedules/{id}",
    "POST /api/definitions",
    "POST /api/events",
    "POST /api/human-tasks/{id}/complete",
    "POST /api/human-tasks/{id}/reject",
    "POST /api/runs",
    "POST /api/runs/{id}/cancel",
    "POST /api/runs/{id}/fork",
    "POST /api/runs/{id}/resume",
    "POST /api/runs/{id}/signals",
    "POST /api/schedules",
    "POST /api/schedules/{id}/backfill",
    "POST /api/schedules/{id}/pause",
    "POST /api/schedules/{id}/resume",
    "POST /api/schedules/{id}/trigger",
    "POST /api/tasks/poll",
    "POST /api/tasks/{token}/complete",
    "POST /api/tasks/{token}/fail",
    "POST /api/tasks/{token}/heartbeat",
  ]);
  const start = doc.components.schemas.StartRun;
  assert.deepEqual(start.required, ["workflow"]);
  assert.equal(start.properties.id.pattern, "^[\\x21-\\x7e]{1,200}$");
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: "http", scheme: "bearer" });
  const startResponses = Object.keys(doc.paths["/api/runs"].post.responses).sort();
  assert.deepEqual(startResponses, ["200", "201", "400", "401", "403", "404", "409", "413", "415", "500"]);

  // The pattern the document shows is the one enforced.
  const refused = await api.call("/api/runs", { json: { workflow: "greet", id: "not allowed" } });
  assert.equal(refused.status, 400);
});

test("health and readiness are marked as needing no token", async () => {
  await using api = await startApi();
  // biome-ignore lint/suspicious/noExplicitAny: a JSON document
  const doc = (await (await api.call("/api/openapi.json", { token: null })).json()) as any;
  assert.deepEqual(doc.paths["/api/health"].get.security, []);
  assert.deepEqual(doc.paths["/api/ready"].get.security, []);
  assert.equal(doc.paths["/api/runs"].get.security, undefined, "other routes use the document's bearer scheme");
});
