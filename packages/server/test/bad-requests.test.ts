import assert from "node:assert/strict";
import { test } from "node:test";
import { startApi } from "./api-helpers.js";

type ErrorBody = { error: { code: string; message: string; issues?: { path: string }[] } };
const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;

test("a body that is not JSON gets 415, malformed JSON 400; nothing is written", async () => {
  await using api = await startApi();
  const text = await api.call("/api/runs", {
    body: '{"workflow":"greet","input":{"name":"x"}}',
    headers: { "content-type": "text/plain" },
  });
  assert.equal(text.status, 415);
  assert.equal((await errorOf(text)).code, "UNSUPPORTED_MEDIA_TYPE");
  const form = await api.call("/api/runs", {
    body: "workflow=greet",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.equal(form.status, 415);
  const untyped = await api.call("/api/runs", { body: '{"workflow":"greet"}', method: "POST" });
  assert.equal(untyped.status, 415);

  for (const body of ['{"workflow":"greet",', "nul", "", "[1,2", '{"workflow": greet}']) {
    const response = await api.call("/api/runs", { body, headers: { "content-type": "application/json" } });
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.equal((await errorOf(response)).code, "INVALID_REQUEST");
  }
  assert.deepEqual((await api.engine.listRuns()).runs, []);
});

test("fields of the wrong type get 400 with a message naming each field", async () => {
  await using api = await startApi();
  const cases: [string, unknown, string][] = [
    ["/api/runs", { workflow: 42 }, "body.workflow"],
    ["/api/runs", { input: {} }, "body.workflow"],
    ["/api/runs", { workflow: "greet", id: "has space" }, "body.id"],
    ["/api/runs", { workflow: "greet", id: "x".repeat(201) }, "body.id"],
    ["/api/runs", { workflow: "greet", timeout: -5 }, "body.timeout"],
    ["/api/runs", [], "body"],
    ["/api/runs", "greet", "body"],
    ["/api/runs/x/signals", { payload: 1 }, "body.name"],
    ["/api/runs/x/signals", { name: "" }, "body.name"],
    ["/api/runs/x/signals", { name: "a\u0000b" }, "body.name"],
    ["/api/runs/x/fork", { fromStep: -1 }, "body.fromStep"],
    ["/api/runs/x/fork", { fromStep: 1.5 }, "body.fromStep"],
    ["/api/events", { name: 7 }, "body.name"],
  ];
  for (const [path, json, field] of cases) {
    const response = await api.call(path, { json });
    assert.equal(response.status, 400, `${path} ${JSON.stringify(json)}`);
    const error = await errorOf(response);
    assert.equal(error.code, "INVALID_REQUEST");
    assert.ok(error.message.startsWith(field), `${JSON.stringify(json)}: "${error.message}" names ${field}`);
  }
  const timeout = await api.call("/api/runs", { json: { workflow: "greet", input: { name: "a" }, timeout: "soon" } });
  assert.equal(timeout.status, 400);
  const timeoutError = await errorOf(timeout);
  assert.equal(timeoutError.code, "INVALID_REQUEST");
  assert.match(timeoutError.message, /^body\.timeout: expected a duration/);

  for (const query of [
    "status=done",
    "limit=0",
    "limit=1001",
    "limit=abc",
    "createdAfter=yesterday",
    "workflow=a%20b",
  ]) {
    const response = await api.call(`/api/runs?${query}`);
    assert.equal(response.status, 400, query);
    assert.match((await errorOf(response)).message, /^query\./, query);
  }
  const cursor = await api.call("/api/runs?cursor=garbage");
  assert.equal(cursor.status, 400);
  assert.equal((await errorOf(cursor)).code, "INVALID_CURSOR");
  assert.equal((await api.call(`/api/runs/${"x".repeat(201)}`)).status, 400);
  assert.deepEqual((await api.engine.listRuns()).runs, []);
});

test("a body over the limit gets 413 before anything is written", async () => {
  await using api = await startApi({ bodyLimit: 1000 });
  const big = { workflow: "greet", input: { name: "x".repeat(2000) }, id: "too-big" };
  const response = await api.call("/api/runs", { json: big });
  assert.equal(response.status, 413);
  assert.equal((await errorOf(response)).code, "BODY_TOO_LARGE");
  const declared = await api.call("/api/runs", {
    json: { workflow: "greet", input: { name: "x" } },
    headers: { "content-length": "5000" },
  });
  assert.equal(declared.status, 413);
  assert.deepEqual((await api.engine.listRuns()).runs, []);
  const small = await api.call("/api/runs", { json: { workflow: "greet", input: { name: "x" }, id: "small" } });
  assert.equal(small.status, 201);
});

test("unknown routes get 404; a method a route does not have 405 with Allow; unknown runs 404", async () => {
  await using api = await startApi();
  assert.equal((await api.call("/api/nothing")).status, 404);
  assert.equal((await api.call("/api/runs/x/nothing")).status, 404);
  const deleted = await api.call("/api/runs/x", { method: "DELETE" });
  assert.equal(deleted.status, 405);
  assert.equal(deleted.headers.get("allow"), "GET, HEAD");
  assert.deepEqual(await errorOf(deleted), {
    code: "METHOD_NOT_ALLOWED",
    message: "DELETE is not allowed on /api/runs/x (allowed: GET, HEAD)",
  });
  const listed = await api.call("/api/runs", { method: "PUT" });
  assert.equal(listed.headers.get("allow"), "GET, HEAD, POST");
  const health = await api.call("/api/health", { method: "POST", token: null });
  assert.equal(health.status, 405);
  assert.equal(health.headers.get("allow"), "GET, HEAD");
  const document = await api.call("/api/openapi.json", { method: "POST", token: null });
  assert.equal(document.status, 405);
  assert.equal((await api.call("/api/runs/x/cancel")).headers.get("allow"), "POST");
  assert.equal((await errorOf(await api.call("/api/runs/ghost/cancel", { json: {} }))).code, "RUN_NOT_FOUND");
  assert.equal((await api.call("/api/runs/ghost/resume", { json: {} })).status, 404);
  assert.equal((await api.call("/api/runs/ghost/fork", { json: { fromStep: 0 } })).status, 404);
});

test("__proto__ and constructor keys are kept as data and pollute nothing", async () => {
  await using api = await startApi();
  const body =
    '{"workflow":"greet","id":"proto-1","input":{"name":"p","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}},"__proto__":{"polluted":true}}';
  const response = await api.call("/api/runs", { body, headers: { "content-type": "application/json" } });
  assert.equal(response.status, 201);
  assert.equal(await api.engine.handle("proto-1").result(), "Hello, p");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((Object.prototype as unknown as Record<string, unknown>).polluted, undefined);
  const run = (await (await api.call("/api/runs/proto-1")).json()) as { input: Record<string, unknown> };
  assert.equal(Object.getPrototypeOf(run.input), Object.prototype);
  assert.ok(Object.hasOwn(run.input, "__proto__"), "the key is data of the input");
  const signal = await api.call("/api/runs/proto-1/signals", {
    body: '{"name":"approve","payload":{"__proto__":{"polluted":true}}}',
    headers: { "content-type": "application/json" },
  });
  assert.equal(signal.status, 409, "the run has finished");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
