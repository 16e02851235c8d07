/**
 * One hop of a request: one connection to the address the guard checked
 * (pinned through the `lookup` option, so that the Host header and the TLS
 * server name stay the URL's host while no second DNS answer is used), and
 * a body read up to a limit. Redirects are the caller's.
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { HttpError } from "./http-error.js";
import type { HttpTarget } from "./resolve-http-target.js";

/** What one hop sends. */
export interface HttpHop {
  target: HttpTarget;
  method: string;
  /** Headers by lower-case name. */
  headers: Record<string, string>;
  body?: Buffer;
  signal: AbortSignal;
}

/** The head of an answer, with its body still to read (or drop). */
export interface HopResponse {
  status: number;
  statusText: string;
  /** Headers by lower-case name; repeated ones joined with `", "`. */
  headers: Record<string, string>;
  /**
   * Reads the body, at most `limit` bytes: past it, `"fail"` throws
   * `HTTP_RESPONSE_TOO_LARGE` and `"cut"` keeps the first `limit` bytes;
   * either way the connection is closed.
   */
  read(limit: number, overflow: "fail" | "cut"): Promise<Buffer>;
  /** Drops the body and closes the connection. */
  discard(): void;
}

/** A network failure, retried. */
function networkError(error: unknown): HttpError {
  const message = error instanceof Error ? error.message : String(error);
  return new HttpError("HTTP_NETWORK_ERROR", message);
}

/** The headers of `response` by lower-case name, each one string. */
function headersOf(response: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** Reads the body of `response` (see `HopResponse.read`). */
function readBody(response: http.IncomingMessage, limit: number, overflow: "fail" | "cut"): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: HttpError) => {
      if (done) return;
      done = true;
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    const tooLarge = () =>
      new HttpError("HTTP_RESPONSE_TOO_LARGE", `the response body is over ${limit} bytes (maxResponseBytes)`);
    const declared = Number(response.headers["content-length"]);
    if (overflow === "fail" && declared > limit) {
      response.destroy();
      finish(tooLarge());
      return;
    }
    response.on("data", (chunk: Buffer) => {
      if (done) return;
      if (size + chunk.length <= limit) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      if (overflow === "cut") chunks.push(chunk.subarray(0, limit - size));
      finish(overflow === "fail" ? tooLarge() : undefined);
      response.destroy();
    });
    response.on("end", () => finish());
    response.on("error", (error) => finish(networkError(error)));
    response.on("close", () => finish(networkError(new Error("the connection closed before the response ended"))));
  });
}

/**
 * Sends one request to `hop.target` and resolves with the answer's head
 * once it arrives; the body is read with `read` (or dropped with `discard`).
 * The connection goes to `hop.target.address` only, with no connection pool
 * (a pooled connection could lead to an address this request did not check).
 *
 * @throws HttpError `HTTP_NETWORK_ERROR` when the connection fails or ends
 * early (also when `hop.signal` aborts), `HTTP_INVALID_REQUEST` when the
 * request cannot be written (a header value with a line break...).
 */
export function sendHttpHop(hop: HttpHop): Promise<HopResponse> {
  const { target } = hop;
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  return new Promise((resolve, reject) => {
    let request: http.ClientRequest;
    try {
      request = (target.url.protocol === "https:" ? https : http).request({
        protocol: target.url.protocol,
        hostname: target.host,
        port: target.url.port === "" ? undefined : Number(target.url.port),
        path: `${target.url.pathname}${target.url.search}`,
        method: hop.method,
        headers: hop.headers,
        agent: false,
        lookup: pinned,
        signal: hop.signal,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      reject(new HttpError("HTTP_INVALID_REQUEST", `the request cannot be sent: ${reason}`));
      return;
    }
    request.on("error", (error) => reject(networkError(error)));
    request.on("response", (response) => {
      resolve({
        status: response.statusCode ?? 0,
        statusText: response.statusMessage ?? "",
        headers: headersOf(response),
        read: (limit, overflow) => readBody(response, limit, overflow),
        discard: () => response.destroy(),
      });
    });
    request.end(hop.body);
  });
}
