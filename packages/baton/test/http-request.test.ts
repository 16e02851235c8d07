/**
 * The `http` node's outbound request and its SSRF guard. Real requests go
 * only to a server of this file on 127.0.0.1; every other address is
 * refused before any connection (each socket connection is recorded, and a
 * connection to an IP address that is not loopback fails the test).
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { after, before, mock, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { HttpError } from "../src/declarative/http-error.js";
import { sendHttpRequest } from "../src/declarative/http-request.js";
import type { HostLookup, HttpRequestOptions } from "../src/declarative/http-request-types.js";
import { FatalError, RetryableError } from "../src/errors.js";

/** Hosts of every socket connection made since the last `takeConnects()`. */
let connects: string[] = [];
const takeConnects = () => {
  const taken = connects;
  connects = [];
  return taken;
};

const realConnect = net.Socket.prototype.connect;
mock.method(net.Socket.prototype, "connect", function (this: net.Socket, ...args: unknown[]) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const host = String((first as { host?: unknown } | undefined)?.host ?? "");
  connects.push(host);
  if (net.isIP(host) !== 0 && host !== "127.0.0.1") throw new Error(`test guard: a connection to ${host}`);
  return Reflect.apply(realConnect, this, args);
});

/** Requests the server answered: method, URL, headers and body. */
const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let base = "";
let port = 0;

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => {
    body += chunk.toString("utf8");
  });
  req.on("end", () => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const param = (name: string) => url.searchParams.get(name) ?? "";
    const json = (status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(value));
    };
    switch (url.pathname) {
      case "/json":
        return json(200, { hello: "world" }, { "x-trace": "abc" });
      case "/echo":
        return json(200, { method: req.method, url: req.url, headers: req.headers, body });
      case "/status":
        res.writeHead(Number(param("code")), param("retry") ? { "retry-after": param("retry") } : {});
        return res.end(
          `status ${param("code")} body; authorization was ${req.headers.authorization ?? "none"}${"y".repeat(Number(param("pad")))}`,
        );
      case "/text":
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("plain text");
      case "/bad-json":
        res.writeHead(200, { "content-type": "application/json" });
        return res.end("{not json");
      case "/big":
        res.writeHead(200, param("chunked") ? {} : { "content-length": param("n") });
        if (param("chunked")) res.write("x".repeat(Number(param("n")) / 2));
        return res.end("x".repeat(param("chunked") ? Number(param("n")) / 2 : Number(param("n"))));
      case "/slow":
        return; // never answers
      case "/redirect":
        res.writeHead(Number(param("status") || 302), { location: param("to") });
        return res.end("moved");
      case "/loop":
        res.writeHead(302, { location: "/loop" });
        return res.end();
      default:
        res.writeHead(404);
        return res.end("no such path");
    }
  });
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  mock.restoreAll();
});

/** The allowlist that lets requests reach the test server. */
const local: HttpRequestOptions = { allowlist: { allowedHosts: ["127.0.0.1"] } };

/** A resolver answering `addresses` for every name, recording the names asked. */
function lookupTo(...addresses: string[]): HostLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup: HostLookup = async (host) => {
    calls.push(host);
    return addresses.map((address) => ({ address, family: net.isIP(address) === 6 ? 6 : 4 }));
  };
  return Object.assign(lookup, { calls });
}

/** What `promise` rejects with, and the `HttpError` cause of it. */
async function failure(promise: Promise<unknown>): Promise<{ error: Error; cause: HttpError }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    assert.ok(error.cause instanceof HttpError, `cause of ${error.message}`);
    return { error, cause: error.cause };
  }
  assert.fail("expected the request to fail");
}

test("a GET of JSON returns the status, lower-case headers and the parsed body", async () => {
  const res = await sendHttpRequest({ method: "get", url: `${base}/json` }, local);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { hello: "world" });
  assert.equal(res.headers["x-trace"], "abc");
  assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
  const text = await sendHttpRequest({ method: "GET", url: `${base}/text` }, local);
  assert.equal(text.body, "plain text");
  assert.deepEqual(takeConnects(), ["127.0.0.1", "127.0.0.1"]);
});

