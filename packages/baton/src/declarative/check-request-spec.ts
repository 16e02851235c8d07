/** Checks of an `http` node's request spec before anything is sent. */
import { HttpError } from "./http-error.js";
import { type HttpRequestSpec, httpMethods } from "./http-request-types.js";

/** Longest `timeoutMs` a timer can hold (about 24.8 days). */
const maxTimeoutMs = 2_147_483_647;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The reason `request` cannot be sent, or `undefined` when it can. */
function problemOf(request: HttpRequestSpec): string | undefined {
  const method = String(request.method).toUpperCase();
  if (!(httpMethods as readonly string[]).includes(method)) {
    return `method ${JSON.stringify(request.method)} is not one of ${httpMethods.join(", ")}`;
  }
  if (typeof request.url !== "string") return "url must be a string";
  if (request.headers !== undefined && !isRecord(request.headers)) return "headers must be an object";
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (!["string", "number", "boolean"].includes(typeof value)) {
      return `header ${JSON.stringify(name)} must be a string`;
    }
  }
  if (request.query !== undefined && !isRecord(request.query)) return "query must be an object";
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (!["string", "number", "boolean"].includes(typeof value)) {
      return `query parameter ${JSON.stringify(name)} must be a string, a number or a boolean`;
    }
  }
  if (method === "HEAD" && request.body !== undefined) return "a HEAD request has no body";
  const { expect, maxResponseBytes, timeoutMs, followRedirects } = request;
  if (
    expect !== undefined &&
    !(
      Array.isArray(expect) &&
      expect.length > 0 &&
      expect.every((status) => Number.isInteger(status) && status >= 100 && status <= 599)
    )
  ) {
    return `expect must be a non-empty list of statuses from 100 to 599, not ${JSON.stringify(expect)}`;
  }
  if (maxResponseBytes !== undefined && !(Number.isSafeInteger(maxResponseBytes) && maxResponseBytes >= 0)) {
    return `maxResponseBytes must be an integer >= 0, not ${JSON.stringify(maxResponseBytes)}`;
  }
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0 && timeoutMs <= maxTimeoutMs)) {
    return `timeoutMs must be an integer from 1 to ${maxTimeoutMs}, not ${JSON.stringify(timeoutMs)}`;
  }
  if (followRedirects !== undefined && typeof followRedirects !== "boolean") return "followRedirects must be a boolean";
  return undefined;
}

/**
 * Checks the fields of `request` (method, types, limits) before anything is sent.
 *
 * @example
 * checkRequestSpec({ method: "FETCH", url: "https://api.example.com" }); // throws
 * @throws HttpError `HTTP_INVALID_REQUEST` naming the first field that is wrong.
 */
export function checkRequestSpec(request: HttpRequestSpec): void {
  const problem = problemOf(request);
  if (problem !== undefined) throw new HttpError("HTTP_INVALID_REQUEST", problem);
}
