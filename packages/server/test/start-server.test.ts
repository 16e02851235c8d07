import assert from "node:assert/strict";
import { connect } from "node:net";
import { test } from "node:test";
import { startEngine } from "../../baton/test/helpers.js";
import { isLoopback, startServer } from "../src/index.js";
import { apiWorkflows, operatorToken } from "./api-helpers.js";

test("refuses to listen beyond loopback without a token", async () => {
  await using engine = await startEngine(apiWorkflows(), { start: false });
  for (const host of ["0.0.0.0", "::", "192.168.1.10"]) {
    await assert.rejects(startServer({ engine, host, port: 0 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, "INSECURE_LISTEN");
      assert.match(error.message, new RegExp(`"${host.replace(/\./g, "\\.")}"`));
      return true;
    });
  }
  await using open = await startServer({
    engine,
    host: "0.0.0.0",
    port: 0,
    tokens: [{ token: operatorToken, role: "operator" }],
  });
  assert.match(open.url, /^http:\/\/0\.0\.0\.0:\d+$/);
  assert.ok(isLoopback("127.0.0.1") && isLoopback("localhost") && isLoopback("::1") && isLoopback("[::1]"));
  assert.ok(!isLoopback("0.0.0.0") && !isLoopback("10.0.0.1") && !isLoopback("example.com"));
});

test("serves over HTTP with header and request timeouts; a chunked body over the limit gets 413", async () => {
  await using engine = await startEngine(apiWorkflows());
  await using server = await startServer({
    engine,
    port: 0,
    bodyLimit: 2000,
    headersTimeoutMs: 300,
    requestTimeoutMs: 600,
  });
  assert.equal(server.server.headersTimeout, 300);
  assert.equal(server.server.requestTimeout, 600);

  const started = await fetch(`${server.url}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workflow: "greet", input: { name: "Net" }, id: "net-1" }),
  });
  assert.equal(started.status, 201);
  assert.equal(await engine.handle("net-1").result(), "Hello, Net");

  const chunks = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"workflow":"greet","id":"net-2","input":{"name":"'));
      for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(500)));
      controller.enqueue(new TextEncoder().encode('"}}'));
      controller.close();
    },
  });
  const tooBig = await fetch(`${server.url}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: chunks,
    duplex: "half",
  } as RequestInit);
  assert.equal(tooBig.status, 413);
  await assert.rejects(engine.getRun("net-2"), /not found/);

  // A client that never finishes its headers is answered 408 and cut off.
  const answer = await new Promise<string>((resolve) => {
    let received = "";
    const socket = connect(Number(new URL(server.url).port), "127.0.0.1", () => {
      socket.write("GET /api/health HTTP/1.1\r\nHost: x\r\n");
    });
    socket.on("data", (chunk) => {
      received += chunk;
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(received));
  });
  assert.match(answer, /^HTTP\/1\.1 408 /);
});

test("close ends open watch streams", async () => {
  await using engine = await startEngine(apiWorkflows());
  const server = await startServer({ engine, port: 0 });
  await engine.startRun("approval", { item: "cup" }, { id: "w-1" });
  const response = await fetch(`${server.url}/api/runs/w-1/watch`);
  assert.equal(response.status, 200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  await server.close();
  await assert.rejects(async () => {
    for (;;) if ((await reader.read()).done) throw new Error("stream ended");
  });
});
