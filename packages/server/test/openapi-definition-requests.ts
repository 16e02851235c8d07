import assert from "node:assert/strict";
import { eventually } from "../../baton/test/helpers.js";
import { readerToken, workerToken } from "./api-helpers.js";

/** Sends a request, checks its answer against the document, records its status (the conformance test's `send`). */
type Send = (
  path: string,
  init?: { method?: string; json?: unknown; token?: string | null; headers?: Record<string, string>; body?: string },
) => Promise<{ status: number; json: unknown }>;

const waitsForGo = {
  name: "def-waits",
  steps: [
    { id: "go", wait: { signal: "go" } },
    { id: "done", succeed: { output: "{% $steps.go %}" } },
  ],
};

/**
 * The requests of the definition routes for the OpenAPI conformance test: a
 * definition deployed as JSON and as YAML text, a run of it and its graph,
 * and each route's declared errors. `codeRunId` is a finished run of a code
 * workflow; `codeWorkflow` the name of one.
 */
export async function sendDefinitionRequests(send: Send, codeRunId: string, codeWorkflow: string): Promise<void> {
  assert.equal((await send("/api/definitions", { json: waitsForGo })).status, 201);
  assert.equal((await send("/api/definitions", { json: waitsForGo })).status, 200, "the same content again");
  const yaml = "name: def-yaml\nsteps:\n  - id: only\n    succeed: { output: 1 }\n";
  assert.equal((await send("/api/definitions", { json: { source: yaml } })).status, 201);
  assert.equal((await send("/api/runs", { json: { workflow: "def-waits", id: "def-run-1" } })).status, 201);
  await eventually(async () => (await send("/api/runs/def-run-1/graph", { token: readerToken })).status === 200);
  await send("/api/definitions", { token: readerToken });
  await send("/api/definitions/def-waits", { token: readerToken });
  await send("/api/definitions/def-waits/versions/1", { token: readerToken });
  await send("/api/schemas/workflow-definition.json", { token: null });

  // Errors: bad, immutable, a code workflow's name, unknown, forbidden, unauthenticated, too large, not JSON.
  assert.equal((await send("/api/definitions", { json: { name: "bad", steps: [{ id: "a", http: {} }] } })).status, 400);
  assert.equal((await send("/api/definitions", { json: { source: "name: [" } })).status, 400);
  const other = { ...waitsForGo, version: "1", steps: [{ id: "other", succeed: {} }] };
  assert.equal((await send("/api/definitions", { json: other })).status, 409);
  assert.equal((await send("/api/definitions", { json: { ...other, name: codeWorkflow } })).status, 409);
  await send("/api/definitions", { json: waitsForGo, token: readerToken });
  await send("/api/definitions", { json: waitsForGo, token: null });
  await send("/api/definitions", { json: { ...waitsForGo, description: "x".repeat(5000) } });
  await send("/api/definitions", { method: "POST", body: "{}", headers: { "content-type": "text/plain" } });
  for (const path of ["/api/definitions", "/api/definitions/def-waits", "/api/definitions/def-waits/versions/1"]) {
    await send(path, { token: null });
    await send(path, { token: workerToken });
  }
  await send("/api/definitions/-bad");
  await send("/api/definitions/nope");
  await send("/api/definitions/def-waits/versions/no%20such");
  await send("/api/definitions/def-waits/versions/9");
  await send(`/api/runs/${codeRunId}/graph`);
  await send("/api/runs/no%20run/graph");
  await send("/api/runs/def-run-1/graph", { token: null });
  await send("/api/runs/def-run-1/graph", { token: workerToken });
  await send("/api/runs/def-run-1/signals", { json: { name: "go", payload: true } });
  // The live workers (this server's), and their errors.
  await send("/api/workers", { token: readerToken });
  await send("/api/workers", { token: null });
  await send("/api/workers", { token: workerToken });
}

/** The same routes through an app whose engine fails: 500 from each. */
export async function sendBrokenDefinitionRequests(
  send: (path: string, init?: { json?: unknown }) => Promise<unknown>,
) {
  await send("/api/definitions", { json: waitsForGo });
  await send("/api/definitions");
  await send("/api/definitions/x");
  await send("/api/definitions/x/versions/1");
  await send("/api/runs/x/graph");
}
