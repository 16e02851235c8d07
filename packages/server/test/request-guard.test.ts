import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { test } from "node:test";
import { startEngine, statusOf } from "../../baton/test/helpers.js";
import { createApp, isLoopbackName, startServer } from "../src/index.js";
import { apiWorkflows, operatorToken, startApi } from "./api-helpers.js";

type ErrorBody = { error: { code: string; message: string } };
const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;

/** A waiting run `a-1` of the approval workflow, on an API without tokens. */
async function startWaitingRun() {
  const api = await startApi({ tokens: false });
  await api.engine.startRun("approval", { item: "desk" }, { id: "a-1" });
  await statusOf(api.engine, "a-1", "waiting");
  return api;
}

test("a state-changing request needs Content-Type: application/json, even without a body", async () => {
  await using api = await startWaitingRun();
  const types: Record<string, string>[] = [
    {},
    { "content-type": "text/plain" },
    { "content-type": "application/x-www-form-urlencoded" },
  ];
  for (const headers of types) {
    for (const path of ["/api/runs/a-1/cancel", "/api/runs/a-1/resume"]) {
      const response = await api.call(path, { method: "POST", headers });
      assert.equal(response.status, 415, `${path} ${JSON.stringify(headers)}`);
      const error = await errorOf(response);
      assert.equal(error.code, "UNSUPPORTED_MEDIA_TYPE");
      assert.match(
        error.message,
        /^POST \/api\/runs\/a-1\/(cancel|resume) must be sent with Content-Type: application\/json/,
      );
      assert.match(error.message, new RegExp(`not "${headers["content-type"] ?? "none"}"`));
    }
  }
  // A method the path does not have is answered 405 before the guard: it changes nothing.
  const deleted = await api.call("/api/runs/a-1", { method: "DELETE" });
  assert.equal(deleted.status, 405);
  assert.equal((await api.call("/%61pi/runs/a-1/cancel", { method: "POST" })).status, 415, "on any path");
  const run = await api.engine.getRun("a-1");
  assert.equal(run.status, "waiting");
  assert.equal(run.cancelRequested, false);

  const typed = await api.call("/api/runs/a-1/cancel", {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8" },
  });
  assert.equal(typed.status, 202, "no body, but the JSON content type");
  await statusOf(api.engine, "a-1", "cancelled");
});

test("Sec-Fetch-Site: same-origin and none pass; same-site and cross-site are refused with 403", async () => {
  await using api = await startWaitingRun();
  for (const site of ["cross-site", "same-site", "something-else"]) {
    const response = await api.call("/api/runs/a-1/cancel", { json: {}, headers: { "sec-fetch-site": site } });
    assert.equal(response.status, 403, site);
    const error = await errorOf(response);
    assert.equal(error.code, "CROSS_SITE_REQUEST");
    assert.match(error.message, new RegExp(`^refused POST /api/runs/a-1/cancel: .*Sec-Fetch-Site: "${site}"`));
  }
  const signal = await api.call("/api/runs/a-1/signals", {
    json: { name: "approve", payload: true },
    headers: { "sec-fetch-site": "cross-site" },
  });
  assert.equal(signal.status, 403);
  const started = await api.call("/api/runs", {
    json: { workflow: "greet", input: { name: "x" }, id: "g-1" },
    headers: { "sec-fetch-site": "same-site" },
  });
  assert.equal(started.status, 403);
  assert.equal((await api.engine.getRun("a-1")).status, "waiting");
  assert.deepEqual(
    (await api.engine.listRuns()).runs.map((run) => run.id),
    ["a-1"],
  );

  const typed = await api.call("/api/runs", {
    json: { workflow: "greet", input: { name: "x" }, id: "g-2" },
    headers: { "sec-fetch-site": "none" },
  });
  assert.equal(typed.status, 201, "typed in the address bar or sent by a tool");
  const own = await api.call("/api/runs/a-1/cancel", { json: {}, headers: { "sec-fetch-site": "same-origin" } });
  assert.equal(own.status, 202);
});

test("Origin, when sent, must be the server's own: its host equal to Host", async () => {
  await using api = await startWaitingRun();
  for (const origin of ["http://localhost:5173", "http://127.0.0.1:7701", "https://evil.example", "null", "garbage"]) {
    const response = await api.call("/api/runs/a-1/cancel", {
      json: {},
      headers: { host: "127.0.0.1:7700", origin },
    });
    assert.equal(response.status, 403, origin);
    const error = await errorOf(response);
    assert.equal(error.code, "CROSS_SITE_REQUEST");
    assert.ok(error.message.includes(`origin ${JSON.stringify(origin)}`), error.message);
    assert.ok(error.message.includes('"127.0.0.1:7700"'), error.message);
  }
  assert.equal((await api.engine.getRun("a-1")).cancelRequested, false);
  const own = await api.call("/api/runs/a-1/cancel", {
    json: {},
    headers: { host: "127.0.0.1:7700", origin: "http://127.0.0.1:7700" },
  });
  assert.equal(own.status, 202);
});

