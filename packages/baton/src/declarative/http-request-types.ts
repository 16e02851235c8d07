/** Types of the `http` node's requests: what to send, how, and what came back. */
import type { AddressAllowlist } from "./address-guard.js";

/** The methods a request may use. */
export const httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

/** One of `httpMethods`. */
export type HttpMethod = (typeof httpMethods)[number];

/** A request of the `http` node. */
export interface HttpRequestSpec {
  /** `GET`, `POST`, `PUT`, `PATCH`, `DELETE` or `HEAD` (any case). */
  method: string;
  /** An `http:` or `https:` URL, without user name or password. */
  url: string;
  /** Request headers. `Host` and `Content-Length` are set by the request itself. */
  headers?: Record<string, string>;
  /** Query parameters, set on the URL (replacing a parameter of the same name). */
  query?: Record<string, string | number | boolean>;
  /**
   * The body: a string is sent as it is (as `text/plain; charset=utf-8`
   * unless the headers set a content type), anything else as JSON
   * (`application/json` unless the headers set a content type). Not with `HEAD`.
   */
  body?: unknown;
  /** Statuses accepted; any other fails the request. Default: any 2xx. */
  expect?: number[];
  /** Largest response body read, in bytes. Default 1 MiB (1_048_576). */
  maxResponseBytes?: number;
  /** Longest time for the whole request (DNS, redirects, body), in milliseconds. Default 30_000. */
  timeoutMs?: number;
  /** Follow redirects (at most 5). Default true. */
  followRedirects?: boolean;
}

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (as `dns.promises.lookup(host, { all: true })`). */
export type HostLookup = (host: string) => Promise<ResolvedAddress[]>;

/** How a request is sent: the workflow's allowlist, the resolver, cancellation and secrets. */
export interface HttpRequestOptions {
  /** Hosts and addresses let through although the address guard refuses them. */
  allowlist?: AddressAllowlist;
  /** Resolver of host names. Default: `dns.promises.lookup(host, { all: true })`. */
  lookup?: HostLookup;
  /** Aborts the request; `sendHttpRequest` then throws the signal's reason. */
  signal?: AbortSignal;
  /** Values replaced by `***` in every error message (empty ones are ignored). */
  secrets?: string[];
}

/** The answer to a request. */
export interface HttpResponse {
  status: number;
  /** Headers by lower-case name; repeated headers are joined with `", "`. */
  headers: Record<string, string>;
  /**
   * The body: parsed when the content type is JSON (`application/json` or
   * `…+json`; `null` when empty), else the text (UTF-8).
   */
  body: unknown;
}
