/**
 * The \`http\` node's outbound request: statuses, bodies, timeouts,
 * redirects, against a server of the fixture on 127.0.0.1 (no other address
 * is ever connected to; see http-test-server.ts).
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sendHttpRequest } from "../src/declarative/http-request.js";
import { FatalError, RetryableError } from "../src/errors.js";
import { failure, local, lookupTo, useHttpTestServer } from "./http-test-server.js";

const server = useHttpTestServer();

test("a GET of JSON returns the status, lower-case headers and the parsed body", async () => {
  const res = await sendHttpRequest({ method: "get", url: `${server.base}/json` }, local);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { hello: "world" });
  assert.equal(res.headers["x-trace"], "abc");
  assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
  const text = await sendHttpRequest({ method: "GET", url: `${server.base}/text` }, local);
  assert.equal(text.body, "plain text");
  assert.deepEqual(server.takeConnects(), ["127.0.0.1", "127.0.0.1"]);
});

test("a HEAD request returns the headers and an empty body", async () => {
  const res = await sendHttpRequest({ method: "HEAD", url: `${server.base}/json` }, local);
  assert.deepEqual([res.status, res.headers["x-trace"], res.body], [200, "abc", null]);
});

test("query parameters and headers are sent; the Host header is the URL's", async () => {
  const res = await sendHttpRequest(
    {
      method: "GET",
      url: `${server.base}/echo?page=1`,
      query: { page: 2, q: "a b", on: true },
      headers: { "X-Key": "k" },
    },
    local,
  );
  const echo = res.body as { url: string; headers: Record<string, string> };
  assert.equal(echo.url, "/echo?page=2&q=a+b&on=true");
  assert.equal(echo.headers["x-key"], "k");
  assert.equal(echo.headers.host, `127.0.0.1:${server.port}`);
  assert.equal(echo.headers["user-agent"], "baton");
});

test("a POST sends an object as JSON and a string as it is", async () => {
  const json = await sendHttpRequest({ method: "POST", url: `${server.base}/echo`, body: { x: [1, "é"] } }, local);
  const echo = json.body as { method: string; headers: Record<string, string>; body: string };
  assert.equal(echo.method, "POST");
  assert.equal(echo.headers["content-type"], "application/json");
  assert.equal(echo.body, '{"x":[1,"é"]}');
  const text = await sendHttpRequest(
    {
      method: "PUT",
      url: `${server.base}/echo`,
      body: "a=1",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    },
    local,
  );
  const echoed = text.body as { method: string; headers: Record<string, string>; body: string };
  assert.equal(echoed.method, "PUT");
  assert.equal(echoed.headers["content-type"], "application/x-www-form-urlencoded");
  assert.equal(echoed.body, "a=1");
});

test("expect lists the statuses accepted; any other fails with the status and the start of the body", async () => {
  const created = await sendHttpRequest({ method: "GET", url: `${server.base}/status?code=201`, expect: [201] }, local);
  assert.equal(created.status, 201);
  const { error, cause } = await failure(
    sendHttpRequest({ method: "GET", url: `${server.base}/status?code=200`, expect: [201, 202] }, local),
  );
  assert.ok(error instanceof FatalError);
  assert.equal(cause.code, "HTTP_UNEXPECTED_STATUS");
  assert.match(error.message, /answered 200 OK \(expected 201, 202\): status 200 body/);
});

test("a 404 is fatal; 408, 429 and 5xx are retryable, with Retry-After on 429 and 503", async () => {
  const notFound = await failure(sendHttpRequest({ method: "GET", url: `${server.base}/status?code=404` }, local));
  assert.ok(notFound.error instanceof FatalError);
  assert.equal(notFound.cause.status, 404);
  assert.match(notFound.cause.body ?? "", /^status 404 body/);
  assert.match(notFound.error.message, /^GET http:\/\/127\.0\.0\.1:\d+\/status\?code=404: answered 404 Not Found/);
  for (const code of [408, 429, 500, 502]) {
    const { error, cause } = await failure(
      sendHttpRequest({ method: "GET", url: `${server.base}/status?code=${code}` }, local),
    );
    assert.ok(error instanceof RetryableError, `${code}`);
    assert.equal(cause.status, code);
    assert.equal((error as RetryableError).retryAfter, undefined);
  }
  const long = await failure(sendHttpRequest({ method: "GET", url: `${server.base}/status?code=400&pad=5000` }, local));
  assert.equal(long.cause.body?.length, 500);
  assert.ok(long.error.message.endsWith(`${"y".repeat(100)}`));
  const busy = await failure(sendHttpRequest({ method: "GET", url: `${server.base}/status?code=503&retry=7` }, local));
  assert.ok(busy.error instanceof RetryableError);
  assert.equal(busy.error.retryAfter, 7000);
  const limited = await failure(
    sendHttpRequest({ method: "GET", url: `${server.base}/status?code=429&retry=2` }, local),
  );
  assert.equal((limited.error as RetryableError).retryAfter, 2000);
});

test("a request with no answer within timeoutMs fails as retryable HTTP_TIMEOUT", async () => {
  const started = Date.now();
  const { error, cause } = await failure(
    sendHttpRequest({ method: "GET", url: `${server.base}/slow`, timeoutMs: 150 }, local),
  );
  assert.ok(error instanceof RetryableError);
  assert.equal(cause.code, "HTTP_TIMEOUT");
  assert.match(error.message, /no complete answer within 150ms/);
  assert.ok(Date.now() - started < 5000);
});

test("the caller's signal aborts the request with its own reason", async () => {
  const controller = new AbortController();
  const reason = new Error("step cancelled");
  const pending = sendHttpRequest(
    { method: "GET", url: `${server.base}/slow` },
    { ...local, signal: controller.signal },
  );
  await sleep(50);
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
});

test("a body over maxResponseBytes fails as fatal HTTP_RESPONSE_TOO_LARGE, with or without a length", async () => {
  for (const query of ["n=2000", "n=2000&chunked=1"]) {
    const { error, cause } = await failure(
      sendHttpRequest({ method: "GET", url: `${server.base}/big?${query}`, maxResponseBytes: 1000 }, local),
    );
    assert.ok(error instanceof FatalError, query);
    assert.equal(cause.code, "HTTP_RESPONSE_TOO_LARGE");
  }
  const exact = await sendHttpRequest(
    { method: "GET", url: `${server.base}/big?n=1000`, maxResponseBytes: 1000 },
    local,
  );
  assert.equal((exact.body as string).length, 1000);
});

test("a JSON content type with a body that is not JSON is fatal", async () => {
  const { error, cause } = await failure(sendHttpRequest({ method: "GET", url: `${server.base}/bad-json` }, local));
  assert.ok(error instanceof FatalError);
  assert.equal(cause.code, "HTTP_INVALID_RESPONSE");
});

test("redirects are followed: 303 turns a POST into a GET without body, 307 keeps both", async () => {
  const to = (path: string, status: number) =>
    `${server.base}/redirect?status=${status}&to=${encodeURIComponent(path)}`;
  const res = await sendHttpRequest({ method: "GET", url: to("/json", 302) }, local);
  assert.deepEqual(res.body, { hello: "world" });
  const seeOther = await sendHttpRequest({ method: "POST", url: to("/echo", 303), body: { a: 1 } }, local);
  const other = seeOther.body as { method: string; body: string; headers: Record<string, string> };
  assert.deepEqual([other.method, other.body, other.headers["content-type"]], ["GET", "", undefined]);
  const temporary = await sendHttpRequest({ method: "POST", url: to("/echo", 307), body: { a: 1 } }, local);
  const kept = temporary.body as { method: string; body: string };
  assert.deepEqual([kept.method, kept.body], ["POST", '{"a":1}']);
  const moved = await sendHttpRequest({ method: "POST", url: to("/echo", 301), body: "x" }, local);
  assert.equal((moved.body as { method: string }).method, "GET");
});

test("Authorization and Cookie are kept on the same origin and dropped when a redirect leaves it", async () => {
  const headers = { authorization: "Bearer t", cookie: "c=1", "x-other": "o" };
  const same = await sendHttpRequest({ method: "GET", url: `${server.base}/redirect?to=/echo`, headers }, local);
  const sameHeaders = (same.body as { headers: Record<string, string> }).headers;
  assert.deepEqual([sameHeaders.authorization, sameHeaders.cookie], ["Bearer t", "c=1"]);
  const lookup = lookupTo("127.0.0.1");
  const elsewhere = `http://api.internal:${server.port}/echo`;
  const other = await sendHttpRequest(
    { method: "GET", url: `${server.base}/redirect?to=${encodeURIComponent(elsewhere)}`, headers },
    { allowlist: { allowedHosts: ["127.0.0.0/8"] }, lookup },
  );
  const otherHeaders = (other.body as { headers: Record<string, string> }).headers;
  assert.deepEqual(
    [otherHeaders.authorization, otherHeaders.cookie, otherHeaders["x-other"]],
    [undefined, undefined, "o"],
  );
  assert.equal(otherHeaders.host, `api.internal:${server.port}`);
  assert.deepEqual(lookup.calls, ["api.internal"]);
});

test("a redirect to a refused address is refused before any connection to it", async () => {
  server.takeConnects();
  const lookup = lookupTo("169.254.169.254");
  const metadata = encodeURIComponent("http://169.254.169.254/latest/meta-data/");
  const literal = await failure(
    sendHttpRequest({ method: "GET", url: `${server.base}/redirect?to=${metadata}` }, { ...local, lookup }),
  );
  assert.ok(literal.error instanceof FatalError);
  assert.equal(literal.cause.code, "HTTP_ADDRESS_REFUSED");
  assert.match(
    literal.error.message,
    /^GET http:\/\/169\.254\.169\.254\/latest\/meta-data\/: request to "169\.254\.169\.254" refused/,
  );
  assert.deepEqual(lookup.calls, []);
  assert.deepEqual(server.takeConnects(), ["127.0.0.1"], "only the first hop connected");

  const named = await failure(
    sendHttpRequest(
      {
        method: "GET",
        url: `${server.base}/redirect?status=307&to=${encodeURIComponent("http://metadata.internal/x")}`,
      },
      { ...local, lookup },
    ),
  );
  assert.equal(named.cause.code, "HTTP_ADDRESS_REFUSED");
  assert.match(
    named.error.message,
    /request to "metadata\.internal" refused: it resolves to 169\.254\.169\.254, a cloud metadata address; allow it with `http\.allowedHosts`/,
  );
  assert.deepEqual(lookup.calls, ["metadata.internal"]);
  assert.deepEqual(server.takeConnects(), ["127.0.0.1"]);
});

test("a redirect loop stops after 5 redirects with HTTP_TOO_MANY_REDIRECTS", async () => {
  const before = server.seen.length;
  const { error, cause } = await failure(sendHttpRequest({ method: "GET", url: `${server.base}/loop` }, local));
  assert.ok(error instanceof FatalError);
  assert.equal(cause.code, "HTTP_TOO_MANY_REDIRECTS");
  assert.equal(server.seen.length - before, 6, "the first request and 5 redirects");
});

test("with followRedirects false the redirect is the answer", async () => {
  const res = await sendHttpRequest(
    { method: "GET", url: `${server.base}/redirect?to=/json`, followRedirects: false, expect: [302] },
    local,
  );
  assert.deepEqual([res.status, res.headers.location, res.body], [302, "/json", "moved"]);
});

test("a refused connection is a retryable network error", async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const { error, cause } = await failure(
    sendHttpRequest({ method: "GET", url: `http://127.0.0.1:${closedPort}/` }, local),
  );
  assert.ok(error instanceof RetryableError);
  assert.equal(cause.code, "HTTP_NETWORK_ERROR");
  assert.match(error.message, /ECONNREFUSED/);
});
