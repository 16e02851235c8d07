import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { startEngine, tempDir } from "../../baton/test/helpers.js";
import { createApp } from "../src/index.js";
import { apiWorkflows } from "./api-helpers.js";

test("the dashboard's files are served at / with a Content-Security-Policy; other paths get its index.html", async () => {
  const dir = tempDir();
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), '<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>');
  writeFileSync(join(dir, "assets", "app-1a2b.js"), "console.log(1)");
  await using engine = await startEngine(apiWorkflows(), { start: false });
  const app = createApp({ engine, dashboard: dir });

  const index = await app.request("/");
  assert.equal(index.status, 200);
  assert.match(index.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await index.text(), /app-1a2b\.js/);
  const csp = index.headers.get("content-security-policy") ?? "";
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);

  const script = await app.request("/assets/app-1a2b.js");
  assert.equal(script.status, 200);
  assert.match(script.headers.get("content-type") ?? "", /^text\/javascript/);
  assert.match(script.headers.get("cache-control") ?? "", /immutable/);

  for (const path of ["/runs/order-1", "/workflows", "/..%2F..%2Fetc%2Fpasswd", "/%2e%2e/package.json"]) {
    const page = await app.request(path);
    assert.equal(page.status, 200, path);
    assert.match(await page.text(), /^<!doctype html>/, path);
  }
  assert.equal((await app.request("/assets/missing.js")).status, 404);
  const api = await app.request("/api/nothing");
  assert.equal(api.status, 404);
  assert.equal(((await api.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
  assert.equal((await app.request("/api/runs")).status, 200, "the API still answers");
});

test("a dashboard folder without index.html is refused when the app is built", async () => {
  await using engine = await startEngine(apiWorkflows(), { start: false });
  assert.throws(() => createApp({ engine, dashboard: tempDir() }), /has no index\.html/);
});
