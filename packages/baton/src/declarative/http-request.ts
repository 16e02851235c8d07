/**
 * The outbound request of the declarative workflows' `http` node: URL and
 * body built from the spec, every hop checked by the address guard (SSRF),
 * redirects followed by hand, the body read up to a limit, and failures
 * thrown as `RetryableError` or `FatalError` with secrets masked.
 */
import { checkRequestSpec } from "./check-request-spec.js";
import { decodeHttpBody, encodeHttpBody } from "./http-body.js";
import { HttpError, httpFailure, retryAfterMs } from "./http-error.js";
import type { HttpMethod, HttpRequestOptions, HttpRequestSpec, HttpResponse } from "./http-request-types.js";
import { displayUrl, redactSecrets } from "./redact-secrets.js";
import { checkUrl, resolveHttpTarget } from "./resolve-http-target.js";
import { type HopResponse, sendHttpHop } from "./send-http-hop.js";

/** Most redirects followed. */
const maxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
/** Headers kept only while the redirects stay on the first origin. */
const originHeaders = ["authorization", "cookie", "proxy-authorization"];
/** Characters of an unexpected answer's body kept in the error. */
const bodyExcerpt = 500;

/** Where the request is, for error messages. */
interface Progress {
  method: string;
  url: URL | string;
}

/**
 * Sends `request` and returns the answer. Each hop (the first URL and every
 * redirect) is checked the same way: an `http:` or `https:` URL without
 * credentials, its host resolved here (`options.lookup`) and every address
 * checked by the address guard unless `options.allowlist` lets it through;
 * the connection goes to the address checked. Redirects (301, 302, 303,
 * 307, 308; at most 5) are followed unless `followRedirects` is false: 303,
 * and 301/302 after a POST, go on as GET without body; `Authorization`,
 * `Cookie` and `Proxy-Authorization` are dropped once a redirect leaves the
 * first origin.
 *
 * @example
 * const res = await sendHttpRequest(
 *   { method: "POST", url: "https://api.example.com/orders", body: { id: 7 }, expect: [201] },
 *   { secrets: [token] },
 * );
 * // { status: 201, headers: { "content-type": "application/json" }, body: { ok: true } }
 * @throws RetryableError for a timeout (`HTTP_TIMEOUT`), a network or DNS
 * failure, or a 408, 429 or 5xx answer not in `expect` (with `retryAfter`
 * from a 429 or 503's `Retry-After`); FatalError for a refused address
 * (`HTTP_ADDRESS_REFUSED`), a bad URL or request, a body over
 * `maxResponseBytes`, too many redirects, a body that is not the JSON its
 * content type says, or another status not in `expect`. The `cause` of each
 * is an `HttpError` with the code (and the status and body excerpt for an
 * unexpected status); every message names the method and URL, with
 * `options.secrets` masked as `***`. When `options.signal` aborts, its
 * reason is thrown as it is.
 */
export async function sendHttpRequest(request: HttpRequestSpec, options: HttpRequestOptions): Promise<HttpResponse> {
  const secrets = (options.secrets ?? []).filter((secret) => typeof secret === "string" && secret !== "");
  const progress: Progress = { method: String(request.method).toUpperCase(), url: String(request.url) };
  const fail = (error: unknown) =>
    httpFailure(error, `${progress.method} ${displayUrl(progress.url, secrets)}`, secrets);
  if (options.signal?.aborted) throw options.signal.reason;
  try {
    checkRequestSpec(request);
  } catch (error) {
    throw fail(error);
  }
  const timeoutMs = request.timeoutMs ?? 30_000;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  try {
    return await exchange(request, options, signal, progress);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (deadline.signal.aborted) {
      throw fail(new HttpError("HTTP_TIMEOUT", `no complete answer within ${timeoutMs}ms (timeoutMs)`));
    }
    throw fail(error);
  } finally {
    clearTimeout(timer);
  }
}

/** The first URL: `request.url` with the `query` parameters set. */
function firstUrl(request: HttpRequestSpec): URL {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new HttpError("HTTP_INVALID_URL", "not a valid absolute URL");
  }
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, String(value));
  checkUrl(url);
  return url;
}

/** Sends the hops of `request` until an answer that is not a redirect to follow. */
async function exchange(
  request: HttpRequestSpec,
  options: HttpRequestOptions,
  signal: AbortSignal,
  progress: Progress,
): Promise<HttpResponse> {
  let method = progress.method as HttpMethod;
  let url = firstUrl(request);
  progress.url = url;
  const headers: Record<string, string> = { "user-agent": "baton" };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = String(value);
  delete headers.host;
  let body = encodeHttpBody(request.body, headers);
  for (let redirects = 0; ; redirects++) {
    const target = await resolveHttpTarget(url, options, signal);
    const response = await sendHttpHop({ target, method, headers, body, signal });
    const location = response.headers.location;
    if (request.followRedirects === false || !redirectStatuses.has(response.status) || location === undefined) {
      return finish(request, method, response, options.secrets ?? []);
    }
    response.discard();
    if (redirects === maxRedirects) {
      throw new HttpError("HTTP_TOO_MANY_REDIRECTS", `more than ${maxRedirects} redirects`);
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new HttpError("HTTP_INVALID_URL", `redirect ${response.status} to a Location that is not a URL`);
    }
    if (response.status === 303 ? method !== "HEAD" : response.status <= 302 && method === "POST") {
      method = "GET";
      body = undefined;
      for (const name of ["content-type", "content-length", "content-encoding"]) delete headers[name];
    }
    if (next.origin !== url.origin) for (const name of originHeaders) delete headers[name];
    url = next;
    progress.method = method;
    progress.url = url;
  }
}

/**
 * The answer of the last hop: its status checked against `expect`, its body
 * read and parsed; for a status not accepted, the start of the body (with
 * `secrets` masked) goes in the error.
 */
async function finish(
  request: HttpRequestSpec,
  method: HttpMethod,
  response: HopResponse,
  secrets: readonly string[],
): Promise<HttpResponse> {
  const { status, headers } = response;
  const accepted = request.expect ? request.expect.includes(status) : status >= 200 && status <= 299;
  if (!accepted) {
    // Masked before it is cut, so that no part of a secret is left at the cut.
    const whole = (await response.read(64 * 1024, "cut")).toString("utf8");
    const text = redactSecrets(whole, secrets).slice(0, bodyExcerpt);
    const expected = request.expect ? request.expect.join(", ") : "2xx";
    const retryAfter = status === 429 || status === 503 ? retryAfterMs(headers["retry-after"]) : undefined;
    const answered = `answered ${status}${response.statusText ? ` ${response.statusText}` : ""}`;
    throw new HttpError("HTTP_UNEXPECTED_STATUS", `${answered} (expected ${expected})${text ? `: ${text}` : ""}`, {
      status,
      body: text,
      retryAfter,
    });
  }
  const raw = await response.read(request.maxResponseBytes ?? 1_048_576, "fail");
  return { status, headers, body: decodeHttpBody(method === "HEAD" ? Buffer.alloc(0) : raw, headers) };
}
