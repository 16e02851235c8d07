/**
 * The fixture of the `http` node's request tests: a server on 127.0.0.1
 * that answers by path (`/json`, `/echo`, `/status?code=`, `/redirect?to=`,
 * ...), and a guard on every socket connection of the process, which
 * records its host and fails a connection to an IP address that is not
 * loopback: no test reaches another machine.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { after, before, mock } from "node:test";
import { HttpError } from "../src/declarative/http-error.js";
import type { HostLookup, HttpRequestOptions } from "../src/declarative/http-request-types.js";

/** The test server and the connection guard, started before the file's tests and stopped after them. */
export function useHttpTestServer() {
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
  return {
    /** `http://127.0.0.1:<port>`. */
    get base() {
      return base;
    },
    get port() {
      return port;
    },
    /** Requests the server answered. */
    seen,
    /** The hosts of the connections made since the last call. */
    takeConnects,
  };
}

/** The allowlist that lets requests reach the test server. */
export const local: HttpRequestOptions = { allowlist: { allowedHosts: ["127.0.0.1"] } };

/** A resolver answering `addresses` for every name, recording the names asked. */
export function lookupTo(...addresses: string[]): HostLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup: HostLookup = async (host) => {
    calls.push(host);
    return addresses.map((address) => ({ address, family: net.isIP(address) === 6 ? 6 : 4 }));
  };
  return Object.assign(lookup, { calls });
}

/** What `promise` rejects with, and the `HttpError` cause of it. */
export async function failure(promise: Promise<unknown>): Promise<{ error: Error; cause: HttpError }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    assert.ok(error.cause instanceof HttpError, `cause of ${error.message}`);
    return { error, cause: error.cause };
  }
  assert.fail("expected the request to fail");
}
