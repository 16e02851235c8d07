/**
 * The \`http\` node's SSRF guard: loopback, private, link-local and metadata
 * addresses (as IP literals, odd forms, or behind a stubbed DNS answer) are
 * refused before any connection, unless the allowlist lets them through;
 * only http: and https: URLs without credentials; secrets never in an error.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sendHttpRequest } from "../src/declarative/http-request.js";
import { FatalError, RetryableError } from "../src/errors.js";
import { failure, local, lookupTo, useHttpTestServer } from "./http-test-server.js";

const server = useHttpTestServer();

test("without an allowlist, loopback, private, link-local and odd forms of them are refused without a connection", async () => {
  server.takeConnects();
  const lookup = lookupTo("127.0.0.1");
  const urls = [
    [`http://127.0.0.1:${server.port}/json`, "a loopback address"],
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
  assert.deepEqual(server.takeConnects(), []);
});

test("a host name is refused when any address it resolves to is refused, without a connection", async () => {
  server.takeConnects();
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
  assert.deepEqual(server.takeConnects(), []);
});

test("the allowlist lets a host through by name, wildcard or CIDR range, and nothing else", async () => {
  const url = `http://api.internal:${server.port}/json`;
  for (const allowedHosts of [["API.internal"], ["*.internal"], ["127.0.0.0/8"], ["10.0.0.0/8", "127.0.0.1"]]) {
    const res = await sendHttpRequest(
      { method: "GET", url },
      { allowlist: { allowedHosts }, lookup: lookupTo("127.0.0.1") },
    );
    assert.deepEqual(res.body, { hello: "world" }, allowedHosts.join());
  }
  server.takeConnects();
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
  assert.deepEqual(server.takeConnects(), []);
});

test("only http: and https: URLs without credentials are requested", async () => {
  server.takeConnects();
  for (const url of ["ftp://example.com/x", "file:///etc/passwd", "gopher://127.0.0.1/", "not a url", "/relative"]) {
    const { error, cause } = await failure(sendHttpRequest({ method: "GET", url }, local));
    assert.ok(error instanceof FatalError, url);
    assert.equal(cause.code, "HTTP_INVALID_URL", url);
  }
  const credentials = await failure(
    sendHttpRequest({ method: "GET", url: `http://user:pw@127.0.0.1:${server.port}/json` }, local),
  );
  assert.equal(credentials.cause.code, "HTTP_INVALID_URL");
  assert.ok(!credentials.error.message.includes("pw"), credentials.error.message);
  const method = await failure(sendHttpRequest({ method: "TRACE", url: `${server.base}/json` }, local));
  assert.equal(method.cause.code, "HTTP_INVALID_REQUEST");
  assert.deepEqual(server.takeConnects(), []);
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
        url: `${server.base}/status?code=401&k=${encodeURIComponent(secret)}`,
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