test("a HEAD request returns the headers and an empty body", async () => {
  const res = await sendHttpRequest({ method: "HEAD", url: `${base}/json` }, local);
  assert.deepEqual([res.status, res.headers["x-trace"], res.body], [200, "abc", null]);
});

test("query parameters and headers are sent; the Host header is the URL's", async () => {
  const res = await sendHttpRequest(
    { method: "GET", url: `${base}/echo?page=1`, query: { page: 2, q: "a b", on: true }, headers: { "X-Key": "k" } },
    local,
  );
  const echo = res.body as { url: string; headers: Record<string, string> };
  assert.equal(echo.url, "/echo?page=2&q=a+b&on=true");
  assert.equal(echo.headers["x-key"], "k");
  assert.equal(echo.headers.host, `127.0.0.1:${port}`);
  assert.equal(echo.headers["user-agent"], "baton");
});

test("a POST sends an object as JSON and a string as it is", async () => {
  const json = await sendHttpRequest({ method: "POST", url: `${base}/echo`, body: { x: [1, "é"] } }, local);
  const echo = json.body as { method: string; headers: Record<string, string>; body: string };
  assert.equal(echo.method, "POST");
  assert.equal(echo.headers["content-type"], "application/json");
  assert.equal(echo.body, '{"x":[1,"é"]}');
  const text = await sendHttpRequest(
    {
      method: "PUT",
      url: `${base}/echo`,
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
  const created = await sendHttpRequest({ method: "GET", url: `${base}/status?code=201`, expect: [201] }, local);
  assert.equal(created.status, 201);
  const { error, cause } = await failure(
    sendHttpRequest({ method: "GET", url: `${base}/status?code=200`, expect: [201, 202] }, local),
  );
  assert.ok(error instanceof FatalError);
  assert.equal(cause.code, "HTTP_UNEXPECTED_STATUS");
  assert.match(error.message, /answered 200 OK \(expected 201, 202\): status 200 body/);
});

test("a 404 is fatal; 408, 429 and 5xx are retryable, with Retry-After on 429 and 503", async () => {
  const notFound = await failure(sendHttpRequest({ method: "GET", url: `${base}/status?code=404` }, local));
  assert.ok(notFound.error instanceof FatalError);
  assert.equal(notFound.cause.status, 404);
  assert.match(notFound.cause.body ?? "", /^status 404 body/);
  assert.match(notFound.error.message, /^GET http:\/\/127\.0\.0\.1:\d+\/status\?code=404: answered 404 Not Found/);
  for (const code of [408, 429, 500, 502]) {
    const { error, cause } = await failure(
      sendHttpRequest({ method: "GET", url: `${base}/status?code=${code}` }, local),
    );
    assert.ok(error instanceof RetryableError, `${code}`);
    assert.equal(cause.status, code);
    assert.equal((error as RetryableError).retryAfter, undefined);
  }
  const long = await failure(sendHttpRequest({ method: "GET", url: `${base}/status?code=400&pad=5000` }, local));
  assert.equal(long.cause.body?.length, 500);
  assert.ok(long.error.message.endsWith(`${"y".repeat(100)}`));
  const busy = await failure(sendHttpRequest({ method: "GET", url: `${base}/status?code=503&retry=7` }, local));
  assert.ok(busy.error instanceof RetryableError);
  assert.equal(busy.error.retryAfter, 7000);
  const limited = await failure(sendHttpRequest({ method: "GET", url: `${base}/status?code=429&retry=2` }, local));
  assert.equal((limited.error as RetryableError).retryAfter, 2000);
});

test("a request with no answer within timeoutMs fails as retryable HTTP_TIMEOUT", async () => {
  const started = Date.now();
  const { error, cause } = await failure(
    sendHttpRequest({ method: "GET", url: `${base}/slow`, timeoutMs: 150 }, local),
  );
  assert.ok(error instanceof RetryableError);
  assert.equal(cause.code, "HTTP_TIMEOUT");
  assert.match(error.message, /no complete answer within 150ms/);
  assert.ok(Date.now() - started < 5000);
});

test("the caller's signal aborts the request with its own reason", async () => {
  const controller = new AbortController();
  const reason = new Error("step cancelled");
  const pending = sendHttpRequest({ method: "GET", url: `${base}/slow` }, { ...local, signal: controller.signal });
  await sleep(50);
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
});

test("a body over maxResponseBytes fails as fatal HTTP_RESPONSE_TOO_LARGE, with or without a length", async () => {
  for (const query of ["n=2000", "n=2000&chunked=1"]) {
    const { error, cause } = await failure(
      sendHttpRequest({ method: "GET", url: `${base}/big?${query}`, maxResponseBytes: 1000 }, local),
    );
    assert.ok(error instanceof FatalError, query);
    assert.equal(cause.code, "HTTP_RESPONSE_TOO_LARGE");
  }
  const exact = await sendHttpRequest({ method: "GET", url: `${base}/big?n=1000`, maxResponseBytes: 1000 }, local);
  assert.equal((exact.body as string).length, 1000);
});

test("a JSON content type with a body that is not JSON is fatal", async () => {
  const { error, cause } = await failure(sendHttpRequest({ method: "GET", url: `${base}/bad-json` }, local));
  assert.ok(error instanceof FatalError);
  assert.equal(cause.code, "HTTP_INVALID_RESPONSE");
});

test("redirects are followed: 303 turns a POST into a GET without body, 307 keeps both", async () => {
  const to = (path: string, status: number) => `${base}/redirect?status=${status}&to=${encodeURIComponent(path)}`;
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
  const same = await sendHttpRequest({ method: "GET", url: `${base}/redirect?to=/echo`, headers }, local);
  const sameHeaders = (same.body as { headers: Record<string, string> }).headers;
  assert.deepEqual([sameHeaders.authorization, sameHeaders.cookie], ["Bearer t", "c=1"]);
  const lookup = lookupTo("127.0.0.1");
  const elsewhere = `http://api.internal:${port}/echo`;
  const other = await sendHttpRequest(
    { method: "GET", url: `${base}/redirect?to=${encodeURIComponent(elsewhere)}`, headers },
    { allowlist: { allowedHosts: ["127.0.0.0/8"] }, lookup },
  );
  const otherHeaders = (other.body as { headers: Record<string, string> }).headers;
  assert.deepEqual(
    [otherHeaders.authorization, otherHeaders.cookie, otherHeaders["x-other"]],
    [undefined, undefined, "o"],
  );
  assert.equal(otherHeaders.host, `api.internal:${port}`);
  assert.deepEqual(lookup.calls, ["api.internal"]);
});

test("a redirect to a refused address is refused before any connection to it", async () => {
  takeConnects();
  const lookup = lookupTo("169.254.169.254");
  const metadata = encodeURIComponent("http://169.254.169.254/latest/meta-data/");
  const literal = await failure(
    sendHttpRequest({ method: "GET", url: `${base}/redirect?to=${metadata}` }, { ...local, lookup }),
  );
  assert.ok(literal.error instanceof FatalError);
  assert.equal(literal.cause.code, "HTTP_ADDRESS_REFUSED");
  assert.match(
    literal.error.message,
    /^GET http:\/\/169\.254\.169\.254\/latest\/meta-data\/: request to "169\.254\.169\.254" refused/,
  );
  assert.deepEqual(lookup.calls, []);
  assert.deepEqual(takeConnects(), ["127.0.0.1"], "only the first hop connected");

  const named = await failure(
    sendHttpRequest(
      { method: "GET", url: `${base}/redirect?status=307&to=${encodeURIComponent("http://metadata.internal/x")}` },
      { ...local, lookup },
    ),
  );
  assert.equal(named.cause.code, "HTTP_ADDRESS_REFUSED");
  assert.match(
    named.error.message,
    /request to "metadata\.internal" refused: it resolves to 169\.254\.169\.254, a cloud metadata address; allow it with `http\.allowedHosts`/,
  );
  assert.deepEqual(lookup.calls, ["metadata.internal"]);
  assert.deepEqual(takeConnects(), ["127.0.0.1"]);
});

test("a redirect loop stops after 5 redirects with HTTP_TOO_MANY_REDIRECTS", async () => {
  const before = seen.length;
  const { error, cause } = await failure(sendHttpRequest({ method: "GET", url: `${base}/loop` }, local));
  assert.ok(error instanceof FatalError);
  assert.equal(cause.code, "HTTP_TOO_MANY_REDIRECTS");
  assert.equal(seen.length - before, 6, "the first request and 5 redirects");
});

test("with followRedirects false the redirect is the answer", async () => {
  const res = await sendHttpRequest(
    { method: "GET", url: `${base}/redirect?to=/json`, followRedirects: false, expect: [302] },
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

test("without an allowlist, loopback, private, link-local and odd forms of them are refused without a connection", async () => {
  takeConnects();
  const lookup = lookupTo("127.0.0.1");
  const urls = [
    [`http://127.0.0.1:${port}/json`, "a loopback address"],
    ["http://10.0.0.1/", "a private address"],
    ["http://172.16.0.1/", "a private address"],
    ["http://192.168.1.1/", "a private address"],
    ["http://169.254.169.254/latest/meta-data/", "a cloud metadata address"],
    ["http://[::1]/", "a loopback address"],
    ["http://[fe80::1]/", "a link-local address"],
    ["http://[fd00:ec2::254]/", "a cloud metadata address"],
    ["http://[::ffff:10.0.0.1]/", "a private address (IPv4-mapped form of 10.0.0.1)"],
    ["http://[64:ff9b::a9fe:a9fe]/", "a cloud metadata address (NAT64 form of 169.254.169.254)"],
    ["http://2130706433/", "a loopback address"],
    ["http://0x7f.1/", "a loopback address"],
    ["http://0/", "an unspecified address"],
    ["https://100.100.100.200/", "a cloud metadata address"],
  ];
  for (const [url, kind] of urls as [string, string][]) {
    const { error, cause } = await failure(sendHttpRequest({ method: "GET", url }, { lookup }));
    assert.ok(error instanceof FatalError, url);
    assert.equal(cause.code, "HTTP_ADDRESS_REFUSED", url);
    assert.ok(error.message.includes(`: it is ${kind}; allow it with`), `${url}: ${error.message}`);
  }
  assert.deepEqual(lookup.calls, [], "IP addresses in the URL are not resolved");
  assert.deepEqual(takeConnects(), []);
});

test("a host name is refused when any address it resolves to is refused, without a connection", async () => {
  takeConnects();
  const privateOnly = await failure(
    sendHttpRequest({ method: "GET", url: "https://internal.example.com/a" }, { lookup: lookupTo("10.1.2.3") }),
  );
  assert.equal(privateOnly.cause.code, "HTTP_ADDRESS_REFUSED");
  assert.match(
    privateOnly.error.message,
    /^GET https:\/\/internal\.example\.com\/a: request to "internal\.example\.com" refused: it resolves to 10\.1\.2\.3, a private address/,
  );
  const mixed = await failure(
    sendHttpRequest(
      { method: "GET", url: "http://mixed.example.com/" },
      { lookup: lookupTo("8.8.8.8", "192.168.0.7") },
    ),
  );
  assert.equal(mixed.cause.code, "HTTP_ADDRESS_REFUSED");
  assert.match(mixed.error.message, /resolves to 192\.168\.0\.7, a private address/);
  const nothing = await failure(
    sendHttpRequest({ method: "GET", url: "http://none.example.com/" }, { lookup: lookupTo() }),
  );
  assert.ok(nothing.error instanceof RetryableError);
  assert.equal(nothing.cause.code, "HTTP_DNS_FAILED");
  assert.deepEqual(takeConnects(), []);
});

test("the allowlist lets a host through by name, wildcard or CIDR range, and nothing else", async () => {
  const url = `http://api.internal:${port}/json`;
  for (const allowedHosts of [["API.internal"], ["*.internal"], ["127.0.0.0/8"], ["10.0.0.0/8", "127.0.0.1"]]) {
    const res = await sendHttpRequest(
      { method: "GET", url },
      { allowlist: { allowedHosts }, lookup: lookupTo("127.0.0.1") },
    );
    assert.deepEqual(res.body, { hello: "world" }, allowedHosts.join());
  }
  takeConnects();
  for (const allowedHosts of [["other.internal"], ["*.api.internal"], ["10.0.0.0/8"], ["127.0.0.2"]]) {
    const { cause } = await failure(
      sendHttpRequest({ method: "GET", url }, { allowlist: { allowedHosts }, lookup: lookupTo("127.0.0.1") }),
    );
    assert.equal(cause.code, "HTTP_ADDRESS_REFUSED", allowedHosts.join());
  }
  const bad = await failure(
    sendHttpRequest(
      { method: "GET", url },
      { allowlist: { allowedHosts: ["10.0.0.0/33"] }, lookup: lookupTo("127.0.0.1") },
    ),
  );
  assert.ok(bad.error instanceof FatalError);
  assert.equal(bad.cause.code, "INVALID_OPTIONS");
  assert.deepEqual(takeConnects(), []);
});

test("only http: and https: URLs without credentials are requested", async () => {
  takeConnects();
  for (const url of ["ftp://example.com/x", "file:///etc/passwd", "gopher://127.0.0.1/", "not a url", "/relative"]) {
    const { error, cause } = await failure(sendHttpRequest({ method: "GET", url }, local));
    assert.ok(error instanceof FatalError, url);
    assert.equal(cause.code, "HTTP_INVALID_URL", url);
  }
  const credentials = await failure(
    sendHttpRequest({ method: "GET", url: `http://user:pw@127.0.0.1:${port}/json` }, local),
  );
  assert.equal(credentials.cause.code, "HTTP_INVALID_URL");
  assert.ok(!credentials.error.message.includes("pw"), credentials.error.message);
  const method = await failure(sendHttpRequest({ method: "TRACE", url: `${base}/json` }, local));
  assert.equal(method.cause.code, "HTTP_INVALID_REQUEST");
  assert.deepEqual(takeConnects(), []);
});

test("secrets in the URL, a header or the answer never appear in an error message", async () => {
  const secret = "s3cr3t key/+&";
  const options = { ...local, secrets: [secret, ""] };
  const inQuery = await failure(
    sendHttpRequest({ method: "GET", url: "http://10.0.0.1/x", query: { api_key: secret, page: 1 } }, options),
  );
  assert.match(
    inQuery.error.message,
    /^GET http:\/\/10\.0\.0\.1\/x\?api_key=\*\*\*&page=1: request to "10\.0\.0\.1" refused/,
  );
  const inPath = await failure(
    sendHttpRequest({ method: "GET", url: `http://10.0.0.1/keys/${encodeURIComponent(secret)}` }, options),
  );
  assert.match(inPath.error.message, /^GET http:\/\/10\.0\.0\.1\/keys\/\*\*\*: /);
  const echoed = await failure(
    sendHttpRequest(
      {
        method: "GET",
        url: `${base}/status?code=401&k=${encodeURIComponent(secret)}`,
        headers: { authorization: secret },
      },
      options,
    ),
  );
  assert.match(
    echoed.error.message,
    /answered 401 Unauthorized \(expected 2xx\): status 401 body; authorization was \*\*\*/,
  );
  assert.equal(echoed.cause.body, "status 401 body; authorization was ***");
  for (const { error, cause } of [inQuery, inPath, echoed]) {
    for (const text of [error.message, cause.message]) {
      assert.ok(!text.includes("s3cr3t") && !text.includes(encodeURIComponent(secret)), text);
    }
  }
});
