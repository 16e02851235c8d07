/**
 * Errors of the `http` node. Each failure is thrown as a `RetryableError`
 * or a `FatalError` (what the retry policy reads) whose `cause` is an
 * `HttpError` with the stable code.
 */
import { BatonError, FatalError, RetryableError } from "../errors.js";
import { redactSecrets } from "./redact-secrets.js";

/**
 * Stable codes of the `http` node's failures. Retried: `HTTP_TIMEOUT`,
 * `HTTP_NETWORK_ERROR`, `HTTP_DNS_FAILED`, and `HTTP_UNEXPECTED_STATUS` for
 * 408, 429 and 5xx. Not retried: the others.
 */
export type HttpErrorCode =
  | "HTTP_INVALID_URL"
  | "HTTP_INVALID_REQUEST"
  | "HTTP_ADDRESS_REFUSED"
  | "HTTP_DNS_FAILED"
  | "HTTP_NETWORK_ERROR"
  | "HTTP_TIMEOUT"
  | "HTTP_RESPONSE_TOO_LARGE"
  | "HTTP_INVALID_RESPONSE"
  | "HTTP_TOO_MANY_REDIRECTS"
  | "HTTP_UNEXPECTED_STATUS";

/**
 * The `cause` of every error `sendHttpRequest` throws: `code` says what
 * failed; `status` and `body` (its first 500 characters) are set for
 * `HTTP_UNEXPECTED_STATUS`, `retryAfter` (milliseconds) when a 429 or 503
 * answer had a readable `Retry-After`.
 */
export class HttpError extends BatonError {
  override readonly code: HttpErrorCode | "INVALID_OPTIONS";
  readonly status?: number;
  readonly body?: string;
  readonly retryAfter?: number;
  constructor(
    code: HttpErrorCode | "INVALID_OPTIONS",
    message: string,
    details?: { status?: number; body?: string; retryAfter?: number },
  ) {
    super(code, message);
    this.name = "HttpError";
    this.code = code;
    if (details?.status !== undefined) this.status = details.status;
    if (details?.body !== undefined) this.body = details.body;
    if (details?.retryAfter !== undefined) this.retryAfter = details.retryAfter;
  }
}

const retriedCodes = new Set(["HTTP_TIMEOUT", "HTTP_NETWORK_ERROR", "HTTP_DNS_FAILED"]);

/** True for the statuses worth another attempt: 408, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** The `HttpError` of anything thrown while sending: itself, a `BatonError`'s code, or a network error. */
function asHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof BatonError && (error.code === "HTTP_ADDRESS_REFUSED" || error.code === "INVALID_OPTIONS")) {
    return new HttpError(error.code, error.message);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new HttpError("HTTP_NETWORK_ERROR", message);
}

/**
 * The error `sendHttpRequest` throws for `error`: a `RetryableError` (with
 * `retryAfter` when the answer gave one) or a `FatalError`, whose message
 * is `context` then the error's own, and whose `cause` is an `HttpError`
 * with the same message. Every secret is replaced by `***` in both.
 *
 * @example
 * httpFailure(new HttpError("HTTP_TIMEOUT", "no answer within 30000ms"), "GET https://api.example.com/x", []);
 * // RetryableError "GET https://api.example.com/x: no answer within 30000ms"
 */
export function httpFailure(error: unknown, context: string, secrets: readonly string[]): FatalError | RetryableError {
  const http = asHttpError(error);
  const message = redactSecrets(`${context}: ${http.message}`, secrets);
  const body = http.body === undefined ? undefined : redactSecrets(http.body, secrets);
  const cause = new HttpError(http.code, message, { status: http.status, body, retryAfter: http.retryAfter });
  const retried =
    retriedCodes.has(http.code) || (http.code === "HTTP_UNEXPECTED_STATUS" && isRetryableStatus(http.status ?? 0));
  if (!retried) return new FatalError(message, { cause });
  return new RetryableError(
    message,
    http.retryAfter === undefined ? { cause } : { cause, retryAfter: http.retryAfter },
  );
}

/** Longest `Retry-After` obeyed, in milliseconds (365 days); a longer one leaves the retry policy's backoff. */
const maxRetryAfterMs = 365 * 86_400_000;

/**
 * The wait a `Retry-After` header asks for, in milliseconds: seconds
 * (`"120"`) or an HTTP date (the time until then, 0 when past);
 * `undefined` when absent, unreadable or over 365 days.
 *
 * @example
 * retryAfterMs("30"); // 30_000
 */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Math.max(0, Date.parse(text) - now);
  return Number.isFinite(ms) && ms <= maxRetryAfterMs ? ms : undefined;
}