test("reads pass whatever their Sec-Fetch-Site and Origin; health answers any Host", async () => {
  await using api = await startWaitingRun();
  const crossSite = { "sec-fetch-site": "cross-site", origin: "http://localhost:9999" };
  assert.equal((await api.call("/api/runs", { headers: crossSite })).status, 200);
  assert.equal((await api.call("/api/runs/a-1", { headers: crossSite })).status, 200);
  assert.equal((await api.call("/api/health")).status, 200);
  for (const path of ["/api/health", "/api/ready"]) {
    const response = await api.call(path, { headers: { host: "10.1.2.3:7700", ...crossSite } });
    assert.equal(response.status, 200, `${path}: probes send an address as Host`);
  }
  const preflight = await api.call("/api/runs/a-1/cancel", { method: "OPTIONS", headers: crossSite });
  assert.equal(preflight.headers.get("access-control-allow-origin"), null, "no CORS grant");
});

test("by default only loopback names and addresses are answered, on every path", async () => {
  await using api = await startWaitingRun();
  for (const host of [
    "localhost",
    "localhost:7700",
    "LOCALHOST.:7700",
    "dashboard.localhost:7700",
    "127.0.0.1:7700",
    "127.1.2.3",
    "[::1]:7700",
  ]) {
    assert.equal((await api.call("/api/runs", { headers: { host } })).status, 200, host);
  }
  for (const host of [
    "rebind.test:7700",
    "evil.example",
    "10.0.0.5:7700",
    "localhost.evil.example",
    "[fd00::1]:7700",
  ]) {
    for (const path of ["/api/runs", "/api/runs/a-1", "/api/openapi.json", "/"]) {
      const response = await api.call(path, { headers: { host } });
      assert.equal(response.status, 403, `${host} ${path}`);
      const error = await errorOf(response);
      assert.equal(error.code, "HOST_NOT_ALLOWED");
      assert.ok(error.message.includes(`host ${JSON.stringify(host)}`), error.message);
      assert.match(error.message, /--allowed-host /);
    }
    const cancel = await api.call("/api/runs/a-1/cancel", { json: {}, headers: { host, origin: `http://${host}` } });
    assert.equal(cancel.status, 403);
    assert.equal((await errorOf(cancel)).code, "HOST_NOT_ALLOWED");
  }
  assert.equal((await api.engine.getRun("a-1")).cancelRequested, false);
  assert.ok(isLoopbackName("app.localhost") && isLoopbackName("[::1]") && !isLoopbackName("localhost.example"));
});

test("allowedHosts adds names (.domain for the domain and its subdomains); 'all' checks no Host", async () => {
  await using engine = await startEngine(apiWorkflows(), { start: false });
  const app = createApp({ engine, allowedHosts: ["baton.example.com", ".internal", "10.0.0.5", "[fd00::1]"] });
  const status = async (host: string) => (await app.request("/api/runs", { headers: { host } })).status;
  for (const host of [
    "baton.example.com",
    "Baton.Example.com:443",
    "internal",
    "a.b.internal:7700",
    "10.0.0.5:7700",
    "[fd00::1]:7700",
    "localhost:7700",
  ]) {
    assert.equal(await status(host), 200, host);
  }
  for (const host of ["example.com", "evil-baton.example.com", "xinternal", "10.0.0.6"]) {
    assert.equal(await status(host), 403, host);
  }
  const open = createApp({ engine, allowedHosts: "all" });
  assert.equal((await open.request("/api/runs", { headers: { host: "anything.example" } })).status, 200);

  for (const entry of ["http://baton.example.com", "baton.example.com:443", "", "a b", "*", "fd00::1"]) {
    assert.throws(
      () => createApp({ engine, allowedHosts: [entry] }),
      (error: Error & { code?: string }) =>
        error.code === "INVALID_ALLOWED_HOST" && error.message.includes(JSON.stringify(entry)),
      entry,
    );
  }
});

/** GET `path` from a server on loopback, with `host` as the Host header; the answer's status. */
function statusWithHost(url: string, path: string, host: string): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port, path, headers: { host, authorization: `Bearer ${operatorToken}` } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on("error", reject);
    request.end();
  });
}

test("startServer checks Host on loopback; beyond loopback only when given allowedHosts", async () => {
  await using engine = await startEngine(apiWorkflows(), { start: false });
  const tokens = [{ token: operatorToken, role: "operator" as const }];
  {
    await using local = await startServer({ engine, port: 0 });
    assert.equal(await statusWithHost(local.url, "/api/runs", "rebind.test"), 403);
    assert.equal(await statusWithHost(local.url, "/api/runs", "localhost"), 200);
  }
  {
    await using local = await startServer({ engine, port: 0, allowedHosts: ["rebind.test"] });
    assert.equal(await statusWithHost(local.url, "/api/runs", "rebind.test"), 200);
  }
  {
    await using wide = await startServer({ engine, host: "0.0.0.0", port: 0, tokens });
    assert.equal(await statusWithHost(wide.url, "/api/runs", "baton.example.com"), 200);
  }
  {
    await using wide = await startServer({
      engine,
      host: "0.0.0.0",
      port: 0,
      tokens,
      allowedHosts: ["baton.example.com"],
    });
    assert.equal(await statusWithHost(wide.url, "/api/runs", "baton.example.com"), 200);
    assert.equal(await statusWithHost(wide.url, "/api/runs", "other.example.com"), 403);
    assert.equal(await statusWithHost(wide.url, "/api/runs", "127.0.0.1"), 200);
    assert.equal(await statusWithHost(wide.url, "/api/health", "10.0.0.9"), 200);
  }
});
