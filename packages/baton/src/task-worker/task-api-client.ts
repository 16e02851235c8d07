/**
 * The task routes of the HTTP API (`/api/tasks/...`) as a task worker calls
 * them, over the global `fetch`. The JSON is the API's (docs/http-api.md);
 * times arrive as ISO strings. Every answer that is not a 2xx becomes a
 * `TaskApiError` with the API's error code (`TASK_LEASE_LOST`,
 * `UNAUTHORIZED`...), or `HTTP_<status>` when the body names none.
 */
import { BatonError } from "../errors.js";
import type { TaskFailure } from "../task-types.js";

/** A task a poll leased, as the API sends it. */
export interface WireLeasedTask {
  token: string;
  id: string;
  name: string;
  queue: string;
  input?: unknown;
  runId: string;
  attempt: number;
  leaseExpiresAt: string;
  heartbeatTimeoutMs?: number;
}

/** The answer of a heartbeat, as the API sends it. */
export interface WireHeartbeatResult {
  leaseExpiresAt: string;
  cancelRequested: boolean;
}

/** An answer of the API other than a 2xx: its HTTP status, code and message. */
export class TaskApiError extends BatonError {
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(code, message);
    this.name = "TaskApiError";
    this.status = status;
  }
}

/** The calls of a task worker; each takes a signal that gives it up. */
export interface TaskApiClient {
  poll(
    request: { workerId: string; queues: string[]; max: number; waitMs: number },
    signal: AbortSignal,
  ): Promise<WireLeasedTask[]>;
  heartbeat(token: string, details: unknown): Promise<WireHeartbeatResult>;
  complete(token: string, output: unknown): Promise<{ duplicate: boolean }>;
  fail(token: string, failure: TaskFailure): Promise<{ retry: boolean; retryAt?: string; duplicate: boolean }>;
}

/** How long a report (heartbeat, completion, failure) may take before it is given up. */
const reportTimeoutMs = 30_000;
/** How long past its `waitMs` a poll may take before it is given up (a connection that went dead). */
const pollGraceMs = 30_000;

/**
 * True when the same call may succeed later: the server could not be
 * reached or did not answer in time, or answered 408, 429 or 5xx.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof TaskApiError)) return true;
  return error.status === 408 || error.status === 429 || error.status >= 500;
}

/** True when the API refused a report because the attempt is no longer this task worker's (409, 404). */
export function isLeaseGone(error: unknown): error is TaskApiError {
  return error instanceof TaskApiError && (error.status === 409 || error.status === 404);
}

/** Describes an error of `fetch` (which hides the reason in `cause`) or of the API, for a log line. */
export function describeCallError(error: unknown): string {
  if (error instanceof TaskApiError) return `${error.code}: ${error.message}`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return reason ? `${message} (${reason})` : message;
}

/**
 * A client of the task routes of the server at `url` (its base: the API is
 * under `<url>/api/`), sending `token` as a bearer token when given.
 * @throws BatonError `INVALID_OPTIONS` when `url` is not an http(s) URL.
 */
export function createTaskApiClient(url: string, token: string | undefined): TaskApiClient {
  let base: URL;
  try {
    base = new URL(url.endsWith("/") ? url : `${url}/`);
  } catch {
    throw new BatonError("INVALID_OPTIONS", `invalid url ${JSON.stringify(url)}: expected http(s)://host:port`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new BatonError("INVALID_OPTIONS", `invalid url ${JSON.stringify(url)}: expected http(s)://host:port`);
  }
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;

  const post = async <T>(path: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<T> => {
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new TaskApiError(408, "TIMEOUT", `POST /${path} had no answer within ${timeoutMs}ms`)),
      timeoutMs,
    );
    try {
      const response = await fetch(new URL(path, base), {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!response.ok) {
        const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
        const code = typeof error?.code === "string" ? error.code : `HTTP_${response.status}`;
        const message = typeof error?.message === "string" ? error.message : text.slice(0, 200) || response.statusText;
        throw new TaskApiError(
          response.status,
          code,
          `POST /${path.replace(/tasks\/[^/]+\//, "tasks/…/")}: ${message}`,
        );
      }
      return parsed as T;
    } catch (error) {
      throw timeout.signal.aborted && !signal?.aborted ? timeout.signal.reason : error;
    } finally {
      clearTimeout(timer);
    }
  };
  const tokenPath = (token: string, what: string) => `api/tasks/${encodeURIComponent(token)}/${what}`;

  return {
    async poll(request, signal) {
      const answer = await post<{ tasks: WireLeasedTask[] }>(
        "api/tasks/poll",
        request,
        request.waitMs + pollGraceMs,
        signal,
      );
      return answer.tasks;
    },
    heartbeat(token, details) {
      return post(tokenPath(token, "heartbeat"), details === undefined ? {} : { details }, reportTimeoutMs);
    },
    complete(token, output) {
      return post(tokenPath(token, "complete"), output === undefined ? {} : { output }, reportTimeoutMs);
    },
    fail(token, failure) {
      return post(tokenPath(token, "fail"), failure, reportTimeoutMs);
    },
  };
}
