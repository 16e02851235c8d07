/**
 * Keeps web pages of other origins from driving the API. A server without a
 * token lets every request through as operator, so a page the user opens
 * elsewhere must not be able to make the user's browser send one:
 *
 * - Host: a request for a name that is not this server's (a page of an
 *   attacker's name that resolves to 127.0.0.1: DNS rebinding, whose
 *   requests are "same-origin" to the browser) is refused with 403
 *   `HOST_NOT_ALLOWED`, unless the name is allowed. Loopback names and
 *   addresses are always allowed; `/api/health` and `/api/ready` answer any
 *   name (probes send an address).
 * - On every state-changing request (any method but GET, HEAD, OPTIONS, on
 *   any path; the API's are under `/api/`): `Sec-Fetch-Site`, when sent, must be `same-origin` or `none`
 *   (403 `CROSS_SITE_REQUEST`; another port of the same host is `same-site`,
 *   and refused); `Origin`, when sent, must be this server's own (its host
 *   equal to the `Host` the request came to; 403 `CROSS_SITE_REQUEST`); and
 *   `Content-Type` must be `application/json`, even without a body (415
 *   `UNSUPPORTED_MEDIA_TYPE`): a browser sends other types (forms,
 *   `no-cors` fetches) cross-site without asking the server first, and JSON
 *   only after a preflight that this server, sending no CORS header, never
 *   grants.
 */
import { BatonError } from "baton";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./api-error.js";

/** Options of `createRequestGuard`. */
export interface RequestGuardOptions {
  /**
   * Host names (or addresses) the server answers besides loopback ones:
   * `baton.example.com` allows that name, `.example.com` that name and every
   * name under it; any port. `"all"` turns the Host check off. Default: none
   * (loopback names and addresses only).
   */
  allowedHosts?: readonly string[] | "all";
}

const readMethods = new Set(["GET", "HEAD", "OPTIONS"]);
const probePaths = new Set(["/api/health", "/api/ready"]);
const jsonType = /^application\/json\s*(;.*)?$/i;
const hostName = /^(\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?|\[[0-9a-f:.]+\])$/i;

/** True for a host name or address (no port) that only this machine can reach: localhost, *.localhost, 127.0.0.0/8, ::1. */
export function isLoopbackName(name: string): boolean {
  const host = name
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === "::1" ||
    host === "::ffff:127.0.0.1"
  );
}

/** The name part of a `Host` value (`[::1]:7700` → `[::1]`, `Example.com.:80` → `example.com`). */
function nameOfHost(host: string): string {
  const value = host.trim().toLowerCase();
  const name = value.startsWith("[") ? value.slice(0, value.indexOf("]") + 1) : value.replace(/:\d*$/, "");
  return name.replace(/\.$/, "");
}

/**
 * Checks one entry of `allowedHosts` and returns it as it is compared
 * (lower case, without a trailing dot).
 * @throws BatonError `INVALID_ALLOWED_HOST` on an entry that is not a host name or address without scheme or port.
 *
 * @example
 * checkAllowedHost("Baton.Example.com"); // "baton.example.com"
 */
export function checkAllowedHost(entry: string): string {
  if (typeof entry !== "string" || !hostName.test(entry.trim())) {
    throw new BatonError(
      "INVALID_ALLOWED_HOST",
      `allowed host ${JSON.stringify(entry)} is not a host name or address without scheme or port (e.g. baton.example.com, .example.com for it and its subdomains, 10.0.0.5, [fd00::1])`,
    );
  }
  return entry.trim().toLowerCase().replace(/\.$/, "");
}

/** The test of a request's host name against the entries of `allowedHosts`. */
function matchAllowedHosts(allowed: readonly string[]): (name: string) => boolean {
  const names = allowed.map(checkAllowedHost);
  return (name) =>
    names.some((entry) => (entry.startsWith(".") ? name === entry.slice(1) || name.endsWith(entry) : name === entry));
}

/**
 * Creates the middleware that refuses requests a page of another origin
 * could have made a browser send (see the top of this file).
 * @throws BatonError `INVALID_ALLOWED_HOST` on a malformed entry of `allowedHosts`.
 *
 * @example
 * app.use("*", createRequestGuard({ allowedHosts: ["baton.internal"] }));
 */
export function createRequestGuard(options: RequestGuardOptions = {}): MiddlewareHandler {
  const allowed = options.allowedHosts ?? [];
  const isAllowed = allowed === "all" ? () => true : matchAllowedHosts(allowed);
  return async (c, next) => {
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    const name = nameOfHost(host);
    if (!probePaths.has(c.req.path) && !isLoopbackName(name) && !isAllowed(name)) {
      throw new ApiError(
        403,
        "HOST_NOT_ALLOWED",
        `refused a request for host ${JSON.stringify(host)}: this server answers loopback names (localhost, 127.0.0.1, [::1]) and the hosts it is told to allow, so that a page whose name resolves to it cannot use it (DNS rebinding); to allow this name, start the server with --allowed-host ${name || "<host>"} (allowedHosts in the library)`,
      );
    }
    // Every path, not only /api/: no spelling of a path can slip past these checks.
    if (readMethods.has(c.req.method)) return next();
    const what = `${c.req.method} ${c.req.path}`;
    const site = c.req.header("sec-fetch-site");
    if (site !== undefined && site !== "same-origin" && site !== "none") {
      throw new ApiError(
        403,
        "CROSS_SITE_REQUEST",
        `refused ${what}: the browser says it comes from a page of another origin (Sec-Fetch-Site: ${JSON.stringify(site)}); only this server's own pages may change runs`,
      );
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && originHost(origin) !== host.trim().toLowerCase()) {
      throw new ApiError(
        403,
        "CROSS_SITE_REQUEST",
        `refused ${what}: it comes from a page of origin ${JSON.stringify(origin)}, not of this server (${JSON.stringify(host)}); only this server's own pages may change runs`,
      );
    }
    const type = c.req.header("content-type");
    if (!jsonType.test(type ?? "")) {
      throw new ApiError(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        `${what} must be sent with Content-Type: application/json, even without a body (a browser sends other types from any page without asking), not ${JSON.stringify(type ?? "none")}`,
      );
    }
    return next();
  };
}

/** The host (and port) of an `Origin` value, or `undefined` for `null` or anything unreadable. */
function originHost(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === "null" ? undefined : url.host.toLowerCase();
  } catch {
    return undefined;
  }
}
